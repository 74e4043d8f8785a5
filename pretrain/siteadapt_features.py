"""Frozen app features of the held-out-site rows, with and without a horizontal flip, cached.

One encoder pass per image and orientation; the cache (`<cache>/<weights sha256[:16]>.npz`)
holds the app's pooled blocks (CLS and mean patch token of blocks 6, 9 and `final`) for the
rows `pretrain.sites.tasks` needs, and the same for the mirrored image (flip TTA). `final` is
the last third of those columns, so it is not stored twice.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import torch

from .evalcommon import load_inputs
from .export import load_encoder, sha256
from .versus import APP_BLOCKS


@torch.no_grad()
def app_and_flip(vit, items, pp, batch: int = 64) -> tuple[np.ndarray, np.ndarray]:
    pool = lambda t: torch.cat([t[:, 0], t[:, 1:].mean(1)], 1)  # noqa: E731
    out = {False: [], True: []}
    for i in range(0, len(items), batch):
        x = load_inputs(items[i : i + batch], pp["size"], pp["mean"], pp["std"])
        for flip in (False, True):
            outs = vit.forward_blocks(x.flip(-1) if flip else x)
            f = vit.norm(outs[-1])
            out[flip].append(torch.cat([pool(outs[b - 1]) for b in APP_BLOCKS] + [pool(f)], 1).numpy())
    return np.concatenate(out[False]), np.concatenate(out[True])


def cached_features(model_dir: Path, rows: dict, items: dict, cache: Path) -> tuple[dict, dict]:
    """{source: (app features, flipped app features)} with zeros in rows nobody needs."""
    card = json.loads((model_dir / "model.json").read_text())
    h = sha256(model_dir / "weights.safetensors")[:16]
    f = cache / f"{h}-flip.npz"
    meta = {"card": card, "sha": h, "feature_s": 0.0}
    if f.exists():
        z = np.load(f)
        if all(np.abs(z[k][rows[k]]).sum(1).all() for k in rows):
            return {k: (z[k], z[f"{k}_flip"]) for k in rows}, meta
    vit, card = load_encoder(model_dir)
    t = time.time()
    feats, save = {}, {}
    for k, idx in rows.items():
        a, b = app_and_flip(vit, [items[k][i] for i in idx], card["preprocessing"])
        full = np.zeros((len(items[k]), a.shape[1]), np.float32), np.zeros((len(items[k]), a.shape[1]), np.float32)
        full[0][idx], full[1][idx] = a, b
        feats[k] = full
        save[k], save[f"{k}_flip"] = full
    cache.mkdir(parents=True, exist_ok=True)
    np.savez(f, **save)
    meta["feature_s"] = round(time.time() - t, 1)
    return feats, meta
