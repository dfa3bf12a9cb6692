"""Transaction summaries: definitions, pandas/DuckDB agreement, CDNOW, every bad input."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import expectlab
from expectlab import FragileResultWarning, InputError
from expectlab.repeat import summarise_transactions

from .conftest import needs_cdnow


def test_hand_computed_summary(small_log):
    # customer 1: days Jan 1 (20 + 5), Jan 15 (35), Mar 4 (10, after period end -> holdout)
    # customer 2: one purchase Feb 5; customer 3: Feb 26 (4), Mar 11 (8, holdout)
    out = summarise_transactions(small_log, amount="amount", period_end="2024-02-26",
                                 holdout_end="2024-03-25")
    assert list(out.index) == [1, 2, 3]
    assert out.index.name == "customer_id"
    assert out["frequency"].tolist() == [1, 0, 0]
    assert out["recency"].tolist() == [2.0, 0.0, 0.0]
    assert out["T"].tolist() == pytest.approx([8.0, 3.0, 0.0])
    assert out["monetary_value"].tolist() == [35.0, 0.0, 0.0]
    assert out["frequency_holdout"].tolist() == [1, 0, 1]
    assert out["duration_holdout"].tolist() == [4.0, 4.0, 4.0]
    assert out["monetary_value_holdout"].tolist() == [10.0, 0.0, 8.0]
    assert out.attrs["period_end"] == "2024-02-26"
    assert len(out.attrs["excluded"]) == 0


def test_public_name_and_time_units(small_log):
    assert expectlab.summarise_transactions is summarise_transactions
    days = summarise_transactions(small_log, time_unit="D", period_end="2024-02-26",
                                  holdout_end="2024-03-25")
    weeks = summarise_transactions(small_log, time_unit=7.0, period_end="2024-02-26",
                                   holdout_end="2024-03-25")
    assert days["T"].iloc[0] == 56.0 and weeks["T"].iloc[0] == 8.0
    assert "monetary_value" not in days.columns
    # default period end: the last purchase date, everything in calibration
    full = summarise_transactions(small_log)
    assert full.attrs["period_end"] == "2024-03-11"
    assert full["frequency"].tolist() == [2, 0, 1]


def test_purchases_after_the_end_are_reported(small_log):
    with pytest.warns(FragileResultWarning, match="2 transactions were left out"):
        out = summarise_transactions(small_log, period_end="2024-02-26")
    excluded = out.attrs["excluded"]
    assert sorted(excluded["row"]) == [3, 5]
    assert set(excluded["reason"]) == {"after the end of the observed period"}


def test_customers_first_seen_in_holdout_are_reported():
    log = pd.DataFrame({"customer_id": [1, 1, 2], "date": ["2024-01-01", "2024-01-08",
                                                            "2024-03-01"]})
    with pytest.warns(FragileResultWarning, match="first seen after period_end"):
        out = summarise_transactions(log, period_end="2024-01-31", holdout_end="2024-03-31")
    assert list(out.index) == [1]
    assert out.attrs["excluded"]["row"].tolist() == [2]


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_duckdb_matches_pandas_on_files(tmp_path, small_log, suffix):
    path = tmp_path / f"log.{suffix}"
    if suffix == "csv":
        small_log.to_csv(path, index=False)
    else:
        small_log.to_parquet(path, index=False)
    kwargs = dict(amount="amount", period_end="2024-02-26", holdout_end="2024-03-25")
    a = summarise_transactions(small_log, **kwargs)
    b = summarise_transactions(path, **kwargs)  # DuckDB
    c = summarise_transactions(str(path), engine="pandas", **kwargs)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    pd.testing.assert_frame_equal(a, c, check_dtype=False)


def test_duckdb_reports_the_same_exclusions(tmp_path, small_log):
    path = tmp_path / "log.csv"
    pd.concat([small_log, small_log.iloc[[2]]], ignore_index=True).to_csv(path, index=False)
    frame = pd.read_csv(path)
    with pytest.warns(FragileResultWarning):
        a = summarise_transactions(frame, amount="amount", period_end="2024-02-26",
                                   duplicates="drop")
    with pytest.warns(FragileResultWarning):
        b = summarise_transactions(path, amount="amount", period_end="2024-02-26",
                                   duplicates="drop")
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    ea = a.attrs["excluded"].sort_values("row").reset_index(drop=True)
    eb = b.attrs["excluded"].sort_values("row").reset_index(drop=True)
    assert ea["row"].tolist() == eb["row"].tolist() == [3, 5, 7]
    assert ea["reason"].tolist() == eb["reason"].tolist()


def test_several_files_and_globs(tmp_path, small_log):
    small_log.iloc[:4].to_parquet(tmp_path / "a.parquet", index=False)
    small_log.iloc[4:].to_parquet(tmp_path / "b.parquet", index=False)
    whole = summarise_transactions(small_log, amount="amount")
    by_glob = summarise_transactions(str(tmp_path / "*.parquet"), amount="amount")
    by_list = summarise_transactions([tmp_path / "a.parquet", tmp_path / "b.parquet"],
                                     amount="amount")
    pd.testing.assert_frame_equal(whole, by_glob, check_dtype=False)
    pd.testing.assert_frame_equal(whole, by_list, check_dtype=False)


@needs_cdnow
def test_cdnow_raw_log_reproduces_published_summary(cdnow_calibration):
    """The published CDNOW calibration summary (Fader, Hardie & Lee 2005; file
    cdnow_customers_summary.csv in lifetimes) from our own aggregation of the raw log."""
    from expectlab.repeat.cdnow import read_cdnow_summary

    published = read_cdnow_summary()
    ours = cdnow_calibration
    assert len(ours) == len(published) == 2357
    assert (ours["frequency"].to_numpy() == published["frequency"].to_numpy()).all()
    np.testing.assert_allclose(ours["recency"].round(2), published["recency"], atol=1e-9)
    np.testing.assert_allclose(ours["T"].round(2), published["T"], atol=1e-9)
    # 39-week holdout, 946 repeat buyers in calibration (as in the papers)
    assert ours["duration_holdout"].iloc[0] == pytest.approx(39.0)
    assert int((ours["frequency"] > 0).sum()) == 946


@needs_cdnow
def test_cdnow_duckdb_equals_pandas(tmp_path, cdnow_calibration):
    from expectlab.repeat.cdnow import CDNOW_HOLDOUT_END, CDNOW_PERIOD_END, read_cdnow_log

    path = tmp_path / "cdnow.parquet"
    read_cdnow_log().to_parquet(path, index=False)
    b = summarise_transactions(path, "customer_id", "date", "amount",
                               period_end=CDNOW_PERIOD_END, holdout_end=CDNOW_HOLDOUT_END,
                               duplicates="keep")
    pd.testing.assert_frame_equal(cdnow_calibration, b, check_dtype=False, rtol=1e-12)


# -- bad input ------------------------------------------------------------------------------
BAD_CASES = {
    "missing column": ({"customer_id": [1], "when": ["2024-01-01"]}, {}, "'date' not found"),
    "missing id": ({"customer_id": [1, None], "date": ["2024-01-01", "2024-01-02"]}, {},
                   "missing customer ids: 1 value, first: row 1"),
    "missing date": ({"customer_id": [1, 2], "date": ["2024-01-01", None]}, {},
                     "missing dates: 1 value, first: row 1"),
    "bad date": ({"customer_id": [1, 2, 3], "date": ["2024-01-01", "soon", "2024-13-45"]}, {},
                 "dates that do not parse: 2 values, first: row 1 = 'soon'"),
    "numeric date": ({"customer_id": [1], "date": [19970101]}, {}, "holds numbers"),
    "bad amount": ({"customer_id": [1, 2], "date": ["2024-01-01"] * 2, "amount": ["3", "x"]},
                   {"amount": "amount"}, "non-numeric amounts: 1 value, first: row 1 = 'x'"),
    "negative amount": ({"customer_id": [1, 2], "date": ["2024-01-01"] * 2,
                         "amount": [3.0, -2.0]}, {"amount": "amount"},
                        "negative amounts .* row 1 = -2.0"),
    "duplicates": ({"customer_id": [1, 1], "date": ["2024-01-01"] * 2, "amount": [3.0, 3.0]},
                   {"amount": "amount"}, "repeats 1 rows exactly"),
    "empty": ({"customer_id": [], "date": []}, {}, "no rows"),
    "holdout before end": ({"customer_id": [1], "date": ["2024-01-01"]},
                           {"period_end": "2024-02-01", "holdout_end": "2024-01-15"},
                           "must come after period_end"),
    "holdout before last date": ({"customer_id": [1, 1], "date": ["2024-01-01", "2024-03-01"]},
                                 {"holdout_end": "2024-02-01"}, "must come after period_end"),
    "nobody by period end": ({"customer_id": [1], "date": ["2024-03-01"]},
                             {"period_end": "2024-01-01"}, "No customer made a purchase"),
    "bad period end": ({"customer_id": [1], "date": ["2024-03-01"]},
                       {"period_end": "someday"}, "period_end must be a date"),
    "bad time unit": ({"customer_id": [1], "date": ["2024-03-01"]}, {"time_unit": "fortnight"},
                      "time_unit must be one of"),
    "bad time number": ({"customer_id": [1], "date": ["2024-03-01"]}, {"time_unit": -7},
                        "must be positive"),
    "bad duplicates": ({"customer_id": [1], "date": ["2024-03-01"]}, {"duplicates": "maybe"},
                       "duplicates must be"),
    "bad engine": ({"customer_id": [1], "date": ["2024-03-01"]}, {"engine": "spark"},
                   "engine must be"),
}


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_input_raises_input_error(case, engine):
    columns, kwargs, message = BAD_CASES[case]
    kwargs = {"engine": engine, **kwargs}
    frame = pd.DataFrame(columns)
    with warnings.catch_warnings():
        # "nobody by period end" first reports the late purchase it leaves out
        warnings.simplefilter("ignore", FragileResultWarning)
        with pytest.raises(InputError, match=message):
            summarise_transactions(frame, **kwargs)


def test_duplicates_keep_and_drop(small_log):
    doubled = pd.concat([small_log, small_log.iloc[[4]]], ignore_index=True)
    kept = summarise_transactions(doubled, amount="amount", duplicates="keep")
    assert kept.loc[2, "frequency"] == 0  # same day: still one purchase occasion
    with pytest.warns(FragileResultWarning, match="duplicate row"):
        dropped = summarise_transactions(doubled, amount="amount", duplicates="drop")
    assert dropped.attrs["excluded"].to_dict("list") == {"row": [7], "reason": ["duplicate row"]}


def test_file_errors(tmp_path, small_log):
    with pytest.raises(InputError, match="does not exist"):
        summarise_transactions(tmp_path / "nope.csv")
    (tmp_path / "log.xlsx").write_text("x")
    with pytest.raises(InputError, match="neither CSV nor Parquet"):
        summarise_transactions(tmp_path / "log.xlsx")
    small_log.to_csv(tmp_path / "a.csv", index=False)
    small_log.to_parquet(tmp_path / "b.parquet", index=False)
    with pytest.raises(InputError, match="mix CSV and Parquet"):
        summarise_transactions([tmp_path / "a.csv", tmp_path / "b.parquet"])
    with pytest.raises(InputError, match="No transaction files"):
        summarise_transactions([])
    (tmp_path / "broken.parquet").write_text("not parquet")
    with pytest.raises(InputError, match="could not read"):
        summarise_transactions(tmp_path / "broken.parquet")
    with pytest.raises(InputError, match="'when' not found"):
        summarise_transactions(tmp_path / "a.csv", date="when")


def test_date_format_and_timestamps():
    log = pd.DataFrame({"customer_id": [1, 1], "date": [19970101, 19970115]})
    for engine in ("pandas", "duckdb"):
        out = summarise_transactions(log, date_format="%Y%m%d", engine=engine)
        assert out["recency"].iloc[0] == 2.0
    stamps = pd.DataFrame({"customer_id": [1, 1, 1],
                           "date": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 17:00",
                                                   "2024-01-08 08:00"])})
    out = summarise_transactions(stamps)
    assert out["frequency"].iloc[0] == 1 and out["T"].iloc[0] == 1.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 6), st.integers(0, 120),
                          st.floats(0, 500, allow_nan=False)), min_size=1, max_size=40))
@pytest.mark.slow
def test_summary_invariants(rows):
    """Any valid log gives 0 <= recency <= T, frequency = distinct days - 1."""
    start = np.datetime64("2024-01-01")
    log = pd.DataFrame({"customer_id": [r[0] for r in rows],
                        "date": [str(start + r[1]) for r in rows],
                        "amount": [r[2] for r in rows]})
    out = summarise_transactions(log, amount="amount", duplicates="keep")
    assert (out["recency"] >= 0).all() and (out["recency"] <= out["T"]).all()
    days = log.groupby("customer_id")["date"].nunique()
    assert (out["frequency"] == days.loc[out.index] - 1).all()
    assert (out.loc[out["frequency"] == 0, "monetary_value"] == 0).all()
    assert np.isclose(out["monetary_value"].mul(out["frequency"]).sum()
                      + log.groupby(["customer_id", "date"])["amount"].sum()
                      .groupby("customer_id").first().sum(), log["amount"].sum())
