"""Benchmark: expectlab.repeat against lifetimes on the same data, in one process.

1. BG/NBD and Pareto/NBD fits on about 1 million customers: the CDNOW calibration summary
   replicated 424 times (when the optional ``lifetimes`` package is installed), and
   1 million simulated BG/NBD customers with ages between 10 and 52 weeks, recorded in whole
   days like summaries of dated logs (most histories are distinct, so compressing identical
   histories helps far less than on replicated data).
2. Predictions (P(alive), expected purchases) for 1 million customers.

Summarising transaction logs (DuckDB on Parquet, against DuckDB's own scan + group-by) is
benchmarked by ``benchmarks/bench_transactions.py``.

Run: ``python benchmarks/bench_repeat.py`` (``--customers`` shrinks it).
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

from expectlab.public_data import is_available
from expectlab.repeat import BetaGeo, ParetoNBD
from expectlab.simulate.repeat import simulate_bg_nbd


def timed(func, *args, **kwargs):
    start = time.perf_counter()
    out = func(*args, **kwargs)
    return out, time.perf_counter() - start


def compare_fit(label, ours_cls, theirs_cls, data, run_theirs=True):
    ours, t_ours = timed(ours_cls().fit, data)
    print(f"\n{label}: {len(data):,} customers, {ours.n_unique_:,} distinct histories")
    print(f"  expectlab {ours_cls.__name__:9s} {t_ours:8.2f} s  LL {ours.loglik_:.4f}  "
          f"params {np.round(ours.params_.to_numpy(), 6).tolist()}")
    if not run_theirs:
        return ours
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs, t_theirs = timed(theirs_cls().fit, data["frequency"], data["recency"],
                                 data["T"])
    their_params = theirs.params_[list(ours.params_.index)].to_numpy()
    # evaluate their optimum with our likelihood to see which point is higher
    ll_theirs = ours._loglik_at(their_params, data)
    diff = np.abs(their_params - ours.params_.to_numpy())
    print(f"  lifetimes {theirs_cls.__name__:15s} {t_theirs:8.2f} s  LL {ll_theirs:.4f}  "
          f"params {np.round(their_params, 6).tolist()}")
    print(f"  speed-up x{t_theirs / t_ours:.1f}; max |parameter difference| {diff.max():.2e} "
          f"(relative {np.max(diff / ours.params_.to_numpy()):.2e}); "
          f"LL(expectlab) - LL(lifetimes) = {ours.loglik_ - ll_theirs:.2e}")
    return ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--skip-lifetimes-pareto", action="store_true",
                        help="lifetimes' Pareto/NBD takes minutes on a million customers")
    args = parser.parse_args()
    have_lifetimes = is_available("lifetimes", "lifetimes/datasets/cdnow_customers_summary.csv")
    if have_lifetimes:
        from lifetimes import BetaGeoFitter, ParetoNBDFitter

        from expectlab.repeat.cdnow import read_cdnow_summary

        cdnow = read_cdnow_summary()
        copies = max(1, round(args.customers / len(cdnow)))
        big = pd.concat([cdnow] * copies, ignore_index=True)
        compare_fit(f"CDNOW x {copies}", BetaGeo, BetaGeoFitter, big)
        compare_fit(f"CDNOW x {copies}", ParetoNBD, ParetoNBDFitter, big,
                    run_theirs=not args.skip_lifetimes_pareto)
    else:
        print("lifetimes is not installed: only expectlab timings are shown")
        BetaGeoFitter = ParetoNBDFitter = None

    # ages and recencies in whole days (as summaries of dated logs are), in weeks
    ages = np.random.default_rng(1).integers(70, 365, args.customers) / 7.0
    sim = simulate_bg_nbd(args.customers, r=0.3, alpha=4.0, a=0.8, b=2.5, T=ages,
                          random_state=2).data
    sim["recency"] = np.floor(sim["recency"] * 7.0) / 7.0
    bg = compare_fit("Simulated BG/NBD", BetaGeo, BetaGeoFitter, sim,
                     run_theirs=have_lifetimes)
    compare_fit("Simulated BG/NBD", ParetoNBD, ParetoNBDFitter, sim,
                run_theirs=have_lifetimes and not args.skip_lifetimes_pareto)

    p, t_alive = timed(bg.predict_alive, sim)
    e, t_expected = timed(bg.predict_purchases, 26.0, sim)
    print(f"\nPredictions for {len(sim):,} customers: P(alive) {t_alive:.2f} s, "
          f"expected purchases {t_expected:.2f} s")
    if have_lifetimes:
        ref = BetaGeoFitter()
        ref.params_ = pd.Series(bg.params_.to_dict())
        _, t_ref = timed(ref.conditional_probability_alive, sim["frequency"], sim["recency"],
                         sim["T"])
        _, t_ref_e = timed(ref.conditional_expected_number_of_purchases_up_to_time, 26.0,
                           sim["frequency"], sim["recency"], sim["T"])
        print(f"  lifetimes: P(alive) {t_ref:.2f} s, expected purchases {t_ref_e:.2f} s")


if __name__ == "__main__":
    main()
