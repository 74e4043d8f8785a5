"""AUC, patient-bootstrap CI, logistic regression, the patient split and export after training."""
import json

import numpy as np
import pytest

from pretrain.data import is_test_patient, pretrain_items, Item
from pretrain.evalcommon import auc, auc_ci, fit_logreg


def brute_auc(y, s):
    pos, neg = s[y == 1], s[y == 0]
    return np.mean([(p > n) + 0.5 * (p == n) for p in pos for n in neg])


def test_auc_matches_pairwise_definition_with_ties():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    s = np.round(rng.normal(size=200) + y, 1)  # rounding creates ties
    assert abs(auc(y, s) - brute_auc(y, s)) < 1e-12
    assert auc(y, -s) == 1 - auc(y, s) or abs(auc(y, -s) - (1 - auc(y, s))) < 1e-12


def test_bootstrap_ci_brackets_auc_and_respects_patients():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    s = rng.normal(size=300) + 0.8 * y
    groups = np.repeat(np.arange(100), 3)
    r = auc_ci(y, s, groups, n_boot=300)
    lo, hi = r["ci95"]
    assert lo < r["auc"] < hi and hi - lo < 0.25 and r["patients"] == 100


def test_logreg_learns_a_separable_direction():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(400, 20))
    y = (x[:, 3] - x[:, 7] > 0).astype(int)
    s, l2 = fit_logreg(x[:300], y[:300], x[300:])
    assert auc(y[300:], s) > 0.95 and l2 > 0


def test_patient_split_is_stable_and_holds_out_probe_patients():
    pids = [f"nih_cxr14_talo:{i}" for i in range(2000)]
    test = [p for p in pids if is_test_patient(p, 0.3)]
    assert 0.25 < len(test) / len(pids) < 0.35
    assert test == [p for p in pids if is_test_patient(p, 0.3)]
    items = [Item(f"{i}.png", "nih_cxr14_talo", p, "normal") for i, p in enumerate(pids)]
    items += [Item("x.png", "ieee8023", "ieee8023:1", "covid19")]
    kept = pretrain_items(items, 0.3)
    assert not any(is_test_patient(it.patient_id, 0.3) for it in kept if it.source == "nih_cxr14_talo")
    assert kept[-1].source == "ieee8023"  # other sources are never held out


@pytest.mark.shared_data
def test_training_run_exports_a_consistent_model(tmp_path):
    from pretrain.export import REPO, load_encoder, sha256
    from pretrain.tests.test_golden import test_golden_consistent
    from pretrain.train import main
    man = tmp_path / "manifest.csv"
    nih = REPO.parent / "shared/data/cxr/nih_cxr14_talo/images"
    files = sorted(nih.glob("*.png"))[:40]
    man.write_text("file,label,patient_id\n" + "".join(f"{f},normal,{f.stem}\n" for f in files))
    main([f"data={man}", f"out={tmp_path / 'run'}", f"pack={tmp_path / 'pack'}", "size=micro",
          "img_size=32", "patch_size=8", "pack_size=32", "batch_size=8", "epochs=1", "max_steps=2",
          "name=t", f"export_dir={tmp_path / 'm'}", "threads=1"])
    card = json.loads((tmp_path / "m" / "model.json").read_text())
    assert card["training"]["steps"] == 2 and card["arch"]["in_chans"] == 1
    assert card["preprocessing"] == {"size": 32, "mean": 0.5, "std": 0.25, "pad": "center-square",
                                     "resize": "bilinear-antialias", "channels": 1}
    assert card["files"]["encoder.onnx"] == sha256(tmp_path / "m" / "encoder.onnx")
    vit, _ = load_encoder(tmp_path / "m")
    assert vit.arch.depth == 4
    test_golden_consistent(tmp_path / "m")
