"""The two appendices of the client report.

Methods: the models, the respondents used and left out per section with the reasons,
the sections left out of this report and why, the references, and the run's provenance
(expectlab version, data file and its SHA-256, parameters, seed). Data quality: missing
answers per question, the declared missing-value codes, and the reader's notes.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from . import blocks
from . import formatting as fmt
from .context import ReportContext, SectionResult
from .sections import SECTIONS

__all__ = ["methods_appendix", "quality_appendix"]


def _reason(ctx: ReportContext, reason: str) -> str:
    key = "excl." + reason.replace(" ", "_")
    return ctx.tr(key) if ctx.tr.has(key) else reason


def methods_appendix(results: dict[str, SectionResult], ctx: ReportContext,
                     report_info: dict[str, Any] | None = None) -> None:
    """The methods appendix (see the module docstring)."""
    tr = ctx.tr
    blocks.heading(tr("section.methods"), 2, ident="s-methods")
    rows = []
    for name in SECTIONS:
        if name in results:
            r = results[name]
            rows.append({
                tr("app.col.section"): tr(f"section.{name}"),
                tr("app.col.model"): tr(r.model),
                tr("app.col.used"): f"{fmt.count(r.n_used)} {tr(f'unit.{r.unit}')}",
                tr("app.col.excluded"): fmt.count(sum(r.excluded.values())),
                tr("app.col.reasons"): "; ".join(f"{_reason(ctx, k)}: {fmt.count(v)}"
                                                 for k, v in r.excluded.items()),
            })
    if rows:
        blocks.table(pd.DataFrame(rows), tr("app.table.models"))
    for name in SECTIONS:
        fewer = getattr(results.get(name), "resamples", None)
        if fewer:
            blocks.paragraph(_resamples_text(ctx, name, fewer))
    blocks.paragraph(tr("app.weights", column=ctx.label(ctx.study.params["weight_column"]))
                     if ctx.study.params.get("weight_column") else tr("app.no_weights"))
    left = [(name, plan) for name, plan in ctx.study.sections.items() if not plan.runs]
    partial = [(name, plan) for name, plan in ctx.study.sections.items()
               if plan.runs and plan.reasons]
    if left or partial or ctx.study.adjustments:
        blocks.heading(tr("app.left_out"), 3)
        lines = [f"{tr(f'section.{n}')}: " + "; ".join(r.text(tr) for r in p.reasons)
                 for n, p in left + partial]
        lines += [r.text(tr) for r in ctx.study.adjustments]
        blocks.bullets(lines)
    blocks.heading(tr("app.references"), 3)
    used = {"profile"} | set(results)
    refs = [tr(f"ref.{k}") for k in _REF_SECTIONS if _ref_used(k, used)]
    blocks.bullets(refs)
    info = report_info or {}
    blocks.heading(tr("app.provenance"), 3)
    prov = {
        tr("app.prov.version"): info.get("expectlab_version") or info.get("version")
        or _version(),
        tr("app.prov.template"): info.get("template", ""),
        tr("app.prov.file"): info.get("data_file") or ctx.study.survey.source.name,
        tr("app.prov.sha256"): info.get("data_sha256") or info.get("sha256", ""),
        tr("app.prov.seed"): info.get("random_state", ctx.study.params.get("random_state")),
        tr("app.prov.date"): info.get("date", ""),
    }
    params = info.get("parameters")
    if params:
        prov[tr("app.prov.parameters")] = json.dumps(params, ensure_ascii=False,
                                                     sort_keys=True, default=str)
    blocks.table(pd.DataFrame({tr("app.col.item"): list(prov),
                               tr("app.col.value"): [str(v) for v in prov.values()]}),
                 tr("app.table.provenance"))


def _resamples_text(ctx: ReportContext, name: str, fewer: dict[str, int]) -> str:
    """Why a section used fewer bootstrap replicates, and how precise its intervals are.

    The Monte Carlo standard error of a 95% percentile interval's end is about
    ``sqrt(0.025 * 0.975 / B) / phi(1.96) = 2.67 / sqrt(B)`` standard errors of the
    estimate, i.e. ``0.68 / sqrt(B)`` of the interval's width (3.92 standard errors).
    """
    from .content import LOYALTY_MIN_RESAMPLES, LOYALTY_RESAMPLED_ROWS

    used = int(fewer["used"])
    return ctx.tr("app.resamples", section=ctx.tr(f"section.{name}"),
                  n=fmt.count(fewer["respondents"]), used=fmt.count(used),
                  asked=fmt.count(fewer["asked"]), budget=fmt.count(LOYALTY_RESAMPLED_ROWS),
                  minimum=fmt.count(LOYALTY_MIN_RESAMPLES),
                  error=fmt.share(0.68 / math.sqrt(used)))


def _version() -> str:
    from .. import __version__

    return __version__


# reference -> the section that uses it, in the order the references are listed
_REF_SECTIONS = {"alpha": "profile", "kano": "kano", "berger": "kano", "fong": "kano",
                 "edwards": "satisfaction", "parasuraman": "servqual", "peter": "servqual",
                 "fornell": "csi", "lohmoller": "csi", "dominance": "loyalty", "nps": "nps",
                 "arellano": "dynamics", "mccollough": "recovery", "dematos": "recovery",
                 "bgnbd": "purchase", "gammagamma": "purchase"}


def _ref_used(key: str, used: set[str]) -> bool:
    return _REF_SECTIONS[key] in used


def quality_appendix(ctx: ReportContext) -> None:
    """The data-quality appendix (see the module docstring)."""
    tr, study = ctx.tr, ctx.study
    blocks.heading(tr("section.quality"), 2, ident="s-quality")
    report = study.survey.missing_report
    shown = report[report["missing"] > 0]
    n = len(study.data)
    if len(shown):
        blocks.table(pd.DataFrame({
            tr("dq.col.question"): [ctx.label(c) for c in shown.index],
            tr("dq.col.code"): [fmt.count(v) for v in shown["declared_missing"]],
            tr("dq.col.blank"): [fmt.count(v) for v in shown["blank"]],
            tr("dq.col.missing"): [fmt.share_n(v / n, v) for v in shown["missing"]],
        }), tr("dq.table.missing"))
    else:
        blocks.paragraph(tr("dq.no_missing"))
    codes = []
    for name, var in study.survey.codebook.variables.items():
        missing = getattr(var, "missing", None) or []
        if name in study.survey.data.columns and missing:
            labels = getattr(var, "value_labels", None) or {}
            codes.append((ctx.label(name), ", ".join(
                f"{m} ({labels[m]})" if m in labels else str(m) for m in missing)))
    if codes:
        blocks.table(pd.DataFrame({tr("dq.col.question"): [c[0] for c in codes],
                                   tr("dq.col.codes"): [c[1] for c in codes]}),
                     tr("dq.table.codes"))
    blocks.paragraph(tr("dq.no_removal"))
    if study.notes:
        blocks.bullets(list(dict.fromkeys(study.notes)), tr("dq.notes"))
