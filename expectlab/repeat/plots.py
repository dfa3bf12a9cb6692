"""Diagnostic plots for repeat-buying models: holdout check by calibration frequency,
cumulative tracking of repeat purchases over calendar time, a P(alive) heat map, the
spend distribution and the retention curve.

The functions take a fitted model first; every model also has them as ``plot_*`` methods
(:class:`TransactionPlots` for BG/NBD and Pareto/NBD, and methods on the other models).
Every plot accepts ``ax=None`` and returns the matplotlib Axes. Text that comes from the
data (column names, group labels) is drawn literally: ``$`` is escaped so matplotlib never
reads it as mathtext.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._errors import InputError, require_columns
from .summaries import _unit_days, validate_log_frame

__all__ = [
    "TransactionPlots",
    "calibration_holdout_table",
    "cumulative_tracking",
    "plot_alive_heatmap",
    "plot_calibration_holdout",
    "plot_cumulative_tracking",
]


def literal(text: Any) -> str:
    """``text`` as a string matplotlib draws as is (no mathtext from a ``$`` pair)."""
    return str(text).replace("$", r"\$")


def _axes(ax: Any) -> Any:
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(6.4, 4.2))
    return ax


def calibration_holdout_table(model: Any, summary: pd.DataFrame, max_frequency: int = 7
                              ) -> pd.DataFrame:
    """Mean actual and predicted holdout purchases by calibration frequency.

    ``summary`` needs ``frequency``, ``recency``, ``T``, ``frequency_holdout`` and
    ``duration_holdout`` (from ``summarise_transactions(..., holdout_end=...)``).
    Frequencies above ``max_frequency`` are pooled into one group.
    """
    require_columns(summary, ["frequency", "recency", "T", "frequency_holdout",
                              "duration_holdout"], source="the summary")
    if not (isinstance(max_frequency, (int, np.integer)) and max_frequency >= 1):
        raise InputError(f"max_frequency must be a positive integer, got {max_frequency!r}.")
    duration = summary["duration_holdout"].to_numpy(dtype=float)
    if not np.allclose(duration, duration[0]):
        raise InputError("duration_holdout differs between customers; use one holdout period.")
    predicted = model.predict_purchases(float(duration[0]), summary["frequency"],
                                        summary["recency"], summary["T"])
    group = np.minimum(summary["frequency"].to_numpy(), max_frequency)
    table = pd.DataFrame({"group": group, "actual": summary["frequency_holdout"].to_numpy(),
                          "predicted": np.asarray(predicted)})
    out = table.groupby("group").agg(customers=("actual", "size"), actual=("actual", "mean"),
                                     predicted=("predicted", "mean"))
    out.index = [f"{g}+" if g == max_frequency else str(g) for g in out.index]
    out.index.name = "calibration purchases"
    return out


def plot_calibration_holdout(model: Any, summary: pd.DataFrame, max_frequency: int = 7,
                             ax: Any = None, **kwargs: Any) -> Any:
    """Mean holdout purchases, actual vs model, by repeat purchases in calibration.

    Returns
    -------
    matplotlib.axes.Axes
    """
    table = calibration_holdout_table(model, summary, max_frequency)
    ax = _axes(ax)
    x = np.arange(len(table))
    ax.plot(x, table["actual"], marker="o", label="Actual", **kwargs)
    ax.plot(x, table["predicted"], marker="s", linestyle="--", label="Model")
    ax.set_xticks(x, [literal(label) for label in table.index])
    ax.set_xlabel("Repeat purchases in the calibration period")
    ax.set_ylabel("Mean purchases in the holdout period")
    ax.set_title("Holdout check: purchases by past frequency")
    ax.legend(frameon=False)
    return ax


def cumulative_tracking(model: Any, log: pd.DataFrame, customer: str = "customer_id",
                        date: str = "date", *, period_end: Any, holdout_end: Any = None,
                        time_unit: str | float = "W", date_format: str | None = None
                        ) -> pd.DataFrame:
    """Cumulative repeat purchases over calendar time: actual and expected by the model.

    Repeat purchases are counted as in :func:`summarise_transactions` (distinct purchase
    days after a customer's first). Only customers first seen by ``period_end`` are
    tracked. The expectation adds up the model's expected repeat purchases of each
    customer since their first purchase.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``date`` (one row per time unit), with ``actual`` and ``expected``.
    """
    unit = _unit_days(time_unit)
    days, _ = validate_log_frame(log, customer, date, None, date_format)
    end = pd.Timestamp(period_end).normalize()
    stop = end if holdout_end is None else pd.Timestamp(holdout_end).normalize()
    tx = pd.DataFrame({"c": log[customer].to_numpy(), "day": days.to_numpy()})
    tx = tx[tx["day"] <= stop].drop_duplicates()
    first = tx.groupby("c")["day"].transform("min")
    tx = tx[first <= end]
    first = first[first <= end]
    repeat_days = tx.loc[tx["day"] > first, "day"]
    start = first.min()
    grid = pd.date_range(start, stop, freq=pd.Timedelta(days=unit))
    if grid[-1] < stop:
        grid = grid.append(pd.DatetimeIndex([stop]))
    actual = np.searchsorted(np.sort(repeat_days.to_numpy()), grid.to_numpy(), side="right")
    births = first.groupby(tx["c"]).first().value_counts()
    birth_days = pd.DatetimeIndex(births.index)
    n_born = births.to_numpy(dtype=float)
    expected = np.zeros(len(grid))
    for j, moment in enumerate(grid):
        age = (moment - birth_days).days.to_numpy() / unit
        born = age > 0
        if born.any():
            expected[j] = float(np.dot(n_born[born],
                                       model.predict_purchases(age[born])))
    return pd.DataFrame({"actual": actual, "expected": expected},
                        index=pd.Index(grid, name="date"))


def plot_cumulative_tracking(model: Any, log: pd.DataFrame, customer: str = "customer_id",
                             date: str = "date", *, period_end: Any, holdout_end: Any = None,
                             time_unit: str | float = "W", date_format: str | None = None,
                             ax: Any = None, **kwargs: Any) -> Any:
    """Plot :func:`cumulative_tracking` with the end of calibration marked.

    Returns
    -------
    matplotlib.axes.Axes
    """
    table = cumulative_tracking(model, log, customer, date, period_end=period_end,
                                holdout_end=holdout_end, time_unit=time_unit,
                                date_format=date_format)
    ax = _axes(ax)
    ax.plot(table.index, table["actual"], label="Actual", **kwargs)
    ax.plot(table.index, table["expected"], linestyle="--", label="Model")
    ax.axvline(pd.Timestamp(period_end), color="grey", linestyle=":", label="End of calibration")
    ax.set_xlabel("Date")
    ax.set_ylabel("Cumulative repeat purchases")
    ax.set_title("Cumulative repeat purchases: actual vs model")
    ax.legend(frameon=False)
    # concise dates on this axis only (autofmt_xdate would rotate every subplot's labels)
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    return ax


def plot_alive_heatmap(model: Any, T: float, max_frequency: int | None = None,
                       ax: Any = None, **kwargs: Any) -> Any:
    """Heat map of P(alive) over frequency and recency for customers of age ``T``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not (np.isfinite(T) and T > 0):
        raise InputError(f"T must be a positive age, got {T!r}.")
    discrete = getattr(model, "_roles", ("", "", "T"))[2] == "n_periods"
    if max_frequency is None:
        max_frequency = int(T) if discrete else 20
    freq = np.arange(0, int(max_frequency) + 1)
    # discrete opportunities (BG/BB): whole recencies 0..n, at most one purchase each
    rec = np.arange(0, int(T) + 1, dtype=float) if discrete else np.linspace(0, T, 60)
    ff, rr = np.meshgrid(freq, rec, indexing="ij")
    rr = np.where(ff == 0, 0.0, rr)
    possible = (ff <= rr) | (ff == 0) if discrete else np.ones(ff.shape, dtype=bool)
    ff_ok, rr_ok = np.where(possible, ff, 0), np.where(possible, rr, 0.0)
    p = np.asarray(model.predict_alive(ff_ok.ravel(), rr_ok.ravel(), np.full(ff.size, T)),
                   dtype=float).reshape(ff.shape)
    p[~possible] = np.nan
    p[0, 1:] = np.nan  # recency is 0 for customers without repeat purchases
    ax = _axes(ax)
    options = {"cmap": "viridis", "vmin": 0.0, "vmax": 1.0, "aspect": "auto",
               "origin": "lower", "interpolation": "nearest"}
    options.update(kwargs)
    image = ax.imshow(p, extent=(0, T, -0.5, max_frequency + 0.5), **options)
    ax.figure.colorbar(image, ax=ax, label="P(alive)")
    ax.set_xlabel("Recency: time of the last purchase (same unit as T)")
    ax.set_ylabel("Repeat purchases (frequency)")
    what = f"{T:g} opportunities" if discrete else f"age T = {T:g}"
    ax.set_title(f"Probability a customer is still active ({what})")
    return ax


class TransactionPlots:
    """The diagnostic plots as methods of a fitted BG/NBD or Pareto/NBD model."""

    def plot_calibration_holdout(self, summary: pd.DataFrame, max_frequency: int = 7,
                                 ax: Any = None, **kwargs: Any) -> Any:
        """Mean holdout purchases, actual vs model, by calibration frequency
        (:func:`plot_calibration_holdout`). Returns the Axes."""
        self._check_fitted()  # type: ignore[attr-defined]
        return plot_calibration_holdout(self, summary, max_frequency, ax=ax, **kwargs)

    def plot_cumulative_tracking(self, log: pd.DataFrame, customer: str = "customer_id",
                                 date: str = "date", *, period_end: Any,
                                 holdout_end: Any = None, time_unit: str | float = "W",
                                 date_format: str | None = None, ax: Any = None,
                                 **kwargs: Any) -> Any:
        """Cumulative repeat purchases over calendar time, actual vs model
        (:func:`plot_cumulative_tracking`). Returns the Axes."""
        self._check_fitted()  # type: ignore[attr-defined]
        return plot_cumulative_tracking(self, log, customer, date, period_end=period_end,
                                        holdout_end=holdout_end, time_unit=time_unit,
                                        date_format=date_format, ax=ax, **kwargs)

    def plot_alive_heatmap(self, T: float, max_frequency: int | None = None, ax: Any = None,
                           **kwargs: Any) -> Any:
        """P(alive) over frequency and recency for customers of age ``T``
        (:func:`plot_alive_heatmap`). Returns the Axes."""
        self._check_fitted()  # type: ignore[attr-defined]
        return plot_alive_heatmap(self, T, max_frequency, ax=ax, **kwargs)
