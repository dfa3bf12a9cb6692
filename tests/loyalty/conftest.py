"""Shared simulated data for the loyalty tests (simulated once per session)."""

from __future__ import annotations

import pytest

from expectlab.simulate.loyalty import simulate_loyalty

DRIVERS = ["satisfaction", "top_box", "switching_costs", "trust", "complaint", "recovery",
           "segment", "ad_recall"]
INTERACTION = [("satisfaction", "switching_costs")]


@pytest.fixture(scope="session")
def sim_large():
    return simulate_loyalty(20_000, random_state=11)


@pytest.fixture(scope="session")
def sim_small():
    return simulate_loyalty(800, random_state=5)
