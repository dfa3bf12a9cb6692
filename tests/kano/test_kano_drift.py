"""KanoDrift: model fits against statsmodels, recovery of the drift direction, size of the
"no drift" tests over repeated simulations, linked panels, forecasts, confounding, errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from expectlab import FragileResultWarning, InputError, KanoDrift
from expectlab.kano._models import fit_mnl_time, fit_ordinal_time, saturated_lr
from expectlab.simulate.kano import simulate_kano_panel

COLS = dict(respondent="respondent", attribute="attribute", functional="functional",
            dysfunctional="dysfunctional", wave="wave")


def drift(data, **params):
    base = dict(n_boot=100, n_sim=200, random_state=0, progress=False)
    base.update(params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        return KanoDrift(**base).fit(data, **COLS)


def _expand(table, t):
    y = np.concatenate([np.repeat(np.arange(table.shape[1]), table[i].astype(int))
                        for i in range(len(t))])
    x = np.concatenate([np.full(int(table[i].sum()), t[i]) for i in range(len(t))])
    return y, x


TABLE = np.array([[60, 20, 10, 100, 6, 4], [90, 30, 15, 60, 3, 2], [70, 60, 30, 40, 5, 5]],
                 dtype=float)
TIMES = np.array([1.0, 2.0, 3.0])


def test_multinomial_logit_matches_statsmodels():
    import statsmodels.api as sm

    fit = fit_mnl_time(TABLE, TIMES)
    y, x = _expand(TABLE, TIMES)
    exog = sm.add_constant(x - fit.t_center)
    ref = sm.MNLogit(y, exog).fit(disp=0, method="newton", maxiter=100)
    assert fit.converged
    assert fit.loglik == pytest.approx(ref.llf, rel=1e-8)
    assert fit.params == pytest.approx(ref.params.T, rel=1e-5, abs=1e-7)
    assert np.sqrt(np.diag(fit.cov)) == pytest.approx(np.asarray(ref.bse.T).ravel(), rel=1e-4)
    assert 2 * (fit.loglik - fit.loglik_null) == pytest.approx(ref.llr, rel=1e-6)


def test_ordinal_model_matches_statsmodels_ordered_logit():
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    lc = TABLE[:, [3, 0, 1, 2]]  # I < A < O < M
    fit = fit_ordinal_time(lc, TIMES)
    y, x = _expand(lc, TIMES)
    ref = OrderedModel(y, (x - x.mean())[:, None], distr="logit").fit(method="bfgs", disp=0,
                                                                      maxiter=500)
    assert fit.converged
    assert fit.slope == pytest.approx(ref.params[0], rel=1e-4)
    # expected (ours) vs observed (statsmodels) information: close, not identical
    assert fit.se == pytest.approx(ref.bse[0], rel=0.02)


def test_categorical_lr_is_the_g_test_of_independence():
    from scipy.stats import chi2_contingency

    g, df = saturated_lr(TABLE, williams=False)
    ref = chi2_contingency(TABLE, lambda_="log-likelihood", correction=False)
    assert g == pytest.approx(ref.statistic) and df == ref.dof


def test_direction_is_recovered_for_each_path():
    sim = simulate_kano_panel(300, 4, {"Life": "life cycle", "Flat": "no drift",
                                       "Fad": "flavour of the month", "Back": "life cycle"},
                              random_state=4)
    data = sim.data.copy()
    # reverse the waves of "Back": M -> O -> A -> I, an attribute losing its maturity
    back = data["attribute"] == "Back"
    data.loc[back, "wave"] = 5 - data.loc[back, "wave"]
    s = drift(data).summary
    assert s.loc["Life", "direction"] == "maturing"
    assert s.loc["Life", "lifecycle_slope_lower"] > 0
    assert s.loc["Back", "direction"] == "reverting"
    assert s.loc["Flat", "direction"] == "no clear direction"
    assert bool(s.loc["Life", "drift_significant"]) and not s.loc["Flat", "drift_significant"]
    # the rise and fall is invisible to a linear trend but clear with wave as categories
    cat = drift(data, time="categorical").summary
    assert cat.loc["Fad", "p"] < 1e-6 and cat.loc["Fad", "df"] == 15
    # linked respondents: moves follow the life-cycle order for "Life", not for "Flat"
    assert s.loc["Life", "forward"] > 3 * s.loc["Life", "backward"]
    assert s.loc["Life", "moves_p"] < 0.01 and s.loc["Flat", "moves_p"] > 0.05


@pytest.mark.slow
def test_no_drift_tests_reject_about_5_percent_over_400_simulations():
    # 400 independent "no drift" attributes in one panel: one LR test per attribute.
    # 400 runs (binomial SD 1.1 points) rather than 200 (SD 1.5) so that the 3%-8% window
    # is not a coin toss; over 2000 runs (n = 200 per wave, 3 waves) the numeric LR test
    # rejected 5.35% and the life-cycle slope test 5.6%.
    sim = simulate_kano_panel(200, 3, {f"a{i}": "no drift" for i in range(400)},
                              linked=False, random_state=2024)
    numeric = drift(sim.data, n_boot=0, n_sim=20).summary
    categorical = drift(sim.data, n_boot=0, n_sim=20, time="categorical").summary
    for rate in ((numeric["p"] < 0.05).mean(),
                 (categorical["p"] < 0.05).mean(),
                 (numeric["lifecycle_slope_p"] < 0.05).mean()):
        assert 0.03 <= rate <= 0.08, rate
    assert numeric["converged"].all()


@pytest.mark.slow
def test_life_cycle_move_test_holds_its_size_with_linked_respondents():
    sim = simulate_kano_panel(150, 2, {f"a{i}": "no drift" for i in range(200)},
                              linked=True, random_state=8)
    s = drift(sim.data, n_boot=0, n_sim=20).summary
    assert (s["moves_p"] < 0.05).mean() <= 0.08


def test_trajectories_transitions_and_forecast():
    sim = simulate_kano_panel(300, 3, {"App": "life cycle"}, random_state=5)
    d = drift(sim.data)
    traj = d.trajectories_
    assert set(traj.columns) >= {"attribute", "wave", "category", "observed", "fitted",
                                 "lower", "upper"}
    assert np.allclose(traj.groupby("wave")["fitted"].sum(), 1)
    ok = traj.dropna()
    assert ((ok["lower"] <= ok["fitted"] + 1e-12) & (ok["fitted"] <= ok["upper"] + 1e-12)).all()
    tr = d.transitions_
    probs = tr.groupby("from")["probability"].sum().dropna()
    assert np.allclose(probs, 1)
    fc = d.forecast(steps=2)
    assert fc["step"].max() == 2 and np.allclose(fc.groupby("step")["share"].sum(), 1)
    assert fc["time"].unique().tolist() == [4.0, 5.0]
    # a maturing attribute is forecast to be must-be even more often
    m = fc[(fc["category"] == "M")]
    assert m["share"].iloc[-1] > traj[(traj["category"] == "M")]["observed"].iloc[-1]
    bw = d.better_worse_
    assert list(bw.index.names) == ["attribute", "wave"]
    with pytest.raises(InputError, match="steps"):
        d.forecast(0)


def test_unlinked_waves_have_no_transitions():
    sim = simulate_kano_panel(150, 2, {"App": "no drift"}, linked=False, random_state=5)
    d = drift(sim.data)
    assert d.transitions_.empty and d.summary.loc["App", "n_linked"] == 0


def test_wording_change_flags_the_test_as_confounded():
    sim = simulate_kano_panel(200, 3, {"App": "no drift"}, random_state=6,
                              answer_set={1: "Kano 1984", 2: "Kano 1984", 3: "Berger et al. 1993"},
                              wording_shift={3: 0.6})
    with pytest.warns(FragileResultWarning, match="confounded"):
        d = KanoDrift(n_boot=0, n_sim=50, random_state=0, progress=False).fit(sim.data, **COLS)
    assert d.confounded_ and bool(d.summary.loc["App", "confounded"])
    same = simulate_kano_panel(200, 3, {"App": "no drift"}, random_state=6,
                               answer_set="Kano 1984")
    assert not drift(same.data).confounded_


def test_table_change_between_waves_is_confounded():
    sim = simulate_kano_panel(150, 2, {"App": "no drift"}, random_state=6)
    d = drift(sim.data, table={1: "standard", 2: "strict"})
    assert d.confounded_


def test_plots_return_axes():
    import matplotlib.pyplot as plt

    sim = simulate_kano_panel(150, 3, {"App": "life cycle", "Chat": "no drift"},
                              random_state=5)
    d = drift(sim.data)
    ax = d.plot_arrows()
    assert ax.get_xlabel().startswith("Dissatisfaction")
    plt.close(ax.figure)
    ax = d.plot_shares("App")
    assert ax.get_title() == "App"
    plt.close(ax.figure)
    with pytest.raises(InputError, match="not in this fit"):
        d.plot_shares("Nope")


def test_weighted_and_segmented_drift_runs():
    sim = simulate_kano_panel(200, 3, {"App": "life cycle"}, weights=True, random_state=5)
    data = sim.data.assign(seg=np.where(sim.data["respondent"] % 2 == 0, "a", "b"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        d = KanoDrift(n_boot=50, n_sim=50, random_state=0, progress=False).fit(
            data, segment="seg", weights="weight", **COLS)
    assert list(d.summary.index) == [("App", "a"), ("App", "b")]
    assert (d.summary["direction"] == "maturing").all()
    import matplotlib.pyplot as plt

    ax = d.plot_arrows()
    labels = [t.get_text() for t in ax.texts if "(wave" in t.get_text()]
    assert labels == ["App / a (wave 1)", "App / b (wave 1)"]
    plt.close(ax.figure)


def test_print_summary(capsys):
    sim = simulate_kano_panel(150, 2, {"App": "no drift"}, random_state=2)
    drift(sim.data).print_summary()
    out = capsys.readouterr().out
    assert "Kano drift across waves" in out and "Waves: 1, 2" in out and "0x" not in out


def test_string_wave_labels_use_their_sorted_order():
    sim = simulate_kano_panel(200, 3, {"App": "life cycle"}, random_state=5)
    data = sim.data.assign(wave=sim.data["wave"].map({1: "2021", 2: "2022", 3: "2023"}))
    assert drift(data).summary.loc["App", "direction"] == "maturing"
    named = sim.data.assign(wave=sim.data["wave"].map({1: "a-spring", 2: "b-summer",
                                                       3: "c-autumn"}))
    assert drift(named).summary.loc["App", "direction"] == "maturing"


# ---- error paths ------------------------------------------------------------------------
def test_errors():
    sim = simulate_kano_panel(50, 2, {"App": "no drift"}, random_state=1)
    one = sim.data[sim.data["wave"] == 1]
    with pytest.raises(InputError, match="at least two waves"):
        drift(one)
    with pytest.raises(InputError, match="wave="):
        KanoDrift().fit(sim.data, **{**COLS, "wave": None})
    with pytest.raises(InputError, match="time must be"):
        drift(sim.data, time="linear")
    with pytest.raises(InputError, match="n_sim"):
        drift(sim.data, n_sim=0)
    with pytest.raises(InputError, match="no entry for wave"):
        drift(sim.data, table={1: "standard"})
    with pytest.raises(InputError, match="not fitted"):
        KanoDrift().forecast()


def test_small_waves_warn():
    sim = simulate_kano_panel(40, 2, {"App": "no drift"}, random_state=1)
    with pytest.warns(FragileResultWarning, match="Fewer than 100"):
        KanoDrift(n_boot=0, n_sim=20, progress=False).fit(sim.data, **COLS)
