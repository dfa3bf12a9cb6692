"""A table as the file holds it, before any type is guessed, and the type guessing.

CSV and Excel readers produce a :class:`RawTable` (header cells, data cells, where each row
sits in the file); the checks that catch shifted columns, extra header rows and unnamed
columns run on it, and only then is a DataFrame built, column by column, with
:func:`infer_column`. Only truly empty cells become missing values: ``NA``, ``None``,
``null`` or ``n/a`` are answers like any other text (a segment coded ``NA`` for North
America survives).
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["RawTable", "infer_column", "NUMBER", "NUMBER_COMMA", "is_blank"]

NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
NUMBER_COMMA = re.compile(r"[+-]?(?:\d+(?:,\d*)?|,\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_TRUE = {"True", "TRUE", "true"}
_FALSE = {"False", "FALSE", "false"}
_INT64_MAX = 2**63 - 1


@dataclass
class RawTable:
    """Header and cells of a table as read from the file.

    Attributes
    ----------
    header : list of str
        Column names (the first row).
    rows : list of list
        Data cells: strings for text files, Python values for Excel.
    positions : list of int
        The 1-based line (text files) or sheet row (Excel) of each data row.
    unit : str
        ``"line"`` or ``"row"``, for messages.
    errors : dict
        ``(row index, column index) -> error text`` for Excel error cells (``#N/A``).
    sheet : str, optional
        The Excel sheet read.
    sep : str, optional
        The delimiter of a text file.
    notes : list of str
        What the reader noticed (delimiter sniffed, trailing delimiter dropped...).
    """

    header: list[str]
    rows: list[list[Any]]
    positions: list[int]
    unit: str = "line"
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    sheet: str | None = None
    sep: str | None = None
    notes: list[str] = field(default_factory=list)


def is_blank(value: Any) -> bool:
    """True for an empty cell: ``None``, NaN or text made only of white space."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and np.isnan(value)


def _as_float(value: Any, decimal: str) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, np.integer)):
        return float(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip()
        if (NUMBER_COMMA if decimal == "," else NUMBER).fullmatch(text):
            number = float(text.replace(",", ".")) if decimal == "," else float(text)
            return number if np.isfinite(number) else None
    return None


def infer_column(values: list[Any], decimal: str = ".") -> pd.Series:
    """One column of cells as a Series: numbers, booleans, dates or text.

    Empty cells are missing. A column whose every filled cell is a number (written with
    ``decimal``) is numeric (``int64`` when whole and complete, else ``float64``); one of
    ``True``/``False`` only is boolean; one of dates only is datetime; anything else is
    text, kept as written (with ``decimal=","`` numbers in a mixed column are rewritten
    with a point so they can be converted later).
    """
    n = len(values)
    present = [i for i, v in enumerate(values) if not is_blank(v)]
    if not present:
        return pd.Series(np.full(n, np.nan), dtype="float64")
    filled = [values[i] for i in present]
    numbers = [_as_float(v, decimal) for v in filled]
    if all(x is not None for x in numbers):
        complete = len(present) == n
        if complete and all(_is_whole(v) for v in filled):
            ints = [_to_int(v) for v in filled]
            if all(i is not None for i in ints):
                return pd.Series(ints, dtype="int64")
            # whole numbers beyond int64 (long ids) stay text rather than lose digits
            return pd.Series([v.strip() if isinstance(v, str) else str(v) for v in filled])
        out = np.full(n, np.nan)
        out[present] = numbers
        return pd.Series(out, dtype="float64")
    if all(isinstance(v, bool) or (isinstance(v, str) and v.strip() in _TRUE | _FALSE)
           for v in filled):
        flags = [v if isinstance(v, bool) else v.strip() in _TRUE for v in filled]
        if len(present) == n:
            return pd.Series(flags, dtype=bool)
        obj = np.full(n, np.nan, dtype=object)
        for i, flag in zip(present, flags, strict=True):
            obj[i] = flag
        return pd.Series(obj, dtype=object)
    if all(isinstance(v, (_dt.datetime, _dt.date)) for v in filled):
        out = pd.Series([pd.NaT] * n)
        for i in present:
            out.iloc[i] = pd.Timestamp(values[i])
        return pd.to_datetime(out)
    cells: list[Any] = [np.nan] * n
    for i, v, number in zip(present, filled, numbers, strict=True):
        if isinstance(v, str) and decimal == "," and number is not None:
            v = v.strip().replace(",", ".")
        cells[i] = v
    if all(isinstance(cells[i], str) for i in present):
        return pd.Series(cells)  # pandas' own text type, as read_csv gives
    return pd.Series(cells, dtype=object)


def _is_whole(value: Any) -> bool:
    if isinstance(value, str):
        return bool(_INTEGER.fullmatch(value.strip()))
    if isinstance(value, (int, np.integer)):
        return True
    return False  # floats (Excel numbers such as 3.0) stay float, as pandas reads them


def _to_int(value: Any) -> int | None:
    number = int(value.strip()) if isinstance(value, str) else int(value)
    return number if -_INT64_MAX - 1 <= number <= _INT64_MAX else None
