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


def _environment_packages(path=ROOT / "environment.yml") -> set[str]:
    env = yaml.safe_load(path.read_text())
    names = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            names |= {_name(p) for p in dep.get("pip", []) if not p.startswith("-e")}
        else:
            names.add(_name(dep))
    return names


def _missing_from(env: set[str]) -> list[str]:
    return sorted(d for d in _declared_dependencies() if CONDA_NAMES.get(d, d) not in env)


def test_every_pyproject_dependency_is_in_environment_yml():
    missing = _missing_from(_environment_packages())
    assert not missing, f"environment.yml lacks {missing}"


def test_environment_yml_installs_expectlab_editable():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip


def test_the_dependency_check_can_fail(tmp_path):
    # an environment.yml that lost a conda package and a pip package is caught
    text = (ROOT / "environment.yml").read_text()
    trimmed = tmp_path / "environment.yml"
    trimmed.write_text(text.replace("  - pyreadstat>=1.2\n", "").replace(
        "      - seminr>=0.2\n", ""))
    assert _missing_from(_environment_packages(trimmed)) == ["pyreadstat", "seminr"]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^\s*(python3 tasks\.py \w+)\s*$", readme, flags=re.M)
    assert commands[:2] == ["python3 tasks.py report", "python3 tasks.py test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in ci
    assert "python3 tasks.py test" in ci.splitlines()


def test_type_hints_ship_with_the_package():
    # PEP 561: without py.typed in the wheel, users' type checkers ignore our hints
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["expectlab"]
    assert (ROOT / "expectlab" / "py.typed").is_file()


def test_readme_test_command_runs_doctests_of_the_package_only():
    tasks = (ROOT / "tasks.py").read_text()
    command = re.search(r'cmd = \[PYTHON, "-m", "pytest", (.*?)\]', tasks, flags=re.S).group(1)
    assert '"expectlab", "--doctest-modules"' in command
    assert '"tests", "notebooks"' in command
    # the quick local run is documented next to the test command
    assert 'python3 tasks.py test -m "not slow"' in (ROOT / "README.md").read_text()
