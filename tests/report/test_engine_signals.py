"""Ctrl-C and SIGTERM during a run: the kernel stops, its connection file goes, nothing
half-made is left in --out, and the command says so in one line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.report._engine_template import minimal_params, tiny_data, write_template


def _kernel_of(pid):
    """(kernel pid, connection file) of the ipykernel started by process ``pid``, or None."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                parent = int(fh.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                args = fh.read().decode(errors="replace").split("\0")
        except OSError:
            continue
        if parent == pid and "-f" in args and any("ipykernel" in a for a in args):
            return int(entry), Path(args[args.index("-f") + 1])
    return None


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the kernel through /proc")
@pytest.mark.parametrize("sig, code, word", [(signal.SIGTERM, 143, "terminated"),
                                             (signal.SIGINT, 130, "interrupted")])
def test_signal_cleans_up_kernel_and_output(tmp_path, sig, code, word):
    template = write_template(tmp_path / "engine.ipynb")
    data = tiny_data(tmp_path)
    out = tmp_path / "out"
    env = dict(os.environ, MPLBACKEND="Agg",
               PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "expectlab.cli", "report", str(template), "--data", str(data),
         "--out", str(out), *minimal_params(), "--param", "fail_with=slow"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        kernel = None
        while time.monotonic() < deadline and kernel is None:
            assert proc.poll() is None, proc.communicate()
            kernel = _kernel_of(proc.pid)
            time.sleep(0.2)
        assert kernel is not None, "the kernel never started"
        kernel_pid, connection_file = kernel
        assert connection_file.exists()
        time.sleep(8)  # let the kernel reach the slow cell
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == code, err
    assert err.strip().splitlines()[-1] == f"expectlab: {word}; no report written."
    assert "Traceback" not in err
    assert not connection_file.exists()
    time.sleep(1)
    assert not Path(f"/proc/{kernel_pid}").exists() or "Z" in Path(
        f"/proc/{kernel_pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    assert list(out.iterdir()) == []
