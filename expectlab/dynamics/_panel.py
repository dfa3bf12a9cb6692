"""Panel input: respondents x waves, checked once and laid out as dense arrays.

A panel arrives as one row per respondent and wave. Everything the dynamic models need
(lags, differences, lagged levels as instruments) is a shift along the wave axis, so the
rows are laid out as ``(persons, waves)`` arrays with NaN where a person did not answer.
Waves are positions in the sorted list of wave labels: a person who skipped wave 2 has no
lag at wave 3.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._errors import InputError, describe_offenders, require_columns
from .._results import ExclusionLog
from .._validate import (
    check_in_scale,
    column_list,
    group_labels,
    numeric_column,
    weights_array,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..study import Study

__all__ = ["Panel", "build_panel", "wave_order", "scale_pair"]


@dataclass
class Panel:
    """Dense panel arrays (persons x waves) and what was left out on the way."""

    ids: np.ndarray                  # person labels, shape (N,)
    waves: list[Any]                 # wave labels in order, length T
    values: dict[str, np.ndarray]    # column -> (N, T) float array, NaN = not answered
    present: np.ndarray              # (N, T) bool: a usable row exists
    rows: np.ndarray                 # (N, T) object: input row label or None
    weights: np.ndarray              # (N,) person weight (1 without weights)
    weights_vary: bool               # did weights differ between a person's rows?
    log: ExclusionLog
    n_rows_in: int
    notes: list[str] = field(default_factory=list)


def _natural_key(label: Any) -> tuple:
    # "W10" after "W9": numbers inside text labels compare as numbers
    parts = re.split(r"(\d+)", str(label))
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def wave_order(series: pd.Series) -> list[Any]:
    """Wave labels in order: an ordered categorical's order, numbers numerically, text
    labels naturally ("W2" before "W10")."""
    if isinstance(series.dtype, pd.CategoricalDtype) and series.cat.ordered:
        used = set(series.dropna().unique())
        return [c for c in series.cat.categories if c in used]
    labels = list(pd.unique(series.dropna()))
    if labels and all(isinstance(v, str) for v in labels):
        return sorted(labels, key=_natural_key)
    return sorted(labels)


def scale_pair(scale: Any, *, what: str) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in scale)
    except (TypeError, ValueError):
        raise InputError(f"{what} must be a pair (min, max) of numbers, got {scale!r}.") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise InputError(f"{what} must be (min, max) with min < max, got {scale!r}.")
    return lo, hi


def _text(scale: tuple[float, float]) -> str:
    return "-".join(f"{v:g}" for v in scale)


def resolve_common_scale(
    scale: Any, data: pd.DataFrame, roles: dict[str, list[str]], *, study: Study | None,
    source: str,
) -> tuple[tuple[float, float], bool]:
    """One answer scale shared by the expectation and experience columns.

    ``scale`` is ``(min, max)``, ``"infer"``, ``None`` (the study's codebook) or a dict
    column -> (min, max). The gap P - E is only meaningful when both are answered on the
    same scale, so different declared scales are an error naming both.
    """
    columns = [c for cols in roles.values() for c in cols]
    declared: dict[str, tuple[float, float] | None] = {}
    if isinstance(scale, dict):
        for c in columns:
            declared[c] = (scale_pair(scale[c], what=f"scale[{c!r}]") if c in scale else None)
    elif scale is None:
        for c in columns:
            declared[c] = None if study is None else study.scale_of(c)
    elif isinstance(scale, str):
        if scale != "infer":
            raise InputError(f"scale must be (min, max), 'infer', a dict or None, got "
                             f"{scale!r}.")
    else:
        common = scale_pair(scale, what="scale")
        declared = dict.fromkeys(columns, common)
    inferred = False
    if isinstance(scale, str):
        vals = np.concatenate([numeric_column(data, c, role="expectation/experience",
                                              source=source).to_numpy() for c in columns])
        vals = vals[~np.isnan(vals)]
        if vals.size == 0:
            raise InputError(f"Cannot infer the scale of {columns}: every value is missing.")
        common = (float(np.floor(vals.min())), float(np.ceil(vals.max())))
        if common[0] == common[1]:
            raise InputError(f"Cannot infer the scale of {columns}: every answer is "
                             f"{common[0]:g}. Pass scale=(min, max).")
        declared = dict.fromkeys(columns, common)
        inferred = True
    unknown = [c for c, s in declared.items() if s is None]
    if unknown:
        raise InputError(
            f"The answer scale of {unknown} is not declared. Pass scale=(min, max) (for "
            "example scale=(1, 7)) for expectation and experience, declare 'scale: [min, "
            "max]' in the codebook, or pass scale='infer' to take the observed range.")
    known = {c: s for c, s in declared.items() if s is not None}  # all of them now
    distinct = set(known.values())
    if len(distinct) > 1:
        detail = "; ".join(f"{role} {c!r} on {_text(known[c])}"
                           for role, cols in roles.items() for c in cols)
        raise InputError(
            f"Expectation and experience must be measured on the same answer scale (the gap "
            f"experience - expectation compares them point for point), but {detail}. "
            "Rescale one of them onto the other's scale first (for example 1-5 to 1-7: "
            "1 + (x - 1) * 6 / 4) and declare the new scale.")
    common = distinct.pop()
    for role, cols in roles.items():
        for c in cols:
            check_in_scale(numeric_column(data, c, role=role, source=source), common,
                           column=c, source=source, role=role)
    return common, inferred


def build_panel(
    data: pd.DataFrame,
    *,
    id: str,
    wave: str,
    numeric: Mapping[str, Sequence[str]],
    weights: Any,
    source: str = "the data",
    min_waves: int = 3,
) -> Panel:
    """Check a long panel and lay it out as (persons x waves) arrays.

    ``numeric`` maps a role name (for messages) to its columns; each is read with
    :func:`numeric_column` (text is an error naming the rows). Rows with a missing id or
    wave, or a missing / zero weight, are excluded with the reason.
    """
    if len(data) == 0:
        raise InputError(f"{source} has no rows.")
    require_columns(data, [id, wave], source=source)
    group_labels(data, wave, role="wave", source=source)
    log = ExclusionLog()
    keep = np.ones(len(data), dtype=bool)
    no_key = data[id].isna().to_numpy() | data[wave].isna().to_numpy()
    log.add_mask(data, no_key, f"no respondent id ({id!r}) or wave ({wave!r})")
    keep &= ~no_key
    w_rows = weights_array(data, weights, log=log, keep=keep, source=source)
    cols: dict[str, np.ndarray] = {}
    for role, names in numeric.items():
        for c in column_list(list(names), role=role):
            cols[c] = numeric_column(data, c, role=role, source=source).to_numpy()
    dup = data.duplicated([id, wave], keep=False).to_numpy() & keep
    if dup.any():
        raise InputError(
            f"{source}: each respondent must appear once per wave, but ({id!r}, {wave!r}) "
            f"repeats: {describe_offenders(data[id], dup)}. Remove duplicated rows or fix "
            "the ids.")
    used = data.loc[keep]
    waves = wave_order(used[wave])
    if len(waves) < 2:
        found = waves[0] if waves else "none"
        raise InputError(
            f"{source} has a single wave ({wave!r} = {found!r}). Expectation updating "
            f"compares the same customers over waves: it needs at least {min_waves} waves "
            "of a panel (the same ids in several waves).")
    ids = pd.unique(used[id])
    pid = pd.Index(ids).get_indexer(used[id])
    tid = pd.Index(waves).get_indexer(used[wave])
    counts = np.bincount(pid, minlength=len(ids))
    if counts.max() < 2:
        per_wave = used.groupby(wave, sort=False)[id].first()
        example = "; ".join(f"wave {k!r}: id {v!r}" for k, v in list(per_wave.items())[:3])
        raise InputError(
            f"{source}: no respondent id appears in more than one wave (column {id!r}; "
            f"{len(ids)} distinct ids in {len(used)} rows, e.g. {example}). A panel needs "
            "the same customers in several waves. If the ids were renumbered in each wave, "
            "link them first; if these are independent samples, use a repeated "
            "cross-section analysis instead.")
    if len(waves) < min_waves:
        raise InputError(
            f"{source} has {len(waves)} waves ({', '.join(map(repr, waves))}); the "
            f"first-difference GMM estimator needs at least {min_waves} (two lags for the "
            "instruments plus the wave being explained). Add a wave or use the naive "
            "estimate with caution.")
    N, T = len(ids), len(waves)
    values = {}
    for c, arr in cols.items():
        dense = np.full((N, T), np.nan)
        dense[pid, tid] = arr[keep]
        values[c] = dense
    present = np.zeros((N, T), dtype=bool)
    present[pid, tid] = True
    rows = np.full((N, T), None, dtype=object)
    rows[pid, tid] = used.index.to_numpy()
    wsum = np.bincount(pid, weights=w_rows[keep], minlength=N)
    wmean = wsum / counts
    wmin = np.full(N, np.inf)
    wmax = np.full(N, -np.inf)
    np.minimum.at(wmin, pid, w_rows[keep])
    np.maximum.at(wmax, pid, w_rows[keep])
    vary = bool(np.any(wmax - wmin > 1e-12 * np.maximum(1, wmax)))
    notes = []
    if vary:
        notes.append("Weights differ between a person's waves; each person is weighted by "
                     "the mean of their weights.")
    return Panel(ids=np.asarray(ids), waves=waves, values=values, present=present, rows=rows,
                 weights=wmean, weights_vary=vary, log=log, n_rows_in=len(data), notes=notes)
