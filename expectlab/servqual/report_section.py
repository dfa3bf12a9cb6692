"""The service-quality section of the client-study report.

The section runs when the report parameters declare the SERVQUAL batteries:

- ``servqual_items``: item -> [expectation column, perception column] (or [desired,
  adequate, perceived]);
- ``servqual_dimensions``: dimension -> items, or ``"classic"`` (22 items in order);
- optional ``servqual_overall`` (overall quality column), ``servqual_importance``
  (dimension -> points column); the report's ``weight_column``, answer scale, ``n_boot``
  and ``random_state`` apply.

:func:`compute` fits :class:`~expectlab.servqual.ServqualGaps` on a prepared study,
:func:`show` presents the gaps per dimension with their intervals, the overall score,
the reliability of the gap scores and (with an overall rating) the SERVPERF comparison.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["compute", "show", "fit_model", "largest_gap"]


def _answer_scale(study: Any, columns: list[str]) -> tuple[float, float]:
    """The codebook's answer scale of the battery when it declares one for every item,
    else the report's ``scale_min`` / ``scale_max``."""
    declared = {study.study.scale_of(c) for c in columns}
    if len(declared) == 1 and None not in declared:
        lo, hi = declared.pop()
        return float(lo), float(hi)
    return float(study.params["scale_min"]), float(study.params["scale_max"])


def fit_model(study: Any, *, n_boot: int) -> Any:
    """:class:`~expectlab.servqual.ServqualGaps` fitted on a prepared study's parameters."""
    from .gaps import ServqualGaps

    params = study.params
    items = {str(k): tuple(v) for k, v in params["servqual_items"].items()}
    scale = _answer_scale(study, [c for v in items.values() for c in v])
    model = ServqualGaps(scale=scale, n_boot=int(n_boot),
                         random_state=params.get("random_state"))
    return model.fit(study.data, items=items, dimensions=params.get("servqual_dimensions"),
                     overall=params.get("servqual_overall") or None,
                     importance=params.get("servqual_importance") or None,
                     weights=params.get("weight_column") or None)


def _headline(model: Any) -> str:
    return "MSS" if model.format_ == "three-column" else "P - E"


def dimension_gaps(model: Any) -> pd.DataFrame:
    """The headline gap per dimension (P - E, or MSS for three columns)."""
    return model.summary.loc[(_headline(model), "dimension")]


def largest_gap(model: Any) -> pd.Series:
    """The dimension whose gap is largest in size (named by the Series' ``name``)."""
    gaps = dimension_gaps(model)
    return gaps.loc[gaps["estimate"].abs().idxmax()]


def compute(study: Any) -> Any:
    """Fit the service-quality section of a prepared study
    (:func:`expectlab.report.prepare_study`); its inputs were checked by the pre-flight."""
    from ..report.context import SectionResult, collect_warnings

    result = SectionResult("servqual", model="model.servqual")
    with collect_warnings(result.warnings):
        model = fit_model(study, n_boot=int(study.params["n_boot"]))
    rel = model.reliability_
    low = rel.index[(rel["difference_reliability"] < model.min_reliability)
                    | (rel["alpha_gap"] < model.min_reliability)].tolist()
    # the reliability warning is said in the report's words below, not in the model's
    result.warnings[:] = [w for w in result.warnings if "reliability" not in w]
    result.n_used = int(model.n_obs_)
    if len(model.excluded_):
        result.excluded = {str(k): int(v) for k, v in
                           model.excluded_["reason"].value_counts().items()}
    result.parts.update(model=model, low_reliability=[str(d) for d in low])
    return result


def show(result: Any, ctx: Any) -> None:
    """Show the service-quality section of the client report."""
    import matplotlib.pyplot as plt

    from ..report import blocks
    from ..report import formatting as fmt
    from ..report.context import relabel

    tr = ctx.tr
    model = result.parts["model"]
    three = model.format_ == "three-column"
    ctx.heading("servqual")
    blocks.paragraph(tr("sq.intro", n=fmt.count(result.n_used)))
    if model.scale_inferred_:
        ctx.caution(tr("sq.scale_inferred", low=f"{model.scale_[0]:g}",
                       high=f"{model.scale_[1]:g}"))
    if result.excluded:
        blocks.paragraph(tr("sq.excluded", n=fmt.count(sum(result.excluded.values()))))
    ctx.show_warnings(result)
    dims = dimension_gaps(model)
    blocks.table(pd.DataFrame({
        tr("sq.col.dimension"): [str(d) for d in dims.index],
        tr("sq.col.gap"): [fmt.estimate(v) for v in dims["estimate"]],
        tr("col.ci"): [ctx.interval(lo, hi) for lo, hi in zip(dims["lower"], dims["upper"],
                                                               strict=True)],
        tr("col.p"): [fmt.p_value(v) for v in dims["p"]],
        tr("col.n"): [fmt.count(v) for v in dims["n"]],
    }), tr("sq.table.gaps_three" if three else "sq.table.gaps"))
    overall = model.summary.loc[(_headline(model), "overall")]
    blocks.table(pd.DataFrame({
        tr("sq.col.score"): [tr("sq.overall.weighted") if "weighted" in str(i)
                             and "unweighted" not in str(i) else tr("sq.overall.mean")
                             for i in overall.index],
        tr("col.estimate"): [fmt.estimate(v) for v in overall["estimate"]],
        tr("col.ci"): [ctx.interval(lo, hi) for lo, hi in
                       zip(overall["lower"], overall["upper"], strict=True)],
    }), tr("sq.table.overall"))
    fig, ax = plt.subplots(figsize=(7, 4))
    model.plot_gaps(ax=ax)
    relabel(ax, title=tr("sq.fig.title"))
    ctx.figure(fig, tr("sq.fig.title"), tr("sq.fig.alt"))
    if three and model.zone_ is not None:
        zone = model.zone_.loc["dimension"]
        blocks.table(pd.DataFrame({
            tr("sq.col.dimension"): [str(d) for d in zone.index],
            tr("sq.col.below"): [fmt.share(v) for v in zone["below"]],
            tr("sq.col.within"): [fmt.share(v) for v in zone["within"]],
            tr("sq.col.above"): [fmt.share(v) for v in zone["above"]],
            tr("col.n"): [fmt.count(v) for v in zone["n"]],
        }), tr("sq.table.zone"))
    if model.importance_ is not None:
        imp = model.importance_
        stated = imp["source"].astype(str).str.contains("stated")
        blocks.table(pd.DataFrame({
            tr("sq.col.dimension"): [str(d) for d in imp.index],
            tr("col.share"): [fmt.share(v) for v in imp["share"]],
            tr("sq.col.source"): [tr("sq.source.stated") if s else tr("sq.source.derived")
                                  for s in stated],
        }), tr("sq.table.importance"))
    rel = model.reliability_
    blocks.table(pd.DataFrame({
        tr("sq.col.dimension"): [str(d) for d in rel.index],
        tr("profile.col.items"): [fmt.count(v) for v in rel["n_items"]],
        tr("sq.col.alpha_perception"): [fmt.estimate(v) for v in rel["alpha_perception"]],
        tr("sq.col.alpha_gap"): [fmt.estimate(v) for v in rel["alpha_gap"]],
        tr("sq.col.difference_reliability"): [fmt.estimate(v)
                                              for v in rel["difference_reliability"]],
    }), tr("sq.table.reliability"))
    low = result.parts["low_reliability"]
    if low:
        ctx.caution(tr("sq.reliability_low", dimensions=tr("fmt.list_sep").join(low)))
    blocks.paragraph(tr("sq.difference_scores"))
    if model.servperf_ is not None:
        sp = model.servperf_
        names = [tr("sq.model.servperf") if "SERVPERF" in str(i) else tr("sq.model.servqual")
                 if "SERVQUAL" in str(i) else tr("sq.model.full") for i in sp.index]
        blocks.table(pd.DataFrame({
            tr("sat.col.model"): names,
            tr("sat.col.r2"): [fmt.estimate(v) for v in sp["r2"]],
            tr("sat.col.adj_r2"): [fmt.estimate(v) for v in sp["adj_r2"]],
            tr("sat.col.delta_aic"): [fmt.aic(v) for v in sp["delta_aic"]],
        }), tr("sq.table.servperf"))
        tests = model.difference_tests_
        rejected = [str(d) for d in tests.index[~tests["difference_adequate"].astype(bool)]]
        blocks.paragraph(tr("sq.difference_rejected",
                            dimensions=tr("fmt.list_sep").join(rejected)) if rejected
                         else tr("sq.difference_kept"))
