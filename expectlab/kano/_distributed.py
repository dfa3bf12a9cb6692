"""Kano answers on a Dask or Spark DataFrame: the engine counts, numpy estimates.

The engine reduces the answers to their distinct raw profiles (attribute, wave, segment,
functional and dysfunctional answer, weight, importance, whether the respondent id is
missing) with the number of rows of each: a group-by inside Dask or Spark whose result
has at most a few thousand rows. That small table goes through the same validation,
answer matching and classification as in-memory data (:func:`expectlab.kano._data.prepare`,
one row standing for many), so exclusions are counted with the same reasons. The engine
then counts the distinct respondents with a usable answer and checks that no respondent
answers a group twice. :class:`~expectlab.kano.KanoAnalysis` estimates from the count
table, so counts, categories, Better / Worse and the bootstrap (which resamples the count
table, see :mod:`expectlab.kano._counts`) equal those of the same data in memory.

Attributes are ordered by first appearance for Dask (partitions are ordered) and in text
order for Spark (a Spark DataFrame has no row order).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._errors import InputError
from .._partitions import collect_grouped, engine_of, map_reduce
from .._results import ExclusionLog
from ._data import Prepared, prepare
from ._inputs import KanoInputs

_MISSING_ID = "_expectlab_missing_id"
_MULT = "_mult"


def is_distributed(data: Any) -> bool:
    return engine_of(data) is not None


def distributed_inputs(data: Any, *, respondent: str | None, attribute: str | None,
                       functional: str | None, dysfunctional: str | None, wave: str | None,
                       segment: Any, weights: Any, importance: Any) -> KanoInputs:
    """Check the column roles of a Dask / Spark fit (long data, columns named)."""
    engine = engine_of(data)
    roles = {"respondent": respondent, "attribute": attribute, "functional": functional,
             "dysfunctional": dysfunctional}
    named = {r: v for r, v in roles.items() if isinstance(v, str)}
    missing = [r for r in roles if r not in named]
    if missing:
        raise InputError(
            f"KanoAnalysis.fit on a {engine} DataFrame needs "
            f"{', '.join(f'{m}=' for m in missing)} naming columns of the long data (one "
            "row per respondent x attribute).")
    for name, value in (("segment", segment), ("weights", weights),
                        ("importance", importance)):
        if value is not None and not isinstance(value, str):
            raise InputError(
                f"On a {engine} DataFrame {name}= must name a column (got "
                f"{type(value).__name__}); arrays cannot be aligned with distributed rows.")
    columns = set(data.columns)
    absent = [c for c in (respondent, attribute, functional, dysfunctional, wave, segment,
                          weights, importance) if c is not None and c not in columns]
    if absent:
        raise InputError(
            f"Column(s) {absent} not found in the {engine} DataFrame; it has "
            f"{sorted(columns)[:20]}.")
    return KanoInputs(data, named["respondent"], named["attribute"], named["functional"],
                      named["dysfunctional"], wave, segment, weights, importance, None,
                      [f"Counted by {engine} (distributed)"])


def _attribute_order(data: Any, attribute: str, labels: list[Any]) -> list[Any]:
    """Dask: attributes in order of first appearance (partitions in order); Spark: text."""
    if engine_of(data) != "dask":
        return sorted(labels, key=str)
    firsts = map_reduce(data, lambda part: list(pd.unique(part[attribute].dropna())),
                        lambda a, b: a + [x for x in b if x not in a], [attribute])
    seen = list(dict.fromkeys(firsts or []))
    return seen + [x for x in labels if x not in seen]


def prepare_distributed(inputs: KanoInputs, *, table: Any, answer_set: Any) -> Prepared:
    """Reduce the engine's rows to profile counts and prepare them like in-memory data."""
    data = inputs.frame
    keys = [c for c in dict.fromkeys([inputs.attribute, inputs.wave, inputs.segment,
                                      inputs.functional, inputs.dysfunctional,
                                      inputs.weights, inputs.importance]) if c is not None]
    flagged = _with_missing_flag(data, inputs.respondent)
    reduced = collect_grouped(flagged, [*keys, _MISSING_ID])
    labels = list(pd.unique(reduced[inputs.attribute].dropna()))
    order = {a: i for i, a in enumerate(_attribute_order(data, inputs.attribute, labels))}
    rank = reduced[inputs.attribute].map(order).fillna(len(order))
    reduced = (reduced.assign(_rank=rank.to_numpy())
               .sort_values(["_rank", *[k for k in keys if k != inputs.attribute]],
                            kind="stable", na_position="last")
               .drop(columns="_rank").reset_index(drop=True))
    # one pseudo respondent per profile row (missing where the id was missing)
    rid = np.arange(len(reduced), dtype=float)
    rid[reduced[_MISSING_ID].to_numpy(dtype=bool)] = np.nan
    reduced["_rid"] = rid
    prep = prepare(reduced, respondent="_rid", attribute=inputs.attribute,
                   functional=inputs.functional, dysfunctional=inputs.dysfunctional,
                   wave=inputs.wave, segment=inputs.segment, weights=inputs.weights,
                   importance=inputs.importance, table=table, answer_set=answer_set)
    mult = reduced[_MULT].to_numpy(dtype=float)
    prep.frame["mult"] = mult[prep.frame["row"].to_numpy(dtype=np.int64)]
    # exclusions: each excluded profile row stands for _mult input rows
    excl = prep.excluded.to_frame()
    if len(excl):
        times = mult[excl["row"].to_numpy(dtype=np.int64)].astype(np.int64)
        reasons = np.repeat(excl["reason"].to_numpy(dtype=object), times)
        prep.excluded = _Expanded(pd.DataFrame({"row": pd.Series([None] * len(reasons),
                                                                   dtype=object),
                                                "reason": reasons}))
    usable = reduced.loc[prep.frame["row"].to_numpy(dtype=np.int64), keys]
    prep.n_respondents = _count_respondents(data, inputs, keys, usable)
    return prep


class _Expanded(ExclusionLog):
    """Exclusion log of a distributed fit (no row labels: the engine's rows have none).

    Starts from the expanded exclusions (one row per input row, ``row`` missing); rows
    added later with :meth:`add` follow them.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        super().__init__()
        self._frame = frame

    def to_frame(self) -> pd.DataFrame:
        if not self._parts:
            return self._frame
        return pd.concat([self._frame, super().to_frame()], ignore_index=True)


def _with_missing_flag(data: Any, respondent: str) -> Any:
    if engine_of(data) == "dask":
        return data.assign(**{_MISSING_ID: data[respondent].isna()})
    from pyspark.sql import functions as F

    return data.withColumn(_MISSING_ID, F.col(respondent).isNull())


def _count_respondents(data: Any, inputs: KanoInputs, keys: list[str],
                       usable: pd.DataFrame) -> int:
    """Distinct respondents with a usable answer; refuses repeated respondent x group."""
    group_keys = [c for c in (inputs.attribute, inputs.wave, inputs.segment) if c is not None]
    allowed = usable.drop_duplicates()
    if engine_of(data) == "dask":
        sub = data[[inputs.respondent, *keys]].dropna(subset=[inputs.respondent])
        sub = sub.merge(allowed, on=keys, how="inner")
        import dask

        n_rows, n_pairs, n_resp = dask.compute(
            sub.shape[0], sub[[inputs.respondent, *group_keys]].drop_duplicates().shape[0],
            sub[inputs.respondent].nunique())
    else:
        from functools import reduce

        from pyspark.sql import functions as F

        schema = data.select(*keys).schema
        rows = [tuple(None if pd.isna(v) else (v.item() if hasattr(v, "item") else v)
                      for v in r) for r in allowed.itertuples(index=False)]
        allowed_sdf = data.sparkSession.createDataFrame(rows, schema=schema)
        renamed = allowed_sdf.select(*[F.col(k).alias(f"_a{i}") for i, k in enumerate(keys)])
        sub = data.select(inputs.respondent, *keys).where(F.col(inputs.respondent).isNotNull())
        # null-safe equality: a missing importance is a key like any other
        cond = reduce(lambda a, b: a & b, [sub[k].eqNullSafe(renamed[f"_a{i}"])
                                           for i, k in enumerate(keys)])
        sub = sub.join(F.broadcast(renamed), on=cond, how="inner").select(
            inputs.respondent, *keys)
        # one job: rows, distinct respondent x group pairs, distinct respondents
        row = sub.agg(F.count(F.lit(1)).alias("rows"),
                      F.countDistinct(inputs.respondent, *group_keys).alias("pairs"),
                      F.countDistinct(inputs.respondent).alias("resp")).collect()[0]
        n_rows, n_pairs, n_resp = row["rows"], row["pairs"], row["resp"]
    if int(n_pairs) != int(n_rows):
        raise InputError(
            f"{int(n_rows) - int(n_pairs)} rows repeat a respondent x attribute"
            f"{' x wave' if inputs.wave else ''} combination in the distributed data. Each "
            "respondent answers each attribute once per wave; remove the duplicates (e.g. "
            "drop_duplicates on the respondent, attribute and wave columns) or add the wave "
            "column.")
    return int(n_resp)
