"""The estimator contract for KanoAnalysis and KanoDrift: scikit-learn behaviour, the
measurement layer (Study input, shared checks), results conventions, pickling, plots and
the bad-input matrix."""

from __future__ import annotations

import pickle
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from expectlab import FragileResultWarning, InputError, KanoAnalysis, KanoDrift, Study
from expectlab._errors import NotFittedError
from expectlab._results import SUMMARY_COLUMNS
from expectlab.kano import reshape_wide
from expectlab.simulate.kano import simulate_kano_panel

COLS = dict(respondent="id", attribute="attribute", functional="f", dysfunctional="d")
DRIFT_COLS = dict(respondent="respondent", attribute="attribute", functional="functional",
                  dysfunctional="dysfunctional", wave="wave")
PAIRS = {"App": ("app_f", "app_d"), "Hotline": ("hot_f", "hot_d")}


def quiet(est, data, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        return est.fit(data, **kwargs)


def wide_frame(n=120, seed=0, waves=None):
    """One row per respondent (x wave) with two Kano pairs, a weight and a region."""
    rng = np.random.default_rng(seed)
    rows = n * (len(waves) if waves else 1)
    frame = pd.DataFrame({
        "rid": np.tile(np.arange(n), len(waves)) if waves else np.arange(n),
        "app_f": rng.integers(1, 6, rows), "app_d": rng.integers(1, 6, rows),
        "hot_f": rng.integers(1, 6, rows), "hot_d": rng.integers(1, 6, rows),
        "w": rng.uniform(0.5, 2.0, rows),
        "region": np.where(rng.random(rows) < 0.5, "north", "south"),
        "imp": rng.integers(1, 8, rows).astype(float),
    })
    if waves:
        frame["wave"] = np.repeat(waves, n)
    return frame


@pytest.fixture(scope="module")
def drift_data():
    return simulate_kano_panel(150, 3, {"App": "life cycle", "Chat": "no drift"},
                               random_state=5).data


def fitted_analysis(worked_example):
    return quiet(KanoAnalysis(n_boot=30, random_state=3, progress=False), worked_example,
                 **COLS)


def fitted_drift(data):
    return quiet(KanoDrift(n_boot=20, n_sim=30, random_state=3, progress=False), data,
                 **DRIFT_COLS)


# ---- scikit-learn contract ---------------------------------------------------------------
@pytest.mark.parametrize("cls", [KanoAnalysis, KanoDrift])
def test_clone_get_set_params_and_not_fitted(cls):
    est = cls(n_boot=7, random_state=4)
    params = est.get_params()
    assert params["n_boot"] == 7 and params["random_state"] == 4
    twin = clone(est)
    assert twin is not est and twin.get_params() == params
    assert est.set_params(alpha=0.1) is est and est.alpha == 0.1
    with pytest.raises(InputError, match="Unknown parameter"):
        est.set_params(weights="w")
    assert not hasattr(est, "summary")
    with pytest.raises(NotFittedError, match="not fitted"):
        _ = est.summary
    with pytest.raises(NotFittedError):
        est.print_summary()
    # __init__ validates nothing: bad settings surface in fit
    cls(alpha=7, n_boot=-1)


def test_refit_with_a_seed_is_reproducible(worked_example, drift_data):
    a = fitted_analysis(worked_example)
    b = clone(a)
    quiet(b, worked_example, **COLS)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    d1 = fitted_drift(drift_data)
    d2 = quiet(clone(d1), drift_data, **DRIFT_COLS)
    pd.testing.assert_frame_equal(d1.summary, d2.summary)
    pd.testing.assert_frame_equal(d1.trajectories_, d2.trajectories_)
    pd.testing.assert_frame_equal(d1.forecast(2), d2.forecast(2))


# ---- results convention ------------------------------------------------------------------
def test_interval_columns_follow_one_convention(worked_example, drift_data):
    s = fitted_analysis(worked_example).summary
    for frame in (s, fitted_drift(drift_data).summary):
        assert not [c for c in frame.columns if " " in c or "%" in c]
        for c in frame.columns:
            if c.endswith("_lower"):
                base = c[: -len("_lower")]
                assert {base, f"{base}_upper", f"{base}_se"} <= set(frame.columns), c
    assert {"better", "better_se", "better_lower", "better_upper"} <= set(s.columns)


def test_estimates_table_uses_the_shared_column_names(worked_example):
    ka = fitted_analysis(worked_example)
    est = ka.estimates_
    assert list(est.columns) == ["estimate", "se", "lower", "upper"]
    assert set(est.columns) <= set(SUMMARY_COLUMNS)
    assert est.loc[("Service app", "better"), "estimate"] == pytest.approx(168 / 296)
    assert est.loc[("Hotline", "worse"), "upper"] == ka.summary.loc["Hotline", "worse_upper"]
    assert "estimates" in ka.to_dict() and "shares" in ka.to_dict()


def test_drift_test_columns_are_statistic_and_p(drift_data):
    s = fitted_drift(drift_data).summary
    assert {"statistic", "df", "p", "lifecycle_slope_statistic", "lifecycle_slope_p",
            "moves_p"} <= set(s.columns)
    assert not {"lr_stat", "p_value", "lifecycle_z", "lifecycle_p", "p_lifecycle"} & set(
        s.columns)
    assert s.loc["App", "p"] < 0.001 and s.loc["App", "statistic"] > 10


# ---- rows in = n_obs_ + excluded ---------------------------------------------------------
def test_rows_in_equal_used_plus_excluded(worked_example):
    data = worked_example.assign(w=1.0)
    data.loc[0, "f"] = np.nan
    data.loc[1, "id"] = np.nan
    data.loc[2, "w"] = np.nan
    data.loc[3, "w"] = 0.0
    ka = quiet(KanoAnalysis(n_boot=0, progress=False), data, weights="w", **COLS)
    assert ka.n_obs_ == len(data) - 4
    assert ka.n_obs_ + len(ka.excluded_) == len(data)
    assert set(ka.excluded_["row"]) == {0, 1, 2, 3}


def test_rows_in_equal_used_plus_excluded_for_a_wide_study():
    wide = wide_frame()
    wide.loc[0, "app_f"] = np.nan
    wide.loc[1, "w"] = 0.0
    study = Study.from_frame(wide, id="rid", kano_pairs=PAIRS, weights="w")
    ka = quiet(KanoAnalysis(n_boot=0, progress=False), study)
    assert ka.n_obs_ + len(ka.excluded_) == len(wide) * len(PAIRS)
    # excluded rows point back to the study row and attribute
    reasons = dict(zip(ka.excluded_["row"], ka.excluded_["reason"], strict=True))
    assert reasons == {(0, "App"): "missing functional or dysfunctional answer",
                       (1, "App"): "zero weight 'w'", (1, "Hotline"): "zero weight 'w'"}


def test_rows_in_equal_used_plus_excluded_for_drift(drift_data):
    data = drift_data.copy()
    data.loc[data.index[:3], "functional"] = np.nan
    d = fitted_drift(data)
    assert d.n_obs_ + len(d.excluded_) == len(data) and len(d.excluded_) == 3


# ---- Study input -------------------------------------------------------------------------
def test_wide_study_equals_the_reshaped_dataframe_call():
    wide = wide_frame()
    study = Study.from_frame(wide, id="rid", kano_pairs=PAIRS, weights="w",
                             segments=["region"])
    est = KanoAnalysis(n_boot=40, random_state=2, progress=False)
    from_study = quiet(clone(est), study)
    long = reshape_wide(wide, PAIRS, respondent="rid", keep=["w"])
    from_frame = quiet(clone(est), long, respondent="rid", attribute="attribute",
                       functional="functional", dysfunctional="dysfunctional", weights="w")
    pd.testing.assert_frame_equal(from_study.summary, from_frame.summary)
    # the study's weights are used and said so; its segments are not used unless asked
    assert from_study.weights_ == "w"
    assert list(from_study.summary.index) == ["App", "Hotline"]
    assert any("the study's weights" in n for n in from_study._summary_notes())
    by_region = quiet(clone(est), study, segment=True)
    assert list(by_region.summary.index.names) == ["attribute", "segment"]
    long_r = reshape_wide(wide, PAIRS, respondent="rid", keep=["w", "region"])
    explicit = quiet(clone(est), long_r, respondent="rid", attribute="attribute",
                     functional="functional", dysfunctional="dysfunctional", weights="w",
                     segment="region")
    pd.testing.assert_frame_equal(by_region.summary, explicit.summary)


def test_wide_study_weights_as_values_and_importance_mapping():
    wide = wide_frame()
    study = Study.from_frame(wide, id="rid", kano_pairs=PAIRS)
    est = KanoAnalysis(n_boot=0, progress=False)
    by_values = quiet(clone(est), study, weights=wide["w"].to_numpy(),
                      importance={"App": "imp"})
    by_column = quiet(clone(est), Study.from_frame(wide, id="rid", kano_pairs=PAIRS,
                                                   weights="w"), importance={"App": "imp"})
    cols = ["better", "worse", "importance"]
    pd.testing.assert_frame_equal(by_values.summary[cols], by_column.summary[cols])
    assert by_values.summary.loc["App", "importance"] == pytest.approx(
        np.average(wide["imp"], weights=wide["w"]))
    assert by_values.weights_ == "array"
    with pytest.raises(InputError, match="one weight per row of the study data"):
        quiet(clone(est), study, weights=[1.0, 2.0])
    with pytest.raises(InputError, match="importance= maps attribute labels"):
        quiet(clone(est), study, importance="imp")


def test_study_importance_outside_its_declared_scale_raises():
    wide = wide_frame()
    wide.loc[4, "imp"] = 99
    book = {"variables": {"imp": {"scale": [1, 7]}}}
    study = Study.from_frame(wide, book, id="rid", kano_pairs=PAIRS)
    with pytest.raises(InputError, match=r"Importance column 'imp'.*outside the declared "
                                         r"scale 1-7.*99"):
        quiet(KanoAnalysis(n_boot=0, progress=False), study, importance={"App": "imp"})


def test_study_without_pairs_or_id_is_a_clear_error():
    wide = wide_frame()
    with pytest.raises(InputError, match="declares no Kano pairs"):
        KanoAnalysis().fit(Study.from_frame(wide, id="rid"))
    with pytest.raises(InputError, match="needs a respondent id"):
        KanoAnalysis().fit(Study.from_frame(wide, kano_pairs=PAIRS))
    with pytest.raises(InputError, match="segment=True takes the study's first segment"):
        KanoAnalysis().fit(Study.from_frame(wide, id="rid", kano_pairs=PAIRS), segment=True)
    with pytest.raises(InputError, match=r"needs attribute=, functional=, dysfunctional="):
        KanoAnalysis().fit(wide, respondent="rid")


def test_drift_takes_the_study_wave(drift_data):
    wide = wide_frame(n=150, seed=4, waves=[1, 2, 3])
    study = Study.from_frame(wide, id="rid", wave="wave", kano_pairs=PAIRS)
    est = KanoDrift(n_boot=10, n_sim=20, random_state=1, progress=False)
    from_study = quiet(clone(est), study)
    long = reshape_wide(wide, PAIRS, respondent="rid", keep=["wave"])
    from_frame = quiet(clone(est), long, respondent="rid", attribute="attribute",
                       functional="functional", dysfunctional="dysfunctional", wave="wave")
    pd.testing.assert_frame_equal(from_study.summary, from_frame.summary)
    assert from_study.waves_ == [1, 2, 3]
    with pytest.raises(InputError, match="KanoDrift needs wave="):
        KanoDrift().fit(Study.from_frame(wide_frame(), id="rid", kano_pairs=PAIRS))


# ---- renamed argument --------------------------------------------------------------------
def test_old_weight_argument_warns_and_still_works(worked_example, drift_data):
    data = worked_example.assign(w=np.linspace(0.5, 2, len(worked_example)))
    new = quiet(KanoAnalysis(n_boot=0, progress=False), data, weights="w", **COLS)
    with pytest.warns(FutureWarning, match="weight= is renamed weights="):
        old = quiet(KanoAnalysis(n_boot=0, progress=False), data, weight="w", **COLS)
    pd.testing.assert_frame_equal(new.summary, old.summary)
    with pytest.raises(InputError, match="pass weights= only"):
        KanoAnalysis().fit(data, weight="w", weights="w", **COLS)
    panel = drift_data.assign(w=1.5)
    with pytest.warns(FutureWarning, match=r"KanoDrift.fit: weight= is renamed weights="):
        d = quiet(KanoDrift(n_boot=0, n_sim=10, progress=False), panel, weight="w",
                  **DRIFT_COLS)
    assert d.weights_ == "w"
    assert "Survey weights: 'w'" in d._summary_notes()


# ---- pickling ----------------------------------------------------------------------------
def _reachable_frames(obj, seen=None):
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, pd.DataFrame):
        yield obj
        return
    if isinstance(obj, dict):
        for v in obj.values():
            yield from _reachable_frames(v, seen)
    elif isinstance(obj, list | tuple):
        for v in obj:
            yield from _reachable_frames(v, seen)
    elif hasattr(obj, "__dict__") and not isinstance(obj, type):
        yield from _reachable_frames(vars(obj), seen)


def test_pickles_without_the_input_data(worked_example, drift_data):
    ka = fitted_analysis(worked_example)
    d = fitted_drift(drift_data)
    for est, data in ((ka, worked_example), (d, drift_data)):
        restored = pickle.loads(pickle.dumps(est))
        pd.testing.assert_frame_equal(restored.summary, est.summary)
        frames = list(_reachable_frames(restored))
        assert frames  # the result tables
        assert all(len(f) < len(data) for f in frames), [f.shape for f in frames]
        assert not hasattr(restored, "_prepared")
    # the pickle does not grow with the number of respondents
    big = pd.concat([worked_example.assign(id=worked_example["id"] + k * 1000)
                     for k in range(10)], ignore_index=True)
    small_size = len(pickle.dumps(ka))
    big_size = len(pickle.dumps(fitted_analysis(big)))
    assert big_size < 1.2 * small_size


# ---- plots -------------------------------------------------------------------------------
def test_plot_methods_return_axes_and_draw_labels_literally(worked_example):
    data = worked_example.replace({"attribute": {"Hotline": "Fee $5 vs $10"}})
    ka = fitted_analysis(data)
    for method in (ka.plot_better_worse, ka.plot_means, ka.plot_shares):
        fig, ax = plt.subplots()
        assert method(ax=ax) is ax
        texts = [t.get_text() for t in ax.texts] + [t.get_text()
                                                    for t in ax.get_yticklabels()]
        assert r"Fee \$5 vs \$10" in texts, texts
        plt.close(fig)


def test_drift_plots_draw_wave_labels_literally(drift_data):
    data = drift_data.assign(wave=drift_data["wave"].map({1: "$1", 2: "$2", 3: "$3"}))
    d = fitted_drift(data)
    ax = d.plot_arrows()
    assert [t.get_text() for t in ax.texts if "(wave" in t.get_text()] == [
        r"App (wave \$1)", r"Chat (wave \$1)"]
    plt.close(ax.figure)
    fig, ax = plt.subplots()
    assert d.plot_shares("App", ax=ax, kind="lines") is ax
    assert [t.get_text() for t in ax.get_xticklabels()] == [r"\$1", r"\$2", r"\$3"]
    plt.close(fig)


# ---- bad input ---------------------------------------------------------------------------
def _bad(worked_example):
    n = len(worked_example)
    text_w = np.full(n, 1.0, dtype=object)
    text_w[5] = "heavy"
    inf_imp = np.ones(n)
    inf_imp[3] = np.inf
    neg = np.ones(n)
    neg[7] = -2.0
    return [
        (worked_example.iloc[:0], {}, "no rows"),
        (worked_example, {"wave": "wave_col"}, "'wave_col' not found"),
        (worked_example.assign(w=neg), {"weights": "w"},
         r"Weight column 'w' must hold non-negative numbers: .*row 7 = -2.0"),
        (worked_example.assign(w=0.0), {"weights": "w"},
         "Weight column 'w': every weight is zero or missing"),
        (worked_example.assign(w=np.nan), {"weights": "w"},
         "Weight column 'w': every weight is zero or missing"),
        (worked_example.assign(w=text_w), {"weights": "w"},
         r"Weight column 'w' .* has text: .*row 5 = 'heavy'"),
        (worked_example.assign(w=np.where(np.arange(n) == 2, np.inf, 1.0)),
         {"weights": "w"}, r"Weight column 'w' .* infinite values: .*row 2"),
        (worked_example, {"weights": np.ones(3)}, "weights has shape \\(3,\\)"),
        (worked_example.assign(imp=inf_imp), {"importance": "imp"},
         r"Importance column 'imp' .* infinite values: .*row 3"),
        (worked_example.assign(f=worked_example["f"].replace({2: 6})), {},
         r"Unknown Kano answers\. column 'f': \d+ answers not in the answer set"),
        (worked_example.assign(d=worked_example["d"].replace({5: 99})), {},
         r"column 'd': \d+ answers not in the answer set"),
    ]


def test_bad_input_matrix_raises_input_errors_naming_the_column(worked_example):
    for data, extra, match in _bad(worked_example):
        for cls in (KanoAnalysis, KanoDrift):
            kwargs = {**COLS, **extra}
            if cls is KanoDrift:
                if "wave" in extra:
                    continue
                data = data.assign(wave=np.where(np.arange(len(data)) % 2 == 0, 1, 2))
                kwargs.setdefault("wave", "wave")
            with pytest.raises(InputError, match=match):
                quiet(cls(n_boot=0, progress=False), data, **kwargs)


def test_missing_and_zero_array_weights_are_excluded_with_a_reason(worked_example):
    w = np.ones(len(worked_example))
    w[[4, 9]] = [np.nan, 0.0]
    ka = quiet(KanoAnalysis(n_boot=0, progress=False), worked_example, weights=w, **COLS)
    assert dict(zip(ka.excluded_["row"], ka.excluded_["reason"], strict=True)) == {
        4: "missing weight 'weights'", 9: "zero weight 'weights'"}
    assert ka.n_obs_ == len(worked_example) - 2
