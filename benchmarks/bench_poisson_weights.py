"""Poisson bootstrap weights (expectlab._partitions.poisson_weights) against the
per-replicate ``scipy.stats.poisson.ppf`` loop they replaced (issue 14).

    python benchmarks/bench_poisson_weights.py [--runs 3]

Both sides run on the same keys and multiplicities, interleaved, median of ``--runs``;
every run checks that the two give identical weights. Memory peaks are tracemalloc peaks
of one call (Python allocations, numpy arrays included).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "foundation"))

from test_partitions import reference_poisson_weights  # noqa: E402

from expectlab._partitions import poisson_weights  # noqa: E402


def _peak(func, *args) -> float:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    func(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, median of {args.runs} interleaved runs, "
          "peaks: tracemalloc MiB")
    print(f"{'rows':>8} {'n_boot':>6} {'values':>9} {'loop s':>8} {'new s':>8} {'ratio':>6} "
          f"{'loop MiB':>9} {'new MiB':>8}")
    rng = np.random.default_rng(0)
    for n_rows, n_boot in [(100, 1000), (1_000, 1000), (10_000, 200), (100_000, 20)]:
        keys = rng.integers(0, 2**62, n_rows).astype(np.uint64)
        mult = rng.choice([1.0, 1.0, 1.0, 2.0, 3.0, 7.0], size=n_rows)
        old_t, new_t = [], []
        for _ in range(args.runs):
            t = time.perf_counter()
            old = reference_poisson_weights(keys, mult, 7, n_boot)
            old_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            new = poisson_weights(keys, mult, 7, n_boot)
            new_t.append(time.perf_counter() - t)
            if not np.array_equal(old, new):
                raise SystemExit("weights differ")
        o, n = statistics.median(old_t), statistics.median(new_t)
        print(f"{n_rows:>8} {n_boot:>6} {n_rows * n_boot:>9} {o:>8.3f} {n:>8.3f} "
              f"{o / n:>5.1f}x {_peak(reference_poisson_weights, keys, mult, 7, n_boot):>9.1f} "
              f"{_peak(poisson_weights, keys, mult, 7, n_boot):>8.1f}")
    print("weights identical in every run")


if __name__ == "__main__":
    main()
