"""Recognising Dask and Spark DataFrames and running a function on every partition.

Survey estimators that accept a ``dask.dataframe.DataFrame`` or a
``pyspark.sql.DataFrame`` compute their sufficient statistics (counts, cross-products)
partition by partition inside that engine and add them up; the numpy core then
estimates from the totals. Nothing here imports Dask or Spark unless such a frame is
passed.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

# one detector of engine frames for the whole package (the repeat-buying engines use it too)
from .engines import engine_of

__all__ = ["engine_of", "map_reduce", "engine_columns", "splitmix64", "row_keys"]


def engine_columns(data: Any) -> list[str]:
    """Column names of a Dask or Spark DataFrame."""
    return list(data.columns)


def map_reduce(data: Any, func: Callable[[pd.DataFrame], Any],
               combine: Callable[[Any, Any], Any], columns: list[str]) -> Any:
    """``func`` on every partition (as a pandas DataFrame of ``columns``), results
    combined pairwise with ``combine`` (which must be associative and commutative, e.g.
    adding arrays, so the total does not depend on the partitioning).

    Partitions with no rows are passed too; ``func`` must return a neutral value there.
    """
    engine = engine_of(data)
    if engine == "dask":
        import dask

        parts = data[columns].to_delayed()
        results = dask.compute(*[dask.delayed(func)(part) for part in parts])
    elif engine == "spark":
        from pyspark.sql.types import BinaryType, StructField, StructType

        schema = StructType([StructField("payload", BinaryType())])

        def run(batches: Any) -> Any:
            frames = [b for b in batches]
            frame = (pd.concat(frames, ignore_index=True) if frames
                     else pd.DataFrame(columns=columns))
            yield pd.DataFrame({"payload": [pickle.dumps(func(frame))]})

        rows = data.select(*columns).mapInPandas(run, schema).collect()
        results = [pickle.loads(r["payload"]) for r in rows]
    else:  # pragma: no cover - callers check the engine first
        raise TypeError(f"not a Dask or Spark DataFrame: {type(data).__name__}")
    total = None
    for r in results:
        total = r if total is None else combine(total, r)
    return total


def collect_grouped(data: Any, keys: list[str]) -> pd.DataFrame:
    """Distinct combinations of ``keys`` with their number of rows (column ``_mult``),
    missing values kept as their own key, collected as a pandas DataFrame."""
    engine = engine_of(data)
    if engine == "dask":
        counts = (data[keys].assign(_mult=1)
                  .groupby(keys, dropna=False)["_mult"].sum().compute())
        return counts.reset_index()
    if engine == "spark":
        return data.groupBy(*keys).count().withColumnRenamed("count", "_mult").toPandas()
    raise TypeError(f"not a Dask or Spark DataFrame: {type(data).__name__}")  # pragma: no cover


_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


def splitmix64(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser: a well-mixed 64-bit hash of each 64-bit integer (used as
    a counter-based random number generator keyed by row content and replicate)."""
    with np.errstate(over="ignore"):
        z = (np.asarray(x, dtype=np.uint64) + np.uint64(0x9E3779B97F4A7C15)) & _MASK
        z = ((z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)) & _MASK
        z = ((z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)) & _MASK
        return z ^ (z >> np.uint64(31))


def row_keys(frame: pd.DataFrame) -> np.ndarray:
    """A stable 64-bit key of each row's values (the same row gives the same key in any
    partition, process or run)."""
    return pd.util.hash_pandas_object(frame, index=False).to_numpy(dtype=np.uint64)


def poisson_weights(keys: np.ndarray, mult: np.ndarray, seed: int, n_boot: int
                    ) -> np.ndarray:
    """``Poisson(mult)`` resampling counts, shape ``(n_boot, len(keys))``, drawn from a
    counter-based generator: replicate ``b`` of the row with key ``k`` depends only on
    ``(seed, b, k)``, never on which partition holds the row."""
    from scipy.stats import poisson

    out = np.empty((n_boot, len(keys)))
    seed_mix = splitmix64(np.array([seed], dtype=np.uint64))[0]
    for b in range(n_boot):
        with np.errstate(over="ignore"):
            rep = splitmix64(np.array([seed_mix ^ np.uint64(b)], dtype=np.uint64))[0]
        bits = splitmix64(keys ^ rep)
        u = ((bits >> np.uint64(11)).astype(np.float64) + 0.5) / float(1 << 53)
        out[b] = poisson.ppf(u, mult)
    return out
