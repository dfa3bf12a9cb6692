"""Quality of a PLS path model: reliability and convergent validity of each construct,
discriminant validity between constructs, explained variance and effect sizes.

All functions take arrays (item correlations, outer weights and loadings, construct
correlations) so they can be checked by hand and reused on bootstrap replicates.

References
----------
Dijkstra, T. K., & Henseler, J. (2015). Consistent partial least squares path modeling.
*MIS Quarterly*, 39(2), 297-316.

Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with
unobservable variables and measurement error. *Journal of Marketing Research*, 18(1),
39-50.

Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for assessing
discriminant validity in variance-based structural equation modeling. *Journal of the
Academy of Marketing Science*, 43(1), 115-135.
"""

from __future__ import annotations

import numpy as np

__all__ = ["cronbach_alpha_std", "composite_reliability", "rho_a", "ave", "htmt",
           "r2_table", "f2_matrix"]


def cronbach_alpha_std(s_block: np.ndarray) -> float:
    """Cronbach's alpha of standardised items from their correlation matrix.

    ``k r / (1 + (k - 1) r)`` with ``r`` the mean inter-item correlation: the alpha of the
    items as the PLS algorithm uses them (standardised). NaN for a single item.

    Examples
    --------
    >>> import numpy as np
    >>> round(cronbach_alpha_std(np.array([[1, .5, .5], [.5, 1, .5], [.5, .5, 1]])), 4)
    0.75
    """
    k = s_block.shape[0]
    if k < 2:
        return float("nan")
    total = float(s_block.sum())
    return k / (k - 1) * (1 - k / total)


def composite_reliability(loadings: np.ndarray) -> float:
    """Composite reliability rho_C (Jöreskog's rho, "Dillon-Goldstein's rho").

    ``(sum l)^2 / ((sum l)^2 + sum (1 - l^2))`` for standardised loadings ``l``.
    NaN for a single item (its reliability is not estimable).

    Examples
    --------
    >>> round(composite_reliability(np.array([0.8, 0.8, 0.8])), 4)
    0.8421
    """
    lam = np.asarray(loadings, dtype=float)
    if lam.size < 2:
        return float("nan")
    num = lam.sum() ** 2
    return float(num / (num + (1 - lam**2).sum()))


def rho_a(s_block: np.ndarray, weights: np.ndarray) -> float:
    """Dijkstra-Henseler's rho_A from the item correlations and the outer weights.

    ``rho_A = (w'w)^2 * w'(S - diag S)w / w'(ww' - diag(ww'))w`` (Dijkstra & Henseler
    2015, eq. 19), with ``w`` scaled so that the construct score has unit variance.
    NaN for a single item.

    Examples
    --------
    With equal correlations ``r`` among ``k`` items and equal weights rho_A equals
    Cronbach's alpha:

    >>> s = np.array([[1, .5, .5], [.5, 1, .5], [.5, .5, 1]])
    >>> w = np.ones(3) / np.sqrt(s.sum())
    >>> round(rho_a(s, w), 4)
    0.75
    """
    w = np.asarray(weights, dtype=float)
    if w.size < 2:
        return float("nan")
    s_off = s_block - np.diag(np.diag(s_block))
    ww = np.outer(w, w)
    denom = w @ (ww - np.diag(np.diag(ww))) @ w
    return float((w @ w) ** 2 * (w @ s_off @ w) / denom)


def ave(loadings: np.ndarray) -> float:
    """Average variance extracted: the mean squared standardised loading (Fornell & Larcker
    1981). NaN for a single item."""
    lam = np.asarray(loadings, dtype=float)
    if lam.size < 2:
        return float("nan")
    return float(np.mean(lam**2))


def htmt(s: np.ndarray, blocks: list[np.ndarray]) -> np.ndarray:
    """Heterotrait-monotrait ratio of correlations (Henseler, Ringle & Sarstedt 2015).

    For constructs ``i`` and ``j``: the mean correlation between the items of ``i`` and
    the items of ``j``, divided by the geometric mean of the mean correlations among the
    items of ``i`` and among the items of ``j``. Correlations are used with their sign, as
    in the original definition (items are expected to be coded in the same direction).
    NaN when a construct has a single item (its monotrait correlation does not exist) and
    on the diagonal.

    Returns
    -------
    ndarray, shape (J, J)
        Symmetric.

    Examples
    --------
    >>> s = np.array([[1, .6, .3, .3], [.6, 1, .3, .3], [.3, .3, 1, .6], [.3, .3, .6, 1]])
    >>> round(float(htmt(s, [np.array([0, 1]), np.array([2, 3])])[0, 1]), 4)
    0.5
    """
    n_con = len(blocks)
    mono = np.full(n_con, np.nan)
    for j, idx in enumerate(blocks):
        k = len(idx)
        if k > 1:
            sub = s[np.ix_(idx, idx)]
            mono[j] = (sub.sum() - np.trace(sub)) / (k * (k - 1))
    out = np.full((n_con, n_con), np.nan)
    with np.errstate(invalid="ignore"):
        for i in range(n_con):
            for j in range(i + 1, n_con):
                hetero = s[np.ix_(blocks[i], blocks[j])].mean()
                out[i, j] = out[j, i] = hetero / np.sqrt(mono[i] * mono[j])
    return out


def r2_table(r2: np.ndarray, n_predictors: np.ndarray, n_obs: int) -> np.ndarray:
    """Adjusted R-squared ``1 - (1 - R2)(n - 1)/(n - k - 1)`` for each construct."""
    with np.errstate(all="ignore"):
        return 1 - (1 - r2) * (n_obs - 1) / (n_obs - n_predictors - 1)


def f2_matrix(c: np.ndarray, path_mask: np.ndarray) -> np.ndarray:
    """Cohen's f-squared of every path from the construct correlation matrix.

    ``f2(i -> j) = (R2_j - R2_j without i) / (1 - R2_j)``: how much of the unexplained
    variance of ``j`` the predictor ``i`` accounts for. NaN where there is no path.

    Examples
    --------
    Two uncorrelated predictors with correlations 0.3 and 0.4 with the outcome:

    >>> c = np.array([[1, 0, .3], [0, 1, .4], [.3, .4, 1]])
    >>> mask = np.array([[0, 0, 1], [0, 0, 1], [0, 0, 0]], bool)
    >>> round(float(f2_matrix(c, mask)[0, 2]), 4)
    0.12
    """
    n_con = c.shape[0]
    out = np.full((n_con, n_con), np.nan)

    def r2(target: int, preds: np.ndarray) -> float:
        if preds.size == 0:
            return 0.0
        beta = np.linalg.solve(c[np.ix_(preds, preds)], c[preds, target])
        return float(beta @ c[preds, target])

    for j in range(n_con):
        preds = np.flatnonzero(path_mask[:, j])
        if preds.size == 0:
            continue
        full = r2(j, preds)
        for i in preds:
            reduced = r2(j, preds[preds != i])
            out[i, j] = (full - reduced) / (1 - full)
    return out
