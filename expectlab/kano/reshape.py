"""Reshape the common wide Kano export (two columns per attribute) into tidy long data."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .._errors import InputError, describe_offenders, require_columns

__all__ = ["reshape_wide"]


def reshape_wide(
    data: pd.DataFrame,
    pairs: Mapping[str, Sequence[str]],
    *,
    respondent: str,
    keep: Sequence[str] | None = None,
    importance: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Turn one-row-per-respondent Kano data into one row per respondent x attribute.

    Parameters
    ----------
    data : pandas.DataFrame
        Wide survey data.
    pairs : dict
        Attribute label -> ``[functional column, dysfunctional column]``. The pairing is
        declared rather than guessed because exports sometimes put the dysfunctional
        column first.
    respondent : str
        Respondent id column.
    keep : list of str, optional
        Further columns copied to every long row (wave, segment, weight, ...).
    importance : dict, optional
        Attribute label -> column of self-stated importance. Numbers, or text ratings
        that start with their number (``"9 - Extremely important"``), which are read as
        that number and reported in ``result.attrs["notes"]``; other text is an error.

    Returns
    -------
    pandas.DataFrame
        Columns ``respondent`` (named as in ``data``), ``attribute``, ``functional``,
        ``dysfunctional``, ``importance`` (when given), the ``keep`` columns, and
        ``source_row`` (the index label of the wide row, so problems can be traced back).
        ``attrs["notes"]`` lists what was done to the values (text importance ratings
        read as numbers).

    Examples
    --------
    >>> import pandas as pd
    >>> wide = pd.DataFrame({"id": [1, 2], "app_f": [1, 2], "app_d": [5, 5]})
    >>> reshape_wide(wide, {"Service app": ["app_f", "app_d"]}, respondent="id")[
    ...     ["id", "attribute", "functional", "dysfunctional"]]
       id    attribute  functional  dysfunctional
    0   1  Service app           1              5
    1   2  Service app           2              5
    """
    if not isinstance(pairs, Mapping) or not pairs:
        raise InputError(
            "pairs must be a non-empty dict attribute label -> [functional column, "
            f"dysfunctional column]; got {pairs!r}."
        )
    bad = [f"{k!r}: {v!r}" for k, v in pairs.items()
           if isinstance(v, str) or not isinstance(v, Sequence) or len(v) != 2]
    if bad:
        raise InputError(
            "Each Kano pair must list exactly two columns [functional, dysfunctional]; "
            f"check {'; '.join(bad[:5])}."
        )
    keep = list(keep or [])
    importance = dict(importance or {})
    unknown = sorted(set(importance) - set(pairs), key=str)
    if unknown:
        raise InputError(
            f"importance names attribute(s) {', '.join(map(repr, unknown))} that are not in "
            "pairs; use the same attribute labels in both."
        )
    needed = [respondent, *keep, *(c for v in pairs.values() for c in v),
              *importance.values()]
    require_columns(data, needed, source="the wide Kano data")
    parsed: dict[str, np.ndarray] = {}
    notes: list[str] = []
    for col in dict.fromkeys(importance.values()):
        parsed[col], note = _importance_values(data[col], col)
        if note:
            notes.append(note)
    parts: list[pd.DataFrame] = []
    for label, (fcol, dcol) in pairs.items():
        part = pd.DataFrame({
            respondent: data[respondent].to_numpy(),
            "attribute": str(label),
            "functional": data[fcol].to_numpy(),
            "dysfunctional": data[dcol].to_numpy(),
        })
        if importance:
            imp_col = importance.get(label)
            part["importance"] = parsed[imp_col] if imp_col else float("nan")
        for col in keep:
            part[col] = data[col].to_numpy()
        part["source_row"] = data.index.to_numpy()
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out.attrs["notes"] = notes
    return out


# a number at the start of a rating label: "9 - Extremely important", "10 (very)", "7."
_LEADING_NUMBER = re.compile(r"\s*([+-]?\d+(?:\.\d+)?)(?=$|[\s\-\u2013\u2014:.,;=()/])")


def _importance_values(values: pd.Series, column: str) -> tuple[np.ndarray, str]:
    """Importance ratings as floats. Text ratings whose label starts with the rating
    (``"9 - Extremely important"``) are read as that number, with a note; anything else
    that is not a number is an error naming the rows and values."""
    numeric = pd.to_numeric(values, errors="coerce")
    text = values.notna().to_numpy() & numeric.isna().to_numpy()
    if not text.any():
        return numeric.to_numpy(dtype=float), ""
    out = numeric.to_numpy(dtype=float).copy()
    bad = np.zeros(len(values), dtype=bool)
    for pos in np.flatnonzero(text):
        raw = values.iloc[pos]
        m = _LEADING_NUMBER.match(str(raw)) if isinstance(raw, str) else None
        if m is None:
            bad[pos] = True
        else:
            out[pos] = float(m.group(1))
    if bad.any():
        raise InputError(
            f"Importance column {column!r} holds text that does not start with a rating "
            f"number: {describe_offenders(values, bad)}. Recode these answers to numbers "
            "or blank them (e.g. 'Don't know' as missing)."
        )
    n = int(text.sum())
    examples = ", ".join(repr(v) for v in pd.unique(values[text].to_numpy(dtype=object))[:3])
    note = (f"Importance column {column!r}: {n} text rating(s) read as their leading number "
            f"(e.g. {examples}).")
    return out, note

