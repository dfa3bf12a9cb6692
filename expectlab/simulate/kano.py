"""Seeded simulator of multi-wave Kano panels with known category paths.

Each attribute's true category shares follow a path over the waves ("no drift",
"life cycle" I -> A -> O -> M, "flavour of the month" rising to attractive and falling
back, a steady "must-be", or an explicit table). Respondents can be linked across waves:
each has a persistent position on the life-cycle order (a Gaussian copula with
``persistence``), so when the shares move, individuals move forward along I < A < O < M.
Answers are drawn from the evaluation-table cells of the latent category, then optional
answer noise and a wording effect are applied. The truth returned includes the shares
the data are expected to show after noise and wording effects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from .._errors import InputError
from .._resample import check_random_state

__all__ = ["KanoPanel", "simulate_kano_panel", "path_shares", "PATHS", "write_examples"]

_CATS = ("A", "O", "M", "I", "R", "Q")
# anchor share vectors (A, O, M, I, R, Q) of the four life-cycle stages
_ANCHORS = np.array([
    [0.15, 0.05, 0.05, 0.70, 0.03, 0.02],  # indifferent
    [0.55, 0.15, 0.05, 0.20, 0.03, 0.02],  # attractive
    [0.20, 0.50, 0.15, 0.10, 0.03, 0.02],  # one-dimensional
    [0.05, 0.20, 0.60, 0.10, 0.03, 0.02],  # must-be
])
_NO_DRIFT = np.array([0.30, 0.20, 0.15, 0.30, 0.03, 0.02])
PATHS = ("no drift", "life cycle", "flavour of the month", "must-be")
# order of categories along the latent scale: Q, R first, then the life cycle I < A < O < M
_LATENT_ORDER = np.array([5, 4, 3, 0, 1, 2])
_STANDARD = ("QAAAO", "RIIIM", "RIIIM", "RIIIM", "RRRRQ")


def _stage_mix(s: np.ndarray) -> np.ndarray:
    """Shares at fractional life-cycle stage ``s`` in [0, 3] (linear between anchors)."""
    s = np.clip(np.asarray(s, dtype=float), 0, 3)
    lo = np.floor(s).astype(int).clip(0, 2)
    frac = (s - lo)[:, None]
    return (1 - frac) * _ANCHORS[lo] + frac * _ANCHORS[lo + 1]


def path_shares(path: Any, n_waves: int) -> np.ndarray:
    """True category shares (n_waves x 6, order A, O, M, I, R, Q) for a named path or an
    explicit table.

    Examples
    --------
    >>> path_shares("life cycle", 4).argmax(axis=1).tolist()  # I, A, O, M
    [3, 0, 1, 2]
    """
    pos = np.linspace(0, 1, n_waves) if n_waves > 1 else np.zeros(1)
    if isinstance(path, str):
        key = path.strip().casefold()
        if key == "no drift":
            return np.tile(_NO_DRIFT, (n_waves, 1))
        if key == "must-be":
            return np.tile(_ANCHORS[3], (n_waves, 1))
        if key == "life cycle":
            return _stage_mix(3 * pos)
        if key == "flavour of the month":
            return _stage_mix(1.6 * np.sin(np.pi * pos))
        raise InputError(
            f"Unknown path {path!r}; use one of {', '.join(map(repr, PATHS))} or an "
            "n_waves x 6 array of shares (A, O, M, I, R, Q)."
        )
    arr = np.asarray(path, dtype=float)
    if arr.shape != (n_waves, 6) or np.any(arr < 0) or not np.allclose(arr.sum(axis=1), 1):
        raise InputError(
            f"An explicit path must be an n_waves x 6 array ({n_waves} x 6) of non-negative "
            f"shares summing to 1 per wave; got shape {arr.shape}."
        )
    return arr


def _cell_probs() -> np.ndarray:
    """(6, 5, 5): for each latent category, answer pairs drawn uniformly from its cells."""
    out = np.zeros((6, 5, 5))
    for f in range(5):
        for d in range(5):
            out[_CATS.index(_STANDARD[f][d]), f, d] = 1
    return out / out.sum(axis=(1, 2), keepdims=True)


def _observed_shares(latent: np.ndarray, noise: float, shift: float) -> np.ndarray:
    """Category shares expected in the data after answer noise and a wording shift."""
    cells = _cell_probs()
    nmat = (1 - noise) * np.eye(5) + noise / 5
    smat = np.eye(5)
    smat[3, 3], smat[3, 4] = 1 - shift, shift
    cell_obs = np.einsum("fa,cfd,db,be->cae", nmat, cells, nmat, smat)
    table = np.array([[_CATS.index(_STANDARD[f][d]) for d in range(5)] for f in range(5)])
    to_cat = np.zeros((6, 6))
    for k in range(6):
        to_cat[:, k] = cell_obs[:, table == k].sum(axis=1)
    return latent @ to_cat


@dataclass
class KanoPanel:
    """Simulated Kano panel: ``data`` (tidy answers) and ``truth`` (shares per wave)."""

    data: pd.DataFrame
    truth: pd.DataFrame


def simulate_kano_panel(
    n_respondents: int = 400,
    n_waves: int = 4,
    paths: Mapping[str, Any] | None = None,
    *,
    linked: bool = True,
    persistence: float = 0.8,
    noise: float = 0.0,
    answer_set: Any = None,
    wording_shift: Mapping[Any, float] | None = None,
    weights: bool = False,
    random_state: Any = None,
) -> KanoPanel:
    """Simulate a multi-wave Kano survey where each attribute follows a known path.

    Parameters
    ----------
    n_respondents : int
        Respondents per wave.
    n_waves : int
        Number of waves (labelled 1, 2, ...).
    paths : dict
        Attribute label -> path name (see :data:`PATHS`) or an ``n_waves x 6`` share table.
        Default: one attribute per named path.
    linked : bool
        Same respondents in every wave (ids 1..n) with persistent answers; otherwise new
        respondents each wave (ids continue across waves).
    persistence : float
        Correlation of a linked respondent's latent position between waves (0..1).
    noise : float
        Probability that an answer is replaced by a uniformly random one.
    answer_set : None, str or dict wave -> str
        ``None`` writes codes 1-5; a built-in set name writes its labels (a dict gives the
        set per wave, e.g. to simulate a questionnaire change).
    wording_shift : dict wave -> float, optional
        Probability that a dysfunctional "tolerate" answer becomes "dislike" in that wave,
        the effect of a wording such as "I dislike it, but I can live with it".
    weights : bool
        Add a survey-weight column (log-normal, mean about 1).
    random_state : int, Generator or None
        Seed.

    Returns
    -------
    KanoPanel
        ``data`` with columns respondent, wave, attribute, functional, dysfunctional
        (and weight); ``truth`` with latent and expected observed shares, Better and Worse
        per attribute x wave.

    Examples
    --------
    >>> sim = simulate_kano_panel(100, 3, {"App": "life cycle"}, random_state=1)
    >>> sim.data.shape
    (300, 5)
    """
    rng = check_random_state(random_state)
    if not isinstance(n_respondents, int | np.integer) or n_respondents < 1:
        raise InputError(f"n_respondents must be a positive integer, got {n_respondents!r}.")
    if not isinstance(n_waves, int | np.integer) or n_waves < 1:
        raise InputError(f"n_waves must be a positive integer, got {n_waves!r}.")
    if not 0 <= noise <= 1 or not 0 <= persistence < 1:
        raise InputError(
            f"noise must lie in [0, 1] and persistence in [0, 1); got {noise!r}, "
            f"{persistence!r}."
        )
    paths = dict(paths) if paths else {
        "No drift": "no drift", "Life cycle": "life cycle",
        "Flavour of the month": "flavour of the month", "Must-be": "must-be"}
    waves = list(range(1, n_waves + 1))
    shift: dict[int, float] = dict.fromkeys(waves, 0.0)
    shift.update({int(k): float(v) for k, v in (wording_shift or {}).items()})
    cells = _cell_probs().reshape(6, 25)
    cell_cum = np.cumsum(cells, axis=1)
    frames, truth_rows = [], []
    for attr, path in paths.items():
        shares = path_shares(path, n_waves)
        z = rng.standard_normal(n_respondents)
        for wi, w in enumerate(waves):
            if linked:
                e = rng.standard_normal(n_respondents)
                latent = persistence * z + np.sqrt(1 - persistence**2) * e
            else:
                latent = rng.standard_normal(n_respondents)
            u = special.ndtr(latent)
            cum = np.cumsum(shares[wi][_LATENT_ORDER])
            cat = _LATENT_ORDER[np.minimum(np.searchsorted(cum, u, side="right"), 5)]
            cell = (rng.random(n_respondents)[:, None] > cell_cum[cat]).sum(axis=1)
            f, d = cell // 5 + 1, cell % 5 + 1
            if noise:
                nf = rng.random(n_respondents) < noise
                nd = rng.random(n_respondents) < noise
                f = np.where(nf, rng.integers(1, 6, n_respondents), f)
                d = np.where(nd, rng.integers(1, 6, n_respondents), d)
            if shift[w]:
                d = np.where((d == 4) & (rng.random(n_respondents) < shift[w]), 5, d)
            ids = np.arange(1, n_respondents + 1) + (0 if linked else wi * n_respondents)
            frames.append(pd.DataFrame({"respondent": ids, "wave": w, "attribute": attr,
                                        "functional": f, "dysfunctional": d}))
            obs = _observed_shares(shares[wi], noise, shift[w])
            base = obs[:4].sum()
            truth_rows.append({
                "attribute": attr, "wave": int(w),
                "path": path if isinstance(path, str) else "custom",
                **{f"latent_{c}": shares[wi, k] for k, c in enumerate(_CATS)},
                **{c: obs[k] for k, c in enumerate(_CATS)},
                "better": (obs[0] + obs[1]) / base, "worse": -(obs[1] + obs[2]) / base})
    data = pd.concat(frames, ignore_index=True)
    data = data.sort_values(["wave", "respondent"], kind="stable", ignore_index=True)
    if weights:
        per_resp = rng.lognormal(-0.125, 0.5, size=data["respondent"].max())
        data["weight"] = per_resp[data["respondent"].to_numpy() - 1]
    if answer_set is not None:
        from ..kano.answers import _resolve

        by_wave = answer_set if isinstance(answer_set, Mapping) else {
            w: answer_set for w in waves}
        for col in ("functional", "dysfunctional"):
            text = np.empty(len(data), dtype=object)
            for w in waves:
                chosen = _resolve(by_wave[w]) if w in by_wave else None
                if chosen is None:
                    raise InputError(f"answer_set gives no answer set for wave {w}; name "
                                     f"one for every wave 1-{n_waves} (or pass one set "
                                     "for all waves).")
                labels = np.array(chosen.labels, dtype=object)
                m = (data["wave"] == w).to_numpy()
                text[m] = labels[data.loc[m, col].to_numpy() - 1]
            data[col] = text
    return KanoPanel(data=data, truth=pd.DataFrame(truth_rows))


_EXAMPLE_PATHS = {
    "Service app": "life cycle",
    "24/7 hotline": "must-be",
    "Live chat": "flavour of the month",
    "Ready-to-use return label": "no drift",
}


def write_examples(directory: Path) -> list[Path]:
    """Write ``kano_waves.csv`` (4 linked waves, 300 respondents, 4 attributes) and its
    codebook into ``directory``; the output is byte-identical on every run."""
    import yaml

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    sim = simulate_kano_panel(300, 4, _EXAMPLE_PATHS, linked=True, persistence=0.8,
                              noise=0.05, random_state=2024)
    csv = directory / "kano_waves.csv"
    sim.data.to_csv(csv, index=False, lineterminator="\n")
    answers = {1: "I like it", 2: "I expect it", 3: "I am neutral", 4: "I can tolerate it",
               5: "I dislike it"}
    codebook = {
        "dataset": "kano_waves",
        "description": "Simulated four-wave Kano panel: the same 300 respondents answer the "
                       "functional and dysfunctional question for four service attributes "
                       "in each wave. 'Service app' follows the life cycle I -> A -> O -> M, "
                       "'24/7 hotline' stays must-be, 'Live chat' is a flavour of the month "
                       "(rises to attractive and falls back), 'Ready-to-use return label' "
                       "does not drift. 5% of answers are random noise.",
        "source": "simulated by expectlab.simulate.kano.write_examples, seed 2024",
        "wave": "wave",
        "variables": {
            # one row per respondent x wave x attribute, so the id repeats: it is a
            # grouping column here, not the file's unique row id
            "respondent": {"label": "Respondent id (same person in every wave)",
                           "type": "categorical"},
            "wave": {"label": "Survey wave", "type": "numeric"},
            "attribute": {"label": "Service attribute", "type": "categorical"},
            # separate dicts: a shared one would be written as a YAML anchor and alias,
            # which codebooks refuse
            "functional": {"label": "Answer if the attribute is present", "type": "numeric",
                           "scale": [1, 5], "value_labels": dict(answers)},
            "dysfunctional": {"label": "Answer if the attribute is absent", "type": "numeric",
                              "scale": [1, 5], "value_labels": dict(answers)},
        },
    }
    book = directory / "kano_waves.codebook.yaml"
    with open(book, "w", encoding="utf-8", newline="\n") as fh:
        yaml.safe_dump(codebook, fh, sort_keys=False, allow_unicode=True, width=88)
    return [csv, book]
