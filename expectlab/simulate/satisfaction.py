"""Seeded simulator of expectation / experience / satisfaction surveys with a known surface.

Latent expectation E* and experience P* are drawn from a bivariate normal on the answer
scale (clipped to it); satisfaction S* follows the chosen true surface plus normal
noise. Each construct is then measured by ``n_items`` Likert items: latent value plus
item error, rounded to whole answers and clipped to the scale. The data hold the items
and their means (what a survey gives you); the truth holds the coefficients and the
latent scores (what the survey tries to measure), so tests can separate estimation error
from measurement error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import InputError
from .._resample import check_random_state

__all__ = [
    "TRUTH_DEFAULTS",
    "SatisfactionSimulation",
    "SatisfactionTruth",
    "simulate_satisfaction",
    "write_examples",
]

# Coefficients in midpoint-centred units (x = P - mid, y = E - mid) except for "ratio",
# which is defined on the raw scale.
TRUTH_DEFAULTS: dict[str, dict[str, float]] = {
    "difference": {"b0": 4.4, "c": 0.8},
    "ratio": {"b0": 0.4, "c": 4.0},
    "additive": {"b0": 4.2, "b1": 0.7, "b2": -0.25},
    "asymmetric": {"b0": 4.4, "bE": 0.1, "g_gain": 0.4, "g_loss": 0.9},
    "quadratic": {"b0": 4.4, "b1": 0.6, "b2": -0.4, "b3": -0.1, "b4": 0.15, "b5": -0.05},
}


@dataclass
class SatisfactionTruth:
    """The surface the data came from.

    ``b`` holds the full-polynomial coefficients b0..b5 (midpoint-centred) when the truth
    is a polynomial (difference, additive, quadratic) and is None otherwise; ``surface``
    holds a1..a5 for those. ``latent`` has the error-free E*, P* and the S* the items
    measure (S* includes the equation noise).
    """

    kind: str
    params: dict[str, float]
    center: float
    scale: tuple[float, float]
    noise_sd: float
    item_sd: float
    b: np.ndarray | None
    surface: dict[str, float] | None
    latent: pd.DataFrame = field(repr=False)

    def mean_function(self, experience: np.ndarray, expectation: np.ndarray) -> np.ndarray:
        """True expected satisfaction at raw experience and expectation values."""
        return _surface(self.kind, self.params, np.asarray(experience, float),
                        np.asarray(expectation, float), self.center)


@dataclass
class SatisfactionSimulation:
    data: pd.DataFrame
    truth: SatisfactionTruth


def _surface(kind: str, prm: dict[str, float], p: np.ndarray, e: np.ndarray,
             center: float) -> np.ndarray:
    x, y = p - center, e - center
    if kind == "difference":
        return prm["b0"] + prm["c"] * (x - y)
    if kind == "ratio":
        return prm["b0"] + prm["c"] * p / e
    if kind == "additive":
        return prm["b0"] + prm["b1"] * x + prm["b2"] * y
    if kind == "asymmetric":
        d = x - y
        return (prm["b0"] + prm["bE"] * y + prm["g_gain"] * np.maximum(d, 0)
                + prm["g_loss"] * np.minimum(d, 0))
    return (prm["b0"] + prm["b1"] * x + prm["b2"] * y + prm["b3"] * x * x
            + prm["b4"] * x * y + prm["b5"] * y * y)


def _poly_b(kind: str, prm: dict[str, float]) -> np.ndarray | None:
    if kind == "difference":
        return np.array([prm["b0"], prm["c"], -prm["c"], 0, 0, 0], float)
    if kind == "additive":
        return np.array([prm["b0"], prm["b1"], prm["b2"], 0, 0, 0], float)
    if kind == "quadratic":
        return np.array([prm[f"b{j}"] for j in range(6)], float)
    return None


def simulate_satisfaction(
    n: int = 500,
    truth: str = "difference",
    params: dict[str, float] | None = None,
    *,
    scale: tuple[int, int] = (1, 7),
    mean_expectation: float = 5.0,
    mean_experience: float = 4.8,
    sd: float = 1.0,
    correlation: float = 0.4,
    noise_sd: float = 0.6,
    n_items: int = 3,
    item_sd: float = 0.7,
    random_state: int | np.random.Generator | None = None,
) -> SatisfactionSimulation:
    """Simulate a satisfaction survey with a known true surface.

    Parameters
    ----------
    n : int
        Respondents.
    truth : {"difference", "ratio", "additive", "asymmetric", "quadratic"}
        True model of satisfaction (see ``TRUTH_DEFAULTS`` for the default coefficients,
        in midpoint-centred units; ``ratio`` uses raw values).
    params : dict, optional
        Coefficients overriding the defaults of ``truth``.
    scale : (int, int)
        Answer scale of every item.
    mean_expectation, mean_experience, sd, correlation : float
        Latent distribution of E* and P* (clipped to the scale).
    noise_sd : float
        Equation noise of S*.
    n_items : int
        Items per construct; 0 gives the latent values themselves (no measurement error,
        continuous columns).
    item_sd : float
        Item error before rounding to whole answers.
    random_state : int, Generator or None
        Seed.

    Returns
    -------
    SatisfactionSimulation
        ``data`` (``respondent_id``, items ``exp_j``, ``perf_j``, ``sat_j`` and the
        scale means ``expectation``, ``experience``, ``satisfaction``) and ``truth``.

    Examples
    --------
    >>> sim = simulate_satisfaction(n=200, truth="asymmetric", random_state=1)
    >>> sim.truth.params["g_loss"]
    0.9
    >>> sim.data.shape
    (200, 13)
    """
    if truth == "full":
        truth = "quadratic"
    if truth not in TRUTH_DEFAULTS:
        raise InputError(f"truth must be one of {', '.join(TRUTH_DEFAULTS)}, got {truth!r}.")
    prm = dict(TRUTH_DEFAULTS[truth])
    if params:
        unknown = sorted(set(params) - set(prm))
        if unknown:
            raise InputError(f"Unknown parameter(s) {unknown} for truth={truth!r}; "
                             f"expected {sorted(prm)}.")
        prm.update({k: float(v) for k, v in params.items()})
    if not isinstance(n, (int, np.integer)) or n < 2:
        raise InputError(f"n must be an integer >= 2, got {n!r}.")
    if not -1 < correlation < 1:
        raise InputError(f"correlation must lie strictly between -1 and 1, got {correlation}.")
    lo, hi = scale
    center = (lo + hi) / 2.0
    rng = check_random_state(random_state)
    cov = sd**2 * np.array([[1.0, correlation], [correlation, 1.0]])
    latent = rng.multivariate_normal([mean_expectation, mean_experience], cov, size=n)
    e_star = np.clip(latent[:, 0], lo, hi)
    p_star = np.clip(latent[:, 1], lo, hi)
    s_star = _surface(truth, prm, p_star, e_star, center) + rng.normal(0, noise_sd, n)

    data = {"respondent_id": np.arange(1, n + 1)}
    means = {}
    for prefix, role, values in (("exp", "expectation", e_star), ("perf", "experience", p_star),
                                 ("sat", "satisfaction", s_star)):
        if n_items:
            items = np.clip(np.rint(values[:, None] + rng.normal(0, item_sd, (n, n_items))),
                            lo, hi).astype(int)
            for j in range(n_items):
                data[f"{prefix}_{j + 1}"] = items[:, j]
            means[role] = items.mean(axis=1)
        else:
            means[role] = values
    data.update(means)
    b = _poly_b(truth, prm)
    surface = None
    if b is not None:
        surface = {"a1": b[1] + b[2], "a2": b[3] + b[4] + b[5], "a3": b[1] - b[2],
                   "a4": b[3] - b[4] + b[5], "a5": b[3] - b[5]}
    truth_obj = SatisfactionTruth(
        kind=truth, params=prm, center=center, scale=(lo, hi), noise_sd=noise_sd,
        item_sd=item_sd if n_items else 0.0, b=b, surface=surface,
        latent=pd.DataFrame({"expectation": e_star, "experience": p_star,
                             "satisfaction": s_star}))
    return SatisfactionSimulation(pd.DataFrame(data), truth_obj)


def write_examples(directory: Path) -> list[Path]:
    """Write this topic's example files into ``directory``.

    The satisfaction topic ships no files of its own: the bundled client survey
    (``expectlab.simulate.client``) carries the expectation, experience and satisfaction
    items. Returns an empty list so ``python -m expectlab.simulate.examples`` can call
    every topic the same way.
    """
    return []
