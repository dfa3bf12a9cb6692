"""Numbers quoted in a notebook's prose come from its outputs.

Every decimal number written in a markdown cell (0.87, 3.7, 12.5%) must equal, at the
precision written, a number printed by some code cell of the same notebook (or 100 times
one, for percentages). Numbers that are not results are exempt when they also appear in
the notebook's code (a simulator setting, a seed), inside LaTeX or inline code, or when
wrapped as ``<span class="nocheck">1.5</span>`` (a year, a page, a value from the
literature).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import NOTEBOOKS

NUMBER = re.compile(r"(?<![\w.\-])[-\u2212]?\d+\.\d+(?![\w.]*\d)")
ANY_NUMBER = re.compile(r"[-\u2212]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else source


def _outputs(cell: dict) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(_text(out["text"]))
        data = out.get("data", {})
        for kind in ("text/plain", "text/markdown", "text/html", "text/latex"):
            if kind in data:
                parts.append(re.sub(r"<[^>]+>", " ", _text(data[kind])))
    return "\n".join(parts)


def _prose_numbers(markdown: str) -> list[str]:
    text = re.sub(r'<span class="nocheck">.*?</span>', " ", markdown, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$|\$[^$\n]*\$", " ", text, flags=re.S)   # maths
    text = re.sub(r"```.*?```|`[^`\n]*`", " ", text, flags=re.S)      # code
    text = re.sub(r"\]\([^)]*\)", "]", text)                            # link targets
    return [m.group(0).replace("\u2212", "-") for m in NUMBER.finditer(text)]


def _values(text: str) -> list[float]:
    out = []
    for m in ANY_NUMBER.finditer(text.replace("\u2212", "-")):
        try:
            out.append(float(m.group(0)))
        except ValueError:
            continue
    return out


def _matches(quoted: str, values: list[float]) -> bool:
    """True when some output, at the precision quoted (also as a percentage, and without
    its sign: prose says "falls by 0.5" for -0.5), equals the quoted number."""
    decimals = len(quoted.split(".")[1])
    q = abs(float(quoted))
    tol = 0.5 * 10 ** (-decimals) + 1e-9
    return any(abs(abs(c) - q) <= tol for x in values for c in (x, 100.0 * x))


def unmatched_numbers(path: Path) -> list[tuple[int, str]]:
    """(cell index, number) for every quoted number no output or code accounts for."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = nb["cells"]
    outputs = "\n".join(_outputs(c) for c in cells if c["cell_type"] == "code")
    code = "\n".join(_text(c["source"]) for c in cells if c["cell_type"] == "code")
    values = _values(outputs)
    code_numbers = set(m.group(0) for m in ANY_NUMBER.finditer(code))
    missing = []
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        for quoted in _prose_numbers(_text(cell["source"])):
            if quoted.lstrip("-") in code_numbers:
                continue
            if not _matches(quoted, values):
                missing.append((i, quoted))
    return missing


def test_detects_a_drifted_number(tmp_path):
    nb = {"cells": [
        {"cell_type": "code", "source": "print(0.8801)", "metadata": {},
         "outputs": [{"output_type": "stream", "name": "stdout", "text": "0.8801\n"}]},
        {"cell_type": "markdown", "metadata": {},
         "source": "The slope is 0.88 (or 88.0%), not 0.87; "
                   '<span class="nocheck">1999.5</span> $x = 2.5$ `3.5`.'},
    ]}
    path = tmp_path / "x.ipynb"
    path.write_text(json.dumps(nb))
    assert unmatched_numbers(path) == [(1, "0.87")]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_quoted_numbers_equal_outputs(path):
    missing = unmatched_numbers(path)
    assert not missing, (
        f"{path.name}: numbers in the prose that no output shows (cell, number): {missing}. "
        "Quote the printed value, print the number the text relies on, or mark a "
        'non-result as <span class="nocheck">...</span>.')
