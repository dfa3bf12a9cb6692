"""What lets the report run on a million respondents, checked on small data: the study
handed to the kernel, the columnar copy of the purchase log, the loyalty section's
bootstrap budget, thinned point clouds, the time-out from the data size."""

from __future__ import annotations

import dataclasses
import math
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from expectlab import InputError
from expectlab.report import DEFAULT_PARAMETERS, prepare_study
from expectlab.report import content as content_module
from expectlab.report._handover import ENV, fingerprint, read_prepared, write_prepared
from expectlab.report._logcopy import columnar_copy, copies
from expectlab.report.appendix import _resamples_text
from expectlab.report.content import (
    LOYALTY_MIN_RESAMPLES,
    LOYALTY_RESAMPLED_ROWS,
    compute_section,
    loyalty_resamples,
)
from expectlab.report.context import MAX_DRAWN_POINTS, ReportContext, thin_point_clouds
from expectlab.report.render import auto_timeout
from expectlab.report.sections import SectionPlan
from expectlab.report.study import StudyData
from tests.conftest import DATA

SURVEY = str(DATA / "client_survey.sav")
LOG = str(DATA / "client_transactions.csv")


# -- the prepared study handed to the kernel ------------------------------------------

@pytest.fixture(scope="module")
def example_study():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return prepare_study({**DEFAULT_PARAMETERS, "data_path": SURVEY,
                              "transactions_path": LOG}, explicit=["transactions_path"])


def test_the_kernel_loads_the_study_the_command_prepared(example_study, tmp_path,
                                                         monkeypatch):
    marked = dataclasses.replace(example_study, notes=["handed over"])
    path = write_prepared(marked, example_study.fingerprint, tmp_path)
    monkeypatch.setenv(ENV, str(path))
    assert read_prepared(example_study.fingerprint).notes == ["handed over"]
    assert read_prepared("another key") is None
    # the kernel's call: the same parameters, a relative path to the same file
    monkeypatch.chdir(DATA)
    again = prepare_study({**DEFAULT_PARAMETERS, "data_path": "client_survey.sav",
                           "transactions_path": LOG}, explicit=["transactions_path"])
    assert again.notes == ["handed over"]


@pytest.mark.parametrize("change", [{"n_boot": 100}, {"segment_column": None},
                                    {"language": "zh"}], ids=str)
def test_a_study_prepared_from_other_parameters_is_not_used(example_study, tmp_path,
                                                            monkeypatch, change):
    marked = dataclasses.replace(example_study, notes=["handed over"])
    monkeypatch.setenv(ENV, str(write_prepared(marked, example_study.fingerprint, tmp_path)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = prepare_study({**DEFAULT_PARAMETERS, "data_path": SURVEY, **change})
    assert study.notes != ["handed over"]
    assert study.fingerprint != example_study.fingerprint


def test_no_handed_study_without_the_variable_or_the_file(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    assert read_prepared("anything") is None
    monkeypatch.setenv(ENV, str(tmp_path / "gone.pickle"))
    assert read_prepared("anything") is None


def test_the_fingerprint_covers_every_parameter_and_the_explicit_names():
    base = fingerprint(DEFAULT_PARAMETERS, set())
    assert fingerprint(dict(DEFAULT_PARAMETERS), set()) == base
    for name in DEFAULT_PARAMETERS:
        changed = {**DEFAULT_PARAMETERS, name: "something else"}
        assert fingerprint(changed, set()) != base, name
    assert fingerprint(DEFAULT_PARAMETERS, {"nps_column"}) != base


# -- the columnar copy of the purchase log --------------------------------------------

def _summaries(path, **kwargs):
    from expectlab.repeat.report_section import _summarise

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _summarise({"transactions_path": path, "transactions_amount": "amount"},
                          time_unit="W", **kwargs)


def _same(a, b):
    # equal up to the order of floating-point sums (DuckDB adds in parallel)
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, atol=0)
    pd.testing.assert_frame_equal(a.attrs["excluded"].reset_index(drop=True),
                                  b.attrs["excluded"].reset_index(drop=True))
    assert {k: v for k, v in a.attrs.items() if k != "excluded"} == {
        k: v for k, v in b.attrs.items() if k != "excluded"}


@pytest.mark.parametrize("period", [{}, {"period_end": pd.Timestamp("2025-01-01"),
                                         "holdout_end": pd.Timestamp("2025-06-30")}],
                         ids=["whole period", "calibration and holdout"])
def test_the_copy_summarises_like_the_csv(tmp_path, period):
    copy = columnar_copy(LOG, tmp_path)
    assert copy is not None and copy.endswith(".parquet")
    (a, dup_a), (b, dup_b) = _summaries(LOG, **period), _summaries(copy, **period)
    _same(a, b)
    assert dup_a == dup_b


def test_repeated_rows_are_counted_alike_in_the_copy(tmp_path):
    log = pd.read_csv(LOG)
    repeated = pd.concat([log, log.iloc[[3, 3, 10]]]).sort_values(["customer_id", "date"],
                                                                   kind="stable")
    path = tmp_path / "log.csv"
    repeated.to_csv(path, index=False)
    copy = columnar_copy(str(path), tmp_path)
    (a, dup_a), (b, dup_b) = _summaries(str(path)), _summaries(copy)
    _same(a, b)
    assert dup_a == dup_b == 3


def test_only_one_csv_file_is_copied(tmp_path):
    pq = tmp_path / "log.parquet"
    pd.read_csv(LOG).to_parquet(pq)
    assert copies(LOG)
    for other in (str(pq), str(DATA / "client_*.csv"), str(tmp_path / "missing.csv"), None):
        assert not copies(other)
        assert columnar_copy(other, tmp_path / "x") is None


def test_an_unreadable_log_is_not_copied(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01\x02 not a csv \xff\xfe")
    assert columnar_copy(str(bad), tmp_path) is None
    assert not (tmp_path / "transactions.parquet").exists()


# -- the purchase-log check before running --------------------------------------------

def test_repeated_purchases_do_not_stop_the_check_and_unlinked_logs_do(tmp_path):
    log = pd.read_csv(LOG)
    path = tmp_path / "log.csv"
    pd.concat([log, log.iloc[[0]]]).to_csv(path, index=False)
    params = {**DEFAULT_PARAMETERS, "data_path": SURVEY, "transactions_path": str(path)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert prepare_study(params, explicit=["transactions_path"]).runs("purchase")
    log.assign(customer_id=log["customer_id"] + 10_000).to_csv(path, index=False)
    with pytest.raises(InputError, match="No customer of the purchase log .* matches a "
                                         "respondent id"):
        prepare_study(params, explicit=["transactions_path"])


def test_a_bad_date_in_the_log_stops_the_check(tmp_path):
    log = pd.read_csv(LOG).astype({"date": object})
    log.loc[5, "date"] = "yesterday"
    path = tmp_path / "log.csv"
    log.to_csv(path, index=False)
    with pytest.raises(InputError, match="do not parse"):
        prepare_study({**DEFAULT_PARAMETERS, "data_path": SURVEY,
                       "transactions_path": str(path)}, explicit=["transactions_path"])


# -- the loyalty section's bootstrap budget --------------------------------------------

def test_loyalty_resamples_fall_with_the_respondents_down_to_the_floor():
    assert LOYALTY_RESAMPLED_ROWS == 500 * 20_000 and LOYALTY_MIN_RESAMPLES == 50
    assert loyalty_resamples(500, 600) == 500
    assert loyalty_resamples(500, 20_000) == 500
    assert loyalty_resamples(500, 20_001) == 500  # ceil(499.98)
    assert loyalty_resamples(500, 40_000) == 250
    assert loyalty_resamples(500, 100_000) == 100
    assert loyalty_resamples(500, 1_000_000) == 50
    assert loyalty_resamples(200, 100_000) == 100
    assert loyalty_resamples(60, 10_000_000) == 50
    assert loyalty_resamples(30, 10_000_000) == 30  # fewer asked: as asked
    assert loyalty_resamples(0, 1_000_000) == 0


def _fake_study(n, n_boot=500, runs=("loyalty", "kano")):
    return StudyData(survey=None, data=pd.DataFrame(index=pd.RangeIndex(n)), scales={},
                     params={"n_boot": n_boot},
                     sections={s: SectionPlan(s, s in runs) for s in ("loyalty", "kano",
                                                                      "nps")})


def test_compute_section_passes_the_budget_to_loyalty_only_and_records_it(monkeypatch):
    from expectlab.report.context import SectionResult

    seen = {}

    def fake_parts(name):
        def compute(study):
            seen[name] = study.params["n_boot"]
            return SectionResult(name)
        return compute, None

    monkeypatch.setattr(content_module, "_parts", fake_parts)
    results = {}
    study = _fake_study(100_000)
    for name in ("loyalty", "kano", "nps"):
        compute_section(name, study, results)
    assert seen == {"loyalty": 100, "kano": 500}  # nps does not run
    assert results["loyalty"].resamples == {"used": 100, "asked": 500,
                                            "respondents": 100_000}
    assert results["kano"].resamples is None
    assert study.params["n_boot"] == 500  # the study itself is unchanged
    small = {}
    compute_section("loyalty", _fake_study(600), small)
    assert seen["loyalty"] == 500 and small["loyalty"].resamples is None
    with pytest.raises(ValueError, match="Unknown report section"):
        compute_section("loyalti", study, results)


def test_the_methods_appendix_states_the_resamples_and_their_precision():
    ctx = ReportContext(_fake_study(1_000_000))
    text = _resamples_text(ctx, "loyalty", {"used": 50, "asked": 500,
                                            "respondents": 1_000_000})
    assert text.startswith("Loyalty: who stays and what moves them: with 1,000,000 "
                           "respondents, the bootstrap intervals of this section use 50 "
                           "resamples instead of 500")
    assert "at most 10,000,000 respondents in all" in text and "at least 50" in text
    assert f"{100 * 0.68 / math.sqrt(50):.1f}" == "9.6"
    assert "within about 9.6% of the interval's width" in text
    zh = ReportContext(_fake_study(1_000_000), language="zh")
    assert "50 次重抽样" in _resamples_text(zh, "loyalty", {"used": 50, "asked": 500,
                                                         "respondents": 1_000_000})


def test_the_stated_monte_carlo_error_of_an_interval_end_is_a_fair_upper_bound():
    # 2.67 standard errors / sqrt(B) for the 2.5% quantile (asymptotic); simulated with
    # numpy's interpolated quantile, the error is a little smaller at small B
    rng = np.random.default_rng(3)
    for B in (50, 100, 500):
        ends = np.quantile(rng.standard_normal((4000, B)), 0.025, axis=1)
        ratio = np.std(ends) / (2.67 / math.sqrt(B))
        assert 0.75 < ratio < 1.05, (B, ratio)


# -- figures -------------------------------------------------------------------------

def test_large_point_clouds_are_thinned_with_their_colours():
    rng = np.random.default_rng(0)
    n = 3 * MAX_DRAWN_POINTS
    x, y = rng.random(n), rng.random(n)
    fig, (ax1, ax2) = plt.subplots(1, 2)
    big = ax1.scatter(x, y, c=x, s=np.full(n, 4.0))
    small = ax2.scatter(x[:100], y[:100])
    shown, total = thin_point_clouds(fig)
    assert (shown, total) == (MAX_DRAWN_POINTS, n)
    kept = big.get_offsets()
    assert len(kept) == MAX_DRAWN_POINTS and len(small.get_offsets()) == 100
    # each kept point keeps its own colour value (c=x) and size
    np.testing.assert_array_equal(np.asarray(big.get_array()), np.asarray(kept)[:, 0])
    assert len(big.get_sizes()) == MAX_DRAWN_POINTS
    # the same points on every run (a seeded sample)
    fig2, ax = plt.subplots()
    again = ax.scatter(x, y, c=x)
    thin_point_clouds(fig2)
    np.testing.assert_array_equal(again.get_offsets(), kept)
    assert thin_point_clouds(fig) == (0, 0)  # nothing left to thin
    plt.close("all")


def test_a_thinned_figure_says_so_in_its_caption(monkeypatch):
    from expectlab.report import blocks

    shown = []
    monkeypatch.setattr(blocks, "figure", lambda fig, caption, alt=None: shown.append(caption))
    ctx = ReportContext(_fake_study(10))
    fig, ax = plt.subplots()
    ax.scatter(np.arange(50_000), np.arange(50_000))
    ctx.figure(fig, "Satisfaction surface.")
    fig, ax = plt.subplots()
    ax.scatter([1, 2], [3, 4])
    ctx.figure(fig, "Small.")
    assert shown == ["Satisfaction surface. Points drawn: a random 20,000 of 50,000 (every "
                     "number uses them all).", "Small."]
    plt.close("all")


# -- the per-cell time-out --------------------------------------------------------------

def test_the_time_out_grows_with_the_respondents():
    assert auto_timeout(0) == auto_timeout(600) == auto_timeout(100_000) == 600
    assert auto_timeout(100_001) == 1200
    assert auto_timeout(1_000_000) == 6000
