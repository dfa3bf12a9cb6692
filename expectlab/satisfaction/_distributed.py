"""Satisfaction regressions on a Dask or Spark DataFrame: the engine adds up weighted
cross-products, numpy solves.

Every estimate of :class:`~expectlab.SatisfactionRegression` is a function of a few
sums over respondents: ``Z' W Z`` for the design columns of all models and the outcome
(coefficients, residual and total sums of squares), ``sum log w`` (log-likelihood) and,
for the robust covariances, the "meat" ``sum (w_i z_i z_i') u_i^2 / (1 - h_i)^2`` of each
model once its coefficients are known. The engine first reduces the rows to distinct
rows with their count (a group-by), then computes those sums partition by partition and
adds them up (two or three passes), so the point estimates and analytic standard errors
equal the in-memory ones up to floating-point summation order.

Bootstrap. Resampling rows with replacement inside an engine would need the rows in one
place. Instead every replicate gives every respondent a Poisson(1) count (the "Poisson
bootstrap", Hanley & MacGibbon 2006; Chamandy et al. 2012): the sum of ``m`` such counts
for a distinct row seen ``m`` times is Poisson(m), drawn from a counter-based generator
keyed by ``random_state``, the replicate and the row's values, so a replicate does not
depend on how the engine partitioned the rows (nor on which engine ran it). The total
sample size of a replicate is then random (Poisson(n)) instead of fixed at ``n``: the
Poisson bootstrap approximates the multinomial one, and its percentile intervals differ
slightly from those of the same data fitted in memory (differences of the order of the
Monte Carlo error of the bootstrap itself).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._errors import InputError
from .._partitions import engine_of, map_reduce, poisson_weights, row_keys
from . import models as _models

_MULT = "_mult"


def grouped(data: Any, keys: list[str]) -> Any:
    """The engine's distinct rows of ``keys`` with their count (still distributed)."""
    if engine_of(data) == "dask":
        return (data[keys].assign(**{_MULT: 1}).groupby(keys, dropna=False)[_MULT].sum()
                .reset_index())
    return data.groupBy(*keys).count().withColumnRenamed("count", _MULT)


def _add(a: dict, b: dict) -> dict:
    out = dict(a)
    for k, v in b.items():
        if k not in out:
            out[k] = v
        elif k.startswith("min_"):
            out[k] = np.fmin(out[k], v)
        elif k.startswith("max_"):
            out[k] = np.fmax(out[k], v)
        elif k == "examples":
            out[k] = (out[k] + v)[:5]
        else:
            out[k] = out[k] + v
    return out


class Roles:
    """Column roles of a distributed fit."""

    def __init__(self, s: str, e: str, p: str, controls: list[str], weights: str | None):
        self.s, self.e, self.p, self.controls, self.weights = s, e, p, controls, weights

    @property
    def keys(self) -> list[str]:
        return [self.s, self.e, self.p, *self.controls,
                *([self.weights] if self.weights else [])]


def _numeric(part: pd.DataFrame, col: str, role: str) -> np.ndarray:
    values = part[col]
    if values.dtype.kind not in "iufb":
        conv = pd.to_numeric(values, errors="coerce")
        bad = conv.isna() & values.notna()
        if bad.any():
            raise InputError(
                f"Column {col!r} ({role}) must hold numbers, but has text, e.g. "
                f"{values[bad].iloc[0]!r} ({int(part.loc[bad, _MULT].sum())} rows in this "
                "partition). Recode it before fitting.")
        values = conv
    return values.to_numpy(dtype=float)


def clean(part: pd.DataFrame, roles: Roles) -> tuple[dict, np.ndarray, dict[str, np.ndarray]]:
    """Exclusion counts (same reasons and order as in memory), the kept mask and the
    numeric columns of one partition of distinct rows."""
    m = part[_MULT].to_numpy(dtype=float)
    keep = np.ones(len(part), dtype=bool)
    stats: dict = {}
    cols = {}
    for col, role, reason in ((roles.s, "satisfaction", f"missing {roles.s}"),
                              (roles.e, "expectation", f"missing {roles.e}"),
                              (roles.p, "experience", f"missing {roles.p}"),
                              *[(c, "control", f"missing control {c}")
                                for c in roles.controls]):
        v = _numeric(part, col, role)
        miss = ~np.isfinite(v) & keep
        if np.isinf(v).any():
            raise InputError(f"Column {col!r} ({role}) holds infinite values; recode them.")
        stats[f"excl|{reason}"] = float(m[miss].sum())
        keep &= ~miss
        cols[col] = v
    if roles.weights is not None:
        w = _numeric(part, roles.weights, "weight")
        if (w < 0).any() or np.isinf(w).any():
            raise InputError(f"Weight column {roles.weights!r} has negative or infinite "
                             "weights; survey weights must be non-negative and finite.")
        miss = np.isnan(w) & keep
        stats[f"excl|missing weight {roles.weights!r}"] = float(m[miss].sum())
        keep &= ~miss
        zero = (w == 0) & keep
        stats[f"excl|zero weight {roles.weights!r}"] = float(m[zero].sum())
        keep &= ~zero
        cols["_w"] = np.where(keep, w, 1.0)
    else:
        cols["_w"] = np.ones(len(part))
    return stats, keep, cols


def moments(part: pd.DataFrame, roles: Roles, scale: tuple[float, float] | None) -> dict:
    """Pass 1: exclusions, counts, ranges, moments, scale violations."""
    stats, keep, cols = clean(part, roles)
    m = part[_MULT].to_numpy(dtype=float)[keep]
    w = cols["_w"][keep]
    out = dict(stats)
    out["n"] = float(m.sum())
    out["sum_w"] = float((m * w).sum())
    for name, col in (("s", roles.s), ("e", roles.e), ("p", roles.p)):
        v = cols[col][keep]
        out[f"min_{name}"] = float(v.min()) if len(v) else np.inf
        out[f"max_{name}"] = float(v.max()) if len(v) else -np.inf
        out[f"sum_{name}"] = float((m * v).sum())
        out[f"sq_{name}"] = float((m * v * v).sum())
        out[f"wsum_{name}"] = float((m * w * v).sum())
    out["examples"] = []
    if scale is not None:
        lo, hi = scale
        for col in (roles.e, roles.p):
            v = cols[col][keep]
            bad = (v < lo) | (v > hi)
            out[f"out|{col}"] = float(m[bad].sum())
            out["examples"] = out["examples"] + [f"{col} = {x:g}" for x in np.unique(v[bad])[:3]]
    out["e_nonpositive"] = float(m[cols[roles.e][keep] <= 0].sum())
    return out


def design(cols: dict[str, np.ndarray], keep: np.ndarray, roles: Roles, bases: list[str],
           center: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Union design of the kept rows (as in memory), the outcome and the weights."""
    e = cols[roles.e][keep]
    p = cols[roles.p][keep]
    blocks = [_models.basis_matrix(b, p - center, e - center, p, e) for b in bases]
    ctrl = [cols[c][keep] for c in roles.controls]
    return np.column_stack([*blocks, *ctrl]) if (blocks or ctrl) else np.empty((0, 0)), \
        cols[roles.s][keep], cols["_w"][keep]


def crossproducts(part: pd.DataFrame, roles: Roles, bases: list[str], center: float,
                  width: int) -> dict:
    """Pass 2: ``Z' W Z`` of the union design and the outcome, and ``sum log w``."""
    _, keep, cols = clean(part, roles)
    m = part[_MULT].to_numpy(dtype=float)[keep]
    X, s, w = design(cols, keep, roles, bases, center)
    if not len(s):
        return {"cross": np.zeros((width, width)), "sum_log_w": 0.0}
    Z = np.column_stack([X, s])
    return {"cross": (Z * (m * w)[:, None]).T @ Z, "sum_log_w": float((m * np.log(w)).sum())}


def meats(part: pd.DataFrame, roles: Roles, bases: list[str], center: float,
          models: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]], hc3: bool) -> dict:
    """Pass 3: the sandwich "meat" of every model (``mapping``, ``params``, ``bread``)."""
    _, keep, cols = clean(part, roles)
    m = part[_MULT].to_numpy(dtype=float)[keep]
    X, s, w = design(cols, keep, roles, bases, center)
    out = {}
    sw = np.sqrt(w)
    for name, (mapping, params, bread) in models.items():
        k = mapping.shape[1]
        if not len(s):
            out[name] = np.zeros((k, k))
            continue
        wz = (X @ mapping) * sw[:, None]
        u = s * sw - wz @ params
        if hc3:
            lev = np.einsum("ij,jk,ik->i", wz, bread, wz)
            u = u / (1.0 - lev)
        out[name] = (wz * (m * u * u)[:, None]).T @ wz
    return out


def boot_crossproducts(part: pd.DataFrame, roles: Roles, bases: list[str], center: float,
                       width: int, seed: int, n_boot: int) -> np.ndarray:
    """Pass 4: the upper triangles of ``Z' W_b Z`` for Poisson replicates ``b``."""
    upper = np.triu_indices(width)
    _, keep, cols = clean(part, roles)
    m = part[_MULT].to_numpy(dtype=float)[keep]
    X, s, w = design(cols, keep, roles, bases, center)
    if not len(s):
        return np.zeros((n_boot, len(upper[0])))
    Z = np.column_stack([X, s])
    outer = Z[:, upper[0]] * Z[:, upper[1]] * w[:, None]
    # the key is the row's values as floats, so any engine and partitioning gives the
    # same key to the same distinct row
    values = pd.DataFrame({c: cols[c][keep] for c in roles.keys if c != roles.weights})
    values["_w"] = w
    keys = row_keys(values)
    counts = poisson_weights(keys, m, seed, n_boot)
    return counts @ outer


def run(data: Any, func: Any, combine: Any, keys: list[str]) -> Any:
    return map_reduce(data, func, combine, [*keys, _MULT])


__all__ = ["grouped", "Roles", "moments", "crossproducts", "meats", "boot_crossproducts",
           "run", "_add"]
