"""Weighted means with t intervals (paired and Welch), and their bootstrap replicates.

Survey weights enter the t interval through Kish's effective sample size
``n_eff = (sum w)^2 / sum w^2``: the weighted variance is scaled to ``n_eff - 1`` degrees
of freedom and the standard error is ``s / sqrt(n_eff)``. With equal weights this is the
ordinary one-sample (paired) t interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["mean_table", "welch_table", "boot_means", "t_columns"]


def _moments(values: np.ndarray, w: np.ndarray) -> dict[str, np.ndarray]:
    """Column-wise weighted mean, variance (n_eff - 1 df), n and n_eff, NaN-aware."""
    x = np.atleast_2d(values.T).T if values.ndim == 1 else values
    mask = ~np.isnan(x)
    wm = w[:, None] * mask
    sw = wm.sum(axis=0)
    sw2 = (wm**2).sum(axis=0)
    xz = np.where(mask, x, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (wm * xz).sum(axis=0) / sw
        n_eff = sw**2 / sw2
        var_w = (wm * (xz - mean) ** 2).sum(axis=0) / sw
        var = var_w * n_eff / (n_eff - 1)
    return {"mean": mean, "var": var, "n": mask.sum(axis=0), "n_eff": n_eff}


def t_columns(estimate: np.ndarray, se: np.ndarray, df: np.ndarray, alpha: float,
              null: float = 0.0) -> dict[str, np.ndarray]:
    """estimate, se, lower, upper, statistic (t against ``null``), p and df."""
    with np.errstate(invalid="ignore", divide="ignore"):
        tq = stats.t.ppf(1 - alpha / 2, df)
        t = (estimate - null) / se
        p = 2 * stats.t.sf(np.abs(t), df)
    return {"estimate": estimate, "se": se, "lower": estimate - tq * se,
            "upper": estimate + tq * se, "statistic": t, "p": p, "df": df}


def mean_table(values: np.ndarray, w: np.ndarray, alpha: float, index: pd.Index
               ) -> pd.DataFrame:
    """One-sample t interval per column of ``values`` (rows = respondents, NaN missing).

    For a column of paired differences (P - E) this is the paired t interval.
    """
    m = _moments(np.asarray(values, float), np.asarray(w, float))
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(m["var"] / m["n_eff"])
    out = t_columns(m["mean"], se, m["n_eff"] - 1, alpha)
    table = pd.DataFrame(out, index=index)
    table["n"] = m["n"].astype(int)
    table["n_eff"] = m["n_eff"]
    return table


def welch_table(first: np.ndarray, w_first: np.ndarray, second: np.ndarray,
                w_second: np.ndarray, alpha: float, index: pd.Index) -> pd.DataFrame:
    """Welch interval of mean(second) - mean(first), column by column, independent samples.

    Degrees of freedom by Welch-Satterthwaite with the effective sample sizes.
    """
    a = _moments(np.asarray(first, float), np.asarray(w_first, float))
    b = _moments(np.asarray(second, float), np.asarray(w_second, float))
    with np.errstate(invalid="ignore", divide="ignore"):
        va, vb = a["var"] / a["n_eff"], b["var"] / b["n_eff"]
        se = np.sqrt(va + vb)
        df = (va + vb) ** 2 / (va**2 / (a["n_eff"] - 1) + vb**2 / (b["n_eff"] - 1))
    out = t_columns(b["mean"] - a["mean"], se, df, alpha)
    table = pd.DataFrame(out, index=index)
    table["n"] = (a["n"] + b["n"]).astype(int)
    table["n_eff"] = a["n_eff"] + b["n_eff"]
    return table


def boot_means(values: np.ndarray, boot_w: np.ndarray) -> np.ndarray:
    """Weighted column means for every bootstrap replicate, shape ``(B, k)``.

    ``boot_w`` (B, n) holds resampling counts times survey weights; missing values are
    left out of each column's mean (one matrix product for all replicates).
    """
    x = np.asarray(values, float)
    mask = ~np.isnan(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (boot_w @ np.where(mask, x, 0.0)) / (boot_w @ mask.astype(float))


def ordered_index(tuples: list[tuple], names: list[str]) -> pd.MultiIndex:
    """A MultiIndex whose levels keep the order of first appearance.

    Rows stay in questionnaire order and, because the codes are then sorted, selecting
    with ``.loc[("P - E", "dimension")]`` works without pandas' lexsort warning.
    """
    levels = [list(dict.fromkeys(t[k] for t in tuples)) for k in range(len(names))]
    codes = [[levels[k].index(t[k]) for t in tuples] for k in range(len(names))]
    return pd.MultiIndex(levels=levels, codes=codes, names=names)
