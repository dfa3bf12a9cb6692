"""Turn survey columns into an outcome vector and a design matrix, recording exclusions.

Numeric drivers enter as they are (booleans as 0/1). Text in a numeric driver is an
error naming the rows, never a reason to dummy-code the driver: a driver becomes dummy
columns ``name[level]`` (against the first level in sorted order, kept together as one
*driver group* for importance measures) only when it is *declared* categorical
(``categorical=[...]`` or codebook type ``categorical``). Interactions are products
``a:b`` of numeric drivers. Rows with a missing outcome, driver or weight are excluded and
logged, never dropped silently; survey missing-value codes such as -99 must be declared
(``missing_codes``) because a stray -99 on a 1-7 scale would wreck a fit, and values
outside a driver's declared scale are refused.

With a :class:`~expectlab.Study`, a driver may name a multi-item scale (construct): it
enters as the mean of its items (negatively worded items reversed on their declared
scale; a respondent needs every item answered). The recipe is kept in the design
specification so that new data with the items (or a Study) can be scored for prediction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._errors import InputError, describe_offenders, require_columns
from .._results import ExclusionLog
from .._validate import (
    check_in_scale,
    check_not_collinear,
    column_list,
    numeric_column,
    weights_array,
)

__all__ = ["DesignSpec", "prepare", "design_matrix", "driver_frame", "SUSPICIOUS_CODES"]

#: Values that are almost always survey missing-value codes rather than answers.
SUSPICIOUS_CODES = (-99.0, -999.0, -9999.0, -98.0, -9.0)


@dataclass
class Construct:
    """How a construct driver is scored from its items (kept for prediction)."""

    items: list[str]
    reverse: list[str]
    scale: tuple[float, float] | None


@dataclass
class DesignSpec:
    """How to build the design from a driver frame (fixed at fit time)."""

    drivers: list[str]
    categories: dict[str, list[str]]      # categorical driver -> levels (first is reference)
    interactions: list[tuple[str, str]]
    columns: list[str]                    # design column names
    groups: dict[str, list[int]]          # driver / interaction name -> design column positions
    constructs: dict[str, Construct] = field(default_factory=dict)
    scales: dict[str, tuple[float, float]] = field(default_factory=dict)


def level_text(value: Any) -> Any:
    """A categorical level as text; whole numbers without ``.0`` (1 and 1.0 are one level)."""
    if pd.isna(value):
        return value
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def level_texts(values: pd.Series) -> pd.Series:
    """:func:`level_text` of every value of a column (the levels of a categorical driver).

    Typed columns are converted once per distinct value (a million respondents carry a
    handful of levels); an object column may mix values that compare equal but read
    differently (``True`` and ``1``), so it is converted value by value.
    """
    codes, uniques = (None, []) if values.dtype == object else pd.factorize(values)
    if not len(uniques):  # object column, or nothing but missing values
        return values.astype("object").map(level_text)
    texts = pd.Series(np.asarray(uniques, dtype=object)).map(level_text)
    out = np.asarray(texts, dtype=object)[np.maximum(codes, 0)]
    out[codes < 0] = np.nan
    return pd.Series(out, index=values.index, name=values.name, dtype=texts.dtype)


def _construct_scores(data: pd.DataFrame, name: str, recipe: Construct, *,
                      source: str) -> pd.Series:
    require_columns(data, recipe.items, source=source)
    cols = []
    for item in recipe.items:
        values = numeric_column(data, item, role=f"item of scale {name!r}", source=source)
        if recipe.scale is not None:
            check_in_scale(values, recipe.scale, column=item, source=source,
                           role=f"item of scale {name!r}")
            if item in recipe.reverse:
                values = recipe.scale[0] + recipe.scale[1] - values
        cols.append(values.to_numpy())
    # A respondent needs every item: averaging fewer items would change the score's
    # meaning from person to person.
    return pd.Series(np.column_stack(cols).mean(axis=1), index=data.index, name=name)


def driver_frame(data: pd.DataFrame, spec: DesignSpec, *, source: str) -> pd.DataFrame:
    """The driver columns of ``data`` under ``spec``: construct scores computed from their
    items when the data hold the items rather than the score."""
    out = {}
    for d in spec.drivers:
        if d in spec.constructs and d not in data.columns:
            out[d] = _construct_scores(data, d, spec.constructs[d], source=source)
        else:
            require_columns(data, [d], source=source)
            out[d] = data[d]
    return pd.DataFrame(out, index=data.index)


def _resolve_drivers(data: pd.DataFrame, drivers: list[str], study: Any
                     ) -> dict[str, Construct]:
    constructs: dict[str, Construct] = {}
    if study is None:
        return constructs
    for d in drivers:
        if d in data.columns or d not in study.scales:
            continue
        items = study.items(d)
        scales = {study.scale_of(c) for c in items}
        scale = scales.pop() if len(scales) == 1 else None
        reverse = [c for c in items if c in study.reverse_items()]
        if reverse and scale is None:
            raise InputError(f"Scale {d!r} has negatively worded items {reverse} but its items "
                             "share no declared answer scale, so they cannot be reversed. "
                             "Declare 'scale: [min, max]' for its items in the codebook.")
        constructs[d] = Construct(items=items, reverse=reverse, scale=scale)
    return constructs


def _declared_scales(drivers: list[str], categorical: list[str], scale: Any, study: Any,
                     constructs: Mapping[str, Construct]) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    numeric = [d for d in drivers if d not in categorical]
    if study is not None:
        for d in numeric:
            s = constructs[d].scale if d in constructs else study.scale_of(d)
            if s is not None:
                out[d] = (float(s[0]), float(s[1]))
    if scale is None:
        return out
    if isinstance(scale, Mapping):
        unknown = [k for k in scale if k not in numeric]
        if unknown:
            raise InputError(f"scale= names {unknown}, which are not numeric drivers "
                             f"({numeric}). Give the scale of each numeric driver.")
        items = dict(scale)
    else:
        items = {d: scale for d in numeric}
    for d, s in items.items():
        try:
            lo, hi = (float(v) for v in s)
        except (TypeError, ValueError):
            raise InputError(f"scale for {d!r} must be a pair (min, max), got {s!r}.") from None
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise InputError(f"scale for {d!r} must be (min, max) with min < max, got {s!r}.")
        out[d] = (lo, hi)
    return out


def prepare(
    data: pd.DataFrame,
    *,
    outcome: str,
    drivers: Sequence[str],
    weights: Any,
    interactions: Sequence[tuple[str, str]] | None,
    missing_codes: Sequence[float] | None,
    categorical: Sequence[str] | None = None,
    scale: Any = None,
    study: Any = None,
) -> tuple[pd.DataFrame, np.ndarray, DesignSpec, ExclusionLog]:
    """Validate the inputs and return the usable rows (with exclusions logged).

    Returns the frame of used rows (outcome and drivers as numbers, categorical drivers as
    text; index kept), their weights (ones without weights), the design specification and
    the exclusion log. ``data`` is never modified.
    """
    drivers = column_list(drivers, role="drivers")
    if not drivers:
        raise InputError("drivers is empty. Pass a list of driver columns, e.g. "
                         "drivers=['satisfaction', 'trust', 'switching_costs'].")
    if not isinstance(outcome, str):
        raise InputError(f"outcome= must be one column name, got {outcome!r}.")
    if outcome in drivers:
        raise InputError(f"The outcome {outcome!r} is also listed as a driver. Remove it from "
                         "drivers.")
    categorical = column_list(categorical, role="categorical")
    stray = [c for c in categorical if c not in drivers]
    if stray:
        raise InputError(f"categorical= names {stray}, which are not among the drivers "
                         f"{drivers}. List only drivers there.")
    if study is not None:
        # Codebook variables of type 'categorical' count as declared.
        categorical += [d for d in drivers if d not in categorical
                        and study.codebook.get(d).type == "categorical"]
    pairs: list[tuple[str, str]] = []
    for given in interactions or []:
        pair = tuple(given)
        if len(pair) != 2 or any(p not in drivers for p in pair):
            raise InputError(
                f"Interaction {pair!r} must be a pair of names that are both in drivers "
                f"({drivers}). Add the main effects to drivers first."
            )
        pairs.append((pair[0], pair[1]))
    interactions = pairs
    if len(data) == 0:
        raise InputError("The data have no rows.")
    constructs = _resolve_drivers(data, drivers, study)
    require_columns(data, [outcome, *[d for d in drivers if d not in constructs]],
                    source="the data")
    if isinstance(weights, str):
        require_columns(data, [weights], source="the data")
    # A new frame: the caller's data stay untouched and nothing else is carried along.
    frame = pd.DataFrame(index=data.index)
    y = data[outcome]
    if not (pd.api.types.is_numeric_dtype(y) or pd.api.types.is_bool_dtype(y)):
        nums = pd.to_numeric(y, errors="coerce")
        bad = (nums.isna() & y.notna()).to_numpy()
        if bad.any():
            raise InputError(
                f"Outcome column {outcome!r} must be numeric (0/1 or an ordinal score); found "
                f"text: {describe_offenders(y, bad)}. Recode it to numbers first.")
    frame[outcome] = numeric_column(data, outcome, role="outcome")
    for d in drivers:
        if d in categorical:
            frame[d] = level_texts(data[d])
        elif d in constructs:
            frame[d] = _construct_scores(data, d, constructs[d], source="the data")
        else:
            try:
                frame[d] = numeric_column(data, d, role="driver")
            except InputError as exc:
                raise InputError(
                    f"{exc} To use {d!r} as a categorical driver (dummy-coded), declare it: "
                    f"fit(..., categorical=[{d!r}])."
                ) from None
    scales = _declared_scales(drivers, categorical, scale, study, constructs)
    if study is not None and study.scale_of(outcome) is not None:
        scales = {outcome: study.scale_of(outcome), **scales}
    log = ExclusionLog()
    gone = np.zeros(len(frame), dtype=bool)  # positional, so duplicate labels are safe
    numeric_cols = [outcome, *[d for d in drivers if d not in categorical]]
    # Declared or suspicious missing-value codes.
    if missing_codes is None:
        for c in numeric_cols:
            bad = frame[c].isin(SUSPICIOUS_CODES).to_numpy()
            if bad.any():
                raise InputError(
                    f"Column {c!r} contains values that look like missing-value codes: "
                    f"{describe_offenders(frame[c], bad)}. Declare them, e.g. "
                    f"fit(..., missing_codes=[{int(frame[c][bad].iloc[0])}]), so those rows "
                    "are excluded and reported, or recode them to NaN first; pass "
                    "missing_codes=[] if they are real values."
                )
    else:
        try:
            codes = [float(c) for c in missing_codes]
        except (TypeError, ValueError):
            raise InputError(f"missing_codes must be a list of numbers, got "
                             f"{missing_codes!r}.") from None
        for c in numeric_cols:
            for code in codes:
                rows = (frame[c] == code).to_numpy() & ~gone
                log.add_mask(frame, rows, f"missing code {code:g} in {c!r}")
                gone |= rows
            frame[c] = frame[c].mask(frame[c].isin(codes))
    # Declared scales (study codebook or scale=): anything outside is a code or an error.
    for c, s in scales.items():
        check_in_scale(frame[c], s, column=c, role="outcome" if c == outcome else "driver")
    # Exclusions: outcome, drivers, weights (first reason wins, so each row appears once).
    for col, why in [(outcome, "missing outcome")] + [(d, f"missing driver {d!r}")
                                                       for d in drivers]:
        miss = frame[col].isna().to_numpy() & ~gone
        log.add_mask(frame, miss, why)
        gone |= frame[col].isna().to_numpy()
    keep = ~gone
    w = weights_array(data, weights, log=log, keep=keep)
    used = frame.loc[keep]
    w = w[keep]
    if len(used) == 0:
        raise InputError(
            f"No usable rows: every row misses the outcome {outcome!r}, a driver or a weight "
            f"(exclusions: {dict(log.counts())}). Check the column names and missing codes."
        )
    categories: dict[str, list[str]] = {}
    for d in drivers:
        if d in categorical:
            levels = sorted(used[d].dropna().unique())
            if len(levels) < 2:
                raise InputError(
                    f"Categorical driver {d!r} has a single level ({levels}) in the usable "
                    "rows, so it cannot explain anything. Drop it from drivers."
                )
            categories[d] = levels
        elif used[d].nunique() < 2:
            raise InputError(
                f"Driver {d!r} is constant (always {used[d].iloc[0]!r}) in the usable rows. "
                "Drop it from drivers."
            )
    for pair in interactions:
        cat = [p for p in pair if p in categories]
        if cat:
            raise InputError(f"Interaction {pair!r} uses categorical driver(s) {cat}; only "
                             "numeric drivers can be multiplied. Use dummy columns instead.")
    columns: list[str] = []
    groups: dict[str, list[int]] = {}
    for d in drivers:
        start = len(columns)
        if d in categories:
            columns += [f"{d}[{lev}]" for lev in categories[d][1:]]
        else:
            columns.append(d)
        groups[d] = list(range(start, len(columns)))
    for a, b in interactions:
        groups[f"{a}:{b}"] = [len(columns)]
        columns.append(f"{a}:{b}")
    spec = DesignSpec(drivers=drivers, categories=categories,
                      interactions=list(interactions), columns=columns, groups=groups,
                      constructs=constructs, scales=scales)
    return used, w, spec, log


def check_identified(X: np.ndarray, spec: DesignSpec) -> None:
    """Refuse exactly collinear drivers (with the intercept), naming them."""
    check_not_collinear(np.column_stack([np.ones(len(X)), X]), ["intercept", *spec.columns])


def design_matrix(frame: pd.DataFrame, spec: DesignSpec, *, source: str = "the data"
                  ) -> np.ndarray:
    """Build the design matrix (no constant) for ``frame`` under ``spec``."""
    frame = driver_frame(frame, spec, source=source)
    parts = []
    numeric: dict[str, np.ndarray] = {}
    for d in spec.drivers:
        s = frame[d]
        if d in spec.categories:
            levels = spec.categories[d]
            text = level_texts(s)
            unknown = (~text.isin(levels) & text.notna()).to_numpy()
            if unknown.any():
                raise InputError(
                    f"Driver {d!r} has level(s) not seen when fitting "
                    f"({describe_offenders(s, unknown)}); known levels: {levels}. "
                    "Map them to a known level or refit."
                )
            for lev in levels[1:]:
                parts.append(np.where(text.isna(), np.nan, (text == lev).to_numpy(dtype=float)))
        else:
            numeric[d] = numeric_column(frame, d, role="driver", source=source).to_numpy()
            parts.append(numeric[d])
    for a, b in spec.interactions:
        parts.append(numeric[a] * numeric[b])
    X = np.column_stack(parts) if parts else np.empty((len(frame), 0))
    bad = ~np.isfinite(X).all(axis=1)
    if bad.any():
        rows = pd.Series(frame.index[bad], index=frame.index[bad])
        raise InputError(
            f"{int(bad.sum())} row(s) in {source} have missing or non-finite driver values "
            f"({describe_offenders(rows)}). Fill or drop them before predicting."
        )
    return X
