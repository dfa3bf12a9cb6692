"""Bootstrap of a PLS path model: vectorised replicates and their intervals.

Each replicate is a row of multinomial counts over respondents (times the survey weights,
:func:`expectlab._resample.bootstrap_weights`); its item correlation matrix is one
weighted cross-product, and the PLS iterations of a whole chunk of replicates run at once
in :func:`~expectlab.csi.algorithm.pls_core`. Chunks have a fixed size and each chunk
draws from its own seed, derived from ``random_state`` in chunk order, so the replicates
are the same for any ``n_jobs``.

References
----------
Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall
(percentile and BCa intervals, chapter 14).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from .._resample import (
    bootstrap_weights,
    check_random_state,
    parallel_map,
    progress,
    single_thread,
)
from .algorithm import (
    Layout,
    jackknife_correlations,
    pls_core,
    total_effects,
    weighted_correlations,
)

__all__ = ["Replicates", "run_bootstrap", "run_jackknife", "interval_table",
           "replicate_effects"]


@dataclass
class Replicates:
    """Replicate statistics, stacked along the first axis.

    ``theta`` has one column per statistic (the ``extract`` callable of
    :func:`run_bootstrap` defines them); ``converged`` marks replicates whose iterations
    converged to finite values.
    """

    theta: np.ndarray
    converged: np.ndarray


def _chunk_body(args: tuple) -> tuple[np.ndarray, np.ndarray]:
    x, base, layout, scheme, max_iter, tol, seed, size, extract, augment = args
    w = bootstrap_weights(x.shape[0], size, np.random.default_rng(seed), base_weights=base)
    cor, means, sds = weighted_correlations(x, w, moments=True)
    res = pls_core(cor, layout, scheme=scheme, max_iter=max_iter, tol=tol)
    if augment is not None:
        res = augment(res, x, w, means, sds)
    return extract(res, means, sds), res.converged


def _chunk(args: tuple) -> tuple[np.ndarray, np.ndarray]:
    # One thread in every native pool (no n_rows: never lifted for large data): a
    # multi-threaded matrix product may sum in another order, and the replicates must be
    # identical in the main process and in workers.
    with single_thread():
        return _chunk_body(args)


def run_bootstrap(x: np.ndarray, base_weights: np.ndarray, layout: Layout, *, scheme: str,
                  max_iter: int, tol: float, n_boot: int, random_state: Any,
                  extract: Any, n_jobs: int | None = 1, show_progress: bool = False,
                  augment: Any = None) -> Replicates:
    """Bootstrap replicates of the statistics ``extract(core_result, means, sds)``.

    Parameters
    ----------
    x : ndarray, shape (n, p)
        Standardised items of the respondents used.
    base_weights : ndarray, shape (n,)
        Survey weights (ones when unweighted).
    extract : callable
        ``(CoreResult, item means (B, p), item sds (B, p)) -> (B, m)`` statistics.
    augment : callable, optional
        ``(CoreResult, x, replicate weights (B, n), means, sds) -> CoreResult``: a second
        estimation stage on each replicate (the interaction terms of a moderated model).
    """
    n = x.shape[0]
    rng = check_random_state(random_state)
    # Fixed chunk size (depends on n only), one seed per chunk: same draws for any n_jobs.
    size = int(max(1, min(100, 4_000_000 // max(n * x.shape[1], 1))))
    sizes = [min(size, n_boot - start) for start in range(0, n_boot, size)]
    seeds = rng.integers(0, 2**63 - 1, size=len(sizes))
    jobs = [(x, base_weights, layout, scheme, max_iter, tol, int(seed), m, extract, augment)
            for seed, m in zip(seeds, sizes, strict=True)]
    if n_jobs in (None, 1):
        # one thread limit around the whole loop (setting it per chunk costs more than
        # a chunk's arithmetic on small surveys)
        with single_thread():
            parts = [_chunk_body(job) for job in progress(
                jobs, enabled=show_progress, total=len(jobs), desc="PLS bootstrap")]
    else:
        parts = parallel_map(_chunk, jobs, n_jobs=n_jobs)
    theta = np.concatenate([p[0] for p in parts])
    converged = np.concatenate([p[1] for p in parts])
    return Replicates(theta=theta, converged=converged)


def run_jackknife(x: np.ndarray, base_weights: np.ndarray, layout: Layout, *, scheme: str,
                  max_iter: int, tol: float, extract: Any, augment: Any = None
                  ) -> np.ndarray:
    """Leave-one-out statistics, shape (n, m), for the BCa acceleration (NaN where a
    leave-one-out fit failed). ``augment`` as in :func:`run_bootstrap`."""
    n, p = x.shape
    step = int(max(1, min(500, 4_000_000 // max(p * p, 1))))
    if augment is not None:  # stage 2 needs the (rows, n) weight matrix itself
        step = int(max(1, min(step, 2_000_000 // max(n, 1))))
    w = np.asarray(base_weights, dtype=float)
    out = []
    for start in range(0, n, step):
        rows = np.arange(start, min(n, start + step))
        cor, means, sds = jackknife_correlations(x, w, rows=rows, moments=True)
        res = pls_core(cor, layout, scheme=scheme, max_iter=max_iter, tol=tol)
        if augment is not None:
            wj = np.tile(w, (len(rows), 1))
            wj[np.arange(len(rows)), rows] = 0.0
            res = augment(res, x, wj, means, sds)
        theta = extract(res, means, sds)
        theta[~res.converged] = np.nan
        out.append(theta)
    return np.concatenate(out)


def interval_table(estimate: np.ndarray, reps: np.ndarray, *, alpha: float, method: str,
                   jack: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Bootstrap standard errors, intervals, t statistics and p-values.

    Parameters
    ----------
    estimate : ndarray, shape (m,)
        Estimates on the original sample.
    reps : ndarray, shape (B, m)
        Replicates (rows of failed replicates already removed).
    alpha : float
        One minus the confidence level.
    method : {"percentile", "bca"}
        Interval type.
    jack : ndarray, shape (n, m), optional
        Leave-one-out estimates (required for ``"bca"``).

    Returns
    -------
    dict
        ``se`` (standard deviation of the replicates), ``lower``, ``upper``,
        ``statistic`` (estimate / se, the usual PLS "t value") and ``p`` (two-sided, from
        Student's t with B - 1 degrees of freedom).
    """
    n_rep = reps.shape[0]
    with np.errstate(all="ignore"):
        se = reps.std(axis=0, ddof=1) if n_rep > 1 else np.full(estimate.shape, np.nan)
        lo_q = np.full(estimate.shape, alpha / 2)
        hi_q = np.full(estimate.shape, 1 - alpha / 2)
        if method == "bca":
            if jack is None:  # a caller's bug, not the user's input
                raise ValueError("method='bca' needs the leave-one-out estimates (jack)")
            below = (reps < estimate).mean(axis=0) + 0.5 * (reps == estimate).mean(axis=0)
            z0 = stats.norm.ppf(np.clip(below, 1 / (2 * n_rep), 1 - 1 / (2 * n_rep)))
            jm = np.nanmean(jack, axis=0)
            d = jm - jack
            num = np.nansum(d**3, axis=0)
            den = 6 * np.nansum(d**2, axis=0) ** 1.5
            acc = np.where(den > 0, num / den, 0.0)
            for q in (lo_q, hi_q):
                z = stats.norm.ppf(q)
                q[:] = stats.norm.cdf(z0 + (z0 + z) / (1 - acc * (z0 + z)))
        lower = np.array([np.quantile(reps[:, k], lo_q[k]) if np.isfinite(lo_q[k]) else np.nan
                          for k in range(reps.shape[1])]) if n_rep else np.full(
            estimate.shape, np.nan)
        upper = np.array([np.quantile(reps[:, k], hi_q[k]) if np.isfinite(hi_q[k]) else np.nan
                          for k in range(reps.shape[1])]) if n_rep else np.full(
            estimate.shape, np.nan)
        degenerate = ~(se > 0)
        statistic = np.where(degenerate, np.nan, estimate / se)
        p = np.where(degenerate, np.nan, 2 * stats.t.sf(np.abs(statistic), df=max(n_rep - 1,
                                                                                   1)))
    # A statistic fixed by construction (a single item's weight) has no sampling spread.
    lower = np.where(degenerate & np.isfinite(estimate), estimate, lower)
    upper = np.where(degenerate & np.isfinite(estimate), estimate, upper)
    return {"se": se, "lower": lower, "upper": upper, "statistic": statistic, "p": p}


def replicate_effects(paths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Total and indirect effects of stacked path matrices."""
    total = total_effects(paths)
    return total, total - paths
