"""Shared fixtures for the repeat-buying tests."""

import pandas as pd
import pytest

from expectlab.public_data import is_available

HAVE_CDNOW = is_available("lifetimes", "lifetimes/datasets/CDNOW_sample.txt")
needs_cdnow = pytest.mark.skipif(
    not HAVE_CDNOW,
    reason="optional data package 'lifetimes' (CDNOW sample) is not installed",
)


@pytest.fixture
def small_log() -> pd.DataFrame:
    """Three customers with hand-checked summaries (see test_repeat_summaries)."""
    return pd.DataFrame({
        "customer_id": [1, 1, 1, 1, 2, 3, 3],
        "date": ["2024-01-01", "2024-01-01", "2024-01-15", "2024-03-04",
                 "2024-02-05", "2024-03-11", "2024-02-26"],
        "amount": [20.0, 5.0, 35.0, 10.0, 12.5, 8.0, 4.0],
    })


@pytest.fixture(scope="session")
def cdnow_calibration():
    if not HAVE_CDNOW:
        pytest.skip("optional data package 'lifetimes' (CDNOW sample) is not installed")
    from expectlab.repeat import summarise_transactions
    from expectlab.repeat.cdnow import CDNOW_HOLDOUT_END, CDNOW_PERIOD_END, read_cdnow_log

    return summarise_transactions(read_cdnow_log(), "customer_id", "date", "amount",
                                  period_end=CDNOW_PERIOD_END, holdout_end=CDNOW_HOLDOUT_END,
                                  duplicates="keep")
