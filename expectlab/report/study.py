"""Reading and checking a client file for the report: the study the sections work on.

:func:`prepare_study` reads the file, resolves the column mapping (which sections run
follows from the columns the file has, see :mod:`expectlab.report.sections`), builds the
measurement layer (:class:`~expectlab.Study`) and the scale scores on the declared answer
scale, and validates the inputs of every section that runs. The report command calls it
before running anything, so a bad file stops with one clear message and no report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .._errors import InputError
from ..io import SurveyData, read_survey
from ..scales import ScaleScore, scale_score
from ..study import Study
from .formatting import humanise
from .parameters import (
    DEFAULT_PARAMETERS,
    split_data_source,
    validate_parameters,
)
from .sections import Reason, SectionPlan, explicit_names, plan_sections

__all__ = ["StudyData", "prepare_study", "preflight"]


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
        The validated parameters, with default mappings the file lacks removed.
    notes : list of str
        Reader and scoring notes for the data-quality appendix.
    study : Study
        The measurement layer (roles of the columns), validated.
    sections : dict of str to SectionPlan
        Which analysis sections run, and what each leaves out and why.
    adjustments : list of Reason
        Default roles the file lacks (no segments, no weights), for the methods appendix.
    explicit : set of str
        The parameters the user passed.
    fingerprint : str
        Digest of the parameters this study was prepared from (see
        :mod:`expectlab.report._handover`).
    """

    survey: SurveyData
    data: pd.DataFrame
    scales: dict[str, ScaleScore]
    params: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    study: Study | None = None
    sections: dict[str, SectionPlan] = field(default_factory=dict)
    adjustments: list[Reason] = field(default_factory=list)
    explicit: set[str] = field(default_factory=set)
    fingerprint: str = ""

    def runs(self, section: str) -> bool:
        """Whether the analysis section ``section`` runs on this file."""
        plan = self.sections.get(section)
        return bool(plan and plan.runs)

    def label(self, column: str) -> str:
        """The codebook's wording of ``column``; a plain form of its name otherwise."""
        text = self.survey.codebook.label(column)
        return humanise(column) if text == column else text


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


def prepare_study(params: Mapping[str, Any], *,
                  explicit: Iterable[str] | None = None) -> StudyData:
    """Read the client file, resolve the column mapping and validate every section's inputs.

    Parameters
    ----------
    params : mapping
        Report parameters (unknown names are refused).
    explicit : iterable of str, optional
        The parameters the user passed. A mapping the user passed whose columns the file
        does not have is an error; a default mapping (the template's value) whose columns
        are absent only leaves its section out. When ``None``, the parameters whose value
        differs from :data:`DEFAULT_PARAMETERS` count as passed.

    Raises
    ------
    InputError
        One clear message when the file, the mapping or the input of any section that
        runs is wrong; the report command calls this before executing the template, so a
        bad file gives no report at all.
    """
    params = validate_parameters(params, allowed=list(params) + list(DEFAULT_PARAMETERS))
    if not params.get("data_path"):
        raise InputError("No data file given: pass --data FILE.")
    defaults = validate_parameters({})
    explicit_set = (set(explicit) if explicit is not None
                    else explicit_names(params, defaults))
    explicit_set -= {"data_path"}
    from ._handover import fingerprint, read_prepared

    key = fingerprint(params, explicit_set)
    handed = read_prepared(key)
    if handed is not None:  # read and validated by the report command moments ago
        return handed
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
        for pair in (params.get("servqual_items") or {}).values():
            items.extend(pair)
    survey = read_survey(
        data_path,
        codebook=params.get("codebook_path"),
        missing_codes=params.get("missing_codes"),
        items=_present_columns(data_path, items, read_options) if items else None,
        id_column=params.get("id_column") if params.get("id_column") else None,
        **read_options,
    )
    name = survey.source.name
    columns = list(survey.data.columns)
    codebook_scales = [k for k, v in survey.codebook.scales.items() if v]
    params, plan, adjustments, errors = plan_sections(params, explicit_set, columns,
                                                      codebook_scales)
    if errors:
        raise InputError(
            f"{name}: the report was asked for column(s) the file does not have, or a "
            "section's mapping is incomplete: "
            f"{'; '.join(errors)}. Give the right column names with --param NAME=COLUMN, "
            "or leave that part of the report out by not passing the parameter (or passing "
            f"NAME=null). Columns in the file: {', '.join(map(repr, columns[:40]))}"
            f"{' ...' if len(columns) > 40 else ''}."
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

    definitions = _scale_definitions(params, survey)
    for scale_name, items in definitions.items():
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
    # the measurement layer: roles of the columns, validated once (ids unique, weights,
    # segments, items inside their scales, NPS answers 0-10)
    study = Study.from_survey(
        survey, id=params.get("id_column"), weights=params.get("weight_column"),
        segments=(params["segment_column"],) if params.get("segment_column") else (),
        nps=params.get("nps_column") if plan["nps"].runs else None,
        kano_pairs=params["kano_pairs"] if plan["kano"].runs else {},
        scales={k: v for k, v in definitions.items() if k not in survey.codebook.scales})
    result = StudyData(survey, data, scales, params, notes, study=study, sections=plan,
                       adjustments=adjustments, explicit=explicit_set, fingerprint=key)
    preflight(result)
    return result


def preflight(study: StudyData) -> None:
    """Validate the inputs of every section that runs; raise one :class:`InputError`.

    A section must never meet an input error halfway through the report (and turn it into
    a note a consultant might overlook): the problems a file can have are found here.
    """
    from .._validate import numeric_column

    data, params, name = study.data, study.params, study.survey.source.name
    # presentation: the language's catalogue, a CJK font for Chinese, the style's colours
    from .blocks import figure_rc
    from .i18n import messages
    from .pages import _colour, _logo

    language = params.get("language") or "en"
    messages(language)
    style = params.get("style")
    if style is not None and not isinstance(style, Mapping):
        raise InputError(f"The report style must be a mapping (logo, colours, footer, "
                         f"title_colour), got {type(style).__name__}.")
    figure_rc(language, dict(style or {}))
    _colour((style or {}).get("title_colour"))
    _logo((style or {}).get("logo"))
    if study.runs("kano"):
        from ..kano.answers import detect_answer_set, to_codes

        cols = [c for pair in params["kano_pairs"].values() for c in pair]
        chosen = detect_answer_set(*(study.survey.data[c] for c in cols),
                                   answer_set=params.get("kano_answer_set"))
        for c in cols:
            to_codes(study.survey.data[c], chosen, column=c)
    if study.runs("loyalty"):
        outcome = params["loyalty_outcome"]
        values = numeric_column(data, outcome, role="loyalty outcome", source=name)
        if values.dropna().nunique() < 2:
            raise InputError(
                f"{name}, loyalty outcome {outcome!r}: every answered row has the same value "
                f"({values.dropna().unique()[:3].tolist()!r}), so nothing can tell stayers "
                "from leavers. Map another outcome (--param loyalty_outcome=COLUMN) or leave "
                "the loyalty model out (--param loyalty_outcome=null).")
        for driver in params["loyalty_drivers"]:
            numeric_column(data, driver, role="loyalty driver", source=name)
    _preflight_optional(study)
    if study.runs("purchase"):
        from ..repeat.summaries import summarise_transactions

        # One pass over the log finds every problem the purchase section could meet;
        # repeated rows are no error there (they are kept and counted), so they are kept
        # here, without the section's extra passes that count them.
        table = summarise_transactions(
            params["transactions_path"],
            customer=params.get("transactions_customer") or "customer_id",
            date=params.get("transactions_date") or "date",
            amount=params.get("transactions_amount") or None,
            time_unit="W", duplicates="keep")
        if not table.index.isin(data[params["id_column"]].dropna().unique()).any():
            raise InputError(
                f"No customer of the purchase log {params['transactions_path']!r} matches a "
                f"respondent id of {name} (log ids such as {list(table.index[:3])!r}, survey "
                f"ids such as {data[params['id_column']].iloc[:3].tolist()!r}). Check "
                "transactions_customer and id_column and their types.")


def _present_columns(data_path: str, items: list[str], read_options: Mapping[str, Any]
                     ) -> list[str] | None:
    """The mapped items the file has (absent ones are reported after reading)."""
    header = read_survey(data_path, check_scales=False, **read_options).data.columns
    present = [c for c in dict.fromkeys(items) if c in header]
    return present or None


def _preflight_optional(study: StudyData) -> None:
    """SERVQUAL, satisfaction index, expectation dynamics and service recovery: each model
    is fitted once without resampling, so every problem its input can have (answers off
    the scale, a flag that is not 0/1, a single wave, a construct without variance) stops
    the report here with the model's own message."""
    import warnings

    checks: list[tuple[str, Any]] = []
    if study.runs("servqual"):
        from ..servqual.report_section import fit_model as fit_servqual

        checks.append(("servqual", lambda: fit_servqual(study, n_boot=0)))
    if study.runs("csi"):
        from ..csi.report_section import fit_model as fit_csi

        if int(study.params["n_boot"]) < 2:
            raise InputError("The satisfaction-index section (csi_model) needs at least 2 "
                             "bootstrap resamples for its intervals; give --param "
                             "n_boot=500 (or more), or leave the section out.")

        checks.append(("csi", lambda: fit_csi(study, n_boot=0)))
    if study.runs("dynamics"):
        from ..dynamics.report_section import fit_updating

        checks.append(("dynamics", lambda: fit_updating(study)))
    if study.runs("recovery"):
        from ..dynamics.report_section import fit_recovery

        checks.append(("recovery", lambda: fit_recovery(study)))
    names = {"servqual": "service quality (servqual_items)",
             "csi": "satisfaction index (csi_model)",
             "dynamics": "expectation dynamics (panel_*)",
             "recovery": "service recovery (recovery_*)"}
    for section, fit in checks:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fit()
        except InputError as exc:
            raise InputError(f"{study.survey.source.name}, {names[section]} section: {exc} "
                             "Correct the data or the mapping, or leave the section out by "
                             "not passing its parameters.") from None
