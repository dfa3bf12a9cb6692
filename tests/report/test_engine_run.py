"""The report engine through the CLI, on a small template: formats, hidden cells,
provenance, determinism, and failures that write nothing."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from expectlab.cli import main
from tests.report._engine_template import minimal_params, tiny_data, write_template

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2213fbc0000000049454e44ae426082"
)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("engine")
    template = write_template(folder / "engine.ipynb")
    data = tiny_data(folder)
    (folder / "logo.png").write_bytes(PNG_1PX)
    (folder / "style.yaml").write_text(
        "logo: logo.png\ncolours: ['#1f4e79', '#F0A30A']\nfooter: ACME Research\n"
        "title_colour: '#123456'\n")
    return folder, template, data


def _args(template, data, out, *extra):
    return ["report", str(template), "--data", str(data), "--out", str(out),
            *minimal_params(), *extra]


@pytest.fixture(scope="module")
def full_run(setup):
    folder, template, data = setup
    out = folder / "full"
    code = main(_args(template, data, out, "--format", "html,xlsx,pptx", "--lang", "zh",
                      "--style", str(folder / "style.yaml"), "--name", "acme"))
    assert code == 0
    return out, (out / "acme.html").read_text(encoding="utf-8")


def _notes(html, name):
    found = re.search(name + r"=(.*?)</p>", html)
    assert found, name
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def test_all_formats_written_and_nothing_else_left(full_run):
    out, _ = full_run
    assert sorted(p.name for p in out.iterdir()) == ["acme.html", "acme.ipynb", "acme.pptx",
                                                      "acme.xlsx"]


def test_html_hides_plumbing_and_loads_nothing_from_a_network(full_run):
    _, html = full_run
    assert "KEY FIGURES" not in html  # remove-cell
    assert "progress 50%" not in html  # stderr stream
    assert "<script" not in html
    external = re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert external == []
    assert 'lang="zh-Hans"' in html
    assert "<math" in html and "<mfrac>" in html  # LaTeX rendered server-side
    assert "Biz $5 to $10 is money" in html  # dollars in prose stay text
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html
    assert 'alt="Two bars, b twice a"' in html
    assert "<figcaption>Bars of the segments</figcaption>" in html
    assert re.search(r'<img[^>]* src="data:image/png;base64,[A-Za-z0-9+/=]{200,}"', html)


def test_language_style_and_report_info_reach_the_template(full_run, setup):
    folder, _, data = setup
    _, html = full_run
    assert "language=zh" in html
    style = _notes(html, "style")
    assert style["colours"] == ["#1f4e79", "#F0A30A"] and style["footer"] == "ACME Research"
    assert style["logo"].startswith("data:image/png;base64,")
    info = _notes(html, "report_info")
    assert info["data_file"] == "tiny.csv"
    assert info["data_sha256"] == hashlib.sha256(data.read_bytes()).hexdigest()
    assert info["template"] == "engine.ipynb" and info["random_seed"] == 2026
    assert info["parameters"]["n_boot"] == 500 and info["parameters"]["data_path"] == "tiny.csv"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", info["date"])
    assert str(folder) not in html  # no consultant folders in the client document


def test_excel_has_every_table_text_never_formulas(full_run):
    from openpyxl import load_workbook

    out, _ = full_run
    wb = load_workbook(out / "acme.xlsx")
    assert wb.sheetnames == ["目录", "Shares by segment <b>bold<b>",
                             "Shares by segment <b>bold<b (2)"]
    sheet = wb["Shares by segment <b>bold<b>"]
    assert sheet["A1"].value == "Shares by segment: <b>bold</b>"
    assert [c.value for c in sheet[3]] == [None, "share", "n"]
    assert [c.value for c in sheet[4]] == ["Biz $5 to $10", 0.25, 5]
    assert sheet["A5"].value == "=1+1" and sheet["A5"].data_type == "s"
    contents = wb["目录"]
    assert contents["A4"].value == "Shares by segment <b>bold<b>" and contents["C4"].value == 2


def test_powerpoint_has_title_summary_and_one_slide_per_figure(full_run):
    from pptx import Presentation

    out, _ = full_run
    slides = list(Presentation(str(out / "acme.pptx")).slides)
    texts = [[s.text_frame.text for s in slide.shapes if s.has_text_frame] for slide in slides]
    assert len(slides) == 3
    assert texts[0][0] == "Customer study"
    assert texts[1][0] == "执行摘要" and "Finding one" in texts[1][1]
    assert texts[2] == ["Bars of the segments"]
    assert sum(1 for s in slides[2].shapes if s.shape_type == 13) == 1  # a picture


def _without_date(text):
    return re.sub(r"\d{4}-\d{2}-\d{2}", "DATE", text)


def test_same_inputs_give_the_same_report_byte_for_byte_except_the_date(setup, monkeypatch):
    folder, template, data = setup
    pages = []
    for run, epoch in (("a", "86400"), ("b", None)):  # 1970-01-02, then today
        if epoch:
            monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        else:
            monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
        assert main(_args(template, data, folder / run)) == 0
        pages.append(((folder / run / "engine.html").read_text(encoding="utf-8"),
                      (folder / run / "engine.ipynb").read_text(encoding="utf-8")))
    (html_a, nb_a), (html_b, nb_b) = pages
    assert "1970-01-02" in html_a and html_a != html_b  # the date is recorded ...
    assert _without_date(html_a) == _without_date(html_b)  # ... and is all that differs
    assert _without_date(nb_a) == _without_date(nb_b)
    assert "start_time" not in nb_a and "duration" not in nb_a


def test_an_input_error_in_a_cell_exits_2_and_keeps_the_previous_report(setup, capsys):
    folder, template, data = setup
    out = folder / "rerun"
    assert main(_args(template, data, out)) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    capsys.readouterr()
    code = main(_args(template, data, out, "--param", "fail_with=input"))
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == "expectlab: input error: column 'q9' has letters in rows 3, 7"
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # untouched, no temp


def test_a_defect_in_a_cell_exits_1_and_keeps_the_failed_notebook(setup, capsys):
    folder, template, data = setup
    out = folder / "bug"
    code = main(_args(template, data, out, "--param", "fail_with=bug"))
    err = capsys.readouterr().err
    assert code == 1
    assert "ZeroDivisionError: division by zero in a section" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in out.iterdir()) == ["engine.failed.ipynb"]


def test_a_cell_time_out_exits_2_with_the_fix(setup, capsys):
    folder, template, data = setup
    out = folder / "slow"
    code = main(_args(template, data, out, "--param", "fail_with=slow", "--timeout", "2"))
    err = capsys.readouterr().err
    assert code == 2
    assert "longer than --timeout 2 seconds" in err and "Traceback" not in err
    assert list(out.iterdir()) == []
