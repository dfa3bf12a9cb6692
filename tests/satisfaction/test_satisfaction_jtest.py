"""Both directions of the J test of the ratio formula and the four-outcome verdict."""

import numpy as np
import pandas as pd
import pytest

from expectlab import SatisfactionRegression
from expectlab.simulate.satisfaction import simulate_satisfaction

from .conftest import BASE, COLS

OUTCOMES = {(True, False): "ratio inadequate", (False, True): "ratio preferred",
            (True, True): "neither adequate", (False, False): "indistinguishable"}


def _ratio_verdict(data, **kw):
    model = SatisfactionRegression(models=["ratio"], n_boot=0, **BASE, **kw).fit(data, **COLS)
    return model, model.verdict("ratio")


def _latent(truth, n, seed):
    return simulate_satisfaction(n=n, truth=truth, n_items=0, random_state=seed).truth.latent


def _hand_data(kind, n, seed):
    """E, P on 1-7 and S from a hand-written truth plus N(0, 1) noise."""
    rng = np.random.default_rng(seed)
    e = rng.uniform(1.5, 7, n)
    p = np.clip(e + rng.normal(0, 1.3, n), 1, 7)
    x, y = p - 4, e - 4
    signal = {"both": 0.4 + 4 * p / e + 0.25 * x * x - 0.2 * x * y,
              "noise": np.zeros(n)}[kind]
    return pd.DataFrame({"satisfaction": signal + rng.normal(0, 1, n), "expectation": e,
                         "experience": p})


def test_ratio_truth_ratio_preferred_at_large_n():
    _, verdict = _ratio_verdict(_latent("ratio", 3000, 8))
    assert verdict.adequate and verdict.p_value >= 0.05
    assert verdict.reverse_p_value < 0.001
    assert verdict.outcome == "ratio preferred"
    assert "ratio preferred" in str(verdict) and "reverse J test rejects" in str(verdict)


@pytest.mark.slow
def test_ratio_truth_rejection_rates():
    """Size of direction (1) near alpha, power of direction (2) near 1."""
    verdicts = [_ratio_verdict(_latent("ratio", 2000, seed))[1] for seed in range(40)]
    ratio_rejected = np.mean([v.p_value < 0.05 for v in verdicts])
    full_rejected = np.mean([v.reverse_p_value < 0.05 for v in verdicts])
    assert ratio_rejected <= 0.15, ratio_rejected
    assert full_rejected >= 0.95, full_rejected


def test_curved_quadratic_truth_rejects_ratio():
    sim = simulate_satisfaction(n=3000, truth="quadratic", n_items=0, random_state=21)
    assert sim.truth.b[3] != 0 and sim.truth.b[5] != 0  # curvature in P and E
    _, verdict = _ratio_verdict(sim.truth.latent)
    assert not verdict.adequate and verdict.p_value < 0.001
    assert verdict.reverse_p_value >= 0.05
    assert verdict.outcome == "ratio inadequate"
    assert "ratio inadequate" in str(verdict) and "does not reject the full" in str(verdict)


def test_quadratic_truth_rejection_rates():
    verdicts = [_ratio_verdict(_latent("quadratic", 1000, seed))[1] for seed in range(20)]
    assert np.mean([v.p_value < 0.05 for v in verdicts]) == 1.0
    assert np.mean([v.reverse_p_value < 0.05 for v in verdicts]) <= 0.2


def test_mixed_truth_neither_adequate():
    _, verdict = _ratio_verdict(_hand_data("both", 3000, 0))
    assert verdict.p_value < 0.001 and verdict.reverse_p_value < 0.001
    assert verdict.outcome == "neither adequate" and not verdict.adequate
    assert "neither adequate" in str(verdict)


def test_pure_noise_indistinguishable():
    _, verdict = _ratio_verdict(_hand_data("noise", 400, 0))
    assert verdict.p_value >= 0.05 and verdict.reverse_p_value >= 0.05
    assert verdict.outcome == "indistinguishable" and verdict.adequate
    assert "cannot tell the two models apart" in str(verdict)


def test_outcome_follows_both_p_values():
    """Across data sets and alpha levels (together hitting all four outcomes) the outcome is
    the combination of the two rejections at alpha."""
    datasets = [_hand_data("noise", 400, 1), _latent("ratio", 1000, 1),
                _latent("quadratic", 1000, 0)]
    seen = set()
    for data in datasets:
        for alpha in (0.001, 0.01, 0.05, 0.1, 0.3):
            _, verdict = _ratio_verdict(data, alpha=alpha)
            rejected = (verdict.p_value < alpha, verdict.reverse_p_value < alpha)
            assert verdict.outcome == OUTCOMES[rejected], (alpha, verdict)
            assert verdict.adequate == (not rejected[0])
            seen.add(verdict.outcome)
    assert seen == set(OUTCOMES.values())


def test_other_models_have_no_reverse_test():
    model, _ = _ratio_verdict(_latent("ratio", 500, 2))
    verdict = model.verdict("full")
    assert verdict.outcome is None
    assert np.isnan(verdict.reverse_statistic) and np.isnan(verdict.reverse_p_value)
