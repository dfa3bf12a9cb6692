"""The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way").

While alive, a customer buys at Poisson rate lambda; after each repeat purchase they drop
out for good with probability p. Across customers lambda ~ Gamma(r, alpha) (rate alpha)
and p ~ Beta(a, b). Dropout is never observed; the model infers it from long silences.
"""

from __future__ import annotations

from typing import Any, Literal, overload

import numpy as np
from scipy.special import digamma, gammaln, hyp2f1, polygamma

from ..engines import engine_of
from ._base import AliveFromLogOddsMixin, TransactionModelBase, wsum
from .plots import TransactionPlots

__all__ = ["BetaGeo"]


def _parts(theta: np.ndarray, data: tuple) -> tuple[np.ndarray, ...]:
    """The four log-likelihood pieces of Fader, Hardie & Lee (2005), eq. (6)."""
    r, alpha, a, b = theta
    x, t_x, big_t, fx, ftx, fT = data
    # special functions of the frequency only: once per distinct frequency
    a1 = fx.apply(lambda u: gammaln(r + u) - gammaln(r)) + r * np.log(alpha)
    a2 = fx.apply(lambda u: gammaln(a + b) + gammaln(b + u) - gammaln(b) - gammaln(a + b + u))
    log_at = fT.apply(lambda u: np.log(alpha + u))
    log_ax = ftx.apply(lambda u: np.log(alpha + u))
    a3 = -(r + x) * log_at
    # the dropout branch only exists for customers with a repeat purchase
    log_ab = fx.apply(lambda u: np.where(u > 0, np.log(a) - np.log(b + np.maximum(u - 1, 0)),
                                         -np.inf))
    a4 = log_ab - (r + x) * log_ax
    return a1, a2, a3, a4, log_at, log_ax


class BetaGeo(AliveFromLogOddsMixin, TransactionPlots, TransactionModelBase):
    """BG/NBD repeat-buying model fitted by maximum likelihood.

    Parameters
    ----------
    alpha : float
        Significance level of the confidence intervals (0.05 gives 95% intervals). Note
        that the model's gamma scale parameter is also called alpha; it is reported as
        ``params_["alpha"]``.
    max_iter : int
        Iteration limit of the optimiser.
    tol : None
        Deprecated and ignored (passing a value warns); removed in expectlab 0.3.0.
    initial_params : dict, optional
        Starting values by name (``r``, ``alpha``, ``a``, ``b``).

    Attributes
    ----------
    params_ : pandas.Series
        ``r``, ``alpha`` (purchase rates: Gamma(r, alpha), mean r/alpha per time unit),
        ``a``, ``b`` (dropout probability after each purchase: Beta(a, b)).
    loglik_, AIC_, BIC_ : float
    covariance_ : DataFrame
        Covariance of the estimates (delta method from the log scale).
    converged_ : bool
    n_obs_ : int
        Rows used (``total_weight_`` customers with count weights); ``n_unique_`` distinct
        histories. Rows in = ``n_obs_ + len(excluded_)``.
    excluded_ : DataFrame
        Rows left out (missing values, missing or zero weight): ``row`` and ``reason``.
    columns_ : dict
        The column of each role used in ``fit`` (predictions on a DataFrame use them).
    weights_used_ : str
        Which weights the fit used (shown in the summary notes).

    Notes
    -----
    The fitted model keeps the estimates, their covariance and counts, not the data: it
    pickles small and carries no customer data.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy
    way: An alternative to the Pareto/NBD model. Marketing Science 24(2), 275-284.

    See Also
    --------
    ParetoNBD : dropout at any time instead of after purchases.
    GammaGamma : the spend per transaction, for customer lifetime value.
    summarise_transactions : the summary this model is fitted on.

    Examples
    --------
    >>> from expectlab.simulate.repeat import simulate_bg_nbd
    >>> sim = simulate_bg_nbd(2000, r=0.25, alpha=4.0, a=0.8, b=2.5, T=39, random_state=1)
    >>> model = BetaGeo().fit(sim.data)
    >>> model.params_.round(1).tolist()
    [0.2, 3.5, 0.8, 2.3]
    >>> model.predict_alive(sim.data).shape
    (2000,)
    >>> model.summary.columns.tolist()
    ['estimate', 'se', 'lower', 'upper']
    """

    _param_names = ("r", "alpha", "a", "b")
    _summary_title = "BG/NBD model (Fader, Hardie & Lee 2005)"

    def _prepare(self, data: tuple[np.ndarray, ...], counts: np.ndarray) -> tuple:
        x, t_x, big_t = data
        return x, t_x, big_t, self._factor(0, x), self._factor(1, t_x), self._factor(2, big_t)

    def _weighted_grad(self, theta: np.ndarray, data: tuple, counts: np.ndarray
                       ) -> tuple[float, np.ndarray]:
        """Total log-likelihood and gradient, summed without (rows x parameters) arrays."""
        value, grad, _ = self._weighted_terms(theta, data, counts, hessian=False)
        return value, grad

    def _weighted_hess(self, theta: np.ndarray, data: tuple, counts: np.ndarray
                       ) -> tuple[float, np.ndarray, np.ndarray]:
        """Total log-likelihood, gradient and exact Hessian (for Newton steps)."""
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

        Terms that depend on the frequency only are summed once per distinct frequency
        with the total weight of its customers; per-customer work is a handful of vector
        operations, which keeps a million distinct histories fast.

        Each row is A(x) + r log(alpha) + log(e^a3 + e^a4) (eq. 6 of Fader, Hardie & Lee
        2005). With w3, w4 the shares of the two branches, the Hessian of the log-sum is
        w3 H(a3) + w4 H(a4) + w3 w4 d d', d = grad(a3) - grad(a4).
        """
        r, alpha, a, b = theta
        x, t_x, big_t, fx, ftx, fT = data
        u = fx.values
        weight_u = np.bincount(fx.index, weights=counts, minlength=u.size)
        total = counts.sum()
        log_at = fT.apply(lambda v: np.log(alpha + v))
        log_ax = ftx.apply(lambda v: np.log(alpha + v))
        rx = r + x
        log_ab = np.where(u > 0, np.log(a) - np.log(b + np.maximum(u - 1, 0)), -np.inf)
        a3 = -rx * log_at
        a4 = log_ab[fx.index] - rx * log_ax
        # log(e^a3 + e^a4) by hand: np.logaddexp is several times slower on large arrays
        top = np.maximum(a3, a4)
        e3 = np.exp(a3 - top)
        both = e3 + np.exp(a4 - top)
        lse = top + np.log(both)
        w3 = e3 / both
        cw3 = counts * w3
        cw4 = counts - cw3  # weight of the dropout branch (0 where x == 0)
        per_u = (gammaln(r + u) - gammaln(r) + gammaln(a + b) + gammaln(b + u) - gammaln(b)
                 - gammaln(a + b + u))
        value = weight_u @ per_u + r * np.log(alpha) * total + wsum(counts, lse)
        cw4_u = np.bincount(fx.index, weights=cw4, minlength=u.size)
        inv_at = fT.apply(lambda v: 1.0 / (alpha + v))
        inv_ax = ftx.apply(lambda v: 1.0 / (alpha + v))
        inv_b = 1.0 / (b + np.maximum(u - 1, 0))
        grad = np.array([
            weight_u @ (digamma(r + u) - digamma(r)) + np.log(alpha) * total
            - wsum(cw3, log_at) - wsum(cw4, log_ax),
            r * total / alpha - wsum(rx, cw3 * inv_at + cw4 * inv_ax),
            weight_u @ (digamma(a + b) - digamma(a + b + u)) + cw4_u.sum() / a,
            weight_u @ (digamma(a + b) + digamma(b + u) - digamma(b) - digamma(a + b + u))
            - cw4_u @ inv_b,
        ])
        if not hessian:
            return float(value), grad, None
        tri_ab, tri_abu = polygamma(1, a + b), polygamma(1, a + b + u)
        H = np.zeros((4, 4))
        H[0, 0] = weight_u @ (polygamma(1, r + u) - polygamma(1, r))
        H[0, 1] = total / alpha - wsum(cw3, inv_at) - wsum(cw4, inv_ax)
        H[1, 1] = (-r * total / alpha**2
                   + wsum(rx, cw3 * inv_at * inv_at + cw4 * inv_ax * inv_ax))
        H[2, 2] = weight_u @ (tri_ab - tri_abu) - cw4_u.sum() / a**2
        H[2, 3] = weight_u @ (tri_ab - tri_abu)
        H[3, 3] = (weight_u @ (tri_ab + polygamma(1, b + u) - polygamma(1, b) - tri_abu)
                   + cw4_u @ (inv_b * inv_b))
        # the branch-mixing term: weights c w3 w4, d = (d0, d1 per row, -1/a, inv_b per x)
        v = cw3 * (1.0 - w3)
        d0 = log_ax - log_at
        d1 = rx * (inv_ax - inv_at)
        vd0, vd1 = v * d0, v * d1
        v_u = np.bincount(fx.index, weights=v, minlength=u.size)
        vd0_u = np.bincount(fx.index, weights=vd0, minlength=u.size)
        vd1_u = np.bincount(fx.index, weights=vd1, minlength=u.size)
        inv_a = 1.0 / a
        H[0, 0] += wsum(vd0, d0)
        H[0, 1] += wsum(vd0, d1)
        H[1, 1] += wsum(vd1, d1)
        H[0, 2] -= vd0_u.sum() * inv_a
        H[1, 2] -= vd1_u.sum() * inv_a
        H[2, 2] += v_u.sum() * inv_a**2
        H[0, 3] += vd0_u @ inv_b
        H[1, 3] += vd1_u @ inv_b
        H[2, 3] -= (v_u @ inv_b) * inv_a
        H[3, 3] += v_u @ (inv_b * inv_b)
        H = np.triu(H) + np.triu(H, 1).T
        return float(value), grad, H

    def _loglik_rows(self, theta: np.ndarray, data: tuple) -> np.ndarray:
        a1, a2, a3, a4, _, _ = _parts(theta, data)
        return a1 + a2 + np.logaddexp(a3, a4)

    def _grad_rows(self, theta: np.ndarray, data: tuple) -> tuple[np.ndarray, np.ndarray]:
        r, alpha, a, b = theta
        x, t_x, big_t, fx, ftx, fT = data
        a1, a2, a3, a4, log_at, log_ax = _parts(theta, data)
        lse = np.logaddexp(a3, a4)
        w3 = np.exp(a3 - lse)
        w4 = 1.0 - w3  # weight of the dropout branch (0 for x == 0)
        rx = r + x
        g = np.empty((4, x.size))  # one contiguous row per parameter
        g[0] = (fx.apply(lambda u: digamma(r + u) - digamma(r)) + np.log(alpha)
                - w3 * log_at - w4 * log_ax)
        g[1] = r / alpha - rx * (w3 * fT.apply(lambda u: 1.0 / (alpha + u))
                                 + w4 * ftx.apply(lambda u: 1.0 / (alpha + u)))
        g[2] = fx.apply(lambda u: digamma(a + b) - digamma(a + b + u)) + w4 / a
        g[3] = (fx.apply(lambda u: digamma(a + b) + digamma(b + u) - digamma(b)
                         - digamma(a + b + u))
                - w4 * fx.apply(lambda u: 1.0 / (b + np.maximum(u - 1, 0))))
        return a1 + a2 + lse, g

    # -- predictions ---------------------------------------------------------------------
    def _log_odds_dead(self, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray) -> np.ndarray:
        r, alpha, a, b = self.params_.to_numpy()
        xm1 = np.where(x > 0, x - 1.0, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            val = (np.log(a) - np.log(b + xm1)
                   + (r + x) * (np.log(alpha + big_t) - np.log(alpha + t_x)))
        return np.where(x > 0, val, -np.inf)

    def predict_purchases(self, t: float, data: Any = None, recency: Any = None,
                          T: Any = None, *, frequency: Any = None) -> Any:
        """Expected purchases in the next ``t`` time units.

        With a purchase history (a summary DataFrame, or ``frequency``, ``recency``, ``T``
        arrays, as for ``fit``) the expectation is conditional on it; without, it is the
        expected number of repeat purchases of a new customer in ``t`` time units after the
        first purchase (``t`` may then be an array).
        """
        self._check_fitted()
        r, alpha, a, b = self.params_.to_numpy()
        if data is None and frequency is None:
            tt = np.asarray(t, dtype=float)
            z = tt / (alpha + tt)
            return ((a + b - 1) / (a - 1)
                    * (1 - (alpha / (alpha + tt)) ** r * hyp2f1(r, b, a + b - 1, z)))
        engine = engine_of(data)
        if engine is not None:
            from ._engines import score

            return score(engine, data, lambda part: self.predict_purchases(
                t, part, recency, T, frequency=frequency), "expected_purchases")
        x, t_x, big_t, labels, ok = self._history(
            data, {"frequency": frequency, "recency": recency, "T": T}, "predict_purchases")
        t = float(t)
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            z = t / (alpha + big_t + t)
            log_ratio = (r + x) * (np.log(alpha + big_t) - np.log(alpha + big_t + t))
            term = 1 - np.exp(log_ratio) * hyp2f1(r + x, b + x, a + b + x - 1, z)
            num = (a + b + x - 1) / (a - 1) * term
            den = 1 + np.exp(self._log_odds_dead(x, t_x, big_t))
            out = np.where(ok, num / den, np.nan)
        return self._wrap(out, labels, data if data is not None else frequency,
                          "expected_purchases")
