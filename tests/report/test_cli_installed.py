"""`expectlab report` works from an installed wheel, without a source checkout.

The wheel is built from a copy of the sources (``pip wheel --no-deps``) and installed with
``--no-deps`` into a fresh virtual environment that reuses this environment's dependencies;
the command then runs from a folder outside the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

TEMPLATE_IN_WHEEL = "expectlab/templates/client_study.ipynb"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    # a PYTHONPATH pointing at the checkout would make pip see expectlab as installed
    # already and skip the wheel
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    src = tmp / "src"
    src.mkdir()
    shutil.copytree(ROOT / "expectlab", src / "expectlab",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    dist = tmp / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist),
                    str(src)], check=True, capture_output=True, timeout=600, env=clean)
    (wheel,) = dist.glob("expectlab-*.whl")
    env_dir = tmp / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # This environment may itself be a virtual environment, whose packages a nested one
    # does not see: point the new one at them (after its own site-packages, so the wheel's
    # expectlab is the one imported).
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; "
                                "print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True,
                               env=clean).stdout.strip())
    (site / "_parent_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", str(wheel)], check=True, capture_output=True, timeout=600,
                   env=clean)
    return wheel, env_dir


def test_wheel_contains_the_bundled_template(installed):
    wheel, _ = installed
    with zipfile.ZipFile(wheel) as archive:
        assert TEMPLATE_IN_WHEEL in archive.namelist(), (
            "the wheel lacks the template: declare it as package data in pyproject.toml")


def test_installed_command_lists_and_copies_templates(installed, tmp_path):
    _, env_dir = installed
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run([str(env_dir / "bin" / "python"), "-c",
                            "import expectlab; print(expectlab.__file__)"], cwd=tmp_path,
                           env=env, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(env_dir))
    listed = subprocess.run([str(env_dir / "bin" / "expectlab"), "report", "--list"],
                            cwd=tmp_path, env=env, capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("client_study  Client study:")
    copied = subprocess.run([str(env_dir / "bin" / "expectlab"), "report", "--copy",
                             "client_study", "mine.ipynb"], cwd=tmp_path, env=env,
                            capture_output=True, text=True)
    assert copied.returncode == 0, copied.stderr
    assert (tmp_path / "mine.ipynb").stat().st_size > 1000
