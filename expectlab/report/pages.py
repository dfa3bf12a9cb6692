"""The pages around the analysis: the first page (title, date, sample, logo), the table
of contents, the data profile section and the footer."""

from __future__ import annotations

import datetime as _dt
import textwrap
from typing import Any

import numpy as np
import pandas as pd

from .._display import escape
from .._errors import InputError
from . import blocks
from . import formatting as fmt
from .context import ReportContext
from .sections import SECTIONS

__all__ = ["title_page", "table_of_contents", "profile_section", "footer", "report_date"]


def _show(markup: str) -> None:
    from IPython.display import HTML, display

    display(HTML(markup))


def report_date(report_info: dict[str, Any] | None) -> str:
    """The report's date: the engine's (``report_info["date"]``), else today."""
    date = (report_info or {}).get("date")
    return str(date) if date else _dt.date.today().isoformat()


def _colour(value: Any) -> str | None:
    from matplotlib.colors import is_color_like, to_hex

    if value is None:
        return None
    if not isinstance(value, str) or not is_color_like(value):
        raise InputError(f"The style's 'title_colour' must be a colour such as '#1f3b73', got "
                         f"{value!r}.")
    return to_hex(value)


def _logo(value: Any) -> str:
    if not value:
        return ""
    if not isinstance(value, str) or not value.startswith("data:image/"):
        raise InputError("The style's 'logo' must be an embedded image (a data:image/... URI); "
                         f"got {str(value)[:40]!r}.")
    return f'<img class="logo" src="{escape(value)}" alt="logo" style="max-height:80px"/>'


def title_page(ctx: ReportContext, title: str, report_info: dict[str, Any] | None = None
               ) -> None:
    """The first page: logo, title (in the client's colour), date and the sample."""
    tr, study = ctx.tr, ctx.study
    style = ctx.style or {}
    colour = _colour(style.get("title_colour"))
    colour_attr = f' style="color:{colour}"' if colour else ""
    segment = study.params.get("segment_column")
    sample = tr("title.sample", n=fmt.count(len(study.data)),
                file=study.survey.source.name)
    if segment:
        counts = study.data[segment].value_counts(dropna=False).sort_index()
        sample += " " + tr("title.segments", segments=tr("fmt.list_sep").join(
            f"{level}: {fmt.count(n)}" for level, n in counts.items()))
    _show(f"{_logo(style.get('logo'))}"
          f'<h1 id="s-title"{colour_attr}>{escape(title)}</h1>'
          f'<p class="report-date">{escape(tr("title.date", date=report_date(report_info)))}'
          f"</p><p>{escape(sample)}</p>")


def table_of_contents(ctx: ReportContext) -> None:
    """Links to the sections that run and the two appendices."""
    tr = ctx.tr
    names = ["summary", "profile"] + [s for s in SECTIONS if ctx.study.runs(s)] + [
        "methods", "quality"]
    items = "".join(f'<li><a href="#s-{n}">{escape(tr(f"section.{n}"))}</a></li>'
                    for n in names)
    _show(f'<h2 id="s-contents">{escape(tr("section.contents"))}</h2><ol>{items}</ol>')


def _weighted_share(values: pd.Series, weights: pd.Series | None) -> pd.Series:
    if weights is None:
        return values.value_counts(normalize=True, dropna=False).sort_index()
    frame = pd.DataFrame({"v": values, "w": weights})
    return (frame.groupby("v", dropna=False)["w"].sum() / frame["w"].sum()).sort_index()


def _wrap(text: str, width: int = 48) -> str:
    short = textwrap.shorten(str(text), width=2 * width, placeholder="...")
    return "\n".join(textwrap.wrap(short, width)) or short


def profile_section(ctx: ReportContext) -> None:
    """The data profile: who answered, how reliable the scales are, how answers spread."""
    import matplotlib.pyplot as plt

    tr, study = ctx.tr, ctx.study
    data, params = study.data, study.params
    ctx.heading("profile")
    blocks.paragraph(tr("profile.intro", n=fmt.count(len(data)),
                        columns=fmt.count(study.survey.data.shape[1])))
    seg, wcol = params.get("segment_column"), params.get("weight_column")
    rows = [(tr("word.all"), len(data), 1.0, 1.0 if wcol else np.nan)]
    if seg:
        counts = data[seg].value_counts(dropna=False).sort_index()
        wshare = _weighted_share(data[seg], data[wcol].astype(float) if wcol else None)
        for level, n in counts.items():
            rows.append((str(level), int(n), n / len(data),
                         float(wshare.loc[level]) if wcol else np.nan))
    frame = pd.DataFrame({tr("col.group"): [r[0] for r in rows],
                          tr("col.n"): [fmt.count(r[1]) for r in rows],
                          tr("col.share"): [fmt.share(r[2]) for r in rows]})
    if wcol:
        frame[tr("profile.col.weighted_share")] = [fmt.share(r[3]) for r in rows]
    blocks.table(frame, tr("profile.table.sample"))
    blocks.paragraph(tr("profile.weighted", column=ctx.label(wcol)) if wcol
                     else tr("profile.unweighted"))
    if study.scales:
        blocks.heading(tr("profile.reliability"), 3)
        rel_rows = []
        for name, score in study.scales.items():
            rel = score.reliability
            rel_rows.append({
                tr("profile.col.scale"): ctx.label(name),
                tr("profile.col.items"): fmt.count(len(score.items)),
                tr("col.n"): fmt.count(score.scores.notna().sum()),
                tr("profile.col.mean"): fmt.estimate(score.scores.mean()),
                tr("profile.col.alpha"): fmt.estimate(rel.alpha) if rel else "",
                tr("col.ci"): ctx.interval(*rel.ci) if rel else "",
            })
        blocks.table(pd.DataFrame(rel_rows), tr("profile.table.reliability"))
        blocks.paragraph(tr("profile.alpha_read"))
        items = [i for score in study.scales.values() for i in score.items]
        _distribution_figure(ctx, items)
    del plt


def _distribution_figure(ctx: ReportContext, items: list[str]) -> None:
    import matplotlib.pyplot as plt

    data = ctx.study.survey.data  # answers as asked (before reverse coding)
    items = [i for i in dict.fromkeys(items) if i in data.columns]
    if not items:
        return
    values = data[items].to_numpy(dtype=float).ravel()
    levels = sorted(np.unique(values[~np.isnan(values)]))
    answered = data[items].notna().sum()
    fig, ax = plt.subplots(figsize=(8.5, 0.45 * len(items) + 1.6))
    cmap = plt.get_cmap("RdYlGn", max(len(levels), 2))
    labels = [fmt.literal(_wrap(ctx.label(i))) for i in items]
    left = np.zeros(len(items))
    for j, v in enumerate(levels):
        share = ((data[items] == v).sum() / answered).to_numpy() * 100
        ax.barh(labels, share, left=left, color=cmap(j), label=f"{v:g}")
        left += share
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    ax.tick_params(axis="y", labelsize=7)
    ax.set_xlabel(fmt.literal(ctx.tr("profile.fig.x")))
    ax.legend(title=fmt.literal(ctx.tr("profile.fig.legend")), bbox_to_anchor=(1.01, 1),
              loc="upper left", fontsize="small")
    fig.tight_layout()
    ctx.figure(fig, ctx.tr("profile.fig.title"), ctx.tr("profile.fig.alt"))


def footer(ctx: ReportContext) -> None:
    """The client's footer text (from the style), or the report's default line."""
    text = (ctx.style or {}).get("footer") or ctx.tr("footer.default")
    _show(f'<hr/><p class="report-footer">{escape(text)}</p>')
