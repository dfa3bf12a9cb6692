"""Handing the study read by the report command to the template's kernel.

``expectlab report`` reads and validates the client file before it runs anything (so a bad
file stops with one message and no report), and the template then calls
:func:`~expectlab.report.prepare_study` again in its own kernel. On a large file that
second read costs as much as the first (a million respondents: about a minute of SPSS
reading, coding and scoring). The command therefore writes the prepared study into its
private run folder and tells the kernel where it is through the environment variable
:data:`ENV`; ``prepare_study`` in the kernel loads it instead of reading the file again,
but only when it is asked for exactly the same study: the fingerprint of the parameters
(with file paths resolved) and of the explicitly passed names must match, otherwise the
file is read as usual. The file never leaves the run folder, which is removed after the
run.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

__all__ = ["ENV", "fingerprint", "write_prepared", "read_prepared"]

#: Environment variable naming the prepared-study file (set only for the report's kernel).
ENV = "EXPECTLAB_PREPARED_STUDY"
_PATH_KEYS = ("data_path", "codebook_path", "transactions_path")
_FORMAT = "expectlab-prepared-study-1"


def _resolved(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: (_resolved(v) if k == "path" else v) for k, v in value.items()}
    return str(Path(str(value)).expanduser().resolve()) if value else value


def fingerprint(params: Mapping[str, Any], explicit: Collection[str]) -> str:
    """A digest of what a prepared study depends on: every parameter (file paths
    resolved against the current folder) and the names the user passed."""
    from .parameters import DEFAULT_PARAMETERS

    keys = sorted(set(DEFAULT_PARAMETERS) | {"language", "style"})
    shown = {k: (_resolved(params.get(k)) if k in _PATH_KEYS else params.get(k))
             for k in keys}
    text = json.dumps({"params": shown, "explicit": sorted(explicit)}, sort_keys=True,
                      default=repr, ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_prepared(study: Any, key: str, folder: Path) -> Path:
    """Write ``study`` with its fingerprint into ``folder``; return the file."""
    path = Path(folder) / "prepared_study.pickle"
    with path.open("wb") as handle:
        pickle.dump((_FORMAT, key, study), handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def read_prepared(key: str) -> Any | None:
    """The study handed over by the report command when its fingerprint is ``key``.

    None when no study was handed over (the variable is unset, e.g. the template runs in
    Jupyter), or when it was prepared from other parameters.
    """
    location = os.environ.get(ENV)
    if not location or not Path(location).is_file():
        return None
    # the file was written by the report command into its own run folder (mode 0700)
    with open(location, "rb") as handle:
        stored = pickle.load(handle)  # noqa: S301 - our own file, see above
    if not (isinstance(stored, tuple) and len(stored) == 3 and stored[0] == _FORMAT
            and stored[1] == key):
        return None
    return stored[2]
