"""Maximum-likelihood machinery shared by the repeat-buying models.

* Customers with the same history contribute one row: inputs are compressed to their
  unique rows, the counts (times any weights) become likelihood weights.
* Parameters are positive; the optimiser works on their logarithms (no bounds needed),
  with the analytic gradient when the model supplies one and central differences
  otherwise.
* Standard errors come from the inverse Hessian of the log-likelihood in log-parameter
  space; the delta method carries them to the natural scale (se = estimate x se_log) and
  confidence limits are exp(log estimate +/- z se_log), so they stay positive.
* A convergence check (optimiser status, gradient size, positive-definite Hessian,
  parameters running off to 0 or infinity) raises a clear FragileResultWarning.
* Inputs follow one convention (:mod:`expectlab.repeat._inputs`): a DataFrame or Study with
  the role columns named by keyword, or arrays; ``weights`` a column name or an array.
* A fitted model keeps the estimates, their covariance and a few counts; never the input
  data (the per-row arrays used while optimising are deleted at the end of ``fit``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .._errors import FragileResultWarning, InputError, describe_offenders
from .._results import Estimator, ExclusionLog
from ..engines import engine_of
from ._inputs import NOT_GIVEN, RoleData, role_data, row_weights

__all__ = ["Factor", "RepeatModelBase", "TransactionModelBase", "compress_rows", "wsum"]


def wsum(weights: np.ndarray, values: np.ndarray) -> Any:
    """Weighted sum over the last axis without BLAS.

    A BLAS dot product of two long vectors can take milliseconds when its threads compete
    with other processes for the cores; einsum stays in one thread and is predictable.
    """
    return np.einsum("...i,i->...", values, weights)


class Factor:
    """Distinct values (or rows) of an array and the index back to every row.

    Special functions that depend on one or two columns only are computed once per distinct
    value and gathered: transaction summaries have few distinct frequencies, and
    day-granular logs few distinct recencies and ages, even with millions of customers.
    """

    def __init__(self, values: np.ndarray) -> None:
        values = np.asarray(values)
        index, first = _row_codes(values if values.ndim == 2 else values[:, None])
        self.index = index
        self.values = values[first]

    @classmethod
    def from_codes(cls, index: np.ndarray, values: np.ndarray) -> Factor:
        """A factor from codes already computed (e.g. while compressing rows)."""
        factor = cls.__new__(cls)
        factor.index, factor.values = index, values
        return factor

    def apply(self, func: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        return np.asarray(func(self.values))[self.index]

    def column_factor(self, j: int) -> Factor:
        """Factor of column ``j`` alone (for a factor of rows), computed once and kept."""
        cache = self.__dict__.setdefault("_columns", {})
        if j not in cache:
            inner = Factor(self.values[:, j])
            cache[j] = Factor.from_codes(inner.index[self.index], inner.values)
        return cache[j]


def _row_codes(stacked: np.ndarray, column_codes: list | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """Code of each row's distinct value combination and the first row of each code.

    Hash-based (pandas.factorize per column), so linear in the number of rows; sorting
    whole rows is several times slower for millions of customers. The per-column codes are
    combined into one integer; when the number of combinations is moderate, a presence
    table ranks them (a pass over the rows) instead of hashing them again. Per-column
    codes and distinct values are appended to ``column_codes`` when given.
    """
    n_rows, n_cols = stacked.shape
    combined = np.zeros(n_rows, dtype=np.int64)
    size = 1
    for j in range(n_cols):
        codes, uniques = pd.factorize(stacked[:, j])
        if column_codes is not None:
            column_codes.append((codes, uniques))
        if column_codes is None and (len(uniques) == n_rows or n_cols == 1) and (
                codes.size == 0 or codes.min() >= 0):
            # one column, or a column with a distinct value in every row (continuous spend):
            # its codes, numbered in order of appearance, already are the row codes
            return codes, _first_rows(codes, len(uniques))
        if size * max(len(uniques), 1) >= 2**62:
            combined, _ = pd.factorize(combined)
            size = int(combined.max()) + 1
        combined = combined * len(uniques) + codes
        size *= max(len(uniques), 1)
    if 0 < size <= max(4 * n_rows, 2**20) and (n_rows == 0 or combined.min() >= 0):
        present = np.zeros(size, dtype=np.int64)
        present[combined] = 1
        rank = np.cumsum(present) - 1
        codes = rank[combined]
        n_codes = int(rank[-1]) + 1
        first = np.full(n_codes, -1, dtype=np.int64)
        order = np.arange(n_rows - 1, -1, -1)
        first[codes[order]] = order
        return codes, first
    codes, _ = pd.factorize(combined)
    return codes, _first_rows(codes, int(codes.max()) + 1 if codes.size else 0)


def _first_rows(codes: np.ndarray, n_codes: int) -> np.ndarray:
    """The first row of each code (codes numbered in order of first appearance)."""
    if n_codes == codes.size:
        return np.arange(n_codes, dtype=np.int64)
    first = np.full(n_codes, -1, dtype=np.int64)
    # the first occurrence of each code: scatter in reverse so the earliest row wins
    order = np.arange(codes.size - 1, -1, -1)
    first[codes[order]] = order
    return first


def compress_rows(columns: Sequence[np.ndarray], weights: np.ndarray,
                  factors: list[Factor] | None = None
                  ) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Distinct rows of the stacked columns, their summed weights and the inverse index.

    When ``factors`` is a list, a :class:`Factor` of each column over the distinct rows is
    appended to it (reusing the codes computed here, so models need not hash again).
    """
    stacked = np.column_stack(columns)
    column_codes: list | None = [] if factors is not None else None
    inverse, first = _row_codes(stacked, column_codes)
    counts = np.bincount(inverse, weights=weights, minlength=len(first))
    unique = stacked[first]
    if factors is not None and column_codes is not None:
        for codes, uniques in column_codes:
            factors.append(Factor.from_codes(codes[first], np.asarray(uniques)))
    return [unique[:, j] for j in range(unique.shape[1])], counts, inverse


class RepeatModelBase(Estimator):
    """Base for maximum-likelihood repeat-buying models.

    Subclasses set ``_param_names`` and implement ``_loglik_rows(theta, data)``
    (log-likelihood per unique row for natural-scale parameters ``theta``); they may add
    ``_grad_rows(theta, data)`` (returns the per-row log-likelihood and its gradient with
    respect to ``theta``, shape ``(k, n_rows)``), ``_prepare(data)``,
    ``_start(data, counts)`` and ``_loglik_data(*inputs)`` (the model's data tuple for
    :meth:`_loglik_at`).

    Parameters
    ----------
    alpha : float
        Significance level of the confidence intervals (0.05 gives 95% intervals).
    max_iter : int
        Iteration limit of the optimiser.
    tol : None
        Deprecated and ignored (the optimum is polished with Newton steps to many digits);
        passing a value warns. It will be removed in expectlab 0.3.0.
    initial_params : dict, optional
        Starting values by parameter name.
    """

    _param_names: tuple[str, ...] = ()
    _log_bound = 18.0  # |log parameter| beyond this means the estimate ran off to 0 or inf

    def __init__(self, alpha: float = 0.05, max_iter: int = 1000, tol: float | None = None,
                 initial_params: dict[str, float] | None = None) -> None:
        self.alpha = alpha
        self.max_iter = max_iter
        self.tol = tol
        self.initial_params = initial_params

    # -- hooks ---------------------------------------------------------------------------
    def _loglik_rows(self, theta: np.ndarray, data: tuple[np.ndarray, ...]) -> np.ndarray:
        raise NotImplementedError

    _grad_rows: Callable[..., tuple[np.ndarray, np.ndarray]] | None = None

    def _start(self, data: tuple[np.ndarray, ...], counts: np.ndarray) -> np.ndarray:
        return np.ones(len(self._param_names))

    def _prepare(self, data: tuple[np.ndarray, ...], counts: np.ndarray) -> tuple[Any, ...]:
        """Parameter-free precomputation on the data (e.g. :class:`Factor` indices)."""
        return data

    #: optional ``_weighted_grad(theta, data, counts) -> (total log-likelihood, gradient
    #: with respect to theta)``, for models that sum the gradient without per-row arrays
    _weighted_grad: Callable[..., tuple[float, np.ndarray]] | None = None

    #: optional ``_weighted_hess(theta, data, counts) -> (total log-likelihood, gradient,
    #: Hessian)`` with respect to the natural-scale theta; when given, ``fit`` runs Newton
    #: steps on the exact Hessian (a handful of passes over the data instead of dozens)
    _weighted_hess: Callable[..., tuple[float, np.ndarray, np.ndarray]] | None = None
    #: Newton stops when a step moves every log parameter by less than this
    _newton_tol = 1e-10
    #: per-column factors of the rows compressed in ``fit``, reused by the next
    #: ``_prepare`` (declared only: instances set it, ``_factor`` reads it with getattr)
    _column_factors: list[Factor] | None

    # -- objective -----------------------------------------------------------------------
    def _total_loglik(self, log_theta: np.ndarray) -> float:
        with np.errstate(all="ignore"):
            rows = self._loglik_rows(np.exp(log_theta), self._data)
        value = float(wsum(self._counts, rows))
        return value if np.isfinite(value) else -np.inf

    def _total_grad(self, log_theta: np.ndarray) -> tuple[float, np.ndarray]:
        """Log-likelihood and its gradient with respect to the log parameters."""
        theta = np.exp(log_theta)
        if self._weighted_grad is not None:
            with np.errstate(all="ignore"):
                value, g = self._weighted_grad(theta, self._data, self._counts)
            g = g * theta
            if np.isfinite(value) and np.all(np.isfinite(g)):
                return float(value), g
            return -np.inf, np.zeros_like(log_theta)
        if self._grad_rows is not None:
            with np.errstate(all="ignore"):
                rows, grad = self._grad_rows(theta, self._data)
            value = float(wsum(self._counts, rows))
            g = wsum(self._counts, grad) * theta
            if np.isfinite(value) and np.all(np.isfinite(g)):
                return value, g
            return -np.inf, np.zeros_like(log_theta)
        value = self._total_loglik(log_theta)
        g = np.empty_like(log_theta)
        h = 1e-6
        for j in range(len(log_theta)):
            step = np.zeros_like(log_theta)
            step[j] = h
            g[j] = (self._total_loglik(log_theta + step)
                    - self._total_loglik(log_theta - step)) / (2 * h)
        if not (np.isfinite(value) and np.all(np.isfinite(g))):
            return -np.inf, np.zeros_like(log_theta)
        return value, g

    def _log_space(self, log_theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """Log-likelihood, gradient and exact Hessian in log-parameter space.

        With theta = exp(x): dl/dx = theta g and d2l/dx2 = diag(theta) H diag(theta) +
        diag(theta g), from the model's natural-scale ``_weighted_hess``.
        """
        weighted_hess = self._weighted_hess
        if weighted_hess is None:  # callers check first; only models with a Hessian get here
            raise TypeError(f"{type(self).__name__} defines no _weighted_hess.")
        theta = np.exp(log_theta)
        with np.errstate(all="ignore"):
            value, g, H = weighted_hess(theta, self._data, self._counts)
        g = g * theta
        H = H * np.outer(theta, theta) + np.diag(g)
        if not (np.isfinite(value) and np.all(np.isfinite(g)) and np.all(np.isfinite(H))):
            return -np.inf, np.zeros_like(log_theta), np.full((theta.size,) * 2, np.nan)
        return float(value), g, (H + H.T) / 2

    def _newton(self, x: np.ndarray, max_iter: int, tol: float = 1e-10
                ) -> tuple[np.ndarray, bool, int, tuple[float, np.ndarray, np.ndarray]]:
        """Maximise by Newton steps on the exact Hessian, with a backtracking line search.

        Where the Hessian is not negative definite (far from the optimum) its eigenvalues
        are mirrored and floored, which keeps every step an ascent direction; steps are
        capped at 3 on the log scale (a factor of 20 in a parameter). Returns the point,
        whether the step size fell below ``tol``, the number of iterations and the
        log-likelihood, gradient and Hessian at the point.
        """
        value, g, H = self._log_space(x)
        if not np.isfinite(value):
            return x, False, 0, (value, g, H)
        for it in range(1, max_iter + 1):
            eig, vec = np.linalg.eigh(-H)
            floor = 1e-10 * max(float(np.max(np.abs(eig))), 1e-300)
            step = vec @ ((vec.T @ g) / np.maximum(np.abs(eig), floor))
            big = float(np.max(np.abs(step)))
            if big > 3.0:
                step *= 3.0 / big
            if big < tol:
                return x, True, it - 1, (value, g, H)
            slope = float(g @ step)
            t = 1.0
            while True:
                candidate = x + t * step
                c_value, c_g, c_H = self._log_space(candidate)
                # Armijo condition, with slack for rounding noise in sums over millions
                noise = 1e-12 * max(abs(value), 1.0)
                if c_value >= value + 1e-4 * t * slope - noise:
                    break
                t *= 0.5
                if t < 1e-8:
                    # no ascent left: converged if the full step was already negligible
                    return x, big < 1e-7, it, (value, g, H)
            x, value, g, H = candidate, c_value, c_g, c_H
            if t * big < tol:
                return x, True, it, (value, g, H)
        return x, False, max_iter, (value, g, H)

    def _hessian(self, log_theta: np.ndarray) -> np.ndarray:
        """Hessian of the total log-likelihood in log-parameter space."""
        k = len(log_theta)
        if self._weighted_hess is not None:
            return self._log_space(log_theta)[2]
        H = np.empty((k, k))
        if self._grad_rows is not None or self._weighted_grad is not None:
            h = 1e-5
            for j in range(k):
                step = np.zeros(k)
                step[j] = h
                H[:, j] = (self._total_grad(log_theta + step)[1]
                           - self._total_grad(log_theta - step)[1]) / (2 * h)
            return (H + H.T) / 2
        h = 1e-4
        f0 = self._total_loglik(log_theta)
        for i in range(k):
            for j in range(i, k):
                ei = np.zeros(k)
                ej = np.zeros(k)
                ei[i] = h
                ej[j] = h
                if i == j:
                    H[i, i] = (self._total_loglik(log_theta + ei) - 2 * f0
                               + self._total_loglik(log_theta - ei)) / h**2
                else:
                    H[i, j] = H[j, i] = (
                        self._total_loglik(log_theta + ei + ej)
                        - self._total_loglik(log_theta + ei - ej)
                        - self._total_loglik(log_theta - ei + ej)
                        + self._total_loglik(log_theta - ei - ej)) / (4 * h**2)
        return H

    # -- fitting -------------------------------------------------------------------------
    def _check_options(self) -> None:
        if self.tol is not None:
            # tol never reached the optimiser: the estimate is polished with Newton steps
            warnings.warn(
                f"{type(self).__name__}: tol= is ignored (the optimum is polished with Newton "
                "steps) and will be removed in expectlab 0.3.0. Leave it out.",
                FutureWarning, stacklevel=4)
        if not (isinstance(self.alpha, (float, int)) and 0 < self.alpha < 1):
            raise InputError(f"alpha must lie between 0 and 1, got {self.alpha!r}.")
        if not (isinstance(self.max_iter, (int, np.integer)) and self.max_iter > 0):
            raise InputError(f"max_iter must be a positive integer, got {self.max_iter!r}.")
        if self.initial_params is not None:
            unknown = set(self.initial_params) - set(self._param_names)
            if unknown:
                raise InputError(
                    f"initial_params has unknown names {sorted(unknown)}; "
                    f"{type(self).__name__} has {list(self._param_names)}."
                )
            bad = {k: v for k, v in self.initial_params.items()
                   if not (np.isfinite(v) and v > 0)}
            if bad:
                raise InputError(f"initial_params must be positive numbers, got {bad}.")

    def _optimise(self, data: tuple[np.ndarray, ...], counts: np.ndarray,
                  n_obs: int, excluded: ExclusionLog) -> None:
        self._data = self._prepare(data, counts)
        self._column_factors = None  # only for this _prepare
        self._counts = counts
        start = np.log(self._start(data, counts))
        if self.initial_params:
            for name, value in self.initial_params.items():
                start[self._param_names.index(name)] = np.log(value)
        scale = float(counts.sum())

        def objective(x: np.ndarray) -> tuple[float, np.ndarray]:
            value, grad = self._total_grad(x)
            if not np.isfinite(value):
                return 1e300, np.zeros_like(x)
            return -value / scale, -grad / scale

        # only finiteness matters here: a gradient pass is cheaper than a Hessian pass
        if self._weighted_grad is not None:
            at_start = self._total_grad(start)[0]
        elif self._weighted_hess is not None:
            at_start = self._log_space(start)[0]
        else:
            at_start = self._total_loglik(start)
        if not np.isfinite(at_start):
            raise InputError(
                f"The log-likelihood of {type(self).__name__} is not finite at the starting "
                "values. Pass initial_params closer to plausible values."
            )
        if not self.initial_params:
            start = self._coarse_start(data, counts, start)
        newton = None
        if self._weighted_hess is not None:
            x, ok, n_iter, at_x = self._newton(start, min(self.max_iter, 100),
                                               tol=self._newton_tol)
            if ok:
                newton = at_x
                res = optimize.OptimizeResult(x=x, success=True, nit=n_iter,
                                              message="Newton steps converged")
        if newton is not None:
            loglik, grad, H = newton
        else:
            # no exact Hessian, or Newton did not settle: quasi-Newton, then a polish
            res = optimize.minimize(objective, start, jac=True, method="BFGS",
                                    options={"maxiter": self.max_iter, "gtol": 1e-9})
            x = res.x
            x, H = self._polish(x)
            loglik, grad = self._total_grad(x)
        self._log_params = x
        self.loglik_ = loglik
        self.params_ = pd.Series(np.exp(x), index=list(self._param_names), name="estimate")
        k = len(x)
        problems = []
        try:
            cov_log = np.linalg.inv(-H)
            eig = np.linalg.eigvalsh(-H)
            if np.any(eig <= 0) or np.any(np.diag(cov_log) <= 0):
                raise np.linalg.LinAlgError
        except np.linalg.LinAlgError:
            cov_log = np.full((k, k), np.nan)
            problems.append("the Hessian is not negative definite, so standard errors are "
                            "not available")
        self.covariance_log_ = pd.DataFrame(cov_log, index=self.params_.index,
                                            columns=self.params_.index)
        jac = np.diag(np.exp(x))
        self.covariance_ = pd.DataFrame(jac @ cov_log @ jac, index=self.params_.index,
                                        columns=self.params_.index)
        # gradient per unit of weight: rounding noise in a sum over millions of customers
        # makes the total gradient's absolute size meaningless
        grad_size = float(np.max(np.abs(grad))) / max(scale, 1.0)
        if not res.success and grad_size > 1e-5:
            problems.append(f"the optimiser stopped early ({res.message})")
        if grad_size > 1e-4:
            problems.append("the gradient at the estimate is not zero (max per customer "
                            f"{grad_size:.2g})")
        se_log = np.sqrt(np.diag(cov_log))
        vague = [n for n, v in zip(self._param_names, se_log, strict=True)
                 if np.isfinite(v) and v > 3.0]
        if vague:
            # a log-scale SE above 3 means the 95% interval spans a factor of e^12: the data
            # hardly identify the parameter (e.g. no sign of dropout)
            problems.append(f"parameter(s) {', '.join(vague)} are barely identified by the "
                            "data (standard error on the log scale above 3)")
        at_edge = [n for n, v in zip(self._param_names, x, strict=True)
                   if abs(v) > self._log_bound]
        if at_edge:
            problems.append(f"parameter(s) {', '.join(at_edge)} ran off towards 0 or infinity, "
                            "which usually means the data cannot identify them")
        self.converged_ = not problems
        self.n_iter_ = int(res.nit)
        self.n_obs_ = int(n_obs)
        self.total_weight_ = scale
        self.n_unique_ = len(counts)
        self.AIC_ = -2 * loglik + 2 * k
        self.BIC_ = -2 * loglik + k * np.log(max(scale, 1.0))
        self.excluded_ = excluded.to_frame()
        self._fitted = True
        del self._data, self._counts
        if problems:
            warnings.warn(
                f"{type(self).__name__} may not have converged: " + "; ".join(problems)
                + ". Check the data (enough repeat buyers? a long enough calibration period?) "
                "or pass initial_params.",
                FragileResultWarning,
                stacklevel=3,
            )

    def _polish(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Newton polish after BFGS, which stops on the mean gradient: a few Newton steps on
        the Hessian make the estimates precise to many digits at little cost."""
        start = x
        H = self._hessian(x)
        for _ in range(5):
            _, g = self._total_grad(x)
            try:
                step = np.linalg.solve(H, g)
            except np.linalg.LinAlgError:
                break
            candidate = x - step
            if self._total_loglik(candidate) + 1e-9 < self._total_loglik(x):
                break
            x = candidate
            if np.max(np.abs(step)) < 1e-10:
                break
        if not np.allclose(x, start, rtol=0, atol=1e-6):
            # the standard errors need the Hessian at the final point
            H = self._hessian(x)
        return x, H

    def _fit_engine(self, frame: Any, given: dict[str, Any], weights: Any,
                    roles: Sequence[str], fit_rows: Callable[..., Self]) -> Self:
        """Fit on a Dask or Spark DataFrame: the engine reduces it to distinct rows with
        counts (:func:`expectlab.repeat._engines.distinct_rows`), the numpy core fits
        those, so the estimates equal the in-memory ones."""
        from ._engines import distinct_rows

        engine = engine_of(frame)
        if engine is None:  # callers check engine_of first
            raise TypeError(f"_fit_engine needs a Dask or Spark DataFrame, got "
                            f"{type(frame).__name__}.")
        names = {role: given.get(role) or role for role in roles}
        for role, name in names.items():
            if not isinstance(name, str):
                raise InputError(f"With a {engine} DataFrame, pass column names, not arrays "
                                 f"({role}={type(name).__name__}).")
        if weights is not NOT_GIVEN and weights is not None and not isinstance(weights, str):
            raise InputError(f"With a {engine} DataFrame, weights must be a column name.")
        column = weights if isinstance(weights, str) else None
        rows = distinct_rows(engine, frame, list(names.values()), column)
        fit_rows(rows, dict(names))
        if column is None:
            # every row was one customer: report customers, as the in-memory fit does
            self.n_obs_ = int(round(self.total_weight_))
            self.weights_used_ = "Weights: none"
        self.engine_note_ = (f"Fitted on a {engine} DataFrame reduced to {len(rows)} "
                             "distinct rows; excluded_ lists distinct rows, not customers.")
        return self

    def _coarse_start(self, data: tuple[np.ndarray, ...], counts: np.ndarray,
                      start: np.ndarray) -> np.ndarray:
        """A better starting point from a quick fit on coarsened data (hook; none here)."""
        return start

    def _loglik_data(self, *inputs: Any) -> tuple[np.ndarray, ...]:
        """The model's data tuple for new input (each model defines its own)."""
        raise NotImplementedError

    def _loglik_at(self, params: Any, *inputs: Any) -> float:
        """Total log-likelihood at ``params`` (natural scale) for new data (diagnostics)."""
        data = self._loglik_data(*inputs)
        ones = np.ones(len(data[0]))
        return float(np.sum(self._loglik_rows(np.asarray(params, dtype=float),
                                              self._prepare(data, ones))))

    # -- results -------------------------------------------------------------------------
    @property
    def standard_errors_(self) -> pd.Series:
        self._check_fitted()
        return pd.Series(np.sqrt(np.diag(self.covariance_.to_numpy())),
                         index=self.params_.index, name="se")

    def confidence_intervals_(self, alpha: float | None = None) -> pd.DataFrame:
        """Confidence limits, computed on the log scale and transformed back."""
        self._check_fitted()
        alpha = self.alpha if alpha is None else alpha
        z = stats.norm.ppf(1 - alpha / 2)
        se_log = np.sqrt(np.diag(self.covariance_log_.to_numpy()))
        return pd.DataFrame({"lower": np.exp(self._log_params - z * se_log),
                             "upper": np.exp(self._log_params + z * se_log)},
                            index=self.params_.index)

    @property
    def summary(self) -> pd.DataFrame:
        """Estimates with standard errors (delta method) and confidence limits.

        Columns ``estimate``, ``se``, ``lower``, ``upper`` (at level ``1 - alpha``, computed
        on the log scale, stated in the notes of ``print_summary``). There is no test
        statistic: every parameter is positive, so a test against 0 means nothing.
        """
        self._check_fitted()
        ci = self.confidence_intervals_()
        table = pd.DataFrame({
            "estimate": self.params_,
            "se": self.standard_errors_,
            "lower": ci["lower"],
            "upper": ci["upper"],
        })
        # rename_axis copies: naming the shared index in place would rename params_ too
        return table.rename_axis("parameter")

    def _summary_notes(self) -> list[str]:
        weight = getattr(self, "total_weight_", self.n_obs_)
        used = (f"Customers used: {self.n_obs_}" if np.isclose(weight, self.n_obs_) else
                f"Rows used: {self.n_obs_} (total weight {weight:g})")
        notes = [f"{used} ({self.n_unique_} distinct histories)",
                 (f"Log-likelihood: {self.loglik_:.3f}   AIC: {self.AIC_:.2f}   "
                 f"BIC: {self.BIC_:.2f}"),
                 "Converged: yes" if self.converged_ else "Converged: NO (see warning)"]
        if len(self.excluded_):
            by_reason = self.excluded_["reason"].value_counts()
            parts = "; ".join(f"{n} {reason}" for reason, n in by_reason.items())
            notes.append(f"Rows excluded: {len(self.excluded_)} ({parts})")
        notes.append(getattr(self, "weights_used_", "Weights: none"))
        level = 100 * (1 - self.alpha)
        notes.append(f"lower, upper: {level:g}% confidence limits computed on the log scale "
                     f"(alpha = {self.alpha}).")
        return notes

    def _finish_inputs(self, inputs: RoleData) -> None:
        """Record which columns and weights a fit used (for notes and predictions)."""
        self.columns_ = dict(inputs.columns) if inputs.from_frame else {}
        self.weights_used_ = inputs.weights_note


def check_history(x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray, labels: pd.Index,
                  *, allow_missing: bool) -> np.ndarray:
    """Raise InputError for impossible histories; return the mask of complete rows."""
    complete = np.isfinite(x) & np.isfinite(t_x) & np.isfinite(big_t)
    if not allow_missing and not complete.all():
        raise InputError("frequency, recency and T must not be missing.")

    def fail(mask: np.ndarray, values: np.ndarray, what: str, fix: str) -> None:
        if mask.any():
            s = pd.Series(values, index=labels)
            raise InputError(f"{what}: {describe_offenders(s, mask)}. {fix}")

    with np.errstate(invalid="ignore"):
        fail(complete & ((x < 0) | (x != np.round(x))), x, "frequency must be a whole number "
             ">= 0 (repeat purchases)", "Use expectlab.summarise_transactions to count them.")
        fail(complete & (t_x < 0), t_x, "recency must be >= 0", "Check the recency column.")
        fail(complete & (big_t <= 0), big_t, "T (customer age) must be > 0",
             "Customers first seen on the last day of the period have T = 0; move period_end "
             "later or leave them out.")
        tol = 1e-9 * np.maximum(big_t, 1.0)
        fail(complete & (t_x > big_t + tol), t_x, "recency is larger than T (the last purchase "
             "cannot come after the end of the period)",
             "Check that recency and T are in the same time unit and measured from the first "
             "purchase.")
        fail(complete & (x == 0) & (t_x > 0), t_x, "customers with frequency 0 must have "
             "recency 0", "Recency is the time between the first and the last purchase.")
    return complete


class TransactionModelBase(RepeatModelBase):
    """Shared ``fit`` for models of (frequency, recency, T) histories."""

    #: the model's input roles in positional order (the last is the customer's age)
    _roles: tuple[str, str, str] = ("frequency", "recency", "T")
    #: above this many distinct histories, fitting starts from a fit on coarsened data
    _coarse_above = 20_000

    def fit(self, data: Any = None, recency: Any = None, T: Any = None, *,
            frequency: Any = None, weights: Any = NOT_GIVEN) -> Self:
        """Fit by maximum likelihood.

        Parameters
        ----------
        data : DataFrame, Study or array-like
            A summary with one row per customer (from
            :func:`expectlab.summarise_transactions`) holding ``frequency``, ``recency``
            and ``T`` columns; or the repeat purchases per customer as an array (then pass
            ``recency`` and ``T`` as arrays too, the lifetimes-style call
            ``fit(frequency, recency, T)``).
        recency, T : str or array-like, optional
            With a DataFrame: the column names (default ``"recency"``, ``"T"``). With
            arrays: the time of the last purchase and the age of each customer, both
            measured from the first purchase in the same time unit (``T`` may be one
            number shared by every customer).
        frequency : str, optional
            With a DataFrame: the column of repeat purchases (default ``"frequency"``).
        weights : str, array-like or None, optional
            How many customers share each row: a column name of the DataFrame or one
            non-negative number per row. Rows with a missing or zero weight are excluded
            and listed in ``excluded_``. With a Study, its weights are used unless
            ``weights=None``. A DataFrame with a column named like weights (``weights``,
            ``count``, ``n_customers``...) must say ``weights="count"`` or
            ``weights=None``: the column is never ignored silently.

        Returns
        -------
        self
        """
        return self._fit_history(data, {"frequency": frequency, "recency": recency,
                                        "T": T}, weights)

    def _extra_checks(self, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray,
                      labels: pd.Index, complete: np.ndarray) -> None:
        """Model-specific input checks (discrete-time models need whole periods)."""

    def _inputs(self, data: Any, given: dict[str, Any], weights: Any, owner: str,
                defaults: dict[str, str] | None = None) -> RoleData:
        """Validated role columns; ``given`` is keyed by the names in ``_roles``."""
        return role_data(data, given, roles=self._roles,
                         owner=f"{type(self).__name__}.{owner}", weights=weights,
                         defaults=defaults, broadcast=(self._roles[2],))

    def _fit_history(self, data: Any, given: dict[str, Any], weights: Any) -> Self:
        self._check_options()
        if engine_of(data) is not None:
            return self._fit_engine(data, given, weights, self._roles,
                                    lambda rows, names: self._fit_history(rows, names, "count"))
        inputs = self._inputs(data, given, weights, "fit")
        x, t_x, big_t = (inputs.values[r] for r in self._roles)
        labels = inputs.labels
        complete = check_history(x, t_x, big_t, labels, allow_missing=True)
        self._extra_checks(x, t_x, big_t, labels, complete)
        excluded = ExclusionLog()
        excluded.add(labels[~complete], "missing " + ", ".join(self._roles[:2]) + " or "
                     + self._roles[2])
        keep = complete.copy()
        w = row_weights(inputs, keep, excluded, type(self).__name__)
        if not keep.any():
            raise InputError("No customers left to fit (all rows missing or zero weight).")
        if not np.any(x[keep] > 0):
            raise InputError(
                "No customer made a repeat purchase (all frequencies are 0), so purchase rates "
                "and dropout cannot be estimated. Use a longer calibration period."
            )
        n_obs = int(keep.sum())
        # with count weights (customers sharing a row) the sample is the total weight
        effective = max(n_obs, float(w[keep].sum()))
        if effective < 50:
            warnings.warn(
                f"Only {n_obs} customers: the estimates and their standard errors are fragile.",
                FragileResultWarning, stacklevel=3)
        factors: list[Factor] = []
        cols, counts, _ = compress_rows([x[keep], t_x[keep], big_t[keep]], w[keep], factors)
        self._finish_inputs(inputs)
        self._column_factors = factors
        self._optimise(tuple(cols), counts, n_obs, excluded)
        return self

    def _factor(self, j: int, values: np.ndarray) -> Factor:
        """Factor of input column ``j``, reused from the compression during ``fit``."""
        known = getattr(self, "_column_factors", None)
        if known and known[j].index.size == values.size:
            return known[j]
        return Factor(values)

    def _coarse_start(self, data: tuple[np.ndarray, ...], counts: np.ndarray,
                      start: np.ndarray) -> np.ndarray:
        """Start from a quick fit on recency and age rounded to a grid of 1/40 of the
        longest age, when there are many distinct histories.

        The coarse data have a few thousand distinct rows, so the quick fit costs little,
        and the full fit then needs only a few Newton steps.
        """
        x, t_x, big_t = data[:3]
        if len(counts) <= self._coarse_above:
            return start
        step = float(np.max(big_t)) / 40.0
        # rounding is monotone, so recency <= T survives; ages never round down to 0
        coarse = [x, np.round(t_x / step) * step,
                  np.maximum(np.round(big_t / step), 1.0) * step]
        cols, c_counts, _ = compress_rows(coarse, counts)
        saved = self._data, self._counts
        try:
            self._data, self._counts = self._prepare(tuple(cols), c_counts), c_counts
            if self._weighted_hess is not None:
                guess, _, _, (value, _, _) = self._newton(start, 50, tol=1e-6)
            else:
                scale = float(c_counts.sum())

                def objective(z: np.ndarray) -> tuple[float, np.ndarray]:
                    value, grad = self._total_grad(z)
                    if not np.isfinite(value):
                        return 1e300, np.zeros_like(z)
                    return -value / scale, -grad / scale

                res = optimize.minimize(objective, start, jac=True, method="BFGS",
                                        options={"maxiter": 200, "gtol": 1e-6})
                guess, value = res.x, -res.fun
        finally:
            self._data, self._counts = saved
        return guess if np.isfinite(value) and np.all(np.isfinite(guess)) else start

    def _history(self, data: Any, given: dict[str, Any], owner: str
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.Index, np.ndarray]:
        self._check_fitted()
        inputs = self._inputs(data, given, None, owner, defaults=self.columns_)
        x, t_x, big_t = (inputs.values[r] for r in self._roles)
        complete = check_history(x, t_x, big_t, inputs.labels, allow_missing=True)
        self._extra_checks(x, t_x, big_t, inputs.labels, complete)
        return x, t_x, big_t, inputs.labels, complete

    def _loglik_data(self, *inputs: Any) -> tuple[np.ndarray, ...]:
        given = dict(zip(self._roles[1:], inputs[1:], strict=False))
        x, t_x, big_t, _, ok = self._history(inputs[0], given, "_loglik_at")
        return x[ok], t_x[ok], big_t[ok]

    @staticmethod
    def _wrap(values: np.ndarray, labels: pd.Index, like: Any, name: str) -> Any:
        from ..study import Study

        if isinstance(like, (pd.Series, pd.DataFrame, Study)):
            return pd.Series(values, index=labels, name=name)
        return values

    def _start(self, data: tuple[np.ndarray, ...], counts: np.ndarray) -> np.ndarray:
        # rate scale near the mean age so the first purchase-rate guess is sensible
        mean_t = float(np.average(data[2], weights=counts))  # data[2] is T
        start = np.ones(len(self._param_names))
        start[1] = max(mean_t, 1e-3)
        return start


class AliveFromLogOddsMixin:
    """``predict_alive`` for models that give the log-odds of having dropped out.

    Subclasses provide ``_log_odds_dead(x, t_x, T)``; P(alive) = 1 / (1 + exp(log-odds)).
    """

    if TYPE_CHECKING:
        # What the mixin uses from the model it is mixed into (TransactionModelBase and the
        # model class). Declared for type checkers only: defined at run time they would
        # shadow the real methods, which come later in the MRO.
        def _history(self, data: Any, given: dict[str, Any], owner: str
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.Index, np.ndarray]: ...

        @staticmethod
        def _wrap(values: np.ndarray, labels: pd.Index, like: Any, name: str) -> Any: ...

        def _log_odds_dead(self, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray
                           ) -> np.ndarray: ...

    def predict_alive(self, data: Any = None, recency: Any = None, T: Any = None, *,
                      frequency: Any = None) -> Any:
        """Probability that each customer is still alive at the end of the period.

        Takes the same input as ``fit`` (a summary DataFrame, by default with the column
        names used in ``fit``, or arrays); returns a Series for DataFrame or Series input,
        else an array. Rows with missing values give NaN.

        Under BG/NBD customers can drop out only right after a purchase, so those without a
        repeat purchase are alive by assumption; under Pareto/NBD dropout can happen at any
        time.
        """
        engine = engine_of(data)
        if engine is not None:
            from ._engines import score

            return score(engine, data, lambda part: self.predict_alive(
                part, recency, T, frequency=frequency), "p_alive")
        x, t_x, big_t, labels, ok = self._history(
            data, {"frequency": frequency, "recency": recency, "T": T}, "predict_alive")
        with np.errstate(invalid="ignore", over="ignore"):
            p = 1.0 / (1.0 + np.exp(self._log_odds_dead(x, t_x, big_t)))
        p = np.where(ok, p, np.nan)
        return self._wrap(p, labels, data if data is not None else frequency, "p_alive")
