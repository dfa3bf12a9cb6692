"""Start-up cost of expectlab: wall time of fresh interpreters importing the package.

Run from the repository root::

    python benchmarks/bench_import.py [--runs 5]

Each statement runs in a fresh ``python -c`` process (what a Dask/Spark worker or a CLI
call pays); the statements are interleaved run by run and the median is printed, beside a
bare ``python -c pass`` as the floor. It also prints which heavy packages each statement
leaves in ``sys.modules``. Times are wall-clock and noisy on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

HEAVY = ("matplotlib", "statsmodels", "sklearn", "scipy", "pandas", "pyspark", "dask",
         "duckdb")
STATEMENTS = {
    "python (floor)": "pass",
    "import expectlab": "import expectlab",
    "import expectlab.cli": "import expectlab.cli",
    "import expectlab.repeat": "import expectlab.repeat",
    "from expectlab.repeat import BetaGeo": "from expectlab.repeat import BetaGeo",
    "import expectlab._partitions": "import expectlab._partitions",
}


def _run(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def _heavy(code: str) -> str:
    probe = (f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in "
             f"sys.modules}} & set({HEAVY!r}))) or '-')")
    return subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True,
                          text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    times: dict[str, list[float]] = {k: [] for k in STATEMENTS}
    for _ in range(args.runs):  # interleaved: one run of every statement per round
        for label, code in STATEMENTS.items():
            times[label].append(_run(code))
    print(f"cores: {os.cpu_count()}, runs: {args.runs} (median wall time, fresh processes)")
    floor = statistics.median(times["python (floor)"])
    for label, code in STATEMENTS.items():
        med = statistics.median(times[label])
        print(f"{label:<40} {med:6.3f} s  (+{med - floor:6.3f} s)  heavy: {_heavy(code)}")


if __name__ == "__main__":
    main()
