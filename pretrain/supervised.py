"""Supervised-from-scratch ViT baseline on n labelled images (patient split), AUC with CIs.

    /usr/bin/python3 -m pretrain.supervised --size tiny --img-size 112 --labels 50,100,200 \
        [--task nih] [--steps 150] [--out runs/supervised.json]

Same architecture as the encoder plus a linear head on the final CLS token; trained with the
pretraining augmentation (random resized crop, flip, brightness/contrast), AdamW, warm-up +
cosine. This is the comparison for the claim that the pretrained encoder wins on small data.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from . import optim
from .config import Config
from .evalcommon import auc_ci, labelled_split, load_inputs, pick_device
from .gmml import augment, draw_step
from .model import ViT, ViTArch
from .preprocess import DEFAULT_MEAN, DEFAULT_STD, resize_square, load_gray8
from .probe import subsample


class Classifier(torch.nn.Module):
    def __init__(self, arch: ViTArch):
        super().__init__()
        self.vit = ViT(arch)
        self.fc = torch.nn.Linear(arch.embed_dim, 1)

    def forward(self, x):
        return self.fc(self.vit(x)[:, 0]).squeeze(1)


def train_eval(task, n, arch, steps, batch, lr, data, seed=0, dev=torch.device("cpu"), subset_seed=1) -> dict:
    tr, ytr, te, yte = labelled_split(data, task)
    idx = subsample(ytr, n, subset_seed)
    size = arch.img_size
    u8 = torch.from_numpy(np.stack([np.round(resize_square(load_gray8(tr[i].path), size)).clip(0, 255)
                                    for i in idx]).astype(np.uint8))
    y = torch.from_numpy(ytr[idx]).float()
    torch.manual_seed(seed)
    model = Classifier(arch).to(dev)
    u8, y = u8.to(dev), y.to(dev)
    opt = optim.make_optimizer(model, lr, 0.05, dev)
    aug = Config(crop_scale_min=0.3)
    t = time.time()
    model.train()
    for step in range(steps):
        g = torch.Generator().manual_seed(seed * 7_919 + step)
        pick = torch.randint(0, len(idx), (batch,), generator=g).to(dev)
        p = draw_step(g, batch, size, aug)
        x = augment(u8[pick], p, size, DEFAULT_MEAN, DEFAULT_STD)
        optim.apply(opt, optim.lr_at(step, steps, steps // 10, lr, 1e-6), 0.05)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(x), y[pick])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 3.0)
        opt.step()
    model.eval()
    with torch.no_grad():
        s = np.concatenate([model(load_inputs(te[i : i + 64], size, DEFAULT_MEAN, DEFAULT_STD).to(dev)).cpu().numpy()
                            for i in range(0, len(te), 64)])
    r = auc_ci(yte, s, [it.patient_id for it in te])
    return {**r, "labels": n, "subset_seed": subset_seed, "steps": steps, "batch": batch, "train_s": round(time.time() - t, 1),
            "final_train_loss": round(float(loss), 4)}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="tiny")
    ap.add_argument("--img-size", type=int, default=112)
    ap.add_argument("--patch-size", type=int, default=16)
    ap.add_argument("--task", default="nih")
    ap.add_argument("--labels", default="50,100,200")
    ap.add_argument("--steps", type=int, default=150)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--data", default="../shared/data/cxr")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--out", default="")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    arch = ViTArch.from_size(a.size, img_size=a.img_size, patch_size=a.patch_size, drop_path=0.1)
    res = {"task": a.task, "arch": arch.card(), "results": []}
    for n in [int(v) for v in a.labels.split(",") if v]:
        r = train_eval(a.task, n, arch, a.steps, a.batch, a.lr, a.data, dev=pick_device(a.device))
        res["results"].append(r)
        print(json.dumps(r), flush=True)
    if a.out:
        Path(a.out).write_text(json.dumps(res, indent=2) + "\n")
    return res


if __name__ == "__main__":
    main()
