"""The expectation-dynamics and service-recovery sections of the client-study report.

The dynamics section runs when the report parameters name a panel (``panel_id``,
``panel_wave``, ``panel_expectation``, ``panel_experience``; optional
``panel_satisfaction``, ``panel_drivers``, and ``panel_promise`` with ``panel_loyalty``
for the promise chain): how expectations update, what the naive estimate would have
said, who left the panel, and what promising more or less would do. The recovery section
runs when they name the failure and recovery flags (``recovery_failure``,
``recovery_recovered``; optional ``recovery_outcomes``, ``recovery_handling``).

:func:`compute` / :func:`show` and :func:`compute_recovery` / :func:`show_recovery`
follow the report's pattern: fit on a prepared study, then show in the report's words.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["compute", "show", "compute_recovery", "show_recovery", "fit_updating",
           "fit_recovery"]

_CHAIN_BOOT = 200  # the promise chain refits every model per replicate: capped


def _scale(study: Any, columns: list[str]) -> tuple[float, float]:
    declared = {study.study.scale_of(c) for c in columns}
    if len(declared) == 1 and None not in declared:
        lo, hi = declared.pop()
        return float(lo), float(hi)
    return float(study.params["scale_min"]), float(study.params["scale_max"])


def _drivers(params: dict[str, Any]) -> list[str]:
    drivers = list(params.get("panel_drivers") or [])
    promise = params.get("panel_promise")
    if promise and promise not in drivers:
        drivers = [promise, *drivers]
    return drivers


def fit_updating(study: Any) -> Any:
    """:class:`~expectlab.dynamics.ExpectationUpdating` fitted on a prepared study."""
    from .updating import ExpectationUpdating

    p = study.params
    model = ExpectationUpdating(scale=_scale(study, [p["panel_expectation"],
                                                     p["panel_experience"]]))
    return model.fit(study.data, id=p["panel_id"], wave=p["panel_wave"],
                     expectation=p["panel_expectation"], experience=p["panel_experience"],
                     satisfaction=p.get("panel_satisfaction") or None,
                     drivers=_drivers(p) or None, weights=p.get("weight_column") or None)


def _fit_chain(study: Any, scale: Any, n_boot: int) -> Any:
    from .chain import PromiseChain

    p = study.params
    chain = PromiseChain(scale=scale, n_boot=int(n_boot), random_state=p.get("random_state"),
                         progress=False)
    return chain.fit(study.data, id=p["panel_id"], wave=p["panel_wave"],
                     expectation=p["panel_expectation"], experience=p["panel_experience"],
                     satisfaction=p["panel_satisfaction"], loyalty=p["panel_loyalty"],
                     promise=p["panel_promise"],
                     drivers=[d for d in _drivers(p) if d != p["panel_promise"]],
                     loyalty_drivers=[p["panel_expectation"]],
                     weights=p.get("weight_column") or None)


def _has_chain(params: dict[str, Any]) -> bool:
    return bool(params.get("panel_promise") and params.get("panel_loyalty")
                and params.get("panel_satisfaction"))


def compute(study: Any) -> Any:
    """Fit the expectation-dynamics section of a prepared panel study."""
    from ..report.context import SectionResult, collect_warnings

    result = SectionResult("dynamics", model="model.dynamics", unit="customer_waves")
    with collect_warnings(result.warnings):
        model = fit_updating(study)
        chain = None
        if _has_chain(study.params):
            chain = _fit_chain(study, model.scale_, min(int(study.params["n_boot"]),
                                                        _CHAIN_BOOT))
    result.n_used = int(model.n_obs_)
    if len(model.excluded_):
        result.excluded = {str(k): int(v) for k, v in
                           model.excluded_["reason"].value_counts().items()}
    result.parts.update(model=model, chain=chain,
                        equation=study.params["panel_expectation"])
    return result


def _term(term: str, ctx: Any) -> str:
    key = f"dyn.term.{term}"
    return ctx.tr(key) if ctx.tr.has(key) else ctx.label(term)


def show(result: Any, ctx: Any) -> None:
    """Show the expectation-dynamics section of the client report."""
    import matplotlib.pyplot as plt

    from ..report import blocks
    from ..report import formatting as fmt
    from ..report.context import relabel

    tr = ctx.tr
    model, eq = result.parts["model"], result.parts["equation"]
    ctx.heading("dynamics")
    blocks.paragraph(tr("dyn.explain"))
    ctx.show_warnings(result)
    s = model.summary.loc[eq]
    bias = model.bias_.loc[eq]
    blocks.table(pd.DataFrame({
        tr("dyn.col.term"): [_term(str(t), ctx) for t in s.index],
        tr("col.estimate"): [fmt.estimate(v) for v in s["estimate"]],
        tr("col.ci"): [ctx.interval(lo, hi) for lo, hi in zip(s["lower"], s["upper"],
                                                               strict=True)],
        tr("col.p"): [fmt.p_value(v) for v in s["p"]],
        tr("dyn.col.naive"): [fmt.estimate(bias.loc[t, "naive_within"]) if t in bias.index
                              else "" for t in s.index],
    }), tr("dyn.table.updating"))
    lr = model.long_run_.loc[eq]
    blocks.table(pd.DataFrame({
        tr("dyn.col.quantity"): [_term(str(q), ctx) for q in lr.index],
        tr("col.estimate"): [fmt.estimate(v) for v in lr["estimate"]],
        tr("col.ci"): [ctx.interval(lo, hi) for lo, hi in zip(lr["lower"], lr["upper"],
                                                               strict=True)],
    }), tr("dyn.table.long_run"))
    blocks.paragraph(tr("dyn.n_used", n=fmt.count(model.n_obs_),
                        customers=fmt.count(model.n_persons_),
                        excluded=fmt.count(len(model.excluded_))))
    blocks.heading(tr("dyn.attrition"), 3)
    att = model.attrition_
    blocks.table(pd.DataFrame({
        tr("dyn.col.wave"): [str(w) for w in att.index],
        tr("dyn.col.answered"): [fmt.count(v) for v in att["answered"]],
        tr("dyn.col.left"): [fmt.count(v) for v in att["left_after"]],
        tr("dyn.col.share_left"): [fmt.share(v) for v in att["share_left"]],
        tr("dyn.col.difference"): [fmt.estimate(v) for v in att["difference"]],
        tr("col.ci"): [ctx.interval(lo, hi) for lo, hi in zip(att["lower"], att["upper"],
                                                               strict=True)],
    }), tr("dyn.table.attrition"))
    ax = model.plot_attrition()
    relabel(ax, title=tr("dyn.fig.attrition"))
    ctx.figure(ax.figure, tr("dyn.fig.attrition"), tr("dyn.fig.attrition_alt"))
    chain = result.parts["chain"]
    if chain is not None:
        blocks.heading(tr("dyn.promises"), 3)
        cs = chain.summary
        blocks.table(pd.DataFrame({
            tr("dyn.col.scenario"): [" / ".join(map(str, i)) if isinstance(i, tuple)
                                     else str(i) for i in cs.index],
            tr("col.estimate"): [fmt.estimate(v) for v in cs["estimate"]],
            tr("col.ci"): [ctx.interval(lo, hi) for lo, hi in zip(cs["lower"], cs["upper"],
                                                                   strict=True)],
        }), tr("dyn.table.promises"))
        fig, ax = plt.subplots(figsize=(6.5, 4.2))
        chain.plot_promise_curve(ax=ax)
        ctx.figure(fig, tr("dyn.fig.promises"), tr("dyn.fig.promises_alt"))


# -- service recovery --------------------------------------------------------------------

def fit_recovery(study: Any) -> Any:
    """:class:`~expectlab.dynamics.ServiceRecovery` fitted on a prepared study."""
    from .recovery import ServiceRecovery

    p = study.params
    return ServiceRecovery().fit(study.data, outcomes=list(p["recovery_outcomes"]),
                                 failure=p["recovery_failure"],
                                 recovered=p["recovery_recovered"],
                                 handling=p.get("recovery_handling") or None,
                                 weights=p.get("weight_column") or None)


def compute_recovery(study: Any) -> Any:
    """Fit the service-recovery section of a prepared study."""
    from ..report.context import SectionResult, collect_warnings

    result = SectionResult("recovery", model="model.recovery")
    with collect_warnings(result.warnings):
        model = fit_recovery(study)
    result.n_used = int(model.n_obs_)
    if len(model.excluded_):
        result.excluded = {str(k): int(v) for k, v in
                           model.excluded_["reason"].value_counts().items()}
    result.parts.update(model=model)
    return result


def verdict_sentence(model: Any, outcome: str, ctx: Any) -> str:
    """The verdict on the recovery paradox for one outcome, in the report's words."""
    from ..report import formatting as fmt

    row = model.summary.loc[(outcome, "recovered vs no failure")]
    verdict = str(model.verdicts_.loc[outcome, "verdict"]).replace(" ", "_")
    return ctx.tr(f"rec.verdict.{verdict}", outcome=ctx.label(outcome),
                  g=fmt.estimate(row["estimate"]),
                  ci=ctx.interval(row["lower"], row["upper"]))


def show_recovery(result: Any, ctx: Any) -> None:
    """Show the service-recovery section of the client report."""
    from ..report import blocks
    from ..report import formatting as fmt
    from ..report.context import relabel

    tr = ctx.tr
    model = result.parts["model"]
    ctx.heading("recovery")
    blocks.paragraph(tr("rec.explain"))
    ctx.show_warnings(result)
    group = {"no failure": tr("rec.group.none"), "recovered": tr("rec.group.recovered"),
             "unrecovered": tr("rec.group.unrecovered")}
    g = model.groups_
    blocks.table(pd.DataFrame({
        tr("rec.col.outcome"): [ctx.label(o) for o, _ in g.index],
        tr("col.group"): [group.get(str(k), str(k)) for _, k in g.index],
        tr("col.n"): [fmt.count(v) for v in g["n"]],
        tr("rec.col.mean"): [fmt.estimate(v) for v in g["mean"]],
        tr("col.ci"): [ctx.interval(lo, hi) for lo, hi in zip(g["lower"], g["upper"],
                                                               strict=True)],
    }), tr("rec.table.groups"))
    comparison = {"recovered vs no failure": tr("rec.cmp.recovered_none"),
                  "unrecovered vs no failure": tr("rec.cmp.unrecovered_none"),
                  "recovered vs unrecovered": tr("rec.cmp.recovered_unrecovered")}
    s = model.summary
    blocks.table(pd.DataFrame({
        tr("rec.col.outcome"): [ctx.label(o) for o, _ in s.index],
        tr("rec.col.comparison"): [comparison.get(str(c), str(c)) for _, c in s.index],
        tr("rec.col.g"): [fmt.estimate(v) for v in s["estimate"]],
        tr("col.ci"): [ctx.interval(lo, hi) for lo, hi in zip(s["lower"], s["upper"],
                                                               strict=True)],
        tr("col.p"): [fmt.p_value(v) for v in s["p"]],
    }), tr("rec.table.effects"))
    blocks.bullets([verdict_sentence(model, str(o), ctx) for o in model.verdicts_.index])
    ax = model.plot_effects()
    relabel(ax, title=tr("rec.fig.effects"))
    ctx.figure(ax.figure, tr("rec.fig.effects"), tr("rec.fig.effects_alt"))
    by = model.paradox_by_handling_
    if by is not None:
        frame = by.reset_index()
        blocks.table(pd.DataFrame({
            tr("rec.col.outcome"): [ctx.label(v) for v in frame[frame.columns[0]]],
            tr("rec.col.handling"): [fmt.estimate(v) for v in frame[frame.columns[1]]],
            tr("col.estimate"): [fmt.estimate(v) for v in frame["estimate"]],
            tr("col.ci"): [ctx.interval(lo, hi) for lo, hi in
                           zip(frame["lower"], frame["upper"], strict=True)],
        }), tr("rec.table.handling"))
        ax = model.plot_moderation()
        relabel(ax, title=tr("rec.fig.handling"))
        ctx.figure(ax.figure, tr("rec.fig.handling"), tr("rec.fig.handling_alt"))
