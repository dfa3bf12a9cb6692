"""Seeded simulators of service-quality surveys with a known truth.

- :func:`simulate_servqual`: a customer survey answering 22 SERVQUAL items in the
  two-column (expectation, perception) or three-column (desired, adequate, perceived)
  format, an overall quality rating and importance points, optionally with a management
  survey for the five-gap model.
- :func:`simulate_penalty_reward`: attribute performance ratings, stated importance,
  overall satisfaction with known penalties and rewards, and optional Kano answer pairs
  of the same respondents.

Answers are latent normal values rounded to whole scale points and clipped to the scale.
The truth is the population mean of those *answers*, computed exactly from the normal
distribution (``expected_answer``), so an estimator's target is known without Monte Carlo
error: the true gap of an item is E[P answer] - E[E answer].
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .._errors import InputError
from .._resample import check_random_state

__all__ = ["ServqualSimulation", "ServqualTruth", "PenaltyRewardSimulation",
           "expected_answer", "simulate_servqual", "simulate_penalty_reward",
           "write_examples", "DIMENSION_GAPS", "DIMENSION_IMPORTANCE", "MANAGEMENT_GAPS",
           "PENALTY_REWARD"]

_DIM_CODES = {"tangibles": ("tan", 4), "reliability": ("rel", 5),
              "responsiveness": ("res", 4), "assurance": ("ass", 4), "empathy": ("emp", 5)}
#: Latent gap P - E per dimension (scale points before rounding).
DIMENSION_GAPS = {"tangibles": -0.2, "reliability": -1.1, "responsiveness": -0.8,
                  "assurance": -0.4, "empathy": -0.6}
#: True mean share of importance points per dimension (close to the averages reported by
#: Parasuraman, Berry & Zeithaml 1991).
DIMENSION_IMPORTANCE = {"tangibles": 0.11, "reliability": 0.32, "responsiveness": 0.22,
                        "assurance": 0.19, "empathy": 0.16}
#: Latent gaps 1-4 of the management survey per dimension (Parasuraman et al. 1985):
#: gap 1 = management belief - customer expectation, gap 2 = standard - belief,
#: gap 3 = delivery - standard, gap 4 = delivery - promised.
MANAGEMENT_GAPS = {"gap 1": -0.5, "gap 2": -0.3, "gap 3": -0.4, "gap 4": -0.6}
#: Default attributes of :func:`simulate_penalty_reward`: (penalty, reward) in points of
#: the overall satisfaction index.
PENALTY_REWARD = {"clean room": (1.2, 0.15), "quick check-in": (0.9, 0.2),
                  "friendly staff": (0.6, 0.6), "value for money": (0.55, 0.5),
                  "free upgrade": (0.1, 0.9), "welcome gift": (0.05, 0.7)}


def expected_answer(mean: np.ndarray | float, sd: float, scale: tuple[int, int]
                    ) -> np.ndarray:
    """Exact mean of ``clip(round(X), lo, hi)`` for ``X ~ Normal(mean, sd)``.

    Examples
    --------
    >>> float(expected_answer(4.0, 1.0, (1, 7)).round(6))
    4.0
    """
    lo, hi = scale
    mean = np.asarray(mean, float)
    points = np.arange(lo, hi + 1)
    upper = stats.norm.cdf((points[:-1] + 0.5 - mean[..., None]) / sd)
    cdf = np.concatenate([upper, np.ones(mean.shape + (1,))], axis=-1)
    probs = np.diff(np.concatenate([np.zeros(mean.shape + (1,)), cdf], axis=-1), axis=-1)
    return (probs * points).sum(axis=-1)


def _answers(latent: np.ndarray, scale: tuple[int, int]) -> np.ndarray:
    return np.clip(np.rint(latent), scale[0], scale[1])


@dataclass
class ServqualTruth:
    """What the survey measures.

    ``items`` has one row per item: dimension, the true mean answer of every battery and
    the true gaps (``gap`` = P - E, or ``msa`` / ``mss``); ``dimensions`` the same per
    dimension (mean of its items, which is the population mean of the dimension score
    when every item is answered). ``importance`` holds the true mean point shares;
    ``management`` the true mean answers and gaps 1-4 per item (None without a management
    survey). ``overall_model`` says what overall quality depends on.
    """

    format: str
    scale: tuple[int, int]
    items: pd.DataFrame
    dimensions: pd.DataFrame
    importance: pd.Series
    overall_model: str
    management: pd.DataFrame | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class ServqualSimulation:
    """``data`` (customer survey), ``truth``, the ``items`` and ``dimensions`` mappings to
    pass to :class:`~expectlab.ServqualGaps`, and ``management`` (or None) with its
    ``management_items`` mapping for :class:`~expectlab.FiveGapModel`."""

    data: pd.DataFrame
    truth: ServqualTruth
    items: dict[str, tuple[str, ...]]
    dimensions: dict[str, list[str]]
    importance: dict[str, str]
    management: pd.DataFrame | None = None
    management_items: dict[str, dict[str, str]] | None = None


def simulate_servqual(
    n: int = 400,
    *,
    format: str = "two-column",
    gaps: Mapping[str, float] | None = None,
    zone_width: float = 1.5,
    mean_expectation: float = 5.9,
    importance: Mapping[str, float] | None = None,
    overall_model: str = "perception",
    sd_person: float = 0.6,
    sd_dimension: float = 0.4,
    sd_item: float = 0.6,
    correlation: float = 0.5,
    noise_sd: float = 0.6,
    missing_rate: float = 0.02,
    n_management: int = 0,
    management_gaps: Mapping[str, float] | None = None,
    weights: bool = False,
    scale: tuple[int, int] = (1, 7),
    random_state: int | np.random.Generator | None = None,
) -> ServqualSimulation:
    """Simulate a SERVQUAL survey (and a management survey) with a known truth.

    Parameters
    ----------
    n : int
        Customers.
    format : {"two-column", "three-column"}
        Expectation and perception per item, or desired, adequate and perceived.
    gaps : dict, optional
        Latent P - E (P - desired) per dimension; default ``DIMENSION_GAPS``.
    zone_width : float
        Latent distance between desired and adequate (three-column format).
    mean_expectation : float
        Mean latent expectation (desired) level; items spread +-0.2 around it.
    importance : dict, optional
        True mean share of importance points per dimension (sums to 1).
    overall_model : {"perception", "gap"}
        Overall quality depends on the dimension perceptions (SERVPERF is right) or on the
        dimension gaps (SERVQUAL is right), with the importance shares as weights.
    sd_person, sd_dimension, sd_item : float
        Latent standard deviations of the respondent level, the respondent x dimension
        level and the item answer (shared structure makes items of a dimension agree).
    correlation : float
        Correlation of a respondent's expectation and perception levels (the higher, the
        less reliable the gap scores).
    noise_sd : float
        Noise of the latent overall quality.
    missing_rate : float
        Share of answers left empty at random.
    n_management : int
        Managers / staff answering the management survey (0: none).
    management_gaps : dict, optional
        Latent gaps 1-4 (same for every dimension); default ``MANAGEMENT_GAPS``.
    weights : bool
        Add a ``weight`` column (random survey weights unrelated to the answers).
    scale : (int, int)
        Answer scale of every item and of overall quality.
    random_state : int, Generator or None
        Seed.

    Returns
    -------
    ServqualSimulation

    Examples
    --------
    >>> sim = simulate_servqual(n=50, random_state=1)
    >>> sim.items["rel1"]
    ('exp_rel1', 'per_rel1')
    >>> round(float(sim.truth.dimensions.loc["reliability", "gap"]), 2)
    -1.05
    """
    if format not in ("two-column", "three-column"):
        raise InputError(f"format must be 'two-column' or 'three-column', got {format!r}.")
    if overall_model not in ("perception", "gap"):
        raise InputError(f"overall_model must be 'perception' or 'gap', got "
                         f"{overall_model!r}.")
    if not isinstance(n, (int, np.integer)) or n < 2:
        raise InputError(f"n must be an integer >= 2, got {n!r}.")
    if not -1 < correlation < 1:
        raise InputError(f"correlation must lie strictly between -1 and 1, got {correlation}.")
    gaps = {**DIMENSION_GAPS, **dict(gaps or {})}
    shares = dict(importance or DIMENSION_IMPORTANCE)
    if set(gaps) != set(_DIM_CODES) or set(shares) != set(_DIM_CODES):
        raise InputError(f"gaps and importance must name the five dimensions "
                         f"{list(_DIM_CODES)}.")
    if abs(sum(shares.values()) - 1) > 1e-9:
        raise InputError(f"importance shares must sum to 1, got {sum(shares.values())}.")
    rng = check_random_state(random_state)
    lo, hi = scale
    mid = (lo + hi) / 2
    sd_total = float(np.sqrt(sd_person**2 + sd_dimension**2 + sd_item**2))

    item_rows = []
    for dim, (code, k) in _DIM_CODES.items():
        for j, offset in enumerate(np.linspace(-0.2, 0.2, k)):
            item_rows.append({"item": f"{code}{j + 1}", "dimension": dim,
                              "mu_e": mean_expectation + offset,
                              "mu_p": mean_expectation + offset + gaps[dim]
                              + 0.1 * (j - (k - 1) / 2)})
    items = pd.DataFrame(item_rows).set_index("item")
    n_items = len(items)
    dims = list(_DIM_CODES)
    dim_of = items["dimension"].map({d: i for i, d in enumerate(dims)}).to_numpy()

    # respondent levels: expectation and perception, correlated
    cov = sd_person**2 * np.array([[1.0, correlation], [correlation, 1.0]])
    person = rng.multivariate_normal([0.0, 0.0], cov, size=n)
    dim_e = rng.normal(0, sd_dimension, (n, len(dims)))
    dim_p = (correlation * dim_e + np.sqrt(1 - correlation**2)
             * rng.normal(0, sd_dimension, (n, len(dims))))
    base_e = person[:, [0]] + dim_e[:, dim_of]
    base_p = person[:, [1]] + dim_p[:, dim_of]
    latent_e = items["mu_e"].to_numpy() + base_e + rng.normal(0, sd_item, (n, n_items))
    latent_p = items["mu_p"].to_numpy() + base_p + rng.normal(0, sd_item, (n, n_items))
    truth_items = items[["dimension"]].copy()
    data: dict[str, Any] = {"respondent_id": np.arange(1, n + 1)}
    mapping: dict[str, tuple[str, ...]] = {}
    if format == "two-column":
        e_ans, p_ans = _answers(latent_e, scale), _answers(latent_p, scale)
        truth_items["expectation"] = expected_answer(items["mu_e"].to_numpy(), sd_total,
                                                     scale)
        truth_items["perception"] = expected_answer(items["mu_p"].to_numpy(), sd_total,
                                                    scale)
        truth_items["gap"] = truth_items["perception"] - truth_items["expectation"]
        batteries = {"exp": e_ans, "per": p_ans}
        for item in items.index:
            mapping[item] = (f"exp_{item}", f"per_{item}")
    else:
        # adequate shares the respondent's expectation level, lower by the zone width
        latent_a = (items["mu_e"].to_numpy() - zone_width + base_e
                    + rng.normal(0, sd_item, (n, n_items)))
        batteries = {"des": _answers(latent_e, scale), "ade": _answers(latent_a, scale),
                     "per": _answers(latent_p, scale)}
        truth_items["desired"] = expected_answer(items["mu_e"].to_numpy(), sd_total, scale)
        truth_items["adequate"] = expected_answer(items["mu_e"].to_numpy() - zone_width,
                                                  sd_total, scale)
        truth_items["perception"] = expected_answer(items["mu_p"].to_numpy(), sd_total,
                                                    scale)
        truth_items["msa"] = truth_items["perception"] - truth_items["adequate"]
        truth_items["mss"] = truth_items["perception"] - truth_items["desired"]
        for item in items.index:
            mapping[item] = (f"des_{item}", f"ade_{item}", f"per_{item}")
    for j, item in enumerate(items.index):
        for prefix, values in batteries.items():
            col = values[:, j].copy()
            col[rng.random(n) < missing_rate] = np.nan
            data[f"{prefix}_{item}"] = col

    # overall quality from the latent dimension levels (without item noise)
    share = np.array([shares[d] for d in dims])
    dim_latent_p = (np.array([items.loc[items["dimension"] == d, "mu_p"].mean()
                              for d in dims]) + person[:, [1]] + dim_p)
    if overall_model == "perception":
        driver = dim_latent_p - mid
    else:
        dim_latent_e = (np.array([items.loc[items["dimension"] == d, "mu_e"].mean()
                                  for d in dims]) + person[:, [0]] + dim_e)
        driver = dim_latent_p - dim_latent_e
    overall = mid + 0.5 + 1.5 * driver @ share + rng.normal(0, noise_sd, n)
    data["overall_quality"] = _answers(overall, scale)

    # importance points: Dirichlet around the true shares, rounded to sum to 100
    raw = rng.dirichlet(share * 20, size=n) * 100
    points = np.floor(raw)
    short = (100 - points.sum(axis=1)).astype(int)
    order = np.argsort(-(raw - points), axis=1)
    for i in range(n):
        points[i, order[i, :short[i]]] += 1
    importance_cols = {}
    for d, dim in enumerate(dims):
        importance_cols[dim] = f"points_{_DIM_CODES[dim][0]}"
        data[importance_cols[dim]] = points[:, d].astype(int)
    if weights:
        data["weight"] = np.round(rng.uniform(0.5, 2.0, n), 3)
    frame = pd.DataFrame(data)

    gap_cols = [c for c in ("gap", "msa", "mss") if c in truth_items]
    value_cols = [c for c in truth_items.columns if c != "dimension"]
    truth_dims = truth_items.groupby("dimension", sort=False)[value_cols].mean()
    dimensions = {d: items.index[items["dimension"] == d].tolist() for d in dims}

    management: pd.DataFrame | None = None
    management_items: dict[str, dict[str, str]] | None = None
    truth_mgmt: pd.DataFrame | None = None
    if n_management:
        mg = {**MANAGEMENT_GAPS, **dict(management_gaps or {})}
        mu_belief = items["mu_e"].to_numpy() + mg["gap 1"]
        mu_standard = mu_belief + mg["gap 2"]
        mu_delivery = mu_standard + mg["gap 3"]
        mu_promised = mu_delivery - mg["gap 4"]
        sd_m = float(np.sqrt(0.4**2 + 0.5**2))
        manager = rng.normal(0, 0.4, (n_management, 1))
        mdata: dict[str, Any] = {"manager_id": np.arange(1, n_management + 1)}
        management_items = {}
        truth_mgmt = items[["dimension"]].copy()
        customer_e = truth_items["expectation" if format == "two-column" else "desired"]
        for role, mu in (("belief", mu_belief), ("standard", mu_standard),
                         ("delivery", mu_delivery), ("promised", mu_promised)):
            ans = _answers(mu + manager + rng.normal(0, 0.5, (n_management, n_items)), scale)
            for j, item in enumerate(items.index):
                mdata[f"{role}_{item}"] = ans[:, j]
                management_items.setdefault(item, {})[role] = f"{role}_{item}"
            truth_mgmt[role] = expected_answer(mu, sd_m, scale)
        truth_mgmt["gap 1"] = truth_mgmt["belief"] - customer_e
        truth_mgmt["gap 2"] = truth_mgmt["standard"] - truth_mgmt["belief"]
        truth_mgmt["gap 3"] = truth_mgmt["delivery"] - truth_mgmt["standard"]
        truth_mgmt["gap 4"] = truth_mgmt["delivery"] - truth_mgmt["promised"]
        truth_mgmt["gap 5"] = truth_items[gap_cols[-1]]
        management = pd.DataFrame(mdata)

    truth = ServqualTruth(
        format=format, scale=scale, items=truth_items, dimensions=truth_dims,
        importance=pd.Series(shares, name="share"), overall_model=overall_model,
        management=truth_mgmt,
        params={"gaps": gaps, "zone_width": zone_width, "correlation": correlation,
                "sd_person": sd_person, "sd_dimension": sd_dimension, "sd_item": sd_item,
                "management_gaps": dict(MANAGEMENT_GAPS, **dict(management_gaps or {}))})
    return ServqualSimulation(frame, truth, mapping, dimensions, importance_cols,
                              management, management_items)


@dataclass
class PenaltyRewardSimulation:
    """``data``, ``truth`` (one row per attribute: penalty, reward, impact asymmetry,
    class, true mean performance and stated importance, share low and high, Kano
    category) and the column mappings ``attributes``, ``importance`` and ``kano_pairs``."""

    data: pd.DataFrame
    truth: pd.DataFrame
    attributes: dict[str, str]
    importance: dict[str, str]
    kano_pairs: dict[str, tuple[str, str]]


_KANO_MIX = {"basic": {"M": 0.6, "O": 0.15, "I": 0.2, "A": 0.05},
             "performance": {"O": 0.55, "M": 0.15, "A": 0.15, "I": 0.15},
             "excitement": {"A": 0.6, "O": 0.15, "I": 0.2, "M": 0.05}}


def _ia_class(ia: float, threshold: float) -> str:
    if ia < -threshold:
        return "basic"
    if ia > threshold:
        return "excitement"
    return "performance"


def simulate_penalty_reward(
    n: int = 800,
    attributes: Mapping[str, tuple[float, float]] | None = None,
    *,
    scale: tuple[int, int] = (1, 5),
    low_boxes: int = 2,
    high_boxes: int = 1,
    mean_performance: float = 3.6,
    sd_person: float = 0.6,
    sd_item: float = 0.8,
    noise_sd: float = 0.8,
    threshold: float = 0.2,
    kano: bool = True,
    random_state: int | np.random.Generator | None = None,
) -> PenaltyRewardSimulation:
    """Simulate attribute ratings and overall satisfaction with known penalties and
    rewards (and Kano answers of the same respondents).

    Overall satisfaction is a continuous index: ``7 - sum_j penalty_j low_j +
    sum_j reward_j high_j + noise``, where ``low_j`` marks a rating in the bottom
    ``low_boxes`` and ``high_j`` one in the top ``high_boxes`` of the scale (the middle
    is the reference). The true class follows the impact asymmetry
    ``(reward - penalty) / (reward + penalty)`` with ``threshold``.

    Examples
    --------
    >>> sim = simulate_penalty_reward(200, random_state=1)
    >>> sim.truth.loc["free upgrade", "class"]
    'excitement'
    """
    attrs = dict(attributes or PENALTY_REWARD)
    if not attrs:
        raise InputError("attributes must name at least one attribute.")
    rng = check_random_state(random_state)
    lo, hi = scale
    names = list(attrs)
    k = len(names)
    offsets = np.linspace(-0.3, 0.3, k)
    mu = mean_performance + offsets
    sd_total = float(np.sqrt(sd_person**2 + sd_item**2))
    latent = mu + rng.normal(0, sd_person, (n, 1)) + rng.normal(0, sd_item, (n, k))
    perf = _answers(latent, scale)
    low_cut, high_cut = lo + low_boxes - 1, hi - high_boxes + 1
    low = (perf <= low_cut).astype(float)
    high = (perf >= high_cut).astype(float)
    pen = np.array([attrs[a][0] for a in names])
    rew = np.array([attrs[a][1] for a in names])
    overall = 7.0 - low @ pen + high @ rew + rng.normal(0, noise_sd, n)
    imp_mu = 3.2 + np.linspace(0.8, -0.4, k)
    importance = _answers(imp_mu + rng.normal(0, 0.9, (n, k)), scale)
    data: dict[str, Any] = {"respondent_id": np.arange(1, n + 1)}
    columns, imp_cols, pairs = {}, {}, {}
    slugs = [a.replace(" ", "_").replace("-", "_") for a in names]
    for j, (a, slug) in enumerate(zip(names, slugs, strict=True)):
        columns[a] = f"perf_{slug}"
        imp_cols[a] = f"imp_{slug}"
        data[columns[a]] = perf[:, j].astype(int)
        data[imp_cols[a]] = importance[:, j].astype(int)
    data["overall_satisfaction"] = np.round(overall, 2)
    ia = (rew - pen) / (rew + pen)
    classes = [_ia_class(v, threshold) for v in ia]
    kano_cat = []
    for j, (a, slug) in enumerate(zip(names, slugs, strict=True)):
        mix = _KANO_MIX[classes[j]]
        kano_cat.append(max(mix, key=mix.__getitem__))
        if not kano:
            continue
        cats = rng.choice(list(mix), p=list(mix.values()), size=n)
        middle = rng.integers(2, 5, n)
        middle2 = rng.integers(2, 5, n)
        f = np.where(np.isin(cats, ["A", "O"]), 1, middle)
        d = np.where(np.isin(cats, ["M", "O"]), 5, middle2)
        data[f"kano_f_{slug}"] = f
        data[f"kano_d_{slug}"] = d
        pairs[a] = (f"kano_f_{slug}", f"kano_d_{slug}")
    z_low = stats.norm.cdf((low_cut + 0.5 - mu) / sd_total)
    z_high = stats.norm.sf((high_cut - 0.5 - mu) / sd_total)
    truth = pd.DataFrame({
        "penalty": pen, "reward": rew, "impact_asymmetry": ia, "class": classes,
        "performance": expected_answer(mu, sd_total, scale),
        "importance": expected_answer(imp_mu, 0.9, scale),
        "share_low": z_low, "share_high": z_high, "kano_category": kano_cat},
        index=pd.Index(names, name="attribute"))
    return PenaltyRewardSimulation(pd.DataFrame(data), truth, columns, imp_cols, pairs)


def write_examples(directory: Path) -> list[Path]:
    """Write ``servqual_survey.csv`` and ``servqual_management.csv`` with codebooks."""
    import yaml

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    seed = 20240606
    sim = simulate_servqual(500, n_management=60, weights=True, random_state=seed)
    written = []
    survey = directory / "servqual_survey.csv"
    sim.data.to_csv(survey, index=False, float_format="%.6g", lineterminator="\n")
    written.append(survey)
    variables: dict[str, Any] = {"respondent_id": {"label": "Respondent number",
                                                   "type": "id"}}
    for item, (e_col, p_col) in sim.items.items():
        dim = sim.truth.items.loc[item, "dimension"]
        variables[e_col] = {"label": f"Expectation, {dim} item {item}", "type": "numeric",
                            "scale": [1, 7]}
        variables[p_col] = {"label": f"Perception, {dim} item {item}", "type": "numeric",
                            "scale": [1, 7]}
    variables["overall_quality"] = {"label": "Overall service quality", "type": "numeric",
                                    "scale": [1, 7]}
    for dim, col in sim.importance.items():
        variables[col] = {"label": f"Importance points allocated to {dim} (of 100)",
                          "type": "numeric"}
    variables["weight"] = {"label": "Survey weight", "type": "weight"}
    book = {
        "dataset": "servqual_survey",
        "description": (
            "Simulated SERVQUAL survey of 500 customers: 22 items answered as expectation "
            "(exp_) and perception (per_) on 1-7, grouped into tangibles (tan), reliability "
            "(rel), responsiveness (res), assurance (ass) and empathy (emp); overall "
            "service quality; 100 importance points per respondent across the five "
            "dimensions; a survey weight. Perceptions fall short of expectations most on "
            "reliability; overall quality depends on perceptions only."),
        "source": f"simulated by expectlab.simulate.servqual.simulate_servqual, seed {seed}",
        "id": "respondent_id",
        "weight": "weight",
        "variables": variables,
    }
    path = directory / "servqual_survey.codebook.yaml"
    path.write_text(yaml.safe_dump(book, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")
    written.append(path)

    if sim.management is None or sim.management_items is None:  # n_management=60 above
        raise RuntimeError("the example simulation has no management survey")
    mgmt = directory / "servqual_management.csv"
    sim.management.to_csv(mgmt, index=False, float_format="%.6g", lineterminator="\n")
    written.append(mgmt)
    labels = {"belief": "What managers believe customers expect",
              "standard": "Service standard set",
              "delivery": "Service staff say they deliver",
              "promised": "Service promised in communications"}
    mvars: dict[str, Any] = {"manager_id": {"label": "Manager / employee number",
                                            "type": "id"}}
    for item, roles in sim.management_items.items():
        for role, col in roles.items():
            mvars[col] = {"label": f"{labels[role]}, item {item}", "type": "numeric",
                          "scale": [1, 7]}
    mbook = {
        "dataset": "servqual_management",
        "description": (
            "Simulated management and staff survey of 60 respondents for the five-gap "
            "model, matched by item to servqual_survey: belief_ (what managers believe "
            "customers expect), standard_ (the service standard), delivery_ (what staff "
            "say they deliver) and promised_ (what communications promise), on 1-7."),
        "source": f"simulated by expectlab.simulate.servqual.simulate_servqual, seed {seed}",
        "id": "manager_id",
        "variables": mvars,
    }
    path = directory / "servqual_management.codebook.yaml"
    path.write_text(yaml.safe_dump(mbook, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")
    written.append(path)
    return written
