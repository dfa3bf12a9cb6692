"""KanoAnalysis: the worked example, weights, uncertainty, warnings and every error path."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import expectlab
from expectlab import FragileResultWarning, InputError, KanoAnalysis
from expectlab.simulate.kano import simulate_kano_panel

COLS = dict(respondent="id", attribute="attribute", functional="f", dysfunctional="d")


def fit(data, **kwargs):
    params = dict(n_boot=200, random_state=0, progress=False)
    params.update(kwargs.pop("params", {}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        return KanoAnalysis(**params).fit(data, **{**COLS, **kwargs})


def test_worked_example_of_the_issue_is_reproduced_exactly(worked_example, worked_counts):
    # Source: the worked example in the issue "Kano analysis and expectation drift across
    # survey waves" (counts M, O, A, I, R, Q; n = 296); Fong's test as in Fong (1996).
    with pytest.warns(FragileResultWarning, match="Fong's test does not support.*Hotline"):
        ka = KanoAnalysis(n_boot=200, random_state=1, progress=False).fit(
            worked_example, **COLS)
    s = ka.summary
    for attr, counts in worked_counts.items():
        assert s.loc[attr, ["M", "O", "A", "I", "R", "Q"]].tolist() == list(counts.values())
        assert s.loc[attr, "n"] == 296
    expected = {  # better, worse, |a-b|, limit, significant
        "Service app": (0.568, -0.736, 28, 19.4, True),
        "Hotline": (0.511, -0.137, 3, 19.8, False),
        "Ready-to-use return": (0.352, -0.094, 94, 19.9, True),
    }
    for attr, (better, worse, diff, limit, sig) in expected.items():
        assert round(s.loc[attr, "better"], 3) == better
        assert round(s.loc[attr, "worse"], 3) == worse
        assert s.loc[attr, "fong_diff"] == diff
        assert round(s.loc[attr, "fong_limit"], 1) == limit
        assert bool(s.loc[attr, "fong_significant"]) is sig
    # modal categories: O, I (strictly) but A after the M > O > A > I near-tie rule, I
    assert s["modal"].tolist() == ["O", "I", "I"]
    assert s["category"].tolist() == ["O", "A", "I"]
    required = {"n", "A", "O", "M", "I", "R", "Q", "category", "better", "worse",
                "fong_significant", "better_lower", "better_upper", "worse_lower",
                "worse_upper", "functional_mean_lower", "dysfunctional_mean_upper",
                "p_modal_A", "p_modal_Q"}
    assert required <= set(s.columns)
    assert np.allclose(s.filter(like="p_modal_").sum(axis=1), 1)
    assert (s["better_lower"] < s["better"]).all() and (s["better"] < s["better_upper"]).all()


def test_category_strength_total_strength_and_aom_rule(worked_example):
    s = fit(worked_example).summary
    assert s.loc["Service app", "category_strength"] == pytest.approx((123 - 95) / 296)
    assert s.loc["Hotline", "total_strength"] == pytest.approx((121 + 24 + 15) / 296)
    # Hotline: A+O+M = 160 > I+R+Q = 136, so the largest of A, O, M: A
    assert s.loc["Hotline", "category_aom"] == "A"
    # Return: A+O+M = 110 < 186, so the largest of I, R, Q: I
    assert s.loc["Ready-to-use return", "category_aom"] == "I"


def test_tie_rules():
    data = pd.DataFrame({"id": range(8), "attribute": "x",
                         "f": [1, 1, 1, 3, 3, 3, 3, 2], "d": [3, 3, 3, 3, 3, 3, 3, 5]})
    # counts: A 3, I 4, M 1 -> exact rule: I; Fong cannot separate A from I -> A by priority
    assert fit(data, params={"tie_rule": "exact"}).summary.loc["x", "category"] == "I"
    assert fit(data).summary.loc["x", "category"] == "A"
    assert fit(data, params={"tie_rule": 0.05}).summary.loc["x", "category"] == "I"
    assert fit(data, params={"tie_rule": 0.2}).summary.loc["x", "category"] == "A"


def test_functional_and_dysfunctional_means_use_the_published_scores():
    data = pd.DataFrame({"id": [1, 2], "attribute": "x", "f": [1, 4], "d": [5, 2]})
    s = fit(data, params={"n_boot": 0}).summary
    assert s.loc["x", "functional_mean"] == pytest.approx((4 - 1) / 2)
    assert s.loc["x", "dysfunctional_mean"] == pytest.approx((4 - 1) / 2)
    assert np.isnan(s.loc["x", "better_lower"])


def test_survey_weights_equal_replicating_rows():
    rng = np.random.default_rng(3)
    base = pd.DataFrame({"id": np.arange(150), "attribute": "x",
                         "f": rng.integers(1, 6, 150), "d": rng.integers(1, 6, 150),
                         "w": rng.integers(1, 4, 150)})
    weighted = fit(base, weights="w", params={"n_boot": 0}).summary
    rep = base.loc[base.index.repeat(base["w"])].assign(id=lambda x: np.arange(len(x)))
    replicated = fit(rep, params={"n_boot": 0}).summary
    for col in ["better", "worse", "functional_mean", "dysfunctional_mean"]:
        assert weighted.loc["x", col] == pytest.approx(replicated.loc["x", col])
    shares_w = weighted.loc["x", list("AOMIRQ")] / weighted.loc["x", "n"]
    shares_r = replicated.loc["x", list("AOMIRQ")] / replicated.loc["x", "n"]
    assert np.allclose(shares_w.astype(float), shares_r.astype(float))
    assert weighted.loc["x", "n"] == 150  # counts are rescaled to the usable answers


@pytest.mark.slow
def test_better_worse_intervals_cover_the_truth_about_95_percent():
    # 200 independent attributes with the same truth analysed in one fit: the bootstrap
    # intervals are per attribute, so the share covering the truth estimates coverage.
    sim = simulate_kano_panel(300, 1, {f"a{i}": "no drift" for i in range(200)},
                              noise=0.05, random_state=21)
    truth = sim.truth.iloc[0]
    ka = fit(sim.data, respondent="respondent", functional="functional",
             dysfunctional="dysfunctional", params={"n_boot": 400, "random_state": 5})
    s = ka.summary
    cover_b = ((s["better_lower"] <= truth["better"]) & (truth["better"] <= s["better_upper"]))
    cover_w = ((s["worse_lower"] <= truth["worse"]) & (truth["worse"] <= s["worse_upper"]))
    assert 0.91 <= cover_b.mean() <= 0.985, cover_b.mean()
    assert 0.91 <= cover_w.mean() <= 0.985, cover_w.mean()
    # point estimates recover the truth on average
    assert s["better"].mean() == pytest.approx(truth["better"], abs=0.01)
    assert s["worse"].mean() == pytest.approx(truth["worse"], abs=0.01)
    # the bootstrap standard error matches the spread across attributes
    assert s["better_se"].mean() == pytest.approx(s["better"].std(), rel=0.2)


def test_recovery_of_the_modal_category_on_simulated_data():
    sim = simulate_kano_panel(400, 4, {"App": "life cycle"}, random_state=2)
    ka = fit(sim.data, respondent="respondent", functional="functional",
             dysfunctional="dysfunctional", wave="wave")
    assert ka.summary["category"].tolist() == ["I", "A", "O", "M"]
    assert (ka.summary["p_modal_M"].iloc[-1]) > 0.95
    assert list(ka.summary.index.names) == ["attribute", "wave"]


def test_segments_importance_and_exclusions():
    data = pd.DataFrame({
        "id": [1, 2, 3, 4, 5, 6, 7, None], "attribute": ["x"] * 8,
        "f": [1, 1, 2, None, 3, 1, 2, 1], "d": [5, 3, 5, 5, 3, 5, 5, 5],
        "seg": ["a", "a", "a", "b", "b", "b", "b", "b"],
        "imp": [5, 4, 3, 2, 1, None, 5, 5]})
    ka = fit(data, segment="seg", importance="imp")
    s = ka.summary
    assert list(s.index) == [("x", "a"), ("x", "b")]
    assert s.loc[("x", "a"), "importance"] == pytest.approx(4.0)
    assert s.loc[("x", "b"), "importance"] == pytest.approx((1 + 5) / 2)
    assert ka.n_obs_ == 6
    reasons = ka.excluded_.set_index("row")["reason"].to_dict()
    assert reasons == {7: "missing respondent id", 3: "missing functional or dysfunctional answer"}
    assert "Rows excluded: 2" in "\n".join(ka._summary_notes())


@pytest.mark.filterwarnings("ignore:Fong's test does not support")
def test_small_samples_warn(worked_example):
    small = worked_example[worked_example["id"] <= 50]
    with pytest.warns(FragileResultWarning, match="Fewer than 100 usable answers"):
        KanoAnalysis(n_boot=20, random_state=0, progress=False).fit(small, **COLS)


@pytest.mark.filterwarnings("ignore:Fong's test does not support")
def test_wording_change_between_waves_warns():
    sim = simulate_kano_panel(120, 2, {"App": "no drift"}, random_state=1,
                              answer_set={1: "Kano 1984", 2: "Berger et al. 1993"})
    with pytest.warns(FragileResultWarning, match="wording or evaluation table differs"):
        ka = KanoAnalysis(n_boot=10, progress=False).fit(
            sim.data, respondent="respondent", attribute="attribute",
            functional="functional", dysfunctional="dysfunctional", wave="wave")
    assert ka.answer_sets_ == {1: "Kano 1984", 2: "Berger et al. 1993"}
    assert ka.summary["answer_set"].tolist() == ["Kano 1984", "Berger et al. 1993"]


def test_same_seed_same_intervals(worked_example):
    a = fit(worked_example, params={"random_state": 9}).summary
    b = fit(worked_example, params={"random_state": 9}).summary
    pd.testing.assert_frame_equal(a, b)


def test_print_summary_and_html_escape_labels(worked_example, capsys):
    data = worked_example.replace({"attribute": {"Hotline": "<script>x</script>"}})
    ka = fit(data)
    ka.print_summary()
    out = capsys.readouterr().out
    assert "Kano analysis" in out and "0x" not in out and "better" in out
    html = ka._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    ka.print_summary(full=True)
    assert "p_modal_A" in capsys.readouterr().out


def test_plots_return_axes(worked_example):
    import matplotlib.pyplot as plt

    ka = fit(worked_example)
    for method in (ka.plot_better_worse, ka.plot_means, ka.plot_shares):
        ax = method()
        assert ax.get_title() and ax.get_xlabel()
        plt.close(ax.figure)


def test_lazy_public_names_resolve():
    assert expectlab.KanoAnalysis is KanoAnalysis
    assert expectlab.kano.KanoDrift is expectlab.KanoDrift


# ---- error paths ------------------------------------------------------------------------
def test_missing_column_raises(worked_example):
    with pytest.raises(InputError, match="'nope'"):
        fit(worked_example, wave="nope")


def test_column_argument_must_be_a_name(worked_example):
    with pytest.raises(InputError, match="functional= must name a column"):
        fit(worked_example, functional=3)


def test_duplicate_answers_raise(worked_example):
    dup = pd.concat([worked_example, worked_example.iloc[:2]])
    with pytest.raises(InputError, match="2 rows repeat"):
        fit(dup)


@pytest.mark.parametrize("weights,match", [
    (["a"] * 888, "Weight column 'w' in the Kano data must hold numbers, but has text"),
    ([-1.0] * 888, "Weight column 'w' must hold non-negative numbers")])
def test_bad_weights_raise(worked_example, weights, match):
    with pytest.raises(InputError, match=match):
        fit(worked_example.assign(w=weights), weights="w")


def test_missing_and_zero_weights_are_logged(worked_example):
    w = np.ones(len(worked_example))
    w[0], w[1] = np.nan, 0
    ka = fit(worked_example.assign(w=w), weights="w", params={"n_boot": 0})
    assert sorted(ka.excluded_["reason"]) == ["missing weight 'w'", "zero weight 'w'"]
    assert ka.n_obs_ + len(ka.excluded_) == len(worked_example)


def test_non_numeric_importance_raises(worked_example):
    with pytest.raises(InputError, match="Importance column 'imp' in the Kano data must "
                                         "hold numbers, but has text"):
        fit(worked_example.assign(imp="high"), importance="imp")


def test_no_usable_rows_and_empty_data_raise(worked_example):
    with pytest.raises(InputError, match="No usable"):
        fit(worked_example.assign(f=np.nan))
    with pytest.raises(InputError, match="no rows"):
        fit(worked_example.iloc[:0])
    with pytest.raises(InputError, match="DataFrame"):
        fit(worked_example.to_dict())


@pytest.mark.parametrize("params,match", [
    ({"alpha": 1.5}, "alpha"), ({"n_boot": -1}, "n_boot"), ({"tie_rule": "loose"}, "tie_rule"),
    ({"random_state": "seed"}, "random_state")])
def test_bad_parameters_raise(worked_example, params, match):
    with pytest.raises(InputError, match=match):
        fit(worked_example, params=params)


def test_summary_before_fit_raises():
    with pytest.raises(InputError, match="not fitted"):
        _ = KanoAnalysis().summary
    assert "not fitted" in KanoAnalysis()._repr_html_()
    assert KanoAnalysis(n_boot=5).get_params()["n_boot"] == 5
