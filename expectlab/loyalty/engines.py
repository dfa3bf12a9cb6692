"""The two model families behind :class:`~expectlab.LoyaltyModel`, one interface each.

* :class:`LogitEngine` - weighted logistic regression by Newton-Raphson (IRLS). Standard
  errors are model-based without survey weights and sandwich (linearisation, HC0) with
  them, because survey weights are not frequency weights.
* :class:`OrdinalEngine` - proportional-odds (ordered logit) model from statsmodels; with
  survey weights a weighted pseudo-likelihood and sandwich standard errors.
* :class:`BoostingEngine` - scikit-learn histogram gradient boosting with optional
  monotonic constraints and probability calibration (isotonic or sigmoid, fitted by
  internal cross-validation: resampling tricks such as SMOTE are never used because they
  distort the probabilities consultants read).

Each engine has ``fit(X, y, w)``, ``predict_proba(X)`` (columns = classes) and, where it
has coefficients, ``coef_table(alpha)``. :func:`batched_logit` fits many weighted logits
on the same design at once; the dominance analysis and the metric bootstraps use it.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .._errors import FragileResultWarning, InputError
from .._lazy import built_on_first_use
from .._resample import single_thread

__all__ = ["batched_logit", "LogitEngine", "OrdinalEngine", "BoostingEngine", "make_engine"]


def _expit(eta: np.ndarray) -> np.ndarray:
    from scipy.special import expit

    return expit(eta)


def _expit_into(eta: np.ndarray) -> np.ndarray:
    """The logistic function of ``eta``, computed in place (no temporary array)."""
    from scipy.special import expit

    return expit(eta, out=eta)


def batched_logit(
    X: np.ndarray,
    y: np.ndarray,
    W: np.ndarray,
    *,
    offset: np.ndarray | None = None,
    max_iter: int = 50,
    tol: float = 1e-8,
    ridge: float = 0.0,
    start: np.ndarray | None = None,
    loglik: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fit ``B`` weighted logistic regressions sharing one design matrix.

    Parameters
    ----------
    X : array (n, p)
        Design matrix (include a constant column if wanted).
    y : array (n,)
        0/1 outcome.
    W : array (B, n)
        Observation weights of each fit (e.g. survey weights times bootstrap counts).
    offset : array (n,), optional
        Known part of the linear predictor.
    max_iter, tol : int, float
        Newton iterations and convergence tolerance on the largest step.
    ridge : float
        Small L2 penalty (times the weight total) keeping separated fits finite.
    start : array (p,), optional
        Starting values (e.g. the full-sample estimate when fitting bootstrap replicates,
        which saves Newton steps). All fits then share their first step's fitted
        probabilities, so that step is one matrix product.
    loglik : bool
        Compute the log-likelihoods (NaN when False, which saves a pass over ``W``).

    Returns
    -------
    beta : array (B, p)
    loglik : array (B,)
        Weighted log-likelihood at ``beta``.
    converged : array (B,) of bool
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    W = np.atleast_2d(np.asarray(W, dtype=float))
    B, n = W.shape
    p = X.shape[1]
    off = np.zeros(n) if offset is None else np.asarray(offset, dtype=float)
    beta = np.zeros((B, p)) if start is None else np.tile(np.asarray(start, float), (B, 1))
    converged = np.zeros(B, dtype=bool)
    penalty = ridge * W.sum(axis=1)[:, None, None] * np.eye(p)[None]
    # Outer products of the rows once, so all B Hessians are one BLAS matrix product; for
    # large n that table (n x p^2) would cost too much memory, so loop over the fits.
    XX = (X[:, :, None] * X[:, None, :]).reshape(n, p * p) if B > 1 and n * p * p <= 2e7 \
        else None

    def update(grad: np.ndarray, hess: np.ndarray, rows: np.ndarray | slice) -> None:
        try:
            step = np.linalg.solve(hess, grad[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            step = np.einsum("bij,bj->bi", np.linalg.pinv(hess), grad)
        # Damp very large Newton steps (separation) so the iteration stays finite.
        size = np.abs(step).max(axis=1, keepdims=True)
        step = np.where(size > 5.0, step * (5.0 / np.maximum(size, 1e-300)), step)
        beta[rows] += step
        converged[rows] = np.abs(step).max(axis=1) < tol

    # An intercept-only model with an offset (calibration-in-the-large) needs no
    # exponential per fit and respondent: expit(a + o) = 1 / (1 + exp(-a) exp(-o)).
    shift = None
    if p == 1 and np.all(X[:, 0] == 1.0) and (n == 0 or np.abs(off).max() <= 30.0):
        shift = np.exp(-off)

    def probabilities(b: np.ndarray) -> np.ndarray:
        if shift is not None and np.abs(b).max() <= 30.0:
            mu = np.multiply.outer(np.exp(-b[:, 0]), shift)
            mu += 1.0
            return np.reciprocal(mu, out=mu)
        eta = b @ X.T
        if offset is not None:
            eta += off
        return _expit_into(eta)

    iterations = range(max_iter)
    if start is not None and XX is not None and max_iter > 0:
        # Every fit starts at the same point, so the first Newton step needs the fitted
        # probabilities once instead of once per fit: all gradients and Hessians are one
        # matrix product of the weights with per-row terms (the same step as below; only
        # the order of summation differs).
        mu = _expit(X @ beta[0] + off)
        prod = W @ np.column_stack([X * (y - mu)[:, None], XX * (mu * (1.0 - mu))[:, None]])
        update(prod[:, :p] - penalty[:, 0, 0][:, None] * beta,
               prod[:, p:].reshape(B, p, p) + penalty, slice(None))
        iterations = range(1, max_iter)
    for _ in iterations:
        if converged.all():
            break
        # Fits that have converged stop moving; only the others are iterated.
        rows: np.ndarray | slice = slice(None)
        Wa, ba, pen = W, beta, penalty
        if converged.any():
            rows = np.flatnonzero(~converged)
            Wa, ba, pen = W[rows], beta[rows], penalty[rows]
        mu = probabilities(ba)
        curv = np.subtract(1.0, mu)
        curv *= mu
        curv *= Wa
        resid = np.subtract(y[None, :], mu, out=mu)
        resid *= Wa
        grad = resid @ X - pen[:, 0, 0][:, None] * ba
        if XX is not None:
            hess = (curv @ XX).reshape(len(ba), p, p) + pen
        else:
            hess = np.stack([(X * c[:, None]).T @ X for c in curv]) + pen
        update(grad, hess, rows)
    if not loglik:
        return beta, np.full(B, np.nan), converged
    eta = beta @ X.T + off[None, :]
    # log-likelihood: y*eta - log(1 + exp(eta)), computed stably
    ll = (W * (y[None, :] * eta - np.logaddexp(0.0, eta))).sum(axis=1)
    return beta, ll, converged


def _normalise_weights(w: np.ndarray | None, n: int) -> tuple[np.ndarray, bool]:
    if w is None:
        return np.ones(n), False
    w = np.asarray(w, dtype=float)
    return w * (n / w.sum()), True


def _coef_frame(names: list[str], beta: np.ndarray, cov: np.ndarray, alpha: float,
                odds: np.ndarray | None = None) -> pd.DataFrame:
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    z = beta / np.where(se > 0, se, np.nan)
    q = stats.norm.ppf(1 - alpha / 2)
    table = pd.DataFrame({
        "coef": beta, "se": se, "z": z, "p": 2 * stats.norm.sf(np.abs(z)),
        "lower": beta - q * se, "upper": beta + q * se,
    }, index=pd.Index(names, name="term"))
    is_odds = np.ones(len(names), dtype=bool) if odds is None else odds
    for col, src in (("odds_ratio", "coef"), ("or_lower", "lower"), ("or_upper", "upper")):
        table[col] = np.where(is_odds, np.exp(table[src].to_numpy()), np.nan)
    return table


class LogitEngine:
    """Weighted logistic regression with model-based or sandwich standard errors."""

    name = "logit"
    coefficients = True

    def __init__(self, ridge: float = 0.0) -> None:
        self.ridge = ridge

    def fit(self, X: np.ndarray, y: np.ndarray, w: np.ndarray | None, names: list[str]
            ) -> LogitEngine:
        n = len(y)
        ww, weighted = _normalise_weights(w, n)
        Xc = np.column_stack([np.ones(n), X])
        beta, ll, conv = batched_logit(Xc, y, ww[None, :], ridge=self.ridge)
        self.beta_ = beta[0]
        self.converged_ = bool(conv[0])
        mu = _expit(Xc @ self.beta_)
        bread = np.linalg.pinv((Xc * (ww * mu * (1 - mu))[:, None]).T @ Xc)
        if weighted:
            score = Xc * (ww * (y - mu))[:, None]
            cov = bread @ (score.T @ score) @ bread * n / max(n - Xc.shape[1], 1)
        else:
            cov = bread
        self.cov_ = cov
        self.names_ = ["const", *names]
        self.classes_ = np.array([0, 1])
        self.loglik_ = float(ll[0])
        self.separated_ = bool(np.abs(self.beta_).max() > 15 or not self.converged_)
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        p = _expit(self.beta_[0] + X @ self.beta_[1:])
        return np.column_stack([1 - p, p])

    def coef_table(self, alpha: float) -> pd.DataFrame:
        odds = np.array([name != "const" for name in self.names_])
        return _coef_frame(self.names_, self.beta_, self.cov_, alpha, odds)

    def marginal_effects(self, X: np.ndarray, w: np.ndarray | None, alpha: float
                         ) -> pd.DataFrame:
        """Average marginal effects (probability points per unit) with delta-method SEs.

        One row per driver column (dummy columns of categorical drivers included,
        interaction columns not). A driver that enters an interaction ``a:b`` moves the
        product column too, so its effect is ``mean(w mu (1 - mu) (b_a + b_ab x_b))``,
        not the derivative with respect to its own column alone.
        """
        n = X.shape[0]
        ww, _ = _normalise_weights(w, n)
        Xc = np.column_stack([np.ones(n), X])
        mu = _expit(Xc @ self.beta_)
        dens = mu * (1 - mu)
        total = ww.sum()
        position = {name: k for k, name in enumerate(self.names_)}
        terms = [name for name in self.names_[1:] if ":" not in name]
        ame = np.empty(len(terms))
        jac = np.empty((len(terms), len(self.beta_)))
        for row, term in enumerate(terms):
            # dX/dx_term for every respondent: 1 in its own column, the partner's value
            # in each interaction column it enters
            deriv = np.zeros_like(Xc)
            deriv[:, position[term]] = 1.0
            for name, k in position.items():
                if ":" in name:
                    a, b = name.split(":", 1)
                    if a == term and b in position:
                        deriv[:, k] += Xc[:, position[b]]
                    if b == term and a in position:
                        deriv[:, k] += Xc[:, position[a]]
            slope = deriv @ self.beta_
            ame[row] = (ww * dens * slope).sum() / total
            # d AME / d beta = mean(w mu(1-mu)(1-2mu) slope x) + mean(w mu(1-mu) dX/dx)
            jac[row] = ((ww * dens * (1 - 2 * mu) * slope) @ Xc
                        + (ww * dens) @ deriv) / total
        se = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", jac, self.cov_, jac), 0, None))
        q = stats.norm.ppf(1 - alpha / 2)
        z = ame / np.where(se > 0, se, np.nan)
        return pd.DataFrame({
            "ame": ame, "se": se, "z": z, "p": 2 * stats.norm.sf(np.abs(z)),
            "lower": ame - q * se, "upper": ame + q * se,
        }, index=pd.Index(terms, name="term"))


def _weighted_ordered_model_class() -> type:
    # statsmodels costs about 1 s to import, and only the ordinal engine needs it, so its
    # subclass is built on first use; module __getattr__ below keeps the class at
    # expectlab.loyalty.engines._WeightedOrderedModel, where pickle finds fitted models.
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    class _WeightedOrderedModel(OrderedModel):
        """Ordered logit whose log-likelihood weights each respondent
        (pseudo-likelihood)."""

        survey_weights: np.ndarray

        def loglike(self, params: np.ndarray) -> float:
            return float((self.survey_weights * self.loglikeobs(params)).sum())

    _WeightedOrderedModel.__module__ = __name__
    _WeightedOrderedModel.__qualname__ = "_WeightedOrderedModel"
    return _WeightedOrderedModel


__getattr__, __dir__ = built_on_first_use(
    __name__, {"_WeightedOrderedModel": _weighted_ordered_model_class})


class OrdinalEngine:
    """Proportional-odds logit (statsmodels ``OrderedModel``), weighted when asked."""

    name = "ordinal"
    coefficients = True

    def fit(self, X: np.ndarray, y: np.ndarray, w: np.ndarray | None, names: list[str]
            ) -> OrdinalEngine:
        n = len(y)
        classes = np.unique(y)
        if len(classes) < 3:
            raise InputError(
                f"The ordinal engine needs an outcome with at least 3 categories, found "
                f"{len(classes)} ({list(classes)}). Use engine='logit' for a binary outcome."
            )
        codes = np.searchsorted(classes, y)
        endog = pd.Series(pd.Categorical(codes, categories=range(len(classes)), ordered=True))
        ww, weighted = _normalise_weights(w, n)
        from statsmodels.miscmodels.ordinal_model import OrderedModel

        if weighted:
            model = __getattr__("_WeightedOrderedModel")(
                endog, np.asarray(X, dtype=float), distr="logit")
            model.survey_weights = ww
        else:
            model = OrderedModel(endog, np.asarray(X, dtype=float), distr="logit")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = model.fit(method="bfgs", disp=False, maxiter=2000)
        params = np.asarray(res.params)
        self.converged_ = bool(res.mle_retvals.get("converged", True))
        if weighted:
            # hessian() differentiates the weighted loglike; score_obs() is per respondent.
            scores = np.asarray(model.score_obs(params))
            bread = np.linalg.pinv(-np.asarray(model.hessian(params)))
            meat = (scores * ww[:, None]).T @ (scores * ww[:, None])
            cov = bread @ meat @ bread * n / max(n - len(params), 1)
        else:
            cov = np.asarray(res.cov_params())
        self.model_ = model
        self.params_ = params
        self.cov_ = cov
        self.classes_ = classes
        k = X.shape[1]
        cut_names = [f"threshold {classes[i]}|{classes[i + 1]}" for i in range(len(classes) - 1)]
        self.names_ = [*names, *cut_names]
        self._k = k
        self.loglik_ = float(res.llf) if not weighted else float(model.loglike(params))
        self.separated_ = not self.converged_
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(self.model_.predict(self.params_, exog=np.asarray(X, dtype=float)))

    def coef_table(self, alpha: float) -> pd.DataFrame:
        # statsmodels stores thresholds as first cut + log increments; report the cuts.
        k = self._k
        cuts = self.model_.transform_threshold_params(self.params_)[1:-1]
        m = len(cuts)
        jac = np.eye(len(self.params_))
        # d cut_j / d theta_l: 1 for l = 0, exp(theta_l) for 1 <= l <= j.
        tjac = np.zeros((m, m))
        for j in range(m):
            tjac[j, 0] = 1.0
            for idx in range(1, j + 1):
                tjac[j, idx] = np.exp(self.params_[k + idx])
        jac[k:, k:] = tjac
        cov = jac @ self.cov_ @ jac.T
        est = np.concatenate([self.params_[:k], cuts])
        odds = np.array([i < k for i in range(len(est))])
        return _coef_frame(self.names_, est, cov, alpha, odds)


class BoostingEngine:
    """Gradient boosting with monotonic constraints and calibrated probabilities."""

    name = "boosting"
    coefficients = False

    def __init__(self, *, monotonic_cst: list[int] | None, calibration: str | None,
                 class_weight: str | None, params: dict[str, Any] | None,
                 random_state: int | None) -> None:
        self.monotonic_cst = monotonic_cst
        self.calibration = calibration
        self.class_weight = class_weight
        self.params = params or {}
        self.random_state = random_state

    def _base(self) -> Any:  # a HistGradientBoostingClassifier (scikit-learn: no stubs)
        from sklearn.ensemble import HistGradientBoostingClassifier

        kwargs: dict[str, Any] = {"max_iter": 100, "learning_rate": 0.1, "max_leaf_nodes": 15,
                                  "min_samples_leaf": 20, "early_stopping": False}
        kwargs.update(self.params)
        return HistGradientBoostingClassifier(
            monotonic_cst=self.monotonic_cst, class_weight=self.class_weight,
            random_state=self.random_state, **kwargs)

    def fit(self, X: np.ndarray, y: np.ndarray, w: np.ndarray | None, names: list[str]
            ) -> BoostingEngine:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.model_selection import StratifiedKFold

        base = self._base()
        if self.calibration is None:
            model = base
        else:
            inner = StratifiedKFold(3, shuffle=True, random_state=self.random_state)
            model = CalibratedClassifierCV(base, method=self.calibration, cv=inner)
        with single_thread("openmp", n_rows=len(y)):
            model.fit(X, y, sample_weight=w)
        self.model_ = model
        self.classes_ = np.asarray(model.classes_)
        self.names_ = list(names)
        self.separated_ = False
        self.converged_ = True
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        with single_thread("openmp", n_rows=len(X)):
            return self.model_.predict_proba(X)


def make_engine(engine: str, *, monotonic_cst: list[int] | None, calibration: str | None,
                class_weight: str | None, boosting_params: dict[str, Any] | None,
                random_state: int | None):  # noqa: ANN201
    """A fresh, unfitted engine object."""
    if engine == "logit":
        return LogitEngine()
    if engine == "ordinal":
        return OrdinalEngine()
    if engine == "boosting":
        return BoostingEngine(monotonic_cst=monotonic_cst, calibration=calibration,
                              class_weight=class_weight, params=boosting_params,
                              random_state=random_state)
    raise InputError(f"engine must be 'logit', 'ordinal' or 'boosting', got {engine!r}.")


def warn_if_fragile(engine: Any, context: str) -> None:
    """Warn once when a fit did not converge or shows separation."""
    if getattr(engine, "separated_", False):
        warnings.warn(
            f"{context}: the optimiser did not converge cleanly or some coefficients are very "
            "large (quasi-separation: a driver almost perfectly predicts the outcome). "
            "Standard errors and odds ratios are unreliable; check the leakage report and "
            "consider dropping or merging the offending driver.",
            FragileResultWarning, stacklevel=3)
