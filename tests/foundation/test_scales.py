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
    with pytest.raises(InputError, match="non-numeric"):
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
        scale_score(df, ["a", "b", "c"])


def test_scale_score_errors():
    df = pd.DataFrame({"a": [1, 2], "b": ["x", 2]})
    with pytest.raises(InputError, match="not found"):
        scale_score(df, ["a", "zz"])
    with pytest.raises(InputError, match="non-numeric"):
        scale_score(df, ["a", "b"])
    with pytest.raises(InputError, match="needs the item scale"):
        scale_score(df, ["a"], reverse=["a"])
    with pytest.raises(InputError, match="not among the scale"):
        scale_score(df, ["a"], reverse=["b"], scale=(1, 5))
    with pytest.raises(InputError, match="min_items"):
        scale_score(df, ["a"], min_items=3)
    with pytest.raises(InputError, match="at least one item"):
        scale_score(df, [])
