"""Benchmark: the report's satisfaction section on a client study of N respondents, with
the bootstrap on distinct rows against the per-row bootstrap (issue 14).

Both sides fit ``SatisfactionRegression`` exactly as the report section does (500
bootstrap replicates, the study's weights, the same seed, hence the same draws); the
reference is the per-row cross-product bootstrap the section used before (a count per
respondent and replicate, times every respondent's outer product), switched on by setting
``fitting._DISTINCT_SHARE`` to 0. Runs are interleaved in one process, median of
``--repeat``; CPU seconds are printed too (steadier than wall time on a shared machine),
and the largest relative difference between the two sides' bootstrap cross-products.

The study is read once with ``prepare_study`` (report step 1, timed and printed) from a
folder written by ``bench_report.py --respondents N --generate-only`` (``client_survey.sav``
with its codebook).

Run: ``python benchmarks/bench_report_satisfaction.py --study benchmarks/_work/study_100000``.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
from _survey_timing import interleaved, machine, row

from expectlab import FragileResultWarning
from expectlab.report.content import compute_section
from expectlab.report.parameters import DEFAULT_PARAMETERS, validate_parameters
from expectlab.report.study import prepare_study
from expectlab.satisfaction import fitting


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(machine())
    params = {**DEFAULT_PARAMETERS, "language": "en", "style": None, "report_info": None,
              "data_path": str(args.study / "client_survey.sav")}
    start, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        study = prepare_study(validate_parameters(params, allowed=list(params)),
                              explicit=["data_path"])
    print(f"report step 1 without the purchase log (prepare_study), {len(study.data):,} "
          f"respondents: {time.perf_counter() - start:.1f} s wall, "
          f"{time.process_time() - cpu:.1f} s CPU")
    fits = {}

    def section(share: float, label: str):
        def run() -> None:
            fitting._DISTINCT_SHARE = share
            results: dict = {}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FragileResultWarning)
                compute_section("satisfaction", study, results)
            fits[label] = results["satisfaction"].parts["model"]
        return run

    default = fitting._DISTINCT_SHARE
    try:
        res = interleaved({"distinct rows": section(default, "distinct rows"),
                           "per row (before)": section(0.0, "per row (before)")},
                          repeat=args.repeat)
    finally:
        fitting._DISTINCT_SHARE = default
    n = len(study.data)
    for label, r in res.items():
        print(row(f"satisfaction section, {n:,} respondents, {label}", r,
                  f"CPU {r['cpu']:.1f} s"))
    fast, slow = fits["distinct rows"]._cross, fits["per row (before)"]._cross
    rel = np.max(np.abs(fast - slow) / np.maximum(np.abs(slow), 1e-300))
    before, after = res["per row (before)"], res["distinct rows"]
    print(f"ratio per row / distinct rows: {before['seconds'] / after['seconds']:.2f}x wall, "
          f"{before['cpu'] / after['cpu']:.2f}x CPU; "
          f"largest relative difference of the bootstrap cross-products {rel:.1e}")


if __name__ == "__main__":
    main()
