"""The loyalty section of the client-study report (called by the report template).

Shows who stays and what moves them (a logistic model with odds ratios, held-out accuracy
and driver importance), the satisfaction-loyalty curve with its top-box premium, and the
Net Promoter Score overall and per segment. Every label that comes from the client's file
goes through the escaping display helpers.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["compute", "show", "compute_nps", "show_nps"]

DEFAULT_DRIVERS = ["satisfaction", "trust", "switching_costs", "complaint"]

# -- the client report (expectlab.report): computed first, shown after the summary -------

def compute(study: Any) -> Any:
    """Fit the loyalty model of a prepared study; find who is at risk of leaving.

    At risk: a predicted probability of staying below half the weighted share who
    stayed. The rule is relative, so it means the same in a market where most customers
    stay and in one where few do.
    """
    import numpy as np

    from ..report.context import SectionResult, collect_warnings
    from .model import LoyaltyModel

    params = study.params
    data = study.data
    outcome, drivers = params["loyalty_outcome"], list(params["loyalty_drivers"])
    weight = params.get("weight_column") or None
    segment = params.get("segment_column") or None
    model = LoyaltyModel("logit", cv=5, n_boot=min(int(params["n_boot"]), 500),
                         permutation_repeats=3, random_state=params.get("random_state"),
                         progress=False)
    result = SectionResult("loyalty", model="model.loyalty")
    with collect_warnings(result.warnings):
        model.fit(data, outcome=outcome, drivers=drivers, weights=weight)
    complete = data.dropna(subset=drivers)
    proba = model.predict_loyal(complete)
    threshold = 0.5 * float(model.prevalence_)
    risk = pd.DataFrame({"at_risk": proba < threshold})
    if segment:
        risk["group"] = complete[segment].astype(str)
    curve = None
    if "satisfaction" in data.columns and "satisfaction" in drivers:
        with collect_warnings(result.warnings):
            curve = model.curve("satisfaction", by=segment, data=data)
    result.n_used = int(model.n_obs_)
    result.excluded = ({str(k): int(v) for k, v in
                        model.excluded_["reason"].value_counts().items()}
                       if len(model.excluded_) else {})
    by_group = {}
    if segment:
        for level, part in risk.groupby("group", sort=True):
            by_group[level] = (float(part["at_risk"].mean()), len(part))
    result.parts.update(model=model, curve=curve, threshold=threshold,
                        risk_share=float(np.mean(risk["at_risk"])), risk_n=len(risk),
                        risk_by_group=by_group)
    return result


def show(result: Any, ctx: Any) -> None:
    """Show the loyalty section of the client report."""
    import matplotlib.pyplot as plt

    from ..report import blocks
    from ..report import formatting as fmt
    from ..report.context import relabel

    tr = ctx.tr
    model = result.parts["model"]
    outcome = ctx.study.params["loyalty_outcome"]
    ctx.heading("loyalty")
    blocks.paragraph(tr("loy.explain", outcome=ctx.label(outcome)))
    odds, me = model.odds_ratios_, model.marginal_effects_
    names = [ctx.label(d) for d in odds.index]
    blocks.table(pd.DataFrame({
        tr("loy.col.measure"): names,
        tr("loy.col.odds"): [fmt.estimate(v) for v in odds["estimate"]],
        tr("col.ci"): [ctx.interval(lo, hi) for lo, hi in
                       zip(odds["lower"], odds["upper"], strict=True)],
        tr("col.p"): [fmt.p_value(v) for v in odds["p"]],
        tr("loy.col.change"): [fmt.points(100 * v) for v in me["estimate"].reindex(
            odds.index)],
    }), tr("loy.table.odds"))
    blocks.paragraph(tr("loy.n_used", n=fmt.count(result.n_used),
                        excluded=fmt.count(sum(result.excluded.values())),
                        share=fmt.share(model.prevalence_)))
    m = model.metrics_
    metrics = [k for k in ("roc_auc", "brier", "calibration_slope") if k in m.index]
    blocks.heading(tr("loy.accuracy"), 3)
    blocks.paragraph(tr("loy.explain_metrics"))
    blocks.table(pd.DataFrame({
        tr("loy.col.metric"): [tr(f"loy.metric.{k}") for k in metrics],
        tr("col.estimate"): [fmt.estimate(m.loc[k, "estimate"]) for k in metrics],
        tr("col.ci"): [ctx.interval(m.loc[k, "lower"], m.loc[k, "upper"]) for k in metrics],
    }), tr("loy.table.metrics"))
    blocks.heading(tr("loy.importance"), 3)
    blocks.paragraph(tr("loy.explain_importance"))
    imp = model.importance_.sort_values("share", ascending=False)
    blocks.table(pd.DataFrame({
        tr("loy.col.measure"): [ctx.label(d) for d in imp.index],
        tr("loy.col.share"): [fmt.share(v) for v in imp["share"]],
        tr("col.ci"): [ctx.interval(lo, hi, fmt.share) for lo, hi in
                       zip(imp["share_lower"], imp["share_upper"], strict=True)],
    }), tr("loy.table.importance"))
    fig, ax = plt.subplots(figsize=(6.5, 0.5 * len(imp) + 1.6))
    order = imp.iloc[::-1]
    ax.barh([fmt.literal(ctx.label(d)) for d in order.index], 100 * order["share"],
            xerr=[100 * (order["share"] - order["share_lower"]).clip(lower=0),
                  100 * (order["share_upper"] - order["share"]).clip(lower=0)], capsize=3)
    relabel(ax, xlabel=tr("loy.fig.importance_x"), title=tr("loy.table.importance"))
    fig.tight_layout()
    ctx.figure(fig, tr("loy.table.importance"), tr("loy.fig.importance_alt"))
    blocks.heading(tr("loy.risk"), 3)
    risk_rows = [(tr("word.all"), result.parts["risk_share"], result.parts["risk_n"])]
    risk_rows += [(g, s, n) for g, (s, n) in result.parts["risk_by_group"].items()]
    blocks.paragraph(tr("loy.risk_rule", threshold=fmt.share(result.parts["threshold"])))
    blocks.table(pd.DataFrame({
        tr("col.group"): [r[0] for r in risk_rows],
        tr("loy.col.at_risk"): [fmt.share(r[1]) for r in risk_rows],
        tr("col.n"): [fmt.count(r[2]) for r in risk_rows],
    }), tr("loy.table.risk"))
    curve = result.parts.get("curve")
    if curve is not None:
        blocks.heading(tr("loy.curve"), 3)
        blocks.paragraph(tr("loy.explain_curve"))
        ax = curve.plot()
        relabel(ax, xlabel=tr("loy.fig.curve_x", scale=ctx.label("satisfaction")),
                ylabel=tr("loy.fig.curve_y"), title=tr("loy.curve"))
        ctx.figure(ax.figure, tr("loy.curve"), tr("loy.fig.curve_alt"))
        prem = curve.premium_
        blocks.table(pd.DataFrame({
            tr("col.group"): [str(g) for g in prem["group"]],
            tr("loy.col.top"): [fmt.share_n(s, n) for s, n in
                                zip(prem["share_top"], prem["n_top"], strict=True)],
            tr("loy.col.next"): [fmt.share_n(s, n) for s, n in
                                 zip(prem["share_next"], prem["n_next"], strict=True)],
            tr("loy.col.premium"): [fmt.points(100 * v) for v in prem["premium"]],
            tr("col.ci"): [ctx.interval(100 * lo, 100 * hi, fmt.points) for lo, hi in
                           zip(prem["lower"], prem["upper"], strict=True)],
            tr("col.p"): [fmt.p_value(v) for v in prem["p"]],
        }), tr("loy.table.premium"))
        small = int(min(prem["n_top"].min(), prem["n_next"].min()))
        if small < 30:
            ctx.caution(tr("loy.premium_small", n=fmt.count(small)))
    ctx.show_warnings(result)


def compute_nps(study: Any) -> Any:
    """The Net Promoter Score overall and per segment, with intervals."""
    from ..report.context import SectionResult, collect_warnings
    from .nps import NPSResult, nps, nps_difference

    params, data = study.params, study.data
    column = params["nps_column"]
    weight = params.get("weight_column") or None
    segment = params.get("segment_column") or None
    result = SectionResult("nps", model="model.nps")
    rows: dict[str | None, NPSResult] = {}  # None: all customers
    with collect_warnings(result.warnings):
        rows[None] = nps(data[column], None if weight is None else data[weight])
        if segment:
            for level, part in data.groupby(segment, sort=True):
                rows[str(level)] = nps(part[column], None if weight is None else part[weight])
    difference = None
    groups = [k for k in rows if k is not None]
    if len(groups) == 2:
        difference = (groups[0], groups[1], nps_difference(rows[groups[0]], rows[groups[1]]))
    overall = rows[None]
    result.n_used = int(overall.n)
    result.excluded = {"no answer": int(overall.n_excluded)} if overall.n_excluded else {}
    result.parts.update(rows=rows, difference=difference)
    return result


def show_nps(result: Any, ctx: Any) -> None:
    """Show the Net Promoter Score section of the client report."""
    from ..report import blocks
    from ..report import formatting as fmt

    tr = ctx.tr
    ctx.heading("nps")
    blocks.paragraph(tr("nps.explain", question=ctx.label(ctx.study.params["nps_column"])))
    rows = result.parts["rows"]
    blocks.table(pd.DataFrame({
        tr("col.group"): [tr("word.all") if k is None else k for k in rows],
        tr("nps.col.nps"): [fmt.nps_value(r.nps) for r in rows.values()],
        tr("col.ci"): [ctx.interval(r.ci[0], r.ci[1], fmt.nps_value) for r in rows.values()],
        tr("nps.col.promoters"): [fmt.share(r.promoters) for r in rows.values()],
        tr("nps.col.passives"): [fmt.share(r.passives) for r in rows.values()],
        tr("nps.col.detractors"): [fmt.share(r.detractors) for r in rows.values()],
        tr("col.n"): [fmt.count(r.n) for r in rows.values()],
        tr("nps.col.no_answer"): [fmt.count(r.n_excluded) for r in rows.values()],
    }), tr("nps.table"))
    diff = result.parts.get("difference")
    if diff is not None:
        a, b, d = diff
        key = "nps.diff_clear" if d.p < 0.05 else "nps.diff_unclear"
        blocks.paragraph(tr(key, a=a, b=b, diff=fmt.points(d.difference),
                            ci=ctx.interval(d.ci[0], d.ci[1], fmt.points),
                            p=fmt.p_clause(d.p)))
    ctx.show_warnings(result)
