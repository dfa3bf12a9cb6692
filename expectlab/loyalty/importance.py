"""Which drivers matter: permutation importance on held-out folds and dominance analysis.

* **Permutation importance** (Breiman 2001; Fisher, Rudin & Dominici 2019): in every
  cross-validation fold, shuffle one driver among the held-out respondents and measure how
  much the weighted ROC AUC of that fold's model drops. It describes the *fitted model*,
  so it works for any engine, including boosting. Permuting a driver also permutes the
  interactions built from it. The interval is a percentile bootstrap over respondents
  of the held-out drop: fold models and shuffles stay fixed, and every replicate
  recomputes the drop from the same resampled respondents. The predictions are scored
  once; replicates only reweight them. Up to replicates x respondents x (1 + drivers x
  repeats) = 2e7 each replicate's AUCs are recomputed exactly; above that, from the
  linear expansion of each AUC numerator in the weights (each respondent's placement,
  its influence value; DeLong, DeLong & Clarke-Pearson 1988), one matrix product per
  fold. The dropped second-order term moves the replicates by a few percent of their
  spread (n^-1/2; checked against the exact replicates and for coverage in
  ``tests/loyalty/test_loyalty_intervals.py``) and the model's notes say when it was used.
* **Dominance analysis** (Budescu 1993; Azen & Traxel 2009 for logistic regression): the
  Shapley decomposition of the model's fit across drivers. For every subset of drivers a
  model is fitted; a driver's *general dominance* is its average gain in fit when added,
  averaged over subset sizes, and the dominances add up exactly to the full model's fit.
  Fit is McFadden's pseudo-R2 of a logistic regression for binary outcomes (the boosting
  engine is decomposed through the same logistic model) and the R2 of a linear regression
  of the ordinal score for ordinal outcomes. Dummy columns of one categorical driver stay
  together; an interaction term counts as its own driver. Respondents with the same
  design row and outcome are pooled into cells (a count table; exact), and subsets of
  equal size are fitted together, each from the fit without its last driver. Intervals
  are percentile bootstrap intervals, all replicates fitted at once with
  :func:`batched_logit` (three Newton steps from the full-sample estimate) for small
  problems, and from a one-step expansion of each replicate's log-likelihood around the
  full-sample estimate (:func:`one_step_subset_fits`) when replicates x respondents x
  subsets exceed 5e7.

With ``k`` drivers dominance analysis fits ``2^k - 1`` models per replicate: it is run for
``k <= max_drivers`` (8 by default, 255 models) and skipped with a warning above that,
leaving permutation importance as the measure.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._errors import FragileResultWarning
from .._resample import check_random_state, iter_bootstrap_weights, percentile_interval
from .engines import _expit, batched_logit
from .metrics import _unless_ones

__all__ = ["permutation_importance", "dominance_analysis", "subset_fits", "shapley_from_fits"]


def _placements(y: np.ndarray, s: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, float]:
    """Each respondent's share of the weighted ROC AUC numerator of scores ``s``.

    A positive's placement is the weight of negatives scored below it (ties one half),
    a negative's the weight of positives scored above it. Each sum of the positives' or
    the negatives' weighted placements is the numerator ``N`` (AUC = N / (P Q), with P and
    Q the positive and negative weight totals), and the placements are the derivative of
    ``N`` with respect to each respondent's weight: its influence values (DeLong et al.
    1988). Returns the placements (in the order of ``s``) and ``N``.
    """
    order = np.argsort(s)  # tie groups are found below: no stable sort needed
    ss = s[order]
    pos = y[order] == 1
    ws = w[order]
    starts = np.flatnonzero(np.r_[True, ss[1:] != ss[:-1]])
    group = np.cumsum(np.r_[True, ss[1:] != ss[:-1]]) - 1
    wpos = np.where(pos, ws, 0.0)
    pos_g = np.add.reduceat(wpos, starts)
    neg_g = np.add.reduceat(ws - wpos, starts)
    neg_below = np.cumsum(neg_g) - neg_g
    pos_above = pos_g.sum() - np.cumsum(pos_g)
    a_sorted = np.where(pos, (neg_below + 0.5 * neg_g)[group], (pos_above + 0.5 * pos_g)[group])
    a = np.empty_like(a_sorted)
    a[order] = a_sorted
    return a, float(wpos @ a_sorted)


class _FoldDrops:
    """Drops in weighted ROC AUC of one fold's model when each driver is shuffled, for the
    survey weights and for bootstrap replicates of them.

    ``base`` holds the fold's held-out predictions (n,), ``permuted`` those with each
    driver shuffled (n_drivers, n_repeats, n). The drop of driver j is
    ``AUC(base) - mean_r AUC(permuted[j, r])``; every AUC of the fold shares the
    denominator P x Q (positive times negative weight), so a drop is a difference of
    numerators over it.

    Replicates are computed either exactly (``exact=True``: every replicate's
    numerators from running sums in each vector's sort order, the sorts done once) or by
    the linear expansion of the numerators in the weights (``exact=False``): with ``a``
    the placements (influence values) of a vector at the survey weights ``w``,
    ``N(W) = N(w) + (W - w) . a + R``, where the remainder R, a sum over pairs of
    products of two centred resampling counts, is dropped. The replicate's P and Q stay
    exact. The dropped term is of relative order ``n^-1/2`` of the bootstrap spread
    (checked against the exact replicates in ``tests/loyalty/test_loyalty_speed.py``) and
    every replicate of every driver then comes from one matrix product.
    """

    def __init__(self, y: np.ndarray, base: np.ndarray, permuted: np.ndarray, w: np.ndarray,
                 exact: bool) -> None:
        from .metrics import _Ranking

        J, R, n = permuted.shape
        self.J, self.R = J, R
        self.exact = exact
        a_base, n_base = _placements(y, base, w)
        # averages of differences (not differences of averages), so that a driver the
        # model ignores has a drop of exactly 0
        delta_a = np.zeros((n, J))
        self.delta_n = np.zeros(J)
        self.rankings = [_Ranking(y, base)] if exact else []
        for j in range(J):
            for r in range(R):
                a, num = _placements(y, permuted[j, r], w)
                delta_a[:, j] += a_base - a
                self.delta_n[j] += n_base - num
                if exact:
                    self.rankings.append(_Ranking(y, permuted[j, r]))
        delta_a /= R
        self.delta_n /= R
        pq = float(w @ y) * float(w @ (1.0 - y))
        with np.errstate(invalid="ignore", divide="ignore"):
            self.point = self.delta_n / pq
        # replicate sums: [placement differences (J), positive weight, negative weight]
        self.rows = np.column_stack([delta_a, y, 1.0 - y]) if not exact else \
            np.column_stack([y, 1.0 - y])

    def replicates(self, W: np.ndarray) -> np.ndarray:
        """Drops for every row of ``W`` (survey weights x resampling counts), (B, J)."""
        sums = W @ self.rows
        pq = sums[:, -2] * sums[:, -1]
        if self.exact:
            num = np.column_stack([rk.numerator(W) for rk in self.rankings])
            delta = (num[:, 0:1, None] - num[:, 1:].reshape(-1, self.J, self.R)).mean(axis=2)
        else:
            # N_b ~ N + (W_b - w) . a and w . a = 2N (each pair counted from both ends)
            delta = sums[:, :self.J] - self.delta_n[None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            return delta / pq[:, None]


#: replicates x respondents x (1 + drivers x repeats) up to which the permutation
#: bootstrap recomputes every replicate's AUCs exactly (above: linear expansion)
_EXACT_AUC_LIMIT = 20_000_000


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
    respondents given the fitted fold models, not the refitting of the models. For
    large problems (replicates x respondents x (1 + drivers x repeats) above 2e7) the
    replicates come from the linear expansion of each AUC in the weights (see the
    module notes): the estimate is unchanged, the interval ends move by far less than
    their own Monte Carlo error.

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
    weights = []
    for f, (frame, y, w) in enumerate(folds):
        base = np.asarray(predict(f, frame), dtype=float)
        permuted = np.empty((J, n_repeats, len(frame)))
        for j, d in enumerate(drivers):
            values = frame[d].to_numpy()
            for r in range(n_repeats):
                shuffled = frame.copy()
                shuffled[d] = values[rng.permutation(len(frame))]
                permuted[j, r] = predict(f, shuffled)
        stored.append((np.asarray(y, dtype=float), base, permuted))
        weights.append(np.asarray(w, dtype=float))
    return _permutation_table(stored, weights, drivers, n_boot=n_boot, alpha=alpha,
                              rng=rng)[0]


def permutation_predictions(
    X: np.ndarray,
    predict: Callable[[np.ndarray], np.ndarray],
    groups: dict[str, list[int]],
    interactions: Sequence[tuple[str, str]],
    drivers: Sequence[str],
    n_repeats: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Predictions of one fold's held-out design ``X``, unshuffled and with each driver
    shuffled: ``(base (n,), permuted (J, n_repeats, n))``.

    The same as shuffling the driver's column of the frame and building the design again
    (dummy columns move with their row; interaction columns are recomputed from the
    shuffled driver), with the same permutations drawn from ``rng`` in the same order,
    but without rebuilding the design ``J x n_repeats`` times.
    """
    n = len(X)
    base = np.asarray(predict(X), dtype=float)
    permuted = np.empty((len(drivers), n_repeats, n))
    # One working copy of the design: only the shuffled driver's columns (and the
    # interactions built from it) change between predictions, and are put back after.
    Xp = np.array(X, dtype=float)
    for j, d in enumerate(drivers):
        own = groups[d]
        inter = [(groups[f"{a}:{b}"][0], groups[a][0], groups[b][0])
                 for a, b in interactions if d in (a, b)]
        touched = list(own) + [col for col, _, _ in inter]
        own_values = X[:, own]
        for r in range(n_repeats):
            perm = rng.permutation(n)
            Xp[:, own] = own_values[perm]
            for col, ca, cb in inter:
                Xp[:, col] = Xp[:, ca] * Xp[:, cb]
            permuted[j, r] = predict(Xp)
        Xp[:, touched] = X[:, touched]
    return base, permuted


def _permutation_table(stored: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
                       weights: list[np.ndarray], drivers: Sequence[str], *, n_boot: int,
                       alpha: float, rng: np.random.Generator,
                       progress: bool | None = False, exact: bool | None = None
                       ) -> tuple[pd.DataFrame, str]:
    """Estimate and bootstrap interval of the drops from stored fold predictions.

    ``exact``: recompute every replicate's AUCs (True) or use the linear expansion of
    :class:`_FoldDrops` (False); None chooses by size (:data:`_EXACT_AUC_LIMIT`). Returns
    the table and the method used for the interval ("exact", "linear" or "" without one).
    """
    from .._resample import progress_bar

    J = len(drivers)
    n = int(sum(len(y) for y, _, _ in stored))
    boot = bool(n_boot and n_boot > 0 and stored)
    if exact is None:
        vectors = 1 + stored[0][2].shape[0] * stored[0][2].shape[1] if stored else 1
        exact = n_boot * n * vectors <= _EXACT_AUC_LIMIT
    folds = [_FoldDrops(y, base, permuted, w, exact=bool(exact and boot))
             for (y, base, permuted), w in zip(stored, weights, strict=True)]
    est = np.mean([f.point for f in folds], axis=0) if folds else np.zeros(J)
    se = lower = upper = np.full(J, np.nan)
    method = ""
    if boot:
        method = "exact" if exact else "linear"
        sizes = [len(y) for y, _, _ in stored]
        edges = np.r_[0, np.cumsum(sizes)]
        w_all = np.concatenate(weights)
        # Keep each chunk near 2 million weights (the exact path works on a few (chunk,
        # n_fold) arrays per vector). The draws come from one generator row by row, so
        # chunking does not change the replicates.
        chunk = max(1, min(n_boot, 2_000_000 // max(n, 1)))
        reps = []
        with progress_bar(n_boot, enabled=progress, desc="permutation bootstrap") as bar:
            for Wb in iter_bootstrap_weights(n, n_boot, rng, chunk_size=chunk,
                                             base_weights=_unless_ones(w_all)):
                rep = np.zeros((Wb.shape[0], J))
                for f, fold in enumerate(folds):
                    rep += fold.replicates(Wb[:, edges[f]:edges[f + 1]])
                reps.append(rep / len(folds))
                bar.update(Wb.shape[0])
        R = np.concatenate(reps)
        lower, upper = percentile_interval(R, alpha)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN column: NaN se
            se = np.nanstd(np.where(np.isfinite(R), R, np.nan), axis=0, ddof=1)
    return pd.DataFrame({
        "permutation": est, "permutation_se": se,
        "permutation_lower": lower, "permutation_upper": upper,
    }, index=pd.Index(list(drivers), name="driver")), method


#: replicates x respondents x subsets up to which the dominance bootstrap refits
_REFIT_LIMIT = 50_000_000


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


def _subset_batches(groups: dict[str, list[int]], rows: int
                    ) -> list[tuple[list[int], np.ndarray]]:
    """Subsets of driver groups in batches of equal design width, smallest first.

    Each batch is ``(masks, columns)`` with ``columns`` of shape (subsets, 1 + width)
    indexing ``[1, X]`` (the constant first). Batches follow the number of drivers, so a
    subset's parent (without its last driver) always comes in an earlier batch, and hold
    at most about 8 million design entries.
    """
    subsets = _masks_columns(groups)
    by_width: dict[tuple[int, int], list[int]] = {}
    for mask, cols in enumerate(subsets):
        by_width.setdefault((bin(mask).count("1"), len(cols)), []).append(mask)
    out = []
    for (_, width), masks in sorted(by_width.items()):
        size = max(1, 8_000_000 // max(rows * (width + 1), 1))
        for i in range(0, len(masks), size):
            part = masks[i:i + size]
            design = np.array([[0, *(c + 1 for c in subsets[m])] for m in part],
                              dtype=np.intp)
            out.append((part, design))
    return out


def _pair_products(Xt: np.ndarray) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Products of every pair of design columns (upper triangle), (S, p(p+1)/2, n): each
    weighted information matrix is then one matrix-vector product per design."""
    S, p, n = Xt.shape
    iu = np.triu_indices(p)
    out = np.empty((S, len(iu[0]), n))
    for k, (i, j) in enumerate(zip(*iu, strict=True)):
        np.multiply(Xt[:, i], Xt[:, j], out=out[:, k])
    return out, iu


def _unpack(upper: np.ndarray, iu: tuple[np.ndarray, np.ndarray], p: int) -> np.ndarray:
    """Symmetric (S, p, p) matrices from their upper triangles (S, p(p+1)/2)."""
    out = np.empty((len(upper), p, p))
    out[:, iu[0], iu[1]] = upper
    out[:, iu[1], iu[0]] = upper
    return out


def _information(pairs: np.ndarray, iu: tuple[np.ndarray, np.ndarray], p: int,
                 curv: np.ndarray) -> np.ndarray:
    """Weighted information matrices sum_i curv_i x_i x_i' of every design, (S, p, p)."""
    return _unpack((pairs @ curv[:, :, None])[:, :, 0], iu, p)


def _newton_many(Xt: np.ndarray, y: np.ndarray, w: np.ndarray, beta: np.ndarray,
                 pairs: tuple[np.ndarray, tuple[np.ndarray, np.ndarray]] | None = None,
                 tol: float = 1e-6, max_iter: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Weighted logits of ``S`` designs at once (``Xt`` (S, p, n), designs transposed),
    by Newton from ``beta`` (S, p); returns the coefficients and the linear predictors.

    The subsets' fits enter the dominance analysis through their maximised
    log-likelihood, which is flat at the optimum: a last step below ``tol`` leaves a
    coefficient error of order tol^2 and a log-likelihood error far below rounding.
    ``pairs``: :func:`_pair_products` of ``Xt`` if already computed.
    """
    S, p, _ = Xt.shape
    beta = beta.copy()
    prods, iu = _pair_products(Xt) if pairs is None else pairs
    active = np.ones(S, dtype=bool)
    for _ in range(max_iter):
        if not active.any():
            break
        idx = slice(None) if active.all() else np.flatnonzero(active)
        X = Xt[idx]
        mu = _expit((beta[idx, None, :] @ X)[:, 0, :])
        grad = (X @ (w * (y - mu))[:, :, None])[:, :, 0]
        curv = mu * (1.0 - mu)
        curv *= w
        hess = _information(prods[idx], iu, p, curv)
        try:
            step = np.linalg.solve(hess, grad[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            step = np.einsum("sij,sj->si", np.linalg.pinv(hess), grad)
        size = np.abs(step).max(axis=1, keepdims=True)
        step = np.where(size > 5.0, step * (5.0 / np.maximum(size, 1e-300)), step)
        beta[idx] += step
        active[idx] = np.abs(step).max(axis=1) >= tol
    eta = (beta[:, None, :] @ Xt)[:, 0, :]
    return beta, eta


def _one_step_batch(Xt: np.ndarray, y: np.ndarray, w: np.ndarray, W: np.ndarray,
                    eta: np.ndarray, lik: np.ndarray,
                    pairs: tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """One-step log-likelihoods (B, S) of a batch of designs for the replicate weights
    ``W``, at the linear predictors ``eta`` (per-row log-likelihoods ``lik``)."""
    S, p, n = Xt.shape
    mu = _expit(eta)
    h_inv = np.linalg.pinv(_information(pairs[0], pairs[1], p, w * mu * (1.0 - mu)))
    # per row: log-likelihood and score, side by side for one product with the weights
    terms = np.empty((S, p + 1, n))
    terms[:, 0] = lik
    np.multiply(Xt, (y - mu)[:, None, :], out=terms[:, 1:])
    prod = (W @ terms.reshape(S * (p + 1), n).T).reshape(len(W), S, p + 1)
    g = prod[:, :, 1:]
    ratio = W.sum(axis=1) / w.sum()
    return prod[:, :, 0] + 0.5 * np.einsum("bsi,sij,bsj->bs", g, h_inv, g,
                                           optimize=True) / ratio[:, None]


def _pseudo_r2(ll: np.ndarray) -> np.ndarray:
    fits = 1.0 - ll / ll[:, [0]]
    fits[:, 0] = 0.0
    return fits


def one_step_subset_fits(X: np.ndarray, y: np.ndarray, w: np.ndarray, W: np.ndarray,
                         groups: dict[str, list[int]], starts: list[np.ndarray],
                         tick: Callable[[int], None] | None = None) -> np.ndarray:
    """McFadden pseudo-R2 of every subset for every replicate, by a one-step expansion.

    Replicate ``b`` reweights the respondents (``W[b]`` = resampling count x survey
    weight ``w``). Instead of refitting, its maximised log-likelihood is expanded around
    the full-sample estimate ``beta`` of each subset (``starts``):
    ``LL_b = sum_i W_bi l_i(beta) + g_b' H^-1 g_b / (2 r_b)``, with ``l_i`` and ``s_i``
    each respondent's log-likelihood and score at ``beta``, ``g_b = sum_i W_bi s_i``,
    ``H`` the full-sample information and ``r_b = sum W_b / sum w`` (the one-step
    Newton update ``beta + H^-1 g_b / r_b`` put into the quadratic model). The error
    is of order 1 / sqrt(n) on the log-likelihood (order n^-3/2 on the pseudo-R2),
    far below the bootstrap spread, and every replicate of every subset comes from two
    matrix products instead of Newton iterations on ``B x n`` arrays. Agreement with
    refitted replicates is checked in ``tests/loyalty/test_loyalty_speed.py``.
    The rows may be respondents or cells of respondents pooled by :class:`_Cells`
    (``w`` and ``W`` then hold the pooled weights).
    """
    n = len(y)
    ll = np.empty((W.shape[0], 1 << len(groups)))
    Zt = np.vstack([np.ones((1, n)), np.asarray(X, dtype=float).T])
    for masks, cols in _subset_batches(groups, n):
        Xt = Zt[cols]                                       # (S, p, n)
        eta = (np.array([starts[m] for m in masks])[:, None, :] @ Xt)[:, 0, :]
        lik = y * eta - np.logaddexp(0.0, eta)
        ll[:, masks] = _one_step_batch(Xt, y, w, W, eta, lik, _pair_products(Xt))
        if tick is not None:
            tick(len(masks))
    return _pseudo_r2(ll)


def subset_coefficients(X: np.ndarray, y: np.ndarray, w: np.ndarray,
                        groups: dict[str, list[int]]) -> list[np.ndarray]:
    """Logit coefficients of every subset on the full sample (warm starts)."""
    return _subset_coefficients(X, y, w, groups)[0]


def _subset_coefficients(X: np.ndarray, y: np.ndarray, w: np.ndarray,
                         groups: dict[str, list[int]], W: np.ndarray | None = None,
                         tick: Callable[[int], None] | None = None
                         ) -> tuple[list[np.ndarray], np.ndarray, np.ndarray | None]:
    """Coefficients and weighted log-likelihood of every subset's logit on the sample,
    and (given replicate weights ``W``) the one-step log-likelihoods of the replicates.

    Subsets with the same number of drivers and design width are fitted together
    (:func:`_newton_many`), each from the fit of the subset without its last driver
    (new coefficients at 0): close to its own optimum, so Newton needs few steps. With
    ``W``, each batch's per-row terms at its optimum feed :func:`one_step_subset_fits`'s
    expansion right away (the same numbers as calling it afterwards).
    """
    n = len(y)
    Zt = np.vstack([np.ones((1, n)), np.asarray(X, dtype=float).T])
    out: list[np.ndarray] = [np.empty(0)] * (1 << len(groups))
    lls = np.empty(1 << len(groups))
    boot = None if W is None else np.empty((W.shape[0], 1 << len(groups)))
    for masks, cols in _subset_batches(groups, n):
        start = np.zeros(cols.shape)
        for i, mask in enumerate(masks):
            if mask:
                last = mask.bit_length() - 1  # its columns come last in the design
                parent = out[mask ^ (1 << last)]
                start[i, :len(parent)] = parent
        Xt = Zt[cols]
        pairs = _pair_products(Xt)
        beta, eta = _newton_many(Xt, y, w, start, pairs)
        lik = y * eta - np.logaddexp(0.0, eta)
        lls[masks] = lik @ w
        for i, mask in enumerate(masks):
            out[mask] = beta[i]
        if boot is not None and W is not None:
            boot[:, masks] = _one_step_batch(Xt, y, w, W, eta, lik, pairs)
            if tick is not None:
                tick(len(masks))
    return out, lls, boot


class _Cells:
    """Respondents with the same design row and outcome, pooled (a count table).

    Every fit and replicate of the dominance analysis depends on the respondents only
    through weighted sums over them, so respondents sharing ``(x, y)`` can be replaced by
    one row carrying their total weight: survey drivers on answer scales repeat a few
    thousand distinct rows among many respondents. Bootstrap replicates are pooled the
    same way (``pool``), so every number equals the one computed on the respondents
    (up to the order of summation).
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, w: np.ndarray) -> None:
        n = len(y)
        key = np.zeros(n, dtype=np.int64)
        size = 1
        for col in np.column_stack([X, y]).T:
            _, code = np.unique(col, return_inverse=True)
            m = int(code.max()) + 1 if n else 1
            if size * m >= 2**62:  # recode the key so far before it could overflow
                _, key = np.unique(key, return_inverse=True)
                size = int(key.max()) + 1
            key = key * m + code.ravel()
            size *= m
        uniq, self.index = np.unique(key, return_inverse=True)
        self.index = self.index.ravel()
        self.k = len(uniq)
        first = np.zeros(self.k, dtype=np.int64)
        first[self.index[::-1]] = np.arange(n)[::-1]  # a respondent of each cell
        self.X, self.y = X[first], y[first]
        self.w = np.bincount(self.index, weights=w, minlength=self.k)
        self._matrix: Any = None

    def pool(self, W: np.ndarray) -> np.ndarray:
        """Replicate weights (B, n) -> pooled weights per cell (B, k)."""
        if self._matrix is None:
            from scipy import sparse

            n = len(self.index)
            self._matrix = sparse.csr_matrix(
                (np.ones(n), (self.index, np.arange(n))), shape=(self.k, n))
        return np.asarray((self._matrix @ W.T).T)


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
    progress: bool | None = False,
) -> tuple[pd.DataFrame, dict[str, float | str]]:
    """General dominance of each driver group with bootstrap intervals.

    Returns the table (index = driver; ``dominance``, its interval, ``share`` of the total
    fit and its interval) and the total fit with its interval. With more than
    ``max_drivers`` groups the table is all NaN, the total empty, and a
    :class:`FragileResultWarning` says why. ``progress`` shows a bar over the bootstrap
    (``None``: only on a terminal).

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
    # Pool respondents with the same design row and outcome when that shrinks the data
    # by a fifth or more (survey answer scales): the same sums, over fewer rows.
    cells = _Cells(X, y, w)
    pooled = cells.k <= 0.8 * n
    Xc, yc, wc = (cells.X, cells.y, cells.w) if pooled else (X, y, w)
    rows = Xc.shape[0]
    boot = bool(n_boot and n_boot > 0)
    # Small problems refit every replicate (three Newton steps from the full-sample
    # estimate); larger ones use the one-step expansion (see one_step_subset_fits),
    # whose error shrinks with n and is far below the bootstrap spread there.
    # (the expansion is around the full-sample subset fits, which only logit has)
    one_step = boot and kind == "logit" and n_boot * n * (1 << k) > _REFIT_LIMIT
    # Bound memory: refits allocate (chunk, rows, p, p) work arrays, the expansion
    # (chunk, rows) replicate weights (all replicates at once when they fit in 50
    # million weights: each subset's terms are then computed once, with its fit).
    budget = 50_000_000 if one_step else 20_000_000 // (X.shape[1] + 1)
    chunk = max(1, min(n_boot, budget // max(rows, 1))) if boot else 0
    # Replicates are drawn per respondent, then pooled into cells; draws come from one
    # generator row by row, so the chunking does not change them.
    draw = max(1, min(chunk, 20_000_000 // max(n, 1)))
    replicates = iter_bootstrap_weights(n, n_boot, random_state, chunk_size=draw,
                                        base_weights=_unless_ones(w)) if boot else iter(())
    buffer: list[np.ndarray] = []
    sizes = [min(chunk, n_boot - s) for s in range(0, n_boot, chunk)] if boot else []
    # one fit per subset gives the point estimate and the bootstrap's expansion points;
    # with all replicates in one chunk, the expansion runs with the fits
    together = one_step and len(sizes) == 1
    from .._resample import progress_bar

    # step by step: one tick per subset model and chunk of replicates (and, when the
    # replicates are all drawn first, per chunk drawn)
    bar = progress_bar(len(sizes) * (1 << k) + (math.ceil(n_boot / draw) if together else 0),
                       enabled=progress if boot else False, desc="dominance bootstrap")

    def pooled_chunk(size: int) -> np.ndarray:
        """The next ``size`` replicates, pooled into cells."""
        while sum(len(b) for b in buffer) < size:
            Wb = next(replicates)
            buffer.append(cells.pool(Wb) if pooled else Wb)
            if together:
                bar.update(1)
        block = buffer[0] if len(buffer) == 1 else np.concatenate(buffer)
        buffer[:] = [block[size:]] if len(block) > size else []
        return block[:size]

    gds, totals = [], []
    starts = None
    if kind == "logit":
        Wb = pooled_chunk(n_boot) if together else None
        starts, ll, ll_boot = _subset_coefficients(Xc, yc, wc, groups, Wb, tick=bar.update)
        point = _pseudo_r2(ll[None, :])
        if ll_boot is not None:
            fits = _pseudo_r2(ll_boot)
            gds.append(shapley_from_fits(fits, k))
            totals.append(fits[:, -1])
            sizes = []
    else:
        point = subset_fits(Xc, yc, wc[None, :], groups, kind)
    gd = shapley_from_fits(point, k)[0]
    total = float(point[0, -1])
    table = pd.DataFrame({"dominance": gd}, index=pd.Index(names, name="driver"))
    table["share"] = gd / total if total > 0 else np.nan
    result_total: dict[str, float | str] = {
        "fit": total, "lower": np.nan, "upper": np.nan,
        "measure": "McFadden pseudo-R2" if kind == "logit" else "R2"}
    for col in ("dominance", "share"):
        table[f"{col}_lower"] = np.nan
        table[f"{col}_upper"] = np.nan
    if boot:
        result_total["bootstrap"] = "one-step" if one_step else "refit"
        with bar:
            for size in sizes:
                Wb = pooled_chunk(size)
                if one_step and starts is not None:  # one_step implies the logit starts
                    fits = one_step_subset_fits(Xc, yc, wc, Wb, groups, starts,
                                                tick=bar.update)
                else:
                    fits = subset_fits(Xc, yc, Wb, groups, kind, starts)
                    bar.update(1 << k)
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
