"""Benchmark: the client-study report on the bundled example (survey + purchase log).

Renders the HTML report three times into ``benchmarks/_work/`` and prints the median wall
time against the 30 s target (on 2 cores, install excluded), then the time of each notebook
cell of the median run (papermill records cell durations) and the time outside the cells
(kernel start, validation, HTML export). Run: ``python benchmarks/bench_report.py
[--repeat 3] [--format html]``.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
TARGET_SECONDS = 30.0


def run_once(out: Path, formats: list[str]):
    from expectlab.report import render_report_files, resolve_template

    start = time.perf_counter()
    result = render_report_files(
        resolve_template("client_study"), out,
        {"data_path": str(DATA / "client_survey.sav"),
         "transactions_path": str(DATA / "client_transactions.csv")},
        formats=formats)
    return time.perf_counter() - start, result.cell_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--format", default="html")
    args = parser.parse_args()
    os.environ.setdefault("MPLBACKEND", "Agg")
    runs = []
    for i in range(args.repeat):
        seconds, cells = run_once(ROOT / "benchmarks" / "_work" / "report", args.format.split(","))
        print(f"run {i + 1}: {seconds:.1f} s")
        runs.append((seconds, cells))
    runs.sort(key=lambda r: r[0])
    median, cells = runs[len(runs) // 2]
    print(f"\nmedian of {args.repeat}: {median:.1f} s (target < {TARGET_SECONDS:.0f} s on 2 "
          f"cores, {os.cpu_count()} here): {'OK' if median < TARGET_SECONDS else 'SLOW'}")
    print("\nper cell of the median run:")
    for label, secs in cells:
        print(f"  {secs:6.1f} s  {label}")
    print(f"  {median - sum(s for _, s in cells):6.1f} s  outside the cells (validation, "
          "kernel start, export)")


if __name__ == "__main__":
    main()
