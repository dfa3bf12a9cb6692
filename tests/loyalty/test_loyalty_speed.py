"""The fast paths of LoyaltyModel's intervals agree with the slow ones; progress steps."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import expectlab._resample as resample
from expectlab import FragileResultWarning, LoyaltyModel
from expectlab._resample import bootstrap_weights
from expectlab.loyalty._design import design_matrix, prepare
from expectlab.loyalty.importance import (
    one_step_subset_fits,
    permutation_importance,
    shapley_from_fits,
    subset_coefficients,
    subset_fits,
)
from expectlab.simulate.loyalty import simulate_loyalty

DRIVERS = ["satisfaction", "trust", "switching_costs", "segment"]


def _design(n, seed=3):
    data = simulate_loyalty(n, random_state=seed, nps=False).data
    used, _, spec, _ = prepare(data, outcome="stayed", drivers=DRIVERS, weights=None,
                               interactions=None, missing_codes=None,
                               categorical=["segment"], scale=None, study=None)
    return used, design_matrix(used, spec), used["stayed"].to_numpy(float), spec


def test_one_step_dominance_replicates_agree_with_refits():
    _, X, y, spec = _design(3000)
    w = np.ones(len(y))
    W = bootstrap_weights(len(y), 150, 1, base_weights=w)
    k = len(spec.groups)
    refit = shapley_from_fits(subset_fits(X, y, W, spec.groups, "logit"), k)
    starts = subset_coefficients(X, y, w, spec.groups)
    fast = shapley_from_fits(one_step_subset_fits(X, y, w, W, spec.groups, starts), k)
    spread = refit.std(axis=0)
    # replicate by replicate (same resampling weights) within a tenth of the spread
    assert np.all(np.abs(fast - refit).max(axis=0) < 0.1 * spread)
    for q in (2.5, 97.5):
        np.testing.assert_allclose(np.percentile(fast, q, axis=0),
                                   np.percentile(refit, q, axis=0), atol=0.02 * spread.max())


def test_design_permutation_equals_frame_permutation():
    used, X, y, spec = _design(800)
    beta = np.linspace(-0.3, 0.4, X.shape[1] + 1)

    def by_frame(f, frame):
        Z = design_matrix(frame, spec)
        return 1 / (1 + np.exp(-(beta[0] + Z @ beta[1:])))

    frame_based = permutation_importance([(used, y, np.ones(len(y)))], by_frame,
                                         spec.drivers, n_repeats=3, n_boot=50,
                                         random_state=7)
    from expectlab.loyalty.importance import _permutation_table, permutation_predictions

    rng = np.random.default_rng(7)
    base, permuted = permutation_predictions(
        X, lambda Z: 1 / (1 + np.exp(-(beta[0] + Z @ beta[1:]))), spec.groups,
        spec.interactions, spec.drivers, 3, rng)
    design_based, _ = _permutation_table([(y, base, permuted)], [np.ones(len(y))],
                                         spec.drivers, n_boot=50, alpha=0.05, rng=rng)
    pd.testing.assert_frame_equal(frame_based, design_based, rtol=1e-10)


def test_progress_advances_step_by_step(monkeypatch):
    seen = {}

    class Bar:
        def __init__(self, total, desc):
            self.total, self.n = total, 0
            seen[desc] = self

        def update(self, k=1):
            self.n += k

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            pass

    monkeypatch.setattr(resample, "progress_bar",
                        lambda total, enabled=True, desc=None: Bar(total, desc))
    data = simulate_loyalty(400, random_state=2, nps=False).data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        LoyaltyModel(n_boot=30, random_state=1, progress=True).fit(
            data, outcome="stayed", drivers=DRIVERS, categorical=["segment"])
    dom = seen["dominance bootstrap"]
    assert dom.total == 16 and dom.n == 16  # one step per subset model (2^4), not 0/1 -> 1/1
    assert seen["metric bootstrap"].n == seen["permutation bootstrap"].n == 30


def test_progress_is_quiet_off_a_terminal_unless_asked(capsys):
    list(resample.progress(range(3), enabled=None, total=3, desc="x"))
    assert capsys.readouterr().err == ""  # pytest's stderr is not a terminal
    list(resample.progress(range(3), enabled=True, total=3, desc="shown"))
    assert "shown" in capsys.readouterr().err


@pytest.mark.parametrize("n_jobs", [None, 2])
def test_cv_results_do_not_depend_on_where_folds_run(n_jobs):
    data = simulate_loyalty(500, random_state=4, nps=False).data
    kw = dict(outcome="stayed", drivers=DRIVERS, categorical=["segment"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        a = LoyaltyModel(n_boot=20, random_state=3, progress=False, n_jobs=1).fit(data, **kw)
        b = LoyaltyModel(n_boot=20, random_state=3, progress=False, n_jobs=n_jobs).fit(data,
                                                                                       **kw)
    pd.testing.assert_frame_equal(a.importance_, b.importance_)
    pd.testing.assert_frame_equal(a.metrics_, b.metrics_)
