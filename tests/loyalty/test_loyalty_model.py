"""LoyaltyModel: recovery, coverage, calibration, leakage, importance, weights, API."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from expectlab import FragileResultWarning, LoyaltyModel
from expectlab.simulate.loyalty import simulate_loyalty

from .conftest import DRIVERS, INTERACTION

FAST = {"n_boot": 0, "importance": False, "progress": False}


def _quiet_fit(model, data, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        return model.fit(data, **kwargs)


def test_published_spector_mazzeo_logit():
    # Spector & Mazzeo (1980) grade data; published logit estimates in Greene,
    # Econometric Analysis (5th ed., Table 21.1): const -13.021 (4.931), GPA 2.826 (1.263),
    # TUCE 0.095 (0.142), PSI 2.379 (1.065).
    data = sm.datasets.spector.load_pandas().data
    model = _quiet_fit(LoyaltyModel("logit", cv=None, **FAST), data, outcome="GRADE",
                       drivers=["GPA", "TUCE", "PSI"])
    s = model.summary
    np.testing.assert_allclose(s["estimate"], [-13.021, 2.826, 0.095, 2.379], atol=6e-4)
    np.testing.assert_allclose(s["se"], [4.931, 1.263, 0.142, 1.065], atol=6e-4)
    # average marginal effects agree with statsmodels' get_margeff (overall, dydx)
    ref = sm.Logit(data["GRADE"], sm.add_constant(data[["GPA", "TUCE", "PSI"]])).fit(disp=0)
    me = ref.get_margeff().summary_frame()
    np.testing.assert_allclose(model.marginal_effects_["estimate"], me["dy/dx"], rtol=1e-5)
    np.testing.assert_allclose(model.marginal_effects_["se"], me["Std. Err."], rtol=1e-4)


def test_logit_recovers_simulated_coefficients(sim_large):
    model = LoyaltyModel("logit", cv=None, **FAST).fit(
        sim_large.data, outcome="stayed", drivers=DRIVERS, categorical=["segment"],
        interactions=INTERACTION)
    s = model.summary
    truth = sim_large.truth.coefficients.reindex(s.index)
    z = (s["estimate"] - truth) / s["se"]
    assert (z.abs() < 3.5).all(), z
    assert abs(s.loc["top_box", "estimate"] - 1.2) < 0.25
    assert s.loc["ad_recall", "lower"] < 0 < s.loc["ad_recall", "upper"]


@pytest.mark.slow
def test_logit_interval_coverage():
    # 120 simulated surveys of 800: pooled coverage of all 10 coefficients' 95% intervals.
    hits = []
    for seed in range(120):
        sim = simulate_loyalty(800, random_state=1000 + seed, nps=False)
        model = _quiet_fit(LoyaltyModel("logit", cv=None, **FAST), sim.data, outcome="stayed",
                           drivers=DRIVERS, categorical=["segment"],
                           interactions=INTERACTION)
        s = model.summary
        truth = sim.truth.coefficients.reindex(s.index)
        hits.append(((s["lower"] <= truth) & (truth <= s["upper"])).to_numpy())
    coverage = np.mean(hits)
    assert 0.925 <= coverage <= 0.975, coverage


def test_weights_duplicate_rows_equivalence(sim_small):
    data = sim_small.data.copy()
    rng = np.random.default_rng(0)
    data["w"] = rng.integers(1, 4, len(data)).astype(float)
    drivers = ["satisfaction", "trust", "switching_costs", "complaint"]
    weighted = LoyaltyModel("logit", cv=None, **FAST).fit(data, outcome="stayed",
                                                          drivers=drivers, weights="w")
    dup = data.loc[data.index.repeat(data["w"].astype(int))].reset_index(drop=True)
    plain = LoyaltyModel("logit", cv=None, **FAST).fit(dup, outcome="stayed", drivers=drivers)
    np.testing.assert_allclose(weighted.summary["estimate"], plain.summary["estimate"], rtol=1e-6)
    # survey weights are not frequency weights: sandwich SEs use the real sample size
    assert (weighted.summary["se"] > plain.summary["se"]).all()
    assert "Survey weights: w" in "\n".join(weighted._summary_notes())


@pytest.mark.slow
def test_boosting_probabilities_calibrated_on_fresh_data():
    train = simulate_loyalty(3000, random_state=21).data
    fresh = simulate_loyalty(20_000, random_state=22)
    from expectlab.loyalty.metrics import calibration, roc_auc

    model = LoyaltyModel("boosting", cv=3, monotone={"satisfaction": 1, "trust": 1},
                         n_boot=0, importance=False, random_state=0, progress=False)
    model.fit(train, outcome="stayed", drivers=["satisfaction", "trust", "switching_costs",
                                                "complaint", "recovery"])
    assert model.calibration_ == "isotonic"
    p = model.predict_loyal(fresh.data).to_numpy()
    y = fresh.data["stayed"].to_numpy(dtype=float)
    slope, intercept = calibration(y, p, np.ones((1, len(y))))
    assert 0.85 <= slope[0] <= 1.15
    # calibration-in-the-large moves with the training sample's share of stayers (its
    # logit has SE 0.04 at n = 3000), so allow about three SEs
    assert abs(intercept[0]) < 0.15
    assert p.mean() == pytest.approx(train["stayed"].mean(), abs=0.015)
    # close to the best possible ranking (the true probabilities)
    best = roc_auc(y, fresh.truth.probability, np.ones((1, len(y))))[0]
    assert roc_auc(y, p, np.ones((1, len(y))))[0] > best - 0.03
    # the held-out calibration slope reported by fit agrees
    assert 0.75 <= model.metrics_.loc["calibration_slope", "estimate"] <= 1.25


def test_monotone_constraint_is_respected(sim_small):
    model = LoyaltyModel("boosting", cv=None, monotone={"satisfaction": 1}, random_state=0,
                         **FAST)
    model.fit(sim_small.data, outcome="stayed", drivers=["satisfaction", "trust"])
    grid = pd.DataFrame({"satisfaction": np.arange(1.0, 8.0), "trust": 4.0})
    assert np.all(np.diff(model.predict_loyal(grid)) >= -1e-12)


def test_cross_validated_metrics_and_logit_calibration(sim_small):
    model = LoyaltyModel("logit", n_boot=50, importance=False, random_state=3, progress=False)
    model.fit(sim_small.data, outcome="stayed",
              drivers=["satisfaction", "top_box", "trust", "switching_costs", "complaint"])
    m = model.metrics_
    assert set(m.index) == {"roc_auc", "pr_auc", "brier", "log_loss", "calibration_slope",
                            "calibration_intercept", "prevalence"}
    assert 0.65 < m.loc["roc_auc", "estimate"] < 0.85
    assert m.loc["calibration_slope", "lower"] < 1 < m.loc["calibration_slope", "upper"]
    assert model.oof_proba_.shape == (len(sim_small.data),)
    assert len(model.lift_) == 10
    again = LoyaltyModel("logit", n_boot=50, importance=False, random_state=3, progress=False)
    again.fit(sim_small.data, outcome="stayed",
              drivers=["satisfaction", "top_box", "trust", "switching_costs", "complaint"])
    pd.testing.assert_frame_equal(m, again.metrics_)  # reproducible


def test_leakage_guard_fires_and_stays_silent():
    sim = simulate_loyalty(600, leak=True, random_state=4)
    drivers = ["satisfaction", "trust", "cancellation_call"]
    with pytest.warns(FragileResultWarning, match="'cancellation_call'"):
        model = LoyaltyModel("logit", cv=None, **FAST).fit(sim.data, outcome="stayed",
                                                           drivers=drivers)
    assert model.leakage_["leaky"].tolist() == [False, False, True]
    assert "Possible leakage: cancellation_call" in model._summary_notes()
    with warnings.catch_warnings():
        warnings.simplefilter("error", FragileResultWarning)
        clean = LoyaltyModel("logit", cv=None, **FAST).fit(
            sim.data, outcome="stayed", drivers=["satisfaction", "trust", "segment"],
            categorical=["segment"])
    assert not clean.leakage_["leaky"].any()


def test_importance_of_a_null_driver_is_near_zero(sim_small):
    model = LoyaltyModel("logit", n_boot=60, permutation_repeats=3, random_state=1,
                         progress=False)
    model.fit(sim_small.data, outcome="stayed",
              drivers=["satisfaction", "trust", "switching_costs", "ad_recall"])
    imp = model.importance_
    assert abs(imp.loc["ad_recall", "permutation"]) < 0.01
    assert imp.loc["ad_recall", "permutation_lower"] < 0.005
    # percentile bootstrap interval: covers 0 for the no-effect driver, not for satisfaction
    assert imp.loc["ad_recall", "permutation_lower"] <= 0 <= imp.loc["ad_recall",
                                                                    "permutation_upper"]
    assert imp["permutation_se"].notna().all()
    assert imp.loc["ad_recall", "share"] < 0.03
    assert imp["share"].idxmax() in {"satisfaction", "trust", "switching_costs"}
    assert imp.loc["satisfaction", "permutation_lower"] > 0
    assert model.dominance_total_["fit"] == pytest.approx(imp["dominance"].sum())
    ax = model.plot_importance()
    assert "held-out ROC AUC" in ax.get_xlabel()
    ax = model.plot_calibration()
    assert ax.get_title()
    ax = model.plot_lift()
    assert ax.get_ylabel().startswith("Lift")


def _ordinal_data(n, seed):
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = rng.binomial(1, 0.4, size=n).astype(float)
    latent = 0.8 * x1 - 0.5 * x2 + rng.logistic(size=n)
    y = 1 + np.searchsorted([-1.5, -0.3, 0.8, 2.0], latent)  # 1..5
    return pd.DataFrame({"loyalty": y, "x1": x1, "x2": x2})


def test_ordinal_engine_recovers_coefficients():
    data = _ordinal_data(4000, 0)
    model = LoyaltyModel("ordinal", cv=None, **FAST).fit(data, outcome="loyalty",
                                                         drivers=["x1", "x2"])
    s = model.summary
    truth = pd.Series([0.8, -0.5, -1.5, -0.3, 0.8, 2.0], index=s.index)
    assert ((s["estimate"] - truth).abs() / s["se"] < 3.5).all()
    assert model.loyal_from_ == 5  # top box by default
    assert model.predict_proba(data.head(3)).shape == (3, 5)
    # unit survey weights give the same fit with sandwich SEs close to model-based ones
    data["w"] = 1.0
    weighted = LoyaltyModel("ordinal", cv=None, **FAST).fit(data, outcome="loyalty",
                                                            drivers=["x1", "x2"], weights="w")
    np.testing.assert_allclose(weighted.summary["estimate"], s["estimate"], atol=1e-3)
    np.testing.assert_allclose(weighted.summary["se"], s["se"], rtol=0.15)


@pytest.mark.slow
def test_ordinal_metrics_and_importance():
    data = _ordinal_data(500, 1)
    model = LoyaltyModel("ordinal", cv=3, n_boot=20, permutation_repeats=2, random_state=0,
                         progress=False).fit(data, outcome="loyalty", drivers=["x1", "x2"],
                                             loyal_from=4)
    assert model.metrics_.loc["roc_auc", "estimate"] > 0.7
    assert model.dominance_total_["measure"] == "R2"
    assert model.importance_["dominance"].idxmax() == "x1"


def test_balanced_class_weights_keep_probabilities_on_population_scale():
    sim = simulate_loyalty(4000, effects={"intercept": -2.8}, random_state=9)
    drivers = ["satisfaction", "trust", "switching_costs"]
    plain = _quiet_fit(LoyaltyModel("logit", cv=None, **FAST), sim.data, outcome="stayed",
                       drivers=drivers)
    balanced = _quiet_fit(LoyaltyModel("logit", cv=None, class_weight="balanced", **FAST),
                          sim.data, outcome="stayed", drivers=drivers)
    p_bal = balanced.predict_loyal(sim.data).mean()
    assert p_bal == pytest.approx(sim.data["stayed"].mean(), abs=0.02)
    assert p_bal == pytest.approx(plain.predict_loyal(sim.data).mean(), abs=0.02)


def test_rare_outcome_and_small_sample_warn():
    sim = simulate_loyalty(300, effects={"intercept": -4.0}, random_state=2)
    with pytest.warns(FragileResultWarning) as record:
        LoyaltyModel("logit", cv=None, **FAST).fit(sim.data, outcome="stayed",
                                                   drivers=["satisfaction", "trust"])
    messages = " ".join(str(r.message) for r in record)
    assert "rare" in messages and "fewer than 10 per parameter" in messages


def test_exclusions_are_recorded(sim_small):
    data = sim_small.data.copy()
    data.loc[[3, 7], "trust"] = np.nan
    data.loc[10, "stayed"] = np.nan
    data.loc[[12, 13], "satisfaction"] = -99
    model = LoyaltyModel("logit", cv=3, **FAST).fit(
        data, outcome="stayed", drivers=["satisfaction", "trust"], missing_codes=[-99])
    ex = model.excluded_
    assert model.n_obs_ == len(data) - 5
    assert dict(zip(ex["row"], ex["reason"], strict=True)) == {
        12: "missing code -99 in 'satisfaction'", 13: "missing code -99 in 'satisfaction'",
        10: "missing outcome", 3: "missing driver 'trust'", 7: "missing driver 'trust'"}
    assert "Rows excluded: 5" in "\n".join(model._summary_notes())
    assert data.loc[12, "satisfaction"] == -99  # the caller's data is untouched


def test_results_api(sim_small, capsys):
    model = LoyaltyModel("logit", cv=3, **FAST)
    assert model.get_params()["engine"] == "logit"
    model.set_params(cv=4)
    assert model.cv == 4
    model.fit(sim_small.data, outcome="stayed", drivers=["satisfaction", "segment"],
              categorical=["segment"])
    model.print_summary()
    out = capsys.readouterr().out
    assert "Loyalty model" in out and "segment[Private]" in out and "Held-out (4-fold" in out
    assert "<table" in model._repr_html_()
    assert model.predict_proba(sim_small.data.head()).shape == (5, 2)
    curve = model.curve("satisfaction", by="segment")
    assert set(curve.curve_["group"]) == {"Business", "Private"}


def test_parallel_folds_give_the_same_result(sim_small):
    kwargs = {"n_boot": 20, "importance": False, "random_state": 5, "progress": False}
    drivers = ["satisfaction", "trust", "segment"]
    one = LoyaltyModel("logit", n_jobs=1, **kwargs).fit(sim_small.data, outcome="stayed",
                                                        drivers=drivers,
                                                        categorical=["segment"])
    two = LoyaltyModel("logit", n_jobs=2, **kwargs).fit(sim_small.data, outcome="stayed",
                                                        drivers=drivers,
                                                        categorical=["segment"])
    pd.testing.assert_series_equal(one.oof_proba_, two.oof_proba_)


def test_perfect_separation_warns_about_unreliable_estimates(sim_small):
    data = sim_small.data.assign(copy_of_outcome=sim_small.data["stayed"])
    with pytest.warns(FragileResultWarning) as record:
        LoyaltyModel("logit", cv=None, **FAST).fit(
            data, outcome="stayed", drivers=["satisfaction", "copy_of_outcome"])
    messages = " ".join(str(r.message) for r in record)
    assert "quasi-separation" in messages and "'copy_of_outcome'" in messages


def test_marginal_effects_follow_interactions_through_the_product_column():
    # With an interaction a:b, the effect of a is mean(mu(1-mu)(b_a + b_ab * b)); checked
    # against a numerical derivative of the fitted probabilities (product recomputed).
    rng = np.random.default_rng(12)
    n = 4000
    frame = pd.DataFrame({"a": rng.normal(4, 1, n), "b": rng.normal(3, 1, n)})
    eta = -1 + 0.5 * frame["a"] - 0.3 * frame["b"] + 0.2 * frame["a"] * frame["b"] - 2
    frame["stay"] = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    model = LoyaltyModel("logit", cv=2, n_boot=20, importance=False, random_state=1,
                         progress=False)
    model.fit(frame, outcome="stay", drivers=["a", "b"], interactions=[("a", "b")])
    me = model.marginal_effects_
    assert list(me.index) == ["a", "b"]  # no row for the product column itself
    beta = model.engine_.beta_
    h = 1e-5
    for name in ("a", "b"):
        up, down = frame.copy(), frame.copy()
        up[name] += h / 2
        down[name] -= h / 2

        def prob(f):
            x = np.column_stack([np.ones(n), f["a"], f["b"], f["a"] * f["b"]])
            return 1 / (1 + np.exp(-x @ beta))

        numeric = ((prob(up) - prob(down)) / h).mean()
        assert me.loc[name, "estimate"] == pytest.approx(numeric, rel=1e-5)
    # the column-only derivative would differ markedly for a
    dens = (lambda p: p * (1 - p))(1 / (1 + np.exp(-np.column_stack(
        [np.ones(n), frame["a"], frame["b"], frame["a"] * frame["b"]]) @ beta)))
    assert abs(me.loc["a", "estimate"] - dens.mean() * beta[1]) > 0.02


@pytest.mark.slow
def test_permutation_intervals_follow_random_state_and_survey_weights(sim_small):
    data = sim_small.data.assign(
        w=np.random.default_rng(0).uniform(0.5, 2.0, len(sim_small.data)))
    kwargs = {"n_boot": 40, "permutation_repeats": 2, "max_dominance_drivers": 0,
              "progress": False}
    drivers = ["satisfaction", "trust", "ad_recall"]
    cols = ["permutation", "permutation_se", "permutation_lower", "permutation_upper"]

    def fit(seed, weights="w"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FragileResultWarning)  # dominance skipped
            return LoyaltyModel("logit", random_state=seed, **kwargs).fit(
                data, outcome="stayed", drivers=drivers, weights=weights).importance_[cols]

    a, b = fit(2), fit(2)
    pd.testing.assert_frame_equal(a, b)  # same seed, same bootstrap intervals
    assert not np.allclose(a["permutation_lower"], fit(3)["permutation_lower"])
    assert not np.allclose(a["permutation_lower"], fit(2, None)["permutation_lower"])
    assert (a["permutation_lower"] <= a["permutation_upper"]).all()
