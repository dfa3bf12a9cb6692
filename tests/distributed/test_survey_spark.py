"""Kano counts and satisfaction cross-products on a local Spark session: equal to memory.

The ``local[2]`` session shared with the repeat-buying tests (``_engines.py``; two shuffle
partitions, adaptive execution off, so every reduction combines several partitions).
Nothing is skipped: without pyspark or Java the module fails saying what to install.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from _engines import SPARK_WARNINGS, require_dask, require_spark, spark_fixture

from expectlab import FragileResultWarning, KanoAnalysis, SatisfactionRegression
from expectlab.simulate.kano import simulate_kano_panel
from expectlab.simulate.satisfaction import simulate_satisfaction

require_spark()
pytestmark = SPARK_WARNINGS
spark = spark_fixture()

KANO_COLS = dict(respondent="respondent", attribute="attribute", functional="functional",
                 dysfunctional="dysfunctional", wave="wave", importance="imp", weights="w")
SAT_COLS = dict(satisfaction="satisfaction", expectation="expectation",
                experience="experience", controls=["age"], weights="w")


def test_kano_on_spark_equals_in_memory(spark):
    sim = simulate_kano_panel(200, 2, {"App": "life cycle", "Hotline": "no drift"},
                              random_state=2)
    data = sim.data.copy()
    rng = np.random.default_rng(1)
    data["imp"] = rng.integers(1, 6, len(data)).astype(float)
    data.loc[5, "imp"] = np.nan
    data["w"] = rng.choice([0.5, 1.0, 2.0], len(data))
    data.loc[3, "functional"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        memory = KanoAnalysis(n_boot=100, random_state=3, progress=False).fit(data,
                                                                              **KANO_COLS)
        on_spark = KanoAnalysis(n_boot=100, random_state=3, progress=False).fit(
            spark.createDataFrame(data).repartition(3), **KANO_COLS)
    # attributes come in text order from Spark; App < Hotline is also the input order
    pd.testing.assert_frame_equal(memory.summary, on_spark.summary, rtol=1e-12)
    assert on_spark.excluded_["reason"].tolist() == ["missing functional or dysfunctional "
                                                     "answer"]


def test_satisfaction_on_spark_equals_in_memory_and_dask_bootstrap(spark):
    data = simulate_satisfaction(n=400, truth="quadratic", random_state=11).data.copy()
    rng = np.random.default_rng(5)
    data["age"] = np.round(rng.normal(40, 10, len(data)))
    data["w"] = rng.choice([0.5, 1.0, 2.0], len(data))
    data.loc[3, "satisfaction"] = np.nan
    params = dict(scale=(1, 7), progress=False, n_boot=50, random_state=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        memory = SatisfactionRegression(**params).fit(data, **SAT_COLS)
        on_spark = SatisfactionRegression(**params).fit(
            spark.createDataFrame(data).repartition(2), **SAT_COLS)
    cols = ["estimate", "se", "lower", "upper", "statistic", "p"]
    pd.testing.assert_frame_equal(memory.summary[cols], on_spark.summary[cols], rtol=1e-9,
                                  atol=1e-12)
    assert on_spark.n_obs_ == 399
    # the Poisson replicates are keyed by row values: Dask gives the same ones
    dd = require_dask()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        on_dask = SatisfactionRegression(**params).fit(dd.from_pandas(data, npartitions=4),
                                                      **SAT_COLS)
    np.testing.assert_allclose(on_spark.boot_params("full"), on_dask.boot_params("full"),
                               rtol=1e-9, atol=1e-12)
