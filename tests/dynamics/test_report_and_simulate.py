"""Report sections (shown / skipped) and the simulators."""

from __future__ import annotations

import filecmp

import numpy as np
import pytest

from expectlab.dynamics import client_section, recovery_section
from expectlab.simulate.dynamics import (
    simulate_expectation_panel,
    simulate_recovery,
    write_examples,
)
from tests.conftest import DATA


@pytest.fixture
def shown(monkeypatch):
    """Collect the HTML the section displays instead of rendering it."""
    out: list[str] = []
    import expectlab._display as display

    monkeypatch.setattr(display, "_display_html", out.append)
    monkeypatch.setattr(display, "show_figure", lambda fig: out.append("<figure>"))
    import expectlab.dynamics.report_section as section

    monkeypatch.setattr(section, "show_figure", lambda fig: out.append("<figure>"))
    return out


def test_dynamics_section_shown_for_a_panel(shown):
    data = simulate_expectation_panel(250, waves=4, random_state=1).data
    params = {"id_column": "customer", "wave_column": "wave", "promise_column": "promise",
              "loyalty_column": "loyal", "scale_min": 1, "scale_max": 7, "n_boot": 5,
              "random_state": 1, "weight_column": "weight"}
    assert client_section(data, params) is True
    text = "\n".join(shown)
    assert "lambda" in text and "Who left the panel" in text
    assert "under-promise, over-deliver" in text


def test_dynamics_section_skipped_without_a_panel(shown):
    data = simulate_expectation_panel(100, waves=4, random_state=1).data
    assert client_section(data, {"scale_min": 1, "scale_max": 7}) is False
    one_wave = data[data["wave"] == 1]
    params = {"id_column": "customer", "wave_column": "wave", "scale_min": 1,
              "scale_max": 7}
    assert client_section(one_wave, params) is False
    assert "single wave" in "\n".join(shown)


def test_recovery_section(shown):
    data = simulate_recovery(400, paradox=0.3, random_state=2).data
    params = {"failure_column": "failure", "recovered_column": "recovered",
              "handling_column": "handling", "loyalty_column": "loyal"}
    assert recovery_section(data, params) is True
    assert recovery_section(data, {}) is False
    text = "\n".join(shown)
    assert "Hedges g" in text and "recovered vs no failure" in text


def test_example_panel_regenerates_byte_identically(tmp_path):
    for path in write_examples(tmp_path):
        assert filecmp.cmp(path, DATA / path.name, shallow=False), path.name


def test_panel_simulator_attrition_depends_on_satisfaction():
    data = simulate_expectation_panel(3000, waves=3, attrition=0.2, random_state=3).data
    w1 = data[data["wave"] == 1].set_index("customer")
    stayed = w1.index.isin(data.loc[data["wave"] == 2, "customer"])
    assert w1.loc[~stayed, "satisfaction"].mean() < w1.loc[stayed, "satisfaction"].mean()
    balanced = simulate_expectation_panel(100, waves=3, attrition=0.0, random_state=3).data
    assert len(balanced) == 300


def test_recovery_simulator_paradox_is_the_group_difference():
    sim = simulate_recovery(20000, paradox=0.4, random_state=4)
    d = sim.data
    none = d.loc[d["failure"] == 0, "satisfaction"]
    rec = d.loc[d["recovered"] == 1, "satisfaction"]
    assert rec.mean() - none.mean() == pytest.approx(0.4, abs=0.05)
    assert np.isnan(d.loc[d["failure"] == 0, "handling"]).all()
