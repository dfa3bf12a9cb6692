"""Answer wordings: normalisation, built-in sets, user mappings, unknown labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expectlab import InputError
from expectlab.kano import ANSWER_SETS, answer_set_from_mapping, classify, normalise_label
from expectlab.kano.answers import compatible_sets, detect_answer_set, to_codes


@pytest.mark.parametrize("name", list(ANSWER_SETS))
def test_every_builtin_set_maps_its_labels_to_codes_1_to_5(name):
    labels = list(ANSWER_SETS[name].labels)
    codes, used = to_codes(labels)
    assert codes.tolist() == [1, 2, 3, 4, 5]
    assert used == name


def test_labels_of_the_issue_are_recognised():
    codes, name = to_codes(["I enjoy it that way",
                            "It is a basic necessity, or I expect it that way",
                            "I dislike it, and I can\u2019t accept it"])
    assert name == "Berger et al. 1993" and codes.tolist() == [1, 2, 5]
    codes, name = to_codes(["This would be a minor inconvenience", "This would not affect me"])
    assert name == "Blauth" and codes.tolist() == [4, 3]
    codes, name = to_codes(["非常喜欢", "勉强接受", "无所谓"])
    assert name == "Chinese B" and codes.tolist() == [1, 4, 3]
    codes, name = to_codes(["我很喜欢", "能忍受"])
    assert name == "Chinese A" and codes.tolist() == [1, 4]


def test_normalisation_of_case_space_quotes_and_full_stop():
    assert normalise_label("  I  DISLIKE it, and I can\u2019t ACCEPT it. ") == \
        "i dislike it, and i can't accept it"
    assert normalise_label(3.0) == "3" and normalise_label("3") == "3"
    assert normalise_label(np.int64(5)) == "5"


@settings(max_examples=60, deadline=None)
@given(label=st.sampled_from([lab for s in ANSWER_SETS.values() for lab in s.labels]),
       pad=st.text(alphabet=" \t", max_size=3), upper=st.booleans())
def test_matching_ignores_case_and_surrounding_white_space(label, pad, upper):
    variant = pad + (label.upper() if upper else label) + pad
    assert normalise_label(variant) == normalise_label(label)


def test_codes_as_strings_and_floats_with_missing():
    codes, name = to_codes(pd.Series(["1", "5", None, "3"]))
    assert codes.tolist() == [1, 5, 0, 3] and name == "codes 1-5"
    codes, _ = to_codes(np.array([1.0, np.nan, 4.0]))
    assert codes.tolist() == [1, 0, 4]


def test_unknown_labels_raise_listing_every_label_with_count_and_rows():
    values = pd.Series(["I like it", "I love it", "I love it", "meh", "I dislike it"],
                       index=[10, 11, 12, 13, 14])
    with pytest.raises(InputError) as err:
        to_codes(values, column="kano_app_f")
    msg = str(err.value)
    assert "kano_app_f" in msg and "2 answer label(s)" in msg
    assert "'I love it' (2 values, first: row 11" in msg
    assert "'meh' (1 value, first: row 13" in msg
    assert "never classified as Q" in msg


def test_out_of_range_codes_raise_not_q():
    with pytest.raises(InputError, match="'7'|7"):
        classify(np.array([1, 7]), np.array([5, 5]))
    with pytest.raises(InputError, match="0"):
        to_codes(pd.Series([0, 1]))


def test_user_mapping_by_code_and_position_and_several_spellings():
    mapping = {"Love it": 1, "Adore it": "like", "Must have": "expect", "Meh": 3,
               "Can live with it": "tolerate", "Hate it": 5}
    codes, name = to_codes(["love it", "ADORE IT", "meh", "Hate it"], mapping)
    assert codes.tolist() == [1, 1, 3, 5] and name == "user mapping"
    s = answer_set_from_mapping(mapping)
    assert s.lookup()["must have"] == 2


@pytest.mark.parametrize("bad", [{}, {"Love it": 9}, {"x": "sometimes"}, "not a mapping"])
def test_bad_user_mappings_raise(bad):
    with pytest.raises(InputError):
        if isinstance(bad, str):
            to_codes(["x"], 42)
        else:
            answer_set_from_mapping(bad)


def test_unknown_set_name_raises():
    with pytest.raises(InputError, match="Unknown answer set"):
        to_codes(["I like it"], "Klingon")


def test_detection_uses_both_columns_and_compatible_sets():
    chosen = detect_answer_set(["I like it that way"], ["I dislike it that way"])
    assert chosen.name == "Kano 1984"
    assert compatible_sets(["无所谓"]) == ["Chinese A", "Chinese B"]
