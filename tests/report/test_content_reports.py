"""Client reports through the command line: the bundled example, a study with only
satisfaction items and hostile text everywhere, a Chinese study, a missing explicit
mapping. Each report takes about 15-30 s, so the runs are few and shared (the example's
in conftest.py, also used by test_content_new_sections.py)."""

from __future__ import annotations

import html as html_module
import re

import pytest

from expectlab.cli import main
from tests.conftest import DATA, ROOT
from tests.report._studies import SAT_PARAMS, chinese, satisfaction_only

TEMPLATE = ROOT / "expectlab" / "templates" / "client_study.ipynb"


def _run(tmp_path_factory, name, args):
    out = tmp_path_factory.mktemp(name)
    code = main(["report", str(TEMPLATE), *args, "--out", str(out)])
    assert code == 0
    return (out / "client_study.html").read_text(encoding="utf-8")


def _client_part(page):
    """The page without cells tagged remove-cell (the report engine drops them; before it
    does, the nbval key-figures cell still reaches the HTML, marked by its tag class)."""
    start = page.find("celltag_remove-cell")
    if start < 0:
        return page
    cell = page.rfind("<div", 0, start)
    following = page.find('class="jp-Cell ', start)
    following = page.rfind("<div", 0, following) if following > 0 else len(page)
    assert "alpha, " in page[cell:following]  # the key figures, nothing else
    return page[:cell] + page[following:]


def _text(page):
    body = re.sub(r"<style.*?</style>|<script.*?</script>", "", _client_part(page),
                  flags=re.S)
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def _section(text, start, end, *, last=False):
    """The text from heading ``start`` to ``end`` (``last``: past the contents' entry)."""
    at = text.rindex(start) if last else text.index(start)
    return text[at:text.index(end, at)]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile_data")
    path = satisfaction_only(folder)
    return _run(tmp_path_factory, "hostile", [
        "--data", str(path), *SAT_PARAMS,
        "--param", "study_title=Price study $5 <script>alert(5)</script>"])


@pytest.fixture(scope="module")
def zh(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zh_data")
    path, params = chinese(folder)
    return _run(tmp_path_factory, "zh", ["--data", str(path), *params])


def test_example_reads_summary_first_with_labels_and_formatted_numbers(example):
    text = _text(example)
    order = [text.index(h) for h in ("Executive summary", "Contents",
                                     "Who answered: the data profile", "Kano analysis",
                                     "Appendix A: methods", "Appendix B: data quality")]
    assert order == sorted(order)
    assert text.rindex("Appendix A: methods") > text.index("Purchase behaviour: who is")
    summary = _section(text, "Executive summary", "Contents")
    for finding in ("Must-be: 24/7 hotline", "experience minus expectation is not adequate",
                    "What moves loyalty most: Satisfaction", "Net Promoter Score -10.6",
                    "At risk:"):
        assert finding in summary
    assert re.search(r"95% interval -?\d+\.\d to [-+]?\d+\.\d, n = 598", summary)
    # question wording instead of column names; plain headers
    assert "Complained in the last 12 months" in text
    # (the provenance table lists the parameters as given, column names included)
    shown = text[:text.rindex("Provenance")]
    for column in ("switching_costs", "kano_app_f", "p_vs_full", "adj_r2", "n_scored",
                   " a1 ", " SQD ", " RR "):
        assert column not in shown, column
    assert "< 0.001" in text and "e-0" not in text
    # n beside every share resting on few respondents
    assert "100.0% (n = 5)" in text
    # the nbval key figures stay in the notebook, not in the client's document
    assert "respondents, segment = Business" not in text
    assert "Traceback" not in example and "Glyph" not in text
    assert example.count("<img") >= 7


def test_satisfaction_only_study_with_hostile_text(hostile):
    text = _text(hostile)
    for k in range(1, 6):
        assert f"<script>alert({k})</script>" not in hostile
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile
    assert "<b>bold</b>" not in hostile
    assert "Biz $5 to $10" in text and "Price study $5" in text
    assert "Satisfaction: expectations versus experience" in text
    # the other sections are left out and the methods appendix says why
    # the table of contents ends with its entry for Appendix B
    contents = _section(text, "Contents", "Appendix B")
    for absent in ("Kano analysis", "Loyalty", "Net Promoter Score", "Purchase behaviour"):
        assert absent not in contents
    methods = _section(text, "Appendix A: methods", "Appendix B: data quality", last=True)
    assert "feature Live chat left out: the file has no column(s) kano_chat_f" in methods
    assert "the file has no column(s) nps (parameter nps_column)" in methods
    assert "no purchase log was given" in methods
    assert "Unweighted: the file has no weight column weight." in methods
    assert "Not covered by this report" in _section(text, "Executive summary", "Contents")
    assert "Value $ <script>alert(4)</script>" in text  # a scale name, drawn literally
    assert "Traceback" not in hostile and "Glyph" not in text


def test_chinese_study(zh):
    text = _text(zh)
    for words in ("执行摘要", "目录", "附录 A：方法", "Kano 分析", "净推荐值", "手机应用",
                  "企业客户", "受访者人数 (n)", "95% 区间", "客户满意度研究 2025"):
        assert words in text, words
    assert "Executive summary" not in text and "Respondents (n)" not in text
    assert "Glyph" not in text and "Traceback" not in zh
    assert zh.count("<img") >= 3


def test_explicit_section_with_missing_columns_stops(tmp_path, capsys):
    code = main(["report", str(TEMPLATE), "--data", str(DATA / "client_survey.csv"),
                 "--param", "nps_column=recommend_score", "--out", str(tmp_path / "o")])
    assert code == 2
    err = capsys.readouterr().err
    assert "nps_column: 'recommend_score'" in err
    assert not (tmp_path / "o" / "client_study.html").exists()
