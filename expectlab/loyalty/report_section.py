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
