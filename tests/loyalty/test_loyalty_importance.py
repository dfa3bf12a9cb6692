"""Dominance analysis (Shapley decomposition of fit) and permutation importance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from expectlab import FragileResultWarning
from expectlab.loyalty.engines import batched_logit
from expectlab.loyalty.importance import (
    dominance_analysis,
    permutation_importance,
    shapley_from_fits,
    subset_fits,
)


@pytest.fixture(scope="module")
def logit_data():
    rng = np.random.default_rng(7)
    n = 1500
    X = rng.normal(size=(n, 3))
    X[:, 1] += 0.5 * X[:, 0]  # correlated drivers share credit
    eta = 0.3 + 1.0 * X[:, 0] + 0.5 * X[:, 1]  # third driver has no effect
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    return X, y


def test_batched_logit_equals_statsmodels(logit_data):
    X, y = logit_data
    Xc = sm.add_constant(X)
    beta, ll, conv = batched_logit(Xc, y, np.ones((1, len(y))))
    ref = sm.Logit(y, Xc).fit(disp=0)
    assert conv[0]
    np.testing.assert_allclose(beta[0], ref.params, rtol=1e-6)
    assert ll[0] == pytest.approx(ref.llf)


def test_mcfadden_fit_and_exact_decomposition(logit_data):
    X, y = logit_data
    groups = {"a": [0], "b": [1], "c": [2]}
    fits = subset_fits(X, y, np.ones((1, len(y))), groups, "logit")
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0)
    assert fits[0, -1] == pytest.approx(ref.prsquared, rel=1e-6)
    gd = shapley_from_fits(fits, 3)[0]
    assert gd.sum() == pytest.approx(fits[0, -1])  # shares add up to the full fit
    # two drivers: Shapley value = average of "first" and "second" contributions
    two = subset_fits(X[:, :2], y, np.ones((1, len(y))), {"a": [0], "b": [1]}, "logit")[0]
    expected_a = 0.5 * (two[1] + (two[3] - two[2]))
    assert shapley_from_fits(two[None, :], 2)[0, 0] == pytest.approx(expected_a)


def test_linear_fit_equals_ols_r2(logit_data):
    X, y = logit_data
    rng = np.random.default_rng(1)
    score = X @ [1.0, 0.5, 0.0] + rng.normal(size=len(y))
    w = rng.uniform(0.5, 2, len(y))
    fits = subset_fits(X, score, w[None, :], {"a": [0], "b": [1], "c": [2]}, "linear")
    ref = sm.WLS(score, sm.add_constant(X), weights=w).fit()
    assert fits[0, -1] == pytest.approx(ref.rsquared, rel=1e-8)
    ref_a = sm.WLS(score, sm.add_constant(X[:, [0]]), weights=w).fit()
    assert fits[0, 1] == pytest.approx(ref_a.rsquared, rel=1e-8)


def test_dominance_ranks_and_null_driver(logit_data):
    X, y = logit_data
    tab, total = dominance_analysis(X, y, None, {"a": [0], "b": [1], "c": [2]}, n_boot=100,
                                    random_state=0)
    assert tab["dominance"].idxmax() == "a"
    assert tab.loc["c", "share"] < 0.02
    assert tab.loc["c", "dominance_lower"] == pytest.approx(0, abs=1e-3)
    assert tab["share"].sum() == pytest.approx(1.0)
    assert total["lower"] < total["fit"] < total["upper"]
    assert total["measure"] == "McFadden pseudo-R2"


def test_dominance_skipped_above_limit(logit_data):
    X, y = logit_data
    with pytest.warns(FragileResultWarning, match="Dominance analysis skipped: 3 drivers"):
        tab, total = dominance_analysis(X, y, None, {"a": [0], "b": [1], "c": [2]},
                                        max_drivers=2)
    assert tab["dominance"].isna().all() and total == {}


def test_permutation_importance_zero_for_ignored_column():
    rng = np.random.default_rng(0)
    frames = []
    for _ in range(3):
        f = pd.DataFrame({"x": rng.normal(size=300), "z": rng.normal(size=300)})
        y = (rng.random(300) < 1 / (1 + np.exp(-2 * f["x"]))).astype(float).to_numpy()
        frames.append((f, y, np.ones(300)))

    def predict(_, frame):
        return 1 / (1 + np.exp(-2 * frame["x"].to_numpy()))

    tab = permutation_importance(frames, predict, ["x", "z"], n_repeats=3, random_state=0)
    assert tab.loc["z", "permutation"] == 0.0  # the model ignores z
    assert tab.loc["x", "permutation_lower"] > 0.1


def _perm_folds(seed=3, n_folds=2, n=120, weighted=True, z_coef=0.05):
    """Held-out folds and a fixed 'fitted' model that leans slightly on a no-effect driver."""
    rng = np.random.default_rng(seed)
    folds = []
    for _ in range(n_folds):
        f = pd.DataFrame({"x": rng.normal(size=n), "z": rng.normal(size=n),
                          # a coarse driver gives tied predictions
                          "g": rng.integers(0, 3, size=n).astype(float)})
        eta = 1.5 * f["x"] + 0.3 * f["g"]  # z has no effect on the outcome
        y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float).to_numpy()
        w = rng.uniform(0.5, 2.0, n) if weighted else np.ones(n)
        folds.append((f, y, w))

    def predict(_, frame):
        eta = 1.5 * frame["x"] + z_coef * frame["z"] + 0.3 * frame["g"]
        return (1 / (1 + np.exp(-eta))).to_numpy()

    return folds, predict


@pytest.mark.slow
def test_permutation_interval_is_percentile_bootstrap_over_respondents():
    from sklearn.metrics import roc_auc_score

    from expectlab._resample import bootstrap_weights

    folds, predict = _perm_folds()
    drivers = ["x", "z", "g"]
    n_repeats, n_boot, seed = 2, 40, 11
    tab = permutation_importance(folds, predict, drivers, n_repeats=n_repeats,
                                 n_boot=n_boot, random_state=seed)
    # Independent slow loop: same draws (shuffles first, then one multinomial count vector
    # per replicate over all held-out respondents), rows physically resampled, sklearn AUC.
    rng = np.random.default_rng(seed)
    preds = []
    for f, (frame, _, _) in enumerate(folds):
        per_driver = []
        for d in drivers:
            reps = []
            for _ in range(n_repeats):
                shuffled = frame.copy()
                shuffled[d] = frame[d].to_numpy()[rng.permutation(len(frame))]
                reps.append(predict(f, shuffled))
            per_driver.append(reps)
        preds.append((predict(f, frame), per_driver))
    sizes = [len(y) for _, y, _ in folds]
    n = sum(sizes)
    replicates = np.zeros((n_boot, len(drivers)))
    # the project's equal-probability multinomial counts (tested on their own in
    # tests/foundation/test_resample.py), drawn in one chunk as the estimator does
    all_counts = bootstrap_weights(n, n_boot, rng)
    for b in range(n_boot):
        counts = all_counts[b].astype(int)
        start = 0
        for (_, y, w), (base, per_driver) in zip(folds, preds, strict=True):
            c = counts[start:start + len(y)]
            start += len(y)
            rows = np.repeat(np.arange(len(y)), c)

            def auc(p, rows=rows, y=y, w=w):
                return roc_auc_score(y[rows], p[rows], sample_weight=w[rows])

            for j, reps in enumerate(per_driver):
                replicates[b, j] += auc(base) - np.mean([auc(p) for p in reps])
        replicates[b] /= len(folds)
    lower, upper = np.percentile(replicates, [2.5, 97.5], axis=0)
    np.testing.assert_allclose(tab["permutation_lower"], lower, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(tab["permutation_upper"], upper, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(tab["permutation_se"], replicates.std(axis=0, ddof=1),
                               rtol=1e-10)
    # The estimate is still the full-sample drop, not the bootstrap mean.
    point = []
    for (_, y, w), (base, per_driver) in zip(folds, preds, strict=True):
        point.append([roc_auc_score(y, base, sample_weight=w)
                      - np.mean([roc_auc_score(y, p, sample_weight=w) for p in reps])
                      for reps in per_driver])
    np.testing.assert_allclose(tab["permutation"], np.mean(point, axis=0), rtol=1e-10)


def test_permutation_interval_covers_zero_for_no_effect_driver_only():
    folds, predict = _perm_folds(seed=5, n_folds=3, n=400)
    tab = permutation_importance(folds, predict, ["x", "z"], n_repeats=3, n_boot=300,
                                 random_state=0)
    assert tab.loc["z", "permutation_lower"] <= 0 <= tab.loc["z", "permutation_upper"]
    assert tab.loc["z", "permutation_lower"] < tab.loc["z", "permutation_upper"]
    assert tab.loc["x", "permutation_lower"] > 0.1
    for d in ("x", "z"):
        assert (tab.loc[d, "permutation_lower"] <= tab.loc[d, "permutation"]
                <= tab.loc[d, "permutation_upper"])


def test_permutation_intervals_reproducible_with_seed():
    folds, predict = _perm_folds(seed=2, n_folds=2, n=200)
    kw = {"n_repeats": 2, "n_boot": 100}
    a = permutation_importance(folds, predict, ["x", "z", "g"], random_state=4, **kw)
    b = permutation_importance(folds, predict, ["x", "z", "g"], random_state=4, **kw)
    pd.testing.assert_frame_equal(a, b)
    c = permutation_importance(folds, predict, ["x", "z", "g"], random_state=5, **kw)
    assert not np.allclose(a["permutation_lower"], c["permutation_lower"])
    # n_boot=0: the estimate without an interval
    none = permutation_importance(folds, predict, ["x", "z", "g"], random_state=4,
                                  n_repeats=2, n_boot=0)
    pd.testing.assert_series_equal(none["permutation"], a["permutation"])
    assert none[["permutation_se", "permutation_lower", "permutation_upper"]].isna().all().all()
