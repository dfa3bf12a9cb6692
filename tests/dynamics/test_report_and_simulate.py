"""Report sections (shown / skipped) and the simulators."""

from __future__ import annotations

import filecmp

import numpy as np
import pytest

from expectlab.simulate.dynamics import (
    simulate_expectation_panel,
    simulate_recovery,
    write_examples,
)
from tests.conftest import DATA


def test_dynamics_section_for_a_panel(monkeypatch, tmp_path):
    from expectlab.dynamics import ExpectationUpdating
    from expectlab.dynamics.report_section import compute, show
    from expectlab.report.context import ReportContext
    from expectlab.report.summary import findings
    from tests.report._studies import prepared, shown_text

    data = simulate_expectation_panel(250, waves=4, random_state=1).data
    study = prepared(data, tmp_path, id_column=None, panel_id="customer", panel_wave="wave",
                     panel_expectation="expectation", panel_experience="experience",
                     panel_satisfaction="satisfaction", panel_promise="promise",
                     panel_loyalty="loyal", n_boot=5, random_state=1)
    assert study.runs("dynamics") and not study.runs("recovery")
    result = compute(study)
    direct = ExpectationUpdating(scale=(1, 7)).fit(
        data, id="customer", wave="wave", expectation="expectation",
        experience="experience", satisfaction="satisfaction", drivers=["promise"],
        weights="weight")
    lam = direct.summary.loc[("expectation", "lambda"), "estimate"]
    assert result.parts["model"].summary.loc[("expectation", "lambda"), "estimate"] == \
        pytest.approx(lam)
    ctx = ReportContext(study)
    out = shown_text(monkeypatch)
    show(result, ctx)
    text = "\n".join(out)
    assert "lambda: carry-over" in text and "Who left the panel" in text
    assert "What promises cost" in text
    assert any(f"weight {lam:.2f}" in line for line in findings({"dynamics": result}, ctx))


def test_dynamics_section_needs_a_whole_panel(tmp_path):
    from expectlab import InputError
    from tests.report._studies import prepared

    data = simulate_expectation_panel(100, waves=4, random_state=1).data
    with pytest.raises(InputError, match="needs panel_id, panel_experience as well"):
        prepared(data, tmp_path, id_column=None, panel_wave="wave",
                 panel_expectation="expectation")
    one_wave = data[data["wave"] == 1]
    with pytest.raises(InputError, match="expectation dynamics .*single wave"):
        prepared(one_wave, tmp_path, id_column=None, panel_id="customer",
                 panel_wave="wave", panel_expectation="expectation",
                 panel_experience="experience")


def test_recovery_section(monkeypatch, tmp_path):
    from expectlab.dynamics import ServiceRecovery
    from expectlab.dynamics.report_section import compute_recovery, show_recovery
    from expectlab.report.context import ReportContext
    from tests.report._studies import prepared, shown_text

    data = simulate_recovery(400, paradox=0.3, random_state=2).data
    study = prepared(data, tmp_path, id_column="respondent", recovery_failure="failure",
                     recovery_recovered="recovered", recovery_handling="handling",
                     loyalty_outcome="loyal", recovery_outcomes=None)
    # no outcomes given: the satisfaction column and the loyalty outcome
    assert study.params["recovery_outcomes"] == ["satisfaction", "loyal"]
    result = compute_recovery(study)
    direct = ServiceRecovery().fit(data, outcomes=["satisfaction", "loyal"],
                                   failure="failure", recovered="recovered",
                                   handling="handling", weights="weight")
    g = direct.summary.loc[("satisfaction", "recovered vs no failure"), "estimate"]
    out = shown_text(monkeypatch)
    show_recovery(result, ReportContext(study))
    text = "\n".join(out)
    assert f"g = {g:.2f}" in text
    assert "Recovered minus no failure at each rating" in text

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
