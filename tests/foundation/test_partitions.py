"""Poisson bootstrap weights keyed by row content (expectlab._partitions).

The vectorised ``poisson_weights`` must give every weight the per-replicate
``scipy.stats.poisson.ppf`` loop gave (issue 14); the loop is kept here as the reference.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special
from scipy.stats import poisson

from expectlab._partitions import _poisson_quantiles, poisson_weights, splitmix64


def reference_poisson_weights(keys: np.ndarray, mult: np.ndarray, seed: int,
                              n_boot: int) -> np.ndarray:
    """The implementation before issue 14: one ``poisson.ppf`` call per replicate."""
    out = np.empty((n_boot, len(keys)))
    seed_mix = splitmix64(np.array([seed], dtype=np.uint64))[0]
    for b in range(n_boot):
        with np.errstate(over="ignore"):
            rep = splitmix64(np.array([seed_mix ^ np.uint64(b)], dtype=np.uint64))[0]
        bits = splitmix64(keys ^ rep)
        u = ((bits >> np.uint64(11)).astype(np.float64) + 0.5) / float(1 << 53)
        out[b] = poisson.ppf(u, mult)
    return out


@pytest.mark.parametrize(("seed", "n_rows", "n_boot"), [
    (0, 1, 50), (5, 7, 400), (123, 300, 60), (2**40 + 3, 2000, 25), (99, 0, 10)])
def test_equal_to_the_per_replicate_loop(seed: int, n_rows: int, n_boot: int) -> None:
    rng = np.random.default_rng(seed % 2**32)
    keys = rng.integers(0, 2**63, n_rows, dtype=np.int64).astype(np.uint64) * np.uint64(2)
    # multiplicities as partitions hold them: mostly 1, some duplicates, a few large
    mult = rng.choice([1.0, 1.0, 1.0, 2.0, 3.0, 7.0, 40.0, 1500.0], size=n_rows)
    new = poisson_weights(keys, mult, seed, n_boot)
    old = reference_poisson_weights(keys, mult, seed, n_boot)
    assert new.shape == old.shape == (n_boot, n_rows)
    assert new.dtype == old.dtype == np.float64
    np.testing.assert_array_equal(new, old)


def test_a_partition_gives_the_weights_of_the_whole() -> None:
    rng = np.random.default_rng(3)
    keys = rng.integers(0, 2**62, 500).astype(np.uint64)
    mult = rng.integers(1, 6, 500).astype(float)
    whole = poisson_weights(keys, mult, 11, 40)
    part = poisson_weights(keys[100:250], mult[100:250], 11, 40)
    np.testing.assert_array_equal(part, whole[:, 100:250])
    assert 0.9 < whole.mean() / mult.mean() < 1.1  # Poisson(mult): mean mult


def test_blocks_of_replicates_do_not_change_weights() -> None:
    # 5,000 rows: blocks of 209 replicates, so 2,000 replicates span three blocks
    rng = np.random.default_rng(8)
    keys = rng.integers(0, 2**62, 5000).astype(np.uint64)
    mult = np.ones(5000)
    w = poisson_weights(keys, mult, 4, 2000)
    cols = [0, 2500, 4999]
    np.testing.assert_array_equal(
        w[:, cols], reference_poisson_weights(keys[cols], mult[cols], 4, 2000))


@pytest.mark.parametrize("mu", [1.0, 2.0, 3.0, 0.37, 12.5, 40.0, 1500.0])
def test_quantiles_equal_scipy_at_the_step_edges(mu: float) -> None:
    # the uniforms where a table search and SciPy's root finder could part: exactly on,
    # one float either side of, and just above every CDF step, and the far tails
    cdf = special.pdtr(np.arange(int(mu + 30 * np.sqrt(mu) + 40)), mu)
    cdf = cdf[(cdf > 0) & (cdf < 1)]
    u = np.concatenate([
        cdf, np.nextafter(cdf, 0), np.nextafter(cdf, 1), cdf * (1 + 1e-9), cdf * (1 + 1e-7),
        cdf * (1 - 1e-9), [0.5 / 2**53, 1e-300, 1e-12, 0.5, 1 - 1e-12, 1 - 2**-53],
        np.random.default_rng(1).random(20000)])
    u = u[(u > 0) & (u < 1)]
    got = _poisson_quantiles(u[:, None], np.array([mu]))[:, 0]
    np.testing.assert_array_equal(got, poisson.ppf(u, mu))


def test_quantiles_of_unusual_means_come_from_scipy() -> None:
    u = np.array([[0.1, 0.5, 0.9, 0.3]])
    mu = np.array([0.0, np.nan, -1.0, 2e6])
    np.testing.assert_array_equal(_poisson_quantiles(u, mu), poisson.ppf(u, mu))
