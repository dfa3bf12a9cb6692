"""Every named satisfaction model as a linear map onto one of three designs.

All models share the same controls and are linear in their parameters, so each is a
design *basis* (built once from E and P) times a fixed matrix ``mapping`` that turns the
model's own parameters into basis coefficients. This lets one set of weighted
cross-products (and one set of bootstrap cross-products) serve every model of a basis,
and it makes the constraints explicit: a model's constraints are the rows orthogonal to
the columns of its mapping.

Bases (X = experience P, Y = expectation E, both centred by the same constant):

- ``poly``: 1, X, Y, X^2, XY, Y^2 (coefficients b0..b5 of the full polynomial);
- ``piece``: 1, X, Y, W, WX, WY with W = 1 if X >= Y else -1 (Edwards 2002 piecewise
  terms, used by the absolute-difference and asymmetric models);
- ``ratio``: 1, P / E on the raw (uncentred) scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "ALIASES",
    "DEFAULT_MODELS",
    "MODELS",
    "ModelSpec",
    "basis_matrix",
    "constraint_matrix",
    "resolve_name",
]


@dataclass(frozen=True)
class ModelSpec:
    """One named model: its basis, the parameter-to-basis map and how to describe it."""

    name: str
    label: str
    formula: str
    basis: str
    mapping: np.ndarray  # (k_basis, k_params)
    terms: tuple[str, ...]  # parameter names, {P} and {E} replaced by column names later
    polynomial: bool  # nested in the full second-order polynomial

    @property
    def k(self) -> int:
        return self.mapping.shape[1]


def _cols(*columns: tuple[float, ...]) -> np.ndarray:
    return np.array(columns, dtype=float).T


_I6 = np.eye(6)
# Helper columns in the poly basis (1, X, Y, X^2, XY, Y^2)
_ONE = (1, 0, 0, 0, 0, 0)
_X = (0, 1, 0, 0, 0, 0)
_Y = (0, 0, 1, 0, 0, 0)
_DIFF = (0, 1, -1, 0, 0, 0)
_SUM = (0, 1, 1, 0, 0, 0)
_SQD = (0, 0, 0, 1, -2, 1)
_XY = (0, 0, 0, 0, 1, 0)
# In the piece basis (1, X, Y, W, WX, WY): |X - Y| = W X - W Y, max(D, 0) = (D + |D|) / 2
_P_ONE = (1, 0, 0, 0, 0, 0)
_P_Y = (0, 0, 1, 0, 0, 0)
_P_ABS = (0, 0, 0, 0, 1, -1)
_P_GAIN = (0, 0.5, -0.5, 0, 0.5, -0.5)
_P_LOSS = (0, 0.5, -0.5, 0, -0.5, 0.5)

_SPECS = [
    ModelSpec("null", "intercept only", "S = b0", "poly", _cols(_ONE), ("intercept",), True),
    ModelSpec("difference", "difference score (P - E)", "S = b0 + c (P - E)", "poly",
              _cols(_ONE, _DIFF), ("intercept", "{P} - {E}"), True),
    ModelSpec("ratio", "ratio score (P / E)", "S = b0 + c (P / E), raw scale", "ratio",
              np.eye(2), ("intercept", "{P} / {E}"), False),
    ModelSpec("additive", "additive (P and E)", "S = b0 + b1 P + b2 E", "poly",
              _cols(_ONE, _X, _Y), ("intercept", "{P}", "{E}"), True),
    ModelSpec("interaction", "interaction (IA)", "S = b0 + b1 P + b2 E + b4 P E", "poly",
              _cols(_ONE, _X, _Y, _XY), ("intercept", "{P}", "{E}", "{P} x {E}"), True),
    ModelSpec("asymmetric", "asymmetric gain / loss", "S = b0 + bE E + g+ max(D,0) + g- min(D,0)",
              "piece", _cols(_P_ONE, _P_Y, _P_GAIN, _P_LOSS),
              ("intercept", "{E}", "gain max(D, 0)", "loss min(D, 0)"), False),
    ModelSpec("full", "full second-order polynomial",
              "S = b0 + b1 P + b2 E + b3 P^2 + b4 P E + b5 E^2", "poly", _I6,
              ("intercept", "{P}", "{E}", "{P}^2", "{P} x {E}", "{E}^2"), True),
    ModelSpec("mean", "mean level (P + E)", "S = b0 + c (P + E)", "poly", _cols(_ONE, _SUM),
              ("intercept", "{P} + {E}"), True),
    ModelSpec("SQD", "squared difference", "S = b0 + c (P - E)^2", "poly", _cols(_ONE, _SQD),
              ("intercept", "({P} - {E})^2"), True),
    ModelSpec("SSQD", "shifted squared difference", "S = b0 + c1 (P - E) + c2 (P - E)^2", "poly",
              _cols(_ONE, _DIFF, _SQD), ("intercept", "{P} - {E}", "({P} - {E})^2"), True),
    ModelSpec("RR", "rising ridge", "S = b0 + c1 (P + E) + c2 (P - E)^2", "poly",
              _cols(_ONE, _SUM, _SQD), ("intercept", "{P} + {E}", "({P} - {E})^2"), True),
    ModelSpec("SRR", "shifted rising ridge", "S = b0 + b1 P + b2 E + c (P - E)^2", "poly",
              _cols(_ONE, _X, _Y, _SQD), ("intercept", "{P}", "{E}", "({P} - {E})^2"), True),
    ModelSpec("absdiff", "absolute difference", "S = b0 + c |P - E|", "piece",
              _cols(_P_ONE, _P_ABS), ("intercept", "|{P} - {E}|"), False),
    ModelSpec("absunc", "absolute difference, unconstrained",
              "S = b0 + b1 P + b2 E + w0 W + w1 W P + w2 W E", "piece", _I6,
              ("intercept", "{P}", "{E}", "W", "W x {P}", "W x {E}"), False),
]

MODELS: dict[str, ModelSpec] = {spec.name: spec for spec in _SPECS}
ALIASES = {"IA": "interaction", "diff": "difference", "absolute_difference": "absdiff",
           "squared_difference": "SQD", "quadratic": "full", "polynomial": "full"}
DEFAULT_MODELS = tuple(MODELS)


def resolve_name(name: str) -> str | None:
    """Canonical model name for ``name`` (aliases accepted), or None if unknown."""
    name = ALIASES.get(name, name)
    return name if name in MODELS else None


def basis_matrix(basis: str, x: np.ndarray, y: np.ndarray, p_raw: np.ndarray | None = None,
                 e_raw: np.ndarray | None = None) -> np.ndarray:
    """Design columns of one basis for centred ``x`` (experience) and ``y`` (expectation)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    one = np.ones_like(x)
    if basis == "poly":
        return np.column_stack([one, x, y, x * x, x * y, y * y])
    if basis == "piece":
        # W = 1 on and above the line of congruence (P >= E), -1 below (Edwards 2002).
        w = np.where(x >= y, 1.0, -1.0)
        return np.column_stack([one, x, y, w, w * x, w * y])
    if basis == "ratio":
        return np.column_stack([one, np.asarray(p_raw, float) / np.asarray(e_raw, float)])
    raise ValueError(f"unknown basis {basis!r}")


def constraint_matrix(mapping: np.ndarray) -> np.ndarray:
    """Rows R with R @ beta = 0 exactly for the coefficient vectors a mapping can produce."""
    from scipy.linalg import null_space

    if mapping.shape[1] == mapping.shape[0]:
        return np.zeros((0, mapping.shape[0]))
    return null_space(mapping.T).T
