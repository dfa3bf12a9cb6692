"""Wide-to-long reshaping of Kano question pairs (the report section is tested through
the report: tests/report)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from expectlab import InputError
from expectlab.kano import reshape_wide

PAIRS = {"Service app": ["kano_app_f", "kano_app_d"],
         "24/7 hotline": ["kano_hotline_f", "kano_hotline_d"],
         "Ready-to-use return label": ["kano_return_f", "kano_return_d"],
         "Live chat": ["kano_chat_f", "kano_chat_d"]}


def test_reshape_respects_declared_pairing_even_when_reversed():
    wide = pd.DataFrame({"id": [1, 2], "x_d": [5, 3], "x_f": [1, 2]})
    long = reshape_wide(wide, {"X": ["x_f", "x_d"]}, respondent="id")
    assert long[["functional", "dysfunctional"]].to_numpy().tolist() == [[1, 5], [2, 3]]
    assert long["source_row"].tolist() == [0, 1]


def test_reshape_keep_and_importance():
    wide = pd.DataFrame({"id": [1], "w": [2.0], "a_f": [1], "a_d": [5], "b_f": [3],
                         "b_d": [3], "a_imp": [4]})
    long = reshape_wide(wide, {"A": ["a_f", "a_d"], "B": ["b_f", "b_d"]}, respondent="id",
                        keep=["w"], importance={"A": "a_imp"})
    assert long["importance"].tolist()[0] == 4 and np.isnan(long["importance"].tolist()[1])
    assert long["w"].tolist() == [2.0, 2.0]


@pytest.mark.parametrize("pairs,match", [
    ({}, "non-empty"), ({"A": "a_f"}, "exactly two"), ({"A": ["a_f", "a_d", "x"]}, "two"),
    ({"A": ["a_f", "zz"]}, "'zz'")])
def test_reshape_errors(pairs, match):
    wide = pd.DataFrame({"id": [1], "a_f": [1], "a_d": [5]})
    with pytest.raises(InputError, match=match):
        reshape_wide(wide, pairs, respondent="id")
    with pytest.raises(InputError, match="not in pairs"):
        reshape_wide(wide, {"A": ["a_f", "a_d"]}, respondent="id", importance={"B": "a_f"})
