"""Kano counts, satisfaction cross-products and loyalty CV on Dask: equal to in memory.

Runs on the ``distributed.LocalCluster`` shared with the repeat-buying tests (threads, one
process; ``_engines.py``). Nothing is skipped: without Dask the module fails with the
command that installs it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from _engines import client_fixture, require_dask, start_spark_early_fixture

from expectlab import FragileResultWarning, InputError, KanoAnalysis, SatisfactionRegression
from expectlab._partitions import poisson_weights
from expectlab.simulate.kano import simulate_kano_panel
from expectlab.simulate.satisfaction import simulate_satisfaction

dd = require_dask()
client = client_fixture()
start_spark_early = start_spark_early_fixture()

KANO_COLS = dict(respondent="respondent", attribute="attribute", functional="functional",
                 dysfunctional="dysfunctional", wave="wave", importance="imp", weights="w")
SAT_COLS = dict(satisfaction="satisfaction", expectation="expectation",
                experience="experience", controls=["age"], weights="w")


@pytest.fixture(scope="module")
def kano_long() -> pd.DataFrame:
    """Two waves, two attributes, importance and weights, a missing answer and weight."""
    sim = simulate_kano_panel(250, 2, {"App": "life cycle", "Hotline": "no drift"},
                              random_state=2)
    data = sim.data.copy()
    rng = np.random.default_rng(1)
    data["imp"] = rng.integers(1, 6, len(data)).astype(float)
    data.loc[5, "imp"] = np.nan
    data["w"] = rng.choice([0.5, 1.0, 2.0], len(data))
    data.loc[3, "functional"] = np.nan
    data.loc[8, "w"] = np.nan
    return data


@pytest.fixture(scope="module")
def satisfaction_data() -> pd.DataFrame:
    data = simulate_satisfaction(n=500, truth="quadratic", random_state=11).data.copy()
    rng = np.random.default_rng(5)
    data["age"] = np.round(rng.normal(40, 10, len(data)))
    data["w"] = rng.choice([0.5, 1.0, 2.0], len(data))
    data.loc[3, "satisfaction"] = np.nan
    data.loc[7, "w"] = 0.0
    return data


def _kano(data, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        return KanoAnalysis(n_boot=150, random_state=3, progress=False).fit(data, **kw)


def test_kano_on_dask_equals_in_memory_for_any_partitioning(client, kano_long):
    memory = _kano(kano_long, **KANO_COLS)
    for parts in (1, 4):
        on_dask = _kano(dd.from_pandas(kano_long, npartitions=parts), **KANO_COLS)
        # counts, categories, Better/Worse, intervals and modal probabilities: identical
        pd.testing.assert_frame_equal(memory.summary, on_dask.summary, rtol=1e-12)
        assert on_dask.n_obs_ == memory.n_obs_ == len(kano_long) - 2
        assert on_dask.n_respondents_ == memory.n_respondents_
        assert sorted(on_dask.excluded_["reason"]) == sorted(memory.excluded_["reason"])
    assert memory.summary.loc[("App", 1), "n"] == 249  # one missing answer, one weight


def test_kano_on_dask_refuses_repeated_pairs(client, kano_long):
    doubled = pd.concat([kano_long, kano_long.head(3)], ignore_index=True)
    with pytest.raises(InputError, match="3 rows repeat a respondent x attribute x wave"):
        _kano(dd.from_pandas(doubled, npartitions=2), **KANO_COLS)


def _sat(data, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        return SatisfactionRegression(**{"scale": (1, 7), "progress": False, **params}).fit(
            data, **SAT_COLS)


@pytest.mark.parametrize("cov_type", ["HC3", "nonrobust"])
def test_satisfaction_on_dask_equals_in_memory(client, satisfaction_data, cov_type):
    memory = _sat(satisfaction_data, n_boot=0, cov_type=cov_type)
    on_dask = _sat(dd.from_pandas(satisfaction_data, npartitions=3), n_boot=0,
                   cov_type=cov_type)
    pd.testing.assert_frame_equal(memory.summary, on_dask.summary, rtol=1e-9, atol=1e-12)
    pd.testing.assert_frame_equal(memory.comparison_, on_dask.comparison_, rtol=1e-9,
                                  atol=1e-12)
    assert on_dask.n_obs_ == 498
    assert on_dask.excluded_["reason"].tolist() == ["missing satisfaction", "zero weight 'w'"]
    assert on_dask.verdict("difference").p_value == pytest.approx(
        memory.verdict("difference").p_value, rel=1e-9)
    with pytest.raises(InputError, match="does not keep"):
        on_dask.zones()


def test_satisfaction_poisson_bootstrap_does_not_depend_on_partitions(client,
                                                                     satisfaction_data):
    three = _sat(dd.from_pandas(satisfaction_data, npartitions=3), n_boot=100,
                 random_state=4)
    five = _sat(dd.from_pandas(satisfaction_data.sample(frac=1.0, random_state=1),
                               npartitions=5), n_boot=100, random_state=4)
    np.testing.assert_allclose(three.boot_params("full"), five.boot_params("full"),
                               rtol=1e-10, atol=1e-12)
    # the Poisson bootstrap approximates the in-memory multinomial one: standard errors
    # agree within Monte Carlo error (100 replicates: about 7% relative)
    memory = _sat(satisfaction_data, n_boot=400, random_state=4)
    ratio = three.boot_params("full").std(axis=0) / memory.boot_params("full").std(axis=0)
    assert np.all((ratio > 0.75) & (ratio < 1.3)), ratio


def test_poisson_weights_are_keyed_by_row_not_position():
    keys = np.array([11, 22, 33], dtype=np.uint64)
    w = poisson_weights(keys, np.array([1.0, 1.0, 3.0]), seed=5, n_boot=4000)
    # replicate b of a row depends only on (seed, b, key): rows in another order (another
    # partition layout) and fewer replicates give the same counts
    swapped = poisson_weights(keys[::-1].copy(), np.array([3.0, 1.0, 1.0]), seed=5,
                              n_boot=500)
    np.testing.assert_array_equal(w[:500], swapped[:, ::-1])
    assert w.mean(axis=0) == pytest.approx([1, 1, 3], abs=0.1)
    assert w.var(axis=0) == pytest.approx([1, 1, 3], rel=0.1)  # Poisson: variance = mean


def test_loyalty_cv_and_permutation_run_on_the_dask_cluster(client):
    import joblib
    from distributed import get_task_stream

    from expectlab import LoyaltyModel
    from expectlab.simulate.loyalty import simulate_loyalty

    data = simulate_loyalty(600, random_state=1, nps=False).data
    kw = dict(outcome="stayed", drivers=["satisfaction", "trust", "segment"],
              categorical=["segment"])
    params = dict(n_boot=20, random_state=2, progress=False, max_dominance_drivers=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        local = LoyaltyModel(**params).fit(data, **kw)
        with get_task_stream(client) as stream, joblib.parallel_backend("dask"):
            remote = LoyaltyModel(**params).fit(data, **kw)
    # the folds and their permutation predictions were scheduled on the cluster (joblib
    # batches them into a few tasks)
    assert len(stream.data) >= 2
    pd.testing.assert_frame_equal(local.metrics_, remote.metrics_)
    pd.testing.assert_frame_equal(local.importance_[["permutation", "permutation_lower"]],
                                  remote.importance_[["permutation", "permutation_lower"]])
