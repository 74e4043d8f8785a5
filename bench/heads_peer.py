"""Peer for bench/heads.ts: scikit-learn LogisticRegressionCV on the same standardised features.

Tuned the usual way: 13 values of C on a log grid, patient-grouped stratified 5-fold CV scored by
ROC AUC, lbfgs to convergence. `oracle` is the best C judged on the test set itself, an upper
bound no real selection can reach. Reads tasks.json written by heads.ts; prints JSON.
"""
import json
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.metrics import log_loss, make_scorer, roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold

tasks = json.load(open(sys.argv[1]))
Cs = np.logspace(-5, 1, 13)
LOGLOSS = make_scorer(log_loss, greater_is_better=False, needs_proba=True, labels=[0, 1])
out = {}
for t in tasks:
    d = t["d"]
    x = np.fromfile(t["base"] + ".train.f32", dtype=np.float32).reshape(-1, d).astype(np.float64)
    xt = np.fromfile(t["base"] + ".test.f32", dtype=np.float32).reshape(-1, d).astype(np.float64)
    y = np.array(t["y"])
    groups = np.array(t["groups"])
    truth = np.array(t["truth"])
    k = int(min(5, min(len(set(groups[y == c])) for c in (0, 1))))
    folds = list(StratifiedGroupKFold(n_splits=max(k, 2), shuffle=True, random_state=0).split(x, y, groups))
    try:
        m = LogisticRegressionCV(Cs=Cs, cv=folds, scoring="roc_auc", max_iter=5000, n_jobs=1).fit(x, y)
    except ValueError:
        # A test fold with one class (tiny sets): AUC per fold is undefined, fall back to log loss.
        m = LogisticRegressionCV(Cs=Cs, cv=folds, scoring=LOGLOSS, max_iter=5000, n_jobs=1).fit(x, y)
    test = roc_auc_score(truth, m.decision_function(xt))
    oracle = max(
        roc_auc_score(truth, LogisticRegression(C=c, max_iter=5000).fit(x, y).decision_function(xt)) for c in Cs
    )
    out[t["key"]] = {"test": float(test), "oracle": float(oracle), "C": float(m.C_[0])}
    print(t["key"], out[t["key"]], file=sys.stderr)
print(json.dumps(out))
