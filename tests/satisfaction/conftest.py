import numpy as np
import pandas as pd
import pytest

from expectlab.simulate.satisfaction import simulate_satisfaction

COLS = {"satisfaction": "satisfaction", "expectation": "expectation",
        "experience": "experience"}


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    """Item-measured survey with a quadratic truth, a control, weights and clusters."""
    sim = simulate_satisfaction(n=400, truth="quadratic", random_state=11)
    data = sim.data.copy()
    rng = np.random.default_rng(5)
    data["age"] = rng.normal(40, 10, len(data))
    data["weight"] = rng.uniform(0.5, 2.0, len(data))
    data["store"] = rng.integers(0, 25, len(data))
    return data

BASE = {"progress": False, "scale": (1, 7)}
