"""DuckDB engine of :func:`expectlab.repeat.summarise_transactions`.

The log is scanned by DuckDB (CSV or Parquet files, or a registered DataFrame); checks and
the per-customer aggregation run as SQL so that only one row per customer reaches Python.
Row labels in messages and exclusions are 0-based row positions in the (concatenated) input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._errors import InputError, require_columns


def _quote(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _source(con: Any, log: Any) -> tuple[str, list[str]]:
    if isinstance(log, pd.DataFrame):
        con.register("_log_frame", log)
        return "_log_frame", [str(c) for c in log.columns]
    suffixes = {Path(p).suffix.lower() for p in log}
    files = "[" + ", ".join(_literal(p) for p in log) + "]"
    if suffixes <= {".parquet", ".pq"}:
        src = f"read_parquet({files}, union_by_name=true)"
    elif not suffixes & {".parquet", ".pq"}:
        src = f"read_csv({files}, union_by_name=true, header=true)"
    else:
        raise InputError(
            "The transaction files mix CSV and Parquet. Pass files of one kind at a time."
        )
    import duckdb

    try:
        columns = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()]
    except duckdb.Error as exc:
        raise InputError(f"DuckDB could not read the transaction files {log!r}: {exc}") from None
    return src, columns


def aggregate_duckdb(log: Any, customer: str, date: str, amount: str | None,
                     period_end: pd.Timestamp | None, holdout_end: pd.Timestamp | None,
                     date_format: str | None, duplicates: str
                     ) -> tuple[pd.DataFrame, pd.DataFrame, pd.Timestamp, tuple[int, int]]:
    try:
        import duckdb
    except ImportError:  # pragma: no cover - duckdb is in the 'scale' extra
        raise InputError(
            "Summarising transaction files needs duckdb. Install it with "
            "'pip install \"expectlab[scale]\"' or pass a pandas DataFrame."
        ) from None
    con = duckdb.connect()
    try:
        return _aggregate(con, log, customer, date, amount, period_end, holdout_end,
                          date_format, duplicates)
    finally:
        con.close()


def _aggregate(con: Any, log: Any, customer: str, date: str, amount: str | None,
               period_end: pd.Timestamp | None, holdout_end: pd.Timestamp | None,
               date_format: str | None, duplicates: str
               ) -> tuple[pd.DataFrame, pd.DataFrame, pd.Timestamp, tuple[int, int]]:
    src, columns = _source(con, log)
    require_columns(pd.DataFrame(columns=columns), [customer, date, amount],
                    source="the transaction log")
    c, d = _quote(customer), _quote(date)
    if date_format is not None:
        day = f"CAST(try_strptime(CAST({d} AS VARCHAR), {_literal(date_format)}) AS DATE)"
    else:
        dtype = con.execute(f"SELECT typeof({d}) FROM {src} LIMIT 1").fetchone()
        if dtype and dtype[0] in ("BIGINT", "INTEGER", "HUGEINT", "DOUBLE", "UBIGINT"):
            raise InputError(
                f"Column {date!r} holds numbers ({dtype[0]}), not dates. Pass date_format "
                "(e.g. date_format='%Y%m%d' for values like 19970101)."
            )
        day = f"CAST(TRY_CAST({d} AS TIMESTAMP) AS DATE)"
    if amount is not None:
        a = _quote(amount)
        money, raw_money = f"TRY_CAST({a} AS DOUBLE)", a
    else:
        money, raw_money = "0.0::DOUBLE", "NULL"
    con.execute(
        f"CREATE TEMP VIEW tx AS SELECT {c} AS customer, {d} AS raw_date, {day} AS day, "
        f"{raw_money} AS raw_amount, {money} AS amount FROM {src}"
    )
    checks = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE customer IS NULL), "
        "count(*) FILTER (WHERE raw_date IS NULL), "
        "count(*) FILTER (WHERE raw_date IS NOT NULL AND day IS NULL), "
        "count(*) FILTER (WHERE amount IS NULL OR isnan(amount) OR isinf(amount)), "
        "count(*) FILTER (WHERE amount < 0), max(day) FROM tx"
    ).fetchone()
    n, n_noid, n_nodate, n_baddate, n_badamount, n_negative, max_day = checks
    if n == 0:
        raise InputError("The transaction log has no rows. Pass a log with at least one purchase.")

    def offenders(condition: str, column: str) -> str:
        rows = con.execute(
            f"SELECT row, {column} FROM (SELECT row_number() OVER () - 1 AS row, * FROM tx) "
            f"WHERE {condition} ORDER BY row LIMIT 5"
        ).fetchall()
        total = con.execute(f"SELECT count(*) FROM tx WHERE {condition}").fetchone()[0]
        shown = ", ".join(f"row {int(r[0])!r} = {r[1]!r}" for r in rows)
        noun = "value" if total == 1 else "values"
        more = "" if total <= len(rows) else f" (and {total - len(rows)} more)"
        return f"{total} {noun}, first: {shown}{more}"

    if n_noid:
        raise InputError(
            f"Column {customer!r} has missing customer ids: "
            f"{offenders('customer IS NULL', 'customer')}. "
            "Remove these transactions or fill in the customer id."
        )
    if n_nodate:
        raise InputError(
            f"Column {date!r} has missing dates: {offenders('raw_date IS NULL', 'raw_date')}. "
            "Remove these transactions or fill in the date."
        )
    if n_baddate:
        raise InputError(
            f"Column {date!r} has dates that do not parse: "
            f"{offenders('raw_date IS NOT NULL AND day IS NULL', 'raw_date')}. "
            "Fix these values or pass date_format (e.g. date_format='%Y-%m-%d')."
        )
    if amount is not None and n_badamount:
        raise InputError(
            f"Column {amount!r} has missing or non-numeric amounts: "
            f"{offenders('amount IS NULL OR isnan(amount) OR isinf(amount)', 'raw_amount')}. "
            "Fix or remove these transactions."
        )
    if amount is not None and n_negative:
        raise InputError(
            f"Column {amount!r} has negative amounts (returns or refunds?): "
            f"{offenders('amount < 0', 'raw_amount')}. Net returns against their purchases or "
            "remove them before summarising; spend models need non-negative amounts."
        )

    excluded: list[pd.DataFrame] = []
    dup_rows = np.array([], dtype=np.int64)
    base = "tx"
    if duplicates != "keep" and amount is not None:
        numbered = ("SELECT row_number() OVER () - 1 AS row, customer, raw_date, raw_amount "
                    "FROM tx")
        n_dup = con.execute(
            "SELECT coalesce(sum(k - 1), 0) FROM (SELECT count(*) AS k FROM tx "
            "GROUP BY customer, raw_date, raw_amount HAVING k > 1)"
        ).fetchone()[0]
        if n_dup:
            repeats = con.execute(
                f"SELECT row, customer, raw_date, raw_amount FROM (SELECT *, row_number() OVER "
                f"(PARTITION BY customer, raw_date, raw_amount ORDER BY row) AS k "
                f"FROM ({numbered})) WHERE k > 1 ORDER BY row"
            ).df()
            if duplicates == "error":
                first = "; ".join(
                    f"row {int(r.row)!r}: "
                    f"{(r.customer, r.raw_date) + ((r.raw_amount,) if amount else ())}"
                    for r in repeats.head(5).itertuples())
                raise InputError(
                    f"The transaction log repeats {int(n_dup)} rows exactly (same {customer!r}, "
                    f"{date!r}{', ' + repr(amount) if amount else ''}); first repeats: {first}. "
                    "Pass duplicates='drop' to remove the repeats (they are recorded as "
                    "exclusions) or duplicates='keep' if they are genuine separate purchases."
                )
            dup_rows = repeats["row"].to_numpy()
            excluded.append(pd.DataFrame({"row": dup_rows, "reason": "duplicate row"}))
            base = ("(SELECT customer, day, amount FROM (SELECT DISTINCT ON (customer, raw_date, "
                    "raw_amount) customer, raw_date, raw_amount, day, amount FROM tx))")
    if period_end is None:
        period_end = pd.Timestamp(max_day)
    if holdout_end is not None and holdout_end <= period_end:
        raise InputError(
            f"holdout_end ({holdout_end.date()}) must come after period_end "
            f"({period_end.date()}, the last transaction date). Pass period_end explicitly."
        )
    stop_day = period_end if holdout_end is None else holdout_end
    pe = _literal(str(period_end.date())) + "::DATE"
    stop = _literal(str(stop_day.date())) + "::DATE"
    if pd.Timestamp(max_day) > stop_day:
        late_rows = con.execute(
            f"SELECT row FROM (SELECT row_number() OVER () - 1 AS row, day FROM tx) "
            f"WHERE day > {stop} ORDER BY row"
        ).fetchnumpy()["row"]
        late = pd.DataFrame({"row": np.asarray(late_rows),
                             "reason": "after the end of the observed period"})
        excluded.append(late[~late["row"].isin(dup_rows)])
    newcomers = con.execute(
        f"SELECT row FROM (SELECT row_number() OVER () - 1 AS row, customer, day FROM tx) "
        f"WHERE day <= {stop} AND customer IN (SELECT customer FROM tx WHERE day <= {stop} "
        f"GROUP BY customer HAVING min(day) > {pe}) ORDER BY row"
    ).fetchnumpy()["row"]
    if len(newcomers):
        new = pd.DataFrame({"row": np.asarray(newcomers),
                            "reason": "customer first seen after period_end"})
        excluded.append(new[~new["row"].isin(dup_rows)])
    per_customer = con.execute(
        f"WITH days AS (SELECT customer, day, sum(amount) AS amount FROM {base} "
        f"WHERE day <= {stop} GROUP BY customer, day) "
        f"SELECT customer, min(day) AS first_day, max(day) FILTER (WHERE day <= {pe}) AS last_day, "
        f"count(*) FILTER (WHERE day <= {pe}) AS n_days, "
        f"coalesce(sum(amount) FILTER (WHERE day <= {pe}), 0) - arg_min(amount, day) "
        f"AS repeat_spend, count(*) FILTER (WHERE day > {pe}) AS n_days_holdout, "
        f"coalesce(sum(amount) FILTER (WHERE day > {pe}), 0) AS spend_holdout "
        f"FROM days GROUP BY customer HAVING min(day) <= {pe} ORDER BY customer"
    ).df()
    if len(per_customer) == 0:
        raise InputError(
            f"No customer made a purchase on or before period_end ({period_end.date()}). "
            "Pass a later period_end."
        )
    # rows that enter the summary, counted on their own so that rows in = used + excluded
    # is a check of the exclusion bookkeeping, not an identity
    n_used = con.execute(
        f"SELECT count(*) FROM {base} WHERE day <= {stop} AND customer IN (SELECT customer "
        f"FROM {base} WHERE day <= {stop} GROUP BY customer HAVING min(day) <= {pe})"
    ).fetchone()[0]
    if excluded:
        table = pd.concat(excluded, ignore_index=True)
    else:
        table = pd.DataFrame({"row": pd.Series(dtype=object), "reason": pd.Series(dtype=str)})
    return per_customer, table, period_end, (int(n), int(n_used))
