"""Repeat buying on Spark (local mode): summaries, fits and scores equal the in-memory ones.

Needs pyspark and Java. They are part of the test environment (CI installs them), so a
missing one is a failure with the install command, never a skip.
"""

import os

import numpy as np
import pandas as pd
import pytest
from _engines import (
    ENVIRONMENT_BEFORE,
    SPARK_WARNINGS,
    require_spark,
    spark_fixture,
    worker_expectlab,
)
from _repeat_cases import (
    assert_same_fit,
    assert_same_summary,
    check_warn,
    fitted,
    reference,
    summarise,
    transaction_log,
)

from expectlab import InputError

require_spark()
pytestmark = SPARK_WARNINGS
spark = spark_fixture()


@pytest.fixture(scope="module")
def log():
    return transaction_log()


def test_session_runs_this_checkout_and_leaves_the_environment_alone(spark):
    import expectlab

    # the workers import the expectlab under test, not another installed copy
    assert set(worker_expectlab(spark)) == {expectlab.__file__}
    # nothing the session needed is left in os.environ for later tests (pip, subprocesses)
    assert {k: os.environ.get(k) for k in ENVIRONMENT_BEFORE} == ENVIRONMENT_BEFORE


def test_summary_equals_pandas(spark, log):
    ours = summarise(spark.createDataFrame(log), duplicates="drop")
    assert_same_summary(ours, reference()[0])
    dropped = ours.attrs["excluded"]
    assert (dropped["reason"] == "duplicate row").sum() == 3
    # the checks run in Spark too (their messages are shared with Dask, tested there)
    bad = log.head(20).copy()
    bad.loc[7, "amount"] = -5.0
    with pytest.raises(InputError, match="negative amounts .*1 value, first: customer"):
        summarise(spark.createDataFrame(bad), duplicates="keep")


def test_fits_equal_in_memory(spark):
    _, summary, models = reference()
    frame = spark.createDataFrame(summary.reset_index())
    for model, ref in zip(fitted(frame), models, strict=True):
        assert_same_fit(model, ref)
        assert "spark" in model.engine_note_


def test_scores_equal_in_memory(spark):
    _, summary, (bg, pareto, gg) = reference()
    frame = spark.createDataFrame(summary.reset_index())

    def collected(result, name):
        out = result.toPandas().sort_values("customer_id").set_index("customer_id")[name]
        return out.to_numpy()

    for model in (bg, pareto):
        np.testing.assert_allclose(collected(model.predict_alive(frame), "p_alive"),
                                   model.predict_alive(summary).to_numpy(), rtol=1e-12)
        np.testing.assert_allclose(
            collected(model.predict_purchases(26.0, frame), "expected_purchases"),
            model.predict_purchases(26.0, summary).to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(collected(gg.predict_spend(frame), "expected_spend"),
                               gg.predict_spend(summary).to_numpy(), rtol=1e-12)
    clv = gg.customer_lifetime_value(bg, frame)
    assert set(frame.columns) < set(clv.columns)  # the same engine's DataFrame, one more column
    np.testing.assert_allclose(collected(clv, "clv"),
                               np.asarray(gg.customer_lifetime_value(bg, summary)), rtol=1e-12)
    assert isinstance(summary, pd.DataFrame)


def test_warn_keeps_the_repeats_and_counts_them(spark):
    check_warn(spark.createDataFrame)
