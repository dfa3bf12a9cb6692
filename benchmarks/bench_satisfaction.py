"""Benchmark: response-surface model with 2,000 bootstrap replicates.

Ours: ``SatisfactionRegression(models=["full"])`` (validation, WLS with HC3 standard
errors, the comparison table and the vectorised bootstrap on cross-products).

Reference: what a skilled numpy user writes for the same bootstrap: the design built
once, then per replicate multinomial counts and the weighted normal equations
``solve(X' C X, X' C y)``::

    for b in range(n_boot):
        c = np.bincount(rng.integers(0, n, n), minlength=n)
        xc = X.T * c
        reps[b] = np.linalg.solve(xc @ X, xc @ y)

Both are timed interleaved, median of three runs, in one process; the point estimates
are checked against statsmodels OLS, the bootstrap standard errors against each other.
A scaling table (10x steps, 200 replicates) shows the growth and the memory peaks.

Run: ``python benchmarks/bench_satisfaction.py [max_n]``.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import statsmodels.api as sm
from _survey_timing import interleaved, machine, row

from expectlab import FragileResultWarning, SatisfactionRegression
from expectlab.simulate.satisfaction import simulate_satisfaction

N, N_BOOT, SEED = 10_000, 2_000, 2024
COLS = {"satisfaction": "satisfaction", "expectation": "expectation",
        "experience": "experience"}


def ours(data, n_boot: int) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        model = SatisfactionRegression(models=["full"], scale=(1, 7), n_boot=n_boot,
                                       random_state=SEED, progress=False).fit(data, **COLS)
    return model.params_["full"].to_numpy(), model.boot_params("full")


def design(data) -> tuple[np.ndarray, np.ndarray]:
    x = data["experience"].to_numpy() - 4.0
    y = data["expectation"].to_numpy() - 4.0
    return np.column_stack([np.ones(len(x)), x, y, x * x, x * y, y * y]), \
        data["satisfaction"].to_numpy(dtype=float)


def numpy_loop(data, n_boot: int) -> np.ndarray:
    X, s = design(data)
    n = len(s)
    rng = np.random.default_rng(SEED)
    reps = np.empty((n_boot, X.shape[1]))
    for b in range(n_boot):
        c = np.bincount(rng.integers(0, n, n), minlength=n)
        xc = X.T * c
        reps[b] = np.linalg.solve(xc @ X, xc @ s)
    return reps


def main(max_n: int = 1_000_000) -> None:
    print(machine())
    data = simulate_satisfaction(n=N, truth="quadratic", random_state=SEED).data
    X, s = design(data)
    point, boot = ours(data, N_BOOT)
    reps = numpy_loop(data, N_BOOT)
    same = np.allclose(point, sm.OLS(s, X).fit().params, rtol=1e-9, atol=1e-12)
    print(f"\nfull polynomial + {N_BOOT:,} bootstrap replicates, n = {N:,}")
    res = interleaved({"ours": lambda: ours(data, N_BOOT),
                       "ref": lambda: numpy_loop(data, N_BOOT)}, repeat=3)
    print(row("expectlab SatisfactionRegression (whole fit)", res["ours"]))
    print(row("numpy weighted normal equations per replicate", res["ref"]))
    print(f"ratio reference / expectlab = {res['ref']['seconds'] / res['ours']['seconds']:.2f}")
    print(f"point estimates equal statsmodels OLS: {same}")
    print("bootstrap SEs (ours / numpy loop): " + ", ".join(
        f"{a:.4f}/{b:.4f}" for a, b in zip(boot.std(axis=0), reps.std(axis=0), strict=True)))

    print("\nscaling, 200 replicates")
    print(f"{'n':>10s} {'ours (s)':>9s} {'numpy loop (s)':>15s} {'ratio':>6s} "
          f"{'ours peak MiB':>14s} {'loop peak MiB':>14s}")
    n = 10_000
    while n <= max_n:
        sub = simulate_satisfaction(n=n, truth="quadratic", random_state=SEED).data
        res = interleaved({"ours": lambda d=sub: ours(d, 200),
                           "ref": lambda d=sub: numpy_loop(d, 200)}, repeat=3)
        print(f"{n:10,d} {res['ours']['seconds']:9.2f} {res['ref']['seconds']:15.2f} "
              f"{res['ref']['seconds'] / res['ours']['seconds']:6.2f} "
              f"{res['ours']['mib']:14.0f} {res['ref']['mib']:14.0f}")
        n *= 10


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
