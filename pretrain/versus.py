"""Pretrained (frozen encoder + logistic regression) vs a supervised ViT trained from scratch,
on the same labelled subsets and the same held-out patients.

    /usr/bin/python3 -m pretrain.versus resources/models/spcxr-vit-tiny --task kermany \
        --labels 50,200 --subsets 5 [--steps 150] [--out runs/versus.json]

The test patients are the ones held out of pretraining (sha1 split, frac 0.3), so neither side
has seen them. Each subset is class-balanced (`probe.subsample`, seed = subset index + 1; seed 1
is the subset `probe` and `supervised` use). The pretrained side reads two feature sets: the
probe's [CLS, mean patch] of `final`, and the app's standardised pooled blocks 6, 9 and `final`.
The relative gain is reported on AUC and on AUC above chance (AUC − 0.5).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from .evalcommon import auc_ci, fit_logreg, labelled_split, load_inputs
from .export import load_encoder
from .model import ViTArch
from .probe import subsample
from .supervised import train_eval

APP_BLOCKS = (6, 9)


@torch.no_grad()
def pooled_blocks(vit, items, pp, batch: int = 64) -> dict[str, np.ndarray]:
    """{"final": [CLS, mean patch] of final, "app": the same for blocks 6, 9 and final}."""
    fin, app = [], []
    for i in range(0, len(items), batch):
        x = load_inputs(items[i : i + batch], pp["size"], pp["mean"], pp["std"])
        outs = vit.forward_blocks(x)
        f = vit.norm(outs[-1])
        pool = lambda t: torch.cat([t[:, 0], t[:, 1:].mean(1)], 1)  # noqa: E731
        fin.append(pool(f).numpy())
        app.append(torch.cat([pool(outs[b - 1]) for b in APP_BLOCKS] + [pool(f)], 1).numpy())
    return {"final": np.concatenate(fin), "app": np.concatenate(app)}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model_dir")
    ap.add_argument("--task", default="kermany")
    ap.add_argument("--labels", default="50,200")
    ap.add_argument("--subsets", type=int, default=5)
    ap.add_argument("--first-subset", type=int, default=0, help="skip subsets before this index")
    ap.add_argument("--steps", type=int, default=150)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--data", default="../shared/data/cxr")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default="")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    vit, card = load_encoder(Path(a.model_dir))
    pp = card["preprocessing"]
    arch = ViTArch(**card["arch"], drop_path=0.1)
    tr, ytr, te, yte = labelled_split(a.data, a.task)
    groups = [it.patient_id for it in te]
    labels = [int(v) for v in a.labels.split(",") if v]
    # Interleaved (50/0, 200/0, 50/1, ...): a run stopped early still covers every label count.
    picks = {(n, s): subsample(ytr, n, s + 1) for s in range(a.first_subset, a.subsets) for n in labels}
    need = sorted({int(i) for idx in picks.values() for i in idx})
    t = time.time()
    ftr_rows = pooled_blocks(vit, [tr[i] for i in need], pp)
    fte = pooled_blocks(vit, te, pp)
    row = {i: k for k, i in enumerate(need)}
    print(json.dumps({"features_s": round(time.time() - t, 1), "train_images": len(need), "test": len(te)}),
          flush=True)
    runs = []
    for (n, s), idx in picks.items():
        r = {"labels": n, "subset": s}
        for kind in ("final", "app"):
            x = ftr_rows[kind][[row[int(i)] for i in idx]]
            sc, l2 = fit_logreg(x, ytr[idx], fte[kind])
            r[f"pretrained_{kind}"] = auc_ci(yte, sc, groups)["auc"]
        sup = train_eval(a.task, n, arch, a.steps, a.batch, a.lr, a.data, subset_seed=s + 1)
        r["supervised"] = sup["auc"]
        r["supervised_train_s"] = sup["train_s"]
        runs.append(r)
        print(json.dumps(r), flush=True)
    summary = {}
    for n in labels:
        rs = [r for r in runs if r["labels"] == n]
        m = {k: float(np.mean([r[k] for r in rs])) for k in ("pretrained_final", "pretrained_app", "supervised")}
        sd = {k: float(np.std([r[k] for r in rs])) for k in m}
        summary[n] = {
            **{k: round(v, 4) for k, v in m.items()},
            **{f"{k}_sd": round(v, 4) for k, v in sd.items()},
            "gain_auc_pct": round(100 * (m["pretrained_app"] / m["supervised"] - 1), 1),
            "gain_above_chance_pct": round(100 * ((m["pretrained_app"] - 0.5) / (m["supervised"] - 0.5) - 1), 1),
        }
    out = {"model": card.get("name"), "task": a.task, "test_images": len(te), "test_patients": len(set(groups)),
           "steps": a.steps, "batch": a.batch, "summary": summary, "runs": runs}
    print(json.dumps(out["summary"]), flush=True)
    if a.out:
        Path(a.out).write_text(json.dumps(out, indent=2) + "\n")
    return out


if __name__ == "__main__":
    main()
