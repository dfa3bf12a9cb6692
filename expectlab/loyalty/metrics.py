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


def _groups(p: np.ndarray, descending: bool) -> tuple[np.ndarray, np.ndarray]:
    """Sort order and start positions of tied groups of ``p``."""
    order = np.argsort(-p if descending else p, kind="mergesort")
    ps = p[order]
    starts = np.flatnonzero(np.r_[True, ps[1:] != ps[:-1]])
    return order, starts


def _group_sums(W: np.ndarray, y: np.ndarray, order: np.ndarray, starts: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    Ws = W[:, order]
    ys = y[order]
    if len(starts) == len(y):  # no tied predictions: every group is one respondent
        return Ws * ys[None, :], Ws * (1 - ys)[None, :]
    pos = np.add.reduceat(Ws * ys[None, :], starts, axis=1)
    neg = np.add.reduceat(Ws * (1 - ys)[None, :], starts, axis=1)
    return pos, neg


def roc_auc(y: np.ndarray, p: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Weighted area under the ROC curve (ties count one half)."""
    order, starts = _groups(p, descending=False)
    pos, neg = _group_sums(W, y, order, starts)
    neg_below = np.cumsum(neg, axis=1) - neg
    num = (pos * (neg_below + 0.5 * neg)).sum(axis=1)
    den = pos.sum(axis=1) * neg.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / den


def pr_auc(y: np.ndarray, p: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Weighted average precision (area under the precision-recall curve, step rule)."""
    order, starts = _groups(p, descending=True)
    pos, neg = _group_sums(W, y, order, starts)
    tp = np.cumsum(pos, axis=1)
    fp = np.cumsum(neg, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), 1.0)
        return (pos * precision).sum(axis=1) / pos.sum(axis=1)


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
    pc = np.clip(p, 1e-8, 1 - 1e-8)
    lp = np.log(pc / (1 - pc))
    n = len(y)
    s_beta = s_int = None
    if start is not None:
        # intercept of the slope model: start from 0 (its value at a calibrated model)
        s_beta, s_int = np.array([0.0, start[0]]), np.array([start[1]])
    beta, _, _ = batched_logit(np.column_stack([np.ones(n), lp]), y, W, start=s_beta)
    inter, _, _ = batched_logit(np.ones((n, 1)), y, W, offset=lp, start=s_int)
    return beta[:, 1], inter[:, 0]


def metric_values(y: np.ndarray, p: np.ndarray, W: np.ndarray,
                  start: tuple[float, float] | None = None) -> dict[str, np.ndarray]:
    """All metrics for every row of ``W`` (``start``: see :func:`calibration`)."""
    slope, intercept = calibration(y, p, W, start=start)
    return {
        "roc_auc": roc_auc(y, p, W),
        "pr_auc": pr_auc(y, p, W),
        "brier": brier(y, p, W),
        "log_loss": log_loss(y, p, W),
        "calibration_slope": slope,
        "calibration_intercept": intercept,
        "prevalence": (W @ y) / W.sum(axis=1),
    }


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
    point = metric_values(y, p, w[None, :])
    table = pd.DataFrame({"estimate": {k: float(v[0]) for k, v in point.items()}})
    table["lower"] = np.nan
    table["upper"] = np.nan
    if n_boot and n_boot > 0:
        reps: dict[str, list[np.ndarray]] = {k: [] for k in point}
        # Keep chunks small: the calibration fits allocate (B, n, 2, 2) work arrays.
        chunk = max(1, min(n_boot, 2_000_000 // max(n, 1)))
        from .._resample import progress_bar

        start = (float(point["calibration_slope"][0]), float(point["calibration_intercept"][0]))
        with progress_bar(n_boot, enabled=progress, desc="metric bootstrap") as bar:
            for Wb in iter_bootstrap_weights(n, n_boot, random_state, chunk_size=chunk,
                                             base_weights=w):
                for k, v in metric_values(y, p, Wb, start=start).items():
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
