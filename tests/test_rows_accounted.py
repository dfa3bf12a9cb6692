"""Nothing lost, nothing silent: for every estimator, rows in = rows used + rows excluded.

Hypothesis blanks answers, zeroes or blanks weights and plants missing-value codes at
random places of a simulated survey; each fit must either account for every row (used or
excluded with a reason) or stop with one InputError. Any other exception is a defect.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import expectlab
from expectlab import InputError

SAT_ITEMS = ["exp_1", "exp_2", "exp_3", "perf_1", "perf_2", "perf_3", "sat_1", "sat_2",
             "sat_3"]


@pytest.fixture(scope="module")
def satisfaction_data() -> pd.DataFrame:
    return expectlab.simulate.simulate_satisfaction(120, random_state=11).data


@pytest.fixture(scope="module")
def loyalty_data() -> pd.DataFrame:
    return expectlab.simulate.simulate_loyalty(150, random_state=12).data


@pytest.fixture(scope="module")
def rfm_data() -> pd.DataFrame:
    return expectlab.simulate.simulate_bg_nbd(150, r=0.5, alpha=5.0, a=0.8, b=2.5,
                                              random_state=13).data


def _damage(data: pd.DataFrame, columns: list[str], draw, *, codes=(np.nan,)):
    """Blank (or code) a random set of cells and give a random weight column."""
    out = data.copy()
    n = len(out)
    cells = draw(st.lists(st.tuples(st.integers(0, n - 1), st.sampled_from(columns)),
                          max_size=40))
    for row, col in cells:
        out[col] = out[col].astype(float)
        out.iloc[row, out.columns.get_loc(col)] = draw(st.sampled_from(codes))
    weights = draw(st.lists(st.sampled_from([1.0, 2.0, 0.5, 0.0, np.nan]), min_size=n,
                            max_size=n))
    out["w"] = weights
    return out


def _check(fit, rows_in: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            model = fit()
        except InputError:
            return
    assert model.n_obs_ + len(model.excluded_) == rows_in
    assert model.excluded_["reason"].notna().all()
    # each excluded row is listed once
    assert not model.excluded_["row"].duplicated().any()


FAST = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(st.data())
def test_satisfaction_regression_accounts_for_every_row(satisfaction_data, data):
    damaged = _damage(satisfaction_data, SAT_ITEMS, data.draw)
    model = expectlab.SatisfactionRegression(scale=(1, 7), n_boot=0)
    _check(lambda: model.fit(damaged, satisfaction=SAT_ITEMS[6:],
                             expectation=SAT_ITEMS[:3], experience=SAT_ITEMS[3:6],
                             weights="w"), len(damaged))


@FAST
@given(st.data())
def test_loyalty_model_accounts_for_every_row(loyalty_data, data):
    damaged = _damage(loyalty_data, ["satisfaction", "trust", "stayed"], data.draw)
    model = expectlab.LoyaltyModel("logit", cv=None, n_boot=0, importance=False)
    _check(lambda: model.fit(damaged, outcome="stayed", drivers=["satisfaction", "trust"],
                             weights="w"), len(damaged))


@FAST
@given(st.data())
def test_bg_nbd_accounts_for_every_row(rfm_data, data):
    damaged = _damage(rfm_data, ["frequency", "recency"], data.draw)
    _check(lambda: expectlab.BetaGeo().fit(damaged, weights="w"), len(damaged))


@FAST
@given(st.data())
def test_scale_score_accounts_for_every_row(satisfaction_data, data):
    damaged = _damage(satisfaction_data, SAT_ITEMS[6:], data.draw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            score = expectlab.scale_score(damaged, SAT_ITEMS[6:], scale=(1, 7))
        except InputError:
            return
    assert int(score.scores.notna().sum()) + len(score.excluded_) == len(damaged)


def test_the_property_is_not_vacuous(satisfaction_data, loyalty_data, rfm_data):
    """A damaged file that the estimators accept: every row is accounted for by reason."""
    n = len(satisfaction_data)
    sat = satisfaction_data.assign(w=np.r_[0.0, np.nan, np.ones(n - 2)])
    sat.loc[5, "exp_1"] = np.nan
    model = expectlab.SatisfactionRegression(scale=(1, 7), n_boot=0).fit(
        sat, satisfaction=SAT_ITEMS[6:], expectation=SAT_ITEMS[:3],
        experience=SAT_ITEMS[3:6], weights="w")
    assert model.n_obs_ == n - 2 and len(model.excluded_) == 2
    loy = loyalty_data.assign(w=1.0)
    loy.loc[[3, 4], "trust"] = np.nan
    fit = expectlab.LoyaltyModel("logit", cv=None, n_boot=0, importance=False).fit(
        loy, outcome="stayed", drivers=["satisfaction", "trust"], weights="w")
    assert fit.n_obs_ == len(loy) - 2
    assert set(fit.excluded_["row"]) == {3, 4}
    rfm = rfm_data.assign(w=np.r_[0.0, np.ones(len(rfm_data) - 1)])
    bg = expectlab.BetaGeo().fit(rfm, weights="w")
    assert bg.n_obs_ + len(bg.excluded_) == len(rfm) and len(bg.excluded_) == 1
