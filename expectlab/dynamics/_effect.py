"""Standardised mean differences with weights: Hedges g, its analytic interval and the
two one-sided tests (TOST) of equivalence."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from .._errors import InputError

__all__ = ["EffectSize", "hedges_g", "tost"]


@dataclass(frozen=True)
class EffectSize:
    """Hedges g of group 1 minus group 2 with its standard error and interval.

    ``n1``/``n2`` are the (Kish effective, with weights) group sizes used for the
    standard error and the small-sample correction; ``difference`` is the raw
    difference of the (weighted) means.
    """

    g: float
    se: float
    lower: float
    upper: float
    n1: float
    n2: float
    difference: float
    pooled_sd: float


def _moments(x: np.ndarray, w: np.ndarray) -> tuple[float, float, float]:
    m = float(np.average(x, weights=w))
    n = len(x)
    var = float(np.average((x - m) ** 2, weights=w)) * n / (n - 1)
    n_eff = float(w.sum() ** 2 / (w**2).sum())
    return m, var, n_eff


def hedges_g(x1: np.ndarray, x2: np.ndarray, w1: np.ndarray | None = None,
             w2: np.ndarray | None = None, *, alpha: float = 0.05) -> EffectSize:
    """Hedges g (bias-corrected standardised mean difference) of ``x1`` minus ``x2``.

    ``g = J d`` with ``d`` the difference of (weighted) means over the pooled SD and
    ``J = 1 - 3 / (4 (n1 + n2) - 9)``; its standard error is
    ``sqrt((n1 + n2) / (n1 n2) + g^2 / (2 (n1 + n2)))`` (Hedges & Olkin 1985), with
    Kish effective sample sizes when weighted. The interval is ``g +- z se``.

    Examples
    --------
    >>> r = hedges_g(np.array([5., 6, 7, 6]), np.array([4., 5, 5, 4]))
    >>> round(r.g, 3)
    1.845
    """
    x1 = np.asarray(x1, float)
    x2 = np.asarray(x2, float)
    if len(x1) < 2 or len(x2) < 2:
        raise InputError(f"Hedges g needs at least 2 answers per group, got {len(x1)} and "
                         f"{len(x2)}.")
    w1 = np.ones(len(x1)) if w1 is None else np.asarray(w1, float)
    w2 = np.ones(len(x2)) if w2 is None else np.asarray(w2, float)
    m1, v1, n1 = _moments(x1, w1)
    m2, v2, n2 = _moments(x2, w2)
    pooled = np.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2))
    if not pooled > 0:
        raise InputError("Hedges g is undefined: every answer in both groups is the same.")
    d = (m1 - m2) / pooled
    J = 1 - 3 / (4 * (n1 + n2) - 9)
    g = J * d
    se = float(np.sqrt((n1 + n2) / (n1 * n2) + g**2 / (2 * (n1 + n2))))
    z = stats.norm.ppf(1 - alpha / 2)
    return EffectSize(g=float(g), se=se, lower=float(g - z * se), upper=float(g + z * se),
                      n1=n1, n2=n2, difference=float(m1 - m2), pooled_sd=float(pooled))


def tost(estimate: float, se: float, margin: float, alpha: float = 0.05
         ) -> tuple[float, float, float]:
    """Two one-sided tests of ``|effect| < margin``: the p-value (the larger of the two
    one-sided p-values) and the ``1 - 2 alpha`` interval whose inclusion in
    ``(-margin, margin)`` is the same decision."""
    p_low = stats.norm.sf((estimate + margin) / se)   # H0: effect <= -margin
    p_high = stats.norm.cdf((estimate - margin) / se)  # H0: effect >= margin
    z = stats.norm.ppf(1 - alpha)
    return float(max(p_low, p_high)), float(estimate - z * se), float(estimate + z * se)
