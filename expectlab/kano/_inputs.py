"""Column roles of a Kano fit from a DataFrame or a :class:`~expectlab.Study`.

Shared by :class:`~expectlab.kano.KanoAnalysis` and :class:`~expectlab.kano.KanoDrift`.
A long DataFrame (one row per respondent x attribute [x wave]) is used as it is. A study
that declares Kano pairs (attribute label -> (functional column, dysfunctional column))
in a wide file is reshaped here with :func:`~expectlab.kano.reshape_wide`, so the
estimators never see the difference.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._errors import InputError
from .._validate import as_frame, check_in_scale

_LONG_ROLES = ("attribute", "functional", "dysfunctional")


@dataclass
class KanoInputs:
    """The tidy frame and the column of each role (``weights`` may be an array)."""

    frame: pd.DataFrame
    respondent: str
    attribute: str
    functional: str
    dysfunctional: str
    wave: str | None
    segment: str | None
    weights: Any
    importance: str | None
    importance_scale: tuple[float, float] | None
    notes: list[str]


def kano_inputs(data: Any, *, respondent: str | None, attribute: str | None,
                functional: str | None, dysfunctional: str | None, wave: str | None,
                segment: str | bool | None, weights: Any, importance: Any,
                owner: str) -> KanoInputs:
    """Resolve the roles of a Kano fit; a wide study is reshaped to long form.

    With a study: ``respondent`` defaults to ``study.id``, ``wave`` to ``study.wave``
    and ``weights`` to ``study.weights``; ``segment=True`` takes the study's first
    segment column (a study's segments are never used unless asked for, because a
    segmented fit answers a different question).
    """
    frame, study = as_frame(data, source="the Kano data")
    notes: list[str] = []
    if segment is True:
        if study is None or not study.segments:
            why = ("the study declares no segments" if study is not None
                   else "the data is a DataFrame, not a Study")
            raise InputError(f"{owner}: segment=True takes the study's first segment "
                             f"column, but {why}. Pass the segment column's name instead.")
        segment = study.segments[0]
    elif segment is False:
        segment = None
    if study is not None:
        if wave is None:
            wave = study.wave
        if respondent is None:
            respondent = study.id
        if weights is None and study.weights is not None:
            weights = study.weights
            notes.append(f"Survey weights: {weights!r} (the study's weights)")
    if weights is not None and not notes:
        notes.append(f"Survey weights: {weights!r}" if isinstance(weights, str)
                     else "Survey weights: array passed (one weight per row)")

    given = {r: v for r, v in zip(_LONG_ROLES, (attribute, functional, dysfunctional),
                                  strict=True) if v is not None}
    if study is not None and not given:
        if not study.kano_pairs:
            raise InputError(
                f"{owner}: the study declares no Kano pairs. Declare them "
                "(Study.from_frame(..., kano_pairs={attribute: (functional column, "
                "dysfunctional column)}) or 'kano:' in the codebook), or pass long data "
                "with attribute=, functional= and dysfunctional=.")
        if respondent is None:
            raise InputError(
                f"{owner}: a wide study needs a respondent id column to link each "
                "respondent's answers; declare the study's id (id=) or pass respondent=.")
        return _from_wide(frame, study, respondent=respondent, wave=wave, segment=segment,
                          weights=weights, importance=importance, notes=notes)
    missing = [r for r in ("respondent", *_LONG_ROLES)
               if {"respondent": respondent, **given}.get(r) is None]
    if missing or respondent is None:  # (a missing respondent is listed in missing)
        raise InputError(
            f"{owner}.fit needs {', '.join(f'{m}=' for m in missing)} naming the column(s) "
            "of the long Kano data (one row per respondent x attribute); for a wide file "
            "use expectlab.kano.reshape_wide or a Study with kano_pairs.")
    if importance is not None and not isinstance(importance, str):
        raise InputError(f"importance= must name a column of the long Kano data, got "
                         f"{importance!r}.")
    scale = study.scale_of(importance) if (study is not None and importance is not None
                                            and importance in frame.columns) else None
    return KanoInputs(frame, respondent, given["attribute"], given["functional"],
                      given["dysfunctional"], wave, segment, weights, importance, scale,
                      notes)


def _from_wide(frame: pd.DataFrame, study: Any, *, respondent: str, wave: str | None,
               segment: str | None, weights: Any, importance: Any,
               notes: list[str]) -> KanoInputs:
    from .reshape import reshape_wide

    pairs = study.kano_pairs
    if importance is not None and not isinstance(importance, Mapping):
        raise InputError(
            "With a wide study, importance= maps attribute labels to importance columns "
            f"({{attribute: column}}), got {importance!r}.")
    if weights is not None and not isinstance(weights, str):
        raw = weights.to_numpy() if isinstance(weights, pd.Series) else np.asarray(weights)
        if raw.ndim != 1 or raw.shape[0] != len(frame):
            raise InputError(
                f"weights has shape {raw.shape} but the study has {len(frame)} rows (one "
                "per respondent). Pass one weight per row of the study data, or the name "
                "of the weight column.")
        weights = np.tile(raw, len(pairs))  # reshape_wide stacks the pairs in order
    keep = [c for c in dict.fromkeys([wave, segment,
                                      weights if isinstance(weights, str) else None])
            if c is not None]
    long = reshape_wide(frame, pairs, respondent=respondent, keep=keep,
                        importance=dict(importance) if importance is not None else None)
    # rows of the long frame are (wide row, attribute): excluded_ then points back to the
    # respondent's row in the client's file
    long.index = pd.MultiIndex.from_arrays([long["source_row"].to_numpy(),
                                           long["attribute"].to_numpy()],
                                          names=["row", "attribute"])
    for label, col in dict(importance or {}).items():
        scale = study.scale_of(col)
        if scale is not None:
            values = long.loc[(long["attribute"] == str(label)).to_numpy(), "importance"]
            check_in_scale(values, scale, column=col, source=study.source,
                           role="importance")
    notes.append(f"Wide study reshaped: {len(frame)} respondents x {len(pairs)} Kano "
                 f"pairs = {len(long)} answer pairs in")
    return KanoInputs(long, respondent, "attribute", "functional", "dysfunctional", wave,
                      segment, weights, "importance" if importance else None, None, notes)
