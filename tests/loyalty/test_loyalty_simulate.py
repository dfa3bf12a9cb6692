"""The loyalty simulator: reproducible, documented truth, example files."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from expectlab import InputError
from expectlab.simulate.loyalty import DEFAULT_EFFECTS, simulate_loyalty, write_examples


def test_seeded_and_truth_consistent():
    a = simulate_loyalty(300, random_state=1)
    b = simulate_loyalty(300, random_state=1)
    assert a.data.equals(b.data)
    d = a.data
    # truth.coefficients reproduce truth.probability on the raw columns
    c = a.truth.coefficients
    eta = (c["const"] + c["satisfaction"] * d["satisfaction"] + c["top_box"] * d["top_box"]
           + c["switching_costs"] * d["switching_costs"]
           + c["satisfaction:switching_costs"] * d["satisfaction"] * d["switching_costs"]
           + c["trust"] * d["trust"] + c["complaint"] * d["complaint"]
           + c["recovery"] * d["recovery"] + c["segment[Private]"] * (d["segment"] == "Private"))
    np.testing.assert_allclose(1 / (1 + np.exp(-eta)), a.truth.probability)
    assert d["complaint_handling"].isna().eq(d["complaint"] == 0).all()
    assert d["nps"].between(0, 10).all()


def test_leak_and_effect_overrides():
    sim = simulate_loyalty(500, leak=True, effects={"top_box": 0.0}, random_state=2)
    assert sim.truth.leaked == "cancellation_call"
    assert (sim.data["cancellation_call"] == 1 - sim.data["stayed"]).mean() > 0.97
    assert sim.truth.effects["top_box"] == 0.0
    assert set(sim.truth.effects) == set(DEFAULT_EFFECTS)


def test_bad_arguments():
    with pytest.raises(InputError, match="Unknown effect name"):
        simulate_loyalty(100, effects={"price": 1.0})
    with pytest.raises(InputError, match="at least 10"):
        simulate_loyalty(5)


def test_write_examples_is_deterministic(tmp_path):
    first = write_examples(tmp_path / "a")
    second = write_examples(tmp_path / "b")
    assert [p.name for p in first] == ["loyalty_survey.csv", "loyalty_survey.codebook.yaml"]
    for p, q in zip(first, second, strict=True):
        assert p.read_bytes() == q.read_bytes()
        assert p.stat().st_size < 2_000_000
    book = yaml.safe_load(first[1].read_text())
    assert {"dataset", "description", "source", "variables"} <= set(book)
    header = first[0].read_text().splitlines()[0].split(",")
    assert set(header) == set(book["variables"])
