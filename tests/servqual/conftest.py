import warnings

import pytest

from expectlab.simulate.servqual import simulate_penalty_reward, simulate_servqual


@pytest.fixture(scope="module")
def two():
    return simulate_servqual(n=400, n_management=50, random_state=11)


@pytest.fixture(scope="module")
def three():
    return simulate_servqual(n=400, format="three-column", random_state=12)


@pytest.fixture(scope="module")
def attrs():
    return simulate_penalty_reward(1500, random_state=13)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield
