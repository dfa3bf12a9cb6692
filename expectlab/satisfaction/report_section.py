"""The satisfaction section of the client-study report.

Shown in plain language for consultants: is "satisfaction = experience - expectation"
(or "/ expectation") good enough on this client's data, what the fitted surface says,
how respondents split into disconfirmation zones, and what lowering expectations or
raising performance would do. All text that comes from the data goes through the
escaping display helpers.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from .._display import heading, note, show_figure, show_table
from .._errors import FragileResultWarning, InputError

__all__ = ["client_section"]


def _reliability(data: pd.DataFrame, items: dict[str, list[str]]) -> pd.DataFrame:
    """Cronbach's alpha of each scale from the reader's helper (NaN when not computable)."""
    from ..scales import cronbach_alpha

    rows = []
    for role, cols in items.items():
        present = [c for c in cols if c in data.columns]
        value, lower, upper = np.nan, np.nan, np.nan
        if len(present) >= 2:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    rel = cronbach_alpha(data[present])
                value, (lower, upper) = rel.alpha, rel.ci
            except InputError:
                pass
        rows.append({"scale": role, "items": len(cols), "cronbach_alpha": value,
                     "lower": lower, "upper": upper})
    return pd.DataFrame(rows).set_index("scale")

_SCORES = ("expectation", "experience", "satisfaction")


def client_section(data: pd.DataFrame, params: dict[str, Any]) -> bool:
    """Display the satisfaction section; return True when shown, False when skipped.

    Parameters
    ----------
    data : pandas.DataFrame
        The survey after reading, with scale-score columns ``expectation``,
        ``experience`` and ``satisfaction``.
    params : dict
        Report parameters; uses ``expectation_items``, ``experience_items``,
        ``satisfaction_items`` (the section is skipped when any is missing or empty),
        ``weight_column``, ``scale_min``, ``scale_max``, ``random_state`` and ``n_boot``.

    Examples
    --------
    In a notebook the section renders as HTML; in a console each piece prints as a
    placeholder, so the example keeps that output aside and shows the return value.

    >>> import contextlib, io
    >>> from expectlab.simulate.satisfaction import simulate_satisfaction
    >>> sim = simulate_satisfaction(n=300, random_state=3)
    >>> params = {"expectation_items": ["exp_1", "exp_2", "exp_3"],
    ...           "experience_items": ["perf_1", "perf_2", "perf_3"],
    ...           "satisfaction_items": ["sat_1", "sat_2", "sat_3"],
    ...           "random_state": 1, "n_boot": 200}
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     shown = client_section(sim.data, params)
    >>> shown
    True
    """
    import matplotlib.pyplot as plt

    from .regression import SatisfactionRegression

    heading("Satisfaction: expectations versus experience")
    items: dict[str, Any] = {role: params.get(f"{role}_items") for role in _SCORES}
    missing_params = [f"{role}_items" for role, cols in items.items() if not cols]
    if missing_params:
        note("Section skipped: the report parameters do not name the "
             + ", ".join(missing_params) + ".")
        return False
    missing_cols = [c for c in _SCORES if c not in data.columns]
    if missing_cols:
        note("Section skipped: the survey has no scale scores for " + ", ".join(missing_cols)
             + ".")
        return False

    lo, hi = params.get("scale_min", 1), params.get("scale_max", 7)
    weight = params.get("weight_column") or None
    if weight is not None and weight not in data.columns:
        weight = None
    models = None if lo is not None and lo > 0 else [
        "difference", "additive", "interaction", "asymmetric", "full", "SQD", "SSQD", "RR",
        "SRR"]
    # Without a declared scale the observed range is used, and the section says so (the
    # inference note is shown with the comparison table below).
    model = SatisfactionRegression(
        models=models, scale="infer" if lo is None or hi is None else (lo, hi),
        n_boot=int(params.get("n_boot") or 500), random_state=params.get("random_state"),
        progress=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FragileResultWarning)
        try:
            model.fit(data, satisfaction="satisfaction", expectation="expectation",
                      experience="experience", weights=weight)
        except InputError as exc:
            note(f"The satisfaction analysis could not be run on these data: {exc}",
                 kind="warning")
            return False
    for w in caught:
        if issubclass(w.category, FragileResultWarning):
            note(str(w.message), kind="warning")

    note("Practitioners often score satisfaction as experience minus expectation (the "
         "difference formula) or experience divided by expectation (the ratio formula). "
         "Both are special cases of a more flexible model. This section tests whether they "
         "fit this survey, using the scale scores of "
         f"{model.n_obs_} respondents" + (" weighted by the survey weights." if weight else "."))
    rel = _reliability(data, items)
    show_table(rel, decimals=2, caption="Reliability of the three scales (Cronbach's alpha; "
               "0.7 or more is usually considered adequate)")
    if len(model.excluded_):
        note(f"{len(model.excluded_)} respondents were left out because of missing answers.")

    for name in ("difference", "ratio"):
        if name in model.results_:
            note(str(model.verdict(name)))
    cols = ["label", "r2", "adj_r2", "aic", "delta_aic", "p_vs_full"]
    main = [m for m in ("difference", "ratio", "additive", "interaction", "asymmetric",
                        "full", "SQD", "RR") if m in model.results_]
    show_table(model.comparison_.loc[main, cols], decimals=3,
               caption="Model comparison: higher R squared and lower AIC are better; a small "
               "p_vs_full (below 0.05) means the simpler formula misses part of the pattern")
    for text in model.comparison_.attrs.get("notes", []):
        note(text, kind="warning" if "inferred" in text else "info")

    surf = model.surface("full").loc[["a1", "a2", "a3", "a4"],
                                     ["estimate", "lower", "upper", "boot_lower", "boot_upper"]]
    show_table(surf, decimals=3, caption="Shape of the surface: a1/a2 slope and curvature "
               "where experience equals expectation, a3/a4 where they diverge")
    note("a1 > 0: satisfaction rises when expectations and experience are both higher. "
         "a3 > 0: satisfaction is higher when experience exceeds expectation than the "
         "reverse. a4 < 0: satisfaction falls off on both sides of matched expectations.")
    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    model.plot_contour(ax=ax)
    show_figure(fig)

    la = model.loss_aversion() if "asymmetric" in model.results_ else None
    if la is not None:
        show_table(la[["estimate", "lower", "upper"]], decimals=2,
                   caption="Gains and losses: slope of satisfaction per scale point above "
                   "(g+) and below (g-) expectations")
        fig, ax = plt.subplots(figsize=(6.5, 4.5))
        model.plot_asymmetry(ax=ax)
        show_figure(fig)

    zones = model.zones()[["n", "share", "mean_satisfaction", "lower", "upper"]]
    show_table(zones, decimals=2, caption="Disconfirmation zones by experience minus "
               "expectation (cut points -1.5, -0.5, 0.5, 1.5 scale points)")

    rows = {}
    for label, e_shift, p_shift in (("expectations lowered by 0.5", -0.5, 0.0),
                                    ("performance raised by 1", 0.0, 1.0)):
        wi = model.what_if(expectation_shift=e_shift, experience_shift=p_shift)
        rows[label] = wi.loc["change", ["estimate", "lower", "upper", "clipped_share"]]
    show_table(pd.DataFrame(rows).T, decimals=3,
               caption="What if: change in mean predicted satisfaction (full model)")
    note("These what-if numbers hold only inside the range of answers observed; the model "
         "cannot say how expectations would react to a change in performance.")
    return True


# -- the client report (expectlab.report): computed first, shown after the summary -------

def compute(study: Any) -> Any:
    """Fit the satisfaction models on a prepared study's scale scores."""
    from ..report.context import SectionResult, collect_warnings
    from .regression import SatisfactionRegression

    params = study.params
    data = study.data
    lo, hi = params.get("scale_min", 1), params.get("scale_max", 7)
    scale = study.scales["satisfaction"].scale if "satisfaction" in study.scales else None
    if scale is not None:
        lo, hi = scale
    weight = params.get("weight_column") or None
    models = None if lo > 0 else ["difference", "additive", "interaction", "asymmetric",
                                  "full", "SQD", "SSQD", "RR", "SRR"]
    model = SatisfactionRegression(models=models, scale=(lo, hi),
                                   n_boot=int(params["n_boot"]),
                                   random_state=params.get("random_state"), progress=False)
    result = SectionResult("satisfaction", model="model.satisfaction")
    with collect_warnings(result.warnings):
        model.fit(data, satisfaction="satisfaction", expectation="expectation",
                  experience="experience", weights=weight)
        verdicts = {name: model.verdict(name) for name in ("difference", "ratio")
                    if name in model.results_}
        surface = model.surface("full")
        zones = model.zones()
        what_if = {
            "lower_expectation": model.what_if(expectation_shift=-0.5).loc["change"],
            "raise_experience": model.what_if(experience_shift=1.0).loc["change"]}
    result.n_used = int(model.n_obs_)
    result.excluded = ({"missing answer": len(model.excluded_)} if len(model.excluded_)
                       else {})
    result.parts.update(model=model, verdicts=verdicts, surface=surface, zones=zones,
                        what_if=what_if)
    return result


def _zone(tr: Any, zone: Any) -> str:
    key = "sat.zone." + str(zone).replace(" ", "_")
    return tr(key) if tr.has(key) else str(zone)


_MODEL_ROWS = ("difference", "ratio", "additive", "interaction", "asymmetric", "full",
               "SQD", "RR")


def show(result: Any, ctx: Any) -> None:
    """Show the satisfaction section of the client report."""
    import matplotlib.pyplot as plt

    from ..report import blocks
    from ..report import formatting as fmt
    from ..report.context import relabel

    tr = ctx.tr
    model = result.parts["model"]
    ctx.heading("satisfaction")
    blocks.paragraph(tr("sat.explain", n=fmt.count(result.n_used)))
    for name, verdict in result.parts["verdicts"].items():
        key = "adequate" if verdict.adequate else "inadequate"
        blocks.paragraph(tr(f"sat.verdict.{name}.{key}", p=fmt.p_clause(verdict.p_value)))
    comp = model.comparison_
    rows = [m for m in _MODEL_ROWS if m in comp.index]
    table = pd.DataFrame({
        tr("sat.col.model"): [tr(f"sat.model.{m}") for m in rows],
        tr("sat.col.r2"): [fmt.estimate(v) for v in comp.loc[rows, "r2"]],
        tr("sat.col.adj_r2"): [fmt.estimate(v) for v in comp.loc[rows, "adj_r2"]],
        tr("sat.col.delta_aic"): [fmt.aic(v) for v in comp.loc[rows, "delta_aic"]],
        tr("sat.col.p_full"): [fmt.p_value(v) for v in comp.loc[rows, "p_vs_full"]],
    })
    blocks.table(table, tr("sat.table.models"))
    blocks.paragraph(tr("sat.models_read"))
    surf = result.parts["surface"]
    shape = [k for k in ("a1", "a2", "a3", "a4") if k in surf.index]
    blocks.table(pd.DataFrame({
        tr("sat.col.feature"): [tr(f"sat.surface.{k}") for k in shape],
        tr("col.estimate"): [fmt.estimate(surf.loc[k, "estimate"]) for k in shape],
        tr("col.ci"): [ctx.interval(surf.loc[k, "lower"], surf.loc[k, "upper"])
                       for k in shape],
    }), tr("sat.table.surface"))
    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    model.plot_contour(ax=ax)
    relabel(ax, xlabel=tr("sat.fig.x"), ylabel=tr("sat.fig.y"), title=tr("sat.fig.title"),
            legend={"respondents": tr("sat.fig.respondents"),
                    "congruence (P = E)": tr("sat.fig.congruence"),
                    "incongruence": tr("sat.fig.incongruence")})
    if len(fig.axes) > 1:  # the colour bar
        fig.axes[1].set_ylabel(tr("sat.fig.colour"))
    ctx.figure(fig, tr("sat.fig.title"), tr("sat.fig.alt"))
    zones = result.parts["zones"]
    blocks.table(pd.DataFrame({
        tr("sat.col.zone"): [_zone(tr, z) for z in zones.index],
        tr("col.n"): [fmt.count(v) for v in zones["n"]],
        tr("col.share"): [fmt.share(v) for v in zones["share"]],
        tr("sat.col.mean"): [fmt.estimate(v) for v in zones["mean_satisfaction"]],
        tr("col.ci"): [ctx.interval(lo, hi) for lo, hi in
                       zip(zones["lower"], zones["upper"], strict=True)],
    }), tr("sat.table.zones"))
    wi = result.parts["what_if"]
    blocks.table(pd.DataFrame({
        tr("sat.col.scenario"): [tr(f"sat.whatif.{k}") for k in wi],
        tr("sat.col.change"): [fmt.estimate(v["estimate"]) for v in wi.values()],
        tr("col.ci"): [ctx.interval(v["lower"], v["upper"]) for v in wi.values()],
    }), tr("sat.table.whatif"))
    blocks.paragraph(tr("sat.whatif_limits"))
    ctx.show_warnings(result)
