"""Response-surface quantities: a published canonical analysis, constrained models,
delta-method algebra and the vectorised bootstrap against refitting."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from expectlab import InputError, SatisfactionRegression
from expectlab._resample import bootstrap_weights
from expectlab.satisfaction.fitting import (
    _seed_sequences,
    bootstrap_crossproducts,
    solve_from_crossproducts,
)
from expectlab.satisfaction.surface import surface_values

from .conftest import BASE, COLS


def test_published_canonical_analysis_montgomery():
    """Chemical-process central composite design: Montgomery, *Design and Analysis of
    Experiments* (8th ed., 2013), Example 11.2 (also the ``ChemReact`` data of the R
    package rsm). Published fit: y = 79.94 + 0.995 x1 + 0.515 x2 - 1.376 x1^2
    + 0.250 x1 x2 - 1.001 x2^2; stationary point x1 = 0.389, x2 = 0.306; eigenvalues
    -0.9634 and -1.4141."""
    r = 1.414
    x1 = np.array([-1, -1, 1, 1, 0, 0, 0, 0, 0, r, -r, 0, 0.0])
    x2 = np.array([-1, 1, -1, 1, 0, 0, 0, 0, 0, 0, 0, r, -r])
    yield_ = np.array([76.5, 77.0, 78.0, 79.5, 79.9, 80.3, 80.0, 79.7, 79.8, 78.4, 75.6,
                       78.5, 77.0])
    data = pd.DataFrame({"S": yield_, "E": x2 + 4, "P": x1 + 4})
    model = SatisfactionRegression(models=["full"], n_boot=0, progress=False, scale=(1, 7),
                                   cov_type="nonrobust")
    with pytest.warns(UserWarning):  # 13 runs: flagged as a small sample
        model.fit(data, satisfaction="S", expectation="E", experience="P")
    b = model.params_["full"].to_numpy()
    np.testing.assert_allclose(b, [79.94, 0.995, 0.515, -1.376, 0.250, -1.001], atol=5e-4)
    surf = model.surface()["estimate"]
    np.testing.assert_allclose([surf["X0"], surf["Y0"]], [0.389, 0.306], atol=5e-4)
    np.testing.assert_allclose([surf["lambda1"], surf["lambda2"]], [-0.9634, -1.4141],
                               atol=3e-4)


def test_surface_formulas_by_hand():
    b = np.array([1.0, 0.5, -0.2, -0.3, 0.4, -0.1])
    v = surface_values(b)
    a = dict(zip(["a1", "a2", "a3", "a4", "a5", "X0", "Y0", "p10", "p11", "p20", "p21",
                  "l1", "l2"], v, strict=True))
    assert a["a1"] == pytest.approx(0.3) and a["a2"] == pytest.approx(0.0)
    assert a["a3"] == pytest.approx(0.7) and a["a4"] == pytest.approx(-0.8)
    assert a["a5"] == pytest.approx(-0.2)
    # stationary point solves the gradient equations
    grad = np.array([b[1] + 2 * b[3] * a["X0"] + b[4] * a["Y0"],
                     b[2] + b[4] * a["X0"] + 2 * b[5] * a["Y0"]])
    np.testing.assert_allclose(grad, 0, atol=1e-12)
    hess = np.array([[b[3], b[4] / 2], [b[4] / 2, b[5]]])
    np.testing.assert_allclose(sorted([a["l1"], a["l2"]]), np.linalg.eigvalsh(hess))
    # the first principal axis points along the eigenvector of the larger eigenvalue
    vec = np.linalg.eigh(hess)[1][:, 1]
    assert a["p11"] == pytest.approx(vec[1] / vec[0])
    assert a["p10"] == pytest.approx(a["Y0"] - a["p11"] * a["X0"])
    assert a["p11"] * a["p21"] == pytest.approx(-1.0)  # axes are perpendicular


def test_constrained_surfaces_and_delta_method(survey):
    model = SatisfactionRegression(n_boot=200, random_state=1, **BASE).fit(survey, **COLS)
    diff = model.surface("difference")
    c = model.params_["difference"].iloc[1]
    assert diff.loc["a3", "estimate"] == pytest.approx(2 * c)
    np.testing.assert_allclose(diff.loc[["a1", "a2", "a4"], "estimate"], 0, atol=1e-12)
    assert diff.loc[["X0", "Y0", "p11", "p21"], "estimate"].isna().all()  # a plane
    np.testing.assert_allclose(diff.loc[["lambda1", "lambda2"], "estimate"], 0, atol=1e-12)
    sqd = model.surface("SQD")
    assert sqd.loc["a4", "estimate"] == pytest.approx(4 * model.params_["SQD"].iloc[1])
    # delta-method SE of the linear a1 = b1 + b2 is exact
    cov = model.results_["full"].cov
    full = model.surface("full")
    assert full.loc["a1", "se"] == pytest.approx(np.sqrt(cov[1, 1] + cov[2, 2] + 2 * cov[1, 2]))
    assert full.loc["a4", "se"] == pytest.approx(np.sqrt(
        np.array([0, 0, 0, 1, -1, 1]) @ cov @ np.array([0, 0, 0, 1, -1, 1])))
    assert {"estimate", "se", "lower", "upper", "statistic", "p", "boot_lower",
            "boot_upper"} <= set(full.columns)
    assert (full.loc[["a1", "a2", "a3", "a4"], "boot_lower"]
            < full.loc[["a1", "a2", "a3", "a4"], "boot_upper"]).all()
    with pytest.raises(InputError, match="not a second-order polynomial"):
        model.surface("ratio")
    assert model.surface("IA").loc["a2", "estimate"] == pytest.approx(
        model.params_["interaction"].iloc[3])


@pytest.mark.slow
def test_vectorised_bootstrap_equals_refitting():
    rng = np.random.default_rng(0)
    n = 120
    x, y = rng.normal(size=n), rng.normal(size=n)
    s = 1 + x - y + 0.2 * x * y + rng.normal(size=n)
    z = np.column_stack([np.ones(n), x, y, x * x, x * y, y * y, s])
    w = rng.uniform(0.5, 2, n)
    cross = bootstrap_crossproducts(z, w, 150, 42, show_progress=False)
    theta = solve_from_crossproducts(cross, np.eye(6), y_col=6)
    # the same counts, drawn chunk by chunk from the same child seeds
    seeds = _seed_sequences(42, 2)
    counts = np.vstack([bootstrap_weights(n, 100, np.random.default_rng(seeds[0])),
                        bootstrap_weights(n, 50, np.random.default_rng(seeds[1]))])
    assert np.all(counts.sum(axis=1) == n)
    for b in (0, 1, 120):
        keep = counts[b] > 0
        ref = sm.WLS(s[keep], z[keep, :6], weights=(counts[b] * w)[keep]).fit()
        np.testing.assert_allclose(theta[b], ref.params, rtol=1e-8)
    # parallel chunks give identical replicates
    cross2 = bootstrap_crossproducts(z, w, 150, 42, n_jobs=2, show_progress=False)
    np.testing.assert_allclose(cross, cross2)


def test_cluster_bootstrap_resamples_whole_clusters():
    clusters = np.repeat(np.arange(10), 5)
    counts = bootstrap_weights(50, 20, np.random.default_rng(3), clusters=clusters)
    for c in range(10):
        block = counts[:, clusters == c]
        assert np.all(block == block[:, :1])
    np.testing.assert_array_equal(counts.sum(axis=1) % 5, 0)


def test_bootstrap_reproducible_and_seed_dependent(survey):
    a = SatisfactionRegression(models=["full"], n_boot=100, random_state=7, **BASE).fit(
        survey, **COLS).surface()
    b = SatisfactionRegression(models=["full"], n_boot=100, random_state=7, **BASE).fit(
        survey, **COLS).surface()
    c = SatisfactionRegression(models=["full"], n_boot=100, random_state=8, **BASE).fit(
        survey, **COLS).surface()
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["boot_lower"].iloc[:4], c["boot_lower"].iloc[:4])
