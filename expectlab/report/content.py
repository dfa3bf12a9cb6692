"""Running the analysis sections of the client report: compute first (so the executive
summary on the first page can be written from the results), show afterwards."""

from __future__ import annotations

from typing import Any

from .context import ReportContext, SectionResult
from .sections import SECTIONS
from .study import StudyData

__all__ = ["compute_sections", "show_section"]


def _parts(name: str) -> tuple[Any, Any]:
    if name == "kano":
        from ..kano import report_section as mod

        return mod.compute, mod.show
    if name == "satisfaction":
        from ..satisfaction import report_section as mod

        return mod.compute, mod.show
    if name == "loyalty":
        from ..loyalty import report_section as mod

        return mod.compute, mod.show
    if name == "nps":
        from ..loyalty import report_section as mod

        return mod.compute_nps, mod.show_nps
    if name == "servqual":
        from ..servqual import report_section as mod

        return mod.compute, mod.show
    if name == "csi":
        from ..csi import report_section as mod

        return mod.compute, mod.show
    if name == "dynamics":
        from ..dynamics import report_section as mod

        return mod.compute, mod.show
    if name == "recovery":
        from ..dynamics import report_section as mod

        return mod.compute_recovery, mod.show_recovery
    from ..repeat import report_section as mod

    return mod.compute, mod.show


def compute_sections(study: StudyData) -> dict[str, SectionResult]:
    """Fit every section that runs on this study, in reading order.

    Inputs were validated by :func:`~expectlab.report.prepare_study`; an error here stops
    the report (it is never turned into a note in the client's document).
    """
    return {name: _parts(name)[0](study) for name in SECTIONS if study.runs(name)}


def show_section(name: str, results: dict[str, SectionResult], ctx: ReportContext) -> None:
    """Show one section (nothing when it does not run), in the report's figure style."""
    if name not in results:
        return
    with ctx.figures():
        _parts(name)[1](results[name], ctx)
