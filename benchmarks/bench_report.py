"""Benchmark: the client-study report, on the bundled example or on a simulated study of N
respondents.

Two modes:

- ``python benchmarks/bench_report.py [--repeat 3] [--format html]``: the bundled example
  (600 respondents and their purchase log), rendered ``--repeat`` times in this process;
  prints the median wall time against the 30 s target and the time of each notebook cell
  of the median run.
- ``python benchmarks/bench_report.py --respondents N [--format html] [--timeout S]``: a
  client study of N respondents generated with expectlab's own simulators (the survey as
  an SPSS file with its codebook beside it, and the linked purchase log as CSV, exactly as
  ``data/client_survey.sav`` and ``data/client_transactions.csv`` are made, only larger)
  under ``benchmarks/_work/study_N/`` (kept for reruns), then one run of the
  ``expectlab report`` command as a child process, as a consultant runs it (with
  ``--progress``). Prints the command's progress lines with the CPU time of the process
  tree during each step, the total wall and CPU time, and the peak memory of the whole
  process tree (the command, the Jupyter kernel and anything they start), against the
  targets: under 5 minutes and 8 GiB for 1 million respondents on 2 cores. Arguments
  after ``--`` go to the command.

Peak memory is measured two ways: the sum of the resident set sizes (``VmRSS`` in
``/proc``) of every process of the tree, sampled every 0.2 s (what the machine must hold
at once; a short peak between samples can be missed), and the largest ``ru_maxrss`` of
any single process (``RUSAGE_CHILDREN``, exact but per process, not summed). CPU time
(user + system, from ``/proc`` and ``RUSAGE_CHILDREN``) is what a shared, loaded machine
distorts least: on an idle 2-core machine the wall time lies between half of it (both
cores busy throughout) and all of it (one core busy).

The machine is shared: absolute times vary with the load (the load average is printed),
so run the 1M case more than once when the result is close to a target.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
WORK = ROOT / "benchmarks" / "_work"
TARGET_SECONDS = 30.0  # the bundled example
TARGET_1M_SECONDS = 300.0  # 1 million respondents
TARGET_1M_GIB = 8.0
GIB = 1024 ** 3


# -- the study of N respondents ------------------------------------------------------

def generate_study(n: int, folder: Path | None = None, seed: int = 2026) -> dict[str, Path]:
    """Write a client study of ``n`` respondents (survey, codebook, purchase log).

    The survey is :func:`~expectlab.simulate.client.simulate_client_survey` written as
    SPSS with its YAML codebook next to it (read as the sidecar codebook, like the bundled
    example); the purchase log is
    :func:`~expectlab.simulate.repeat.simulate_client_transactions` of the same
    respondents, linked by their standardised latent satisfaction. Files already written
    for the same ``n`` and seed are reused.
    """
    from expectlab.simulate.client import simulate_client_survey, write_sav
    from expectlab.simulate.repeat import simulate_client_transactions

    folder = folder or WORK / f"study_{n}"
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"survey": folder / "client_survey.sav",
             "codebook": folder / "client_survey.codebook.yaml",
             "transactions": folder / "client_transactions.csv"}
    stamp = folder / "stamp.json"
    wanted = {"n": n, "seed": seed}
    if stamp.exists() and json.loads(stamp.read_text()) == wanted and all(
            p.exists() for p in paths.values()):
        return paths
    start = time.perf_counter()
    sim = simulate_client_survey(n, random_state=seed)
    write_sav(sim.data, sim.codebook, paths["survey"])
    sim.codebook.to_yaml(paths["codebook"])
    people = sim.truth["respondents"]
    log = simulate_client_transactions(people["respondent_id"].to_numpy(),
                                       people["satisfaction_std"].to_numpy(dtype=float),
                                       random_state=seed).data
    log.to_csv(paths["transactions"], index=False, float_format="%.2f", lineterminator="\n")
    stamp.write_text(json.dumps(wanted))
    print(f"generated {n:,} respondents and {len(log):,} purchases in "
          f"{time.perf_counter() - start:.0f} s under {folder}", flush=True)
    return paths


# -- memory of the process tree ------------------------------------------------------

def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(entry))
    return tree


_TICKS = os.sysconf("SC_CLK_TCK")


def _tree(pid: int) -> list[int]:
    tree, todo, pids = _children(), [pid], []
    while todo:
        current = todo.pop()
        pids.append(current)
        todo.extend(tree.get(current, []))
    return pids


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its descendants (waited-for ones too)."""
    total = 0
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields after the name: state ppid ... utime(12) stime(13) cutime(14) cstime(15)
        total += sum(int(v) for v in fields[11:15])
    return total / _TICKS


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class TreeMemory(threading.Thread):
    """Samples the summed resident memory of a process and all its descendants."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak = 0
        self.most_processes = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            pids = _tree(self.pid)
            self.peak = max(self.peak, sum(_rss_bytes(p) for p in pids))
            self.most_processes = max(self.most_processes, len(pids))
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


_STEP = re.compile(r"\] (.+) \.\.\. (?:stopped after )?(\d+\.\d) s$")


def run_command(paths: dict[str, Path], out: Path, formats: str, timeout: int | None,
                extra: list[str], code: Path = ROOT) -> dict:
    """One ``expectlab report`` run as a child process; time, progress lines, memory.

    ``code``: the source tree whose ``expectlab`` the command and its kernel import (this
    checkout by default; an older tree, e.g. from ``git archive``, for a before/after).
    """
    cli = (code / "expectlab" / "cli.py").read_text(encoding="utf-8")
    shown = ["--progress"] if '"--progress"' in cli else []  # older trees print nothing
    cmd = [sys.executable, "-m", "expectlab.cli", "report", "client_study",
           "--data", str(paths["survey"]),
           "--param", f"transactions_path={paths['transactions']}",
           "--out", str(out), "--format", formats, *shown, *extra]
    if timeout is not None:
        cmd += ["--timeout", str(timeout)]
    env = dict(os.environ, MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code), env.get("PYTHONPATH")]))
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=code, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    sampler = TreeMemory(proc.pid)
    sampler.start()
    stderr_lines: list[str] = []
    cpu_marks: list[float] = []  # the tree's CPU seconds as each progress line completes

    def pump() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            cpu_marks.append(tree_cpu_seconds(proc.pid))
            stderr_lines.append(line.rstrip("\n"))
            print(f"    | {line.rstrip()}  [CPU {cpu_marks[-1]:.0f} s so far]", flush=True)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    stdout = proc.stdout.read() if proc.stdout else ""
    exit_code = proc.wait()
    seconds = time.perf_counter() - start
    reader.join()
    sampler.stop()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    maxrss = usage.ru_maxrss * 1024
    steps, last = [], 0.0
    for line, cpu in zip(stderr_lines, cpu_marks, strict=True):
        found = _STEP.search(line)
        if found:
            steps.append((found.group(1), float(found.group(2)), cpu - last))
            last = cpu
    return {"code": exit_code, "seconds": seconds, "stdout": stdout, "stderr": stderr_lines,
            "tree_peak": sampler.peak, "processes": sampler.most_processes,
            "maxrss": maxrss if maxrss > before * 1024 else None,
            "cpu": usage.ru_utime + usage.ru_stime - cpu_before, "steps": steps}


def bench_respondents(n: int, formats: str, timeout: int | None, extra: list[str],
                      code: Path = ROOT) -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    paths = generate_study(n)
    sizes = {k: p.stat().st_size / 1024 ** 2 for k, p in paths.items()}
    print(f"study of {n:,} respondents: survey {sizes['survey']:.0f} MB, purchase log "
          f"{sizes['transactions']:.0f} MB; {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} at start", flush=True)
    if code != ROOT:
        print(f"expectlab imported from {code}", flush=True)
    out = WORK / (f"report_{n}" if code == ROOT else f"report_{n}_{code.name}")
    res = run_command(paths, out, formats, timeout, extra, code)
    target_s, target_gib = TARGET_1M_SECONDS, TARGET_1M_GIB
    print(f"\nexit code {res['code']}; load average {os.getloadavg()[0]:.1f} at the end")
    if res["code"] != 0:
        print("stdout:", res["stdout"][-2000:])
    if res["steps"]:
        print("\nper step (the command's progress lines; CPU: user + system seconds of the "
              "process tree while the step ran, read from /proc)")
        for label, secs, cpu in res["steps"]:
            print(f"  {secs:7.1f} s wall {cpu:7.1f} s CPU  {label}")
        inside = sum(s for _, s, _ in res["steps"])
        print(f"  {res['seconds'] - inside:7.1f} s  outside the steps (Python start, imports, "
              "argument checks, moving the files)")
    tree_gib = res["tree_peak"] / GIB
    single = res["maxrss"] / GIB if res["maxrss"] else float("nan")
    judged = n >= 1_000_000  # the targets are for a million respondents
    verdict_t = ("OK" if res["seconds"] < target_s else "SLOW") if judged else \
        "not judged below 1M"
    verdict_m = ("OK" if tree_gib < target_gib else "TOO MUCH") if judged else \
        "not judged below 1M"
    print(f"\nrespondents {n:,}: total {res['seconds']:.1f} s (target for 1M < {target_s:.0f} "
          f"s on 2 cores; {os.cpu_count()} cores here): {verdict_t}")
    print(f"respondents {n:,}: CPU time of the process tree {res['cpu']:.0f} s (user + "
          "system, RUSAGE_CHILDREN; on an idle 2-core machine the wall time lies between "
          "half of it and all of it)")
    print(f"respondents {n:,}: peak memory {tree_gib:.2f} GiB summed over the process tree "
          f"({res['processes']} processes, /proc VmRSS sampled every 0.2 s), largest single "
          f"process {single:.2f} GiB (ru_maxrss); target for 1M < {target_gib:.0f} GiB: "
          f"{verdict_m}")


# -- the bundled example -------------------------------------------------------------

def run_once(out: Path, formats: list[str]):
    from expectlab.report import render_report_files, resolve_template

    start = time.perf_counter()
    result = render_report_files(
        resolve_template("client_study"), out,
        {"data_path": str(DATA / "client_survey.sav"),
         "transactions_path": str(DATA / "client_transactions.csv")},
        formats=formats)
    return time.perf_counter() - start, result.cell_seconds


def bench_example(repeat: int, formats: str) -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    runs = []
    for i in range(repeat):
        seconds, cells = run_once(WORK / "report", formats.split(","))
        print(f"run {i + 1}: {seconds:.1f} s")
        runs.append((seconds, cells))
    median = statistics.median(r[0] for r in runs)
    cells = min(runs, key=lambda r: abs(r[0] - median))[1]
    print(f"\nmedian of {repeat}: {median:.1f} s (target < {TARGET_SECONDS:.0f} s on 2 "
          f"cores, {os.cpu_count()} here): {'OK' if median < TARGET_SECONDS else 'SLOW'}")
    print("\nper cell of the median run:")
    for label, secs in cells:
        print(f"  {secs:6.1f} s  {label}")
    print(f"  {median - sum(s for _, s in cells):6.1f} s  outside the cells (validation, "
          "kernel start, export)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs on the bundled example (median reported)")
    parser.add_argument("--format", default="html")
    parser.add_argument("--respondents", type=int, default=None,
                        help="simulate a study of this many respondents and run the command "
                             "on it once")
    parser.add_argument("--timeout", type=int, default=None,
                        help="--timeout of the command (default: the command's own)")
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="source tree of the expectlab to run (default: this checkout), "
                             "e.g. an older commit unpacked with git archive")
    parser.add_argument("--generate-only", action="store_true",
                        help="only write the simulated study")
    parser.add_argument("extra", nargs="*", help="further arguments for expectlab report "
                        "(after --)")
    args = parser.parse_args()
    if args.respondents is None:
        bench_example(args.repeat, args.format)
    elif args.generate_only:
        generate_study(args.respondents)
    else:
        bench_respondents(args.respondents, args.format, args.timeout, args.extra,
                          args.code.resolve())


if __name__ == "__main__":
    main()
