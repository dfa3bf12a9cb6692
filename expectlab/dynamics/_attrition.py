"""Who left the panel after which wave, and were they less satisfied than those who stayed?"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["attrition_table"]


def _wmean_var(x: np.ndarray, w: np.ndarray) -> tuple[float, float, float]:
    """Weighted mean, the variance of that mean (Kish effective n) and the effective n."""
    ok = np.isfinite(x)
    x, w = x[ok], w[ok]
    if len(x) == 0 or w.sum() <= 0:
        return np.nan, np.nan, 0.0
    m = float(np.average(x, weights=w))
    n_eff = float(w.sum() ** 2 / (w**2).sum())
    if len(x) < 2:
        return m, np.nan, n_eff
    var = float(np.average((x - m) ** 2, weights=w)) * len(x) / (len(x) - 1)
    return m, var / n_eff, n_eff


def attrition_table(present: np.ndarray, waves: list, satisfaction: np.ndarray | None,
                    weights: np.ndarray, *, alpha: float = 0.05) -> pd.DataFrame:
    """Per wave: customers answering, leavers after the wave and their satisfaction.

    A leaver after wave t answered wave t and no later wave; the last wave has no
    leavers (nobody can be seen leaving yet). With satisfaction, the weighted mean
    satisfaction at wave t of leavers and of stayers (customers answering t and a later
    wave), their difference and a Welch-type interval.
    """
    N, T = present.shape
    idx = np.arange(T)
    last = np.where(present.any(axis=1), (present * idx).max(axis=1), -1)
    z = stats.norm.ppf(1 - alpha / 2)
    rows = []
    for t in range(T):
        here = present[:, t]
        left = here & (last == t) if t < T - 1 else np.zeros(N, dtype=bool)
        stay = here & (last > t)
        row = {"wave": waves[t], "answered": int(here.sum()), "left_after": int(left.sum()),
               "share_left": float(left.sum() / here.sum()) if here.any() else np.nan}
        if t == T - 1:
            row["share_left"] = np.nan
        if satisfaction is not None:
            s = satisfaction[:, t]
            ml, vl, _ = _wmean_var(s[left], weights[left])
            ms, vs, _ = _wmean_var(s[stay], weights[stay])
            diff = ml - ms
            se = np.sqrt(vl + vs) if np.isfinite(vl) and np.isfinite(vs) else np.nan
            row.update({"satisfaction_leavers": ml, "satisfaction_stayers": ms,
                        "difference": diff, "lower": diff - z * se, "upper": diff + z * se})
        rows.append(row)
    return pd.DataFrame(rows).set_index("wave")
