"""The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV").

Each transaction's value is Gamma(p, nu) around a customer's own mean spend; across
customers nu ~ Gamma(q, v). Spend is assumed independent of purchase frequency (check it:
the correlation of frequency and mean spend among repeat buyers should be near zero).
Only customers with at least one repeat purchase carry information on spend.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import digamma, gammaln

from .._errors import FragileResultWarning, InputError, describe_offenders
from .._results import ExclusionLog
from ._base import RepeatModelBase, as_float_array, check_weights, compress_rows

__all__ = ["GammaGamma"]


class GammaGamma(RepeatModelBase):
    """Gamma-Gamma model of the mean spend per transaction.

    Parameters
    ----------
    alpha : float
        Significance level of the confidence intervals.
    max_iter, tol, initial_params
        As for :class:`~expectlab.repeat.BetaGeo` (names ``p``, ``q``, ``v``).

    Attributes
    ----------
    params_ : pandas.Series
        ``p`` (shape of the transaction values), ``q`` and ``v`` (shape and rate of the
        customers' spend rates); the population mean spend is p v / (q - 1).
    loglik_, AIC_, BIC_, covariance_, converged_, n_obs_, excluded_
        ``excluded_`` lists customers without repeat purchases (no spend information).

    Examples
    --------
    >>> from expectlab.simulate.repeat import simulate_gamma_gamma
    >>> sim = simulate_gamma_gamma(1500, p=6.0, q=4.0, v=15.0, random_state=3)
    >>> model = GammaGamma().fit(sim.data["frequency"], sim.data["monetary_value"])
    >>> bool(model.converged_)
    True
    >>> model.predict_spend(sim.data["frequency"], sim.data["monetary_value"]).shape
    (1500,)
    """

    _param_names = ("p", "q", "v")
    _summary_title = "Gamma-Gamma spend model (Fader, Hardie & Lee 2005)"

    def _start(self, data: tuple[np.ndarray, ...], counts: np.ndarray) -> np.ndarray:
        mean = float(np.average(data[1], weights=counts))
        return np.array([1.0, 1.0, max(mean, 1e-6)])

    def _loglik_rows(self, theta: np.ndarray, data: tuple[np.ndarray, ...]) -> np.ndarray:
        p, q, v = theta
        x, m = data
        px = p * x
        return (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v)
                + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(x * m + v))

    def _grad_rows(self, theta: np.ndarray, data: tuple[np.ndarray, ...]
                   ) -> tuple[np.ndarray, np.ndarray]:
        p, q, v = theta
        x, m = data
        px = p * x
        log_xmv = np.log(x * m + v)
        g = np.empty((3, x.size))
        g[0] = x * (digamma(px + q) - digamma(px) + np.log(m) + np.log(x) - log_xmv)
        g[1] = digamma(px + q) - digamma(q) + np.log(v) - log_xmv
        g[2] = q / v - (px + q) / (x * m + v)
        return self._loglik_rows(theta, data), g

    def fit(self, frequency: Any, monetary_value: Any = None,
            weights: Any = None) -> GammaGamma:
        """Fit on repeat purchases and mean repeat spend per customer.

        Parameters
        ----------
        frequency : array-like or DataFrame
            Repeat purchases per customer, or a summary DataFrame with ``frequency`` and
            ``monetary_value`` (then leave ``monetary_value`` out).
        monetary_value : array-like
            Mean spend per repeat purchase.
        weights : array-like, optional
            Non-negative weight per customer.

        Returns
        -------
        self
        """
        self._check_options()
        x, m, labels = _spend_arrays(frequency, monetary_value)
        w = check_weights(weights, x.size, labels)
        complete = np.isfinite(x) & np.isfinite(m)
        with np.errstate(invalid="ignore"):
            bad_x = complete & ((x < 0) | (x != np.round(x)))
            if bad_x.any():
                raise InputError(
                    "frequency must be a whole number >= 0: "
                    f"{describe_offenders(pd.Series(x, index=labels), bad_x)}.")
            bad_m = complete & (x > 0) & (m <= 0)
            if bad_m.any():
                raise InputError(
                    "monetary_value must be > 0 for customers with repeat purchases: "
                    f"{describe_offenders(pd.Series(m, index=labels), bad_m)}. Zero or negative "
                    "mean spend cannot come from the Gamma-Gamma model; leave those customers "
                    "out or correct the amounts.")
        excluded = ExclusionLog()
        excluded.add(labels[~complete], "missing frequency or monetary_value")
        no_repeat = complete & (x == 0)
        excluded.add(labels[no_repeat], "no repeat purchase (no spend information)")
        zero = complete & (x > 0) & (w == 0)
        excluded.add(labels[zero], "zero weight")
        keep = complete & (x > 0) & (w > 0)
        n_obs = int(keep.sum())
        if n_obs < 2:
            raise InputError(
                f"Only {n_obs} customer(s) with repeat purchases; the Gamma-Gamma model needs "
                "repeat buyers to learn about spend.")
        if n_obs < 50:
            warnings.warn(f"Only {n_obs} repeat buyers: the spend estimates are fragile.",
                          FragileResultWarning, stacklevel=2)
        cols, counts, _ = compress_rows([x[keep], m[keep]], w[keep])
        self._optimise(tuple(cols), counts, n_obs, excluded)
        return self

    def predict_spend(self, frequency: Any, monetary_value: Any = None) -> Any:
        """Expected mean spend per future transaction, given each customer's history.

        A weighted average of the population mean and the customer's own mean; customers
        without repeat purchases get the population mean p v / (q - 1).
        """
        self._check_fitted()
        p, q, v = self.params_.to_numpy()
        x, m, labels = _spend_arrays(frequency, monetary_value)
        x0 = np.where(np.isfinite(x), x, np.nan)
        m0 = np.where(x0 > 0, m, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = p * (v + x0 * m0) / (p * x0 + q - 1)
        if isinstance(frequency, (pd.Series, pd.DataFrame)):
            return pd.Series(out, index=labels, name="expected_spend")
        return out

    def customer_lifetime_value(self, transaction_model: Any, frequency: Any,
                                recency: Any = None, T: Any = None, monetary_value: Any = None,
                                *, periods: int = 12, period_length: float = 4.345,
                                discount_rate: float = 0.01) -> Any:
        """Discounted expected spend over the next ``periods`` periods.

        CLV = sum over k of (E[purchases in period k] x expected spend) / (1 + d)^k, with
        purchases from a fitted :class:`BetaGeo` or :class:`ParetoNBD`.

        Parameters
        ----------
        transaction_model : BetaGeo or ParetoNBD
            Fitted on the same time unit as ``recency`` and ``T``.
        frequency : array-like or DataFrame
            Or a summary DataFrame with ``frequency``, ``recency``, ``T``, ``monetary_value``.
        periods : int
            Number of discounting periods (default 12).
        period_length : float
            Length of one period in the model's time unit (default 4.345 weeks = a month).
        discount_rate : float
            Discount rate per period (default 0.01 per month, about 12.7% a year).
        """
        self._check_fitted()
        if isinstance(frequency, pd.DataFrame):
            frame = frequency
            frequency, recency, T = frame["frequency"], frame["recency"], frame["T"]
            if "monetary_value" not in frame.columns:
                raise InputError("The summary DataFrame has no 'monetary_value' column; "
                                 "summarise the log with amount=... first.")
            monetary_value = frame["monetary_value"]
        if not (isinstance(periods, (int, np.integer)) and periods > 0):
            raise InputError(f"periods must be a positive integer, got {periods!r}.")
        if not (np.isfinite(discount_rate) and discount_rate > -1):
            raise InputError(f"discount_rate must be > -1, got {discount_rate!r}.")
        if not (np.isfinite(period_length) and period_length > 0):
            raise InputError(f"period_length must be positive, got {period_length!r}.")
        spend = np.asarray(self.predict_spend(frequency, monetary_value), dtype=float)
        value = np.zeros_like(spend)
        previous = np.zeros_like(spend)
        for k in range(1, periods + 1):
            cumulative = np.asarray(transaction_model.predict_purchases(
                k * period_length, frequency, recency, T), dtype=float)
            value += (cumulative - previous) * spend / (1 + discount_rate) ** k
            previous = cumulative
        if isinstance(frequency, pd.Series):
            return pd.Series(value, index=frequency.index, name="clv")
        return value


def _spend_arrays(frequency: Any, monetary_value: Any
                  ) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    if isinstance(frequency, pd.DataFrame):
        if monetary_value is not None:
            raise InputError("Pass either a summary DataFrame or frequency and monetary_value "
                             "arrays, not both.")
        frame = frequency
        missing = [c for c in ("frequency", "monetary_value") if c not in frame.columns]
        if missing:
            raise InputError(f"The summary DataFrame lacks column(s) {missing}. Summarise the "
                             "log with amount=... or pass the arrays.")
        frequency, monetary_value = frame["frequency"], frame["monetary_value"]
    if monetary_value is None:
        raise InputError("monetary_value is required (or pass the summary DataFrame alone).")
    x = as_float_array(frequency, "frequency")
    m = as_float_array(monetary_value, "monetary_value")
    if x.size != m.size:
        raise InputError(f"frequency and monetary_value must have the same length, got "
                         f"{x.size} and {m.size}.")
    labels = frequency.index if isinstance(frequency, pd.Series) else pd.RangeIndex(x.size)
    return x, m, labels
