"""Which sections of the client report run, and why the others were left out.

The sections follow the data: a file without Kano question pairs gets no Kano section,
without an NPS item no NPS section, without a purchase log no purchase section. A
*default* mapping (the template's parameter value, which points at the bundled example)
whose columns the file does not have means "leave that part out" and the methods
appendix says so; a mapping the user *asked for* (a parameter passed explicitly) whose
columns are missing is an :class:`~expectlab.InputError`.

:func:`plan_sections` only looks at column names; :func:`~expectlab.report.prepare_study`
then validates the inputs of every section that runs, before the template executes.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["SECTIONS", "OPTIONAL_SECTIONS", "Reason", "SectionPlan", "plan_sections",
           "explicit_names"]

# the analysis sections in reading order (the data profile always runs)
SECTIONS = ("kano", "satisfaction", "servqual", "csi", "loyalty", "nps", "dynamics",
            "recovery", "purchase")
#: Sections that run only when the user maps their columns (their parameters default to
#: null); left out, they are listed in the methods appendix but not in the summary.
OPTIONAL_SECTIONS = ("servqual", "csi", "dynamics", "recovery")
_PANEL_REQUIRED = ("panel_id", "panel_wave", "panel_expectation", "panel_experience")
_PANEL_OPTIONAL = ("panel_satisfaction", "panel_promise", "panel_loyalty")
_RECOVERY_REQUIRED = ("recovery_failure", "recovery_recovered")


@dataclass(frozen=True)
class Reason:
    """Why something was left out: a message key and the values it names."""

    key: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def text(self, tr: Any) -> str:
        return tr(self.key, **dict(self.values))


@dataclass
class SectionPlan:
    """Whether a section runs, and the reasons for what it leaves out."""

    name: str
    runs: bool
    reasons: list[Reason] = field(default_factory=list)


def explicit_names(params: Mapping[str, Any], defaults: Mapping[str, Any]) -> set[str]:
    """Parameters whose value differs from the template default: the user passed them."""
    return {k for k, v in params.items() if k in defaults and v != defaults[k]}


def _absent(columns: Iterable[str], present: Collection[str]) -> list[str]:
    return [c for c in dict.fromkeys(columns) if c not in present]


def _hint(column: str, present: Collection[str]) -> str:
    close = difflib.get_close_matches(str(column), [str(c) for c in present], n=3)
    return f" (did you mean {', '.join(map(repr, close))}?)" if close else ""


def plan_sections(params: dict[str, Any], explicit: Collection[str],
                  columns: Collection[str], scale_names: Collection[str]
                  ) -> tuple[dict[str, Any], dict[str, SectionPlan], list[Reason], list[str]]:
    """Resolve the column mapping against the file.

    Parameters
    ----------
    params : dict
        Validated report parameters.
    explicit : collection of str
        Names of the parameters the user passed.
    columns : collection of str
        Columns of the survey file.
    scale_names : collection of str
        Names of the multi-item scales the codebook declares (usable as loyalty drivers).

    Returns
    -------
    params : dict
        The parameters with default mappings the file lacks removed.
    plan : dict of str to SectionPlan
        One entry per section of :data:`SECTIONS`.
    adjustments : list of Reason
        Default roles left out (no segments, no weights...), for the methods appendix.
    errors : list of str
        Explicitly requested columns the file does not have (empty when all is well).
    """
    out = dict(params)
    errors: list[str] = []
    adjustments: list[Reason] = []
    plan = {name: SectionPlan(name, True) for name in SECTIONS}

    def missing(name: str, cols: list[str]) -> bool:
        """True when ``cols`` are absent; an error when ``name`` was asked for."""
        if not cols:
            return False
        if name in explicit:
            errors.extend(f"{name}: {c!r}{_hint(c, columns)}" for c in cols)
        return True

    for name, key in (("segment_column", "adjust.no_segments"),
                      ("weight_column", "adjust.no_weights"),
                      ("id_column", "adjust.no_id")):
        col = out.get(name)
        if col and missing(name, _absent([col], columns)):
            out[name] = None
            adjustments.append(Reason(key, {"column": col}))

    # Kano: every mapped pair present, else the pair (default) or the run (explicit) stops
    pairs = dict(out.get("kano_pairs") or {})
    if not pairs:
        plan["kano"] = SectionPlan("kano", False, [Reason("reason.not_mapped",
                                                          {"parameter": "kano_pairs"})])
    else:
        kept = {}
        for label, pair in pairs.items():
            gone = _absent(pair, columns)
            if missing("kano_pairs", gone):
                plan["kano"].reasons.append(Reason("reason.pair_absent", {
                    "feature": label, "columns": ", ".join(gone)}))
            else:
                kept[label] = list(pair)
        out["kano_pairs"] = kept
        if not kept:
            plan["kano"].runs = False

    # satisfaction: the three scales, each from its items
    for key in ("expectation_items", "experience_items", "satisfaction_items"):
        items = list(out.get(key) or [])
        if not items:
            plan["satisfaction"].runs = False
            plan["satisfaction"].reasons.append(Reason("reason.not_mapped", {"parameter": key}))
            continue
        gone = _absent(items, columns)
        if missing(key, gone):
            plan["satisfaction"].runs = False
            plan["satisfaction"].reasons.append(Reason("reason.columns_absent", {
                "parameter": key, "columns": ", ".join(gone)}))
            out[key] = []

    # loyalty: an outcome and at least one driver (a column or a scale score)
    outcome = out.get("loyalty_outcome")
    scales = set(scale_names)
    for key in ("expectation_items", "experience_items", "satisfaction_items"):
        if out.get(key):
            scales.add(key.removesuffix("_items"))
    if not outcome:
        plan["loyalty"] = SectionPlan("loyalty", False, [Reason(
            "reason.not_mapped", {"parameter": "loyalty_outcome"})])
    elif missing("loyalty_outcome", _absent([outcome], columns)):
        plan["loyalty"] = SectionPlan("loyalty", False, [Reason(
            "reason.columns_absent", {"parameter": "loyalty_outcome", "columns": outcome})])
        out["loyalty_outcome"] = None
    drivers = list(out.get("loyalty_drivers") or [])
    gone = [d for d in drivers if d not in columns and d not in scales]
    if missing("loyalty_drivers", gone) and plan["loyalty"].runs:
        plan["loyalty"].reasons.append(Reason("reason.drivers_absent",
                                              {"columns": ", ".join(gone)}))
    out["loyalty_drivers"] = [d for d in drivers if d not in gone]
    if plan["loyalty"].runs and not out["loyalty_drivers"]:
        plan["loyalty"].runs = False
        plan["loyalty"].reasons.append(Reason("reason.not_mapped",
                                              {"parameter": "loyalty_drivers"}))

    nps = out.get("nps_column")
    if not nps:
        plan["nps"] = SectionPlan("nps", False, [Reason("reason.not_mapped",
                                                        {"parameter": "nps_column"})])
    elif missing("nps_column", _absent([nps], columns)):
        plan["nps"] = SectionPlan("nps", False, [Reason(
            "reason.columns_absent", {"parameter": "nps_column", "columns": nps})])
        out["nps_column"] = None

    _plan_optional(out, plan, columns, scales, missing, errors)

    if not out.get("transactions_path"):
        plan["purchase"] = SectionPlan("purchase", False, [Reason("reason.no_transactions")])
    elif not out.get("id_column"):
        errors.append("transactions_path: linking the purchase log needs the respondent id "
                      "column (id_column), which the file does not have")
    return out, plan, adjustments, errors


def _plan_optional(out: dict[str, Any], plan: dict[str, SectionPlan], columns: Collection[str],
                   scales: Collection[str], missing: Any, errors: list[str]) -> None:
    """SERVQUAL, satisfaction index, expectation dynamics and service recovery: each runs
    only when its parameters are given; a given parameter whose columns the file lacks, or
    a section whose required parameters are only partly given, is an error."""

    def leave_out(name: str, parameter: str) -> None:
        plan[name] = SectionPlan(name, False, [Reason("reason.not_mapped",
                                                      {"parameter": parameter})])

    def check(name: str, parameter: str, cols: Iterable[str]) -> bool:
        """True when the columns are all present (else the section stops or is an error)."""
        gone = _absent(cols, columns)
        if missing(parameter, gone):
            plan[name] = SectionPlan(name, False, [Reason("reason.columns_absent", {
                "parameter": parameter, "columns": ", ".join(gone)})])
            return False
        return True

    # SERVQUAL: item -> [expectation, perception] (or three columns), optional extras
    items = out.get("servqual_items") or {}
    if not items:
        leave_out("servqual", "servqual_items")
    else:
        ok = check("servqual", "servqual_items", [c for v in items.values() for c in v])
        if ok and out.get("servqual_overall"):
            ok = check("servqual", "servqual_overall", [out["servqual_overall"]])
        if ok and out.get("servqual_importance"):
            check("servqual", "servqual_importance", list(out["servqual_importance"].values()))

    # the satisfaction index: a built-in model or the loyalty chain, on columns or scales
    if not out.get("csi_model"):
        leave_out("csi", "csi_model")
    else:
        from ..csi.report_section import csi_measurement

        measurement, optional = csi_measurement(out["csi_model"], out.get("csi_constructs"),
                                                out.get("loyalty_outcome"))
        known = set(columns) | set(scales)
        for construct, given in measurement.items():
            cols = [given] if isinstance(given, str) else list(given)
            gone = [c for c in cols if c not in known]
            if not gone:
                continue
            if construct in optional and construct not in (out.get("csi_constructs") or {}):
                plan["csi"].reasons.append(Reason("reason.construct_absent", {
                    "construct": construct, "columns": ", ".join(gone)}))
                continue
            parameter = ("csi_constructs" if construct in (out.get("csi_constructs") or {})
                         else "csi_model")
            errors.extend(f"{parameter} ({construct}): {c!r}{_hint(c, known)}" for c in gone)
            plan["csi"].runs = False

    # expectation dynamics: a panel of customers over waves
    given = [k for k in (*_PANEL_REQUIRED, *_PANEL_OPTIONAL) if out.get(k)]
    if not given and not out.get("panel_drivers"):
        leave_out("dynamics", "panel_wave")
    else:
        lacking = [k for k in _PANEL_REQUIRED if not out.get(k)]
        if lacking:
            errors.append(f"the expectation-dynamics section needs {', '.join(lacking)} as "
                          "well (a panel: customer id, wave, expectation and experience)")
            plan["dynamics"].runs = False
        else:
            for k in given:
                if not check("dynamics", k, [out[k]]):
                    break
            else:
                check("dynamics", "panel_drivers", out.get("panel_drivers") or [])

    # service recovery: failure and recovery flags, outcomes to compare
    if not any(out.get(k) for k in (*_RECOVERY_REQUIRED, "recovery_handling")) \
            and not out.get("recovery_outcomes"):
        leave_out("recovery", "recovery_failure")
    else:
        lacking = [k for k in _RECOVERY_REQUIRED if not out.get(k)]
        outcomes = list(out.get("recovery_outcomes") or [])
        if not outcomes:  # the satisfaction score and the loyalty outcome, when there
            outcomes = [c for c in ("satisfaction", out.get("loyalty_outcome"))
                        if c and (c in columns or c in scales)]
            out["recovery_outcomes"] = outcomes
            if not outcomes:
                lacking.append("recovery_outcomes")
        if lacking:
            errors.append(f"the service-recovery section needs {', '.join(lacking)} as well "
                          "(failure and recovered flags and the outcomes to compare)")
            plan["recovery"].runs = False
        else:
            known = set(columns) | set(scales)
            gone = [c for c in outcomes if c not in known]
            if missing("recovery_outcomes", gone):
                plan["recovery"] = SectionPlan("recovery", False, [Reason(
                    "reason.columns_absent", {"parameter": "recovery_outcomes",
                                              "columns": ", ".join(gone)})])
            else:
                for k in (*_RECOVERY_REQUIRED, "recovery_handling"):
                    if out.get(k) and not check("recovery", k, [out[k]]):
                        break
