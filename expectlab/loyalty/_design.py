"""Turn survey columns into an outcome vector and a design matrix, recording exclusions.

Numeric drivers enter as they are; boolean drivers as 0/1; text or categorical drivers
(e.g. ``segment``) as dummy columns ``name[level]`` against the first level in sorted
order, kept together as one *driver group* for importance measures. Interactions are
products ``a:b`` of numeric drivers. Rows with a missing outcome, driver or weight are
excluded and logged, never dropped silently; survey missing-value codes such as -99 must
be declared (``missing_codes``) because a stray -99 on a 1-7 scale would wreck a fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._errors import InputError, describe_offenders, require_columns
from .._results import ExclusionLog

__all__ = ["DesignSpec", "prepare", "design_matrix", "SUSPICIOUS_CODES"]

#: Values that are almost always survey missing-value codes rather than answers.
SUSPICIOUS_CODES = (-99.0, -999.0, -9999.0, -98.0, -9.0)


@dataclass
class DesignSpec:
    """How to build the design from a driver frame (fixed at fit time)."""

    drivers: list[str]
    categories: dict[str, list[str]]      # categorical driver -> levels (first is reference)
    interactions: list[tuple[str, str]]
    columns: list[str]                    # design column names
    groups: dict[str, list[int]]          # driver / interaction name -> design column positions


def _is_categorical(s: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s))


def prepare(
    data: pd.DataFrame,
    *,
    outcome: str,
    drivers: Sequence[str],
    weights: str | None,
    interactions: Sequence[tuple[str, str]] | None,
    missing_codes: Sequence[float] | None,
    extra: Sequence[str] = (),
) -> tuple[pd.DataFrame, DesignSpec, ExclusionLog]:
    """Validate the inputs and return the usable rows (with exclusions logged).

    Returns the frame of used rows (outcome, drivers, weights and ``extra`` columns, index
    kept), the design specification and the exclusion log.
    """
    if isinstance(drivers, str):
        drivers = [drivers]
    drivers = list(drivers or [])
    if not drivers:
        raise InputError("drivers is empty. Pass a list of driver columns, e.g. "
                         "drivers=['satisfaction', 'trust', 'switching_costs'].")
    dupes = sorted({d for d in drivers if drivers.count(d) > 1})
    if dupes:
        raise InputError(f"Driver(s) {dupes} are listed more than once. List each driver once.")
    if outcome in drivers:
        raise InputError(f"The outcome {outcome!r} is also listed as a driver. Remove it from "
                         "drivers.")
    interactions = [tuple(pair) for pair in (interactions or [])]
    for pair in interactions:
        if len(pair) != 2 or any(p not in drivers for p in pair):
            raise InputError(
                f"Interaction {pair!r} must be a pair of names that are both in drivers "
                f"({drivers}). Add the main effects to drivers first."
            )
    extra = [c for c in extra if c is not None and c not in drivers and c != outcome
             and c != weights]
    require_columns(data, [outcome, *drivers, weights, *extra], source="the data")
    cols = list(dict.fromkeys([outcome, *drivers, *([weights] if weights else []), *extra]))
    frame = data[cols].copy()
    log = ExclusionLog()
    gone = np.zeros(len(frame), dtype=bool)  # positional, so duplicate labels are safe
    numeric_cols = [c for c in [outcome, *drivers] if not _is_categorical(frame[c])]
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
        codes = [float(c) for c in missing_codes]
        for c in numeric_cols:
            for code in codes:
                rows = (frame[c] == code).to_numpy() & ~gone
                log.add_mask(frame, rows, f"missing code {code:g} in {c!r}")
                gone |= rows
            frame[c] = frame[c].mask(frame[c].isin(codes))
    # Non-numeric outcome.
    y = frame[outcome]
    if _is_categorical(y):
        nums = pd.to_numeric(y, errors="coerce")
        bad = (nums.isna() & y.notna()).to_numpy()
        raise InputError(
            f"Outcome column {outcome!r} must be numeric (0/1 or an ordinal score); found text: "
            f"{describe_offenders(y, bad)}. Recode it to numbers first."
        )
    # Exclusions: outcome, drivers, weights (first reason wins, so each row appears once).
    for col, why in [(outcome, "missing outcome")] + [(d, f"missing driver {d!r}")
                                                       for d in drivers]:
        miss = frame[col].isna().to_numpy() & ~gone
        log.add_mask(frame, miss, why)
        gone |= frame[col].isna().to_numpy()
    if weights:
        w = frame[weights]
        if _is_categorical(w):
            raise InputError(f"Weight column {weights!r} must be numeric; found "
                             f"{describe_offenders(w, w.notna().to_numpy())}.")
        wv = w.to_numpy(dtype=float)
        bad = (np.isinf(wv) | (wv < 0)) & ~gone
        if bad.any():
            raise InputError(
                f"Weight column {weights!r} must hold finite, non-negative numbers: "
                f"{describe_offenders(w, bad)}. Fix or drop those rows."
            )
        miss = np.isnan(wv) & ~gone
        log.add_mask(frame, miss, f"missing weight {weights!r}")
        gone |= np.isnan(wv)
    used = frame.loc[~gone]
    if weights and (used[weights].to_numpy(dtype=float) <= 0).all():
        raise InputError(f"All weights in {weights!r} are zero. Check the weight column.")
    if len(used) == 0:
        raise InputError(
            f"No usable rows: every row misses the outcome {outcome!r}, a driver or a weight "
            f"(exclusions: {dict(log.counts())}). Check the column names and missing codes."
        )
    categories: dict[str, list[str]] = {}
    for d in drivers:
        if _is_categorical(used[d]):
            levels = sorted(map(str, used[d].dropna().unique()))
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
                      interactions=list(interactions), columns=columns, groups=groups)
    return used, spec, log


def design_matrix(frame: pd.DataFrame, spec: DesignSpec, *, source: str = "the data"
                  ) -> np.ndarray:
    """Build the design matrix (no constant) for ``frame`` under ``spec``."""
    require_columns(frame, spec.drivers, source=source)
    parts = []
    for d in spec.drivers:
        s = frame[d]
        if d in spec.categories:
            levels = spec.categories[d]
            text = s.astype("object").map(lambda v: v if pd.isna(v) else str(v))
            unknown = (~text.isin(levels) & text.notna()).to_numpy()
            if unknown.any():
                raise InputError(
                    f"Driver {d!r} has level(s) not seen when fitting "
                    f"({describe_offenders(s, unknown)}); known levels: {levels}. "
                    "Map them to a known level or refit."
                )
            for lev in levels[1:]:
                parts.append((text == lev).to_numpy(dtype=float))
        else:
            if _is_categorical(s):
                raise InputError(f"Driver {d!r} was numeric when fitting but is text here: "
                                 f"{describe_offenders(s, s.notna().to_numpy())}.")
            parts.append(s.to_numpy(dtype=float))
    for a, b in spec.interactions:
        parts.append(frame[a].to_numpy(dtype=float) * frame[b].to_numpy(dtype=float))
    X = np.column_stack(parts) if parts else np.empty((len(frame), 0))
    bad = ~np.isfinite(X).all(axis=1)
    if bad.any():
        rows = pd.Series(frame.index[bad], index=frame.index[bad])
        raise InputError(
            f"{int(bad.sum())} row(s) in {source} have missing or non-finite driver values "
            f"({describe_offenders(rows)}). Fill or drop them before predicting."
        )
    return X
