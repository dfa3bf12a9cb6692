"""Small maximum-likelihood models on aggregated (wave x category) counts.

Working on the count table rather than on one row per answer keeps each fit to a few
microseconds of linear algebra, which is what makes repeated-simulation checks and
many-attribute fits cheap. Counts may be non-integer (survey weights rescaled to the
effective sample size); the likelihoods are then pseudo-likelihoods.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special, stats


@dataclass
class MNLFit:
    """Multinomial logit of category on time: ``log p_k / p_0 = a_k + b_k * t``."""

    params: np.ndarray  # (K-1, 2): intercept, slope for categories 1..K-1 vs category 0
    cov: np.ndarray  # ((K-1)*2, (K-1)*2)
    loglik: float
    loglik_null: float
    converged: bool
    t_center: float

    def shares(self, t: np.ndarray, params: np.ndarray | None = None) -> np.ndarray:
        """Shares at times ``t``; ``params`` may carry leading draw axes ``(..., K-1, 2)``."""
        p = self.params if params is None else params
        tc = np.asarray(t, dtype=float) - self.t_center
        eta = p[..., None, :, 0] + p[..., None, :, 1] * tc[:, None]  # (..., T, K-1)
        eta = np.concatenate([np.zeros(eta.shape[:-1] + (1,)), eta], axis=-1)
        return special.softmax(eta, axis=-1)


def _loglik(counts: np.ndarray, probs: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(counts > 0, counts * np.log(probs), 0.0)
    return float(terms.sum())


def fit_mnl_time(counts: np.ndarray, t: np.ndarray, max_iter: int = 100) -> MNLFit:
    """Newton-Raphson fit of a multinomial logit with a linear time trend.

    ``counts`` is (T, K) with every column non-zero in total; ``t`` the wave times.
    """
    counts = np.asarray(counts, dtype=float)
    t = np.asarray(t, dtype=float)
    n_t, k = counts.shape
    tc_mean = float(np.average(t, weights=counts.sum(axis=1)))
    x = np.column_stack([np.ones(n_t), t - tc_mean])  # (T, 2)
    tot = counts.sum(axis=1)
    pooled = counts.sum(axis=0) / counts.sum()
    beta = np.zeros((k - 1, 2))
    beta[:, 0] = np.log(pooled[1:] / pooled[0])
    fit0 = MNLFit(beta, np.eye(2 * (k - 1)), 0.0, 0.0, True, tc_mean)
    ll = _loglik(counts, fit0.shares(t, beta))
    ll_null = ll
    converged = False
    hess: np.ndarray | None = None  # None until a Newton step was computed
    for _ in range(max_iter):
        p = fit0.shares(t, beta)  # (T, K)
        resid = counts[:, 1:] - tot[:, None] * p[:, 1:]
        grad = (resid[:, :, None] * x[:, None, :]).reshape(n_t, -1).sum(axis=0)
        # Hessian of the log-likelihood: -sum_t N_t (diag(p) - p p') kron x x'
        pp = p[:, 1:]
        cov_t = pp[:, :, None] * (np.eye(k - 1)[None] - pp[:, None, :])  # (T, K-1, K-1)
        xx = x[:, :, None] * x[:, None, :]  # (T, 2, 2)
        info = np.einsum("t,tab,tij->aibj", tot, cov_t, xx).reshape(2 * (k - 1), 2 * (k - 1))
        hess = info
        try:
            step = np.linalg.solve(info + 1e-10 * np.eye(len(info)), grad)
        except np.linalg.LinAlgError:
            break
        step = step.reshape(k - 1, 2)
        scale = 1.0
        while scale > 1e-6:
            cand = beta + scale * step
            ll_new = _loglik(counts, fit0.shares(t, cand))
            if ll_new >= ll - 1e-12:
                break
            scale /= 2
        beta, ll_old, ll = cand, ll, ll_new
        if abs(ll - ll_old) < 1e-10 and np.max(np.abs(grad)) < 1e-6 * max(1.0, tot.sum()):
            converged = True
            break
    try:
        if hess is None:
            raise np.linalg.LinAlgError
        cov = np.linalg.inv(hess)
        if not np.all(np.isfinite(cov)) or np.any(np.diag(cov) <= 0):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        cov = np.full((2 * (k - 1), 2 * (k - 1)), np.nan)
        converged = False
    # very large slopes mean a category appears in one end of the waves only (separation)
    if np.max(np.abs(beta[:, 1])) * max(np.ptp(t), 1.0) > 30:
        converged = False
    return MNLFit(beta, cov, ll, ll_null, converged, tc_mean)


def saturated_lr(counts: np.ndarray, williams: bool = True) -> tuple[float, int]:
    """LR (G) statistic and df of "no drift" with wave as categories: the independence
    test of the wave x category table.

    With ``williams=True`` G is divided by Williams' (1976) correction factor
    ``q = 1 + (N sum 1/N_t - 1)(N sum 1/N_k - 1) / (6 N (T-1)(K-1))``, which keeps the
    test near its nominal size when rare categories (R, Q) leave small expected counts.
    """
    counts = np.asarray(counts, dtype=float)
    counts = counts[:, counts.sum(axis=0) > 0]
    counts = counts[counts.sum(axis=1) > 0]
    tot = counts.sum(axis=1, keepdims=True)
    pooled = counts.sum(axis=0, keepdims=True) / counts.sum()
    ll_sat = _loglik(counts, counts / tot)
    ll_null = _loglik(counts, np.broadcast_to(pooled, counts.shape))
    n_w, k = counts.shape
    df = (k - 1) * (n_w - 1)
    g = 2 * (ll_sat - ll_null)
    if williams and df > 0:
        n = counts.sum()
        q = 1 + (n * np.sum(1 / tot) - 1) * (n * np.sum(1 / counts.sum(axis=0)) - 1) / (
            6 * n * df)
        g /= q
    return max(g, 0.0), df


@dataclass
class OrdinalFit:
    """Cumulative logit ``P(Y <= j | t) = expit(theta_j - slope * t)``."""

    slope: float
    se: float
    thresholds: np.ndarray
    converged: bool


def fit_ordinal_time(counts: np.ndarray, t: np.ndarray, max_iter: int = 100) -> OrdinalFit:
    """Cumulative-logit (proportional odds) fit on a (T, J) table of ordered categories,
    by Fisher scoring with analytic derivatives; standard errors from the expected
    information.

    Categories with no answers at all are dropped first (their thresholds are not
    identified). A positive slope moves answers to higher categories over time.
    """
    counts = np.asarray(counts, dtype=float)
    counts = counts[:, counts.sum(axis=0) > 0]
    t = np.asarray(t, dtype=float)
    j = counts.shape[1]
    if j < 2 or len(t) < 2:
        return OrdinalFit(np.nan, np.nan, np.array([]), False)
    tc = t - np.average(t, weights=counts.sum(axis=1))
    n_t = counts.sum(axis=1)
    cum = np.cumsum(counts.sum(axis=0))[:-1] / counts.sum()
    par = np.concatenate([special.logit(np.clip(cum, 1e-6, 1 - 1e-6)), [0.0]])

    def parts(par: np.ndarray):
        theta, b = par[:-1], par[-1]
        cdf = special.expit(theta[None, :] - b * tc[:, None])  # (T, J-1)
        dens = cdf * (1 - cdf)
        zeros, ones = np.zeros((len(tc), 1)), np.ones((len(tc), 1))
        big_f = np.concatenate([zeros, cdf, ones], axis=1)
        big_d = np.concatenate([zeros, dens, zeros], axis=1)
        probs = np.diff(big_f, axis=1)  # (T, J)
        # derivative of p_tj with respect to (theta_0..theta_{J-2}, slope)
        grad_p = np.zeros((len(tc), j, j))
        for m in range(j - 1):
            grad_p[:, m, m] += dens[:, m]
            grad_p[:, m + 1, m] -= dens[:, m]
        grad_p[:, :, -1] = -tc[:, None] * np.diff(big_d, axis=1)
        return probs, grad_p

    def loglik(par: np.ndarray) -> float:
        if np.any(np.diff(par[:-1]) <= 0):
            return -np.inf
        probs, _ = parts(par)
        if np.any(probs <= 0):
            return -np.inf
        return float((counts * np.log(probs)).sum())

    ll = loglik(par)
    converged = False
    info = None
    for _ in range(max_iter):
        probs, grad_p = parts(par)
        score = np.einsum("tj,tjp->p", counts / probs, grad_p)
        info = np.einsum("t,tj,tjp,tjq->pq", n_t, 1 / probs, grad_p, grad_p)
        try:
            step = np.linalg.solve(info, score)
        except np.linalg.LinAlgError:
            break
        scale = 1.0
        while scale > 1e-8:
            cand = par + scale * step
            ll_new = loglik(cand)
            if ll_new >= ll - 1e-12:
                break
            scale /= 2
        else:
            break
        par, ll_old, ll = cand, ll, ll_new
        if abs(ll - ll_old) < 1e-10 and np.max(np.abs(score)) < 1e-6 * max(1.0, n_t.sum()):
            converged = True
            break
    se = np.nan
    if info is not None:
        try:
            cov = np.linalg.inv(info)
            se = float(np.sqrt(cov[-1, -1])) if cov[-1, -1] > 0 else np.nan
        except np.linalg.LinAlgError:
            pass
    b = float(par[-1])
    ok = bool(converged and np.isfinite(se) and abs(b) * max(np.ptp(t), 1.0) < 30)
    return OrdinalFit(b, se, par[:-1].copy(), ok)


def chi2_sf(stat: float, df: int) -> float:
    return float(stats.chi2.sf(stat, df)) if df > 0 else np.nan
