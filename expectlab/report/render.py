"""Running a template and rendering the executed notebook as a code-free HTML report."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._errors import InputError
from .parameters import (
    READ_OPTIONS,
    _declared_defaults,
    split_data_source,
    template_parameters,
    validate_parameters,
)
from .study import prepare_study

__all__ = ["render_report"]


def render_report(
    template: str | Path,
    out_dir: str | Path,
    parameters: Mapping[str, Any],
    *,
    name: str | None = None,
    kernel_name: str | None = None,
    timeout: int = 600,
    read_options: Mapping[str, Any] | None = None,
) -> Path:
    """Execute ``template`` with ``parameters`` and write a code-free HTML report.

    Returns the path of the HTML file. The executed notebook is kept next to it
    (``<name>.ipynb``) for auditing. Raises :class:`InputError` when the data fail
    validation and ``RuntimeError`` when the notebook fails to run. ``read_options``
    (``sep``, ``decimal``, ``encoding``, ``sheet``) go to :func:`~expectlab.read_survey`;
    the template receives them inside ``data_path`` (see :func:`split_data_source`).
    """
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    template = Path(template).resolve()
    if not template.exists():
        raise InputError(f"Template {str(template)!r} does not exist.")
    declared = template_parameters(template)
    params = dict(parameters)
    unknown = [k for k in params if k not in declared]
    if unknown:
        raise InputError(
            f"Unknown parameter(s) {', '.join(map(repr, unknown))}. The template declares: "
            f"{', '.join(sorted(declared))}."
        )
    validate_parameters(params, allowed=list(declared))
    # Paths are resolved against the caller's folder; the notebook runs in its own.
    for key in ("data_path", "codebook_path", "transactions_path"):
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
        params["data_path"] = {"path": path, **options}
    # Validate the data before running anything: one clear error, no half-made report.
    check = {**_declared_defaults(declared, template.parent), **params}
    prepare_study(check)

    out_dir = Path(out_dir).expanduser().resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = name or template.stem
    executed = out_dir / f"{stem}.ipynb"
    try:
        pm.execute_notebook(
            str(template), str(executed), parameters=params, cwd=str(template.parent),
            kernel_name=kernel_name, progress_bar=False, log_output=False,
            execution_timeout=timeout,
        )
    except pm.PapermillExecutionError as exc:
        raise RuntimeError(
            f"The report notebook failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}. "
            f"The partly executed notebook is at {executed}."
        ) from None
    nb = nbformat.read(str(executed), as_version=4)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    html_path = out_dir / f"{stem}.html"
    html_path.write_text(body, encoding="utf-8")
    return html_path


