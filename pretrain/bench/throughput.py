"""GMML training throughput: the pipeline's step vs a plain hand-written (timm-style) step.

    /usr/bin/python3 -m pretrain.bench.throughput --size tiny --img-size 112 --batch 32 --steps 5
    python -m pretrain.bench.throughput --size small --img-size 224 --batch 256 --steps 30   # GPU

The pipeline step includes real data loading (uint8 pack, on the GPU where there is one), crop,
flip, jitter, GMML corruption, bf16 autocast on GPU, fused AdamW, optional torch.compile. The
plain step is what a straightforward script does: float images already prepared in memory,
a simple random-patch mask with noise, forward, masked L1, backward, AdamW (for-each). Both use
the same model, batch and precision, in the same process. Prints img/s, model FLOP utilisation
(training FLOPs = 3 x forward, counted analytically) and the ratio.
"""
from __future__ import annotations

import argparse
import json
import platform
import time

import torch

from pretrain.config import load_config
from pretrain.model import GMMLModel, ViTArch
from pretrain.train import Trainer

PEAK_BF16 = {"H100": 989e12, "H200": 989e12, "A100": 312e12, "L4": 121e12}


def fwd_flops(a: ViTArch) -> float:
    """Multiply-adds x 2 of encoder + reconstruction head for one image."""
    n, d, p = (a.img_size // a.patch_size) ** 2, a.embed_dim, a.patch_size
    h = int(d * a.mlp_ratio)
    emb = 2 * n * p * p * a.in_chans * d
    blk = 2 * (n + 1) * d * 3 * d + 2 * 2 * (n + 1) ** 2 * d + 2 * (n + 1) * d * d + 2 * 2 * (n + 1) * d * h
    head = 3 * 2 * n * d * d + 2 * n * d * p * p * a.in_chans
    return emb + a.depth * blk + head


def peak(device: torch.device) -> tuple[float, str]:
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
        for k, v in PEAK_BF16.items():
            if k in name:
                return v, f"{name} bf16 dense peak (datasheet)"
        return float("nan"), name
    a = torch.randn(1024, 1024)
    b = torch.randn(1024, 1024)
    a @ b
    t = time.perf_counter()
    for _ in range(5):
        a @ b
    return 5 * 2 * 1024**3 / (time.perf_counter() - t), "measured fp32 1024^3 matmul in this run"


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def plain_step_fn(arch: ViTArch, batch: int, device, amp: bool):
    torch.manual_seed(0)
    model = GMMLModel(arch).to(device).train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.05)
    s = arch.img_size
    x = torch.randn(batch, 1, s, s, device=device)
    ctx = (lambda: torch.autocast(device.type, dtype=torch.bfloat16)) if amp else None

    def step():
        g = s // arch.patch_size
        m = (torch.rand(batch, 1, g, g, device=device) < 0.6).float()
        m = m.repeat_interleave(arch.patch_size, 2).repeat_interleave(arch.patch_size, 3)
        xc = x * (1 - m) + torch.randn_like(x) * m
        if ctx:
            with ctx():
                rec = model(xc)
        else:
            rec = model(xc)
        loss = ((rec.float() - x).abs() * m).sum() / m.sum()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 3.0)
        opt.step()
    return step


def timed(fn, steps: int, warmup: int, device) -> float:
    for i in range(warmup):
        fn(i)
    sync(device)
    t = time.perf_counter()
    for i in range(steps):
        fn(warmup + i)
    sync(device)
    return time.perf_counter() - t


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="tiny")
    ap.add_argument("--img-size", type=int, default=112)
    ap.add_argument("--patch-size", type=int, default=16)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--data", default="../shared/data/cxr")
    ap.add_argument("--pack", default="")
    ap.add_argument("--compile", action="store_true")
    ap.add_argument("--out", default="", help="also write the result JSON here")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    pack = a.pack or f"runs/pack{a.img_size}"
    cfg = load_config(None, [f"size={a.size}", f"img_size={a.img_size}", f"patch_size={a.patch_size}",
                             f"pack_size={a.img_size}", f"batch_size={a.batch}", f"pack={pack}",
                             f"data={a.data}", "out=runs/bench", "resume=false", "epochs=1000",
                             "drop_path=0.1", f"compile={a.compile}", "grid_every_epoch=false"])
    tr = Trainer(cfg)
    dev = tr.device
    arch = tr.model.encoder.arch
    t_pipe = timed(tr._step, a.steps, a.warmup, dev)  # _step: eager fallback if compile fails
    plain = plain_step_fn(arch, a.batch, dev, tr.amp == "bf16")
    t_plain = timed(lambda i: plain(), a.steps, a.warmup, dev)
    pk, pk_src = peak(dev)
    flops = 3 * fwd_flops(arch)
    r = {
        "device": torch.cuda.get_device_name(dev) if dev.type == "cuda" else f"{platform.processor() or 'cpu'} x{a.threads} threads",
        "model": f"ViT-{a.size}/{a.patch_size}@{a.img_size} + GMML head", "batch": a.batch, "amp": tr.amp,
        "pipeline_img_s": round(a.steps * a.batch / t_pipe, 2),
        "plain_img_s": round(a.steps * a.batch / t_plain, 2),
        "ratio_pipeline_over_plain": round(t_plain / t_pipe, 3),
        "train_gflop_per_img": round(flops / 1e9, 3),
        "peak_flops": pk, "peak_source": pk_src,
        "mfu_pipeline": round(a.steps * a.batch / t_pipe * flops / pk, 4),
        "mfu_plain": round(a.steps * a.batch / t_plain * flops / pk, 4),
        "reference_h100_naive_img_s": 4489,
        "torch": torch.__version__,
    }
    if dev.type == "cuda":
        r["ratio_vs_4489"] = round(r["pipeline_img_s"] / 4489, 3)
    print(json.dumps(r, indent=1))
    if a.out:
        with open(a.out, "w") as f:
            json.dump(r, f, indent=1)
    return r


if __name__ == "__main__":
    main()
