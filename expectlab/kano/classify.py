"""Classifying Kano answer pairs with an evaluation table: a vectorised table look-up.

Rows of the table are the functional answer, columns the dysfunctional answer, both in
the order like / expect / neutral / tolerate / dislike (codes 1-5). The standard table:

==========  ====  ======  =======  ========  =======
functional  like  expect  neutral  tolerate  dislike
==========  ====  ======  =======  ========  =======
like        Q     A       A        A         O
expect      R     I       I        I         M
neutral     R     I       I        I         M
tolerate    R     I       I        I         M
dislike     R     R       R        R         Q
==========  ====  ======  =======  ========  =======

The "strict" table also scores expect/expect and tolerate/tolerate as Q (questionable):
expecting a feature and expecting its absence at once is contradictory.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._errors import InputError
from .answers import code_columns, to_codes

__all__ = ["CATEGORIES", "CATEGORY_NAMES", "TABLES", "evaluation_table", "classify",
           "classify_codes"]

#: category letters in the order used in every table and array
CATEGORIES = ("A", "O", "M", "I", "R", "Q")
CATEGORY_NAMES = {
    "A": "attractive", "O": "one-dimensional", "M": "must-be",
    "I": "indifferent", "R": "reverse", "Q": "questionable",
}

_STANDARD = ("QAAAO", "RIIIM", "RIIIM", "RIIIM", "RRRRQ")
_STRICT = ("QAAAO", "RQIIM", "RIIIM", "RIIQM", "RRRRQ")
TABLES = {"standard": _STANDARD, "strict": _STRICT}


def evaluation_table(table: Any = "standard") -> pd.DataFrame:
    """The evaluation table as a 5 x 5 DataFrame of letters.

    Parameters
    ----------
    table : {"standard", "strict"} or 5 x 5 array-like of letters
        A built-in table name or a custom table (rows functional, columns dysfunctional,
        both ordered like / expect / neutral / tolerate / dislike).

    Examples
    --------
    >>> evaluation_table("strict").loc["expect", "expect"]
    'Q'
    """
    rows = _table_rows(table)
    pos = ["like", "expect", "neutral", "tolerate", "dislike"]
    return pd.DataFrame([list(r) for r in rows], index=pd.Index(pos, name="functional"),
                        columns=pd.Index(pos, name="dysfunctional"))


def _table_rows(table: Any) -> tuple[str, ...]:
    if isinstance(table, str):
        key = table.strip().casefold()
        if key not in TABLES:
            raise InputError(
                f"Unknown evaluation table {table!r}. Use 'standard', 'strict' or a 5 x 5 "
                "table of the letters A, O, M, I, R, Q."
            )
        return TABLES[key]
    arr = np.asarray(table, dtype=object)
    if arr.shape == (5,) and all(isinstance(r, str) and len(r) == 5 for r in arr):
        arr = np.array([list(r) for r in arr], dtype=object)
    if arr.shape != (5, 5):
        raise InputError(
            f"A custom evaluation table must be 5 x 5 (functional rows, dysfunctional "
            f"columns); got shape {arr.shape}."
        )
    bad = sorted({str(v) for v in arr.ravel()} - set(CATEGORIES))
    if bad:
        raise InputError(
            f"A custom evaluation table may only hold the letters A, O, M, I, R, Q; found "
            f"{', '.join(map(repr, bad))}."
        )
    return tuple("".join(str(v) for v in row) for row in arr)


def _lookup(table: Any) -> np.ndarray:
    """Flat look-up array: index ``6 * f + d`` (codes 0..5, 0 = missing) -> category index
    0..5, or -1 when either answer is missing."""
    rows = _table_rows(table)
    lut = np.full(36, -1, dtype=np.int8)
    for f in range(5):
        for d in range(5):
            lut[6 * (f + 1) + (d + 1)] = CATEGORIES.index(rows[f][d])
    return lut


def classify_codes(functional: np.ndarray, dysfunctional: np.ndarray,
                   table: Any = "standard") -> np.ndarray:
    """Category indices (0..5 in the order A, O, M, I, R, Q; -1 when missing) for codes.

    ``functional`` and ``dysfunctional`` are integer arrays of codes 1..5 with 0 for a
    missing answer (as returned by :func:`expectlab.kano.answers.to_codes`).
    """
    lut = _lookup(table)
    f = np.asarray(functional)
    d = np.asarray(dysfunctional)
    if f.dtype.kind not in "iu" or d.dtype.kind not in "iu":
        raise InputError("classify_codes needs integer codes 0..5; use classify() for labels.")
    # 6 * 5 + 5 = 35 fits even int8, so no widening copy is needed; one gather from 36 entries
    return lut.take(f * 6 + d)


def classify(functional: Any, dysfunctional: Any, table: Any = "standard",
             answer_set: Any = None) -> Any:
    """Classify Kano answer pairs into A, O, M, I, R, Q.

    Parameters
    ----------
    functional, dysfunctional : scalar, array-like or pandas.Series
        Answers to the functional ("if the product has ...") and dysfunctional ("if it
        does not have ...") question: codes 1-5 or labels of one answer set (see
        :mod:`expectlab.kano.answers`). Missing answers (NaN/None) give a missing category.
    table : {"standard", "strict"} or 5 x 5 letters
        Evaluation table.
    answer_set : None, str or dict
        Wording of text answers; ``None`` detects it from the labels.

    Returns
    -------
    str, pandas.Categorical or pandas.Series
        A letter for scalar input; a Series (categorical, same index) when either input is
        a Series; otherwise a ``pandas.Categorical`` with categories A, O, M, I, R, Q.

    Raises
    ------
    InputError
        Unknown answer labels (listed with counts and rows), codes outside 1-5, or inputs
        of different lengths.

    Examples
    --------
    >>> from expectlab.kano import classify
    >>> list(classify([1, 1, 2, 3], [4, 5, 5, 3]))
    ['A', 'O', 'M', 'I']
    >>> classify("I like it", "I dislike it")
    'O'
    """
    scalar = np.ndim(functional) == 0 and np.ndim(dysfunctional) == 0
    index = None
    for v in (functional, dysfunctional):
        if isinstance(v, pd.Series):
            index = v.index
            break
    if not scalar and len(functional) != len(dysfunctional):
        raise InputError(
            f"functional and dysfunctional answers must have the same length; got "
            f"{len(functional)} and {len(dysfunctional)}."
        )
    f_in = [functional] if scalar else functional
    d_in = [dysfunctional] if scalar else dysfunctional
    both_numeric = all(isinstance(v, np.ndarray) and v.dtype.kind in "iuf" for v in (f_in, d_in))
    if both_numeric and answer_set is None:
        f, _ = to_codes(f_in, None, column="functional")
        d, _ = to_codes(d_in, None, column="dysfunctional")
    else:
        # both columns are matched to one set, and unknown answers of both reported at once
        codes, _ = code_columns({"functional": f_in, "dysfunctional": d_in}, answer_set)
        f, d = codes["functional"], codes["dysfunctional"]
    cats = classify_codes(f, d, table)
    if scalar:
        return CATEGORIES[cats[0]] if cats[0] >= 0 else None
    result = pd.Categorical.from_codes(cats, categories=list(CATEGORIES))
    if index is not None:
        return pd.Series(result, index=index, name="category")
    return result
