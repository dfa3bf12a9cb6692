"""The client-study report: rendering, validation before running, untrusted input."""

import re

import pytest

from expectlab import InputError
from expectlab.cli import main
from expectlab.report import parse_parameter, validate_parameters
from tests.conftest import DATA, ROOT

TEMPLATE = ROOT / "expectlab" / "templates" / "client_study.ipynb"
PROFILE_HEADINGS = ["Customer study", "Executive summary", "Contents",
                    "Who answered: the data profile", "How reliable are the scales?",
                    "Appendix A: methods", "Appendix B: data quality"]
SECTION_HEADINGS = ["Kano analysis", "Satisfaction", "Loyalty", "Net Promoter Score",
                    "Purchase behaviour"]


@pytest.fixture(scope="module")
def example_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    code = main(["report", str(TEMPLATE), "--data", str(DATA / "client_survey.sav"),
                 "--param", f"transactions_path={DATA / 'client_transactions.csv'}",
                 "--out", str(out)])
    assert code == 0
    return (out / "client_study.html").read_text(encoding="utf-8")


def _headings(html):
    return [re.sub(r"<[^>]+>", "", h).replace("\u00b6", "").strip()
            for h in re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", html, flags=re.S)]


@pytest.mark.slow
def test_example_report_has_sections_figures_and_no_errors(example_report):
    headings = _headings(example_report)
    for expected in PROFILE_HEADINGS:
        assert expected in headings, f"missing section {expected!r}; got {headings}"
    for expected in SECTION_HEADINGS:
        assert any(h.startswith(expected) for h in headings), (expected, headings)
    assert example_report.count("<img") >= 4
    for marker in ("Traceback", "Error:", "ename", "jp-OutputArea-output jp-mod-error"):
        assert marker not in example_report
    # code-free: no input cells
    assert "prepare_study(" not in example_report


@pytest.mark.slow
def test_report_prints_its_path(tmp_path, capsys):
    path = tmp_path / "tiny.csv"
    path.write_text("respondent_id,q\n1,2\n2,3\n3,4\n")
    code = main(["report", str(TEMPLATE), "--data", str(path), "--out", str(tmp_path / "out"),
                 *_minimal_params()])
    assert code == 0
    printed = capsys.readouterr().out
    assert f"Report written to {tmp_path / 'out' / 'client_study.html'}" in printed


def _minimal_params():
    params = []
    for name in ("segment_column", "weight_column", "loyalty_outcome", "nps_column"):
        params += ["--param", f"{name}=null"]
    for name in ("expectation_items", "experience_items", "satisfaction_items",
                 "loyalty_drivers"):
        params += ["--param", f"{name}=[]"]
    params += ["--param", "kano_pairs={}"]
    return params


@pytest.mark.slow
def test_data_labels_are_escaped_and_parameters_stay_data(tmp_path):
    marker = tmp_path / "injected"
    data = tmp_path / "evil.csv"
    data.write_text(
        "respondent_id,segment,q1,q2\n"
        "1,<script>alert(1)</script>,1,2\n2,<script>alert(1)</script>,2,3\n"
        "3,<b>bold</b>,4,4\n4,<b>bold</b>,5,4\n"
    )
    codebook = tmp_path / "evil.codebook.yaml"
    codebook.write_text(
        "scales:\n  '<script>alert(2)</script>': [q1, q2]\n"
        "variables:\n  q1: {label: '<script>alert(3)</script>', scale: [1, 5]}\n"
        "  q2: {scale: [1, 5]}\n"
    )
    title = f'x"); import os; os.system("touch {marker}"); ("'
    args = ["report", str(TEMPLATE), "--data", str(data), "--out", str(tmp_path / "out"),
            *_minimal_params(), "--param", "segment_column=segment",
            "--param", f"study_title={title}"]
    assert main(args) == 0
    html = (tmp_path / "out" / "client_study.html").read_text(encoding="utf-8")
    assert not marker.exists()
    for k in (1, 2):
        assert f"<script>alert({k})</script>" not in html
        assert f"&lt;script&gt;alert({k})&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html
    assert "touch" in html  # the title is shown as text


@pytest.mark.parametrize("bad", ["a;import os=1", "__import__('os')=1", "class=1", "unknown=1"])
def test_bad_parameter_names_are_refused(tmp_path, bad, capsys):
    code = main(["report", str(TEMPLATE), "--data", str(DATA / "client_survey.csv"),
                 "--out", str(tmp_path), "--param", bad])
    assert code == 2
    assert "input error" in capsys.readouterr().err
    assert not (tmp_path / "client_study.html").exists()


def test_invalid_data_stops_before_running(tmp_path, capsys):
    data = tmp_path / "bad.csv"
    data.write_text("respondent_id,q1\n1,3\n2,11\n")
    (tmp_path / "bad.codebook.yaml").write_text("variables:\n  q1: {scale: [1, 7]}\n")
    code = main(["report", str(TEMPLATE), "--data", str(data), "--out", str(tmp_path / "o"),
                 *_minimal_params()])
    assert code == 2
    err = capsys.readouterr().err
    assert "bad.csv, column 'q1'" in err and "row 1 = 11" in err
    assert not (tmp_path / "o").exists()


def test_mapped_columns_must_exist(tmp_path, capsys):
    code = main(["report", str(TEMPLATE), "--data", str(DATA / "client_survey.csv"),
                 "--out", str(tmp_path), "--param", "segment_column=region"])
    assert code == 2
    assert "'region'" in capsys.readouterr().err


def test_parse_parameter():
    assert parse_parameter("n_boot=100") == ("n_boot", 100)
    assert parse_parameter("x=null") == ("x", None)
    assert parse_parameter('k={"a": ["b", "c"]}') == ("k", {"a": ["b", "c"]})
    assert parse_parameter("t=hello world") == ("t", "hello world")
    with pytest.raises(InputError, match="name=value"):
        parse_parameter("novalue")


def test_validate_parameters_types():
    with pytest.raises(InputError, match="kano_pairs"):
        validate_parameters({"kano_pairs": {"App": ["only_one"]}})
    with pytest.raises(InputError, match="list of column names"):
        validate_parameters({"satisfaction_items": 3})
    with pytest.raises(InputError, match="whole number"):
        validate_parameters({"n_boot": -1})
    assert validate_parameters({"satisfaction_items": "a, b"})["satisfaction_items"] == ["a", "b"]


def test_key_figures_of_the_example_profile():
    from expectlab.report import DEFAULT_PARAMETERS, key_figures, prepare_study

    study = prepare_study(dict(DEFAULT_PARAMETERS, data_path=str(DATA / "client_survey.sav")))
    figures = key_figures(study)
    assert figures["respondents"] == 600
    assert figures["respondents, segment = Business"] + figures[
        "respondents, segment = Private"] == 600
    assert figures["missing answers"] == int(study.survey.missing_report["missing"].sum())
    assert figures["alpha, expectation, lower"] < figures["alpha, expectation"] < figures[
        "alpha, expectation, upper"]
    assert figures["alpha, satisfaction"] == round(study.scales["satisfaction"].reliability.alpha,
                                                   3)
