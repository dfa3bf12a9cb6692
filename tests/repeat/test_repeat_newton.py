"""Exact derivatives behind the Newton fits: gradients and Hessians against differences,
Pareto/NBD at extreme parameter values, and the fast paths against the per-row ones."""

import numpy as np
import pytest

from expectlab.repeat import BetaGeo, GammaGamma, ParetoNBD
from expectlab.repeat._base import compress_rows
from expectlab.simulate.repeat import simulate_bg_nbd, simulate_gamma_gamma


def _prepared(cls, n=1500, seed=11):
    model = cls()
    if cls is GammaGamma:
        d = simulate_gamma_gamma(n, 6.0, 4.0, 15.0, random_state=seed).data
        raw = (d["frequency"].to_numpy(float), d["monetary_value"].to_numpy())
    else:
        d = simulate_bg_nbd(n, r=0.25, alpha=4.0, a=0.8, b=2.5, T=39.0, random_state=seed).data
        raw = tuple(d[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    counts = np.random.default_rng(0).integers(1, 5, len(raw[0])).astype(float)
    model._data = model._prepare(raw, counts)
    model._counts = counts
    return model, counts


def _numeric_grad(model, theta, h=1e-6):
    x = np.log(theta)
    g = [(model._total_loglik(x + h * e) - model._total_loglik(x - h * e)) / (2 * h)
         for e in np.eye(len(x))]
    return np.asarray(g) / theta  # back to the natural scale


@pytest.mark.parametrize("cls,theta", [
    (GammaGamma, [5.0, 3.0, 12.0]), (GammaGamma, [0.5, 20.0, 300.0]),
    (BetaGeo, [0.3, 5.0, 0.9, 2.0]), (BetaGeo, [3.0, 0.2, 0.05, 40.0])])
def test_exact_hessian_matches_differences_of_the_gradient(cls, theta):
    model, counts = _prepared(cls)
    theta = np.asarray(theta)
    value, grad, hess = model._weighted_hess(theta, model._data, counts)
    assert value == pytest.approx(counts @ model._loglik_rows(theta, model._data), rel=1e-12)
    np.testing.assert_allclose(grad, _numeric_grad(model, theta), rtol=1e-5)
    h = 1e-6
    numeric = np.column_stack([
        (model._weighted_hess(theta + h * t * e, model._data, counts)[1]
         - model._weighted_hess(theta - h * t * e, model._data, counts)[1]) / (2 * h * t)
        for t, e in zip(theta, np.eye(len(theta)), strict=True)])
    np.testing.assert_allclose(hess, numeric, rtol=1e-5, atol=1e-6 * np.abs(hess).max())


@pytest.mark.parametrize("theta", [
    [0.55, 10.0, 0.6, 12.0],      # alpha < beta: the beta-based representation
    [0.55, 12.0, 0.6, 10.0],      # alpha > beta
    [0.3, 5.0, 1.0, 5.0],         # alpha == beta, s == 1
    [0.01, 100.0, 5.0, 0.5],      # tiny r, hypergeometric argument near 1
    [20.0, 0.05, 0.02, 300.0],    # huge r / alpha, almost no dropout
    [0.05, 0.1, 50.0, 2000.0],    # fast dropout, rates near zero
])
def test_pareto_gradient_matches_differences_at_extreme_values(theta):
    model, counts = _prepared(ParetoNBD)
    theta = np.asarray(theta)
    value, grad = model._weighted_grad(theta, model._data, counts)
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    rows, per_row = model._grad_rows(theta, model._data)
    assert value == pytest.approx(counts @ rows, rel=1e-12)
    np.testing.assert_allclose(grad, per_row @ counts, rtol=1e-9, atol=1e-9 * np.abs(grad).max())
    numeric = _numeric_grad(model, theta, h=1e-5)
    np.testing.assert_allclose(grad, numeric, rtol=2e-5, atol=2e-6 * np.abs(grad).max())


_PARETO_EXTREMES = [
    [0.55, 10.0, 0.6, 12.0],      # alpha < beta
    [0.55, 12.0, 0.6, 10.0],      # alpha > beta
    [0.3, 5.0, 1.0, 5.0],         # alpha == beta (pure power tail), s == 1
    [0.3, 5.0, 1.0, 5.0 + 1e-9],  # alpha a hair below beta
    [0.01, 100.0, 5.0, 0.5],      # tiny r, hypergeometric argument near 1
    [20.0, 0.05, 0.02, 300.0],    # huge r / alpha, almost no dropout
    [0.05, 0.1, 50.0, 2000.0],    # fast dropout, rates near zero
    [0.02, 3.0, 0.01, 40.0],      # exponents summing to almost 0: slow tails
]


def _pareto_with_edge_rows():
    """BG/NBD-simulated histories plus large frequencies and last purchases on the last
    day (T == recency, where the dropout branch vanishes)."""
    d = simulate_bg_nbd(1500, r=0.25, alpha=4.0, a=0.8, b=2.5, T=39.0, random_state=11).data
    x, t_x, big_t = (d[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    x = np.concatenate([x, [150.0, 400.0, 400.0, 3.0, 60.0]])
    t_x = np.concatenate([t_x, [38.0, 39.0, 30.5, 39.0, 39.0]])
    big_t = np.concatenate([big_t, [39.0, 39.0, 39.0, 39.0, 39.0]])
    counts = np.random.default_rng(0).integers(1, 5, len(x)).astype(float)
    model = ParetoNBD()
    model._data = model._prepare((x, t_x, big_t), counts)
    model._counts = counts
    return model, counts


@pytest.mark.parametrize("theta", _PARETO_EXTREMES)
def test_pareto_exact_hessian_matches_differences(theta):
    """The exact Hessian against central differences of the exact gradient, the gradient
    against differences of the log-likelihood, both from the quadrature; the value against
    the hyp2f1 reference rows."""
    model, counts = _pareto_with_edge_rows()
    theta = np.asarray(theta)
    value, grad, hess = model._weighted_hess(theta, model._data, counts)
    assert np.isfinite(value) and np.all(np.isfinite(grad)) and np.all(np.isfinite(hess))
    # hyp2f1 overflows for the largest frequencies at some of these values: compare the
    # rows where the reference is finite (all of them at the first four points)
    with np.errstate(all="ignore"):
        reference = model._loglik_rows(theta, model._data)
    finite = np.isfinite(reference)
    assert finite.mean() > 0.99 and (finite.all() or theta[0] > 1 or theta[2] > 1)
    kept = counts * finite
    assert model._weighted_grad(theta, model._data, kept)[0] == pytest.approx(
        kept @ np.where(finite, reference, 0.0), rel=1e-11)

    def at(step):
        return model._weighted_hess(theta * np.exp(step), model._data, counts)

    # differences of a total near 1e4: rounding noise / step decides the step (2e-5)
    h = 2e-5
    numeric_grad = np.array([(at(h * e)[0] - at(-h * e)[0]) / (2 * h * t)
                             for t, e in zip(theta, np.eye(4), strict=True)])
    np.testing.assert_allclose(grad, numeric_grad, rtol=1e-6, atol=1e-7 * np.abs(grad).max())
    h = 1e-6
    numeric = np.column_stack([(at(h * e)[1] - at(-h * e)[1]) / (2 * h * t)
                               for t, e in zip(theta, np.eye(4), strict=True)])
    np.testing.assert_allclose(hess, (numeric + numeric.T) / 2, rtol=1e-5,
                               atol=1e-6 * np.abs(hess).max())
    g_only = model._weighted_grad(theta, model._data, counts)
    assert g_only[0] == value and np.array_equal(g_only[1], grad)


def test_newton_fits_equal_the_quasi_newton_fits():
    """The Newton path (exact Hessian, coarse start) lands where BFGS + polish lands."""
    ages = np.random.default_rng(1).integers(70, 365, 60_000) / 7.0
    d = simulate_bg_nbd(60_000, r=0.3, alpha=4.0, a=0.8, b=2.5, T=ages, random_state=2).data
    d["recency"] = np.floor(d["recency"] * 7.0) / 7.0
    for cls in (BetaGeo, ParetoNBD):
        fast = cls().fit(d)
        assert fast.n_unique_ > cls._coarse_above  # the coarse start was used
        slow = cls()
        slow._weighted_hess = None
        slow._coarse_start = lambda data, counts, start: start
        slow.fit(d)
        np.testing.assert_allclose(fast.params_, slow.params_, rtol=1e-6)
        assert fast.loglik_ == pytest.approx(slow.loglik_, rel=1e-11)
        np.testing.assert_allclose(fast.standard_errors_, slow.standard_errors_, rtol=1e-4)


def test_gamma_gamma_start_and_compression():
    d = simulate_gamma_gamma(5000, 6.0, 4.0, 15.0, random_state=4).data
    model = GammaGamma().fit(d)
    assert model.converged_ and model.n_iter_ <= 6  # the moment start is close
    # continuous spend: every row is distinct and compression keeps them all, in order
    cols, counts, inverse = compress_rows([d["frequency"].to_numpy(float),
                                           d["monetary_value"].to_numpy()], np.ones(len(d)))
    assert len(counts) == len(d) and np.array_equal(inverse, np.arange(len(d)))
    np.testing.assert_array_equal(cols[1], d["monetary_value"].to_numpy())
