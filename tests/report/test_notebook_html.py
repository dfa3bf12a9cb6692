"""`expectlab html NOTEBOOK`: a teaching notebook as offline HTML (code kept, MathML)."""

from __future__ import annotations

import re

from expectlab.cli import main
from tests.conftest import NOTEBOOKS


def test_teaching_notebook_renders_offline_with_code_and_mathml(tmp_path, capsys):
    out = tmp_path / "07.html"
    code = main(["html", str(NOTEBOOKS / "07_satisfaction_index.ipynb"), "--out", str(out)])
    assert code == 0 and out.exists()
    page = out.read_text(encoding="utf-8")
    assert "<math" in page                      # LaTeX became MathML
    assert "highlight" in page and "SatisfactionIndex<" in page  # the code is shown
    # nothing is fetched from elsewhere: no script or stylesheet from another host
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', page)
    assert "mathjax" not in page.lower()


def test_a_non_notebook_is_an_input_error(tmp_path, capsys):
    path = tmp_path / "x.txt"
    path.write_text("hello")
    assert main(["html", str(path)]) == 2
    assert "not a notebook file" in capsys.readouterr().err
