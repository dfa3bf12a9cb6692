"""The loyalty section of the client-study report (called by the report template).

Shows who stays and what moves them (a logistic model with odds ratios, held-out accuracy
and driver importance), the satisfaction-loyalty curve with its top-box premium, and the
Net Promoter Score overall and per segment. Every label that comes from the client's file
goes through the escaping display helpers.
"""

from __future__ import annotations

import warnings
from typing import Any

import pandas as pd

from .._display import heading, note, show_figure, show_table
from .._errors import FragileResultWarning, InputError

__all__ = ["client_section"]

DEFAULT_DRIVERS = ["satisfaction", "trust", "switching_costs", "complaint"]

_EXPLAIN_MODEL = (
    "A logistic regression relates whether a customer stayed to the survey measures. An odds "
    "ratio above 1 means customers scoring one point higher on that measure were more likely "
    "to stay, holding the other measures fixed; below 1, less likely. The change in "
    "probability is the average effect of one point more, in percentage points. Measures are "
    "associations in this survey, not proof of cause."
)
_EXPLAIN_METRICS = (
    "How well the model tells stayers from leavers was measured on customers it had not seen "
    "(5-fold cross-validation). ROC AUC is the chance that a random stayer gets a higher "
    "predicted probability than a random leaver (0.5 = guessing, 1 = perfect). The "
    "calibration slope near 1 means the predicted probabilities can be read at face value."
)
_EXPLAIN_IMPORTANCE = (
    "Two views of what matters most. Left: how much the model's accuracy on unseen customers "
    "drops when a measure is scrambled. Right: each measure's share of what the model "
    "explains (dominance analysis, which splits shared credit between correlated measures "
    "fairly). Bars show 95% intervals."
)
_EXPLAIN_CURVE = (
    "The curve shows the share of customers who stayed at each level of satisfaction, with a "
    "95% band; dots are the observed shares per scale point. In many markets only completely "
    "satisfied customers are reliably loyal: the top-box premium is how many percentage "
    "points more of the most satisfied customers stayed than of those one level below."
)
_EXPLAIN_NPS = (
    "Net Promoter Score: share of promoters (answers 9-10) minus share of detractors (0-6) "
    "on the 0-10 recommendation question, from -100 to +100, with a 95% interval."
)


def _warnings_as_notes(caught: list[warnings.WarningMessage]) -> None:
    seen = set()
    for w in caught:
        text = str(w.message)
        if issubclass(w.category, FragileResultWarning) and text not in seen:
            seen.add(text)
            note(text, kind="warning")


def _model_part(data: pd.DataFrame, params: dict[str, Any], outcome: str) -> bool:
    from .model import LoyaltyModel

    drivers = list(params.get("loyalty_drivers") or DEFAULT_DRIVERS)
    absent = [d for d in drivers if d not in data.columns]
    drivers = [d for d in drivers if d in data.columns]
    if absent:
        note(f"Measures not found in the survey and left out: {', '.join(absent)}.",
             kind="warning")
    if outcome not in data.columns:
        note(f"Skipped the loyalty model: the outcome column {outcome} is not in the survey.")
        return False
    if not drivers:
        note("Skipped the loyalty model: none of the loyalty drivers is in the survey.")
        return False
    weight = params.get("weight_column") or None
    weight = weight if weight in data.columns else None
    n_boot = int(params.get("n_boot") or 500)
    model = LoyaltyModel("logit", cv=5, n_boot=min(n_boot, 500), permutation_repeats=3,
                         random_state=params.get("random_state"), progress=False)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FragileResultWarning)
            model.fit(data, outcome=outcome, drivers=drivers, weights=weight)
    except InputError as exc:
        note(f"The loyalty model could not be fitted: {exc}", kind="warning")
        return False
    _warnings_as_notes(caught)
    heading("What goes with staying", 3)
    note(_EXPLAIN_MODEL)
    odds, me = model.odds_ratios_, model.marginal_effects_
    m, imp = model.metrics_, model.importance_
    if odds is None or me is None or m is None or imp is None:
        # cannot happen: a cross-validated logit (cv=5) has all four tables
        raise RuntimeError("the loyalty model of the report lacks one of its result tables")
    table = pd.DataFrame({
        "odds ratio": odds["estimate"], "lower 95%": odds["lower"],
        "upper 95%": odds["upper"], "p-value": odds["p"],
        "change in probability (points)": 100 * me["estimate"],
    })
    table.index.name = "measure"
    show_table(table, decimals=3)
    excluded = len(model.excluded_)
    note(f"Customers in the model: {model.n_obs_}; left out because an answer was missing: "
         f"{excluded}. Share who stayed (weighted): {100 * model.prevalence_:.1f}%.")
    heading("How well can we tell who stays?", 3)
    note(_EXPLAIN_METRICS)
    labels = {"roc_auc": "ROC AUC", "pr_auc": "PR AUC", "brier": "Brier score",
              "calibration_slope": "Calibration slope",
              "calibration_intercept": "Calibration intercept"}
    show_table(m.loc[list(labels), ["estimate", "lower", "upper"]].rename(index=labels),
               decimals=3)
    heading("Which measures matter most", 3)
    note(_EXPLAIN_IMPORTANCE)
    show_table(pd.DataFrame({
        "accuracy drop when scrambled": imp["permutation"],
        "share of explained (%)": 100 * imp["share"],
        "lower 95%": 100 * imp["share_lower"], "upper 95%": 100 * imp["share_upper"],
    }).rename_axis("measure"), decimals=3)
    ax = model.plot_importance()
    show_figure(ax.figure)
    if "satisfaction" in data.columns:
        segment = params.get("segment_column") or None
        segment = segment if segment in data.columns else None
        heading("Satisfaction and loyalty", 3)
        note(_EXPLAIN_CURVE)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", FragileResultWarning)
                curve = model.curve("satisfaction", by=segment, data=data)
        except InputError as exc:
            note(f"The satisfaction-loyalty curve could not be drawn: {exc}", kind="warning")
        else:
            _warnings_as_notes(caught)
            ax = curve.plot()
            show_figure(ax.figure)
            prem = curve.premium_.set_index("group")
            show_table(pd.DataFrame({
                "top level": prem["top_level"], "next level": prem["next_level"],
                "stayed at top (%)": 100 * prem["share_top"],
                "stayed one below (%)": 100 * prem["share_next"],
                "premium (points)": 100 * prem["premium"],
                "lower 95%": 100 * prem["lower"], "upper 95%": 100 * prem["upper"],
            }).rename_axis("group"), decimals=1, caption="Top-box premium")
            for _, row in curve.zones_.iterrows():
                note(f"{row['group']}: zone of {row['zone']} at satisfaction levels "
                     f"{row['levels']}.")
    return True


def _nps_part(data: pd.DataFrame, params: dict[str, Any], column: str) -> bool:
    from .nps import nps, nps_difference

    if column not in data.columns:
        note(f"Skipped the Net Promoter Score: column {column} is not in the survey.")
        return False
    weight = params.get("weight_column") or None
    weight = weight if weight in data.columns else None
    segment = params.get("segment_column") or None
    segment = segment if segment in data.columns else None
    heading("Net Promoter Score", 3)
    note(_EXPLAIN_NPS)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FragileResultWarning)
            rows = {"All customers": nps(data[column],
                                         None if weight is None else data[weight])}
            groups = []
            if segment:
                for level, part in data.groupby(segment, sort=True):
                    groups.append(level)
                    rows[str(level)] = nps(part[column],
                                           None if weight is None else part[weight])
    except InputError as exc:
        note(f"The Net Promoter Score could not be computed: {exc}", kind="warning")
        return False
    _warnings_as_notes(caught)
    table = pd.DataFrame({
        "NPS": {k: r.nps for k, r in rows.items()},
        "lower 95%": {k: r.ci[0] for k, r in rows.items()},
        "upper 95%": {k: r.ci[1] for k, r in rows.items()},
        "promoters (%)": {k: 100 * r.promoters for k, r in rows.items()},
        "passives (%)": {k: 100 * r.passives for k, r in rows.items()},
        "detractors (%)": {k: 100 * r.detractors for k, r in rows.items()},
        "answers": {k: r.n for k, r in rows.items()},
        "no answer": {k: r.n_excluded for k, r in rows.items()},
    }).rename_axis("group")
    show_table(table, decimals=1)
    if len(groups) == 2:
        a, b = (str(g) for g in groups)
        diff = nps_difference(rows[a], rows[b])
        verdict = "a clear difference" if diff.p < 0.05 else "no clear difference"
        note(f"{a} minus {b}: {diff.difference:.1f} points (95% interval {diff.ci[0]:.1f} to "
             f"{diff.ci[1]:.1f}, p = {diff.p:.3f}): {verdict}.")
    return True


def client_section(data: pd.DataFrame, params: dict[str, Any]) -> bool:
    """Show the loyalty section of the client-study report.

    Parameters
    ----------
    data : pandas.DataFrame
        The survey after reading, with scale scores (``satisfaction``, ``trust``,
        ``switching_costs``, ...).
    params : dict
        Report parameters; uses ``loyalty_outcome``, ``loyalty_drivers``, ``nps_column``,
        ``segment_column``, ``weight_column``, ``random_state`` and ``n_boot``.

    Returns
    -------
    bool
        True when any part was shown, False when the section was skipped (with a note).

    Examples
    --------
    In a notebook the section renders as HTML; in a console each piece prints as a
    placeholder, so the example keeps that output aside and shows the return value.

    >>> import contextlib, io
    >>> import pandas as pd
    >>> from expectlab.loyalty.report_section import client_section
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     shown = client_section(pd.DataFrame({"a": [1]}),
    ...                            {"loyalty_outcome": None, "nps_column": None})
    >>> shown
    False
    """
    params = dict(params or {})
    outcome = params.get("loyalty_outcome") or None
    nps_column = params.get("nps_column") or None
    heading("Loyalty: who stays and what moves them", 2)
    if not outcome and not nps_column:
        note("Skipped: no loyalty outcome and no recommendation question were mapped "
             "(parameters loyalty_outcome and nps_column are empty).")
        return False
    if not isinstance(data, pd.DataFrame) or data.empty:
        note("Skipped: the survey has no rows.")
        return False
    shown = False
    if outcome:
        shown |= _model_part(data, params, outcome)
    else:
        note("The loyalty model was skipped: no outcome column (loyalty_outcome) was mapped.")
    if nps_column:
        shown |= _nps_part(data, params, nps_column)
    return shown


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
