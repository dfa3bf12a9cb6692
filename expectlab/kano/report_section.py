"""The Kano section of the client-study report (called by the report template)."""

from __future__ import annotations

import warnings
from typing import Any

import pandas as pd

from .._display import heading, note, show_figure, show_table
from .._errors import FragileResultWarning, InputError, require_columns
from .answers import detect_answer_set, to_codes
from .classify import CATEGORY_NAMES

__all__ = ["client_section"]

_EXPLAIN = (
    "Each customer answered two questions per service feature: how they would feel if the "
    "feature were offered, and how they would feel if it were not. The combination of the "
    "two answers puts the customer's view of the feature into one of six categories: "
    "must-be (expected; missing it causes dissatisfaction), one-dimensional (more is "
    "better), attractive (delights when present, not missed when absent), indifferent, "
    "reverse (prefers not to have it) or questionable (contradictory answers)."
)
_BETTER_WORSE = (
    "Better is the share of customers whose satisfaction rises when the feature is offered; "
    "Worse is the share whose satisfaction falls when it is missing (shown as a negative "
    "number). The bars show 95% intervals from resampling customers: features whose bars "
    "overlap cannot be ranked with confidence."
)


def client_section(data: pd.DataFrame, params: dict[str, Any]) -> bool:
    """Show the Kano section of the client-study report.

    Parameters
    ----------
    data : pandas.DataFrame
        The survey (one row per respondent).
    params : dict
        Report parameters; uses ``kano_pairs`` (attribute label -> [functional column,
        dysfunctional column]), ``kano_answer_set``, ``id_column``, ``segment_column``,
        ``weight_column``, ``random_state`` and ``n_boot``.

    Returns
    -------
    bool
        True when the section was shown, False when it was skipped (with a note why).

    Examples
    --------
    >>> import pandas as pd
    >>> client_section(pd.DataFrame({"respondent_id": [1]}), {"kano_pairs": {}})
    ... # doctest: +SKIP
    False
    """
    from .analysis import KanoAnalysis, _answer_note_lines
    from .reshape import reshape_wide

    params = dict(params or {})
    pairs = params.get("kano_pairs")
    if not pairs:
        heading("Kano analysis", 2)
        note("Skipped: no Kano question pairs were mapped (parameter kano_pairs is empty).")
        return False
    id_col = params.get("id_column") or "respondent_id"
    segment = params.get("segment_column") or None
    weight = params.get("weight_column") or None
    n_boot = int(params.get("n_boot") or 500)
    seed = params.get("random_state")
    heading("Kano analysis: which features delight, which are expected", 2)
    note(_EXPLAIN)
    keep = [c for c in (segment, weight) if c]
    try:
        # check answers column by column first so a problem names the survey's own column
        cols = [c for pair in pairs.values() for c in pair]
        require_columns(data, [id_col, *keep, *cols], source="the survey")
        chosen = detect_answer_set(*(data[c] for c in cols),
                                   answer_set=params.get("kano_answer_set"))
        for c in cols:
            to_codes(data[c], chosen, column=c)
        long = reshape_wide(data, pairs, respondent=id_col, keep=keep)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FragileResultWarning)
            ka = KanoAnalysis(answer_set=params.get("kano_answer_set"), n_boot=n_boot,
                              random_state=seed, progress=False).fit(
                long, respondent=id_col, attribute="attribute", functional="functional",
                dysfunctional="dysfunctional", weights=weight)
    except InputError as exc:
        # the rest of the report stays useful; say plainly why this part is missing
        note(f"The Kano section could not be computed: {exc}", kind="warning")
        return False
    s = ka.summary
    table = pd.DataFrame({
        "Answers": s["n"],
        "Category": [f"{c} ({CATEGORY_NAMES[c]})" for c in s["category"]],
        "Clear winner (Fong's test)": s["fong_significant"].map({True: "yes", False: "no"}),
        "Better": s["better"],
        "Better 95% interval": [f"{lo:.2f} to {hi:.2f}" for lo, hi in
                                zip(s["better_lower"], s["better_upper"], strict=True)],
        "Worse": s["worse"],
        "Worse 95% interval": [f"{lo:.2f} to {hi:.2f}" for lo, hi in
                               zip(s["worse_lower"], s["worse_upper"], strict=True)],
    }, index=s.index.rename("Feature"))
    show_table(table, decimals=2, caption="Kano category and Better/Worse per feature"
               + (" (survey-weighted)" if weight else ""))
    shares = (ka.shares_ * 100).rename(columns=lambda c: f"{c} {CATEGORY_NAMES[c]} (%)")
    show_table(shares.rename_axis("Feature"), decimals=1,
               caption="Share of customers in each category")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 5))
    ka.plot_better_worse(ax=ax)
    note(_BETTER_WORSE)
    show_figure(fig)
    for w in caught:
        note(str(w.message), kind="warning")
    if len(ka.excluded_):
        reasons = "; ".join(f"{n} {reason}" for reason, n in
                            ka.excluded_["reason"].value_counts().items())
        note(f"{len(ka.excluded_)} answer pairs were left out ({reasons}).")
    for line in _answer_note_lines(ka.answer_notes_):
        note(line)  # answer labels that matched the wording only after normalisation
    if segment:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FragileResultWarning)
                seg = KanoAnalysis(answer_set=params.get("kano_answer_set"), n_boot=n_boot,
                                   random_state=seed, progress=False).fit(
                    long, respondent=id_col, attribute="attribute", functional="functional",
                    dysfunctional="dysfunctional", segment=segment, weights=weight)
        except InputError as exc:
            note(f"The Kano comparison by segment could not be computed: {exc}",
                 kind="warning")
            return True
        ss = seg.summary
        by_seg = pd.DataFrame({
            "Answers": ss["n"],
            "Category": [f"{c} ({CATEGORY_NAMES[c]})" for c in ss["category"]],
            "Clear winner": ss["fong_significant"].map({True: "yes", False: "no"}),
            "Better": ss["better"], "Worse": ss["worse"],
        }, index=ss.index.rename(["Feature", "Segment"]))
        show_table(by_seg, decimals=2, caption="Kano results by segment")
        note("Segments with fewer than 100 answers give fragile categories; compare "
             "segments by their intervals, not by the letters alone.")
    return True


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
