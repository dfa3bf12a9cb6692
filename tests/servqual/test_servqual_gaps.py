"""ServqualGaps: recovery of known gaps, zone of tolerance, importance, reliability,
SERVPERF comparison."""

import warnings

import numpy as np
import pandas as pd
import pytest

from expectlab import FragileResultWarning, ServqualGaps
from expectlab.servqual import difference_score_reliability
from expectlab.servqual._stats import mean_table


def _fit(sim, **kw):
    return ServqualGaps(scale=(1, 7), **kw).fit(sim.data, items=sim.items,
                                                dimensions=sim.dimensions,
                                                overall="overall_quality")


def test_item_and_dimension_gaps_recover_truth(two):
    m = _fit(two)
    dims = m.summary.loc[("P - E", "dimension")]
    truth = two.truth.dimensions["gap"]
    assert np.allclose(dims["estimate"], truth.loc[dims.index], atol=0.12)
    items = m.summary.loc[("P - E", "item")]
    err = items["estimate"] - two.truth.items.loc[items.index, "gap"]
    assert np.abs(err).max() < 0.25
    # reliability is the worst dimension, as simulated
    assert dims["estimate"].idxmin() == "reliability"
    assert list(m.summary.columns[:6]) == ["estimate", "se", "lower", "upper", "statistic",
                                           "p"]


def test_paired_t_matches_scipy_without_weights(two):
    from scipy import stats

    m = _fit(two)
    e, p = two.data["exp_rel1"], two.data["per_rel1"]
    d = (p - e).dropna()
    row = m.summary.loc[("P - E", "item", "rel1")]
    res = stats.ttest_1samp(d, 0)
    assert row["estimate"] == pytest.approx(d.mean())
    assert row["statistic"] == pytest.approx(res.statistic)
    assert row["p"] == pytest.approx(res.pvalue)
    ci = res.confidence_interval()
    assert (row["lower"], row["upper"]) == pytest.approx((ci.low, ci.high))


def test_weighted_interval_uses_effective_n():
    values = np.array([[1.0], [2.0], [4.0], [7.0]])
    w = np.array([1.0, 1.0, 2.0, 4.0])
    t = mean_table(values, w, 0.05, pd.Index(["x"]))
    n_eff = w.sum() ** 2 / (w**2).sum()
    mean = np.average(values[:, 0], weights=w)
    var = np.average((values[:, 0] - mean) ** 2, weights=w) * n_eff / (n_eff - 1)
    assert t.loc["x", "n_eff"] == pytest.approx(n_eff)
    assert t.loc["x", "se"] == pytest.approx(np.sqrt(var / n_eff))


def test_bootstrap_interval_is_close_to_t_interval(two):
    m = _fit(two, n_boot=400, random_state=3)
    dims = m.summary.loc[("P - E", "dimension")]
    assert np.allclose(dims["boot_lower"], dims["lower"], atol=0.03)
    assert np.allclose(dims["boot_upper"], dims["upper"], atol=0.03)
    again = _fit(two, n_boot=400, random_state=3)
    pd.testing.assert_frame_equal(m.summary, again.summary)


def test_zone_of_tolerance_three_column(three):
    m = _fit(three)
    assert m.format_ == "three-column"
    dims = m.summary.xs("dimension", level="level")
    truth = three.truth.dimensions
    for measure, col in (("MSA", "msa"), ("MSS", "mss")):
        est = dims.loc[measure, "estimate"]
        assert np.allclose(est, truth.loc[est.index, col], atol=0.12)
    zone = m.zone_.loc["dimension"]
    shares = zone[["below", "within", "above", "inverted"]].sum(axis=1)
    assert np.allclose(shares, 1.0)
    # reliability has the smallest adequacy margin, so the largest share below the zone
    assert zone["below"].idxmax() == "reliability"


def test_stated_and_derived_importance(two):
    m = ServqualGaps(scale=(1, 7)).fit(two.data, items=two.items, dimensions=two.dimensions,
                                       importance=two.importance)
    share = m.importance_["share"]
    assert np.allclose(share, two.truth.importance.loc[share.index], atol=0.01)
    assert ("P - E", "overall", "importance-weighted (stated points)") in m.summary.index
    d = _fit(two)
    assert d.importance_["source"].iloc[0].startswith("derived")
    assert d.importance_["share"].sum() == pytest.approx(1.0)
    # weighted score = sum of shares x dimension gaps (respondents with every dimension)
    row = d.summary.loc[("P - E", "overall", "importance-weighted (derived)"), "estimate"]
    assert np.isfinite(row)


def test_difference_score_reliability_formula():
    # equal variances 1, correlation 0.5, reliabilities 0.8: (0.8 + 0.8 - 1) / (2 - 1)
    assert difference_score_reliability(1, 1, 0.5, 0.8, 0.8) == pytest.approx(0.6)
    assert np.isnan(difference_score_reliability(1, 1, 1, 0.8, 0.8))


def test_low_gap_reliability_warns_with_the_citation():
    from expectlab.simulate.servqual import simulate_servqual

    sim = simulate_servqual(n=300, correlation=0.95, sd_item=1.2, random_state=5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = ServqualGaps(scale=(1, 7)).fit(sim.data, items=sim.items,
                                           dimensions=sim.dimensions)
    texts = [str(w.message) for w in caught if issubclass(w.category, FragileResultWarning)]
    assert any("Peter, Churchill & Brown 1993" in t and "below 0.6" in t for t in texts)
    assert (m.reliability_["difference_reliability"] < 0.6).any()


def test_servperf_wins_when_overall_depends_on_perception(two):
    m = _fit(two)
    sp = m.servperf_
    assert sp.loc["SERVPERF (perception only)", "adj_r2"] > sp.loc["SERVQUAL (gap P - E)",
                                                                    "adj_r2"]
    # the response surface rejects the difference constraint in every dimension
    assert (~m.difference_tests_["difference_adequate"]).all()


def test_gap_truth_is_not_rejected_by_surface_test():
    from expectlab.simulate.servqual import simulate_servqual

    sim = simulate_servqual(n=600, overall_model="gap", random_state=8)
    m = ServqualGaps(scale=(1, 7)).fit(sim.data, items=sim.items, dimensions=sim.dimensions,
                                       overall="overall_quality")
    sp = m.servperf_
    assert sp.loc["SERVQUAL (gap P - E)", "adj_r2"] > sp.loc["SERVPERF (perception only)",
                                                             "adj_r2"]


def test_results_convention_and_plots(two, three):
    import matplotlib
    import matplotlib.pyplot as plt
    from sklearn.base import clone

    m = _fit(two)
    assert m.n_obs_ + len(m.excluded_) == len(two.data)
    assert clone(ServqualGaps(scale=(1, 7))).get_params()["scale"] == (1, 7)
    out = m.to_dict()
    assert out["n_obs"] == m.n_obs_ and "reliability" in out
    assert isinstance(m.plot_gaps(), matplotlib.axes.Axes)
    assert isinstance(m.plot_gaps(level="item"), matplotlib.axes.Axes)
    assert isinstance(m.plot_profile(), matplotlib.axes.Axes)
    m3 = _fit(three)
    assert isinstance(m3.plot_zone(), matplotlib.axes.Axes)
    assert isinstance(m3.plot_profile(), matplotlib.axes.Axes)
    plt.close("all")


def test_exclusions_are_counted(two):
    data = two.data.copy()
    cols = [c for pair in two.items.values() for c in pair]
    data.loc[[0, 1], cols] = np.nan
    data["w"] = 1.0
    data.loc[2, "w"] = 0.0
    m = ServqualGaps(scale=(1, 7)).fit(data, items=two.items, dimensions=two.dimensions,
                                       weights="w")
    reasons = m.excluded_["reason"].value_counts()
    assert reasons["no item answered in both batteries"] == 2
    assert reasons["zero weight 'w'"] == 1
    assert m.n_obs_ == len(data) - 3


@pytest.mark.parametrize("name", ["ServqualGaps", "FiveGapModel", "ImportancePerformance",
                                  "PenaltyReward"])
def test_estimator_contract(name, two, attrs):
    import pickle

    from sklearn.base import clone

    import expectlab
    from expectlab import NotFittedError

    cls = getattr(expectlab, name)
    est = cls(scale=(1, 7) if name in ("ServqualGaps", "FiveGapModel") else (1, 5))
    assert clone(est).get_params() == est.get_params()
    assert not hasattr(est, "summary")
    with pytest.raises(NotFittedError):
        est.print_summary()
    if name == "ServqualGaps":
        data = two.data
        est.fit(data, items=two.items, dimensions=two.dimensions, overall="overall_quality")
    elif name == "FiveGapModel":
        data = two.data
        est.fit(data, two.management, items=two.items,
                management_items=two.management_items)
    elif name == "ImportancePerformance":
        data = attrs.data
        est.set_params(n_boot=50, random_state=1).fit(
            data, performance=attrs.attributes, overall="overall_satisfaction")
    else:
        data = attrs.data
        est.set_params(n_boot=50, random_state=1).fit(
            data, attributes=attrs.attributes, overall="overall_satisfaction")
    assert list(est.summary.columns[:6]) == ["estimate", "se", "lower", "upper",
                                             "statistic", "p"]
    assert est.to_frame().equals(est.summary)
    assert est.to_dict()["n_obs"] == est.n_obs_
    est.print_summary()
    assert est._repr_html_().startswith("<")
    again = pickle.loads(pickle.dumps(est))
    pd.testing.assert_frame_equal(again.summary, est.summary)
    for value in vars(est).values():
        if isinstance(value, pd.DataFrame):
            assert not set(data.columns) <= set(value.columns)
