"""The data profile of a client study: sample, missing answers, item distributions and
scale reliabilities, and the key figures the template's nbval check compares."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .study import StudyData

__all__ = ["profile_table", "reliability_table", "plot_missingness",
           "plot_item_distributions", "profile_section", "key_figures"]


def _weighted_share(values: pd.Series, weights: pd.Series | None) -> pd.Series:
    if weights is None:
        return values.value_counts(normalize=True, dropna=False).sort_index()
    frame = pd.DataFrame({"v": values, "w": weights})
    return (frame.groupby("v", dropna=False)["w"].sum() / frame["w"].sum()).sort_index()


def profile_table(study: StudyData) -> pd.DataFrame:
    """Sample-size overview: respondents, segments (unweighted and weighted shares)."""
    data, params = study.data, study.params
    seg, wcol = params.get("segment_column"), params.get("weight_column")
    rows = [{"group": "All respondents", "n": len(data), "share": 1.0,
             "weighted_share": 1.0 if wcol else np.nan}]
    if seg:
        weights = data[wcol].astype(float) if wcol else None
        counts = data[seg].value_counts(dropna=False).sort_index()
        wshare = _weighted_share(data[seg], weights) if wcol else None
        for level, n in counts.items():
            rows.append({
                "group": f"{seg} = {level}",
                "n": int(n),
                "share": n / len(data),
                "weighted_share": float(wshare.loc[level]) if wshare is not None else np.nan,
            })
    return pd.DataFrame(rows).set_index("group")


def reliability_table(study: StudyData) -> pd.DataFrame:
    """One row per scale: items, respondents with a score, mean, sd, alpha and its CI."""
    rows = []
    for name, score in study.scales.items():
        rel = score.reliability
        rows.append({
            "scale": name,
            "items": ", ".join(score.items),
            "n_scored": int(score.scores.notna().sum()),
            "mean": score.scores.mean(),
            "sd": score.scores.std(),
            "alpha": rel.alpha if rel else np.nan,
            "alpha_lower": rel.ci[0] if rel else np.nan,
            "alpha_upper": rel.ci[1] if rel else np.nan,
            "min_item_total_r": rel.items["item_total_r"].min() if rel else np.nan,
        })
    columns = ["items", "n_scored", "mean", "sd", "alpha", "alpha_lower", "alpha_upper",
               "min_item_total_r"]
    if not rows:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="scale"))
    return pd.DataFrame(rows).set_index("scale")


def plot_missingness(study: StudyData, ax=None):
    """Horizontal bar chart of the share of missing answers per column (columns with any)."""
    import matplotlib.pyplot as plt

    report = study.survey.missing_report
    shown = report[report["missing"] > 0].sort_values("share_missing")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, max(2.0, 0.28 * len(shown) + 1)))
    if len(shown) == 0:
        ax.text(0.5, 0.5, "No missing answers", ha="center", va="center")
        ax.set_axis_off()
        return ax
    declared = shown["declared_missing"] / len(study.data)
    blank = shown["blank"] / len(study.data)
    ax.barh(shown.index, declared * 100, label="declared missing code (e.g. don't know)")
    ax.barh(shown.index, blank * 100, left=declared * 100, label="left blank / not asked")
    ax.set_xlabel("Share of respondents (%)")
    ax.set_title("Missing answers by question")
    ax.legend(loc="lower right", fontsize="small")
    return ax


def plot_item_distributions(study: StudyData, items: Sequence[str], ax=None):
    """Stacked horizontal bars: share of each answer category per item."""
    import matplotlib.pyplot as plt

    data = study.survey.data  # answers as given (before reverse coding)
    items = [i for i in items if i in data.columns]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, max(2.0, 0.35 * len(items) + 1.2)))
    if not items:
        ax.set_axis_off()
        return ax
    values = sorted(pd.unique(data[items].to_numpy().ravel()[
        ~pd.isna(data[items].to_numpy().ravel())]))
    shares = pd.DataFrame({v: (data[items] == v).sum() / data[items].notna().sum()
                           for v in values})
    cmap = plt.get_cmap("RdYlGn", max(len(values), 2))
    left = np.zeros(len(items))
    for j, v in enumerate(values):
        ax.barh(items, shares[v] * 100, left=left, color=cmap(j), label=f"{v:g}")
        left += shares[v].to_numpy() * 100
    ax.set_xlabel("Share of answers (%)")
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    ax.set_title("Answer distributions of the scale items (as asked)")
    ax.legend(title="answer", bbox_to_anchor=(1.01, 1), loc="upper left", fontsize="small")
    return ax


def profile_section(study: StudyData) -> None:
    """Display the data profile: sample, missingness, item distributions, reliabilities."""
    import matplotlib.pyplot as plt

    from .._display import heading, note, show_figure, show_table

    survey = study.survey
    heading("Data profile")
    note(
        f"File {survey.source.name}: {survey.n_rows} respondents, "
        f"{survey.data.shape[1]} columns. Declared missing-value codes were turned into "
        "missing answers; no respondent was removed."
    )
    for extra in study.notes:
        note(extra, kind="warning")
    heading("Sample", level=3)
    show_table(profile_table(study), caption="Respondents by segment; weighted shares use "
               "the survey weight.")
    heading("Missing answers", level=3)
    report = survey.missing_report
    if not (report["missing"] > 0).any():
        note("No answer is missing.")
    else:
        show_table(report[report["missing"] > 0], caption="Missing answers per column "
                   "(columns without any are not shown).")
        n_shown = int((report["missing"] > 0).sum())
        fig, ax = plt.subplots(figsize=(7, max(2.0, 0.28 * n_shown + 1)))
        plot_missingness(study, ax=ax)
        fig.tight_layout()
        show_figure(fig)
    heading("Scale items", level=3)
    items = [i for score in study.scales.values() for i in score.items]
    if not items:
        note("No multi-item scales are declared (codebook 'scales' or the item parameters).")
        return
    fig, ax = plt.subplots(figsize=(8, max(2.0, 0.35 * len(items) + 1.2)))
    plot_item_distributions(study, items, ax=ax)
    fig.tight_layout()
    show_figure(fig)
    heading("Scale reliability", level=3)
    note("Scale scores are the mean of the answered items (at least half of them), after "
         "reverse-coding negatively worded items. Cronbach's alpha above 0.7 is usually "
         "taken as adequate; the interval is Feldt's 95% confidence interval.")
    show_table(reliability_table(study))


def key_figures(study: StudyData, decimals: int = 3) -> pd.Series:
    """Headline numbers of the data profile, rounded: sample, segments, missing answers and
    each scale's Cronbach's alpha with its interval.

    The template prints them in a cell that nbval compares, so a change in the example
    data or the reader shows up as a failing test rather than a silently different report.
    """
    figures: dict[str, float | int] = {"respondents": len(study.data)}
    sample = profile_table(study)
    for group, row in sample.iloc[1:].iterrows():
        figures[f"respondents, {group}"] = int(row["n"])
    figures["missing answers"] = int(study.survey.missing_report["missing"].sum())
    figures["declared missing codes"] = int(
        study.survey.missing_report["declared_missing"].sum())
    for name, row in reliability_table(study).iterrows():
        for label, column in (("", "alpha"), (", lower", "alpha_lower"),
                              (", upper", "alpha_upper")):
            figures[f"alpha, {name}{label}"] = round(float(row[column]), decimals)
    # object dtype keeps counts as whole numbers next to the rounded alphas
    return pd.Series(figures, name="value", dtype=object)


