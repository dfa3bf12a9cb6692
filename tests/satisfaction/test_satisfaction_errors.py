"""Every error path raises InputError with a message naming the problem and the fix;
fragile results warn; excluded rows are recorded, never dropped silently."""

import numpy as np
import pandas as pd
import pytest

from expectlab import FragileResultWarning, InputError, SatisfactionRegression
from expectlab.satisfaction.fitting import bootstrap_crossproducts, wls_fit
from expectlab.simulate.satisfaction import simulate_satisfaction

from .conftest import BASE, COLS


@pytest.fixture()
def small():
    return simulate_satisfaction(n=150, random_state=4).data


@pytest.mark.parametrize("kwargs, match", [
    ({"models": ["difference", "magic"]}, "Unknown model name"),
    ({"models": []}, "models is empty"),
    ({"center": "median"}, "center must be"),
    ({"cov_type": "HC9"}, "cov_type must be one of"),
    ({"alpha": 1.5}, "alpha must lie between 0 and 1"),
    ({"n_boot": -1}, "n_boot must be a non-negative integer"),
    ({"n_boot": 2.5}, "n_boot must be a non-negative integer"),
    ({"scale": (7, 1)}, "scale must be"),
    ({"scale": "1-7"}, "scale must be"),
    ({"cov_type": "cluster"}, "needs fit"),
    ({"random_state": "seed", "n_boot": 10}, "random_state must be"),
])
def test_bad_parameters(small, kwargs, match):
    params = {"n_boot": 0, "progress": False, "scale": (1, 7)} | kwargs
    with pytest.raises(InputError, match=match):
        SatisfactionRegression(**params).fit(small, **COLS)


def test_bad_data_arguments(small):
    model = SatisfactionRegression(n_boot=0, **BASE)
    with pytest.raises(InputError, match="Expected a pandas DataFrame"):
        model.fit(small.to_numpy(), **COLS)
    with pytest.raises(InputError, match="'expectaton' not found"):
        model.fit(small, satisfaction="satisfaction", expectation="expectaton",
                  experience="experience")
    with pytest.raises(InputError, match="expectation= is required"):
        model.fit(small, satisfaction="satisfaction", expectation=None,
                  experience="experience")
    with pytest.raises(InputError, match="list of item column names"):
        model.fit(small, satisfaction=["sat_1", 3], expectation="expectation",
                  experience="experience")
    with pytest.raises(InputError, match="data has no rows"):
        model.fit(small.iloc[:0], **COLS)


def test_non_numeric_column_names_rows_and_fix(small):
    data = small.astype({"expectation": object})
    data.loc[[3, 9], "expectation"] = ["high", "n/a"]
    with pytest.raises(InputError) as err:
        SatisfactionRegression(n_boot=0, **BASE).fit(data, **COLS)
    msg = str(err.value)
    assert "'expectation'" in msg and "row 3 = 'high'" in msg and "2 values" in msg
    assert "missing-value codes" in msg


def test_values_outside_scale_are_named(small):
    data = small.copy()
    data.loc[5, "experience"] = 99.0
    with pytest.raises(InputError, match=r"'experience'.*outside the declared scale 1-7.*"
                       r"row 5 = 99.0.*missing-value codes"):
        SatisfactionRegression(n_boot=0, **BASE).fit(data, **COLS)


def test_ratio_needs_positive_expectation(small):
    data = small.copy()
    data["expectation"] = data["expectation"] - 4.0  # centred by hand
    with pytest.raises(InputError) as err, pytest.warns(FragileResultWarning):
        SatisfactionRegression(n_boot=0, progress=False, scale="infer").fit(data, **COLS)
    msg = str(err.value)
    assert "ratio model" in msg and "> 0" in msg and "centred variables cannot be used" in msg
    assert "row" in msg
    # leaving the ratio out works on the same data (with a commensurability warning)
    with pytest.warns(FragileResultWarning, match="commensurate"):
        SatisfactionRegression(models=["difference"], n_boot=0, progress=False,
                               scale="infer").fit(data, **COLS)


def test_bad_weights_and_constant_columns(small):
    data = small.copy()
    data["w"] = 1.0
    data.loc[[2, 7], "w"] = [-1.0, np.inf]
    with pytest.raises(InputError, match="Weight column 'w'.*infinite values.*row 7 = inf"):
        SatisfactionRegression(n_boot=0, **BASE).fit(data, **COLS, weights="w")
    data.loc[7, "w"] = 1.0
    with pytest.raises(InputError, match="Weight column 'w' must hold non-negative.*row 2"):
        SatisfactionRegression(n_boot=0, **BASE).fit(data, **COLS, weights="w")
    flat = small.assign(expectation=4.0)
    with pytest.raises(InputError, match="same value"):
        SatisfactionRegression(n_boot=0, **BASE).fit(flat, **COLS)


def test_collinear_design_and_too_few_rows(small):
    same = small.assign(expectation=small["experience"])
    with pytest.raises(InputError, match=r"terms of the 'additive' model cannot be separated: "
                       r"\['experience', 'expectation'\] are exactly linearly dependent"):
        SatisfactionRegression(models=["additive"], n_boot=0, **BASE).fit(same, **COLS)
    with pytest.raises(InputError, match="Only 6 usable rows"):
        SatisfactionRegression(n_boot=0, **BASE).fit(small.iloc[:6], **COLS)
    with pytest.raises(InputError, match="at least 2 clusters"):
        SatisfactionRegression(models=["additive"], n_boot=0, **BASE).fit(
            small.assign(store=1), **COLS, cluster="store")


def test_small_sample_and_incommensurate_scales_warn(small):
    with pytest.warns(FragileResultWarning, match="Only 30 respondents"):
        SatisfactionRegression(models=["additive"], n_boot=0, **BASE).fit(small.iloc[:30],
                                                                        **COLS)
    rescaled = small.assign(experience=1 + (small["experience"] - 1) * 3)  # 1-19 scale
    with pytest.warns(FragileResultWarning, match="not be on a commensurate scale"):
        model = SatisfactionRegression(models=["additive"], n_boot=0, progress=False,
                                       scale="infer").fit(rescaled, **COLS)
    assert not model.commensurate_
    assert any("commensurate" in n for n in model._summary_notes())


def test_loss_aversion_warns_when_gain_slope_is_zero():
    sim = simulate_satisfaction(n=300, truth="asymmetric", params={"g_gain": 0.0},
                                n_items=0, random_state=3)
    model = SatisfactionRegression(models=["asymmetric"], n_boot=0, **BASE).fit(
        sim.truth.latent, **COLS)
    with pytest.warns(FragileResultWarning, match="unstable"):
        model.loss_aversion()


def test_missing_rows_are_recorded_with_reasons(small):
    data = small.copy()
    data["w"] = 1.0
    data.loc[[1, 2], "satisfaction"] = np.nan
    data.loc[4, "experience"] = np.nan
    data.loc[6, "w"] = 0.0
    data.loc[8, "w"] = np.nan
    model = SatisfactionRegression(models=["full"], n_boot=0, **BASE).fit(
        data, **COLS, weights="w")
    ex = model.excluded_
    assert list(ex.columns) == ["row", "reason"]
    assert dict(zip(ex["row"], ex["reason"], strict=True)) == {
        1: "missing satisfaction", 2: "missing satisfaction", 4: "missing experience",
        6: "zero weight 'w'", 8: "missing weight 'w'"}
    assert model.n_obs_ == len(data) - 5
    assert any("Rows excluded: 5" in n for n in model._summary_notes())


def test_multi_item_scales_report_reliability(small):
    data = small.copy()
    data.loc[0, ["sat_2", "sat_3"]] = np.nan  # one of three answered: no score
    data.loc[1, "sat_2"] = np.nan  # two of three: scored from the answered items
    model = SatisfactionRegression(models=["difference"], n_boot=0, **BASE).fit(
        data, satisfaction=["sat_1", "sat_2", "sat_3"], expectation=["exp_1", "exp_2", "exp_3"],
        experience=["perf_1", "perf_2", "perf_3"])
    rel = model.reliability_.set_index("role")
    assert set(rel.index) == {"satisfaction", "expectation", "experience"}
    assert rel["cronbach_alpha"].between(0.5, 1).all()
    assert (rel["alpha_lower"] < rel["cronbach_alpha"]).all()
    assert model.excluded_["row"].tolist() == [0]
    assert model.excluded_.loc[0, "reason"] == (
        "no satisfaction score (fewer than 2 of 3 items answered)")
    assert model.n_obs_ == len(data) - 1
    assert "experience - expectation" in model.params_["difference"].index
    with pytest.raises(InputError, match="needs expectation as one column"):
        model.predict(data)


def test_methods_guard_their_inputs(small):
    with pytest.raises(InputError, match="not fitted yet"):
        SatisfactionRegression().surface()
    model = SatisfactionRegression(models=["difference"], n_boot=0, **BASE).fit(small, **COLS)
    with pytest.raises(InputError, match="was not fitted"):
        model.surface("SQD")
    with pytest.raises(InputError, match="four increasing numbers"):
        model.zones(cuts=(1, 0, 2, 3))
    with pytest.raises(InputError, match="criterion must be"):
        model.plot_comparison(criterion="mse")
    with pytest.raises(InputError, match="3-D Axes"):
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots()
        try:
            model.plot_surface(ax=ax)
        finally:
            plt.close(fig)
    # scikit-learn's set_params (the Estimator base) refuses unknown names
    with pytest.raises(ValueError, match="Unknown parameter.*'bogus'"):
        model.set_params(bogus=1)
    with pytest.raises(InputError, match="was not fitted"):
        model.loss_aversion()


def test_low_level_guards():
    z = np.ones((5, 2))
    with pytest.raises(InputError, match="n_boot must be a positive integer"):
        bootstrap_crossproducts(z, None, 0)
    with pytest.raises(InputError, match="cov_type must be one of"):
        wls_fit(np.column_stack([np.ones(5), np.arange(5.0)]), np.arange(5.0), cov_type="x")
    with pytest.raises(InputError, match="needs a cluster column"):
        wls_fit(np.column_stack([np.ones(5), np.arange(5.0)]), np.arange(5.0),
                cov_type="cluster")


@pytest.mark.parametrize("kwargs, match", [
    ({"truth": "cubic"}, "truth must be one of"),
    ({"params": {"zeta": 1}}, "Unknown parameter"),
    ({"n": 1}, "n must be an integer"),
    ({"correlation": 1.0}, "correlation must lie"),
])
def test_simulator_errors(kwargs, match):
    with pytest.raises(InputError, match=match):
        simulate_satisfaction(**kwargs)


def test_boolean_and_string_numeric_columns_are_accepted(small):
    data = small.assign(flag=np.arange(len(small)) % 2 == 0,
                        expectation=small["expectation"].astype(str))
    model = SatisfactionRegression(models=["additive"], n_boot=0, **BASE).fit(
        data, **COLS, controls="flag")
    assert "flag" in model.params_["additive"].index
    assert isinstance(model.summary, pd.DataFrame)
