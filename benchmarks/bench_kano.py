"""Benchmark: Kano classification and KanoAnalysis against what a skilled user writes.

References (the strongest a skilled pandas / numpy user would write, same data):

* classification: a numpy look-up table indexed by ``6 * f + d`` (what ``classify`` does
  inside; the comparison shows our input checks cost little);
* ``KanoAnalysis.fit``: a plain ``groupby(["attribute", "f", "d"]).size()`` count of the
  same answer pairs, which is the least work any Kano table needs (our fit also
  validates, classifies, checks duplicates, counts respondents and computes every
  statistic). Target: within 3x.
* the bootstrap: 1,000 respondent resamples on 10 million pairs, target under 15 s
  (resampling the count table, see :mod:`expectlab.kano._counts`).

Both sides are timed interleaved, median of several runs; a scaling table in 10x steps
shows the growth and the memory peaks. Run:
``python benchmarks/bench_kano.py [max_pairs]`` (default 10 million).
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pandas as pd
from _survey_timing import interleaved, machine, row

from expectlab import FragileResultWarning, KanoAnalysis
from expectlab.kano import classify

N_ATTR = 10
STANDARD = ["QAAAO", "RIIIM", "RIIIM", "RIIIM", "RRRRQ"]
COLS = dict(respondent="id", attribute="attribute", functional="f", dysfunctional="d")


def make_data(n_pairs: int, seed: int = 2024) -> pd.DataFrame:
    """Long Kano data: n_pairs / 10 respondents x 10 attributes, codes 1-5 (int8)."""
    rng = np.random.default_rng(seed)
    n_resp = n_pairs // N_ATTR
    return pd.DataFrame({
        "id": np.repeat(np.arange(n_resp), N_ATTR),
        "attribute": pd.Series(np.tile([f"feature {k}" for k in range(N_ATTR)], n_resp)),
        "f": rng.integers(1, 6, n_resp * N_ATTR).astype(np.int8),
        "d": rng.integers(1, 6, n_resp * N_ATTR).astype(np.int8),
    })


def lookup_reference() -> np.ndarray:
    lut = np.full(36, -1, dtype=np.int8)
    letters = "AOMIRQ"
    for f in range(5):
        for d in range(5):
            lut[6 * (f + 1) + d + 1] = letters.index(STANDARD[f][d])
    return lut


def fit(data: pd.DataFrame, n_boot: int) -> KanoAnalysis:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        return KanoAnalysis(n_boot=n_boot, random_state=1, progress=False).fit(data, **COLS)


def groupby_count(data: pd.DataFrame) -> pd.Series:
    return data.groupby(["attribute", "f", "d"], observed=True).size()


def main(max_pairs: int = 10_000_000) -> None:
    print(machine())
    data = make_data(max_pairs)
    f, d = data["f"].to_numpy(), data["d"].to_numpy()
    lut = lookup_reference()

    # same answers, same categories
    ours = np.asarray(classify(f[:100_000], d[:100_000]).codes)
    assert (ours == lut[f[:100_000].astype(np.int64) * 6 + d[:100_000]]).all()
    res = interleaved({"ours": lambda: classify(f, d),
                       "ref": lambda: lut[f.astype(np.int64) * 6 + d]}, repeat=5)
    print(f"\nclassification of {max_pairs:,} pairs (int8 codes)")
    print(row("expectlab.kano.classify", res["ours"]))
    print(row("numpy look-up table lut[6 f + d]", res["ref"]))
    print(f"ratio expectlab / reference = {res['ours']['seconds'] / res['ref']['seconds']:.2f}")

    # the counts agree with the group-by
    ka = fit(data, 0)
    counts = groupby_count(data)
    assert int(counts.sum()) == ka.n_obs_ == len(data)

    print(f"\nKanoAnalysis.fit vs a plain group-by count of the same pairs "
          f"({N_ATTR} attributes)")
    print(f"{'pairs':>12s} {'fit (s)':>9s} {'group-by (s)':>13s} {'ratio':>6s} "
          f"{'fit peak MiB':>13s} {'group-by peak MiB':>18s}")
    size = 100_000
    while size <= max_pairs:
        sub = data if size == len(data) else data.iloc[:size].reset_index(drop=True)
        res = interleaved({"ours": lambda s=sub: fit(s, 0), "ref": lambda s=sub: groupby_count(s)},
                          repeat=3)
        print(f"{size:12,d} {res['ours']['seconds']:9.2f} {res['ref']['seconds']:13.2f} "
              f"{res['ours']['seconds'] / res['ref']['seconds']:6.2f} "
              f"{res['ours']['mib']:13.0f} {res['ref']['mib']:18.0f}")
        size *= 10
    print("target: ratio at most 3 at 10 million pairs")

    print(f"\nKanoAnalysis.fit with 1,000 bootstrap resamples, {len(data):,} pairs")
    res = interleaved({"boot": lambda: fit(data, 1000), "plain": lambda: fit(data, 0)},
                      repeat=3)
    print(row("n_boot=1000", res["boot"]))
    print(row("n_boot=0", res["plain"]))
    print(f"bootstrap cost: {res['boot']['seconds'] - res['plain']['seconds']:.2f} s; "
          "target: the whole fit under 15 s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000)
