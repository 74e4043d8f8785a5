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
- `kermany@N`: N Kermany labels (class-balanced subsets of a capped pool, `--max-train`) → the
  held-out Kermany patients, the split no encoder was pretrained on; and the whole pool.
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


def encoder_features(model_dir: Path, rows: dict, items: dict, cache: Path) -> tuple[dict, dict]:
    """Features of the needed rows of each source (others stay zero), cached per weights hash."""
    card = json.loads((model_dir / "model.json").read_text())
    h = sha256(model_dir / "weights.safetensors")[:16]
    f = cache / f"{h}.npz"
    meta = {"card": card, "sha": h, "feature_s": 0.0}
    if f.exists():
        z = np.load(f)
        return {k: z[k] for k in SOURCES}, meta
    vit, card = load_encoder(model_dir)
    t = time.time()
    feats = {}
    for k in SOURCES:
        idx = rows[k]
        got = pooled_blocks(vit, [items[k][i] for i in idx], card["preprocessing"])["app"]
        feats[k] = np.zeros((len(items[k]), got.shape[1]), np.float32)
        feats[k][idx] = got
    cache.mkdir(parents=True, exist_ok=True)
    np.savez(f, **feats)
    meta["feature_s"] = round(time.time() - t, 1)
    return feats, meta


def binary(items, pos: str, neg: tuple[str, ...]):
    keep = [i for i, it in enumerate(items) if it.label == pos or it.label in neg]
    return np.array(keep), np.array([int(items[i].label == pos) for i in keep])


def splits(items: dict, max_train: int):
    """The labelled rows of each source and which are held-out patients (sha1 split, 30 %), plus
    the Kermany training side capped at `max_train` images (class-balanced where possible):
    (ni, ny, nh, ki, ky, kh, ci, cy, ch, ktr, ktry)."""
    ni, ny = binary(items["nih"], "pneumonia", ("normal",))
    ki, ky = binary(items["kermany"], "pneumonia", ("normal",))
    ci, cy = binary(items["ieee8023"], "covid19", ("pneumonia",))
    held = lambda src, rows: np.array([is_test_patient(items[src][i].patient_id, 0.3) for i in rows])  # noqa: E731
    nh, kh, ch = held("nih", ni), held("kermany", ki), held("ieee8023", ci)
    ktr, ktry = ki[~kh], ky[~kh]
    if max_train and len(ktr) > max_train:
        keep = np.sort(subsample(ktry, max_train, 0))
        ktr, ktry = ktr[keep], ktry[keep]
    return ni, ny, nh, ki, ky, kh, ci, cy, ch, ktr, ktry


def tasks(items: dict, labels: list[int], subsets: int, max_train: int):
    """(name, train source, train rows, y, test source, test rows, y). The Kermany training side
    is capped at `max_train` images (class-balanced where possible); the subsets come from it."""
    ni, ny, nh, ki, ky, kh, ci, cy, ch, ktr, ktry = splits(items, max_train)
    out = [
        ("nih→kermany", "nih", ni, ny, "kermany", ki[kh], ky[kh]),
        ("kermany→nih", "kermany", ktr, ktry, "nih", ni[nh], ny[nh]),
        ("ieee8023", "ieee8023", ci[~ch], cy[~ch], "ieee8023", ci[ch], cy[ch]),
        (f"kermany@{len(ktr)}", "kermany", ktr, ktry, "kermany", ki[kh], ky[kh]),
        ("nih", "nih", ni[~nh], ny[~nh], "nih", ni[nh], ny[nh]),
    ]
    for n in labels:
        for s in range(subsets):
            pick = subsample(ktry, n, s + 1)
            out.append((f"kermany@{n}/{s}", "kermany", ktr[pick], ktry[pick], "kermany", ki[kh], ky[kh]))
    return out


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model_dirs", nargs="+")
    ap.add_argument("--data", default="../shared/data/cxr")
    ap.add_argument("--labels", default="50,200")
    ap.add_argument("--subsets", type=int, default=5)
    ap.add_argument("--max-train", type=int, default=1000, help="cap on Kermany training images")
    ap.add_argument("--cache", default="runs/sites")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default="")
    ap.add_argument("--update-card", action="store_true",
                    help="record every encoder's figures in the first model's card (metrics.held_out_sites)")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    labels = [int(v) for v in a.labels.split(",") if v]
    items = {k: load_items(a.data, k) for k in SOURCES}
    todo = tasks(items, labels, a.subsets, a.max_train)
    rows = {k: sorted({int(i) for t in todo for src, r in ((t[1], t[2]), (t[4], t[5])) if src == k for i in r})
            for k in SOURCES}
    res = {}
    for d in a.model_dirs:
        feats, meta = encoder_features(Path(d), {k: np.array(v) for k, v in rows.items()}, items, Path(a.cache))
        runs = {}
        for name, src, tr, ytr, tsrc, te, yte in todo:
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
    if a.update_card:
        update_card(Path(a.model_dirs[0]), res)
    return res


def update_card(model_dir: Path, res: dict) -> None:
    """Writes the comparison into model.json: this encoder's figures and every other run's."""
    p = model_dir / "model.json"
    card = json.loads(p.read_text())
    me = sha256(model_dir / "weights.safetensors")[:16]
    entries = []
    for d, r in res.items():
        c = json.loads((Path(d) / "model.json").read_text())
        t = c.get("training", {})
        entries.append({"dir": d, "weights_sha256_16": r["weights_sha256_16"], "this_encoder": r["weights_sha256_16"] == me,
                        "img_size": r["img_size"], "steps": t.get("steps"), "epochs": t.get("epochs"),
                        "wall_time_s": t.get("wall_time_s"), "final_loss": t.get("final_loss"),
                        "continued_from": t.get("continued_from", {}).get("from"), "summary": r["summary"]})
    card.setdefault("metrics", {})["held_out_sites"] = {
        "method": "python -m pretrain.sites: app features (CLS+mean of blocks 6, 9, final), L2 logistic "
                  "regression; nih→kermany, kermany→nih (test = patients held out of pretraining), "
                  "ieee8023 covid19 vs pneumonia (sha1 patient split), kermany@N on held-out Kermany patients",
        "encoders": entries,
    }
    p.write_text(json.dumps(card, indent=2) + "\n")


if __name__ == "__main__":
    main()
