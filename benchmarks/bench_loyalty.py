"""Benchmark: LoyaltyModel against the plain scikit-learn pipeline doing the same work.

On 1 million simulated respondents both sides run 5-fold stratified cross-validation for
out-of-fold probabilities, compute held-out ROC AUC, PR AUC, Brier score and log loss, and
refit on all rows:

* flexible engine: histogram gradient boosting with monotonic constraints and isotonic
  calibration (3 internal folds), identical hyper-parameters on both sides;
* interpretable engine: logistic regression (ours: Newton-Raphson with standard errors;
  scikit-learn: ``LogisticRegression(C=inf)``, no penalty).

Our side adds input validation, the exclusion log, the leakage report, the lift table,
calibration slope/intercept, and (logit) standard errors and marginal effects; bootstrap
intervals and importance are switched off (``n_boot=0, importance=False``) so the work
matches. Time is wall-clock; peak memory is the rise of the process's resident set size
above its level before each run, sampled every 10 ms from /proc (it includes memory that
numpy and the OpenMP runtime allocate outside Python).

First, the logit model with its default intervals (``n_boot=200``, permutation and
dominance importance) against the same fit without them at 10k and 100k respondents,
interleaved, median of three runs (target: within 10x; the ratio of CPU times is printed
too, steadier on a shared machine), and the defaults once at 1M respondents with their
peak memory (a client report at 1M must finish in 5 minutes).

Run: ``python benchmarks/bench_loyalty.py [n_respondents]`` (or ``intervals`` for the
first part only)
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

# Time the expectlab of this checkout (not another installed copy).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from _survey_timing import PeakRSS, interleaved, machine  # noqa: E402

from expectlab import FragileResultWarning, LoyaltyModel  # noqa: E402
from expectlab.simulate.loyalty import simulate_loyalty  # noqa: E402

DRIVERS = ["satisfaction", "trust", "switching_costs", "complaint", "recovery", "ad_recall",
           "segment"]
MONOTONE = {"satisfaction": 1, "trust": 1}
SEED = 7


def sklearn_pipeline(data: pd.DataFrame, engine: str) -> dict[str, float]:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import (
        average_precision_score,
        brier_score_loss,
        log_loss,
        roc_auc_score,
    )
    from sklearn.model_selection import StratifiedKFold

    X = pd.get_dummies(data[DRIVERS], columns=["segment"], drop_first=True, dtype=float)
    X = X.to_numpy(dtype=float)
    y = data["stayed"].to_numpy()
    folds = StratifiedKFold(5, shuffle=True, random_state=SEED)
    cst = [1, 1, 0, 0, 0, 0, 0]

    def make():  # noqa: ANN202
        if engine == "logit":
            return LogisticRegression(C=np.inf, max_iter=1000)
        hgb = HistGradientBoostingClassifier(
            max_iter=100, learning_rate=0.1, max_leaf_nodes=15, min_samples_leaf=20,
            early_stopping=False, monotonic_cst=cst, random_state=SEED)
        return CalibratedClassifierCV(hgb, method="isotonic",
                                      cv=StratifiedKFold(3, shuffle=True, random_state=SEED))

    oof = np.empty(len(y))
    for train, test in folds.split(X, y):
        oof[test] = make().fit(X[train], y[train]).predict_proba(X[test])[:, 1]
    make().fit(X, y)
    return {"roc_auc": roc_auc_score(y, oof), "pr_auc": average_precision_score(y, oof),
            "brier": brier_score_loss(y, oof), "log_loss": log_loss(y, oof)}


def ours(data: pd.DataFrame, engine: str) -> dict[str, float]:
    model = LoyaltyModel(engine, cv=5, calibration="isotonic" if engine == "boosting" else "auto",
                         monotone=MONOTONE if engine == "boosting" else None, n_boot=0,
                         importance=False, random_state=SEED, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        model.fit(data, outcome="stayed", drivers=DRIVERS, categorical=["segment"])
    return model.metrics_["estimate"].to_dict()


def with_intervals(data: pd.DataFrame, defaults: bool) -> LoyaltyModel:
    """Logit LoyaltyModel: the defaults (n_boot=200, importance on) or the plain fit."""
    extra = {} if defaults else {"n_boot": 0, "importance": False}
    model = LoyaltyModel("logit", random_state=SEED, progress=False, **extra)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        return model.fit(data, outcome="stayed", drivers=DRIVERS, categorical=["segment"])


def intervals(sizes: tuple[int, ...] = (10_000, 100_000), large: int | None = 1_000_000
              ) -> None:
    """Default intervals (metric, permutation and dominance bootstraps) vs the plain fit,
    interleaved, median of three; target: at most 10x. Then one run with the defaults at
    ``large`` respondents (time and peak memory), the size a client report must handle."""
    print("\n[logit] defaults (n_boot=200, importance on) vs the same fit without intervals")
    for n in sizes:
        data = simulate_loyalty(n, random_state=SEED, nps=False).data
        res = interleaved({"defaults": lambda d=data: with_intervals(d, True),
                           "plain": lambda d=data: with_intervals(d, False)}, repeat=3)
        ratio = res["defaults"]["seconds"] / res["plain"]["seconds"]
        cpu = res["defaults"]["cpu"] / res["plain"]["cpu"]
        print(f"n = {n:>9,d}: defaults {res['defaults']['seconds']:7.2f} s (peak "
              f"+{res['defaults']['mib']:.0f} MiB), plain {res['plain']['seconds']:6.2f} s "
              f"(peak +{res['plain']['mib']:.0f} MiB), ratio {ratio:5.1f} (target <= 10; "
              f"CPU-time ratio {cpu:.1f})", flush=True)
    if large:
        data = simulate_loyalty(large, random_state=SEED, nps=False).data
        with PeakRSS() as meter:
            model = with_intervals(data, True)
        notes = [note for note in model._summary_notes() if note.startswith("Bootstrap")]
        print(f"n = {large:>9,d}: defaults {meter.seconds:7.2f} s (CPU {meter.cpu:.0f} s, "
              f"peak +{meter.mib:.0f} MiB, one run){'; ' + notes[0] if notes else ''}",
              flush=True)


def main(n: int = 1_000_000) -> None:
    print(machine())
    intervals()
    print(f"\nSimulating {n:,} respondents ...", flush=True)
    data = simulate_loyalty(n, random_state=SEED, nps=False).data
    # one run each (the boosting pipelines take minutes at this size), interleaved
    for engine in ("boosting", "logit"):
        results = {}
        for name, func in (("scikit-learn pipeline", sklearn_pipeline),
                           ("expectlab LoyaltyModel", ours)):
            with PeakRSS() as meter:
                metrics = func(data, engine)
            results[name] = (meter.seconds, meter.mib, metrics)
            print(f"[{engine}] {name:24s} {meter.seconds:8.1f} s   peak +{meter.mib:7.0f} MiB   "
                  f"AUC {metrics['roc_auc']:.4f}  Brier {metrics['brier']:.4f}", flush=True)
        t_sk, m_sk, _ = results["scikit-learn pipeline"]
        t_us, m_us, _ = results["expectlab LoyaltyModel"]
        mem = f"{m_us / m_sk:.2f}" if m_sk >= 10 else "n/a (baseline under 10 MiB)"
        print(f"[{engine}] time ratio expectlab / scikit-learn = {t_us / t_sk:.2f}; "
              f"peak-memory ratio = {mem} (one run each)", flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "intervals":
        print(machine())
        intervals()
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
