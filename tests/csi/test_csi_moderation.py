"""Interaction terms (two-stage approach) and the satisfaction -> trust -> loyalty chain
on the example client survey, checked against the simulator's latent truth."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import expectlab
from expectlab import FragileResultWarning, InputError
from expectlab.csi import PLSPathModel, chain_model, latent_chain_truth

ROOT = Path(__file__).resolve().parents[2]
MEAS = {"X": ["x1", "x2", "x3"], "M": ["m1", "m2", "m3"], "Y": ["y1", "y2", "y3"]}
PATHS = [("X", "Y"), ("M", "Y")]


def moderated_survey(n: int, seed: int, interaction: float = 0.25, noise: float = 0.45
                     ) -> pd.DataFrame:
    """Latent X, M standard normal; Y = 0.4 X + 0.2 M + interaction X M + e; three
    continuous items per construct with noise sd ``noise``."""
    rng = np.random.default_rng(seed)
    x, m = rng.normal(size=(2, n))
    y = 0.4 * x + 0.2 * m + interaction * x * m + rng.normal(0, 0.8, n)
    cols = {}
    for name, lat in (("x", x), ("m", m), ("y", y)):
        for k in range(1, 4):
            cols[f"{name}{k}"] = lat + rng.normal(0, noise, n)
    return pd.DataFrame(cols)


def latent_interaction(interaction: float = 0.25) -> float:
    """Standardised interaction path among the latent variables (large sample)."""
    rng = np.random.default_rng(0)
    x, m = rng.normal(size=(2, 400_000))
    y = 0.4 * x + 0.2 * m + interaction * x * m + rng.normal(0, 0.8, 400_000)
    z = lambda v: (v - v.mean()) / v.std()  # noqa: E731
    design = np.column_stack([z(x), z(m), z(z(x) * z(m))])
    return float(np.linalg.lstsq(design, z(y), rcond=None)[0][2])


@pytest.fixture(scope="module")
def moderated():
    return moderated_survey(1500, 3)


def test_stage_two_is_ols_on_stage_one_scores(moderated):
    model = PLSPathModel(MEAS, PATHS, interactions=[("X", "M", "Y")]).fit(moderated)
    main = PLSPathModel(MEAS, PATHS).fit(moderated)
    # stage 1 is the main-effects model: same weights and scores
    np.testing.assert_allclose(model.outer_weights_.to_numpy(),
                               main.outer_weights_.to_numpy(), equal_nan=True)
    s = model.scores_
    np.testing.assert_allclose(s[["X", "M", "Y"]], main.scores_, atol=1e-12)
    prod = main.scores_["X"] * main.scores_["M"]
    np.testing.assert_allclose(s["X x M"], (prod - prod.mean()) / prod.std(ddof=1))
    beta = np.linalg.lstsq(s[["X", "M", "X x M"]].to_numpy(), s["Y"].to_numpy(),
                           rcond=None)[0]
    pc = model.path_coefficients_
    assert [pc.loc["X", "Y"], pc.loc["M", "Y"], pc.loc["X x M", "Y"]] == pytest.approx(
        beta, abs=1e-10)
    assert list(model.summary.index) == ["X -> Y", "M -> Y", "X x M -> Y"]
    r2 = 1 - np.var(s["Y"] - s[["X", "M", "X x M"]] @ beta) / np.var(s["Y"])
    assert model.r2_.loc["Y", "r2"] == pytest.approx(r2)
    assert model.r2_.loc["Y", "r2"] > main.r2_.loc["Y", "r2"] + 0.03
    assert model.f2_["X x M -> Y"] > 0.03
    assert any("two-stage approach" in n for n in model._summary_notes())


def test_interaction_recovered_with_bootstrap(moderated):
    truth = latent_interaction()
    assert truth == pytest.approx(0.25 / np.sqrt(0.16 + 0.04 + 0.0625 + 0.64), abs=0.01)
    model = PLSPathModel(MEAS, PATHS, interactions=[("X", "M", "Y")], n_boot=300,
                         random_state=2).fit(moderated)
    row = model.summary.loc["X x M -> Y"]
    # reliable items (rho about 0.94): small attenuation, interval covers the truth
    assert row["lower"] <= truth <= row["upper"]
    assert row["estimate"] == pytest.approx(truth, abs=0.05)
    assert row["p"] < 1e-6
    slopes = model.simple_slopes_.loc["X x M"]
    # the effect of X grows with the moderator, by the interaction per SD
    assert slopes.loc[1.0, "estimate"] > slopes.loc[0.0, "estimate"] > slopes.loc[-1.0,
                                                                                  "estimate"]
    assert slopes.loc[0.0, "estimate"] == pytest.approx(model.summary.loc["X -> Y",
                                                                          "estimate"])
    # slope change per SD of the moderator = interaction path / sd of the raw product
    # of the standardised scores (scores standardised and product sd on one divisor)
    z = model.scores_[["X", "M"]] / model.scores_[["X", "M"]].std(ddof=0)
    sd_prod = (z["X"] * z["M"]).std(ddof=0)
    assert (slopes.loc[1.0, "estimate"] - slopes.loc[0.0, "estimate"]) == pytest.approx(
        row["estimate"] / sd_prod, rel=1e-9)
    assert (slopes["lower"] < slopes["estimate"]).all()


def test_no_interaction_no_false_alarm():
    data = moderated_survey(1500, 4, interaction=0.0)
    model = PLSPathModel(MEAS, PATHS, interactions=[("X", "M", "Y")], n_boot=300,
                         random_state=1).fit(data)
    row = model.summary.loc["X x M -> Y"]
    assert row["lower"] < 0 < row["upper"]
    assert abs(row["estimate"]) < 0.05


def test_bca_and_reproducible_and_njobs(moderated):
    kw = dict(interactions=[("X", "M", "Y")], n_boot=60, random_state=9)
    a = PLSPathModel(MEAS, PATHS, **kw).fit(moderated.iloc[:300])
    b = PLSPathModel(MEAS, PATHS, n_jobs=2, **kw).fit(moderated.iloc[:300])
    pd.testing.assert_frame_equal(a.summary, b.summary)
    bca = PLSPathModel(MEAS, PATHS, ci="bca", **kw).fit(moderated.iloc[:300])
    assert np.isfinite(bca.summary[["lower", "upper"]]).all().all()
    assert not np.allclose(bca.summary["lower"], a.summary["lower"])
    assert bca.summary["se"].to_numpy() == pytest.approx(a.summary["se"].to_numpy())


def test_weights_with_interactions_equal_duplicated_rows(moderated):
    data = moderated.iloc[:400]
    counts = np.random.default_rng(1).integers(1, 4, size=len(data))
    kw = dict(interactions=[("X", "M", "Y")])
    weighted = PLSPathModel(MEAS, PATHS, **kw).fit(data.assign(w=counts.astype(float)),
                                                   weights="w")
    expanded = PLSPathModel(MEAS, PATHS, **kw).fit(
        data.loc[data.index.repeat(counts)].reset_index(drop=True))
    assert weighted.summary["estimate"].to_numpy() == pytest.approx(
        expanded.summary["estimate"].to_numpy(), abs=1e-5)


def test_term_moderating_two_targets():
    data = moderated_survey(600, 8)
    data["z1"] = data["y1"] * 0.5 + np.random.default_rng(2).normal(size=600)
    meas = {**MEAS, "Z": ["z1"]}
    paths = PATHS + [("X", "Z"), ("M", "Z")]
    model = PLSPathModel(meas, paths, interactions=[("X", "M", "Y"), ("X", "M", "Z")],
                         n_boot=50, random_state=0).fit(data)
    assert list(model.scores_.columns) == ["X", "M", "Y", "Z", "X x M"]
    assert {"X x M -> Y", "X x M -> Z"} <= set(model.summary.index)
    assert model.simple_slopes_.shape[0] == 6


@pytest.mark.parametrize("interactions, message", [
    ([("X", "M", "Q")], r"names construct\(s\) \['Q'\]"),
    ([("X", "X", "Y")], "multiplies a construct by itself"),
    ([("X", "M", "X")], "points at one of its own factors"),
    ([("X", "M", "Y"), ("M", "X", "Y")], "listed twice"),
    ([("X", "M")], "triple"),
    ("X x M", "list of"),
])
def test_bad_interactions(moderated, interactions, message):
    with pytest.raises(InputError, match=message):
        PLSPathModel(MEAS, PATHS, interactions=interactions).fit(moderated)


def test_interaction_needs_main_effects(moderated):
    with pytest.raises(InputError, match=r"needs both main effects.*missing: M -> Y"):
        PLSPathModel(MEAS, [("X", "Y"), ("M", "X")], interactions=[("X", "M", "Y")]
                     ).fit(moderated)


def test_simple_slopes_only_with_interactions(moderated):
    model = PLSPathModel(MEAS, PATHS).fit(moderated)
    with pytest.raises(InputError, match="only for a model with interactions"):
        _ = model.simple_slopes_


# ---------------------------------------------------------------- the example survey --
@pytest.fixture(scope="module")
def study():
    survey = expectlab.read_survey(ROOT / "data" / "client_survey.sav")
    return expectlab.Study.from_survey(survey)


@pytest.fixture(scope="module")
def truth():
    return latent_chain_truth(100_000, random_state=3)


@pytest.fixture(scope="module")
def chain(study):
    with warnings.catch_warnings():
        warnings.simplefilter("error", FragileResultWarning)
        return chain_model("stayed", n_boot=400, random_state=2026).fit(study)


def test_latent_truth_of_the_simulator(truth):
    # trust = 1.6 + 0.6 S + N(0, 0.8): corr = 0.6 sd(S) / sd(T) with sd(S) about 1.26
    assert truth["SAT -> TRUST"] == pytest.approx(0.69, abs=0.02)
    assert abs(truth["SWITCH -> TRUST"]) < 0.01
    assert abs(truth["SAT x SWITCH -> TRUST"]) < 0.01
    assert truth["SAT -> LOY"] == pytest.approx(0.42, abs=0.03)
    assert truth["SWITCH -> LOY"] == pytest.approx(0.15, abs=0.03)
    assert 0.05 < truth["TRUST -> LOY"] < 0.15
    # no product term in the simulator; the logistic link leaves a small one on the
    # linear probability scale
    assert abs(truth["SAT x SWITCH -> LOY"]) < 0.03


def test_chain_on_the_example_survey(chain, truth):
    assert chain.reversed_items_ == ["sat_3"]
    assert (chain.outer_loadings_.stack().dropna() > 0.85).all()  # sat_3 reversed: all positive
    assert chain.n_obs_ == 469 and len(chain.excluded_) == 131
    s = chain.summary
    assert list(s.index) == ["SAT -> TRUST", "SAT -> LOY", "TRUST -> LOY", "SWITCH -> LOY",
                             "SAT x SWITCH -> LOY"]
    # signs of the strong effects recovered and significant
    for path in ("SAT -> TRUST", "SAT -> LOY", "SWITCH -> LOY"):
        assert s.loc[path, "estimate"] > 0 and s.loc[path, "p"] < 0.01, path
    # sizes: within sampling error, allowing for attenuation by measurement error
    # (PLS composites of 2-3 items: reliability about 0.84-0.91, so paths shrink by up
    # to about 15%)
    for path in s.index:
        est, se, t = s.loc[path, "estimate"], s.loc[path, "se"], truth[path]
        assert t * 0.8 - 2.5 * se <= est <= t + 2.5 * se, (path, est, t)
    assert s.loc["SAT -> TRUST", "estimate"] < truth["SAT -> TRUST"]  # attenuated
    # no moderation in the truth: the interval of the interaction covers zero
    inter = s.loc["SAT x SWITCH -> LOY"]
    assert inter["lower"] < 0 < inter["upper"]
    assert inter["lower"] <= truth["SAT x SWITCH -> LOY"] <= inter["upper"]
    assert chain.indices_.loc["LOY", "estimate"] == pytest.approx(
        100 * np.average(study_rows(chain)["stayed"], weights=study_rows(chain)["weight"]))


def study_rows(model):
    survey = expectlab.read_survey(ROOT / "data" / "client_survey.sav")
    return survey.data.loc[model.scores_.index]


def test_moderating_trust_finds_nothing(study, truth):
    model = PLSPathModel(
        {"SAT": "satisfaction", "TRUST": "trust", "SWITCH": "switching_costs"},
        [("SAT", "TRUST"), ("SWITCH", "TRUST")], interactions=[("SAT", "SWITCH", "TRUST")],
        n_boot=400, random_state=1).fit(study)
    s = model.summary
    for path in ("SWITCH -> TRUST", "SAT x SWITCH -> TRUST"):
        assert s.loc[path, "lower"] < truth[path] < s.loc[path, "upper"], path
        assert abs(s.loc[path, "estimate"]) < 0.08
    assert s.loc["SAT -> TRUST", "lower"] > 0.5


def test_reverse_worded_item_without_study_warns(study):
    frame = study.data
    with pytest.warns(FragileResultWarning, match=r"sat_3.*negative index weights"):
        model = PLSPathModel({"SAT": ["sat_1", "sat_2", "sat_3"], "TRUST": ["trust_1",
                                                                            "trust_2"]},
                             [("SAT", "TRUST")], scale=(1, 7)).fit(frame)
    assert model.outer_loadings_.loc["sat_3", "SAT"] < 0
    assert model.reversed_items_ == []


def test_plot_positions(moderated):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    model = PLSPathModel(MEAS, PATHS, interactions=[("X", "M", "Y")]).fit(moderated)
    ax = model.plot_paths(positions={"X": (0, 1), "M": (0, 0), "X x M": (0, -1), "Y": (1, 0)})
    texts = [t.get_text() for t in ax.texts]
    assert "X x M" in texts and any(t.startswith("Y\nR2 = ") for t in texts)
    with pytest.raises(InputError, match=r"no place for construct\(s\) \['X x M'\]"):
        model.plot_paths(positions={"X": (0, 1), "M": (0, 0), "Y": (1, 0)})
    plt.close("all")


def test_absent_results_are_absent_attributes(moderated):
    # regression: dir() (scikit-learn filters it with hasattr) failed on a model without
    # interactions or without an answer scale
    model = PLSPathModel(MEAS, PATHS).fit(moderated)
    assert not hasattr(model, "simple_slopes_") and not hasattr(model, "indices_")
    names = dir(model)
    assert "plot_paths" in names and "simple_slopes_" not in names
    with pytest.raises(InputError, match="answer scale"):
        _ = model.index_scores_
