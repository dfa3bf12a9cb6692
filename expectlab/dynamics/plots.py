"""Plots of the expectation-dynamics models: GMM vs naive estimates, attrition, the
promise chain (loyalty against promise level, a heat map over promise and performance)
and service recovery (effect sizes, moderation by complaint handling).

Every function takes ``ax=None`` (a new figure when None) and returns the Axes; labels
that come from the data are drawn literally (no mathtext).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["plot_bias", "plot_attrition", "plot_promise_curve", "plot_heatmap",
           "plot_effects", "plot_moderation"]


def _axes(ax: Any, figsize: tuple[float, float] = (6.5, 4.2)) -> Any:
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    return ax


def _literal(text: Any) -> str:
    # a "$" in a client's label must not switch on mathtext
    return str(text).replace("$", r"\$")


def plot_bias(model: Any, ax: Any = None, equation: str | None = None, **kwargs: Any) -> Any:
    """GMM and naive within estimates of lambda, gamma and the drivers, with intervals."""
    ax = _axes(ax)
    equation = model._equation(equation)
    core = list(model.bias_.loc[equation].index)
    gmm = model.summary_.loc[equation].loc[core]
    naive = model.naive_.loc[equation].loc[core]
    y = np.arange(len(core))
    for table, off, label, marker in ((gmm, -0.15, "first-difference GMM", "o"),
                                      (naive, 0.15, "naive within (biased)", "s")):
        ax.errorbar(table["estimate"], y + off,
                    xerr=[table["estimate"] - table["lower"], table["upper"] - table["estimate"]],
                    fmt=marker, capsize=3, label=label, **kwargs)
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_yticks(y, [_literal(c) for c in core])
    ax.invert_yaxis()
    level = int(round(100 * (1 - model.alpha)))
    ax.set_xlabel(f"Estimate with {level}% interval")
    ax.set_title(_literal(f"Expectation updating: {equation}"))
    ax.legend(loc="best", fontsize="small")
    return ax


def plot_attrition(table: pd.DataFrame, ax: Any = None, **kwargs: Any) -> Any:
    """Customers answering each wave (bars) and leavers' vs stayers' satisfaction."""
    ax = _axes(ax)
    x = np.arange(len(table))
    labels = [_literal(w) for w in table.index]
    ax.bar(x, table["answered"], color="#9ecae1", label="customers answering", **kwargs)
    ax.set_xticks(x, labels)
    ax.set_xlabel("Wave")
    ax.set_ylabel("Customers answering")
    if "satisfaction_leavers" in table:
        ax2 = ax.twinx()
        ax2.plot(x, table["satisfaction_stayers"], "o-", color="#08519c",
                 label="stayers' satisfaction")
        ax2.plot(x, table["satisfaction_leavers"], "s--", color="#cb181d",
                 label="leavers' last satisfaction")
        ax2.set_ylabel("Mean satisfaction in the wave")
        h1, l1 = ax.get_legend_handles_labels()
        h2, l2 = ax2.get_legend_handles_labels()
        ax.legend(h1 + h2, l1 + l2, loc="lower left", fontsize="small")
    ax.set_title("Panel attrition")
    return ax


def plot_promise_curve(chain: Any, ax: Any = None, what: str = "loyalty", **kwargs: Any
                       ) -> Any:
    """Mean loyalty (or satisfaction) against the promise level, with the bootstrap band
    and the loyalty-maximising promise."""
    ax = _axes(ax)
    curve = chain.promise_curve_
    col = {"loyalty": "loyalty", "satisfaction": "satisfaction",
           "expectation": "expectation"}[what]
    x = curve.index.to_numpy(dtype=float)
    scale = 100.0 if col == "loyalty" else 1.0
    ax.fill_between(x, scale * curve[f"{col}_lower"], scale * curve[f"{col}_upper"],
                    alpha=0.25, color="#3182bd",
                    label=f"{int(round(100 * (1 - chain.alpha)))}% band")
    ax.plot(x, scale * curve[col], color="#08519c", lw=2, label="estimate", **kwargs)
    ax.axvline(chain.current_promise_, color="grey", ls=":", label="current mean promise")
    if col == "loyalty":
        opt = chain.optimum_
        ax.axvline(opt["estimate"], color="#cb181d", ls="--", label="loyalty-maximising promise")
        ax.axvspan(opt["lower"], opt["upper"], color="#cb181d", alpha=0.08)
    ax.set_xlabel(_literal(f"Promise level ({chain.columns_['promise']})"))
    ax.set_ylabel("Loyal customers (%)" if col == "loyalty" else f"Mean {col}")
    ax.set_title(_literal(f"{col.capitalize()} against the promise "
                          f"({chain.horizon_text_})"))
    ax.legend(loc="best", fontsize="small")
    return ax


def plot_heatmap(chain: Any, ax: Any = None, what: str = "loyalty", **kwargs: Any) -> Any:
    """Heat map of mean loyalty (%) or satisfaction over promise level and performance
    change."""
    ax = _axes(ax, (6.5, 4.8))
    grid = chain.heatmap_[what]
    values = grid.to_numpy(dtype=float) * (100.0 if what == "loyalty" else 1.0)
    x = grid.columns.to_numpy(dtype=float)
    y = grid.index.to_numpy(dtype=float)
    mesh = ax.pcolormesh(x, y, values, shading="nearest", cmap="viridis", **kwargs)
    cbar = ax.figure.colorbar(mesh, ax=ax)
    cbar.set_label("Loyal customers (%)" if what == "loyalty" else f"Mean {what}")
    best = np.argmax(values, axis=1)
    ax.plot(x[best], y, color="white", lw=1.5, ls="--",
            label="best promise at each performance level")
    ax.set_xlabel(_literal(f"Promise level ({chain.columns_['promise']})"))
    ax.set_ylabel("Change in performance (scale points)")
    ax.set_title(_literal(f"{what.capitalize()} over promise and performance "
                          f"({chain.horizon_text_})"))
    ax.legend(loc="upper left", fontsize="small")
    return ax


def plot_effects(recovery: Any, ax: Any = None, **kwargs: Any) -> Any:
    """Forest plot of Hedges g per outcome and comparison, with the equivalence margin."""
    ax = _axes(ax, (6.5, 0.6 + 0.45 * len(recovery.summary)))
    table = recovery.summary
    labels = [_literal(f"{o}: {c}") for o, c in table.index]
    y = np.arange(len(table))
    ax.errorbar(table["estimate"], y, xerr=[table["estimate"] - table["lower"],
                                            table["upper"] - table["estimate"]],
                fmt="o", capsize=3, color="#08519c", **kwargs)
    m = recovery.margin
    ax.axvspan(-m, m, color="grey", alpha=0.15, label=f"equivalence margin (|g| < {m:g})")
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel("Hedges g (standardised mean difference) with "
                  f"{int(round(100 * (1 - recovery.alpha)))}% interval")
    ax.set_title("Service recovery: group differences")
    ax.legend(loc="best", fontsize="small")
    return ax


def plot_moderation(recovery: Any, ax: Any = None, outcome: str | None = None,
                    **kwargs: Any) -> Any:
    """Recovered minus no-failure difference against the rated complaint handling."""
    ax = _axes(ax)
    if recovery.paradox_by_handling_ is None:
        from .._errors import InputError

        raise InputError("No handling rating was given (fit(..., handling=...)), so there "
                         "is no moderation to plot.")
    outcome = outcome or recovery.outcomes_[0]
    table = recovery.paradox_by_handling_.loc[outcome]
    x = table.index.to_numpy(dtype=float)
    ax.fill_between(x, table["lower"], table["upper"], alpha=0.25, color="#3182bd")
    ax.plot(x, table["estimate"], "o-", color="#08519c", **kwargs)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xlabel(_literal(f"Rated complaint handling ({recovery.columns_['handling']})"))
    ax.set_ylabel(_literal(f"Recovered minus no failure ({outcome})"))
    ax.set_title("Does good complaint handling create a recovery paradox?")
    return ax
