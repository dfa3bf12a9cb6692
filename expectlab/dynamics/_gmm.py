"""Numeric core of the dynamic panel model: first-difference GMM and the within estimator.

The model, for person i and wave t (positions 0..T-1)::

    E[i,t] = a_i + delta_t + lam * E[i,t-1] + gam * D[i,t-1] + beta' X[i,t] + e[i,t],
    D = P - E.

First differences remove a_i. The differenced lags (E[t-1] - E[t-2], D[t-1] - D[t-2])
are correlated with e[t-1] inside the differenced error, so they are instrumented by the
levels E[s], P[s] for s <= t-2 (Arellano & Bond 1991), which are valid when e is not
serially correlated. E and P are treated as predetermined (feedback from past shocks
allowed); the drivers X as strictly exogenous (their differences instrument
themselves). Wave dummies of the differenced equations absorb the common shocks.

Everything works on dense ``(N, Tq, .)`` arrays (Tq = T - 2 differenced equations per
person, zero rows where an equation is not available), so one fit is a handful of
``einsum`` calls. Survey weights are person weights ``w_i`` multiplying each person's
moment contribution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["GMMFit", "equation_mask", "fd_gmm", "within", "level_mask"]


@dataclass
class GMMFit:
    params: np.ndarray
    cov: np.ndarray
    names: list[str]
    n_eq: int
    n_persons: int
    n_instruments: int
    ar: dict[int, tuple[float, float]]      # order -> (z, p) of the residual AR test
    residuals: np.ndarray                     # (N, Tq), 0 where no equation


def _finite(*arrays: np.ndarray) -> np.ndarray:
    ok = np.ones(arrays[0].shape, dtype=bool)
    for a in arrays:
        ok &= np.isfinite(a) if a.ndim == 2 else np.isfinite(a).all(axis=-1)
    return ok


def equation_mask(E: np.ndarray, P: np.ndarray, X: np.ndarray) -> np.ndarray:
    """(N, T) bool: wave t can be explained in differences (t >= 2, the wave and its two
    predecessors answered, drivers known at t and t-1)."""
    N, T = E.shape
    ok = np.zeros((N, T), dtype=bool)
    if T < 3:
        return ok
    cur = _finite(E[:, 2:], X[:, 2:]) & _finite(E[:, 1:-1], P[:, 1:-1], X[:, 1:-1])
    cur &= _finite(E[:, :-2], P[:, :-2])
    ok[:, 2:] = cur
    return ok


def level_mask(E: np.ndarray, P: np.ndarray, X: np.ndarray) -> np.ndarray:
    """(N, T) bool: wave t has a level equation (t >= 1, E[t], X[t], E[t-1], P[t-1])."""
    N, T = E.shape
    ok = np.zeros((N, T), dtype=bool)
    ok[:, 1:] = _finite(E[:, 1:], X[:, 1:]) & _finite(E[:, :-1], P[:, :-1])
    return ok


def fd_gmm(E: np.ndarray, P: np.ndarray, X: np.ndarray, w: np.ndarray, mask: np.ndarray,
           driver_names: list[str], wave_labels: list) -> GMMFit:
    """One-step first-difference GMM with person-clustered (robust) covariance.

    Parameters
    ----------
    E, P : (N, T) arrays
        Expectation and experience, NaN where not answered.
    X : (N, T, q) array
        Drivers.
    w : (N,) array
        Person weights.
    mask : (N, T) bool
        Equations to use (from :func:`equation_mask`, possibly restricted further).
    """
    N, T = E.shape
    q = X.shape[2]
    D = P - E
    periods = list(range(2, T))
    Tq = len(periods)
    m = mask[:, 2:]
    # GMM-style instrument columns per period: E[s], P[s] for s <= t-2
    offsets, L_gmm = [], 0
    for t in periods:
        offsets.append(L_gmm)
        L_gmm += 2 * (t - 1)
    K = 2 + q + Tq
    L = L_gmm + q + Tq
    Xr = np.zeros((N, Tq, K))
    Z = np.zeros((N, Tq, L))
    y = np.zeros((N, Tq))
    Ez = np.nan_to_num(E)
    Pz = np.nan_to_num(P)
    for j, t in enumerate(periods):
        mj = m[:, j]
        if not mj.any():
            continue
        y[mj, j] = E[mj, t] - E[mj, t - 1]
        Xr[mj, j, 0] = E[mj, t - 1] - E[mj, t - 2]
        Xr[mj, j, 1] = D[mj, t - 1] - D[mj, t - 2]
        dx = X[mj, t, :] - X[mj, t - 1, :]
        Xr[mj, j, 2:2 + q] = dx
        Xr[mj, j, 2 + q + j] = 1.0
        lev = np.stack([Ez[mj, :t - 1], Pz[mj, :t - 1]], axis=2).reshape(mj.sum(), -1)
        Z[mj, j, offsets[j]:offsets[j] + 2 * (t - 1)] = lev
        Z[mj, j, L_gmm:L_gmm + q] = dx
        Z[mj, j, L_gmm + q + j] = 1.0
    names = ["lambda", "gamma", *driver_names,
             *[f"wave {wave_labels[t]!s} (change)" for t in periods]]
    # drop periods without equations and instrument columns that are zero throughout
    keep_k = np.abs(Xr).reshape(-1, K).max(axis=0) > 0
    keep_k[:2 + q] = True
    keep_l = np.abs(Z).reshape(-1, L).max(axis=0) > 0
    Xr, Z = Xr[:, :, keep_k], Z[:, :, keep_l]
    names = [n for n, k in zip(names, keep_k, strict=True) if k]
    Szx = np.einsum("itl,itk,i->lk", Z, Xr, w)
    Szy = np.einsum("itl,it,i->l", Z, y, w)
    # One-step weight matrix: differenced iid errors have covariance H (2 on the
    # diagonal, -1 between consecutive waves of a person).
    ZHZ = 2 * np.einsum("itl,itm,i->lm", Z, Z, w)
    if Tq > 1:
        adj = np.einsum("itl,itm,i->lm", Z[:, 1:], Z[:, :-1], w)
        ZHZ -= adj + adj.T
    A = np.linalg.pinv(ZHZ)
    M = Szx.T @ A @ Szx
    Minv = np.linalg.pinv(M)
    beta = Minv @ (Szx.T @ A @ Szy)
    u = (y - np.einsum("itk,k->it", Xr, beta)) * m
    g = np.einsum("itl,it->il", Z, u) * w[:, None]
    G = int(m.any(axis=1).sum())
    omega = g.T @ g * (G / max(G - 1, 1))
    bread = Minv @ Szx.T @ A
    cov = bread @ omega @ bread.T
    ar = {k: _ar_test(u, m, w, k) for k in (1, 2) if Tq > k}
    return GMMFit(params=beta, cov=cov, names=names, n_eq=int(m.sum()), n_persons=G,
                  n_instruments=int(keep_l.sum()), ar=ar, residuals=u)


def _ar_test(u: np.ndarray, m: np.ndarray, w: np.ndarray, k: int) -> tuple[float, float]:
    """Arellano-Bond test for autocorrelation of order k in the differenced residuals,
    in its simple form (the person-clustered variance of the products, ignoring the
    estimation error of the coefficients). Order 1 is expected by construction; order 2
    signals serially correlated shocks, which invalidate the t-2 instruments."""
    from scipy import stats

    both = m[:, k:] & m[:, :-k]
    prod = (u[:, k:] * u[:, :-k] * both).sum(axis=1) * w
    if not both.any():
        return float("nan"), float("nan")
    var = float((prod**2).sum())
    if var <= 0:
        return float("nan"), float("nan")
    z = float(prod.sum() / np.sqrt(var))
    return z, float(2 * stats.norm.sf(abs(z)))


def within(E: np.ndarray, P: np.ndarray, X: np.ndarray, w: np.ndarray, mask: np.ndarray,
           driver_names: list[str], wave_labels: list) -> tuple[np.ndarray, np.ndarray,
                                                                list[str], int]:
    """The naive fixed-effects (within) estimator of the level equation.

    Demeaning within person removes a_i but makes the demeaned lag correlated with the
    demeaned error (Nickell 1981): lambda is biased down by roughly (1 + lambda) / (T - 1)
    on short panels. Kept to show that bias next to the GMM estimate.
    """
    N, T = E.shape
    q = X.shape[2]
    D = P - E
    rows_y: list[np.ndarray] = []
    rows_x: list[np.ndarray] = []
    pid_parts: list[np.ndarray] = []
    for t in range(1, T):
        mt = mask[:, t]
        if not mt.any():
            continue
        n_t = int(mt.sum())
        xt = np.zeros((n_t, 2 + q + T - 2))
        xt[:, 0] = E[mt, t - 1]
        xt[:, 1] = D[mt, t - 1]
        xt[:, 2:2 + q] = X[mt, t, :]
        if t >= 2:
            xt[:, 2 + q + t - 2] = 1.0
        rows_x.append(xt)
        rows_y.append(E[mt, t])
        pid_parts.append(np.nonzero(mt)[0])
    x = np.vstack(rows_x)
    yv = np.concatenate(rows_y)
    pid = np.concatenate(pid_parts)
    names = ["lambda", "gamma", *driver_names,
             *[f"wave {wave_labels[t]!s}" for t in range(2, T)]]
    cnt = np.bincount(pid, minlength=N).astype(float)
    multi = cnt[pid] > 1
    x, yv, pid = x[multi], yv[multi], pid[multi]
    cnt = np.bincount(pid, minlength=N).astype(float)
    safe = np.maximum(cnt, 1)
    xm = np.vstack([np.bincount(pid, weights=x[:, j], minlength=N) for j in
                    range(x.shape[1])]).T / safe[:, None]
    ym = np.bincount(pid, weights=yv, minlength=N) / safe
    xd = x - xm[pid]
    yd = yv - ym[pid]
    keep = np.abs(xd).max(axis=0) > 1e-12
    keep[:2 + q] = True
    xd = xd[:, keep]
    names = [n for n, k in zip(names, keep, strict=True) if k]
    wr = w[pid]
    XtX = (xd * wr[:, None]).T @ xd
    inv = np.linalg.pinv(XtX)
    b = inv @ ((xd * wr[:, None]).T @ yd)
    e = yd - xd @ b
    score = np.vstack([np.bincount(pid, weights=xd[:, j] * e * wr, minlength=N)
                       for j in range(xd.shape[1])]).T
    G = int((cnt > 0).sum())
    meat = score.T @ score * (G / max(G - 1, 1))
    cov = inv @ meat @ inv
    return b, cov, names, len(yd)
