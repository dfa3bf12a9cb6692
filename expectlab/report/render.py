"""Running a template and writing the client's report: HTML, Excel, PDF and PowerPoint.

The run happens in a temporary folder inside the output folder; the files are moved into
place only when everything succeeded, so a failed rerun leaves the previous report as it
was (never an old HTML beside a new partial notebook).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import FragileResultWarning, InputError
from ._handover import ENV as HANDOVER_ENV
from ._handover import write_prepared
from ._logcopy import columnar_copy, copies
from .parameters import (
    PRESENTATION_PARAMETERS,
    READ_OPTIONS,
    _declared_defaults,
    check_parameter_types,
    split_data_source,
    template_parameters,
    validate_parameters,
)
from .progress import NotebookSteps, ReportProgress
from .sections import SECTIONS
from .study import prepare_study

__all__ = ["render_report", "render_report_files", "ReportFiles", "FORMATS",
           "check_report_name", "auto_timeout"]

#: Output formats in the order they are written (PDF prints the HTML).
FORMATS = ("html", "xlsx", "pdf", "pptx")
_PATH_KEYS = ("data_path", "codebook_path", "transactions_path")
_FORMAT_STEPS = {"html": "Writing the HTML report", "xlsx": "Writing the Excel workbook",
                 "pdf": "Printing the PDF", "pptx": "Writing the PowerPoint slides"}
#: The automatic per-cell time-out: this many seconds per started 100,000 respondents.
TIMEOUT_PER_100K = 600


def auto_timeout(n_respondents: int) -> int:
    """The per-cell time-out when none is given: 600 s per (started) 100,000 respondents.

    A section's work grows about linearly with the respondents (its bootstrap resamples
    respondents), so a fixed limit that suits a small study stops a legitimate run on a
    large one; 600 s per 100,000 leaves a wide margin over the measured times while still
    stopping a cell that hangs.
    """
    blocks = max(1, -(-int(n_respondents) // 100_000))
    return TIMEOUT_PER_100K * blocks


@dataclass
class ReportFiles:
    """The files a report run wrote, and how long each notebook cell and step took.

    ``timeout`` is the per-cell time-out that applied (given, or from the data size).
    """

    files: dict[str, Path]
    notebook: Path
    cell_seconds: list[tuple[str, float]] = field(default_factory=list)
    step_seconds: list[tuple[str, float]] = field(default_factory=list)
    timeout: int | None = None


def check_report_name(name: str) -> str:
    """``name`` if it is a plain file name (no folders, no hidden or special names)."""
    bad = (not name or name in (".", "..") or name.startswith(".") or "/" in name
           or "\\" in name or "\x00" in name or any(ord(c) < 32 for c in name)
           or Path(name).name != name)
    if bad:
        raise InputError(
            f"--name {name!r} must be a file name without folders, e.g. --name acme_2026; "
            "the report is written inside --out."
        )
    return name


def _check_formats(formats: Sequence[str]) -> list[str]:
    wanted = [f.strip().lower() for f in formats if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise InputError(f"Unknown report format(s) {unknown or list(formats)}; choose from "
                         f"{', '.join(FORMATS)}, e.g. --format html,xlsx.")
    return [f for f in FORMATS if f in wanted]


def _check_format_tools(formats: list[str]) -> None:
    """Stop before running when a requested format cannot be written on this machine."""
    import importlib.util

    from ._export_pdf import find_chromium

    for fmt, module, package in (("xlsx", "openpyxl", "openpyxl"),
                                 ("pptx", "pptx", "python-pptx")):
        if fmt in formats and importlib.util.find_spec(module) is None:
            raise InputError(f"The {fmt} format needs {package}: pip install "
                             f"'expectlab[report]'.")
    if "pdf" in formats and find_chromium() is None:
        raise InputError("PDF needs Chromium: apt-get install chromium (or leave pdf out of "
                         "--format; the HTML report prints to PDF from any browser).")


def _check_out_dir(out_dir: Path) -> Path:
    out_dir = out_dir.expanduser()
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"--out {str(out_dir)!r} is a file; give a folder for the report.")
    for parent in out_dir.resolve().parents:
        if parent.exists() and not parent.is_dir():
            raise InputError(f"--out {str(out_dir)!r}: {str(parent)!r} is a file.")
    return out_dir.resolve()


def render_report_files(
    template: str | Path,
    out_dir: str | Path,
    parameters: Mapping[str, Any],
    *,
    name: str | None = None,
    kernel_name: str | None = None,
    timeout: int | None = None,
    read_options: Mapping[str, Any] | None = None,
    formats: Sequence[str] = ("html",),
    language: str | None = None,
    style: Mapping[str, Any] | None = None,
    progress: bool | None | ReportProgress = None,
) -> ReportFiles:
    """Execute ``template`` with ``parameters`` and write the report in ``formats``.

    Parameters
    ----------
    template : str or Path
        The template notebook.
    out_dir : str or Path
        Folder for the report (created when missing; must not be a file).
    parameters : mapping
        Template parameters by name (checked against the template and their types).
    name : str, optional
        File name of the report without extension (default: the template's name).
    kernel_name : str, optional
        Jupyter kernel (default: the template's).
    timeout : int, optional
        Seconds allowed per notebook cell. Default: :func:`auto_timeout` of the number of
        respondents (600 s per started 100,000).
    read_options : mapping, optional
        ``sep``, ``decimal``, ``encoding``, ``sheet`` for :func:`~expectlab.read_survey`.
    formats : sequence of str
        Any of ``html``, ``xlsx``, ``pdf``, ``pptx``.
    language : {"en", "zh"}, optional
        Report language, for templates that declare ``language``.
    style : mapping, optional
        Branding (see :func:`~expectlab.report.load_style`), for templates declaring ``style``.
    progress : bool, None or ReportProgress
        One line per step on stderr with its time (see :mod:`expectlab.report.progress`):
        ``True`` always, ``False`` never, ``None`` only when stderr is a terminal.

    Returns
    -------
    ReportFiles
        ``files`` maps each format to its path; the executed notebook is kept as
        ``<name>.ipynb`` for auditing; ``cell_seconds`` and ``step_seconds`` say where
        the time went.

    Raises
    ------
    InputError
        Bad parameters, data, names or folders, an expectlab ``InputError`` raised by a cell,
        or a cell time-out. Nothing is written.
    RuntimeError
        A defect: a cell failed otherwise. The partly executed notebook is kept as
        ``<name>.failed.ipynb``.
    """
    import nbformat

    from ._provenance import report_info, scrub_notebook
    from ._run import execute_template

    wanted = _check_formats(formats)
    _check_format_tools(wanted)
    if timeout is not None and (not isinstance(timeout, int) or isinstance(timeout, bool)
                                or timeout < 1):
        raise InputError(f"--timeout must be a whole number of seconds of at least 1, got "
                         f"{timeout!r}.")
    bar = progress if isinstance(progress, ReportProgress) else ReportProgress(progress)
    template = Path(template).expanduser().resolve()
    if not template.is_file():
        raise InputError(f"Template {str(template)!r} does not exist.")
    stem = check_report_name(name if name is not None else template.stem)
    out_dir = _check_out_dir(Path(out_dir))

    declared = template_parameters(template)
    params = dict(parameters)
    for key, value in (("language", language), ("style", style)):
        if value is None:
            continue
        if key not in declared:
            raise InputError(f"The template {template.name!r} does not declare the parameter "
                             f"{key!r}, so it cannot use --{'lang' if key == 'language' else key}.")
        params[key] = dict(value) if isinstance(value, Mapping) else value
    if "report_info" in params:
        raise InputError("Parameter 'report_info' is computed by expectlab; do not give it.")
    unknown = [k for k in params if k not in declared]
    if unknown:
        raise InputError(
            f"Unknown parameter(s) {', '.join(map(repr, unknown))}. The template declares: "
            f"{', '.join(sorted(declared))}."
        )
    validate_parameters(params, allowed=list(declared))
    # Paths are resolved against the caller's folder; the notebook runs in its own.
    for key in _PATH_KEYS:
        if params.get(key) and not isinstance(params[key], Mapping):
            params[key] = str(Path(params[key]).expanduser().resolve())
    if read_options:
        unknown = sorted(set(read_options) - set(READ_OPTIONS))
        if unknown:
            raise InputError(f"Unknown reader option(s) {unknown}; use {list(READ_OPTIONS)}.")
        source = params.get("data_path") or _declared_defaults(
            declared, template.parent).get("data_path")
        path, options = split_data_source(source)
        options.update({k: v for k, v in read_options.items() if v is not None})
        params["data_path"] = {"path": str(Path(path).expanduser().resolve()), **options}
    # Validate everything before running anything: one clear error, no half-made report.
    effective = {**PRESENTATION_PARAMETERS, **_declared_defaults(declared, template.parent),
                 **params}
    effective = {k: v for k, v in effective.items()
                 if k in declared or k not in PRESENTATION_PARAMETERS}
    check_parameter_types(effective)
    # the parameters the user gave: a section they asked for must not be left out quietly
    explicit = sorted(k for k in params if k not in PRESENTATION_PARAMETERS)
    with bar.step("Reading and checking the data"), warnings.catch_warnings():
        # fragile-result notes of the checks are shown in the report, not here
        warnings.simplefilter("ignore", FragileResultWarning)
        study = prepare_study(validate_parameters(effective, allowed=list(declared)),
                              explicit=explicit)
        if "report_info" in declared:
            params["report_info"] = {**report_info(template, effective),
                                     "explicit_parameters": explicit}
    running = {name for name in SECTIONS if study.runs(name)}
    steps = NotebookSteps(nbformat.read(str(template), as_version=4).cells,
                          runs=running.__contains__)
    copy_log = "purchase" in running and copies(study.params.get("transactions_path"))
    bar.plan(2 + copy_log + len(steps.labels) + len(wanted))
    if timeout is None:
        timeout = auto_timeout(len(study.data))
        hint = (f"(No --timeout was given: {TIMEOUT_PER_100K} s per started 100,000 "
                f"respondents, {len(study.data):,} here.)")
    else:
        hint = ""

    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".expectlab-run-", dir=out_dir))
    try:
        if copy_log:
            with bar.step("Copying the purchase log to a columnar file"):
                copied = columnar_copy(study.params["transactions_path"], work)
            if copied is not None:
                # the kernel's purchase section reads the copy (same values, faster)
                study.params["transactions_path"] = copied
        executed = work / f"{stem}.ipynb"
        bar.start("Starting the report kernel")
        try:
            # the kernel loads the study read above instead of reading the file again
            handed = write_prepared(study, study.fingerprint, work)
            del study
            timings = execute_template(template, executed, params, kernel_name=kernel_name,
                                       timeout=timeout, on_cell_start=bar.cell_hook(steps),
                                       kernel_env={**os.environ, HANDOVER_ENV: str(handed)},
                                       step=lambda: bar.current, timeout_hint=hint)
            bar.finish()
        except BaseException as exc:
            bar.finish(failed=True)
            if isinstance(exc, RuntimeError) and executed.exists():
                shutil.move(str(executed), str(out_dir / f"{stem}.failed.ipynb"))
            raise
        handed.unlink(missing_ok=True)
        nb = scrub_notebook(nbformat.read(str(executed), as_version=4))
        nbformat.write(nb, str(executed))
        written = _export(nb, work, stem, wanted,
                          title=str(effective.get("study_title") or stem),
                          language=str(effective.get("language") or "en"),
                          info=params.get("report_info"), progress=bar)
        # Everything worked: move into place (each move is atomic within one folder tree).
        files = {}
        for fmt, made in written.items():
            target = out_dir / made.name
            made.replace(target)
            files[fmt] = target
        notebook = out_dir / executed.name
        executed.replace(notebook)
        (out_dir / f"{stem}.failed.ipynb").unlink(missing_ok=True)
        return ReportFiles(files=files, notebook=notebook, cell_seconds=timings,
                           step_seconds=list(bar.steps), timeout=timeout)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _export(nb: Any, folder: Path, stem: str, formats: list[str], *, title: str,
            language: str, info: Mapping[str, Any] | None,
            progress: ReportProgress | None = None) -> dict[str, Path]:
    bar = progress if progress is not None else ReportProgress(False)
    try:
        return _write_formats(nb, folder, stem, formats, title=title, language=language,
                              info=info, bar=bar)
    except BaseException:
        bar.finish(failed=True)
        raise


def _write_formats(nb: Any, folder: Path, stem: str, formats: list[str], *, title: str,
                   language: str, info: Mapping[str, Any] | None,
                   bar: ReportProgress) -> dict[str, Path]:
    from ._export_html import client_notebook, export_html

    client = client_notebook(nb)
    written: dict[str, Path] = {}
    html_path = folder / f"{stem}.html"
    if "html" in formats or "pdf" in formats:
        # PDF prints the HTML: without an HTML report, writing it is part of the PDF step
        bar.start(_FORMAT_STEPS["html" if "html" in formats else "pdf"])
        export_html(client, html_path, title=title, language=language)
        if "html" in formats:
            written["html"] = html_path
            bar.finish()
    if "xlsx" in formats:
        from ._export_xlsx import export_xlsx

        bar.start(_FORMAT_STEPS["xlsx"])
        written["xlsx"] = export_xlsx(client, folder / f"{stem}.xlsx", title=title,
                                      language=language)
        bar.finish()
    if "pdf" in formats:
        from ._export_pdf import export_pdf

        if bar.current != _FORMAT_STEPS["pdf"]:
            bar.start(_FORMAT_STEPS["pdf"])
        written["pdf"] = export_pdf(html_path, folder / f"{stem}.pdf")
        bar.finish()
        if "html" not in formats:
            html_path.unlink(missing_ok=True)
    if "pptx" in formats:
        from ._export_pptx import export_pptx

        bar.start(_FORMAT_STEPS["pptx"])
        written["pptx"] = export_pptx(client, folder / f"{stem}.pptx", title=title,
                                      date=(info or {}).get("date"), language=language)
        bar.finish()
    return written


def render_report(
    template: str | Path,
    out_dir: str | Path,
    parameters: Mapping[str, Any],
    *,
    name: str | None = None,
    kernel_name: str | None = None,
    timeout: int | None = None,
    read_options: Mapping[str, Any] | None = None,
    formats: Sequence[str] = ("html",),
    language: str | None = None,
    style: Mapping[str, Any] | None = None,
    progress: bool | None = None,
) -> Path:
    """Execute ``template`` and write the report; return the path of its first file.

    With the default ``formats=("html",)`` this is the code-free HTML report. See
    :func:`render_report_files` for the parameters and the errors raised.
    """
    result = render_report_files(template, out_dir, parameters, name=name,
                                 kernel_name=kernel_name, timeout=timeout,
                                 read_options=read_options, formats=formats,
                                 language=language, style=style, progress=progress)
    return next(iter(result.files.values()))
