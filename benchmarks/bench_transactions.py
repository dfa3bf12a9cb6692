"""Benchmark: summarise_transactions on Parquet logs against DuckDB's own scan + group-by.

The baseline is the query a skilled DuckDB user would write for the same summary: per
customer the first and last purchase day, the number of distinct purchase days and the
mean spend of the repeat days over the calibration window, and the number of purchase
days and their mean spend in the holdout window, in one SQL statement fetched as a pandas
DataFrame (checked equal to ours). expectlab does more (the checks for missing ids,
unparseable dates, bad and negative amounts, customers first seen after period_end,
purchases after the end, the exclusion listing, and with ``duplicates="error"``,
``"warn"`` or ``"drop"`` the repeated-row check), so the ratio is the price of those
guarantees.

Every timed run is a fresh subprocess, so its ``ru_maxrss`` is that run's own peak
resident memory (it includes Python, pandas and DuckDB, about 0.2 GiB before any data);
runs are interleaved (baseline, keep, error, warn, drop, drop on a log with repeats) and the
median of ``--repeats`` runs is reported, in wall seconds and in CPU seconds (user +
system time of all the process's threads, which waits for a busy machine's cores do not
inflate: on a shared machine the CPU ratios are the steadier ones). The logs are
generated once under benchmarks/_work/ (git ignores it): ``rows / 25`` customers with 25
purchases each over two years, no exact repeats by construction (so
``duplicates="error"`` passes), and a second log with every 1000th row repeated for
``duplicates="drop"``.

Run: ``python benchmarks/bench_transactions.py`` (default 2M and 20M rows);
``--rows 2e6 2e7 2e8`` adds the 200M-row case (about 1.3 GB of Parquet per log).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(__file__).resolve().parent / "_work"
PERIOD_END, HOLDOUT_END = "2024-06-30", "2024-12-30"
KINDS = ("baseline", "keep", "error", "warn", "drop", "drop_repeats")


def generate(rows: int, repeats: bool) -> Path:
    """Write the log once: customer ``i % n``, purchase ``j = i // n`` of that customer.

    Dates and amounts come from hashes of the row number (reproducible without a seed);
    the cents of the amount are ``j``, so no customer repeats a (date, amount) pair. With
    ``repeats``, every 1000th row is appended a second time (exact repeats).
    """
    import duckdb

    WORK.mkdir(exist_ok=True)
    path = WORK / f"transactions_{rows}{'_repeats' if repeats else ''}.parquet"
    if path.exists():
        return path
    n = max(1, rows // 25)
    select = (f"SELECT (i % {n}) + 1 AS customer_id, "
              f"DATE '2023-01-01' + CAST(hash(i) % 730 AS INTEGER) AS date, "
              f"1 + CAST(hash(i + 2654435761) % 100 AS DOUBLE) + (i // {n}) / 100.0 AS amount "
              "FROM range({lo}, {hi}, {step}) t(i)")
    query = select.format(lo=0, hi=rows, step=1)
    if repeats:
        query += " UNION ALL " + select.format(lo=0, hi=rows, step=1000)
    start = time.perf_counter()
    con = duckdb.connect()
    tmp = path.with_suffix(".tmp")
    con.execute(f"COPY ({query}) TO '{tmp}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)")
    con.close()
    tmp.rename(path)
    print(f"generated {path.name} ({path.stat().st_size / 2**30:.2f} GiB) in "
          f"{time.perf_counter() - start:.0f} s", flush=True)
    return path


def baseline_query(path: Path) -> str:
    """One statement a skilled DuckDB user would write for the same summary: the
    calibration columns up to ``PERIOD_END`` and the holdout columns up to
    ``HOLDOUT_END``, for the customers first seen by ``PERIOD_END``."""
    return f"""
        WITH days AS (
            SELECT customer_id, date, sum(amount) AS spend
            FROM read_parquet('{path}')
            WHERE date <= DATE '{HOLDOUT_END}'
            GROUP BY customer_id, date)
        SELECT customer_id, min(date) AS first_day,
               max(date) FILTER (WHERE date <= DATE '{PERIOD_END}') AS last_day,
               count(*) FILTER (WHERE date <= DATE '{PERIOD_END}') AS n_days,
               (sum(spend) FILTER (WHERE date <= DATE '{PERIOD_END}') - arg_min(spend, date))
                   / nullif(count(*) FILTER (WHERE date <= DATE '{PERIOD_END}') - 1, 0)
                   AS repeat_mean,
               count(*) FILTER (WHERE date > DATE '{PERIOD_END}') AS n_holdout,
               avg(spend) FILTER (WHERE date > DATE '{PERIOD_END}') AS holdout_mean
        FROM days GROUP BY customer_id
        HAVING min(date) <= DATE '{PERIOD_END}'"""


def cpu_seconds() -> float:
    """User + system time of this process, all threads (DuckDB's workers included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def worker(kind: str, path: Path) -> dict:
    """One timed run (in its own process); returns time, peak RSS and check sums."""
    import duckdb
    import pandas  # noqa: F401 - imported before the clock starts on both sides (.df() needs it)

    if kind == "baseline":
        cpu, start = cpu_seconds(), time.perf_counter()
        con = duckdb.connect()
        out = con.execute(baseline_query(path)).df()
        seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
        n_days = int(out["n_days"].sum())
        spend = float(out["repeat_mean"].fillna(0.0).sum())
        holdout = int(out["n_holdout"].sum())
        holdout_spend = float(out["holdout_mean"].fillna(0.0).sum())
        customers = len(out)
    else:
        from expectlab.repeat import summarise_transactions

        mode = "drop" if kind == "drop_repeats" else kind
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # dropped repeats are reported as a warning
            cpu, start = cpu_seconds(), time.perf_counter()
            out = summarise_transactions(path, amount="amount", period_end=PERIOD_END,
                                         holdout_end=HOLDOUT_END, duplicates=mode,
                                         progress=False)
            seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
        n_days = int(out["frequency"].sum() + len(out))
        spend = float(out["monetary_value"].sum())
        holdout = int(out["frequency_holdout"].sum())
        holdout_spend = float(out["monetary_value_holdout"].fillna(0.0).sum())
        customers = len(out)
        if kind == "drop_repeats":
            assert len(out.attrs["excluded"]) > 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 2**30
    return {"seconds": seconds, "cpu": cpu, "rss_gib": peak, "customers": customers,
            "n_days": n_days, "spend": spend, "holdout": holdout,
            "holdout_spend": holdout_spend}


def run(kind: str, path: Path) -> dict:
    cmd = [sys.executable, __file__, "--worker", kind, str(path)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))  # this checkout's expectlab
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} on {path.name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def ratio(med: dict, cpu: dict, a: str, b: str, target: float) -> None:
    if a in med and b in med:
        print(f"  {a} / {b} = {med[a] / med[b]:.2f} wall, {cpu[a] / cpu[b]:.2f} cpu "
              f"(target <= {target})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, nargs="+", default=[2e6, 2e7])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--kinds", nargs="+", default=list(KINDS), choices=KINDS)
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], Path(args.worker[1]))))
        return
    import duckdb

    sys.path.insert(0, str(ROOT))
    import expectlab

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{cores} cores; duckdb {duckdb.__version__}; expectlab from "
          f"{Path(expectlab.__file__).parent}; load average at start "
          f"{os.getloadavg()[0]:.1f} (the machine is shared: judge by the ratios)")
    print(f"summarise_transactions(path, amount='amount', period_end='{PERIOD_END}', "
          f"holdout_end='{HOLDOUT_END}', duplicates=...) vs the baseline SQL; medians of "
          f"{args.repeats} interleaved runs, each in a fresh process (peak = its ru_maxrss)")
    table = []
    for rows in [int(r) for r in args.rows]:
        paths = {kind: generate(rows, repeats=kind == "drop_repeats") for kind in args.kinds}
        times: dict[str, list[dict]] = {kind: [] for kind in args.kinds}
        for _ in range(args.repeats):
            for kind in args.kinds:
                times[kind].append(run(kind, paths[kind]))
                last = times[kind][-1]  # shown at once: a long run interrupted keeps these
                print(f"    ({rows:,} rows, {kind}: {last['seconds']:.2f} s, cpu "
                      f"{last['cpu']:.2f} s, peak {last['rss_gib']:.2f} GiB, load "
                      f"{os.getloadavg()[0]:.1f})", flush=True)
        med = {k: statistics.median(r["seconds"] for r in v) for k, v in times.items()}
        cpu = {k: statistics.median(r["cpu"] for r in v) for k, v in times.items()}
        peak = {k: max(r["rss_gib"] for r in v) for k, v in times.items()}
        print(f"\n{rows:,} rows, {times[args.kinds[0]][0]['customers']:,} customers")
        for kind in args.kinds:
            n = rows + (rows // 1000 if kind == "drop_repeats" else 0)
            runs = " ".join(f"{r['seconds']:.2f}" for r in times[kind])
            print(f"  {kind:13s} {med[kind]:8.2f} s  {n / med[kind] / 1e6:6.2f} M rows/s  "
                  f"cpu {cpu[kind]:7.2f} s  peak {peak[kind]:5.2f} GiB  (runs: {runs})")
            table.append((rows, kind, med[kind], n / med[kind] / 1e6, cpu[kind], peak[kind]))

        ratio(med, cpu, "keep", "baseline", 2)
        if "baseline" in med and "keep" in med:
            base, ours = times["baseline"][0], times["keep"][0]
            same = (base["customers"] == ours["customers"] and base["n_days"] == ours["n_days"]
                    and base["holdout"] == ours["holdout"]
                    and all(abs(base[k] - ours[k]) <= 1e-9 * abs(base[k])
                            for k in ("spend", "holdout_spend")))
            print("  same customers, purchase days, holdout purchases and spend as the "
                  f"baseline: {same}")
        for kind in ("error", "warn", "drop", "drop_repeats"):
            ratio(med, cpu, kind, "keep", 1.5)
    print("\nScaling (medians: wall seconds, million rows per second, CPU seconds of all "
          "threads; peak RSS of the run's process)")
    print(f"{'rows':>13s}  {'what':13s} {'seconds':>8s} {'M rows/s':>9s} {'cpu s':>8s} "
          f"{'peak GiB':>9s}")
    for rows, kind, sec, rate, cpu_s, gib in table:
        print(f"{rows:13,d}  {kind:13s} {sec:8.2f} {rate:9.2f} {cpu_s:8.2f} {gib:9.2f}")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
