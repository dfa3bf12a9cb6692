"""The estimator contract for every repeat-buying model, the one input convention, and
regression tests for the issue defects of the family."""

import pickle
import warnings

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from expectlab import FragileResultWarning, InputError, NotFittedError, Study
from expectlab._results import SUMMARY_COLUMNS
from expectlab.public_data import is_available, public_data_path
from expectlab.repeat import (
    BetaGeo,
    BetaGeoBeta,
    GammaGamma,
    ParetoNBD,
    ShiftedBetaGeometric,
    cohort_to_durations,
    excluded_transactions,
    summarise_transactions,
)
from expectlab.simulate.repeat import (
    simulate_bg_bb,
    simulate_bg_nbd,
    simulate_client_transactions,
    simulate_gamma_gamma,
)

matplotlib.use("Agg")


def _bg_data(n=600, seed=1):
    return simulate_bg_nbd(n, r=0.25, alpha=4.0, a=0.8, b=2.5, T=39.0,
                           random_state=seed).data


def _gg_data(n=600, seed=2):
    return simulate_gamma_gamma(n, 6.0, 4.0, 15.0, random_state=seed).data


def _bb_data(n=3000, seed=3):
    return simulate_bg_bb(n, 1.2, 0.75, 0.66, 2.8, n_periods=6, random_state=seed).data


def _sbg_data():
    rng = np.random.default_rng(4)
    theta = rng.beta(0.8, 2.0, 3000)
    lifetime = rng.geometric(theta)
    churned = lifetime <= 8
    return pd.DataFrame({"duration": np.where(churned, lifetime, 8), "churned": churned})


# model class, data factory, the role columns, the numeric role checked for text/inf
MODELS = {
    "BetaGeo": (BetaGeo, _bg_data, ["frequency", "recency", "T"]),
    "ParetoNBD": (ParetoNBD, _bg_data, ["frequency", "recency", "T"]),
    "GammaGamma": (GammaGamma, _gg_data, ["frequency", "monetary_value"]),
    "BetaGeoBeta": (BetaGeoBeta, _bb_data, ["frequency", "recency", "n_periods"]),
    "ShiftedBetaGeometric": (ShiftedBetaGeometric, _sbg_data, ["duration", "churned"]),
}


@pytest.fixture(scope="module")
def datasets():
    return {name: factory() for name, (_, factory, _) in MODELS.items()}


@pytest.fixture(scope="module")
def fitted(datasets):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        return {name: MODELS[name][0]().fit(datasets[name]) for name in MODELS}


names = pytest.mark.parametrize("name", sorted(MODELS))


# -- scikit-learn contract ------------------------------------------------------------------
@names
def test_clone_get_set_params(name):
    cls = MODELS[name][0]
    model = cls(alpha=0.1, max_iter=200)
    params = model.get_params()
    assert params == {"alpha": 0.1, "max_iter": 200, "tol": None, "initial_params": None}
    copy = clone(model)
    assert copy is not model and copy.get_params() == params
    assert model.set_params(alpha=0.2) is model and model.alpha == 0.2
    assert repr(cls(alpha=0.1)) == f"{name}(alpha=0.1)"


@names
def test_not_fitted_before_fit(name):
    model = MODELS[name][0]()
    assert not hasattr(model, "summary")
    assert not hasattr(model, "params_")
    with pytest.raises(NotFittedError, match="not fitted"):
        model.to_frame()
    with pytest.raises(NotFittedError):
        model.print_summary()


@names
def test_refit_is_reproducible_and_fit_returns_self(name, datasets, fitted):
    model = MODELS[name][0]()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        assert model.fit(datasets[name]) is model
    pd.testing.assert_series_equal(model.params_, fitted[name].params_)
    again = clone(fitted[name])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        again.fit(datasets[name])
    pd.testing.assert_series_equal(again.params_, fitted[name].params_)


@names
def test_summary_uses_shared_columns(name, fitted, capsys):
    model = fitted[name]
    table = model.summary
    assert set(table.columns) <= set(SUMMARY_COLUMNS)
    assert table.columns.tolist() == ["estimate", "se", "lower", "upper"]
    assert (table["lower"] < table["estimate"]).all() and (
        table["estimate"] < table["upper"]).all()
    assert model.to_dict()["summary"][0]["parameter"] == table.index[0]
    assert model.params_.index.name is None  # the summary does not rename params_
    model.print_summary()
    text = capsys.readouterr().out
    assert "95% confidence limits" in text and "Weights: none" in text
    assert "<table" in model._repr_html_()


@names
def test_rows_in_equal_used_plus_excluded(name, datasets):
    cls, _, roles = MODELS[name]
    data = datasets[name].iloc[:400].copy()
    data[roles[0]] = data[roles[0]].astype(float)
    data.iloc[0, data.columns.get_loc(roles[0])] = np.nan  # a missing value
    w = np.ones(len(data))
    w[1] = 0.0   # zero weight
    w[2] = np.nan  # missing weight
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        model = cls().fit(data, weights=w)
    assert model.n_obs_ + len(model.excluded_) == len(data)
    reasons = dict(zip(model.excluded_["row"], model.excluded_["reason"], strict=True))
    assert reasons[data.index[1]] == "zero weight 'weights'"
    assert reasons[data.index[2]] == "missing weight 'weights'"
    assert reasons[data.index[0]].startswith("missing")
    assert model.excluded_.columns.tolist() == ["row", "reason"]


@names
def test_pickle_keeps_no_data(name, datasets, fitted):
    model = fitted[name]
    blob = pickle.dumps(model)
    assert len(blob) < 12_000  # estimates, covariance, counts: no per-customer arrays
    restored = pickle.loads(blob)
    pd.testing.assert_series_equal(restored.params_, model.params_)
    n_rows = len(datasets[name])
    for attr, value in vars(restored).items():
        if isinstance(value, (pd.DataFrame, pd.Series, np.ndarray)):
            assert len(value) < min(n_rows, 100), attr
            if isinstance(value, pd.DataFrame):
                assert not set(MODELS[name][2]) & set(value.columns), attr


@names
def test_study_input_gives_the_same_numbers(name, datasets, fitted):
    cls = MODELS[name][0]
    data = datasets[name].assign(count=2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        from_study = cls().fit(Study.from_frame(data, weights="count"))
        from_frame = cls().fit(data, weights="count")
    np.testing.assert_allclose(from_study.params_, from_frame.params_, rtol=1e-12)
    np.testing.assert_allclose(from_frame.params_, fitted[name].params_, rtol=1e-6)
    assert from_study.total_weight_ == 2 * len(data)
    assert "Weights: column 'count' (the study's weights)" in from_study._summary_notes()
    assert "Weights: column 'count'" in from_frame._summary_notes()


@names
def test_arrays_and_named_columns_give_the_same_numbers(name, datasets, fitted):
    cls, _, roles = MODELS[name]
    data = datasets[name]
    renamed = data.rename(columns={r: f"my {r}" for r in roles})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        by_name = cls().fit(renamed, **{r: f"my {r}" for r in roles})
        arrays = cls().fit(*(data[r].to_numpy() for r in roles))
    np.testing.assert_allclose(by_name.params_, fitted[name].params_, rtol=1e-12)
    np.testing.assert_allclose(arrays.params_, fitted[name].params_, rtol=1e-12)
    assert by_name.columns_ == {r: f"my {r}" for r in roles}


# -- bad input -------------------------------------------------------------------------------
BAD_WEIGHTS = {
    "negative": ([1.0, -1.0], "non-negative"),
    "infinite": ([1.0, np.inf], "infinite"),
    "text": ([1.0, "x"], "must hold numbers"),
}


@names
@pytest.mark.parametrize("case", sorted(BAD_WEIGHTS))
def test_bad_weights(name, case, datasets):
    cls = MODELS[name][0]
    data = datasets[name].iloc[:200]
    bad, message = BAD_WEIGHTS[case]
    w = np.array([1.0] * (len(data) - 2) + bad, dtype=object)
    frame = data.assign(w=w)
    with pytest.raises(InputError, match=f"[Ww]eight column 'w'.*{message}"):
        cls().fit(frame, weights="w")


@names
def test_all_zero_weights(name, datasets):
    data = datasets[name].iloc[:50]
    with pytest.raises(InputError, match="every weight is zero or missing"):
        MODELS[name][0]().fit(data, weights=np.zeros(len(data)))


@names
def test_empty_frame_and_missing_column(name, datasets):
    cls, _, roles = MODELS[name]
    data = datasets[name]
    with pytest.raises(InputError, match=f"the data have no rows .*'{roles[0]}'"):
        cls().fit(data.iloc[:0])
    with pytest.raises(InputError, match=f"{roles[0]} is empty"):
        cls().fit(*([] for _ in roles))
    with pytest.raises(InputError, match=f"lacks column.*'{roles[-1]}'"):
        cls().fit(data.drop(columns=roles[-1]))


@names
def test_text_and_inf_in_a_numeric_role(name, datasets):
    cls, _, roles = MODELS[name]
    data = datasets[name].iloc[:100].copy()
    role = roles[0]
    text = data.astype({role: object})
    text.iloc[3, text.columns.get_loc(role)] = "n/a?"
    with pytest.raises(InputError, match=f"column '{role}'.*must hold numbers.*'n/a\\?'"):
        cls().fit(text)
    inf = data.astype({role: float})
    inf.iloc[5, inf.columns.get_loc(role)] = np.inf
    with pytest.raises(InputError, match=f"column '{role}'.*infinite"):
        cls().fit(inf)


@names
def test_frame_and_arrays_together_are_refused(name, datasets):
    cls, _, roles = MODELS[name]
    data = datasets[name]
    with pytest.raises(InputError, match="not both"):
        cls().fit(data, data[roles[1]].to_numpy())
    with pytest.raises(InputError, match="names a column, but no DataFrame"):
        cls().fit(data[roles[0]].to_numpy(), roles[1])
    with pytest.raises(InputError, match="names a column, but the data were passed as arrays"):
        cls().fit(*(data[r].to_numpy() for r in roles), weights="count")


# -- plots -----------------------------------------------------------------------------------
def test_plot_methods_return_axes(fitted, datasets):
    checks = [
        fitted["BetaGeo"].plot_alive_heatmap(T=39.0, max_frequency=8),
        fitted["ParetoNBD"].plot_alive_heatmap(T=39.0),
        fitted["BetaGeoBeta"].plot_alive_heatmap(6),
        fitted["GammaGamma"].plot_spend_distribution(datasets["GammaGamma"]),
        fitted["GammaGamma"].plot_spend_distribution(),
        fitted["ShiftedBetaGeometric"].plot_survival(10, observed=[1000, 700, 550]),
    ]
    for ax in checks:
        assert isinstance(ax, matplotlib.axes.Axes)
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    _, given = plt.subplots()
    assert fitted["ShiftedBetaGeometric"].plot_survival(ax=given) is given
    # BG/BB: whole opportunities only, impossible histories (x > t_x) blank
    image = np.ma.filled(checks[2].images[0].get_array().astype(float), np.nan)
    assert image.shape == (7, 7)
    assert np.isnan(image[3, 1]) and 0 < image[3, 4] < 1  # 3 purchases by opportunity 1?
    assert "6 opportunities" in checks[2].get_title()
    plt.close("all")


def test_transaction_plot_methods_match_the_functions():
    rng = np.random.default_rng(8)
    sim = simulate_client_transactions(np.arange(1, 301), rng.standard_normal(300),
                                       random_state=9)
    cal = summarise_transactions(sim.data, amount="amount", period_end="2024-12-31",
                                 holdout_end="2025-06-30")
    model = BetaGeo().fit(cal)
    ax = model.plot_calibration_holdout(cal, max_frequency=4)
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "4+"
    ax = model.plot_cumulative_tracking(sim.data, period_end="2024-12-31",
                                        holdout_end="2025-06-30")
    assert ax.get_ylabel() == "Cumulative repeat purchases"
    with pytest.raises(NotFittedError):
        BetaGeo().plot_alive_heatmap(T=10.0)
    plt.close("all")


def test_data_text_is_drawn_literally(datasets):
    data = datasets["GammaGamma"].rename(columns={"monetary_value": "$spend$"})
    model = GammaGamma().fit(data, monetary_value="$spend$")
    ax = model.plot_spend_distribution(data)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert r"Observed \$spend\$ (repeat buyers)" in labels
    ax.figure.canvas.draw()  # mathtext would render "spend" in italics without the dollars
    plt.close("all")


# -- regression tests for the issue defects ------------------------------------------------------
@pytest.fixture(scope="module")
def donations():
    path = "lifetimes/datasets/donations.csv"
    if not is_available("lifetimes", path):
        pytest.skip("optional data package 'lifetimes' (donations data) is not installed")
    return pd.read_csv(public_data_path("lifetimes", path)).rename(
        columns={"periods": "n_periods"})


def test_bg_bb_frame_weights_column_is_never_ignored(donations):
    """BetaGeoBeta.fit(frame) used to ignore the frame's 'weights' column and return
    gamma = 5.6e5; now it is an error that says how to use the column."""
    with pytest.raises(InputError, match="column 'weights' that looks like row weights.*"
                                         "Pass weights='weights'.*or weights=None"):
        BetaGeoBeta().fit(donations)
    model = BetaGeoBeta().fit(donations, weights="weights")
    assert [round(v, 3) for v in model.params_] == [1.204, 0.750, 0.657, 2.783]
    assert model.total_weight_ == 11104 and model.n_obs_ == len(donations)


@pytest.mark.parametrize("column", ["count", "n_customers", "Weights"])
def test_weight_like_column_needs_an_explicit_choice(column):
    data = _bg_data(300).assign(**{column: 1.0})
    with pytest.raises(InputError, match=f"column '{column}' that looks like row weights"):
        BetaGeo().fit(data)
    explicit_none = BetaGeo().fit(data, weights=None)
    used = BetaGeo().fit(data, weights=column)
    np.testing.assert_allclose(explicit_none.params_, used.params_, rtol=1e-10)
    # the lifetimes-style call on arrays needs nothing
    BetaGeo().fit(data["frequency"], data["recency"], data["T"])


def test_sbg_cohort_frame_needs_weights():
    d = cohort_to_durations([1000, 631, 468, 382, 326, 289, 262, 241])
    with pytest.raises(InputError, match="Pass weights='count'"):
        ShiftedBetaGeometric().fit(d)
    model = ShiftedBetaGeometric().fit(d, weights="count")
    assert round(model.params_["a"], 3) == 0.704 and model.total_weight_ == 1000


@names
def test_tol_is_deprecated_and_ignored(name, datasets, fitted):
    cls = MODELS[name][0]
    with pytest.warns(FutureWarning, match="tol= is ignored"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FragileResultWarning)
            model = cls(tol=1e-4).fit(datasets[name])
    pd.testing.assert_series_equal(model.params_, fitted[name].params_)


def test_base_does_not_import_subclasses():
    import inspect

    from expectlab.repeat import _base

    source = inspect.getsource(_base)
    for module in ("gamma_gamma", "bg_nbd", "pareto_nbd", "bg_bb", "sbg"):
        assert f".{module}" not in source


def test_loglik_at_new_data_uses_each_models_hook(fitted, datasets):
    for name in ("BetaGeo", "GammaGamma", "BetaGeoBeta"):
        model = fitted[name]
        value = model._loglik_at(model.params_.to_numpy(), datasets[name])
        assert value == pytest.approx(model.loglik_, rel=1e-10), name


def test_predictions_take_the_fit_column_names(datasets, fitted):
    data = datasets["BetaGeo"].rename(columns={"T": "age"})
    model = BetaGeo().fit(data, T="age")
    np.testing.assert_allclose(model.predict_alive(data),
                               fitted["BetaGeo"].predict_alive(datasets["BetaGeo"]))
    gg = GammaGamma().fit(datasets["GammaGamma"])
    spend = gg.predict_spend(frequency=datasets["GammaGamma"]["frequency"].to_numpy(),
                             monetary_value=datasets["GammaGamma"]["monetary_value"].to_numpy())
    np.testing.assert_allclose(spend, gg.predict_spend(datasets["GammaGamma"]))


# -- transaction summaries -------------------------------------------------------------------
@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_summary_rows_in_equal_used_plus_excluded(small_log, engine):
    log = pd.concat([small_log, small_log.iloc[[2]],  # an exact repeat
                     pd.DataFrame({"customer_id": [4, 1], "date": ["2024-03-20", "2024-05-01"],
                                   "amount": [3.0, 9.0]})], ignore_index=True)
    with pytest.warns(FragileResultWarning, match="excluded_transactions"):
        out = summarise_transactions(log, amount="amount", period_end="2024-02-26",
                                     holdout_end="2024-03-31", duplicates="drop",
                                     engine=engine)
    excluded = excluded_transactions(out)
    assert out.attrs["n_rows"] == len(log) == 10
    assert out.attrs["n_rows_used"] + len(excluded) == len(log)
    assert sorted(excluded["reason"]) == ["after the end of the observed period",
                                          "customer first seen after period_end",
                                          "duplicate row"]
    assert out.attrs["n_rows_used"] == 7


def test_excluded_transactions_without_attrs():
    with pytest.raises(InputError, match="does not carry the exclusions"):
        excluded_transactions(pd.DataFrame({"frequency": [1]}))


def test_clv_old_argument_name_warns_and_works(datasets):
    bg = BetaGeo().fit(datasets["BetaGeo"])
    gg = GammaGamma().fit(datasets["GammaGamma"])
    hist = datasets["BetaGeo"].iloc[:20].assign(monetary_value=20.0)
    hist.loc[hist["frequency"] == 0, "monetary_value"] = 0.0
    expected = gg.customer_lifetime_value(bg, hist)
    with pytest.warns(FutureWarning, match="frequency= is renamed data="):
        old = gg.customer_lifetime_value(bg, frequency=hist)
    pd.testing.assert_series_equal(old, expected)
