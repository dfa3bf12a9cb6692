"""Running the analysis sections of the client report: compute first (so the executive
summary on the first page can be written from the results), show afterwards."""

from __future__ import annotations

from typing import Any

from .context import ReportContext, SectionResult
from .sections import SECTIONS
from .study import StudyData

__all__ = ["compute_sections", "show_section"]


def _parts(name: str) -> tuple[Any, Any]:
    # one name per module: a shared name would be typed as the first module imported
    if name == "kano":
        from ..kano import report_section as kano_section

        return kano_section.compute, kano_section.show
    if name == "satisfaction":
        from ..satisfaction import report_section as satisfaction_section

        return satisfaction_section.compute, satisfaction_section.show
    if name in ("loyalty", "nps"):
        from ..loyalty import report_section as loyalty_section

        if name == "nps":
            return loyalty_section.compute_nps, loyalty_section.show_nps
        return loyalty_section.compute, loyalty_section.show
    if name == "servqual":
        from ..servqual import report_section as servqual_section

        return servqual_section.compute, servqual_section.show
    if name == "csi":
        from ..csi import report_section as csi_section

        return csi_section.compute, csi_section.show
    if name in ("dynamics", "recovery"):
        from ..dynamics import report_section as dynamics_section

        if name == "recovery":
            return dynamics_section.compute_recovery, dynamics_section.show_recovery
        return dynamics_section.compute, dynamics_section.show
    from ..repeat import report_section as repeat_section

    return repeat_section.compute, repeat_section.show


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
