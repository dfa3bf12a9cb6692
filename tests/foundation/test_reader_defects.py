"""Regression tests for read_survey on the files clients really bring.

Shifted columns from trailing delimiters, pandas' NA strings, missing codes reaching ids,
semicolon files with decimal commas, Excel error cells, uncached formulas, cover sheets
and merged headers.
"""

import numpy as np
import pandas as pd
import pytest

from expectlab import InputError, read_survey


def _csv(tmp_path, text, name="s.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# -- 1. trailing delimiters and ragged rows -------------------------------------------------
def test_trailing_delimiter_on_every_row_is_dropped_not_shifted(tmp_path):
    path = _csv(tmp_path, "id,seg,q1,q2\n1,A,1,2,\n2,B,3,4,\n")
    s = read_survey(path)
    assert list(s.data.columns) == ["id", "seg", "q1", "q2"]
    assert s.data["id"].tolist() == [1, 2] and s.data["seg"].tolist() == ["A", "B"]
    assert s.data["q2"].tolist() == [2, 4]
    assert any("ends with a delimiter" in n for n in s.notes)


def test_header_and_rows_with_trailing_delimiter(tmp_path):
    s = read_survey(_csv(tmp_path, "id,q1,\n1,5,\n2,6,\n"))
    assert list(s.data.columns) == ["id", "q1"] and s.data["q1"].tolist() == [5, 6]


def test_first_row_with_one_field_too_many_is_an_error_not_an_index(tmp_path):
    path = _csv(tmp_path, "id,seg,q1\n1,A,1,7\n2,B,3\n")
    with pytest.raises(InputError) as err:
        read_survey(path)
    msg = str(err.value)
    assert msg.startswith("s.csv, line 2: 4 fields but the header (line 1) has 3 columns")
    assert "extra value(s) ['7']" in msg


def test_later_ragged_row_reports_its_line_and_value(tmp_path):
    # a quoted answer with a line break pushes the file lines past the record count
    path = _csv(tmp_path, 'id,seg,q1\n1,"two\nlines",1\n2,B,3\n3,C,5,oops\n')
    with pytest.raises(InputError) as err:
        read_survey(path)
    msg = str(err.value)
    assert "s.csv, line 5: 4 fields" in msg and "extra value(s) ['oops']" in msg
    assert "(lines [5])" in msg


def test_short_row_is_an_error(tmp_path):
    with pytest.raises(InputError, match=r"line 3: 2 field\(s\) but the header .* 3 columns"):
        read_survey(_csv(tmp_path, "a,b,c\n1,2,3\n4,5\n"))


def test_unclosed_quote_is_an_error_not_a_swallowed_file(tmp_path):
    with pytest.raises(InputError, match=r"line 3: the text cannot be parsed"):
        read_survey(_csv(tmp_path, 'a,b\n1,2\n3,"x\n5,6\n'))


# -- 2. NA-like strings are answers -----------------------------------------------------
@pytest.mark.parametrize("token", ["NA", "None", "null", "n/a", "nan", "N/A", "#N/A", "NULL"])
def test_na_like_text_survives(tmp_path, token):
    s = read_survey(_csv(tmp_path, f"id,segment\n1,{token}\n2,EU\n3,\n"))
    assert s.data["segment"].iloc[0] == token
    assert s.data["segment"].isna().tolist() == [False, False, True]
    assert s.missing_report.loc["segment", "blank"] == 1


def test_na_text_in_numeric_item_is_reported_with_the_fix(tmp_path):
    path = _csv(tmp_path, "id,q1\n1,3\n2,NA\n3,n/a\n")
    with pytest.raises(InputError) as err:
        read_survey(path, codebook={"variables": {"q1": {"scale": [1, 5]}}})
    msg = str(err.value)
    assert "s.csv, column 'q1': expected numbers on the scale 1-5" in msg
    assert "row 1 = 'NA', row 2 = 'n/a'" in msg and "missing codes" in msg
    s = read_survey(path, codebook={"variables": {"q1": {"scale": [1, 5]}}},
                    missing_codes={"q1": ["NA", "n/a"]})
    assert s.data["q1"].isna().sum() == 2 and s.missing_report.loc["q1", "declared_missing"] == 2


def test_na_text_in_excel_survives(tmp_path):
    path = tmp_path / "s.xlsx"
    pd.DataFrame({"id": [1, 2], "segment": ["NA", "EU"]}).to_excel(path, index=False)
    assert read_survey(path).data["segment"].tolist() == ["NA", "EU"]


# -- 3. missing codes only on answer items ------------------------------------------------
def test_global_missing_codes_spare_ids_and_typed_columns(tmp_path):
    path = _csv(tmp_path, "rid,region,w,q1,q2\n99,99,1,99,2\n1,2,99,3,99\n")
    book = {"id": "rid", "variables": {"region": {"type": "categorical"},
                                       "w": {"type": "weight"},
                                       "q1": {"scale": [1, 7]}}}
    s = read_survey(path, codebook=book, missing_codes=[99], items=["q2"])
    assert s.data["rid"].tolist() == [99, 1]
    assert s.data["region"].tolist() == [99, 2] and s.data["w"].tolist() == [1, 99]
    assert s.data["q1"].isna().tolist() == [True, False]
    assert s.data["q2"].isna().tolist() == [False, True]
    assert "Missing codes [99] were applied to 2 answer item(s): q1, q2." in s.notes


def test_dict_form_reaches_any_column(tmp_path):
    path = _csv(tmp_path, "rid,region\n1,99\n2,3\n")
    s = read_survey(path, missing_codes={"region": [99]},
                    codebook={"variables": {"region": {"type": "categorical"}}})
    assert s.data["region"].isna().tolist() == [True, False]


def test_global_codes_without_items_ask_for_items(tmp_path):
    with pytest.raises(InputError, match=r"items=\['q1', 'q2'\].*missing_codes=\{'q1'"):
        read_survey(_csv(tmp_path, "rid,q\n1,99\n"), missing_codes=[99])


@pytest.mark.parametrize("codes", [True, False, [99, True], {"q": [False]}, {"q": True}])
def test_booleans_are_not_missing_codes(tmp_path, codes):
    with pytest.raises(InputError, match="True/False"):
        read_survey(_csv(tmp_path, "q\n1\n0\n"), missing_codes=codes, items=["q"])


def test_items_must_exist_and_exclude_the_id(tmp_path):
    path = _csv(tmp_path, "rid,q\n1,2\n")
    with pytest.raises(InputError, match="items names column.*'zz'"):
        read_survey(path, missing_codes=[99], items=["zz"])
    with pytest.raises(InputError, match="id column 'rid'"):
        read_survey(path, missing_codes=[99], items=["rid", "q"], id_column="rid")


# -- 4. delimiter and decimal sniffing ------------------------------------------------------
def test_semicolon_file_with_decimal_comma(tmp_path):
    path = _csv(tmp_path, "id;seg;w;q1\n1;NA;1,5;3\n2;EU;0,25;4\n")
    s = read_survey(path)
    assert list(s.data.columns) == ["id", "seg", "w", "q1"]
    assert s.data["w"].tolist() == [1.5, 0.25] and s.data["seg"].tolist() == ["NA", "EU"]
    assert "s.csv was read as semicolon-separated (detected)." in s.notes
    assert any("decimal comma" in n for n in s.notes)
    assert s.metadata["sep"] == ";" and s.metadata["decimal"] == ","


@pytest.mark.parametrize("sep,word", [("\t", "tab"), ("|", "pipe")])
def test_other_delimiters(tmp_path, sep, word):
    s = read_survey(_csv(tmp_path, f"a{sep}b\n1{sep}x, y\n2{sep}z\n"))
    assert s.data["b"].tolist() == ["x, y", "z"]
    assert f"s.csv was read as {word}-separated (detected)." in s.notes


def test_comma_wins_ties_and_semicolon_answers_stay_text(tmp_path):
    s = read_survey(_csv(tmp_path, "a,b\n1,x;y\n2,z\n"))
    assert s.data["b"].tolist() == ["x;y", "z"] and s.metadata["sep"] == ","


def test_semicolon_file_never_reads_as_one_column(tmp_path):
    text = "id;q1;q2\n" + "".join(f"{i};{i % 5 + 1};{(i * 3) % 5 + 1}\n" for i in range(60))
    s = read_survey(_csv(tmp_path, text))
    assert s.data.shape == (60, 3)


def test_explicit_decimal_and_sep(tmp_path):
    path = _csv(tmp_path, "a;b\n1,5;2\n")
    assert read_survey(path, sep=";", decimal=",").data["a"].tolist() == [1.5]
    assert read_survey(path, sep=";", decimal=".").data["a"].tolist() == ["1,5"]
    with pytest.raises(InputError, match="decimal must be"):
        read_survey(path, decimal=";")
    with pytest.raises(InputError, match="another delimiter"):
        read_survey(path, sep=",", decimal=",")


def test_decimal_comma_in_a_mixed_column_converts_after_missing_codes(tmp_path):
    path = _csv(tmp_path, "id;q\n1;2,5\n2;weiß nicht\n3;4\n")
    s = read_survey(path, missing_codes={"q": ["weiß nicht"]})
    assert s.data["q"].tolist()[0] == 2.5 and np.isnan(s.data["q"].tolist()[1])


# -- 6. Excel ----------------------------------------------------------------------------
def _workbook(path, sheets):
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(path)
    return book


def test_excel_error_cells_are_their_own_missing_type(tmp_path):
    import openpyxl

    path = tmp_path / "s.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["id", "q1", "q2"])
    ws.append([1, 3, 4])
    ws.append([2, None, 5])
    ws.append([3, 2, 1])
    # error values as Excel stores them (a formula's cached result)
    ws["B4"].value = "#N/A"
    ws["B4"].data_type = "e"
    ws["C3"].value = "#DIV/0!"
    ws["C3"].data_type = "e"
    book.save(path)
    s = read_survey(path)
    report = s.missing_report
    assert report.loc["q1", "error_cells"] == 1 and report.loc["q1", "blank"] == 1
    assert report.loc["q1", "missing"] == 2 and report.loc["q2", "error_cells"] == 1
    assert list(report.columns) == ["declared_missing", "blank", "error_cells", "missing",
                                    "share_missing"]
    assert any("'q1': 1 Excel error cell(s)" in n and "#N/A at row 4" in n for n in s.notes)


def test_uncached_formula_asks_to_save_in_excel(tmp_path):
    path = tmp_path / "s.xlsx"
    _workbook(path, {"data": [["id", "q1"], [1, 2], [2, "=B2*2"]]})
    with pytest.raises(InputError, match=r"formula cell\(s\) have no stored value \(first: "
                                         r"B3\).*Open it in Excel.*CSV"):
        read_survey(path)


def test_cover_sheet_read_as_data_names_the_sheets(tmp_path):
    path = tmp_path / "s.xlsx"
    _workbook(path, {"Cover": [["Customer survey 2025"], ["Prepared by the agency"]],
                     "Answers": [["id", "q1"], [1, 3], [2, 4]]})
    with pytest.raises(InputError) as err:
        read_survey(path)
    msg = str(err.value)
    assert "first sheet 'Cover'" in msg and "sheet='Answers'" in msg
    assert read_survey(path, sheet="Answers").data["q1"].tolist() == [3, 4]
    assert read_survey(path, sheet="1").n_rows == 2  # a position given as text (CLI)


def test_title_rows_above_the_header(tmp_path):
    path = tmp_path / "s.xlsx"
    _workbook(path, {"data": [["Survey results"], [], ["id", "q1"], [1, 3]]})
    with pytest.raises(InputError, match="row 1 holds 1 filled cell"):
        read_survey(path)


def test_merged_two_row_header(tmp_path):
    path = tmp_path / "s.xlsx"
    book = _workbook(path, {"data": [["id", "Satisfaction", None], [None, "q1", "q2"],
                                     [1, 3, 4], [2, 5, 1]]})
    book["data"].merge_cells("B1:C1")
    book.save(path)
    with pytest.raises(InputError, match=r"merged cells in the header \(B1:C1\)"):
        read_survey(path)


def test_second_header_row_of_text_over_numbers(tmp_path):
    path = tmp_path / "s.xlsx"
    _workbook(path, {"data": [["id", "q1", "q2"], ["Respondent", "Overall", "Value"],
                              [1, 3, 4], [2, 5, 1], [3, 2, 2]]})
    with pytest.raises(InputError, match=r"row 2: the first data row looks like a second "
                                         r"header row.*'q1' = 'Overall'"):
        read_survey(path)
    csv_path = _csv(tmp_path, "id,q1,q2\nRespondent,Overall,Value\n1,3,4\n2,5,1\n")
    with pytest.raises(InputError, match="line 2: the first data line looks like"):
        read_survey(csv_path)


def test_unnamed_excel_column_names_the_position(tmp_path):
    path = tmp_path / "s.xlsx"
    _workbook(path, {"data": [["id", "q1", None, "q3"], [1, 3, 9, 4]]})
    with pytest.raises(InputError, match=r"Excel column\(s\) C have no name"):
        read_survey(path)
    csv_path = _csv(tmp_path, "Unnamed: 0,id,q1\n0,1,3\n")
    with pytest.raises(InputError, match=r"position\(s\) 1 \(1 = first\) have no name"):
        read_survey(csv_path)


def test_empty_unnamed_excel_column_is_ignored_with_a_note(tmp_path):
    path = tmp_path / "s.xlsx"
    _workbook(path, {"data": [["id", None, "q1"], [1, None, 3]]})
    s = read_survey(path)
    assert list(s.data.columns) == ["id", "q1"]
    assert any("empty column(s) without a name (Excel column(s) B)" in n for n in s.notes)
