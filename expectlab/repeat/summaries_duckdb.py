"""DuckDB engine of :func:`expectlab.repeat.summarise_transactions`.

The log is scanned by DuckDB (CSV or Parquet files, or a registered DataFrame) and only
one row per customer reaches Python. The whole summary is one scan of the log:

1. rows are grouped by (customer, day) - the purchase occasions - and then by customer,
   in one statement whose result stays in DuckDB as a temporary table. The checks ride
   along: a row with a missing id, a missing or unparseable date or a bad amount is given
   the day ``-infinity`` (a value no valid row has), so a customer with such a row is
   spotted in the per-customer table; for the duplicate check each occasion carries the
   XOR of the hashes of its rows' raw (date, amount) pairs, which decides exactly
   whether an occasion of one or two rows repeats a row (two rows with equal values
   hash equal, so the XOR is 0; a nonzero XOR proves them different). Occasions of three
   or more rows, and pairs whose XOR is 0, are *candidates*.
2. Only when something needs rows is the log read again, restricted to what is needed:
   the first offending rows of a failed check (error path), the rows of customers with
   candidate occasions (grouped by the raw columns to find the exact repeats), and the
   positions of rows left out (after the end, customers first seen after period_end).

Row labels in messages and exclusions are 0-based row positions in the (concatenated)
input: Parquet files number their rows themselves (``file_row_number``); CSV files and
DataFrames are numbered by ``row_number() OVER ()`` in scan order.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._errors import InputError, require_columns
from .summaries import Aggregated, Repeats, repeat_error

#: DuckDB types that hold plain numbers (a date column of these needs ``date_format``).
_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
            "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL")


def _quote(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _date_literal(day: pd.Timestamp) -> str:
    return f"DATE {_literal(str(day.date()))}"


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _set(con: Any, name: str, value: Any) -> None:
    shown = _literal(value) if isinstance(value, str) else str(bool(value)).lower()
    con.execute(f"SET {name} = {shown}")


def _default_memory_limit() -> str | None:
    """Three quarters of the memory available now (Linux), so that on a shared machine
    DuckDB spills to disk before the system runs out (DuckDB's own default is 80% of all
    the machine's memory, used or not); None where that is unknown."""
    try:
        with open("/proc/meminfo") as info:
            fields = dict(line.split(":", 1) for line in info)
        available = int(fields["MemAvailable"].split()[0]) * 1024
    except (OSError, KeyError, ValueError):
        return None
    return f"{max(0.75 * available, 2**28) / 2**20:.0f}MiB"


def _setting(con: Any, name: str) -> Any:
    row = con.execute("SELECT current_setting(?)", [name]).fetchone()
    return None if row is None else row[0]


@contextlib.contextmanager
def _session(connection: Any, memory_limit: str | None,
             progress: bool | None) -> Iterator[Any]:
    """A DuckDB connection set up for one summary; a caller's settings are restored after.

    Our own connection uses every core, spills to a private temporary directory (removed
    afterwards) instead of failing when the aggregation outgrows ``memory_limit`` (by
    default three quarters of the memory available when the summary starts), and shows
    DuckDB's progress bar on a terminal (or as ``progress`` asks).
    """
    try:
        import duckdb
    except ImportError:  # pragma: no cover - duckdb is in the 'scale' extra
        raise InputError(
            "Summarising transaction files needs duckdb. Install it with "
            "'pip install \"expectlab[scale]\"' or pass a pandas DataFrame."
        ) from None
    from ..engines import show_progress

    wanted: dict[str, Any] = {"enable_progress_bar": show_progress(progress),
                              "enable_progress_bar_print": show_progress(progress)}
    if memory_limit is not None:
        wanted["memory_limit"] = str(memory_limit)
    elif connection is None and (default := _default_memory_limit()) is not None:
        wanted["memory_limit"] = default
    with contextlib.ExitStack() as stack:
        if connection is None:
            spill = stack.enter_context(tempfile.TemporaryDirectory(prefix="expectlab-duckdb-"))
            con = duckdb.connect(config={"threads": _cores(), "temp_directory": spill})
            stack.callback(con.close)
            previous = {}
        else:
            if not isinstance(connection, duckdb.DuckDBPyConnection):
                raise InputError(
                    f"duckdb_connection must be a duckdb connection (duckdb.connect()), got "
                    f"{type(connection).__name__}."
                )
            if memory_limit is not None:
                # DuckDB reports the limit rounded, so it could not be restored exactly
                raise InputError(
                    "Pass memory_limit or duckdb_connection, not both: set the limit on your "
                    f"connection instead (con.execute(\"SET memory_limit = "
                    f"{_literal(memory_limit)}\"))."
                )
            con = connection
            previous = {name: _setting(con, name) for name in wanted}
        for name, value in wanted.items():
            try:
                _set(con, name, value)
            except duckdb.Error as exc:
                if name != "memory_limit":
                    # the progress bar is cosmetic; DuckDB refuses to change it inside a
                    # Jupyter kernel without ipywidgets, which must not stop a summary
                    previous.pop(name, None)
                    continue
                raise InputError(f"DuckDB refused memory_limit = {value!r}: {exc}. Pass a "
                                 "memory_limit such as '8GB'.") from None
        try:
            yield con
        finally:
            for name, value in previous.items():
                with contextlib.suppress(duckdb.Error):
                    _set(con, name, value)


class _Log:
    """The transaction log as seen by DuckDB: its SQL source, columns and row positions."""

    def __init__(self, con: Any, log: Any, tag: str) -> None:
        import duckdb

        self.con, self.tag, self.parquet_files = con, tag, None
        self._positions: tuple[str, str] | None = None
        self.registered: str | None = None
        if isinstance(log, pd.DataFrame):
            self.registered = f"_expectlab_log_{tag}"
            con.register(self.registered, log)
            self.src = self.registered
        else:
            files = self._expand(log)
            suffixes = {Path(p).suffix.lower() for p in files}
            listed = "[" + ", ".join(_literal(p) for p in files) + "]"
            if suffixes <= {".parquet", ".pq"}:
                self.src = f"read_parquet({listed}, union_by_name=true)"
                self.parquet_files = files
            elif not suffixes & {".parquet", ".pq"}:
                self.src = f"read_csv({listed}, union_by_name=true, header=true)"
            else:
                raise InputError(
                    "The transaction files mix CSV and Parquet. Pass files of one kind at a "
                    "time."
                )
        try:
            described = con.execute(f"DESCRIBE SELECT * FROM {self.src}").fetchall()
        except duckdb.Error as exc:
            raise InputError(
                f"DuckDB could not read the transaction files {log!r}: {exc}") from None
        self.types = {str(row[0]): str(row[1]) for row in described}

    def _expand(self, patterns: list[str]) -> list[str]:
        """The files in scan order: each pattern's matches sorted, patterns in the order given
        (as DuckDB reads a list of globs), so row positions can be numbered per file."""
        import duckdb

        files: list[str] = []
        for pattern in patterns:
            if any(ch in pattern for ch in "*?["):
                try:
                    found = [r[0] for r in self.con.execute(
                        "SELECT file FROM glob(?) ORDER BY file", [pattern]).fetchall()]
                except duckdb.Error:
                    found = []
                if not found:
                    raise InputError(
                        f"No transaction file matches {pattern!r}. Check the path.")
                files.extend(found)
            else:
                files.append(pattern)
        return files

    def positions(self) -> tuple[str, str]:
        """(source, position expression) for queries that must name rows."""
        if self._positions is None:
            self._positions = self._numbered()
        return self._positions

    def _numbered(self) -> tuple[str, str]:
        import duckdb

        by_scan = (f"(SELECT row_number() OVER () - 1 AS _expectlab_pos, * FROM {self.src})",
                   "_expectlab_pos")
        if self.parquet_files is None or {"filename", "file_row_number"} & set(self.types):
            return by_scan  # Parquet's own row numbers would clash with the log's columns
        listed = "[" + ", ".join(_literal(p) for p in self.parquet_files) + "]"
        src = (f"read_parquet({listed}, union_by_name=true, file_row_number=true, "
               f"filename=true)")
        if len(self.parquet_files) == 1:
            return src, "file_row_number"
        try:
            counts = dict(self.con.execute(
                f"SELECT file_name, num_rows FROM parquet_file_metadata({listed})").fetchall())
            offsets, start = [], 0
            for path in self.parquet_files:
                offsets.append(f"WHEN {_literal(path)} THEN {start}")
                start += int(counts[path])
        except (duckdb.Error, KeyError):  # pragma: no cover - metadata names files otherwise
            return by_scan
        return src, f"file_row_number + CASE filename {' '.join(offsets)} END"

    def close(self) -> None:
        if self.registered is not None:
            self.con.unregister(self.registered)


def aggregate_duckdb(log: Any, customer: str, date: str, amount: str | None,
                     period_end: pd.Timestamp | None, holdout_end: pd.Timestamp | None,
                     date_format: str | None, duplicates: str, *, connection: Any = None,
                     memory_limit: str | None = None, progress: bool | None = None,
                     ) -> Aggregated:
    """Per-customer days and counts, exclusions, period end, (rows read, rows used) and the
    duplicate check's finding (see :data:`expectlab.repeat.summaries.Repeats`)."""
    with _session(connection, memory_limit, progress) as con:
        tag = uuid.uuid4().hex[:12]
        source = _Log(con, log, tag)
        try:
            return _Summary(con, source, customer, date, amount, date_format,
                            duplicates).run(period_end, holdout_end)
        finally:
            con.execute(f"DROP TABLE IF EXISTS _expectlab_summary_{tag}")
            con.execute(f"DROP TABLE IF EXISTS _expectlab_repeats_{tag}")
            source.close()


class _Summary:
    """The SQL of one summary: row expressions, the one-scan aggregation, the follow-ups."""

    def __init__(self, con: Any, source: _Log, customer: str, date: str, amount: str | None,
                 date_format: str | None, duplicates: str) -> None:
        require_columns(pd.DataFrame(columns=list(source.types)), [customer, date, amount],
                        source="the transaction log")
        self.con, self.log = con, source
        self.customer, self.date, self.amount = customer, date, amount
        self.summary = f"_expectlab_summary_{source.tag}"
        self.repeats = f"_expectlab_repeats_{source.tag}"
        self.check_repeats = duplicates != "keep" and amount is not None
        self.duplicates = duplicates
        self.has_repeats = self.hold_columns = False
        date_type = source.types[date].upper()
        if date_format is not None:
            day = (f"CAST(try_strptime(CAST(raw_date AS VARCHAR), {_literal(date_format)}) "
                   "AS DATE)")
        elif date_type == "DATE":
            day = "raw_date"  # already a day: nothing to parse
        elif date_type in ("TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"):
            day = "CAST(raw_date AS DATE)"
        else:
            if date_type.split("(")[0] in _NUMERIC and con.execute(
                    f"SELECT 1 FROM {source.src} LIMIT 1").fetchone():
                raise InputError(
                    f"Column {date!r} holds numbers ({date_type}), not dates. Pass "
                    "date_format (e.g. date_format='%Y%m%d' for values like 19970101)."
                )
            day = "CAST(TRY_CAST(raw_date AS TIMESTAMP) AS DATE)"
        self.day_is_raw = day == "raw_date"
        a = _quote(amount) if amount is not None else "NULL"
        # customer, raw date, parsed day, raw and numeric amount of each row
        self.columns = (f"{_quote(customer)} AS customer, {_quote(date)} AS raw_date, "
                        f"{a} AS raw_amount")
        # trim() keeps DuckDB from pushing the cast into its CSV reader as a strict cast
        # (which fails on text amounts); surrounding spaces never change a number's value
        text = amount is not None and source.types[amount].upper() == "VARCHAR"
        money = "TRY_CAST(trim(raw_amount) AS DOUBLE)" if text else "TRY_CAST(raw_amount AS DOUBLE)"
        self.derived = f"{day} AS day" + (f", {money} AS amount" if amount else "")
        # A NaN id is missing too (pandas reads it so; DuckDB keeps NaN as a value). Not
        # isnan(): DuckDB folds it to false from Parquet statistics, which leave NaN out.
        nan_id = (" OR (NOT isfinite(customer) AND abs(customer) <> 'infinity'::DOUBLE)"
                  if source.types[customer].upper() in ("FLOAT", "DOUBLE") else "")
        self.bad = {  # the checks, in the order their errors are reported
            "missing id": "customer IS NULL" + nan_id,
            "missing date": "raw_date IS NULL",
            "bad date": "raw_date IS NOT NULL AND (day IS NULL OR NOT isfinite(day))",
        }
        if amount is not None:
            self.bad["bad amount"] = "amount IS NULL OR NOT isfinite(amount)"
            self.bad["negative amount"] = "amount < 0"

    # -- row relations --------------------------------------------------------------------
    def rows(self, with_position: bool = False) -> str:
        if with_position:
            src, pos = self.log.positions()
            inner = f"SELECT {pos} AS pos, {self.columns} FROM {src}"
            return f"(SELECT *, {self.derived} FROM ({inner}))"
        return f"(SELECT *, {self.derived} FROM (SELECT {self.columns} FROM {self.log.src}))"

    # -- the one scan -----------------------------------------------------------------------
    def aggregate(self, period_end: pd.Timestamp | None,
                  holdout_end: pd.Timestamp | None) -> None:
        """Create the per-customer table in one scan of the log."""
        bad = " OR ".join(f"({cond})" for cond in self.bad.values())
        occasion = ["count(*) AS k"]
        if self.amount is not None:
            occasion.append("sum(amount) AS spend")
        if self.check_repeats:
            pair = "raw_amount" if self.day_is_raw else "raw_date, raw_amount"
            occasion.append(f"bit_xor(hash({pair})) AS x")
        spend = self.amount is not None
        if period_end is None:  # every day is in calibration: no cut-offs
            cal = hold = used = None
        else:
            stop = holdout_end if holdout_end is not None else period_end
            cal = f"day <= {_date_literal(period_end)}"
            hold = (None if holdout_end is None else
                    f"day > {_date_literal(period_end)} AND day <= {_date_literal(stop)}")
            used = f"day <= {_date_literal(stop)}"

        def where(cond: str | None) -> str:
            return "" if cond is None else f" FILTER (WHERE {cond})"

        per_customer = [
            "min(day) AS first_day", f"max(day){where(cal)} AS last_day",
            f"count(*){where(cal)} AS n_days", f"sum(k){where(used)} AS n_used",
            "sum(k) AS n_rows",
        ]
        if spend:
            per_customer += [f"sum(spend){where(cal)} AS cal_spend",
                             "arg_min(spend, day) AS first_spend"]
        self.hold_columns = hold is not None
        if hold is not None:
            per_customer.append(f"count(*){where(hold)} AS n_days_holdout")
            if spend:
                per_customer.append(f"sum(spend){where(hold)} AS spend_holdout")
        if self.check_repeats:
            per_customer.append("count(*) FILTER (WHERE k > 2 OR (k = 2 AND x = 0)) "
                                "AS candidates")
        self.con.execute(
            f"CREATE TEMP TABLE {self.summary} AS "
            f"WITH occasions AS (SELECT customer, CASE WHEN {bad} THEN DATE '-infinity' "
            f"ELSE day END AS day, {', '.join(occasion)} FROM {self.rows()} GROUP BY 1, 2) "
            f"SELECT customer, {', '.join(per_customer)} FROM occasions GROUP BY customer"
        )

    def totals(self) -> dict[str, Any]:
        """Small sums over the per-customer table (one row per customer, so cheap)."""
        names = ["n", "late", "bad", "max_day"]
        sql = ["coalesce(sum(n_rows), 0)", "coalesce(sum(n_rows - n_used), 0)",
               "count(*) FILTER (WHERE first_day = DATE '-infinity')",
               "max(last_day)"]
        if self.check_repeats:
            names.append("candidates")
            sql.append("coalesce(sum(candidates), 0)")
        row = self.con.execute(f"SELECT {', '.join(sql)} FROM {self.summary}").fetchone()
        return dict(zip(names, row, strict=True))

    # -- error path: describe the failed check -------------------------------------------------
    def fail(self) -> None:
        counts = self.con.execute(
            "SELECT " + ", ".join(f"count(*) FILTER (WHERE {c})" for c in self.bad.values())
            + f" FROM {self.rows()}").fetchone()
        found = dict(zip(self.bad, counts, strict=True))
        customer, date, amount = self.customer, self.date, self.amount

        def offenders(kind: str, column: str) -> str:
            rows = self.con.execute(
                f"SELECT pos, {column} FROM {self.rows(with_position=True)} "
                f"WHERE {self.bad[kind]} ORDER BY pos LIMIT 5").fetchall()
            total = found[kind]
            shown = ", ".join(f"row {int(r[0])!r} = {r[1]!r}" for r in rows)
            noun = "value" if total == 1 else "values"
            more = "" if total <= len(rows) else f" (and {total - len(rows)} more)"
            return f"{total} {noun}, first: {shown}{more}"

        if found["missing id"]:
            raise InputError(
                f"Column {customer!r} has missing customer ids: "
                f"{offenders('missing id', 'customer')}. "
                "Remove these transactions or fill in the customer id."
            )
        if found["missing date"]:
            raise InputError(
                f"Column {date!r} has missing dates: {offenders('missing date', 'raw_date')}. "
                "Remove these transactions or fill in the date."
            )
        if found["bad date"]:
            raise InputError(
                f"Column {date!r} has dates that do not parse: "
                f"{offenders('bad date', 'raw_date')}. "
                "Fix these values or pass date_format (e.g. date_format='%Y-%m-%d')."
            )
        if found.get("bad amount"):
            raise InputError(
                f"Column {amount!r} has missing or non-numeric amounts: "
                f"{offenders('bad amount', 'raw_amount')}. Fix or remove these transactions."
            )
        if found.get("negative amount"):
            raise InputError(
                f"Column {amount!r} has negative amounts (returns or refunds?): "
                f"{offenders('negative amount', 'raw_amount')}. Net returns against their "
                "purchases or remove them before summarising; spend models need non-negative "
                "amounts."
            )
        raise RuntimeError(  # pragma: no cover - the scan and the recount disagree
            "expectlab: the DuckDB scan flagged invalid rows that the recount did not find. "
            "Please report this with the log's column types.")

    # -- repeated rows ----------------------------------------------------------------------
    def find_repeats(self) -> pd.DataFrame:
        """Every repeat (all rows but the first of each group of equal raw customer, date and
        amount), read only for customers with candidate occasions; kept in DuckDB too."""
        self.con.execute(
            f"CREATE TEMP TABLE {self.repeats} AS SELECT pos, customer, raw_date, raw_amount, "
            f"day, amount FROM (SELECT *, row_number() OVER (PARTITION BY customer, raw_date, "
            f"raw_amount ORDER BY pos) AS copy FROM {self.rows(with_position=True)} "
            f"WHERE customer IN (SELECT customer FROM {self.summary} WHERE candidates > 0)) "
            f"WHERE copy > 1"
        )
        # days shown as text ('2024-01-15'), as pandas shows a CSV's dates
        raw_date = "CAST(raw_date AS VARCHAR)" if self.day_is_raw else "raw_date"
        return self.con.execute(
            f"SELECT pos, customer, {raw_date} AS raw_date, raw_amount FROM {self.repeats} "
            "ORDER BY pos").df()

    def drop_repeats(self, period_end: pd.Timestamp | None,
                     holdout_end: pd.Timestamp | None) -> None:
        """Take the repeats out of the per-customer sums (days and first days stay: one copy
        of every repeated row is kept)."""
        pe = "TRUE" if period_end is None else f"r.day <= {_date_literal(period_end)}"
        stop = holdout_end if holdout_end is not None else period_end
        used = "TRUE" if stop is None else f"r.day <= {_date_literal(stop)}"
        sets = ["n_used = s.n_used - c.n_used"]
        fix = [f"count(*) FILTER (WHERE {used}) AS n_used"]
        if self.amount is not None:
            fix += [f"coalesce(sum(r.amount) FILTER (WHERE {pe}), 0) AS cal_spend",
                    "coalesce(sum(r.amount) FILTER (WHERE r.day = s.first_day), 0) "
                    "AS first_spend"]
            sets += ["cal_spend = s.cal_spend - c.cal_spend",
                     "first_spend = s.first_spend - c.first_spend"]
            if self.hold_columns:
                fix.append(f"coalesce(sum(r.amount) FILTER (WHERE NOT ({pe}) AND {used}), 0) "
                           "AS spend_holdout")
                sets.append("spend_holdout = s.spend_holdout - c.spend_holdout")
        self.con.execute(
            f"UPDATE {self.summary} AS s SET {', '.join(sets)} FROM (SELECT r.customer, "
            f"{', '.join(fix)} FROM {self.repeats} AS r JOIN {self.summary} AS s "
            f"ON r.customer = s.customer GROUP BY r.customer) AS c "
            f"WHERE s.customer = c.customer"
        )

    # -- rows left out --------------------------------------------------------------------------
    def left_out(self, period_end: pd.Timestamp, holdout_end: pd.Timestamp | None
                 ) -> tuple[np.ndarray, np.ndarray]:
        """Positions of rows after the end, and of rows of customers first seen after
        period_end (repeats excluded: they are listed as such)."""
        stop = _date_literal(holdout_end if holdout_end is not None else period_end)
        skip = (f" AND pos NOT IN (SELECT pos FROM {self.repeats})"
                if self.has_repeats else "")
        found = self.con.execute(
            f"SELECT pos, day > {stop} AS late FROM {self.rows(with_position=True)} "
            f"WHERE (day > {stop} OR customer IN (SELECT customer FROM {self.summary} "
            f"WHERE first_day > {_date_literal(period_end)})){skip} ORDER BY pos"
        ).fetchnumpy()
        pos = np.asarray(found["pos"], dtype=np.int64)
        late = np.asarray(found["late"], dtype=bool)
        return pos[late], pos[~late]

    # -- the whole summary ----------------------------------------------------------------------
    def run(self, period_end: pd.Timestamp | None, holdout_end: pd.Timestamp | None
            ) -> Aggregated:
        self.aggregate(period_end, holdout_end)
        totals = self.totals()
        n = int(totals["n"])
        if n == 0:
            raise InputError("The transaction log has no rows. Pass a log with at least one "
                             "purchase.")
        if totals["bad"]:
            self.fail()
        excluded: list[pd.DataFrame] = []
        found: Repeats = (0, "") if self.check_repeats else None
        if self.check_repeats and totals["candidates"]:
            repeats = self.find_repeats()
            if len(repeats):
                found = (len(repeats), "; ".join(
                    f"row {int(r.pos)!r}: {(r.customer, r.raw_date, r.raw_amount)}"
                    for r in repeats.head(5).itertuples()))
                if self.duplicates == "error":
                    raise repeat_error(found, self.customer, self.date, str(self.amount))
            # "warn" keeps the repeats as purchases: they are only counted
            self.has_repeats = len(repeats) > 0 and self.duplicates == "drop"
            if self.has_repeats:
                excluded.append(pd.DataFrame({"row": repeats["pos"].to_numpy(np.int64),
                                              "reason": "duplicate row"}))
                self.drop_repeats(period_end, holdout_end)
        if period_end is None:
            period_end = pd.Timestamp(totals["max_day"])
            if holdout_end is not None and holdout_end <= period_end:
                raise InputError(
                    f"holdout_end ({holdout_end.date()}) must come after period_end "
                    f"({period_end.date()}, the last transaction date). Pass period_end "
                    "explicitly."
                )
        pe = _date_literal(period_end)
        kept = f"first_day <= {pe}"
        n_used, n_customers, n_newcomers = self.con.execute(
            f"SELECT coalesce(sum(n_used) FILTER (WHERE {kept}), 0), "
            f"count(*) FILTER (WHERE {kept}), count(*) FILTER (WHERE NOT ({kept})) "
            f"FROM {self.summary}").fetchone()
        if n_customers == 0:
            raise InputError(
                f"No customer made a purchase on or before period_end ({period_end.date()}). "
                "Pass a later period_end."
            )
        if totals["late"] or n_newcomers:
            late, newcomers = self.left_out(period_end, holdout_end)
            if len(late):
                excluded.append(pd.DataFrame({"row": late,
                                              "reason": "after the end of the observed period"}))
            if len(newcomers):
                excluded.append(pd.DataFrame({"row": newcomers,
                                              "reason": "customer first seen after period_end"}))
        per_customer = self.fetch(kept, holdout_end is not None)
        if excluded:
            table = pd.concat(excluded, ignore_index=True)
        else:
            table = pd.DataFrame({"row": pd.Series(dtype=object),
                                  "reason": pd.Series(dtype=str)})
        return per_customer, table, period_end, (n, int(n_used)), found

    def fetch(self, kept: str, holdout: bool) -> pd.DataFrame:
        """The customers of the summary (one row each), sorted by customer id."""
        columns = ["customer", "first_day", "last_day", "n_days"]
        if self.amount is not None:
            columns.append("coalesce(cal_spend, 0) - first_spend AS repeat_spend")
        if holdout:  # without a period_end every day is in calibration: empty holdouts
            columns.append("n_days_holdout" if self.hold_columns else "0 AS n_days_holdout")
            if self.amount is not None:
                columns.append("coalesce(spend_holdout, 0) AS spend_holdout"
                               if self.hold_columns else "0.0 AS spend_holdout")
        return self.con.execute(
            f"SELECT {', '.join(columns)} FROM {self.summary} WHERE {kept} ORDER BY customer"
        ).df()
