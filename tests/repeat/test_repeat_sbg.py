"""Shifted-beta-geometric retention: published estimates, recovery, bad input."""

import numpy as np
import pandas as pd
import pytest

from expectlab import FragileResultWarning, InputError
from expectlab.repeat import ShiftedBetaGeometric, cohort_to_durations

# Fader & Hardie (2007), "How to project customer retention", Journal of Interactive
# Marketing 21(1), 76-90: survivors of two cohorts of 1,000 customers, years 0-7 used for
# estimation, years 8-12 held out.
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]


@pytest.mark.parametrize("survivors,a,b,loglik", [
    (REGULAR, 0.704, 1.182, -1680.3), (HIGH_END, 0.668, 3.806, -1611.2)])
def test_fader_hardie_2007_estimates(survivors, a, b, loglik):
    d = cohort_to_durations(survivors[:8])
    model = ShiftedBetaGeometric().fit(d["duration"], d["churned"], weights=d["count"])
    assert round(model.params_["a"], 3) == a and round(model.params_["b"], 3) == b
    assert model.loglik_ == pytest.approx(loglik, abs=0.05)
    # 1,000 customers in 8 rows (one per duration and status)
    assert model.total_weight_ == 1000 and model.n_obs_ == 8
    # the projection of years 8-12 stays within 5% of the survivors actually observed
    projected = 1000 * model.predict_survival(np.arange(8, 13))
    np.testing.assert_allclose(projected, survivors[8:], rtol=0.05)
    # retention rises over time although every customer's churn probability is constant
    assert np.all(np.diff(model.predict_retention(np.arange(1, 13))) > 0)


def test_recovery_from_simulated_customers():
    rng = np.random.default_rng(3)
    theta = rng.beta(0.8, 2.0, 20000)
    lifetime = rng.geometric(theta)
    horizon = 8
    churned = lifetime <= horizon
    duration = np.where(churned, lifetime, horizon)
    model = ShiftedBetaGeometric().fit(duration, churned)
    ci = model.confidence_intervals_()
    assert ci.loc["a", "lower"] < 0.8 < ci.loc["a", "upper"]
    assert ci.loc["b", "lower"] < 2.0 < ci.loc["b", "upper"]


def test_cohort_conversion_and_errors():
    d = cohort_to_durations([10, 6, 6, 2])
    assert d["count"].tolist() == [4, 0, 4, 2] and d["count"].sum() == 10
    with pytest.raises(InputError, match="must not increase"):
        cohort_to_durations([10, 6, 7])
    with pytest.raises(InputError, match="whole numbers"):
        cohort_to_durations([10, 5.5])
    with pytest.raises(InputError, match="at least one later count"):
        cohort_to_durations([10])


@pytest.mark.parametrize("args,message", [
    (([1, 2], [True]), "same length"),
    (([1, 2], [True, "maybe"]), "column 'churned' .*must hold numbers.*row 1 = 'maybe'"),
    (([1, 2], [True, 2]), "churned must be True/False"),
    (([0, 2], [True, False]), "duration must be a whole number"),
    (([1.5, 2], [True, False]), "duration must be a whole number"),
    (([1, 2], [False, False]), "No customer churned"),
    (([1, 1], [True, True]), "first period"),
])
def test_bad_input(args, message):
    with pytest.raises(InputError, match=message):
        ShiftedBetaGeometric().fit(*args)


def test_exclusions_and_small_samples():
    duration = pd.Series([1, 2, 3, np.nan, 4], index=list("abcde"))
    churned = pd.Series([True, True, False, True, False], index=list("abcde"))
    with pytest.warns(FragileResultWarning, match="fragile"):
        model = ShiftedBetaGeometric().fit(duration, churned, weights=[1, 1, 0, 1, 1])
    assert model.excluded_.to_dict("list") == {
        "row": ["d", "c"], "reason": ["missing duration or churned", "zero weight 'weights'"]}
