"""The BG/BB model for discrete transaction opportunities (Fader, Hardie & Shang 2010,
"Customer-base analysis in a discrete-time noncontractual setting").

Some purchases can only happen at fixed occasions (a yearly donation drive, an annual
event). While alive, a customer transacts at each opportunity with probability
p ~ Beta(alpha, beta); before each opportunity they die with probability
theta ~ Beta(gamma, delta). A history is (x transactions, t_x = opportunity of the last
one, n opportunities).
"""

from __future__ import annotations

from typing import Any, Self

import numpy as np
import pandas as pd
from scipy.special import betaln, digamma, gammaln

from .._errors import InputError, describe_offenders
from ._base import TransactionModelBase
from ._inputs import NOT_GIVEN

__all__ = ["BetaGeoBeta"]


def _dbetaln(p: np.ndarray | float, q: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Partial derivatives of log B(p, q)."""
    both = digamma(p + q)
    return digamma(p) - both, digamma(q) - both


def _terms(theta: np.ndarray, x: np.ndarray, t_x: np.ndarray, n: np.ndarray,
           with_grad: bool = False):
    """Log of each branch of the likelihood (alive throughout; died after opportunity
    t_x + i for i = 0 .. n - t_x - 1) and, optionally, each branch's gradient."""
    a, b, g, d = theta
    da0, db0 = _dbetaln(np.float64(a), np.float64(b))
    dg0, dd0 = _dbetaln(np.float64(g), np.float64(d))
    # (p-arguments, theta-arguments) of each branch
    branches = [((a + x, b + n - x), (g, d + n))]
    gap = (n - t_x).astype(int)
    for i in range(int(gap.max()) if gap.size else 0):
        branches.append(((a + x, b + t_x - x + i), (g + 1, d + t_x + i)))
    logs, grads = [], []
    for i, ((p1, q1), (p2, q2)) in enumerate(branches):
        value = betaln(p1, q1) - betaln(a, b) + betaln(p2, q2) - betaln(g, d)
        if i > 0:
            value = np.where(i - 1 < gap, value, -np.inf)
        logs.append(value)
        if with_grad:
            dp1, dq1 = _dbetaln(p1, q1)
            dp2, dq2 = _dbetaln(p2, q2)
            grads.append(np.vstack([dp1 - da0, dq1 - db0, dp2 - dg0, dq2 - dd0]))
    return np.vstack(logs), grads


def _loglik(theta: np.ndarray, x: np.ndarray, t_x: np.ndarray, n: np.ndarray) -> np.ndarray:
    logs, _ = _terms(theta, x, t_x, n)
    return np.logaddexp.reduce(logs, axis=0)


class BetaGeoBeta(TransactionModelBase):
    """BG/BB model of repeat transactions at discrete opportunities.

    Parameters
    ----------
    alpha : float
        Significance level of the confidence intervals (the model's first parameter is
        ``params_["alpha"]``).
    max_iter, tol, initial_params
        As for :class:`~expectlab.repeat.BetaGeo` (names ``alpha``, ``beta``, ``gamma``,
        ``delta``; ``tol`` is deprecated and ignored).

    Attributes
    ----------
    params_, loglik_, AIC_, BIC_, covariance_, converged_, n_obs_, excluded_, columns_
        As for :class:`~expectlab.repeat.BetaGeo`.
    total_weight_ : float
        Customers represented (the sum of the weights of the rows used).

    Notes
    -----
    ``fit(frequency, recency, n_periods)`` takes whole numbers: transactions after the first
    opportunity, the opportunity of the last transaction (0 when none) and the number of
    opportunities; a summary DataFrame needs the columns ``frequency``, ``recency`` and
    ``n_periods`` (other names by keyword). Data sets such as the donation data come
    compressed, one row per distinct history with a count: pass ``weights="weights"``.
    The fitted model keeps no data.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Shang, J. (2010). Customer-base analysis in a
    discrete-time noncontractual setting. Marketing Science 29(6), 1086-1108.

    See Also
    --------
    BetaGeo : the continuous-time counterpart.

    Examples
    --------
    >>> from expectlab.simulate.repeat import simulate_bg_bb
    >>> sim = simulate_bg_bb(5000, 1.2, 0.75, 0.66, 2.8, n_periods=6, random_state=0)
    >>> model = BetaGeoBeta().fit(sim.data)
    >>> model.params_.round(1).tolist()
    [1.2, 0.8, 0.7, 2.7]
    >>> model.predict_alive(sim.data).shape
    (5000,)
    """

    _param_names = ("alpha", "beta", "gamma", "delta")
    _summary_title = "BG/BB model (Fader, Hardie & Shang 2010)"
    _roles = ("frequency", "recency", "n_periods")

    def fit(self, data: Any = None, recency: Any = None, n_periods: Any = None, *,
            frequency: Any = None, weights: Any = NOT_GIVEN) -> Self:
        """Fit by maximum likelihood.

        Parameters
        ----------
        data : DataFrame, Study or array-like
            One row per customer (or per distinct history) with ``frequency``, ``recency``
            and ``n_periods`` columns; or the transactions as an array (then pass
            ``recency`` and ``n_periods`` as arrays too).
        recency, n_periods, frequency : str or array-like, optional
            Column names with a DataFrame; arrays otherwise.
        weights : str, array-like or None, optional
            How many customers share each row, as for
            :meth:`BetaGeo.fit <expectlab.repeat.BetaGeo.fit>`; a frame column named
            ``weights``/``count``/``n_customers`` must be named here (or ``None`` given).

        Returns
        -------
        self
        """
        return self._fit_history(data, {"frequency": frequency, "recency": recency,
                                        "n_periods": n_periods}, weights)

    def _extra_checks(self, x: np.ndarray, t_x: np.ndarray, n: np.ndarray, labels: pd.Index,
                      complete: np.ndarray) -> None:
        with np.errstate(invalid="ignore"):
            for values, name in ((t_x, "recency"), (n, "n_periods")):
                bad = complete & (values != np.round(values))
                if bad.any():
                    raise InputError(
                        f"{name} must count whole opportunities for the BG/BB: "
                        f"{describe_offenders(pd.Series(values, index=labels), bad)}.")
            bad = complete & (x > t_x)
            if bad.any():
                raise InputError(
                    "frequency cannot exceed recency (at most one transaction per "
                    f"opportunity): {describe_offenders(pd.Series(x, index=labels), bad)}.")

    def _start(self, data: tuple[np.ndarray, ...], counts: np.ndarray) -> np.ndarray:
        return np.ones(4)

    def _loglik_rows(self, theta: np.ndarray, data: tuple[np.ndarray, ...]) -> np.ndarray:
        return _loglik(theta, *data)

    def _grad_rows(self, theta: np.ndarray, data: tuple[np.ndarray, ...]
                   ) -> tuple[np.ndarray, np.ndarray]:
        x, t_x, n = data
        logs, grads = _terms(theta, x, t_x, n, with_grad=True)
        total = np.logaddexp.reduce(logs, axis=0)
        weights = np.exp(logs - total)  # share of each branch in the likelihood
        grad = sum(w * gk for w, gk in zip(weights, grads, strict=True))
        return total, grad

    # -- predictions ---------------------------------------------------------------------
    def predict_alive(self, data: Any = None, recency: Any = None, n_periods: Any = None, *,
                      frequency: Any = None) -> Any:
        """Probability of being alive at the next opportunity (n + 1)."""
        x, t_x, n, labels, ok = self._history(
            data, {"frequency": frequency, "recency": recency, "n_periods": n_periods},
            "predict_alive")
        a, b, g, d = self.params_.to_numpy()
        xs, ts, ns = (np.where(ok, v, 0.0) for v in (x, t_x, n))
        log_l = _loglik(self.params_.to_numpy(), xs, ts, np.maximum(ns, 1))
        log_p = betaln(a + xs, b + ns - xs) - betaln(a, b) + betaln(g, d + ns + 1) - betaln(g, d)
        out = np.where(ok, np.exp(log_p - log_l), np.nan)
        return self._wrap(out, labels, data if data is not None else frequency, "p_alive")

    def predict_purchases(self, t: float, data: Any = None, recency: Any = None,
                          n_periods: Any = None, *, frequency: Any = None) -> Any:
        """Expected transactions in the next ``t`` opportunities (FHS 2010, eq. 13); without
        a history, expected transactions of a new customer in ``t`` opportunities."""
        self._check_fitted()
        a, b, g, d = self.params_.to_numpy()
        if data is None and frequency is None:
            tt = np.asarray(t, dtype=float)
            return (a / (a + b) * d / (g - 1)
                    * (1 - np.exp(gammaln(g + d) - gammaln(g + d + tt)
                                  + gammaln(1 + d + tt) - gammaln(1 + d))))
        x, t_x, n, labels, ok = self._history(
            data, {"frequency": frequency, "recency": recency, "n_periods": n_periods},
            "predict_purchases")
        xs, ts, ns = (np.where(ok, v, 0.0) for v in (x, t_x, n))
        t = float(t)
        log_l = _loglik(self.params_.to_numpy(), xs, ts, np.maximum(ns, 1))
        head = betaln(a + xs + 1, b + ns - xs) - betaln(a, b) - log_l
        bracket = (np.exp(gammaln(1 + d + ns) - gammaln(g + d + ns))
                   - np.exp(gammaln(1 + d + ns + t) - gammaln(g + d + ns + t)))
        out = np.exp(head) * d / (g - 1) * np.exp(gammaln(g + d) - gammaln(1 + d)) * bracket
        out = np.where(ok, out, np.nan)
        return self._wrap(out, labels, data if data is not None else frequency,
                          "expected_purchases")

    # -- plots ---------------------------------------------------------------------------
    def plot_alive_heatmap(self, n_periods: int, max_frequency: int | None = None,
                           ax: Any = None, **kwargs: Any) -> Any:
        """P(alive at the next opportunity) over transactions and the opportunity of the last
        one, for customers who had ``n_periods`` opportunities.

        Impossible histories (more transactions than the last opportunity allows) are left
        blank. Returns the matplotlib Axes.
        """
        self._check_fitted()
        from .plots import plot_alive_heatmap

        return plot_alive_heatmap(self, n_periods, max_frequency, ax=ax, **kwargs)
