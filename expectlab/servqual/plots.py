"""Plots of the service-quality estimators. Labels come from the data and are drawn as
literal text (no mathtext); every function returns the matplotlib Axes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._errors import InputError

__all__ = ["plot_gaps", "plot_profile", "plot_zone", "plot_ipa", "plot_penalty_reward",
           "plot_five_gaps"]


def _axes(ax: Any, size: tuple[float, float]):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def _literal(text: Any) -> str:
    # A '$' in a client label would switch matplotlib into mathtext.
    return str(text).replace("$", r"\$")


def _interval_rows(ax, table: pd.DataFrame, labels: list[str], color: str = "C0",
                   label: str | None = None, offset: float = 0.0) -> None:
    y = np.arange(len(table))[::-1] + offset
    est = table["estimate"].to_numpy()
    err = np.vstack([est - table["lower"].to_numpy(), table["upper"].to_numpy() - est])
    ax.errorbar(est, y, xerr=err, fmt="o", color=color, capsize=3, label=label)
    ax.set_yticks(np.arange(len(table))[::-1])
    ax.set_yticklabels([_literal(v) for v in labels])


def plot_gaps(model, level: str = "dimension", measure: str | None = None, ax=None,
              **kwargs):
    """Gap estimates with their t intervals, one row per item or dimension."""
    model._check_fitted()
    if level not in ("item", "dimension"):
        raise InputError(f"level must be 'item' or 'dimension', got {level!r}.")
    measures = list(model.gaps_.index.get_level_values("measure").unique())
    chosen = measures if measure is None else [measure]
    unknown = [m for m in chosen if m not in measures]
    if unknown:
        raise InputError(f"measure must be one of {measures}, got {measure!r}.")
    n_rows = len(model.gaps_.loc[(chosen[0], level)])
    ax = _axes(ax, (7, max(2.5, 0.35 * n_rows + 1.2)))
    for k, m in enumerate(chosen):
        table = model.gaps_.loc[(m, level)]
        _interval_rows(ax, table, list(table.index), color=f"C{k}", label=m,
                       offset=0.15 * (k - (len(chosen) - 1) / 2))
    ax.axvline(0, color="0.4", lw=1, ls="--")
    ax.set_xlabel("Gap in scale points (perception minus reference), "
                  f"{int(round((1 - model.alpha) * 100))}% interval")
    ax.set_title(f"Service-quality gaps per {level}")
    if len(chosen) > 1:
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    return ax


def plot_profile(model, level: str = "dimension", ax=None, **kwargs):
    """Mean answer of each battery per item or dimension (a 'snake' chart)."""
    model._check_fitted()
    if level not in ("item", "dimension"):
        raise InputError(f"level must be 'item' or 'dimension', got {level!r}.")
    means = model.means_.loc[level]
    ax = _axes(ax, (7, max(2.5, 0.35 * len(means) + 1.2)))
    y = np.arange(len(means))[::-1]
    markers = {"expectation": "s", "desired": "^", "adequate": "v", "perception": "o"}
    if "desired" in means and "adequate" in means:
        ax.hlines(y, means["adequate"], means["desired"], color="0.8", lw=6,
                  label="zone of tolerance")
    for k, role in enumerate(means.columns):
        ax.plot(means[role], y, markers.get(role, "o"), color=f"C{k}", label=role)
    ax.set_yticks(y)
    ax.set_yticklabels([_literal(v) for v in means.index])
    lo, hi = model.scale_
    ax.set_xlim(lo - 0.2, hi + 0.2)
    ax.set_xlabel(f"Mean answer (scale {lo:g} to {hi:g})")
    ax.set_title(f"Mean answers per {level}")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    return ax


def plot_zone(model, ax=None, **kwargs):
    """Share of respondents below, within and above the zone of tolerance per dimension."""
    model._check_fitted()
    if model.zone_ is None:
        raise InputError("plot_zone needs the three-column format (desired, adequate, "
                         "perceived); this model was fitted on expectation and perception.")
    zone = model.zone_.loc["dimension"]
    ax = _axes(ax, (7, max(2.5, 0.4 * len(zone) + 1.2)))
    y = np.arange(len(zone))[::-1]
    left = np.zeros(len(zone))
    colors = {"below": "#c0392b", "within": "#95a5a6", "above": "#27ae60",
              "inverted": "#34495e"}
    for pos, color in colors.items():
        ax.barh(y, zone[pos], left=left, color=color, label=pos)
        left += zone[pos].to_numpy()
    ax.set_yticks(y)
    ax.set_yticklabels([_literal(v) for v in zone.index])
    ax.set_xlim(0, 1)
    ax.set_xlabel("Share of respondents (perceived service vs zone of tolerance)")
    ax.set_title("Position relative to the zone of tolerance")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    return ax


def plot_ipa(model, ax=None, annotate: bool = True, **kwargs):
    """Importance-performance grid with bootstrap intervals and the cross-hairs."""
    model._check_fitted()
    table = model.quadrants_
    ax = _axes(ax, (7, 6))
    x, y = table["performance"], table["importance"]
    xerr = np.vstack([x - table["performance_lower"], table["performance_upper"] - x])
    yerr = np.vstack([y - table["importance_lower"], table["importance_upper"] - y])
    ax.errorbar(x, y, xerr=xerr, yerr=yerr, fmt="o", color="C0", ecolor="0.6", capsize=2)
    ax.axvline(model.crosshair_["performance"], color="0.4", ls="--", lw=1)
    ax.axhline(model.crosshair_["importance"], color="0.4", ls="--", lw=1)
    if annotate:
        for name, xi, yi in zip(table.index, x, y, strict=True):
            ax.annotate(_literal(name), (xi, yi), textcoords="offset points", xytext=(4, 4),
                        fontsize=8)
    ax.set_xlabel("Performance (mean rating)")
    ax.set_ylabel(f"Importance ({model.importance_source_})")
    ax.set_title("Importance-performance analysis")
    return ax


def plot_penalty_reward(model, ax=None, **kwargs):
    """Penalty (left) and reward (right) per attribute with their intervals."""
    model._check_fitted()
    table = model.classes_
    ax = _axes(ax, (7, max(2.5, 0.4 * len(table) + 1.2)))
    y = np.arange(len(table))[::-1]
    ax.barh(y, -table["penalty"], color="#c0392b", label="penalty (low performance)")
    ax.barh(y, table["reward"], color="#27ae60", label="reward (high performance)")
    for col, sign in (("penalty", -1), ("reward", 1)):
        est = sign * table[col].to_numpy()
        lo = sign * table[f"{col}_lower"].to_numpy()
        hi = sign * table[f"{col}_upper"].to_numpy()
        ax.errorbar(est, y, xerr=np.vstack([np.abs(est - np.minimum(lo, hi)),
                                            np.abs(np.maximum(lo, hi) - est)]),
                    fmt="none", ecolor="k", capsize=2)
    ax.axvline(0, color="k", lw=1)
    ax.set_yticks(y)
    ax.set_yticklabels([f"{_literal(n)} ({c})" for n, c in
                        zip(table.index, table["class"], strict=True)])
    ax.set_xlabel("Change in overall satisfaction versus middle performance")
    ax.set_title("Penalty-reward contrast")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    return ax


def plot_five_gaps(model, ax=None, **kwargs):
    """Gaps 1 to 5 per dimension (or item) with their intervals."""
    model._check_fitted()
    table = model.summary.reset_index()
    level = "dimension" if (table["level"] == "dimension").any() else "item"
    table = table[table["level"] == level]
    gaps = list(dict.fromkeys(table["gap"]))
    names = list(dict.fromkeys(table["name"]))
    ax = _axes(ax, (7.5, max(3, 0.45 * len(names) * max(1, len(gaps) / 3) + 1.5)))
    base = np.arange(len(names))[::-1]
    width = 0.8 / max(len(gaps), 1)
    for k, g in enumerate(gaps):
        part = table[table["gap"] == g].set_index("name").reindex(names)
        y = base + 0.4 - width * (k + 0.5)
        est = part["estimate"].to_numpy()
        err = np.vstack([est - part["lower"].to_numpy(), part["upper"].to_numpy() - est])
        ax.errorbar(est, y, xerr=err, fmt="o", color=f"C{k}", capsize=2, label=g)
    ax.axvline(0, color="0.4", ls="--", lw=1)
    ax.set_yticks(base)
    ax.set_yticklabels([_literal(n) for n in names])
    ax.set_xlabel("Gap in scale points")
    ax.set_title(f"The five gaps per {level}")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    return ax
