"""The purchase-behaviour section of the client-study report.

Runs only when the study has a transaction file (``params["transactions_path"]``): it
summarises the log, checks a BG/NBD model on a holdout period, tests whether satisfaction
predicts purchases beyond the purchase history, and shows who is still active.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .bg_nbd import BetaGeo
from .gamma_gamma import GammaGamma
from .join import add_customer_predictions, beyond_past_purchases
from .plots import calibration_holdout_table
from .summaries import summarise_transactions

__all__ = ["compute", "show"]

_FORWARD_WEEKS = 26.0


def _summarise(params: dict[str, Any], **kwargs: Any) -> tuple[pd.DataFrame, int]:
    """Summarise the log in one pass; exact repeat rows are kept as purchases and counted
    (their FragileResultWarning reaches the section's warnings, the caution says more)."""
    args: dict[str, Any] = {"customer": params.get("transactions_customer") or "customer_id",
                            "date": params.get("transactions_date") or "date",
                            "amount": params.get("transactions_amount") or None}
    table = summarise_transactions(params["transactions_path"], **args, duplicates="warn",
                                   **kwargs)
    # None without amounts: repeats cannot change a summary of purchase days
    return table, int(table.attrs["n_repeated_rows"] or 0)


def _new_axes() -> tuple[Any, Any]:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    return fig, ax




# -- the client report (expectlab.report): computed first, shown after the summary -------

def compute(study: Any) -> Any:
    """Fit the purchase models for a prepared study with a transaction log."""
    from ..report.context import SectionResult, collect_warnings

    params, data = study.params, study.data
    id_column = params["id_column"]
    segment = params.get("segment_column")
    result = SectionResult("purchase", model="model.purchase", unit="customers")
    with collect_warnings(result.warnings):
        full, n_dup = _summarise(params, time_unit="W")
        end = pd.Timestamp(full.attrs["period_end"])
        span = float(full["T"].max())
        holdout_weeks = float(min(26, int(span // 3)))
        holdout = None
        if holdout_weeks >= 4:
            cal_end = end - pd.Timedelta(weeks=holdout_weeks)
            cal, _ = _summarise(params, time_unit="W", period_end=cal_end, holdout_end=end)
            cal_model = BetaGeo().fit(cal)
            table = calibration_holdout_table(cal_model, cal)
            link = None
            if "satisfaction" in data.columns:
                joined = add_customer_predictions(data, cal, cal_model, id_column=id_column,
                                                  horizon=holdout_weeks)
                link = beyond_past_purchases(joined, "satisfaction")
            holdout = dict(
                weeks=holdout_weeks, cal_end=cal_end, model=cal_model, summary=cal, link=link,
                predicted=float((table["predicted"] * table["customers"]).sum()),
                actual=float((table["actual"] * table["customers"]).sum()))
        model = BetaGeo().fit(full)
        joined = add_customer_predictions(data, full, model, id_column=id_column,
                                          horizon=_FORWARD_WEEKS)
        clv = None
        if params.get("transactions_amount") and (full["frequency"] > 0).sum() >= 20:
            spend = GammaGamma().fit(full)
            clv = spend.customer_lifetime_value(model, full, periods=12, discount_rate=0.01)
            joined["clv_12m"] = clv.reindex(joined[id_column].to_numpy()).to_numpy()
    have = joined[joined["has_transactions"]]
    groups: list[tuple[str | None, pd.DataFrame]] = [(None, have)]  # None: everyone
    if segment and segment in have.columns:
        groups += [(str(level), part) for level, part in have.groupby(segment, sort=True)]
    outlook = []
    for label, part in groups:
        outlook.append(dict(group=label, n=len(part), p_alive=part["p_alive"].mean(),
                            expected=part["expected_purchases"].mean(),
                            clv=part["clv_12m"].mean() if clv is not None else None,
                            inactive=float((part["p_alive"] < 0.5).mean())))
    result.n_used = len(have)
    no_log = int((~joined["has_transactions"]).sum())
    result.excluded = {"no purchase in the log": no_log} if no_log else {}
    result.parts.update(full=full, n_dup=n_dup, end=end, span=span, holdout=holdout,
                        model=model, outlook=outlook, has_clv=clv is not None)
    return result


def show(result: Any, ctx: Any) -> None:
    """Show the purchase-behaviour section of the client report."""
    from ..report import blocks
    from ..report import formatting as fmt
    from ..report.context import relabel

    tr = ctx.tr
    parts = result.parts
    full = parts["full"]
    ctx.heading("purchase")
    blocks.paragraph(tr("buy.intro", customers=fmt.count(len(full)),
                        end=str(parts["end"].date())))
    if parts["n_dup"]:
        ctx.caution(tr("buy.duplicates", n=fmt.count(parts["n_dup"])))
    hold = parts["holdout"]
    if hold is not None:
        blocks.paragraph(tr("buy.check", end=str(hold["cal_end"].date()),
                            predicted=fmt.count(hold["predicted"]),
                            actual=fmt.count(hold["actual"]), weeks=fmt.count(hold["weeks"])))
        fig, ax = _new_axes()
        hold["model"].plot_calibration_holdout(hold["summary"], ax=ax)
        relabel(ax, xlabel=tr("buy.fig.check_x"), ylabel=tr("buy.fig.check_y"),
                title=tr("buy.fig.check_title"),
                legend={"Actual": tr("buy.fig.actual"), "Model": tr("buy.fig.model")})
        ctx.figure(fig, tr("buy.fig.check_title"), tr("buy.fig.check_alt"))
        link = hold["link"]
        if link is not None:
            row = link.loc["satisfaction"]
            key = "buy.link_clear" if row["p"] < 0.05 else "buy.link_unclear"
            blocks.paragraph(tr(key, change=fmt.points(100 * (row["estimate"] - 1)),
                                ci=ctx.interval(100 * (row["lower"] - 1),
                                                100 * (row["upper"] - 1), fmt.points),
                                weeks=fmt.count(hold["weeks"]), n=fmt.count(
                                    link.attrs["n_obs"]), p=fmt.p_clause(row["p"])))
    else:
        blocks.paragraph(tr("buy.short_history"))
    outlook = parts["outlook"]
    frame = pd.DataFrame({
        tr("col.group"): [tr("word.all") if o["group"] is None else o["group"]
                          for o in outlook],
        tr("col.n"): [fmt.count(o["n"]) for o in outlook],
        tr("buy.col.p_alive"): [fmt.share(o["p_alive"]) for o in outlook],
        tr("buy.col.expected", weeks=fmt.count(_FORWARD_WEEKS)): [
            fmt.estimate(o["expected"]) for o in outlook],
        tr("buy.col.inactive"): [fmt.share(o["inactive"]) for o in outlook],
    })
    if parts["has_clv"]:
        frame[tr("buy.col.clv")] = [fmt.estimate(o["clv"]) for o in outlook]
    blocks.table(frame, tr("buy.table.outlook"))
    blocks.paragraph(tr("buy.retention"))
    fig, ax = _new_axes()
    parts["model"].plot_alive_heatmap(T=parts["span"], max_frequency=int(min(max(
        full["frequency"].quantile(0.99), 5), 30)), ax=ax)
    relabel(ax, title=tr("buy.fig.alive_title"))
    ctx.figure(fig, tr("buy.fig.alive_title"), tr("buy.fig.alive_alt"))
    ctx.show_warnings(result)
