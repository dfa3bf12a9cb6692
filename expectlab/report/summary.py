"""The executive summary: the findings of the report in a few sentences, each with its
uncertainty, written from the results (nothing is typed by hand).

:func:`findings` returns the sentences; :func:`show_summary` displays them as one HTML
block (the report engine also puts that block on the first slide of the deck).
"""

from __future__ import annotations

from . import formatting as fmt
from .context import ReportContext, SectionResult
from .sections import OPTIONAL_SECTIONS

__all__ = ["findings", "show_summary"]


def _kano(result: SectionResult, ctx: ReportContext) -> list[str]:
    from ..kano.report_section import is_clear, modal_probability

    tr = ctx.tr
    s = result.parts["analysis"].summary
    clear = is_clear(s)
    modal = modal_probability(s)
    out = []
    groups = []
    for cat in ("M", "O", "A", "I"):
        names = [str(f) for f in s.index[(s["category"] == cat) & clear]]
        if names:
            groups.append(tr("sum.kano.group", category=tr(f"kano.category.{cat}"),
                             features=tr("fmt.list_sep").join(names)))
    if groups:
        out.append(tr("sum.kano.clear", groups="; ".join(groups),
                      n=fmt.count(s["n"].max())))
    unclear = [f"{f} ({tr(f'kano.category.{c}')}, {fmt.share(p)})" for f, c, p, ok in
               zip(s.index, s["category"], modal, clear, strict=True) if not ok]
    if unclear:
        out.append(tr("sum.kano.unclear", features=tr("fmt.list_sep").join(unclear)))
    return out


def _satisfaction(result: SectionResult, ctx: ReportContext) -> list[str]:
    verdict = result.parts["verdicts"].get("difference")
    if verdict is None:
        return []
    key = "sum.sat.adequate" if verdict.adequate else "sum.sat.inadequate"
    return [ctx.tr(key, p=fmt.p_clause(verdict.p_value), n=fmt.count(result.n_used))]


def _loyalty(result: SectionResult, ctx: ReportContext) -> list[str]:
    tr = ctx.tr
    imp = result.parts["model"].importance_.sort_values("share", ascending=False)
    top = imp.index[0]
    out: list[str] = []
    if len(imp) > 1:  # with one measure its share is 100% by construction: nothing to say
        out.append(tr("sum.loy.driver", driver=ctx.label(top),
                      share=fmt.share(imp.loc[top, "share"]),
                      ci=ctx.interval(imp.loc[top, "share_lower"],
                                      imp.loc[top, "share_upper"], fmt.share),
                      n=fmt.count(result.n_used)))
    if len(imp) > 1:
        second = imp.index[1]
        overlap = imp.loc[top, "share_lower"] <= imp.loc[second, "share_upper"]
        if overlap:
            out.append(tr("sum.loy.overlap", driver=ctx.label(second)))
    parts = result.parts
    groups = "; ".join(f"{g}: {fmt.share_n(s, n)}" for g, (s, n) in
                       parts["risk_by_group"].items())
    out.append(tr("sum.loy.risk", share=fmt.share_n(parts["risk_share"], parts["risk_n"]),
                  threshold=fmt.share(parts["threshold"]),
                  groups=f" ({groups})" if groups else ""))
    return out


def _nps(result: SectionResult, ctx: ReportContext) -> list[str]:
    tr = ctx.tr
    rows = result.parts["rows"]
    overall = rows[None]
    by = "; ".join(f"{k}: {fmt.nps_value(r.nps)} ({ctx.interval(r.ci[0], r.ci[1], fmt.nps_value)}"
                   f", n = {fmt.count(r.n)})" for k, r in rows.items() if k is not None)
    text = tr("sum.nps", nps=fmt.nps_value(overall.nps),
              ci=ctx.interval(overall.ci[0], overall.ci[1], fmt.nps_value),
              n=fmt.count(overall.n))
    if by:
        text += " " + tr("sum.nps_by", groups=by)
    diff = result.parts.get("difference")
    if diff is not None:
        text += " " + tr("sum.nps_diff_clear" if diff[2].p < 0.05 else "sum.nps_diff_unclear",
                         p=fmt.p_clause(diff[2].p))
    return [text]


def _purchase(result: SectionResult, ctx: ReportContext) -> list[str]:
    overall = result.parts["outlook"][0]
    return [ctx.tr("sum.buy", share=fmt.share_n(overall["inactive"], overall["n"]))]


def _servqual(result: SectionResult, ctx: ReportContext) -> list[str]:
    from ..servqual.report_section import largest_gap

    row = largest_gap(result.parts["model"])
    key = "sum.sq.below" if row["estimate"] < 0 else "sum.sq.above"
    return [ctx.tr(key, dimension=str(row.name), gap=fmt.estimate(row["estimate"]),
                   ci=ctx.interval(row["lower"], row["upper"]), n=fmt.count(result.n_used))]


def _csi(result: SectionResult, ctx: ReportContext) -> list[str]:
    from ..csi.report_section import path_label, strongest_path

    tr = ctx.tr
    path = strongest_path(result.parts["model"])
    strongest = tr("sum.csi.path", path=path_label(path.name, tr),
                   estimate=fmt.estimate(path["estimate"]),
                   ci=ctx.interval(path["lower"], path["upper"]))
    idx = result.parts["indices"]
    if idx is None or "SAT" not in idx.index:
        return [tr("sum.csi.paths_only", path=strongest, n=fmt.count(result.n_used))]
    sat = idx.loc["SAT"]
    return [tr("sum.csi.index", index=fmt.index_value(sat["estimate"]),
               ci=ctx.interval(sat["lower"], sat["upper"], fmt.index_value),
               n=fmt.count(result.n_used), path=strongest)]


def _dynamics(result: SectionResult, ctx: ReportContext) -> list[str]:
    s = result.parts["model"].summary.loc[result.parts["equation"]]
    lam, gam = s.loc["lambda"], s.loc["gamma"]
    return [ctx.tr("sum.dyn", carry=fmt.estimate(lam["estimate"]),
                   carry_ci=ctx.interval(lam["lower"], lam["upper"]),
                   gap=fmt.estimate(gam["estimate"]),
                   gap_ci=ctx.interval(gam["lower"], gam["upper"]),
                   n=fmt.count(result.n_used))]


def _recovery(result: SectionResult, ctx: ReportContext) -> list[str]:
    from ..dynamics.report_section import verdict_sentence

    model = result.parts["model"]
    verdicts = " ".join(verdict_sentence(model, str(o), ctx) for o in model.verdicts_.index)
    return [ctx.tr("sum.rec", verdicts=verdicts, n=fmt.count(result.n_used))]


_WRITERS = {"kano": _kano, "satisfaction": _satisfaction, "servqual": _servqual, "csi": _csi,
            "loyalty": _loyalty, "nps": _nps, "dynamics": _dynamics, "recovery": _recovery,
            "purchase": _purchase}


def findings(results: dict[str, SectionResult], ctx: ReportContext) -> list[str]:
    """The summary sentences, in the order of the report's sections."""
    out: list[str] = []
    for name, writer in _WRITERS.items():
        if name in results:
            out.extend(writer(results[name], ctx))
    # the optional sections (SERVQUAL, index, panel, recovery) need data most studies do
    # not collect: left out, they are named in the methods appendix only
    left_out = [ctx.tr(f"section.{name}") for name, plan in ctx.study.sections.items()
                if not plan.runs and name not in OPTIONAL_SECTIONS]
    if left_out:
        out.append(ctx.tr("sum.left_out", sections=ctx.tr("fmt.list_sep").join(left_out)))
    return out


def show_summary(results: dict[str, SectionResult], ctx: ReportContext) -> str:
    """Display the executive summary as one HTML block; return its markup."""
    from IPython.display import HTML, display

    from .._display import escape

    items = "".join(f"<li>{escape(line)}</li>" for line in findings(results, ctx))
    markup = (f'<h2 id="s-summary">{escape(ctx.tr("section.summary"))}</h2>'
              f'<ul class="executive-summary">{items}</ul>'
              f"<p><em>{escape(ctx.tr('sum.reading'))}</em></p>")
    display(HTML(markup))
    return markup
