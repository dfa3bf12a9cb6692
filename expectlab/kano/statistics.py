"""Per-attribute Kano statistics computed from (weighted) category counts.

Everything here is a vectorised function of count arrays whose last axis is the six
categories in the order A, O, M, I, R, Q, so the same code gives point estimates
(shape ``(G, 6)``) and bootstrap replicates (shape ``(B, G, 6)``).
"""

from __future__ import annotations

import numpy as np

from .classify import CATEGORIES

__all__ = ["better_worse", "fong_test", "modal_category", "category_strength",
           "aom_category", "PRIORITY"]

#: tie-breaking priority for near ties (M > O > A > I, then R, Q)
PRIORITY = ("M", "O", "A", "I", "R", "Q")
_RANK = np.array([PRIORITY.index(c) for c in CATEGORIES])  # lower = preferred
_A, _O, _M, _I, _R, _Q = range(6)


def better_worse(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Better = (A+O)/(A+O+M+I) and Worse = -(O+M)/(A+O+M+I) (Berger et al. 1993).

    Examples
    --------
    >>> b, w = better_worse(np.array([[45, 123, 95, 33, 0, 0]]))
    >>> round(float(b[0]), 3), round(float(w[0]), 3)
    (0.568, -0.736)
    """
    c = np.asarray(counts, dtype=float)
    base = c[..., _A] + c[..., _O] + c[..., _M] + c[..., _I]
    with np.errstate(invalid="ignore", divide="ignore"):
        better = (c[..., _A] + c[..., _O]) / base
        worse = -(c[..., _O] + c[..., _M]) / base
    return better, worse


def fong_test(counts: np.ndarray, n: np.ndarray | float | None = None, z: float = 1.65
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fong's test that the two most frequent categories differ.

    ``|a - b| > z * sqrt((a + b) * (2n - a - b) / (2n))`` with ``a``, ``b`` the two largest
    counts and ``n`` all answers (Fong 1996; ``z = 1.65`` as published).

    Returns
    -------
    diff, limit, significant : arrays
    """
    c = np.asarray(counts, dtype=float)
    top2 = -np.sort(-c, axis=-1)[..., :2]
    a, b = top2[..., 0], top2[..., 1]
    n = c.sum(axis=-1) if n is None else np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        limit = z * np.sqrt((a + b) * (2 * n - a - b) / (2 * n))
    diff = np.abs(a - b)
    return diff, limit, diff > limit


def _pick(c: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Index of the preferred category among ``eligible`` (priority order)."""
    rank = np.where(eligible, _RANK, 99)
    return np.argmin(rank, axis=-1)


def modal_category(counts: np.ndarray, tie_rule: str | float = "fong", z: float = 1.65,
                   n: np.ndarray | None = None) -> np.ndarray:
    """Index (0..5, order A, O, M, I, R, Q) of the modal category after the tie rule.

    Categories in a near tie with the largest count are resolved by M > O > A > I > R > Q.
    ``tie_rule="fong"``: when Fong's test cannot tell the two largest counts apart, they
    are in a near tie; ``"exact"``: only exactly equal counts tie; a number: shares within
    that distance of the largest share tie.
    """
    c = np.asarray(counts, dtype=float)
    top = c.max(axis=-1, keepdims=True)
    if tie_rule == "exact":
        tied = c == top
    elif tie_rule == "fong":
        # Fong's test compares the two largest counts; when it cannot separate them they
        # (and anything equal to the second) form the near tie
        _, _, significant = fong_test(c, n=n, z=z)
        second = -np.sort(-c, axis=-1)[..., 1:2]
        tied = np.where(significant[..., None], c == top, (c >= second) & (c > 0))
        tied |= c == top
    else:
        total = c.sum(axis=-1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            tied = (top - c) / total <= float(tie_rule)
        tied |= c == top
    return _pick(c, tied)


def aom_category(counts: np.ndarray) -> np.ndarray:
    """The (A+O+M) vs (I+R+Q) rule: when A+O+M exceeds I+R+Q the largest of A, O, M is
    the category, otherwise the largest of I, R, Q (exact ties by priority)."""
    c = np.asarray(counts, dtype=float)
    aom = c[..., [_A, _O, _M]].sum(axis=-1) > c[..., [_I, _R, _Q]].sum(axis=-1)
    group = np.zeros(c.shape, dtype=bool)
    group[..., [_A, _O, _M]] = True
    eligible = np.where(aom[..., None], group, ~group)
    top = np.where(eligible, c, -np.inf).max(axis=-1, keepdims=True)
    return _pick(c, eligible & (c == top))


def category_strength(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Category strength (largest minus second-largest share) and total strength
    (share of A + O + M), both as proportions."""
    c = np.asarray(counts, dtype=float)
    total = c.sum(axis=-1)
    top2 = -np.sort(-c, axis=-1)[..., :2]
    with np.errstate(invalid="ignore", divide="ignore"):
        strength = (top2[..., 0] - top2[..., 1]) / total
        total_strength = c[..., [_A, _O, _M]].sum(axis=-1) / total
    return strength, total_strength
