"""The one-scan DuckDB engine of summarise_transactions against the pandas engine.

The DuckDB engine finds bad rows and repeated rows inside its aggregation and reads rows
again only when something needs naming, so every kind of bad row, every duplicates mode,
holdouts, late rows and customers first seen after period_end are compared here with the
pandas engine on the same small logs: the same summary (to 1e-12 relative: DuckDB adds
amounts in another order), the same exclusions row by row, the same row counts, or the
same error message.
"""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import expectlab.repeat.summaries_duckdb as sdb
from expectlab import FragileResultWarning, InputError
from expectlab.repeat import excluded_transactions, summarise_transactions

duckdb = pytest.importorskip("duckdb")

BASE = {
    "customer_id": [1, 1, 1, 2, 2, 3, 3, 4, 5, 1],
    "date": ["2024-01-01", "2024-01-01", "2024-01-15", "2024-02-05", "2024-03-20",
             "2024-02-26", "2024-03-11", "2024-03-28", "2024-02-10", "2024-05-02"],
    "amount": [20.0, 5.0, 35.0, 12.5, 7.0, 4.0, 8.0, 3.0, 9.0, 11.0],
}
# period_end 2024-02-26 and holdout_end 2024-03-31: customer 4 is first seen in the
# holdout, the purchase of customer 1 on 2024-05-02 comes after the end.
WINDOW = {"period_end": "2024-02-26", "holdout_end": "2024-03-31"}


def with_rows(*rows, **columns):
    log = pd.DataFrame(BASE)
    if rows:
        log = pd.concat([log, pd.DataFrame(list(rows), columns=list(BASE))],
                        ignore_index=True)
    for name, values in columns.items():
        log[name] = values
    return log


REPEATS = with_rows((1, "2024-01-15", 35.0), (4, "2024-03-28", 3.0),  # a newcomer's repeat
                    (1, "2024-05-02", 11.0), (3, "2024-02-26", 4.0),  # a late row's repeat
                    (3, "2024-02-26", 4.0))  # three copies of one row


def run(log, **kwargs):
    """Result or InputError message of one call, warnings collected."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = summarise_transactions(log, **kwargs)
        except InputError as exc:
            return None, str(exc), caught
    return out, None, caught


def missing_shown_alike(message):
    """Engines show a missing value as None, nan or NaT, depending on the column type."""
    return None if message is None else re.sub(r"= (None|nan|NaT|<NA>)\b", "= <missing>",
                                               message)


def assert_same(a, b):
    out_a, err_a, warn_a = a
    out_b, err_b, warn_b = b
    assert missing_shown_alike(err_a) == missing_shown_alike(err_b)
    if err_a is not None:
        return
    pd.testing.assert_frame_equal(out_a, out_b, check_dtype=False, check_exact=False,
                                  rtol=1e-12, atol=0.0)
    ea, eb = excluded_transactions(out_a), excluded_transactions(out_b)
    assert ea["row"].tolist() == eb["row"].tolist()
    assert ea["reason"].tolist() == eb["reason"].tolist()
    for key in ("n_rows", "n_rows_used", "n_repeated_rows", "period_end", "holdout_end"):
        assert out_a.attrs[key] == out_b.attrs[key]
    assert out_a.attrs["n_rows_used"] + len(ea) == out_a.attrs["n_rows"]
    assert [str(w.message) for w in warn_a] == [str(w.message) for w in warn_b]


LOGS = {
    "clean": with_rows(),
    "repeats": REPEATS,
    "same day, different amounts": with_rows((1, "2024-01-01", 7.0), (1, "2024-01-01", 8.0)),
    "missing id": with_rows(customer_id=[1, 1, None, 2, 2, 3, 3, 4, 5, None]),
    "missing date": with_rows(date=BASE["date"][:4] + [None] + BASE["date"][5:]),
    "bad dates": with_rows(date=BASE["date"][:2] + ["soon", "2024-13-45"] + BASE["date"][4:]),
    "infinite date": with_rows(date=BASE["date"][:9] + ["infinity"]),
    "text amount": with_rows(amount=["20", "5", "35", "x", "7", "4", "8", "3", "9", "11"]),
    "missing amount": with_rows(amount=BASE["amount"][:6] + [None] + BASE["amount"][7:]),
    "infinite amount": with_rows(amount=BASE["amount"][:6] + [np.inf] + BASE["amount"][7:]),
    "negative amount": with_rows(amount=BASE["amount"][:3] + [-2.0, -1.0] + BASE["amount"][5:]),
}
CALLS = {
    "whole log": {},
    "period_end": {"period_end": "2024-02-26"},
    "holdout": WINDOW,
    "holdout, default period_end": {"holdout_end": "2024-06-30"},
    "weeks and days": {"time_unit": "D", **WINDOW},
}


VALID = ["clean", "repeats", "same day, different amounts"]


@pytest.mark.parametrize("duplicates", ["error", "drop", "keep", "warn"])
@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("name", VALID)
def test_duckdb_equals_pandas_on_every_window(name, call, duplicates):
    log = LOGS[name]
    kwargs = {"amount": "amount", "duplicates": duplicates, **CALLS[call]}
    expected = run(log, engine="pandas", **kwargs)
    assert_same(run(log, engine="duckdb", **kwargs), expected)


@pytest.mark.parametrize("duplicates", ["error", "keep", "warn"])
@pytest.mark.parametrize("name", sorted(set(LOGS) - set(VALID)))
def test_duckdb_equals_pandas_on_every_kind_of_bad_row(name, duplicates):
    kwargs = {"amount": "amount", "duplicates": duplicates, **WINDOW}
    expected = run(LOGS[name], engine="pandas", **kwargs)
    assert expected[1] is not None  # every one of these logs is refused
    assert_same(run(LOGS[name], engine="duckdb", **kwargs), expected)


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
@pytest.mark.parametrize("duplicates", ["error", "drop", "keep", "warn"])
@pytest.mark.parametrize("name", ["clean", "repeats", "missing id", "bad dates",
                                  "text amount", "negative amount"])
def test_files_equal_pandas_reading_the_same_files(tmp_path, name, duplicates, suffix):
    log = LOGS[name]
    if suffix == "parquet":
        log = log.astype({"amount": str}) if name == "text amount" else log
        path = tmp_path / "log.parquet"
        log.to_parquet(path, index=False)
    else:
        path = tmp_path / "log.csv"
        log.to_csv(path, index=False)
    kwargs = {"amount": "amount", "duplicates": duplicates, **WINDOW}
    assert_same(run(path, **kwargs), run(path, engine="pandas", **kwargs))


def test_repeats_across_files_are_numbered_in_the_concatenated_log(tmp_path):
    REPEATS.iloc[:8].to_parquet(tmp_path / "a.parquet", index=False)
    REPEATS.iloc[8:].to_parquet(tmp_path / "b.parquet", index=False)
    kwargs = {"amount": "amount", "duplicates": "drop", **WINDOW}
    ours = run(str(tmp_path / "*.parquet"), **kwargs)
    assert_same(ours, run(REPEATS, engine="pandas", **kwargs))
    excluded = excluded_transactions(ours[0])
    assert excluded["row"].tolist() == [10, 11, 12, 13, 14, 9, 7]
    assert excluded["reason"].tolist() == ["duplicate row"] * 5 + [
        "after the end of the observed period", "customer first seen after period_end"]


def test_repeat_error_names_the_first_repeats():
    out, message, _ = run(REPEATS, amount="amount", engine="duckdb")
    assert out is None
    assert message.startswith("The transaction log repeats 5 rows exactly (same "
                              "'customer_id', 'date', 'amount'); first repeats: row 10: "
                              "(1, '2024-01-15', 35.0); row 11: (4, '2024-03-28', 3.0); ")


def test_same_day_rows_that_are_not_repeats():
    """Three rows on one day with different amounts (a candidate the follow-up clears),
    two rows on one day with equal amounts at different times (not repeats of the raw
    date), and -0.0 and 0.0 (equal amounts, as for pandas)."""
    log = pd.DataFrame({
        "customer_id": [1, 1, 1, 2, 2, 3, 3],
        "date": ["2024-01-01", "2024-01-01", "2024-01-01", "2024-01-02 09:00",
                 "2024-01-02 17:00", "2024-01-03", "2024-01-03"],
        "amount": [1.0, 2.0, 3.0, 5.0, 5.0, -0.0, 0.0]})
    for duplicates in ("error", "drop"):
        expected = run(log, amount="amount", duplicates=duplicates, engine="pandas")
        assert_same(run(log, amount="amount", duplicates=duplicates, engine="duckdb"),
                    expected)
        if duplicates == "error":
            assert "repeats 1 rows exactly" in expected[1]
    dropped = run(log, amount="amount", duplicates="drop", engine="duckdb")[0]
    assert excluded_transactions(dropped)["row"].tolist() == [6]
    assert dropped["frequency"].tolist() == [0, 0, 0]


def test_dropped_repeats_leave_the_sums_of_the_deduplicated_log():
    out = run(REPEATS, amount="amount", duplicates="drop", engine="duckdb", **WINDOW)[0]
    clean = run(LOGS["clean"], amount="amount", engine="duckdb", **WINDOW)[0]
    pd.testing.assert_frame_equal(out, clean, check_exact=False, rtol=1e-12)
    assert out.attrs["n_rows"] == 15 and out.attrs["n_rows_used"] == 8


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(0, 40), st.sampled_from(
    [1.0, 2.5, 7.0])), min_size=1, max_size=30),
    st.sampled_from(["error", "drop", "keep", "warn"]), st.sampled_from(sorted(CALLS)))
def test_duckdb_equals_pandas_on_random_logs(rows, duplicates, call):
    """Few customers, days and amounts, so repeats, same-day occasions, late rows and
    newcomers are frequent."""
    start = np.datetime64("2024-01-15")
    log = pd.DataFrame({"customer_id": [r[0] for r in rows],
                        "date": [str(start + r[1]) for r in rows],
                        "amount": [r[2] for r in rows]})
    kwargs = {"amount": "amount", "duplicates": duplicates, **CALLS[call]}
    assert_same(run(log, engine="duckdb", **kwargs), run(log, engine="pandas", **kwargs))


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("name", VALID)
def test_warn_keeps_the_numbers_of_keep_and_counts_what_drop_excludes(engine, call, name):
    log = LOGS[name]
    kwargs = {"amount": "amount", "engine": engine, **CALLS[call]}
    warned, _, caught = run(log, duplicates="warn", **kwargs)
    kept, _, caught_keep = run(log, duplicates="keep", **kwargs)
    dropped = run(log, duplicates="drop", **kwargs)[0]
    pd.testing.assert_frame_equal(warned, kept, check_exact=False, rtol=1e-12, atol=0.0)
    assert excluded_transactions(warned).equals(excluded_transactions(kept))
    assert warned.attrs["n_rows_used"] == kept.attrs["n_rows_used"]
    n_dropped = int((excluded_transactions(dropped)["reason"] == "duplicate row").sum())
    assert warned.attrs["n_repeated_rows"] == dropped.attrs["n_repeated_rows"] == n_dropped
    assert n_dropped == (5 if name == "repeats" else 0)
    assert kept.attrs["n_repeated_rows"] is None  # "keep" does not look
    extra = [str(w.message) for w in caught if "repeats" in str(w.message)]
    assert [str(w.message) for w in caught if "repeats" not in str(w.message)] == [
        str(w.message) for w in caught_keep]
    if n_dropped:
        assert extra == [
            "The transaction log repeats 5 rows exactly (same 'customer_id', 'date', "
            "'amount'); first repeats: row 10: (1, '2024-01-15', 35.0); row 11: "
            "(4, '2024-03-28', 3.0); row 12: (1, '2024-05-02', 11.0); row 13: "
            "(3, '2024-02-26', 4.0); row 14: (3, '2024-02-26', 4.0). They are kept as "
            "separate purchases (duplicates='warn'); their number is in "
            "result.attrs['n_repeated_rows']. Pass duplicates='drop' to remove them or "
            "duplicates='keep' if they are genuine."]
        assert all(w.category is FragileResultWarning for w in caught)
    else:
        assert extra == []


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_n_repeated_rows_of_every_mode(engine):
    clean, repeats = LOGS["clean"], LOGS["repeats"]
    expected = {"error": (0, None), "drop": (0, 5), "keep": (None, None), "warn": (0, 5)}
    for mode, (n_clean, n_repeats) in expected.items():
        assert run(clean, amount="amount", duplicates=mode, engine=engine,
                   **WINDOW)[0].attrs["n_repeated_rows"] == n_clean
        out = run(repeats, amount="amount", duplicates=mode, engine=engine, **WINDOW)[0]
        assert (out is None) if mode == "error" else (
            out.attrs["n_repeated_rows"] == n_repeats)
    # without amounts repeats cannot change a summary of purchase days: never checked
    for mode in expected:
        out = run(repeats.drop(columns="amount"), duplicates=mode, engine=engine,
                  **WINDOW)[0]
        assert out.attrs["n_repeated_rows"] is None
        pd.testing.assert_frame_equal(out, run(repeats.drop(columns="amount"),
                                               duplicates="keep", engine=engine,
                                               **WINDOW)[0])


def test_warn_reads_no_rows_again_on_a_log_without_repeats(tmp_path, monkeypatch):
    """The duplicate check of "warn" rides along the one scan: the follow-up query that
    names repeats runs only when the scan finds candidate occasions."""
    calls = []
    original = sdb._Summary.find_repeats

    def spy(self):
        calls.append(1)
        return original(self)

    monkeypatch.setattr(sdb._Summary, "find_repeats", spy)
    log = LOGS["clean"].drop(index=1)  # no two rows of one customer on one day
    path = tmp_path / "log.parquet"
    log.to_parquet(path, index=False)
    out = run(str(path), amount="amount", duplicates="warn")[0]
    assert calls == [] and out.attrs["n_repeated_rows"] == 0
    out = run(str(path), amount="amount", duplicates="keep")[0]
    assert calls == [] and out.attrs["n_repeated_rows"] is None
    REPEATS.to_parquet(path, index=False)
    out = run(str(path), amount="amount", duplicates="warn")[0]
    assert calls == [1] and out.attrs["n_repeated_rows"] == 5


def test_logs_without_amounts_never_check_repeats():
    log = with_rows((1, "2024-01-15", 35.0)).drop(columns="amount")
    for engine in ("pandas", "duckdb"):
        out = summarise_transactions(log, engine=engine)
        assert out["frequency"].tolist() == [2, 1, 1, 0, 0]


def test_log_with_duckdbs_own_column_names(tmp_path):
    """A Parquet log with columns named like DuckDB's row numbering is numbered by scan."""
    log = with_rows(filename="x", file_row_number=0)
    log.to_parquet(tmp_path / "log.parquet", index=False)
    kwargs = {"amount": "amount", **WINDOW}
    assert_same(run(tmp_path / "log.parquet", **kwargs), run(log, engine="pandas", **kwargs))


# -- the caller's connection, memory limit and progress --------------------------------------
def test_callers_connection_is_used_and_restored(tmp_path):
    con = duckdb.connect()
    con.execute("SET memory_limit = '3GB'")
    con.execute("SET enable_progress_bar = true")
    before = con.execute("SELECT current_setting('memory_limit'), "
                         "current_setting('enable_progress_bar')").fetchone()
    path = tmp_path / "log.parquet"
    REPEATS.to_parquet(path, index=False)
    expected = run(REPEATS, amount="amount", duplicates="drop", engine="pandas", **WINDOW)
    ours = run(path, amount="amount", duplicates="drop", duckdb_connection=con,
               progress=False, **WINDOW)
    assert_same(ours, expected)
    after = con.execute("SELECT current_setting('memory_limit'), "
                        "current_setting('enable_progress_bar')").fetchone()
    assert after == before
    left = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE "
                       "'_expectlab%'").fetchone()[0]
    assert left == 0
    # a DataFrame on the caller's connection goes through DuckDB and is unregistered
    frame = run(REPEATS, amount="amount", duplicates="drop", duckdb_connection=con, **WINDOW)
    assert_same(frame, expected)
    assert con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name LIKE "
                       "'_expectlab%'").fetchone()[0] == 0
    con.close()


def test_progress_follows_the_argument(monkeypatch):
    seen = []
    original = sdb._set

    def record(con, name, value):
        seen.append((name, value))
        original(con, name, value)

    monkeypatch.setattr(sdb, "_set", record)
    for progress in (True, False):
        seen.clear()
        summarise_transactions(LOGS["clean"], engine="duckdb", progress=progress)
        assert ("enable_progress_bar", progress) in seen
    seen.clear()
    summarise_transactions(LOGS["clean"], engine="duckdb")  # pytest's stderr is no terminal
    assert ("enable_progress_bar", False) in seen
    limit = dict(seen).get("memory_limit")  # the private connection's limit leaves room
    assert limit is None or limit == sdb._default_memory_limit() or limit.endswith("MiB")
    seen.clear()
    summarise_transactions(LOGS["clean"], engine="duckdb", memory_limit="1GB")
    assert ("memory_limit", "1GB") in seen


@pytest.mark.parametrize("kwargs, message", [
    ({"memory_limit": "lots"}, "DuckDB refused memory_limit = 'lots'"),
    ({"duckdb_connection": "duckdb://"}, "duckdb_connection must be a duckdb connection"),
    ({"memory_limit": "1GB", "engine": "pandas"}, "apply to the DuckDB engine"),
    ({"memory_limit": "1GB", "duckdb_connection": duckdb.connect()},
     "Pass memory_limit or duckdb_connection, not both"),
])
def test_bad_duckdb_options(kwargs, message):
    with pytest.raises(InputError, match=message):
        summarise_transactions(LOGS["clean"], **kwargs)


def test_memory_limit_alone_selects_duckdb_for_a_frame(monkeypatch):
    called = []
    original = sdb.aggregate_duckdb

    def spy(*args, **kwargs):
        called.append(kwargs["memory_limit"])
        return original(*args, **kwargs)

    monkeypatch.setattr(sdb, "aggregate_duckdb", spy)
    with pytest.warns(FragileResultWarning):
        out = summarise_transactions(LOGS["clean"], memory_limit="1GB", **WINDOW)
    assert called == ["1GB"] and len(out) == 4


def test_nan_ids_and_amounts_in_parquet_are_missing(tmp_path):
    """Parquet keeps NaN apart from null (and leaves it out of its statistics); pandas reads
    both as missing, and so do we. An infinite id is an id, as for pandas."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def write(ids, amounts):
        table = pa.table({
            "customer_id": pa.array(ids, type=pa.float64(), from_pandas=False),
            "date": ["2024-01-01", "2024-01-02", "2024-01-03"],
            "amount": pa.array(amounts, type=pa.float64(), from_pandas=False)})
        assert table.column("customer_id").null_count == table.column("amount").null_count == 0
        pq.write_table(table, tmp_path / "log.parquet")
        return tmp_path / "log.parquet"

    path = write([1.0, float("nan"), 2.0], [1.0, 2.0, 3.0])
    for engine in ("duckdb", "pandas"):
        with pytest.raises(InputError, match="missing customer ids: 1 value, first: row 1 = "):
            summarise_transactions(path, engine=engine)
    path = write([1.0, 1.0, 2.0], [1.0, 2.0, float("nan")])
    for engine in ("duckdb", "pandas"):
        with pytest.raises(InputError, match="missing or non-numeric amounts: 1 value, first: "
                                             "row 2 = "):
            summarise_transactions(path, amount="amount", engine=engine)
    path = write([1.0, float("inf"), float("inf")], [1.0, 2.0, 3.0])
    a = summarise_transactions(path, amount="amount")
    b = summarise_transactions(path, amount="amount", engine="pandas")
    pd.testing.assert_frame_equal(a, b)
    assert a.index.tolist() == [1.0, float("inf")]


def test_default_memory_limit_leaves_room_on_a_shared_machine(monkeypatch):
    import io

    meminfo = "MemTotal:       16000000 kB\nMemFree:  1000 kB\nMemAvailable:    8000000 kB\n"
    monkeypatch.setattr(sdb, "open", lambda *a, **k: io.StringIO(meminfo), raising=False)
    assert sdb._default_memory_limit() == f"{0.75 * 8000000 / 1024:.0f}MiB"
    meminfo = "MemTotal:       16000000 kB\nMemAvailable:   100000 kB\n"
    assert sdb._default_memory_limit() == "256MiB"  # a floor DuckDB can work in

    def missing(*args, **kwargs):
        raise OSError("no /proc here")

    monkeypatch.setattr(sdb, "open", missing, raising=False)
    assert sdb._default_memory_limit() is None


def test_a_refused_progress_bar_setting_does_not_stop_the_summary(tmp_path, monkeypatch):
    # Inside a Jupyter kernel without ipywidgets DuckDB refuses to change its progress bar
    # (the report's kernel and the notebooks hit this); the summary must go on.
    import duckdb

    from expectlab.repeat import summaries_duckdb

    real_set = summaries_duckdb._set

    def refusing(con, name, value):
        if name.startswith("enable_progress_bar"):
            raise duckdb.InvalidInputException("progress bar needs ipywidgets")
        real_set(con, name, value)

    monkeypatch.setattr(summaries_duckdb, "_set", refusing)
    log = pd.DataFrame({"customer_id": [1, 1, 2], "amount": [1.0, 2.0, 3.0],
                        "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-05"])})
    path = tmp_path / "log.parquet"
    log.to_parquet(path)
    summary = summarise_transactions(str(path), amount="amount")
    assert summary.loc[1, "frequency"] == 1 and summary.loc[2, "frequency"] == 0
    with pytest.raises(InputError, match="memory_limit"):
        summarise_transactions(str(path), amount="amount", memory_limit="lots")
