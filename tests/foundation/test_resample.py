"""The shared bootstrap weights: the equal-probability multinomial, clusters, survey weights."""

import numpy as np
import pytest
from scipy import stats

from expectlab import InputError
from expectlab._resample import bootstrap_weights, iter_bootstrap_weights, percentile_interval


def _binomial_fit_p(counts, n, p):
    # chi-square goodness of fit of observed counts against Binomial(n, p), tail pooled
    k_max = 5
    observed = np.bincount(np.minimum(counts.astype(int), k_max), minlength=k_max + 1)
    probs = stats.binom.pmf(np.arange(k_max), n, p)
    probs = np.append(probs, 1 - probs.sum())
    return stats.chisquare(observed, probs * len(counts)).pvalue


def test_counts_follow_the_equal_probability_multinomial():
    n, reps = 40, 20_000
    w = bootstrap_weights(n, reps, 5)
    assert np.all(w.sum(axis=1) == n)
    # margins of Multinomial(n, 1/n) are Binomial(n, 1/n); the sum of two units is
    # Binomial(n, 2/n), which checks their dependence too
    assert _binomial_fit_p(w[:, 0], n, 1 / n) > 0.001
    assert _binomial_fit_p(w[:, 0] + w[:, 1], n, 2 / n) > 0.001
    assert w[:, 0].var() == pytest.approx(1 - 1 / n, rel=0.03)
    # a sampler that ignored the fixed total would fail the pair check
    wrong = np.random.default_rng(5).poisson(1.0, size=(reps, 2))
    assert _binomial_fit_p(wrong[:, 0] + wrong[:, 1], n, 2 / n) < 0.001


def test_clusters_are_resampled_whole_and_weights_multiply():
    clusters = np.repeat(np.array(["a", "b", "c", "d", "e"]), 4)
    base = np.linspace(0.5, 2.0, 20)
    w = bootstrap_weights(20, 50, 3, clusters=clusters, base_weights=base)
    counts = w / base
    for c in np.unique(clusters):
        block = counts[:, clusters == c]
        assert np.allclose(block, block[:, :1])
    assert np.allclose(counts.sum(axis=1), 20)


def test_reproducible_and_chunked():
    a = bootstrap_weights(30, 10, 9)
    assert np.array_equal(a, bootstrap_weights(30, 10, 9))
    assert not np.array_equal(a, bootstrap_weights(30, 10, 10))
    chunks = list(iter_bootstrap_weights(30, 25, 9, chunk_size=10))
    assert [c.shape[0] for c in chunks] == [10, 10, 5]


def test_errors_and_interval():
    with pytest.raises(InputError, match="n_boot"):
        bootstrap_weights(5, 0)
    with pytest.raises(InputError, match="alpha"):
        percentile_interval(np.arange(10.0), alpha=1.5)
    lo, hi = percentile_interval(np.append(np.arange(101.0), np.inf))
    assert (lo, hi) == (2.5, 97.5)
