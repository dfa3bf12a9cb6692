"""Importance weights of the service-quality dimensions.

*Stated* importance: each respondent allocates points (usually 100) across the
dimensions (Parasuraman, Berry & Zeithaml 1991); a respondent's weights are their points
divided by their total. *Derived* importance: the regression weights of an overall
quality rating on the dimension perception scores, turned into shares of their sum.
Negative derived weights have no meaning as importance; they are set to zero with a
warning.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .._errors import FragileResultWarning
from ..satisfaction.fitting import wls_fit
from ._stats import t_columns

__all__ = ["stated_shares", "derived_importance", "derived_shares_boot", "shares_from_coefs"]


def stated_shares(points: np.ndarray) -> np.ndarray:
    """Per respondent, points / total points (NaN when a point is missing or total is 0)."""
    total = points.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = points / total[:, None]
    bad = np.isnan(points).any(axis=1) | ~(total > 0)
    shares[bad] = np.nan
    return shares


def shares_from_coefs(coefs: np.ndarray) -> np.ndarray:
    """Positive parts of the coefficients as shares of their sum (last axis)."""
    pos = np.clip(coefs, 0.0, None)
    with np.errstate(invalid="ignore", divide="ignore"):
        return pos / pos.sum(axis=-1, keepdims=True)


def _design(perception: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones(len(perception)), perception])


def derived_importance(overall: np.ndarray, perception: np.ndarray, w: np.ndarray,
                       names: list[str], alpha: float) -> pd.DataFrame:
    """Regression of overall quality on the dimension perception scores (HC3 errors)."""
    fit = wls_fit(_design(perception), overall, w, cov_type="HC3")
    coef = fit.params[1:]
    se = np.sqrt(np.diag(fit.cov))[1:]
    table = pd.DataFrame(t_columns(coef, se, np.full(len(coef), fit.df_inference), alpha),
                         index=pd.Index(names, name="dimension"))
    table["share"] = shares_from_coefs(coef)
    negative = [n for n, c in zip(names, coef, strict=True) if c < 0]
    if negative:
        warnings.warn(
            f"Derived importance: perception of {negative} has a negative regression weight "
            "on overall quality (often collinear dimensions); it is given importance 0. "
            "Stated importance (points) avoids this.", FragileResultWarning, stacklevel=4)
    return table


def derived_shares_boot(overall: np.ndarray, perception: np.ndarray,
                        boot_w: np.ndarray) -> np.ndarray:
    """Derived importance shares for every bootstrap replicate, shape ``(B, D)``."""
    z = np.column_stack([_design(perception), overall])
    cross = np.einsum("bn,ni,nj->bij", boot_w, z, z)
    k = z.shape[1] - 1
    coef = np.full((boot_w.shape[0], k), np.nan)
    for b in range(boot_w.shape[0]):
        try:
            coef[b] = np.linalg.solve(cross[b, :k, :k], cross[b, :k, k])
        except np.linalg.LinAlgError:
            pass
    return shares_from_coefs(coef[:, 1:])
