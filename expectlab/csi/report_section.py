"""The satisfaction-index section of the client-study report (called by the template).

It estimates the loyalty chain of :mod:`expectlab.csi.chain` (satisfaction -> trust ->
loyalty, switching costs as a driver and moderator) as a PLS path model on the study's
declared scales, and shows in plain language: the paths with bootstrap intervals, how
much of trust and loyalty the model explains, whether the scales measure well, and the
0-100 index of every construct as the ACSI reports it. Every text that comes from the
client's file goes through the escaping display helpers.
"""

from __future__ import annotations

import warnings
from typing import Any

import pandas as pd

from .._display import heading, note, show_figure, show_table
from .._errors import FragileResultWarning, InputError
from .chain import CHAIN_POSITIONS, CHAIN_SCALES

__all__ = ["client_section", "csi_tables"]

_NAMES = {"SAT": "satisfaction", "TRUST": "trust", "SWITCH": "switching costs",
          "LOY": "loyalty"}

_EXPLAIN_PATHS = (
    "Each path is the change in the construct on the right, in standard deviations, for a "
    "customer one standard deviation higher on the construct on the left, holding the other "
    "constructs on the way fixed (a partial least squares path model). The interval is a "
    "95% bootstrap interval: a path whose interval excludes 0 is clearly different from no "
    "effect. 'satisfaction x switching costs' tests whether switching costs change how "
    "strongly satisfaction goes with loyalty (a moderation); these are associations in one "
    "survey, not proof of cause."
)
_EXPLAIN_QUALITY = (
    "Reliability of each scale: Cronbach's alpha, composite reliability (rho_C) and rho_A "
    "of 0.7 or more, and an average variance extracted (AVE) of 0.5 or more, are the usual "
    "thresholds. A single question (such as a renewal record) has no reliability estimate. "
    "Paths between scales measured with error are somewhat understated by this method."
)
_EXPLAIN_INDEX = (
    "The 0-100 index is the weighted mean answer of each scale rescaled so that the lowest "
    "answer is 0 and the highest 100, with the item weights of the model (as the American "
    "Customer Satisfaction Index reports satisfaction). For a 0/1 outcome such as renewal it "
    "is the percentage who renewed."
)


def _as_study(source: Any) -> Any:
    from ..study import Study

    if isinstance(source, Study):
        return source
    survey = getattr(source, "survey", None)  # the report's StudyData
    if survey is not None:
        return Study.from_survey(survey)
    return Study.from_survey(source)


def csi_tables(study: Any, *, outcome: str | None = "stayed", n_boot: int = 500,
               random_state: Any = None, weights: str | None = None) -> dict[str, Any]:
    """Fit the loyalty chain on a study and return the report's tables.

    Parameters
    ----------
    study : Study, SurveyData or the report's StudyData
        Must declare the scales ``satisfaction`` and ``trust``; ``switching_costs`` is
        used when declared (as a driver and moderator of satisfaction -> loyalty).
    outcome : str or None
        Loyalty column or scale (e.g. the 0/1 renewal record ``stayed``); ``None`` or a
        column the study lacks leaves loyalty out (then only satisfaction -> trust).
    n_boot : int
        Bootstrap resamples for the intervals.
    random_state : int, optional
    weights : str, optional
        Survey weight column (default: the study's).

    Returns
    -------
    dict
        ``model`` (the fitted :class:`~expectlab.csi.PLSPathModel`), ``paths``,
        ``r2``, ``reliability``, ``index`` (DataFrames with readable labels), ``slopes``
        (or None) and ``left_out`` (notes on what was not modelled).

    Raises
    ------
    InputError
        When satisfaction or trust is not a declared scale, or the model cannot be fitted.
    """
    from .model import PLSPathModel

    study = _as_study(study)
    left_out: list[str] = []
    missing = [s for s in ("satisfaction", "trust") if s not in study.scales]
    if missing:
        raise InputError(
            f"The satisfaction-index section needs the scale(s) {missing} declared in the "
            f"codebook (declared: {', '.join(study.scales) or 'none'}). Add them under "
            "'scales:' in the codebook.")
    measurement: dict[str, Any] = {"SAT": CHAIN_SCALES["SAT"], "TRUST": CHAIN_SCALES["TRUST"]}
    structural = [("SAT", "TRUST")]
    interactions = None
    has_switch = CHAIN_SCALES["SWITCH"] in study.scales
    has_loy = bool(outcome) and (outcome in study.data.columns or outcome in study.scales)
    if outcome and not has_loy:
        left_out.append(f"loyalty (no column or scale {outcome!r} in the survey)")
    if has_loy:
        measurement["LOY"] = outcome
        structural += [("SAT", "LOY"), ("TRUST", "LOY")]
        if has_switch:
            measurement["SWITCH"] = CHAIN_SCALES["SWITCH"]
            structural.append(("SWITCH", "LOY"))
            interactions = [("SAT", "SWITCH", "LOY")]
        else:
            left_out.append("switching costs (no scale 'switching_costs' declared)")
    if weights is None:
        weights = study.weights
    model = PLSPathModel(measurement, structural, interactions=interactions,
                         n_boot=int(n_boot), random_state=random_state)
    model.fit(study, weights=weights)

    def words(label: str) -> str:
        for key, text in _NAMES.items():
            label = label.replace(key, text)
        return label.replace("->", "\u2192")

    s = model.summary
    paths = pd.DataFrame({"path": [words(i) for i in s.index],
                          "estimate": s["estimate"], "lower 95%": s["lower"],
                          "upper 95%": s["upper"], "p-value": s["p"]}).set_index("path")
    r2 = model.r2_.rename(index=words)[["r2"] + [c for c in ("r2_lower", "r2_upper")
                                                 if c in model.r2_]]
    r2 = r2.rename(columns={"r2": "R squared", "r2_lower": "lower 95%",
                            "r2_upper": "upper 95%"})
    rel = model.reliability_.rename(index=words)[["n_items", "cronbach_alpha", "rho_c",
                                                  "rho_a", "ave"]]
    try:
        idx = model.indices_.rename(index=words)[["scale", "estimate", "lower", "upper"]]
        idx = idx.rename(columns={"estimate": "index (0-100)", "lower": "lower 95%",
                                  "upper": "upper 95%"})
    except InputError as exc:
        idx = None
        left_out.append(f"the 0-100 index ({exc})")
    slopes = None
    if interactions:
        sl = model.simple_slopes_.reset_index()
        slopes = pd.DataFrame({
            "switching costs": sl["moderator_sd"].map(
                {-1.0: "1 SD below average", 0.0: "average", 1.0: "1 SD above average"}),
            "satisfaction \u2192 loyalty": sl["estimate"], "lower 95%": sl["lower"],
            "upper 95%": sl["upper"]}).set_index("switching costs")
    return {"model": model, "paths": paths, "r2": r2, "reliability": rel, "index": idx,
            "slopes": slopes, "left_out": left_out}


def client_section(study: Any, params: dict[str, Any]) -> bool:
    """Display the satisfaction-index section; return True when shown, False when skipped.

    Parameters
    ----------
    study : the report's StudyData, a Study or a SurveyData
        The client survey with its codebook (declared scales).
    params : dict
        Report parameters; uses ``loyalty_outcome``, ``weight_column``, ``n_boot`` and
        ``random_state``.

    Examples
    --------
    >>> import expectlab
    >>> survey = expectlab.read_survey("data/client_survey.sav")  # doctest: +SKIP
    >>> client_section(survey, {"n_boot": 200, "random_state": 1})  # doctest: +SKIP
    True
    """
    import matplotlib.pyplot as plt

    heading("Satisfaction, trust and loyalty: the index model")
    weight = params.get("weight_column") or None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FragileResultWarning)
            base = _as_study(study)
            if weight is not None and weight not in base.data.columns:
                weight = None
            tables = csi_tables(base, outcome=params.get("loyalty_outcome", "stayed"),
                                n_boot=min(int(params.get("n_boot") or 500), 2000),
                                random_state=params.get("random_state"), weights=weight)
    except InputError as exc:
        note(f"Section skipped: {exc}", kind="warning")
        return False
    seen = set()
    for w in caught:
        text = str(w.message)
        if issubclass(w.category, FragileResultWarning) and text not in seen:
            seen.add(text)
            note(text, kind="warning")
    model = tables["model"]
    note(f"Customers in the model: {model.n_obs_}; left out because an answer was missing: "
         f"{len(model.excluded_)}."
         + (f" Negatively worded question(s) reversed: {', '.join(model.reversed_items_)}."
            if model.reversed_items_ else ""))
    for text in tables["left_out"]:
        note(f"Not modelled: {text}.", kind="warning")
    note(_EXPLAIN_PATHS)
    show_table(tables["paths"], decimals=3, caption="Paths with 95% bootstrap intervals")
    fig, ax = plt.subplots(figsize=(8, 4.5))
    fits = set(model.structure_.constructs) <= set(CHAIN_POSITIONS)
    model.plot_paths(ax=ax, positions=CHAIN_POSITIONS if fits else None)
    show_figure(fig)
    show_table(tables["r2"], decimals=3, caption="Share of variance explained (R squared)")
    if tables["slopes"] is not None:
        show_table(tables["slopes"], decimals=3,
                   caption="Satisfaction -> loyalty for customers with low, average and high "
                   "switching costs")
    note(_EXPLAIN_QUALITY)
    show_table(tables["reliability"], decimals=3, caption="Reliability of the scales")
    if tables["index"] is not None:
        note(_EXPLAIN_INDEX)
        show_table(tables["index"], decimals=1, caption="0-100 indices with 95% intervals")
    return True
