"""Repeat buying on Dask and Spark DataFrames: summaries, fitting inputs and scoring.

* :func:`aggregate_engine` summarises a transaction log inside the engine (checks, the
  duplicate check, exclusions, customer-day and customer aggregation); only the
  per-customer table and the excluded rows come back as pandas.
* :func:`distinct_rows` reduces per-customer inputs of a model to their distinct rows with
  summed weights inside the engine; the numpy core fits those (same estimates as in
  memory, since the likelihood only sees distinct rows and their weights).
* :func:`score` maps a prediction over the partitions (``map_partitions`` /
  ``mapInPandas``), shipping the fitted model, which holds no data, to the workers.

Rows of a distributed frame have no stable position, so excluded transactions are
identified by their customer id and raw date (``row`` holds the Dask index label; it is
missing for Spark).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from .._errors import InputError, require_columns
from ..engines import import_engine, progress_bar
from .summaries import Aggregated, Repeats, repeat_error


# -- the per-row preparation, shared by both engines (runs on pandas partitions) ------------
def _prepare_rows(part: pd.DataFrame, customer: str, date: str, amount: str | None,
                  date_format: str | None) -> pd.DataFrame:
    """customer, raw date, parsed day, raw amount and numeric amount of each row."""
    values = part[date]
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_localize(None)
    else:
        parsed = pd.to_datetime(values.astype("string") if date_format else values,
                                errors="coerce", format=date_format or "ISO8601")
    out = pd.DataFrame({"customer": part[customer],
                        "raw_date": values.astype("string").astype(object),
                        "day": pd.Series(parsed, index=part.index).dt.normalize()
                        .astype("datetime64[ns]")}, index=part.index)
    out.loc[values.isna().to_numpy(), "raw_date"] = None
    if amount is None:
        out["raw_amount"] = None
        out["amount"] = 0.0
    else:
        raw = part[amount]
        out["raw_amount"] = raw.astype("string").astype(object)
        out.loc[raw.isna().to_numpy(), "raw_amount"] = None
        money = pd.to_numeric(raw, errors="coerce").astype(float)
        out["amount"] = money.where(np.isfinite(money))
    return out


def _check_date_column(dtype: Any, date: str, date_format: str | None) -> None:
    if date_format is None and pd.api.types.is_numeric_dtype(dtype) \
            and not pd.api.types.is_bool_dtype(dtype):
        raise InputError(
            f"Column {date!r} holds numbers ({dtype}), not dates. Pass date_format "
            "(e.g. date_format='%Y%m%d' for values like 19970101)."
        )


def _fail_checks(counts: dict[str, int], examples: Callable[[str], str], customer: str,
                 date: str, amount: str | None) -> None:
    """Raise the first InputError the counts call for (same messages as pandas/DuckDB)."""
    if counts["rows"] == 0:
        raise InputError("The transaction log has no rows. Pass a log with at least one purchase.")
    if counts["no_id"]:
        raise InputError(f"Column {customer!r} has missing customer ids: {examples('no_id')}. "
                         "Remove these transactions or fill in the customer id.")
    if counts["no_date"]:
        raise InputError(f"Column {date!r} has missing dates: {examples('no_date')}. "
                         "Remove these transactions or fill in the date.")
    if counts["bad_date"]:
        raise InputError(f"Column {date!r} has dates that do not parse: "
                         f"{examples('bad_date')}. Fix these values or pass date_format "
                         "(e.g. date_format='%Y-%m-%d').")
    if amount is not None and counts["bad_amount"]:
        raise InputError(f"Column {amount!r} has missing or non-numeric amounts: "
                         f"{examples('bad_amount')}. Fix or remove these transactions.")
    if amount is not None and counts["negative"]:
        raise InputError(
            f"Column {amount!r} has negative amounts (returns or refunds?): "
            f"{examples('negative')}. Net returns against their purchases or remove them "
            "before summarising; spend models need non-negative amounts.")


def _describe(total: int, shown: pd.DataFrame, column: str) -> str:
    noun = "value" if total == 1 else "values"
    items = ", ".join(f"customer {c!r}: {v!r}" for c, v in zip(shown["customer"], shown[column],
                                                                 strict=True))
    more = "" if total <= len(shown) else f" (and {total - len(shown)} more)"
    return f"{total} {noun}, first: {items}{more}"


def _first_repeats(shown: pd.DataFrame) -> str:
    """The first repeated rows as text (by customer and raw date: no row positions here)."""
    return "; ".join(f"{(r.customer, r.raw_date, r.raw_amount)}"
                     for r in shown.head(5).itertuples())


def _excluded_frame(rows: pd.DataFrame, reason: str) -> pd.DataFrame:
    return pd.DataFrame({"row": rows["row"].to_numpy() if "row" in rows else np.nan,
                         "customer": rows["customer"].to_numpy(),
                         "date": rows["raw_date"].to_numpy(), "reason": reason})


def _per_customer_from_days(per_customer: pd.DataFrame) -> pd.DataFrame:
    columns = ["customer", "first_day", "last_day", "n_days", "repeat_spend",
               "n_days_holdout", "spend_holdout"]
    return per_customer[columns].sort_values("customer", kind="stable").reset_index(drop=True)


# -- Dask -----------------------------------------------------------------------------------
_CONDITIONS = {
    "no_id": lambda t: t["customer"].isna(),
    "no_date": lambda t: t["raw_date"].isna(),
    "bad_date": lambda t: ~t["raw_date"].isna() & t["day"].isna(),
    "bad_amount": lambda t: t["amount"].isna(),
    "negative": lambda t: t["amount"] < 0,
}
_SHOWN = {"no_id": "customer", "no_date": "raw_date", "bad_date": "raw_date",
          "bad_amount": "raw_amount", "negative": "raw_amount"}


def _aggregate_dask(frame: Any, customer: str, date: str, amount: str | None,
                    period_end: pd.Timestamp | None, holdout_end: pd.Timestamp | None,
                    date_format: str | None, duplicates: str, progress: bool | None
                    ) -> Aggregated:
    import dask

    require_columns(frame._meta, [customer, date, amount], source="the transaction log")
    _check_date_column(frame._meta[date].dtype, date, date_format)
    tx = frame.map_partitions(_prepare_rows, customer, date, amount, date_format,
                              meta=_prepare_rows(frame._meta, customer, date, amount,
                                                 date_format))
    tx = tx.assign(row=tx.index)
    with progress_bar("dask", progress):
        sums = {k: cond(tx).sum() for k, cond in _CONDITIONS.items()}
        counts, max_day = dask.compute({"rows": tx.shape[0], **sums}, tx["day"].max())
    counts = {k: int(v) for k, v in counts.items()}

    def examples(key: str) -> str:
        shown = tx[_CONDITIONS[key](tx)].head(5, npartitions=-1)
        return _describe(counts[key], shown, _SHOWN[key])

    _fail_checks(counts, examples, customer, date, amount)
    excluded: list[pd.DataFrame] = []
    keys = ["customer", "raw_date", "raw_amount"]
    found: Repeats = None
    if duplicates != "keep" and amount is not None:
        sizes = tx.groupby(keys, dropna=False).size()
        repeated = sizes[sizes > 1]
        with progress_bar("dask", progress):
            repeated = repeated.compute()
        n_dup = int((repeated - 1).sum())
        found = (n_dup, "")
        if n_dup:
            shown = repeated.reset_index().sort_values(keys[:2], kind="stable")
            found = (n_dup, _first_repeats(shown))
            if duplicates == "error":
                raise repeat_error(found, customer, date, amount)
            if duplicates == "drop":
                dropped = shown.loc[shown.index.repeat(shown[0].to_numpy() - 1)]
                excluded.append(_excluded_frame(dropped, "duplicate row"))
                tx = tx.drop_duplicates(subset=keys)
    if period_end is None:
        period_end = pd.Timestamp(max_day)
    if holdout_end is not None and holdout_end <= period_end:
        raise InputError(
            f"holdout_end ({holdout_end.date()}) must come after period_end "
            f"({period_end.date()}, the last transaction date). Pass period_end explicitly.")
    stop = period_end if holdout_end is None else holdout_end
    late = tx[tx["day"] > stop]
    kept = tx[tx["day"] <= stop]
    first = kept.groupby("customer")["day"].min().rename("first_day")
    kept = kept.merge(first.to_frame(), left_on="customer", right_index=True, how="left")
    newcomer = kept[kept["first_day"] > period_end]
    used = kept[kept["first_day"] <= period_end]
    days = used.groupby(["customer", "day"])["amount"].sum().reset_index()
    days = days.merge(first.to_frame(), left_on="customer", right_index=True, how="left")
    cal = days["day"] <= period_end
    days = days.assign(cal=cal.astype("int64"), hold=(~cal).astype("int64"),
                       cal_amount=days["amount"].where(cal, 0.0),
                       hold_amount=days["amount"].where(~cal, 0.0),
                       cal_day=days["day"].where(cal),
                       first_amount=days["amount"].where(days["day"] == days["first_day"], 0.0))
    grouped = days.groupby("customer").agg(
        {"day": "min", "cal_day": "max", "cal": "sum", "cal_amount": "sum", "hold": "sum",
         "hold_amount": "sum", "first_amount": "sum"})
    with progress_bar("dask", progress):
        per, late_rows, new_rows, n_used = dask.compute(
            grouped, late[["row", "customer", "raw_date"]],
            newcomer[["row", "customer", "raw_date"]], used.shape[0])
    if late_rows.shape[0]:
        excluded.append(_excluded_frame(late_rows, "after the end of the observed period"))
    if new_rows.shape[0]:
        excluded.append(_excluded_frame(new_rows, "customer first seen after period_end"))
    if len(per) == 0:
        raise InputError(f"No customer made a purchase on or before period_end "
                         f"({period_end.date()}). Pass a later period_end.")
    per = per.reset_index()
    per_customer = pd.DataFrame({
        "customer": per["customer"], "first_day": per["day"], "last_day": per["cal_day"],
        "n_days": per["cal"], "repeat_spend": per["cal_amount"] - per["first_amount"],
        "n_days_holdout": per["hold"], "spend_holdout": per["hold_amount"]})
    return (_per_customer_from_days(per_customer), _exclusions(excluded), period_end,
            (counts["rows"], int(n_used)), found)


def _exclusions(parts: list[pd.DataFrame]) -> pd.DataFrame:
    if parts:
        return pd.concat(parts, ignore_index=True)
    return pd.DataFrame({"row": pd.Series(dtype=object), "customer": pd.Series(dtype=object),
                         "date": pd.Series(dtype=object), "reason": pd.Series(dtype=str)})


# -- Spark ----------------------------------------------------------------------------------
def _aggregate_spark(frame: Any, customer: str, date: str, amount: str | None,
                     period_end: pd.Timestamp | None, holdout_end: pd.Timestamp | None,
                     date_format: str | None, duplicates: str, progress: bool | None
                     ) -> Aggregated:
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    require_columns(pd.DataFrame(columns=frame.columns), [customer, date, amount],
                    source="the transaction log")
    date_type = frame.schema[date].dataType
    if isinstance(date_type, T.NumericType):
        _check_date_column(np.float64, date, date_format)
    # raw values travel as text (what the messages show); parsing is the pandas code
    selected = [F.col(customer).alias(customer), F.col(date).cast("string").alias(date)]
    if amount is not None:
        selected.append(F.col(amount).cast("string").alias(amount))
    source = frame.select(*selected)
    schema = T.StructType([
        T.StructField("customer", frame.schema[customer].dataType),
        T.StructField("raw_date", T.StringType()), T.StructField("day", T.TimestampNTZType()),
        T.StructField("raw_amount", T.StringType()), T.StructField("amount", T.DoubleType())])

    def prepare(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            yield _prepare_rows(batch, customer, date, amount, date_format)

    tx = source.mapInPandas(prepare, schema).cache()
    try:
        return _aggregate_spark_tx(tx, F, customer, date, amount, period_end, holdout_end,
                                   duplicates)
    finally:
        tx.unpersist()


def _aggregate_spark_tx(tx: Any, F: Any, customer: str, date: str, amount: str | None,
                        period_end: pd.Timestamp | None, holdout_end: pd.Timestamp | None,
                        duplicates: str
                        ) -> Aggregated:
    conditions = {
        "no_id": F.col("customer").isNull(), "no_date": F.col("raw_date").isNull(),
        "bad_date": F.col("raw_date").isNotNull() & F.col("day").isNull(),
        "bad_amount": F.col("amount").isNull() | F.isnan("amount"),
        "negative": F.col("amount") < 0}
    row = tx.agg(F.count(F.lit(1)).alias("rows"), F.max("day").alias("max_day"),
                 *[F.sum(F.when(c, 1).otherwise(0)).alias(k) for k, c in conditions.items()]
                 ).collect()[0]
    counts = {k: int(row[k] or 0) for k in ["rows", *conditions]}

    def examples(key: str) -> str:
        shown = tx.filter(conditions[key]).limit(5).toPandas()
        return _describe(counts[key], shown, _SHOWN[key])

    _fail_checks(counts, examples, customer, date, amount)
    excluded: list[pd.DataFrame] = []
    keys = ["customer", "raw_date", "raw_amount"]
    found: Repeats = None
    if duplicates != "keep" and amount is not None:
        repeated = tx.groupBy(*keys).count().filter(F.col("count") > 1).toPandas()
        n_dup = int((repeated["count"] - 1).sum()) if len(repeated) else 0
        found = (n_dup, "")
        if n_dup:
            shown = repeated.sort_values(keys[:2], kind="stable").rename(columns={"count": 0})
            found = (n_dup, _first_repeats(shown))
            if duplicates == "error":
                raise repeat_error(found, customer, date, amount)
            if duplicates == "drop":
                dropped = shown.loc[shown.index.repeat(shown[0].to_numpy() - 1)]
                excluded.append(_excluded_frame(dropped, "duplicate row"))
                tx = tx.dropDuplicates(keys)
    if period_end is None:
        period_end = pd.Timestamp(row["max_day"])
    if holdout_end is not None and holdout_end <= period_end:
        raise InputError(
            f"holdout_end ({holdout_end.date()}) must come after period_end "
            f"({period_end.date()}, the last transaction date). Pass period_end explicitly.")
    stop = period_end if holdout_end is None else holdout_end
    pe, st = F.lit(period_end.to_pydatetime()), F.lit(stop.to_pydatetime())
    late = tx.filter(F.col("day") > st).select("customer", "raw_date").toPandas()
    if len(late):
        excluded.append(_excluded_frame(late, "after the end of the observed period"))
    kept = tx.filter(F.col("day") <= st)
    first = kept.groupBy("customer").agg(F.min("day").alias("first_day"))
    kept = kept.join(first, on="customer", how="left")
    new = kept.filter(F.col("first_day") > pe).select("customer", "raw_date").toPandas()
    if len(new):
        excluded.append(_excluded_frame(new, "customer first seen after period_end"))
    used = kept.filter(F.col("first_day") <= pe)
    n_used = used.count()
    days = used.groupBy("customer", "day").agg(F.sum("amount").alias("amount"))
    cal = F.col("day") <= pe
    per = days.groupBy("customer").agg(
        F.min("day").alias("first_day"),
        F.max(F.when(cal, F.col("day"))).alias("last_day"),
        F.sum(F.when(cal, 1).otherwise(0)).alias("n_days"),
        (F.sum(F.when(cal, F.col("amount")).otherwise(0.0))
         - F.min_by("amount", "day")).alias("repeat_spend"),
        F.sum(F.when(cal, 0).otherwise(1)).alias("n_days_holdout"),
        F.sum(F.when(cal, 0.0).otherwise(F.col("amount"))).alias("spend_holdout"),
    ).toPandas()
    if len(per) == 0:
        raise InputError(f"No customer made a purchase on or before period_end "
                         f"({period_end.date()}). Pass a later period_end.")
    return (_per_customer_from_days(per), _exclusions(excluded), period_end,
            (counts["rows"], int(n_used)), found)


def aggregate_engine(engine: str, frame: Any, customer: str, date: str, amount: str | None,
                     period_end: pd.Timestamp | None, holdout_end: pd.Timestamp | None,
                     date_format: str | None, duplicates: str, progress: bool | None
                     ) -> Aggregated:
    """Per-customer aggregates of a Dask or Spark transaction log (see the module notes)."""
    import_engine(engine)
    run = _aggregate_dask if engine == "dask" else _aggregate_spark
    return run(frame, customer, date, amount, period_end, holdout_end, date_format,
               duplicates, progress)


# -- fitting: distinct rows with summed weights ---------------------------------------------
def _without_attrs(part: pd.DataFrame) -> pd.DataFrame:
    part = part.copy(deep=False)
    part.attrs = {}
    return part


def distinct_rows(engine: str, frame: Any, columns: list[str], weights: str | None,
                  progress: bool | None = None) -> pd.DataFrame:
    """Distinct rows of ``columns`` with the number of rows (or summed ``weights``) in a
    ``count`` column, computed inside the engine; missing values form their own groups so
    that the fit counts and reports them."""
    import_engine(engine)
    present = list(frame.columns)
    require_columns(pd.DataFrame(columns=present), [*columns, weights],
                    source="the customer summary")
    if engine == "dask":
        if weights is None:
            reduced = frame[columns].assign(count=1.0)
        else:
            reduced = frame[[*columns, weights]].rename(columns={weights: "count"})
        # a summary's attrs hold DataFrames, which pandas cannot compare when the
        # partial aggregates are concatenated: the reduction does not need them
        reduced = reduced.map_partitions(_without_attrs, meta=_without_attrs(reduced._meta))
        grouped = reduced.groupby(columns, dropna=False)["count"].sum()
        with progress_bar("dask", progress):
            out = grouped.compute().reset_index()
    else:
        from pyspark.sql import functions as F

        value = F.lit(1.0) if weights is None else F.col(weights).cast("double")
        out = frame.groupBy(*columns).agg(F.sum(value).alias("count")).toPandas()
    out = out.sort_values(columns, kind="stable", na_position="last").reset_index(drop=True)
    for c in columns:
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    out["count"] = out["count"].astype(float)
    return out


# -- scoring --------------------------------------------------------------------------------
def score(engine: str, frame: Any, func: Callable[[pd.DataFrame], Any], name: str) -> Any:
    """Apply ``func`` (pandas partition -> values) on every partition.

    Dask: a Dask Series named ``name`` with the frame's index (as pandas input gives a
    Series). Spark: the Spark DataFrame with a ``name`` column of doubles added.
    """
    import_engine(engine)
    if engine == "dask":
        def part(p: pd.DataFrame) -> pd.Series:
            return pd.Series(np.asarray(func(p), dtype=float), index=p.index, name=name)

        return frame.map_partitions(part, meta=pd.Series(dtype=float, name=name))
    from pyspark.sql import types as T

    schema = T.StructType([*frame.schema.fields, T.StructField(name, T.DoubleType())])

    def batches(parts: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for p in parts:
            out = p.copy()
            out[name] = np.asarray(func(p), dtype=float)
            yield out

    return frame.mapInPandas(batches, schema)
