"""The bootstrap on distinct rows gives the same replicates as the per-row bootstrap.

Respondents with identical scores have identical outer products, so the cross-product
bootstrap sums their resampling counts (the very same draws) and multiplies once per
distinct row. The matrices then differ from the per-row ones only by the rounding of the
sums: compared here with a relative tolerance of 1e-12 (measured differences ~1e-15).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from expectlab import SatisfactionRegression
from expectlab._resample import _equal_multinomial, equal_multinomial_by_group
from expectlab.satisfaction import fitting
from expectlab.satisfaction.fitting import bootstrap_crossproducts, distinct_rows

RTOL = 1e-12


def _likert(n: int, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    p = rng.integers(1, 8, size=(n, 3)).mean(axis=1)
    e = rng.integers(1, 8, size=(n, 3)).mean(axis=1)
    s = np.clip(np.round(p - 0.3 * (e - 4) + rng.normal(0, 1, n)), 1, 7)
    x, y = p - 4, e - 4
    return np.column_stack([np.ones(n), x, y, x * x, x * y, y * y, s])


def test_distinct_rows_rebuild_the_matrix():
    z = _likert(5000)
    z[3, 1] = -0.0  # equal to 0.0
    codes, first = distinct_rows(z)
    assert len(first) < 2000
    np.testing.assert_array_equal(z[first][codes], z)
    assert codes[first].tolist() == list(range(len(first)))
    assert first.tolist() == sorted(first.tolist())  # numbered by first appearance


@pytest.mark.parametrize("weighted", [False, True])
def test_grouped_counts_are_the_same_draws(weighted):
    n, size = 3000, 7
    groups = np.random.default_rng(1).integers(0, 40, n)
    w = np.random.default_rng(2).uniform(0.5, 2.0, n) if weighted else None
    per_unit = _equal_multinomial(np.random.default_rng(9), n, size)
    grouped = equal_multinomial_by_group(np.random.default_rng(9), n, size, groups, 40,
                                         unit_weights=w)
    expected = np.stack([np.bincount(groups, weights=row * (1 if w is None else w),
                                     minlength=40) for row in per_unit])
    if weighted:
        np.testing.assert_allclose(grouped, expected, rtol=RTOL)
    else:
        np.testing.assert_array_equal(grouped, expected)
        assert grouped.sum(axis=1).tolist() == [n] * size


@pytest.mark.parametrize("weighted", [False, True])
def test_crossproducts_on_distinct_rows_equal_per_row(weighted):
    z = _likert(4000)
    w = np.random.default_rng(4).uniform(0.5, 2.0, len(z)) if weighted else None
    slow = bootstrap_crossproducts(z, w, 150, 11, distinct=False, show_progress=False)
    fast = bootstrap_crossproducts(z, w, 150, 11, distinct=True, show_progress=False)
    np.testing.assert_allclose(fast, slow, rtol=RTOL, atol=0)
    # and by default, as there are far fewer distinct rows than rows
    auto = bootstrap_crossproducts(z, w, 150, 11, show_progress=False)
    np.testing.assert_array_equal(auto, fast)


def test_small_or_continuous_data_keep_the_per_row_path():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(2000, 4))  # every row distinct
    assert np.array_equal(bootstrap_crossproducts(z, None, 20, 1, show_progress=False),
                          bootstrap_crossproducts(z, None, 20, 1, distinct=False,
                                                  show_progress=False))
    small = _likert(500)
    assert np.array_equal(bootstrap_crossproducts(small, None, 20, 1, show_progress=False),
                          bootstrap_crossproducts(small, None, 20, 1, distinct=False,
                                                  show_progress=False))


def test_satisfaction_intervals_unchanged(monkeypatch):
    z = _likert(3000, seed=8)
    frame = pd.DataFrame({"satisfaction": z[:, 6], "experience": z[:, 1] + 4,
                          "expectation": z[:, 2] + 4,
                          "weight": np.where(np.arange(3000) % 3 == 0, 0.7, 1.3)})

    def fit():
        model = SatisfactionRegression(scale=(1, 7), n_boot=120, random_state=5,
                                       progress=False)
        model.fit(frame, satisfaction="satisfaction", expectation="expectation",
                  experience="experience", weights="weight")
        return model

    fast = fit()
    monkeypatch.setattr(fitting, "_DISTINCT_SHARE", 0.0)  # never group: the per-row path
    slow = fit()
    np.testing.assert_allclose(fast._cross, slow._cross, rtol=RTOL)
    for name in ("full", "difference"):
        np.testing.assert_allclose(fast.boot_params(name), slow.boot_params(name),
                                   rtol=1e-9)
    a, b = fast.surface("full"), slow.surface("full")
    np.testing.assert_allclose(a[["lower", "upper"]].to_numpy(dtype=float),
                               b[["lower", "upper"]].to_numpy(dtype=float), rtol=1e-9)
    pd.testing.assert_frame_equal(fast.zones(), slow.zones(), rtol=1e-9)
