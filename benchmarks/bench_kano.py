"""Benchmark: classifying Kano answer pairs.

Times ``expectlab.kano.classify`` on 10 million answer pairs (codes 1-5) against a plain
pandas row-by-row baseline (``DataFrame.apply(axis=1)`` with a dict look-up, the way a
spreadsheet-style script does it) on the same data, and prints pairs per second and the
ratio. The baseline is run on the first 200,000 pairs only (it would take minutes on all
10 million); its rate is what is compared. Run: ``python benchmarks/bench_kano.py``.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from expectlab.kano import classify

N = 10_000_000
N_BASELINE = 200_000
STANDARD = ["QAAAO", "RIIIM", "RIIIM", "RIIIM", "RRRRQ"]


def best_of(func, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def baseline(frame: pd.DataFrame) -> pd.Series:
    lookup = {(f + 1, d + 1): STANDARD[f][d] for f in range(5) for d in range(5)}
    return frame.apply(lambda row: lookup[(row["functional"], row["dysfunctional"])], axis=1)


def main() -> None:
    rng = np.random.default_rng(2024)
    f = rng.integers(1, 6, N).astype(np.int8)
    d = rng.integers(1, 6, N).astype(np.int8)
    f64, d64 = f.astype(np.int64), d.astype(np.int64)
    frame = pd.DataFrame({"functional": f[:N_BASELINE].astype(int),
                          "dysfunctional": d[:N_BASELINE].astype(int)})

    # same answers, same letters
    ours = np.asarray(classify(f[:N_BASELINE], d[:N_BASELINE]))
    assert (ours == baseline(frame).to_numpy()).all()

    t_int8 = best_of(lambda: classify(f, d))
    t_int64 = best_of(lambda: classify(f64, d64))
    t_base = best_of(lambda: baseline(frame), repeat=1)
    rate_int8, rate_int64, rate_base = N / t_int8, N / t_int64, N_BASELINE / t_base
    print(f"expectlab.kano.classify, {N:,} pairs (int8 codes):  {t_int8:.3f} s, "
          f"{rate_int8 / 1e6:,.1f} million pairs/s")
    print(f"expectlab.kano.classify, {N:,} pairs (int64 codes): {t_int64:.3f} s, "
          f"{rate_int64 / 1e6:,.1f} million pairs/s")
    print(f"pandas row-by-row apply, {N_BASELINE:,} pairs:      {t_base:.3f} s, "
          f"{rate_base / 1e6:,.3f} million pairs/s")
    print(f"speed-up (int8 / int64 codes vs row-by-row): {rate_int8 / rate_base:,.0f}x / "
          f"{rate_int64 / rate_base:,.0f}x")


if __name__ == "__main__":
    main()
