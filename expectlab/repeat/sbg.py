"""The shifted-beta-geometric (sBG) model of contractual retention (Fader & Hardie 2007,
"How to project customer retention").

In a contract setting churn is observed: at the end of every period each customer renews
or cancels. Each customer has their own churn probability theta ~ Beta(a, b), constant over
time; heterogeneity alone makes the cohort's retention rate rise over time (the customers
likely to leave leave early), which is why a simple "retention rate" mis-projects.
"""

from __future__ import annotations

import warnings
from typing import Any, Self

import numpy as np
import pandas as pd
from scipy.special import betaln, digamma

from .._errors import FragileResultWarning, InputError, describe_offenders
from .._results import ExclusionLog
from ._base import RepeatModelBase, compress_rows
from ._inputs import NOT_GIVEN, role_data, row_weights

__all__ = ["ShiftedBetaGeometric", "cohort_to_durations"]


def cohort_to_durations(survivors: Any) -> pd.DataFrame:
    """Turn a cohort's survivor counts into per-customer durations with counts.

    Parameters
    ----------
    survivors : sequence of int
        Customers still active at the start (period 0) and after each period, e.g.
        ``[1000, 631, 468, 382]``; must not increase.

    Returns
    -------
    pandas.DataFrame
        ``duration`` (the period in which customers churned, or the number of periods
        survived for those still active), ``churned`` and ``count``: ready for
        ``ShiftedBetaGeometric().fit(d, weights="count")``.

    Examples
    --------
    >>> cohort_to_durations([100, 60, 45]).to_dict("list")
    {'duration': [1, 2, 2], 'churned': [True, True, False], 'count': [40, 15, 45]}
    """
    counts = np.asarray(survivors, dtype=float)
    if counts.ndim != 1 or counts.size < 2:
        raise InputError("survivors must list the cohort size and at least one later count.")
    if not np.all(np.isfinite(counts)) or np.any(counts < 0) or np.any(counts != np.round(counts)):
        raise InputError("survivors must be whole numbers >= 0.")
    lost = -np.diff(counts)
    if np.any(lost < 0):
        later = pd.Series(counts[1:], index=range(1, counts.size))
        shown = describe_offenders(later, lost < 0, row_label="period")
        raise InputError(f"survivors must not increase over time: {shown}.")
    periods = np.arange(1, counts.size)
    return pd.DataFrame({
        "duration": np.concatenate([periods, [counts.size - 1]]).astype(int),
        "churned": np.concatenate([np.ones(periods.size, bool), [False]]),
        "count": np.concatenate([lost, [counts[-1]]]).astype(int),
    })


class ShiftedBetaGeometric(RepeatModelBase):
    """Shifted-beta-geometric model of contract renewals, fitted by maximum likelihood.

    Parameters
    ----------
    alpha : float
        Significance level of the confidence intervals.
    max_iter, tol, initial_params
        As for :class:`~expectlab.repeat.BetaGeo` (names ``a``, ``b``; ``tol`` is deprecated
        and ignored).

    Attributes
    ----------
    params_ : pandas.Series
        ``a``, ``b``: churn probabilities theta ~ Beta(a, b); mean churn a / (a + b).
    loglik_, AIC_, BIC_, covariance_, converged_, excluded_, columns_, weights_used_
        As for :class:`~expectlab.repeat.BetaGeo`.
    n_obs_ : int
        Rows used (rows in = ``n_obs_ + len(excluded_)``).
    total_weight_ : float
        Customers represented (the sum of the weights, e.g. the cohort size).

    Notes
    -----
    The fitted model keeps no data (estimates, covariance and counts only).

    References
    ----------
    Fader, P. S. & Hardie, B. G. S. (2007). How to project customer retention. Journal of
    Interactive Marketing 21(1), 76-90.

    See Also
    --------
    cohort_to_durations : survivor counts to the rows this model is fitted on.

    Examples
    --------
    >>> d = cohort_to_durations([1000, 631, 468, 382, 326, 289, 262, 241])
    >>> model = ShiftedBetaGeometric().fit(d, weights="count")
    >>> model.params_.round(3).tolist()
    [0.704, 1.182]
    >>> model.predict_survival([8, 9, 10]).round(3).tolist()
    [0.22, 0.204, 0.191]
    """

    _param_names = ("a", "b")
    _summary_title = "Shifted-beta-geometric retention model (Fader & Hardie 2007)"

    def _loglik_rows(self, theta: np.ndarray, data: tuple[np.ndarray, ...]) -> np.ndarray:
        a, b = theta
        t, churned = data
        lost = betaln(a + 1, b + t - 1)
        kept = betaln(a, b + t)
        return np.where(churned > 0, lost, kept) - betaln(a, b)

    def _grad_rows(self, theta: np.ndarray, data: tuple[np.ndarray, ...]
                   ) -> tuple[np.ndarray, np.ndarray]:
        a, b = theta
        t, churned = data
        c = churned > 0
        g = np.empty((2, t.size))
        base_a = digamma(a) - digamma(a + b)
        base_b = digamma(b) - digamma(a + b)
        g[0] = np.where(c, digamma(a + 1), digamma(a)) - digamma(a + b + t) - base_a
        g[1] = np.where(c, digamma(b + t - 1), digamma(b + t)) - digamma(a + b + t) - base_b
        return self._loglik_rows(theta, data), g

    def fit(self, data: Any = None, churned: Any = None, *, duration: Any = None,
            weights: Any = NOT_GIVEN) -> Self:
        """Fit on per-customer durations.

        Parameters
        ----------
        data : DataFrame, Study or array-like of int
            A frame with ``duration`` and ``churned`` columns (e.g. from
            :func:`cohort_to_durations`), or the durations as an array: for churned
            customers the period in which they left (1 = did not renew after the first
            period); for active customers the number of periods completed (>= 0).
        churned : str or array-like of bool, optional
            Column name with a DataFrame (default ``"churned"``); else whether each customer
            has left (True/False or 1/0).
        duration : str, optional
            Column name of the durations with a DataFrame (default ``"duration"``).
        weights : str, array-like or None, optional
            Customers sharing the row (e.g. ``"count"`` from :func:`cohort_to_durations`):
            a column name or one number per row. A frame column named ``count``,
            ``weights`` or ``n_customers`` must be named here (or ``weights=None`` given).

        Returns
        -------
        self
        """
        self._check_options()
        inputs = role_data(data, {"duration": duration, "churned": churned},
                           roles=("duration", "churned"), weights=weights,
                           owner=f"{type(self).__name__}.fit")
        t, flags = inputs.values["duration"], inputs.values["churned"]
        labels = inputs.labels
        with np.errstate(invalid="ignore"):
            bad_flag = ~np.isnan(flags) & (flags != 0) & (flags != 1)
        if bad_flag.any():
            raise InputError(f"churned must be True/False (or 1/0): "
                             f"{describe_offenders(pd.Series(flags, index=labels), bad_flag)}.")
        complete = np.isfinite(t) & ~np.isnan(flags)
        c = np.where(complete, flags, 0.0)
        with np.errstate(invalid="ignore"):
            bad = complete & ((t != np.round(t)) | (t < np.where(c > 0, 1, 0)))
        if bad.any():
            raise InputError(
                "duration must be a whole number, >= 1 for churned customers and >= 0 for "
                f"active ones: {describe_offenders(pd.Series(t, index=labels), bad)}.")
        excluded = ExclusionLog()
        excluded.add(labels[~complete], "missing duration or churned")
        keep = complete.copy()
        w = row_weights(inputs, keep, excluded, type(self).__name__)
        if not np.any(c[keep] > 0):
            raise InputError("No customer churned, so the churn distribution cannot be "
                             "estimated.")
        if not np.any(t[keep] > np.where(c[keep] > 0, 1, 0)):
            raise InputError("Every customer churned in the first period: the spread of churn "
                             "probabilities cannot be estimated.")
        # the sample size is the number of customers, i.e. the weights when rows are counts
        customers = float(w[keep].sum())
        if customers < 50:
            warnings.warn(f"Only {customers:g} customers: the retention estimates are fragile.",
                          FragileResultWarning, stacklevel=2)
        cols, counts, _ = compress_rows([t[keep], c[keep]], w[keep])
        self._finish_inputs(inputs)
        self._optimise(tuple(cols), counts, int(keep.sum()), excluded)
        return self

    def predict_survival(self, t: Any) -> np.ndarray:
        """Share of a new cohort still active after ``t`` periods, S(t)."""
        self._check_fitted()
        a, b = self.params_.to_numpy()
        tt = np.asarray(t, dtype=float)
        return np.exp(betaln(a, b + tt) - betaln(a, b))

    def predict_retention(self, t: Any) -> np.ndarray:
        """Retention rate in period ``t`` (share of period t-1 survivors who renew)."""
        self._check_fitted()
        a, b = self.params_.to_numpy()
        tt = np.asarray(t, dtype=float)
        return (b + tt - 1) / (a + b + tt - 1)

    # -- plots ---------------------------------------------------------------------------
    def plot_survival(self, periods: int = 12, observed: Any = None, ax: Any = None,
                      **kwargs: Any) -> Any:
        """Share of a cohort still active after each period, by the model, with observed
        survivors when given.

        Parameters
        ----------
        periods : int
            Periods to project.
        observed : sequence of float, optional
            Observed survivors from period 0 (counts such as ``[1000, 631, ...]`` or
            shares); counts are divided by the first value.
        ax : matplotlib Axes, optional
        **kwargs
            Passed to the model curve's ``plot``.

        Returns
        -------
        matplotlib.axes.Axes
        """
        self._check_fitted()
        from .plots import _axes

        if not (isinstance(periods, (int, np.integer)) and periods > 0):
            raise InputError(f"periods must be a positive integer, got {periods!r}.")
        ax = _axes(ax)
        t = np.arange(0, int(periods) + 1)
        ax.plot(t, self.predict_survival(t), label="Model", **kwargs)
        if observed is not None:
            seen = np.asarray(observed, dtype=float)
            if seen.ndim != 1 or seen.size == 0 or not np.all(np.isfinite(seen)) \
                    or seen[0] <= 0:
                raise InputError("observed must list the survivors from period 0 on, "
                                 "starting with a positive cohort size.")
            ax.plot(np.arange(seen.size), seen / seen[0], marker="o", linestyle="none",
                    color="black", label="Observed")
        ax.set_xlabel("Periods since acquisition")
        ax.set_ylabel("Share of the cohort still active")
        ax.set_ylim(0, 1.02)
        ax.set_title("Retention: shifted-beta-geometric projection")
        ax.legend(frameon=False)
        return ax
