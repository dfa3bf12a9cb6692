"""Disconfirmation zones, what-if scenarios, predictions, plots and the simulator."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from expectlab import SatisfactionRegression  # noqa: E402
from expectlab.satisfaction.zones import ZONES, assign_zones  # noqa: E402
from expectlab.simulate.satisfaction import simulate_satisfaction  # noqa: E402

from .conftest import BASE, COLS  # noqa: E402


@pytest.fixture(scope="module")
def fitted(survey):
    return SatisfactionRegression(n_boot=200, random_state=3, **BASE).fit(
        survey, **COLS, weights="weight")


def test_zone_boundaries():
    d = np.array([-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, np.nan])
    zones = assign_zones(d)
    assert list(zones[:9]) == ["very dissatisfied", "dissatisfied", "dissatisfied", "neutral",
                               "neutral", "neutral", "satisfied", "satisfied",
                               "very satisfied"]
    assert zones.isna()[9]
    assert list(assign_zones(np.array([0.3]), cuts=(-1, -0.2, 0.2, 1))) == ["satisfied"]


def test_zone_table_shares_and_weighted_means(fitted, survey):
    table = fitted.zones()
    assert list(table.index) == list(ZONES)
    assert table["n"].sum() == fitted.n_obs_
    assert table["share"].sum() == pytest.approx(1.0)
    d = survey["experience"] - survey["expectation"]
    mask = d > 1.5
    expected = np.average(survey.loc[mask, "satisfaction"], weights=survey.loc[mask, "weight"])
    assert table.loc["very satisfied", "mean_satisfaction"] == pytest.approx(expected)
    assert (table["lower"] < table["mean_satisfaction"]).all()
    # satisfaction rises across the zones in the simulated data
    assert table["mean_satisfaction"].is_monotonic_increasing
    zones = fitted.assign_zones()
    assert zones.index.equals(survey.index) and zones.name == "zone"


def test_what_if_is_linear_in_the_shift_and_clips(fitted):
    zero = fitted.what_if(model="difference")
    assert zero.loc["change", "estimate"] == pytest.approx(0.0, abs=1e-12)
    c = fitted.params_["difference"].iloc[1]
    lowered = fitted.what_if(expectation_shift=-0.5, model="difference", clip=False)
    assert lowered.loc["change", "estimate"] == pytest.approx(0.5 * c)
    assert lowered.loc["change", "lower"] < 0.5 * c < lowered.loc["change", "upper"]
    raised = fitted.what_if(experience_shift=1.0, model="full")
    assert raised.loc["change", "clipped_share"] > 0  # some respondents already at 7
    assert {"boot_lower", "boot_upper", "se"} <= set(raised.columns)
    assert raised.loc["change", "boot_lower"] < raised.loc["change", "boot_upper"]
    assert raised.loc["baseline", "estimate"] == pytest.approx(
        np.average(fitted.predict(model="full"), weights=fitted._w))


def test_predict_new_data_matches_fitted(fitted, survey):
    new = fitted.predict(survey.iloc[:10], model="asymmetric")
    np.testing.assert_allclose(new, fitted.predict(model="asymmetric").iloc[:10])


def test_plots_return_axes(fitted):
    for ax in (fitted.plot_contour(), fitted.plot_surface(show_points=True),
               fitted.plot_asymmetry(), fitted.plot_comparison(),
               fitted.plot_comparison(criterion="adj_r2")):
        assert ax.get_title()
        assert ax.get_xlabel()
        plt.close(ax.figure)
    fig, ax = plt.subplots()
    assert fitted.plot_contour(model="SQD", ax=ax) is ax
    plt.close(fig)


def test_print_summary_and_html(fitted, capsys):
    fitted.print_summary()
    out = capsys.readouterr().out
    assert "Observations used: 400" in out and "Covariance: HC3" in out
    assert "<table" in fitted._repr_html_()
    coefs = fitted.coefficients("full")
    assert {"boot_lower", "boot_upper"} <= set(coefs.columns)
    assert list(fitted.comparison_.index[:6]) == ["null", "difference", "ratio", "additive",
                                                  "interaction", "asymmetric"]
    for col in ("r2", "adj_r2", "aic", "bic", "df_model", "f_vs_full", "p_vs_full"):
        assert col in fitted.comparison_.columns
    assert np.isnan(fitted.comparison_.loc["ratio", "f_vs_full"])


def test_center_options_change_coefficients_not_fit(survey):
    fits = {c: SatisfactionRegression(models=["full"], center=c, n_boot=0, **BASE).fit(
        survey, **COLS) for c in ("midpoint", "pooled_mean", None)}
    r2 = {c: f.comparison_.loc["full", "r2"] for c, f in fits.items()}
    assert max(r2.values()) - min(r2.values()) < 1e-10
    assert fits["midpoint"].center_ == 4.0 and fits[None].center_ == 0.0
    assert fits["pooled_mean"].center_ == pytest.approx(
        np.concatenate([survey["expectation"], survey["experience"]]).mean())
    # a3, the slope across the line of incongruence, is shift invariant only if a4 is 0;
    # a4 itself never depends on the centre
    a4 = [f.surface().loc["a4", "estimate"] for f in fits.values()]
    np.testing.assert_allclose(a4, a4[0])


def test_simulator_shapes_and_truth():
    sim = simulate_satisfaction(n=50, truth="quadratic", n_items=4, random_state=1)
    assert [c for c in sim.data.columns if c.startswith("sat_")] == [f"sat_{j}" for j in
                                                                      range(1, 5)]
    assert sim.data[["exp_1", "perf_4"]].isin(range(1, 8)).all().all()
    assert sim.truth.surface["a1"] == pytest.approx(0.2)
    np.testing.assert_allclose(
        sim.truth.mean_function(np.array([4.0]), np.array([4.0])), 4.4)
    again = simulate_satisfaction(n=50, truth="quadratic", n_items=4, random_state=1)
    assert sim.data.equals(again.data)
    assert simulate_satisfaction(n=20, truth="full", random_state=1).truth.kind == "quadratic"
    from expectlab.simulate.satisfaction import write_examples

    assert write_examples(None) == []
