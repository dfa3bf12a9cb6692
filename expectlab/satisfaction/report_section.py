"""The satisfaction section of the client-study report.

Shown in plain language for consultants: is "satisfaction = experience - expectation"
(or "/ expectation") good enough on this client's data, what the fitted surface says,
how respondents split into disconfirmation zones, and what lowering expectations or
raising performance would do. All text that comes from the data goes through the
escaping display helpers.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["compute", "show"]


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
