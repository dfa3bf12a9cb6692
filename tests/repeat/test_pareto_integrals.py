"""The Pareto/NBD dropout integral by quadrature (expectlab.repeat._pareto_integrals)
against direct scipy.special.hyp2f1 evaluations, and its fitting results against the
previous hyp2f1-based implementation."""

import warnings

import numpy as np
import pytest
from scipy.special import gammaln, hyp2f1

import expectlab.repeat._pareto_integrals as quad
from expectlab.repeat import ParetoNBD
from expectlab.repeat._base import Factor
from expectlab.repeat._pareto_integrals import Breakpoints, tail_integrals
from expectlab.simulate.repeat import simulate_pareto_nbd

from .conftest import needs_cdnow


def _log_g_hyp2f1(r, alpha, s, beta, x, t):
    """log G(x, t) = log 2F1(rho, b; rho + 1; z) - rho log(base + t) - log rho, evaluated
    directly (Fader & Hardie 2005, eq. 22-23; rho = r + s + x)."""
    rho = r + s + x
    if alpha >= beta:
        base, b, z = alpha, s + 1.0, (alpha - beta) / (alpha + t)
    else:
        base, b, z = beta, r + x, (beta - alpha) / (beta + t)
    return np.log(hyp2f1(rho, b, rho + 1.0, z)) - rho * np.log(base + t) - np.log(rho)


def _close(actual, desired, atol):
    """|actual - desired| <= atol elementwise (atol may be an array), with the worst case
    in the message."""
    err = np.abs(np.asarray(actual) - np.asarray(desired))
    worst = np.unravel_index(np.argmax(err - atol), err.shape)
    limit = np.broadcast_to(atol, err.shape)[worst]
    assert np.all(err <= atol), f"error {err[worst]:.3g} > {limit:.3g} at {worst}"


def _random_theta(rng):
    return np.exp(rng.uniform(np.log([0.05, 0.2, 0.05, 0.2]), np.log([10.0, 60.0, 10.0, 60.0])))


def _random_pairs(rng, n=600, max_x=40):
    x = rng.integers(0, max_x, n).astype(float)
    t = np.floor(rng.uniform(0, 52, n) * 7) / 7
    t[::9] = 0.0
    return Breakpoints.from_pairs(x, t)[0]


def test_log_g_and_gradient_match_hyp2f1_on_random_points():
    rng = np.random.default_rng(3)
    bp = _random_pairs(rng)
    for _ in range(25):
        theta = _random_theta(rng)
        if rng.random() < 0.2:
            theta[3] = theta[1]  # alpha == beta: the exact power tail from the start
        ti = tail_integrals(*theta, bp)
        ref = _log_g_hyp2f1(*theta, bp.x, bp.t)
        _close(ti.log_g, ref, 2e-12 * np.maximum(1, abs(ref)))
        # the gradient of log G by central differences of the direct formula
        for j in range(4):
            h = 1e-6 * theta[j]
            up, down = theta.copy(), theta.copy()
            up[j] += h
            down[j] -= h
            numeric = (_log_g_hyp2f1(*up, bp.x, bp.t) - _log_g_hyp2f1(*down, bp.x, bp.t)) / (2 * h)
            np.testing.assert_allclose(ti.grad[j], numeric, rtol=2e-6,
                                       atol=2e-7 * np.abs(numeric).max())


def _direct_loglik(theta, x, t_x, big_t):
    """Per-customer Pareto/NBD log-likelihood straight from Fader & Hardie (2005), eq. 22,
    with scipy.special.hyp2f1 (independent of the package's code)."""
    r, alpha, s, beta = theta
    rho = r + s + x
    if alpha >= beta:
        f = [hyp2f1(rho, s + 1, rho + 1, (alpha - beta) / (alpha + t)) / (alpha + t) ** rho
             for t in (t_x, big_t)]
    else:
        f = [hyp2f1(rho, r + x, rho + 1, (beta - alpha) / (beta + t)) / (beta + t) ** rho
             for t in (t_x, big_t)]
    a0 = f[0] - f[1]
    alive = 1.0 / ((alpha + big_t) ** (r + x) * (beta + big_t) ** s)
    return (gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
            + np.log(alive + s / rho * a0))


def test_loglik_matches_direct_hyp2f1_on_random_points():
    rng = np.random.default_rng(8)
    n = 500
    x = rng.integers(0, 25, n).astype(float)
    big_t = np.floor(rng.uniform(10, 52, n) * 7) / 7
    t_x = np.where(x > 0, np.floor(rng.uniform(0, 1, n) * big_t * 7) / 7, 0.0)
    at_end = (x > 0) & (rng.random(n) < 0.1)
    t_x[at_end] = big_t[at_end]  # last purchase on the last day: no room to die
    model = ParetoNBD()
    data = model._prepare((x, t_x, big_t), np.ones(n))
    for _ in range(20):
        theta = _random_theta(rng)
        counts = rng.integers(1, 6, n).astype(float)
        value, _ = model._weighted_grad(theta, data, counts)
        direct = _direct_loglik(theta, x, t_x, big_t)
        assert np.all(np.isfinite(direct))
        assert value == pytest.approx(counts @ direct, rel=1e-11)
        # and row by row through the hyp2f1 reference path of the model
        np.testing.assert_allclose(model._loglik_rows(theta, data), direct, rtol=1e-11)


def test_refining_the_quadrature_changes_nothing(monkeypatch):
    """Quartering the subpanel limits with 8 nodes everywhere (several times the nodes)
    moves log G and its gradient by less than 1e-13: the default rules have converged,
    the 2- and 4-node ones included."""
    rng = np.random.default_rng(5)
    bp = _random_pairs(rng, max_x=300)
    thetas = [_random_theta(rng) for _ in range(5)]
    thetas += [np.array(v) for v in ([0.01, 100.0, 5.0, 0.5], [20.0, 0.05, 0.02, 300.0],
                                     [0.05, 0.1, 50.0, 2000.0], [0.01, 1.0, 0.02, 1.5])]
    coarse = [tail_integrals(*theta, bp) for theta in thetas]
    monkeypatch.setattr(quad, "_MAX_DROP", quad._MAX_DROP / 4)
    monkeypatch.setattr(quad, "_MAX_WIDTH", quad._MAX_WIDTH / 4)
    monkeypatch.setattr(quad, "_NEGLIGIBLE", quad._NEGLIGIBLE + 10)
    monkeypatch.setattr(quad, "_LOW_ORDER", ())  # 8 nodes everywhere
    for theta, before in zip(thetas, coarse, strict=True):
        after = tail_integrals(*theta, bp)
        assert after.nodes > 3 * before.nodes
        _close(before.log_g, after.log_g, 1e-13 * np.maximum(1, np.abs(after.log_g)))
        np.testing.assert_allclose(before.grad, after.grad, rtol=1e-12, atol=1e-14)


def test_large_frequencies_stay_finite_where_g_underflows():
    """x in the thousands: G itself is far below the smallest double (e^-30000), the log
    sums keep it exact; hyp2f1 in log form agrees."""
    x = np.array([0.0, 5.0, 800.0, 800.0, 5000.0, 5000.0, 5000.0])
    t = np.array([0.0, 3.0, 20.0, 40.0, 30.0, 45.0, 52.0])
    bp, inverse = Breakpoints.from_pairs(x, t)
    for theta in ([0.6, 9.0, 0.9, 22.0], [0.6, 22.0, 0.9, 9.0], [0.6, 9.0, 0.9, 9.0]):
        ti = tail_integrals(*theta, bp)
        assert np.all(np.isfinite(ti.log_g)) and np.all(np.isfinite(ti.grad))
        assert ti.log_g[inverse[-1]] < -20000
        # hyp2f1(rho, r + x; rho + 1; z) overflows for such x: Euler's transformation
        # 2F1(a, b; c; z) = (1 - z)^(c - a - b) 2F1(c - a, c - b; c; z) keeps it finite
        r, alpha, s, beta = theta
        rho = r + s + bp.x
        if alpha >= beta:
            ref = _log_g_hyp2f1(*theta, bp.x, bp.t)
        else:
            z = (beta - alpha) / (beta + bp.t)
            ref = ((1 - r - bp.x) * np.log1p(-z) + np.log(hyp2f1(1.0, s + 1, rho + 1, z))
                   - rho * np.log(beta + bp.t) - np.log(rho))
        np.testing.assert_allclose(ti.log_g, ref, rtol=1e-12)


def test_absurd_trial_points_stay_bounded():
    """Line searches may try parameters near e^+-18: the quadrature stays finite and the
    number of nodes bounded (subpanels are capped, steep panels cut where negligible)."""
    rng = np.random.default_rng(2)
    bp = _random_pairs(rng, n=400, max_x=2000)
    for theta in ([np.exp(18), 1.0, 1.0, 1.0], [1e3, np.exp(18), 1e-3, 1e3],
                  [np.exp(-18), np.exp(-18), np.exp(18), 1.0], [1.0, 1e-3, np.exp(18), 1e3]):
        with np.errstate(all="ignore"):
            ti = tail_integrals(*theta, bp)
            h = ti.hessian_sum(np.ones(len(bp)), np.zeros(len(bp)))
        budget = quad._BUDGET_PER_PAIR * len(bp) + quad._BUDGET_EXTRA
        assert ti.subpanels <= budget + len(bp)
        assert np.isfinite(ti.log_g).all() and np.isfinite(h).all()


def test_breakpoints_from_codes_equal_those_from_pairs(monkeypatch):
    rng = np.random.default_rng(4)
    n = 3000
    x = rng.integers(0, 30, n).astype(float)
    t1 = np.round(rng.uniform(0, 52, n), 1)
    t2 = np.round(rng.uniform(0, 52, n), 2)
    expected, inverse = Breakpoints.from_pairs(np.concatenate([x, x]), np.concatenate([t1, t2]))
    fx, f1, f2 = Factor(x), Factor(t1), Factor(t2)
    for huge in (False, True):
        if huge:  # the sorting branch, used when a presence table would be too large
            monkeypatch.setattr(quad, "_TABLE_SIZE", -1)
            n_t = len(np.unique(np.concatenate([t1, t2])))
            assert len(fx.values) * n_t > 4 * n  # so the table limit is the one set here
        bp, (b1, b2) = Breakpoints.from_codes(fx.index, fx.values,
                                              [(f1.index, f1.values), (f2.index, f2.values)])
        np.testing.assert_array_equal(bp.x, expected.x)
        np.testing.assert_array_equal(bp.t, expected.t)
        np.testing.assert_array_equal(b1, inverse[:n])
        np.testing.assert_array_equal(b2, inverse[n:])
        np.testing.assert_array_equal(bp.x[b2], x)
        np.testing.assert_array_equal(bp.t[b1], t1)


def test_log_cumsum_within_groups_matches_a_loop():
    rng = np.random.default_rng(6)
    x = np.repeat(np.arange(40.0), rng.integers(1, 70, 40))
    t = np.concatenate([np.sort(rng.permutation(200)[:k]) for k in np.bincount(x.astype(int))])
    bp = Breakpoints(x, t.astype(float))
    values = rng.normal(0, 300, (len(bp), 3))
    values[::7, 1] = -np.inf
    forward = bp.log_cumsum(values, reverse=False)
    backward = bp.log_cumsum(values, reverse=True)
    for first, last in zip(bp.first, bp.last, strict=True):
        block = values[first:last + 1]
        np.testing.assert_allclose(forward[first:last + 1],
                                   np.logaddexp.accumulate(block, axis=0), rtol=1e-14)
        np.testing.assert_allclose(backward[first:last + 1],
                                   np.logaddexp.accumulate(block[::-1], axis=0)[::-1],
                                   rtol=1e-14)


# -- fits equal those of the previous implementation --------------------------------------
# Estimates of the hyp2f1-based implementation (Hessian from differences of a gradient
# whose r- and s-derivatives were finite differences of hyp2f1), before the quadrature.
_PREVIOUS = {
    "cdnow": [0.5532755092755044, 10.577612243357066, 0.6062135631565805, 11.667911070513947],
    "alpha<beta": [0.5302040171356402, 9.27084135958315, 0.6434466875949953, 12.375074824678759],
    "alpha>beta": [0.5100613007461436, 11.113409151625667, 0.5536079169626348,
                   2.5481460990252525],
}


@needs_cdnow
def test_cdnow_fit_equals_the_previous_implementation():
    from expectlab.repeat.cdnow import read_cdnow_summary

    model = ParetoNBD().fit(read_cdnow_summary())
    np.testing.assert_allclose(model.params_, _PREVIOUS["cdnow"], rtol=1e-7)
    assert model.converged_ and model.n_iter_ <= 10


@pytest.mark.parametrize("case,beta", [("alpha<beta", 12.0), ("alpha>beta", 3.0)])
def test_simulated_fits_equal_the_previous_implementation(case, beta):
    n, alpha = (8000, 10.0) if case == "alpha<beta" else (5000, 12.0)
    sim = simulate_pareto_nbd(n, r=0.55, alpha=alpha, s=0.6, beta=beta, T=39.0,
                              random_state=2 if case == "alpha<beta" else 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # converged, no fragile-result warning
        model = ParetoNBD().fit(sim.data)
    np.testing.assert_allclose(model.params_, _PREVIOUS[case], rtol=1e-7)
    assert model.n_iter_ <= 12
