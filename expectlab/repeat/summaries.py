"""From a transaction log to one row per customer: frequency, recency, age and spend.

Two engines give identical results: pandas for DataFrames and DuckDB for CSV/Parquet
paths, so logs larger than memory are aggregated out of core and only the per-customer
summary is brought into Python.

Definitions (as in Fader, Hardie & Lee 2005): purchases on the same calendar day form one
purchase occasion (their amounts are added); the first occasion marks the customer's
birth; ``frequency`` counts the *repeat* occasions up to and including ``period_end``;
``recency`` is the time from the first to the last occasion in the calibration period;
``T`` the time from the first occasion to ``period_end``; ``monetary_value`` the mean
spend per repeat occasion (0 for customers without repeat purchases).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._errors import FragileResultWarning, InputError, describe_offenders, require_columns

__all__ = ["TIME_UNITS", "excluded_transactions", "summarise_transactions"]

#: Length of each named time unit in days.
TIME_UNITS = {"D": 1.0, "W": 7.0, "M": 365.25 / 12.0, "Y": 365.25}

PathLike = str | os.PathLike

#: The duplicate check's finding: (number of repeated rows, the first repeats as text), or
#: None when repeats were not checked (``duplicates="keep"``, or a log without amounts).
Repeats = tuple[int, str] | None
#: What each engine returns: per-customer days and sums, the excluded rows, period_end,
#: (rows read, rows used) and the duplicate check's finding.
Aggregated = tuple[pd.DataFrame, pd.DataFrame, pd.Timestamp, tuple[int, int], Repeats]


def repeat_error(repeats: tuple[int, str], customer: str, date: str,
                 amount: str) -> InputError:
    """The InputError of ``duplicates="error"`` (the same words on every engine)."""
    n, first = repeats
    return InputError(
        f"The transaction log repeats {n} rows exactly (same {customer!r}, {date!r}, "
        f"{amount!r}); first repeats: {first}. Pass duplicates='drop' to remove the repeats "
        "(they are recorded as exclusions), duplicates='keep' if they are genuine separate "
        "purchases, or duplicates='warn' to keep them and be told how many there are."
    )


def _repeat_warning(repeats: tuple[int, str], customer: str, date: str,
                    amount: str) -> str:
    n, first = repeats
    return (
        f"The transaction log repeats {n} rows exactly (same {customer!r}, {date!r}, "
        f"{amount!r}); first repeats: {first}. They are kept as separate purchases "
        "(duplicates='warn'); their number is in result.attrs['n_repeated_rows']. Pass "
        "duplicates='drop' to remove them or duplicates='keep' if they are genuine."
    )


def _unit_days(time_unit: str | float) -> float:
    if isinstance(time_unit, str):
        if time_unit.upper() not in TIME_UNITS:
            raise InputError(
                f"time_unit must be one of {sorted(TIME_UNITS)} or a positive number of days, "
                f"got {time_unit!r}."
            )
        return TIME_UNITS[time_unit.upper()]
    value = float(time_unit)
    if not np.isfinite(value) or value <= 0:
        raise InputError(f"time_unit as a number of days must be positive, got {time_unit!r}.")
    return value


def _as_day(value: Any, name: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise InputError(
            f"{name} must be a date such as '1997-09-30', got {value!r}."
        ) from None
    if pd.isna(stamp):
        raise InputError(f"{name} must be a date such as '1997-09-30', got {value!r}.")
    return stamp.normalize()


def summarise_transactions(
    log: pd.DataFrame | PathLike | Sequence[PathLike],
    customer: str = "customer_id",
    date: str = "date",
    amount: str | None = None,
    *,
    period_end: Any = None,
    holdout_end: Any = None,
    time_unit: str | float = "W",
    date_format: str | None = None,
    duplicates: str = "error",
    engine: str = "auto",
    progress: bool | None = None,
    duckdb_connection: Any = None,
    memory_limit: str | None = None,
) -> pd.DataFrame:
    """Summarise a transaction log into one row per customer.

    Parameters
    ----------
    log : DataFrame, path, list of paths, or a Dask or Spark DataFrame
        One row per transaction. Paths may point at CSV or Parquet files (globs such as
        ``"logs/*.parquet"`` work); they are aggregated with DuckDB without loading the
        log into memory.
    customer, date : str
        Column names of the customer id and the transaction date.
    amount : str, optional
        Column with the spend per transaction; adds ``monetary_value`` columns.
    period_end : date-like, optional
        Last day of the calibration period (inclusive). Default: the last transaction date.
    holdout_end : date-like, optional
        Last day of a holdout period following ``period_end``; adds ``frequency_holdout``,
        ``duration_holdout`` (and ``monetary_value_holdout``).
    time_unit : {"D", "W", "M", "Y"} or float
        Unit of ``recency``, ``T`` and ``duration_holdout`` (days, weeks, months, years,
        or a number of days).
    date_format : str, optional
        ``strftime`` format of the dates (e.g. ``"%Y%m%d"``); inferred when omitted.
    duplicates : {"error", "drop", "keep", "warn"}
        What to do with rows that repeat customer, date and amount exactly: raise (the
        default, because exports often repeat rows by mistake), drop the repeats (recorded
        as exclusions), keep them as separate purchases without looking, or ``"warn"``:
        keep them (the numbers of ``"keep"``) but count them in the same pass, with a
        :class:`FragileResultWarning` naming the count and the first repeats. Only
        checked when ``amount`` is given: without amounts, same-day rows form one
        purchase occasion anyway, so repeats cannot change the summary.
    engine : {"auto", "pandas", "duckdb"}
        ``"auto"`` uses pandas for DataFrames and DuckDB for paths (and for DataFrames when
        ``duckdb_connection`` or ``memory_limit`` is given). A Dask or Spark
        DataFrame is always aggregated inside its own engine (only the per-customer table
        and the excluded rows come back; excluded rows are identified by ``customer`` and
        ``date`` columns, since distributed rows have no stable position).
    progress : bool, optional
        Show the engine's progress bar (DuckDB's for files, Dask's); by default only on a
        terminal.
    duckdb_connection : duckdb.DuckDBPyConnection, optional
        Run the DuckDB engine on this connection, with its settings (``memory_limit``,
        ``temp_directory``, ``threads``) and extensions; the progress-bar settings changed
        for the summary are restored afterwards. By default a private connection using
        every core that spills to a temporary directory (removed afterwards) when the
        aggregation outgrows DuckDB's memory limit.
    memory_limit : str, optional
        Memory limit of the private DuckDB connection, e.g. ``"8GB"``; what does not fit
        is spilled to disk. By default three quarters of the memory available when the
        summary starts (DuckDB's own default, 80% of all the machine's memory, does not
        leave room for other programs). With ``duckdb_connection``, set the limit on that
        connection instead.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer id, with ``frequency``, ``recency``, ``T`` (and
        ``monetary_value``, holdout columns when requested). ``result.attrs`` holds
        ``excluded`` (DataFrame with ``row`` and ``reason`` of every transaction left out;
        also returned by :func:`excluded_transactions`), ``n_rows`` (transaction rows
        read), ``n_rows_used`` (rows that entered the summary; ``n_rows = n_rows_used +
        len(excluded)``), ``n_repeated_rows``, ``period_end``, ``holdout_end`` and
        ``time_unit``. ``n_repeated_rows`` is the number of rows that repeat an earlier
        row exactly (what ``duplicates="drop"`` excludes as ``"duplicate row"``; 0 when
        there are none, and always 0 after ``"error"``, which raises otherwise); None
        when repeats were not checked: with ``duplicates="keep"``, and in every mode when
        ``amount`` is not given.

    Raises
    ------
    InputError
        Missing columns, missing customer ids or dates, dates that do not parse, missing,
        non-numeric or negative amounts, repeated rows (with ``duplicates="error"``), a
        holdout that does not end after ``period_end``.

    Warns
    -----
    FragileResultWarning
        When transactions are left out (after the end of the observed period, customers
        first seen in the holdout, dropped duplicates); they are listed in
        ``result.attrs["excluded"]``. With ``duplicates="warn"``, when rows repeat.

    Examples
    --------
    >>> import pandas as pd
    >>> from expectlab.repeat import summarise_transactions
    >>> log = pd.DataFrame({"customer_id": [1, 1, 1, 2],
    ...                     "date": ["2024-01-01", "2024-01-15", "2024-03-04", "2024-02-05"],
    ...                     "amount": [20.0, 35.0, 10.0, 12.5]})
    >>> summary = summarise_transactions(log, amount="amount", period_end="2024-02-26",
    ...                                  holdout_end="2024-03-31")
    >>> columns = ["customer_id", "frequency", "recency", "T", "frequency_holdout"]
    >>> print(summary.reset_index()[columns].to_string(index=False))
     customer_id  frequency  recency   T  frequency_holdout
               1          1      2.0 8.0                  1
               2          0      0.0 3.0                  0
    """
    if duplicates not in ("error", "drop", "keep", "warn"):
        raise InputError("duplicates must be 'error', 'drop', 'keep' or 'warn', got "
                         f"{duplicates!r}.")
    if engine not in ("auto", "pandas", "duckdb"):
        raise InputError(f"engine must be 'auto', 'pandas' or 'duckdb', got {engine!r}.")
    duckdb_options = {"connection": duckdb_connection, "memory_limit": memory_limit,
                      "progress": progress}
    wants_duckdb = duckdb_connection is not None or memory_limit is not None
    unit_days = _unit_days(time_unit)
    period_end = _as_day(period_end, "period_end")
    holdout_end = _as_day(holdout_end, "holdout_end")
    if period_end is not None and holdout_end is not None and holdout_end <= period_end:
        raise InputError(
            f"holdout_end ({holdout_end.date()}) must come after period_end "
            f"({period_end.date()}). Pass a later holdout_end or leave it out."
        )
    from ..engines import engine_of

    distributed = engine_of(log)
    is_frame: bool | None = isinstance(log, pd.DataFrame)
    if wants_duckdb and (engine == "pandas" or distributed is not None):
        raise InputError(
            "duckdb_connection and memory_limit apply to the DuckDB engine, but this log is "
            f"summarised by {'pandas' if distributed is None else distributed}. Leave them "
            "out, or pass engine='duckdb' (for a DataFrame or files)."
        )
    if distributed is not None:
        from ._engines import aggregate_engine

        days, excluded, period_end, counts, repeats = aggregate_engine(
            distributed, log, customer, date, amount, period_end, holdout_end, date_format,
            duplicates, progress)
        is_frame = None
    elif engine == "auto":
        engine = "pandas" if is_frame and not wants_duckdb else "duckdb"
    if is_frame is None:
        pass  # aggregated by the distributed engine above
    elif is_frame:
        frame = log
        if engine == "duckdb":
            from .summaries_duckdb import aggregate_duckdb

            days, excluded, period_end, counts, repeats = aggregate_duckdb(
                frame, customer, date, amount, period_end, holdout_end, date_format, duplicates,
                **duckdb_options)
        else:
            days, excluded, period_end, counts, repeats = _aggregate_pandas(
                frame, customer, date, amount, period_end, holdout_end, date_format, duplicates)
    else:
        paths = _paths(log)
        if engine == "pandas":
            frame = _read_paths(paths)
            days, excluded, period_end, counts, repeats = _aggregate_pandas(
                frame, customer, date, amount, period_end, holdout_end, date_format, duplicates)
        else:
            from .summaries_duckdb import aggregate_duckdb

            days, excluded, period_end, counts, repeats = aggregate_duckdb(
                paths, customer, date, amount, period_end, holdout_end, date_format, duplicates,
                **duckdb_options)
    result = _finish(days, customer, amount, period_end, holdout_end, unit_days)
    result.attrs["excluded"] = excluded
    result.attrs["n_rows"], result.attrs["n_rows_used"] = counts
    result.attrs["period_end"] = str(period_end.date())
    result.attrs["holdout_end"] = None if holdout_end is None else str(holdout_end.date())
    result.attrs["time_unit"] = time_unit
    result.attrs["n_repeated_rows"] = None if repeats is None else repeats[0]
    if repeats is not None and repeats[0] and duplicates == "warn":
        warnings.warn(_repeat_warning(repeats, customer, date, amount or ""),
                      FragileResultWarning, stacklevel=2)
    if len(excluded):
        counts = excluded["reason"].value_counts()
        parts = "; ".join(f"{n} {reason}" for reason, n in counts.items())
        warnings.warn(
            f"{len(excluded)} transactions were left out of the summary ({parts}). "
            "They are listed by expectlab.repeat.excluded_transactions(result) (also "
            "result.attrs['excluded']).",
            FragileResultWarning,
            stacklevel=2,
        )
    return result


def excluded_transactions(summary: pd.DataFrame) -> pd.DataFrame:
    """The transactions :func:`summarise_transactions` left out, with the reason.

    Parameters
    ----------
    summary : DataFrame
        A result of :func:`summarise_transactions` (its ``attrs`` carry the exclusions;
        pandas keeps ``attrs`` through copies and most column operations, but not through
        every operation, e.g. some merges).

    Returns
    -------
    pandas.DataFrame
        One row per excluded transaction: ``row`` (the row label of the log, or the 0-based
        row position for files) and ``reason``. Empty when nothing was left out.

    Raises
    ------
    InputError
        When ``summary`` no longer carries the exclusions (not from
        ``summarise_transactions``, or ``attrs`` lost along the way).

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame({"customer_id": [1, 1, 2],
    ...                     "date": ["2024-01-01", "2024-03-01", "2024-02-20"]})
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     summary = summarise_transactions(log, period_end="2024-02-01",
    ...                                      holdout_end="2024-02-29")
    >>> print(excluded_transactions(summary).to_string(index=False))
     row                               reason
       1 after the end of the observed period
       2 customer first seen after period_end
    >>> summary.attrs["n_rows"], summary.attrs["n_rows_used"]
    (3, 1)
    """
    excluded = getattr(summary, "attrs", {}).get("excluded") if isinstance(
        summary, pd.DataFrame) else None
    if not isinstance(excluded, pd.DataFrame):
        raise InputError(
            "This table does not carry the exclusions of summarise_transactions (its attrs "
            "have no 'excluded' table: not a summary, or an operation dropped pandas attrs). "
            "Take them from the result of summarise_transactions directly.")
    return excluded.copy()


# -- shared finishing step ------------------------------------------------------------------
def _finish(per_customer: pd.DataFrame, customer: str, amount: str | None,
            period_end: pd.Timestamp, holdout_end: pd.Timestamp | None,
            unit_days: float) -> pd.DataFrame:
    """Turn per-customer dates and counts into frequency, recency, T (and spend)."""
    first = pd.to_datetime(per_customer["first_day"]).to_numpy("datetime64[D]")
    last = pd.to_datetime(per_customer["last_day"]).to_numpy("datetime64[D]")
    end = np.datetime64(period_end.date(), "D")
    out = pd.DataFrame(index=pd.Index(per_customer["customer"].to_numpy(), name=customer))
    out["frequency"] = per_customer["n_days"].to_numpy(dtype=np.int64) - 1
    out["recency"] = (last - first).astype(np.int64) / unit_days
    out["T"] = (end - first).astype(np.int64) / unit_days
    if amount is not None:
        spend = per_customer["repeat_spend"].to_numpy(dtype=float)
        freq = out["frequency"].to_numpy()
        out["monetary_value"] = np.where(freq > 0, spend / np.maximum(freq, 1), 0.0)
    if holdout_end is not None:
        n_hold = per_customer["n_days_holdout"].to_numpy(dtype=np.int64)
        out["frequency_holdout"] = n_hold
        out["duration_holdout"] = float((holdout_end - period_end).days) / unit_days
        if amount is not None:
            spend_h = per_customer["spend_holdout"].to_numpy(dtype=float)
            out["monetary_value_holdout"] = np.where(n_hold > 0, spend_h / np.maximum(n_hold, 1),
                                                     0.0)
    return out.sort_index()


# -- pandas engine --------------------------------------------------------------------------
def _paths(log: PathLike | Sequence[PathLike]) -> list[str]:
    items = [log] if isinstance(log, (str, os.PathLike)) else list(log)
    if not items:
        raise InputError("No transaction files given. Pass a DataFrame, a path or a list of paths.")
    paths = []
    for item in items:
        text = os.fspath(item)
        if not any(ch in text for ch in "*?[") and not Path(text).exists():
            raise InputError(f"Transaction file {text!r} does not exist. Check the path.")
        suffix = Path(text).suffix.lower()
        if suffix not in (".csv", ".parquet", ".pq", ".txt", ".gz"):
            raise InputError(
                f"Transaction file {text!r} is neither CSV nor Parquet (suffix {suffix!r}). "
                "Export the log as .csv or .parquet."
            )
        paths.append(text)
    return paths


def _read_paths(paths: list[str]) -> pd.DataFrame:
    import glob

    frames = []
    for pattern in paths:
        for path in sorted(glob.glob(pattern)) or [pattern]:
            if Path(path).suffix.lower() in (".parquet", ".pq"):
                frames.append(pd.read_parquet(path))
            else:
                frames.append(pd.read_csv(path))
    return pd.concat(frames, ignore_index=True)


def _parse_dates(values: pd.Series, date: str, date_format: str | None) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values
    elif date_format is None and pd.api.types.is_numeric_dtype(values):
        # pandas would read 19970101 as nanoseconds since 1970: refuse instead of guessing
        raise InputError(
            f"Column {date!r} holds numbers ({values.dtype}), not dates. Pass date_format "
            "(e.g. date_format='%Y%m%d' for values like 19970101)."
        )
    elif date_format is not None:
        parsed = pd.to_datetime(values.astype("string"), errors="coerce", format=date_format)
    else:
        # ISO 8601 first (dates and date-times may be mixed, as DuckDB accepts them); if
        # that leaves values unparsed, let pandas infer the format and keep the better try
        parsed = pd.to_datetime(values, errors="coerce", format="ISO8601")
        n_bad = int((parsed.isna() & values.notna()).sum())
        if n_bad:
            with warnings.catch_warnings():
                # "could not infer format" is expected here; bad values are reported below
                warnings.simplefilter("ignore", UserWarning)
                inferred = pd.to_datetime(values, errors="coerce")
            if int((inferred.isna() & values.notna()).sum()) < n_bad:
                parsed = inferred
    bad = parsed.isna() & values.notna()
    if bad.any():
        raise InputError(
            f"Column {date!r} has dates that do not parse: {describe_offenders(values, bad)}. "
            "Fix these values or pass date_format (e.g. date_format='%Y-%m-%d')."
        )
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed.dt.normalize()


def validate_log_frame(frame: pd.DataFrame, customer: str, date: str, amount: str | None,
                       date_format: str | None) -> tuple[pd.Series, pd.Series | None]:
    """Check ids, dates and amounts; return the parsed days and numeric amounts."""
    require_columns(frame, [customer, date, amount], source="the transaction log")
    if len(frame) == 0:
        raise InputError("The transaction log has no rows. Pass a log with at least one purchase.")
    missing_id = frame[customer].isna()
    if missing_id.any():
        raise InputError(
            f"Column {customer!r} has missing customer ids: "
            f"{describe_offenders(frame[customer], missing_id)}. "
            "Remove these transactions or fill in the customer id."
        )
    missing_date = frame[date].isna()
    if missing_date.any():
        raise InputError(
            f"Column {date!r} has missing dates: {describe_offenders(frame[date], missing_date)}. "
            "Remove these transactions or fill in the date."
        )
    days = _parse_dates(frame[date], date, date_format)
    money = None
    if amount is not None:
        raw = frame[amount]
        money = pd.to_numeric(raw, errors="coerce").astype(float)
        bad = money.isna() | ~np.isfinite(money)
        if bad.any():
            raise InputError(
                f"Column {amount!r} has missing or non-numeric amounts: "
                f"{describe_offenders(raw, bad)}. Fix or remove these transactions."
            )
        negative = money < 0
        if negative.any():
            raise InputError(
                f"Column {amount!r} has negative amounts (returns or refunds?): "
                f"{describe_offenders(raw, negative)}. Net returns against their purchases or "
                "remove them before summarising; spend models need non-negative amounts."
            )
    return days, money


def _aggregate_pandas(frame: pd.DataFrame, customer: str, date: str, amount: str | None,
                      period_end: pd.Timestamp | None, holdout_end: pd.Timestamp | None,
                      date_format: str | None, duplicates: str
                      ) -> Aggregated:
    days, money = validate_log_frame(frame, customer, date, amount, date_format)
    tx = pd.DataFrame({"customer": frame[customer].to_numpy(), "day": days.to_numpy()},
                      index=frame.index)
    tx["amount"] = 0.0 if money is None else money.to_numpy()
    from .._results import ExclusionLog

    excluded = ExclusionLog()
    # Without amounts, repeated rows cannot change the summary (purchases on one day are one
    # occasion), so they are only checked when amounts are summed.
    repeats: Repeats = None
    if duplicates != "keep" and amount is not None:
        # exact repeats of the raw columns (two purchases at different times of one day
        # are not duplicates)
        keys = [customer, date, amount]
        dup = frame[keys].duplicated(keep="first")
        repeats = (0, "")
        if dup.any():
            shown = frame.loc[dup.to_numpy(), keys]
            first = "; ".join(f"row {idx!r}: {tuple(row)}"
                              for idx, row in shown.head(5).iterrows())
            repeats = (int(dup.sum()), first)
            if duplicates == "error":
                raise repeat_error(repeats, customer, date, amount)
            if duplicates == "drop":
                excluded.add_mask(tx, dup, "duplicate row")
                tx = tx[~dup.to_numpy()]
    if period_end is None:
        period_end = pd.Timestamp(tx["day"].max())
    if holdout_end is not None and holdout_end <= period_end:
        raise InputError(
            f"holdout_end ({holdout_end.date()}) must come after period_end "
            f"({period_end.date()}, the last transaction date). Pass period_end explicitly."
        )
    stop = period_end if holdout_end is None else holdout_end
    late = tx["day"] > stop
    if late.any():
        excluded.add_mask(tx, late, "after the end of the observed period")
        tx = tx[~late.to_numpy()]
    first_day = tx.groupby("customer")["day"].transform("min")
    newcomer = first_day > period_end
    if newcomer.any():
        excluded.add_mask(tx, newcomer, "customer first seen after period_end")
        tx = tx[~newcomer.to_numpy()]
    if len(tx) == 0:
        raise InputError(
            f"No customer made a purchase on or before period_end ({period_end.date()}). "
            "Pass a later period_end."
        )
    n_used = len(tx)  # transaction rows that enter the summary (calibration and holdout)
    per_day = tx.groupby(["customer", "day"], sort=False, observed=True)["amount"].sum()
    per_day = per_day.reset_index()
    in_cal = per_day["day"] <= period_end
    per_day["cal"] = in_cal.astype(np.int64)
    per_day["hold"] = (~in_cal).astype(np.int64)
    per_day["cal_amount"] = per_day["amount"].where(in_cal, 0.0)
    per_day["hold_amount"] = per_day["amount"].where(~in_cal, 0.0)
    per_day["cal_day"] = per_day["day"].where(in_cal)
    grouped = per_day.groupby("customer", sort=True)
    first_day = grouped["day"].min()
    # the first occasion is always in calibration (newcomers were excluded above)
    first_amount = per_day.loc[per_day.groupby("customer", sort=True)["day"].idxmin(),
                               ["customer", "amount"]].set_index("customer")["amount"]
    out = pd.DataFrame({
        "customer": first_day.index.to_numpy(),
        "first_day": first_day.to_numpy(),
        "last_day": grouped["cal_day"].max().to_numpy(),
        "n_days": grouped["cal"].sum().to_numpy(),
        "repeat_spend": (grouped["cal_amount"].sum() - first_amount).to_numpy(),
        "n_days_holdout": grouped["hold"].sum().to_numpy(),
        "spend_holdout": grouped["hold_amount"].sum().to_numpy(),
    })
    return out, excluded.to_frame(), period_end, (len(frame), n_used), repeats
