"""The satisfaction-index section of the client-study report."""

from __future__ import annotations

from pathlib import Path

import pytest

import expectlab
from expectlab import InputError
from expectlab.csi.report_section import csi_tables

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def survey():
    return expectlab.read_survey(ROOT / "data" / "client_survey.sav")


@pytest.fixture(scope="module")
def tables(survey):
    return csi_tables(survey, n_boot=100, random_state=1)


def test_tables_for_the_example_survey(tables):
    paths = tables["paths"]
    assert list(paths.index) == [
        "satisfaction \u2192 trust", "satisfaction \u2192 loyalty", "trust \u2192 loyalty",
        "switching costs \u2192 loyalty", "satisfaction x switching costs \u2192 loyalty"]
    assert list(paths.columns) == ["estimate", "lower 95%", "upper 95%", "p-value"]
    assert paths.loc["satisfaction \u2192 trust", "estimate"] == pytest.approx(0.628, abs=0.01)
    assert list(tables["r2"].index) == ["trust", "loyalty"]
    assert (tables["reliability"].loc[["satisfaction", "trust", "switching costs"],
                                      "rho_a"] > 0.8).all()
    index = tables["index"]
    assert index.loc["loyalty", "scale"] == "0-1"
    assert 0 < index.loc["satisfaction", "index (0-100)"] < 100
    assert list(tables["slopes"].index) == ["1 SD below average", "average",
                                            "1 SD above average"]
    assert tables["left_out"] == []
    assert tables["model"].reversed_items_ == ["sat_3"]


def test_without_outcome_or_switching_costs(survey):
    t = csi_tables(survey, outcome="renewed", n_boot=0)
    assert list(t["paths"].index) == ["satisfaction \u2192 trust"]
    assert t["left_out"] == ["loyalty (no column or scale 'renewed' in the survey)"]
    study = expectlab.Study.from_survey(survey, scales={"switching_costs": []})
    assert "switching_costs" not in study.scales
    t = csi_tables(study, n_boot=0)
    assert t["slopes"] is None
    assert t["left_out"] == ["switching costs (no scale 'switching_costs' declared)"]


def test_missing_scales_explained(survey):
    data = survey.data.drop(columns=["trust_1", "trust_2"])
    study = expectlab.Study.from_frame(data, {"scales": {"satisfaction": ["sat_1", "sat_2"]}})
    with pytest.raises(InputError, match=r"needs the scale\(s\) \['trust'\] declared"):
        csi_tables(study)


def test_report_section_compute_and_show(monkeypatch):
    """The chain on the bundled example through prepare_study: the same paths as
    csi_tables, shown in the report's words; a missing required scale is an error."""
    from expectlab.csi.report_section import compute, show, strongest_path
    from expectlab.report import DEFAULT_PARAMETERS, prepare_study
    from expectlab.report.context import ReportContext
    from tests.report._studies import shown_text

    params = {**DEFAULT_PARAMETERS, "data_path": str(ROOT / "data" / "client_survey.sav"),
              "csi_model": "chain", "n_boot": 20, "random_state": 1}
    study = prepare_study(params)
    assert study.runs("csi")
    result = compute(study)
    model = result.parts["model"]
    direct = csi_tables(study.study, n_boot=0, weights="weight")["model"]
    assert list(model.summary.index) == list(direct.summary.index)
    assert model.summary["estimate"].to_numpy() == pytest.approx(
        direct.summary["estimate"].to_numpy())
    assert strongest_path(model).name == "SAT -> TRUST"
    out = shown_text(monkeypatch)
    show(result, ReportContext(study))
    text = "\n".join(out)
    assert "Satisfaction → Trust" in text and "Paths with 95% bootstrap intervals" in text
    assert "Satisfaction → loyalty for customers with low" in text
    with pytest.raises(InputError, match=r"csi_constructs \(TRUST\): 'trust_9'"):
        prepare_study({**params, "csi_constructs": {"TRUST": ["trust_1", "trust_9"]}})
