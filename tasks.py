#!/usr/bin/env python3
"""The README's two commands: ``python3 tasks.py report`` and ``python3 tasks.py test``.

Both create a local virtual environment in ``.venv`` when needed and install expectlab
with every extra into it (skipped when ``pyproject.toml`` has not changed since the last
install), then:

- ``report``: render the client-study template on the bundled example survey (and its
  purchase log) and print where the HTML report is;
- ``test``: install the few system programs the tests use when they are missing
  (Chromium, a CJK font, Java: from Debian's packages, when run as root), then run the
  unit tests, every notebook (nbval) and the docstring examples of the package (doctest)
  in one pytest run; extra arguments are passed to pytest (e.g.
  ``python3 tasks.py test -m "not slow"`` for a quick local run).

Only the Python standard library is used here, so this runs on a fresh machine.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".expectlab-install-stamp"


def _run(cmd: list[str], **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kwargs)


def ensure_environment() -> None:
    """Create .venv and install expectlab[all] into it unless already up to date."""
    if sys.version_info < (3, 11):  # noqa: UP036 - tasks.py may run on an older python3
        sys.exit(f"expectlab needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print(f"Creating a virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == digest:
        return
    _run([PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    _run([PYTHON, "-m", "pip", "install", "--quiet", "-e", ".[all]"])
    STAMP.write_text(digest)


# Programs the tests use beyond Python packages: a browser to load the rendered report,
# a CJK font for Chinese reports and figures, and Java for the local Spark session.
# check command -> Debian package
SYSTEM_PACKAGES = {
    ("sh", "-c", "command -v chromium"): "chromium",
    ("sh", "-c", "fc-list :lang=zh | grep -q ."): "fonts-noto-cjk",
    ("sh", "-c", "command -v java"): "default-jre-headless",
}


def ensure_system_packages() -> None:
    """Install the programs the tests need from Debian's packages when they are missing.

    Runs apt-get only when it is available and we are root (CI, containers); otherwise
    says what to install and stops, rather than letting tests fail one by one.
    """
    missing = [pkg for check, pkg in SYSTEM_PACKAGES.items()
               if subprocess.run(list(check), capture_output=True).returncode != 0]
    if not missing:
        return
    can_install = os.name != "nt" and hasattr(os, "geteuid") and os.geteuid() == 0 \
        and subprocess.run(["sh", "-c", "command -v apt-get"],
                           capture_output=True).returncode == 0
    if not can_install:
        sys.exit("The tests need these system packages: " + ", ".join(missing) +
                 ". Install them (e.g. 'sudo apt-get install " + " ".join(missing) +
                 "') and run the command again.")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    _run(["apt-get", "update", "-qq"], env=env)
    _run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env)


def report(extra: list[str]) -> int:
    out = ROOT / "reports"
    cmd = [BIN / "expectlab", "report", "client_study",
           "--data", ROOT / "data/client_survey.sav",
           "--param", f"transactions_path={ROOT / 'data/client_transactions.csv'}",
           "--out", out, *extra]
    return subprocess.run([str(c) for c in cmd], cwd=ROOT).returncode


def test(extra: list[str]) -> int:
    ensure_system_packages()
    env = dict(os.environ, MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1")
    # --doctest-modules runs the Examples sections of expectlab's docstrings; it only
    # reads .py files (notebooks, the report template in expectlab/templates included, are
    # run by nbval) and tests/ holds no doctests.
    cmd = [PYTHON, "-m", "pytest", "tests", "notebooks", "expectlab", "--doctest-modules",
           "--nbval-lax", "--nbval-current-env",
           "--nbval-sanitize-with", "tests/nbval_sanitize.cfg",
           "--nbval-cell-timeout", "600",
           "-p", "no:cacheprovider", "--durations", "20", *extra]
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], cwd=ROOT, env=env).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("report", "test"):
        print(__doc__)
        return 2
    ensure_environment()
    return {"report": report, "test": test}[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
