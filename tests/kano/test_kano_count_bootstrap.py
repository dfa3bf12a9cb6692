"""The Kano bootstrap on the count table: same distribution as resampling respondents."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from expectlab import FragileResultWarning, KanoAnalysis
from expectlab._resample import bootstrap_weights
from expectlab.kano._counts import bootstrap_table, count_table, table_statistics
from expectlab.kano.analysis import group_statistics


def _data(n_resp=300, seed=4):
    rng = np.random.default_rng(seed)
    rows = []
    for rid in range(n_resp):
        for attr in ("a", "b", "c"):
            if attr == "c" and rid % 3 == 0:
                continue  # a third of the respondents skip attribute c
            rows.append((rid, attr, rng.integers(1, 6), rng.integers(1, 6)))
    return pd.DataFrame(rows, columns=["id", "attribute", "f", "d"])


def test_count_table_bootstrap_matches_respondent_resampling():
    data = _data()
    codes, attrs = pd.factorize(data["attribute"])
    resp, uniq = pd.factorize(data["id"])
    f = data["f"].to_numpy()
    d = data["d"].to_numpy()
    cats = np.zeros((len(attrs), 25), dtype=np.int64)  # categories do not matter here
    tab = count_table(codes, len(attrs), f, d, None, None, cats, len(uniq))
    # point statistics equal direct sums
    point = table_statistics(tab)
    assert point[:, 10].tolist() == np.bincount(codes).tolist()
    B = 4000
    reps = group_statistics(bootstrap_table(tab, B, np.random.default_rng(1)))
    # the reference: resample respondents (rows of a respondent move together)
    W = bootstrap_weights(len(uniq), B, 2)[:, resp]
    fs = np.array([np.nan, 4, 2, 0, -1, -2])[f]
    ref_f = np.stack([(W[:, codes == g] * fs[codes == g]).sum(1) / W[:, codes == g].sum(1)
                      for g in range(len(attrs))], axis=1)
    sd_table = np.nanstd(reps["functional_mean"], axis=0)
    sd_rows = ref_f.std(axis=0)
    # Monte Carlo error of a standard deviation from 4000 replicates: about 1.1%
    assert sd_table == pytest.approx(sd_rows, rel=0.06)
    centre = np.nanmean(reps["functional_mean"], axis=0)
    assert np.all(np.abs(centre - point[:, 6] / point[:, 10]) < 4 * sd_rows / np.sqrt(B))


def test_bootstrap_does_not_depend_on_row_order():
    data = _data(120)
    kw = dict(respondent="id", attribute="attribute", functional="f", dysfunctional="d")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        a = KanoAnalysis(n_boot=200, random_state=3, progress=False).fit(data, **kw)
        shuffled = data.sample(frac=1.0, random_state=5)
        order = pd.unique(data["attribute"])
        shuffled = pd.concat([shuffled[shuffled["attribute"] == x] for x in order])
        b = KanoAnalysis(n_boot=200, random_state=3, progress=False).fit(shuffled, **kw)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    assert a.n_respondents_ == 120
