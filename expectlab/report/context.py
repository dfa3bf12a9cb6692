"""What every report section needs to show its results: the study, the words of the
report's language, the figure style, and the helpers to caption and relabel figures."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import _errors
from . import blocks
from . import formatting as fmt
from .i18n import Messages, messages
from .study import StudyData

__all__ = ["ReportContext", "SectionResult", "collect_warnings", "relabel",
           "thin_point_clouds", "MAX_DRAWN_POINTS"]

#: The most points one scatter of a report figure draws (a random sample above it).
MAX_DRAWN_POINTS = 20_000


@dataclass
class SectionResult:
    """What a section computed, for its display, the summary and the methods appendix.

    ``n_used`` respondents (or answer pairs, ``unit``) entered the model; ``excluded``
    counts the rest by reason; ``warnings`` are fragile-result messages shown as notes;
    ``resamples`` records fewer bootstrap replicates than asked (stated in the methods).
    """

    name: str
    n_used: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    unit: str = "respondents"
    model: str = ""
    parts: dict[str, Any] = field(default_factory=dict)
    #: When the report used fewer bootstrap replicates than ``n_boot`` for this section
    #: (a large study): ``{"used": B, "asked": n_boot, "respondents": n}``.
    resamples: dict[str, int] | None = None


@contextlib.contextmanager
def collect_warnings(into: list[str]) -> Iterator[None]:
    """Record fragile-result warnings (deduplicated) instead of printing them."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", _errors.FragileResultWarning)
        yield
    for w in caught:
        text = str(w.message)
        if issubclass(w.category, _errors.FragileResultWarning) and text not in into:
            into.append(text)


def relabel(ax: Any, *, xlabel: str | None = None, ylabel: str | None = None,
            title: str | None = None, legend: Mapping[str, str] | None = None) -> Any:
    """Put the report's words on a figure drawn by a model's plot method."""
    if xlabel is not None:
        ax.set_xlabel(fmt.literal(xlabel))
    if ylabel is not None:
        ax.set_ylabel(fmt.literal(ylabel))
    if title is not None:
        ax.set_title(fmt.literal(title))
    leg = ax.get_legend()
    if leg is not None and legend:
        for text in leg.get_texts():
            new = legend.get(text.get_text())
            if new is not None:
                text.set_text(fmt.literal(new))
    return ax


def thin_point_clouds(fig: Any, max_points: int = MAX_DRAWN_POINTS, seed: int = 2026
                      ) -> tuple[int, int]:
    """Keep a random ``max_points`` of every 2-D scatter of ``fig`` that has more.

    Per-point colours, sizes, line widths and colour values are kept with their points;
    the sample is drawn with a fixed ``seed`` so a report is the same from run to run.
    Returns (points drawn, points in the thinned clouds); (0, 0) when nothing was
    thinned.
    """
    import numpy as np
    from matplotlib.collections import PathCollection

    shown = total = 0
    rng = np.random.default_rng(seed)
    for ax in fig.axes:
        for coll in list(ax.collections):
            # 3-D scatters keep their own offsets; the report draws none of that size
            if type(coll) is not PathCollection:
                continue
            offsets = np.asarray(coll.get_offsets())
            n = len(offsets)
            if n <= max_points:
                continue
            keep = np.sort(rng.choice(n, size=max_points, replace=False))
            per_point = {}
            for name in ("facecolor", "edgecolor", "sizes", "linewidth"):
                values = np.asarray(getattr(coll, f"get_{name}")())
                if values.ndim and len(values) == n:
                    per_point[name] = values[keep]
            colours = coll.get_array()
            coll.set_offsets(offsets[keep])
            if colours is not None and len(colours) == n:
                coll.set_array(np.asarray(colours)[keep])
            for name, kept in per_point.items():
                getattr(coll, f"set_{name}")(kept)
            shown += max_points
            total += n
    return shown, total


@dataclass
class ReportContext:
    """The study and the presentation settings of one report."""

    study: StudyData
    language: str = "en"
    style: dict[str, Any] | None = None
    tr: Messages = field(init=False)

    def __post_init__(self) -> None:
        self.tr = messages(self.language)

    # -- words and numbers -------------------------------------------------------------
    def label(self, column: str) -> str:
        """The question wording of a column (its plain name when the codebook has none)."""
        return self.study.label(column)

    def interval(self, lower: Any, upper: Any, rule: Any = fmt.estimate) -> str:
        return fmt.interval(lower, upper, rule, to=self.tr("fmt.to"))

    def caution(self, text: str) -> None:
        blocks.caution(text, self.tr("label.note"))

    def show_warnings(self, result: SectionResult) -> None:
        for text in result.warnings:
            self.caution(text)

    def heading(self, section: str, level: int = 2) -> None:
        """The heading of a section, with the anchor the table of contents links to."""
        blocks.heading(self.tr(f"section.{section}"), level, ident=f"s-{section}")

    # -- figures -----------------------------------------------------------------------
    def figures(self) -> Any:
        """A block whose figures use the report's colours and fonts (nothing global)."""
        return blocks.figure_style(self.language, self.style)

    def figure(self, fig: Any, caption: str, alt: str | None = None) -> None:
        """Show ``fig`` with its caption; point clouds too large to draw are thinned.

        A scatter of every respondent of a large study (a million points) takes long to
        draw and shows nothing more than a random sample of it does: clouds above
        :data:`MAX_DRAWN_POINTS` are drawn from a seeded random sample, and the caption
        says so. Only the drawing is thinned; every number comes from all the data.
        """
        shown, total = thin_point_clouds(fig)
        if total:
            sampled = self.tr("label.sampled", shown=fmt.count(shown), total=fmt.count(total))
            caption = f"{caption} {sampled}"
        blocks.figure(fig, caption, alt)
