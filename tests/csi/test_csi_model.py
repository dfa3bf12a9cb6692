"""PLSPathModel / SatisfactionIndex behaviour: options, exclusions, weights, study input,
bootstrap reproducibility, quality criteria, exports and plots."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from expectlab import FragileResultWarning, Study
from expectlab.csi import PLSPathModel, SatisfactionIndex
from expectlab.csi import quality as q
from expectlab.csi.algorithm import Layout, pls_core, weighted_correlations

from .conftest import SMALL_MEASUREMENT, small_design

PATHS = [("A", "B"), ("B", "C"), ("A", "C")]


@pytest.fixture(scope="module")
def small():
    return small_design(400, 11).data


def fit(data, **kw):
    return PLSPathModel(SMALL_MEASUREMENT, PATHS, **kw).fit(data)


def test_sign_orientation_follows_the_items(small):
    base = fit(small)
    flipped = small.copy()
    flipped[["b1", "b2", "b3"]] = 11 - flipped[["b1", "b2", "b3"]]
    model = fit(flipped)
    # B now measures the opposite: loadings still positive, paths into/out of B flip sign
    assert (model.outer_loadings_["B"].dropna() > 0).all()
    assert model.path_coefficients_.loc["A", "B"] == pytest.approx(
        -base.path_coefficients_.loc["A", "B"])
    assert model.path_coefficients_.loc["A", "C"] == pytest.approx(
        base.path_coefficients_.loc["A", "C"])


def test_exclusions_are_logged(small):
    data = small.copy()
    data.loc[[3, 8], "a2"] = np.nan
    data.loc[8, "c1"] = np.nan
    data.loc[20, "c1"] = np.nan
    model = fit(data)
    assert model.n_obs_ == 397
    ex = model.excluded_
    assert ex["row"].tolist() == [3, 8, 20]
    assert ex["reason"].tolist() == ["missing item 'a2'", "missing item 'a2'",
                                     "missing item 'c1'"]
    assert list(model.scores_.index[:4]) == [0, 1, 2, 4]
    buf = model.summary  # summary notes list the exclusions
    assert buf.shape == (3, 6)
    assert any("Rows excluded: 3" in n for n in model._summary_notes())


def test_mean_replacement_only_when_asked(small):
    data = small.copy()
    data.loc[[3, 8], "a2"] = np.nan
    model = fit(data, missing="mean")
    assert model.n_obs_ == 400 and len(model.excluded_) == 0
    assert model.imputed_["a2"] == 2 and model.imputed_.sum() == 2
    assert any("replaced by item means: 2" in n for n in model._summary_notes())


def test_frequency_weights_equal_duplicated_rows(small):
    counts = np.random.default_rng(0).integers(1, 4, size=len(small))
    weighted = PLSPathModel(SMALL_MEASUREMENT, PATHS).fit(
        small.assign(w=counts.astype(float)), weights="w")
    expanded = fit(small.loc[small.index.repeat(counts)].reset_index(drop=True))
    assert weighted.path_coefficients_.fillna(0).to_numpy() == pytest.approx(
        expanded.path_coefficients_.fillna(0).to_numpy(), abs=1e-10)
    assert weighted.outer_weights_.fillna(0).to_numpy() == pytest.approx(
        expanded.outer_weights_.fillna(0).to_numpy(), abs=1e-4)


def test_zero_weights_excluded(small):
    w = np.ones(len(small))
    w[:5] = 0
    model = PLSPathModel(SMALL_MEASUREMENT, PATHS).fit(small.assign(w=w), weights="w")
    assert model.n_obs_ == 395
    assert set(model.excluded_["reason"]) == {"zero weight 'w'"}


def test_study_with_scale_names_and_codebook_scale(small):
    study = Study.from_frame(small, id="respondent_id", scales=SMALL_MEASUREMENT,
                             item_scale=(1, 10))
    model = PLSPathModel({"A": "A", "B": "B", "C": "C"}, PATHS).fit(study)
    plain = fit(small, scale=(1, 10))
    assert model.path_coefficients_.equals(plain.path_coefficients_)
    assert model.scale_ == {"A": (1.0, 10.0), "B": (1.0, 10.0), "C": (1.0, 10.0)}
    assert model.indices_["estimate"].to_numpy() == pytest.approx(
        plain.indices_["estimate"].to_numpy())


def test_bootstrap_seeded_and_identical_across_n_jobs(small):
    a = fit(small, n_boot=120, random_state=4)
    b = fit(small, n_boot=120, random_state=4, n_jobs=2)
    c = fit(small, n_boot=120, random_state=5)
    np.testing.assert_array_equal(a.summary.to_numpy(), b.summary.to_numpy())
    assert not np.array_equal(a.summary["se"].to_numpy(), c.summary["se"].to_numpy())
    s = a.summary
    assert (s["se"] > 0).all() and (s["lower"] < s["estimate"]).all()
    assert (s["upper"] > s["estimate"]).all()
    assert s["statistic"].to_numpy() == pytest.approx((s["estimate"] / s["se"]).to_numpy())
    assert a.n_boot_valid_ == 120


def test_bootstrap_se_matches_refitting_loop(small):
    """The vectorised replicates equal refits on the resampled rows."""
    from expectlab._resample import bootstrap_weights

    model = fit(small, n_boot=20, random_state=9)
    # replicate 0 of the first chunk, recomputed by expanding the rows
    rng = np.random.default_rng(9)
    seed = int(rng.integers(0, 2**63 - 1, size=1)[0])
    counts = bootstrap_weights(400, 20, np.random.default_rng(seed))[0].astype(int)
    refit = fit(small.loc[small.index.repeat(counts)].reset_index(drop=True))
    assert model._replicates[0, :3] == pytest.approx(
        [refit.path_coefficients_.loc[a, b] for a, b in PATHS], abs=1e-9)


def test_bca_differs_from_percentile_but_agrees_roughly(small):
    pct = fit(small, n_boot=300, random_state=2)
    bca = fit(small, n_boot=300, random_state=2, ci="bca")
    assert pct.summary["se"].equals(bca.summary["se"])
    assert not np.allclose(pct.summary["lower"], bca.summary["lower"])
    assert np.abs(pct.summary["lower"] - bca.summary["lower"]).max() < 0.05
    assert (bca.summary["lower"] < bca.summary["estimate"]).all()


def test_schemes_and_modes_give_close_answers(small):
    path = fit(small)
    for kw in ({"weighting": "factor"}, {"weighting": "centroid"}, {"modes": "B"}):
        other = fit(small, **kw)
        assert other.converged_
        diff = (other.path_coefficients_ - path.path_coefficients_).abs().max().max()
        assert diff < 0.05, kw
    # Mode B weights are regression weights: check by hand on the population fixed point
    modeb = fit(small, modes={"A": "B"})
    assert modeb.reliability_.loc["A", "mode"] == "B"
    assert modeb.reliability_.loc["C", "mode"] == "A"


def test_quality_criteria_by_hand(small):
    model = fit(small)
    items = ["a1", "a2", "a3"]
    lam = model.outer_loadings_.loc[items, "A"].to_numpy()
    assert model.reliability_.loc["A", "ave"] == pytest.approx(np.mean(lam**2))
    assert model.reliability_.loc["A", "rho_c"] == pytest.approx(
        lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum()))
    r = small[items].corr().to_numpy()
    k = 3
    rbar = (r.sum() - k) / (k * (k - 1))
    assert model.reliability_.loc["A", "cronbach_alpha"] == pytest.approx(
        k * rbar / (1 + (k - 1) * rbar))
    full = small[items + ["b1", "b2", "b3"]].corr().to_numpy()
    mono_a = (full[:3, :3].sum() - 3) / 6
    mono_b = (full[3:, 3:].sum() - 3) / 6
    assert model.htmt_.loc["A", "B"] == pytest.approx(full[:3, 3:].mean()
                                                      / np.sqrt(mono_a * mono_b))
    # f2 from the R2 with and without the predictor
    s = model.scores_
    full_r2 = model.r2_.loc["C", "r2"]
    red = np.corrcoef(s["B"], s["C"])[0, 1] ** 2
    assert model.f2_["A -> C"] == pytest.approx((full_r2 - red) / (1 - full_r2))
    assert model.r2_.loc["C", "adj_r2"] == pytest.approx(1 - (1 - full_r2) * 399 / 397)


def test_rho_a_reduces_to_alpha_for_parallel_items():
    s = np.full((4, 4), 0.4)
    np.fill_diagonal(s, 1)
    w = np.ones(4) / np.sqrt(s.sum())
    assert q.rho_a(s, w) == pytest.approx(q.cronbach_alpha_std(s))


def test_weighted_correlations_match_numpy():
    x = np.random.default_rng(1).normal(size=(50, 4))
    w = np.random.default_rng(2).integers(0, 3, size=(3, 50)).astype(float)
    cor = weighted_correlations(x, w)
    for b in range(3):
        rows = np.repeat(np.arange(50), w[b].astype(int))
        assert cor[b] == pytest.approx(np.corrcoef(x[rows].T))


def test_core_on_stack_equals_one_by_one(small):
    x = small[[c for v in SMALL_MEASUREMENT.values() for c in v]].to_numpy()
    w = np.random.default_rng(3).integers(0, 3, size=(5, len(x))).astype(float)
    cor = weighted_correlations((x - x.mean(0)) / x.std(0), w)
    layout = Layout(np.array([[1, 0, 0]] * 3 + [[0, 1, 0]] * 3 + [[0, 0, 1]] * 2, bool),
                    np.array([[0, 1, 1], [0, 0, 1], [0, 0, 0]], bool))
    stacked = pls_core(cor, layout)
    for b in range(5):
        single = pls_core(cor[b], layout)
        np.testing.assert_array_equal(stacked.paths[b], single.paths[0])


def test_exports_and_printing(small, capsys):
    model = fit(small, n_boot=50, random_state=1, scale=(1, 10))
    out = model.to_dict()
    assert out["summary"][0]["path"] == "A -> B"
    assert {"path_coefficients", "effects", "reliability", "htmt", "indices",
            "outer_summary", "r2", "f2"} <= set(out)
    assert out["n_obs"] == 400
    model.print_summary()
    text = capsys.readouterr().out
    assert "A -> B" in text and "Bootstrap: 50 of 50 replicates" in text
    assert "<table" in model._repr_html_()
    eff = model.effects_.loc[("A", "C")]
    assert eff["total"] == pytest.approx(eff["direct"] + eff["indirect"])
    assert eff["indirect"] == pytest.approx(model.path_coefficients_.loc["A", "B"]
                                            * model.path_coefficients_.loc["B", "C"])
    assert model.outer_summary_.loc["c1", "construct"] == "C"


def test_params_and_clone():
    model = SatisfactionIndex("ACSI", n_boot=10, scale=(1, 10))
    params = model.get_params()
    assert params["model"] == "ACSI" and params["n_boot"] == 10
    twin = clone(model)
    assert twin.get_params() == params
    assert "ACSI" in repr(model)


def test_acsi_and_overrides(sim_small):
    acsi = SatisfactionIndex("ACSI").fit(sim_small.data)
    assert "IMAG" not in acsi.path_coefficients_.index
    assert acsi.spec_.paths[0] == ("EXPE", "QUAL")
    custom = SatisfactionIndex("ECSI", measurement={"QUAL": ["PERQ1", "PERQ2", "PERQ3"]}
                               ).fit(sim_small.data)
    assert custom.spec_.blocks["QUAL"] == ("PERQ1", "PERQ2", "PERQ3")
    assert custom.spec_.blocks["SAT"] == ("CUSA1", "CUSA2", "CUSA3")
    assert "ACSI customer satisfaction index" in acsi._summary_title


def test_plot_paths_draws_literal_labels(small):
    import matplotlib.pyplot as plt

    data = small
    model = PLSPathModel({"$x$": ["a1", "a2", "a3"], "B": ["b1", "b2", "b3"],
                          "C": ["c1", "c2"]}, [("$x$", "B"), ("B", "C"), ("$x$", "C")]
                         ).fit(data)
    ax = model.plot_paths()
    texts = [t.get_text() for t in ax.texts]
    assert "$x$" in texts
    assert f"{model.path_coefficients_.loc['B', 'C']:.2f}" in texts
    assert any(t.startswith("C\nR2 = ") for t in texts)
    assert all(not t.get_parse_math() for t in ax.texts)
    plt.close(ax.figure)


def test_small_sample_warns(small):
    with pytest.warns(FragileResultWarning, match="ten times"):
        fit(small.iloc[:15])


def test_negative_index_weight_warns(small):
    data = small.copy()
    rng = np.random.default_rng(0)
    data["a3"] = np.clip(11 - data["a1"] + rng.integers(-1, 2, len(data)), 1, 10)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FragileResultWarning)
        with pytest.raises(FragileResultWarning, match=r"\['a3'\] have negative index"):
            fit(data, scale=(1, 10))


def test_frame_index_labels_kept(small):
    data = small.set_index(pd.Index([f"r{i}" for i in range(len(small))]))
    data.loc["r5", "b1"] = np.nan
    model = fit(data)
    assert model.excluded_["row"].tolist() == ["r5"]
    assert "r5" not in model.scores_.index
