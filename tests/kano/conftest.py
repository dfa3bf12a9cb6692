"""Shared fixtures for the Kano tests."""

from __future__ import annotations

import pandas as pd
import pytest

# Worked example of the issue "Kano analysis and expectation drift across survey waves":
# counts (M, O, A, I, R, Q) per attribute, n = 296, with Better, Worse and Fong's test.
WORKED_EXAMPLE = {
    "Service app": dict(M=95, O=123, A=45, I=33, R=0, Q=0),
    "Hotline": dict(M=15, O=24, A=121, I=124, R=6, Q=6),
    "Ready-to-use return": dict(M=9, O=18, A=83, I=177, R=6, Q=3),
}
# one answer pair (functional, dysfunctional) that the standard table maps to each category
CANONICAL_PAIR = {"A": (1, 3), "O": (1, 5), "M": (2, 5), "I": (3, 3), "R": (5, 1), "Q": (1, 1)}


def worked_example_frame() -> pd.DataFrame:
    rows = []
    for attribute, counts in WORKED_EXAMPLE.items():
        rid = 0
        for cat, k in counts.items():
            for _ in range(k):
                rid += 1
                rows.append((rid, attribute, *CANONICAL_PAIR[cat]))
    return pd.DataFrame(rows, columns=["id", "attribute", "f", "d"])


@pytest.fixture
def worked_example() -> pd.DataFrame:
    return worked_example_frame()


@pytest.fixture
def worked_counts() -> dict:
    return WORKED_EXAMPLE
