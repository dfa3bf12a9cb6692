"""The satisfaction-index section of the client-study report (called by the template).

It runs when the report parameter ``csi_model`` is given: ``"ECSI"`` or ``"ACSI"`` (the
built-in index models, on the default item names or the columns ``csi_constructs`` maps
to each construct) or ``"chain"`` (the loyalty chain of :mod:`expectlab.csi.chain`:
satisfaction -> trust -> loyalty, switching costs as a driver and moderator, on the
study's scales). :func:`compute` fits the PLS path model, :func:`show` presents the
paths with bootstrap intervals, how much each construct is explained, whether the scales
measure well, and the 0-100 index of every construct as the ACSI reports it.
:func:`csi_tables` gives the chain's tables as plain DataFrames for notebooks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from .._errors import InputError
from .chain import CHAIN_POSITIONS, CHAIN_SCALES

__all__ = ["csi_tables", "csi_measurement", "compute", "show"]

_NAMES = {"SAT": "satisfaction", "TRUST": "trust", "SWITCH": "switching costs",
          "LOY": "loyalty"}

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




# -- the client report (expectlab.report): computed first, shown after the summary -------

#: Constructs of the loyalty chain the model can do without (then their paths go).
_CHAIN_OPTIONAL = ("SWITCH", "LOY")


def csi_measurement(model: str, constructs: Mapping[str, Any] | None,
                    outcome: str | None) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The constructs of a report's satisfaction-index model and what measures them.

    Parameters
    ----------
    model : {"ECSI", "ACSI", "chain"}
        The report parameter ``csi_model``.
    constructs : mapping, optional
        ``csi_constructs``: construct -> list of item columns, or one column or scale
        name; replaces the default of the constructs it names.
    outcome : str, optional
        ``loyalty_outcome``: the chain's loyalty construct unless ``constructs`` maps LOY.

    Returns
    -------
    measurement : dict
        Construct -> items (a list) or a column or scale name.
    optional : tuple of str
        Constructs the model can leave out when the file lacks them (chain only).
    """
    from .specification import ACSI_MEASUREMENT, ECSI_MEASUREMENT

    if model == "chain":
        measurement: dict[str, Any] = dict(CHAIN_SCALES)
        if outcome:
            measurement["LOY"] = outcome
        optional: tuple[str, ...] = _CHAIN_OPTIONAL
    else:
        base = ECSI_MEASUREMENT if model == "ECSI" else ACSI_MEASUREMENT
        measurement = {k: list(v) for k, v in base.items()}
        optional = ()
    for construct, given in (constructs or {}).items():
        measurement[str(construct)] = given if isinstance(given, str) else list(given)
    return measurement, optional


def _present(given: Any, study: Any) -> bool:
    cols = [given] if isinstance(given, str) else list(given)
    return all(c in study.data.columns or c in study.scales for c in cols)


def _answer_scale(study: Any, measurement: Mapping[str, Any]) -> Any:
    """The answer scale for the 0-100 indices: the codebook's where it declares every
    item's, else the report's ``scale_min`` / ``scale_max`` for the items without one."""
    params = study.params
    fallback = (float(params["scale_min"]), float(params["scale_max"]))
    base = study.study
    scales: dict[str, Any] = {}
    for construct, given in measurement.items():
        cols = [given] if isinstance(given, str) else list(given)
        items = [i for c in cols for i in (base.scales.get(c) or [c])]
        if all(base.scale_of(i) is not None for i in items):
            continue  # the codebook's scale (the model reads it from the study)
        values = base.data[[i for i in items if i in base.data.columns]]
        binary = values.shape[1] == len(items) and bool(values.isin([0, 1]).all().all()
                                                        or values.isna().all().all())
        scales[construct] = (0.0, 1.0) if binary else fallback
    return scales


def fit_model(study: Any, *, n_boot: int) -> tuple[Any, list[str]]:
    """The satisfaction-index model of a prepared study, fitted; and the chain constructs
    left out because the file has neither column nor scale for them."""
    from .model import PLSPathModel, SatisfactionIndex

    params = study.params
    kind = params["csi_model"]
    measurement, optional = csi_measurement(kind, params.get("csi_constructs"),
                                            params.get("loyalty_outcome"))
    left_out = [c for c in optional if c in measurement and not _present(measurement[c],
                                                                         study)]
    for c in left_out:
        del measurement[c]
    options = dict(n_boot=int(n_boot), random_state=params.get("random_state"),
                   scale=_answer_scale(study, measurement), progress=False)
    if kind == "chain":
        structural = [("SAT", "TRUST")]
        interactions = None
        if "LOY" in measurement:
            structural += [("SAT", "LOY"), ("TRUST", "LOY")]
            if "SWITCH" in measurement:
                structural.append(("SWITCH", "LOY"))
                interactions = [("SAT", "SWITCH", "LOY")]
        elif "SWITCH" in measurement:
            del measurement["SWITCH"]
            left_out.append("SWITCH")
        model: Any = PLSPathModel(measurement, structural, interactions=interactions,
                                  **options)
    else:
        model = SatisfactionIndex(kind, measurement, **options)
    model.fit(study.study, weights=params.get("weight_column"))
    return model, left_out


def compute(study: Any) -> Any:
    """Fit the satisfaction-index section of a prepared study
    (:func:`expectlab.report.prepare_study`); its inputs were checked by the pre-flight."""
    from ..report.context import SectionResult, collect_warnings

    result = SectionResult("csi", model="model.csi")
    with collect_warnings(result.warnings):
        model, left_out = fit_model(study, n_boot=int(study.params["n_boot"]))
    result.n_used = int(model.n_obs_)
    if len(model.excluded_):
        result.excluded = {str(k): int(v) for k, v in
                           model.excluded_["reason"].value_counts().items()}
    try:
        indices = model.indices_
    except InputError:  # no answer scale for some construct: the paths still stand
        indices = None
    result.parts.update(model=model, left_out=left_out, indices=indices,
                        kind=study.params["csi_model"])
    return result


def construct_label(construct: str, tr: Any) -> str:
    """A construct in the report's words (``SAT`` -> satisfaction)."""
    key = f"csi.construct.{construct}"
    return tr(key) if tr.has(key) else construct


def path_label(path: str, tr: Any) -> str:
    """``"SAT x SWITCH -> LOY"`` in the report's words."""
    source, _, target = str(path).partition(" -> ")
    parts = [construct_label(p, tr) for p in source.split(" x ")]
    return f"{' × '.join(parts)} → {construct_label(target, tr)}"


def strongest_path(model: Any) -> pd.Series:
    """The path with the largest absolute standardised estimate (interaction terms
    excluded: they qualify a path rather than carry an effect of their own)."""
    s = model.summary
    main = s[[" x " not in str(i) for i in s.index]]
    return main.loc[main["estimate"].abs().idxmax()]


def show(result: Any, ctx: Any) -> None:
    """Show the satisfaction-index section of the client report."""
    import matplotlib.pyplot as plt

    from ..report import blocks
    from ..report import formatting as fmt
    from ..report.context import relabel

    tr = ctx.tr
    model = result.parts["model"]
    ctx.heading("csi")
    blocks.paragraph(tr("csi.intro_chain" if result.parts["kind"] == "chain"
                        else "csi.intro_index", model=result.parts["kind"],
                        n=fmt.count(result.n_used),
                        excluded=fmt.count(sum(result.excluded.values()))))
    for construct in result.parts["left_out"]:
        ctx.caution(tr("csi.left_out", construct=construct_label(construct, tr)))
    if model.reversed_items_:
        blocks.paragraph(tr("csi.reversed", items=tr("fmt.list_sep").join(
            ctx.label(i) for i in model.reversed_items_)))
    ctx.show_warnings(result)
    blocks.paragraph(tr("csi.explain_paths"))
    s = model.summary
    blocks.table(pd.DataFrame({
        tr("csi.col.path"): [path_label(i, tr) for i in s.index],
        tr("col.estimate"): [fmt.estimate(v) for v in s["estimate"]],
        tr("col.ci"): [ctx.interval(lo, hi) for lo, hi in zip(s["lower"], s["upper"],
                                                               strict=True)],
        tr("col.p"): [fmt.p_value(v) for v in s["p"]],
    }), tr("csi.table.paths"))
    fig, ax = plt.subplots(figsize=(8, 4.5))
    fits = result.parts["kind"] == "chain" and set(model.structure_.constructs) <= set(
        CHAIN_POSITIONS)
    model.plot_paths(ax=ax, positions=CHAIN_POSITIONS if fits else None)
    relabel(ax, title=tr("csi.fig.title"))
    ctx.figure(fig, tr("csi.fig.title"), tr("csi.fig.alt"))
    r2 = model.r2_
    blocks.table(pd.DataFrame({
        tr("csi.col.construct"): [construct_label(c, tr) for c in r2.index],
        tr("csi.col.r2"): [fmt.estimate(v) for v in r2["r2"]],
        tr("col.ci"): [ctx.interval(r2.loc[c, "r2_lower"], r2.loc[c, "r2_upper"])
                       if "r2_lower" in r2 else "" for c in r2.index],
    }), tr("csi.table.r2"))
    try:
        slopes = model.simple_slopes_.reset_index()
    except InputError:
        slopes = None
    if slopes is not None:
        level = {-1.0: tr("csi.slope.low"), 0.0: tr("csi.slope.mean"),
                 1.0: tr("csi.slope.high")}
        blocks.table(pd.DataFrame({
            tr("csi.col.switching"): [level.get(float(v), fmt.estimate(v))
                                      for v in slopes["moderator_sd"]],
            tr("col.estimate"): [fmt.estimate(v) for v in slopes["estimate"]],
            tr("col.ci"): [ctx.interval(lo, hi) for lo, hi in
                           zip(slopes["lower"], slopes["upper"], strict=True)],
        }), tr("csi.table.slopes"))
    blocks.paragraph(tr("csi.explain_quality"))
    rel = model.reliability_
    blocks.table(pd.DataFrame({
        tr("csi.col.construct"): [construct_label(c, tr) for c in rel.index],
        tr("profile.col.items"): [fmt.count(v) for v in rel["n_items"]],
        tr("profile.col.alpha"): [fmt.estimate(v) for v in rel["cronbach_alpha"]],
        "rho_C": [fmt.estimate(v) for v in rel["rho_c"]],
        "rho_A": [fmt.estimate(v) for v in rel["rho_a"]],
        "AVE": [fmt.estimate(v) for v in rel["ave"]],
    }), tr("csi.table.reliability"))
    idx = result.parts["indices"]
    if idx is not None:
        blocks.paragraph(tr("csi.explain_index"))
        blocks.table(pd.DataFrame({
            tr("csi.col.construct"): [construct_label(c, tr) for c in idx.index],
            tr("csi.col.scale"): [str(v) for v in idx["scale"]],
            tr("csi.col.index"): [fmt.index_value(v) for v in idx["estimate"]],
            tr("col.ci"): [ctx.interval(lo, hi, fmt.index_value) for lo, hi in
                           zip(idx["lower"], idx["upper"], strict=True)],
        }), tr("csi.table.index"))
