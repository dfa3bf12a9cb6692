"""The shared estimator contract (tests/test_contract.py) applied to the dynamics
estimators: clone and parameters, NotFittedError, results convention, rows accounted for,
reproducibility, pickling without the raw frame, plots returning Axes, bad input."""

from __future__ import annotations

import pytest

import expectlab
from expectlab.simulate.dynamics import simulate_expectation_panel, simulate_recovery
from tests.test_contract import (  # noqa: F401  (collected here with our cases)
    Case,
    test_bad_input_matrix,
    test_clone_params_repr,
    test_fit_returns_self_and_results_convention,
    test_not_fitted,
    test_pickles_without_the_raw_frame,
    test_plots_return_axes,
    test_refit_with_seed_is_reproducible,
    test_rows_in_equal_rows_used_plus_excluded,
)


def _panel():
    return simulate_expectation_panel(250, waves=4, random_state=3).data


def _recovery():
    return simulate_recovery(400, paradox=0.2, random_state=4).data


PANEL = {"id": "customer", "wave": "wave", "expectation": "expectation",
         "experience": "experience"}

CASES = [
    Case("ExpectationUpdating", lambda: expectlab.ExpectationUpdating(scale=(1, 7)), _panel,
         {**PANEL, "satisfaction": "satisfaction", "drivers": ["promise"]},
         required="experience", numeric_role="promise"),
    Case("PromiseChain",
         lambda: expectlab.PromiseChain(scale=(1, 7), n_boot=3, random_state=1,
                                        progress=False),
         _panel, {**PANEL, "satisfaction": "satisfaction", "loyalty": "loyal",
                  "promise": "promise"},
         required="promise", numeric_role="experience"),
    Case("ServiceRecovery", lambda: expectlab.ServiceRecovery(), _recovery,
         {"outcomes": ["satisfaction", "loyal"], "failure": "failure",
          "recovered": "recovered", "handling": "handling"},
         required="failure", numeric_role="satisfaction"),
]


@pytest.fixture(params=[c.name for c in CASES])
def case(request) -> Case:
    return next(c for c in CASES if c.name == request.param)
