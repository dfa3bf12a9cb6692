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
    ``(seed, b, k)``, never on which partition holds the row.

    Each count is ``scipy.stats.poisson.ppf(u, mult)`` of a uniform ``u`` hashed from
    ``(seed, b, k)``; :func:`_poisson_quantiles` computes the same numbers without
    SciPy's slow inverse CDF for almost all of them.

    Examples
    --------
    >>> keys = np.array([11, 12, 13], dtype=np.uint64)
    >>> poisson_weights(keys, np.array([1.0, 1.0, 3.0]), seed=5, n_boot=2).shape
    (2, 3)
    """
    keys = np.asarray(keys, dtype=np.uint64)
    mult = np.broadcast_to(np.asarray(mult, dtype=np.float64), keys.shape)
    out = np.empty((n_boot, len(keys)))
    seed_mix = splitmix64(np.array([seed], dtype=np.uint64))[0]
    with np.errstate(over="ignore"):
        reps = splitmix64(seed_mix ^ np.arange(n_boot, dtype=np.uint64))
    # replicates in blocks, so the temporaries stay near 1M values each
    step = max(1, (1 << 20) // max(len(keys), 1))
    for start in range(0, n_boot, step):
        bits = splitmix64(keys[None, :] ^ reps[start:start + step, None])
        u = ((bits >> np.uint64(11)).astype(np.float64) + 0.5) / float(1 << 53)
        out[start:start + step] = _poisson_quantiles(u, mult)
    return out


# Where SciPy's answer could differ from the exact quantile (see _poisson_quantiles):
# relative accuracy assumed of special.pdtrik (its root finder stops at 1e-8), and the
# uniforms in the far tails, where the inverse is ill-conditioned.
_PDTRIK_SLACK = 1e-6
_TAIL = 1e-10


def _poisson_quantiles(u: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """``scipy.stats.poisson.ppf(u, mu)`` for ``u`` in (0, 1), shape ``(r, n)`` with ``mu``
    of shape ``(n,)``, equal to it value for value.

    SciPy takes ``v = ceil(pdtrik(u, mu))`` (a root finder, ~6 us a value) and returns
    ``v - 1`` when ``pdtr(v - 1, mu) >= u``, else ``v``. With ``k`` the smallest integer
    such that ``pdtr(k, mu) >= u`` (a table search), that is ``k`` whenever
    ``pdtrik(u, mu)`` lies in ``(k - 1, k + 1]``; the exact root lies in ``(k - 1, k]``,
    so only a ``u`` just above ``pdtr(k - 1, mu)`` (within the root finder's error), a
    far-tail ``u``, or an unusual ``mu`` (not finite, not positive, very large) can
    differ, and those few go to ``poisson.ppf`` itself.
    """
    from scipy import special

    out = np.empty(u.shape)
    exact = np.ones(u.shape, dtype=bool)  # True: ask poisson.ppf
    values, column_group = np.unique(mu, return_inverse=True)
    for g, m in enumerate(values):
        cols = np.flatnonzero(column_group == g)
        if not (np.isfinite(m) and 0.0 < m <= 1e6):
            continue
        k_max = int(m + 40.0 * np.sqrt(m) + 60.0)
        steps = np.arange(k_max + 2, dtype=np.float64)
        table = special.pdtr(steps[:-1], m)
        # the exact root is above k - 1 + slack when u exceeds the continuous CDF there
        # (the last entry, past the table, makes every u unsafe)
        lower = np.append(special.gammaincc(steps[:-1] * (1.0 + _PDTRIK_SLACK)
                                            + _PDTRIK_SLACK, m) + 1e-13, 2.0)
        uu = u[:, cols]
        k = np.searchsorted(table, uu, side="left")  # smallest k with pdtr(k, m) >= u
        safe = (uu > lower[k]) & (uu > _TAIL) & (uu < 1.0 - _TAIL)
        out[:, cols] = k
        exact[:, cols] = ~safe
    if exact.any():
        from scipy.stats import poisson  # ~1 s to import on a fresh worker: only if needed

        rows, cols = np.nonzero(exact)
        out[rows, cols] = poisson.ppf(u[rows, cols], mu[cols])
    return out
