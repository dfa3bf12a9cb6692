"""Timing helpers shared by the survey benchmarks (Kano, loyalty, satisfaction).

Both sides of a comparison are timed the same way: the runs are interleaved (ours,
reference, ours, reference, ...) so a busy machine slows both alike, and the median of
the runs is reported. Peak memory is the rise of the process's resident set size above
its level before the run, sampled every 10 ms from /proc (it includes memory allocated
outside Python by numpy, BLAS and OpenMP). CPU time (``time.process_time``: all threads
of this process) is recorded too: on a machine shared with other work it is steadier
than wall time.
"""

from __future__ import annotations

import gc
import os
import statistics
import threading
import time
from collections.abc import Callable
from typing import Any


def machine() -> str:
    """Cores, BLAS libraries and their thread counts, numpy / pandas versions."""
    import numpy as np
    import pandas as pd

    try:
        from threadpoolctl import threadpool_info

        blas = "; ".join(f"{i['internal_api']} {i.get('version') or ''} "
                         f"{i['num_threads']} threads".replace("  ", " ")
                         for i in threadpool_info() if i["user_api"] == "blas") or "none"
    except ImportError:  # pragma: no cover
        blas = "threadpoolctl missing"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"machine: {os.cpu_count()} cores (load average {load:.1f}); BLAS: {blas}; "
            f"numpy {np.__version__}, pandas {pd.__version__}")


def _rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakRSS:
    """Peak resident-set growth during a block (sampled in a background thread)."""

    def __enter__(self) -> PeakRSS:
        gc.collect()
        self.base = _rss()
        self.peak = self.base
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        self.t0 = time.perf_counter()
        self.c0 = time.process_time()
        return self

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss())
            time.sleep(0.01)

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.t0
        self.cpu = time.process_time() - self.c0
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())
        self.mib = (self.peak - self.base) / 2**20


def interleaved(funcs: dict[str, Callable[[], Any]], repeat: int = 3
                ) -> dict[str, dict[str, float]]:
    """Run every function ``repeat`` times, interleaved; median wall seconds, median CPU
    seconds (``cpu``) and the largest peak memory rise (MiB) per function."""
    times: dict[str, list[float]] = {k: [] for k in funcs}
    cpu: dict[str, list[float]] = {k: [] for k in funcs}
    mem: dict[str, float] = {k: 0.0 for k in funcs}
    for _ in range(repeat):
        for name, func in funcs.items():
            with PeakRSS() as meter:
                func()
            times[name].append(meter.seconds)
            cpu[name].append(meter.cpu)
            mem[name] = max(mem[name], meter.mib)
    return {k: {"seconds": statistics.median(v), "runs": len(v), "mib": mem[k],
                "cpu": statistics.median(cpu[k]), "all": v} for k, v in times.items()}


def row(label: str, result: dict[str, float], extra: str = "") -> str:
    return (f"{label:58s} {result['seconds']:8.3f} s (median of {result['runs']})  "
            f"peak +{result['mib']:7.0f} MiB{('  ' + extra) if extra else ''}")
