"""Plots for loyalty results: importance, calibration, the loyalty curve and lift.

Each function draws on ``ax`` (a new figure when ``None``), labels axes in words and
returns the Axes; no global style is changed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["plot_importance", "plot_calibration", "plot_curve", "plot_lift"]


def _literal(text: Any) -> str:
    """Data-derived text drawn as written: a ``$`` in a column or segment name must not
    switch matplotlib into mathtext (``"$5 plan"`` would render as maths or fail)."""
    return str(text).replace("$", r"\$")


def _axes(ax: Any, figsize: tuple[float, float] = (6.5, 4.0)) -> Any:
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_importance(importance: pd.DataFrame, ax: Any = None, **kwargs: Any) -> Any:
    """Driver importance: two panels of horizontal bars with their intervals.

    Left, permutation importance (drop in held-out ROC AUC when the driver is shuffled);
    right, the driver's share of explained fit from dominance analysis. With ``ax=None`` a
    new figure with both panels is made; a single Axes gets the first panel only, a pair of
    Axes both. Returns the first Axes.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 0.5 * len(importance) + 2.0), sharey=True)
    else:
        axes = ax if np.ndim(ax) else [ax]
    names = [str(i) for i in importance.index]
    pos = np.arange(len(names))
    panels = [("permutation", "Drop in held-out ROC AUC when shuffled"),
              ("share", "Share of explained fit (dominance analysis)")]
    for a, (col, label) in zip(np.atleast_1d(axes), panels, strict=False):
        if col not in importance or importance[col].isna().all():
            a.text(0.5, 0.5, "not available", ha="center", va="center",
                   transform=a.transAxes)
            a.set_xlabel(label)
            continue
        est = importance[col].to_numpy(dtype=float)
        lo = importance.get(f"{col}_lower", pd.Series(est)).to_numpy(dtype=float)
        hi = importance.get(f"{col}_upper", pd.Series(est)).to_numpy(dtype=float)
        err = np.vstack([np.clip(est - lo, 0, None), np.clip(hi - est, 0, None)])
        a.barh(pos, est, xerr=np.nan_to_num(err), color=kwargs.get("color", "tab:blue"),
               alpha=0.8, capsize=3)
        a.axvline(0, color="grey", lw=0.8)
        a.set_xlabel(label)
    first = np.atleast_1d(axes)[0]
    first.set_yticks(pos)
    first.set_yticklabels([_literal(n) for n in names])
    first.invert_yaxis()
    first.set_ylabel("Driver")
    first.figure.suptitle(kwargs.get("title", "Driver importance with 95% intervals"))
    return first


def plot_calibration(y: np.ndarray, p: np.ndarray, weights: np.ndarray | None = None,
                     ax: Any = None, n_bins: int = 10, **kwargs: Any) -> Any:
    """Reliability diagram: observed share against mean predicted probability by decile."""
    from .metrics import lift_table

    ax = _axes(ax, (5.0, 5.0))
    tab = lift_table(y, p, weights, n_groups=n_bins)
    ax.plot([0, 1], [0, 1], color="grey", ls="--", lw=1, label="perfect calibration")
    ax.plot(tab["mean_predicted"], tab["observed_rate"], marker="o",
            color=kwargs.get("color", "tab:blue"), label=kwargs.get("label", "held-out deciles"))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("Mean predicted probability (out-of-fold)")
    ax.set_ylabel("Observed share (weighted)")
    ax.set_title(kwargs.get("title", "Calibration of held-out predictions"))
    ax.legend(loc="upper left")
    return ax


def plot_curve(curve: Any, ax: Any = None, *, show_levels: bool = True, **kwargs: Any) -> Any:
    """The satisfaction-loyalty curve with its band, per group, and the level shares."""
    ax = _axes(ax)
    driver = curve.driver
    colors = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"]
    for i, (g, part) in enumerate(curve.curve_.groupby("group", sort=False)):
        c = colors[i % len(colors)]
        ax.plot(part[driver], part["probability"], color=c, label=_literal(g))
        ax.fill_between(part[driver], part["lower"], part["upper"], color=c, alpha=0.2)
        if show_levels:
            lv = curve.levels_[curve.levels_["group"] == g]
            ax.errorbar(lv["level"], lv["share_loyal"],
                        yerr=[np.clip(lv["share_loyal"] - lv["lower"], 0, None),
                              np.clip(lv["upper"] - lv["share_loyal"], 0, None)],
                        fmt="o", color=c, ms=4, capsize=2, alpha=0.7)
    ax.set_ylim(0, 1)
    name = _literal(driver)
    ax.set_xlabel(kwargs.get("xlabel", f"{name} (scale score)"))
    ax.set_ylabel(kwargs.get("ylabel", f"Probability loyal ({_literal(curve.outcome)})"))
    ax.set_title(kwargs.get("title", f"Loyalty along {name}: curve, 95% band, level shares"))
    if curve.curve_["group"].nunique() > 1:
        ax.legend(title=_literal(curve.by), loc="upper left")
    return ax


def plot_lift(lift: pd.DataFrame, ax: Any = None, **kwargs: Any) -> Any:
    """Bar chart of the decile lift table."""
    ax = _axes(ax)
    ax.bar(lift.index.astype(int), lift["lift"], color=kwargs.get("color", "tab:blue"))
    ax.axhline(1, color="grey", ls="--", lw=1)
    ax.set_xlabel("Decile of predicted probability (1 = highest)")
    ax.set_ylabel("Lift (observed rate / overall rate)")
    ax.set_title(kwargs.get("title", "Decile lift of held-out predictions"))
    return ax
