"""Reverse coding, scale scores and Cronbach's alpha (with Feldt's interval)."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from expectlab import FragileResultWarning, InputError
from expectlab.scales import cronbach_alpha, reverse_code, scale_score


def test_reverse_code_series_array_frame():
    assert reverse_code(pd.Series([1, 2, 7]), (1, 7)).tolist() == [7, 6, 1]
    assert reverse_code(np.array([0, 10]), (0, 10)).tolist() == [10, 0]
    frame = reverse_code(pd.DataFrame({"a": [1, 5], "b": [2, np.nan]}), (1, 5))
    assert frame["a"].tolist() == [5, 1] and np.isnan(frame.loc[1, "b"])


def test_reverse_code_errors():
    with pytest.raises(InputError, match="values outside it: 1 value, first: row 1 = 9"):
        reverse_code(pd.Series([1, 9], name="q"), (1, 7))
    with pytest.raises(InputError, match="non-numeric"):
        reverse_code(pd.Series([1, "x"]), (1, 7))
    with pytest.raises(InputError, match="minimum must be below"):
        reverse_code([1], (7, 1))
    with pytest.raises(InputError, match=r"scale must be \(min, max\)"):
        reverse_code([1], None)


def test_alpha_matches_textbook_formula_and_published_example():
    # Worked example: 5 respondents x 3 items; alpha = k/(k-1) (1 - sum s_i^2 / s_T^2)
    items = pd.DataFrame({"a": [2, 3, 3, 4, 5], "b": [1, 3, 4, 4, 5], "c": [2, 2, 3, 5, 4]})
    s_i = items.var(ddof=1).sum()
    s_t = items.sum(axis=1).var(ddof=1)
    expected = 3 / 2 * (1 - s_i / s_t)
    result = cronbach_alpha(items)
    assert result.alpha == pytest.approx(expected)
    # by hand: item variances 1.3 + 2.3 + 1.7 = 5.3, total variance 13.5
    assert result.alpha == pytest.approx(1.5 * (1 - 5.3 / 13.5))
    assert result.alpha == pytest.approx(0.9111, abs=1e-4)
    # Feldt's interval by its definition
    f_hi = stats.f.ppf(0.975, 4, 8)
    assert result.ci[0] == pytest.approx(1 - (1 - expected) * f_hi)
    assert result.items.loc["a", "alpha_if_dropped"] == pytest.approx(
        cronbach_alpha(items[["b", "c"]]).alpha)


@pytest.mark.slow
def test_feldt_interval_covers_true_alpha_about_95_percent():
    # tau-equivalent items: x_ij = t_i + e_ij, true alpha = k l^2 / (k l^2 + s^2)
    rng = np.random.default_rng(11)
    k, n, reps, lam, sd = 4, 120, 400, 1.0, 1.3
    truth = k * lam**2 / (k * lam**2 + sd**2)
    hits = 0
    for _ in range(reps):
        t = rng.normal(size=(n, 1))
        x = pd.DataFrame(lam * t + rng.normal(0, sd, size=(n, k)))
        lo, hi = cronbach_alpha(x).ci
        hits += lo <= truth <= hi
    assert 0.92 <= hits / reps <= 0.975


def test_alpha_errors():
    with pytest.raises(InputError, match="at least two items"):
        cronbach_alpha(pd.DataFrame({"a": [1, 2, 3]}))
    with pytest.raises(InputError, match="at least 3 respondents"):
        cronbach_alpha(pd.DataFrame({"a": [1, np.nan, 3], "b": [1, 2, np.nan]}))
    with pytest.raises(InputError, match="'a' in items must hold numbers.*row 1 = 'x'"):
        cronbach_alpha(pd.DataFrame({"a": [1, "x", 3], "b": [1, 2, 3]}))
    with pytest.raises(InputError, match="must be a DataFrame"):
        cronbach_alpha([[1, 2]])
    with pytest.raises(InputError, match="alpha must lie"):
        cronbach_alpha(pd.DataFrame({"a": [1, 2, 3], "b": [1, 2, 4]}), alpha=2)


def test_scale_score_reverse_and_min_items():
    df = pd.DataFrame({"a": [1, 5, np.nan, 2, 4, 3], "b": [2, 5, np.nan, 1, 4, 3],
                       "c": [5, 1, 2, np.nan, 2, 3]})
    s = scale_score(df, ["a", "b", "c"], reverse=["c"], scale=(1, 5), name="sat")
    assert s.scores.round(3).tolist()[:2] == [1.333, 5.0]
    assert np.isnan(s.scores.iloc[2])  # one of three items answered: below half
    assert s.scores.iloc[3] == pytest.approx(1.5)
    assert s.excluded_["row"].tolist() == [2]
    assert "fewer than 2 of 3 items" in s.excluded_["reason"].iloc[0]
    assert s.name == "sat" and s.reversed_items == ["c"]


def test_scale_score_warns_on_low_reliability():
    rng = np.random.default_rng(3)
    df = pd.DataFrame(rng.integers(1, 6, size=(200, 3)), columns=list("abc"))
    with pytest.warns(FragileResultWarning, match="low reliability"):
        scale_score(df, ["a", "b", "c"], scale=(1, 5))


def test_scale_score_errors():
    df = pd.DataFrame({"a": [1, 2], "b": ["x", 2]})
    with pytest.raises(InputError, match="not found"):
        scale_score(df, ["a", "zz"], scale=(1, 5))
    with pytest.raises(InputError, match="'b' in the data must hold numbers"):
        scale_score(df, ["a", "b"], scale=(1, 5))
    with pytest.raises(InputError, match=r"scale of \['a'\] is not declared"):
        scale_score(df, ["a"], reverse=["a"])
    with pytest.raises(InputError, match="not among the scale"):
        scale_score(df, ["a"], reverse=["b"], scale=(1, 5))
    with pytest.raises(InputError, match="min_items"):
        scale_score(df, ["a"], min_items=3, scale=(1, 5))
    with pytest.raises(InputError, match="at least one item"):
        scale_score(df, [])


# -- regression tests of the measurement-layer issue ---------------------------------------
MISSING_CODES = pd.DataFrame({"a": [1, 5, 99, 2, 4], "b": [2, 5, 5, -99, 4],
                              "c": [1, 4, 5, 2, 5]})


def test_scale_score_without_a_scale_is_an_error_not_an_average_of_99():
    # Before: the 99 and -99 codes were averaged into the scores (row 2 scored 36.3).
    with pytest.raises(InputError) as err:
        scale_score(MISSING_CODES, ["a", "b", "c"])
    msg = str(err.value)
    assert "not declared" in msg and "scale=(min, max)" in msg
    assert "codebook" in msg and "scale='infer'" in msg


def test_scale_score_refuses_missing_codes_outside_the_given_scale():
    with pytest.raises(InputError) as err:
        scale_score(MISSING_CODES, ["a", "b", "c"], scale=(1, 5))
    msg = str(err.value)
    assert "'a'" in msg and "row 2 = 99.0" in msg and "missing_codes" in msg


def test_scale_score_infer_is_shown():
    clean = MISSING_CODES.drop(index=[2, 3])
    s = scale_score(clean, ["a", "b", "c"], scale="infer")
    assert s.scale == (1.0, 5.0) and s.scale_inferred
    assert "(inferred)" in repr(s)
    assert "inferred from the observed answers" in s.notes[0]
    given = scale_score(clean, ["a", "b", "c"], scale=(1, 7))
    assert not given.scale_inferred and given.notes == ["Item scale 1 to 7"]
    assert given.scores.tolist() == s.scores.tolist()
    # infer with a -99 in the data: the inferred scale shows it instead of hiding it
    with pytest.warns(FragileResultWarning, match="low reliability"):
        odd = scale_score(MISSING_CODES.drop(index=[2]), ["a", "b"], scale="infer")
    assert odd.scale == (-99.0, 5.0)


def test_scale_score_uses_the_study_codebook_scale_and_reverse_flags():
    from expectlab import Study

    df = pd.DataFrame({"rid": [1, 2, 3, 4], "a": [1, 5, 4, 2], "b": [2, 5, 5, 1],
                       "c": [5, 1, 2, 4]})
    book = {"variables": {c: {"scale": [1, 5]} for c in "abc"} | {
        "c": {"scale": [1, 5], "reverse": True}}, "scales": {"sat": ["a", "b", "c"]}}
    study = Study.from_frame(df, book, id="rid")
    s = scale_score(study, "sat")
    assert s.name == "sat" and s.reversed_items == ["c"] and s.scale == (1.0, 5.0)
    assert s.scores.round(2).tolist() == [1.33, 5.0, 4.33, 1.67]
    # already reversed study: the flags are cleared, nothing is reversed twice
    again = scale_score(study.reverse_coded(), "sat")
    assert again.reversed_items == [] and again.scores.equals(s.scores)
    with pytest.raises(InputError, match="outside the declared scale 1-5"):
        scale_score(study.data.assign(a=[1, 5, 99, 2]), ["a", "b"], scale=(1, 5))


def test_infinite_answers_are_input_errors():
    df = pd.DataFrame({"a": [1.0, np.inf, 3, 4], "b": [1, 2, 3, 4]})
    with pytest.raises(InputError, match="'a'.*infinite values.*row 1 = inf"):
        scale_score(df, ["a", "b"], scale="infer")
    with pytest.raises(InputError, match="'a'.*infinite values"):
        cronbach_alpha(df)
