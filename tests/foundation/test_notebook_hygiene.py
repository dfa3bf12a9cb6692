"""Notebooks are lessons: test plumbing lives in cell tags, not in the code students read."""

from __future__ import annotations

import json

import pytest

from tests.conftest import NOTEBOOKS, ROOT

TEMPLATES = ROOT / "expectlab" / "templates"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb")) + sorted(TEMPLATES.glob("*.ipynb"))


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_no_nbval_comments_and_checked_cells_are_tagged(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    sources = ["".join(c["source"]) for c in code]
    assert not [s for s in sources if "NBVAL_" in s], "use the nbval-check-output cell tag"
    tagged = [c for c in code if "nbval-check-output" in c.get("metadata", {}).get("tags", [])]
    assert tagged, f"{path.name}: no cell's key numbers are compared by nbval"
    # messages shown to students are never cut mid-sentence
    assert not [s for s in sources if "[:160]" in s or "[:200]" in s]
