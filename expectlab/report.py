"""The client-study report: parameters, validation, the data profile and rendering.

A consultant runs ``expectlab report TEMPLATE --data FILE --out DIR``. The command reads
and validates the data *before* running anything (bad files stop with one clear message
and a non-zero exit), executes the parameterised template notebook with papermill, and
renders it to a code-free HTML report with nbconvert.

Client files are untrusted input. Parameters reach the notebook as data: names must be
parameters the template declares, and values are injected as Python literals (strings,
numbers, lists, dicts), never as code. Text from the data is escaped in the HTML.
"""

from __future__ import annotations

import json
import keyword
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._errors import InputError
from .io import SurveyData, read_survey
from .scales import ScaleScore, scale_score

__all__ = [
    "DEFAULT_PARAMETERS",
    "StudyData",
    "prepare_study",
    "validate_parameters",
    "parse_parameter",
    "profile_section",
    "key_figures",
    "template_parameters",
    "render_report",
]

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


@dataclass
class StudyData:
    """A client survey ready for the report sections.

    Attributes
    ----------
    survey : SurveyData
        The file as read (codes, codebook, missing report).
    data : DataFrame
        Reverse-coded items plus one column per scale score.
    scales : dict of str to ScaleScore
        Scale scores with their reliability.
    params : dict
        The validated parameters.
    """

    survey: SurveyData
    data: pd.DataFrame
    scales: dict[str, ScaleScore]
    params: dict[str, Any]
    notes: list[str] = field(default_factory=list)


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


def _scale_definitions(params: Mapping[str, Any], survey: SurveyData) -> dict[str, list[str]]:
    if params.get("scales"):
        scales = params["scales"]
        if not isinstance(scales, dict):
            raise InputError(f"Parameter 'scales' must map scale names to item lists, got "
                             f"{scales!r}.")
        return {str(k): list(v) for k, v in scales.items()}
    scales = {k: list(v) for k, v in survey.codebook.scales.items() if v}
    for name, key in (("expectation", "expectation_items"), ("experience", "experience_items"),
                      ("satisfaction", "satisfaction_items")):
        if params.get(key):
            scales[name] = list(params[key])
    return scales


def prepare_study(params: Mapping[str, Any]) -> StudyData:
    """Read the client file, check the mapped columns and build the scale scores.

    Raises :class:`InputError` with one clear message when the file or the mapping is
    wrong; the report command calls this before executing the template.
    """
    params = validate_parameters(params, allowed=list(params) + list(DEFAULT_PARAMETERS))
    if not params.get("data_path"):
        raise InputError("No data file given: pass --data FILE.")
    data_path, read_options = split_data_source(params["data_path"])
    items: list[str] = []
    if params.get("missing_codes") is not None and not isinstance(params["missing_codes"],
                                                                  Mapping):
        # global missing codes reach the mapped answer items, not ids, weights or segments
        for key in ("expectation_items", "experience_items", "satisfaction_items"):
            items.extend(params.get(key) or [])
        for pair in params["kano_pairs"].values():
            items.extend(pair)
        if params.get("nps_column"):
            items.append(params["nps_column"])
    survey = read_survey(
        data_path,
        codebook=params.get("codebook_path"),
        missing_codes=params.get("missing_codes"),
        items=_present_columns(data_path, items, read_options) if items else None,
        id_column=params.get("id_column"),
        **read_options,
    )
    name = survey.source.name
    needed: list[str] = []
    for key in _COLUMN_PARAMS:
        if params.get(key):
            needed.append(params[key])
    for key in ("expectation_items", "experience_items", "satisfaction_items"):
        needed.extend(params.get(key) or [])
    for pair in params["kano_pairs"].values():
        needed.extend(pair)
    absent = [c for c in dict.fromkeys(needed) if c not in survey.data.columns]
    if absent:
        raise InputError(
            f"{name}: the report parameters name column(s) the file does not have: "
            f"{', '.join(map(repr, absent))}. Map them with --param (e.g. --param "
            "segment_column=region, --param nps_column=null to leave a section out). "
            f"Columns in the file: {', '.join(map(repr, list(survey.data.columns)[:40]))}."
        )
    weight_col = params.get("weight_column")
    if weight_col:
        # the one weight check every estimator uses; in a report a missing or zero weight
        # is an error too, because the profile's weighted shares would silently drop rows
        from ._validate import weights_array

        try:
            weights_array(survey.data, weight_col, source=name)
        except InputError as exc:
            raise InputError(f"{exc} Or run without weights (--param weight_column=null)."
                             ) from None
    data = survey.reverse_coded()
    scales: dict[str, ScaleScore] = {}
    notes: list[str] = list(survey.notes)
    import warnings

    for scale_name, items in _scale_definitions(params, survey).items():
        missing_items = [i for i in items if i not in data.columns]
        if missing_items:
            raise InputError(
                f"{name}: scale {scale_name!r} lists item(s) {missing_items} that the file "
                "does not have. Correct the codebook's scales or the 'scales' parameter."
            )
        # The codebook's scale where declared, else the template's scale_min/scale_max;
        # either way every answer is checked against it, so a code such as 99 stops the
        # report instead of entering a score.
        fallback = (float(params["scale_min"]), float(params["scale_max"]))
        declared = {survey.codebook.get(i).scale or fallback for i in items}
        if len(declared) != 1:
            detail = ", ".join(f"{i}: {survey.codebook.get(i).scale or fallback}"
                               for i in items)
            raise InputError(
                f"{name}: scale {scale_name!r} mixes items on different answer scales "
                f"({detail}). Put its items on one scale, or correct 'scale: [min, max]' "
                "in the codebook."
            )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            # the items are already reverse-coded above, on their declared scale
            score = scale_score(data, items, name=scale_name, scale=declared.pop())
        notes.extend(str(w.message) for w in caught)
        if scale_name in survey.data.columns and scale_name not in items:
            raise InputError(
                f"{name}: a scale is named {scale_name!r} like an existing column. Rename "
                "the scale in the codebook or the 'scales' parameter."
            )
        data[scale_name] = score.scores
        scales[scale_name] = score
    return StudyData(survey, data, scales, params, notes)


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


def _present_columns(data_path: str, items: list[str], read_options: Mapping[str, Any]
                     ) -> list[str] | None:
    """The mapped items the file has (absent ones are reported after reading)."""
    header = read_survey(data_path, check_scales=False, **read_options).data.columns
    present = [c for c in dict.fromkeys(items) if c in header]
    return present or None


# -- the data profile ------------------------------------------------------------------
def _weighted_share(values: pd.Series, weights: pd.Series | None) -> pd.Series:
    if weights is None:
        return values.value_counts(normalize=True, dropna=False).sort_index()
    frame = pd.DataFrame({"v": values, "w": weights})
    return (frame.groupby("v", dropna=False)["w"].sum() / frame["w"].sum()).sort_index()


def profile_table(study: StudyData) -> pd.DataFrame:
    """Sample-size overview: respondents, segments (unweighted and weighted shares)."""
    data, params = study.data, study.params
    seg, wcol = params.get("segment_column"), params.get("weight_column")
    rows = [{"group": "All respondents", "n": len(data), "share": 1.0,
             "weighted_share": 1.0 if wcol else np.nan}]
    if seg:
        weights = data[wcol].astype(float) if wcol else None
        counts = data[seg].value_counts(dropna=False).sort_index()
        wshare = _weighted_share(data[seg], weights) if wcol else None
        for level, n in counts.items():
            rows.append({
                "group": f"{seg} = {level}",
                "n": int(n),
                "share": n / len(data),
                "weighted_share": float(wshare.loc[level]) if wshare is not None else np.nan,
            })
    return pd.DataFrame(rows).set_index("group")


def reliability_table(study: StudyData) -> pd.DataFrame:
    """One row per scale: items, respondents with a score, mean, sd, alpha and its CI."""
    rows = []
    for name, score in study.scales.items():
        rel = score.reliability
        rows.append({
            "scale": name,
            "items": ", ".join(score.items),
            "n_scored": int(score.scores.notna().sum()),
            "mean": score.scores.mean(),
            "sd": score.scores.std(),
            "alpha": rel.alpha if rel else np.nan,
            "alpha_lower": rel.ci[0] if rel else np.nan,
            "alpha_upper": rel.ci[1] if rel else np.nan,
            "min_item_total_r": rel.items["item_total_r"].min() if rel else np.nan,
        })
    columns = ["items", "n_scored", "mean", "sd", "alpha", "alpha_lower", "alpha_upper",
               "min_item_total_r"]
    if not rows:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="scale"))
    return pd.DataFrame(rows).set_index("scale")


def plot_missingness(study: StudyData, ax=None):
    """Horizontal bar chart of the share of missing answers per column (columns with any)."""
    import matplotlib.pyplot as plt

    report = study.survey.missing_report
    shown = report[report["missing"] > 0].sort_values("share_missing")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, max(2.0, 0.28 * len(shown) + 1)))
    if len(shown) == 0:
        ax.text(0.5, 0.5, "No missing answers", ha="center", va="center")
        ax.set_axis_off()
        return ax
    declared = shown["declared_missing"] / len(study.data)
    blank = shown["blank"] / len(study.data)
    ax.barh(shown.index, declared * 100, label="declared missing code (e.g. don't know)")
    ax.barh(shown.index, blank * 100, left=declared * 100, label="left blank / not asked")
    ax.set_xlabel("Share of respondents (%)")
    ax.set_title("Missing answers by question")
    ax.legend(loc="lower right", fontsize="small")
    return ax


def plot_item_distributions(study: StudyData, items: Sequence[str], ax=None):
    """Stacked horizontal bars: share of each answer category per item."""
    import matplotlib.pyplot as plt

    data = study.survey.data  # answers as given (before reverse coding)
    items = [i for i in items if i in data.columns]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, max(2.0, 0.35 * len(items) + 1.2)))
    if not items:
        ax.set_axis_off()
        return ax
    values = sorted(pd.unique(data[items].to_numpy().ravel()[
        ~pd.isna(data[items].to_numpy().ravel())]))
    shares = pd.DataFrame({v: (data[items] == v).sum() / data[items].notna().sum()
                           for v in values})
    cmap = plt.get_cmap("RdYlGn", max(len(values), 2))
    left = np.zeros(len(items))
    for j, v in enumerate(values):
        ax.barh(items, shares[v] * 100, left=left, color=cmap(j), label=f"{v:g}")
        left += shares[v].to_numpy() * 100
    ax.set_xlabel("Share of answers (%)")
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    ax.set_title("Answer distributions of the scale items (as asked)")
    ax.legend(title="answer", bbox_to_anchor=(1.01, 1), loc="upper left", fontsize="small")
    return ax


def profile_section(study: StudyData) -> None:
    """Display the data profile: sample, missingness, item distributions, reliabilities."""
    import matplotlib.pyplot as plt

    from ._display import heading, note, show_figure, show_table

    survey = study.survey
    heading("Data profile")
    note(
        f"File {survey.source.name}: {survey.n_rows} respondents, "
        f"{survey.data.shape[1]} columns. Declared missing-value codes were turned into "
        "missing answers; no respondent was removed."
    )
    for extra in study.notes:
        note(extra, kind="warning")
    heading("Sample", level=3)
    show_table(profile_table(study), caption="Respondents by segment; weighted shares use "
               "the survey weight.")
    heading("Missing answers", level=3)
    report = survey.missing_report
    if not (report["missing"] > 0).any():
        note("No answer is missing.")
    else:
        show_table(report[report["missing"] > 0], caption="Missing answers per column "
                   "(columns without any are not shown).")
        n_shown = int((report["missing"] > 0).sum())
        fig, ax = plt.subplots(figsize=(7, max(2.0, 0.28 * n_shown + 1)))
        plot_missingness(study, ax=ax)
        fig.tight_layout()
        show_figure(fig)
    heading("Scale items", level=3)
    items = [i for score in study.scales.values() for i in score.items]
    if not items:
        note("No multi-item scales are declared (codebook 'scales' or the item parameters).")
        return
    fig, ax = plt.subplots(figsize=(8, max(2.0, 0.35 * len(items) + 1.2)))
    plot_item_distributions(study, items, ax=ax)
    fig.tight_layout()
    show_figure(fig)
    heading("Scale reliability", level=3)
    note("Scale scores are the mean of the answered items (at least half of them), after "
         "reverse-coding negatively worded items. Cronbach's alpha above 0.7 is usually "
         "taken as adequate; the interval is Feldt's 95% confidence interval.")
    show_table(reliability_table(study))


def key_figures(study: StudyData, decimals: int = 3) -> pd.Series:
    """Headline numbers of the data profile, rounded: sample, segments, missing answers and
    each scale's Cronbach's alpha with its interval.

    The template prints them in a cell that nbval compares, so a change in the example
    data or the reader shows up as a failing test rather than a silently different report.
    """
    figures: dict[str, float | int] = {"respondents": len(study.data)}
    sample = profile_table(study)
    for group, row in sample.iloc[1:].iterrows():
        figures[f"respondents, {group}"] = int(row["n"])
    figures["missing answers"] = int(study.survey.missing_report["missing"].sum())
    figures["declared missing codes"] = int(
        study.survey.missing_report["declared_missing"].sum())
    for name, row in reliability_table(study).iterrows():
        for label, column in (("", "alpha"), (", lower", "alpha_lower"),
                              (", upper", "alpha_upper")):
            figures[f"alpha, {name}{label}"] = round(float(row[column]), decimals)
    # object dtype keeps counts as whole numbers next to the rounded alphas
    return pd.Series(figures, name="value", dtype=object)


# -- rendering -------------------------------------------------------------------------
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
