"""Linear probe of a frozen encoder vs a random initialisation of the same shape.

    /usr/bin/python3 -m pretrain.probe resources/models/spcxr-vit-tiny [--tasks nih,kermany]
        [--labels 50,100,200] [--update-card]

Features: [CLS, mean patch token] of the `final` output. Logistic regression (L2 chosen on a
hold-out of the training patients). Splits are by patient, the same rule that held the test
patients out of pretraining. AUCs carry 95 % CIs from a patient-level bootstrap.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from .evalcommon import auc_ci, features, fit_logreg, labelled_split, pick_device
from .export import load_encoder, sha256
from .model import ViT, ViTArch


def subsample(y: np.ndarray, n: int, seed: int) -> np.ndarray:
    """n training rows, class-balanced where possible (a small labelled budget)."""
    rng = np.random.default_rng(seed)
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    k = min(n // 2, len(pos), len(neg))
    return np.concatenate([rng.choice(pos, k, replace=False), rng.choice(neg, n - k, replace=False)])


def run_task(encoders: dict, task: str, data_root: str, pp: dict, max_train: int, labels: list[int]):
    tr, ytr, te, yte = labelled_split(data_root, task)
    if max_train and len(tr) > max_train:
        keep = subsample(ytr, max_train, 0)
        tr, ytr = [tr[i] for i in keep], ytr[keep]
    groups = [it.patient_id for it in te]
    res = {}
    for name, vit in encoders.items():
        t = time.time()
        ftr, fte = features(vit, tr, pp), features(vit, te, pp)
        s, l2 = fit_logreg(ftr, ytr, fte)
        r = {**auc_ci(yte, s, groups), "l2": l2, "n_train": len(tr), "feature_s": round(time.time() - t, 1)}
        for n in labels:
            idx = subsample(ytr, n, 1)
            s_n, _ = fit_logreg(ftr[idx], ytr[idx], fte)
            r[f"labels_{n}"] = auc_ci(yte, s_n, groups)
        res[name] = r
        print(json.dumps({"task": task, "encoder": name, **r}), flush=True)
    return res


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model_dir")
    ap.add_argument("--data", default="../shared/data/cxr")
    ap.add_argument("--tasks", default="nih,kermany")
    ap.add_argument("--labels", default="50,100,200", help="also probe with only n training labels")
    ap.add_argument("--max-train", type=int, default=1500, help="cap on probe training images")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--update-card", action="store_true", help="write results into model.json")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    vit, card = load_encoder(Path(a.model_dir))
    torch.manual_seed(0)
    rand = ViT(ViTArch(**card["arch"], drop_path=0.0)).eval()
    dev = pick_device(a.device)
    vit, rand = vit.to(dev), rand.to(dev)
    pp = card["preprocessing"]
    labels = [int(n) for n in a.labels.split(",") if n]
    out = {"features": "concat(CLS, mean patch) of final", "classifier": "L2 logistic regression",
           "split": "patient-level, sha1(patient) < 0.3 -> test", "ci": "95% patient bootstrap (1000)"}
    for task in a.tasks.split(","):
        r = run_task({"pretrained": vit, "random_init": rand}, task, a.data, pp, a.max_train, labels)
        r["delta_auc"] = round(r["pretrained"]["auc"] - r["random_init"]["auc"], 4)
        out[task] = r
    if a.update_card:
        p = Path(a.model_dir) / "model.json"
        card = json.loads(p.read_text())
        card.setdefault("metrics", {})["linear_probe"] = out
        p.write_text(json.dumps(card, indent=2) + "\n")
        assert card["files"]["encoder.onnx"] == sha256(Path(a.model_dir) / "encoder.onnx")
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
