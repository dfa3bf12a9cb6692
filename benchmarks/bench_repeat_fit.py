"""Benchmark: expectlab's repeat-buying fits against lifetimes, timed the same way.

Every comparison runs both sides in this process, interleaved (ours, theirs, ours,
theirs, ...), and prints the median of ``--repeats`` runs, the ratio and the largest
relative difference between the estimates.

1. Gamma-Gamma on 100k and 1M simulated repeat buyers (spend is continuous, so the
   distinct rows are the customers themselves: lifetimes gets exactly our input).
2. BG/NBD on 1M simulated customers with day-granular recency and age: lifetimes as most
   users call it (one row per customer) and as a skilled user would (the distinct
   histories with ``weights=``, compressed before the clock starts); ours on the raw rows.
3. Pareto/NBD on the same customers, against our own BG/NBD time (target: within 2x),
   with one log-likelihood + gradient + Hessian pass of each on the distinct histories,
   and the distance of the Pareto/NBD estimate from the optimum of the hyp2f1-based
   reference likelihood (one Newton step on it, relative to the estimate).

Run: ``python benchmarks/bench_repeat_fit.py`` (``--customers`` and ``--repeats`` shrink it;
``--pareto-only`` runs part 3 alone).
"""

from __future__ import annotations

import argparse
import os
import time
import tracemalloc
import warnings

import numpy as np
import pandas as pd
import threadpoolctl

from expectlab.repeat import BetaGeo, GammaGamma, ParetoNBD
from expectlab.repeat._base import compress_rows
from expectlab.simulate.repeat import simulate_bg_nbd, simulate_gamma_gamma


def interleaved(runs: dict, repeats: int) -> dict:
    """Median seconds of each callable, run in turn ``repeats`` times; the last result."""
    times = {name: [] for name in runs}
    results = {}
    for _ in range(repeats):
        for name, func in runs.items():
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                results[name] = func()
            times[name].append(time.perf_counter() - start)
    return {name: (float(np.median(t)), results[name]) for name, t in times.items()}


def rel_diff(a, b) -> float:
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.abs(b)))


def bg_data(n: int) -> pd.DataFrame:
    ages = np.random.default_rng(1).integers(70, 365, n) / 7.0
    sim = simulate_bg_nbd(n, r=0.3, alpha=4.0, a=0.8, b=2.5, T=ages, random_state=2).data
    sim["recency"] = np.floor(sim["recency"] * 7.0) / 7.0
    return sim


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-raw-lifetimes", action="store_true",
                        help="skip lifetimes' BG/NBD on one row per customer (slowest part)")
    parser.add_argument("--pareto-only", action="store_true",
                        help="only part 3: Pareto/NBD against BG/NBD")
    args = parser.parse_args()

    blas = [f"{i['internal_api']}:{i['num_threads']}" for i in threadpoolctl.threadpool_info()]
    print(f"cores: {os.cpu_count()}; BLAS threads: {', '.join(blas)}; load average: "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}; medians of {args.repeats} "
          "interleaved runs")
    if args.pareto_only:
        pareto_vs_bg(bg_data(args.customers), args.repeats)
        return
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    print("\nGamma-Gamma (same rows for both; spend is continuous, rows are distinct)")
    for n in sorted({min(100_000, args.customers), args.customers}):
        d = simulate_gamma_gamma(n, 6.0, 4.0, 15.0, random_state=1).data
        out = interleaved({
            "expectlab": lambda d=d: GammaGamma().fit(d),
            "lifetimes": lambda d=d: GammaGammaFitter().fit(d["frequency"],
                                                            d["monetary_value"]),
        }, args.repeats)
        (t_ours, ours), (t_ref, ref) = out["expectlab"], out["lifetimes"]
        diff = rel_diff(ref.params_[["p", "q", "v"]], ours.params_)
        print(f"  {n:>9,} customers: expectlab {t_ours:7.3f} s  lifetimes {t_ref:7.3f} s  "
              f"ratio x{t_ref / t_ours:5.1f}  max relative parameter difference {diff:.1e}")

    n = args.customers
    sim = bg_data(n)
    distinct = sim.groupby(["frequency", "recency", "T"]).size().rename("n").reset_index()
    print(f"\nBG/NBD, {n:,} simulated customers ({len(distinct):,} distinct histories)")
    runs = {
        "expectlab (raw rows)": lambda: BetaGeo().fit(sim),
        "lifetimes (distinct rows, weights=)": lambda: BetaGeoFitter().fit(
            distinct["frequency"], distinct["recency"], distinct["T"],
            weights=distinct["n"]),
    }
    if not args.skip_raw_lifetimes:
        runs["lifetimes (one row per customer)"] = lambda: BetaGeoFitter().fit(
            sim["frequency"], sim["recency"], sim["T"])
    out = interleaved(runs, args.repeats)
    t_ours, ours = out["expectlab (raw rows)"]
    for name, (t, model) in out.items():
        if name.startswith("lifetimes"):
            diff = rel_diff(model.params_[["r", "alpha", "a", "b"]], ours.params_)
            print(f"  {name:36s} {t:7.3f} s  ratio x{t / t_ours:5.1f}  max relative "
                  f"parameter difference {diff:.1e}")
        else:
            print(f"  {name:36s} {t:7.3f} s")

    pareto_vs_bg(sim, args.repeats)


def pareto_vs_bg(sim: pd.DataFrame, repeats: int) -> None:
    """Part 3: ParetoNBD.fit against BetaGeo.fit on the same customers (target 2x)."""
    n = len(sim)
    print(f"\nPareto/NBD vs BG/NBD on the same {n:,} customers (expectlab only; target: "
          "Pareto/NBD within 2x of BG/NBD)")
    out = interleaved({"BG/NBD": lambda: BetaGeo().fit(sim),
                       "Pareto/NBD": lambda: ParetoNBD().fit(sim)}, repeats)
    (t_bg, bg), (t_pareto, pareto) = out["BG/NBD"], out["Pareto/NBD"]
    ratio = t_pareto / t_bg
    print(f"  BG/NBD {t_bg:7.3f} s  Pareto/NBD {t_pareto:7.3f} s  Pareto / BG = {ratio:.2f}  "
          f"(target <= 2.00: {'met' if ratio <= 2.0 else 'NOT met'}); "
          f"{pareto.n_unique_:,} distinct histories, Newton iterations BG {bg.n_iter_}, "
          f"Pareto {pareto.n_iter_}")

    # one log-likelihood + gradient + Hessian pass of each on the distinct histories
    columns = [sim[c].to_numpy(float) for c in ("frequency", "recency", "T")]
    cols, counts, _ = compress_rows(columns, np.ones(n))
    models = {"BG/NBD": (BetaGeo(), bg), "Pareto/NBD": (ParetoNBD(), pareto)}
    passes = {}
    for name, (model, fitted) in models.items():
        data = model._prepare(tuple(cols), counts)
        theta = fitted.params_.to_numpy()
        passes[name] = (lambda m=model, d=data, th=theta: m._weighted_hess(th, d, counts))
    timed = interleaved(passes, max(repeats, 5))
    print(f"  one value + gradient + Hessian pass: BG/NBD {1e3 * timed['BG/NBD'][0]:.1f} ms, "
          f"Pareto/NBD {1e3 * timed['Pareto/NBD'][0]:.1f} ms")

    # accuracy: from our estimate, one Newton step on the hyp2f1-based reference
    # likelihood (scipy.special.hyp2f1, parameter derivatives by differences) estimates
    # how far its optimum lies
    model = ParetoNBD()
    model._data, model._counts = model._prepare(tuple(cols), counts), counts
    theta = pareto.params_.to_numpy()
    rows, grad_rows = model._grad_rows(theta, model._data)
    _, _, hess = model._log_space(np.log(theta))
    step = np.linalg.solve(-hess, (grad_rows @ counts) * theta)
    print(f"  distance to the hyp2f1 reference optimum (one Newton step): max relative "
          f"{np.max(np.abs(np.expm1(step))):.1e}; log-likelihood {pareto.loglik_:.6f} "
          f"(reference {counts @ rows:.6f})")

    # scaling in 10x steps; memory peaks from tracemalloc (numpy's allocations included)
    # in a separate, untimed fit
    print("  scaling (seconds: medians of interleaved runs; peak: tracemalloc, MiB)")
    print(f"  {'customers':>11} {'distinct':>9} {'BG/NBD':>8} {'Pareto':>8} {'ratio':>6} "
          f"{'BG peak':>8} {'Pareto peak':>11}")
    sizes = sorted({min(10_000, n), min(100_000, n), n})
    for size in sizes:
        part = sim if size == n else bg_data(size)
        if size == n:
            t_b, t_p, distinct = t_bg, t_pareto, pareto.n_unique_
        else:
            small = interleaved({"bg": lambda d=part: BetaGeo().fit(d),
                                 "pareto": lambda d=part: ParetoNBD().fit(d)}, repeats)
            t_b, t_p, distinct = small["bg"][0], small["pareto"][0], small["pareto"][1].n_unique_
        peaks = []
        for cls in (BetaGeo, ParetoNBD):
            tracemalloc.start()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cls().fit(part)
            peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
            tracemalloc.stop()
        print(f"  {size:>11,} {distinct:>9,} {t_b:>8.3f} {t_p:>8.3f} {t_p / t_b:>6.2f} "
              f"{peaks[0]:>8.1f} {peaks[1]:>11.1f}")


if __name__ == "__main__":
    main()
