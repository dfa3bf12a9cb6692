"""Disconfirmation zones: respondents grouped by D = P - E (experience minus expectation)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .._errors import InputError

__all__ = ["DEFAULT_CUTS", "ZONES", "assign_zones", "zone_table"]

ZONES = ("very dissatisfied", "dissatisfied", "neutral", "satisfied", "very satisfied")
# Item means on a 1-7 scale move in steps of 1/3: |D| <= 0.5 means expectations met.
DEFAULT_CUTS = (-1.5, -0.5, 0.5, 1.5)


def _check_cuts(cuts: Sequence[float] | np.ndarray) -> np.ndarray:
    arr = np.asarray(cuts, dtype=float) if not isinstance(cuts, str) else np.array([])
    if arr.shape != (4,) or not np.all(np.isfinite(arr)) or np.any(np.diff(arr) <= 0):
        raise InputError(
            f"cuts must be four increasing numbers on D = P - E, e.g. {DEFAULT_CUTS}; got "
            f"{cuts!r}.")
    return arr


def assign_zones(d: np.ndarray,
                 cuts: Sequence[float] | np.ndarray = DEFAULT_CUTS) -> pd.Categorical:
    """Zone of each disconfirmation value; the neutral band includes both its ends."""
    c = _check_cuts(cuts)
    d = np.asarray(d, dtype=float)
    codes = np.select([d < c[0], d < c[1], d <= c[2], d <= c[3]], [0, 1, 2, 3], default=4)
    codes = np.where(np.isnan(d), -1, codes)
    return pd.Categorical.from_codes(codes, categories=list(ZONES), ordered=True)


def zone_table(d: np.ndarray, s: np.ndarray, w: np.ndarray,
               cuts: Sequence[float] = DEFAULT_CUTS, alpha: float = 0.05) -> pd.DataFrame:
    """Count, weighted share and weighted mean satisfaction (with t interval) per zone."""
    c = _check_cuts(cuts)
    zones = assign_zones(d, c)
    codes = np.asarray(zones.codes)
    rows = []
    bounds = [(-np.inf, c[0]), (c[0], c[1]), (c[1], c[2]), (c[2], c[3]), (c[3], np.inf)]
    for j, zone in enumerate(ZONES):
        mask = codes == j
        n = int(mask.sum())
        share = float(w[mask].sum() / w.sum())
        if n:
            wz = w[mask] / w[mask].sum()
            mean = float(wz @ s[mask])
            # Kish effective sample size keeps the interval honest under unequal weights.
            n_eff = 1.0 / float(wz @ wz)
            sd = float(np.sqrt(wz @ (s[mask] - mean) ** 2 * n / max(n - 1, 1)))
            se = sd / np.sqrt(n_eff) if n > 1 else np.nan
            tq = stats.t.ppf(1 - alpha / 2, max(n_eff - 1, 1)) if n > 1 else np.nan
        else:
            mean = se = tq = np.nan
        rows.append({"zone": zone, "d_from": bounds[j][0], "d_to": bounds[j][1], "n": n,
                     "share": share, "mean_satisfaction": mean, "se": se,
                     "lower": mean - tq * se, "upper": mean + tq * se})
    return pd.DataFrame(rows).set_index("zone")
