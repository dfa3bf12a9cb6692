"""The Kano section of the client-study report (called by the report template)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .classify import CATEGORY_NAMES

__all__ = ["compute", "show", "is_clear", "modal_probability"]

# -- the client report (expectlab.report): computed first, shown after the summary -------

def compute(study: Any) -> Any:
    """Fit the Kano analysis of a prepared study (:func:`expectlab.report.prepare_study`).

    The inputs were validated by the report's pre-flight; an :class:`InputError` here is a
    bug and stops the report rather than becoming a note.
    """
    from ..report.context import SectionResult, collect_warnings
    from .analysis import KanoAnalysis
    from .reshape import reshape_wide

    params = study.params
    data = study.survey.data
    id_col = params.get("id_column")
    if not id_col:  # respondents are the rows of the file
        id_col = "_respondent"
        data = data.assign(_respondent=range(1, len(data) + 1))
    segment, weight = params.get("segment_column"), params.get("weight_column")
    keep = [c for c in (segment, weight) if c]
    long = reshape_wide(data, params["kano_pairs"], respondent=id_col, keep=keep)
    options = dict(answer_set=params.get("kano_answer_set"), n_boot=int(params["n_boot"]),
                   random_state=params.get("random_state"), progress=False)
    columns = dict(respondent=id_col, attribute="attribute", functional="functional",
                   dysfunctional="dysfunctional", weights=weight)
    result = SectionResult("kano", unit="answer_pairs", model="model.kano")
    with collect_warnings(result.warnings):
        ka = KanoAnalysis(**options).fit(long, **columns)
    by_segment = None
    if segment:
        seg_notes: list[str] = []
        with collect_warnings(seg_notes):
            by_segment = KanoAnalysis(**options).fit(long, segment=segment, **columns)
        result.parts["segment_warnings"] = len(seg_notes)
    result.n_used = int(ka.n_obs_)
    result.excluded = {str(k): int(v) for k, v in ka.excluded_["reason"].value_counts().items()
                       } if len(ka.excluded_) else {}
    result.parts.update(analysis=ka, by_segment=by_segment,
                        answer_notes=_answer_note_lines_safe(ka))
    return result


def _answer_note_lines_safe(ka: Any) -> list[str]:
    from .analysis import _answer_note_lines

    return list(_answer_note_lines(ka.answer_notes_))


def modal_probability(summary: pd.DataFrame) -> pd.Series:
    """How often resampling gave the reported category (1 = always)."""
    return pd.Series([float(summary.loc[i, f"p_modal_{c}"]) if f"p_modal_{c}" in summary
                      else float("nan") for i, c in zip(summary.index, summary["category"],
                                                        strict=True)], index=summary.index)


def is_clear(summary: pd.DataFrame) -> pd.Series:
    """A category is clear when Fong's test is significant and resampling agrees on it in
    at least 80% of the resamples."""
    return summary["fong_significant"].astype(bool) & (modal_probability(summary) >= 0.8)


def show(result: Any, ctx: Any) -> None:
    """Show the Kano section of the client report."""
    import matplotlib.pyplot as plt

    from ..report import blocks
    from ..report import formatting as fmt
    from ..report.context import relabel

    tr = ctx.tr
    ka = result.parts["analysis"]
    s = ka.summary
    ctx.heading("kano")
    blocks.paragraph(tr("kano.explain"))
    clear = is_clear(s)
    modal = modal_probability(s)
    cat = {c: tr(f"kano.category.{c}") for c in CATEGORY_NAMES}
    table = pd.DataFrame({
        tr("kano.col.feature"): list(s.index),
        tr("kano.col.category"): [cat[c] for c in s["category"]],
        tr("kano.col.clear"): [tr("word.yes") if c else tr("word.not_yet") for c in clear],
        tr("kano.col.stability"): [fmt.share(p) for p in modal],
        tr("kano.col.better"): [fmt.estimate(v) for v in s["better"]],
        tr("kano.col.better_ci"): [ctx.interval(lo, hi) for lo, hi in
                                   zip(s["better_lower"], s["better_upper"], strict=True)],
        tr("kano.col.worse"): [fmt.estimate(v) for v in s["worse"]],
        tr("kano.col.worse_ci"): [ctx.interval(lo, hi) for lo, hi in
                                  zip(s["worse_lower"], s["worse_upper"], strict=True)],
        tr("col.n"): [fmt.count(v) for v in s["n"]],
    })
    weighted = bool(ctx.study.params.get("weight_column"))
    blocks.table(table, tr("kano.table.categories_weighted" if weighted else
                           "kano.table.categories"))
    blocks.paragraph(tr("kano.clear_rule"))
    shares = ka.shares_
    share_table = pd.DataFrame({tr("kano.col.feature"): list(shares.index)})
    for c in shares.columns:
        share_table[cat.get(c, str(c))] = [fmt.share(v) for v in shares[c]]
    share_table[tr("col.n")] = [fmt.count(v) for v in s["n"].reindex(shares.index)]
    blocks.table(share_table, tr("kano.table.shares"))
    fig, ax = plt.subplots(figsize=(6.5, 5))
    ka.plot_better_worse(ax=ax)
    relabel(ax, xlabel=tr("kano.fig.x"), ylabel=tr("kano.fig.y"), title=tr("kano.fig.title"))
    quadrants = {CATEGORY_NAMES[c].lower(): cat[c] for c in ("A", "O", "I", "M")}
    for text in ax.texts:  # the quadrant names, in the report's language
        word = quadrants.get(text.get_text().strip().lower())
        if word is not None:
            text.set_text(fmt.literal(word))
    blocks.paragraph(tr("kano.better_worse"))
    ctx.figure(fig, tr("kano.fig.title"), tr("kano.fig.alt"))
    ctx.show_warnings(result)
    if result.excluded:
        blocks.paragraph(tr("kano.excluded", n=fmt.count(sum(result.excluded.values()))))
    seg = result.parts.get("by_segment")
    if seg is not None:
        ss = seg.summary
        seg_clear = is_clear(ss)
        blocks.heading(tr("kano.by_segment"), 3)
        frame = pd.DataFrame({
            tr("kano.col.feature"): [i[0] for i in ss.index],
            tr("col.segment"): [str(i[1]) for i in ss.index],
            tr("kano.col.category"): [cat[c] for c in ss["category"]],
            tr("kano.col.clear"): [tr("word.yes") if c else tr("word.not_yet")
                                   for c in seg_clear],
            tr("kano.col.better"): [fmt.estimate(v) for v in ss["better"]],
            tr("kano.col.worse"): [fmt.estimate(v) for v in ss["worse"]],
            tr("col.n"): [fmt.count(v) for v in ss["n"]],
        })
        blocks.table(frame, tr("kano.table.segments"))
        blocks.paragraph(tr("kano.segment_caution"))
