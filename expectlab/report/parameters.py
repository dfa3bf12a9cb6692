"""Report parameters: the defaults every client-study template understands, parsing of
``--param name=value`` arguments and validation of names and types.

Parameters reach the notebook as data: names must be parameters the template declares,
and values are plain JSON-like data (text, numbers, lists, mappings), never code.
"""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeGuard

from .._errors import InputError

__all__ = ["DEFAULT_PARAMETERS", "PRESENTATION_PARAMETERS", "LANGUAGES", "READ_OPTIONS",
           "parse_parameter", "template_parameters", "validate_parameters", "split_data_source",
           "check_parameter_types", "load_style"]

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
    # optional sections: left out unless their columns are given
    "servqual_items": None,
    "servqual_dimensions": None,
    "servqual_overall": None,
    "servqual_importance": None,
    "csi_model": None,
    "csi_constructs": None,
    "panel_id": None,
    "panel_wave": None,
    "panel_expectation": None,
    "panel_experience": None,
    "panel_satisfaction": None,
    "panel_drivers": None,
    "panel_promise": None,
    "panel_loyalty": None,
    "recovery_failure": None,
    "recovery_recovered": None,
    "recovery_outcomes": None,
    "recovery_handling": None,
    "random_state": 2026,
    "n_boot": 500,
}

# Parameters about how the report looks rather than what it analyses. The command computes
# or reads them (``--lang``, ``--style`` and the provenance record) and passes them only to
# templates that declare them.
PRESENTATION_PARAMETERS: dict[str, Any] = {"language": "en", "style": None, "report_info": None}

#: Report languages the templates' message catalogues cover.
LANGUAGES = ("en", "zh")

_LIST_PARAMS = ("expectation_items", "experience_items", "satisfaction_items", "loyalty_drivers",
                "panel_drivers", "recovery_outcomes")
_COLUMN_PARAMS = ("id_column", "segment_column", "weight_column", "loyalty_outcome",
                  "nps_column", "servqual_overall", "panel_id", "panel_wave",
                  "panel_expectation", "panel_experience", "panel_satisfaction",
                  "panel_promise", "panel_loyalty", "recovery_failure", "recovery_recovered",
                  "recovery_handling")
#: The model of the satisfaction-index section (``csi_model``).
CSI_MODELS = ("ECSI", "ACSI", "chain")


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
    allowed = (list(allowed) if allowed is not None
               else [*DEFAULT_PARAMETERS, *PRESENTATION_PARAMETERS])
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
    check_parameter_types(out)
    return out


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> TypeGuard[int | float]:
    import math

    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def _text_or_none(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _names(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(c, str) and c for c in value)


def _servqual_items(value: Any) -> bool:
    return value is None or (isinstance(value, dict) and bool(value) and all(
        _names(v) and len(v) in (2, 3) for v in value.values()))


def _column_map(value: Any) -> bool:
    return value is None or (isinstance(value, dict) and all(
        isinstance(v, str) and v for v in value.values()))


def _constructs(value: Any) -> bool:
    return value is None or (isinstance(value, dict) and all(
        (isinstance(v, str) and v) or (_names(v) and v) for v in value.values()))


# name -> (check, what the value must be). Checked for every parameter present, so a value
# of the wrong type stops the run with one message instead of being silently replaced.
_TYPE_RULES: dict[str, tuple[Any, str]] = {
    "study_title": (lambda v: isinstance(v, str), "text"),
    "data_path": (lambda v: isinstance(v, (str, Mapping)), "a file path"),
    "codebook_path": (_text_or_none, "a file path or null"),
    "transactions_path": (_text_or_none, "a file path or null"),
    "transactions_customer": (lambda v: isinstance(v, str) and v != "", "a column name"),
    "transactions_date": (lambda v: isinstance(v, str) and v != "", "a column name"),
    "transactions_amount": (lambda v: isinstance(v, str) and v != "", "a column name"),
    "missing_codes": (lambda v: v is None or (isinstance(v, list) and all(
        isinstance(c, str) or _number(c) for c in v)), "null or a list of codes, e.g. [99]"),
    "scales": (lambda v: v is None or (isinstance(v, dict) and all(
        isinstance(items, list) and all(isinstance(c, str) for c in items)
        for items in v.values())), "null or a mapping of scale name to a list of columns"),
    "kano_answer_set": (_text_or_none, "null or the name of an answer wording set"),
    "servqual_items": (_servqual_items, "null or a mapping of item to [expectation column, "
                       "perception column] (or [desired, adequate, perceived])"),
    "servqual_dimensions": (lambda v: v is None or v == "classic" or (
        isinstance(v, dict) and all(_names(i) and i for i in v.values())),
        "null, \"classic\" or a mapping of dimension to a list of items"),
    "servqual_importance": (_column_map, "null or a mapping of dimension to a points column"),
    "csi_model": (lambda v: v is None or v in CSI_MODELS,
                  f"null or one of {', '.join(CSI_MODELS)}"),
    "csi_constructs": (_constructs, "null or a mapping of construct to a list of columns (or "
                       "one column or scale name)"),
    "panel_drivers": (lambda v: v is None or _names(v), "null or a list of column names"),
    "recovery_outcomes": (lambda v: v is None or _names(v), "null or a list of outcome columns"),
    "scale_min": (_number, "a number, e.g. 1"),
    "scale_max": (_number, "a number, e.g. 7"),
    "random_state": (lambda v: _whole(v) and 0 <= v < 2**32,
                     "a whole number from 0 to 4294967295"),
    "n_boot": (lambda v: _whole(v) and v >= 1, "a whole number of at least 1, e.g. 500"),
    "language": (lambda v: v in LANGUAGES, f"one of {', '.join(LANGUAGES)}"),
    "style": (lambda v: v is None or isinstance(v, dict), "null or a style mapping"),
    "report_info": (lambda v: v is None or isinstance(v, dict), "null or a mapping"),
}


def check_parameter_types(params: Mapping[str, Any]) -> None:
    """Check each known parameter's value against its type; raise one :class:`InputError`.

    Examples
    --------
    >>> check_parameter_types({"n_boot": 200, "scale_min": 1, "scale_max": 5})
    >>> check_parameter_types({"n_boot": 0})
    Traceback (most recent call last):
    ...
    expectlab._errors.InputError: Parameter 'n_boot' must be a whole number of at least 1, \
e.g. 500; got 0. Give it as --param n_boot=VALUE.
    """
    problems = []
    for name, value in params.items():
        rule = _TYPE_RULES.get(name)
        if rule is not None and not rule[0](value):
            problems.append((name, value, rule[1]))
    if problems:
        raise InputError(" ".join(
            f"Parameter {name!r} must be {what}; got {value!r}. Give it as "
            f"--param {name}=VALUE." for name, value, what in problems))
    lo, hi = params.get("scale_min"), params.get("scale_max")
    if _number(lo) and _number(hi) and not lo < hi:
        raise InputError(f"Parameters 'scale_min' ({lo!r}) and 'scale_max' ({hi!r}) must "
                         "satisfy scale_min < scale_max, e.g. scale_min=1 scale_max=7.")


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


# -- the style file (--style) ------------------------------------------------------------
STYLE_KEYS = ("logo", "colours", "footer", "title_colour")
_MAX_STYLE_BYTES = 64 * 1024
_MAX_LOGO_BYTES = 2 * 2**20
_LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".svg": "image/svg+xml", ".gif": "image/gif", ".webp": "image/webp"}
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def load_style(path: str | Path) -> dict[str, Any]:
    """Read and check a YAML style file; return the ``style`` parameter of a template.

    The file may give ``logo`` (an image file, relative to the style file; returned as a
    ``data:`` URI so the report stays self-contained), ``colours`` (a list of hex colours
    such as ``"#1f4e79"``), ``footer`` (text) and ``title_colour`` (a hex colour). It is read
    with the codebook's safe loader (no anchors, aliases or duplicate keys).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "style.yaml").write_text("colours: ['#1f4e79', '#f0a30a']\\nfooter: ACME\\n")
    >>> load_style(folder / "style.yaml")
    {'colours': ['#1f4e79', '#f0a30a'], 'footer': 'ACME'}
    """
    import base64

    import yaml

    from ..codebook import _CodebookLoader, _RefusedYAML

    path = Path(path).expanduser()
    where = f"Style file {str(path)!r}"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{where} does not exist.") from None
    except OSError as exc:
        raise InputError(f"{where} cannot be read ({exc.strerror or exc}).") from None
    if len(raw) > _MAX_STYLE_BYTES:
        raise InputError(f"{where} is larger than 64 KB; a style file has four short entries.")
    try:
        text = raw.decode("utf-8-sig")
        spec = yaml.load(text, Loader=_CodebookLoader)  # noqa: S506 - a SafeLoader
    except UnicodeDecodeError as exc:
        raise InputError(f"{where} is not UTF-8 text (byte {exc.start}). Save it as UTF-8."
                         ) from None
    except _RefusedYAML as exc:
        raise InputError(f"{where}: {exc}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{where} is not valid YAML ({exc}).") from None
    if spec is None:
        spec = {}
    if not isinstance(spec, dict):
        raise InputError(f"{where} must be a mapping with the keys {', '.join(STYLE_KEYS)}; "
                         f"got {type(spec).__name__}.")
    unknown = sorted(str(k) for k in spec if k not in STYLE_KEYS)
    if unknown:
        raise InputError(f"{where}: unknown key(s) {unknown}. A style file may give "
                         f"{', '.join(STYLE_KEYS)}.")
    style: dict[str, Any] = {}
    if spec.get("logo") is not None:
        logo = Path(str(spec["logo"])).expanduser()
        if not logo.is_absolute():
            logo = path.parent / logo
        mime = _LOGO_TYPES.get(logo.suffix.lower())
        if mime is None:
            raise InputError(f"{where}: logo {str(logo)!r} must be one of "
                             f"{', '.join(sorted(_LOGO_TYPES))}.")
        if not logo.is_file():
            raise InputError(f"{where}: logo file {str(logo)!r} does not exist. Give its "
                             "path relative to the style file.")
        data = logo.read_bytes()
        if len(data) > _MAX_LOGO_BYTES:
            raise InputError(f"{where}: logo {str(logo)!r} is larger than 2 MB; use a "
                             "smaller image.")
        style["logo"] = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    if spec.get("colours") is not None:
        colours = spec["colours"]
        if isinstance(colours, str):
            colours = [colours]
        bad = [c for c in colours if not (isinstance(c, str) and _HEX.fullmatch(c))] if \
            isinstance(colours, list) else [colours]
        if bad or not colours:
            raise InputError(f"{where}: 'colours' must be a list of hex colours such as "
                             f"'#1f4e79' (quote them: # starts a YAML comment); bad: {bad!r}.")
        style["colours"] = list(colours)
    if spec.get("footer") is not None:
        if not isinstance(spec["footer"], (str, int, float)) or isinstance(spec["footer"], bool):
            raise InputError(f"{where}: 'footer' must be text, got {spec['footer']!r}.")
        style["footer"] = str(spec["footer"])
    if spec.get("title_colour") is not None:
        colour = spec["title_colour"]
        if not (isinstance(colour, str) and _HEX.fullmatch(colour)):
            raise InputError(f"{where}: 'title_colour' must be a hex colour such as '#1f4e79' "
                             f"(quoted), got {colour!r}.")
        style["title_colour"] = colour
    return style
