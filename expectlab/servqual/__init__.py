"""Service quality: SERVQUAL gaps and the zone of tolerance, the five-gap model,
importance-performance analysis and penalty-reward contrast analysis.

Public names: :class:`ServqualGaps`, :class:`FiveGapModel`,
:class:`ImportancePerformance`, :class:`PenaltyReward`, :func:`compare_with_kano`,
:func:`difference_score_reliability`, :func:`classic_dimensions`; ``report_section``
holds the service-quality section of the client-study report.
"""

from __future__ import annotations

from typing import Any

from ._inputs import CLASSIC_DIMENSIONS, classic_dimensions
from .reliability import difference_score_reliability

__all__ = ["CLASSIC_DIMENSIONS", "FiveGapModel", "ImportancePerformance", "PenaltyReward",
           "ServqualGaps", "classic_dimensions", "compare_with_kano",
           "difference_score_reliability"]

_LAZY = {"ServqualGaps": "gaps", "FiveGapModel": "five_gap",
         "ImportancePerformance": "ipa", "PenaltyReward": "penalty_reward",
         "compare_with_kano": "penalty_reward"}


def __getattr__(name: str) -> Any:
    # the estimators pull in scipy and the satisfaction machinery; import on first use
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'expectlab.servqual' has no attribute {name!r}")
