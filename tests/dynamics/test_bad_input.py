"""Bad input to the dynamics estimators: one clear InputError naming the problem."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from expectlab import ExpectationUpdating, InputError, ServiceRecovery, Study
from expectlab.simulate.dynamics import simulate_expectation_panel, simulate_recovery

ROLES = {"id": "customer", "wave": "wave", "expectation": "expectation",
         "experience": "experience"}


@pytest.fixture(scope="module")
def panel():
    return simulate_expectation_panel(200, waves=4, random_state=1).data


def test_single_wave(panel):
    with pytest.raises(InputError, match="single wave"):
        ExpectationUpdating(scale=(1, 7)).fit(panel[panel["wave"] == 2], **ROLES)


def test_two_waves_are_too_few_for_gmm(panel):
    with pytest.raises(InputError, match="needs at least 3"):
        ExpectationUpdating(scale=(1, 7)).fit(panel[panel["wave"] <= 2], **ROLES)


def test_no_overlap_of_people_between_waves(panel):
    data = panel.copy()
    data["customer"] = data["customer"] * 10 + data["wave"]  # renumbered in every wave
    with pytest.raises(InputError, match="no respondent id appears in more than one wave"):
        ExpectationUpdating(scale=(1, 7)).fit(data, **ROLES)


def test_expectation_on_another_scale_than_experience(panel):
    data = panel.copy()
    data["expectation"] = (1 + (data["expectation"] - 1) * 4 / 6).round(2)  # now 1-5
    study = Study.from_frame(data, {"variables": {
        "expectation": {"scale": [1, 5]}, "experience": {"scale": [1, 7]}}},
        id=None, wave="wave")
    with pytest.raises(InputError, match=r"expectation 'expectation' on 1-5.*experience "
                                         r"'experience' on 1-7"):
        ExpectationUpdating().fit(study, id="customer", expectation="expectation",
                                  experience="experience")
    with pytest.raises(InputError, match="same answer scale"):
        ExpectationUpdating(scale={"expectation": (1, 5), "experience": (1, 7)}).fit(
            data, **ROLES)


def test_undeclared_scale(panel):
    with pytest.raises(InputError, match="not declared"):
        ExpectationUpdating().fit(panel, **ROLES)


def test_values_outside_the_scale(panel):
    data = panel.copy()
    data.loc[data.index[3], "experience"] = 99
    with pytest.raises(InputError, match="outside the declared scale"):
        ExpectationUpdating(scale=(1, 7)).fit(data, **ROLES)


def test_text_in_items(panel):
    data = panel.copy()
    data["experience"] = data["experience"].astype(object)
    data.loc[data.index[5], "experience"] = "n/a?"
    with pytest.raises(InputError, match=r"'experience'.*text.*'n/a\?'"):
        ExpectationUpdating(scale=(1, 7)).fit(data, **ROLES)
    data = panel.copy()
    data["promise"] = data["promise"].astype(object)
    data.loc[data.index[7], "promise"] = "lots"
    with pytest.raises(InputError, match="'promise'"):
        ExpectationUpdating(scale=(1, 7)).fit(data, **ROLES, drivers=["promise"])


def test_mixed_wave_labels(panel):
    data = panel.copy()
    data["wave"] = data["wave"].astype(object)
    data.loc[data["wave"] == 3, "wave"] = "W3"
    with pytest.raises(InputError, match="mixes numbers and text"):
        ExpectationUpdating(scale=(1, 7)).fit(data, **ROLES)


def test_text_wave_labels_are_ordered_naturally():
    data = simulate_expectation_panel(300, waves=4, random_state=2).data
    numeric = ExpectationUpdating(scale=(1, 7)).fit(data, **ROLES)
    data = data.assign(wave="W" + data["wave"].astype(str))
    text = ExpectationUpdating(scale=(1, 7)).fit(data, **ROLES)
    assert text.waves_ == ["W1", "W2", "W3", "W4"]
    np.testing.assert_allclose(text.summary["estimate"].to_numpy(),
                               numeric.summary["estimate"].to_numpy())


def test_duplicated_customer_wave(panel):
    data = pd.concat([panel, panel.iloc[[4]]], ignore_index=True)
    with pytest.raises(InputError, match="once per wave"):
        ExpectationUpdating(scale=(1, 7)).fit(data, **ROLES)


def test_missing_columns_and_roles(panel):
    with pytest.raises(InputError, match="nope"):
        ExpectationUpdating(scale=(1, 7)).fit(panel, **{**ROLES, "experience": "nope"})
    with pytest.raises(InputError, match="wave= is required"):
        ExpectationUpdating(scale=(1, 7)).fit(panel, id="customer",
                                              expectation="expectation",
                                              experience="experience")
    with pytest.raises(InputError, match="has no rows"):
        ExpectationUpdating(scale=(1, 7)).fit(panel.iloc[0:0], **ROLES)


def test_bad_weights(panel):
    for values, pattern in ((-1.0, "negative"), (np.inf, "infinite")):
        data = panel.assign(w=1.0)
        data.loc[data.index[2], "w"] = values
        with pytest.raises(InputError, match=pattern):
            ExpectationUpdating(scale=(1, 7)).fit(data, **ROLES, weights="w")


def test_forecast_bad_driver(panel):
    model = ExpectationUpdating(scale=(1, 7)).fit(panel, **ROLES, drivers=["promise"])
    with pytest.raises(InputError, match="not a driver"):
        model.forecast(drivers={"advertising": 3})
    with pytest.raises(InputError, match="must be a number"):
        model.forecast(driver_shift={"promise": "a lot"})
    with pytest.raises(InputError, match="SatisfactionRegression"):
        model.forecast(satisfaction_model=object())


def test_recovery_bad_input():
    data = simulate_recovery(300, random_state=1).data
    roles = {"outcomes": "satisfaction", "failure": "failure", "recovered": "recovered"}
    bad = data.copy()
    bad.loc[bad.index[bad["failure"] == 0][0], "recovered"] = 1
    with pytest.raises(InputError, match="cannot have a recovered failure"):
        ServiceRecovery().fit(bad, **roles)
    bad = data.copy()
    bad.loc[bad.index[0], "failure"] = 2
    with pytest.raises(InputError, match="must be 0 .* or 1"):
        ServiceRecovery().fit(bad, **roles)
    bad = data.copy()
    bad["satisfaction"] = bad["satisfaction"].astype(object)
    bad.loc[bad.index[1], "satisfaction"] = "great"
    with pytest.raises(InputError, match="'satisfaction'.*text"):
        ServiceRecovery().fit(bad, **roles)
    with pytest.raises(InputError, match="at least 2 customers"):
        ServiceRecovery().fit(data[data["failure"] == 0], **roles)
    with pytest.raises(InputError, match="margin"):
        ServiceRecovery(margin=-0.2).fit(data, **roles)
