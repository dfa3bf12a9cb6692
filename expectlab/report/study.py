"""Reading and checking a client file for the report: the study the sections work on.

:func:`prepare_study` reads the file, checks that every mapped column exists, checks
weights, and builds the scale scores on the declared answer scale. The report command
calls it before running anything, so a bad file stops with one clear message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .._errors import InputError
from ..io import SurveyData, read_survey
from ..scales import ScaleScore, scale_score
from .parameters import (
    _COLUMN_PARAMS,
    DEFAULT_PARAMETERS,
    split_data_source,
    validate_parameters,
)

__all__ = ["StudyData", "prepare_study"]


@dataclass
class StudyData:
    """A client survey ready for the report sections.

    Attributes
    ----------
    survey : SurveyData
        The file as read (codes, codebook, missing report).
    data : DataFrame
        Reverse-coded items plus one column per scale score.
    scales : dict of str to ScaleScore
        Scale scores with their reliability.
    params : dict
        The validated parameters.
    """

    survey: SurveyData
    data: pd.DataFrame
    scales: dict[str, ScaleScore]
    params: dict[str, Any]
    notes: list[str] = field(default_factory=list)



def _scale_definitions(params: Mapping[str, Any], survey: SurveyData) -> dict[str, list[str]]:
    if params.get("scales"):
        scales = params["scales"]
        if not isinstance(scales, dict):
            raise InputError(f"Parameter 'scales' must map scale names to item lists, got "
                             f"{scales!r}.")
        return {str(k): list(v) for k, v in scales.items()}
    scales = {k: list(v) for k, v in survey.codebook.scales.items() if v}
    for name, key in (("expectation", "expectation_items"), ("experience", "experience_items"),
                      ("satisfaction", "satisfaction_items")):
        if params.get(key):
            scales[name] = list(params[key])
    return scales


def prepare_study(params: Mapping[str, Any]) -> StudyData:
    """Read the client file, check the mapped columns and build the scale scores.

    Raises :class:`InputError` with one clear message when the file or the mapping is
    wrong; the report command calls this before executing the template.
    """
    params = validate_parameters(params, allowed=list(params) + list(DEFAULT_PARAMETERS))
    if not params.get("data_path"):
        raise InputError("No data file given: pass --data FILE.")
    data_path, read_options = split_data_source(params["data_path"])
    items: list[str] = []
    if params.get("missing_codes") is not None and not isinstance(params["missing_codes"],
                                                                  Mapping):
        # global missing codes reach the mapped answer items, not ids, weights or segments
        for key in ("expectation_items", "experience_items", "satisfaction_items"):
            items.extend(params.get(key) or [])
        for pair in params["kano_pairs"].values():
            items.extend(pair)
        if params.get("nps_column"):
            items.append(params["nps_column"])
    survey = read_survey(
        data_path,
        codebook=params.get("codebook_path"),
        missing_codes=params.get("missing_codes"),
        items=_present_columns(data_path, items, read_options) if items else None,
        id_column=params.get("id_column"),
        **read_options,
    )
    name = survey.source.name
    needed: list[str] = []
    for key in _COLUMN_PARAMS:
        if params.get(key):
            needed.append(params[key])
    for key in ("expectation_items", "experience_items", "satisfaction_items"):
        needed.extend(params.get(key) or [])
    for pair in params["kano_pairs"].values():
        needed.extend(pair)
    absent = [c for c in dict.fromkeys(needed) if c not in survey.data.columns]
    if absent:
        raise InputError(
            f"{name}: the report parameters name column(s) the file does not have: "
            f"{', '.join(map(repr, absent))}. Map them with --param (e.g. --param "
            "segment_column=region, --param nps_column=null to leave a section out). "
            f"Columns in the file: {', '.join(map(repr, list(survey.data.columns)[:40]))}."
        )
    weight_col = params.get("weight_column")
    if weight_col:
        # the one weight check every estimator uses; in a report a missing or zero weight
        # is an error too, because the profile's weighted shares would silently drop rows
        from .._validate import weights_array

        try:
            weights_array(survey.data, weight_col, source=name)
        except InputError as exc:
            raise InputError(f"{exc} Or run without weights (--param weight_column=null)."
                             ) from None
    data = survey.reverse_coded()
    scales: dict[str, ScaleScore] = {}
    notes: list[str] = list(survey.notes)
    import warnings

    for scale_name, items in _scale_definitions(params, survey).items():
        missing_items = [i for i in items if i not in data.columns]
        if missing_items:
            raise InputError(
                f"{name}: scale {scale_name!r} lists item(s) {missing_items} that the file "
                "does not have. Correct the codebook's scales or the 'scales' parameter."
            )
        # The codebook's scale where declared, else the template's scale_min/scale_max;
        # either way every answer is checked against it, so a code such as 99 stops the
        # report instead of entering a score.
        fallback = (float(params["scale_min"]), float(params["scale_max"]))
        declared = {survey.codebook.get(i).scale or fallback for i in items}
        if len(declared) != 1:
            detail = ", ".join(f"{i}: {survey.codebook.get(i).scale or fallback}"
                               for i in items)
            raise InputError(
                f"{name}: scale {scale_name!r} mixes items on different answer scales "
                f"({detail}). Put its items on one scale, or correct 'scale: [min, max]' "
                "in the codebook."
            )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            # the items are already reverse-coded above, on their declared scale
            score = scale_score(data, items, name=scale_name, scale=declared.pop())
        notes.extend(str(w.message) for w in caught)
        if scale_name in survey.data.columns and scale_name not in items:
            raise InputError(
                f"{name}: a scale is named {scale_name!r} like an existing column. Rename "
                "the scale in the codebook or the 'scales' parameter."
            )
        data[scale_name] = score.scores
        scales[scale_name] = score
    return StudyData(survey, data, scales, params, notes)



def _present_columns(data_path: str, items: list[str], read_options: Mapping[str, Any]
                     ) -> list[str] | None:
    """The mapped items the file has (absent ones are reported after reading)."""
    header = read_survey(data_path, check_scales=False, **read_options).data.columns
    present = [c for c in dict.fromkeys(items) if c in header]
    return present or None


