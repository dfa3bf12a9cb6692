"""Kano plots: Better-Worse scatter, drift arrows, stacked shares, functional /
dysfunctional means. Each takes ``ax=None`` and returns the matplotlib Axes; labels come
from the data and are drawn as plain text (matplotlib does not interpret HTML)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .classify import CATEGORIES, CATEGORY_NAMES

__all__ = ["plot_better_worse", "plot_drift_arrows", "plot_shares", "plot_share_trajectory",
           "plot_means", "CATEGORY_COLORS"]

CATEGORY_COLORS = {"A": "#4C9F70", "O": "#3B6EA8", "M": "#C0504D", "I": "#B0B0B0",
                   "R": "#8064A2", "Q": "#E0B040"}


def _axes(ax: Any) -> Any:
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(6.5, 5))
    return ax


def _label(key: Any) -> str:
    if isinstance(key, tuple):
        return " / ".join(str(k) for k in key)
    return str(key)


def _plain(text: str) -> str:
    # keep matplotlib from reading $...$ in client labels as maths
    return str(text).replace("$", r"\$")


def _quadrants(ax: Any) -> None:
    ax.axvline(0.5, color="0.75", lw=0.8, zorder=0)
    ax.axhline(0.5, color="0.75", lw=0.8, zorder=0)
    style = dict(color="0.55", fontsize=9, ha="center", va="center")
    ax.text(0.25, 0.97, "attractive", transform=ax.transAxes, **style)
    ax.text(0.75, 0.97, "one-dimensional", transform=ax.transAxes, **style)
    ax.text(0.75, 0.03, "must-be", transform=ax.transAxes, **style)
    ax.text(0.25, 0.03, "indifferent", transform=ax.transAxes, **style)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("Dissatisfaction if absent, |Worse|")
    ax.set_ylabel("Satisfaction if present, Better")


def plot_better_worse(summary: pd.DataFrame, ax: Any = None, *, intervals: bool = True,
                      labels: bool = True, title: str | None = "Better-Worse diagram",
                      **kwargs: Any) -> Any:
    """Better against |Worse| per attribute with interval bars and labels.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``KanoAnalysis.summary`` (columns better, worse and their _lower/_upper).
    ax : matplotlib Axes, optional
    intervals, labels : bool
        Draw the interval bars / the attribute labels.
    title : str or None
    **kwargs
        Passed to ``Axes.scatter``.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"better": [0.57], "worse": [-0.74]}, index=["App"])
    >>> ax = plot_better_worse(s, intervals=False)
    """
    ax = _axes(ax)
    x = -summary["worse"].to_numpy(dtype=float)
    y = summary["better"].to_numpy(dtype=float)
    if intervals and "better_lower" in summary:
        xerr = np.vstack([x - (-summary["worse_upper"].to_numpy(dtype=float)),
                          -summary["worse_lower"].to_numpy(dtype=float) - x])
        yerr = np.vstack([y - summary["better_lower"].to_numpy(dtype=float),
                          summary["better_upper"].to_numpy(dtype=float) - y])
        ax.errorbar(x, y, xerr=np.abs(xerr), yerr=np.abs(yerr), fmt="none", ecolor="0.5",
                    elinewidth=1, capsize=2, zorder=1)
    kwargs.setdefault("zorder", 2)
    index = summary.index
    if isinstance(index, pd.MultiIndex):
        # attribute x segment (or wave): colour by the last level, label each attribute once
        import matplotlib.pyplot as plt

        groups = index.get_level_values(-1).astype(str)
        cmap = plt.get_cmap("tab10")
        for gi, group in enumerate(pd.unique(groups)):
            m = np.asarray(groups == group)
            ax.scatter(x[m], y[m], color=cmap(gi % 10), label=_plain(group), **kwargs)
        ax.legend(title=_plain(index.names[-1] or ""), fontsize=8, loc="center right",
                  frameon=False)
        names = index.get_level_values(0).astype(str)
    else:
        kwargs.setdefault("color", "#3B6EA8")
        ax.scatter(x, y, **kwargs)
        names = [_label(k) for k in index]
    if labels:
        seen = set()
        for xi, yi, name in zip(x, y, names, strict=True):
            if name in seen:
                continue
            seen.add(name)
            ax.annotate(_plain(name), (xi, yi), xytext=(5, 4), textcoords="offset points",
                        fontsize=9)
    _quadrants(ax)
    if title:
        ax.set_title(title)
    return ax


def plot_drift_arrows(better_worse: pd.DataFrame, ax: Any = None, *, intervals: bool = True,
                      title: str | None = "Better-Worse drift across waves",
                      **kwargs: Any) -> Any:
    """Each attribute's Better-Worse position per wave joined by arrows (first to last).

    ``better_worse`` is ``KanoDrift.better_worse_`` (index attribute x wave).
    """
    import matplotlib.pyplot as plt

    ax = _axes(ax)
    index = better_worse.index
    # one trajectory per attribute (x segment when the index has a third level)
    extra = index.nlevels > 2
    keys: list[tuple[Any, ...]] = list(dict.fromkeys(
        (a, g) if extra else (a,) for a, g in zip(
            index.get_level_values(0),
            index.get_level_values(2) if extra else index.get_level_values(0), strict=True)))
    colors = plt.get_cmap("tab10")
    for i, key in enumerate(keys):
        mask = np.asarray(index.get_level_values(0) == key[0])
        if extra:
            mask &= np.asarray(index.get_level_values(2) == key[1])
        sub = better_worse[mask].droplevel(0)
        if extra:
            sub = sub.droplevel(-1)
        attr = " / ".join(str(k) for k in key)
        x = -sub["worse"].to_numpy(dtype=float)
        y = sub["better"].to_numpy(dtype=float)
        color = kwargs.get("color", colors(i % 10))
        if intervals and "better_lower" in sub:
            ax.errorbar(x, y, xerr=np.abs(np.vstack([x + sub["worse_upper"], -sub["worse_lower"]
                                                     - x])),
                        yerr=np.abs(np.vstack([y - sub["better_lower"], sub["better_upper"]
                                               - y])),
                        fmt="none", ecolor=color, alpha=0.35, elinewidth=1)
        for j in range(len(x) - 1):
            ax.annotate("", xy=(x[j + 1], y[j + 1]), xytext=(x[j], y[j]),
                        arrowprops=dict(arrowstyle="->", color=color, lw=1.5))
        ax.scatter(x, y, color=color, s=18, zorder=3)
        ax.annotate(_plain(f"{attr} (wave {sub.index[0]})"), (x[0], y[0]), xytext=(4, -10),
                    textcoords="offset points", fontsize=8, color=color)
    _quadrants(ax)
    if title:
        ax.set_title(title)
    return ax


def plot_shares(shares: pd.DataFrame, ax: Any = None, *,
                title: str | None = "Kano category shares", **kwargs: Any) -> Any:
    """Horizontal stacked bars of the six category shares, one bar per row of ``shares``."""
    ax = _axes(ax)
    left = np.zeros(len(shares))
    ylabels = [_plain(_label(k)) for k in shares.index]
    ypos = np.arange(len(shares))
    for c in CATEGORIES:
        vals = shares[c].to_numpy(dtype=float)
        ax.barh(ypos, vals, left=left, color=CATEGORY_COLORS[c],
                label=f"{c} {CATEGORY_NAMES[c]}", **kwargs)
        left += vals
    ax.set_yticks(ypos, ylabels)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("Share of respondents")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=3, fontsize=8,
              frameon=False)
    if title:
        ax.set_title(title)
    return ax


def plot_share_trajectory(trajectory: pd.DataFrame, ax: Any = None, *, kind: str = "stacked",
                          title: str | None = None, **kwargs: Any) -> Any:
    """Category shares over waves for one attribute.

    ``kind="stacked"``: stacked bars of the observed shares of all six categories.
    ``kind="lines"``: observed shares of A, O, M and I as points, with the fitted
    multinomial-logit trend (lines) and its 95% interval (bands).
    """
    ax = _axes(ax)
    waves = list(pd.unique(trajectory["wave"]))
    x = np.arange(len(waves))
    table = trajectory.pivot(index="wave", columns="category", values="observed")
    obs = table.loc[waves, list(CATEGORIES)]
    if kind == "stacked":
        bottom = np.zeros(len(waves))
        for c in CATEGORIES:
            vals = obs[c].to_numpy(dtype=float)
            ax.bar(x, vals, bottom=bottom, color=CATEGORY_COLORS[c], width=0.6,
                   label=f"{c} {CATEGORY_NAMES[c]}", **kwargs)
            bottom += vals
    elif kind == "lines":
        for c in ("A", "O", "M", "I"):
            sub = trajectory[trajectory["category"] == c].set_index("wave").loc[waves]
            color = CATEGORY_COLORS[c] if c != "I" else "0.45"
            ax.plot(x, sub["observed"], "o", color=color, label=f"{c} {CATEGORY_NAMES[c]}")
            ax.plot(x, sub["fitted"], "-", color=color, lw=1.2, **kwargs)
            ax.fill_between(x, sub["lower"].astype(float), sub["upper"].astype(float),
                            color=color, alpha=0.2, lw=0)
    else:
        from .._errors import InputError

        raise InputError(f"kind must be 'stacked' or 'lines', got {kind!r}.")
    ax.set_xticks(x, [_plain(str(w)) for w in waves])
    ax.set_xlabel("Wave")
    ax.set_ylabel("Share of respondents")
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    default = "Category shares over waves" if kind == "stacked" else \
        "Observed shares (points) and fitted trend (lines, 95% bands)"
    ax.set_title(_plain(title) if title else default)
    return ax


def plot_means(summary: pd.DataFrame, ax: Any = None, *, labels: bool = True,
               title: str | None = "Functional and dysfunctional means",
               **kwargs: Any) -> Any:
    """Mean dysfunctional score (x) against mean functional score (y) with intervals.

    Scores: functional like 4, expect 2, neutral 0, tolerate -1, dislike -2; dysfunctional
    like -2, expect -1, neutral 0, tolerate 2, dislike 4. The lines at 2 split the plane
    into attractive (top left), one-dimensional (top right), must-be (bottom right) and
    indifferent (bottom left).
    """
    ax = _axes(ax)
    x = summary["dysfunctional_mean"].to_numpy(dtype=float)
    y = summary["functional_mean"].to_numpy(dtype=float)
    if "functional_mean_lower" in summary:
        ax.errorbar(x, y,
                    xerr=np.abs(np.vstack([x - summary["dysfunctional_mean_lower"],
                                           summary["dysfunctional_mean_upper"] - x])),
                    yerr=np.abs(np.vstack([y - summary["functional_mean_lower"],
                                           summary["functional_mean_upper"] - y])),
                    fmt="none", ecolor="0.5", elinewidth=1, capsize=2)
    kwargs.setdefault("color", "#C0504D")
    ax.scatter(x, y, zorder=2, **kwargs)
    if labels:
        for xi, yi, key in zip(x, y, summary.index, strict=True):
            ax.annotate(_plain(_label(key)), (xi, yi), xytext=(5, 4),
                        textcoords="offset points", fontsize=9)
    ax.axvline(2, color="0.75", lw=0.8, zorder=0)
    ax.axhline(2, color="0.75", lw=0.8, zorder=0)
    ax.set_xlim(-2, 4)
    ax.set_ylim(-2, 4)
    ax.set_xlabel("Mean dysfunctional score (-2 like absence ... 4 dislike absence)")
    ax.set_ylabel("Mean functional score (-2 dislike ... 4 like)")
    if title:
        ax.set_title(title)
    return ax
