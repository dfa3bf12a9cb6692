"""Leakage guard: flag drivers that reproduce the outcome almost perfectly.

A survey driver that separates stayers from leavers with a single-variable ROC AUC near 1
was almost certainly recorded *because of* the outcome (a cancellation call, a complaint
logged during the exit interview, a loyalty item that is the outcome reworded). Such a
driver makes the model look excellent and is useless for prediction. The guard computes
each driver's own weighted AUC (direction-free: ``max(AUC, 1 - AUC)``) and warns, naming
the driver, when it reaches the threshold.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .._errors import FragileResultWarning
from .metrics import roc_auc

__all__ = ["leakage_report", "warn_leakage"]


def leakage_report(frame: pd.DataFrame, y: np.ndarray, weights: np.ndarray | None,
                   drivers: list[str], categories: dict[str, list[str]],
                   threshold: float = 0.98) -> pd.DataFrame:
    """Single-driver AUC of every driver and whether it crosses ``threshold``.

    Categorical drivers are scored by the outcome rate of their level (the best any
    model using only that driver can do).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from expectlab.loyalty.leakage import leakage_report
    >>> y = np.array([0, 0, 1, 1, 1, 0])
    >>> frame = pd.DataFrame({"left_flag": 1 - y, "noise": [3, 1, 2, 3, 1, 2]})
    >>> leakage_report(frame, y, None, ["left_flag", "noise"], {})["leaky"].tolist()
    [True, False]
    """
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    rows = []
    for d in drivers:
        if d in categories:
            codes = frame[d].astype("object").map(str)
            rate = pd.Series(w * y).groupby(codes.to_numpy()).sum() / \
                pd.Series(w).groupby(codes.to_numpy()).sum()
            score = codes.map(rate).to_numpy(dtype=float)
        else:
            score = frame[d].to_numpy(dtype=float)
        auc = float(roc_auc(y, score, w[None, :])[0])
        separation = max(auc, 1 - auc)
        rows.append({"driver": d, "single_driver_auc": separation,
                     "leaky": bool(separation >= threshold)})
    return pd.DataFrame(rows).set_index("driver")


def warn_leakage(report: pd.DataFrame, outcome: str, threshold: float) -> None:
    """Warn naming every driver flagged in ``report``."""
    flagged = report.index[report["leaky"]].tolist()
    if flagged:
        detail = ", ".join(f"{d!r} (AUC {report.loc[d, 'single_driver_auc']:.3f})"
                           for d in flagged)
        warnings.warn(
            f"Possible leakage: {detail} reproduce(s) the outcome {outcome!r} almost perfectly "
            f"on its own (single-driver AUC >= {threshold}). Such a column is usually "
            "recorded because of the outcome (e.g. a cancellation call) and cannot be known "
            "in advance; drop it from drivers unless you are sure it is measured before the "
            "outcome.", FragileResultWarning, stacklevel=4)
