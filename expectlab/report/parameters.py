"""Report parameters: the defaults every client-study template understands, parsing of
``--param name=value`` arguments and validation of names and types.

Parameters reach the notebook as data: names must be parameters the template declares,
and values are plain JSON-like data (text, numbers, lists, mappings), never code.
"""

from __future__ import annotations

import json
import keyword
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .._errors import InputError

__all__ = ["DEFAULT_PARAMETERS", "READ_OPTIONS", "parse_parameter", "template_parameters",
           "validate_parameters", "split_data_source"]

# The parameters every client-study template understands, with their defaults. The
# template's `parameters` cell repeats them (papermill reads them from there).
DEFAULT_PARAMETERS: dict[str, Any] = {
    "study_title": "Customer study",
    "data_path": "../../data/client_survey.sav",
    "codebook_path": None,
    "id_column": "respondent_id",
    "segment_column": "segment",
    "weight_column": "weight",
    "missing_codes": None,
    "expectation_items": ["exp_1", "exp_2", "exp_3"],
    "experience_items": ["perf_1", "perf_2", "perf_3"],
    "satisfaction_items": ["sat_1", "sat_2", "sat_3"],
    "scales": None,
    "scale_min": 1,
    "scale_max": 7,
    "kano_pairs": {
        "Service app": ["kano_app_f", "kano_app_d"],
        "24/7 hotline": ["kano_hotline_f", "kano_hotline_d"],
        "Ready-to-use return label": ["kano_return_f", "kano_return_d"],
        "Live chat": ["kano_chat_f", "kano_chat_d"],
    },
    "kano_answer_set": None,
    "loyalty_outcome": "stayed",
    "loyalty_drivers": ["satisfaction", "trust", "switching_costs", "complaint"],
    "nps_column": "nps",
    "transactions_path": None,
    "transactions_customer": "customer_id",
    "transactions_date": "date",
    "transactions_amount": "amount",
    "random_state": 2026,
    "n_boot": 500,
}

_LIST_PARAMS = ("expectation_items", "experience_items", "satisfaction_items", "loyalty_drivers")
_COLUMN_PARAMS = ("id_column", "segment_column", "weight_column", "loyalty_outcome",
                  "nps_column")


def parse_parameter(text: str) -> tuple[str, Any]:
    """Parse a ``--param name=value`` argument.

    The value is read as JSON when it is valid JSON (numbers, ``true``, ``null``, lists,
    objects, quoted strings) and kept as a plain string otherwise. It is never evaluated
    as Python.

    Examples
    --------
    >>> parse_parameter("n_boot=200")
    ('n_boot', 200)
    >>> parse_parameter("segment_column=region")
    ('segment_column', 'region')
    """
    if "=" not in text:
        raise InputError(
            f"Parameter {text!r} is not of the form name=value, e.g. segment_column=region."
        )
    name, raw = text.split("=", 1)
    name = name.strip()
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return name, value


def template_parameters(template: str | Path) -> dict[str, Any]:
    """The parameters a template declares in its cell tagged ``parameters``."""
    import papermill as pm

    try:
        declared = pm.inspect_notebook(str(template))
    except Exception as exc:  # noqa: BLE001 - papermill raises several types for bad files
        raise InputError(f"Could not read the template {str(template)!r}: {exc}") from None
    return {name: info.get("default") for name, info in declared.items()}


def validate_parameters(params: Mapping[str, Any], allowed: Sequence[str] | None = None
                        ) -> dict[str, Any]:
    """Check parameter names and types; return the full parameter dict with defaults.

    Names must be Python identifiers declared by the template (``allowed``), so that no
    parameter name can smuggle code into the notebook.
    """
    allowed = list(allowed) if allowed is not None else list(DEFAULT_PARAMETERS)
    out = dict(DEFAULT_PARAMETERS)
    for name, value in params.items():
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise InputError(
                f"Parameter name {name!r} is not a valid name. Use one of: "
                f"{', '.join(sorted(allowed))}."
            )
        if name not in allowed:
            raise InputError(
                f"Unknown parameter {name!r}. The template declares: "
                f"{', '.join(sorted(allowed))}."
            )
        if not _is_plain_data(value):
            raise InputError(
                f"Parameter {name!r} must be plain data (text, number, true/false, null, "
                f"list or mapping), got {type(value).__name__}."
            )
        out[name] = value
    for name in _LIST_PARAMS:
        value = out.get(name)
        if value is None:
            out[name] = []
        elif isinstance(value, str):
            out[name] = [v.strip() for v in value.split(",") if v.strip()]
        elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f"Parameter {name!r} must be a list of column names, got {value!r}.")
    pairs = out.get("kano_pairs") or {}
    if not isinstance(pairs, dict) or not all(
        isinstance(v, (list, tuple)) and len(v) == 2 and all(isinstance(c, str) for c in v)
        for v in pairs.values()
    ):
        raise InputError(
            "Parameter 'kano_pairs' must map each attribute to [functional column, "
            f"dysfunctional column], got {pairs!r}."
        )
    out["kano_pairs"] = {str(k): list(v) for k, v in pairs.items()}
    for name in _COLUMN_PARAMS:
        if out.get(name) == "":
            out[name] = None
        if out.get(name) is not None and not isinstance(out[name], str):
            raise InputError(f"Parameter {name!r} must be a column name, got {out[name]!r}.")
    for name in ("n_boot", "random_state"):
        if not isinstance(out[name], int) or isinstance(out[name], bool) or out[name] < 0:
            raise InputError(f"Parameter {name!r} must be a non-negative whole number, got "
                             f"{out[name]!r}.")
    return out


def _is_plain_data(value: Any) -> bool:
    if value is None or isinstance(value, (str, bool, int, float)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_plain_data(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain_data(v) for k, v in value.items())
    return False



READ_OPTIONS = ("sep", "decimal", "encoding", "sheet")


def split_data_source(value: Any) -> tuple[str, dict[str, Any]]:
    """The data file and the reader options of the ``data_path`` parameter.

    ``data_path`` is a path, or (as ``expectlab report --sep ; --decimal ,`` passes it to
    the template) a mapping ``{"path": ..., "sep": ..., "decimal": ..., "encoding": ...,
    "sheet": ...}`` whose options go to :func:`~expectlab.read_survey`.
    """
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - {"path", *READ_OPTIONS})
        if unknown or not value.get("path"):
            raise InputError(
                f"Parameter 'data_path' as a mapping needs 'path' and may give "
                f"{', '.join(READ_OPTIONS)}; got {dict(value)!r}."
            )
        options = {k: value[k] for k in READ_OPTIONS if value.get(k) is not None}
        return str(value["path"]), options
    if not isinstance(value, (str, Path)):
        raise InputError(f"Parameter 'data_path' must be a file path, got {value!r}.")
    return str(value), {}



def _declared_defaults(declared: Mapping[str, Any], folder: Path) -> dict[str, Any]:
    """Template defaults as Python values, with relative paths resolved from ``folder``."""
    import ast

    out: dict[str, Any] = {}
    for key, text in declared.items():
        try:
            value = ast.literal_eval(text) if isinstance(text, str) else text
        except (ValueError, SyntaxError):
            value = text
        if key in ("data_path", "codebook_path", "transactions_path") and value:
            value = str((folder / value).resolve())
        out[key] = value
    return out
