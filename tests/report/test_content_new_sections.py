"""The optional sections of the client report (SERVQUAL, satisfaction index, service
recovery) through the command line, on data made by the simulators; and the bundled
example, whose mapping leaves them out. One render per data set."""

from __future__ import annotations

import pandas as pd
import pytest

from expectlab import InputError
from expectlab.report import DEFAULT_PARAMETERS, prepare_study
from expectlab.report import formatting as fmt
from tests.report._studies import cli_params, optional_sections
from tests.report.conftest import run_report
from tests.report.test_content_reports import _section, _text

HEADINGS = {"servqual": "Service quality: perceptions against expectations",
            "csi": "Satisfaction index: what drives satisfaction and loyalty",
            "dynamics": "How expectations move over time",
            "recovery": "Service recovery: is a well-handled complaint better"}


def _body(text, start, end):
    """A section's text: from its heading (after its table-of-contents entry) to the
    next section's heading."""
    at = text.index(start, text.index(start) + 1)
    return text[at:text.index(end, text.index(end) + 1)]


@pytest.fixture(scope="module")
def optional_data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("optional_data")
    path, params = optional_sections(folder)
    return folder, path, params


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, optional_data):
    folder, path, params = optional_data
    out = run_report(tmp_path_factory, "optional", [
        "--data", str(path), "--codebook", str(folder / "optional.codebook.yaml"),
        *params], formats="html, xlsx")
    page = (out / "client_study.html").read_text(encoding="utf-8")
    return _text(page), out / "client_study.xlsx"


@pytest.fixture(scope="module")
def frame(optional_data):
    return pd.read_csv(optional_data[1])


def test_sections_run_with_headings_in_the_contents(rendered):
    text, _ = rendered
    contents = _section(text, "Contents", "Appendix B: data quality")
    for name in ("servqual", "csi", "recovery"):
        assert HEADINGS[name] in contents
        assert text.count(HEADINGS[name]) >= 2  # contents and the section itself
    assert HEADINGS["dynamics"] not in contents
    methods = _section(text, "Appendix A: methods", "Appendix B: data quality", last=True)
    assert "not requested (parameter panel_wave is empty)" in methods
    for ref in ("Parasuraman", "Fornell", "McCollough"):
        assert ref in methods
    assert "Arellano" not in methods
    assert "Traceback" not in text


def test_largest_service_quality_gap_equals_the_estimator(rendered, frame, optional_data):
    from expectlab.servqual import ServqualGaps

    text, _ = rendered
    params = cli_params(optional_data[2])
    model = ServqualGaps(scale=(1, 7), n_boot=0).fit(
        frame, items=params["servqual_items"], dimensions=params["servqual_dimensions"],
        overall="overall_quality", importance=params["servqual_importance"],
        weights="weight")
    gaps = model.summary.loc[("P - E", "dimension")]
    top = gaps["estimate"].abs().idxmax()
    summary = _section(text, "Executive summary", "Contents")
    expected = (f"Largest service-quality gap: {top}, perception minus expectation "
                f"{fmt.estimate(gaps.loc[top, 'estimate'])} scale points (95% interval "
                f"{fmt.estimate(gaps.loc[top, 'lower'])} to "
                f"{fmt.estimate(gaps.loc[top, 'upper'])}; n = {len(frame)})")
    assert expected in summary
    section = _body(text, HEADINGS["servqual"], HEADINGS["csi"])
    assert "Gap per dimension (perception minus expectation)" in section
    assert "Reliability of the gap scores" in section


def test_satisfaction_index_and_strongest_path_equal_the_estimator(rendered, frame):
    from expectlab.csi import SatisfactionIndex

    text, _ = rendered
    model = SatisfactionIndex("ECSI", scale=(1, 10), n_boot=60, random_state=7).fit(
        frame, weights="weight")
    paths = model.summary
    top = paths["estimate"].abs().idxmax()
    assert top == "QUAL -> SAT"
    summary = _section(text, "Executive summary", "Contents")
    sat = model.indices_.loc["SAT"]
    assert (f"Satisfaction index {fmt.index_value(sat['estimate'])} of 100 (95% interval "
            f"{fmt.index_value(sat['lower'])} to {fmt.index_value(sat['upper'])}") in summary
    assert (f"strongest path: Perceived quality → Satisfaction "
            f"({fmt.estimate(paths.loc[top, 'estimate'])}") in summary
    section = _body(text, HEADINGS["csi"], HEADINGS["recovery"])
    assert "Paths with 95% bootstrap intervals" in section
    assert "0-100 indices with 95% intervals" in section


def test_recovery_verdict_equals_the_estimator(rendered, frame):
    from expectlab.dynamics import ServiceRecovery

    text, _ = rendered
    model = ServiceRecovery().fit(frame, outcomes=["satisfaction", "loyal"],
                                  failure="failure", recovered="recovered",
                                  handling="handling", weights="weight")
    row = model.summary.loc[("satisfaction", "recovered vs no failure")]
    verdict = model.verdicts_.loc["satisfaction", "verdict"]
    summary = _section(text, "Executive summary", "Contents")
    assert "Service recovery (n = 300): Satisfaction after the contact:" in summary
    assert f"g = {fmt.estimate(row['estimate'])}, 95% interval" in summary
    words = {"paradox": "a recovery paradox", "no paradox": "no recovery paradox",
             "equivalent": "leaves customers where no failure would have",
             "cannot tell": "the data cannot tell"}
    assert words[verdict] in summary
    # the optional sections left out are not listed among the summary's gaps
    assert "How expectations move" not in summary


def test_tables_reach_the_excel_export(rendered):
    from openpyxl import load_workbook

    _, xlsx = rendered
    book = load_workbook(xlsx)
    cells = {str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
             for v in row if v is not None}
    for caption in ("Gap per dimension (perception minus expectation)",
                    "Paths with 95% bootstrap intervals", "Group differences (Hedges g)"):
        assert caption in cells, caption


def test_example_report_shows_nothing_new(example):
    text = _text(example)
    contents = _section(text, "Contents", "Appendix B: data quality")
    summary = _section(text, "Executive summary", "Contents")
    for heading in HEADINGS.values():
        assert heading not in contents and heading not in summary
    body = text[:text.rindex("Appendix A: methods")]
    assert "Largest service-quality gap" not in body and "Satisfaction index" not in body
    # the sections the example always had are unchanged
    for old in ("Kano analysis", "Satisfaction: expectations versus experience",
                "Loyalty: who stays", "Net Promoter Score", "Purchase behaviour"):
        assert old in contents
    methods = _section(text, "Appendix A: methods", "Appendix B: data quality", last=True)
    assert "not requested (parameter servqual_items is empty)" in methods
    assert "not requested (parameter csi_model is empty)" in methods


# -- the plan and the pre-flight, without a render ---------------------------------------

def _params(path, folder, **changes):
    return {**DEFAULT_PARAMETERS, "data_path": str(path),
            "codebook_path": str(folder / "optional.codebook.yaml"), **changes}


def test_requested_sections_with_missing_columns_are_errors(optional_data):
    folder, path, _ = optional_data
    with pytest.raises(InputError, match=r"servqual_items: 'exp_tan9'"):
        prepare_study(_params(path, folder, servqual_items={"x": ["exp_tan9", "per_tan1"]}))
    with pytest.raises(InputError, match=r"csi_constructs \(SAT\): 'CUSA9'"):
        prepare_study(_params(path, folder, csi_model="ACSI",
                              csi_constructs={"SAT": ["CUSA1", "CUSA9"]}))
    with pytest.raises(InputError, match=r"needs panel_id, panel_expectation, "
                                         "panel_experience as well"):
        prepare_study(_params(path, folder, panel_wave="wave"))
    with pytest.raises(InputError, match=r"recovery_handling: 'handled'"):
        prepare_study(_params(path, folder, recovery_failure="failure",
                              recovery_recovered="recovered", recovery_handling="handled",
                              recovery_outcomes=["satisfaction"]))


def test_preflight_stops_bad_section_input(optional_data, frame, tmp_path):
    folder, _, _ = optional_data
    bad = frame.copy()
    bad.loc[[3, 8], "failure"] = 2  # not a 0/1 flag
    path = tmp_path / "optional.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"service recovery \(recovery_\*\) section: .*"
                                         r"'failure'.*0 \(no\) or 1 \(yes\)"):
        prepare_study(_params(path, folder, recovery_failure="failure",
                              recovery_recovered="recovered",
                              recovery_outcomes=["satisfaction"]))


def test_parameter_types_of_the_new_sections():
    from expectlab.report.parameters import validate_parameters

    for name, value in (("csi_model", "PLS"), ("servqual_items", {"a": ["x"]}),
                        ("servqual_dimensions", "modern"), ("panel_wave", 3),
                        ("csi_constructs", {"SAT": 1}), ("servqual_importance", ["x"])):
        with pytest.raises(InputError, match=f"Parameter '{name}' must be"):
            validate_parameters({name: value})
    out = validate_parameters({"recovery_outcomes": "satisfaction, loyal"})
    assert out["recovery_outcomes"] == ["satisfaction", "loyal"]
    assert validate_parameters({})["csi_model"] is None
