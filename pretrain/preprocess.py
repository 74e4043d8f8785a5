"""Canonical model input, identical to the app's `PreprocessSpec` (docs/ARCHITECTURE.md).

8-bit gray -> pad to a centred square with 0 (offset = floor((side - w) / 2)) -> PIL BILINEAR
resize of a float32 ('F') image, which is PIL's antialiased triangle filter -> (v/255 - mean)/std.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

# Measured on ../shared/data/cxr (every 4th image of nih/kermany/ieee8023/figure1): mean 0.491,
# std 0.241 of v/255; the round values are within 2 % and are what the cards record. The app
# reads mean/std from each model card, so these are only the defaults for new encoders.
DEFAULT_MEAN = 0.5
DEFAULT_STD = 0.25


def load_gray8(path: str | Path) -> np.ndarray:
    """Read an image file as 8-bit grayscale (H, W) uint8. Errors name the file."""
    try:
        with Image.open(path) as im:
            if im.mode in ("I;16", "I;16B", "I;16L", "I"):
                a = np.asarray(im, dtype=np.float64)
                lo, hi = a.min(), a.max()
                a = (a - lo) / max(hi - lo, 1.0) * 255.0
                return np.round(a).astype(np.uint8)
            return np.asarray(im.convert("L"), dtype=np.uint8)
    except (OSError, ValueError) as e:
        raise ValueError(f"{path}: cannot read image ({e})") from e


def pad_square(gray: np.ndarray) -> np.ndarray:
    h, w = gray.shape
    side = max(h, w)
    if h == w:
        return gray
    out = np.zeros((side, side), dtype=gray.dtype)
    oy, ox = (side - h) // 2, (side - w) // 2
    out[oy : oy + h, ox : ox + w] = gray
    return out


def resize_square(gray: np.ndarray, size: int) -> np.ndarray:
    """Padded square -> float32 (size, size) in 0..255, antialiased bilinear (PIL semantics)."""
    sq = pad_square(gray)
    if sq.shape[0] == size:
        return sq.astype(np.float32)
    im = Image.fromarray(sq.astype(np.float32), mode="F")
    return np.asarray(im.resize((size, size), Image.BILINEAR), dtype=np.float32)


def canonical(gray: np.ndarray, size: int, mean: float = DEFAULT_MEAN, std: float = DEFAULT_STD):
    """float32 (1, size, size) model input."""
    v = resize_square(gray, size)
    return ((v / np.float32(255.0) - np.float32(mean)) / np.float32(std))[None].astype(np.float32)
