"""Recovery on simulated data with a known surface, size and power of the constraint test,
and coverage of the 95% intervals over repeated simulations."""

import numpy as np
import pytest

from expectlab import SatisfactionRegression
from expectlab.simulate.satisfaction import simulate_satisfaction

from .conftest import BASE, COLS


def _latent(sim):
    """Error-free E*, P* and S*: isolates estimation error from measurement error."""
    return sim.truth.latent


@pytest.mark.parametrize("truth", ["difference", "additive", "quadratic"])
def test_polynomial_truths_recovered(truth):
    sim = simulate_satisfaction(n=3000, truth=truth, n_items=0, random_state=21)
    model = SatisfactionRegression(models=["full"], n_boot=0, **BASE).fit(_latent(sim), **COLS)
    fit = model.results_["full"]
    se = np.sqrt(np.diag(fit.cov))
    assert np.all(np.abs(fit.params - sim.truth.b) < 4 * se), (fit.params, sim.truth.b)
    surf = model.surface()["estimate"]
    for key, value in sim.truth.surface.items():
        assert abs(surf[key] - value) < 0.06, key


def test_difference_model_recovers_its_coefficient():
    sim = simulate_satisfaction(n=2000, truth="difference", n_items=0, random_state=4)
    model = SatisfactionRegression(models=["difference"], n_boot=0, **BASE).fit(
        _latent(sim), **COLS)
    row = model.summary.loc[("difference", "experience - expectation")]
    assert row["lower"] < sim.truth.params["c"] < row["upper"]
    assert model.verdict("difference").adequate


def test_ratio_truth_recovered_and_preferred():
    sim = simulate_satisfaction(n=3000, truth="ratio", n_items=0, random_state=8)
    model = SatisfactionRegression(models=["ratio", "difference"], n_boot=0, **BASE).fit(
        _latent(sim), **COLS)
    est = model.params_["ratio"].to_numpy()
    np.testing.assert_allclose(est, [0.4, 4.0], atol=0.2)
    assert model.verdict("ratio").adequate
    assert model.comparison_.loc["ratio", "aic"] < model.comparison_.loc["difference", "aic"]


def test_asymmetric_truth_recovers_loss_aversion():
    sim = simulate_satisfaction(n=3000, truth="asymmetric", n_items=0, random_state=9)
    model = SatisfactionRegression(models=["asymmetric"], n_boot=300, random_state=1,
                                   **BASE).fit(_latent(sim), **COLS)
    table = model.loss_aversion()
    true_ratio = 0.9 / 0.4
    for name, value in (("gain slope g+", 0.4), ("loss slope g-", 0.9),
                        ("loss aversion g-/g+", true_ratio)):
        assert table.loc[name, "lower"] < value < table.loc[name, "upper"], name
        assert table.loc[name, "boot_lower"] < value < table.loc[name, "boot_upper"], name
    # the asymmetric model nests in absunc and holds there
    assert model.comparison_.loc["asymmetric", "p_vs_absunc"] > 0.01


def test_item_measurement_error_attenuates_slopes():
    """With Likert items the slopes shrink toward 0 (reliability < 1): the notebook's
    warning is real, not hypothetical."""
    sim = simulate_satisfaction(n=4000, truth="difference", random_state=2)
    items = SatisfactionRegression(models=["difference"], n_boot=0, **BASE).fit(
        sim.data, **COLS).params_["difference"].iloc[1]
    latent = SatisfactionRegression(models=["difference"], n_boot=0, **BASE).fit(
        _latent(sim), **COLS).params_["difference"].iloc[1]
    assert items < latent - 0.05
    assert abs(latent - 0.8) < 0.05


@pytest.mark.slow
def test_difference_constraint_test_size_and_power():
    def rejection_rate(truth, reps, seed):
        rejections = 0
        for r in range(reps):
            sim = simulate_satisfaction(n=200, truth=truth, n_items=0, random_state=seed + r)
            model = SatisfactionRegression(models=["difference"], n_boot=0, **BASE).fit(
                sim.truth.latent, **COLS)
            rejections += model.comparison_.loc["difference", "p_vs_full"] < 0.05
        return rejections / reps

    size = rejection_rate("difference", 400, 1000)
    assert 0.02 <= size <= 0.085, size  # nominal 0.05; binomial sd about 0.011
    power = rejection_rate("additive", 60, 5000)
    assert power >= 0.95, power


@pytest.mark.slow
def test_bootstrap_and_delta_intervals_cover_a1_to_a4():
    reps, keys = 200, ["a1", "a2", "a3", "a4"]
    boot_hits = np.zeros(4)
    delta_hits = np.zeros(4)
    for r in range(reps):
        sim = simulate_satisfaction(n=300, truth="quadratic", n_items=0, random_state=700 + r)
        model = SatisfactionRegression(models=["full"], n_boot=500, random_state=r, **BASE)
        surf = model.fit(sim.truth.latent, **COLS).surface().loc[keys]
        truth = np.array([sim.truth.surface[k] for k in keys])
        boot_hits += (surf["boot_lower"] <= truth) & (truth <= surf["boot_upper"])
        delta_hits += (surf["lower"] <= truth) & (truth <= surf["upper"])
    boot_cov, delta_cov = boot_hits / reps, delta_hits / reps
    # nominal 0.95; binomial sd with 200 replications is about 0.015
    assert np.all((boot_cov >= 0.90) & (boot_cov <= 0.99)), boot_cov
    assert np.all((delta_cov >= 0.90) & (delta_cov <= 0.99)), delta_cov
    assert 0.925 <= boot_cov.mean() <= 0.975, boot_cov
