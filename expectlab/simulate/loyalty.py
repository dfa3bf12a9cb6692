"""Seeded simulator of loyalty surveys with a known truth.

The probability that a customer stays is a logistic function of survey constructs in which
satisfaction acts *nonlinearly* (a jump at the top of the scale: only completely satisfied
customers are reliably loyal), switching costs *moderate* satisfaction (they hold on to
dissatisfied customers, "false loyalty"), and complaint handling can win back a customer
who complained (service recovery). One driver, ``ad_recall``, has no effect at all, so
importance measures can be checked against a true zero.

The true model, on the columns of ``data``::

    logit P(stayed = 1) = const
        + b_sat * satisfaction + b_top * top_box
        + b_switch * switching_costs + b_int * satisfaction * switching_costs
        + b_trust * trust + b_complaint * complaint + b_recovery * recovery
        + b_business * (segment == "Business") + 0 * ad_recall

``truth.coefficients`` holds these numbers under the term names that
:class:`expectlab.LoyaltyModel` uses for the same specification (``"top_box"``,
``"satisfaction:switching_costs"``, ``"segment[Private]"`` against Business).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import InputError
from .._resample import check_random_state

__all__ = ["simulate_loyalty", "SimulatedLoyalty", "true_curve", "DEFAULT_EFFECTS",
           "write_examples"]

#: Effects on the centred scale (satisfaction - 4, switching_costs - 4, trust - 4,
#: complaint handling - 3); converted to raw-column coefficients in ``truth``.
DEFAULT_EFFECTS: dict[str, float] = {
    "intercept": 0.2,       # log-odds of staying at the scale midpoints
    "satisfaction": 0.25,   # per scale point, below the top box
    "top_box": 1.2,         # extra log-odds for completely satisfied customers (7 of 7)
    "switching_costs": 0.3,
    "interaction": -0.08,   # switching costs matter less for satisfied customers
    "trust": 0.3,
    "complaint": -0.6,      # complaining with average handling
    "recovery": 0.5,        # per point of complaint-handling rating (1-5), complainers only
    "business": 0.2,
}


@dataclass
class SimulatedLoyalty:
    """Simulated loyalty survey: ``data`` as a survey export would look, and the truth."""

    data: pd.DataFrame
    truth: LoyaltyTruth


@dataclass
class LoyaltyTruth:
    """The parameters the data were generated from.

    Attributes
    ----------
    effects : dict
        Effects on the centred scale (see :data:`DEFAULT_EFFECTS`).
    coefficients : pandas.Series
        The same model written on the raw columns of ``data``: the values a logistic
        regression of ``stayed`` on ``satisfaction, top_box, switching_costs, trust,
        complaint, recovery, segment, ad_recall`` plus the interaction
        ``satisfaction:switching_costs`` estimates.
    probability : numpy.ndarray
        True probability of staying for every simulated respondent.
    leaked : str or None
        Name of the leaked column when ``leak=True``.
    """

    effects: dict[str, float]
    coefficients: pd.Series
    probability: np.ndarray
    leaked: str | None = None
    notes: list[str] = field(default_factory=list)


def _raw_coefficients(e: dict[str, float]) -> pd.Series:
    # Expand the centred model: b_int * (s - 4) * (w - 4) = b_int * (s*w - 4s - 4w + 16),
    # b * (x - 4) = b*x - 4b, and recovery uses handling - 3 (already a column).
    # Text drivers are dummy-coded against the first level in sorted order ("Business"),
    # so the constant carries the Business effect and "Private" gets its negative.
    const = (e["intercept"] - 4 * e["satisfaction"] - 4 * e["switching_costs"]
             + 16 * e["interaction"] - 4 * e["trust"] + e["business"])
    return pd.Series({
        "const": const,
        "satisfaction": e["satisfaction"] - 4 * e["interaction"],
        "top_box": e["top_box"],
        "switching_costs": e["switching_costs"] - 4 * e["interaction"],
        "satisfaction:switching_costs": e["interaction"],
        "trust": e["trust"],
        "complaint": e["complaint"],
        "recovery": e["recovery"],
        "segment[Private]": -e["business"],
        "ad_recall": 0.0,
    }, name="coefficient")


def _item_mean(latent: np.ndarray, n_items: int, rng: np.random.Generator) -> np.ndarray:
    """Scale score of ``n_items`` 1-7 items measuring ``latent`` (standard normal)."""
    noise = rng.normal(0.0, 0.6, size=(n_items, latent.size))
    items = np.clip(np.rint(4.3 + 1.3 * latent[None, :] + noise), 1, 7)
    return items.mean(axis=0)


def _draw(n: int, effects: dict[str, float], rng: np.random.Generator
          ) -> tuple[pd.DataFrame, np.ndarray]:
    cov = np.array([[1.0, 0.5], [0.5, 1.0]])  # satisfaction and trust go together
    z = rng.multivariate_normal([0.0, 0.0], cov, size=n)
    # Overall satisfaction is a single 1-7 item, skewed to the top as in most surveys.
    cut = np.array([-2.3, -1.7, -1.1, -0.45, 0.35, 1.05])
    satisfaction = 1 + np.searchsorted(cut, z[:, 0]).astype(float)
    trust = _item_mean(z[:, 1], 2, rng)
    switching = _item_mean(rng.normal(size=n), 2, rng)
    ad_recall = np.clip(np.rint(rng.normal(4.0, 1.5, size=n)), 1, 7)
    business = rng.random(n) < 0.4
    # Dissatisfied customers complain more often.
    p_complaint = 1.0 / (1.0 + np.exp(-(-1.4 - 0.45 * (satisfaction - 4))))
    complaint = (rng.random(n) < p_complaint).astype(float)
    handling = np.where(complaint == 1, rng.integers(1, 6, size=n).astype(float), np.nan)
    recovery = np.where(complaint == 1, handling - 3.0, 0.0)
    top_box = (satisfaction == 7).astype(float)
    e = effects
    eta = (e["intercept"] + e["satisfaction"] * (satisfaction - 4) + e["top_box"] * top_box
           + e["switching_costs"] * (switching - 4)
           + e["interaction"] * (satisfaction - 4) * (switching - 4)
           + e["trust"] * (trust - 4) + e["complaint"] * complaint + e["recovery"] * recovery
           + e["business"] * business)
    p = 1.0 / (1.0 + np.exp(-eta))
    stayed = (rng.random(n) < p).astype(int)
    data = pd.DataFrame({
        "respondent_id": np.arange(1, n + 1),
        "segment": np.where(business, "Business", "Private"),
        "satisfaction": satisfaction,
        "top_box": top_box.astype(int),
        "trust": trust,
        "switching_costs": switching,
        "complaint": complaint.astype(int),
        "complaint_handling": handling,
        "recovery": recovery,
        "ad_recall": ad_recall,
        "stayed": stayed,
    })
    return data, p


def simulate_loyalty(
    n: int = 1000,
    *,
    effects: dict[str, float] | None = None,
    leak: bool = False,
    nps: bool = True,
    random_state: int | np.random.Generator | None = None,
) -> SimulatedLoyalty:
    """Simulate a loyalty survey with a known truth.

    Parameters
    ----------
    n : int
        Number of respondents.
    effects : dict, optional
        Overrides for :data:`DEFAULT_EFFECTS` (centred scale).
    leak : bool
        Add ``cancellation_call``, a flag recorded *because* the customer left (it equals
        ``1 - stayed`` for 99% of respondents): a leaked driver.
    nps : bool
        Add a 0-10 likelihood-to-recommend item ``nps`` driven by the same latent loyalty.
    random_state : int, Generator or None
        Seed.

    Returns
    -------
    SimulatedLoyalty
        ``.data`` (one row per respondent) and ``.truth``.

    Examples
    --------
    >>> from expectlab.simulate.loyalty import simulate_loyalty
    >>> sim = simulate_loyalty(500, random_state=1)
    >>> sim.data.shape
    (500, 12)
    >>> round(float(sim.truth.coefficients["top_box"]), 2)
    1.2
    """
    if not isinstance(n, (int, np.integer)) or n < 10:
        raise InputError(f"n must be an integer of at least 10, got {n!r}.")
    e = dict(DEFAULT_EFFECTS)
    if effects:
        unknown = sorted(set(effects) - set(e))
        if unknown:
            raise InputError(
                f"Unknown effect name(s) {unknown}. Valid names: {sorted(DEFAULT_EFFECTS)}."
            )
        e.update(effects)
    rng = check_random_state(random_state)
    data, p = _draw(int(n), e, rng)
    if nps:
        # Recommendation follows the same latent propensity plus noise, on 0-10.
        latent = np.log(p / (1 - p)) + rng.logistic(0.0, 1.0, size=len(p))
        data["nps"] = np.clip(np.rint(6.5 + 1.2 * latent), 0, 10).astype(int)
    leaked = None
    if leak:
        flip = rng.random(len(data)) < 0.01
        data["cancellation_call"] = np.where(flip, data["stayed"], 1 - data["stayed"])
        leaked = "cancellation_call"
    truth = LoyaltyTruth(effects=e, coefficients=_raw_coefficients(e), probability=p,
                         leaked=leaked)
    return SimulatedLoyalty(data=data, truth=truth)


def true_curve(
    effects: dict[str, float] | None = None, *, n_mc: int = 200_000, random_state: int = 0
) -> pd.Series:
    """True probability of staying at each satisfaction level, averaged over the population.

    Computed by Monte Carlo over the simulator's joint distribution of the other drivers:
    ``E[P(stay) | satisfaction = s]`` for ``s = 1..7``.
    """
    e = dict(DEFAULT_EFFECTS)
    e.update(effects or {})
    data, p = _draw(n_mc, e, check_random_state(random_state))
    out = pd.Series(p).groupby(data["satisfaction"].to_numpy()).mean()
    out.index.name = "satisfaction"
    out.name = "probability"
    return out


def write_examples(directory: Path) -> list[Path]:
    """Write the loyalty example survey (``loyalty_survey.csv``) and its codebook."""
    import yaml

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    data = simulate_loyalty(800, random_state=20240505).data
    data = data.drop(columns=["top_box", "recovery"])  # derived columns, not survey answers
    csv_path = directory / "loyalty_survey.csv"
    data.to_csv(csv_path, index=False, float_format="%.6g", lineterminator="\n")
    codebook = {
        "dataset": "loyalty_survey",
        "description": (
            "Simulated loyalty survey: overall satisfaction, trust, switching costs, "
            "complaints and their handling, recommendation (0-10) and whether the customer "
            "renewed 12 months later. Loyalty jumps for completely satisfied customers and "
            "switching costs hold on to dissatisfied ones; ad_recall has no effect."
        ),
        "source": "simulated by expectlab.simulate.loyalty.simulate_loyalty, seed 20240505",
        "variables": {
            "respondent_id": {"label": "Respondent number", "type": "id"},
            "segment": {"label": "Customer segment", "type": "categorical",
                        "value_labels": {"Private": "Private customer",
                                         "Business": "Business customer"}},
            "satisfaction": {"label": "Overall satisfaction", "type": "numeric",
                             "scale": [1, 7]},
            "trust": {"label": "Trust in the provider (mean of 2 items)", "type": "numeric",
                      "scale": [1, 7]},
            "switching_costs": {"label": "Perceived switching costs (mean of 2 items)",
                                "type": "numeric", "scale": [1, 7]},
            "complaint": {"label": "Complained in the last 12 months", "type": "numeric",
                          "value_labels": {0: "No", 1: "Yes"}},
            "complaint_handling": {"label": "Satisfaction with complaint handling (empty "
                                            "when no complaint was made)",
                                   "type": "numeric", "scale": [1, 5]},
            "ad_recall": {"label": "Recall of recent advertising", "type": "numeric",
                          "scale": [1, 7]},
            "stayed": {"label": "Renewed the contract 12 months later", "type": "numeric",
                       "value_labels": {0: "Left", 1: "Stayed"}},
            "nps": {"label": "Likelihood to recommend", "type": "numeric", "scale": [0, 10]},
        },
    }
    yaml_path = directory / "loyalty_survey.codebook.yaml"
    with open(yaml_path, "w", encoding="utf-8", newline="\n") as fh:
        yaml.safe_dump(codebook, fh, sort_keys=False, allow_unicode=True)
    return [csv_path, yaml_path]
