"""Validation and coding of tidy Kano data, shared by :class:`KanoAnalysis` and
:class:`KanoDrift`: column checks, answer sets per wave, classification, exclusions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._errors import InputError, require_columns
from .._results import ExclusionLog
from .._validate import check_in_scale, numeric_column, weights_array
from .answers import CODES, AnswerMatch, _fast_numeric_codes, match_answers, unknown_advice
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
    matches: dict[Any, AnswerMatch] = field(default_factory=dict)
    #: distinct respondents among the usable rows (``None``: count them from ``frame``)
    n_respondents: int | None = None

    @property
    def wording_changed(self) -> bool:
        """True when the evaluation table differs between waves, or when no single
        label -> code mapping explains the answers of every wave.

        The comparison is on the mapping actually used, not on the set's name: two
        different user mappings that are both called "user mapping" are a change, while
        waves whose few labels fit several built-in sets alike are not.
        """
        if len(set(self.tables.values())) > 1:
            return True
        if len(self.matches) <= 1:
            return False
        seen: dict[str, int] = {}
        for m in self.matches.values():
            for key, code in m.mapping.items():
                if seen.setdefault(key, code) != code:
                    return True  # the same answer coded differently in two waves
        # one questionnaire must explain every wave: some mapping used in (or compatible
        # with) a wave has to read every answer seen in every wave the same way
        for m in self.matches.values():
            for lookup in m.candidate_lookups():
                if all(lookup.get(k) == c for k, c in seen.items()):
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
    weights: str | np.ndarray | pd.Series | None,
    importance: str | None,
    table: Any,
    answer_set: Any,
    importance_scale: tuple[float, float] | None = None,
) -> Prepared:
    """Validate, code and classify tidy Kano data; record every excluded row.

    ``weights`` is a column name or one weight per row, checked by
    :func:`expectlab._validate.weights_array`; ``importance_scale`` (from a study's
    codebook) is checked when given.
    """
    for name, value in (("respondent", respondent), ("attribute", attribute),
                        ("functional", functional), ("dysfunctional", dysfunctional)):
        if not isinstance(value, str):
            raise InputError(
                f"{name}= must name a column of the data (a string); got {value!r}."
            )
    require_columns(data, [respondent, attribute, functional, dysfunctional, wave, segment,
                           weights if isinstance(weights, str) else None, importance],
                    source="the Kano data")
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
    # survey weights and importance go through the shared checks (text, inf, negative
    # -> error; missing / zero weights -> excluded with the reason)
    w = None
    if weights is not None:
        w = weights_array(data, weights, log=log, keep=keep, source="the Kano data")
    imp = None
    if importance is not None:
        imp = numeric_column(data, importance, role="importance",
                             source="the Kano data").to_numpy(dtype=float)
        if importance_scale is not None:
            check_in_scale(pd.Series(imp, index=data.index), importance_scale,
                           column=importance, source="the Kano data", role="importance")

    if wave is not None:
        waves = _sorted_waves(data.loc[keep, wave], wave)
    else:
        waves = [None]
    # attributes and segments are coded once (a hash of the column, not a copy per use):
    # attributes in order of first appearance among the usable rows, segments in text order
    attr_cat = _text_categorical(data[attribute], keep, attribute, "attribute", sort=False)
    seg_cat = (_text_categorical(data[segment], keep, segment, "segment", sort=True)
               if segment is not None else None)
    wave_values = data[wave].to_numpy() if wave is not None else None
    tables = {w_: _table_name(t) for w_, t in _per_wave(table, waves, "table").items()}
    table_objs = _per_wave(table, waves, "table")
    sets_in = _per_wave(answer_set, waves, "answer_set")
    f_codes = np.zeros(len(data), dtype=np.int8)
    d_codes = np.zeros(len(data), dtype=np.int8)
    cats = np.full(len(data), -1, dtype=np.int8)
    used_sets: dict[Any, str] = {}
    matches: dict[Any, AnswerMatch] = {}
    unknown: list[tuple[str, AnswerMatch, np.ndarray]] = []
    for w_ in waves:
        in_wave = keep.copy() if wave is None else keep & (wave_values == w_)
        f_col = data.loc[in_wave, functional]
        d_col = data.loc[in_wave, dysfunctional]
        fc, dc, match = _code_wave(f_col, d_col, sets_in[w_], functional, dysfunctional)
        used_sets[w_] = match.name
        matches[w_] = match
        for col, codes in ((functional, fc), (dysfunctional, dc)):
            if np.any(codes < 0):
                rows = np.zeros(len(data), dtype=bool)
                rows[np.flatnonzero(in_wave)[codes < 0]] = True
                unknown.append((col, match, rows))
        f_codes[in_wave] = fc
        d_codes[in_wave] = dc
        cats[in_wave] = classify_codes(np.maximum(fc, 0), np.maximum(dc, 0), table_objs[w_])
    if unknown:
        raise InputError(_unknown_message(data, unknown, respondent=respondent,
                                          attribute=attribute, wave=wave,
                                          columns=(functional, dysfunctional)))
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
        "attribute": attr_cat[keep],
        "wave": wave_values[keep] if wave_values is not None else 0,
        "segment": seg_cat[keep] if seg_cat is not None else "",
        "weight": w[keep] if w is not None else 1.0,
        "f": f_codes[keep],
        "d": d_codes[keep],
        "cat": cats[keep],
        "importance": imp[keep] if imp is not None else np.nan,
    }, copy=False)  # no consolidation copy of millions of rows
    n_respondents = _check_unique_pairs(frame, wave)
    return Prepared(frame=frame, excluded=log, answer_sets=used_sets, tables=tables,
                    matches=matches, n_respondents=n_respondents)


def _text_categorical(values: pd.Series, keep: np.ndarray, column: str, what: str,
                      sort: bool) -> pd.Categorical:
    """The column as a categorical of its text labels, coded with one hash pass.

    Categories are the labels of the usable rows (``keep``) as text, in order of first
    appearance (``sort=False``) or in text order; rows outside ``keep`` may hold any code.
    Two different values reading the same as text are an error (see
    :func:`_check_text_labels`).
    """
    codes, uniques = pd.factorize(values)
    used = pd.unique(codes[keep])
    used = used[used >= 0]
    labels = pd.Series(np.asarray(uniques, dtype=object)[used])
    _check_text_labels(labels, column, what)
    text = labels.astype(str).to_numpy()
    order = np.argsort(text, kind="stable") if sort else np.arange(len(text))
    remap = np.full(len(uniques) + 1, -1, dtype=np.int64)  # last slot: code -1 (missing)
    remap[used[order]] = np.arange(len(used))
    return pd.Categorical.from_codes(remap[codes], categories=pd.Index(text[order], dtype=object))


def _respondent_codes(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Integer codes of the respondent ids and their number; a linear pass when integer
    ids come sorted (the usual layout of long data), a hash otherwise."""
    if values.dtype.kind in "iu" and len(values) > 1 and np.all(values[1:] >= values[:-1]):
        codes = np.concatenate([[0], np.cumsum(values[1:] != values[:-1])])
        return codes, int(codes[-1]) + 1
    codes, uniques = pd.factorize(values)
    return codes, len(uniques)


def _check_unique_pairs(frame: pd.DataFrame, wave: str | None) -> int:
    """Each respondent answers each attribute once per wave (and segment); returns the
    number of distinct respondents.

    Checked on integer codes: a linear pass when the rows come sorted by respondent (the
    usual layout of long data), a sort otherwise; the message is built only on failure.
    """
    resp_codes, n_resp = _respondent_codes(frame["respondent"].to_numpy())
    parts = [resp_codes,
             frame["attribute"].cat.codes.to_numpy(np.int64),
             pd.factorize(frame["wave"])[0] if wave is not None
             else np.zeros(len(frame), dtype=np.int64),
             (frame["segment"].cat.codes.to_numpy(np.int64)
              if isinstance(frame["segment"].dtype, pd.CategoricalDtype)
              else np.zeros(len(frame), dtype=np.int64))]
    key = np.zeros(len(frame), dtype=np.int64)
    for codes in parts:
        key = key * (int(codes.max(initial=0)) + 1) + codes
    if len(key) < 2 or np.all(key[1:] > key[:-1]):
        return n_resp
    ordered = np.sort(key)
    if not np.any(ordered[1:] == ordered[:-1]):
        return n_resp
    keys = ["respondent", "attribute", "wave", "segment"]
    dup = frame.duplicated(keys, keep="first").to_numpy()
    if not dup.any():
        return n_resp
    shown = frame.loc[dup, ["row", "respondent", "attribute"]].head(5)
    desc = ", ".join(f"row {r!r} (respondent {p!r}, attribute {a!r})"
                     for r, p, a in shown.itertuples(index=False))
    raise InputError(
        f"{int(dup.sum())} rows repeat a respondent x attribute"
        f"{' x wave' if wave else ''} combination, first: {desc}. Each respondent "
        "answers each attribute once per wave; remove the duplicates or add the wave "
        "column."
    )


def _code_wave(f_col: pd.Series, d_col: pd.Series, answer_set: Any, f_name: str,
               d_name: str) -> tuple[np.ndarray, np.ndarray, AnswerMatch]:
    """Codes of one wave's two answer columns (-1 = unknown answer) and how they matched."""
    if answer_set is None or answer_set == CODES.name or answer_set is CODES:
        fast = [_fast_numeric_codes(c.to_numpy()) if c.dtype.kind in "iuf" else None
                for c in (f_col, d_col)]
        if fast[0] is not None and fast[1] is not None:
            fc, dc = (np.asarray(x, dtype=np.int8) for x in fast)
            # numeric codes 1..5: match only the distinct codes (no labels to normalise)
            seen = np.unique(np.concatenate([fc[fc > 0], dc[dc > 0]]))
            return fc, dc, match_answers(seen, answer_set=CODES)
    match = match_answers(f_col, d_col, answer_set=answer_set, names=[f_name, d_name])
    return match.to_codes(f_col), match.to_codes(d_col), match


def _fmt(value: Any) -> str:
    """A data value for a message: numbers plain, text quoted."""
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value) if isinstance(value, str) else str(value)


def _some(values: Any, singular: str, plural: str, limit: int = 5) -> str:
    uniq = list(pd.unique(np.asarray(values, dtype=object)))
    shown = ", ".join(_fmt(v) for v in uniq[:limit])
    more = f" and {len(uniq) - limit} more" if len(uniq) > limit else ""
    return f"{singular if len(uniq) == 1 else plural} {shown}{more}"


def _unknown_message(data: pd.DataFrame, unknown: list[tuple[str, AnswerMatch, np.ndarray]],
                     *, respondent: str, attribute: str, wave: str | None,
                     columns: tuple[str, str]) -> str:
    """One message for the unknown answers of both columns in every wave, naming the
    respondents, attributes and waves (and wide-export rows) where they occur."""
    parts = []
    for col in columns:
        # group this column's unknown answers by the set they failed to match
        by_set: dict[str, tuple[AnswerMatch, np.ndarray]] = {}
        for c, match, rows in unknown:
            if c != col:
                continue
            prev = by_set.get(match.name)
            by_set[match.name] = (match, rows if prev is None else prev[1] | rows)
        for set_name, (_match, rows) in by_set.items():
            values = data[col]
            labels = list(pd.unique(values[rows].to_numpy(dtype=object)))
            descs = []
            for u in labels[:10]:
                where = rows & (values == u).to_numpy(dtype=bool)
                sub = data.loc[where]
                ctx = [_some(sub[respondent], "respondent", "respondents"),
                       _some(sub[attribute], "attribute", "attributes", 3)]
                if wave is not None:
                    ctx.append(_some(sub[wave], "wave", "waves", 3))
                if "source_row" in data.columns:
                    ctx.append(_some(sub["source_row"], "wide row", "wide rows"))
                descs.append(f"{u!r} x{int(where.sum())} ({'; '.join(ctx)})")
            more = f"; and {len(labels) - 10} more labels" if len(labels) > 10 else ""
            n = int(rows.sum())
            parts.append(f"column {col!r}: {n} answer{'s' if n != 1 else ''} not in the "
                         f"answer set {set_name!r}: {'; '.join(descs)}{more}")
    advice = unknown_advice(unknown[0][1])
    return "Unknown Kano answers. " + ". ".join(parts) + ". " + advice


def _kind(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "boolean"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return "number"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def _sorted_waves(values: pd.Series, column: str) -> list[Any]:
    """Distinct wave labels in order: numerically when all are numbers, alphabetically
    when all are text. Mixed labels (1 and "W2") are an error rather than a guess."""
    uniq = [v.item() if isinstance(v, np.generic) else v for v in pd.unique(values)]
    kinds: dict[str, Any] = {}
    for v in uniq:
        kinds.setdefault(_kind(v), v)
    problem = len(kinds) > 1
    if not problem:
        try:
            return sorted(uniq)
        except TypeError:
            problem = True
    examples = ", ".join(f"{_fmt(v)} ({k})" for k, v in kinds.items())
    raise InputError(
        f"Column {column!r} (wave) mixes labels of different types, e.g. {examples}, so "
        "the waves cannot be put in order. Recode the waves consistently: all numbers "
        "(1, 2, 3; ordered numerically) or all text ('W1', 'W2'; ordered alphabetically, "
        "so zero-pad numbers in text: 'W01' ... 'W10')."
    )


def _check_text_labels(values: pd.Series, column: str, what: str) -> None:
    """Segments and attributes are compared as text; two different values that read the
    same as text (1 and "1") would be merged silently, so they are an error."""
    uniq = pd.unique(values)
    if len(uniq) == len({str(v) for v in uniq}):
        return
    seen: dict[str, Any] = {}
    clash: list[Any] = []
    for v in uniq:
        text = str(v)
        if text in seen and len(clash) < 3:
            clash.append(f"{_fmt(seen[text])} ({_kind(seen[text])}) and {_fmt(v)} "
                         f"({_kind(v)})")
        seen.setdefault(text, v)
    raise InputError(
        f"Column {column!r} ({what}) holds different values that read the same as text: "
        f"{'; '.join(clash)}. Recode the column consistently (all numbers or all text) so "
        "no two groups are merged."
    )
