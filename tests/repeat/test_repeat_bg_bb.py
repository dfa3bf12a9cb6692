"""BG/BB for discrete opportunities: published donation-data fit, agreement with lifetimes,
recovery, interval coverage, bad input."""

import warnings

import numpy as np
import pandas as pd
import pytest

from expectlab import FragileResultWarning, InputError
from expectlab.public_data import is_available, public_data_path
from expectlab.repeat import BetaGeoBeta
from expectlab.simulate.repeat import simulate_bg_bb

DONATIONS = "lifetimes/datasets/donations.csv"
TRUTH = {"alpha": 1.2, "beta": 0.75, "gamma": 0.66, "delta": 2.8}


@pytest.fixture(scope="module")
def donations():
    if not is_available("lifetimes", DONATIONS):
        pytest.skip("optional data package 'lifetimes' (donations data) is not installed")
    return pd.read_csv(public_data_path("lifetimes", DONATIONS))


def test_fader_hardie_shang_2010_donations(donations):
    """Fader, Hardie & Shang (2010), Marketing Science 29(6): 11,104 first-time supporters
    of 1995, six annual opportunities: alpha = 1.204, beta = 0.750, gamma = 0.657,
    delta = 2.783, LL = -33,225.6."""
    d = donations
    model = BetaGeoBeta().fit(d["frequency"], d["recency"], d["periods"], weights=d["weights"])
    assert [round(v, 3) for v in model.params_] == [1.204, 0.750, 0.657, 2.783]
    assert model.loglik_ == pytest.approx(-33225.6, abs=0.05)
    assert model.total_weight_ == 11104
    assert any("total weight 11104" in n for n in model._summary_notes())


def test_predictions_agree_with_lifetimes(donations):
    lifetimes = pytest.importorskip("lifetimes")
    d = donations
    model = BetaGeoBeta().fit(d["frequency"], d["recency"], d["periods"], weights=d["weights"])
    ref = lifetimes.BetaGeoBetaBinomFitter()
    ref.params_ = pd.Series(model.params_.to_dict())
    args = (d["frequency"], d["recency"], d["periods"])
    np.testing.assert_allclose(model.predict_alive(*args),
                               ref.conditional_probability_alive(1, *args), rtol=1e-9)
    np.testing.assert_allclose(model.predict_purchases(5, *args),
                               ref.conditional_expected_number_of_purchases_up_to_time(
                                   5, *args), rtol=1e-9)


def test_recovery_and_new_customer_expectation():
    sim = simulate_bg_bb(100_000, **TRUTH, n_periods=6, random_state=1)
    model = BetaGeoBeta().fit(sim.data)
    for name, value in TRUTH.items():
        est, se = model.summary.loc[name, ["estimate", "se"]]
        assert abs(est - value) < 3.5 * se, name
    # the analytic gradient agrees with differences of the log-likelihood
    model._data, model._counts = model._prepare((np.array([0.0, 2, 3]), np.array([0.0, 4, 3]),
                                                 np.array([6.0, 6, 6])), np.ones(3)), np.ones(3)
    x = np.log([1.1, 0.8, 0.7, 2.5])
    _, analytic = model._total_grad(x)
    numeric = [(model._total_loglik(x + 1e-6 * e) - model._total_loglik(x - 1e-6 * e)) / 2e-6
               for e in np.eye(4)]
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5)
    # E[X(6)] of a new customer against the simulated mean
    se = sim.data["frequency"].std() / np.sqrt(len(sim.data))
    assert abs(model.predict_purchases(6.0) - sim.data["frequency"].mean()) < 4 * se
    p = model.predict_alive(sim.data)
    alive = sim.truth["customers"]["alive"]
    assert p[alive].mean() > p[~alive].mean() + 0.2


@pytest.mark.slow
def test_interval_coverage():
    n_reps, n = 120, 1500
    data = simulate_bg_bb(n_reps * n, **TRUTH, n_periods=6, random_state=2).data
    hits = dict.fromkeys(TRUTH, 0)
    for k in range(n_reps):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FragileResultWarning)
            ci = BetaGeoBeta().fit(data.iloc[k * n:(k + 1) * n]).confidence_intervals_()
        for name, value in TRUTH.items():
            hits[name] += ci.loc[name, "lower"] <= value <= ci.loc[name, "upper"]
    rates = {k: v / n_reps for k, v in hits.items()}
    sd = np.sqrt(0.95 * 0.05 / n_reps)
    assert all(0.95 - 3.3 * sd <= r <= 1.0 for r in rates.values()), rates
    assert 0.925 <= np.mean(list(rates.values())) <= 0.975, rates


@pytest.mark.parametrize("args,message", [
    (([2, 1], [1, 3], [6, 6]), "frequency cannot exceed recency"),
    (([1, 1], [1.5, 3], [6, 6]), "recency must count whole opportunities"),
    (([1, 1], [1, 3], [6, 6.5]), "n_periods must count whole opportunities"),
    (([1, 1], [1, 7], [6, 6]), "recency is larger than T"),
])
def test_bad_input(args, message):
    with pytest.raises(InputError, match=message):
        BetaGeoBeta().fit(*args)


def test_frame_input_needs_n_periods():
    sim = simulate_bg_bb(200, **TRUTH, random_state=3).data
    with pytest.raises(InputError, match="lacks column"):
        BetaGeoBeta().fit(sim.rename(columns={"n_periods": "T"}))
    with pytest.raises(InputError, match="n_customers must be"):
        simulate_bg_bb(0, **TRUTH)
    with pytest.raises(InputError, match="n_periods must be"):
        simulate_bg_bb(5, **TRUTH, n_periods=0)
