"""The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV").

Each transaction's value is Gamma(p, nu) around a customer's own mean spend; across
customers nu ~ Gamma(q, v). Spend is assumed independent of purchase frequency (check it:
the correlation of frequency and mean spend among repeat buyers should be near zero).
Only customers with at least one repeat purchase carry information on spend.
"""

from __future__ import annotations

import warnings
from typing import Any, Self

import numpy as np
import pandas as pd
from scipy.special import digamma, gammaln, polygamma

from .._errors import FragileResultWarning, InputError, describe_offenders
from .._results import ExclusionLog, renamed_argument
from ..engines import engine_of
from ._base import Factor, RepeatModelBase, compress_rows
from ._inputs import NOT_GIVEN, RoleData, role_data, row_weights

__all__ = ["GammaGamma"]


class GammaGamma(RepeatModelBase):
    """Gamma-Gamma model of the mean spend per transaction.

    Parameters
    ----------
    alpha : float
        Significance level of the confidence intervals.
    max_iter, tol, initial_params
        As for :class:`~expectlab.repeat.BetaGeo` (names ``p``, ``q``, ``v``; ``tol`` is
        deprecated and ignored).

    Attributes
    ----------
    params_ : pandas.Series
        ``p`` (shape of the transaction values), ``q`` and ``v`` (shape and rate of the
        customers' spend rates); the population mean spend is p v / (q - 1).
    loglik_, AIC_, BIC_, covariance_, converged_, n_obs_, excluded_
        ``excluded_`` lists customers without repeat purchases (no spend information).
    columns_, weights_used_
        As for :class:`~expectlab.repeat.BetaGeo`.

    Notes
    -----
    The fitted model keeps no data (estimates, covariance and counts only).

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: Using iso-value curves
    for customer base analysis. Journal of Marketing Research 42(4), 415-430.

    See Also
    --------
    BetaGeo, ParetoNBD : the purchase models combined with spend in
        :meth:`customer_lifetime_value`.

    Examples
    --------
    >>> from expectlab.simulate.repeat import simulate_gamma_gamma
    >>> sim = simulate_gamma_gamma(1500, p=6.0, q=4.0, v=15.0, random_state=3)
    >>> model = GammaGamma().fit(sim.data["frequency"], sim.data["monetary_value"])
    >>> bool(model.converged_)
    True
    >>> model.predict_spend(sim.data["frequency"], sim.data["monetary_value"]).shape
    (1500,)
    >>> GammaGamma().fit(sim.data).params_.equals(model.params_)
    True
    """

    _param_names = ("p", "q", "v")
    _summary_title = "Gamma-Gamma spend model (Fader, Hardie & Lee 2005)"

    def _start(self, data: tuple[np.ndarray, ...], counts: np.ndarray) -> np.ndarray:
        """Method of moments, falling back to (1, 1, mean spend).

        Under the model E[m | x] = p v / (q - 1) and Var[m | x] = c0 + c1 / x with
        c0 = p^2 v^2 / ((q - 1)^2 (q - 2)) and c1 = p v^2 / ((q - 1)(q - 2)); a weighted
        regression of the squared deviations on 1 / x gives c0 and c1, hence q, p and v.
        Newton steps from there need about half as many passes over the data.
        """
        x, m = data[0], data[1]
        mean = float(np.average(m, weights=counts))
        fallback = np.array([1.0, 1.0, max(mean, 1e-6)])
        design = np.column_stack([np.ones_like(x), 1.0 / x])
        root_w = np.sqrt(counts)[:, None]
        try:
            c0, c1 = np.linalg.lstsq(design * root_w, (m - mean) ** 2 * root_w[:, 0],
                                     rcond=None)[0]
        except np.linalg.LinAlgError:
            return fallback
        if not (np.isfinite(c0) and np.isfinite(c1) and c0 > 0 and c1 > 0 and mean > 0):
            return fallback
        q = 2.0 + mean**2 / c0
        p = (q - 1.0) * c0 / c1
        v = mean * (q - 1.0) / p
        start = np.array([p, q, v])
        return start if np.all(np.isfinite(start)) and np.all(start > 0) else fallback

    def _prepare(self, data: tuple[np.ndarray, ...], counts: np.ndarray) -> tuple:
        """Sufficient statistics: per distinct frequency, the customers' total weight and
        the weighted sum of log mean spend; per row only x m is needed during the fit."""
        x, m = data[0], data[1]
        fx = Factor(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_m = np.bincount(fx.index, weights=counts * np.log(m), minlength=fx.values.size)
        weight_u = np.bincount(fx.index, weights=counts, minlength=fx.values.size)
        return x, m, fx, x * m, weight_u, log_m

    def _weighted_hess(self, theta: np.ndarray, data: tuple, counts: np.ndarray
                       ) -> tuple[float, np.ndarray, np.ndarray]:
        """Total log-likelihood, gradient and Hessian from the sufficient statistics.

        Only -(p x + q) log(x m + v) needs a pass over the rows (one log and one
        reciprocal per row, summed per distinct frequency); everything else is a sum over
        the few distinct frequencies.
        """
        p, q, v = theta
        _, _, fx, xm, weight_u, log_m_u = data
        u = fx.values
        inv = 1.0 / (xm + v)
        n_u = u.size
        log_u = np.bincount(fx.index, weights=counts * np.log(xm + v), minlength=n_u)
        cinv = counts * inv
        inv_u = np.bincount(fx.index, weights=cinv, minlength=n_u)
        inv2_u = np.bincount(fx.index, weights=cinv * inv, minlength=n_u)
        pu = p * u
        pq = pu + q
        total = weight_u.sum()
        value = (weight_u @ (gammaln(pq) - gammaln(pu) + pu * np.log(u)) + total
                 * (q * np.log(v) - gammaln(q)) + (pu - 1) @ log_m_u - pq @ log_u)
        psi = digamma(pq)
        grad = np.array([
            weight_u @ (u * (psi - digamma(pu) + np.log(u))) + u @ log_m_u - u @ log_u,
            weight_u @ psi - total * (digamma(q) - np.log(v)) - log_u.sum(),
            total * q / v - pq @ inv_u,
        ])
        tri = polygamma(1, pq)
        hess = np.empty((3, 3))
        hess[0, 0] = weight_u @ (u * u * (tri - polygamma(1, pu)))
        hess[0, 1] = hess[1, 0] = weight_u @ (u * tri)
        hess[1, 1] = weight_u @ tri - total * polygamma(1, q)
        hess[0, 2] = hess[2, 0] = -(u @ inv_u)
        hess[1, 2] = hess[2, 1] = total / v - inv_u.sum()
        hess[2, 2] = -total * q / v**2 + pq @ inv2_u
        return float(value), grad, hess

    def _loglik_rows(self, theta: np.ndarray, data: tuple[np.ndarray, ...]) -> np.ndarray:
        p, q, v = theta
        x, m = data[0], data[1]
        px = p * x
        return (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v)
                + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(x * m + v))

    def _grad_rows(self, theta: np.ndarray, data: tuple[np.ndarray, ...]
                   ) -> tuple[np.ndarray, np.ndarray]:
        p, q, v = theta
        x, m = data[0], data[1]
        px = p * x
        log_xmv = np.log(x * m + v)
        g = np.empty((3, x.size))
        g[0] = x * (digamma(px + q) - digamma(px) + np.log(m) + np.log(x) - log_xmv)
        g[1] = digamma(px + q) - digamma(q) + np.log(v) - log_xmv
        g[2] = q / v - (px + q) / (x * m + v)
        return self._loglik_rows(theta, data), g

    _roles = ("frequency", "monetary_value")

    def _inputs(self, data: Any, given: dict[str, Any], weights: Any, owner: str,
                defaults: dict[str, str] | None = None) -> RoleData:
        return role_data(data, given, roles=self._roles, weights=weights, defaults=defaults,
                         owner=f"{type(self).__name__}.{owner}")

    def fit(self, data: Any = None, monetary_value: Any = None, *, frequency: Any = None,
            weights: Any = NOT_GIVEN) -> Self:
        """Fit on repeat purchases and mean repeat spend per customer.

        Parameters
        ----------
        data : DataFrame, Study or array-like
            A summary with ``frequency`` and ``monetary_value`` columns (from
            ``summarise_transactions(..., amount=...)``), or the repeat purchases per
            customer as an array (then pass ``monetary_value`` as an array too).
        monetary_value, frequency : str or array-like, optional
            Column names with a DataFrame (defaults ``"monetary_value"``, ``"frequency"``);
            arrays otherwise. ``monetary_value`` is the mean spend per repeat purchase.
        weights : str, array-like or None, optional
            How many customers share each row, as for
            :meth:`BetaGeo.fit <expectlab.repeat.BetaGeo.fit>`.

        Returns
        -------
        self
        """
        self._check_options()
        if engine_of(data) is not None:
            return self._fit_engine(
                data, {"frequency": frequency, "monetary_value": monetary_value}, weights,
                self._roles, lambda rows, names: self.fit(rows, weights="count", **names))
        inputs = self._inputs(data, {"frequency": frequency, "monetary_value": monetary_value},
                              weights, "fit")
        x, m = inputs.values["frequency"], inputs.values["monetary_value"]
        labels = inputs.labels
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
        keep = complete & (x > 0)
        w = row_weights(inputs, keep, excluded, type(self).__name__)
        n_obs = int(keep.sum())
        if n_obs < 2:
            raise InputError(
                f"Only {n_obs} customer(s) with repeat purchases; the Gamma-Gamma model needs "
                "repeat buyers to learn about spend.")
        if n_obs < 50:
            warnings.warn(f"Only {n_obs} repeat buyers: the spend estimates are fragile.",
                          FragileResultWarning, stacklevel=2)
        cols, counts, _ = compress_rows([x[keep], m[keep]], w[keep])
        self._finish_inputs(inputs)
        self._optimise(tuple(cols), counts, n_obs, excluded)
        return self

    def _spend(self, data: Any, given: dict[str, Any], owner: str
               ) -> tuple[np.ndarray, np.ndarray, pd.Index]:
        inputs = self._inputs(data, given, None, owner, defaults=self.columns_)
        return inputs.values["frequency"], inputs.values["monetary_value"], inputs.labels

    def _loglik_data(self, *inputs: Any) -> tuple[np.ndarray, ...]:
        given = {"monetary_value": inputs[1] if len(inputs) > 1 else None}
        x, m, _ = self._spend(inputs[0], given, "_loglik_at")
        keep = x > 0
        return x[keep], m[keep]

    def predict_spend(self, data: Any = None, monetary_value: Any = None, *,
                      frequency: Any = None) -> Any:
        """Expected mean spend per future transaction, given each customer's history.

        A weighted average of the population mean and the customer's own mean; customers
        without repeat purchases get the population mean p v / (q - 1). Input as for
        ``fit``; a Series is returned for DataFrame or Series input.
        """
        self._check_fitted()
        engine = engine_of(data)
        if engine is not None:
            from ._engines import score

            return score(engine, data, lambda part: self.predict_spend(
                part, monetary_value, frequency=frequency), "expected_spend")
        p, q, v = self.params_.to_numpy()
        x, m, labels = self._spend(data, {"frequency": frequency,
                                          "monetary_value": monetary_value}, "predict_spend")
        like = data if data is not None else frequency
        x0 = np.where(np.isfinite(x), x, np.nan)
        m0 = np.where(x0 > 0, m, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = p * (v + x0 * m0) / (p * x0 + q - 1)
        if isinstance(like, (pd.Series, pd.DataFrame)):
            return pd.Series(out, index=labels, name="expected_spend")
        return out

    def customer_lifetime_value(self, transaction_model: Any, data: Any = None,
                                recency: Any = None, T: Any = None, monetary_value: Any = None,
                                *, periods: int = 12, period_length: float = 4.345,
                                discount_rate: float = 0.01, frequency: Any = None) -> Any:
        """Discounted expected spend over the next ``periods`` periods.

        CLV = sum over k of (E[purchases in period k] x expected spend) / (1 + d)^k, with
        purchases from a fitted :class:`BetaGeo` or :class:`ParetoNBD`.

        Parameters
        ----------
        transaction_model : BetaGeo or ParetoNBD
            Fitted on the same time unit as ``recency`` and ``T``.
        data : DataFrame or array-like
            A summary DataFrame with ``frequency``, ``recency``, ``T``, ``monetary_value``
            columns, or the repeat purchases (then pass ``recency``, ``T`` and
            ``monetary_value`` as arrays).
        periods : int
            Number of discounting periods (default 12).
        period_length : float
            Length of one period in the model's time unit (default 4.345 weeks = a month).
        discount_rate : float
            Discount rate per period (default 0.01 per month, about 12.7% a year).
        frequency : optional
            Old name of ``data`` (warns; removed in expectlab 0.3.0).
        """
        self._check_fitted()
        engine = engine_of(data)
        if engine is not None:
            from ._engines import score

            return score(engine, data, lambda part: self.customer_lifetime_value(
                transaction_model, part, recency, T, monetary_value, periods=periods,
                period_length=period_length, discount_rate=discount_rate), "clv")
        frequency = renamed_argument("frequency", frequency, "data", data,
                                     owner="GammaGamma.customer_lifetime_value")
        if frequency is None:
            raise InputError("GammaGamma.customer_lifetime_value: pass the customers (a "
                             "summary DataFrame or frequency, recency, T and monetary_value).")
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

    # -- plots ---------------------------------------------------------------------------
    def plot_spend_distribution(self, data: Any = None, monetary_value: Any = None, *,
                                frequency: Any = None, bins: int = 30, ax: Any = None,
                                **kwargs: Any) -> Any:
        """The fitted distribution of customers' mean spend per transaction, with the
        observed mean spend of repeat buyers as a histogram when data are given.

        Under the model a customer's expected spend per transaction is p / nu with
        nu ~ Gamma(q, rate v), an inverse-gamma distribution with shape q and scale p v.
        Observed means average few transactions, so the histogram is wider than the curve.

        Parameters
        ----------
        data, monetary_value, frequency
            Optional customers to show, as for ``fit`` (customers without repeat purchases
            are left out).
        bins : int
            Histogram bins.
        ax : matplotlib Axes, optional
        **kwargs
            Passed to the curve's ``plot``.

        Returns
        -------
        matplotlib.axes.Axes
        """
        self._check_fitted()
        from scipy import stats

        from .plots import _axes, literal

        p, q, v = self.params_.to_numpy()
        dist = stats.invgamma(q, scale=p * v)
        ax = _axes(ax)
        top = float(dist.ppf(0.99))
        if data is not None or frequency is not None:
            x, m, _ = self._spend(data, {"frequency": frequency,
                                         "monetary_value": monetary_value},
                                  "plot_spend_distribution")
            shown = m[(x > 0) & np.isfinite(m)]
            if shown.size:
                top = max(top, float(np.quantile(shown, 0.99)))
                name = self.columns_.get("monetary_value", "monetary_value") \
                    if isinstance(data, pd.DataFrame) else "monetary_value"
                ax.hist(shown[shown <= top], bins=bins, density=True, alpha=0.4,
                        color="grey", label=literal(f"Observed {name} (repeat buyers)"))
        grid = np.linspace(top / 500, top, 400)
        ax.plot(grid, dist.pdf(grid), label="Model: expected spend per transaction", **kwargs)
        ax.set_xlabel("Mean spend per transaction (currency of the data)")
        ax.set_ylabel("Density")
        ax.set_title("Spend per transaction across customers (Gamma-Gamma)")
        ax.legend(frameon=False)
        return ax
