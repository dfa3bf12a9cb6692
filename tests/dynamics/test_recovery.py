"""ServiceRecovery: Hedges g against known values, verdicts on simulated paradoxes,
equivalence, moderation by complaint handling."""

from __future__ import annotations

import numpy as np
import pytest

from expectlab import ServiceRecovery
from expectlab.dynamics import hedges_g
from expectlab.simulate.dynamics import simulate_recovery

ROLES = {"outcomes": ["satisfaction", "loyal"], "failure": "failure",
         "recovered": "recovered", "handling": "handling"}


def test_hedges_g_by_hand():
    x1 = np.array([5.0, 6, 7, 6])
    x2 = np.array([4.0, 5, 5, 4])
    r = hedges_g(x1, x2)
    sp = np.sqrt((3 * x1.var(ddof=1) + 3 * x2.var(ddof=1)) / 6)
    J = 1 - 3 / (4 * 8 - 9)
    assert r.g == pytest.approx(J * (x1.mean() - x2.mean()) / sp)
    assert r.se == pytest.approx(np.sqrt(8 / 16 + r.g**2 / 16))
    # integer weights equal repeated rows in the means
    w = np.array([2.0, 1, 1, 1])
    rw = hedges_g(x1, x2, w1=w)
    assert rw.difference == pytest.approx(np.average(x1, weights=w) - x2.mean())


@pytest.mark.parametrize(("paradox", "verdict"), [(0.5, "paradox"), (-0.5, "no paradox")])
def test_verdicts_on_clear_cases(paradox, verdict):
    sim = simulate_recovery(3000, paradox=paradox, random_state=3)
    rec = ServiceRecovery().fit(sim.data, **ROLES)
    g = rec.summary.loc[("satisfaction", "recovered vs no failure"), "estimate"]
    assert g == pytest.approx(paradox, abs=0.12)
    assert rec.verdicts_.loc["satisfaction", "verdict"] == verdict
    assert rec.n_obs_ + len(rec.excluded_) == len(sim.data)


def test_equivalence_with_many_customers_and_no_paradox():
    sim = simulate_recovery(8000, paradox=0.0, random_state=4)
    rec = ServiceRecovery().fit(sim.data, **ROLES)
    assert rec.equivalence_.loc["satisfaction", "equivalent"]
    assert rec.verdicts_.loc["satisfaction", "verdict"] == "equivalent"


def test_small_sample_cannot_tell():
    sim = simulate_recovery(120, paradox=0.0, shares=(0.6, 0.2, 0.2), random_state=5)
    rec = ServiceRecovery().fit(sim.data, **ROLES)
    row = rec.summary.loc[("satisfaction", "recovered vs no failure")]
    assert row["lower"] < -0.2 and row["upper"] > 0.2
    assert rec.verdicts_.loc["satisfaction", "verdict"] == "cannot tell"
    assert "both a recovery paradox" in rec.verdict("satisfaction")


def test_moderation_recovers_the_handling_effect():
    sim = simulate_recovery(6000, paradox=0.2, handling=0.3, random_state=6)
    rec = ServiceRecovery().fit(sim.data, **ROLES)
    b = rec.moderation_.loc[("satisfaction", "recovered x handling"), "estimate"]
    assert b == pytest.approx(0.3, abs=0.07)
    gap = rec.moderation_.loc[("satisfaction", "recovered (at average handling)"),
                              "estimate"]
    assert gap == pytest.approx(0.2, abs=0.08)
    by_h = rec.paradox_by_handling_.loc["satisfaction"]
    assert by_h["estimate"].is_monotonic_increasing


def test_unrecovered_rows_without_status_are_excluded():
    sim = simulate_recovery(500, random_state=7)
    data = sim.data.copy()
    idx = data.index[data["failure"] == 1][:3]
    data.loc[idx, "recovered"] = np.nan
    rec = ServiceRecovery().fit(data, outcomes="satisfaction", failure="failure",
                                recovered="recovered")
    assert set(rec.excluded_["row"]) == set(idx)
    assert rec.excluded_["reason"].str.contains("without recovery status").all()
