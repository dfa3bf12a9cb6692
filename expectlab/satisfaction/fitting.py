"""Weighted least squares with classical, HC and cluster-robust covariances, and the
vectorised bootstrap on weighted cross-products.

The bootstrap never refits in a Python loop: replicate ``b`` gives row ``i`` a resampling
count ``c[b, i]`` (times its survey weight), and every replicate's cross-product matrix
``sum_i c[b, i] z_i z_i'`` comes out of one matrix product of the count matrix with the
row-wise outer products. Respondents with identical rows (answers on a scale repeat) share
one outer product: their counts are summed first, so the product runs over the distinct
rows only (see :func:`bootstrap_crossproducts`). Any linearly constrained model is then
solved from those matrices with a batched linear solve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._errors import InputError
from .._resample import (
    bootstrap_weights,
    check_random_state,
    equal_multinomial_by_group,
    parallel_map,
    progress,
    single_thread,
)

__all__ = [
    "COV_TYPES",
    "LinearFit",
    "bootstrap_crossproducts",
    "solve_from_crossproducts",
    "wls_fit",
]

COV_TYPES = ("nonrobust", "HC0", "HC1", "HC3", "cluster")
_CHUNK = 100  # replicates per chunk; fixed so results do not depend on n_jobs
# Rows are grouped into distinct rows for the bootstrap when there are at most this share
# as many distinct rows as rows (answers on a scale repeat; continuous data do not).
_DISTINCT_SHARE = 0.5


@dataclass
class LinearFit:
    """Result of one weighted least-squares fit (statsmodels WLS conventions)."""

    params: np.ndarray
    cov: np.ndarray
    ssr: float  # weighted residual sum of squares
    centered_tss: float
    nobs: int
    k: int
    llf: float
    df_inference: float  # residual df for t and F reference distributions
    fitted: np.ndarray | None  # None from cross-products (a Dask / Spark fit keeps no rows)

    @property
    def df_resid(self) -> float:
        return self.nobs - self.k

    @property
    def r2(self) -> float:
        return 1.0 - self.ssr / self.centered_tss

    @property
    def adj_r2(self) -> float:
        return 1.0 - (self.nobs - 1) / self.df_resid * (1.0 - self.r2)

    @property
    def aic(self) -> float:
        return -2.0 * self.llf + 2.0 * self.k

    @property
    def bic(self) -> float:
        return -2.0 * self.llf + np.log(self.nobs) * self.k


def wls_fit(design: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None, *,
            cov_type: str = "HC3", clusters: np.ndarray | None = None) -> LinearFit:
    """Weighted least squares ``y ~ design`` with the chosen covariance.

    Point estimates, ``ssr``, ``llf`` and covariances follow statsmodels ``WLS`` (and
    ``OLS`` when ``weights`` is None) so results can be checked against it.
    """
    n, k = design.shape
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    sw = np.sqrt(w)
    wz = design * sw[:, None]
    wy = y * sw
    params, *_ = np.linalg.lstsq(wz, wy, rcond=None)
    wresid = wy - wz @ params
    ssr = float(wresid @ wresid)
    ybar = np.sum(w * y) / np.sum(w)
    centered_tss = float(np.sum(w * (y - ybar) ** 2))
    # Concentrated Gaussian log-likelihood of the whitened model, as statsmodels WLS.
    llf = (-n / 2.0 * np.log(ssr) - (1.0 + np.log(np.pi / (n / 2.0))) * n / 2.0
           + 0.5 * np.sum(np.log(w)))
    bread = np.linalg.pinv(wz.T @ wz)
    df_resid = n - k
    df_inference = float(df_resid)
    if cov_type == "nonrobust":
        cov = bread * (ssr / df_resid)
    elif cov_type in ("HC0", "HC1", "HC3"):
        u = wresid
        if cov_type == "HC3":
            leverage = np.einsum("ij,jk,ik->i", wz, bread, wz)
            u = wresid / (1.0 - leverage)
        meat = (wz * (u**2)[:, None]).T @ wz
        cov = bread @ meat @ bread
        if cov_type == "HC1":
            cov *= n / df_resid
    elif cov_type == "cluster":
        if clusters is None:
            raise InputError("cov_type='cluster' needs a cluster column: pass cluster=... to fit.")
        codes, index = np.unique(np.asarray(clusters), return_inverse=True)
        g = len(codes)
        if g < 2:
            raise InputError("Cluster-robust standard errors need at least 2 clusters; "
                             f"found {g}. Drop cluster= or use cov_type='HC3'.")
        scores = np.zeros((g, k))
        np.add.at(scores, index, wz * wresid[:, None])
        # Small-sample correction as statsmodels' default (G/(G-1)) (n-1)/(n-k).
        factor = g / (g - 1.0) * (n - 1.0) / df_resid
        cov = factor * bread @ (scores.T @ scores) @ bread
        df_inference = float(g - 1)
    else:
        raise InputError(f"cov_type must be one of {', '.join(COV_TYPES)}, got {cov_type!r}.")
    return LinearFit(params=params, cov=cov, ssr=ssr, centered_tss=centered_tss, nobs=n, k=k,
                     llf=float(llf), df_inference=df_inference, fitted=design @ params)


def _seed_sequences(random_state, n_chunks: int) -> list[np.random.SeedSequence]:
    if isinstance(random_state, np.random.Generator):
        entropy = int(random_state.integers(0, 2**63 - 1))
    else:
        check_random_state(random_state)  # validates the type
        entropy = random_state
    return np.random.SeedSequence(entropy).spawn(n_chunks)


def bootstrap_crossproducts(
    z: np.ndarray,
    weights: np.ndarray | None,
    n_boot: int,
    random_state=None,
    *,
    clusters: np.ndarray | None = None,
    n_jobs: int | None = None,
    show_progress: bool = True,
    distinct: bool | None = None,
) -> np.ndarray:
    """Weighted cross-product matrices of ``z`` for every bootstrap replicate.

    Parameters
    ----------
    z : array (n, m)
        All design columns and the outcome, side by side.
    weights : array (n,) or None
        Survey weights, multiplied into the resampling counts.
    n_boot : int
        Number of replicates.
    random_state : int, Generator or None
        Seed; chunk ``j`` uses the ``j``-th child seed, so results do not depend on
        ``n_jobs``.
    clusters : array (n,), optional
        Resample whole clusters instead of rows.
    distinct : bool, optional
        Sum the resampling counts (times the weights) of identical rows of ``z`` before
        the product with their outer products: the same draws and the same matrices up to the
        rounding of the sums (about 1e-15 relative), much faster when answers repeat. By
        default (None) done from 1,000 rows on when there are at most half as many
        distinct rows as rows; never with ``clusters``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_boot, m, m)``.
    """
    if not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise InputError(f"n_boot must be a positive integer, got {n_boot!r}.")
    n, m = z.shape
    w = None if weights is None else np.asarray(weights, dtype=float)
    groups = None
    if clusters is None and (distinct if distinct is not None else n >= 1000):
        # Respondents with the same scores have the same outer product: sum their
        # resampling counts (the same draws; times their weights) and multiply once per
        # distinct row.
        codes, first = distinct_rows(z)
        if distinct or len(first) <= _DISTINCT_SHARE * n:
            groups = codes
            z = z[first]
    # Only the upper triangle of each symmetric outer product is needed (about half).
    upper = np.triu_indices(m)
    outer = z[:, upper[0]] * z[:, upper[1]]
    if w is not None and groups is None:
        outer *= w[:, None]
    sizes = [min(_CHUNK, n_boot - start) for start in range(0, n_boot, _CHUNK)]
    seeds = _seed_sequences(random_state, len(sizes))

    def run(job: tuple[int, np.random.SeedSequence]) -> np.ndarray:
        size, seed = job
        rng = check_random_state(seed)
        if groups is None:
            counts = bootstrap_weights(n, size, rng, clusters=clusters)
        else:
            counts = equal_multinomial_by_group(rng, n, size, groups, len(outer),
                                                unit_weights=w)
        return counts @ outer

    jobs = list(zip(sizes, seeds, strict=True))
    if n_jobs in (None, 1):
        # One BLAS thread: these products are small and thin, and OpenBLAS threads cost far
        # more than they save on them (100x slower on a busy 2-core machine).
        with single_thread("blas"):
            parts = [run(job) for job in progress(jobs, enabled=show_progress,
                                                  total=len(jobs), desc="bootstrap")]
    else:
        parts = parallel_map(run, jobs, n_jobs=n_jobs)
    flat = np.concatenate(parts, axis=0)
    cross = np.empty((n_boot, m, m))
    cross[:, upper[0], upper[1]] = flat
    cross[:, upper[1], upper[0]] = flat
    return cross


def distinct_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group identical rows: ``(codes, first)`` with ``matrix[first][codes]`` equal to
    ``matrix`` (codes number the distinct rows in order of first appearance)."""
    import pandas as pd

    n = matrix.shape[0]
    key = np.zeros(n, dtype=np.int64)
    size = 1
    for j in range(matrix.shape[1]):
        # exact float equality (pandas hashes the values; -0.0 and 0.0 are one value)
        codes, uniques = pd.factorize(matrix[:, j], use_na_sentinel=False)
        if size * len(uniques) >= 2**62:  # keep the combined key exact: renumber first
            key, kept = pd.factorize(key)
            size = len(kept)
        key = key * len(uniques) + codes
        size *= len(uniques)
    key, _ = pd.factorize(key)
    _, first = np.unique(key, return_index=True)  # codes follow first appearance
    return np.asarray(key, dtype=np.int64), first


def solve_from_crossproducts(cross: np.ndarray, mapping: np.ndarray, y_col: int) -> np.ndarray:
    """Batched weighted least-squares estimates from cross-products.

    ``cross`` has shape (B, m, m) over design columns plus the outcome at ``y_col``;
    ``mapping`` (m_design, k) maps model parameters onto the design columns (which are
    all columns except ``y_col``). Returns (B, k); singular replicates give NaN rows.
    """
    design_cols = [j for j in range(cross.shape[1]) if j != y_col]
    xx = cross[:, design_cols][:, :, design_cols]
    xy = cross[:, design_cols, y_col]
    g = np.einsum("ji,bjk,kl->bil", mapping, xx, mapping)
    h = xy @ mapping
    out = np.full(h.shape, np.nan)
    try:
        out[:] = np.linalg.solve(g, h[:, :, None])[:, :, 0]
    except np.linalg.LinAlgError:
        # Some replicate is singular (e.g. too few distinct clusters drawn): solve one by one.
        for b in range(g.shape[0]):
            try:
                out[b] = np.linalg.solve(g[b], h[b])
            except np.linalg.LinAlgError:
                pass
    return out
