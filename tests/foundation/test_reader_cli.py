"""`expectlab report` stops on a bad file before running anything, with exit code 2."""

import pytest

from expectlab.cli import build_parser, main
from expectlab.report import prepare_study, split_data_source
from tests.conftest import ROOT
from tests.foundation.test_report import _minimal_params

TEMPLATE = ROOT / "expectlab" / "templates" / "client_study.ipynb"


def _run(tmp_path, data, *extra):
    out = tmp_path / "out"
    code = main(["report", str(TEMPLATE), "--data", str(data), "--out", str(out),
                 *extra, *_minimal_params()])
    return code, out


def test_ragged_row_exits_2_naming_file_line_and_fix(tmp_path, capsys):
    data = tmp_path / "ragged.csv"
    data.write_text("respondent_id,q\n1,2\n2,3\n3,4,5\n")
    code, out = _run(tmp_path, data)
    err = capsys.readouterr().err
    assert code == 2
    assert "ragged.csv, line 4: 3 fields but the header (line 1) has 2 columns" in err
    assert "extra value(s) ['5']" in err and "Re-export with text fields quoted" in err
    assert not (out / "client_study.html").exists()


def test_na_text_in_numeric_item_exits_2_with_column_and_fix(tmp_path, capsys):
    data = tmp_path / "na.csv"
    data.write_text("respondent_id;q\n1;2\n2;NA\n3;4\n")
    (tmp_path / "na.codebook.yaml").write_text("variables:\n  q: {scale: [1, 5]}\n")
    code, out = _run(tmp_path, data, "--sep", ";")
    err = capsys.readouterr().err
    assert code == 2
    assert "na.csv, column 'q': expected numbers on the scale 1-5" in err
    assert "row 1 = 'NA'" in err and "missing codes" in err
    assert not out.exists() or not any(out.iterdir())


def test_reader_options_parse_and_reach_read_survey(tmp_path):
    args = build_parser().parse_args(["report", "t", "--out", "o", "--sep", ";",
                                      "--decimal", ",", "--encoding", "latin-1",
                                      "--sheet", "Answers"])
    assert (args.sep, args.decimal, args.encoding, args.sheet) == (";", ",", "latin-1",
                                                                   "Answers")
    data = tmp_path / "eu.csv"
    data.write_bytes("respondent_id|w|seg\n1|1,5|Caf\xe9\n2|0,5|NA\n".encode("latin-1"))
    source = {"path": str(data), "sep": "|", "decimal": ",", "encoding": "latin-1"}
    assert split_data_source(source) == (str(data), {"sep": "|", "decimal": ",",
                                                     "encoding": "latin-1"})
    params = {"data_path": source, "segment_column": None, "weight_column": "w",
              "loyalty_outcome": None, "nps_column": None, "expectation_items": [],
              "experience_items": [], "satisfaction_items": [], "loyalty_drivers": [],
              "kano_pairs": {}}
    study = prepare_study(params)
    assert study.survey.data["w"].tolist() == [1.5, 0.5]
    assert study.survey.data["seg"].tolist() == ["Caf\xe9", "NA"]
    with pytest.raises(ValueError, match="'data_path' as a mapping needs 'path'"):
        split_data_source({"sep": ";"})


def test_report_missing_codes_reach_the_mapped_items_only(tmp_path):
    data = tmp_path / "s.csv"
    data.write_text("respondent_id,q1,q2,extra\n99,99,1,99\n1,2,3,4\n2,3,3,5\n3,4,4,6\n4,5,5,7\n")
    params = {"data_path": str(data), "segment_column": None, "weight_column": None,
              "loyalty_outcome": None, "nps_column": None, "expectation_items": ["q1", "q2"],
              "experience_items": [], "satisfaction_items": [], "loyalty_drivers": [],
              "kano_pairs": {}, "missing_codes": [99]}
    survey = prepare_study(params).survey
    assert survey.data["respondent_id"].tolist()[0] == 99
    assert survey.data["q1"].isna().tolist() == [True, False, False, False, False]
    assert survey.data["extra"].tolist()[:2] == [99, 4]
