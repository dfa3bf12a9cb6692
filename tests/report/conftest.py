"""Shared report renders: each takes 15-40 s, so a render used by several test modules
is made once per session."""

from __future__ import annotations

import pytest

from expectlab.cli import main
from tests.conftest import DATA, ROOT

TEMPLATE = ROOT / "expectlab" / "templates" / "client_study.ipynb"


def run_report(tmp_path_factory, name, args, formats="html"):
    """Render the client-study template through the command; return the output folder."""
    out = tmp_path_factory.mktemp(name)
    code = main(["report", str(TEMPLATE), *args, "--out", str(out), "--format", formats])
    assert code == 0
    return out


@pytest.fixture(scope="session")
def example(tmp_path_factory):
    """The bundled example survey with its purchase log (the default mapping)."""
    out = run_report(tmp_path_factory, "example", [
        "--data", str(DATA / "client_survey.sav"),
        "--param", f"transactions_path={DATA / 'client_transactions.csv'}"])
    return (out / "client_study.html").read_text(encoding="utf-8")
