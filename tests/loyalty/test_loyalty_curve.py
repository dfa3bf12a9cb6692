"""The satisfaction-loyalty curve recovers the simulated threshold shape."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from expectlab.loyalty import loyalty_curve
from expectlab.simulate.loyalty import simulate_loyalty, true_curve


@pytest.fixture(scope="module")
def truth():
    return true_curve(n_mc=200_000, random_state=0)


def test_curve_recovers_threshold_shape(truth):
    sim = simulate_loyalty(5000, random_state=31)
    res = loyalty_curve(sim.data, outcome="stayed", driver="satisfaction")
    lv = res.levels_.set_index("level")
    # level shares sit within their intervals around the true curve (allow one miss)
    inside = (lv["lower"] <= truth.reindex(lv.index)) & (truth.reindex(lv.index) <= lv["upper"])
    assert inside.sum() >= len(lv) - 1
    # the smooth curve is close to the truth at every scale point with data
    at = res.curve_.set_index("satisfaction")["probability"]
    fitted = np.interp(truth.index, at.index, at.to_numpy())
    assert np.max(np.abs(fitted - truth.to_numpy())[2:]) < 0.05
    # threshold: the top-box step is much larger than the steps below it
    prem = res.premium_.iloc[0]
    true_premium = truth[7.0] - truth[6.0]
    assert prem["lower"] <= true_premium <= prem["upper"]
    assert prem["premium"] > 2 * (lv.loc[6.0, "share_loyal"] - lv.loc[5.0, "share_loyal"])
    assert prem["p"] < 0.001
    # zones: defection at the bottom, affection at the top
    zones = res.zones_.set_index("zone")["levels"]
    assert zones["affection"].endswith("7")
    assert zones["defection"].startswith("1")
    assert "zone of affection at levels" in "\n".join(res._summary_notes())


def test_no_threshold_means_no_premium_beyond_the_trend():
    # Without a top-box jump the premium equals an ordinary one-step increase.
    sim = simulate_loyalty(5000, effects={"top_box": 0.0}, random_state=32)
    res = loyalty_curve(sim.data, outcome="stayed", driver="satisfaction")
    flat = true_curve({"top_box": 0.0}, n_mc=100_000)
    prem = res.premium_.iloc[0]
    assert prem["lower"] <= flat[7.0] - flat[6.0] <= prem["upper"]
    assert prem["premium"] < 0.15


def test_by_segment_and_by_switching_costs():
    sim = simulate_loyalty(3000, random_state=33)
    data = sim.data.assign(w=np.random.default_rng(0).uniform(0.5, 2.0, 3000))
    by_seg = loyalty_curve(data, outcome="stayed", by="segment", weights="w")
    assert set(by_seg.premium_["group"]) == {"Business", "Private"}
    by_sw = loyalty_curve(data, outcome="stayed", by="switching_costs", by_bins=2)
    groups = by_sw.curve_["group"].unique()
    assert len(groups) == 2 and groups[0].startswith("switching_costs")
    # false loyalty: at low satisfaction, high switching costs keep more customers
    lv = by_sw.levels_
    low = lv[lv["level"] == 3.0].set_index("group")["share_loyal"]
    assert low[low.index.str.contains(">")].iloc[0] > low[low.index.str.contains("<=")].iloc[0]
    ax = by_sw.plot()
    assert ax.get_legend() is not None and "Probability" in ax.get_ylabel()
    assert list(by_sw.premium_.columns[:3]) == ["group", "top_level", "next_level"]
    # summary: the premium per group under the shared result column names
    assert list(by_sw.summary.columns) == ["estimate", "se", "lower", "upper", "statistic", "p"]
    assert by_sw.summary["estimate"].tolist() == by_sw.premium_["premium"].tolist()


def test_rating_outcome_and_missing_rows():
    sim = simulate_loyalty(1500, random_state=34)
    data = sim.data.copy()
    data.loc[[0, 5], "satisfaction"] = np.nan
    res = loyalty_curve(data, outcome="nps", driver="satisfaction", loyal_from=9)
    assert res.n_obs_ == 1498
    assert res.excluded_["reason"].tolist() == ["missing 'satisfaction'"] * 2
    assert res.curve_["probability"].between(0, 1).all()


def test_scale_means_are_grouped_by_rounded_level():
    rng = np.random.default_rng(1)
    x = rng.integers(3, 22, 2000) / 3  # item means in thirds, 1 .. 7
    y = (rng.random(2000) < 1 / (1 + np.exp(-(x - 4)))).astype(int)
    res = loyalty_curve(pd.DataFrame({"sat": x, "stay": y}), outcome="stay", driver="sat")
    assert set(res.levels_["level"]) <= {1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0}


@pytest.mark.slow
def test_top_box_premium_interval_coverage():
    truth = true_curve(n_mc=200_000, random_state=0)
    target = truth[7.0] - truth[6.0]
    hits = []
    for seed in range(120):
        sim = simulate_loyalty(1000, random_state=500 + seed, nps=False)
        prem = loyalty_curve(sim.data, outcome="stayed").premium_.iloc[0]
        hits.append(prem["lower"] <= target <= prem["upper"])
    assert 0.89 <= np.mean(hits) <= 0.99
