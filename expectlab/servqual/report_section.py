"""The service-quality section of the client-study report.

:func:`section_content` computes what to show (tables with captions, figures, notes) and
returns it, so it can be tested and reused; :func:`client_section` displays it through
the escaping display helpers, like the other report sections. The section runs when the
report parameters declare the SERVQUAL batteries:

- ``servqual_items``: item -> [expectation column, perception column] (or [desired,
  adequate, perceived]);
- ``servqual_dimensions``: dimension -> items, or ``"classic"`` (22 items in order);
- optional ``servqual_overall`` (overall quality column), ``servqual_importance``
  (dimension -> points column), ``weight_column``, ``scale_min`` / ``scale_max``,
  ``n_boot`` and ``random_state``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from .._errors import FragileResultWarning, InputError

__all__ = ["SectionContent", "section_content", "client_section"]


@dataclass
class SectionContent:
    """What the section shows, in order: ``blocks`` of ("note", text, kind),
    ("table", caption, DataFrame) or ("figure", caption, Figure)."""

    title: str
    blocks: list[tuple[str, Any, Any]] = field(default_factory=list)

    def note(self, text: str, kind: str = "info") -> None:
        self.blocks.append(("note", text, kind))

    def table(self, caption: str, table: pd.DataFrame) -> None:
        self.blocks.append(("table", caption, table))

    def figure(self, caption: str, fig: Any) -> None:
        self.blocks.append(("figure", caption, fig))

    def tables(self) -> dict[str, pd.DataFrame]:
        return {c: t for kind, c, t in self.blocks if kind == "table"}

    def notes(self) -> list[str]:
        return [t for kind, t, _ in self.blocks if kind == "note"]


def section_content(data: Any, params: dict[str, Any]) -> SectionContent | None:
    """Compute the service-quality section; None when the parameters declare no batteries.

    Examples
    --------
    >>> import warnings; warnings.simplefilter("ignore")
    >>> from expectlab.simulate.servqual import simulate_servqual
    >>> sim = simulate_servqual(n=200, random_state=1)
    >>> content = section_content(sim.data, {"servqual_items": sim.items,
    ...     "servqual_dimensions": sim.dimensions, "servqual_overall": "overall_quality",
    ...     "scale_min": 1, "scale_max": 7})
    >>> "Gap per dimension (perception minus expectation)" in content.tables()
    True
    """
    import matplotlib.pyplot as plt

    from .gaps import ServqualGaps

    items = params.get("servqual_items")
    if not items:
        return None
    content = SectionContent("Service quality: perceptions against expectations")
    lo, hi = params.get("scale_min"), params.get("scale_max")
    scale: tuple[float, float] | Literal["infer"] = (
        "infer" if lo is None or hi is None else (lo, hi))
    weight = params.get("weight_column") or None
    frame = getattr(data, "data", data)
    if weight is not None and isinstance(frame, pd.DataFrame) and weight not in frame.columns:
        weight = None
    overall = params.get("servqual_overall") or None
    model = ServqualGaps(scale=scale, n_boot=int(params.get("n_boot") or 0),
                         random_state=params.get("random_state"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FragileResultWarning)
        try:
            model.fit(data, items=items, dimensions=params.get("servqual_dimensions"),
                      overall=overall, importance=params.get("servqual_importance") or None,
                      weights=weight)
        except InputError as exc:
            content.note(f"The service-quality analysis could not be run on these data: "
                         f"{exc}", kind="warning")
            return content
    three = model.format_ == "three-column"
    content.note(
        "SERVQUAL compares what customers expect with what they perceive, item by item, "
        "grouped into dimensions. A negative gap means the service falls short of "
        f"expectations. Based on {model.n_obs_} respondents"
        + (" weighted by the survey weights." if model.weights_ else "."))
    if model.scale_inferred_:
        content.note("The answer scale was not declared; it was inferred from the observed "
                     f"answers ({model.scale_[0]:g} to {model.scale_[1]:g}).", kind="warning")
    if len(model.excluded_):
        content.note(f"{len(model.excluded_)} respondents were left out: "
                     + "; ".join(f"{n} {r}" for r, n in
                                 model.excluded_["reason"].value_counts().items()) + ".")
    headline = "MSS" if three else "P - E"
    dims = model.summary.loc[(headline, "dimension"),
                             ["estimate", "lower", "upper", "p", "n"]]
    content.table("Gap per dimension (perception minus desired service)" if three else
                  "Gap per dimension (perception minus expectation)", dims)
    content.table("Overall service-quality score (mean of the dimension gaps, and weighted "
                  "by importance)",
                  model.summary.loc[(headline, "overall"), ["estimate", "lower", "upper"]])
    fig, ax = plt.subplots(figsize=(7, 4))
    model.plot_gaps(ax=ax)
    content.figure("Gaps per dimension with 95% intervals", fig)
    if three and model.zone_ is not None:  # the zone exists for three columns only
        zone = model.zone_.loc["dimension", ["below", "within", "above", "inverted"]]
        content.table("Share of respondents below, within and above the zone of tolerance",
                      zone)
    if model.importance_ is not None:
        content.table("Importance weights of the dimensions",
                      model.importance_[["share", "source"]])
    rel = model.reliability_[["n_items", "alpha_perception", "alpha_gap", "corr_pe",
                              "difference_reliability"]]
    content.table("Reliability of the gap scores (Cronbach's alpha of the gap items and "
                  "the reliability of the difference score)", rel)
    content.note(model.reliability_warning(),
                 kind="warning" if any(issubclass(w.category, FragileResultWarning)
                                       and "reliability" in str(w.message) for w in caught)
                 else "info")
    # both exist with an overall rating (the comparison also needs enough respondents)
    if model.servperf_ is not None and model.difference_tests_ is not None:
        content.table("Does perception alone (SERVPERF) explain overall quality as well as "
                      "the gap (SERVQUAL)? Higher adjusted R2 and lower AIC are better",
                      model.servperf_[["r2", "adj_r2", "aic", "delta_aic"]])
        tests = model.difference_tests_
        rejected = tests.index[~tests["difference_adequate"]].tolist()
        content.table("Response-surface test of the gap formula per dimension (a small p "
                      "means overall quality does not depend on P - E alone)",
                      tests[["n", "statistic", "p", "difference_adequate"]])
        content.note(
            "The gap formula is rejected for " + ", ".join(map(str, rejected)) + "."
            if rejected else "The gap formula is not rejected for any dimension (with few "
            "respondents this may only mean the test had little power).")
    for w in caught:
        if issubclass(w.category, FragileResultWarning) and "reliability" not in str(
                w.message):
            content.note(str(w.message), kind="warning")
    return content


def client_section(data: Any, params: dict[str, Any]) -> bool:
    """Display the service-quality section; return True when shown, False when skipped.

    Parameters
    ----------
    data : pandas.DataFrame or Study
        The survey after reading.
    params : dict
        Report parameters (see the module docstring); the section is skipped when
        ``servqual_items`` is missing or empty.
    """
    from .._display import heading, note, show_figure, show_table

    content = section_content(data, params)
    if content is None:
        return False
    heading(content.title)
    shown = False
    for kind, first, second in content.blocks:
        if kind == "note":
            note(first, kind=second)
        elif kind == "table":
            show_table(second, decimals=3, caption=first)
            shown = True
        else:
            show_figure(second)
    return shown
