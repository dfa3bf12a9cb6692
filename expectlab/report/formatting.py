"""How numbers and data-derived text look in the client report: one rule per kind.

Every table and sentence of the report formats its numbers through these functions, so a
p-value, a share or an estimate reads the same everywhere:

========================  =======================================  ==================
kind                      rule                                     example
========================  =======================================  ==================
count                     whole number, thousands separator        ``1,204``
share (0-1)               percent, one decimal                     ``45.2%``
percentage points         signed, one decimal                      ``+3.4``
estimate                  two decimals (coefficients, alpha, R²,   ``0.71``
                          odds ratios, Better/Worse, scale means)
information criterion     one decimal (AIC)                        ``1532.4``
NPS                       signed, one decimal                      ``+12.3``
index (0-100)             one decimal                              ``64.8``
p-value                   three decimals, ``< 0.001`` below        ``0.042``
interval                  both ends with the estimate's rule       ``0.62 to 0.80``
share of few              the share and its n                      ``100.0% (n = 5)``
========================  =======================================  ==================

Text that comes from the client's file (labels, segment values) is drawn literally in
figures (:func:`literal`): a ``$`` would otherwise switch matplotlib into mathtext.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd

__all__ = ["count", "share", "points", "estimate", "aic", "index_value", "nps_value", "p_value",
           "interval", "share_n", "literal", "humanise", "format_columns"]


def _missing(value: Any) -> bool:
    try:
        return value is None or (isinstance(value, float) and math.isnan(value)) or bool(
            pd.isna(value))
    except (TypeError, ValueError):
        return False


def count(value: Any) -> str:
    """A whole number with a thousands separator (``1,204``); blank when missing."""
    if _missing(value):
        return ""
    return f"{int(round(float(value))):,}"


def share(value: Any) -> str:
    """A share between 0 and 1 as a percent with one decimal (``45.2%``)."""
    if _missing(value):
        return ""
    return f"{100 * float(value):.1f}%"


def points(value: Any) -> str:
    """A difference in percentage points, signed, one decimal (``+3.4``)."""
    if _missing(value):
        return ""
    return f"{float(value):+.1f}"


def estimate(value: Any) -> str:
    """A model estimate or scale mean with two decimals (``0.71``, ``-0.05``)."""
    if _missing(value):
        return ""
    text = f"{float(value):.2f}"
    return "0.00" if text == "-0.00" else text


def aic(value: Any) -> str:
    """An information criterion with one decimal."""
    if _missing(value):
        return ""
    return f"{float(value):.1f}"


def index_value(value: Any) -> str:
    """A 0-100 index (ACSI style) with one decimal (``64.8``)."""
    if _missing(value):
        return ""
    return f"{float(value):.1f}"


def nps_value(value: Any) -> str:
    """A Net Promoter Score (-100 to +100), signed, one decimal."""
    if _missing(value):
        return ""
    return f"{float(value):+.1f}"


def p_value(value: Any) -> str:
    """A p-value: three decimals, ``< 0.001`` below 0.001."""
    if _missing(value):
        return ""
    value = float(value)
    if value < 0.001:
        return "< 0.001"
    return f"{min(value, 1.0):.3f}"


def interval(lower: Any, upper: Any, rule: Callable[[Any], str] = estimate, *,
             to: str = "to") -> str:
    """An interval with both ends formatted by ``rule`` (``0.62 to 0.80``)."""
    if _missing(lower) or _missing(upper):
        return ""
    return f"{rule(lower)} {to} {rule(upper)}"


def share_n(value: Any, n: Any) -> str:
    """A share with the number of respondents it rests on (``100.0% (n = 5)``)."""
    if _missing(value):
        return f"(n = {count(n)})" if not _missing(n) else ""
    return f"{share(value)} (n = {count(n)})"


def literal(text: Any) -> str:
    """``text`` as matplotlib draws it literally: a ``$`` never starts mathtext."""
    return str(text).replace("$", r"\$")


def humanise(name: Any) -> str:
    """A column or scale name as a plain heading: ``switching_costs`` -> ``Switching costs``.

    Used only where the codebook gives no label.
    """
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else text


def format_columns(frame: pd.DataFrame, rules: dict[str, Callable[[Any], str]]
                   ) -> pd.DataFrame:
    """A copy of ``frame`` whose columns named in ``rules`` are formatted as text."""
    out = frame.copy()
    for column, rule in rules.items():
        if column in out.columns:
            out[column] = [rule(v) for v in out[column]]
    return out


def p_clause(value: Any) -> str:
    """A p-value inside a sentence: ``p = 0.042`` or ``p < 0.001``."""
    text = p_value(value)
    return text and (f"p {text}" if text.startswith("<") else f"p = {text}")
