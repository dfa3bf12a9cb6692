"""Simulators: seeds, shapes, the truth they return, bad arguments, the example files."""

import filecmp
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from expectlab import InputError
from expectlab.repeat import summarise_transactions
from expectlab.simulate import repeat as simrep

DATA = Path(__file__).resolve().parents[2] / "data"


def test_simulators_are_seeded():
    a = simrep.simulate_bg_nbd(200, 0.3, 4.0, 0.8, 2.5, random_state=1)
    b = simrep.simulate_bg_nbd(200, 0.3, 4.0, 0.8, 2.5, random_state=1)
    pd.testing.assert_frame_equal(a.data, b.data)
    c = simrep.simulate_pareto_nbd(200, 0.5, 10.0, 0.6, 12.0, random_state=1)
    assert (c.data["recency"] <= c.data["T"]).all()
    assert ((c.data["frequency"] == 0) == (c.data["recency"] == 0)).all()
    assert set(c.truth["customers"].columns) == {"rate", "dropout_rate", "alive"}
    assert a.truth["params"] == {"r": 0.3, "alpha": 4.0, "a": 0.8, "b": 2.5}


def test_bg_nbd_simulator_matches_model_mean():
    # E[X(T)] of a new customer: compare the simulated mean with the model formula
    from expectlab.repeat import BetaGeo

    sim = simrep.simulate_bg_nbd(40000, 0.3, 4.0, 0.8, 2.5, T=30.0, random_state=2)
    model = BetaGeo()
    model.params_ = pd.Series({"r": 0.3, "alpha": 4.0, "a": 0.8, "b": 2.5})
    model._fitted = True
    expected = float(model.predict_purchases(30.0))
    se = sim.data["frequency"].std() / np.sqrt(40000)
    assert abs(sim.data["frequency"].mean() - expected) < 4 * se


def test_transaction_log_round_trip():
    n = 300
    rng = np.random.default_rng(3)
    log = simrep.simulate_transaction_log(n, rate=rng.gamma(1, 0.2, n),
                                          dropout_prob=np.full(n, 0.1),
                                          spend_mean=np.full(n, 50.0), random_state=4)
    assert list(log.columns) == ["customer_id", "date", "amount"]
    assert log["customer_id"].nunique() == n and (log["amount"] > 0).all()
    assert log["date"].min() >= "2024-01-01" and log["date"].max() <= "2025-06-30"
    summary = summarise_transactions(log, amount="amount", duplicates="keep",
                                     period_end="2025-06-30")
    assert len(summary) == n


def test_client_transactions_link_satisfaction():
    z = np.random.default_rng(5).standard_normal(600)
    sim = simrep.simulate_client_transactions(np.arange(1, 601), z, random_state=6)
    counts = sim.data.groupby("customer_id").size().reindex(np.arange(1, 601))
    assert np.corrcoef(z, counts)[0, 1] > 0.2
    truth = sim.truth["customers"]
    assert np.corrcoef(truth["satisfaction"], truth["dropout_prob"])[0, 1] < 0


@pytest.mark.parametrize("call,message", [
    (lambda: simrep.simulate_bg_nbd(0, 1, 1, 1, 1), "n_customers must be"),
    (lambda: simrep.simulate_bg_nbd(5, -1, 1, 1, 1), "r must be a positive"),
    (lambda: simrep.simulate_bg_nbd(5, 1, 1, 1, 1, T=[1, 2]), "T must be a positive"),
    (lambda: simrep.simulate_pareto_nbd(5, 1, 1, 0, 1), "s must be a positive"),
    (lambda: simrep.simulate_gamma_gamma(5, 1, 1, np.nan), "v must be a positive"),
    (lambda: simrep.simulate_gamma_gamma(2, 1, 1, 1, frequency=[0, 1]), "whole numbers >= 1"),
    (lambda: simrep.simulate_transaction_log(2, rate=[1.0], dropout_prob=[0.1, 0.1],
                                             spend_mean=[1.0, 1.0]), "rate must hold"),
    (lambda: simrep.simulate_transaction_log(1, rate=[-1.0], dropout_prob=[0.1],
                                             spend_mean=[1.0]), "rate must be >= 0"),
    (lambda: simrep.simulate_transaction_log(1, rate=[1.0], dropout_prob=[0.1],
                                             spend_mean=[1.0], acquisition_days=0),
     "acquisition_days"),
    (lambda: simrep.simulate_client_transactions([1, 2], [0.0]), "equal length"),
    (lambda: simrep.simulate_client_transactions([1], [np.nan]), "must be finite"),
])
def test_simulator_bad_arguments(call, message):
    with pytest.raises(InputError, match=message):
        call()


def test_example_files_regenerate_identically(tmp_path):
    pytest.importorskip("expectlab.simulate.client")
    written = simrep.write_examples(tmp_path)
    assert [p.name for p in written] == ["client_transactions.csv",
                                         "client_transactions.codebook.yaml"]
    for path in written:
        assert filecmp.cmp(path, DATA / path.name, shallow=False), path.name
    log = pd.read_csv(DATA / "client_transactions.csv")
    assert sorted(log["customer_id"].unique()) == list(range(1, 601))
    assert (DATA / "client_transactions.csv").stat().st_size < 2_000_000
