"""Seeded simulators for expectation dynamics: a customer panel with adaptive expectations
and a service-recovery survey with a chosen recovery paradox.

``simulate_expectation_panel`` follows the adaptive-expectations model of Boulding,
Kalra, Staelin & Zeithaml (1993) as :class:`~expectlab.dynamics.ExpectationUpdating`
estimates it::

    E[i, t] = a_i + delta_t + lambda * E[i, t-1] + gamma * (P[i, t-1] - E[i, t-1])
              + sum_k beta_k * X_k[i, t] + e[i, t]

with a person effect ``a_i`` correlated with the person's performance level, so the
truth is known to every estimator. Satisfaction follows a known response surface in
expectation and experience, the loyalty intention a known logit in satisfaction and
expectation, and customers leave the panel after a wave with a probability that falls
with their satisfaction (attrition that depends on satisfaction, as in real panels).

``simulate_recovery`` draws customers with no failure, a recovered and an unrecovered
failure; the recovered group's satisfaction differs from the no-failure group by a
chosen standardised ``paradox`` (positive: the recovery paradox; negative: a lasting
mark of the failure), moderated by the rated quality of complaint handling.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import InputError
from .._resample import check_random_state

__all__ = [
    "PANEL_DEFAULTS",
    "PanelTruth",
    "PanelSimulation",
    "simulate_expectation_panel",
    "RecoveryTruth",
    "RecoverySimulation",
    "simulate_recovery",
    "write_examples",
]

#: Default truth of :func:`simulate_expectation_panel`.
PANEL_DEFAULTS: dict[str, float] = {
    "lam": 0.5,          # carry-over of last wave's expectation
    "gamma": 0.3,        # share of last wave's gap (P - E) that enters the new expectation
    "promise": 0.25,     # per point of promise exposure (1-7)
    "word_of_mouth": 0.2,  # per unit of word of mouth heard (-1 negative .. +1 positive)
    "should_lam": 0.7,   # the "should" expectation moves more slowly ...
    "should_gamma": 0.1,  # ... and learns less from experience
    "should_promise": 0.1,
    "should_word_of_mouth": 0.05,
}

# Satisfaction surface (midpoint-centred x = P - 4, y = E - 4) and the loyalty logit.
_SAT = {"b0": 4.3, "bx": 0.75, "by": -0.35, "bdd": -0.25}
_LOYAL = {"b0": -0.5, "bs": 0.9, "be": 0.25}


@dataclass
class PanelTruth:
    """The parameters the panel was generated from.

    ``params`` holds lambda (``lam``), gamma and the driver effects of the "will"
    expectation (``should_*`` for the "should" expectation); ``time_effects`` the common
    wave shocks delta_t; ``person_effects`` a_i; ``satisfaction`` the surface
    S = b0 + bx x + by y + bdd (x - y)^2 + noise (x = P - 4, y = E - 4) and ``loyalty``
    the logit of the loyalty intention, b0 + bs (S - 4) + be (E - 4).
    """

    params: dict[str, float]
    time_effects: np.ndarray
    person_effects: pd.Series
    satisfaction: dict[str, float]
    loyalty: dict[str, float]
    attrition: float
    noise_sd: float
    scale: tuple[float, float] = (1.0, 7.0)
    notes: list[str] = field(default_factory=list)

    def satisfaction_mean(self, expectation: np.ndarray, experience: np.ndarray) -> np.ndarray:
        """True expected satisfaction at raw expectation and experience values."""
        return _sat_mean(np.asarray(expectation, float), np.asarray(experience, float))

    def loyalty_probability(self, satisfaction: np.ndarray, expectation: np.ndarray
                            ) -> np.ndarray:
        """True probability of the loyalty intention."""
        return _loyal_prob(np.asarray(satisfaction, float), np.asarray(expectation, float))


@dataclass
class PanelSimulation:
    data: pd.DataFrame
    truth: PanelTruth


def _sat_mean(e: np.ndarray, p: np.ndarray) -> np.ndarray:
    x, y = p - 4.0, e - 4.0
    return _SAT["b0"] + _SAT["bx"] * x + _SAT["by"] * y + _SAT["bdd"] * (x - y) ** 2


def _loyal_prob(s: np.ndarray, e: np.ndarray) -> np.ndarray:
    eta = _LOYAL["b0"] + _LOYAL["bs"] * (s - 4.0) + _LOYAL["be"] * (e - 4.0)
    return 1.0 / (1.0 + np.exp(-eta))


def simulate_expectation_panel(
    n: int = 500,
    waves: int = 4,
    params: dict[str, float] | None = None,
    *,
    attrition: float = 0.08,
    attrition_satisfaction: float = 0.6,
    person_sd: float = 0.5,
    noise_sd: float = 0.35,
    performance_mean: float = 4.9,
    performance_person_sd: float = 0.6,
    performance_sd: float = 0.6,
    should: bool = True,
    measurement_sd: float = 0.0,
    decimals: int | None = None,
    random_state: int | np.random.Generator | None = None,
) -> PanelSimulation:
    """Simulate a customer panel whose expectations update adaptively.

    Parameters
    ----------
    n : int
        Customers in the first wave.
    waves : int
        Waves (at least 2).
    params : dict, optional
        Overrides of :data:`PANEL_DEFAULTS`.
    attrition : float
        Probability that an average customer (satisfaction 4 of 7) leaves after a wave;
        0 gives a balanced panel.
    attrition_satisfaction : float
        Log-odds decrease of leaving per point of satisfaction (satisfied customers stay).
    person_sd : float
        SD of the person effects a_i (correlated 0.4 with the person's performance level).
    noise_sd : float
        SD of the expectation shocks e[i, t].
    performance_mean, performance_person_sd, performance_sd : float
        Perceived performance: person level N(mean, person_sd) plus wave noise.
    should : bool
        Also simulate a "should" expectation with its own (slower) updating.
    measurement_sd : float
        Error added to the measured expectation and experience (0: measured without
        error). Measurement error that is new in every wave makes lagged levels weaker
        and slightly invalid instruments; see the notebook's exercise.
    decimals : int, optional
        Round the measured scores (the example file uses 2).
    random_state : int, Generator or None
        Seed.

    Returns
    -------
    PanelSimulation
        ``data``: one row per customer and wave answered, with ``customer``, ``wave``,
        ``expectation`` (will), ``should_expectation``, ``experience``, ``satisfaction``
        (1-7), ``loyal`` (0/1 intention), the drivers ``promise`` (1-7 exposure to the
        brand's promises) and ``word_of_mouth`` (-1 to 1) and ``weight``; ``truth``.

    Examples
    --------
    >>> sim = simulate_expectation_panel(200, waves=4, random_state=1)
    >>> sim.truth.params["gamma"]
    0.3
    >>> sorted(sim.data["wave"].unique().tolist())
    [1, 2, 3, 4]
    """
    prm = dict(PANEL_DEFAULTS)
    if params:
        unknown = sorted(set(params) - set(prm))
        if unknown:
            raise InputError(f"Unknown parameter(s) {unknown}; expected {sorted(prm)}.")
        prm.update({k: float(v) for k, v in params.items()})
    if not isinstance(n, (int, np.integer)) or n < 2:
        raise InputError(f"n must be an integer >= 2, got {n!r}.")
    if not isinstance(waves, (int, np.integer)) or waves < 2:
        raise InputError(f"waves must be an integer >= 2, got {waves!r}.")
    for name in ("", "should_"):
        rho = prm[f"{name}lam"] - prm[f"{name}gamma"]
        if not -1 < rho < 1:
            raise InputError(f"{name}lam - {name}gamma must lie in (-1, 1) for expectations "
                             f"to settle, got {rho:g}.")
    rng = check_random_state(random_state)
    burn = 12
    total = burn + waves
    # performance level and person effects, correlated: better providers' customers also
    # bring higher expectations (a fixed-effect that a pooled regression would confuse
    # with learning)
    z = rng.standard_normal((n, 2))
    q = performance_mean + performance_person_sd * z[:, 0]
    a = 1.2 + person_sd * (0.4 * z[:, 0] + np.sqrt(1 - 0.4**2) * z[:, 1])
    a_should = 1.0 + 0.8 * person_sd * z[:, 1]
    delta = np.r_[np.zeros(burn), rng.normal(0.0, 0.08, waves)]
    delta[burn] = 0.0
    promise_level = rng.uniform(2.0, 6.0, n)
    P = q[:, None] + performance_sd * rng.standard_normal((n, total))
    promise = np.clip(promise_level[:, None] + 0.8 * rng.standard_normal((n, total)), 1, 7)
    wom = np.clip(rng.normal(0.1, 0.5, (n, total)), -1, 1)
    E = np.empty((n, total))
    ES = np.empty((n, total))
    lam, gam = prm["lam"], prm["gamma"]
    E[:, 0] = 4.8 + 0.3 * rng.standard_normal(n)
    ES[:, 0] = 5.0 + 0.3 * rng.standard_normal(n)
    for t in range(1, total):
        E[:, t] = (a + delta[t] + lam * E[:, t - 1] + gam * (P[:, t - 1] - E[:, t - 1])
                   + prm["promise"] * promise[:, t] + prm["word_of_mouth"] * wom[:, t]
                   + noise_sd * rng.standard_normal(n))
        ES[:, t] = (a_should + prm["should_lam"] * ES[:, t - 1]
                    + prm["should_gamma"] * (P[:, t - 1] - ES[:, t - 1])
                    + prm["should_promise"] * promise[:, t]
                    + prm["should_word_of_mouth"] * wom[:, t]
                    + noise_sd * rng.standard_normal(n))
    keep = slice(burn, total)
    E, ES, P, promise, wom = E[:, keep], ES[:, keep], P[:, keep], promise[:, keep], wom[:, keep]
    S = _sat_mean(E, P) + 0.5 * rng.standard_normal((n, waves))
    loyal = (rng.uniform(size=(n, waves)) < _loyal_prob(S, E)).astype(int)
    # attrition after each wave, more likely for dissatisfied customers; leavers stay away
    present = np.ones((n, waves), dtype=bool)
    if attrition > 0:
        base = np.log(attrition / (1 - attrition))
        for t in range(waves - 1):
            p_leave = 1 / (1 + np.exp(-(base - attrition_satisfaction * (S[:, t] - 4.0))))
            leave = present[:, t] & (rng.uniform(size=n) < p_leave)
            present[leave, t + 1:] = False
    if measurement_sd > 0:
        E_obs = E + measurement_sd * rng.standard_normal(E.shape)
        P_obs = P + measurement_sd * rng.standard_normal(P.shape)
        ES_obs = ES + measurement_sd * rng.standard_normal(ES.shape)
    else:
        E_obs, P_obs, ES_obs = E, P, ES
    weight = rng.choice([0.8, 1.0, 1.25], size=n, p=[0.3, 0.4, 0.3])
    ii, tt = np.nonzero(present)
    data = pd.DataFrame({
        "customer": ii + 1,
        "wave": tt + 1,
        "expectation": E_obs[ii, tt],
        "should_expectation": ES_obs[ii, tt],
        "experience": P_obs[ii, tt],
        "satisfaction": S[ii, tt],
        "loyal": loyal[ii, tt],
        "promise": promise[ii, tt],
        "word_of_mouth": wom[ii, tt],
        "weight": weight[ii],
    })
    for col in ("expectation", "should_expectation", "experience", "satisfaction"):
        data[col] = data[col].clip(1, 7)
    if not should:
        data = data.drop(columns=["should_expectation"])
    if decimals is not None:
        num = ["expectation", "experience", "satisfaction", "promise", "word_of_mouth"]
        num += ["should_expectation"] if should else []
        data[num] = data[num].round(decimals)
    truth = PanelTruth(
        params=prm, time_effects=delta[burn:], person_effects=pd.Series(a, index=np.arange(
            1, n + 1), name="person_effect"), satisfaction=dict(_SAT), loyalty=dict(_LOYAL),
        attrition=attrition, noise_sd=noise_sd,
        notes=["Scores are clipped to 1-7; clipping is rare with the defaults."])
    return PanelSimulation(data, truth)


# ---------------------------------------------------------------- service recovery --
@dataclass
class RecoveryTruth:
    """Truth of :func:`simulate_recovery`: group shares, the standardised differences
    of mean satisfaction from the no-failure group (``paradox`` for recovered,
    ``unrecovered`` for unrecovered failures; in SDs of satisfaction) and the effect of
    one point of complaint handling (1-5) among recovered customers."""

    shares: dict[str, float]
    paradox: float
    unrecovered: float
    handling: float
    sd: float


@dataclass
class RecoverySimulation:
    data: pd.DataFrame
    truth: RecoveryTruth


def simulate_recovery(
    n: int = 1200,
    paradox: float = 0.0,
    *,
    unrecovered: float = -0.9,
    handling: float = 0.25,
    shares: tuple[float, float, float] = (0.6, 0.25, 0.15),
    sd: float = 1.0,
    random_state: int | np.random.Generator | None = None,
) -> RecoverySimulation:
    """Simulate a survey of customers with no failure, a recovered or an unrecovered one.

    Parameters
    ----------
    n : int
        Respondents.
    paradox : float
        True standardised difference in mean satisfaction, recovered minus no failure
        (it holds at the recovered customers' average complaint handling): positive is
        the recovery paradox.
    unrecovered : float
        Standardised difference, unrecovered failure minus no failure.
    handling : float
        Change of the recovered group's satisfaction (in SDs) per point of rated
        complaint handling (1-5).
    shares : (float, float, float)
        Shares of no failure, recovered and unrecovered customers.
    sd : float
        SD of satisfaction within a group.
    random_state : int, Generator or None
        Seed.

    Returns
    -------
    RecoverySimulation
        ``data`` with ``respondent``, ``failure`` (0/1), ``recovered`` (0/1, empty when no
        failure), ``handling`` (1-5, empty when no failure), ``satisfaction`` (continuous
        score on 1-7), ``loyal`` (0/1) and ``weight``; ``truth``.

    Examples
    --------
    >>> sim = simulate_recovery(300, paradox=0.3, random_state=2)
    >>> sim.truth.paradox
    0.3
    """
    if not isinstance(n, (int, np.integer)) or n < 10:
        raise InputError(f"n must be an integer >= 10, got {n!r}.")
    p = np.asarray(shares, float)
    if p.shape != (3,) or (p < 0).any() or not np.isclose(p.sum(), 1):
        raise InputError(f"shares must be three non-negative numbers summing to 1, got "
                         f"{shares!r}.")
    rng = check_random_state(random_state)
    group = rng.choice(3, size=n, p=p)
    hand = np.where(group == 0, np.nan,
                    np.clip(np.rint(np.where(group == 1, 3.6, 2.0)
                                    + rng.normal(0, 0.9, n)), 1, 5))
    # handling centred at the recovered group's mean, so ``paradox`` is the difference of
    # the group means (and holds at the recovered customers' average handling)
    rec = group == 1
    centre = float(hand[rec].mean()) if rec.any() else 3.0
    mu = 5.0 + sd * np.select(
        [group == 0, rec, group == 2],
        [0.0, paradox + handling * (np.nan_to_num(hand) - centre), unrecovered])
    sat = mu + sd * rng.standard_normal(n)
    eta = -0.2 + 0.8 * (sat - 5.0)
    loyal = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(int)
    data = pd.DataFrame({
        "respondent": np.arange(1, n + 1),
        "failure": (group > 0).astype(int),
        "recovered": np.where(group == 0, np.nan, (group == 1).astype(float)),
        "handling": hand,
        "satisfaction": sat,
        "loyal": loyal,
        "weight": rng.choice([0.8, 1.0, 1.25], size=n),
    })
    truth = RecoveryTruth(shares=dict(zip(("none", "recovered", "unrecovered"),
                                          p.tolist(), strict=True)),
                          paradox=paradox, unrecovered=unrecovered, handling=handling, sd=sd)
    return RecoverySimulation(data, truth)


# ---------------------------------------------------------------- example files --
def write_examples(directory: Path) -> list[Path]:
    """Write the example panel ``expectation_panel.csv`` and its codebook."""
    import yaml

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    sim = simulate_expectation_panel(400, waves=4, decimals=2, random_state=20240808)
    data = sim.data
    csv_path = directory / "expectation_panel.csv"
    data.to_csv(csv_path, index=False, float_format="%.6g", lineterminator="\n")
    prm = sim.truth.params
    codebook = {
        "dataset": "expectation_panel",
        "description": (
            "Simulated four-wave customer panel: 400 customers of one provider answer the "
            "same questions in each wave until they leave (dissatisfied customers leave "
            "more often). Expectations update adaptively (Boulding et al. 1993): "
            f"lambda = {prm['lam']:g}, gamma = {prm['gamma']:g}, promise exposure "
            f"{prm['promise']:g} and word of mouth {prm['word_of_mouth']:g} per point, "
            "with person effects correlated with the performance level."),
        "source": "simulated by expectlab.simulate.dynamics.write_examples, seed 20240808",
        "wave": "wave",
        "weight": "weight",
        "variables": {
            # not declared as the (unique) id: a customer has one row per wave
            "customer": {"label": "Customer id (same person in every wave)",
                         "type": "categorical"},
            "wave": {"label": "Survey wave", "type": "numeric"},
            "expectation": {"label": "What the customer expects the service WILL be "
                                     "(mean of items)", "type": "numeric", "scale": [1, 7]},
            "should_expectation": {"label": "What the service SHOULD be (mean of items)",
                                   "type": "numeric", "scale": [1, 7]},
            "experience": {"label": "Perceived performance in this wave (mean of items)",
                           "type": "numeric", "scale": [1, 7]},
            "satisfaction": {"label": "Overall satisfaction", "type": "numeric",
                             "scale": [1, 7]},
            "loyal": {"label": "Intends to stay with the provider", "type": "numeric",
                      "value_labels": {0: "No", 1: "Yes"}},
            "promise": {"label": "Exposure to the provider's service promises (advertising, "
                                 "sales talk)", "type": "numeric", "scale": [1, 7]},
            "word_of_mouth": {"label": "Word of mouth heard (-1 negative to +1 positive)",
                              "type": "numeric", "scale": [-1, 1]},
            "weight": {"label": "Panel weight", "type": "weight"},
        },
    }
    yaml_path = directory / "expectation_panel.codebook.yaml"
    with open(yaml_path, "w", encoding="utf-8", newline="\n") as fh:
        yaml.safe_dump(codebook, fh, sort_keys=False, allow_unicode=True)
    return [csv_path, yaml_path]
