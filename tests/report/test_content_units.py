"""Report content without running a notebook: formatting rules, catalogues, which
sections run, pre-flight validation, the CJK font requirement."""

from __future__ import annotations

import string

import numpy as np
import pandas as pd
import pytest

from expectlab import InputError
from expectlab.report import DEFAULT_PARAMETERS, prepare_study
from expectlab.report import formatting as fmt
from expectlab.report.i18n import catalogue, messages
from tests.conftest import DATA
from tests.report._studies import satisfaction_only


def test_one_rule_per_kind_of_number():
    assert fmt.count(1204.0) == "1,204" and fmt.count(np.int64(5)) == "5"
    assert fmt.share(0.4523) == "45.2%" and fmt.share(1) == "100.0%"
    assert fmt.p_value(0.0004) == "< 0.001" and fmt.p_value(0.04213) == "0.042"
    assert fmt.p_clause(1e-9) == "p < 0.001" and fmt.p_clause(0.5) == "p = 0.500"
    assert fmt.estimate(-0.001) == "0.00" and fmt.estimate(0.715) in ("0.71", "0.72")
    assert fmt.nps_value(12.34) == "+12.3" and fmt.points(-3.44) == "-3.4"
    assert fmt.share_n(1.0, 5) == "100.0% (n = 5)"
    assert fmt.interval(0.1, 0.25) == "0.10 to 0.25"
    assert fmt.interval(0.1, 0.25, to="至") == "0.10 至 0.25"
    assert fmt.count(np.nan) == "" and fmt.p_value(None) == ""
    assert fmt.literal("Biz $5 to $10") == r"Biz \$5 to \$10"
    assert fmt.humanise("switching_costs") == "Switching costs"


def test_catalogues_have_the_same_keys_and_placeholders():
    en, zh = catalogue("en"), catalogue("zh")
    assert set(en) == set(zh)
    assert len(en) > 200
    parse = string.Formatter().parse
    for key in en:
        names_en = {f for _, f, _, _ in parse(en[key]) if f}
        names_zh = {f for _, f, _, _ in parse(zh[key]) if f}
        assert names_en == names_zh, key
    assert messages("zh")("section.summary") == "执行摘要"
    assert messages("en")("word.yes") == "yes"  # a quoted YAML key, not the boolean True
    with pytest.raises(InputError, match="language"):
        messages("fr")


def test_satisfaction_only_file_leaves_the_other_sections_out(tmp_path):
    path = satisfaction_only(tmp_path)
    study = prepare_study({**DEFAULT_PARAMETERS, "data_path": str(path), "id_column": "rid",
                           "expectation_items": ["e1", "e2"],
                           "experience_items": ["p1", "p2"],
                           "satisfaction_items": ["s1", "s2"], "scale_max": 5})
    runs = {name: plan.runs for name, plan in study.sections.items()}
    assert runs == {"kano": False, "satisfaction": True, "servqual": False, "csi": False,
                    "loyalty": False, "nps": False, "dynamics": False, "recovery": False,
                    "purchase": False}
    reasons = {name: [r.key for r in plan.reasons] for name, plan in study.sections.items()}
    assert reasons["kano"] == ["reason.pair_absent"] * 4
    assert reasons["loyalty"] == ["reason.columns_absent"]
    assert reasons["purchase"] == ["reason.no_transactions"]
    assert [r.key for r in study.adjustments] == ["adjust.no_segments", "adjust.no_weights"]
    assert study.params["segment_column"] is None and study.params["kano_pairs"] == {}
    assert study.explicit >= {"id_column", "expectation_items", "scale_max"}


def test_explicit_mapping_with_missing_columns_is_an_error(tmp_path):
    path = satisfaction_only(tmp_path)
    base = {**DEFAULT_PARAMETERS, "data_path": str(path), "id_column": "rid",
            "expectation_items": ["e1", "e2"], "experience_items": ["p1", "p2"],
            "satisfaction_items": ["s1", "s2"], "scale_max": 5}
    with pytest.raises(InputError) as info:
        prepare_study({**base, "nps_column": "recommend"})
    text = str(info.value)
    assert "nps_column: 'recommend'" in text and "'rid'" in text
    assert "nps_column=recommend" not in text  # never suggests the mapping that failed
    # the same name passed explicitly (not compared with defaults) is an error too
    with pytest.raises(InputError, match="nps_column: 'nps'"):
        prepare_study(base, explicit=["nps_column"])


def _example(**changes):
    return {**DEFAULT_PARAMETERS, "data_path": str(DATA / "client_survey.csv"), **changes}


def test_preflight_finds_bad_section_inputs_before_running(tmp_path):
    raw = pd.read_csv(DATA / "client_survey.csv")
    for column, value, expected in (("complaint", "often", "complaint"),
                                    ("kano_app_f", 9, "kano_app_f"),
                                    ("weight", 0.0, "weight")):
        bad = raw.copy()
        if column == "weight":
            bad[column] = value
        else:
            bad[column] = bad[column].astype(object)
            bad.loc[3, column] = value
        path = tmp_path / f"bad_{column}.csv"
        bad.to_csv(path, index=False)
        (tmp_path / f"bad_{column}.codebook.yaml").write_text(
            (DATA / "client_survey.codebook.yaml").read_text())
        with pytest.raises(InputError, match=expected):
            prepare_study(_example(data_path=str(path)))


def test_chinese_needs_a_cjk_font(monkeypatch):
    from expectlab.report import blocks

    monkeypatch.setattr(blocks, "cjk_font", lambda: None)
    with pytest.raises(InputError, match="apt-get install fonts-noto-cjk"):
        prepare_study(_example(language="zh"))


def test_bad_style_is_refused_before_running():
    with pytest.raises(InputError, match="colours"):
        prepare_study(_example(style={"colours": ["#123456", "not a colour"]}))
    with pytest.raises(InputError, match="logo"):
        prepare_study(_example(style={"logo": "https://example.com/x.png"}))
