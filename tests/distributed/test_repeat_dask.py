"""Repeat buying on Dask: summaries, fits and scores equal the in-memory results.

A ``distributed.LocalCluster`` (threads, 2 workers' worth) runs every path: the engine
aggregates and reduces, the numpy core fits, predictions map over partitions.
"""

import numpy as np
import pandas as pd
import pytest
from _repeat_cases import (
    HOLDOUT_END,
    PERIOD_END,
    assert_same_fit,
    assert_same_summary,
    customer_summary,
    fitted,
    summarise,
    transaction_log,
)

from expectlab import InputError

try:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster
except ImportError as exc:  # CI installs dask: a missing package is a failure, not a skip
    raise ImportError(
        f"The distributed tests need Dask: pip install 'dask[dataframe]' distributed ({exc})"
    ) from None


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                      dashboard_address=None) as cluster, Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def log():
    return transaction_log()


@pytest.fixture(scope="module")
def reference(log):
    summary = customer_summary()
    return summarise(log, duplicates="drop"), summary, fitted(summary)


def test_summary_equals_pandas(client, log, reference):
    ours = summarise(dd.from_pandas(log, npartitions=4), duplicates="drop")
    assert_same_summary(ours, reference[0])
    dropped = ours.attrs["excluded"]
    assert {"customer", "date", "reason"} <= set(dropped.columns)
    assert (dropped["reason"] == "duplicate row").sum() == 3


def test_summary_errors_name_the_values(client, log):
    with pytest.raises(InputError, match="repeats 3 rows exactly"):
        summarise(dd.from_pandas(log, npartitions=3))
    bad = log.copy()
    bad.loc[7, "amount"] = -5.0
    with pytest.raises(InputError, match="negative amounts .*1 value, first: customer"):
        summarise(dd.from_pandas(bad, npartitions=3), duplicates="keep")
    bad = log.copy()
    bad.loc[[2, 9], "date"] = "not a date"
    with pytest.raises(InputError, match="do not parse: 2 values"):
        summarise(dd.from_pandas(bad, npartitions=3), duplicates="keep")


def test_fits_equal_in_memory(client, reference):
    _, summary, models = reference
    frame = dd.from_pandas(summary.reset_index(), npartitions=3)
    for model, ref in zip(fitted(frame), models, strict=True):
        assert_same_fit(model, ref)
        assert "dask" in model.engine_note_


def test_scores_equal_in_memory(client, reference):
    _, summary, (bg, pareto, gg) = reference
    frame = dd.from_pandas(summary, npartitions=3)
    for model in (bg, pareto):
        alive = model.predict_alive(frame)
        assert isinstance(alive, dd.Series)
        pd.testing.assert_series_equal(alive.compute(), model.predict_alive(summary),
                                       check_names=False, rtol=1e-12)
        pd.testing.assert_series_equal(model.predict_purchases(26.0, frame).compute(),
                                       model.predict_purchases(26.0, summary), rtol=1e-12)
    pd.testing.assert_series_equal(gg.predict_spend(frame).compute(),
                                   gg.predict_spend(summary), rtol=1e-12)
    clv = gg.customer_lifetime_value(bg, frame).compute()
    np.testing.assert_allclose(clv.to_numpy(), gg.customer_lifetime_value(bg, summary),
                               rtol=1e-12)
    assert clv.index.equals(summary.index)


def test_period_arguments_are_respected(client, log):
    ours = summarise(dd.from_pandas(log, npartitions=2), duplicates="keep")
    assert ours.attrs["period_end"] == PERIOD_END and ours.attrs["holdout_end"] == HOLDOUT_END
