"""SurveyData.to_spss: a cleaned file goes back to SPSS users with its metadata."""

import pandas as pd
import pytest

from expectlab import InputError, read_survey
from tests.conftest import DATA

FIELDS = ("label", "value_labels", "missing", "missing_ranges", "scale")


def _fields(var):
    return tuple(getattr(var, f) for f in FIELDS)


@pytest.mark.parametrize("source", ["client_survey.sav", "client_survey.csv"])
def test_round_trip_keeps_data_labels_value_labels_and_missing_codes(tmp_path, source):
    survey = read_survey(DATA / source)
    back = read_survey(survey.to_spss(tmp_path / "cleaned.sav"))
    pd.testing.assert_frame_equal(back.data, survey.data.astype(
        {c: float for c in survey.data.columns if survey.data[c].dtype == "int64"}))
    for column in survey.data.columns:
        assert _fields(back.codebook.get(column)) == _fields(survey.codebook.get(column)), column
    assert back.codebook["exp_1"].missing == [99]
    assert back.codebook["exp_1"].label.startswith("Before joining")


def test_text_columns_text_codes_and_ranges(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("rid,seg,q\n1,NA,1\n2,,97\n3,EU,5\n")
    book = {"variables": {"seg": {"label": "Region", "type": "categorical",
                                  "value_labels": {"NA": "North America"}, "missing": ["DK"]},
                          "q": {"label": "Overall", "scale": [1, 5], "missing_ranges": [[97, 99]],
                                "value_labels": {1: "Poor", 5: "Great"}}}}
    survey = read_survey(path, codebook=book)
    back = read_survey(survey.to_spss(tmp_path / "out.sav"))
    assert back.data["seg"].tolist()[0] == "NA" and pd.isna(back.data["seg"].iloc[1])
    assert back.codebook["seg"].value_labels == {"NA": "North America"}
    assert back.codebook["seg"].missing == ["DK"]
    assert back.codebook["q"].missing_ranges == [(97.0, 99.0)]
    assert back.codebook["q"].scale == (1.0, 5.0) and back.data["q"].isna().sum() == 1


def test_bad_names_and_too_many_codes(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("my col,q\n1,2\n")
    survey = read_survey(path)
    with pytest.raises(InputError, match="'my col' are not valid SPSS variable names"):
        survey.to_spss(tmp_path / "out.sav")
    path.write_text("q\n1\n")
    survey = read_survey(path, codebook={"variables": {"q": {"missing": [95, 96, 97, 98]}}})
    with pytest.raises(InputError, match="at most three codes"):
        survey.to_spss(tmp_path / "out.sav")
    with pytest.raises(InputError, match=r"must end in \.sav"):
        survey.to_spss(tmp_path / "out.csv")
