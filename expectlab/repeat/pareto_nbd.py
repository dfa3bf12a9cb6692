"""The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987).

While alive, a customer buys at Poisson rate lambda; their unobserved lifetime is
exponential with rate mu, so dropout can happen at any moment. Across customers
lambda ~ Gamma(r, alpha) and mu ~ Gamma(s, beta). The likelihood follows Fader & Hardie
(2005), "A note on deriving the Pareto/NBD model and related expressions", evaluated in
log space. Fitting integrates its dropout term by quadrature (:mod:`._pareto_integrals`),
which gives the exact gradient and Hessian for Newton steps; predictions and the per-row
reference path use the Gauss hypergeometric function (``scipy.special.hyp2f1``).
"""

from __future__ import annotations

from typing import Any, Literal, overload

import numpy as np
from scipy.special import digamma, gammaln, hyp2f1, polygamma

from ..engines import engine_of
from ._base import AliveFromLogOddsMixin, Factor, TransactionModelBase, wsum
from ._pareto_integrals import Breakpoints, tail_integrals
from .plots import TransactionPlots

__all__ = ["ParetoNBD"]


def _log_f(r: float, alpha: float, s: float, beta: float, x: np.ndarray,
           t: np.ndarray) -> np.ndarray:
    """log of 2F1(...; z(t)) / (base + t)^(r+s+x), the antiderivative piece of A0."""
    rho = r + s + x
    # pick the representation whose hypergeometric argument lies in [0, 1)
    b2: float | np.ndarray
    if alpha >= beta:
        base, b2, diff = alpha, s + 1.0, alpha - beta
    else:
        base, b2, diff = beta, r + x, beta - alpha
    return np.log(hyp2f1(rho, b2, rho + 1, diff / (base + t))) - rho * np.log(base + t)


def _log_f_grad(r: float, alpha: float, s: float, beta: float, x: np.ndarray,
                t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_log_f` and its gradient with respect to (r, alpha, s, beta), shape (4, n).

    With h(rho, B, z) = log 2F1(rho, B; rho + 1; z): the z-derivative is exact
    (d 2F1 / dz = rho B / (rho + 1) 2F1(rho + 1, B + 1; rho + 2; z)); scipy has no
    derivative of 2F1 in its parameters, so the rho- and B-derivatives are central
    differences of h (relative step 1e-5; error about 1e-10 relative, more where z nears 1).
    The slow reference for the quadrature of :mod:`._pareto_integrals`, which the fit uses:
    :meth:`ParetoNBD._grad_rows`, the tests and ``benchmarks/bench_repeat_fit.py`` compare
    the two.
    """
    rho = r + s + x
    alpha_side = alpha >= beta
    b2: float | np.ndarray
    if alpha_side:
        base, other, b2, diff = alpha, beta, s + 1.0, alpha - beta
    else:
        base, other, b2, diff = beta, alpha, r + x, beta - alpha
    bt = base + t
    z = diff / bt
    f21 = hyp2f1(rho, b2, rho + 1, z)
    value = np.log(f21) - rho * np.log(bt)
    e_rho = 1e-5 * np.maximum(rho, 1.0)
    h_rho = (np.log(hyp2f1(rho + e_rho, b2, rho + 1 + e_rho, z))
             - np.log(hyp2f1(rho - e_rho, b2, rho + 1 - e_rho, z))) / (2 * e_rho)
    e_b = 1e-5 * np.maximum(b2, 1.0)
    h_b = (np.log(hyp2f1(rho, b2 + e_b, rho + 1, z))
           - np.log(hyp2f1(rho, b2 - e_b, rho + 1, z))) / (2 * e_b)
    h_z = rho * b2 / (rho + 1) * hyp2f1(rho + 1, b2 + 1, rho + 2, z) / f21
    log_bt = np.log(bt)
    d_base = h_z * (other + t) / bt**2 - rho / bt  # through z and (base + t)^-rho
    d_other = -h_z / bt
    grad = np.empty((4, np.size(value)))
    grad[0] = h_rho - log_bt + (0.0 if alpha_side else h_b)
    grad[2] = h_rho - log_bt + (h_b if alpha_side else 0.0)
    grad[1], grad[3] = (d_base, d_other) if alpha_side else (d_other, d_base)
    return value, grad


def _weighted_outer(vectors: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """sum_i weights_i v_i v_i' for the columns v_i of ``vectors`` (k, n), by einsum.

    A BLAS matrix product is faster on an idle machine but can stall for milliseconds
    when its threads compete with other processes (see :func:`wsum`).
    """
    k = vectors.shape[0]
    weighted = vectors * weights
    out = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            out[i, j] = out[j, i] = np.einsum("i,i->", weighted[i], vectors[j])
    return out


def _log_a0_from(f1: np.ndarray, f2: np.ndarray) -> np.ndarray:
    """log(e^f1 - e^f2) with f1 = F(t_x) >= f2 = F(T), without cancellation problems."""
    gap = np.minimum(f2 - f1, 0.0)
    with np.errstate(divide="ignore"):
        # t_x == T gives gap 0 and A0 = 0: log 0 = -inf is the right answer there
        return f1 + np.log(-np.expm1(gap))


def _log_a0(r: float, alpha: float, s: float, beta: float, x: np.ndarray, t_x: np.ndarray,
            big_t: np.ndarray) -> np.ndarray:
    """log of A0 = F(t_x) - F(T) (Fader & Hardie 2005, eq. 22-23)."""
    return _log_a0_from(_log_f(r, alpha, s, beta, x, t_x), _log_f(r, alpha, s, beta, x, big_t))


class ParetoNBD(AliveFromLogOddsMixin, TransactionPlots, TransactionModelBase):
    """Pareto/NBD repeat-buying model fitted by maximum likelihood.

    Parameters
    ----------
    alpha : float
        Significance level of the confidence intervals (the model's purchase-rate scale
        is ``params_["alpha"]``).
    max_iter, tol, initial_params
        As for :class:`~expectlab.repeat.BetaGeo` (names ``r``, ``alpha``, ``s``, ``beta``;
        ``tol`` is deprecated and ignored).

    Attributes
    ----------
    params_ : pandas.Series
        ``r``, ``alpha`` (purchase rates Gamma(r, alpha)), ``s``, ``beta`` (dropout rates
        Gamma(s, beta); mean lifetime beta / (s - 1) for s > 1).
    loglik_, AIC_, BIC_, covariance_, converged_, n_obs_, excluded_, columns_, weights_used_
        As for :class:`~expectlab.repeat.BetaGeo`.

    Notes
    -----
    Input (a summary DataFrame or arrays, ``weights``) as for
    :meth:`BetaGeo.fit <expectlab.repeat.BetaGeo.fit>`. The fitted model keeps no data.

    The fit runs Newton steps on the exact Hessian of the log-likelihood, summed over
    the distinct histories, from a quick fit on coarsened data. The hypergeometric term
    and its derivatives in all four parameters come from one Gauss-Legendre quadrature
    over the distinct (frequency, time) pairs, accurate to about 1e-13 (checked against
    ``scipy.special.hyp2f1`` in the tests), so a million customers fit in about 1.3 times
    the time of :class:`BetaGeo` (``benchmarks/bench_repeat_fit.py``).

    References
    ----------
    Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987). Counting your customers: Who
    are they and what will they do next? Management Science 33(1), 1-24.

    Fader, P. S. & Hardie, B. G. S. (2005). A note on deriving the Pareto/NBD model and
    related expressions. http://brucehardie.com/notes/009/

    See Also
    --------
    BetaGeo : dropout only right after a purchase; easier to fit.

    Examples
    --------
    >>> from expectlab.simulate.repeat import simulate_pareto_nbd
    >>> sim = simulate_pareto_nbd(3000, r=0.55, alpha=10.0, s=0.6, beta=12.0, T=39,
    ...                           random_state=2)
    >>> model = ParetoNBD().fit(sim.data)
    >>> bool(model.converged_)
    True
    >>> model.predict_alive(sim.data).shape
    (3000,)
    """

    _param_names = ("r", "alpha", "s", "beta")
    _summary_title = "Pareto/NBD model (Schmittlein, Morrison & Colombo 1987)"

    def _start(self, data: tuple[np.ndarray, ...], counts: np.ndarray) -> np.ndarray:
        start = super()._start(data, counts)
        start[3] = start[1]
        return start

    def _prepare(self, data: tuple[np.ndarray, ...], counts: np.ndarray) -> tuple:
        x, t_x, big_t = data
        # the dropout integrals depend on (x, t_x) and (x, T) pairs only: both sets are
        # the breakpoints of one quadrature (see _pareto_integrals)
        fx, ftx, fT = self._factor(0, x), self._factor(1, t_x), self._factor(2, big_t)
        bp, (b1, b2) = Breakpoints.from_codes(fx.index, fx.values, [
            (ftx.index, ftx.values), (fT.index, fT.values)])
        # factors of the pairs for the hyp2f1 reference path (over all breakpoints)
        pairs = np.column_stack([bp.x, bp.t])
        fxt, fxT = Factor.from_codes(b1, pairs), Factor.from_codes(b2, pairs)
        return (x, t_x, big_t, fx, fxt, fxT, bp, b1, b2)

    def _grad_rows(self, theta: np.ndarray, data: tuple) -> tuple[np.ndarray, np.ndarray]:
        """Per-row log-likelihood and its gradient (4, n_rows), from ``hyp2f1``.

        The slow reference for :meth:`_weighted_terms` (tests compare the two). Each row
        is head + log(e^alive + e^dead); the gradient is grad(head) + w_alive
        grad(alive) + w_dead grad(dead) with the branch shares w. The dead branch holds
        log A0 = log(e^f1 - e^f2), whose gradient (grad f1 - q grad f2) / (1 - q),
        q = e^(f2 - f1) <= 1, comes from :func:`_log_f_grad` on distinct (x, t) pairs.
        """
        r, alpha, s, beta = theta
        x, t_x, big_t, fx, fxt, fxT = data[:6]
        u1, u2 = fxt.values, fxT.values
        f1_u, g1_u = _log_f_grad(r, alpha, s, beta, u1[:, 0], u1[:, 1])
        f2_u, g2_u = _log_f_grad(r, alpha, s, beta, u2[:, 0], u2[:, 1])
        f1, f2 = f1_u[fxt.index], f2_u[fxT.index]
        log_a0 = _log_a0_from(f1, f2)
        q = np.exp(np.minimum(f2 - f1, 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(q < 1.0, 1.0 / (1.0 - q), 0.0)
        rsx = r + s + x
        log_aT = np.log(alpha + big_t)
        log_bT = np.log(beta + big_t)
        head = (fx.apply(lambda u: gammaln(r + u) - gammaln(r)) + r * np.log(alpha)
                + s * np.log(beta))
        alive = -(r + x) * log_aT - s * log_bT
        dead = np.log(s / rsx) + log_a0
        lse = np.logaddexp(alive, dead)
        w_dead = np.exp(dead - lse)
        w_alive = 1.0 - w_dead
        g = np.empty((4, x.size))
        for j in range(4):
            d_a0 = (g1_u[j][fxt.index] - q * g2_u[j][fxT.index]) * share
            g[j] = w_dead * d_a0
        g[0] += (fx.apply(lambda u: digamma(r + u) - digamma(r)) + np.log(alpha)
                 - w_alive * log_aT - w_dead / rsx)
        g[1] += r / alpha - w_alive * (r + x) / (alpha + big_t)
        g[2] += np.log(beta) - w_alive * log_bT + w_dead * (1.0 / s - 1.0 / rsx)
        g[3] += s / beta - w_alive * s / (beta + big_t)
        return head + lse, g

    def _weighted_grad(self, theta: np.ndarray, data: tuple, counts: np.ndarray
                       ) -> tuple[float, np.ndarray]:
        """Total log-likelihood and exact gradient, summed without (rows x parameters)
        arrays."""
        value, grad, _ = self._weighted_terms(theta, data, counts, hessian=False)
        return value, grad

    def _weighted_hess(self, theta: np.ndarray, data: tuple, counts: np.ndarray
                       ) -> tuple[float, np.ndarray, np.ndarray]:
        """Total log-likelihood, exact gradient and exact Hessian (for Newton steps)."""
        return self._weighted_terms(theta, data, counts, hessian=True)

    @overload
    def _weighted_terms(self, theta: np.ndarray, data: tuple, counts: np.ndarray,
                        hessian: Literal[True]) -> tuple[float, np.ndarray, np.ndarray]: ...

    @overload
    def _weighted_terms(self, theta: np.ndarray, data: tuple, counts: np.ndarray,
                        hessian: Literal[False]) -> tuple[float, np.ndarray, None]: ...

    def _weighted_terms(self, theta: np.ndarray, data: tuple, counts: np.ndarray,
                        hessian: bool) -> tuple[float, np.ndarray, np.ndarray | None]:
        """Log-likelihood, gradient (and Hessian) summed over the distinct histories.

        Each row is head(x) + log S with S = e^alive + s J, alive = -(r + x) log(alpha + T)
        - s log(beta + T) and J = G(x, t_x) - G(x, T) (:mod:`._pareto_integrals`, which
        gives log G and its gradient at every (x, t) pair). With the branch shares w_a,
        w_d and g = grad log S per row:

        * grad = grad head + w_a grad alive + w_d (e_s / s + grad J / J), where
          grad J / J = (grad log G1 - q grad log G2) / (1 - q), q = G2 / G1, so the pair
          terms are summed with per-pair weights (bincounts);
        * Hessian = hess head + w_a (hess alive + grad alive grad alive')
          + w_d (hess J / J + (e_s grad J' + grad J e_s') / (s J)) - g g'; hess J / J
          is one weighted sum over the quadrature nodes (``hessian_sum``); only g g'
          needs per-row vectors.
        """
        r, alpha, s, beta = theta
        x, _, _, fx, _, _, bp, b1, b2 = data
        tails = tail_integrals(r, alpha, s, beta, bp)
        xb, tb = bp.x, bp.t
        log_ab, log_bb = np.log(alpha + tb), np.log(beta + tb)
        alive_b = -(r + xb) * log_ab - s * log_bb
        # per-row work in place and with 1-D takes: these arrays have one entry per
        # distinct history (hundreds of thousands), the rest works on breakpoints
        log_g1 = tails.log_g.take(b1)
        gap = tails.log_g.take(b2)
        gap -= log_g1
        np.minimum(gap, 0.0, out=gap)  # log q, q = G2 / G1 <= 1
        room = np.expm1(gap)
        np.negative(room, out=room)  # 1 - q = J / G1; 0 where t_x == T (no room to die)
        q = 1.0 - room
        alive = alive_b.take(b2)
        with np.errstate(divide="ignore"):
            dead = np.log(room)
        dead += log_g1
        dead += np.log(s)
        # log(e^alive + e^dead) from the smaller branch's relative size e <= 1
        diff = alive - dead  # +inf where there is no room to die
        small = np.exp(-np.abs(diff))
        alive_top = diff >= 0.0
        lse = np.maximum(alive, dead)
        lse += np.log1p(small)
        inv = 1.0 / (1.0 + small)
        w_alive = np.where(alive_top, inv, small * inv)
        w_dead = np.where(alive_top, small * inv, inv)
        c_alive = counts * w_alive
        c_dead = counts * w_dead
        u = fx.values
        weight_u = np.bincount(fx.index, weights=counts, minlength=u.size)
        total = counts.sum()
        value = (wsum(weight_u, gammaln(r + u) - gammaln(r)) + total * (r * np.log(alpha)
                 + s * np.log(beta)) + wsum(counts, lse))
        per_dead = np.divide(1.0, room, out=np.zeros_like(room), where=room > 0.0)
        share = c_dead * per_dead
        nb = len(bp)
        w1 = np.bincount(b1, weights=share, minlength=nb)
        w2 = np.bincount(b2, weights=share * q, minlength=nb)
        w_a = np.bincount(b2, weights=c_alive, minlength=nb)
        inv_ab, inv_bb = 1.0 / (alpha + tb), 1.0 / (beta + tb)
        d_alive = np.array([-log_ab, -(r + xb) * inv_ab, -log_bb, -s * inv_bb])
        d_dead = wsum(w1 - w2, tails.grad)  # sum of c w_d grad J / J
        sum_dead = c_dead.sum()
        grad = wsum(w_a, d_alive) + d_dead + np.array([
            wsum(weight_u, digamma(r + u) - digamma(r)) + total * np.log(alpha),
            total * r / alpha,
            total * np.log(beta) + sum_dead / s,
            total * s / beta,
        ])
        if not hessian:
            return float(value), grad, None
        h = np.zeros((4, 4))
        h[0, 0] = wsum(weight_u, polygamma(1, r + u) - polygamma(1, r))
        h[0, 1] = total / alpha - wsum(w_a, inv_ab)
        h[1, 1] = -total * r / alpha**2 + wsum(w_a, (r + xb) * inv_ab**2)
        h[2, 3] = total / beta - wsum(w_a, inv_bb)
        h[3, 3] = -total * s / beta**2 + wsum(w_a, s * inv_bb**2)
        h = np.triu(h) + np.triu(h, 1).T
        h += _weighted_outer(d_alive, w_a)
        h += tails.hessian_sum(w1, w2)
        h[2] += d_dead / s
        h[:, 2] += d_dead / s
        # the per-row gradient g of log S, for the sum of c g g'
        k_dead = w_dead * per_dead
        k_end = k_dead * q
        g = np.empty((4, len(counts)))
        for j in range(4):
            np.multiply(d_alive[j].take(b2), w_alive, out=g[j])
            part = tails.grad[j].take(b1)
            part *= k_dead
            g[j] += part
            part = tails.grad[j].take(b2)
            part *= k_end
            g[j] -= part
        g[2] += w_dead / s
        h -= _weighted_outer(g, counts)
        return float(value), grad, (h + h.T) / 2

    def _loglik_rows(self, theta: np.ndarray, data: tuple) -> np.ndarray:
        r, alpha, s, beta = theta
        x, t_x, big_t, fx, fxt, fxT = data[:6]
        head = fx.apply(lambda u: gammaln(r + u) - gammaln(r)) + r * np.log(alpha) \
            + s * np.log(beta)
        alive_part = fxT.apply(lambda u: -(r + u[:, 0]) * np.log(alpha + u[:, 1])
                               - s * np.log(beta + u[:, 1]))
        f1 = fxt.apply(lambda u: _log_f(r, alpha, s, beta, u[:, 0], u[:, 1]))
        f2 = fxT.apply(lambda u: _log_f(r, alpha, s, beta, u[:, 0], u[:, 1]))
        dead_part = fx.apply(lambda u: np.log(s / (r + s + u))) + _log_a0_from(f1, f2)
        return head + np.logaddexp(alive_part, dead_part)

    # -- predictions ---------------------------------------------------------------------
    def _log_odds_dead(self, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray) -> np.ndarray:
        r, alpha, s, beta = self.params_.to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            return (np.log(s / (r + s + x)) + (r + x) * np.log(alpha + big_t)
                    + s * np.log(beta + big_t) + _log_a0(r, alpha, s, beta, x, t_x, big_t))

    def predict_purchases(self, t: float, data: Any = None, recency: Any = None,
                          T: Any = None, *, frequency: Any = None) -> Any:
        """Expected purchases in the next ``t`` time units (see ``BetaGeo.predict_purchases``)."""
        self._check_fitted()
        r, alpha, s, beta = self.params_.to_numpy()
        if data is None and frequency is None:
            tt = np.asarray(t, dtype=float)
            return r * beta / alpha * _lifetime_integral(s, beta, tt)
        engine = engine_of(data)
        if engine is not None:
            from ._engines import score

            return score(engine, data, lambda part: self.predict_purchases(
                t, part, recency, T, frequency=frequency), "expected_purchases")
        x, t_x, big_t, labels, ok = self._history(
            data, {"frequency": frequency, "recency": recency, "T": T}, "predict_purchases")
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            p_alive = 1.0 / (1.0 + np.exp(self._log_odds_dead(x, t_x, big_t)))
            out = (r + x) / (alpha + big_t) * (beta + big_t) * _lifetime_integral(
                s, beta + big_t, float(t)) * p_alive
            out = np.where(ok, out, np.nan)
        return self._wrap(out, labels, data if data is not None else frequency,
                          "expected_purchases")


def _lifetime_integral(s: float, scale: Any, t: Any) -> Any:
    """(1 - (scale / (scale + t))**(s - 1)) / (s - 1), with its limit log(1 + t/scale) at s = 1."""
    ratio = np.log1p(np.asarray(t, dtype=float) / np.asarray(scale, dtype=float))
    if abs(s - 1.0) < 1e-8:
        return ratio
    return -np.expm1(-(s - 1.0) * ratio) / (s - 1.0)
