"""Held-out metrics: agreement with scikit-learn / statsmodels, lift table, bootstrap."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from sklearn import metrics as skm

from expectlab.loyalty.metrics import (
    brier,
    calibration,
    lift_table,
    log_loss,
    metric_table,
    pr_auc,
    roc_auc,
)


@pytest.fixture(scope="module")
def scored():
    rng = np.random.default_rng(3)
    n = 900
    p = np.round(rng.uniform(0.02, 0.98, n), 2)  # rounding creates ties
    y = (rng.random(n) < p).astype(float)
    w = rng.uniform(0.2, 3.0, n)
    return y, p, w


@pytest.mark.parametrize("weighted", [False, True])
def test_metrics_equal_sklearn(scored, weighted):
    y, p, w = scored
    sw = w if weighted else None
    W = (w if weighted else np.ones_like(w))[None, :]
    assert roc_auc(y, p, W)[0] == pytest.approx(skm.roc_auc_score(y, p, sample_weight=sw))
    assert pr_auc(y, p, W)[0] == pytest.approx(
        skm.average_precision_score(y, p, sample_weight=sw))
    assert brier(y, p, W)[0] == pytest.approx(skm.brier_score_loss(y, p, sample_weight=sw))
    assert log_loss(y, p, W)[0] == pytest.approx(skm.log_loss(y, p, sample_weight=sw))


def test_calibration_equals_statsmodels_glm(scored):
    y, p, w = scored
    lp = np.log(p / (1 - p))
    slope, intercept = calibration(y, p, w[None, :])
    full = sm.GLM(y, sm.add_constant(lp), family=sm.families.Binomial(), var_weights=w).fit()
    large = sm.GLM(y, np.ones_like(y), family=sm.families.Binomial(), var_weights=w,
                   offset=lp).fit()
    assert slope[0] == pytest.approx(full.params[1], rel=1e-6)
    assert intercept[0] == pytest.approx(large.params[0], abs=1e-6)


def test_miscalibration_is_detected():
    rng = np.random.default_rng(0)
    eta = rng.normal(0, 1.5, 20_000)
    y = (rng.random(eta.size) < 1 / (1 + np.exp(-eta))).astype(float)
    too_extreme = 1 / (1 + np.exp(-2 * eta))
    slope, intercept = calibration(y, too_extreme, np.ones((1, y.size)))
    assert slope[0] == pytest.approx(0.5, abs=0.03)
    shifted = 1 / (1 + np.exp(-(eta - 1)))
    slope, intercept = calibration(y, shifted, np.ones((1, y.size)))
    assert intercept[0] == pytest.approx(1.0, abs=0.06)


def test_metric_table_intervals_contain_estimates(scored):
    y, p, w = scored
    tab = metric_table(y, p, w, n_boot=100, random_state=1)
    assert list(tab.columns) == ["estimate", "lower", "upper", "meaning"]
    assert (tab["lower"] <= tab["estimate"]).all() and (tab["estimate"] <= tab["upper"]).all()
    again = metric_table(y, p, w, n_boot=100, random_state=1)
    assert tab.equals(again)  # seeded
    none = metric_table(y, p, w, n_boot=0)
    assert none["lower"].isna().all()


def test_lift_table(scored):
    y, p, w = scored
    tab = lift_table(y, p, w)
    assert len(tab) == 10
    assert tab["respondents"].sum() == len(y)
    assert tab["weight_share"].sum() == pytest.approx(1.0)
    assert tab["cumulative_capture"].iloc[-1] == pytest.approx(1.0)
    assert tab["mean_predicted"].is_monotonic_decreasing
    assert tab["lift"].iloc[0] > 1 > tab["lift"].iloc[-1]
