"""Survey link, plots and the client-report section."""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from expectlab import FragileResultWarning, InputError
from expectlab.repeat import (
    BetaGeo,
    ParetoNBD,
    add_customer_predictions,
    beyond_past_purchases,
    calibration_holdout_table,
    cumulative_tracking,
    plot_alive_heatmap,
    plot_calibration_holdout,
    plot_cumulative_tracking,
    summarise_transactions,
)
from expectlab.simulate.repeat import simulate_client_transactions

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def linked():
    rng = np.random.default_rng(8)
    z = rng.standard_normal(600)
    sim = simulate_client_transactions(np.arange(1, 601), z, random_state=9)
    cal = summarise_transactions(sim.data, amount="amount", period_end="2024-12-31",
                                 holdout_end="2025-06-30")
    model = BetaGeo().fit(cal)
    survey = pd.DataFrame({"respondent_id": np.arange(1, 601),
                           "satisfaction": 4.5 + 0.8 * z + 0.5 * rng.standard_normal(600)})
    return sim, cal, model, survey


def test_add_customer_predictions(linked):
    sim, cal, model, survey = linked
    extra = pd.concat([survey, pd.DataFrame({"respondent_id": [9999], "satisfaction": [5.0]})],
                      ignore_index=True)
    with pytest.warns(FragileResultWarning, match="1 of 601 respondents have no transactions"):
        joined = add_customer_predictions(extra, cal, model)
    assert joined["has_transactions"].sum() == 600
    assert joined.loc[600, ["p_alive", "expected_purchases", "frequency"]].isna().all()
    np.testing.assert_allclose(joined.loc[:599, "p_alive"], model.predict_alive(cal).to_numpy())
    # default horizon = the holdout (26 weeks)
    np.testing.assert_allclose(joined.loc[:599, "expected_purchases"],
                               model.predict_purchases(cal["duration_holdout"].iloc[0], cal))
    assert survey.columns.tolist() == ["respondent_id", "satisfaction"]  # input untouched


def test_add_customer_predictions_errors(linked):
    _, cal, model, survey = linked
    with pytest.raises(InputError, match="No survey 'respondent_id' matches"):
        add_customer_predictions(survey.assign(respondent_id=survey["respondent_id"] + 10_000),
                                 cal, model)
    with pytest.raises(InputError, match="duplicated customer ids"):
        add_customer_predictions(survey, pd.concat([cal, cal]), model)
    with pytest.raises(InputError, match="'id' not found"):
        add_customer_predictions(survey, cal, model, id_column="id")


def test_satisfaction_predicts_beyond_past_purchases(linked):
    _, cal, model, survey = linked
    joined = add_customer_predictions(survey, cal, model)
    table = beyond_past_purchases(joined, "satisfaction")
    row = table.loc["satisfaction"]
    assert row["estimate"] > 1 and row["p"] < 0.05
    assert row["lower"] < row["estimate"] < row["upper"]
    # the shared summary columns first; estimate is the rate ratio exp(log rate ratio)
    assert table.columns[:6].tolist() == ["estimate", "se", "lower", "upper", "statistic", "p"]
    assert row["estimate"] == pytest.approx(np.exp(row["log_rate_ratio"]))
    assert row["statistic"] == pytest.approx(row["log_rate_ratio"] / row["se_log"])
    assert table.attrs["n_obs"] == 600 and table.attrs["dispersion"] > 0
    # a pure-noise driver shows no effect
    noise = joined.assign(noise=np.random.default_rng(1).standard_normal(600))
    assert beyond_past_purchases(noise, "noise").loc["noise", "p"] > 0.01


def test_beyond_past_purchases_errors_and_exclusions(linked):
    _, cal, model, survey = linked
    joined = add_customer_predictions(survey, cal, model)
    joined.loc[:4, "satisfaction"] = np.nan
    table = beyond_past_purchases(joined, ["satisfaction"])
    assert table.attrs["n_obs"] == 595
    assert table.attrs["excluded"]["row"].tolist() == [0, 1, 2, 3, 4]
    with pytest.raises(InputError, match="at least one driver"):
        beyond_past_purchases(joined, [])
    with pytest.raises(InputError, match="alpha must lie"):
        beyond_past_purchases(joined, "satisfaction", alpha=2)
    with pytest.raises(InputError, match="do not vary"):
        beyond_past_purchases(joined.assign(flat=1.0), "flat")
    with pytest.raises(InputError, match="Only 5 complete rows"):
        beyond_past_purchases(joined.iloc[:10], "satisfaction")
    small = joined.iloc[:60]
    with pytest.warns(FragileResultWarning, match="Only 55 customers"):
        beyond_past_purchases(small, "satisfaction")


def test_plots_return_labelled_axes(linked):
    sim, cal, model, _ = linked
    table = calibration_holdout_table(model, cal, max_frequency=5)
    assert table.index[-1] == "5+" and table["customers"].sum() == 600
    ax = plot_calibration_holdout(model, cal)
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    tracking = cumulative_tracking(model, sim.data, period_end="2024-12-31",
                                   holdout_end="2025-06-30")
    assert tracking["actual"].is_monotonic_increasing
    # the model tracks the actual curve within 10% at the end of calibration
    at_end = tracking.loc[:"2024-12-31"].iloc[-1]
    assert abs(at_end["expected"] / at_end["actual"] - 1) < 0.1
    _, given = plt.subplots()
    ax = plot_cumulative_tracking(ParetoNBD().fit(cal), sim.data, period_end="2024-12-31",
                                  holdout_end="2025-06-30", ax=given)
    assert ax is given and ax.get_ylabel() == "Cumulative repeat purchases"
    ax = plot_alive_heatmap(model, T=52.0, max_frequency=10)
    assert "P(alive)" in ax.figure.axes[-1].get_ylabel()
    plt.close("all")
    with pytest.raises(InputError, match="T must be a positive age"):
        plot_alive_heatmap(model, T=0)
    with pytest.raises(InputError, match="max_frequency must be"):
        calibration_holdout_table(model, cal, max_frequency=0)
    with pytest.raises(InputError, match="not found"):
        calibration_holdout_table(model, cal.drop(columns="frequency_holdout"))
    uneven = cal.copy()
    uneven.iloc[0, uneven.columns.get_loc("duration_holdout")] = 1.0
    with pytest.raises(InputError, match="one holdout period"):
        calibration_holdout_table(model, uneven)
