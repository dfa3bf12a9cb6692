"""The numeric core of PLS path modelling: correlation matrices in, weights and paths out.

Everything the PLS algorithm of Wold (1982) and Lohmöller (1989) computes is a function of
the correlation matrix ``S`` of the standardised items: construct scores are ``Y = X W``,
so their correlations are ``W' S W``, the covariances of the items with the inner proxies
``Z = Y E`` are ``S W E``, and the paths are regressions on ``W' S W``. The core therefore
works on a *stack* of correlation matrices, shape ``(B, p, p)``: the original sample is a
stack of one, and every bootstrap or jackknife replicate is one more layer, computed in the
same vectorised iterations (no pandas, no Python loop over replicates).

Conventions (those of the standard R implementations):

* items are standardised with the sample standard deviation (``n - 1``); outer weights
  are scaled so that every construct score has unit sample variance;
* the iteration starts from unit weights and stops when the sum of absolute changes of
  all outer weights falls below ``tol``;
* after convergence each construct is oriented so that the sum of its outer loadings is
  positive (PLS scores are identified only up to sign; flipping a construct is an exact
  symmetry of every weighting scheme, so this changes signs, never magnitudes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Layout", "CoreResult", "pls_core", "structural_paths", "weighted_correlations",
           "jackknife_correlations", "total_effects", "SCHEMES"]

SCHEMES = ("path", "factor", "centroid")


@dataclass(frozen=True)
class Layout:
    """The model as index arrays: what the core needs and nothing else.

    Attributes
    ----------
    block_mask : ndarray of bool, shape (p, J)
        ``block_mask[i, j]`` is True when item ``i`` measures construct ``j``.
    path_mask : ndarray of bool, shape (J, J)
        ``path_mask[i, j]`` is True for the structural path ``i -> j``.
    mode_b : tuple of int
        Constructs estimated in Mode B (formative, regression weights).
    """

    block_mask: np.ndarray
    path_mask: np.ndarray
    mode_b: tuple[int, ...] = ()

    @property
    def n_items(self) -> int:
        return int(self.block_mask.shape[0])

    @property
    def n_constructs(self) -> int:
        return int(self.block_mask.shape[1])

    def block(self, j: int) -> np.ndarray:
        return np.flatnonzero(self.block_mask[:, j])

    def predecessors(self, j: int) -> np.ndarray:
        return np.flatnonzero(self.path_mask[:, j])

    @property
    def endogenous(self) -> list[int]:
        return [j for j in range(self.n_constructs) if self.path_mask[:, j].any()]


@dataclass
class CoreResult:
    """Results of :func:`pls_core` for a stack of ``B`` correlation matrices.

    ``weights`` and ``loadings`` have shape ``(B, p, J)`` (zero outside each block),
    ``construct_cor`` and ``paths`` ``(B, J, J)`` (``paths[b, i, j]`` is the path
    ``i -> j``), ``r2`` ``(B, J)`` (NaN for exogenous constructs), ``n_iter`` and
    ``converged`` ``(B,)``. A replicate whose computation broke down (a constant item, a
    singular block) is all NaN and not converged.
    """

    weights: np.ndarray
    loadings: np.ndarray
    construct_cor: np.ndarray
    paths: np.ndarray
    r2: np.ndarray
    n_iter: np.ndarray
    converged: np.ndarray


def _solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Batched ``solve(a, b)`` for ``b`` of shape (B, k); NaN where ``a`` is singular."""
    try:
        with np.errstate(all="ignore"):
            return np.linalg.solve(a, b[..., None])[..., 0]
    except np.linalg.LinAlgError:
        out = np.full(b.shape, np.nan)
        for i in range(a.shape[0]):
            try:
                out[i] = np.linalg.solve(a[i], b[i])
            except np.linalg.LinAlgError:
                pass
        return out


def _normalise(w: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Scale each construct's weights so its score has unit variance (``w' S w = 1``)."""
    with np.errstate(all="ignore"):
        # batched matrix products, not a three-operand einsum (which loops naively and
        # was most of the bootstrap's time)
        var = (w * (s @ w)).sum(axis=1)
        return w / np.sqrt(var)[:, None, :]


def _inner_weights(c: np.ndarray, layout: Layout, scheme: str) -> np.ndarray:
    """Inner weights ``E`` (B, J, J): the proxy of construct ``k`` is ``sum_i E[i, k] Y_i``.

    ``centroid``: the sign of the correlation with each adjacent construct; ``factor``:
    the correlation; ``path``: for the predecessors of ``k`` the coefficients of the
    regression of ``Y_k`` on them, for its successors the correlation (Lohmöller 1989).
    """
    adjacent = layout.path_mask | layout.path_mask.T
    if scheme == "centroid":
        return np.sign(c) * adjacent
    e = c * adjacent
    if scheme == "factor":
        return e
    for k in layout.endogenous:
        pred = layout.predecessors(k)
        e[:, pred, k] = _solve(c[:, pred][:, :, pred], c[:, pred, k])
    return e


def pls_core(s: np.ndarray, layout: Layout, *, scheme: str = "path", max_iter: int = 300,
             tol: float = 1e-7) -> CoreResult:
    """Run the PLS path algorithm on a stack of item correlation matrices.

    Parameters
    ----------
    s : ndarray, shape (B, p, p) or (p, p)
        Correlation matrices of the items (in the order of ``layout.block_mask``).
    layout : Layout
        Blocks, paths and Mode B constructs.
    scheme : {"path", "factor", "centroid"}
        Inner weighting scheme.
    max_iter : int
        Most iterations per replicate.
    tol : float
        Stop when the sum of absolute changes of the outer weights is below ``tol``.

    Returns
    -------
    CoreResult
        Always stacked (a leading axis of length ``B``, 1 for a single matrix).

    Examples
    --------
    Two constructs with two items each and the path ``0 -> 1``; with equal weights the
    path is the correlation of the two sums, 1.2 / sqrt(3.2 * 3):

    >>> import numpy as np
    >>> s = np.array([[1, .6, .3, .3], [.6, 1, .3, .3], [.3, .3, 1, .5], [.3, .3, .5, 1.]])
    >>> layout = Layout(np.array([[1, 0], [1, 0], [0, 1], [0, 1]], bool),
    ...                 np.array([[0, 1], [0, 0]], bool))
    >>> res = pls_core(s, layout)
    >>> round(float(res.paths[0, 0, 1]), 4)
    0.3873
    """
    s = np.asarray(s, dtype=float)
    if s.ndim == 2:
        s = s[None]
    n_rep = s.shape[0]
    mask = layout.block_mask.astype(float)
    w = _normalise(np.broadcast_to(mask, (n_rep, *mask.shape)).copy(), s)
    converged = np.zeros(n_rep, dtype=bool)
    failed = ~np.isfinite(w).all(axis=(1, 2))
    n_iter = np.zeros(n_rep, dtype=int)
    blocks_b = [(j, layout.block(j)) for j in layout.mode_b]
    for it in range(1, max_iter + 1):
        # Replicates stop on their own: a converged one is never updated again, so its
        # result does not depend on which other replicates share its batch.
        active = np.flatnonzero(~converged & ~failed)
        if active.size == 0:
            break
        sa, wa = s[active], w[active]
        sw = sa @ wa  # covariances of the items with the construct scores
        c = np.swapaxes(wa, 1, 2) @ sw
        e = _inner_weights(c, layout, scheme)
        cov = sw @ e  # covariances of the items with the inner proxies
        new = cov * mask
        for j, idx in blocks_b:
            new[:, idx, j] = _solve(sa[:, idx][:, :, idx], cov[:, idx, j])
        new = _normalise(new, sa)
        bad = ~np.isfinite(new).all(axis=(1, 2))
        diff = np.abs(new - wa).sum(axis=(1, 2))
        w[active] = new
        n_iter[active] = it
        converged[active] = (diff < tol) & ~bad
        failed[active] = bad
    # Orientation: the sum of each construct's loadings is made positive.
    loadings = (s @ w) * mask
    sign = np.where(loadings.sum(axis=1) < 0, -1.0, 1.0)
    w = w * sign[:, None, :]
    loadings = loadings * sign[:, None, :]
    c = np.swapaxes(w, 1, 2) @ (s @ w)
    paths, r2 = structural_paths(c, layout.path_mask)
    broken = failed | ~np.isfinite(paths).all(axis=(1, 2))
    if broken.any():
        for arr in (w, loadings, c, paths, r2):
            arr[broken] = np.nan
    return CoreResult(weights=w, loadings=loadings, construct_cor=c, paths=paths, r2=r2,
                      n_iter=n_iter, converged=converged & ~broken)


def structural_paths(c: np.ndarray, path_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Path coefficients (B, J, J) and R-squared (B, J) from construct correlations.

    Each endogenous construct is regressed on its predecessors (``path_mask[i, j]``:
    path ``i -> j``); R-squared is NaN for exogenous constructs.
    """
    n_rep, n_con = c.shape[0], c.shape[-1]
    paths = np.zeros((n_rep, n_con, n_con))
    r2 = np.full((n_rep, n_con), np.nan)
    for k in range(n_con):
        pred = np.flatnonzero(path_mask[:, k])
        if pred.size == 0:
            continue
        beta = _solve(c[:, pred][:, :, pred], c[:, pred, k])
        paths[:, pred, k] = beta
        r2[:, k] = np.einsum("bi,bi->b", beta, c[:, pred, k])
    return paths, r2


def total_effects(paths: np.ndarray) -> np.ndarray:
    """Total effects ``sum_k B^k = (I - B)^-1 - I`` of a stack of acyclic path matrices."""
    n_con = paths.shape[-1]
    eye = np.eye(n_con)
    with np.errstate(all="ignore"):
        try:
            return np.linalg.inv(eye - paths) - eye
        except np.linalg.LinAlgError:  # pragma: no cover - acyclic B makes I - B unit-triangular
            return np.full(paths.shape, np.nan)


def weighted_correlations(x: np.ndarray, w: np.ndarray, *, chunk: int = 10_000_000,
                          moments: bool = False):
    """Correlation matrices of the columns of ``x`` under each row of weights ``w``.

    Parameters
    ----------
    x : ndarray, shape (n, p)
        Data (ideally already standardised, for numerical stability).
    w : ndarray, shape (B, n)
        Non-negative weights per replicate (bootstrap counts times survey weights).
    chunk : int
        Largest number of entries of the ``(b, p, n)`` temporary array.
    moments : bool
        Also return the weighted means and standard deviations (``(B, p)`` each; the
        standard deviations divide by the sum of the weights).

    Returns
    -------
    ndarray, shape (B, p, p)
        NaN where an item has no variance under the weights.
    """
    x = np.asarray(x, dtype=float)
    w = np.atleast_2d(np.asarray(w, dtype=float))
    n, p = x.shape
    cov = np.empty((w.shape[0], p, p))
    means = np.empty((w.shape[0], p))
    step = max(1, chunk // max(n * p, 1))
    xt = x.T
    for start in range(0, w.shape[0], step):
        wb = w[start:start + step]
        total = wb.sum(axis=1)
        mean = (wb @ x) / total[:, None]
        if n > 20_000:
            # large samples: one 2-D BLAS product per replicate (the stacked matmul
            # does not reach BLAS and was 50x slower at a million rows)
            moment = np.stack([(x * row[:, None]).T @ x for row in wb]) / total[:, None, None]
        else:
            moment = np.matmul(xt[None] * wb[:, None, :], x) / total[:, None, None]
        cov[start:start + step] = moment - mean[:, :, None] * mean[:, None, :]
        means[start:start + step] = mean
    cor = _cov_to_cor(cov)
    if moments:
        return cor, means, _sd(cov)
    return cor


def jackknife_correlations(x: np.ndarray, w: np.ndarray, *, rows: np.ndarray | None = None,
                           moments: bool = False):
    """Leave-one-out correlation matrices, shape (len(rows), p, p), by downdating.

    Layer ``k`` of the result is the weighted correlation matrix of ``x`` without row
    ``rows[k]`` (for the BCa acceleration); ``O(n p^2)`` instead of ``O(n^2 p^2)``.
    ``moments=True`` also returns the leave-one-out means and standard deviations.
    """
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    rows = np.arange(x.shape[0]) if rows is None else np.asarray(rows)
    total = w.sum()
    first = w @ x
    second = (x.T * w) @ x
    wr, xr = w[rows], x[rows]
    rest = total - wr
    with np.errstate(all="ignore"):
        mean = (first[None, :] - wr[:, None] * xr) / rest[:, None]
        moment = (second[None] - (wr[:, None, None] * xr[:, :, None] * xr[:, None, :])) \
            / rest[:, None, None]
        cov = moment - mean[:, :, None] * mean[:, None, :]
    cor = _cov_to_cor(cov)
    if moments:
        return cor, mean, _sd(cov)
    return cor


def _sd(cov: np.ndarray) -> np.ndarray:
    return np.sqrt(np.clip(np.einsum("bii->bi", cov), 0, None))


def _cov_to_cor(cov: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        sd = np.sqrt(np.einsum("bii->bi", cov))
        sd = np.where(sd > 1e-12, sd, np.nan)
        cor = cov / (sd[:, :, None] * sd[:, None, :])
    idx = np.arange(cov.shape[-1])
    cor[:, idx, idx] = np.where(np.isfinite(sd), 1.0, np.nan)
    return cor
