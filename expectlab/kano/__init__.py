"""Kano analysis: answer wordings, classification, per-attribute analysis with
uncertainty, drift of categories across survey waves, plots and the report section.

Public names: :func:`classify`, :class:`KanoAnalysis`, :class:`KanoDrift`,
:func:`reshape_wide`, :func:`evaluation_table` and the answer sets (``ANSWER_SETS``).
"""

from __future__ import annotations

from .answers import (
    ANSWER_SETS,
    BERGER_1993,
    BLAUTH,
    CHINESE_A,
    CHINESE_B,
    CODES,
    KANO_1984,
    SHORT,
    AnswerMatch,
    AnswerSet,
    answer_set_from_mapping,
    canonical_label,
    match_answers,
    normalise_label,
    to_codes,
)
from .classify import CATEGORIES, CATEGORY_NAMES, classify, evaluation_table

__all__ = [
    "ANSWER_SETS", "AnswerMatch", "AnswerSet", "BERGER_1993", "BLAUTH", "CATEGORIES",
    "CATEGORY_NAMES", "CHINESE_A", "CHINESE_B", "CODES", "KANO_1984", "SHORT",
    "KanoAnalysis", "KanoDrift", "answer_set_from_mapping", "canonical_label", "classify",
    "evaluation_table", "match_answers", "normalise_label", "reshape_wide", "to_codes",
]


def __getattr__(name: str):
    # the estimators pull in scipy/statsmodels; import them on first use
    if name == "KanoAnalysis":
        from .analysis import KanoAnalysis
        return KanoAnalysis
    if name == "KanoDrift":
        from .drift import KanoDrift
        return KanoDrift
    if name == "reshape_wide":
        from .reshape import reshape_wide
        return reshape_wide
    raise AttributeError(f"module 'expectlab.kano' has no attribute {name!r}")
