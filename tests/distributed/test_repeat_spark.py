"""Repeat buying on Spark (local mode): summaries, fits and scores equal the in-memory ones.

Needs pyspark and Java. They are part of the test environment (CI installs them), so a
missing one is a failure with the install command, never a skip.
"""

import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _repeat_cases import (
    assert_same_fit,
    assert_same_summary,
    customer_summary,
    fitted,
    summarise,
    transaction_log,
)

from expectlab import InputError

try:
    from pyspark.sql import SparkSession
except ImportError as exc:
    raise ImportError(f"The Spark tests need pyspark: pip install pyspark ({exc})") from None

if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    raise RuntimeError("The Spark tests need Java 17 or newer: apt-get install -y "
                       "openjdk-17-jre-headless (or set JAVA_HOME).")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def spark():
    # the Python workers must run this interpreter and import this checkout of expectlab;
    # the variables are restored afterwards, so later tests (and the subprocesses they
    # start, such as pip) do not inherit them
    saved = {k: os.environ.get(k) for k in ("PYSPARK_PYTHON", "PYTHONPATH")}
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    session = (SparkSession.builder.master("local[2]").appName("expectlab-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.default.parallelism", "2")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="module")
def log():
    return transaction_log()


@pytest.fixture(scope="module")
def reference(log):
    summary = customer_summary()
    return summarise(log, duplicates="drop"), summary, fitted(summary)


def test_summary_equals_pandas(spark, log, reference):
    ours = summarise(spark.createDataFrame(log), duplicates="drop")
    assert_same_summary(ours, reference[0])
    dropped = ours.attrs["excluded"]
    assert (dropped["reason"] == "duplicate row").sum() == 3
    # the checks run in Spark too (their messages are shared with Dask, tested there)
    bad = log.head(20).copy()
    bad.loc[7, "amount"] = -5.0
    with pytest.raises(InputError, match="negative amounts .*1 value, first: customer"):
        summarise(spark.createDataFrame(bad), duplicates="keep")


def test_fits_equal_in_memory(spark, reference):
    _, summary, models = reference
    frame = spark.createDataFrame(summary.reset_index())
    for model, ref in zip(fitted(frame), models, strict=True):
        assert_same_fit(model, ref)
        assert "spark" in model.engine_note_


def test_scores_equal_in_memory(spark, reference):
    _, summary, (bg, pareto, gg) = reference
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
