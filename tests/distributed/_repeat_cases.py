# no __init__.py here: a package named "distributed" under tests/ (which pytest puts on
# sys.path) would shadow the dask.distributed package
"""Shared data and in-memory references for the Dask and Spark repeat-buying tests."""

import functools
import warnings

import numpy as np
import pandas as pd
import pytest

from expectlab.repeat import BetaGeo, GammaGamma, ParetoNBD, summarise_transactions
from expectlab.simulate.repeat import (
    simulate_bg_nbd,
    simulate_gamma_gamma,
    simulate_transaction_log,
)

PERIOD_END, HOLDOUT_END = "2024-06-30", "2024-09-30"


def transaction_log() -> pd.DataFrame:
    """A dated log with repeats, late rows and customers first seen in the holdout."""
    rng = np.random.default_rng(5)
    n = 600
    log = simulate_transaction_log(n, rate=rng.gamma(2.0, 1 / 4.0, n),
                                   dropout_prob=rng.beta(2.0, 6.0, n),
                                   spend_mean=rng.gamma(6.0, 5.0, n), start="2024-01-01",
                                   acquisition_days=250, end="2024-12-31", random_state=5)
    log = pd.concat([log, log.iloc[[3, 10, 10]]], ignore_index=True)  # 3 duplicate rows
    return log


def summarise(log, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return summarise_transactions(log, amount="amount", period_end=PERIOD_END,
                                      holdout_end=HOLDOUT_END, **kwargs)


def check_warn(to_engine) -> None:
    """duplicates="warn" on an engine: the numbers of "keep" in memory, the repeat count
    of "drop", a FragileResultWarning naming the count; on logs with and without repeats,
    with and without amounts (without amounts repeats are not checked: None)."""
    log = transaction_log()
    for frame, n_repeats in ((log, 3), (log.drop_duplicates(), 0)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ours = summarise_transactions(to_engine(frame), amount="amount",
                                          period_end=PERIOD_END, holdout_end=HOLDOUT_END,
                                          duplicates="warn")
        assert_same_summary(ours, summarise(frame, duplicates="keep"))
        assert ours.attrs["n_repeated_rows"] == n_repeats
        assert summarise(to_engine(frame), duplicates="drop").attrs["n_repeated_rows"] \
            == n_repeats
        told = [str(w.message) for w in caught if "repeats" in str(w.message)]
        if n_repeats:
            assert len(told) == 1 and told[0].startswith(
                "The transaction log repeats 3 rows exactly (same 'customer_id', 'date', "
                "'amount'); first repeats: (")
            assert "They are kept as separate purchases (duplicates='warn')" in told[0]
        else:
            assert told == []
    assert summarise(to_engine(log), duplicates="keep").attrs["n_repeated_rows"] is None
    days_only = log.drop(columns="amount")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = summarise_transactions(to_engine(days_only), duplicates="warn",
                                      period_end=PERIOD_END, holdout_end=HOLDOUT_END)
        expected = summarise_transactions(days_only, duplicates="keep",
                                          period_end=PERIOD_END, holdout_end=HOLDOUT_END)
    assert_same_summary(ours, expected)
    assert ours.attrs["n_repeated_rows"] is None


def fitted(summary):
    """BG/NBD, Pareto/NBD and Gamma-Gamma fitted on a summary (pandas or engine frame)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return (BetaGeo().fit(summary), ParetoNBD().fit(summary),
                GammaGamma().fit(summary))


def assert_same_summary(ours: pd.DataFrame, reference: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(ours.drop(columns=[]), reference, check_like=False,
                                  check_index_type=False, check_dtype=False)
    assert ours.attrs["n_rows"] == reference.attrs["n_rows"]
    assert ours.attrs["n_rows_used"] == reference.attrs["n_rows_used"]
    a = ours.attrs["excluded"]["reason"].value_counts().sort_index()
    b = reference.attrs["excluded"]["reason"].value_counts().sort_index()
    pd.testing.assert_series_equal(a, b)


def assert_same_fit(model, reference) -> None:
    """Same estimates to the optimiser's tolerance (rows arrive in another order, so sums
    round differently)."""
    np.testing.assert_allclose(model.params_, reference.params_, rtol=1e-7)
    assert model.loglik_ == pytest.approx(reference.loglik_, rel=1e-12)
    np.testing.assert_allclose(model.standard_errors_, reference.standard_errors_, rtol=1e-4)
    assert model.n_obs_ == reference.n_obs_
    assert model.converged_ and reference.converged_


@functools.cache
def reference() -> tuple[pd.DataFrame, pd.DataFrame, tuple]:
    """The in-memory results both engines are compared with, computed once per run: the
    summary of :func:`transaction_log` (duplicates dropped), the customer summary and its
    three fitted models. Tests must not modify them."""
    summary = customer_summary()
    return summarise(transaction_log(), duplicates="drop"), summary, fitted(summary)


def customer_summary(n: int = 1000) -> pd.DataFrame:
    """Simulated customers on which BG/NBD, Pareto/NBD and Gamma-Gamma all converge
    (1,000 customers: 883 distinct histories, 707 repeat buyers; the engine reduces them
    in several partitions, and Pareto/NBD's fit takes a tenth of the time it needs at
    3,000)."""
    ages = np.random.default_rng(3).integers(70, 365, n) / 7.0
    data = simulate_bg_nbd(n, r=0.6, alpha=4.0, a=0.8, b=2.5, T=ages, random_state=4).data
    data["recency"] = np.floor(data["recency"] * 7.0) / 7.0
    repeat = data["frequency"].to_numpy() > 0
    spend = simulate_gamma_gamma(int(repeat.sum()), 6.0, 4.0, 15.0,
                                 frequency=data["frequency"].to_numpy()[repeat],
                                 random_state=5).data["monetary_value"].to_numpy()
    data["monetary_value"] = 0.0
    data.loc[repeat, "monetary_value"] = spend
    return data
