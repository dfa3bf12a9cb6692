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

__all__ = ["ReportContext", "SectionResult", "collect_warnings", "relabel"]


@dataclass
class SectionResult:
    """What a section computed, for its display, the summary and the methods appendix.

    ``n_used`` respondents (or answer pairs, ``unit``) entered the model; ``excluded``
    counts the rest by reason; ``warnings`` are fragile-result messages shown as notes.
    """

    name: str
    n_used: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    unit: str = "respondents"
    model: str = ""
    parts: dict[str, Any] = field(default_factory=dict)


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
        blocks.figure(fig, caption, alt)
