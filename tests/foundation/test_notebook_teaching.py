"""Every teaching notebook is a complete lesson: it says what it needs and how long it takes,
has exercises with worked solutions that run, lists its references and describes every
figure in words (alt text) for readers who cannot see it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import NOTEBOOKS

PATHS = sorted(NOTEBOOKS.glob("0*.ipynb"))



def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else source


def _heading_index(cells: list[dict], word: str) -> int | None:
    """Index of the first markdown cell with a heading (any level) containing ``word``."""
    pattern = re.compile(rf"^#+\s.*\b{word}\b", re.M | re.I)
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "markdown" and pattern.search(_text(cell["source"])):
            return i
    return None


def teaching_problems(path: Path) -> list[str]:
    """Everything a teaching notebook is missing, in words (empty when complete)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = nb["cells"]
    problems = []
    first = _text(cells[0]["source"]) if cells and cells[0]["cell_type"] == "markdown" else ""
    if not re.search(r"prerequisites?\b", first, re.I):
        problems.append("the first cell names no Prerequisites")
    if not re.search(r"estimated time", first, re.I):
        problems.append("the first cell gives no Estimated time")
    exercises = _heading_index(cells, "Exercises")
    solutions = _heading_index(cells, "Solutions")
    if exercises is None:
        problems.append("no Exercises section")
    if solutions is None:
        problems.append("no Solutions section")
    elif exercises is not None and solutions < exercises:
        problems.append("the Solutions section comes before the Exercises")
    elif not any(c["cell_type"] == "code" for c in cells[solutions + 1:]):
        problems.append("the Solutions section has no code cell")
    if _heading_index(cells, "References") is None:
        problems.append("no References section")
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        has_png = any("image/png" in out.get("data", {}) for out in cell.get("outputs", []))
        if has_png and not str(cell.get("metadata", {}).get("alt", "")).strip():
            problems.append(f"cell {i} draws a figure without alt text (metadata 'alt')")
    return problems


def _write(tmp_path: Path, cells: list[dict]) -> Path:
    path = tmp_path / "x.ipynb"
    path.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    return path


def _md(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _code(text: str, metadata: dict | None = None, png: bool = False) -> dict:
    outputs = [{"output_type": "display_data", "metadata": {},
                "data": {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}}] if png else []
    return {"cell_type": "code", "metadata": metadata or {}, "source": text,
            "outputs": outputs, "execution_count": None}


def test_a_complete_lesson_passes(tmp_path):
    path = _write(tmp_path, [
        _md("# T\n\n**Prerequisites:** none.\n\n**Estimated time:** about 10 minutes."),
        _code("plot()", {"alt": "A line rising from left to right."}, png=True),
        _md("## Exercises\n\n1. Do it."), _md("## References\n\n- A. (2000)."),
        _md("## Solutions"), _code("print(1)"),
    ])
    assert teaching_problems(path) == []


def test_each_missing_part_is_named(tmp_path):
    path = _write(tmp_path, [
        _md("# T\n\nWhat you will learn."),
        _code("plot()", png=True),
        _md("## Solutions"), _md("no code here"),
        _md("## Exercises"),
    ])
    assert teaching_problems(path) == [
        "the first cell names no Prerequisites",
        "the first cell gives no Estimated time",
        "the Solutions section comes before the Exercises",
        "no References section",
        "cell 1 draws a figure without alt text (metadata 'alt')",
    ]
    path = _write(tmp_path, [
        _md("# T\n\nPrerequisites: none. Estimated time: 5 minutes."),
        _md("## 3. Exercises"), _md("## Solutions"), _md("text only"), _md("## References"),
    ])
    assert teaching_problems(path) == ["the Solutions section has no code cell"]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_teaching_notebook_is_complete(path):
    problems = teaching_problems(path)
    assert not problems, f"{path.name}: " + "; ".join(problems)
