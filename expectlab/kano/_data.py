"""Validation and coding of tidy Kano data, shared by :class:`KanoAnalysis` and
:class:`KanoDrift`: column checks, answer sets per wave, classification, exclusions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._errors import InputError, describe_offenders, require_columns
from .._results import ExclusionLog
from .answers import ANSWER_SETS, compatible_sets, detect_answer_set, to_codes
from .classify import _table_rows, classify_codes

# functional / dysfunctional scores of the continuous analysis (DuMouchel), codes 1..5
F_SCORES = np.array([np.nan, 4.0, 2.0, 0.0, -1.0, -2.0])
D_SCORES = np.array([np.nan, -2.0, -1.0, 0.0, 2.0, 4.0])


@dataclass
class Prepared:
    """Usable rows (one per respondent x attribute x wave) plus bookkeeping."""

    frame: pd.DataFrame
    excluded: ExclusionLog
    answer_sets: dict[Any, str]
    tables: dict[Any, str]
    compatible: dict[Any, list[str]] = field(default_factory=dict)

    @property
    def wording_changed(self) -> bool:
        if len(set(self.tables.values())) > 1:
            return True
        if len(set(self.answer_sets.values())) <= 1:
            return False
        # waves whose labels fit several sets: only a change if no set fits every wave
        sets = [set(c) for c in self.compatible.values() if c]
        if len(sets) == len(self.answer_sets) and sets and set.intersection(*sets):
            return False
        return True


def _per_wave(value: Any, waves: list[Any], what: str) -> dict[Any, Any]:
    """Expand a scalar setting or a dict wave -> setting into a dict over ``waves``."""
    if isinstance(value, Mapping) and not _looks_like_answer_mapping(value, waves):
        missing = [w for w in waves if w not in value]
        if missing:
            raise InputError(
                f"{what} is a dict by wave but has no entry for wave(s) "
                f"{', '.join(map(repr, missing[:5]))}. Give every wave an entry."
            )
        return {w: value[w] for w in waves}
    return {w: value for w in waves}


def _looks_like_answer_mapping(value: Mapping, waves: list[Any]) -> bool:
    # an answer mapping maps labels to codes/positions; a per-wave dict is keyed by waves
    return not set(value) & set(waves) or not (set(value) <= set(waves))


def _table_name(table: Any) -> str:
    return table if isinstance(table, str) else "custom: " + "/".join(_table_rows(table))


def prepare(
    data: pd.DataFrame,
    *,
    respondent: str,
    attribute: str,
    functional: str,
    dysfunctional: str,
    wave: str | None,
    segment: str | None,
    weight: str | None,
    importance: str | None,
    table: Any,
    answer_set: Any,
) -> Prepared:
    """Validate, code and classify tidy Kano data; record every excluded row."""
    for name, value in (("respondent", respondent), ("attribute", attribute),
                        ("functional", functional), ("dysfunctional", dysfunctional)):
        if not isinstance(value, str):
            raise InputError(
                f"{name}= must name a column of the data (a string); got {value!r}."
            )
    require_columns(data, [respondent, attribute, functional, dysfunctional, wave, segment,
                           weight, importance], source="the Kano data")
    if len(data) == 0:
        raise InputError("The Kano data has no rows; pass at least one answer pair.")
    log = ExclusionLog()
    keep = np.ones(len(data), dtype=bool)
    for col, reason in ((respondent, "missing respondent id"),
                        (attribute, "missing attribute"),
                        (wave, "missing wave"), (segment, "missing segment")):
        if col is None:
            continue
        miss = data[col].isna().to_numpy()
        log.add_mask(data, miss & keep, reason)
        keep &= ~miss
    w = None
    if weight is not None:
        w_raw = pd.to_numeric(data[weight], errors="coerce")
        not_num = w_raw.isna().to_numpy() & data[weight].notna().to_numpy()
        if not_num.any():
            raise InputError(
                f"Column {weight!r} (weight) must be numeric; non-numeric "
                f"{describe_offenders(data[weight], not_num)}. Fix or blank these values."
            )
        w = w_raw.to_numpy(dtype=float)
        bad = np.isfinite(w) & (w < 0) | np.isinf(w)
        if bad.any():
            raise InputError(
                f"Column {weight!r} (weight) must hold non-negative finite weights; found "
                f"{describe_offenders(data[weight], bad)}. Fix the weights."
            )
        miss = np.isnan(w)
        log.add_mask(data, miss & keep, "missing weight")
        keep &= ~miss
        zero = (w == 0) & keep
        log.add_mask(data, zero, "zero weight")
        keep &= ~zero
    imp = None
    if importance is not None:
        imp_s = pd.to_numeric(data[importance], errors="coerce")
        not_num = imp_s.isna().to_numpy() & data[importance].notna().to_numpy()
        if not_num.any():
            raise InputError(
                f"Column {importance!r} (importance) must be numeric; non-numeric "
                f"{describe_offenders(data[importance], not_num)}. Recode or blank them."
            )
        imp = imp_s.to_numpy(dtype=float)

    waves = sorted(pd.unique(data.loc[keep, wave])) if wave is not None else [None]
    # plain Python scalars, so wave labels print as 1 rather than np.int64(1)
    waves = [w_.item() if isinstance(w_, np.generic) else w_ for w_ in waves]
    wave_values = data[wave].to_numpy() if wave is not None else None
    tables = {w_: _table_name(t) for w_, t in _per_wave(table, waves, "table").items()}
    table_objs = _per_wave(table, waves, "table")
    sets_in = _per_wave(answer_set, waves, "answer_set")
    f_codes = np.zeros(len(data), dtype=np.int8)
    d_codes = np.zeros(len(data), dtype=np.int8)
    cats = np.full(len(data), -1, dtype=np.int8)
    used_sets: dict[Any, str] = {}
    compatible: dict[Any, list[str]] = {}
    for w_ in waves:
        in_wave = keep.copy() if wave is None else keep & (wave_values == w_)
        f_col = data.loc[in_wave, functional]
        d_col = data.loc[in_wave, dysfunctional]
        chosen = detect_answer_set(f_col, d_col, answer_set=sets_in[w_])
        fc, name = to_codes(f_col, chosen, column=functional)
        dc, _ = to_codes(d_col, chosen, column=dysfunctional)
        used_sets[w_] = name
        if name in ANSWER_SETS and name != "codes 1-5":
            both = pd.concat([f_col.dropna(), d_col.dropna()]).to_numpy(dtype=object)
            compatible[w_] = compatible_sets(pd.unique(both))
        else:
            compatible[w_] = [name]
        f_codes[in_wave] = fc
        d_codes[in_wave] = dc
        cats[in_wave] = classify_codes(fc, dc, table_objs[w_])
    miss = keep & (cats < 0)
    log.add_mask(data, miss, "missing functional or dysfunctional answer")
    keep &= ~miss
    if not keep.any():
        raise InputError(
            "No usable Kano answer pairs: every row lacks an answer, an id, a wave/segment "
            "or a weight. Check the column names and missing-value codes."
        )
    frame = pd.DataFrame({
        "row": data.index.to_numpy()[keep],
        "respondent": data[respondent].to_numpy()[keep],
        "attribute": data[attribute].astype(str).to_numpy()[keep],
        "wave": wave_values[keep] if wave is not None else 0,
        "segment": data[segment].astype(str).to_numpy()[keep] if segment is not None else "",
        "weight": w[keep] if w is not None else 1.0,
        "f": f_codes[keep],
        "d": d_codes[keep],
        "cat": cats[keep],
        "importance": imp[keep] if imp is not None else np.nan,
    })
    keys = ["respondent", "attribute", "wave", "segment"]
    dup = frame.duplicated(keys, keep="first").to_numpy()
    if dup.any():
        shown = frame.loc[dup, ["row", "respondent", "attribute"]].head(5)
        desc = ", ".join(f"row {r!r} (respondent {p!r}, attribute {a!r})"
                         for r, p, a in shown.itertuples(index=False))
        raise InputError(
            f"{int(dup.sum())} rows repeat a respondent x attribute"
            f"{' x wave' if wave else ''} combination, first: {desc}. Each respondent "
            "answers each attribute once per wave; remove the duplicates or add the wave "
            "column."
        )
    return Prepared(frame=frame, excluded=log, answer_sets=used_sets, tables=tables,
                    compatible=compatible)
