"""BG/NBD, Pareto/NBD and Gamma-Gamma: published CDNOW numbers, agreement with lifetimes,
the ML machinery (compression, gradients, SEs) and every bad input."""

import warnings

import numpy as np
import pandas as pd
import pytest

import expectlab
from expectlab import FragileResultWarning, InputError
from expectlab.repeat import BetaGeo, GammaGamma, ParetoNBD
from expectlab.simulate.repeat import simulate_bg_nbd, simulate_gamma_gamma

from .conftest import needs_cdnow


@pytest.fixture(scope="module")
def bg_sim():
    return simulate_bg_nbd(1500, r=0.25, alpha=4.0, a=0.8, b=2.5, T=39.0, random_state=11).data


# -- published numbers ---------------------------------------------------------------------
@needs_cdnow
def test_bg_nbd_reproduces_fader_hardie_lee_2005(cdnow_calibration):
    """Fader, Hardie & Lee (2005), Marketing Science 24(2), 275-284, CDNOW 1/10 sample,
    39-week calibration: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4."""
    model = BetaGeo().fit(cdnow_calibration)
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert round(model.params_[name], 3) == value, name
    assert model.loglik_ == pytest.approx(-9582.4, abs=0.05)
    assert model.converged_ and model.n_obs_ == 2357


@needs_cdnow
def test_pareto_nbd_reproduces_published_cdnow_fit(cdnow_calibration):
    """Pareto/NBD on the same data as reported alongside the BG/NBD in Fader, Hardie & Lee
    (2005): r = 0.55, alpha = 10.58, s = 0.61, beta = 11.67, LL = -9595.0."""
    model = ParetoNBD().fit(cdnow_calibration)
    published = {"r": 0.55, "alpha": 10.58, "s": 0.61, "beta": 11.67}
    for name, value in published.items():
        assert round(model.params_[name], 2) == value, name
    assert model.loglik_ == pytest.approx(-9595.0, abs=0.05)


@needs_cdnow
def test_gamma_gamma_reproduces_fader_hardie_lee_2005_rfm(cdnow_calibration):
    """Fader, Hardie & Lee (2005), "RFM and CLV", JMR 42(4): 946 CDNOW repeat buyers,
    p = 6.25, q = 3.74, gamma = 15.44 (our spend averages come from the raw log)."""
    model = GammaGamma().fit(cdnow_calibration)
    assert model.n_obs_ == 946
    assert (round(model.params_["p"], 2), round(model.params_["q"], 2),
            round(model.params_["v"], 2)) == (6.25, 3.74, 15.44)
    assert model.excluded_["reason"].eq("no repeat purchase (no spend information)").sum() == 1411


@needs_cdnow
def test_predictions_agree_with_lifetimes(cdnow_calibration):
    """Same parameters -> same P(alive) and expected purchases as the reference package."""
    lifetimes = pytest.importorskip("lifetimes")
    s = cdnow_calibration
    bg = BetaGeo().fit(s)
    ref = lifetimes.BetaGeoFitter()
    ref.params_ = pd.Series(bg.params_.to_dict())
    np.testing.assert_allclose(bg.predict_alive(s), ref.conditional_probability_alive(
        s["frequency"], s["recency"], s["T"]), rtol=1e-8)
    np.testing.assert_allclose(bg.predict_purchases(39, s),
                               ref.conditional_expected_number_of_purchases_up_to_time(
                                   39, s["frequency"], s["recency"], s["T"]), rtol=1e-8)
    t = np.array([1.0, 10.0, 78.0])
    np.testing.assert_allclose(bg.predict_purchases(t),
                               ref.expected_number_of_purchases_up_to_time(t), rtol=1e-8)
    pn = ParetoNBD().fit(s)
    ref = lifetimes.ParetoNBDFitter()
    ref.params_ = pd.Series(pn.params_.to_dict())
    np.testing.assert_allclose(pn.predict_alive(s), ref.conditional_probability_alive(
        s["frequency"], s["recency"], s["T"]), rtol=1e-6)
    np.testing.assert_allclose(pn.predict_purchases(39, s),
                               ref.conditional_expected_number_of_purchases_up_to_time(
                                   39, s["frequency"], s["recency"], s["T"]), rtol=1e-6)
    np.testing.assert_allclose(pn.predict_purchases(t),
                               ref.expected_number_of_purchases_up_to_time(t), rtol=1e-8)
    gg = GammaGamma().fit(s)
    ref = lifetimes.GammaGammaFitter()
    ref.params_ = pd.Series(gg.params_.to_dict())
    rep = s[s["frequency"] > 0]
    np.testing.assert_allclose(gg.predict_spend(rep),
                               ref.conditional_expected_average_profit(
                                   rep["frequency"], rep["monetary_value"]), rtol=1e-10)


@needs_cdnow
def test_holdout_forecast_close_to_actual(cdnow_calibration):
    """Sanity check (not a published number): the 39-week holdout forecast on CDNOW is within
    15% of the repeat purchase occasions actually made."""
    s = cdnow_calibration
    model = BetaGeo().fit(s)
    predicted = model.predict_purchases(39, s).sum()
    actual = s["frequency_holdout"].sum()
    assert abs(predicted / actual - 1) < 0.15


# -- machinery -----------------------------------------------------------------------------
def test_public_names_and_sklearn_style():
    assert expectlab.BetaGeo is BetaGeo
    assert expectlab.ParetoNBD is ParetoNBD and expectlab.GammaGamma is GammaGamma
    model = BetaGeo(alpha=0.1)
    assert model.get_params() == {"alpha": 0.1, "max_iter": 1000, "tol": None,
                                  "initial_params": None}
    assert model.set_params(max_iter=50) is model and model.max_iter == 50
    assert not hasattr(model, "params_")
    assert "not fitted" in model._repr_html_()
    with pytest.raises(InputError, match="not fitted"):
        model.predict_alive([1], [1.0], [2.0])
    # scikit-learn's set_params (the Estimator base) refuses unknown names
    with pytest.raises(ValueError, match="Unknown parameter.*'beta'"):
        model.set_params(beta=2)


def test_weights_equal_repeated_rows(bg_sim):
    data = bg_sim.iloc[:400]
    doubled = pd.concat([data, data, data.iloc[:100]])
    weights = np.ones(400)
    weights[:100] = 3
    weights[100:] = 2
    a = BetaGeo().fit(doubled)
    b = BetaGeo().fit(data["frequency"], data["recency"], data["T"], weights=weights)
    np.testing.assert_allclose(a.params_, b.params_, rtol=1e-7)
    assert a.loglik_ == pytest.approx(b.loglik_, rel=1e-10)
    assert a.n_unique_ == b.n_unique_ < 400  # customers without repeat purchases share a row


@pytest.mark.parametrize("cls,params", [
    (BetaGeo, [0.3, 5.0, 0.9, 2.0]), (GammaGamma, [5.0, 3.0, 12.0])])
def test_analytic_gradient_matches_differences(bg_sim, cls, params):
    model = cls()
    if cls is GammaGamma:
        d = simulate_gamma_gamma(300, 6.0, 4.0, 15.0, random_state=1).data
        raw = (d["frequency"].to_numpy(float), d["monetary_value"].to_numpy())
    else:
        raw = tuple(bg_sim[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    counts = np.random.default_rng(0).integers(1, 5, len(raw[0])).astype(float)
    model._data = model._prepare(raw, counts)
    model._counts = counts
    x = np.log(params)
    _, analytic = model._total_grad(x)
    h = 1e-6
    numeric = [(model._total_loglik(x + h * e) - model._total_loglik(x - h * e)) / (2 * h)
               for e in np.eye(len(x))]
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5)
    if cls is BetaGeo:
        # the summed gradient and the per-row gradient agree
        rows, per_row = model._grad_rows(np.exp(x), model._data)
        value, summed = model._weighted_grad(np.exp(x), model._data, counts)
        assert value == pytest.approx(counts @ rows, rel=1e-12)
        np.testing.assert_allclose(summed, per_row @ counts, rtol=1e-10)


def test_summary_and_rendering(bg_sim, capsys):
    model = BetaGeo().fit(bg_sim)
    table = model.summary
    assert list(table.columns) == ["estimate", "se", "lower", "upper"]
    assert list(table.index) == ["r", "alpha", "a", "b"]
    assert (table["lower"] < table["estimate"]).all()
    assert (table["estimate"] < table["upper"]).all()
    se_log = np.sqrt(np.diag(model.covariance_log_))
    np.testing.assert_allclose(table["se"], table["estimate"] * se_log)
    assert model.AIC_ == pytest.approx(-2 * model.loglik_ + 8)
    assert model.BIC_ == pytest.approx(-2 * model.loglik_ + 4 * np.log(1500))
    model.print_summary()
    text = capsys.readouterr().out
    assert "BG/NBD" in text and "Log-likelihood" in text and "0x" not in text
    assert "<table" in model._repr_html_()
    assert "95% confidence limits" in text
    narrow = BetaGeo(alpha=0.1).fit(bg_sim)
    assert any("90% confidence limits" in n for n in narrow._summary_notes())
    assert (narrow.summary["lower"] > table["lower"]).all()


def test_predictions_shapes_and_missing(bg_sim):
    model = BetaGeo().fit(bg_sim)
    p = model.predict_alive(bg_sim)
    assert isinstance(p, pd.Series) and p.index.equals(bg_sim.index)
    assert ((p > 0) & (p <= 1)).all()
    assert (p[bg_sim["frequency"] == 0] == 1).all()
    arr = model.predict_purchases(10, [0, 2, np.nan], [0, 5.0, 1.0], [39, 39, 39])
    assert isinstance(arr, np.ndarray) and np.isnan(arr[2]) and (arr[:2] > 0).all()
    # more recent activity -> more likely alive, more expected purchases
    recent, stale = model.predict_alive([3, 3], [38.0, 5.0], [39, 39])
    assert recent > stale
    # scalar T broadcast
    assert model.predict_alive([1, 2], [3.0, 4.0], 39).shape == (2,)


def test_pareto_s_equal_one_limit(bg_sim):
    model = ParetoNBD().fit(bg_sim)
    model.params_["s"] = 1.0
    near = model.params_.copy()
    near["s"] = 1.0 + 1e-6
    exact = model.predict_purchases(np.array([5.0, 20.0]))
    model.params_ = near
    np.testing.assert_allclose(exact, model.predict_purchases(np.array([5.0, 20.0])),
                               rtol=1e-5)


def test_missing_and_zero_weight_rows_are_recorded(bg_sim):
    data = bg_sim.iloc[:300].copy()
    data.loc[data.index[0], "recency"] = np.nan
    w = np.ones(300)
    w[1] = 0
    model = BetaGeo().fit(data["frequency"], data["recency"], data["T"], weights=w)
    assert model.excluded_.to_dict("list") == {
        "row": [data.index[0], data.index[1]],
        "reason": ["missing frequency, recency or T", "zero weight 'weights'"]}
    assert model.n_obs_ == 298
    assert any("Rows excluded: 2" in n for n in model._summary_notes())


@pytest.mark.slow
def test_convergence_problems_warn(bg_sim):
    model = ParetoNBD()
    nbd_only = simulate_bg_nbd(3000, r=0.5, alpha=5, a=0.001, b=1e6, random_state=1).data
    # nobody drops out: the dropout parameters of the Pareto/NBD are not identified (the
    # warning names a Hessian that is not negative definite or barely identified parameters)
    with pytest.warns(FragileResultWarning, match="may not have converged: .*(Hessian|barely)"):
        model.fit(nbd_only)
    assert not model.converged_
    assert "NO" in " ".join(model._summary_notes())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        BetaGeo().fit(bg_sim.iloc[:30])
    messages = [str(w.message) for w in caught if w.category is FragileResultWarning]
    assert any("Only 30 customers" in m for m in messages)


def test_non_finite_start_is_an_input_error(monkeypatch):
    monkeypatch.setattr(BetaGeo, "_loglik_rows", lambda self, theta, data: np.full(3, -np.inf))
    # fit checks the start with the summed log-likelihood of its gradient pass (the
    # Newton path's Hessian pass gives the same value)
    monkeypatch.setattr(BetaGeo, "_weighted_grad", lambda self, theta, data, counts: (
        -np.inf, np.zeros(4)))
    monkeypatch.setattr(BetaGeo, "_weighted_hess", lambda self, theta, data, counts: (
        -np.inf, np.zeros(4), np.zeros((4, 4))))
    with pytest.raises(InputError, match="not finite at the starting values"), \
            pytest.warns(FragileResultWarning, match="Only 3 customers"):
        BetaGeo().fit([1, 0, 2], [1.0, 0.0, 3.0], [5, 5, 5])


# -- bad input -----------------------------------------------------------------------------
TRANSACTION_CASES = {
    "recency above T": (([1, 2], [3.0, 50.0], [39, 39]), {}, "recency is larger than T"),
    "negative frequency": (([-1, 2], [0.0, 5.0], [39, 39]), {}, "whole number >= 0"),
    "fractional frequency": (([1.5, 2], [1.0, 5.0], [39, 39]), {}, "whole number >= 0"),
    "negative recency": (([1, 2], [-1.0, 5.0], [39, 39]), {}, "recency must be >= 0"),
    "zero T": (([0, 2], [0.0, 5.0], [0, 39]), {}, "T \\(customer age\\) must be > 0"),
    "recency without repeat": (([0, 2], [3.0, 5.0], [39, 39]), {}, "frequency 0 must have"),
    "lengths": (([0, 2], [0.0], [39, 39]), {}, "same length"),
    "text": ((["a", "b"], [0.0, 1.0], [39, 39]), {},
             "column 'frequency' .* must hold numbers, but has text: 2 values"),
    "2d": (([[1, 2]], [[0.0, 1.0]], [[39, 39]]), {}, "one-dimensional"),
    "no repeat buyers": (([0, 0], [0.0, 0.0], [39, 39]), {}, "No customer made a repeat"),
    "all missing": (([np.nan], [0.0], [39]), {}, "No customers left"),
    "negative weight": (([1, 2], [1.0, 2.0], [39, 39]), {"weights": [1, -1]},
                        "weights must hold non-negative numbers: 1 value, first: row 1 = -1"),
    "weight length": (([1, 2], [1.0, 2.0], [39, 39]), {"weights": [1]},
                      "one weight per row"),
    "recency missing arg": (([1, 2], None, None), {}, "recency and T are required"),
}


@pytest.mark.parametrize("cls", [BetaGeo, ParetoNBD])
@pytest.mark.parametrize("case", sorted(TRANSACTION_CASES))
def test_transaction_model_bad_input(cls, case):
    (x, t_x, big_t), kwargs, message = TRANSACTION_CASES[case]
    with pytest.raises(InputError, match=message):
        cls().fit(x, t_x, big_t, **kwargs)


def test_frame_input_errors(bg_sim):
    with pytest.raises(InputError, match="lacks column"):
        BetaGeo().fit(bg_sim.drop(columns="T"))
    with pytest.raises(InputError, match="not both"):
        BetaGeo().fit(bg_sim, bg_sim["recency"], bg_sim["T"])
    with pytest.raises(InputError, match="frequency must be a whole number"):
        BetaGeo().fit(bg_sim).predict_alive([-1], [0.0], [39])


@pytest.mark.parametrize("options,message", [
    ({"alpha": 1.5}, "alpha must lie between"), ({"max_iter": 0}, "max_iter must be"),
    ({"initial_params": {"c": 1.0}}, "unknown names"),
    ({"initial_params": {"r": -1.0}}, "positive numbers")])
def test_bad_options(bg_sim, options, message):
    with pytest.raises(InputError, match=message):
        BetaGeo(**options).fit(bg_sim)


def test_initial_params_are_used(bg_sim):
    a = BetaGeo().fit(bg_sim)
    b = BetaGeo(initial_params={"r": 2.0, "b": 10.0}).fit(bg_sim)
    np.testing.assert_allclose(a.params_, b.params_, rtol=1e-6)


def test_gamma_gamma_errors_and_clv(bg_sim):
    with pytest.raises(InputError, match="must be > 0 for customers with repeat"):
        GammaGamma().fit([1, 2, 3], [10.0, 0.0, 5.0])
    with pytest.raises(InputError, match="whole number"):
        GammaGamma().fit([1.5, 2, 3], [10.0, 1.0, 5.0])
    with pytest.raises(InputError, match="same length"):
        GammaGamma().fit([1, 2], [10.0])
    with pytest.raises(InputError, match="Only 1 customer"):
        GammaGamma().fit([1, 0], [10.0, 0.0])
    with pytest.raises(InputError, match="lacks column"):
        GammaGamma().fit(pd.DataFrame({"frequency": [1]}))
    with pytest.raises(InputError, match="not both"):
        GammaGamma().fit(pd.DataFrame({"frequency": [1], "monetary_value": [2.0]}), [1.0])
    with pytest.raises(InputError, match="monetary_value is required"):
        GammaGamma().fit([1, 2])
    sim = simulate_gamma_gamma(40, 6.0, 4.0, 15.0, random_state=2).data
    sim.loc[1, "monetary_value"] = np.nan
    with pytest.warns(FragileResultWarning, match="Only 39 repeat buyers"):
        model = GammaGamma().fit(sim)
    assert model.excluded_["reason"].tolist() == ["missing frequency or monetary_value"]
    # CLV: positive, grows with more periods, shrinks with a higher discount rate
    bg = BetaGeo().fit(bg_sim)
    hist = bg_sim.iloc[:50].assign(monetary_value=20.0)
    hist.loc[hist["frequency"] == 0, "monetary_value"] = 0.0
    clv12 = model.customer_lifetime_value(bg, hist, periods=12)
    clv24 = model.customer_lifetime_value(bg, hist, periods=24)
    clv_hi = model.customer_lifetime_value(bg, hist, periods=12, discount_rate=0.1)
    assert isinstance(clv12, pd.Series) and (clv12 > 0).all()
    assert (clv24 > clv12).all() and (clv_hi < clv12).all()
    # without discounting, CLV = expected purchases over the horizon x expected spend
    flat = model.customer_lifetime_value(bg, hist, periods=3, period_length=4.0,
                                         discount_rate=0.0)
    expect = bg.predict_purchases(12.0, hist) * model.predict_spend(hist)
    np.testing.assert_allclose(flat, expect, rtol=1e-10)
    for kwargs, message in [({"periods": 0}, "periods must be"),
                            ({"discount_rate": -2}, "discount_rate must be"),
                            ({"period_length": 0}, "period_length must be")]:
        with pytest.raises(InputError, match=message):
            model.customer_lifetime_value(bg, hist, **kwargs)
    with pytest.raises(InputError, match="no 'monetary_value'"):
        model.customer_lifetime_value(bg, bg_sim)
    # no repeat purchases: the population mean spend p v / (q - 1)
    p, q, v = model.params_
    assert model.predict_spend([0], [0.0])[0] == pytest.approx(p * v / (q - 1))


def test_warnings_do_not_leak_from_fit(bg_sim):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        BetaGeo().fit(bg_sim)
        ParetoNBD().fit(bg_sim)
