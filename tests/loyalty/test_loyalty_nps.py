"""NPS: the issue's test vector, weights, the two-group test, coverage and bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import expectlab
from expectlab import FragileResultWarning, InputError
from expectlab.loyalty import nps, nps_difference, nps_from_shares


def test_issue_test_vector():
    # Test vector from the loyalty issue: p = 1/2, d = 1/6, n = 100 -> NPS 33.3, SE 7.45.
    res = nps_from_shares(1 / 2, 1 / 6, 100)
    assert round(res.nps, 1) == 33.3
    assert round(res.se, 2) == 7.45
    assert res.ci[0] == pytest.approx(33.333 - 1.959964 * 7.4536, abs=1e-3)


def test_nps_from_answers_matches_formula():
    scores = [10] * 300 + [9] * 0 + [7] * 200 + [2] * 100
    res = expectlab.nps(scores)
    assert res.nps == pytest.approx(100 / 3)
    assert res.se == pytest.approx(100 * np.sqrt((0.5 + 1 / 6 - (1 / 3) ** 2) / 600))
    assert res.promoters == pytest.approx(0.5)
    assert res.passives == pytest.approx(1 / 3)
    assert res.detractors == pytest.approx(1 / 6)
    assert res.n == 600 and res.n_eff == pytest.approx(600)
    # category borders: 9 is a promoter, 7 and 8 passives, 6 a detractor
    res = nps([9, 8, 7, 6] * 10)
    assert (res.promoters, res.passives, res.detractors) == (0.25, 0.5, 0.25)


def test_weights_equal_duplicated_rows_for_the_score():
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 11, size=200)
    counts = rng.integers(1, 4, size=200)
    weighted = nps(scores, weights=counts)
    duplicated = nps(np.repeat(scores, counts))
    assert weighted.nps == pytest.approx(duplicated.nps)
    assert weighted.n_eff == pytest.approx(counts.sum() ** 2 / (counts**2).sum())
    assert weighted.se > duplicated.se  # effective n is smaller than the duplicated n


def test_missing_answers_are_counted_not_lost():
    s = pd.Series([10, np.nan, 3, 8, np.nan] * 10, name="nps")
    res = nps(s)
    assert res.n == 30 and res.n_excluded == 20
    assert res.excluded_rows[:2] == [1, 4]
    assert "20 missing excluded" in str(res)
    assert list(res.summary.columns)[:4] == ["estimate", "se", "lower", "upper"]


def test_difference_between_groups():
    res = nps_difference([10] * 60 + [5] * 40, [10] * 40 + [5] * 60)
    se = np.hypot(100 * np.sqrt(0.96 / 100), 100 * np.sqrt(0.96 / 100))
    assert res.difference == pytest.approx(40.0)
    assert res.se == pytest.approx(se)
    assert res.p == pytest.approx(0.0039, abs=2e-4)
    same = nps_difference(nps([10, 5] * 50), nps([10, 5] * 50))
    assert same.difference == 0 and same.p == pytest.approx(1.0)
    assert list(same.summary.columns)[:6] == ["estimate", "se", "lower", "upper", "statistic",
                                              "p"]


def test_small_sample_warns():
    with pytest.warns(FragileResultWarning, match="only 5 answers"):
        nps([10, 9, 3, 7, 8])


@pytest.mark.slow
def test_interval_coverage_over_repeated_samples():
    rng = np.random.default_rng(42)
    probs = np.r_[np.full(7, 0.3 / 7), 0.15, 0.15, 0.2, 0.2]  # 0-6, 7, 8, 9, 10
    truth = 100 * (0.4 - 0.3)
    cover = []
    for _ in range(400):
        res = nps(rng.choice(11, size=300, p=probs))
        cover.append(res.ci[0] <= truth <= res.ci[1])
    assert 0.92 <= np.mean(cover) <= 0.975


@pytest.mark.parametrize(
    ("scores", "weights", "match"),
    [
        (["10", "x", "3"], None, "must hold numbers, but has text: 1 value, first: row 1 = 'x'"),
        ([10, 99, 3], None, "whole numbers from 0 to 10"),
        ([10, -1, 3], None, "whole numbers from 0 to 10"),
        ([10, 7.5, 3], None, "whole numbers from 0 to 10"),
        ([10, 7, 3], [1, 2], "weights has shape \\(2,\\) but the data have 3 rows"),
        ([10, 7, 3], [1, -2, 1], "non-negative numbers: 1 value, first: row 1 = -2"),
        ([np.nan, np.nan], None, "No valid NPS answers"),
        ([10, 7, 3], [0, 0, 0], "every weight is zero"),
    ],
)
def test_bad_input(scores, weights, match):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        with pytest.raises(InputError, match=match):
            nps(scores, weights)


def test_bad_arguments():
    with pytest.raises(InputError, match="alpha"):
        nps([10] * 40, alpha=1.5)
    with pytest.raises(InputError, match="shares"):
        nps_from_shares(0.8, 0.4, 100)
    with pytest.raises(InputError, match="n must be positive"):
        nps_from_shares(0.5, 0.2, 0)
    with pytest.raises(InputError, match="alpha"):
        nps_from_shares(0.5, 0.2, 10, alpha=0)
