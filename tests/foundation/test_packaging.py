"""The project's set-up files agree with each other and with the README."""

import re
import tomllib

import yaml

from tests.conftest import ROOT

# conda-forge names that differ from the PyPI names
CONDA_NAMES = {"duckdb": "python-duckdb"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].strip().lower()


def _declared_dependencies() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        names |= {_name(r) for r in extra if not r.startswith("expectlab")}
    return names


def _environment_packages() -> set[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    names = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            names |= {_name(p) for p in dep.get("pip", []) if not p.startswith("-e")}
        else:
            names.add(_name(dep))
    return names


def test_every_pyproject_dependency_is_in_environment_yml():
    env = _environment_packages()
    missing = sorted(d for d in _declared_dependencies() if CONDA_NAMES.get(d, d) not in env)
    assert not missing, f"environment.yml lacks {missing}"


def test_environment_yml_installs_expectlab_editable():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip


def test_the_dependency_check_can_fail(tmp_path):
    # the comparison above must notice a package that is missing from environment.yml
    env = _environment_packages() - {"pyreadstat"}
    assert "pyreadstat" in _declared_dependencies() and "pyreadstat" not in env


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^\s*(python3 tasks\.py \w+)\s*$", readme, flags=re.M)
    assert commands[:2] == ["python3 tasks.py report", "python3 tasks.py test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in ci
    assert "python3 tasks.py test" in ci.splitlines()
