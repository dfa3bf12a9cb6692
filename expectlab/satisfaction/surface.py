"""Response surface parameters of a second-order polynomial (Edwards 2002; Shanock et al.
2010): a1..a5, the stationary point, the principal axes and the eigenvalues, with
delta-method standard errors and percentile bootstrap intervals.

With X = experience (P) and Y = expectation (E), both centred by the same constant, and
S = b0 + b1 X + b2 Y + b3 X^2 + b4 XY + b5 Y^2:

- along the line of congruence (Y = X): slope a1 = b1 + b2, curvature a2 = b3 + b4 + b5;
- along the line of incongruence (Y = -X): slope a3 = b1 - b2, curvature a4 = b3 - b4 + b5;
- a5 = b3 - b5 (is the first principal axis rotated away from the line of congruence?);
- stationary point (X0, Y0), first and second principal axes Y = p10 + p11 X and
  Y = p20 + p21 X, and the eigenvalues of [[b3, b4/2], [b4/2, b5]] (lambda1 >= lambda2;
  the first principal axis belongs to lambda1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .._resample import percentile_interval

__all__ = ["SURFACE_ROWS", "surface_table", "surface_values"]

SURFACE_ROWS = {
    "a1": "slope along the line of congruence (P = E)",
    "a2": "curvature along the line of congruence",
    "a3": "slope along the line of incongruence (P = -E)",
    "a4": "curvature along the line of incongruence",
    "a5": "b3 - b5 (rotation of the first principal axis away from P = E)",
    "X0": "stationary point, experience (centred units)",
    "Y0": "stationary point, expectation (centred units)",
    "p10": "first principal axis, intercept (centred units)",
    "p11": "first principal axis, slope",
    "p20": "second principal axis, intercept (centred units)",
    "p21": "second principal axis, slope",
    "lambda1": "larger eigenvalue (curvature along the first principal axis)",
    "lambda2": "smaller eigenvalue (curvature along the second principal axis)",
}


def surface_values(b: np.ndarray) -> np.ndarray:
    """Surface quantities for coefficient rows ``b`` (..., 6) -> (..., 13).

    Columns follow ``SURFACE_ROWS``. Undefined quantities (a flat or cylindrical surface has
    no unique stationary point; b4 = 0 leaves the axis slopes undefined) are NaN.
    """
    b = np.asarray(b, dtype=float)
    b1, b2, b3, b4, b5 = (b[..., j] for j in range(1, 6))
    with np.errstate(divide="ignore", invalid="ignore"):
        det = 4.0 * b3 * b5 - b4**2
        x0 = (b2 * b4 - 2.0 * b1 * b5) / det
        y0 = (b1 * b4 - 2.0 * b2 * b3) / det
        root = np.sqrt((b3 - b5) ** 2 + b4**2)
        p11 = (b5 - b3 + root) / b4
        p21 = (b5 - b3 - root) / b4
        p10 = y0 - p11 * x0
        p20 = y0 - p21 * x0
        lam1 = (b3 + b5 + root) / 2.0
        lam2 = (b3 + b5 - root) / 2.0
    out = np.stack([b1 + b2, b3 + b4 + b5, b1 - b2, b3 - b4 + b5, b3 - b5,
                    x0, y0, p10, p11, p20, p21, lam1, lam2], axis=-1)
    return np.where(np.isfinite(out), out, np.nan)


def _jacobian(b: np.ndarray) -> np.ndarray:
    """Central-difference Jacobian of ``surface_values`` at ``b`` (13 x 6)."""
    steps = 1e-6 * np.maximum(1.0, np.abs(b))
    plus = b[None, :] + np.diag(steps)
    minus = b[None, :] - np.diag(steps)
    return ((surface_values(plus) - surface_values(minus)) / (2.0 * steps[:, None])).T


def surface_table(b: np.ndarray, cov: np.ndarray, boot: np.ndarray | None = None,
                  alpha: float = 0.05) -> pd.DataFrame:
    """Estimates, delta-method SEs (z tests) and percentile bootstrap intervals.

    Parameters
    ----------
    b : array (6,)
        Full-polynomial coefficients b0..b5 (a constrained model mapped into them).
    cov : array (6, 6)
        Their covariance matrix.
    boot : array (B, 6), optional
        Bootstrap replicates of ``b``.
    alpha : float
        1 - confidence level.
    """
    est = surface_values(b)
    jac = _jacobian(np.asarray(b, float))
    with np.errstate(invalid="ignore"):
        se = np.sqrt(np.einsum("ij,jk,ik->i", jac, cov, jac))
    se = np.where(np.isfinite(est), se, np.nan)
    zq = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, est / se, np.nan)
    table = pd.DataFrame({
        "estimate": est, "se": se, "lower": est - zq * se, "upper": est + zq * se,
        "statistic": z, "p": 2 * stats.norm.sf(np.abs(z)),
    }, index=pd.Index(list(SURFACE_ROWS), name="parameter"))
    if boot is not None and len(boot):
        reps = surface_values(boot)
        lower, upper = percentile_interval(reps, alpha=alpha, axis=0)
        table["boot_lower"] = np.where(np.isfinite(est), lower, np.nan)
        table["boot_upper"] = np.where(np.isfinite(est), upper, np.nan)
    else:
        table["boot_lower"] = np.nan
        table["boot_upper"] = np.nan
    table["meaning"] = list(SURFACE_ROWS.values())
    return table
