"""Which drivers matter: permutation importance on held-out folds and dominance analysis.

* **Permutation importance** (Breiman 2001; Fisher, Rudin & Dominici 2019): in every
  cross-validation fold, shuffle one driver among the held-out respondents and measure how
  much the weighted ROC AUC of that fold's model drops. It describes the *fitted model*,
  so it works for any engine, including boosting. Permuting a driver also permutes the
  interactions built from it. The interval is a percentile bootstrap over respondents
  of the held-out drop: fold models and shuffles stay fixed, and every replicate
  recomputes the drop from the same resampled respondents.
* **Dominance analysis** (Budescu 1993; Azen & Traxel 2009 for logistic regression): the
  Shapley decomposition of the model's fit across drivers. For every subset of drivers a
  model is fitted; a driver's *general dominance* is its average gain in fit when added,
  averaged over subset sizes, and the dominances add up exactly to the full model's fit.
  Fit is McFadden's pseudo-R2 of a logistic regression for binary outcomes (the boosting
  engine is decomposed through the same logistic model) and the R2 of a linear regression
  of the ordinal score for ordinal outcomes. Dummy columns of one categorical driver stay
  together; an interaction term counts as its own driver. Intervals are percentile
  bootstrap intervals, all replicates fitted at once with :func:`batched_logit`.

With ``k`` drivers dominance analysis fits ``2^k - 1`` models per replicate: it is run for
``k <= max_drivers`` (8 by default, 255 models) and skipped with a warning above that,
leaving permutation importance as the measure.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from .._errors import FragileResultWarning
from .._resample import check_random_state, iter_bootstrap_weights, percentile_interval
from .engines import batched_logit
from .metrics import roc_auc

__all__ = ["permutation_importance", "dominance_analysis", "subset_fits", "shapley_from_fits"]


def _fold_drops(y: np.ndarray, base: np.ndarray, permuted: np.ndarray, W: np.ndarray
                ) -> np.ndarray:
    """Drop in weighted ROC AUC of one fold, shape ``(B, n_drivers)``.

    ``base`` holds the fold's predictions (n,), ``permuted`` those with each driver shuffled,
    shape ``(n_drivers, n_repeats, n)``; ``W`` is ``(B, n)`` (row = survey weights or
    survey weights times resampling counts). The drop is averaged over repeats.
    """
    auc0 = roc_auc(y, base, W)
    J, R, _ = permuted.shape
    out = np.empty((W.shape[0], J))
    for j in range(J):
        aucs = np.column_stack([roc_auc(y, permuted[j, r], W) for r in range(R)])
        out[:, j] = auc0 - aucs.mean(axis=1)
    return out


def permutation_importance(
    folds: Sequence[tuple[pd.DataFrame, np.ndarray, np.ndarray]],
    predict: Callable[[int, pd.DataFrame], np.ndarray],
    drivers: Sequence[str],
    *,
    n_repeats: int = 5,
    n_boot: int = 200,
    alpha: float = 0.05,
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Drop in held-out weighted ROC AUC when each driver is shuffled, with bootstrap intervals.

    In every fold each driver is shuffled ``n_repeats`` times among the held-out respondents
    and the fold's model predicts again; the estimate is the drop in the fold's weighted ROC
    AUC, averaged over repeats and then over folds.

    The interval is a percentile bootstrap over respondents that keeps the models and the
    shuffles fixed: replicate ``b`` gives every held-out respondent (all folds pooled) a
    multinomial resampling count times the survey weight, and the same drop (per fold,
    averaged over repeats and folds) is recomputed from the unshuffled and the shuffled
    predictions of the same resampled respondents. The interval is the ``alpha / 2`` and
    ``1 - alpha / 2`` percentiles of the replicates; replicates are computed in vectorised
    chunks, so the result does not depend on the chunking. It reflects the sampling of
    respondents given the fitted fold models, not the refitting of the models.

    Parameters
    ----------
    folds : sequence of (frame, y, w)
        Held-out rows of each fold (driver columns), the 0/1 outcome and the survey weights.
    predict : callable
        ``predict(fold_index, frame)`` returns the event probability of that fold's model.
    drivers : sequence of str
        Driver columns to permute.
    n_repeats : int
        Shuffles per driver and fold.
    n_boot : int
        Bootstrap replicates over respondents (0 = no interval: ``permutation_se``,
        ``permutation_lower`` and ``permutation_upper`` are NaN).
    alpha : float
        1 - confidence level of the interval.
    random_state : int, Generator or None
        Seeds the shuffles and, after them, the bootstrap (the same seed gives the same
        estimates and intervals).

    Returns
    -------
    pandas.DataFrame
        Index = driver; columns ``permutation`` (estimate), ``permutation_se`` (standard
        deviation of the bootstrap replicates), ``permutation_lower`` and
        ``permutation_upper`` (percentile bootstrap interval).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from expectlab.loyalty.importance import permutation_importance
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"x": rng.normal(size=400), "z": rng.normal(size=400)})
    >>> y = (rng.random(400) < 1 / (1 + np.exp(-2 * frame["x"]))).astype(float).to_numpy()
    >>> predict = lambda f, d: 1 / (1 + np.exp(-2 * d["x"].to_numpy()))
    >>> tab = permutation_importance([(frame, y, np.ones(400))], predict, ["x", "z"],
    ...                              n_repeats=2, n_boot=100, random_state=0)
    >>> bool(tab.loc["x", "permutation_lower"] > 0), float(tab.loc["z", "permutation_upper"])
    (True, 0.0)
    """
    rng = check_random_state(random_state)
    J = len(drivers)
    stored: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    drops = np.zeros((len(folds), J))
    for f, (frame, y, w) in enumerate(folds):
        y = np.asarray(y, dtype=float)
        w = np.asarray(w, dtype=float)
        base = np.asarray(predict(f, frame), dtype=float)
        permuted = np.empty((J, n_repeats, len(frame)))
        for j, d in enumerate(drivers):
            values = frame[d].to_numpy()
            for r in range(n_repeats):
                shuffled = frame.copy()
                shuffled[d] = values[rng.permutation(len(frame))]
                permuted[j, r] = predict(f, shuffled)
        stored.append((y, base, permuted))
        drops[f] = _fold_drops(y, base, permuted, w[None, :])[0]
    est = drops.mean(axis=0)
    se = lower = upper = np.full(J, np.nan)
    if n_boot and n_boot > 0 and folds:
        sizes = [len(y) for y, _, _ in stored]
        edges = np.r_[0, np.cumsum(sizes)]
        n = int(edges[-1])
        w_all = np.concatenate([np.asarray(w, dtype=float) for _, _, w in folds])
        # roc_auc works on a few (chunk, n_fold) arrays: keep each chunk near 2 million
        # entries. The draws come from one generator row by row, so chunking does not
        # change the replicates.
        chunk = max(1, min(n_boot, 2_000_000 // max(n, 1)))
        reps = []
        for Wb in iter_bootstrap_weights(n, n_boot, rng, chunk_size=chunk, base_weights=w_all):
            rep = np.zeros((Wb.shape[0], J))
            for f, (y, base, permuted) in enumerate(stored):
                rep += _fold_drops(y, base, permuted, Wb[:, edges[f]:edges[f + 1]])
            reps.append(rep / len(stored))
        R = np.concatenate(reps)
        lower, upper = percentile_interval(R, alpha)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN column: NaN se
            se = np.nanstd(np.where(np.isfinite(R), R, np.nan), axis=0, ddof=1)
    return pd.DataFrame({
        "permutation": est, "permutation_se": se,
        "permutation_lower": lower, "permutation_upper": upper,
    }, index=pd.Index(list(drivers), name="driver"))


def _masks_columns(groups: dict[str, list[int]]) -> list[list[int]]:
    names = list(groups)
    out = []
    for mask in range(1 << len(names)):
        cols: list[int] = []
        for j, name in enumerate(names):
            if mask >> j & 1:
                cols += groups[name]
        out.append(cols)
    return out


def subset_fits(X: np.ndarray, y: np.ndarray, W: np.ndarray, groups: dict[str, list[int]],
                kind: str, starts: list[np.ndarray] | None = None) -> np.ndarray:
    """Fit of every subset of driver groups, shape ``(B, 2^k)``; subset 0 is empty (fit 0).

    ``kind="logit"``: McFadden pseudo-R2 ``1 - LL(S) / LL(empty)``;
    ``kind="linear"``: weighted R2 of a linear regression. ``starts`` (one coefficient
    vector per subset, from :func:`subset_coefficients`) warm-starts the logit fits.
    """
    B, n = W.shape
    subsets = _masks_columns(groups)
    fits = np.zeros((B, len(subsets)))
    if kind == "logit":
        ones = np.ones((n, 1))
        s0 = None if starts is None else starts[0]
        # From the full-sample estimate (within O(n^-1/2) of every replicate's optimum)
        # Newton converges quadratically: three steps leave an error far below the
        # bootstrap spread, so replicates stop there instead of iterating to 1e-8.
        max_iter = 50 if starts is None else 3
        _, ll0, _ = batched_logit(ones, y, W, start=s0, max_iter=max_iter)
        for m, cols in enumerate(subsets[1:], start=1):
            sm = None if starts is None else starts[m]
            _, ll, _ = batched_logit(np.column_stack([ones, X[:, cols]]), y, W, start=sm,
                                     max_iter=max_iter)
            fits[:, m] = 1.0 - ll / ll0
        return fits
    Z = np.column_stack([X, y])
    tot = W.sum(axis=1)
    mean = (W @ Z) / tot[:, None]
    # weighted covariance of every replicate: E[zz'] - mm'
    q1 = Z.shape[1]
    C = (W @ (Z[:, :, None] * Z[:, None, :]).reshape(n, q1 * q1)).reshape(B, q1, q1)
    C /= tot[:, None, None]
    C -= mean[:, :, None] * mean[:, None, :]
    q = X.shape[1]
    syy = C[:, q, q]
    for m, cols in enumerate(subsets[1:], start=1):
        Sxx = C[:, cols][:, :, cols]
        sxy = C[:, cols, q]
        beta = np.linalg.solve(Sxx, sxy[:, :, None])[:, :, 0]
        fits[:, m] = (beta * sxy).sum(axis=1) / syy
    return fits


def subset_coefficients(X: np.ndarray, y: np.ndarray, w: np.ndarray,
                        groups: dict[str, list[int]]) -> list[np.ndarray]:
    """Logit coefficients of every subset on the full sample (warm starts)."""
    n = len(y)
    ones = np.ones((n, 1))
    out = []
    for cols in _masks_columns(groups):
        beta, _, _ = batched_logit(np.column_stack([ones, X[:, cols]]), y, w[None, :])
        out.append(beta[0])
    return out


def shapley_from_fits(fits: np.ndarray, k: int) -> np.ndarray:
    """General dominance (Shapley value) of each of ``k`` groups, shape ``(B, k)``."""
    out = np.zeros((fits.shape[0], k))
    for j in range(k):
        bit = 1 << j
        for mask in range(1 << k):
            if mask & bit:
                continue
            s = bin(mask).count("1")
            weight = math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k)
            out[:, j] += weight * (fits[:, mask | bit] - fits[:, mask])
    return out


def dominance_analysis(
    X: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray | None,
    groups: dict[str, list[int]],
    *,
    kind: str = "logit",
    n_boot: int = 200,
    alpha: float = 0.05,
    max_drivers: int = 8,
    random_state: int | np.random.Generator | None = None,
    progress: bool = False,
) -> tuple[pd.DataFrame, dict[str, float | str]]:
    """General dominance of each driver group with bootstrap intervals.

    Returns the table (index = driver; ``dominance``, its interval, ``share`` of the total
    fit and its interval) and the total fit with its interval. With more than
    ``max_drivers`` groups the table is all NaN, the total empty, and a
    :class:`FragileResultWarning` says why.

    Examples
    --------
    >>> import numpy as np
    >>> from expectlab.loyalty.importance import dominance_analysis
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(400, 2))
    >>> y = (rng.random(400) < 1 / (1 + np.exp(-X[:, 0]))).astype(float)
    >>> tab, total = dominance_analysis(X, y, None, {"a": [0], "b": [1]}, n_boot=20,
    ...                                 random_state=0)
    >>> bool(tab.loc["a", "dominance"] > tab.loc["b", "dominance"])
    True
    """
    from .._resample import progress as _progress

    k = len(groups)
    names = list(groups)
    if k > max_drivers:
        warnings.warn(
            f"Dominance analysis skipped: {k} drivers need {2 ** k - 1} model fits per "
            f"bootstrap replicate (limit {max_drivers} drivers). Permutation importance is "
            "still reported; raise max_dominance_drivers or group drivers into scales to "
            "get the decomposition.", FragileResultWarning, stacklevel=2)
        empty = pd.DataFrame(np.nan, index=pd.Index(names, name="driver"), columns=[
            "dominance", "dominance_lower", "dominance_upper", "share", "share_lower",
            "share_upper"])
        return empty, {}
    n = len(y)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    w = w * (n / w.sum())
    point = subset_fits(X, y, w[None, :], groups, kind)
    gd = shapley_from_fits(point, k)[0]
    total = float(point[0, -1])
    table = pd.DataFrame({"dominance": gd}, index=pd.Index(names, name="driver"))
    table["share"] = gd / total if total > 0 else np.nan
    result_total = {"fit": total, "lower": np.nan, "upper": np.nan,
                    "measure": "McFadden pseudo-R2" if kind == "logit" else "R2"}
    for col in ("dominance", "share"):
        table[f"{col}_lower"] = np.nan
        table[f"{col}_upper"] = np.nan
    if n_boot and n_boot > 0:
        # Bound memory: the logit fits allocate (B, n, p, p) work arrays.
        p_max = X.shape[1] + 1
        chunk = max(1, min(n_boot, 20_000_000 // max(n * p_max, 1)))
        starts = subset_coefficients(X, y, w, groups) if kind == "logit" else None
        gds, totals = [], []
        chunks = iter_bootstrap_weights(n, n_boot, random_state, chunk_size=chunk,
                                        base_weights=w)
        for Wb in _progress(chunks, enabled=progress, total=math.ceil(n_boot / chunk),
                            desc="dominance bootstrap"):
            fits = subset_fits(X, y, Wb, groups, kind, starts)
            gds.append(shapley_from_fits(fits, k))
            totals.append(fits[:, -1])
        G = np.concatenate(gds)
        T = np.concatenate(totals)
        lo, hi = percentile_interval(G, alpha)
        table["dominance_lower"], table["dominance_upper"] = lo, hi
        with np.errstate(invalid="ignore", divide="ignore"):
            lo, hi = percentile_interval(G / T[:, None], alpha)
        table["share_lower"], table["share_upper"] = lo, hi
        tlo, thi = percentile_interval(T, alpha)
        result_total.update(lower=float(tlo), upper=float(thi))
    table = table[["dominance", "dominance_lower", "dominance_upper", "share", "share_lower",
                   "share_upper"]]
    return table, result_total
