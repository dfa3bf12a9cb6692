"""Point estimates, covariances, fit statistics and F tests equal statsmodels OLS / WLS."""

import numpy as np
import pytest
import statsmodels.api as sm
from statsmodels.stats.anova import anova_lm

from expectlab import SatisfactionRegression

from .conftest import BASE, COLS


def _hand_designs(data, center):
    """Each model's design written out by hand (independent of models.py)."""
    x = data["experience"].to_numpy() - center
    y = data["expectation"].to_numpy() - center
    one = np.ones_like(x)
    d = x - y
    w = np.where(x >= y, 1.0, -1.0)
    return {
        "null": [one],
        "difference": [one, d],
        "ratio": [one, data["experience"].to_numpy() / data["expectation"].to_numpy()],
        "additive": [one, x, y],
        "interaction": [one, x, y, x * y],
        "asymmetric": [one, y, np.maximum(d, 0), np.minimum(d, 0)],
        "full": [one, x, y, x * x, x * y, y * y],
        "mean": [one, x + y],
        "SQD": [one, d**2],
        "SSQD": [one, d, d**2],
        "RR": [one, x + y, d**2],
        "SRR": [one, x, y, d**2],
        "absdiff": [one, np.abs(d)],
        "absunc": [one, x, y, w, w * x, w * y],
    }


@pytest.mark.parametrize("weighted", [False, True])
def test_every_model_equals_statsmodels(survey, weighted):
    kw = {"weights": "weight"} if weighted else {}
    model = SatisfactionRegression(cov_type="nonrobust", n_boot=0, **BASE).fit(
        survey, controls=["age"], **COLS, **kw)
    designs = _hand_designs(survey, center=4.0)
    assert set(designs) == set(model.results_)
    for name, cols in designs.items():
        exog = np.column_stack([*cols, survey["age"].to_numpy()])
        if weighted:
            ref = sm.WLS(survey["satisfaction"].to_numpy(), exog,
                         weights=survey["weight"].to_numpy()).fit()
        else:
            ref = sm.OLS(survey["satisfaction"].to_numpy(), exog).fit()
        fit = model.results_[name]
        np.testing.assert_allclose(fit.params, ref.params, rtol=1e-8, atol=1e-10, err_msg=name)
        np.testing.assert_allclose(fit.cov, ref.cov_params(), rtol=1e-7, atol=1e-12)
        row = model.comparison_.loc[name]
        np.testing.assert_allclose([row.r2, row.adj_r2, row.aic, row.bic, row.loglik],
                                   [ref.rsquared, ref.rsquared_adj, ref.aic, ref.bic, ref.llf],
                                   rtol=1e-9, atol=1e-9, err_msg=name)
        assert row.df_model == ref.df_model


@pytest.mark.parametrize("cov_type", ["HC0", "HC1", "HC3"])
def test_robust_covariances_equal_statsmodels(survey, cov_type):
    model = SatisfactionRegression(models=["full"], cov_type=cov_type, n_boot=0,
                                   **BASE).fit(survey, **COLS, weights="weight")
    x = survey["experience"] - 4.0
    y = survey["expectation"] - 4.0
    exog = np.column_stack([np.ones(len(x)), x, y, x * x, x * y, y * y])
    ref = sm.WLS(survey["satisfaction"], exog, weights=survey["weight"]).fit(cov_type=cov_type)
    np.testing.assert_allclose(model.results_["full"].cov, ref.cov_params(), rtol=1e-8)


def test_cluster_covariance_equals_statsmodels(survey):
    model = SatisfactionRegression(models=["additive"], n_boot=0, **BASE).fit(
        survey, **COLS, cluster="store")
    assert model.cov_type_ == "cluster"
    x = survey["experience"] - 4.0
    y = survey["expectation"] - 4.0
    exog = np.column_stack([np.ones(len(x)), x, y])
    ref = sm.OLS(survey["satisfaction"], exog).fit(
        cov_type="cluster", cov_kwds={"groups": survey["store"].to_numpy()})
    np.testing.assert_allclose(model.results_["additive"].cov, ref.cov_params(), rtol=1e-8)


def test_f_test_equals_statsmodels_nested_anova(survey):
    model = SatisfactionRegression(cov_type="nonrobust", n_boot=0, **BASE).fit(
        survey, **COLS)
    designs = _hand_designs(survey, center=4.0)
    full = sm.OLS(survey["satisfaction"], np.column_stack(designs["full"])).fit()
    for name in ("difference", "additive", "interaction", "mean", "SQD", "SSQD", "RR", "SRR",
                 "null"):
        small = sm.OLS(survey["satisfaction"], np.column_stack(designs[name])).fit()
        table = anova_lm(small, full)
        row = model.comparison_.loc[name]
        np.testing.assert_allclose(row.f_vs_full, table["F"].iloc[1], rtol=1e-8)
        np.testing.assert_allclose(row.p_vs_full, table["Pr(>F)"].iloc[1], rtol=1e-6)
        assert row.df_constraints == table["df_diff"].iloc[1]


def test_robust_wald_test_equals_statsmodels_f_test(survey):
    model = SatisfactionRegression(models=["difference"], cov_type="HC3", n_boot=0,
                                   **BASE).fit(survey, **COLS)
    designs = _hand_designs(survey, center=4.0)
    full = sm.OLS(survey["satisfaction"], np.column_stack(designs["full"])).fit(cov_type="HC3")
    # difference: b1 + b2 = 0, b3 = b4 = b5 = 0
    r = np.array([[0, 1, 1, 0, 0, 0], [0, 0, 0, 1, 0, 0], [0, 0, 0, 0, 1, 0],
                  [0, 0, 0, 0, 0, 1]], float)
    ref = full.f_test(r)
    row = model.comparison_.loc["difference"]
    np.testing.assert_allclose(row.f_vs_full, float(np.squeeze(ref.fvalue)), rtol=1e-8)
    np.testing.assert_allclose(row.p_vs_full, float(ref.pvalue), rtol=1e-6)


def _sm_fit(y, exog, weights, cov_type, groups):
    """statsmodels OLS / WLS with t-based inference (as the package reports)."""
    kw = {"cov_kwds": {"groups": groups}} if cov_type == "cluster" else {}
    model = sm.OLS(y, exog) if weights is None else sm.WLS(y, exog, weights=weights)
    return model.fit(cov_type=cov_type, use_t=True, **kw)


@pytest.mark.parametrize("case", ["nonrobust", "HC3_weighted_control", "cluster"])
def test_j_test_of_ratio_both_directions_equal_manual_statsmodels(survey, case):
    fit_kw, weights, controls, groups = {}, None, [], None
    cov_type = {"nonrobust": "nonrobust", "HC3_weighted_control": "HC3",
                "cluster": "cluster"}[case]
    if case == "HC3_weighted_control":
        fit_kw = {"weights": "weight", "controls": ["age"]}
        weights, controls = survey["weight"].to_numpy(), [survey["age"].to_numpy()]
    if case == "cluster":
        fit_kw = {"cluster": "store"}
        groups = survey["store"].to_numpy()
    model = SatisfactionRegression(models=["ratio"], n_boot=0,
                                   cov_type="HC3" if case == "cluster" else cov_type,
                                   **BASE).fit(survey, **COLS, **fit_kw)
    assert model.cov_type_ == cov_type
    designs = _hand_designs(survey, center=4.0)
    y = survey["satisfaction"].to_numpy()
    ratio_x = np.column_stack([*designs["ratio"], *controls])
    full_x = np.column_stack([*designs["full"], *controls])
    ratio = _sm_fit(y, ratio_x, weights, "nonrobust", None)
    full = _sm_fit(y, full_x, weights, "nonrobust", None)
    # (1) H0 ratio model: the polynomial's fitted values added to the ratio model
    forward = _sm_fit(y, np.column_stack([ratio_x, full.fittedvalues]), weights, cov_type,
                      groups)
    # (2) H0 full polynomial: the ratio model's fitted values added to the polynomial
    reverse = _sm_fit(y, np.column_stack([full_x, ratio.fittedvalues]), weights, cov_type,
                      groups)
    verdict = model.verdict("ratio")
    np.testing.assert_allclose(verdict.statistic, np.asarray(forward.tvalues)[-1], rtol=1e-8)
    np.testing.assert_allclose(verdict.p_value, np.asarray(forward.pvalues)[-1], rtol=1e-6)
    np.testing.assert_allclose(verdict.reverse_statistic, np.asarray(reverse.tvalues)[-1],
                               rtol=1e-8)
    np.testing.assert_allclose(verdict.reverse_p_value, np.asarray(reverse.pvalues)[-1],
                               rtol=1e-6, atol=1e-300)
    # the same as the (Wald) F test of the added term: F = t^2, same p
    for ref, t in ((forward, verdict.statistic), (reverse, verdict.reverse_statistic)):
        r = np.zeros((1, ref.params.shape[0]))
        r[0, -1] = 1.0
        f_ref = ref.f_test(r)
        np.testing.assert_allclose(t**2, float(np.squeeze(f_ref.fvalue)), rtol=1e-8)
    assert verdict.adequate == (np.asarray(forward.pvalues)[-1] >= 0.05)
    rejected = (np.asarray(forward.pvalues)[-1] < 0.05, np.asarray(reverse.pvalues)[-1] < 0.05)
    assert verdict.outcome == {(True, False): "ratio inadequate",
                               (False, True): "ratio preferred",
                               (True, True): "neither adequate",
                               (False, False): "indistinguishable"}[rejected]
    assert verdict.test == "J test vs full"
    assert "ratio formula" in str(verdict) and "reverse J test" in str(verdict)


def test_summary_columns_and_t_intervals(survey):
    model = SatisfactionRegression(models=["additive"], cov_type="nonrobust", n_boot=0,
                                   **BASE).fit(survey, **COLS)
    x = survey["experience"] - 4.0
    y = survey["expectation"] - 4.0
    ref = sm.OLS(survey["satisfaction"], np.column_stack([np.ones(len(x)), x, y])).fit()
    table = model.summary.loc["additive"]
    assert list(table.index) == ["intercept", "experience", "expectation"]
    np.testing.assert_allclose(table[["lower", "upper"]].to_numpy(), ref.conf_int(), rtol=1e-8)
    np.testing.assert_allclose(table["p"].to_numpy(), ref.pvalues, rtol=1e-6)
