"""FiveGapModel, ImportancePerformance, PenaltyReward and the Kano comparison recover
their simulated truth; the report section and the example files work."""

import warnings

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from expectlab import FiveGapModel, ImportancePerformance, PenaltyReward, compare_with_kano


def test_five_gaps_recover_truth(two):
    m = FiveGapModel(scale=(1, 7)).fit(two.data, two.management, items=two.items,
                                       management_items=two.management_items,
                                       dimensions=two.dimensions)
    truth = two.truth.management.groupby("dimension", sort=False)[
        ["gap 1", "gap 2", "gap 3", "gap 4", "gap 5"]].mean()
    for gap in truth.columns:
        est = m.summary.loc[(gap, "dimension"), "estimate"]
        assert np.allclose(est, truth.loc[est.index, gap], atol=0.2), gap
    tests = m.summary.xs("dimension", level="level")["test"]
    assert set(tests.loc["gap 1"]) == {"Welch"} and set(tests.loc["gap 3"]) == {"paired"}
    assert m.n_obs_ + len(m.excluded_) == len(two.data) + len(two.management)
    assert isinstance(m.plot_gaps(), matplotlib.axes.Axes)
    plt.close("all")


def test_welch_matches_scipy(two):
    from scipy import stats

    m = FiveGapModel(scale=(1, 7)).fit(two.data, two.management, items=two.items,
                                       management_items=two.management_items)
    row = m.summary.loc[("gap 1", "item", "rel2")]
    a = two.data["exp_rel2"].dropna()
    b = two.management["belief_rel2"].dropna()
    res = stats.ttest_ind(b, a, equal_var=False)
    assert row["estimate"] == pytest.approx(b.mean() - a.mean())
    assert row["statistic"] == pytest.approx(res.statistic)
    assert row["p"] == pytest.approx(res.pvalue)
    unpaired = FiveGapModel(scale=(1, 7), paired_management=False).fit(
        two.data, two.management, items=two.items, management_items=two.management_items)
    assert unpaired.summary.loc[("gap 2", "item", "rel2"), "test"] == "Welch"


def test_penalty_reward_recovers_truth_and_classes(attrs):
    pr = PenaltyReward(scale=(1, 5), n_boot=300, random_state=1).fit(
        attrs.data, attributes=attrs.attributes, overall="overall_satisfaction")
    cls = pr.classes_
    truth = attrs.truth
    assert np.allclose(cls["penalty"], truth["penalty"], atol=0.2)
    assert np.allclose(cls["reward"], truth["reward"], atol=0.2)
    assert np.allclose(cls["share_low"], truth["share_low"], atol=0.03)
    decided = cls[cls["class"] != "not yet clear"]
    assert len(decided) >= 4
    assert (decided["class"] == truth.loc[decided.index, "class"]).all()
    # IA = (reward - penalty) / (reward + penalty)
    ia = (cls["reward"] - cls["penalty"]) / (cls["reward"] + cls["penalty"])
    assert np.allclose(cls["impact_asymmetry"], ia)
    assert isinstance(pr.plot_penalty_reward(), matplotlib.axes.Axes)
    plt.close("all")


def test_not_yet_clear_when_interval_spans_threshold(attrs):
    small = attrs.data.iloc[:150]
    pr = PenaltyReward(scale=(1, 5), n_boot=200, random_state=2).fit(
        small, attributes=attrs.attributes, overall="overall_satisfaction")
    unclear = pr.classes_[pr.classes_["class"] == "not yet clear"]
    assert len(unclear)
    spans = ((unclear["ia_lower"] < -0.2) & (unclear["ia_upper"] > -0.2)) | (
        (unclear["ia_lower"] < 0.2) & (unclear["ia_upper"] > 0.2))
    assert spans.all()


def test_kano_comparison_table(attrs):
    from expectlab.kano import KanoAnalysis, reshape_wide

    pr = PenaltyReward(scale=(1, 5), n_boot=200, random_state=1).fit(
        attrs.data, attributes=attrs.attributes, overall="overall_satisfaction")
    long = reshape_wide(attrs.data, attrs.kano_pairs, respondent="respondent_id")
    ka = KanoAnalysis(n_boot=0).fit(long, respondent="respondent_id",
                                    attribute="attribute", functional="functional",
                                    dysfunctional="dysfunctional")
    table = compare_with_kano(pr, ka)
    assert (table["kano_category"] == attrs.truth.loc[table.index, "kano_category"]).all()
    decided = table[table["agree"].notna()]
    assert decided["agree"].all() and len(decided) >= 4


def test_ipa_quadrants(attrs):
    ipa = ImportancePerformance(scale=(1, 5), n_boot=300, random_state=1).fit(
        attrs.data, performance=attrs.attributes, importance=attrs.importance,
        overall="overall_satisfaction")
    q = ipa.quadrants_
    truth = attrs.truth
    assert np.allclose(q["performance"], truth["performance"], atol=0.08)
    assert np.allclose(q["importance"], truth["importance"], atol=0.08)
    # most important, worst performing attribute
    assert q.loc["clean room", "quadrant"] == "concentrate here"
    assert q.loc["welcome gift", "quadrant"] == "possible overkill"
    assert ipa.crosshair_["performance"] == pytest.approx(q["performance"].mean())
    assert isinstance(ipa.plot_grid(), matplotlib.axes.Axes)
    plt.close("all")
    # derived importance: correlation with overall (unweighted = Pearson)
    r = np.corrcoef(attrs.data["perf_clean_room"], attrs.data["overall_satisfaction"])[0, 1]
    derived = ipa.summary.loc[("clean room", "derived importance"), "estimate"]
    assert derived == pytest.approx(r)
    reg = ImportancePerformance(derived="regression", scale=(1, 5), n_boot=0).fit(
        attrs.data, performance=attrs.attributes, overall="overall_satisfaction")
    assert reg.importance_source_ == "derived importance"
    assert reg.quadrants_["quadrant_probability"].isna().all()


def test_report_section_compute_and_show(two, three, tmp_path, monkeypatch):
    from expectlab import InputError
    from expectlab.report.context import ReportContext
    from expectlab.servqual import ServqualGaps
    from expectlab.servqual.report_section import compute, largest_gap, show
    from tests.report._studies import prepared, shown_text

    items = {k: list(v) for k, v in two.items.items()}
    params = {"servqual_items": items, "servqual_dimensions": two.dimensions,
              "servqual_overall": "overall_quality", "servqual_importance": two.importance,
              "n_boot": 20, "random_state": 1}
    study = prepared(two.data, tmp_path, **params)
    assert study.runs("servqual") and not study.runs("csi")
    result = compute(study)
    direct = ServqualGaps(scale=(1, 7), n_boot=0).fit(
        two.data, items=two.items, dimensions=two.dimensions, overall="overall_quality",
        importance=two.importance)
    gap = largest_gap(result.parts["model"])
    assert gap.name == largest_gap(direct).name
    assert gap["estimate"] == pytest.approx(largest_gap(direct)["estimate"])
    out = shown_text(monkeypatch)
    show(result, ReportContext(study))
    text = "\n".join(out)
    assert "Gap per dimension (perception minus expectation)" in text
    assert "SERVPERF" in text and "Reliability of the gap scores" in text
    three_study = prepared(three.data, tmp_path, servqual_items={
        k: list(v) for k, v in three.items.items()}, servqual_dimensions=three.dimensions,
        n_boot=20)
    out.clear()
    show(compute(three_study), ReportContext(three_study))
    assert "zone of tolerance" in "\n".join(out)
    # an item mapped to a column the file lacks stops the report before it runs
    with pytest.raises(InputError, match="per_rel1"):
        prepared(two.data.drop(columns="per_rel1"), tmp_path, **params)
    plt.close("all")


def test_example_files_fit_from_their_codebook():
    from expectlab import ServqualGaps, Study, read_survey
    from tests.conftest import DATA

    study = Study.from_survey(read_survey(DATA / "servqual_survey.csv"))
    items = {c[4:]: (c, "per_" + c[4:]) for c in study.data.columns if c.startswith("exp_")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = ServqualGaps().fit(study, items=items, dimensions="classic",
                               overall="overall_quality")
    assert m.weights_ == "the study's weight column 'weight'"
    assert m.scale_ == (1.0, 7.0) and m.n_obs_ == 500
    mgmt = pd.read_csv(DATA / "servqual_management.csv")
    assert len(mgmt) == 60 and "belief_rel1" in mgmt


@pytest.mark.slow
def test_item_gap_interval_covers_truth_about_95_percent():
    """Coverage of the paired t interval of an item gap over repeated simulations."""
    from expectlab import ServqualGaps
    from expectlab.simulate.servqual import simulate_servqual

    hits, total = 0, 0
    for seed in range(120):
        sim = simulate_servqual(n=120, random_state=1000 + seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = ServqualGaps(scale=(1, 7)).fit(sim.data, items=sim.items,
                                               dimensions=sim.dimensions)
        items = m.summary.loc[("P - E", "item")]
        truth = sim.truth.items.loc[items.index, "gap"]
        hits += int(((items["lower"] <= truth) & (truth <= items["upper"])).sum())
        total += len(items)
    coverage = hits / total
    assert 0.93 <= coverage <= 0.97, coverage
