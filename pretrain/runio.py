"""Run files: JSON-lines log, checkpoints with RNG state, reconstruction grid PNG."""
from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image


class JsonLog:
    def __init__(self, path: Path, enabled: bool = True):
        self.path, self.enabled = Path(path), enabled

    def __call__(self, **rec) -> None:
        if not self.enabled:
            return
        rec = {"time": round(time.time(), 3), **rec}
        with open(self.path, "a") as f:
            f.write(json.dumps(rec) + "\n")
        print(json.dumps(rec), flush=True)


def rng_state() -> dict:
    s = {"torch": torch.get_rng_state(), "numpy": np.random.get_state(), "python": random.getstate()}
    if torch.cuda.is_available():
        s["cuda"] = torch.cuda.get_rng_state_all()
    return s


def set_rng_state(s: dict) -> None:
    torch.set_rng_state(s["torch"])
    np.random.set_state(s["numpy"])
    random.setstate(s["python"])
    if "cuda" in s and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(s["cuda"])


def save_checkpoint(path: Path, **state) -> None:
    """Atomic: write to a temp file then rename, so a crash never leaves a broken checkpoint."""
    tmp = Path(str(path) + ".tmp")
    torch.save({**state, "rng": rng_state()}, tmp)
    os.replace(tmp, path)


def load_checkpoint(path: Path) -> dict:
    try:
        kw = {"weights_only": False} if "weights_only" in torch.load.__code__.co_varnames else {}
        return torch.load(path, map_location="cpu", **kw)
    except Exception as e:  # noqa: BLE001 - report which file is broken
        raise ValueError(f"{path}: cannot load checkpoint ({e})") from e


def save_grid(path: Path, clean, corrupted, rec, mask, mean: float, std: float, n: int = 8) -> None:
    """Rows: clean, corrupted, reconstruction, mask; one column per image."""
    def img(t):
        return (t[:n, 0].float() * std + mean).clamp(0, 1).cpu()
    rows = [img(clean), img(corrupted), img(rec), mask[:n, 0].float().cpu()]
    tiles = torch.cat([torch.cat(list(r), dim=1) for r in rows], dim=0)
    Image.fromarray((tiles.numpy() * 255).round().astype(np.uint8)).save(path)
