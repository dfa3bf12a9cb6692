"""Held-out performance metrics for probability predictions, weighted and vectorised.

Every metric takes the outcome ``y`` (0/1), the predicted probabilities ``p`` and a weight
matrix ``W`` of shape ``(B, n)``: row 0 can be the survey weights (the point estimate) and
further rows bootstrap replicates (survey weights times resampling counts), so one call
gives the estimate and its bootstrap distribution without a Python loop over replicates.
With ``B = 1`` and ``W = weights`` the values equal scikit-learn's ``roc_auc_score``,
``average_precision_score``, ``brier_score_loss`` and ``log_loss`` with ``sample_weight``.

Calibration follows Steyerberg (Clinical Prediction Models, 2nd ed., 2019): the slope
is the coefficient of ``logit(p)`` in a logistic regression of ``y`` on it (1 = well
calibrated, < 1 = predictions too extreme), the intercept ("calibration-in-the-large") is
the intercept of a logistic regression with ``logit(p)`` as offset (0 = right on average).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._resample import iter_bootstrap_weights, percentile_interval
from .engines import batched_logit

__all__ = ["metric_table", "metric_values", "lift_table", "roc_auc", "pr_auc", "brier",
           "log_loss", "calibration"]

_EPS = 1e-15


def _unless_ones(w: np.ndarray) -> np.ndarray | None:
    """Survey weights to multiply into resampling counts, or None when all are 1 (the
    product would only copy the counts)."""
    return None if np.all(w == 1.0) else w


class _Ranking:
    """The sort of one prediction vector, done once and reused for any weight matrix.

    Weighted ROC AUC and average precision depend on the weights only through running
    sums taken in the order of the predictions. Sorting once and keeping, for every
    positive (event) respondent, where its tie group starts and ends among the positives
    and among the negatives lets each weight row be scored with two gathers and two
    cumulative sums (no sort, no grouping) per call.
    """

    def __init__(self, y: np.ndarray, p: np.ndarray) -> None:
        n = len(y)
        order = np.argsort(p)  # tie groups are found below: no stable sort needed
        ps = p[order]
        is_pos = y[order] == 1
        new = np.r_[True, ps[1:] != ps[:-1]]
        self.tied = bool(new.sum() < n)
        starts = np.flatnonzero(new)
        group = np.cumsum(new) - 1
        first = starts[group]                       # first sorted position of each tie group
        last = np.r_[starts[1:], n][group]          # one past its last position
        pos_before = np.r_[0, np.cumsum(is_pos)]    # positives before each sorted position
        neg_before = np.arange(n + 1) - pos_before
        at = np.flatnonzero(is_pos)                 # sorted positions of the positives
        self.pos = order[at]                        # their columns, ascending prediction
        self.neg = order[~is_pos]
        self.pos_lo = pos_before[first[at]]         # positives before the tie group
        self.neg_lo = neg_before[first[at]]         # negatives before the tie group
        self.neg_hi = neg_before[last[at]]          # negatives up to the end of the group

    def _sums(self, W: np.ndarray, pos_run: bool
              ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """Weights of the positives (ascending prediction), running sums of the positive
        (if asked) and negative weights with a leading 0."""
        B = W.shape[0]
        wp = W[:, self.pos]
        cp = None
        if pos_run:
            cp = np.empty((B, len(self.pos) + 1))
            cp[:, 0] = 0.0
            np.cumsum(wp, axis=1, out=cp[:, 1:])
        cn = np.empty((B, len(self.neg) + 1))
        cn[:, 0] = 0.0
        np.cumsum(W[:, self.neg], axis=1, out=cn[:, 1:])
        return wp, cp, cn

    def _numerator(self, wp: np.ndarray, cn: np.ndarray) -> np.ndarray:
        # negatives below each positive, plus half of those tied with it
        below = cn[:, self.neg_lo]
        if self.tied:
            below += cn[:, self.neg_hi]
            below *= 0.5
        return np.einsum("bi,bi->b", wp, below)

    def _roc(self, wp: np.ndarray, cn: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return self._numerator(wp, cn) / (wp.sum(axis=1) * cn[:, -1])

    def numerator(self, W: np.ndarray) -> np.ndarray:
        """Weighted count of correctly ordered (positive, negative) pairs, ties one half:
        the ROC AUC times (positive weight x negative weight), per row of ``W``."""
        wp, _, cn = self._sums(W, pos_run=False)
        return self._numerator(wp, cn)

    def _pr(self, wp: np.ndarray, cp: np.ndarray, cn: np.ndarray) -> np.ndarray:
        # At the threshold of a positive's tie group (everything predicted at least as
        # high are flagged): true positives = all positives minus those below the group,
        # flagged = everyone minus those below the group.
        total_pos = cp[:, -1]
        below_pos = cp[:, self.pos_lo]
        flagged = (total_pos + cn[:, -1])[:, None] - below_pos - cn[:, self.neg_lo]
        below_pos -= total_pos[:, None]  # now minus the true positives
        with np.errstate(invalid="ignore", divide="ignore"):
            precision = np.where(flagged > 0, -below_pos / flagged, 1.0)
            return np.einsum("bi,bi->b", wp, precision) / total_pos

    def roc_auc(self, W: np.ndarray) -> np.ndarray:
        """Weighted ROC AUC of every row of ``W`` (ties count one half)."""
        wp, _, cn = self._sums(W, pos_run=False)
        return self._roc(wp, cn)

    def pr_auc(self, W: np.ndarray) -> np.ndarray:
        """Weighted average precision of every row of ``W`` (step rule, ties grouped)."""
        wp, cp, cn = self._sums(W, pos_run=True)
        assert cp is not None  # asked for with pos_run=True
        return self._pr(wp, cp, cn)


def roc_auc(y: np.ndarray, p: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Weighted area under the ROC curve (ties count one half)."""
    return _Ranking(y, p).roc_auc(np.atleast_2d(W))


def pr_auc(y: np.ndarray, p: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Weighted average precision (area under the precision-recall curve, step rule)."""
    return _Ranking(y, p).pr_auc(np.atleast_2d(W))


def brier(y: np.ndarray, p: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Weighted Brier score (mean squared error of the probabilities)."""
    return (W @ (y - p) ** 2) / W.sum(axis=1)


def log_loss(y: np.ndarray, p: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Weighted log loss (negative mean log-likelihood), probabilities clipped at 1e-15."""
    pc = np.clip(p, _EPS, 1 - _EPS)
    return -(W @ (y * np.log(pc) + (1 - y) * np.log1p(-pc))) / W.sum(axis=1)


def calibration(y: np.ndarray, p: np.ndarray, W: np.ndarray,
                start: tuple[float, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Calibration slope and calibration-in-the-large intercept, one per weight row.

    ``start`` (slope, intercept), e.g. the full-sample values when ``W`` holds bootstrap
    replicates, starts the Newton iterations there (same converged values, fewer steps).
    """
    ev = _Evaluator(np.asarray(y, dtype=float), np.asarray(p, dtype=float))
    s = None if start is None else (np.array([0.0, start[0]]), np.array([start[1]]))
    W = np.atleast_2d(np.asarray(W, dtype=float))
    slope, inter = ev.calibration(ev.pool(W), s)
    return slope[:, 1], inter[:, 0]


class _Evaluator:
    """Every metric of one prediction vector for any weight matrix ``(B, n)``.

    Every metric depends on the weights only through their sums over respondents with
    the same prediction and outcome, so respondents are pooled once into such cells,
    sorted by prediction (a count table: answer scales give many ties). Each weight
    matrix is then pooled by one sparse product (which reads each respondent's
    replicate weights together) and everything else runs on the cells: the running
    sums behind both AUCs, each cell's Brier and log-loss terms, and the calibration
    fits. The numbers equal those computed respondent by respondent, up to the order of
    summation.
    """

    def __init__(self, y: np.ndarray, p: np.ndarray) -> None:
        from scipy import sparse

        n = len(y)
        values, value_of = np.unique(p, return_inverse=True)
        keys, cell_of = np.unique(2 * value_of.ravel() + (y == 1), return_inverse=True)
        cell_of = cell_of.ravel()
        k = len(keys)
        order = np.argsort(cell_of, kind="stable")
        indptr = np.r_[0, np.cumsum(np.bincount(cell_of, minlength=k))]
        self._pool = sparse.csr_matrix((np.ones(n), order, indptr), shape=(k, n))
        value = keys // 2
        is_pos = keys % 2 == 1
        pc = values[value]
        yc = is_pos.astype(float)
        self.y = yc
        self.pos = np.flatnonzero(is_pos)
        self.neg_mask = (~is_pos).astype(float)
        # a positive cell whose prediction also has a negative cell: that cell comes
        # right before it (cells are sorted by prediction, then outcome)
        before = self.pos - 1
        tied = (before >= 0) & (value[np.maximum(before, 0)] == value[self.pos])
        self.tied_at = np.flatnonzero(tied)      # positions among the positive cells
        self.tied_neg = before[tied]             # their negative cells
        clipped = np.clip(pc, _EPS, 1 - _EPS)
        # Brier term, log-loss term, event, one: every linear metric is one product
        self.rows = np.column_stack([(yc - pc) ** 2,
                                     -(yc * np.log(clipped) + (1 - yc) * np.log1p(-clipped)),
                                     yc, np.ones(k)])
        clipped = np.clip(pc, 1e-8, 1 - 1e-8)
        self.lp = np.log(clipped / (1 - clipped))
        self.design = np.column_stack([np.ones(k), self.lp])

    def pool(self, W: np.ndarray) -> np.ndarray:
        """Weights (B, n) summed per cell: (B, cells)."""
        # the sparse product reads each respondent's B weights together (rows of W.T);
        # the result is turned back so that running sums run along rows (much faster)
        return np.ascontiguousarray((self._pool @ np.ascontiguousarray(W.T)).T)

    def _aucs(self, C: np.ndarray, total_pos: np.ndarray, total: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
        """ROC AUC and average precision from pooled weights ``C`` (B, cells)."""
        cpos = C[:, self.pos]
        tie = C[:, self.tied_neg]
        # negatives predicted lower than each positive cell (those tied with it added in
        # full by the running sum: the cell sorts right before the positive one)
        neg_below = np.cumsum(C * self.neg_mask, axis=1)[:, self.pos]
        neg_below[:, self.tied_at] -= tie
        # ROC: negatives below each positive, plus half of those tied with it
        below = neg_below.copy()
        below[:, self.tied_at] += 0.5 * tie
        num = np.einsum("bi,bi->b", cpos, below)
        with np.errstate(invalid="ignore", divide="ignore"):
            roc = num / (total_pos * (total - total_pos))
        # Average precision: at the threshold of each positive cell's prediction,
        # true positives = positives minus those predicted lower, flagged = everyone
        # minus those predicted lower (one positive cell per prediction).
        pos_below = np.cumsum(cpos, axis=1)
        pos_below -= cpos
        flagged = neg_below
        flagged += pos_below
        np.subtract(total[:, None], flagged, out=flagged)
        np.subtract(total_pos[:, None], pos_below, out=pos_below)
        with np.errstate(invalid="ignore", divide="ignore"):
            precision = np.where(flagged > 0, pos_below / flagged, 1.0)
            pr = np.einsum("bi,bi->b", cpos, precision) / total_pos
        return roc, pr

    def calibration(self, W: np.ndarray, start: tuple[np.ndarray, np.ndarray] | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
        """Coefficients (intercept, slope) of the slope model and the intercept of the
        offset model, per row of the pooled weights ``W`` (B, cells); ``start``: the
        full-sample values of both."""
        s_beta, s_int = (None, None) if start is None else start
        # Replicates start at the full-sample fits (their first Newton step is shared)
        # and converge quadratically: a step below 1e-4 leaves an error of order 1e-8
        # (below 1e-11 in our checks), so they stop there.
        tol = 1e-8 if start is None else 1e-4
        beta, _, _ = batched_logit(self.design, self.y, W, start=s_beta, loglik=False,
                                   tol=tol)
        inter, _, _ = batched_logit(self.design[:, :1], self.y, W, offset=self.lp,
                                    start=s_int, loglik=False, tol=tol)
        return beta, inter

    def values(self, W: np.ndarray, start: tuple[np.ndarray, np.ndarray] | None = None
               ) -> tuple[dict[str, np.ndarray], tuple[np.ndarray, np.ndarray]]:
        """All metrics for every row of ``W`` (B, n) and the calibration fits."""
        C = self.pool(W)
        sums = C @ self.rows
        total = sums[:, 3]
        roc, pr = self._aucs(C, sums[:, 2], total)
        beta, inter = self.calibration(C, start)
        return {
            "roc_auc": roc,
            "pr_auc": pr,
            "brier": sums[:, 0] / total,
            "log_loss": sums[:, 1] / total,
            "calibration_slope": beta[:, 1],
            "calibration_intercept": inter[:, 0],
            "prevalence": sums[:, 2] / total,
        }, (beta, inter)


def metric_values(y: np.ndarray, p: np.ndarray, W: np.ndarray,
                  start: tuple[float, float] | None = None) -> dict[str, np.ndarray]:
    """All metrics for every row of ``W`` (``start``: see :func:`calibration`)."""
    s = None if start is None else (np.array([0.0, start[0]]), np.array([start[1]]))
    ev = _Evaluator(np.asarray(y, dtype=float), np.asarray(p, dtype=float))
    return ev.values(np.atleast_2d(np.asarray(W, dtype=float)), s)[0]


_LABELS = {
    "roc_auc": "ROC AUC (0.5 = chance, 1 = perfect ranking)",
    "pr_auc": "PR AUC / average precision (baseline = prevalence)",
    "brier": "Brier score (lower is better)",
    "log_loss": "Log loss (lower is better)",
    "calibration_slope": "Calibration slope (1 = calibrated, < 1 = too extreme)",
    "calibration_intercept": "Calibration intercept (0 = right on average)",
    "prevalence": "Share of the outcome event (weighted)",
}


def metric_table(
    y: np.ndarray,
    p: np.ndarray,
    weights: np.ndarray | None = None,
    *,
    n_boot: int = 200,
    alpha: float = 0.05,
    random_state: int | np.random.Generator | None = None,
    progress: bool | None = False,
) -> pd.DataFrame:
    """Held-out metrics with percentile bootstrap intervals over respondents.

    The bootstrap resamples respondents with their out-of-fold predictions fixed, so the
    interval reflects sampling variation of the evaluation set, not of the model fits.
    Every replicate is computed exactly, from its weights summed over respondents with
    the same prediction and outcome (the sort behind the AUCs done once); the calibration
    fits of a replicate start at the full-sample fit and stop when the Newton step falls
    below 1e-4 (quadratic convergence: an error below 1e-8).

    Examples
    --------
    >>> import numpy as np
    >>> from expectlab.loyalty.metrics import metric_table
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(0.05, 0.95, 500)
    >>> y = (rng.random(500) < p).astype(float)
    >>> tab = metric_table(y, p, n_boot=50, random_state=1)
    >>> bool(0.7 < tab.loc["roc_auc", "estimate"] < 0.9)
    True
    """
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    n = len(y)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    ev = _Evaluator(y, p)
    point, (beta, inter) = ev.values(w[None, :])
    table = pd.DataFrame({"estimate": {k: float(v[0]) for k, v in point.items()}})
    table["lower"] = np.nan
    table["upper"] = np.nan
    if n_boot and n_boot > 0:
        from .._resample import progress_bar

        reps: dict[str, list[np.ndarray]] = {k: [] for k in point}
        # Chunks of about 4 million weights bound the memory of the work arrays; the
        # replicates are drawn from one generator row by row, so the chunking does not
        # change them.
        chunk = max(1, min(n_boot, 4_000_000 // max(n, 1)))
        # Replicates start at the full-sample fits, so their first Newton step is shared
        start = (beta[0], inter[0])
        with progress_bar(n_boot, enabled=progress, desc="metric bootstrap") as bar:
            for Wb in iter_bootstrap_weights(n, n_boot, random_state, chunk_size=chunk,
                                             base_weights=_unless_ones(w)):
                for k, v in ev.values(Wb, start)[0].items():
                    reps[k].append(v)
                bar.update(Wb.shape[0])
        for k in point:
            lo, hi = percentile_interval(np.concatenate(reps[k]), alpha)
            table.loc[k, ["lower", "upper"]] = [float(lo), float(hi)]
    table["meaning"] = pd.Series(_LABELS)
    table.index.name = "metric"
    return table


def lift_table(y: np.ndarray, p: np.ndarray, weights: np.ndarray | None = None,
               n_groups: int = 10) -> pd.DataFrame:
    """Decile lift table: respondents ranked by predicted probability, highest first.

    Columns: respondents, weighted share of the decile, mean predicted probability,
    observed (weighted) rate, lift (observed rate / overall rate) and the cumulative share
    of all events captured up to that decile.
    """
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    order = np.argsort(-p, kind="mergesort")
    cw = np.cumsum(w[order])
    group = np.minimum((n_groups * (cw - 0.5 * w[order]) / cw[-1]).astype(int), n_groups - 1)
    frame = pd.DataFrame({"group": group + 1, "w": w[order], "wy": w[order] * y[order],
                          "wp": w[order] * p[order]})
    g = frame.groupby("group")
    out = pd.DataFrame({
        "respondents": g.size(),
        "weight_share": g["w"].sum() / w.sum(),
        "mean_predicted": g["wp"].sum() / g["w"].sum(),
        "observed_rate": g["wy"].sum() / g["w"].sum(),
    })
    overall = (w * y).sum() / w.sum()
    out["lift"] = out["observed_rate"] / overall
    out["cumulative_capture"] = g["wy"].sum().cumsum() / (w * y).sum()
    out.index.name = "decile (1 = highest predicted)"
    return out
