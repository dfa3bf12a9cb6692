"""The Simplified Chinese notebooks teach the same lesson as their English sources.

``notebooks/zh/<name>.zh.ipynb`` must run the same code as ``notebooks/<name>.ipynb``: the
same code cells with the same tags, each line identical except

- lines marked ``# 译文`` ("translated text"), where only string literals and comments
  may differ (checked on the token stream, so no code can hide behind the marker), and
- the data folder, one level further up (``"../../data"`` for ``"../data"``), because
  the notebook runs from ``notebooks/zh``.

Its prose must be Chinese, its quoted numbers must equal its outputs (the same check as
``test_notebook_numbers``), and it has the teaching structure of the English notebooks
(prerequisites and time, exercises, solutions with code, references, alt text).
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from pathlib import Path

import pytest

from tests.conftest import NOTEBOOKS
from tests.foundation.test_notebook_numbers import unmatched_numbers

ZH = NOTEBOOKS / "zh"
ZH_PATHS = sorted(ZH.glob("*.zh.ipynb"))
MARK = "# 译文"
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
# share of CJK characters among the non-space characters of all markdown cells; the
# English source has almost none (a few in a link to the Chinese version), a translated
# notebook keeps English only in code names, formulas and the citations
MIN_CJK_SHARE = 0.30


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else source


def _code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _english_source(zh_path: Path) -> Path:
    return NOTEBOOKS / zh_path.name.replace(".zh.ipynb", ".ipynb")


def _code_tokens(line: str) -> list[str]:
    """The tokens of one line with string literals and comments blanked out."""
    out = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(line + "\n").readline):
            if tok.type == tokenize.COMMENT:
                continue
            if tok.type == tokenize.STRING or tok.type in _FSTRING_PARTS:
                out.append("<str>")
            else:
                out.append(tok.string)
    except (tokenize.TokenError, IndentationError):
        # a line inside a bracket spanning several lines: compare it as text without
        # strings and comments
        return [re.sub(r"#.*$", "", re.sub(r"(['\"]).*?\1", "<str>", line)).strip()]
    return out


_FSTRING_PARTS = {getattr(tokenize, name) for name in
                  ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END") if hasattr(tokenize, name)}


def code_differences(zh_path: Path, en_path: Path | None = None) -> list[str]:
    """Every way the zh notebook's code departs from its English source (empty: same)."""
    en_cells = _code_cells(_load(en_path or _english_source(zh_path)))
    zh_cells = _code_cells(_load(zh_path))
    problems = []
    if len(en_cells) != len(zh_cells):
        return [f"{len(zh_cells)} code cells, the English notebook has {len(en_cells)}"]
    for k, (en, zh) in enumerate(zip(en_cells, zh_cells, strict=True)):
        if en.get("metadata", {}).get("tags", []) != zh.get("metadata", {}).get("tags", []):
            problems.append(f"code cell {k}: tags differ")
        if bool(en["metadata"].get("alt")) != bool(zh["metadata"].get("alt")):
            problems.append(f"code cell {k}: alt text missing on one side")
        en_lines = _text(en["source"]).split("\n")
        zh_lines = _text(zh["source"]).replace('"../../data"', '"../data"').split("\n")
        if len(en_lines) != len(zh_lines):
            problems.append(f"code cell {k}: {len(zh_lines)} lines, English has {len(en_lines)}")
            continue
        for j, (e, z) in enumerate(zip(en_lines, zh_lines, strict=True)):
            if e == z:
                continue
            if not z.rstrip().endswith(MARK):
                problems.append(f"code cell {k} line {j}: differs without '{MARK}': {z!r}")
            elif _code_tokens(e) != _code_tokens(z):
                problems.append(f"code cell {k} line {j}: more than strings differ: {z!r}")
    return problems


def cjk_share(path: Path) -> float:
    nb = _load(path)
    text = "".join(_text(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    chars = re.sub(r"\s", "", text)
    return len(CJK.findall(chars)) / max(len(chars), 1)


def test_every_translation_has_its_source():
    assert {p.name for p in ZH_PATHS} >= {"00_start_here.zh.ipynb",
                                          "01_kano_classification.zh.ipynb"}
    for path in ZH_PATHS:
        assert _english_source(path).exists(), path.name


@pytest.mark.parametrize("path", ZH_PATHS, ids=lambda p: p.name)
def test_same_code_as_the_english_notebook(path):
    assert code_differences(path) == []


@pytest.mark.parametrize("path", ZH_PATHS, ids=lambda p: p.name)
def test_prose_is_chinese(path):
    share = cjk_share(path)
    assert share >= MIN_CJK_SHARE, f"{path.name}: only {share:.0%} of the prose is Chinese"
    assert cjk_share(_english_source(path)) < 0.02


@pytest.mark.parametrize("path", ZH_PATHS, ids=lambda p: p.name)
def test_quoted_numbers_equal_outputs(path):
    assert unmatched_numbers(path) == []


@pytest.mark.parametrize("path", ZH_PATHS, ids=lambda p: p.name)
def test_teaching_structure(path):
    nb = _load(path)
    cells = nb["cells"]
    first = _text(cells[0]["source"])
    assert "先修知识" in first and "预计用时" in first
    headings = [(i, line) for i, c in enumerate(cells) if c["cell_type"] == "markdown"
                for line in _text(c["source"]).splitlines() if line.startswith("#")]
    where = {name: [i for i, h in headings if h.lstrip("#").strip() == name]
             for name in ("练习", "解答", "参考文献")}
    assert all(where.values()), where
    exercises, solutions = where["练习"][0], where["解答"][0]
    assert exercises < solutions
    assert any(c["cell_type"] == "code" for c in cells[solutions:where["参考文献"][0]])
    for i, c in enumerate(cells):
        images = [o for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
        if images:
            assert CJK.search(c["metadata"].get("alt", "")), f"cell {i}: no Chinese alt text"
    sources = [_text(c["source"]) for c in _code_cells(nb)]
    assert not [s for s in sources if "NBVAL_" in s]
    assert any("nbval-check-output" in c["metadata"].get("tags", []) for c in _code_cells(nb))


def test_detects_changed_code(tmp_path):
    english = NOTEBOOKS / "00_start_here.ipynb"
    changed = _load(english)
    cell = _code_cells(changed)[0]
    src = _text(cell["source"])
    path = tmp_path / "00_start_here.zh.ipynb"
    # a changed name hiding behind the marker
    cell["source"] = src.replace("import numpy as np\n", "import numpy as npx  # 译文\n")
    path.write_text(json.dumps(changed), encoding="utf-8")
    problems = code_differences(path, english)
    assert len(problems) == 1 and "more than strings differ" in problems[0]
    # a changed string without the marker
    cell["source"] = src.replace('DATA = "../data"', 'DATA = "../data2"')
    path.write_text(json.dumps(changed), encoding="utf-8")
    problems = code_differences(path, english)
    assert len(problems) == 1 and "differs without" in problems[0]
    # a translated string with the marker is accepted
    cell["source"] = src.replace('DATA = "../data"', 'DATA = "../数据"  # 译文')
    path.write_text(json.dumps(changed), encoding="utf-8")
    assert code_differences(path, english) == []
