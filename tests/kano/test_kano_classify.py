"""The evaluation tables and the vectorised classifier."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import expectlab
from expectlab import InputError
from expectlab.kano import classify, evaluation_table

# The standard table as printed in the issue (rows functional, columns dysfunctional,
# both ordered like / expect / neutral / tolerate / dislike).
STANDARD = ["QAAAO", "RIIIM", "RIIIM", "RIIIM", "RRRRQ"]


def test_every_cell_of_the_standard_table():
    f, d = np.meshgrid(np.arange(1, 6), np.arange(1, 6), indexing="ij")
    got = np.asarray(classify(f.ravel(), d.ravel())).reshape(5, 5)
    assert ["".join(row) for row in got] == STANDARD


def test_strict_table_scores_expect_expect_and_tolerate_tolerate_as_q():
    f, d = np.meshgrid(np.arange(1, 6), np.arange(1, 6), indexing="ij")
    got = np.asarray(classify(f.ravel(), d.ravel(), table="strict")).reshape(5, 5)
    expected = [list(r) for r in STANDARD]
    expected[1][1] = expected[3][3] = "Q"
    assert got.tolist() == expected
    assert evaluation_table("strict").loc["tolerate", "tolerate"] == "Q"


def test_public_paths_and_scalar_and_labels():
    assert expectlab.kano.classify is classify
    assert classify(1, 5) == "O"
    assert classify("I like it", "I am neutral") == "A"
    assert classify("It must be that way", "I dislike it that way") == "M"


def test_series_keep_index_and_missing_stays_missing():
    f = pd.Series([1, None, 2], index=["a", "b", "c"], dtype="float")
    d = pd.Series([5, 5, 5], index=["a", "b", "c"])
    out = classify(f, d)
    assert list(out.index) == ["a", "b", "c"]
    assert out["a"] == "O" and pd.isna(out["b"]) and out["c"] == "M"


def test_vectorised_result_matches_row_by_row_look_up():
    rng = np.random.default_rng(0)
    f, d = rng.integers(1, 6, 2000), rng.integers(1, 6, 2000)
    slow = [STANDARD[a - 1][b - 1] for a, b in zip(f, d, strict=True)]
    assert list(classify(f, d)) == slow
    assert list(classify(f.astype(np.int8), d.astype(float))) == slow


def test_custom_table():
    table = [list("QAAAO"), list("RIIIM"), list("RIIIM"), list("RIIIM"), list("RRRRO")]
    assert classify(5, 5, table=table) == "O"


@pytest.mark.parametrize("table,match", [
    ("lenient", "Unknown evaluation table"),
    ([list("QAAA")] * 5, "5 x 5"),
    ([list("QAAAX")] * 5, "only hold the letters"),
])
def test_bad_tables_raise(table, match):
    with pytest.raises(InputError, match=match):
        classify([1], [5], table=table)


def test_length_mismatch_raises():
    with pytest.raises(InputError, match="same length"):
        classify([1, 2], [5])


def test_mixed_wording_within_a_call_raises_with_unknown_labels():
    with pytest.raises(InputError, match="I like it that way"):
        classify(["I like it", "I like it that way"], ["I dislike it", "I dislike it"])
