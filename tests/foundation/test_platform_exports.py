"""Platform exports (Qualtrics, SurveyMonkey, LimeSurvey, semicolon/decimal comma).

The committed files under data/exports were written by expectlab.simulate.exports; the
reader must reproduce the expected reads, and the generator must reproduce the files.
"""

from pathlib import Path

import pandas as pd
import pytest

from expectlab import InputError, read_survey
from expectlab._platforms import surveymonkey_columns
from expectlab.simulate import exports

EXPORTS = Path(__file__).parent / "data" / "exports"
FIXTURES = {f.name: f for f in exports.all_exports()}


def test_generator_regenerates_the_committed_files_byte_for_byte(tmp_path):
    written = exports.write_exports(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in EXPORTS.iterdir())
    for path in written:
        assert path.read_bytes() == (EXPORTS / path.name).read_bytes(), path.name


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_reader_reproduces_the_expected_read(name):
    survey = read_survey(EXPORTS / f"{name}.csv")
    expected = pd.read_csv(EXPORTS / f"{name}.expected.csv", keep_default_na=False,
                           na_values=[""])
    pd.testing.assert_frame_equal(survey.data, expected)
    fixture = FIXTURES[name]
    for column, label in fixture.labels.items():
        assert survey.codebook.label(column) == label
    for key, value in fixture.metadata.items():
        assert survey.metadata[key] == value


def test_qualtrics_notes_count_preview_test_and_unfinished():
    survey = read_survey(EXPORTS / "qualtrics.csv")
    assert survey.n_rows == 10  # no header row read as a respondent, none dropped
    assert survey.data["Q3"].isin(["NA", "EU", "APAC"]).all()
    assert survey.metadata["import_ids"]["Q2_1"] == "QID2_1"
    notes = " ".join(survey.notes)
    assert "Qualtrics export detected" in notes
    assert "2 preview/test response(s) (Status 'Survey Preview': 1; DistributionChannel " \
           "'preview': 1, DistributionChannel 'test': 1; first rows: [1, 3])" in notes
    assert "1 unfinished response(s)" in notes


def test_codebook_label_wins_over_question_text():
    survey = read_survey(EXPORTS / "qualtrics.csv",
                         codebook={"variables": {"Q1": {"label": "Overall satisfaction",
                                                        "scale": [1, 7]}}})
    assert survey.codebook.label("Q1") == "Overall satisfaction"
    assert survey.codebook.label("Q3") == "Where do you live?"


def test_platform_none_reads_header_rows_as_respondents():
    survey = read_survey(EXPORTS / "qualtrics.csv", platform="none")
    assert survey.n_rows == 12 and "platform" not in survey.metadata
    with pytest.raises(InputError, match="looks like a qualtrics export"):
        read_survey(EXPORTS / "qualtrics.csv", platform="surveymonkey")


def test_qualtrics_items_are_numbers_not_text():
    survey = read_survey(EXPORTS / "qualtrics.csv",
                         codebook={"variables": {"Q1": {"scale": [1, 7]}}})
    assert survey.data["Q1"].dtype == "int64"


def test_surveymonkey_column_rule():
    names, labels = surveymonkey_columns(
        ["Respondent ID", "Q one?", "Pick", "", "", "Pick again", "Why?"],
        ["", "Response", "Red", "Blue", "Other (please specify)", "Red", "Open-Ended Response"])
    assert names == ["respondent_id", "q1", "q2_red", "q2_blue", "q2_other_please_specify",
                     "q3_red", "q4"]
    assert labels["q2_blue"] == "Pick: Blue" and labels["q4"] == "Why?"
    names, _ = surveymonkey_columns(["Q", "", "R"], ["Yes", "yes", "Response"])
    assert names == ["q1_yes", "q1_yes_2", "q2"]


def test_limesurvey_codes_without_mapping_ask_to_recode(tmp_path):
    path = tmp_path / "lime.csv"
    path.write_bytes((EXPORTS / "limesurvey.csv").read_bytes())
    with pytest.raises(InputError) as err:
        read_survey(path, codebook={"variables": {"q1": {"scale": [1, 5]}}})
    msg = str(err.value)
    assert "column 'q1'" in msg and "'A3'" in msg and "recode" in msg
    assert "recode: {A1: 1" in msg and "Declare these answers as missing" not in msg
    survey = read_survey(path, codebook={"variables": {"q1": {"scale": [1, 5]}}},
                         recode={"q1": {f"A{k}": k for k in range(1, 6)}})
    expected = pd.read_csv(EXPORTS / "limesurvey.expected.csv")
    assert survey.data["q1"].tolist() == expected["q1"].tolist()
    assert any("q1 (8 via recode=)" in n for n in survey.notes)


def test_recode_arguments_are_checked(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("q\nA1\n")
    with pytest.raises(InputError, match="recode must map column names"):
        read_survey(path, recode={"A1": 1})
    with pytest.raises(InputError, match="recode names column"):
        read_survey(path, recode={"zz": {"A1": 1}})
