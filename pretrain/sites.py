"""Encoders compared on held-out sites: the evidence for shipping one encoder over another.

    /usr/bin/python3 -m pretrain.sites resources/models/spcxr-vit-tiny runs/export-x/spcxr-vit-tiny \
        [--labels 50,200] [--subsets 5] [--out runs/sites.json]

Frozen features are the app's (CLS and mean patch token of blocks 6, 9 and `final`,
standardised; `versus.pooled_blocks`), cached per encoder under runs/sites/. Classifier: L2
logistic regression (`evalcommon.fit_logreg`), the same for every encoder. Tasks:

- `nih→kermany`: all 1,000 NIH images train; the Kermany patients held out of pretraining test.
- `kermany→nih`: the Kermany pretraining patients train; the NIH patients held out of
  pretraining test.
- `ieee8023`: covid19 vs pneumonia within ieee8023, a patient split (sha1 rule, 30 % test).
  A third site, but every encoder here saw these images (unlabelled) in pretraining.
- `kermany@N`: N Kermany labels (class-balanced subsets) → the held-out Kermany patients, the
  split no encoder was pretrained on; `kermany@all` with every pretraining-side patient.
- `nih`: NIH pretraining-side patients → NIH held-out patients (same site, for reference).

AUCs carry 95 % patient-bootstrap CIs.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from .data import is_test_patient, read_manifest
from .evalcommon import auc_ci, fit_logreg
from .export import load_encoder, sha256
from .probe import subsample
from .versus import pooled_blocks

SOURCES = {"nih": "nih_cxr14_talo", "kermany": "kermany_pediatric", "ieee8023": "ieee8023"}


def load_items(data: str, key: str):
    return read_manifest(Path(data) / SOURCES[key] / "manifest.csv")


def encoder_features(model_dir: Path, data: str, cache: Path) -> tuple[dict, dict]:
    card = json.loads((model_dir / "model.json").read_text())
    h = sha256(model_dir / "weights.safetensors")[:16]
    f = cache / f"{h}.npz"
    items = {k: load_items(data, k) for k in SOURCES}
    if f.exists():
        z = np.load(f)
        return {k: z[k] for k in SOURCES}, {"card": card, "sha": h, "items": items, "feature_s": 0.0}
    vit, card = load_encoder(model_dir)
    t = time.time()
    feats = {k: pooled_blocks(vit, items[k], card["preprocessing"])["app"] for k in SOURCES}
    cache.mkdir(parents=True, exist_ok=True)
    np.savez(f, **feats)
    return feats, {"card": card, "sha": h, "items": items, "feature_s": round(time.time() - t, 1)}


def binary(items, pos: str, neg: tuple[str, ...]):
    keep = [i for i, it in enumerate(items) if it.label == pos or it.label in neg]
    return np.array(keep), np.array([int(items[i].label == pos) for i in keep])


def tasks(items: dict, labels: list[int], subsets: int):
    """(name, train source, train rows, y, test source, test rows, y)."""
    ni, ny = binary(items["nih"], "pneumonia", ("normal",))
    ki, ky = binary(items["kermany"], "pneumonia", ("normal",))
    ci, cy = binary(items["ieee8023"], "covid19", ("pneumonia",))
    held = lambda src, rows: np.array([is_test_patient(items[src][i].patient_id, 0.3) for i in rows])  # noqa: E731
    nh, kh, ch = held("nih", ni), held("kermany", ki), held("ieee8023", ci)
    out = [
        ("nih→kermany", "nih", ni, ny, "kermany", ki[kh], ky[kh]),
        ("kermany→nih", "kermany", ki[~kh], ky[~kh], "nih", ni[nh], ny[nh]),
        ("ieee8023", "ieee8023", ci[~ch], cy[~ch], "ieee8023", ci[ch], cy[ch]),
        ("kermany@all", "kermany", ki[~kh], ky[~kh], "kermany", ki[kh], ky[kh]),
        ("nih", "nih", ni[~nh], ny[~nh], "nih", ni[nh], ny[nh]),
    ]
    for n in labels:
        for s in range(subsets):
            pick = subsample(ky[~kh], n, s + 1)
            out.append((f"kermany@{n}/{s}", "kermany", ki[~kh][pick], ky[~kh][pick], "kermany", ki[kh], ky[kh]))
    return out


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model_dirs", nargs="+")
    ap.add_argument("--data", default="../shared/data/cxr")
    ap.add_argument("--labels", default="50,200")
    ap.add_argument("--subsets", type=int, default=5)
    ap.add_argument("--cache", default="runs/sites")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default="")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    labels = [int(v) for v in a.labels.split(",") if v]
    res = {}
    for d in a.model_dirs:
        feats, meta = encoder_features(Path(d), a.data, Path(a.cache))
        items = meta["items"]
        runs = {}
        for name, src, tr, ytr, tsrc, te, yte in tasks(items, labels, a.subsets):
            s, l2 = fit_logreg(feats[src][tr], ytr, feats[tsrc][te])
            r = auc_ci(yte, s, [items[tsrc][i].patient_id for i in te])
            runs[name] = {**r, "n_train": int(len(tr)), "l2": l2}
        summary = {k: v["auc"] for k, v in runs.items() if "/" not in k}
        for n in labels:
            v = [r["auc"] for k, r in runs.items() if k.startswith(f"kermany@{n}/")]
            summary[f"kermany@{n}"] = round(float(np.mean(v)), 4)
            summary[f"kermany@{n}_sd"] = round(float(np.std(v)), 4)
        summary["cross_site_mean"] = round(float(np.mean([runs[k]["auc"] for k in
                                                          ("nih→kermany", "kermany→nih", "ieee8023")])), 4)
        card = meta["card"]
        res[d] = {"name": card.get("name"), "img_size": card["arch"]["img_size"], "weights_sha256_16": meta["sha"],
                  "feature_s": meta["feature_s"], "summary": summary, "runs": runs}
        print(json.dumps({"model": d, **res[d]["summary"], "feature_s": meta["feature_s"]}), flush=True)
    if a.out:
        Path(a.out).write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n")
    return res


if __name__ == "__main__":
    main()
