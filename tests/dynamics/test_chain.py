"""PromiseChain: the chain arithmetic, the bootstrap and the optimum."""

from __future__ import annotations

import numpy as np
import pytest

from expectlab import InputError, PromiseChain
from expectlab.simulate.dynamics import simulate_expectation_panel

ROLES = {"id": "customer", "wave": "wave", "expectation": "expectation",
         "experience": "experience", "satisfaction": "satisfaction", "loyalty": "loyal",
         "promise": "promise", "drivers": ["word_of_mouth"],
         "loyalty_drivers": ["expectation"]}


@pytest.fixture(scope="module")
def fitted():
    sim = simulate_expectation_panel(600, waves=4, random_state=21)
    chain = PromiseChain(scale=(1, 7), n_boot=15, random_state=2, progress=False).fit(
        sim.data, **ROLES, weights="weight")
    return sim, chain


def test_expectation_shift_follows_beta(fitted):
    _, chain = fitted
    beta = chain.models_["updating"].params()["promise"]
    tab = chain.summary["estimate"]
    assert tab[("promise +1", "expectation next wave (beta)")] == pytest.approx(beta)
    # +1 promise moves every expectation by beta (less where the scale end clips it)
    change = tab[("promise +1", "change in mean expectation")]
    assert 0.9 * beta <= change <= beta + 1e-12
    # next wave: performance has not fed back into expectations yet
    assert tab[("performance +1", "change in mean expectation")] == pytest.approx(0, abs=1e-9)


def test_long_run_includes_performance_feedback():
    sim = simulate_expectation_panel(600, waves=4, random_state=21)
    chain = PromiseChain(horizon="long_run", scale=(1, 7), n_boot=0, progress=False).fit(
        sim.data, **ROLES)
    p = chain.models_["updating"].params()
    gamma_lr = p["gamma"] / (1 - p["lambda"] + p["gamma"])
    change = chain.summary.loc[("performance +1", "change in mean expectation"), "estimate"]
    assert change == pytest.approx(gamma_lr, rel=0.1)
    assert np.isnan(chain.summary["se"]).all()


def test_bootstrap_intervals_and_optimum(fitted):
    _, chain = fitted
    s = chain.summary
    assert (s["lower"] <= s["estimate"] + 1e-9).all() and (s["estimate"] <= s["upper"] + 1e-9).all()
    assert chain.n_boot_failed_ == 0
    opt = chain.optimum_
    grid = chain.promise_curve_.index
    assert grid[0] <= opt["lower"] <= opt["estimate"] <= opt["upper"] <= grid[-1]
    assert chain.promise_curve_["loyalty"].idxmax() == opt["estimate"]
    heat = chain.heatmap_["loyalty"]
    assert list(heat.index) == [-1.0, -0.5, 0.0, 0.5, 1.0]
    # performance raises loyalty at every promise level
    assert (heat.diff().iloc[1:] > 0).all().all()


def test_reproducible_with_seed(fitted):
    sim, chain = fitted
    again = PromiseChain(scale=(1, 7), n_boot=15, random_state=2, progress=False).fit(
        sim.data, **ROLES, weights="weight")
    assert again.summary.equals(chain.summary)


def test_bad_settings():
    sim = simulate_expectation_panel(200, waves=4, random_state=1)
    with pytest.raises(InputError, match="horizon"):
        PromiseChain(horizon=0, scale=(1, 7)).fit(sim.data, **ROLES)
    with pytest.raises(InputError, match="promise_grid"):
        PromiseChain(promise_grid=[3], scale=(1, 7), n_boot=0).fit(sim.data, **ROLES)
    with pytest.raises(InputError, match="column name"):
        PromiseChain(scale=(1, 7), n_boot=0).fit(sim.data, **ROLES,
                                                 weights=np.ones(len(sim.data)))
