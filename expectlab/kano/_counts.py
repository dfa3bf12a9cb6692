"""Kano answers reduced to a count table, and the bootstrap on that table.

Every Kano statistic of a group (attribute x wave x segment) is a sum over its answers of
a small vector that depends only on the answer itself: the functional and dysfunctional
codes (which fix the category and the two scores), the survey weight and the stated
importance. Answers that agree on those four values are interchangeable, so a group is
fully described by its distinct *answer profiles* and how many respondents gave each.
Without weights and importance a group has at most 25 profiles (5 x 5 answer codes),
whatever the number of respondents.

That table is what :class:`~expectlab.kano.KanoAnalysis` estimates from, in memory and
on Dask or Spark alike (the engines only count profiles; see
:mod:`expectlab.kano._distributed`), so the estimates agree exactly across engines.

The bootstrap resamples the table, not the rows. Resampling ``n`` respondents with
replacement (the respondent is the unit: a respondent answers many attributes) gives
each respondent a multinomial count; a group's statistics only depend on how many drawn
respondents carry each of its profiles, and those numbers are exactly
``Multinomial(n, (m_1, ..., m_K, n - n_g) / n)`` with ``m_k`` the respondents having
profile ``k``, ``n_g`` those who answered in the group and the last cell the respondents
who did not (a respondent answers a group at most once). So every group's replicates
have exactly the distribution of the respondent bootstrap, at a cost of ``K + 1``
binomial draws per replicate instead of one draw per respondent. What is not kept is the
dependence between groups *within* a replicate (groups are drawn independently): the
summary (standard errors, percentile intervals, modal-category probabilities) is per
group and unaffected, but replicates of two attributes should not be subtracted from
each other to compare them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._data import D_SCORES, F_SCORES

__all__ = ["CountTable", "count_table", "table_statistics", "bootstrap_table", "N_STATS"]

# columns of the per-group sufficient statistics: six weighted category counts, then
# weighted sums of the functional and dysfunctional scores, of importance, the weight of
# answers with importance, and the total weight
N_STATS = 11
FSUM, DSUM, ISUM, IW, TOT = 6, 7, 8, 9, 10
#: replicate rows drawn per block, bounding the (rows, profiles) count array
_MAX_CELLS = 4_000_000


@dataclass
class CountTable:
    """Distinct answer profiles per group with their number of respondents.

    Profiles are sorted by (group, functional code, dysfunctional code, weight,
    importance with missing last), so the table, and every bootstrap replicate drawn
    from it, does not depend on the order of the input rows or on how an engine
    partitioned them.
    """

    group: np.ndarray  # (P,) group index 0..G-1
    f: np.ndarray  # (P,) functional code 1..5
    d: np.ndarray  # (P,) dysfunctional code 1..5
    cat: np.ndarray  # (P,) category index 0..5
    weight: np.ndarray  # (P,)
    importance: np.ndarray  # (P,) NaN = not stated
    mult: np.ndarray  # (P,) respondents with this profile (float, exact integers)
    n_groups: int
    n_respondents: int

    def answer_stats(self) -> np.ndarray:
        """The sufficient-statistic vector of one answer of each profile, ``(P, 11)``."""
        P = len(self.group)
        out = np.zeros((P, N_STATS))
        w = self.weight
        out[np.arange(P), self.cat.astype(np.int64)] = w
        out[:, FSUM] = w * F_SCORES[self.f.astype(np.int64)]
        out[:, DSUM] = w * D_SCORES[self.d.astype(np.int64)]
        has_imp = np.isfinite(self.importance)
        out[:, ISUM] = np.where(has_imp, w * np.nan_to_num(self.importance), 0.0)
        out[:, IW] = w * has_imp
        out[:, TOT] = w
        return out

    def group_sums(self, values: np.ndarray) -> np.ndarray:
        """Sum ``values`` (P,) times the multiplicities per group, shape ``(G,)``."""
        return np.bincount(self.group, weights=values * self.mult, minlength=self.n_groups)


def count_table(group: np.ndarray, n_groups: int, f: np.ndarray, d: np.ndarray,
                weight: np.ndarray | None, importance: np.ndarray | None,
                categories: np.ndarray, n_respondents: int,
                mult: np.ndarray | None = None) -> CountTable:
    """Count the distinct answer profiles of coded answers.

    ``group`` (n,) are group indices, ``f`` and ``d`` codes 1..5, ``weight`` and
    ``importance`` per answer (``None`` when absent), ``categories`` the category index
    of every (group, 5 x 5 answer cell), shape ``(G, 25)`` (the evaluation table may
    differ by wave), ``mult`` how many respondents each row stands for (default 1).
    """
    cell = (f.astype(np.int64) - 1) * 5 + (d.astype(np.int64) - 1)
    key = group.astype(np.int64) * 25 + cell
    if weight is None and importance is None:
        # one linear pass: at most 25 profiles per group
        counts = np.bincount(key, weights=mult, minlength=n_groups * 25)
        idx = np.flatnonzero(counts)
        return _table(idx // 25, idx % 25, np.ones(len(idx)), np.full(len(idx), np.nan),
                      counts[idx].astype(float), n_groups, n_respondents, categories)
    w = np.ones(len(key)) if weight is None else np.asarray(weight, dtype=float)
    imp = np.full(len(key), np.nan) if importance is None else np.asarray(importance, float)
    w_codes, w_uni = pd.factorize(w, sort=True)
    imp_codes, imp_uni = pd.factorize(imp, sort=True)  # NaN -> -1, mapped to the last code
    imp_codes = np.where(imp_codes < 0, len(imp_uni), imp_codes)
    n_imp = len(imp_uni) + 1
    full = (key * len(w_uni) + w_codes) * n_imp + imp_codes
    uniq, inverse = np.unique(full, return_inverse=True)
    counts = np.bincount(inverse.ravel(), weights=mult, minlength=len(uniq))
    imp_code = uniq % n_imp
    rest = uniq // n_imp
    w_code = rest % len(w_uni)
    key_u = rest // len(w_uni)
    imp_vals = np.append(np.asarray(imp_uni, dtype=float), np.nan)[imp_code]
    return _table(key_u // 25, key_u % 25, np.asarray(w_uni, dtype=float)[w_code], imp_vals,
                  counts.astype(float), n_groups, n_respondents, categories)


def _table(group: np.ndarray, cell: np.ndarray, weight: np.ndarray, importance: np.ndarray,
           mult: np.ndarray, n_groups: int, n_respondents: int,
           categories: np.ndarray) -> CountTable:
    group = group.astype(np.int64)
    cell = cell.astype(np.int64)
    return CountTable(group=group, f=cell // 5 + 1, d=cell % 5 + 1,
                      cat=np.asarray(categories)[group, cell].astype(np.int64),
                      weight=weight, importance=importance, mult=mult,
                      n_groups=int(n_groups), n_respondents=int(n_respondents))


def sort_profiles(frame: pd.DataFrame, n_groups: int, n_respondents: int,
                  categories: np.ndarray) -> CountTable:
    """A count table from a frame of reduced profiles (columns ``group``, ``f``, ``d``,
    ``weight``, ``importance``, ``mult``), e.g. collected from Dask or Spark; rows with
    the same profile are added up and the rows put in the canonical order."""
    f = frame["f"].to_numpy(dtype=np.int64)
    d = frame["d"].to_numpy(dtype=np.int64)
    group = frame["group"].to_numpy(dtype=np.int64)
    w = frame["weight"].to_numpy(dtype=float)
    imp = frame["importance"].to_numpy(dtype=float)
    mult = frame["mult"].to_numpy(dtype=float)
    cell = (f - 1) * 5 + (d - 1)
    key = group * 25 + cell
    miss = ~np.isfinite(imp)
    order = np.lexsort((np.where(miss, 0.0, imp), miss, w, key))
    key, w, imp, mult = key[order], w[order], imp[order], mult[order]
    same = np.r_[False, (key[1:] == key[:-1]) & (w[1:] == w[:-1])
                 & ((imp[1:] == imp[:-1]) | (~np.isfinite(imp[1:]) & ~np.isfinite(imp[:-1])))]
    starts = np.flatnonzero(~same)
    mult = np.add.reduceat(mult, starts) if len(starts) else mult
    key, w, imp = key[starts], w[starts], imp[starts]
    return _table(key // 25, key % 25, w, imp, mult, n_groups, n_respondents, categories)


def table_statistics(tab: CountTable) -> np.ndarray:
    """Weighted sufficient statistics per group, shape ``(G, 11)``."""
    stats = tab.answer_stats() * tab.mult[:, None]
    out = np.zeros((tab.n_groups, N_STATS))
    np.add.at(out, tab.group, stats)
    return out


def _group_slices(tab: CountTable) -> Iterator[tuple[int, slice]]:
    edges = np.searchsorted(tab.group, np.arange(tab.n_groups + 1))
    for g in range(tab.n_groups):
        yield g, slice(edges[g], edges[g + 1])


def bootstrap_table(tab: CountTable, n_boot: int, rng: np.random.Generator,
                    groups: Iterable[int] | None = None) -> np.ndarray:
    """Replicates of the group statistics, shape ``(n_boot, G, 11)``.

    Group by group (in order, one generator), ``n_boot`` draws of
    ``Multinomial(n, (m_1, ..., m_K, n - n_g) / n)``; see the module notes. ``groups``
    optionally wraps the group loop (a progress bar).
    """
    stats = tab.answer_stats()
    n = tab.n_respondents
    out = np.zeros((n_boot, tab.n_groups, N_STATS))
    slices = dict(_group_slices(tab))
    for g in (range(tab.n_groups) if groups is None else groups):
        sl = slices[g]
        m = tab.mult[sl]
        K = len(m)
        if K == 0:
            continue
        pvals = np.append(m / n, max(0.0, (n - m.sum()) / n))
        rows = max(1, _MAX_CELLS // (K + 1))
        for start in range(0, n_boot, rows):
            size = min(rows, n_boot - start)
            counts = rng.multinomial(n, pvals, size=size)
            out[start:start + size, g] = counts[:, :K] @ stats[sl]
    return out
