"""The shared input checks every estimator uses (expectlab._validate)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from expectlab import InputError
from expectlab._results import ExclusionLog
from expectlab._validate import (
    as_frame,
    check_not_collinear,
    column_list,
    group_labels,
    numeric_column,
    resolve_scale,
    weights_array,
)


def test_numeric_column_refuses_stray_text_with_rows():
    df = pd.DataFrame({"driver": [1, 2, "n/a?", 4, "x"]})
    with pytest.raises(InputError, match=r"'driver'.*2 values.*row 2 = 'n/a\?'.*row 4 = 'x'"):
        numeric_column(df, "driver", role="driver")


def test_numeric_column_keeps_numbers_given_as_text_and_blanks():
    df = pd.DataFrame({"q": ["1", " 2.5 ", None, True]}, dtype=object)
    assert numeric_column(df, "q").tolist()[:2] == [1.0, 2.5]
    out = numeric_column(df, "q")
    assert np.isnan(out.iloc[2]) and out.iloc[3] == 1.0


def test_numeric_column_refuses_inf():
    with pytest.raises(InputError, match="infinite values.*row 1 = inf"):
        numeric_column(pd.DataFrame({"s": [1.0, np.inf]}), "s")
    with pytest.raises(InputError, match="infinite"):
        numeric_column(pd.DataFrame({"s": ["1", "inf"]}), "s")


def test_weights_errors_and_exclusions():
    df = pd.DataFrame({"w": [1.0, 0.0, np.nan, 2.0]})
    log = ExclusionLog()
    keep = np.ones(4, dtype=bool)
    w = weights_array(df, "w", log=log, keep=keep)
    assert w.tolist() == [1.0, 0.0, 0.0, 2.0]
    assert keep.tolist() == [True, False, False, True]
    assert sorted(log.to_frame()["reason"]) == ["missing weight 'w'", "zero weight 'w'"]
    for bad, pattern in (([1.0, -1.0], "non-negative.*row 1 = -1.0"),
                         ([1.0, np.inf], "infinite"),
                         ([0.0, 0.0], "every weight is zero"),
                         (["a", 1], "text")):
        with pytest.raises(InputError, match=pattern):
            weights_array(pd.DataFrame({"w": bad}), "w", log=ExclusionLog())
    with pytest.raises(InputError, match="missing weights"):
        weights_array(df.iloc[[0, 2]], "w")
    with pytest.raises(InputError, match="shape"):
        weights_array(df, [1.0, 2.0])
    assert weights_array(df, None).tolist() == [1.0] * 4


def test_resolve_scale_needs_a_declared_or_requested_scale():
    df = pd.DataFrame({"a": [1, 4, 7], "b": [2, 3, 99]})
    with pytest.raises(InputError, match="not declared.*scale='infer'"):
        resolve_scale(None, df, ["a"])
    assert resolve_scale((1, 7), df, ["a"]) == ((1.0, 7.0), False)
    assert resolve_scale("infer", df, ["a"]) == ((1.0, 7.0), True)
    with pytest.raises(InputError, match=r"'b'.*outside the declared scale 1-7.*row 2 = 99"):
        resolve_scale((1, 7), df, ["a", "b"])
    with pytest.raises(InputError, match="min < max"):
        resolve_scale((7, 1), df, ["a"])


def test_collinear_drivers_are_named():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 2))
    design = np.column_stack([np.ones(50), x, x[:, 0] * 2.0])
    with pytest.raises(InputError, match=r"\['a', 'c'\] are exactly linearly dependent"):
        check_not_collinear(design, ["const", "a", "b", "c"])
    check_not_collinear(np.column_stack([np.ones(50), x]), ["const", "a", "b"])
    with pytest.raises(InputError, match=r"\['z'\] are zero"):
        check_not_collinear(np.column_stack([np.ones(50), np.zeros(50)]), ["const", "z"])


def test_mixed_wave_labels_are_an_input_error():
    df = pd.DataFrame({"wave": [1, "W2", 1, "W2"]})
    with pytest.raises(InputError, match="mixes numbers and text.*1.*'W2'"):
        group_labels(df, "wave", role="wave")
    assert group_labels(pd.DataFrame({"wave": ["W1", "W2"]}), "wave").tolist() == ["W1", "W2"]


def test_column_list_and_as_frame():
    assert column_list("a", role="x") == ["a"]
    with pytest.raises(InputError, match="more than once"):
        column_list(["a", "a"], role="drivers")
    with pytest.raises(InputError, match="DataFrame or an expectlab.Study"):
        as_frame([1, 2])


def test_not_fitted_error_is_sklearn_and_input_error():
    from sklearn.exceptions import NotFittedError as SkNotFitted

    from expectlab import NotFittedError
    from expectlab._results import Estimator

    class Toy(Estimator):
        def __init__(self, alpha=0.05):
            self.alpha = alpha

        @property
        def summary(self):
            self._check_fitted()
            return pd.DataFrame({"estimate": [1.0]})

    toy = Toy()
    assert not hasattr(toy, "summary")
    with pytest.raises(SkNotFitted):
        _ = toy.summary
    with pytest.raises(InputError):
        toy.to_frame()
    assert issubclass(NotFittedError, AttributeError)
    assert repr(Toy(alpha=0.1)) == "Toy(alpha=0.1)"
    assert Toy().set_params(alpha=0.2).get_params() == {"alpha": 0.2}


def test_large_samples_of_correlated_drivers_are_not_called_collinear():
    """The cutoff does not grow with n: 1M rows of drivers correlated at 0.9999 are fine."""
    rng = np.random.default_rng(1)
    a = rng.normal(size=1_000_000)
    b = a + 0.01 * rng.normal(size=a.size)
    check_not_collinear(np.column_stack([np.ones(a.size), a, b]), ["const", "a", "b"])
    with pytest.raises(InputError, match=r"\['a', 'b'\]"):
        check_not_collinear(np.column_stack([np.ones(a.size), a, 3 * a]),
                            ["const", "a", "b"])
