"""Recovery of known paths from simulated surveys, and bootstrap interval coverage."""

from __future__ import annotations

import time

import numpy as np
import pytest

from expectlab.csi import PLSPathModel, SatisfactionIndex
from expectlab.simulate.csi import simulate_csi

from .conftest import SMALL_MEASUREMENT, SMALL_PATHS, small_design


def test_composite_truth_is_the_pls_estimand():
    sim = simulate_csi(50, discrete=False, random_state=0)
    np.testing.assert_allclose(sim.truth.pls_paths, sim.truth.paths, atol=1e-8)
    assert sim.truth.r2["SAT"] == pytest.approx(
        sim.truth.construct_correlations.loc["SAT", ["IMAG", "EXPE", "QUAL", "VAL"]]
        @ np.array([0.2, 0.0, 0.45, 0.2]))


def test_factor_model_shows_the_pls_attenuation():
    sim = simulate_csi(50, kind="factor", discrete=False, random_state=0)
    # measurement error attenuates PLS (Mode A) paths between multi-item constructs
    assert sim.truth.pls_paths["IMAG -> EXPE"] < sim.truth.paths["IMAG -> EXPE"] - 0.03
    assert sim.truth.loadings["PERQ1"] == 0.8


def test_paths_and_loadings_recovered_at_n2000():
    sim = simulate_csi(2000, discrete=False, random_state=21)
    model = SatisfactionIndex("ECSI", n_boot=100, random_state=3).fit(sim.data)
    est = model.summary["estimate"]
    truth = sim.truth.paths[est.index]
    z = (est - truth) / model.summary["se"]
    assert np.abs(z).max() < 3.5, z.round(2).to_dict()
    assert np.abs(est - truth).max() < 0.07
    # the true zero EXPE -> SAT is not significant, strong paths are
    assert model.summary.loc["EXPE -> SAT", "p"] > 0.01
    assert model.summary.loc["QUAL -> SAT", "p"] < 1e-6
    loadings = model.outer_summary_["loading"]
    assert np.abs(loadings - sim.truth.loadings[loadings.index]).max() < 0.04
    assert np.abs(model.r2_["r2"] - sim.truth.r2[model.r2_.index]).max() < 0.05


def test_discrete_answers_still_close():
    sim = simulate_csi(2000, random_state=8)
    model = SatisfactionIndex("ECSI").fit(sim.data)
    est = model.summary["estimate"]
    assert np.abs(est - sim.truth.paths[est.index]).max() < 0.08


def test_simulator_missing_and_reproducible():
    a = simulate_csi(300, missing_rate=0.02, random_state=4)
    b = simulate_csi(300, missing_rate=0.02, random_state=4)
    assert a.data.equals(b.data)
    share = a.data.drop(columns="respondent_id").isna().to_numpy().mean()
    assert 0.01 < share < 0.03
    model = SatisfactionIndex("ECSI").fit(a.data)
    assert model.n_obs_ + len(model.excluded_) == 300
    assert len(model.excluded_) > 100  # 24 items: about 38% of rows miss one


@pytest.mark.slow
def test_percentile_interval_coverage():
    """95% percentile intervals cover the true paths about 95% of the time
    (100 simulated surveys of 200 respondents, 200 bootstrap replicates each)."""
    start = time.perf_counter()
    hits = []
    for rep in range(100):
        sim = small_design(200, 1000 + rep, discrete=False)
        model = PLSPathModel(SMALL_MEASUREMENT, list(SMALL_PATHS), n_boot=200,
                             random_state=rep).fit(sim.data)
        s = model.summary
        truth = sim.truth.paths[s.index]
        hits.append(((s["lower"] <= truth) & (truth <= s["upper"])).to_numpy())
    coverage = np.mean(hits)
    per_path = np.mean(hits, axis=0)
    assert 0.88 <= coverage <= 0.99, coverage
    assert (per_path >= 0.85).all(), per_path
    assert time.perf_counter() - start < 120
