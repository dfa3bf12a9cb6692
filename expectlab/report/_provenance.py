"""What a report records about how it was made, and scrubbing what would make it vary.

The appendix of a report states the expectlab version, the template, the data files with
their SHA-256 digests, the parameters and the random seed. Run times, timestamps and
absolute paths are left out: the same inputs give the same report byte for byte, except
for the ``date`` field.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._errors import InputError

__all__ = ["report_info", "sha256_of", "report_date", "scrub_notebook"]

_PATH_PARAMETERS = ("data_path", "codebook_path", "transactions_path")


def sha256_of(path: str | Path) -> str:
    """Hex SHA-256 digest of a file, read in blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def report_date() -> str:
    """Today's date (ISO), or the date of ``SOURCE_DATE_EPOCH`` for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.UTC).date().isoformat()
    return _dt.date.today().isoformat()


def _file_name(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: (_file_name(v) if k == "path" else v) for k, v in value.items()}
    return Path(str(value)).name if value else value


def report_info(template: Path, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The provenance record passed to a template as its ``report_info`` parameter.

    File parameters are shown by file name only (a client should not see the consultant's
    folders); each file's SHA-256 identifies it exactly.
    """
    from .. import __version__
    from .parameters import split_data_source

    files = []
    for key in _PATH_PARAMETERS:
        value = parameters.get(key)
        if not value:
            continue
        path = split_data_source(value)[0] if key == "data_path" else str(value)
        if not Path(path).is_file():
            raise InputError(f"Parameter {key!r}: file {path!r} does not exist.")
        files.append({"parameter": key, "name": Path(path).name, "sha256": sha256_of(path)})
    data = next((f for f in files if f["parameter"] == "data_path"), None)
    shown = {k: (_file_name(v) if k in _PATH_PARAMETERS else v)
             for k, v in sorted(parameters.items())
             if k not in ("report_info", "style")}
    return {
        "expectlab_version": __version__,
        "template": template.name,
        "data_file": data["name"] if data else None,
        "data_sha256": data["sha256"] if data else None,
        "files": files,
        "parameters": shown,
        "random_seed": parameters.get("random_state"),
        "date": report_date(),
    }


def scrub_notebook(nb: Any) -> Any:
    """Remove run times and timestamps from an executed notebook (in place; returned)."""
    nb.metadata.pop("papermill", None)
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            # papermill gives the cell a random id; a fixed one keeps the output stable
            cell["id"] = "injected-parameters"
        elif not cell.get("id"):
            cell["id"] = f"cell-{index}"
    return nb
