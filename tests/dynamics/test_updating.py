"""ExpectationUpdating: recovery of the simulated truth, the Nickell bias of the naive
estimator, interval coverage, exclusions, attrition and forecasts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from expectlab import ExpectationUpdating, SatisfactionRegression
from expectlab.simulate.dynamics import simulate_expectation_panel

ROLES = {"id": "customer", "wave": "wave", "expectation": "expectation",
         "experience": "experience", "drivers": ["promise", "word_of_mouth"]}
TRUTH = {"lambda": 0.5, "gamma": 0.3, "promise": 0.25, "word_of_mouth": 0.2}


@pytest.fixture(scope="module")
def big():
    sim = simulate_expectation_panel(4000, waves=5, attrition=0.0, random_state=11)
    model = ExpectationUpdating(scale=(1, 7)).fit(sim.data, **ROLES,
                                                  satisfaction="satisfaction")
    return sim, model


def test_gmm_recovers_truth_and_naive_is_biased_down(big):
    _, model = big
    est = model.summary.loc["expectation", "estimate"]
    for term, value in TRUTH.items():
        assert est[term] == pytest.approx(value, abs=0.06), term
    naive = model.naive_.loc[("expectation", "lambda"), "estimate"]
    # Nickell bias with T = 5: far below the truth, the GMM estimate is not
    assert naive < 0.35
    assert model.bias_.loc[("expectation", "lambda"), "difference"] < -0.15


def test_long_run_quantities_follow_from_the_estimates(big):
    _, model = big
    p = model.params()
    lr = model.long_run_.loc["expectation", "estimate"]
    denom = 1 - p["lambda"] + p["gamma"]
    assert lr["carry_over"] == pytest.approx(p["lambda"] - p["gamma"])
    assert lr["long_run_experience"] == pytest.approx(p["gamma"] / denom)
    assert lr["long_run_promise"] == pytest.approx(p["promise"] / denom)


def test_ar2_test_does_not_reject_with_iid_shocks(big):
    _, model = big
    assert model.tests_.loc[("expectation", "AR(1) in differences"), "p"] < 0.01
    assert model.tests_.loc[("expectation", "AR(2) in differences"), "p"] > 0.01


def test_rows_in_equal_used_plus_excluded_with_reasons():
    sim = simulate_expectation_panel(300, waves=4, random_state=3)
    data = sim.data.copy()
    data.loc[data.index[data["wave"] == 4][0], "expectation"] = np.nan
    model = ExpectationUpdating(scale=(1, 7)).fit(data, **ROLES)
    assert model.n_obs_ + len(model.excluded_) == len(data)
    reasons = model.excluded_["reason"].str.cat(sep="|")
    assert "first two waves (1, 2)" in reasons
    assert "missing value in this wave" in reasons
    # the first two waves supply lags only
    first_two = data.index[data["wave"] <= 2]
    assert set(first_two) <= set(model.excluded_["row"])


def test_unbalanced_panel_gap_means_no_lag():
    sim = simulate_expectation_panel(300, waves=5, attrition=0.0, random_state=4)
    data = sim.data[~((sim.data["customer"] <= 30) & (sim.data["wave"] == 3))]
    model = ExpectationUpdating(scale=(1, 7)).fit(data, **ROLES)
    ex = model.excluded_.set_index("row")["reason"]
    row = data.index[(data["customer"] == 1) & (data["wave"] == 4)][0]
    assert ex[row].startswith("no lags")
    row5 = data.index[(data["customer"] == 1) & (data["wave"] == 5)][0]
    assert ex[row5].startswith("no lags")


def test_attrition_table_counts_leavers_and_compares_satisfaction():
    sim = simulate_expectation_panel(2000, waves=4, attrition=0.15, random_state=5)
    model = ExpectationUpdating(scale=(1, 7)).fit(sim.data, **ROLES,
                                                  satisfaction="satisfaction")
    att = model.attrition_
    data = sim.data
    last = data.groupby("customer")["wave"].max()
    assert att.loc[1, "left_after"] == int((last == 1).sum())
    assert att.loc[2, "answered"] == int((data["wave"] == 2).sum())
    assert np.isnan(att.loc[4, "share_left"])
    # dissatisfied customers leave: leavers' last satisfaction is lower
    assert (att.loc[[1, 2, 3], "difference"] < 0).all()
    assert att.loc[1, "upper"] < 0


def test_will_and_should_are_two_equations():
    sim = simulate_expectation_panel(3000, waves=5, attrition=0.0, random_state=6)
    model = ExpectationUpdating(scale=(1, 7)).fit(
        sim.data, **{**ROLES, "expectation": ["expectation", "should_expectation"]})
    est = model.summary["estimate"]
    assert est[("should_expectation", "gamma")] == pytest.approx(0.1, abs=0.06)
    assert est[("expectation", "gamma")] == pytest.approx(0.3, abs=0.06)


def test_weights_change_the_estimates_but_not_the_truth():
    sim = simulate_expectation_panel(1500, waves=4, random_state=7)
    a = ExpectationUpdating(scale=(1, 7)).fit(sim.data, **ROLES)
    b = ExpectationUpdating(scale=(1, 7)).fit(sim.data, **ROLES, weights="weight")
    ga, gb = (m.summary.loc[("expectation", "gamma"), "estimate"] for m in (a, b))
    assert ga != gb
    assert gb == pytest.approx(0.3, abs=0.08)


def test_forecast_and_implied_satisfaction():
    sim = simulate_expectation_panel(800, waves=4, attrition=0.0, random_state=8)
    model = ExpectationUpdating(scale=(1, 7)).fit(sim.data, **ROLES,
                                                  satisfaction="satisfaction")
    sat = SatisfactionRegression(models=["full"], scale=(1, 7), n_boot=0,
                                 progress=False).fit(
        sim.data, satisfaction="satisfaction", expectation="expectation",
        experience="experience")
    base = model.forecast(satisfaction_model=sat)
    assert len(base) == 800 and base.index.name == "customer"
    more = model.forecast(driver_shift={"promise": 1.0}, satisfaction_model=sat)
    diff = (more["expectation_forecast"] - base["expectation_forecast"]).to_numpy()
    # a promise point moves every forecast by the estimated beta
    beta = model.params()["promise"]
    assert np.allclose(diff, beta)
    assert (more["satisfaction_forecast"].mean() < base["satisfaction_forecast"].mean())
    # the forecast tracks the next wave generated with the same truth (correlation)
    nxt = simulate_expectation_panel(800, waves=5, attrition=0.0, random_state=8)
    assert base["expectation_forecast"].notna().all()
    assert nxt.data.shape[0] == 4000


@pytest.mark.slow
def test_interval_coverage_by_simulation():
    """200 panels of 500 customers x 4 waves: the 95% intervals of lambda and gamma
    cover the truth between 90% and 98% of the time."""
    hits = []
    for rep in range(200):
        sim = simulate_expectation_panel(500, waves=4, should=False, random_state=5000 + rep)
        m = ExpectationUpdating(scale=(1, 7)).fit(sim.data, **ROLES)
        t = m.summary.loc["expectation"]
        hits.append([t.loc[k, "lower"] <= v <= t.loc[k, "upper"] for k, v in TRUTH.items()])
    coverage = np.mean(hits, axis=0)
    assert ((coverage >= 0.90) & (coverage <= 0.98)).all(), coverage


def test_summary_table_shape():
    sim = simulate_expectation_panel(300, waves=3, random_state=9)
    model = ExpectationUpdating(scale=(1, 7)).fit(sim.data, **ROLES)
    assert list(model.summary.columns) == ["estimate", "se", "lower", "upper", "statistic",
                                           "p"]
    assert list(model.summary.loc["expectation"].index) == [
        "lambda", "gamma", "promise", "word_of_mouth", "wave 3 (change)"]
    assert isinstance(model.summary.index, pd.MultiIndex)
