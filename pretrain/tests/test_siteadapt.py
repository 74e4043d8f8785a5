"""Site adaptation variants: what each normalisation does to the rows a head sees, and the
flip features against the app's own pooled blocks on real images."""
import numpy as np
import pytest

from pretrain.evalcommon import auc
from pretrain.siteadapt import adapt, coral, unsite


def _sites(seed=0):
    rng = np.random.default_rng(seed)
    xs = rng.normal(size=(400, 6)) * [1, 2, 3, 1, 1, 1]
    mix = rng.normal(size=(6, 6))
    xt = 5 + rng.normal(size=(300, 6)) @ mix
    return xs, xt


def test_coral_moves_the_source_covariance_to_the_targets():
    xs, xt = _sites()
    s = (xs - xs.mean(0)) / xs.std(0)
    t = (xt - xt.mean(0)) / xt.std(0)
    cs, ct, got = (np.cov(v, rowvar=False) for v in (s, t, coral(s, t)))
    assert np.linalg.norm(got - ct) < 0.6 * np.linalg.norm(cs - ct)
    # Both covariances carry + I (Sun et al.): a whitened source (cs ≈ I) lands on (ct + I) / 2.
    assert np.linalg.norm(got - (ct + np.eye(6)) / 2) < 0.1 * np.linalg.norm(ct)


def test_site_standardises_each_site_with_its_own_unlabelled_rows():
    xs, xt = _sites(1)
    a, b, _ = adapt("site", xs, xt, xt[:150])  # statistics from other images of the target site
    assert np.allclose(a.mean(0), 0, atol=1e-9) and np.allclose(a.std(0), 1, atol=1e-3)
    assert np.abs(b.mean(0)).max() < 0.4 and np.abs(b.mean(0)).max() > 0  # not refitted on b itself
    a0, b0, _ = adapt("source", xs, xt, xt)
    assert a0 is xs and b0 is xt


def test_recentring_a_site_cannot_change_its_auc():
    # A linear score moves by one constant for every image of the site: ranks stay, so only
    # a threshold (not AUC) can gain from re-centring.
    xs, xt = _sites(2)
    y = (xt[:, 0] > 5).astype(int)
    w = np.arange(1, 7.0)
    _, b, _ = adapt("recentre", xs, xt, xt)
    assert auc(y, b @ w) == auc(y, xt @ w)


@pytest.mark.shared_data
def test_flip_features_are_the_apps_pooled_blocks_of_the_mirror():
    from pretrain.export import REPO, load_encoder
    from pretrain.sites import load_items
    from pretrain.siteadapt_features import app_and_flip
    from pretrain.versus import pooled_blocks
    from pretrain.tests.conftest import SHARED_DATA

    vit, card = load_encoder(REPO / "resources/models/spcxr-vit-tiny")
    items = load_items(str(SHARED_DATA / "cxr"), "nih")[:3]
    a, b = app_and_flip(vit, items, card["preprocessing"])
    ref = pooled_blocks(vit, items, card["preprocessing"])
    assert np.allclose(a, ref["app"], atol=1e-5)
    assert np.allclose(a[:, -a.shape[1] // 3 :], ref["final"], atol=1e-5)
    assert not np.allclose(a, b, atol=1e-3)


def test_unsite_projects_out_what_tells_the_sites_apart():
    rng = np.random.default_rng(3)
    xs = rng.normal(size=(300, 8))
    xt = rng.normal(size=(300, 8)) + 3 * np.eye(8)[2]  # the target differs along one axis only
    a, b, k = unsite(xs, xt, xt, 1)
    gap = lambda u, v: np.linalg.norm(u.mean(0) - v.mean(0))  # noqa: E731
    assert k == 1 and gap(a, b) < 0.2 * gap(xs, xt)
    assert np.allclose(a[:, 5], xs[:, 5], atol=0.2)  # the other axes stay


def test_unsite_auto_stops_once_the_sites_cannot_be_told_apart():
    rng = np.random.default_rng(4)
    xs = rng.normal(size=(300, 8))
    xt = rng.normal(size=(300, 8)) + 3 * np.eye(8)[2] - 2 * np.eye(8)[6]
    _, _, k = unsite(xs, xt, xt, "auto")
    assert 1 <= k <= 3
    _, _, k0 = unsite(xs, rng.normal(size=(300, 8)), rng.normal(size=(300, 8)), "auto")
    assert k0 == 0  # the same distribution: nothing to remove


def test_paired_delta_interval_excludes_zero_only_for_a_real_gain():
    from pretrain.siteadapt import delta_ci

    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, 400)
    old = rng.normal(size=400) + 0.3 * y
    groups = np.repeat(np.arange(200), 2)
    better = delta_ci(y, old + 1.0 * y, old, groups, n_boot=200)
    same = delta_ci(y, old + 0.01 * rng.normal(size=400), old, groups, n_boot=200)
    assert better["delta"] > 0 and better["ci95"][0] > 0
    assert same["ci95"][0] < 0 < same["ci95"][1]
