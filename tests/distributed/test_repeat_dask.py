"""Repeat buying on Dask: summaries, fits and scores equal the in-memory results.

A ``distributed.LocalCluster`` (one worker, two threads, in this process; shared with the
survey tests, see ``_engines.py``) runs every path: the engine aggregates and reduces, the
numpy core fits, predictions map over partitions.
"""

import numpy as np
import pandas as pd
import pytest
from _engines import client_fixture, require_dask, start_spark_early_fixture
from _repeat_cases import (
    HOLDOUT_END,
    PERIOD_END,
    assert_same_fit,
    assert_same_summary,
    check_warn,
    fitted,
    reference,
    summarise,
    transaction_log,
)

from expectlab import InputError

dd = require_dask()
client = client_fixture()
start_spark_early = start_spark_early_fixture()


@pytest.fixture(scope="module")
def log():
    return transaction_log()


def test_summary_equals_pandas(client, log):
    ours = summarise(dd.from_pandas(log, npartitions=4), duplicates="drop")
    assert_same_summary(ours, reference()[0])
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


def test_fits_equal_in_memory(client):
    _, summary, models = reference()
    frame = dd.from_pandas(summary.reset_index(), npartitions=3)
    for model, ref in zip(fitted(frame), models, strict=True):
        assert_same_fit(model, ref)
        assert "dask" in model.engine_note_


def test_scores_equal_in_memory(client):
    _, summary, (bg, pareto, gg) = reference()
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


def test_kept_duplicates_and_period_arguments_are_respected(client, log):
    ours = summarise(dd.from_pandas(log, npartitions=2), duplicates="keep")
    # the three repeated rows count as purchases, as in memory
    assert_same_summary(ours, summarise(log, duplicates="keep"))
    assert ours.attrs["period_end"] == PERIOD_END and ours.attrs["holdout_end"] == HOLDOUT_END


def test_warn_keeps_the_repeats_and_counts_them(client):
    check_warn(lambda frame: dd.from_pandas(frame, npartitions=3))
