"""Every error path of LoyaltyModel and the curve: InputError with a useful message."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from expectlab import FragileResultWarning, InputError, LoyaltyModel
from expectlab.loyalty import loyalty_curve


@pytest.fixture()
def data(sim_small):
    return sim_small.data.copy()


FAST = {"n_boot": 0, "importance": False, "progress": False}
D = ["satisfaction", "trust"]


def _fit(data, model=None, **kwargs):
    model = model or LoyaltyModel("logit", cv=None, **FAST)
    kwargs.setdefault("outcome", "stayed")
    kwargs.setdefault("drivers", D)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        return model.fit(data, **kwargs)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"engine": "forest"}, "engine must be one of"),
        ({"cv": 1}, "cv must be an integer of at least 2"),
        ({"alpha": 0}, "alpha must lie between 0 and 1"),
        ({"class_weight": "auto"}, "class_weight must be None or 'balanced'"),
        ({"n_boot": -1}, "n_boot must be a non-negative integer"),
        ({"leakage_threshold": 0.3}, "leakage_threshold"),
        ({"permutation_repeats": 0}, "permutation_repeats must be at least 1"),
        ({"calibration": "platt"}, "calibration must be one of"),
        ({"calibration": "isotonic"}, "applies to engine='boosting' only"),
        ({"monotone": {"satisfaction": 1}}, "monotone constraints apply to engine='boosting'"),
    ],
)
def test_bad_parameters(data, params, match):
    kw = {"cv": None, **FAST, **params}
    engine = kw.pop("engine", "logit")
    with pytest.raises(InputError, match=match):
        _fit(data, LoyaltyModel(engine, **kw))


def test_class_weight_with_ordinal(data):
    with pytest.raises(InputError, match="only available for binary outcomes"):
        _fit(data, LoyaltyModel("ordinal", cv=None, class_weight="balanced", **FAST),
             outcome="nps")


@pytest.mark.parametrize(
    ("monotone", "match"),
    [
        ({"loyalty": 1}, "not among the drivers"),
        ({"segment": 1}, "categorical driver 'segment'"),
        ({"satisfaction": 2}, "must be -1, 0 or \\+1"),
        ([1, 0], "monotone must be a dict"),
    ],
)
def test_bad_monotone(data, monotone, match):
    with pytest.raises(InputError, match=match):
        _fit(data, LoyaltyModel("boosting", cv=None, monotone=monotone, **FAST),
             drivers=["satisfaction", "segment"], categorical=["segment"])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"drivers": []}, "drivers is empty"),
        ({"drivers": ["trust", "trust"]}, "more than once"),
        ({"drivers": ["stayed", "trust"]}, "also listed as a driver"),
        ({"drivers": ["trsut"]}, "Column\\(s\\) 'trsut' not found"),
        ({"outcome": "loyal"}, "'loyal' not found"),
        ({"weights": "wgt"}, "'wgt' not found"),
        ({"interactions": [("satisfaction", "price")]}, "both in drivers"),
        ({"interactions": [("satisfaction",)]}, "must be a pair"),
        ({"outcome": "nps"}, "not coded 0/1"),
    ],
)
def test_bad_columns(data, kwargs, match):
    with pytest.raises(InputError, match=match):
        _fit(data, **kwargs)


def test_interaction_with_categorical(data):
    with pytest.raises(InputError, match="uses categorical driver"):
        _fit(data, drivers=["satisfaction", "segment"], categorical=["segment"],
             interactions=[("satisfaction", "segment")])


def test_text_outcome(data):
    data["stayed"] = data["stayed"].map({0: "no", 1: "yes"})
    with pytest.raises(InputError, match="must be numeric .* found text: .*'no'"):
        _fit(data)


def test_missing_code_without_declaration(data):
    data.loc[4, "trust"] = -99
    with pytest.raises(InputError, match="look like missing-value codes: 1 value, first: "
                                         "row 4 = -99.0.*missing_codes=\\[-99\\]"):
        _fit(data)
    model = _fit(data, missing_codes=[])  # declared real values: accepted
    assert model.n_obs_ == len(data)


def test_bad_weights(data):
    data["w"] = 1.0
    data.loc[2, "w"] = -1.0
    with pytest.raises(InputError, match="'w' must hold non-negative numbers.*row 2 = -1.0"):
        _fit(data, weights="w")
    data["w"] = "heavy"
    with pytest.raises(InputError, match="Weight column 'w' .* must hold numbers"):
        _fit(data, weights="w")
    data["w"] = 0.0
    with pytest.raises(InputError, match="Weight column 'w': every weight is zero"):
        _fit(data, weights="w")


def test_missing_weight_rows_are_excluded(data):
    data["w"] = 1.0
    data.loc[[1, 2], "w"] = np.nan
    model = _fit(data, weights="w")
    assert model.excluded_["reason"].tolist() == ["missing weight 'w'"] * 2


def test_constant_or_degenerate_drivers(data):
    data["const"] = 3.0
    with pytest.raises(InputError, match="Driver 'const' is constant"):
        _fit(data, drivers=["satisfaction", "const"])
    data["one_level"] = "A"
    with pytest.raises(InputError, match="single level"):
        _fit(data, drivers=["satisfaction", "one_level"], categorical=["one_level"])


def test_no_usable_rows(data):
    data["trust"] = np.nan
    with pytest.raises(InputError, match="No usable rows"):
        _fit(data)


def test_single_outcome_class(data):
    data["stayed"] = 1
    with pytest.raises(InputError, match="same outcome"):
        _fit(data)


def test_fewer_events_than_folds(data):
    data["stayed"] = 0
    data.loc[:1, "stayed"] = 1
    with pytest.raises(InputError, match="fewer than the 5 cross-validation folds"):
        _fit(data, LoyaltyModel("logit", cv=5, **FAST))


def test_ordinal_outcome_problems(data):
    data["half"] = data["satisfaction"] / 2
    with pytest.raises(InputError, match="whole-number outcome categories"):
        _fit(data, LoyaltyModel("ordinal", cv=None, **FAST), outcome="half",
             drivers=["trust"])
    with pytest.raises(InputError, match="at least 3 categories"):
        _fit(data, LoyaltyModel("ordinal", cv=None, **FAST))


def test_not_a_dataframe():
    with pytest.raises(InputError, match="Expected a pandas DataFrame or an expectlab.Study"):
        LoyaltyModel().fit(np.zeros((3, 3)), outcome="a", drivers=["b"])


def test_use_before_fit(data):
    model = LoyaltyModel()
    for call in (lambda: model.predict_proba(data), lambda: model.summary,
                 lambda: model.curve(), model.print_summary):
        with pytest.raises(InputError, match="not fitted yet"):
            call()
    assert "not fitted" in model._repr_html_()


def test_prediction_problems(data):
    model = _fit(data, drivers=["satisfaction", "segment"], categorical=["segment"])
    new = data.head(3).copy()
    new.loc[new.index[0], "segment"] = "Public sector"
    with pytest.raises(InputError, match="level\\(s\\) not seen when fitting.*Public sector"):
        model.predict_proba(new)
    new = data.head(3).copy()
    new.loc[new.index[1], "satisfaction"] = np.nan
    with pytest.raises(InputError, match="missing or non-finite driver values"):
        model.predict_proba(new)
    with pytest.raises(InputError, match="'segment' not found"):
        model.predict_proba(data[["satisfaction"]])
    with pytest.raises(InputError, match="Expected a pandas DataFrame or an expectlab.Study"):
        model.predict_proba(data.to_numpy())
    new = data.head(3).copy()
    new["satisfaction"] = ["high", "low", "mid"]
    model2 = _fit(data)
    with pytest.raises(InputError, match="'satisfaction' in the data to predict must hold "
                                         "numbers, but has text"):
        model2.predict_proba(new)


def test_plots_need_what_was_skipped(data):
    model = _fit(data)  # cv=None, importance=False
    with pytest.raises(InputError, match="importance=False"):
        model.plot_importance()
    with pytest.raises(InputError, match="cv=None"):
        model.plot_calibration()
    with pytest.raises(InputError, match="cv=None"):
        model.plot_lift()


def test_curve_errors(data):
    with pytest.raises(InputError, match="alpha"):
        loyalty_curve(data, outcome="stayed", alpha=2)
    with pytest.raises(InputError, match="'segment' in the data must hold numbers"):
        loyalty_curve(data, outcome="stayed", driver="segment")
    with pytest.raises(InputError, match="not coded 0/1"):
        loyalty_curve(data, outcome="nps")
    with pytest.raises(InputError, match="Only 5 usable rows"):
        loyalty_curve(data.head(5), outcome="stayed")
    data["w"] = -1.0
    with pytest.raises(InputError, match="'w' must hold non-negative numbers"):
        loyalty_curve(data, outcome="stayed", weights="w")
    data["stayed"] = 1
    with pytest.raises(InputError, match="both loyal and non-loyal"):
        loyalty_curve(data, outcome="stayed")
