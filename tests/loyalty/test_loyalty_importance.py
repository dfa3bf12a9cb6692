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
