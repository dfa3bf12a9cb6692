"""The estimator contract of the loyalty family and the issue regressions.

Covers: scikit-learn contract (clone, params, NotFittedError), results convention
(SUMMARY_COLUMNS), rows in = n_obs_ + excluded_, pickling without the raw frame, plots,
Study input = DataFrame input, the bad-input matrix, and one regression test per defect
of the loyalty issue (stray text in a numeric driver, declared categorical drivers,
values outside the declared scale, collinear drivers, predict() on a model fitted from
scale items, raw frame on the fitted object, one meaning of weights, result names).
"""

from __future__ import annotations

import pickle
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from expectlab import FragileResultWarning, InputError, LoyaltyModel, Study
from expectlab._errors import NotFittedError
from expectlab._results import SUMMARY_COLUMNS
from expectlab.loyalty import loyalty_curve, nps, nps_difference

matplotlib.use("Agg")

FAST = {"n_boot": 0, "importance": False, "progress": False}
D = ["satisfaction", "trust"]


@pytest.fixture()
def data(sim_small):
    return sim_small.data.copy()


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        return fn(*args, **kwargs)


def _fit(data, model=None, **kwargs):
    model = model or LoyaltyModel("logit", cv=None, **FAST)
    kwargs.setdefault("outcome", "stayed")
    kwargs.setdefault("drivers", D)
    return _quiet(model.fit, data, **kwargs)


def _study(data, **roles):
    items = data.assign(
        sat1=data["satisfaction"],
        sat2=np.clip(data["satisfaction"] + np.where(data.index % 3 == 0, 1, 0), 1, 7),
        # negatively worded item: 8 - satisfaction on the 1-7 scale
        sat3=8 - data["satisfaction"])
    book = {"variables": {"sat3": {"reverse": True}, "segment": {"type": "categorical"},
                          "trust": {"scale": [1, 7]}}}
    return Study.from_frame(items, book, scales={"sat": ["sat1", "sat2", "sat3"]},
                            item_scale=(1, 7), **roles)


# ---------------------------------------------------------------- issue regressions
def test_stray_text_in_a_numeric_driver_is_an_error_not_dummies(data):
    data["trust"] = data["trust"].astype(object)
    data.loc[17, "trust"] = "n/a?"
    with pytest.raises(InputError) as info:
        _fit(data)
    msg = str(info.value)
    assert "Driver column 'trust'" in msg and "row 17 = 'n/a?'" in msg
    assert "categorical=['trust']" in msg
    # declared missing code: "n/a?" must be recoded; the numeric rows still fit as numbers
    data.loc[17, "trust"] = np.nan
    model = _fit(data)
    assert "trust" in model.summary.index and "trust[4.0]" not in model.summary.index
    assert model.excluded_["reason"].tolist() == ["missing driver 'trust'"]


def test_text_driver_must_be_declared_categorical(data):
    with pytest.raises(InputError, match="Driver column 'segment'.*categorical=\\['segment'\\]"):
        _fit(data, drivers=["satisfaction", "segment"])
    model = _fit(data, drivers=["satisfaction", "segment"], categorical=["segment"])
    assert "segment[Private]" in model.summary.index
    with pytest.raises(InputError, match="categorical= names \\['region'\\]"):
        _fit(data, drivers=["satisfaction", "segment"], categorical=["region"])


def test_codebook_categorical_counts_as_declared(data):
    study = _study(data)
    model = _fit(study, drivers=["satisfaction", "segment"])
    plain = _fit(data, drivers=["satisfaction", "segment"], categorical=["segment"])
    pd.testing.assert_frame_equal(model.summary, plain.summary)


def test_numeric_codes_declared_categorical_are_dummy_coded(data):
    data["region"] = np.where(data.index % 3 == 0, 1, np.where(data.index % 3 == 1, 2, 3))
    model = _fit(data, drivers=["satisfaction", "region"], categorical=["region"])
    assert {"region[2]", "region[3]"} <= set(model.summary.index)
    # a float column with the same codes predicts with the same levels
    new = data.head(4).assign(region=data["region"].head(4).astype(float))
    np.testing.assert_allclose(model.predict_proba(new), model.predict_proba(data.head(4)))


def test_values_outside_the_declared_scale(data):
    data.loc[5, "trust"] = 99
    with pytest.raises(InputError, match="'trust'.*outside the declared scale 1-7.*row 5 = 99"):
        _fit(data, scale=(1, 7), missing_codes=[])
    with pytest.raises(InputError, match="'trust'.*outside the declared scale 1-7"):
        _fit(data, scale={"trust": (1, 7)})
    with pytest.raises(InputError, match="'trust'.*outside the declared scale 1-7"):
        _fit(_study(data), missing_codes=[])
    # missing_codes still work: the declared code is excluded before the scale check
    model = _fit(_study(data), missing_codes=[99])
    assert model.excluded_["reason"].tolist() == ["missing code 99 in 'trust'"]
    # the old negative-code guard stays
    data.loc[5, "trust"] = -99
    with pytest.raises(InputError, match="missing_codes=\\[-99\\]"):
        _fit(data)


def test_collinear_drivers_are_refused(data):
    data["trust_copy"] = 2 * data["trust"] + 1
    with pytest.raises(InputError, match="cannot be separated.*'trust'.*'trust_copy'"):
        _fit(data, drivers=["satisfaction", "trust", "trust_copy"])
    data["total"] = data["satisfaction"] + data["trust"]
    with pytest.raises(InputError, match="satisfaction.*trust.*total"):
        _fit(data, drivers=["satisfaction", "trust", "total"])


def test_predict_on_a_model_fitted_from_scale_items(data):
    study = _study(data)
    model = _fit(study, drivers=["sat", "trust"])
    score = (study.data["sat1"] + study.data["sat2"] + (8 - study.data["sat3"])) / 3
    by_hand = _fit(study.data.assign(sat=score), drivers=["sat", "trust"])
    pd.testing.assert_frame_equal(model.summary, by_hand.summary)
    from_study = model.predict(study)
    from_items = model.predict(study.data.drop(columns=["satisfaction"]))
    np.testing.assert_array_equal(from_study, from_items)
    assert set(np.unique(from_study)) <= {0.0, 1.0} and len(from_study) == len(data)
    np.testing.assert_allclose(model.predict_proba(study.data.head(3)),
                               by_hand.predict_proba(study.data.assign(sat=score).head(3)))
    with pytest.raises(InputError, match="'sat2', 'sat3' not found in the data to predict"):
        model.predict(study.data[["sat1", "trust"]])


def test_fitted_model_does_not_keep_the_raw_frame(data):
    data["secret_email"] = [f"person{i}@example.com" for i in range(len(data))]
    model = _fit(data, LoyaltyModel("logit", cv=3, **FAST))
    blob = pickle.dumps(model)
    assert b"example.com" not in blob
    frames = [v for v in vars(model).values() if isinstance(v, pd.DataFrame)]
    assert all("secret_email" not in f.columns and "satisfaction" not in f.columns
               for f in frames)
    again = pickle.loads(blob)
    np.testing.assert_allclose(again.predict_proba(data.head(5)), model.predict_proba(
        data.head(5)))
    assert len(blob) < 200_000
    # curve and calibration plot work from the kept arrays
    assert again.curve("satisfaction").n_obs_ == len(data)
    assert isinstance(again.plot_calibration(), matplotlib.axes.Axes)


def test_weights_column_or_array_mean_the_same(data):
    data["w"] = np.random.default_rng(1).uniform(0.5, 2, len(data))
    by_name = _fit(data, weights="w")
    by_array = _fit(data, weights=data["w"].to_numpy())
    pd.testing.assert_frame_equal(by_name.summary, by_array.summary)
    c1 = loyalty_curve(data, outcome="stayed", weights="w")
    c2 = loyalty_curve(data, outcome="stayed", weights=data["w"].to_numpy())
    pd.testing.assert_frame_equal(c1.summary, c2.summary)
    data["w"] = np.where(data.index < 3, 0.0, data["w"])
    data.loc[5, "w"] = np.nan
    model = _fit(data, weights="w")
    assert model.excluded_["reason"].value_counts().to_dict() == {"zero weight 'w'": 3,
                                                                  "missing weight 'w'": 1}
    curve = loyalty_curve(data, outcome="stayed", weights="w")
    assert curve.n_obs_ + len(curve.excluded_) == len(data)


def test_nps_takes_a_column_name_or_an_array():
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"rec": rng.integers(0, 11, 300), "weight": rng.uniform(0.5, 2, 300)})
    a = nps(df, column="rec", weights="weight")
    b = nps(df["rec"], weights=df["weight"].to_numpy())
    c = nps(df["rec"], df["weight"])
    assert a.nps == pytest.approx(b.nps) == pytest.approx(c.nps)
    assert a.se == pytest.approx(b.se)
    study = Study.from_frame(df, nps="rec", weights="weight")
    assert nps(study).nps == pytest.approx(a.nps)
    with pytest.warns(FutureWarning, match="scores= is renamed data="):
        old = nps(scores=df["rec"].tolist())
    assert old.nps == pytest.approx(nps(df["rec"]).nps)
    with pytest.raises(InputError, match="names a column, but the answers were passed"):
        nps(df["rec"], weights="weight")
    with pytest.raises(InputError, match="needs the 0-10 recommendation column"):
        nps(df)
    with pytest.raises(InputError, match="'weight' not found"):
        nps(df.drop(columns="weight"), column="rec", weights="weight")
    df.loc[[2, 4], "weight"] = [0.0, np.nan]
    df.loc[7, "rec"] = np.nan
    res = nps(df, column="rec", weights="weight")
    assert res.n + res.n_excluded == 300 and res.n_obs_ == 297
    assert res.excluded_["reason"].tolist() == ["missing answer", "missing weight 'weight'",
                                                "zero weight 'weight'"]
    assert "3 rows excluded" in str(res)
    diff = nps_difference(df[df.index < 150], df[df.index >= 150], column="rec",
                          weights_a="weight", weights_b="weight")
    assert diff.a.n + diff.b.n == 297


def test_nps_and_curve_results_follow_the_convention(data):
    res = nps(data["nps"])
    assert list(res.summary.columns[:4]) == ["estimate", "se", "lower", "upper"]
    assert res.summary.loc["nps", "estimate"] == pytest.approx(res.nps)
    assert str(res).startswith("NPS ") and "promoters" in str(res)
    diff = nps_difference(data["nps"][:400], data["nps"][400:])
    assert list(diff.summary.columns[:6]) == SUMMARY_COLUMNS
    assert str(diff).startswith("NPS difference")
    curve = loyalty_curve(data, outcome="stayed")
    assert list(curve.summary.columns) == SUMMARY_COLUMNS
    assert curve.n_obs_ + len(curve.excluded_) == len(data)


# ---------------------------------------------------------------- estimator contract
@pytest.mark.parametrize("engine", ["logit", "ordinal", "boosting"])
def test_clone_params_and_not_fitted(engine):
    model = LoyaltyModel(engine, cv=3, random_state=4, **FAST)
    assert not hasattr(model, "summary") and not hasattr(model, "odds_ratios_")
    with pytest.raises(NotFittedError, match="not fitted yet"):
        model.predict(pd.DataFrame({"satisfaction": [1.0]}))
    twin = clone(model)
    assert twin.get_params() == model.get_params()
    twin.set_params(cv=4)
    assert twin.cv == 4 and model.cv == 3
    assert "LoyaltyModel" in repr(model)


@pytest.mark.parametrize(("engine", "outcome", "numeric_summary"),
                         [("logit", "stayed", True),
                          # the ordinal and boosting refits take tens of seconds
                          pytest.param("ordinal", "nps", True, marks=pytest.mark.slow),
                          pytest.param("boosting", "stayed", False, marks=pytest.mark.slow)])
def test_refit_rows_summary_and_plots(data, engine, outcome, numeric_summary):
    data.loc[[3, 9], "trust"] = np.nan
    kw = {"n_boot": 10, "importance": True, "progress": False, "cv": 3, "random_state": 2}
    one = _fit(data, LoyaltyModel(engine, **kw), outcome=outcome)
    two = _fit(data, clone(one), outcome=outcome)
    pd.testing.assert_frame_equal(one.summary, two.summary)
    pd.testing.assert_frame_equal(one.metrics_, two.metrics_)
    assert one.n_obs_ + len(one.excluded_) == len(data)
    assert list(one.excluded_.columns) == ["row", "reason"]
    if numeric_summary:
        assert list(one.summary.columns) == SUMMARY_COLUMNS
    for plot in (one.plot_importance, one.plot_calibration, one.plot_lift):
        assert isinstance(plot(), matplotlib.axes.Axes)
    assert isinstance(one.curve("satisfaction").plot_curve(), matplotlib.axes.Axes)
    assert set(one.to_dict()) >= {"summary", "metrics", "n_obs", "excluded"}


def test_study_gives_the_same_numbers_as_the_frame(data):
    data["weight"] = np.random.default_rng(2).uniform(0.5, 2, len(data))
    study = Study.from_frame(data, weights="weight")
    model = _fit(study)
    plain = _fit(data, weights="weight")
    pd.testing.assert_frame_equal(model.summary, plain.summary)
    assert any("study's weights" in n for n in model._summary_notes())
    c1 = loyalty_curve(study, outcome="stayed")
    c2 = loyalty_curve(data, outcome="stayed", weights="weight")
    pd.testing.assert_frame_equal(c1.summary, c2.summary)


def _bad_inputs(data):
    text = data.assign(trust=data["trust"].astype(object))
    text.loc[2, "trust"] = "high"
    inf = data.assign(trust=data["trust"].astype(float))
    inf.loc[2, "trust"] = np.inf
    return [
        ({"data": data.iloc[:0]}, "no rows"),
        ({"drivers": ["satisfaction", "nope"]}, "'nope' not found"),
        ({"weights": "wneg"}, "'wneg' must hold non-negative numbers.*row 4 = -1.0"),
        ({"weights": "wzero"}, "'wzero': every weight is zero"),
        ({"weights": "wtext"}, "Weight column 'wtext'.*must hold numbers"),
        ({"data": text}, "Driver column 'trust'.*row 2 = 'high'"),
        ({"data": inf}, "Driver column 'trust'.*infinite.*row 2 = inf"),
        ({"scale": (1, 5)}, "Driver column 'satisfaction'.*outside the declared scale 1-5"),
        ({"weights": np.ones(3)}, "weights has shape \\(3,\\)"),
    ]


def test_bad_input_matrix(data):
    data = data.assign(wneg=1.0, wzero=0.0, wtext="x")
    data.loc[4, "wneg"] = -1.0
    for kwargs, match in _bad_inputs(data):
        kwargs = dict(kwargs)
        frame = kwargs.pop("data", data)
        with pytest.raises(InputError, match=match):
            _fit(frame, **kwargs)
    # the curve: same checks, same words
    for kwargs, match in _bad_inputs(data):
        kwargs = dict(kwargs)
        frame = kwargs.pop("data", data)
        if "drivers" in kwargs or "scale" in kwargs:
            continue
        with pytest.raises(InputError, match=match.replace("Driver column 'trust'",
                                                           "'trust'")):
            loyalty_curve(frame, outcome="stayed", driver="trust", **kwargs)
    # NaN weights only exclude rows
    data["wnan"] = 1.0
    data.loc[[1, 2], "wnan"] = np.nan
    model = _fit(data, weights="wnan")
    assert model.n_obs_ == len(data) - 2


def test_plot_text_from_data_is_literal(data):
    data["segment"] = np.where(data["segment"] == "Business", "$5 plan", "$10 plan")
    curve = loyalty_curve(data, outcome="stayed", by="segment")
    ax = curve.plot_curve()
    ax.figure.canvas.draw()  # mathtext would fail or render "5 plan, 10" as maths
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["\\$10 plan", "\\$5 plan"] or labels == ["\\$5 plan", "\\$10 plan"]
