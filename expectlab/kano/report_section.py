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
