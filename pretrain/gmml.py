"""Augmentation and GMML corruption, done on the training device in batch.

All random choices of a step are drawn from a CPU generator seeded by (seed, step) for the
whole global batch and then sliced to this rank, so one process and N processes with the same
global batch see identical crops, masks and alien pairs, and resume needs no data-loader state.
Only the pixel noise of the `noise` fill is drawn per rank (on the device, seeded by step, rank).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

KMAX = 400  # blocks drawn per image; covering 75 % needs ~60-120


def draw_blocks(g: torch.Generator, n: int, size: int, align: int, max_frac: float):
    """[KMAX, n, 4] block (y0, x0, h, w) in pixels, aligned to `align`, clipped at the border."""
    u = torch.rand(KMAX, n, 4, generator=g)
    cells = size // align
    y0 = (u[..., 0] * cells).floor() * align
    x0 = (u[..., 1] * cells).floor() * align
    hi = max(max_frac * size, align)
    hw = align + u[..., 2:] * (hi - align)
    hw = (torch.round(hw / align) * align).clamp(min=align)
    return torch.stack([y0, x0, hw[..., 0], hw[..., 1]], -1)


def render_mask(blocks: torch.Tensor, target: torch.Tensor, size: int) -> torch.Tensor:
    """Union of blocks, added one at a time per image until coverage >= target. -> [n, H, W] bool."""
    dev = blocks.device
    n = blocks.shape[1]
    ar = torch.arange(size, device=dev, dtype=blocks.dtype)
    mask = torch.zeros(n, size, size, dtype=torch.bool, device=dev)
    need = target * (size * size)
    for k in range(KMAX):
        b = blocks[k]
        active = mask.flatten(1).sum(1) < need
        if k % 8 == 0 and not bool(active.any()):
            break
        rows = (ar >= b[:, 0:1]) & (ar < b[:, 0:1] + b[:, 2:3])
        cols = (ar >= b[:, 1:2]) & (ar < b[:, 1:2] + b[:, 3:4])
        mask |= rows[:, :, None] & cols[:, None, :] & active[:, None, None]
    return mask


def draw_step(g: torch.Generator, n: int, size: int, cfg) -> dict:
    """Every random parameter of a step, for the global batch of n views (CPU tensors)."""
    p = {}
    area = cfg.crop_scale_min + torch.rand(n, generator=g) * (1 - cfg.crop_scale_min)
    logr = (torch.rand(n, generator=g) * 2 - 1) * math.log(4 / 3)
    p["cw"] = torch.sqrt(area * torch.exp(logr)).clamp(max=1.0)
    p["ch"] = torch.sqrt(area / torch.exp(logr)).clamp(max=1.0)
    p["cx"] = p["cw"] / 2 + torch.rand(n, generator=g) * (1 - p["cw"])
    p["cy"] = p["ch"] / 2 + torch.rand(n, generator=g) * (1 - p["ch"])
    p["flip"] = torch.rand(n, generator=g) < cfg.flip_p
    p["bright"] = (torch.rand(n, generator=g) * 2 - 1) * cfg.brightness
    p["contrast"] = 1 + (torch.rand(n, generator=g) * 2 - 1) * cfg.contrast
    p["target"] = cfg.corrupt_min + torch.rand(n, generator=g) * (cfg.corrupt_max - cfg.corrupt_min)
    p["alien"] = torch.rand(n, generator=g) < cfg.alien_p
    p["fill"] = torch.randint(0, 3, (n,), generator=g)  # 0 noise, 1 zeros, 2 same (for 'mix')
    p["shift"] = (torch.rand(n, 2, generator=g) * 0.5 + 0.25) * size
    p["blocks"] = draw_blocks(g, n, size, cfg.align, cfg.block_max_frac)
    return p


def slice_params(p: dict, sl: slice) -> dict:
    return {k: (v[:, sl] if k == "blocks" else v[sl]) for k, v in p.items()}


def augment(u8: torch.Tensor, p: dict, size: int, mean: float, std: float) -> torch.Tensor:
    """uint8 [n, S0, S0] -> normalised float [n, 1, size, size]: crop, flip, jitter."""
    x = u8.float().unsqueeze(1) / 255.0
    n, dev = x.shape[0], x.device
    sx = p["cw"] * torch.where(p["flip"], -1.0, 1.0)
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0], theta[:, 0, 2] = sx, 2 * p["cx"] - 1
    theta[:, 1, 1], theta[:, 1, 2] = p["ch"], 2 * p["cy"] - 1
    grid = F.affine_grid(theta.to(dev), [n, 1, size, size], align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
    c = p["contrast"].to(dev).view(n, 1, 1, 1)
    b = p["bright"].to(dev).view(n, 1, 1, 1)
    x = ((x - 0.5) * c + 0.5 + b).clamp(0, 1)
    return (x - mean) / std


def corrupt(clean: torch.Tensor, p: dict, cfg, noise_gen: torch.Generator | None):
    """GMML corruption. -> (corrupted [n,1,H,W], mask [n,1,H,W] float, 1 = corrupted)."""
    n, _, size, _ = clean.shape
    dev = clean.device
    alien = p["alien"].to(dev)
    target = torch.where(p["alien"], torch.full_like(p["target"], cfg.alien_frac), p["target"])
    mask = render_mask(p["blocks"].to(dev), target.to(dev), size).unsqueeze(1)
    # fills for ordinary corruption
    kind = {"noise": 0, "zeros": 1, "same": 2}.get(cfg.fill)
    kinds = p["fill"].to(dev) if kind is None else torch.full((n,), kind, device=dev)
    fill = torch.zeros_like(clean)
    if bool((kinds == 0).any()):
        noise = torch.randn(clean.shape, generator=noise_gen, device=dev)
        fill = torch.where((kinds == 0).view(n, 1, 1, 1), noise, fill)
    if bool((kinds == 2).any()):
        ar = torch.arange(size, device=dev)
        sh = p["shift"].to(dev).long()
        rows = (ar[None] + sh[:, 0:1]) % size
        cols = (ar[None] + sh[:, 1:2]) % size
        same = clean[torch.arange(n, device=dev)[:, None, None], 0, rows[:, :, None], cols[:, None, :]]
        fill = torch.where((kinds == 2).view(n, 1, 1, 1), same.unsqueeze(1), fill)
    # alien: blocks from the partner view (pairs 0-1, 2-3, ...) at the same coordinates
    partner = torch.clamp(torch.arange(n, device=dev) ^ 1, max=n - 1)
    fill = torch.where(alien.view(n, 1, 1, 1), clean[partner], fill)
    x = torch.where(mask, fill, clean)
    return x, mask.float()


def masked_l1(rec: torch.Tensor, clean: torch.Tensor, mask: torch.Tensor):
    """Sum of |rec - clean| over corrupted pixels, and their count (caller normalises)."""
    return ((rec.float() - clean).abs() * mask).sum(), mask.sum()
