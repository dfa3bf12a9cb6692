"""The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987).

While alive, a customer buys at Poisson rate lambda; their unobserved lifetime is
exponential with rate mu, so dropout can happen at any moment. Across customers
lambda ~ Gamma(r, alpha) and mu ~ Gamma(s, beta). The likelihood follows Fader & Hardie
(2005), "A note on deriving the Pareto/NBD model and related expressions", evaluated in
log space with the Gauss hypergeometric function.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import gammaln, hyp2f1

from ._base import AliveFromLogOddsMixin, Factor, TransactionModelBase
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
        # the hypergeometric terms depend on (x, t_x) and (x, T) pairs only
        return (x, t_x, big_t, Factor(x), Factor(np.column_stack([x, t_x])),
                Factor(np.column_stack([x, big_t])))

    def _loglik_rows(self, theta: np.ndarray, data: tuple) -> np.ndarray:
        r, alpha, s, beta = theta
        x, t_x, big_t, fx, fxt, fxT = data
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
