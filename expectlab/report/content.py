"""Running the analysis sections of the client report: compute first (so the executive
summary on the first page can be written from the results), show afterwards."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from .context import ReportContext, SectionResult
from .sections import SECTIONS
from .study import StudyData

__all__ = ["compute_sections", "compute_section", "show_section", "STEP_LABELS",
           "loyalty_resamples", "LOYALTY_RESAMPLED_ROWS", "LOYALTY_MIN_RESAMPLES"]

#: Resampled respondents the loyalty section's bootstraps may use in all (replicates x
#: respondents): 500 replicates of 20,000 respondents.
LOYALTY_RESAMPLED_ROWS = 10_000_000
#: The fewest bootstrap replicates the loyalty section uses when the budget is reached.
LOYALTY_MIN_RESAMPLES = 50

#: How the progress lines of ``expectlab report`` name each section's computation.
STEP_LABELS = {"kano": "Kano analysis", "satisfaction": "Satisfaction model",
               "servqual": "Service quality (SERVQUAL)", "csi": "Satisfaction index",
               "loyalty": "Loyalty model", "nps": "Net Promoter Score",
               "dynamics": "Expectation dynamics", "recovery": "Service recovery",
               "purchase": "Purchase behaviour"}


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
    results: dict[str, SectionResult] = {}
    for name in SECTIONS:
        compute_section(name, study, results)
    return results


def compute_section(name: str, study: StudyData, results: dict[str, SectionResult]) -> None:
    """Fit the section ``name`` into ``results`` (nothing when it does not run).

    The template calls this once per section, each in its own cell, so that the report
    command can show the progress of every section (see :mod:`expectlab.report.progress`).
    """
    if name not in SECTIONS:
        raise ValueError(f"Unknown report section {name!r}; the sections are {SECTIONS}.")
    if not study.runs(name):
        return
    asked = int(study.params["n_boot"])
    used = loyalty_resamples(asked, len(study.data)) if name == "loyalty" else asked
    if used != asked:
        study = dataclasses.replace(study, params={**study.params, "n_boot": used})
    result = _parts(name)[0](study)
    if used != asked:
        result.resamples = {"used": used, "asked": asked, "respondents": len(study.data)}
    results[name] = result


def loyalty_resamples(n_boot: int, n_respondents: int) -> int:
    """Bootstrap replicates of the loyalty section for a study of ``n_respondents``.

    The loyalty model's held-out metrics, permutation importance and dominance analysis
    each resample every respondent in every replicate, so their cost grows with
    replicates x respondents. Up to :data:`LOYALTY_RESAMPLED_ROWS` resampled rows (500
    replicates of 20,000 respondents) the report uses ``n_boot``; above, the replicates
    fall in proportion to the respondents, never below :data:`LOYALTY_MIN_RESAMPLES`.

    Why this is sound: a percentile interval's ends carry a Monte Carlo error of about
    ``2.7 / sqrt(B)`` standard errors of the estimate, and that standard error shrinks as
    ``1 / sqrt(n)``, so with ``B`` proportional to ``1 / n`` the ends are as precise in
    absolute terms (the digits the report shows) as with ``n_boot`` replicates at 20,000
    respondents. The floor keeps each end within about 0.68 / sqrt(50) = 10% of the
    interval's width. The report's methods appendix states the replicates used.

    Examples
    --------
    >>> loyalty_resamples(500, 600), loyalty_resamples(500, 100_000)
    (500, 100)
    >>> loyalty_resamples(500, 1_000_000)
    50
    """
    n_boot, n = int(n_boot), max(int(n_respondents), 1)
    if n_boot <= LOYALTY_MIN_RESAMPLES:
        return n_boot
    return max(LOYALTY_MIN_RESAMPLES, min(n_boot, math.ceil(LOYALTY_RESAMPLED_ROWS / n)))


def show_section(name: str, results: dict[str, SectionResult], ctx: ReportContext) -> None:
    """Show one section (nothing when it does not run), in the report's figure style."""
    if name not in results:
        return
    with ctx.figures():
        _parts(name)[1](results[name], ctx)
