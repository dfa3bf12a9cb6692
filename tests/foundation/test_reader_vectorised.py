"""The reader's column-wise paths give exactly what the old per-cell loops gave.

``_to_numbers``, the SPSS blank-answer check and ``group_labels`` work on the distinct
values of a text column (or decide from its dtype) instead of looking at every cell; each
is compared here with the per-cell reference it replaced, on awkward inputs, and the error
messages of the reader are pinned word for word (as the per-cell code wrote them).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expectlab import InputError, read_survey
from expectlab._rawtable import NUMBER, is_blank
from expectlab._validate import _one_kind, group_labels
from expectlab.io import _blank_texts, _text_codes, _to_numbers


# -- the per-cell references (the code these paths replaced) ------------------------------
def _to_numbers_reference(series: pd.Series) -> pd.Series:
    def convert(value: Any) -> float:
        if is_blank(value) or isinstance(value, (bool, np.bool_)):
            return np.nan
        if isinstance(value, (int, float, np.integer, np.floating)):
            return float(value) if np.isfinite(value) else np.nan
        text = str(value).strip()
        return float(text) if NUMBER.fullmatch(text) and np.isfinite(float(text)) else np.nan

    out = pd.Series([convert(v) for v in series], index=series.index, dtype="float64")
    if len(out) and out.notna().all() and (out % 1 == 0).all() and out.abs().max() < 2**53:
        return out.astype("int64")
    return out


def _blank_reference(series: pd.Series) -> pd.Series:
    return series.map(lambda v: isinstance(v, str) and not v.strip())


def _kinds_reference(series: pd.Series) -> int:
    present = series.dropna()
    return len(present.map(lambda v: "number" if isinstance(v, (int, float, np.integer,
                                                                  np.floating, bool, np.bool_))
                            else "text" if isinstance(v, str) else "other").unique())


AWKWARD = ["1", " 2 ", "3.5", "+4", "-0", "1e3", "1e400", "nan", "NaN", "inf", "-inf", "NA",
           "", "   ", "\t", "\u00a0", "\x1c7\x1c", "\u0663", "1,5", "x", "don't know", "0x10",
           "  12  ", ".5", "5.", "1_000"]


def _variants(values: list[Any]) -> list[pd.Series]:
    index = pd.RangeIndex(10, 10 + len(values))
    out = [pd.Series(values, index=index, dtype=object)]
    texts = [v for v in values if isinstance(v, str) or v is None]
    if len(texts) == len(values):
        out.append(pd.Series(values, index=index, dtype="str"))
        out.append(pd.Series(values, index=index, dtype="string"))  # pd.NA as missing
    return out


CASES = [
    AWKWARD,
    AWKWARD + [None, np.nan],
    ["1", "2", "3"],              # whole and complete: int64, as a numeric column reads
    ["1", None, "3"],
    ["1", "2.5"],
    [None, None],
    [" ", ""],
    ["9007199254740993", "1"],    # beyond 2**53: stays float
    [1, True, "2", 3.5, np.int64(4), np.float64("nan"), "x", None],   # mixed: per cell
    [1, 2, 3],
    [np.bool_(True), "1"],
    [pd.Timestamp("2024-01-01"), "2"],
]


@pytest.mark.parametrize("values", CASES, ids=range(len(CASES)))
def test_to_numbers_equals_the_per_cell_reference(values):
    for series in _variants(values):
        pd.testing.assert_series_equal(_to_numbers(series), _to_numbers_reference(series))


@pytest.mark.parametrize("values", CASES, ids=range(len(CASES)))
def test_blank_texts_equal_the_per_cell_reference(values):
    for series in _variants(values):
        got = _blank_texts(series)
        assert got.index.equals(series.index)
        assert got.astype(bool).tolist() == _blank_reference(series).astype(bool).tolist()


def test_text_codes_only_for_pure_text():
    # grouping numbers would merge 1, 1.0 and True, which the reader tells apart
    assert _text_codes(pd.Series([1, True, 1.0], dtype=object)) is None
    assert _text_codes(pd.Series(["a", 1], dtype=object)) is None
    assert _text_codes(pd.Series(["a", "a"], dtype="category")) is None
    codes, uniques = _text_codes(pd.Series(["b", None, "a", "b"], dtype=object))
    assert codes.tolist() == [0, -1, 1, 0] and uniques == ["b", "a"]


texts = st.one_of(st.none(), st.just(np.nan), st.text(max_size=6),
                  st.sampled_from(AWKWARD),
                  st.floats(allow_nan=True, allow_infinity=True).map(str),
                  st.integers(-10**20, 10**20).map(lambda i: f" {i} "))


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, max_size=12))
def test_text_columns_property(values):
    for series in _variants(values):
        pd.testing.assert_series_equal(_to_numbers(series), _to_numbers_reference(series))
        assert (_blank_texts(series).astype(bool).tolist()
                == _blank_reference(series).astype(bool).tolist())


LABELS = [
    [1, "W2", None, 2], ["W1", None, "W2"], [1.0, 2, None], [True, 1, "x"], [True, False],
    [np.int64(1), "a"], [pd.Timestamp("2020-01-01"), "a"], [1, 2.5, np.nan], [], [None],
    [1, True], [b"a", "b"],
]


@pytest.mark.parametrize("values", LABELS, ids=range(len(LABELS)))
def test_group_labels_shortcut_agrees_with_the_per_value_check(values):
    series = pd.Series(values, dtype=object)
    if _one_kind(series):
        assert _kinds_reference(series) <= 1
    frame = pd.DataFrame({"w": series})
    if _kinds_reference(series) > 1:
        with pytest.raises(InputError, match="mixes (numbers and text|labels of differ)"):
            group_labels(frame, "w")
    else:
        pd.testing.assert_series_equal(group_labels(frame, "w"), frame["w"])


@pytest.mark.parametrize("dtype", ["str", "string", "category", "float64", "Int64", "bool"])
def test_group_labels_typed_columns(dtype):
    values = ["a", None, "b"] if dtype in ("str", "string", "category") else \
        ([True, False] if dtype == "bool" else [1, None, 2])
    frame = pd.DataFrame({"w": pd.Series(values, dtype=dtype)})
    pd.testing.assert_series_equal(group_labels(frame, "w", role="wave"), frame["w"])


def test_group_labels_messages_unchanged():
    frame = pd.DataFrame({"w": pd.Series([1, "W2", None, 2], dtype=object)})
    with pytest.raises(InputError) as err:
        group_labels(frame, "w", role="wave", source="f.csv")
    assert str(err.value) == (
        "Wave column 'w' in f.csv mixes numbers and text (for example 1 and 'W2'; 2 numeric "
        "and 1 text labels). Recode the waves consistently, all as numbers (1, 2, ...) or "
        "all as text ('W1', 'W2', ...).")
    frame = pd.DataFrame({"w": pd.Series([np.int64(1), "a"], dtype=object)})
    with pytest.raises(InputError) as err:
        group_labels(frame, "w", role="wave", source="f.csv")
    assert "(for example np.int64(1) and 'a'; 1 numeric and 1 text labels)" in str(err.value)
    # labels that are neither numbers nor text (dates, bytes, complex numbers) cannot be
    # ordered with the others either
    frame = pd.DataFrame({"w": pd.Series([1, 2, complex(1, 1)], dtype=object)})
    with pytest.raises(InputError) as err:
        group_labels(frame, "w", role="wave", source="f.csv")
    assert str(err.value).startswith(
        "Wave column 'w' in f.csv mixes labels of different kinds (for example 1 and "
        "(1+1j); 2 numeric and 1 other labels).")
    frame = pd.DataFrame({"w": pd.Series([pd.Timestamp("2020-01-01"), "a", 3], dtype=object)})
    with pytest.raises(InputError, match="1 numeric, 1 text and 1 other labels"):
        group_labels(frame, "w")
    # categories holding numbers and text are still refused
    frame = pd.DataFrame({"w": pd.Categorical([1, "W2", 1])})
    with pytest.raises(InputError) as err:
        group_labels(frame, "w")
    assert str(err.value).startswith(
        "Group column 'w' in the data mixes numbers and text (for example 1 and 'W2'; 2 "
        "numeric and 1 text labels).")


# -- the reader, end to end: the messages as the per-cell code wrote them ---------------
BOOK = {"id": "id", "variables": {"q1": {"scale": [1, 5]}, "seg": {"type": "categorical"}}}


@pytest.fixture
def awkward_csv(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("id,q1,seg\n1,1,a\n2, 2 ,NA\n3,x,  \n4,nan,b\n5,,c\n6,3,\n7,inf,d\n")
    return path


def test_text_in_a_numeric_item_message(awkward_csv):
    with pytest.raises(InputError) as err:
        read_survey(awkward_csv, codebook=BOOK)
    assert str(err.value) == (
        "a.csv, column 'q1': expected numbers on the scale 1-5, found non-numeric answers: 3 "
        "values, first: row 2 = 'x', row 3 = 'nan', row 6 = 'inf'. Declare these answers as "
        "missing codes (missing_codes=[...] or 'missing:' in the codebook) or correct them "
        "in the file.")
    with pytest.raises(InputError) as err:
        read_survey(awkward_csv, codebook=BOOK, missing_codes=["x", "nan", "inf"])
    assert "found non-numeric answers: 1 value, first: row 3 = 'nan'." in str(err.value)


def test_text_items_read_as_before(awkward_csv):
    survey = read_survey(awkward_csv, codebook={"id": "id"})
    # an undeclared column with text stays text, as written; only empty cells are missing
    assert survey.data["q1"].tolist()[:3] == ["1", " 2 ", "x"]
    assert survey.data["q1"].isna().tolist() == [False] * 4 + [True, False, False]
    assert survey.data["seg"].tolist()[:2] == ["a", "NA"]
    assert survey.data["seg"].isna().tolist() == [False, False, True, False, False, True,
                                                  False]


def test_spss_blank_text_answers(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    frame = pd.DataFrame({"id": [1.0, 2, 3, 4, 5, 6, 7],
                          "seg": ["a", "", "  ", "\t", "b", " x ", "\u00a0"],
                          "t": ["1", " 2", "", "3", "x", "4", "5"]})
    path = tmp_path / "c.sav"
    pyreadstat.write_sav(frame, str(path))
    survey = read_survey(path)
    # empty and white-space-only text (Python's white space, as before) is a blank cell
    assert survey.data["seg"].isna().tolist() == [False, True, True, True, False, False,
                                                  True]
    # (SPSS itself drops trailing spaces of text values)
    assert survey.data["seg"].dropna().tolist() == ["a", "b", " x"]
    assert survey.missing_report.loc["seg", "blank"] == 4
    with pytest.raises(InputError) as err:
        read_survey(path, codebook={"variables": {"t": {"type": "numeric"}}})
    assert str(err.value) == (
        "c.sav, column 't': expected numbers, found non-numeric answers: 1 value, first: row "
        "4 = 'x'. Declare these answers as missing codes (missing_codes=[...] or 'missing:' "
        "in the codebook) or correct them in the file.")
    read = read_survey(path, missing_codes={"t": ["x"]},
                       codebook={"variables": {"t": {"type": "numeric"}}})
    assert read.data["t"].tolist()[:2] == [1.0, 2.0] and read.data["t"].isna().sum() == 2


@pytest.mark.parametrize("values", [
    [3.0, 1.0, np.nan, 3.0, -0.0, 0.0, 5.5], [2, 1, 2, 7], [True, False, True], [1.5],
    [np.nan], ["Like it", None, "Like it"]])
def test_kano_distinct_answers_as_before(values):
    from expectlab.kano.answers import _distinct

    series = pd.Series(values)
    got = _distinct(series)
    expected = pd.unique(series.dropna().to_numpy(dtype=object))
    assert got.dtype == object
    assert [(type(v), v) for v in got] == [(type(v), v) for v in expected]
