"""read_survey on every supported format, missing codes, codebooks and every error path."""

import numpy as np
import pandas as pd
import pytest

import expectlab
from expectlab import InputError, read_survey
from tests.conftest import DATA


@pytest.fixture(scope="module")
def example_csv():
    return read_survey(DATA / "client_survey.csv")


def test_example_csv_reads_with_sidecar_codebook(example_csv):
    s = example_csv
    assert s.n_rows == 600 and s.file_type == "csv"
    assert s.codebook.id_column == "respondent_id"
    assert s.codebook["sat_3"].reverse
    # 99 = "don't know" declared in the codebook becomes missing and is counted
    raw = pd.read_csv(DATA / "client_survey.csv")
    assert s.missing_report.loc["exp_1", "declared_missing"] == (raw["exp_1"] == 99).sum() > 0
    assert s.data["exp_1"].isna().sum() == (raw["exp_1"] == 99).sum()
    # complaint handling is blank (not asked) for customers without a complaint
    assert s.missing_report.loc["complaint_handling", "blank"] == (raw["complaint"] == 0).sum()
    assert s.data["exp_1"].max() <= 7


def test_spss_file_matches_csv(example_csv):
    sav = read_survey(DATA / "client_survey.sav")
    assert sav.file_type == "spss"
    assert sav.codebook["exp_1"].label.startswith("Before joining")
    assert sav.codebook["exp_1"].missing == [99]
    assert sav.codebook["exp_1"].scale == (1.0, 7.0)
    pd.testing.assert_frame_equal(
        sav.data.drop(columns="segment").astype(float),
        example_csv.data.drop(columns="segment").astype(float),
    )
    pd.testing.assert_series_equal(sav.missing_report["missing"],
                                   example_csv.missing_report["missing"])


def test_spss_user_missing_ranges_are_honoured(tmp_path):
    import pyreadstat

    frame = pd.DataFrame({"q": [1.0, 2.0, 97.0, 98.0, 5.0]})
    path = tmp_path / "ranges.sav"
    pyreadstat.write_sav(frame, str(path), missing_ranges={"q": [{"lo": 97, "hi": 99}]})
    s = read_survey(path)
    assert s.data["q"].isna().sum() == 2
    assert s.missing_report.loc["q", "declared_missing"] == 2


@pytest.mark.parametrize("suffix", [".xlsx", ".dta", ".parquet", ".tsv"])
def test_other_formats_round_trip(tmp_path, suffix):
    frame = pd.DataFrame({"rid": [1, 2, 99, 4], "q1": [1, 5, 99, 3],
                          "seg": ["a", "b", "a", "b"]})
    path = tmp_path / f"survey{suffix}"
    if suffix == ".xlsx":
        frame.to_excel(path, index=False, sheet_name="answers")
    elif suffix == ".dta":
        import pyreadstat

        pyreadstat.write_dta(frame, str(path))
    elif suffix == ".parquet":
        frame.to_parquet(path)
    else:
        frame.to_csv(path, sep="\t", index=False)
    # global missing codes apply to answer items only (here named with items=), never to ids
    s = read_survey(path, missing_codes=[99], items=["q1"], id_column="rid")
    assert s.n_rows == 4
    assert s.data["rid"].tolist() == [1, 2, 99, 4]
    assert s.data["q1"].isna().sum() == 1
    assert s.missing_report.loc["q1", "declared_missing"] == 1
    assert list(s.data["seg"]) == ["a", "b", "a", "b"]


def test_text_missing_codes_match_case_space_and_quotes(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("q\n1\n Don\u2019t know \nDON'T KNOW\n4\n")
    s = read_survey(path, missing_codes=["don't know"], codebook={"variables": {
        "q": {"scale": [1, 5]}}})
    assert s.data["q"].tolist()[0] == 1 and s.data["q"].isna().sum() == 2
    assert pd.api.types.is_numeric_dtype(s.data["q"])


def test_per_column_missing_codes(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("a,b\n1,-9\n-9,2\n")
    s = read_survey(path, missing_codes={"b": [-9]})
    assert s.data["a"].tolist() == [1, -9] and s.data["b"].isna().sum() == 1


def test_blank_rows_are_kept_and_noted(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("a,b\n1,2\n\n3,4\n")
    s = read_survey(path)
    assert s.n_rows == 3
    assert any("no answer at all" in n for n in s.notes)


def test_reverse_coded_copy(example_csv):
    rev = example_csv.reverse_coded()
    both = example_csv.data["sat_3"].notna()
    assert np.allclose(rev.loc[both, "sat_3"], 8 - example_csv.data.loc[both, "sat_3"])
    assert np.corrcoef(rev.loc[both & rev["sat_1"].notna(), ["sat_1", "sat_3"]].T)[0, 1] > 0.5


def test_value_labels(example_csv):
    labels = example_csv.value_labels("stayed")
    assert set(labels.unique()) == {"Left", "Renewed"}


# -- error paths: one InputError naming file, column, rows and values -----------------------
def _csv(tmp_path, text, name="s.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_unknown_file_type(tmp_path):
    with pytest.raises(InputError, match=r"unknown file type '\.json'.*\.csv"):
        read_survey(_csv(tmp_path, "{}", "s.json"))


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_survey(tmp_path / "nothing.csv")


@pytest.mark.parametrize("text", ["", "\n", "a,b\n"])
def test_empty_file(tmp_path, text):
    with pytest.raises(InputError, match="empty"):
        read_survey(_csv(tmp_path, text))


def test_missing_column(tmp_path):
    with pytest.raises(InputError, match=r"s\.csv: column\(s\) 'rid' not found.*'a'"):
        read_survey(_csv(tmp_path, "a\n1\n"), id_column="rid")


def test_values_outside_declared_scale(tmp_path):
    path = _csv(tmp_path, "q\n1\n9\n3\n12\n")
    with pytest.raises(InputError) as err:
        read_survey(path, codebook={"variables": {"q": {"label": "Overall", "scale": [1, 7]}}})
    msg = str(err.value)
    assert "s.csv, column 'q' (Overall)" in msg and "scale 1-7" in msg
    assert "2 values, first: row 1 = 9" in msg and "row 3 = 12" in msg
    assert "missing" in msg  # says how to fix


def test_non_numeric_answers_in_numeric_item(tmp_path):
    path = _csv(tmp_path, "q\n1\nx\n3\nlots\n")
    with pytest.raises(InputError, match=r"non-numeric answers: 2 values, first: row 1 = 'x'"):
        read_survey(path, codebook={"variables": {"q": {"type": "numeric"}}})


def test_duplicated_respondent_ids(tmp_path):
    path = _csv(tmp_path, "rid,q\n1,1\n2,2\n1,3\n")
    with pytest.raises(InputError, match=r"id column 'rid': 1 respondent id\(s\) appear"):
        read_survey(path, id_column="rid")


def test_missing_respondent_ids(tmp_path):
    path = _csv(tmp_path, "rid,q\n1,1\n,2\n")
    with pytest.raises(InputError, match="have no respondent id"):
        read_survey(path, id_column="rid")


def test_wrong_sheet_name(tmp_path):
    path = tmp_path / "s.xlsx"
    pd.DataFrame({"q": [1, 2]}).to_excel(path, index=False, sheet_name="answers")
    with pytest.raises(InputError, match=r"no sheet named 'Sheet1'.*'answers'"):
        read_survey(path, sheet="Sheet1")
    with pytest.raises(InputError, match="sheet position 3 does not exist"):
        read_survey(path, sheet=3)


def test_duplicated_column_names(tmp_path):
    with pytest.raises(InputError, match="duplicated column name"):
        read_survey(_csv(tmp_path, "a,b,a\n1,2,3\n"))
    path = tmp_path / "dup.xlsx"
    pd.DataFrame([[1, 2]], columns=["a", "a"]).to_excel(path, index=False)
    with pytest.raises(InputError, match="duplicated column name"):
        read_survey(path)


def test_unnamed_column(tmp_path):
    with pytest.raises(InputError, match="have no name"):
        read_survey(_csv(tmp_path, "a,,c\n1,2,3\n"))


def test_damaged_binary_files(tmp_path):
    for suffix in (".sav", ".dta", ".parquet", ".xlsx"):
        path = tmp_path / f"bad{suffix}"
        path.write_bytes(b"this is not a survey file")
        with pytest.raises(InputError, match="bad"):
            read_survey(path)


def test_wrong_encoding(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("name\nJos\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="encoding='latin-1'"):
        read_survey(path)
    assert read_survey(path, encoding="latin-1").data["name"].iloc[0] == "Jos\xe9"


def test_missing_codes_for_unknown_column(tmp_path):
    with pytest.raises(InputError, match="missing_codes names column"):
        read_survey(_csv(tmp_path, "a\n1\n"), missing_codes={"b": [9]})


def test_reverse_coding_needs_a_scale(tmp_path):
    s = read_survey(_csv(tmp_path, "a\n1\n"), codebook={"variables": {"a": {"reverse": True}}})
    with pytest.raises(InputError, match="declares no scale"):
        s.reverse_coded()


def test_codebook_for_absent_columns_is_noted(tmp_path):
    s = read_survey(_csv(tmp_path, "a\n1\n"), codebook={"variables": {"zz": {"label": "x"}}})
    assert any("zz" in n for n in s.notes)


def test_input_error_is_value_error():
    assert issubclass(expectlab.InputError, ValueError)
    assert issubclass(expectlab.FragileResultWarning, UserWarning)
