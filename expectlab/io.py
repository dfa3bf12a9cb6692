"""Reading survey exports: CSV, Excel, SPSS ``.sav``, Stata ``.dta`` and Parquet.

:func:`read_survey` is the one entry point. It returns a :class:`SurveyData` holding the
data (a DataFrame with declared missing codes turned into missing values, and never a row
dropped), the codebook (from the file's own metadata, a codebook file next to the export,
or one given by the user) and a per-column missing-value report. Problems with the file
raise :class:`~expectlab.InputError` naming the file, the column, the first offending rows
and values, and what to do.
"""

from __future__ import annotations

import csv
import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._errors import InputError, describe_offenders
from .codebook import Codebook, Variable

__all__ = ["read_survey", "SurveyData", "Codebook", "SUPPORTED_SUFFIXES"]

SUPPORTED_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "csv",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".xls": "excel",
    ".sav": "spss",
    ".zsav": "spss",
    ".dta": "stata",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_SIDECAR_SUFFIXES = (".codebook.yaml", ".codebook.yml", ".codebook.csv")


@dataclass
class SurveyData:
    """A survey read by :func:`read_survey`.

    Attributes
    ----------
    data : pandas.DataFrame
        One row per row of the file, in file order; declared missing codes are ``NaN``.
    codebook : Codebook
        Labels, scales, value labels and missing codes of the variables.
    missing_report : pandas.DataFrame
        Per column: ``declared_missing`` (codes turned into missing values),
        ``blank`` (empty in the file), ``missing`` (their sum) and ``share_missing``.
    source : pathlib.Path
        The file read.
    file_type : str
        ``"csv"``, ``"tsv"``, ``"excel"``, ``"spss"``, ``"stata"`` or ``"parquet"``.
    notes : list of str
        Things worth knowing that are not errors (e.g. codebook entries for columns the
        file does not have, rows with every answer missing).
    """

    data: pd.DataFrame
    codebook: Codebook
    missing_report: pd.DataFrame
    source: Path
    file_type: str
    notes: list[str] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        """Number of rows (respondents, or respondent x wave in long files)."""
        return len(self.data)

    def reverse_coded(self, items: Sequence[str] | None = None) -> pd.DataFrame:
        """A copy of the data with negatively worded items reversed on their scale.

        Parameters
        ----------
        items : list of str, optional
            Items to reverse; by default every item the codebook flags ``reverse``.
        """
        from .scales import reverse_code

        items = list(self.codebook.reverse_items if items is None else items)
        out = self.data.copy()
        for item in items:
            var = self.codebook.get(item)
            if var.scale is None:
                raise InputError(
                    f"Cannot reverse-code {item!r} from {self.source.name}: the codebook "
                    "declares no scale for it. Add 'scale: [min, max]' to its entry."
                )
            out[item] = reverse_code(out[item], scale=var.scale)
        return out

    def value_labels(self, column: str) -> pd.Series:
        """The column with codes replaced by their value labels (unlabelled codes kept)."""
        if column not in self.data.columns:
            raise InputError(f"Column {column!r} not found in {self.source.name}.")
        labels = self.codebook.get(column).value_labels
        if not labels:
            return self.data[column].copy()
        return self.data[column].map(lambda v: labels.get(_as_code(v), v))

    def __repr__(self) -> str:
        n_missing = int(self.missing_report["missing"].sum()) if len(self.missing_report) else 0
        return (
            f"SurveyData({self.source.name!r}: {self.n_rows} rows x "
            f"{self.data.shape[1]} columns, {n_missing} missing answers)"
        )


def read_survey(
    path: str | Path,
    *,
    codebook: str | Path | Codebook | Mapping[str, Any] | None = None,
    missing_codes: Sequence[Any] | Mapping[str, Sequence[Any]] | None = None,
    id_column: str | None = None,
    columns: Sequence[str] | None = None,
    sheet: str | int | None = None,
    sep: str | None = None,
    encoding: str | None = None,
    check_scales: bool = True,
) -> SurveyData:
    """Read a survey export into a DataFrame plus its codebook.

    Parameters
    ----------
    path : str or Path
        A ``.csv``/``.tsv``/``.txt``, ``.xlsx``/``.xlsm``/``.xls``, ``.sav``/``.zsav``,
        ``.dta`` or ``.parquet`` file.
    codebook : path, Codebook or dict, optional
        Variable metadata. A ``<name>.codebook.yaml`` (or ``.yml``/``.csv``) next to the
        data file is used when this is omitted. SPSS and Stata metadata are always read
        and a given codebook overrides them field by field.
    missing_codes : list or dict, optional
        Codes that mean "no answer" (e.g. ``[99, -99, "don't know"]``) for every column,
        or a dict column -> codes. Text codes match ignoring case, surrounding white space
        and curly quotes. Added to the codes the codebook declares.
    id_column : str, optional
        Respondent identifier; must be present, non-missing and unique. Defaults to the
        codebook's ``id``.
    columns : list of str, optional
        Columns that must be present.
    sheet : str or int, optional
        Excel sheet name or position (first sheet by default).
    sep : str, optional
        CSV delimiter (``","`` for ``.csv``/``.txt``, tab for ``.tsv``).
    encoding : str, optional
        Text encoding of CSV files (UTF-8 by default) or SPSS/Stata files.
    check_scales : bool
        Raise when a numeric item holds values outside its declared scale.

    Returns
    -------
    SurveyData

    Raises
    ------
    InputError
        For an unknown file type, a missing or empty file, a wrong sheet name, duplicated
        column names, a missing column, non-numeric answers in a numeric item, values
        outside the declared scale and duplicated or missing respondent ids.

    Examples
    --------
    >>> import expectlab
    >>> from pathlib import Path
    >>> path = Path(expectlab.__file__).parents[1] / "data" / "client_survey.csv"
    >>> survey = expectlab.read_survey(path)
    >>> survey.n_rows
    600
    """
    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(
            f"{name}: unknown file type {suffix or '(no extension)'!r}. expectlab reads "
            f"{', '.join(sorted(SUPPORTED_SUFFIXES))}. Export the survey in one of these "
            "formats or rename the file if its extension is wrong."
        )
    if not path.exists():
        raise InputError(f"{str(path)!r} does not exist. Check the path.")
    if path.is_dir():
        raise InputError(f"{str(path)!r} is a folder, not a survey file.")
    file_type = SUPPORTED_SUFFIXES[suffix]

    if file_type in ("csv", "tsv"):
        frame, meta_codebook = _read_text(path, sep or ("\t" if file_type == "tsv" else ","),
                                          encoding), Codebook()
    elif file_type == "excel":
        frame, meta_codebook = _read_excel(path, sheet), Codebook()
    elif file_type == "spss":
        frame, meta_codebook = _read_readstat(path, "spss", encoding)
    elif file_type == "stata":
        frame, meta_codebook = _read_readstat(path, "stata", encoding)
    else:
        frame, meta_codebook = _read_parquet(path), Codebook()

    if frame.shape[1] == 0 or len(frame) == 0:
        raise InputError(
            f"{name} is empty: found {len(frame)} rows and {frame.shape[1]} columns. "
            "Check that the export finished and that the right file was chosen."
        )
    frame.columns = [str(c) for c in frame.columns]
    _check_unique_columns(frame.columns, name)

    book = meta_codebook.merged_with(_load_codebook(codebook, path))
    notes: list[str] = []
    absent = [v for v in book.variables if v not in frame.columns]
    if absent:
        notes.append(
            f"The codebook describes {len(absent)} column(s) the file does not have: "
            f"{', '.join(absent[:10])}{' ...' if len(absent) > 10 else ''}."
        )

    required = list(columns or [])
    id_column = id_column or book.id_column
    if id_column:
        required.append(id_column)
    missing_cols = [c for c in dict.fromkeys(required) if c not in frame.columns]
    if missing_cols:
        raise InputError(
            f"{name}: column(s) {', '.join(map(repr, missing_cols))} not found. Columns in "
            f"the file: {', '.join(map(repr, list(frame.columns)[:30]))}"
            f"{' ...' if frame.shape[1] > 30 else ''}. Check the spelling, or map the "
            "column names in the codebook or the report parameters."
        )

    frame, declared = _apply_missing_codes(frame, book, missing_codes, name)
    frame = _coerce_numeric(frame, book, name)
    if check_scales:
        _check_scales(frame, book, name)
    if id_column:
        _check_ids(frame, id_column, name)

    blank = frame.isna().sum() - pd.Series(declared, dtype="int64").reindex(frame.columns,
                                                                               fill_value=0)
    report = pd.DataFrame(
        {
            "declared_missing": pd.Series(declared, dtype="int64").reindex(frame.columns,
                                                                           fill_value=0),
            "blank": blank.astype("int64"),
        }
    )
    report["missing"] = report["declared_missing"] + report["blank"]
    report["share_missing"] = report["missing"] / len(frame)
    report.index.name = "column"

    all_missing = frame.isna().all(axis=1)
    if all_missing.any():
        rows = list(frame.index[all_missing][:5])
        notes.append(
            f"{int(all_missing.sum())} row(s) have no answer at all (first rows: {rows}); "
            "they are kept and will be reported as excluded by the models."
        )
    return SurveyData(frame, book, report, path, file_type, notes)


# -- readers ---------------------------------------------------------------------------
def _read_text(path: Path, sep: str, encoding: str | None) -> pd.DataFrame:
    name = path.name
    encoding = encoding or "utf-8-sig"
    try:
        with open(path, newline="", encoding=encoding) as handle:
            reader = csv.reader(handle, delimiter=sep)
            header = next(reader, None)
            # Records as the csv module sees them: the parsed table must have as many.
            n_records = sum(1 for _ in reader)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name} is not valid {encoding} text ({exc.reason} at byte {exc.start}). "
            "Pass encoding='latin-1' (or the file's encoding) to read_survey."
        ) from None
    if header is None or not any(h.strip() for h in header):
        raise InputError(f"{name} is empty: no header row. Check that the export finished.")
    _check_unique_columns([h.strip() for h in header], name)
    try:
        # Blank lines are kept as empty rows: no row of the file disappears unseen.
        frame = pd.read_csv(path, sep=sep, encoding=encoding, skip_blank_lines=False,
                            low_memory=False)
    except pd.errors.EmptyDataError:
        raise InputError(f"{name} is empty. Check that the export finished.") from None
    except pd.errors.ParserError as exc:
        raise InputError(
            f"{name} could not be parsed as {'tab' if sep == chr(9) else repr(sep)}-separated "
            f"text: {exc}. Check the delimiter (pass sep=';' for semicolon exports) and "
            "quoting."
        ) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name} is not valid {encoding} text ({exc.reason}). Pass encoding='latin-1' "
            "(or the file's encoding) to read_survey."
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    expected = [h.strip() for h in header]
    if list(frame.columns) != expected or len(frame) != n_records:
        raise InputError(
            f"{name}: the table could not be read unambiguously: the file has "
            f"{len(expected)} columns and {n_records} data rows, but parsing found "
            f"{frame.shape[1]} columns and {len(frame)} rows. This usually comes from line "
            "breaks or quote characters inside answers or column names; re-export the file "
            "with every text field quoted, or remove line breaks from the answers."
        )
    return frame


def _read_excel(path: Path, sheet: str | int | None) -> pd.DataFrame:
    name = path.name
    try:
        book = pd.ExcelFile(path)
    except ImportError as exc:
        raise InputError(
            f"Reading {name} needs an Excel engine ({exc}). Install it with "
            "'pip install \"expectlab[io]\"' (old .xls workbooks also need 'pip install "
            "xlrd'), or save the sheet as .xlsx or CSV."
        ) from None
    except Exception as exc:  # zip / xml errors from a damaged or mislabelled file
        raise InputError(f"{name} could not be opened as an Excel workbook ({exc}).") from None
    with book:
        sheets = book.sheet_names
        if sheet is None:
            sheet = 0
        if isinstance(sheet, str) and sheet not in sheets:
            raise InputError(
                f"{name} has no sheet named {sheet!r}. Sheets in the workbook: "
                f"{', '.join(map(repr, sheets))}. Pass one of them as sheet=..."
            )
        if isinstance(sheet, int) and not 0 <= sheet < len(sheets):
            raise InputError(
                f"{name} has {len(sheets)} sheet(s); sheet position {sheet} does not exist. "
                f"Sheets: {', '.join(map(repr, sheets))}."
            )
        sheet_name = sheets[sheet] if isinstance(sheet, int) else sheet
        try:
            frame = pd.read_excel(book, sheet_name=sheet_name)
        except pd.errors.EmptyDataError:
            frame = pd.DataFrame()
    if frame.shape[1] == 0:
        raise InputError(f"{name}, sheet {sheet_name!r} is empty.")
    header = [str(c) for c in frame.columns]
    mangled = [c for c in header if "." in c and c.rsplit(".", 1)[0] in header
               and c.rsplit(".", 1)[1].isdigit()]
    if mangled:
        raise InputError(
            f"{name}, sheet {sheet_name!r}: duplicated column name(s) "
            f"{', '.join(repr(c.rsplit('.', 1)[0]) for c in mangled)}. Give every column a "
            "unique name."
        )
    return frame


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except ImportError as exc:
        raise InputError(
            f"Reading {path.name} needs pyarrow ({exc}). Install it with "
            "'pip install \"expectlab[io]\"'."
        ) from None
    except Exception as exc:  # arrow raises its own error types for damaged files
        raise InputError(f"{path.name} could not be read as Parquet ({exc}).") from None


def _read_readstat(path: Path, kind: str, encoding: str | None) -> tuple[pd.DataFrame, Codebook]:
    try:
        import pyreadstat
    except ImportError:
        raise InputError(
            f"Reading {path.name} needs pyreadstat. Install it with "
            "'pip install \"expectlab[io]\"'."
        ) from None
    reader = pyreadstat.read_sav if kind == "spss" else pyreadstat.read_dta
    try:
        # user_missing=True keeps the declared missing codes so we can count them.
        frame, meta = reader(str(path), user_missing=True, encoding=encoding)
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise InputError(
            f"{path.name} could not be read as a {'SPSS' if kind == 'spss' else 'Stata'} "
            f"file ({exc}). Check that the file is not damaged and has the right extension."
        ) from None
    variables = {}
    labels = meta.column_names_to_labels or {}
    value_labels = meta.variable_value_labels or {}
    ranges = getattr(meta, "missing_ranges", None) or {}
    user_values = getattr(meta, "missing_user_values", None) or {}
    measures = getattr(meta, "variable_measure", None) or {}
    for col in frame.columns:
        var = Variable(str(col), label=labels.get(col) or None)
        codes = dict(value_labels.get(col, {}))
        missing: list[Any] = []
        missing_ranges: list[tuple[float, float]] = []
        for rng in ranges.get(col, []):
            lo, hi = rng["lo"], rng["hi"]
            if isinstance(lo, str) or lo == hi:
                missing.append(lo)
            else:
                missing_ranges.append((float(lo), float(hi)))
        missing.extend(v for v in user_values.get(col, []) if v not in missing)
        var.missing = missing
        var.missing_ranges = missing_ranges
        var.value_labels = codes
        numeric_codes = [k for k in codes if isinstance(k, (int, float)) and not _is_declared(
            k, missing, missing_ranges)]
        if measures.get(col) in ("ordinal", "scale") and len(numeric_codes) >= 2:
            var.scale = (float(min(numeric_codes)), float(max(numeric_codes)))
        if measures.get(col) == "nominal" and codes:
            var.type = "categorical"
        variables[str(col)] = var
    book = Codebook(variables=variables, description=getattr(meta, "file_label", None) or None)
    return frame, book


# -- checks ----------------------------------------------------------------------------
def _check_unique_columns(columns: Iterable[str], name: str) -> None:
    seen: dict[str, int] = {}
    for col in columns:
        seen[col] = seen.get(col, 0) + 1
    dups = [c for c, n in seen.items() if n > 1]
    if dups:
        raise InputError(
            f"{name}: duplicated column name(s) {', '.join(map(repr, dups))}. Give every "
            "column a unique name in the export."
        )
    empty = [i for i, c in enumerate(columns) if str(c).strip() == ""]
    if empty:
        raise InputError(
            f"{name}: column(s) at position(s) {empty} have no name. Name every column in "
            "the export's header row."
        )


def _load_codebook(codebook: Any, data_path: Path) -> Codebook | None:
    if codebook is None:
        for suffix in _SIDECAR_SUFFIXES:
            candidate = data_path.with_name(data_path.stem + suffix)
            if candidate.exists():
                return Codebook.from_path(candidate)
        return None
    if isinstance(codebook, Codebook):
        return codebook
    if isinstance(codebook, Mapping):
        return Codebook.from_dict(dict(codebook))
    if isinstance(codebook, (str, Path)):
        return Codebook.from_path(codebook)
    raise InputError(
        f"codebook must be a path, a dict or a Codebook, got {type(codebook).__name__}."
    )


def _normalise_text(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value))
    for curly, straight in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(curly, straight)
    return " ".join(text.split()).casefold()


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def _as_code(value: Any) -> Any:
    number = _as_number(value)
    if number is not None and math.isfinite(number) and number.is_integer():
        return int(number)
    return value


def _is_declared(value: Any, codes: Sequence[Any], ranges: Sequence[tuple[float, float]]
                 ) -> bool:
    number = _as_number(value)
    for code in codes:
        code_num = _as_number(code)
        if number is not None and code_num is not None:
            if number == code_num:
                return True
        elif _normalise_text(value) == _normalise_text(code):
            return True
    return number is not None and any(lo <= number <= hi for lo, hi in ranges)


def _apply_missing_codes(
    frame: pd.DataFrame, book: Codebook, missing_codes: Any, name: str
) -> tuple[pd.DataFrame, dict[str, int]]:
    if missing_codes is None:
        global_codes: list[Any] = []
        per_column: dict[str, list[Any]] = {}
    elif isinstance(missing_codes, Mapping):
        global_codes = []
        per_column = {str(k): list(v) if isinstance(v, (list, tuple, set)) else [v]
                      for k, v in missing_codes.items()}
        unknown = [c for c in per_column if c not in frame.columns]
        if unknown:
            raise InputError(
                f"{name}: missing_codes names column(s) {', '.join(map(repr, unknown))} that "
                "the file does not have."
            )
    elif isinstance(missing_codes, (str, int, float)):
        global_codes, per_column = [missing_codes], {}
    else:
        global_codes, per_column = list(missing_codes), {}

    declared: dict[str, int] = {}
    out = frame.copy()
    for col in out.columns:
        var = book.get(col)
        codes = global_codes + per_column.get(col, []) + list(var.missing)
        ranges = list(var.missing_ranges)
        if not codes and not ranges:
            continue
        series = out[col]
        present = series.notna()
        if not present.any():
            continue
        values = series[present]
        if pd.api.types.is_numeric_dtype(values):
            numeric_codes = [n for n in (_as_number(c) for c in codes) if n is not None]
            arr = values.to_numpy(dtype=float)
            mask = np.isin(arr, numeric_codes)
            for lo, hi in ranges:
                mask |= (arr >= lo) & (arr <= hi)
        else:
            uniques = pd.unique(values)
            hits = {u for u in uniques if _is_declared(u, codes, ranges)}
            mask = values.isin(hits).to_numpy()
        n_hit = int(mask.sum())
        if n_hit:
            hit_index = values.index[mask]
            if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
                series = series.astype(object)
            series = series.copy()
            series.loc[hit_index] = np.nan
            out[col] = series
            declared[col] = n_hit
    return out, declared


def _coerce_numeric(frame: pd.DataFrame, book: Codebook, name: str) -> pd.DataFrame:
    out = frame
    for col in frame.columns:
        series = frame[col]
        var = book.get(col)
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            continue
        coerced = pd.to_numeric(series, errors="coerce")
        present = series.notna()
        bad = present & coerced.isna()
        if var.is_numeric:
            if bad.any():
                raise InputError(
                    f"{name}, {_column_text(book, col)}: expected numbers"
                    f"{_scale_text(var)}, found non-numeric answers: "
                    f"{describe_offenders(series, bad)}. Declare these answers as missing "
                    "codes (missing_codes=[...] or 'missing:' in the codebook) or correct "
                    "them in the file."
                )
            out = out.copy() if out is frame else out
            out[col] = coerced
        elif present.any() and not bad.any() and series.dtype == object:
            # object columns that hold only numbers once missing codes are gone (e.g. 99
            # replaced in a column that also had "don't know") become numeric again
            out = out.copy() if out is frame else out
            out[col] = coerced
    return out


def _column_text(book: Codebook, col: str) -> str:
    label = book.label(col)
    return f"column {col!r}" if label == col else f"column {col!r} ({label})"


def _scale_text(var: Variable) -> str:
    if var.scale is None:
        return ""
    lo, hi = (int(v) if float(v).is_integer() else v for v in var.scale)
    return f" on the scale {lo}-{hi}"


def _check_scales(frame: pd.DataFrame, book: Codebook, name: str) -> None:
    for col in frame.columns:
        var = book.get(col)
        if var.scale is None or not pd.api.types.is_numeric_dtype(frame[col]):
            continue
        lo, hi = var.scale
        series = frame[col]
        bad = series.notna() & ((series < lo) | (series > hi))
        if bad.any():
            raise InputError(
                f"{name}, {_column_text(book, col)}: values outside the declared scale "
                f"{_scale_text(var).replace(' on the scale ', '')}: "
                f"{describe_offenders(series, bad)}. If these are "
                "missing-value codes, declare them (missing_codes=[...] or 'missing:' in the "
                "codebook); otherwise correct the data or the declared scale."
            )


def _check_ids(frame: pd.DataFrame, id_column: str, name: str) -> None:
    ids = frame[id_column]
    if ids.isna().any():
        raise InputError(
            f"{name}, id column {id_column!r}: {int(ids.isna().sum())} row(s) have no "
            f"respondent id (first rows: {list(frame.index[ids.isna()][:5])}). Every row needs "
            "an id."
        )
    dup = ids.duplicated(keep=False)
    if dup.any():
        raise InputError(
            f"{name}, id column {id_column!r}: {int(ids[dup].nunique())} respondent id(s) "
            f"appear more than once: {describe_offenders(ids, dup)}. Remove duplicated "
            "rows, or, for data with several rows per respondent (waves), do not declare "
            "the id as unique (pass id_column=None)."
        )
