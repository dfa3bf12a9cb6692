"""The estimator contract for SatisfactionRegression and regression tests of the
measurement-layer issue (scales, weights, collinearity, inf, summary columns)."""

import pickle

import matplotlib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from expectlab import InputError, SatisfactionRegression, Study
from expectlab._results import SUMMARY_COLUMNS
from expectlab.simulate.satisfaction import simulate_satisfaction

from .conftest import COLS

matplotlib.use("Agg")

FAST = {"models": ["difference", "additive", "full"], "n_boot": 20, "random_state": 3,
        "progress": False, "scale": (1, 7)}
ITEMS = {"satisfaction": ["sat_1", "sat_2", "sat_3"], "expectation": ["exp_1", "exp_2", "exp_3"],
         "experience": ["perf_1", "perf_2", "perf_3"]}


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    d = simulate_satisfaction(n=200, truth="quadratic", random_state=7).data.copy()
    d["w"] = np.random.default_rng(1).uniform(0.5, 2, len(d))
    return d


@pytest.fixture(scope="module")
def fitted(data):
    return SatisfactionRegression(**FAST).fit(data, **COLS, weights="w")


# -- scikit-learn contract --------------------------------------------------------------
def test_clone_params_and_refit_reproducible(data, fitted):
    twin = clone(fitted)
    assert twin.get_params() == fitted.get_params()
    assert not hasattr(twin, "summary") and not hasattr(twin, "n_obs_")
    twin.set_params(alpha=0.1)
    assert twin.alpha == 0.1 and fitted.alpha == 0.05
    again = SatisfactionRegression(**FAST).fit(data, **COLS, weights="w")
    np.testing.assert_array_equal(again.boot_params("full"), fitted.boot_params("full"))
    other = SatisfactionRegression(**(FAST | {"random_state": 4})).fit(data, **COLS,
                                                                        weights="w")
    assert not np.array_equal(other.boot_params("full"), fitted.boot_params("full"))


def test_not_fitted_error_before_fit():
    from sklearn.exceptions import NotFittedError

    model = SatisfactionRegression()
    assert not hasattr(model, "summary")
    with pytest.raises(NotFittedError, match="not fitted yet"):
        model.print_summary()
    with pytest.raises(InputError, match="not fitted yet"):
        model.zones()


def test_summary_columns_follow_the_convention(fitted):
    assert list(fitted.summary.columns) == SUMMARY_COLUMNS
    assert set(SUMMARY_COLUMNS) <= set(fitted.surface().columns)
    coefs = fitted.coefficients("full")
    assert list(coefs.columns[:6]) == SUMMARY_COLUMNS
    t = fitted.summary["estimate"] / fitted.summary["se"]
    np.testing.assert_allclose(fitted.summary["statistic"], t)


def test_rows_in_equals_used_plus_excluded(data):
    d = data.copy()
    d.loc[[0, 1], "satisfaction"] = np.nan
    d.loc[2, "w"] = 0.0
    d.loc[[3, 4], ["exp_1", "exp_2"]] = np.nan
    for kw in ({**COLS, "weights": "w"}, {**ITEMS, "weights": "w"}):
        model = SatisfactionRegression(**FAST).fit(d, **kw)
        assert model.n_obs_ + len(model.excluded_) == len(d)
        assert list(model.excluded_.columns) == ["row", "reason"]


def test_pickle_keeps_no_client_frame(fitted):
    blob = pickle.dumps(fitted)
    restored = pickle.loads(blob)
    pd.testing.assert_frame_equal(restored.summary, fitted.summary)
    frames = [v for v in vars(restored).values() if isinstance(v, pd.DataFrame)]
    for frame in frames:
        assert not {"exp_1", "sat_1", "w"} & set(frame.columns)
    assert len(blob) < 200_000


@pytest.mark.slow
def test_plots_return_axes_and_draw_names_literally(data):
    import matplotlib.pyplot as plt

    d = data.rename(columns={"expectation": "E $cost$", "experience": "P$"})
    model = SatisfactionRegression(**(FAST | {"models": ["asymmetric", "full"]})).fit(
        d, satisfaction="satisfaction", expectation="E $cost$", experience="P$")
    for name in ("plot_contour", "plot_asymmetry", "plot_comparison"):
        fig, ax = plt.subplots()
        assert getattr(model, name)(ax=ax) is ax
        fig.canvas.draw()  # an unescaped "$cost$" would be parsed as mathtext
        plt.close(fig)
    fig, ax = plt.subplots()
    model.plot_contour(ax=ax)
    assert ax.get_ylabel() == r"Expectation (E \$cost\$)"
    plt.close(fig)
    fig = plt.figure()
    ax3 = fig.add_subplot(projection="3d")
    assert model.plot_surface(ax=ax3) is ax3
    plt.close(fig)


def test_study_gives_the_same_numbers_as_the_frame(data):
    book = {"variables": {c: {"scale": [1, 7]} for cols in ITEMS.values() for c in cols},
            "scales": ITEMS}
    # without the precomputed score columns, so the names resolve to the scales' items
    items_only = data.drop(columns=list(COLS))
    study = Study.from_frame(items_only, book, weights="w")
    params = FAST | {"scale": None}
    by_study = SatisfactionRegression(**params).fit(
        study, satisfaction="satisfaction", expectation="expectation", experience="experience")
    by_frame = SatisfactionRegression(**FAST).fit(items_only, **ITEMS, weights="w")
    pd.testing.assert_frame_equal(by_study.summary, by_frame.summary)
    assert by_study.scale_ == (1.0, 7.0) and not by_study.scale_inferred_
    assert "Weights: the study's weight column 'w'" in by_study._summary_notes()
    assert "Weights: column 'w'" in by_frame._summary_notes()


# -- bad-input matrix -------------------------------------------------------------------
def _fit(d, **kw):
    return SatisfactionRegression(**(FAST | {"n_boot": 0})).fit(d, **({**COLS} | kw))


@pytest.mark.parametrize("change, kw, match", [
    (lambda d: d.iloc[:0], {}, "has no rows"),
    (lambda d: d, {"expectation": "nope"}, "'nope' not found"),
    (lambda d: d.assign(w=np.nan), {"weights": "w"}, "every weight is zero or missing"),
    (lambda d: d.assign(w=0.0), {"weights": "w"}, "every weight is zero or missing"),
    (lambda d: d.assign(w=-d["w"]), {"weights": "w"}, "'w' must hold non-negative"),
    (lambda d: d.assign(experience=d["experience"].astype(object).where(
        d.index != 3, "n/a")), {}, "'experience'.*must hold numbers.*row 3 = 'n/a'"),
    (lambda d: d.assign(expectation=d["expectation"].where(d.index != 5, np.inf)), {},
     "'expectation'.*infinite values.*row 5 = inf"),
    (lambda d: d.assign(expectation=d["expectation"].where(d.index != 5, -99)), {},
     "'expectation'.*outside the declared scale 1-7.*row 5 = -99"),
    (lambda d: d.assign(age=np.where(d.index == 2, "x", "1")), {"controls": ["age"]},
     "'age'.*must hold numbers"),
])
def test_bad_input_is_one_input_error_naming_the_column(data, change, kw, match):
    with pytest.raises(InputError, match=match):
        _fit(change(data.copy()), **kw)


def test_missing_and_zero_weights_are_excluded_with_reason(data):
    d = data.copy()
    d.loc[[1, 2], "w"] = [np.nan, 0.0]
    model = _fit(d, weights="w")
    assert dict(zip(model.excluded_["row"], model.excluded_["reason"], strict=True)) == {
        1: "missing weight 'w'", 2: "zero weight 'w'"}


# -- regression tests of the issue defects ----------------------------------------------
def test_no_scale_is_an_error_with_the_three_fixes(data):
    # Before: the scale was inferred silently from the data, so a 99 code widened it and
    # was fitted as an answer.
    d = data.copy()
    d.loc[4, "experience"] = 99
    with pytest.raises(InputError) as err:
        SatisfactionRegression(n_boot=0, progress=False).fit(d, **COLS)
    msg = str(err.value)
    assert "not declared" in msg and "scale=(min, max)" in msg
    assert "codebook" in msg and "scale='infer'" in msg


def test_items_with_missing_codes_are_refused_not_averaged(data):
    d = data.copy()
    d.loc[6, "exp_2"] = 99
    with pytest.raises(InputError, match=r"'exp_2'.*outside the declared scale 1-7.*row 6 = 99"):
        SatisfactionRegression(**FAST).fit(d, **ITEMS)
    d.loc[6, "exp_2"] = 5
    d.loc[8, "sat_1"] = -99  # the satisfaction items are scored on the same scale
    with pytest.raises(InputError, match=r"'sat_1'.*outside the declared scale.*row 8 = -99"):
        SatisfactionRegression(**FAST).fit(d, **ITEMS)


def test_inferred_scale_is_shown_everywhere(data, capsys):
    model = SatisfactionRegression(**(FAST | {"scale": "infer"})).fit(data, **COLS)
    assert model.scale_inferred_ and model.scale_ == (
        float(np.floor(min(data["expectation"].min(), data["experience"].min()))),
        float(np.ceil(max(data["expectation"].max(), data["experience"].max()))))
    for notes in (model._summary_notes(), model.comparison_.attrs["notes"],
                  model.surface().attrs["notes"], model.summary.attrs["notes"]):
        assert any("inferred from the observed answers" in n for n in notes)
    model.print_summary()
    assert "scale='infer'" in capsys.readouterr().out
    assert "inferred" in model._repr_html_()
    given = SatisfactionRegression(**FAST).fit(data, **COLS)
    assert not any("inferred" in n for n in given._summary_notes())


def test_inf_is_an_input_error_not_an_overflow(data):
    # Before: math.floor(inf) raised a bare OverflowError while inferring the scale.
    d = data.assign(experience=data["experience"].where(data.index != 9, np.inf))
    with pytest.raises(InputError, match="'experience'.*infinite values.*row 9 = inf"):
        SatisfactionRegression(**(FAST | {"scale": "infer"})).fit(d, **COLS)


def test_all_zero_weights_are_refused(data):
    # Before: every row was logged as 'zero weight' and the fit failed with "Only 0 rows".
    with pytest.raises(InputError, match="'w': every weight is zero or missing"):
        _fit(data.assign(w=0.0), weights="w")


def test_weights_as_an_array_equal_the_column(data):
    by_name = _fit(data, weights="w")
    by_array = _fit(data, weights=data["w"].to_numpy())
    pd.testing.assert_frame_equal(by_name.summary, by_array.summary)
    assert by_array.columns_["weights"] == "array"
    with pytest.raises(InputError, match="one weight per row"):
        _fit(data, weights=np.ones(3))


def test_collinear_controls_are_named(data):
    d = data.assign(dup=data["expectation"] * 2.0, const=1.0)
    with pytest.raises(InputError, match=r"'expectation', 'dup'\] are exactly linearly"):
        _fit(d, controls=["dup"])
    with pytest.raises(InputError, match=r"'const'\] are exactly linearly"):
        _fit(d, controls=["const"])


def test_predict_refuses_missing_codes(fitted, data):
    new = data.head(3).assign(expectation=[4.0, 99.0, 5.0])
    with pytest.raises(InputError, match=r"'expectation'.*outside the declared scale.*= 99"):
        fitted.predict(new)
