"""Writing a survey back to SPSS (``.sav``) with its labels and missing-value codes.

A cleaned file often has to go back to colleagues who work in SPSS. The writer keeps what
SPSS can hold of the codebook: variable labels, value labels (codes of the column's own
type), user-missing declarations (up to three codes, or one range plus one code, as SPSS
allows), the measurement level and the file label. Values that were read as missing are
written as system-missing: the data hold no missing codes any more, the declarations stay
so that SPSS users see which codes meant "no answer".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._errors import InputError

if TYPE_CHECKING:
    from .io import SurveyData

__all__ = ["write_spss"]

_SPSS_NAME = re.compile(r"[A-Za-z@][A-Za-z0-9_.@#$]*")
_RESERVED = {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO",
             "WITH"}


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


def _plain(number: float) -> int | float:
    return int(number) if float(number).is_integer() else number


def write_spss(survey: SurveyData, path: str | Path) -> Path:
    """Write ``survey`` as an SPSS ``.sav`` file; see :meth:`SurveyData.to_spss`."""
    try:
        import pyreadstat
    except ImportError:
        raise InputError("Writing SPSS files needs pyreadstat. Install it with "
                         "'pip install \"expectlab[io]\"'.") from None
    path = Path(path)
    if path.suffix.lower() not in (".sav", ".zsav"):
        raise InputError(f"{path.name}: an SPSS file must end in .sav or .zsav.")
    frame = survey.data
    bad = [c for c in frame.columns if not _SPSS_NAME.fullmatch(str(c))
           or len(str(c).encode("utf-8")) > 64 or str(c).endswith(".")
           or str(c).upper() in _RESERVED]
    if bad:
        raise InputError(
            f"Cannot write {path.name}: column name(s) {', '.join(map(repr, bad[:10]))} are "
            "not valid SPSS variable names (a letter first, then letters, digits or _ . @ # $, "
            "at most 64 bytes, no reserved word). Rename them first, e.g. "
            "survey.data = survey.data.rename(columns={...})."
        )
    out = pd.DataFrame(index=frame.index)
    labels: dict[str, str | None] = {}
    value_labels: dict[str, dict[Any, str]] = {}
    missing: dict[str, list[Any]] = {}
    measures: dict[str, str] = {}
    book = survey.codebook
    for col in frame.columns:
        series = frame[col]
        var = book.get(col)
        numeric = (pd.api.types.is_numeric_dtype(series)
                   or pd.api.types.is_datetime64_any_dtype(series))
        if pd.api.types.is_bool_dtype(series):
            out[col] = series.astype(float)
        elif numeric:
            out[col] = series
        else:
            out[col] = pd.Series([None if v is None or (isinstance(v, float) and np.isnan(v))
                                  else str(v) for v in series], index=series.index,
                                 dtype=object)
        labels[col] = var.label
        if var.value_labels:
            codes: dict[Any, str]
            if numeric:
                codes = {_plain(n): str(t) for k, t in var.value_labels.items()
                         if (n := _number(k)) is not None}
            else:
                codes = {str(k): str(t) for k, t in var.value_labels.items()}
            if codes:
                value_labels[col] = codes
        declared = _missing_spec(col, var.missing, var.missing_ranges, numeric, path.name)
        if declared:
            missing[col] = declared
        if var.type in ("categorical", "text", "id"):
            measures[col] = "nominal"
        elif numeric and (var.scale is not None or var.type in ("numeric", "weight")):
            measures[col] = "scale" if var.type in ("numeric", "weight") else "ordinal"
    try:
        pyreadstat.write_sav(
            out, str(path), file_label=book.description or "", column_labels=labels,
            variable_value_labels=value_labels or None, missing_ranges=missing or None,
            variable_measure=measures or None,
            compress=path.suffix.lower() == ".zsav",
        )
    except Exception as exc:  # pyreadstat raises its own types for values SPSS cannot hold
        raise InputError(f"Cannot write {path.name} as SPSS: {exc}.") from None
    return path


def _missing_spec(col: str, codes: list[Any], ranges: list[tuple[float, float]],
                  numeric: bool, name: str) -> list[Any]:
    values: list[Any]
    if numeric:
        values = [_plain(n) for c in codes if (n := _number(c)) is not None]
    else:
        values = [str(c) for c in codes]
    values = list(dict.fromkeys(values))
    spec: list[Any] = [{"lo": _plain(lo), "hi": _plain(hi)} for lo, hi in ranges] \
        if numeric else []
    if len(spec) > 1 or (spec and len(values) > 1) or len(values) > 3:
        raise InputError(
            f"Cannot write {name}: column {col!r} declares {len(values)} missing code(s) and "
            f"{len(spec)} range(s); SPSS holds at most three codes, or one range and one "
            "code. Merge the codes into a range in the codebook (missing_ranges: [[97, 99]])."
        )
    return spec + values
