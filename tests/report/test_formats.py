"""Formats on their own: a PDF printed by Chromium, an Excel workbook without HTML."""

from __future__ import annotations

import pytest

from expectlab.cli import main
from expectlab.report._export_pdf import find_chromium
from expectlab.report._export_xlsx import sheet_names
from tests.report._engine_template import minimal_params, tiny_data, write_template


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("formats")
    return folder, write_template(folder / "engine.ipynb"), tiny_data(folder)


@pytest.mark.skipif(find_chromium() is None, reason="needs Chromium")
def test_pdf_alone_leaves_no_html(setup, capsys):
    folder, template, data = setup
    out = folder / "pdf"
    assert main(["report", str(template), "--data", str(data), "--out", str(out),
                 *minimal_params(), "--format", "pdf"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["engine.ipynb", "engine.pdf"]
    pdf = (out / "engine.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and b"/Type /Page" in pdf.replace(b"/Type/Page", b"/Type /Page")
    assert capsys.readouterr().out.strip() == f"Report written to {out / 'engine.pdf'}"


def test_formats_are_written_in_a_fixed_order(setup, capsys):
    folder, template, data = setup
    out = folder / "xlsx"
    assert main(["report", str(template), "--data", str(data), "--out", str(out),
                 *minimal_params(), "--format", "xlsx, html"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed == [f"Report written to {out / 'engine.html'}",
                       f"Report written to {out / 'engine.xlsx'}"]


def test_sheet_names_are_valid_and_unique():
    names = sheet_names(["a/b:c*?[d]", "", "Contents", "x" * 31, "x" * 31 + "y"],
                        reserved=("Contents",))
    assert names == ["abcd", "Table 2", "Contents (2)", "x" * 31, "x" * 27 + " (2)"]
    assert all(len(n) <= 31 for n in names)
