"""Running a template and writing the client's report: HTML, Excel, PDF and PowerPoint.

The run happens in a temporary folder inside the output folder; the files are moved into
place only when everything succeeded, so a failed rerun leaves the previous report as it
was (never an old HTML beside a new partial notebook).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import InputError
from .parameters import (
    PRESENTATION_PARAMETERS,
    READ_OPTIONS,
    _declared_defaults,
    check_parameter_types,
    split_data_source,
    template_parameters,
    validate_parameters,
)
from .study import prepare_study

__all__ = ["render_report", "render_report_files", "ReportFiles", "FORMATS",
           "check_report_name"]

#: Output formats in the order they are written (PDF prints the HTML).
FORMATS = ("html", "xlsx", "pdf", "pptx")
_PATH_KEYS = ("data_path", "codebook_path", "transactions_path")


@dataclass
class ReportFiles:
    """The files a report run wrote, and how long each notebook cell took."""

    files: dict[str, Path]
    notebook: Path
    cell_seconds: list[tuple[str, float]] = field(default_factory=list)


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
    timeout: int = 600,
    read_options: Mapping[str, Any] | None = None,
    formats: Sequence[str] = ("html",),
    language: str | None = None,
    style: Mapping[str, Any] | None = None,
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
    timeout : int
        Seconds allowed per cell.
    read_options : mapping, optional
        ``sep``, ``decimal``, ``encoding``, ``sheet`` for :func:`~expectlab.read_survey`.
    formats : sequence of str
        Any of ``html``, ``xlsx``, ``pdf``, ``pptx``.
    language : {"en", "zh"}, optional
        Report language, for templates that declare ``language``.
    style : mapping, optional
        Branding (see :func:`~expectlab.report.load_style`), for templates declaring ``style``.

    Returns
    -------
    ReportFiles
        ``files`` maps each format to its path; the executed notebook is kept as
        ``<name>.ipynb`` for auditing.

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
    if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout < 1:
        raise InputError(f"--timeout must be a whole number of seconds of at least 1, got "
                         f"{timeout!r}.")
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
    prepare_study(validate_parameters(effective, allowed=list(declared)), explicit=explicit)
    if "report_info" in declared:
        params["report_info"] = {**report_info(template, effective),
                                 "explicit_parameters": explicit}

    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".expectlab-run-", dir=out_dir))
    try:
        executed = work / f"{stem}.ipynb"
        try:
            timings = execute_template(template, executed, params, kernel_name=kernel_name,
                                       timeout=timeout)
        except RuntimeError:
            if executed.exists():
                shutil.move(str(executed), str(out_dir / f"{stem}.failed.ipynb"))
            raise
        nb = scrub_notebook(nbformat.read(str(executed), as_version=4))
        nbformat.write(nb, str(executed))
        written = _export(nb, work, stem, wanted,
                          title=str(effective.get("study_title") or stem),
                          language=str(effective.get("language") or "en"),
                          info=params.get("report_info"))
        # Everything worked: move into place (each move is atomic within one folder tree).
        files = {}
        for fmt, made in written.items():
            target = out_dir / made.name
            made.replace(target)
            files[fmt] = target
        notebook = out_dir / executed.name
        executed.replace(notebook)
        (out_dir / f"{stem}.failed.ipynb").unlink(missing_ok=True)
        return ReportFiles(files=files, notebook=notebook, cell_seconds=timings)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _export(nb: Any, folder: Path, stem: str, formats: list[str], *, title: str,
            language: str, info: Mapping[str, Any] | None) -> dict[str, Path]:
    from ._export_html import client_notebook, export_html

    client = client_notebook(nb)
    written: dict[str, Path] = {}
    html_path = folder / f"{stem}.html"
    if "html" in formats or "pdf" in formats:
        export_html(client, html_path, title=title, language=language)
        if "html" in formats:
            written["html"] = html_path
    if "xlsx" in formats:
        from ._export_xlsx import export_xlsx

        written["xlsx"] = export_xlsx(client, folder / f"{stem}.xlsx", title=title,
                                      language=language)
    if "pdf" in formats:
        from ._export_pdf import export_pdf

        written["pdf"] = export_pdf(html_path, folder / f"{stem}.pdf")
        if "html" not in formats:
            html_path.unlink(missing_ok=True)
    if "pptx" in formats:
        from ._export_pptx import export_pptx

        written["pptx"] = export_pptx(client, folder / f"{stem}.pptx", title=title,
                                      date=(info or {}).get("date"), language=language)
    return written


def render_report(
    template: str | Path,
    out_dir: str | Path,
    parameters: Mapping[str, Any],
    *,
    name: str | None = None,
    kernel_name: str | None = None,
    timeout: int = 600,
    read_options: Mapping[str, Any] | None = None,
    formats: Sequence[str] = ("html",),
    language: str | None = None,
    style: Mapping[str, Any] | None = None,
) -> Path:
    """Execute ``template`` and write the report; return the path of its first file.

    With the default ``formats=("html",)`` this is the code-free HTML report. See
    :func:`render_report_files` for the parameters and the errors raised.
    """
    result = render_report_files(template, out_dir, parameters, name=name,
                                 kernel_name=kernel_name, timeout=timeout,
                                 read_options=read_options, formats=formats,
                                 language=language, style=style)
    return next(iter(result.files.values()))
