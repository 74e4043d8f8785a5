"""Shared evaluation pieces: labelled patient-split sets, feature extraction, AUC with CIs."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from .data import Item, is_test_patient, read_manifest
from .preprocess import canonical, load_gray8

TASKS = {
    "nih": ("nih_cxr14_talo", "normal", "pneumonia"),
    "kermany": ("kermany_pediatric", "normal", "pneumonia"),
}


def labelled_split(data_root: str | Path, task: str, test_frac: float = 0.3):
    """(train items, train y, test items, test y) for a binary task, split by patient with the
    same rule that held the test patients out of pretraining."""
    folder, neg, pos = TASKS[task]
    items = [it for it in read_manifest(Path(data_root) / folder / "manifest.csv")
             if it.label in (neg, pos)]
    tr = [it for it in items if not is_test_patient(it.patient_id, test_frac)]
    te = [it for it in items if is_test_patient(it.patient_id, test_frac)]
    y = lambda xs: np.array([int(it.label == pos) for it in xs])  # noqa: E731
    return tr, y(tr), te, y(te)


def pick_device(name: str = "auto") -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def load_inputs(items: list[Item], size: int, mean: float, std: float) -> torch.Tensor:
    return torch.from_numpy(np.stack([canonical(load_gray8(it.path), size, mean, std) for it in items]))


@torch.no_grad()
def features(vit, items: list[Item], pp: dict, batch: int = 64) -> np.ndarray:
    """[CLS of `final`, mean of patch tokens of `final`] per image (frozen encoder, fp32)."""
    vit.eval()
    dev = next(vit.parameters()).device
    out = []
    for i in range(0, len(items), batch):
        x = load_inputs(items[i : i + batch], pp["size"], pp["mean"], pp["std"]).to(dev)
        f = vit(x).float()
        out.append(torch.cat([f[:, 0], f[:, 1:].mean(1)], 1).cpu().numpy())
    return np.concatenate(out)


def auc(y: np.ndarray, s: np.ndarray) -> float:
    """ROC AUC (Mann-Whitney, ties counted half)."""
    y = np.asarray(y).astype(bool)
    pos, neg = s[y], s[~y]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    allv = np.concatenate([pos, neg])[order]
    ranks = np.empty(len(allv))
    # average ranks for ties
    i = 0
    while i < len(allv):
        j = i
        while j + 1 < len(allv) and allv[j + 1] == allv[i]:
            j += 1
        ranks[i : j + 1] = (i + j) / 2 + 1
        i = j + 1
    r = np.empty(len(allv))
    r[order] = ranks
    return float((r[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def auc_ci(y, s, groups, n_boot: int = 1000, seed: int = 0) -> dict:
    """AUC with a 95 % CI from a patient-level (cluster) bootstrap."""
    rng = np.random.default_rng(seed)
    ug, inv = np.unique(np.asarray(groups), return_inverse=True)
    members = [np.flatnonzero(inv == g) for g in range(len(ug))]
    boots = []
    for _ in range(n_boot):
        pick = np.concatenate([members[g] for g in rng.integers(0, len(ug), len(ug))])
        a = auc(y[pick], s[pick])
        if np.isfinite(a):
            boots.append(a)
    lo, hi = np.percentile(boots, [2.5, 97.5])
    return {"auc": round(auc(y, s), 4), "ci95": [round(float(lo), 4), round(float(hi), 4)],
            "n": int(len(y)), "n_pos": int(np.sum(y)), "patients": int(len(ug))}


def fit_logreg(xtr, ytr, xte, l2_grid=(1e-4, 1e-3, 1e-2, 1e-1, 1.0), seed: int = 0):
    """L2 logistic regression (L-BFGS) on standardised features; L2 picked on a 20 % hold-out
    of the training rows, then refit on all of them. Returns test scores and the chosen L2."""
    mu, sd = xtr.mean(0), xtr.std(0) + 1e-6
    xtr, xte = (xtr - mu) / sd, (xte - mu) / sd
    rng = np.random.default_rng(seed)
    val = rng.random(len(ytr)) < 0.2
    if val.all() or (~val).all() or len(np.unique(ytr[val])) < 2:
        val = np.zeros(len(ytr), bool)

    def train(x, y, l2):
        x, y = torch.from_numpy(x).double(), torch.from_numpy(y).double()
        w = torch.zeros(x.shape[1] + 1, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.LBFGS([w], max_iter=200, line_search_fn="strong_wolfe")

        def closure():
            opt.zero_grad()
            z = x @ w[:-1] + w[-1]
            loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y) + l2 * (w[:-1] ** 2).sum()
            loss.backward()
            return loss
        opt.step(closure)
        return w.detach()

    def score(w, x):
        return (torch.from_numpy(x).double() @ w[:-1] + w[-1]).numpy()

    best = l2_grid[len(l2_grid) // 2]
    if val.any():
        res = [(auc(ytr[val], score(train(xtr[~val], ytr[~val], l2), xtr[val])), l2) for l2 in l2_grid]
        best = max(res)[1]
    return score(train(xtr, ytr, best), xte), best
