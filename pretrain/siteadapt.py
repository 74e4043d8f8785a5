"""Can the head and the features' normalisation transfer to an unseen site? Measured, one run.

    OMP_NUM_THREADS=1 nice -n 5 /usr/bin/python3 -m pretrain.siteadapt resources/models/spcxr-vit-tiny \
        [--out runs/siteadapt.json]

Same tasks, test patients and classifier as `pretrain.sites` (L2 logistic regression,
`evalcommon.fit_logreg`, L2 picked on a hold-out of the *source* rows), over variants of what
the head reads:

- features: `final` (CLS + mean patch of the last block) or `pooled3` (blocks 6, 9, final: the
  app's small-set head input);
- flip TTA: the features of the image and of its mirror averaged;
- normalisation: `source` (today: standardised with the training site's mean/std), `recentre`
  (each site minus its own mean), `site` (each site standardised with its own mean/std), `coral`
  (`site`, then the source covariance recoloured to the target's, Sun et al. 2016), `unsite:k`
  (k directions that tell the two sites apart, learnt from unlabelled images of both, projected
  out of both, one after another: iterative nullspace projection, Ravfogel et al. 2020; `auto`
  stops when the sites are no longer linearly separable on held-out rows).

A site's own statistics come from its *unlabelled* images only: `@test` = the very images that
are scored (what a clinic has once it imports them), `@pool` = other images of that site, none
of them scored (shows the statistics are not fitted to the test set).

No Kermany label chooses anything: the variant is picked on a dev task, Kermany → NIH
pretraining-side patients (NIH labels of patients in no test set); Kermany held-out patients
stay test only. AUCs carry 95 % patient-bootstrap CIs. `diagnose` looks at what the labels
mean (per-class scores, a site direction learnt from unlabelled images).
"""
from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import numpy as np
import torch

from .evalcommon import auc, auc_ci, fit_logreg
from .siteadapt_features import cached_features
from .sites import SOURCES, load_items, splits

FEATS = ("final", "pooled3")
NORMS = ("source", "recentre", "site", "coral")
UNSITE_K = (4, 8, 12, 16, 20, 32, "auto")


def standardise(x: np.ndarray, ref: np.ndarray, scale: bool = True) -> np.ndarray:
    return (x - ref.mean(0)) / ((ref.std(0) + 1e-6) if scale else 1.0)


def _sym_pow(c: np.ndarray, p: float) -> np.ndarray:
    w, v = np.linalg.eigh(c)
    return (v * np.clip(w, 1e-8, None) ** p) @ v.T


def coral(xs: np.ndarray, xt_ref: np.ndarray) -> np.ndarray:
    """Source rows (already standardised per site) recoloured to the target's covariance."""
    d = xs.shape[1]
    cs = np.cov(xs, rowvar=False) + np.eye(d)
    ct = np.cov(xt_ref, rowvar=False) + np.eye(d)
    return xs @ _sym_pow(cs, -0.5) @ _sym_pow(ct, 0.5)


AUTO_MAX_K, AUTO_SITE_AUC = 64, 0.55


def unsite(xs: np.ndarray, xt: np.ndarray, xt_ref: np.ndarray, k: int | str) -> tuple[np.ndarray, np.ndarray, int]:
    """Removes k site-separating directions: a site classifier (source rows vs the target's
    unlabelled rows), its weight direction projected out, again on what is left. `auto` stops
    once a site classifier fitted on half the rows tells the other half's sites apart with
    AUC ≤ 0.55 (the usual stopping rule, label-free). Returns the rows and the k used."""
    y = np.r_[np.zeros(len(xs)), np.ones(len(xt_ref))]
    x = np.concatenate([xs, xt_ref])
    fold = np.random.default_rng(0).random(len(y)) < 0.5
    p = np.eye(xs.shape[1])
    done = 0
    for _ in range(AUTO_MAX_K if k == "auto" else int(k)):
        if k == "auto" and _site_auc(x @ p, y, fold) <= AUTO_SITE_AUC:
            break
        w = _weights(x @ p, y, 1e-1)
        n = np.linalg.norm(w)
        if not n > 1e-8:  # nothing left tells the rows apart (or the same images on both sides)
            break
        w /= n
        p = p @ (np.eye(len(w)) - np.outer(w, w))
        done += 1
    return xs @ p, xt @ p, done


def _site_auc(x: np.ndarray, y: np.ndarray, fold: np.ndarray) -> float:
    s = np.empty(len(y))
    s[~fold] = x[~fold] @ _weights(x[fold], y[fold], 1e-1)
    s[fold] = x[fold] @ _weights(x[~fold], y[~fold], 1e-1)
    return auc(y, s)


def adapt(norm: str, xs: np.ndarray, xt: np.ndarray, xt_ref: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict]:
    """(source rows, target rows, what was chosen) as the head sees them. `xt_ref`: the target's
    unlabelled rows its statistics come from; the source's own rows give the source's."""
    if norm == "source":
        return xs, xt, {}
    if norm == "recentre":
        return standardise(xs, xs, False), standardise(xt, xt_ref, False), {}
    if norm.startswith("unsite:"):
        a, b, k = unsite(standardise(xs, xs), standardise(xt, xs), standardise(xt_ref, xs), norm[7:])
        return a, b, {"k": k}
    s, t = standardise(xs, xs), standardise(xt, xt_ref)
    if norm == "site":
        return s, t, {}
    return coral(s, standardise(xt_ref, xt_ref)), t, {}


def view(feats: dict, src: str, rows: np.ndarray, kind: str, flip: bool) -> np.ndarray:
    a, b = feats[src]
    x = (a[rows] + b[rows]) / 2 if flip else a[rows]
    return x[:, -x.shape[1] // 3 :] if kind == "final" else x


def site_tasks(items: dict):
    """(name, source, rows, y, target, test rows, y, target pool rows)."""
    ni, ny, nh, ki, ky, kh, ci, cy, ch, ktr, ktry = splits(items, 1000)  # the same 1,000 as pretrain.sites
    return [
        ("dev: kermany→nih-train", "kermany", ktr, ktry, "nih", ni[~nh], ny[~nh], ni[nh]),
        ("nih→kermany", "nih", ni, ny, "kermany", ki[kh], ky[kh], ktr),
        ("kermany→nih", "kermany", ktr, ktry, "nih", ni[nh], ny[nh], ni[~nh]),
        ("ieee8023", "ieee8023", ci[~ch], cy[~ch], "ieee8023", ci[ch], cy[ch], ci[~ch]),
    ]


def delta_ci(y, s_new, s_old, groups, n_boot: int = 1000, seed: int = 0) -> dict:
    """AUC(new) − AUC(old) on the same images, 95 % CI from one patient bootstrap for both."""
    rng = np.random.default_rng(seed)
    ug, inv = np.unique(np.asarray(groups), return_inverse=True)
    members = [np.flatnonzero(inv == g) for g in range(len(ug))]
    d = []
    for _ in range(n_boot):
        pick = np.concatenate([members[g] for g in rng.integers(0, len(ug), len(ug))])
        v = auc(y[pick], s_new[pick]) - auc(y[pick], s_old[pick])
        if np.isfinite(v):
            d.append(v)
    lo, hi = np.percentile(d, [2.5, 97.5])
    return {"delta": round(auc(y, s_new) - auc(y, s_old), 4), "ci95": [round(float(lo), 4), round(float(hi), 4)]}


def run_variant(feats, items, task, kind, flip, norm, stats, ci=True):
    name, src, tr, ytr, tsrc, te, yte, pool = task
    xs, xt = view(feats, src, tr, kind, flip), view(feats, tsrc, te, kind, flip)
    ref = xt if stats == "test" else view(feats, tsrc, pool, kind, flip)
    a, b, info = adapt(norm, xs, xt, ref)
    s, l2 = fit_logreg(a, ytr, b)
    groups = [items[tsrc][i].patient_id for i in te]
    r = auc_ci(yte, s, groups) if ci else {"auc": round(auc(yte, s), 4)}
    return {**r, "l2": l2, **info}, s


def kermany_findings(items, rows) -> np.ndarray:
    """`finding_raw` (normal / bacteria / virus) of the given rows, from the manifest."""
    folder = Path(items[0].path).parents[1]
    with open(folder / "manifest.csv", newline="") as f:
        raw = {r["file"]: r["finding_raw"] for r in csv.DictReader(f)}
    return np.array([raw[Path(items[i].path).relative_to(folder).as_posix()] for i in rows])


def diagnose(feats, items, tasks) -> dict:
    """What the NIH head scores on Kermany by class (bacteria / virus / normal), and whether the
    labels line up with a site direction learnt from unlabelled images (NIH vs Kermany)."""
    _, src, tr, ytr, tsrc, te, yte, pool = tasks[1]
    finding = kermany_findings(items["kermany"], te)
    out = {}
    for norm in ("source", "site"):
        _, s = run_variant(feats, items, tasks[1], "pooled3", False, norm, "test", ci=False)
        z = (s - s.mean()) / s.std()
        out[f"nih_head_on_kermany_{norm}"] = {
            **{f"mean_z_{g}": round(float(z[finding == g].mean()), 3) for g in ("normal", "bacteria", "virus")},
            "auc_bacteria_vs_normal": round(auc(yte[finding != "virus"], s[finding != "virus"]), 4),
            "auc_virus_vs_normal": round(auc(yte[finding != "bacteria"], s[finding != "bacteria"]), 4),
        }
    # A site direction from unlabelled images: NIH pretraining-side patients vs the Kermany pool (no label seen).
    nih_all = tasks[0][5]
    xn = view(feats, "nih", nih_all, "pooled3", False)
    xk = view(feats, "kermany", pool, "pooled3", False)
    x = np.concatenate([xn, xk])
    y = np.r_[np.zeros(len(xn)), np.ones(len(xk))]
    probe = lambda rows_src, rows: fit_logreg(x, y, view(feats, rows_src, rows, "pooled3", False))[0]  # noqa: E731
    ni_all = tasks[1][2]
    nih_y = tasks[1][3]
    site_on_nih = probe("nih", ni_all)  # in-sample for NIH rows: used only to rank NIH images among themselves
    site_on_k = probe("kermany", te)
    out["site_direction"] = {
        "what": "logistic NIH(0) vs Kermany(1) on unlabelled pooled3 features; AUC of that 'child-site' score "
                "for pneumonia vs normal within each site (0.5 = the site cue says nothing about the label)",
        "within_nih_auc": round(auc(nih_y, site_on_nih), 4),
        "within_kermany_auc": round(auc(yte, site_on_k), 4),
    }
    # Cosine between the NIH pneumonia head and the site direction, in source-standardised space.
    xs = standardise(view(feats, "nih", tr, "pooled3", False), view(feats, "nih", tr, "pooled3", False))
    w_lab = _weights(xs, ytr)
    w_site = _weights(standardise(x, view(feats, "nih", tr, "pooled3", False)), y)
    out["site_direction"]["cos_nih_head_vs_site"] = round(float(w_lab @ w_site / np.linalg.norm(w_lab)
                                                              / np.linalg.norm(w_site)), 4)
    return out


def _weights(x: np.ndarray, y: np.ndarray, l2: float = 1e-2) -> np.ndarray:
    xt, yt = torch.from_numpy(x).double(), torch.from_numpy(y).double()
    w = torch.zeros(x.shape[1] + 1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w], max_iter=200, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(xt @ w[:-1] + w[-1], yt) + l2 * (w[:-1] ** 2).sum()
        loss.backward()
        return loss
    opt.step(closure)
    return w.detach().numpy()[:-1]


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model_dir")
    ap.add_argument("--data", default="../shared/data/cxr")
    ap.add_argument("--cache", default="runs/siteadapt")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default="")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    items = {k: load_items(a.data, k) for k in SOURCES}
    tasks = site_tasks(items)
    need = {k: set() for k in SOURCES}
    for _, src, tr, _, tsrc, te, _, pool in tasks:
        need[src] |= set(tr.tolist())
        need[tsrc] |= set(te.tolist()) | set(pool.tolist())
    feats, meta = cached_features(Path(a.model_dir), {k: np.array(sorted(v)) for k, v in need.items()},
                                  items, Path(a.cache))
    variants = [(k, f, n, st) for k in FEATS for f in (False, True) for n in NORMS
                for st in (("test",) if n == "source" else ("test", "pool"))]
    # pooled3 is left out here: 3× the columns, each removal costs ~9× (measured no better on dev).
    variants += [("final", False, f"unsite:{u}", st) for u in UNSITE_K for st in ("test", "pool")]
    vname = lambda k, f, n, st: f"{k}{'+flip' if f else ''}/{n}{'' if n == 'source' else '@' + st}"  # noqa: E731
    dev = {vname(*v): run_variant(feats, items, tasks[0], *v, ci=False)[0]["auc"] for v in variants}
    chosen = max(dev, key=dev.get)
    print(json.dumps({"dev": dev, "chosen": chosen}), flush=True)
    runs = {}
    for v in variants:
        n = vname(*v)
        runs[n] = {t[0]: run_variant(feats, items, t, *v)[0] for t in tasks[1:]}
        print(json.dumps({n: {k: [r["auc"], r["ci95"], r.get("k")] for k, r in runs[n].items()}}), flush=True)
    print(json.dumps({"chosen_on_dev": chosen, **{k: [r["auc"], r["ci95"]] for k, r in runs[chosen].items()}}),
          flush=True)
    base = ("pooled3", False, "source", "test")
    pick = next(v for v in variants if vname(*v) == chosen)
    gain = {}
    for t in tasks[1:]:
        y, groups = t[6], [items[t[4]][i].patient_id for i in t[5]]
        s_new = run_variant(feats, items, t, *pick, ci=False)[1]
        s_old = run_variant(feats, items, t, *base, ci=False)[1]
        gain[t[0]] = delta_ci(y, s_new, s_old, groups)
    print(json.dumps({"chosen_minus_today": gain}), flush=True)
    diag = diagnose(feats, items, tasks)
    print(json.dumps(diag), flush=True)
    out = {"model": a.model_dir, "weights_sha256_16": meta["sha"], "feature_s": meta["feature_s"],
           "dev_auc": dev, "chosen_on_dev": chosen, "chosen_minus_today": gain, "runs": runs, "diagnose": diag,
           "sizes": {t[0]: {"train": int(len(t[2])), "test": int(len(t[5])), "pool": int(len(t[7]))} for t in tasks}}
    if a.out:
        Path(a.out).write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    return out


if __name__ == "__main__":
    main()
