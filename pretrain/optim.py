"""AdamW parameter groups and the per-step warm-up + cosine schedules for lr and weight decay."""
from __future__ import annotations

import inspect
import math

import torch

NO_DECAY_NAMES = ("pos_embed", "cls_token")


def param_groups(model: torch.nn.Module) -> list[dict]:
    """Weight decay only on >= 2-D weights; none on biases, norms, pos_embed, cls_token."""
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        if p.ndim <= 1 or any(k in name for k in NO_DECAY_NAMES):
            no_decay.append(p)
        else:
            decay.append(p)
    return [{"params": decay, "decay": True}, {"params": no_decay, "decay": False, "weight_decay": 0.0}]


def make_optimizer(model, lr: float, wd: float, device: torch.device):
    kw = {}
    # fused AdamW (torch >= 2.0 on CUDA) avoids one kernel launch per parameter tensor
    if device.type == "cuda" and "fused" in inspect.signature(torch.optim.AdamW).parameters:
        kw["fused"] = True
    return torch.optim.AdamW(param_groups(model), lr=lr, weight_decay=wd, betas=(0.9, 0.999), **kw)


def cosine(step: int, total: int, start: float, end: float) -> float:
    if total <= 0:
        return end
    t = min(max(step / total, 0.0), 1.0)
    return end + 0.5 * (start - end) * (1 + math.cos(math.pi * t))


def lr_at(step: int, total: int, warmup: int, peak: float, floor: float) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    return cosine(step - warmup, total - warmup, peak, floor)


def wd_at(step: int, total: int, start: float, end: float) -> float:
    return cosine(step, total, start, end)


def apply(opt, lr: float, wd: float) -> None:
    for g in opt.param_groups:
        g["lr"] = lr
        g["weight_decay"] = wd if g.get("decay", True) else 0.0
