"""The example client survey: one customer survey with every construct expectlab models.

A telecom provider's customers answer expectation, experience (perceived performance)
and satisfaction items, trust and switching-cost items, complaint questions, the NPS
question and four Kano question pairs; twelve months later the provider records who
renewed. The generating model is known (``truth``), so the client-study report on this
file can be checked against it.

Generating model (all latent variables on the 1-7 answer metric):

- segment: Business customers are over-sampled (about 35% of the sample, 20% of the
  population); the survey weight restores the population shares.
- expectation ``E ~ N(5.0 + 0.3 business, 0.9)``; experience
  ``P = 4.7 + 0.5 (E - 5) + N(0, 1)``;
- satisfaction: levels plus asymmetric disconfirmation ``D = P - E``:
  ``S = 1.2 + 0.55 P + 0.10 E + 0.35 max(D, 0) + 0.75 min(D, 0) + N(0, 0.5)``
  (losses weigh about twice as much as gains);
- trust ``T = 1.6 + 0.6 S + N(0, 0.8)``; switching costs ``C ~ N(3.8 + 0.8 business, 1.2)``;
- complaint ``~ Bernoulli(logistic(-1.4 - 0.6 (S - 4.5)))``; complaint handling (1-5)
  for complainers only;
- NPS answer ``round(7.3 + 1.5 (S - 4) + N(0, 1.2))`` clipped to 0-10 (an NPS near -10,
  typical of the industry);
- renewal ("stayed") ``~ Bernoulli(logistic(eta))`` with
  ``eta = 0.4 + 0.8 (S - 4.5) + 1.2 max(S - 5.5, 0) + 0.35 (C - 4) + 0.25 (T - 4)
  + complaint (0.4 good handling - 0.9 poor handling)``: the top-box premium of
  completely satisfied customers and switching costs holding the others;
- items: latent value plus ``N(0, 0.6)`` answer noise, rounded and clipped to 1-7;
  ``sat_3`` is negatively worded (answered as ``8 - S``);
- Kano pairs: each respondent's category is drawn from the attribute's true shares and
  answered with a pair of that category in the standard evaluation table;
- missing answers: about 3% "Don't know" (code 99) on items, 1% "Refused" (98) on NPS.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._resample import check_random_state
from ..codebook import Codebook, Variable

__all__ = ["simulate_client_survey", "SimulatedSurvey", "client_codebook", "write_examples",
           "KANO_ATTRIBUTES", "KANO_TRUE_SHARES"]

AGREE_7 = {1: "Strongly disagree", 4: "Neither", 7: "Strongly agree"}
KANO_ANSWERS = {1: "I like it", 2: "I expect it", 3: "I am neutral", 4: "I can tolerate it",
                5: "I dislike it"}
MISSING = {98: "Refused", 99: "Don't know"}

# attribute label -> column stem
KANO_ATTRIBUTES = {
    "Service app": "kano_app",
    "24/7 hotline": "kano_hotline",
    "Ready-to-use return label": "kano_return",
    "Live chat": "kano_chat",
}
# true category shares A, O, M, I, R, Q per attribute (rows sum to 1)
KANO_TRUE_SHARES = pd.DataFrame(
    {
        "A": [0.15, 0.05, 0.30, 0.45],
        "O": [0.45, 0.20, 0.08, 0.15],
        "M": [0.25, 0.55, 0.05, 0.05],
        "I": [0.13, 0.17, 0.53, 0.31],
        "R": [0.01, 0.02, 0.02, 0.02],
        "Q": [0.01, 0.01, 0.02, 0.02],
    },
    index=pd.Index(list(KANO_ATTRIBUTES), name="attribute"),
)
# answer pairs (functional, dysfunctional; 1 like .. 5 dislike) for each category,
# following the standard evaluation table
_KANO_CELLS = {
    "A": [(1, 2), (1, 3), (1, 4)],
    "O": [(1, 5)],
    "M": [(2, 5), (3, 5), (4, 5)],
    "I": [(f, d) for f in (2, 3, 4) for d in (2, 3, 4)],
    "R": [(5, 1), (5, 2), (5, 3), (5, 4), (2, 1), (3, 1), (4, 1)],
    "Q": [(1, 1), (5, 5)],
}

SATISFACTION_TRUTH = {"intercept": 1.2, "experience": 0.55, "expectation": 0.10,
                      "gain": 0.35, "loss": 0.75, "noise_sd": 0.5}
LOYALTY_TRUTH = {"intercept": 0.4, "satisfaction": 0.8, "top_box_excess": 1.2,
                 "top_box_threshold": 5.5, "switching_costs": 0.35, "trust": 0.25,
                 "complaint_good_handling": 0.4, "complaint_poor_handling": -0.9}


@dataclass
class SimulatedSurvey:
    """A simulated survey: the data as exported, the truth and the codebook."""

    data: pd.DataFrame
    truth: dict[str, Any]
    codebook: Codebook


def _items(rng: np.random.Generator, latent: np.ndarray, k: int, sd: float = 0.6
           ) -> np.ndarray:
    noisy = latent[:, None] + rng.normal(0.0, sd, size=(len(latent), k))
    return np.clip(np.rint(noisy), 1, 7).astype(int)


def simulate_client_survey(n_respondents: int = 600, random_state: Any = 2026,
                           missing_rate: float = 0.03) -> SimulatedSurvey:
    """Simulate the example client survey (see the module docstring for the model).

    Parameters
    ----------
    n_respondents : int
        Sample size.
    random_state : int or Generator
        Seed.
    missing_rate : float
        Share of "Don't know" answers (code 99) on each item.

    Returns
    -------
    SimulatedSurvey
        ``data`` as a survey platform would export it (missing answers still coded 98 /
        99), ``truth`` with the per-respondent latent values and the model coefficients,
        and the ``codebook``.

    Examples
    --------
    >>> sim = simulate_client_survey(200, random_state=1)
    >>> sim.data.shape[0]
    200
    """
    rng = check_random_state(random_state)
    n = int(n_respondents)
    business = rng.random(n) < 0.35
    segment = np.where(business, "Business", "Private")
    sample_share = business.mean()
    weight = np.where(business, 0.20 / sample_share, 0.80 / (1 - sample_share))

    expectation = 5.0 + 0.3 * business + rng.normal(0, 0.9, n)
    experience = 4.7 + 0.5 * (expectation - 5.0) + rng.normal(0, 1.0, n)
    d = experience - expectation
    st = SATISFACTION_TRUTH
    satisfaction = (st["intercept"] + st["experience"] * experience
                    + st["expectation"] * expectation + st["gain"] * np.maximum(d, 0)
                    + st["loss"] * np.minimum(d, 0) + rng.normal(0, st["noise_sd"], n))
    trust = 1.6 + 0.6 * satisfaction + rng.normal(0, 0.8, n)
    switching = 3.8 + 0.8 * business + rng.normal(0, 1.2, n)
    complaint = rng.random(n) < 1 / (1 + np.exp(1.4 + 0.6 * (satisfaction - 4.5)))
    handling_latent = 3.0 + 0.4 * (satisfaction - 4.5) + rng.normal(0, 1.1, n)
    handling = np.where(complaint, np.clip(np.rint(handling_latent), 1, 5), np.nan)
    nps = np.clip(np.rint(7.3 + 1.5 * (satisfaction - 4.0) + rng.normal(0, 1.2, n)), 0, 10)

    lt = LOYALTY_TRUTH
    good = complaint & (handling >= 4)
    poor = complaint & ~(handling >= 4)
    eta = (lt["intercept"] + lt["satisfaction"] * (satisfaction - 4.5)
           + lt["top_box_excess"] * np.maximum(satisfaction - lt["top_box_threshold"], 0)
           + lt["switching_costs"] * (switching - 4.0) + lt["trust"] * (trust - 4.0)
           + lt["complaint_good_handling"] * good + lt["complaint_poor_handling"] * poor)
    p_stay = 1 / (1 + np.exp(-eta))
    stayed = (rng.random(n) < p_stay).astype(int)

    exp_items = _items(rng, expectation, 3)
    perf_items = _items(rng, experience, 3)
    sat_items = _items(rng, satisfaction, 3)
    sat_items[:, 2] = 8 - sat_items[:, 2]  # negatively worded: "I regret choosing ..."
    trust_items = _items(rng, trust, 2)
    switch_items = _items(rng, switching, 2)

    columns: dict[str, Any] = {
        "respondent_id": np.arange(1, n + 1),
        "segment": segment,
        "weight": np.round(weight, 4),
    }
    for prefix, block in (("exp", exp_items), ("perf", perf_items), ("sat", sat_items),
                          ("trust", trust_items), ("switch", switch_items)):
        for j in range(block.shape[1]):
            col = block[:, j].astype(float)
            col[rng.random(n) < missing_rate] = 99
            columns[f"{prefix}_{j + 1}"] = col.astype(int)
    columns["complaint"] = complaint.astype(int)
    columns["complaint_handling"] = handling
    nps_coded = nps.copy()
    nps_coded[rng.random(n) < missing_rate / 3] = 98
    columns["nps"] = nps_coded.astype(int)
    columns["stayed"] = stayed

    categories = np.array(list(_KANO_CELLS))
    kano_truth = []
    for label, stem in KANO_ATTRIBUTES.items():
        shares = KANO_TRUE_SHARES.loc[label, list(categories)].to_numpy(dtype=float)
        drawn = rng.choice(len(categories), size=n, p=shares)
        functional = np.empty(n, dtype=int)
        dysfunctional = np.empty(n, dtype=int)
        for c, cat in enumerate(categories):
            idx = np.flatnonzero(drawn == c)
            cells = np.array(_KANO_CELLS[cat])
            pick = cells[rng.integers(0, len(cells), size=len(idx))]
            functional[idx], dysfunctional[idx] = pick[:, 0], pick[:, 1]
        functional[rng.random(n) < missing_rate] = 99
        dysfunctional[rng.random(n) < missing_rate] = 99
        columns[f"{stem}_f"] = functional
        columns[f"{stem}_d"] = dysfunctional
        kano_truth.append(pd.Series(categories[drawn], name=label))

    data = pd.DataFrame(columns)
    respondents = pd.DataFrame({
        "respondent_id": data["respondent_id"],
        "segment": segment,
        "expectation": expectation,
        "experience": experience,
        "satisfaction": satisfaction,
        "satisfaction_std": (satisfaction - satisfaction.mean()) / satisfaction.std(),
        "trust": trust,
        "switching_costs": switching,
        "p_stay": p_stay,
    })
    truth = {
        "respondents": respondents,
        "satisfaction_model": dict(SATISFACTION_TRUTH),
        "loyalty_model": dict(LOYALTY_TRUTH),
        "kano_shares": KANO_TRUE_SHARES.copy(),
        "kano_categories": pd.concat(kano_truth, axis=1),
        "population_shares": {"Business": 0.20, "Private": 0.80},
    }
    return SimulatedSurvey(data, truth, client_codebook())


def client_codebook() -> Codebook:
    """The codebook of the example client survey."""
    v: dict[str, Variable] = {}

    def add(name: str, label: str, **kw: Any) -> None:
        v[name] = Variable(name, label=label, **kw)

    add("respondent_id", "Respondent identifier", type="id")
    add("segment", "Customer segment", type="categorical")
    add("weight", "Survey weight (restores population segment shares)", type="weight")
    item = dict(type="numeric", scale=(1.0, 7.0), missing=[99],
                value_labels={**AGREE_7, 99: MISSING[99]})
    expectation_text = ["network coverage", "customer service", "value for money"]
    for j, topic in enumerate(expectation_text, 1):
        add(f"exp_{j}", f"Before joining, I expected excellent {topic}", construct="expectation",
            **item)
        add(f"perf_{j}", f"My experience of the {topic} has been excellent",
            construct="experience", **item)
    add("sat_1", "Overall, I am satisfied with my provider", construct="satisfaction", **item)
    add("sat_2", "My provider meets my needs", construct="satisfaction", **item)
    add("sat_3", "I regret choosing this provider", construct="satisfaction", reverse=True,
        **item)
    add("trust_1", "I trust my provider to keep its promises", construct="trust", **item)
    add("trust_2", "My provider is honest with its customers", construct="trust", **item)
    add("switch_1", "Changing provider would cost me a lot of time and effort",
        construct="switching_costs", **item)
    add("switch_2", "I would lose benefits if I changed provider", construct="switching_costs",
        **item)
    add("complaint", "Complained in the last 12 months", type="numeric", scale=(0.0, 1.0),
        value_labels={0: "No", 1: "Yes"})
    add("complaint_handling", "Satisfaction with how the complaint was handled "
        "(complainers only)", type="numeric", scale=(1.0, 5.0),
        value_labels={1: "Very dissatisfied", 5: "Very satisfied"})
    add("nps", "How likely are you to recommend us to a friend or colleague?", type="numeric",
        scale=(0.0, 10.0), missing=[98],
        value_labels={0: "Not at all likely", 10: "Extremely likely", 98: "Refused"})
    add("stayed", "Renewed the contract within 12 months after the survey (from records)",
        type="numeric", scale=(0.0, 1.0), value_labels={0: "Left", 1: "Renewed"})
    kano = dict(type="numeric", scale=(1.0, 5.0), missing=[99],
                value_labels={**KANO_ANSWERS, 99: "Don't know"})
    for label, stem in KANO_ATTRIBUTES.items():
        add(f"{stem}_f", f"{label}: how do you feel if it is offered? (functional)", **kano)
        add(f"{stem}_d", f"{label}: how do you feel if it is not offered? (dysfunctional)",
            **kano)
    return Codebook(
        variables=v,
        dataset="client_survey",
        description="Example customer survey of a telecom provider (simulated).",
        source="Simulated by expectlab.simulate.client.simulate_client_survey("
               "n_respondents=600, random_state=2026); see that module for the model.",
        id_column="respondent_id",
        # the study's roles, so that expectlab.Study.from_survey(survey) knows them
        weight_column="weight",
        segment_columns=["segment"],
        nps_column="nps",
        kano_pairs={label: (f"{stem}_f", f"{stem}_d") for label, stem in KANO_ATTRIBUTES.items()},
        scales={
            "expectation": ["exp_1", "exp_2", "exp_3"],
            "experience": ["perf_1", "perf_2", "perf_3"],
            "satisfaction": ["sat_1", "sat_2", "sat_3"],
            "trust": ["trust_1", "trust_2"],
            "switching_costs": ["switch_1", "switch_2"],
        },
    )


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a CSV deterministically (fixed float format and line endings)."""
    frame.to_csv(path, index=False, float_format="%.6g", lineterminator="\n")


def write_sav(frame: pd.DataFrame, codebook: Codebook, path: Path) -> None:
    """Write an SPSS file with labels and user-missing codes, byte for byte reproducible.

    SPSS stamps the creation date and time into the file header; they are overwritten
    with a fixed stamp so that regenerating the example gives identical bytes.
    """
    import pyreadstat

    labels: dict[str, str | None] = {c: codebook.label(c) for c in frame.columns}
    value_labels = {c: {float(k): str(t) for k, t in codebook.get(c).value_labels.items()}
                    for c in frame.columns if codebook.get(c).value_labels
                    and pd.api.types.is_numeric_dtype(frame[c])}
    missing: dict[str, list[Any]] = {c: [float(m) for m in codebook.get(c).missing]
               for c in frame.columns if codebook.get(c).missing}
    measure = {}
    for c in frame.columns:
        var = codebook.get(c)
        if var.type == "categorical" or c == "respondent_id":
            measure[c] = "nominal"
        elif var.scale is not None:
            measure[c] = "ordinal"
        else:
            measure[c] = "scale"
    pyreadstat.write_sav(
        frame, str(path), file_label=(codebook.dataset or "")[:64], column_labels=labels,
        variable_value_labels=value_labels, missing_ranges=missing, variable_measure=measure,
    )
    raw = bytearray(path.read_bytes())
    # header: rec_type(4) product(60) layout(4) nominal_case_size(4) compression(4)
    # weight_index(4) ncases(4) bias(8) -> creation date at byte 92, time at byte 101
    if raw[:4] == b"$FL2":
        raw[92:101] = b"01 Jan 26"
        raw[101:109] = b"00:00:00"
        path.write_bytes(bytes(raw))
    else:  # pragma: no cover - pyreadstat always writes an uncompressed $FL2 header here
        raise RuntimeError(f"Unexpected SPSS header in {path}: {struct.unpack('4s', raw[:4])}")


def write_examples(directory: Path) -> list[Path]:
    """Write ``client_survey.csv``, ``client_survey.sav`` and the YAML codebook."""
    directory = Path(directory)
    sim = simulate_client_survey(600, random_state=2026)
    csv_path = directory / "client_survey.csv"
    sav_path = directory / "client_survey.sav"
    book_path = directory / "client_survey.codebook.yaml"
    write_csv(sim.data, csv_path)
    write_sav(sim.data, sim.codebook, sav_path)
    sim.codebook.to_yaml(book_path)
    truth_path = directory / "client_survey.truth.csv"
    write_csv(sim.truth["respondents"].round(6), truth_path)
    return [csv_path, sav_path, book_path, truth_path]
