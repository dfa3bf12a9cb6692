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
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._errors import InputError, describe_offenders
from ._excel import column_letter, read_excel_table
from ._platforms import ANSWER_CODE, PlatformLayout, detect_platform, qualtrics_notes
from ._rawtable import NUMBER, NUMBER_COMMA, RawTable, infer_column, is_blank
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
        ``blank`` (empty in the file), ``error_cells`` (Excel error cells such as
        ``#N/A``), ``missing`` (their sum) and ``share_missing``.
    source : pathlib.Path
        The file read.
    file_type : str
        ``"csv"``, ``"tsv"``, ``"excel"``, ``"spss"``, ``"stata"`` or ``"parquet"``.
    notes : list of str
        Things worth knowing that are not errors (e.g. codebook entries for columns the
        file does not have, rows with every answer missing, the delimiter or platform
        detected, where missing codes were applied).
    metadata : dict
        Facts about the file beyond the codebook: ``platform`` (``"qualtrics"``,
        ``"surveymonkey"``, ``"limesurvey"``) with ``question_text`` (column -> text) and,
        for Qualtrics, ``import_ids`` (column -> ImportId such as ``"QID1"``); ``sep`` and
        ``decimal`` of text files; ``sheet`` of Excel files.
    """

    data: pd.DataFrame
    codebook: Codebook
    missing_report: pd.DataFrame
    source: Path
    file_type: str
    notes: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)

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

    def to_spss(self, path: str | Path) -> Path:
        """Write the data and codebook as an SPSS ``.sav`` file, for SPSS users.

        Kept: variable labels, value labels (codes of the column's type; text codes of
        a numeric column, such as LimeSurvey's ``A1``, are left out), user-missing
        declarations (at most three codes, or one range and one code, as SPSS allows;
        text codes of numeric columns are left out), measurement levels (``nominal`` for
        categorical/text/id, ``ordinal`` for scaled items, ``scale`` for numeric and
        weight) and the codebook description as file label. Answers read as missing are
        written as system-missing. A declared scale survives a round trip when its end
        points carry value labels (SPSS has no field for a scale range).

        Parameters
        ----------
        path : str or Path
            A ``.sav`` (or compressed ``.zsav``) file to write.

        Returns
        -------
        pathlib.Path
            The file written.

        Raises
        ------
        InputError
            Column names SPSS does not accept, more missing codes than SPSS holds, or
            values SPSS cannot store.

        Examples
        --------
        >>> import expectlab, tempfile
        >>> from pathlib import Path
        >>> survey = expectlab.read_survey(
        ...     Path(expectlab.__file__).parents[1] / "data" / "client_survey.sav")
        >>> out = survey.to_spss(Path(tempfile.mkdtemp()) / "cleaned.sav")
        >>> expectlab.read_survey(out).codebook["exp_1"].missing
        [99]
        """
        from ._write import write_spss

        return write_spss(self, path)

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
    items: Sequence[str] | None = None,
    id_column: str | None = None,
    columns: Sequence[str] | None = None,
    sheet: str | int | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    recode: Mapping[str, Mapping[Any, Any]] | None = None,
    platform: str = "auto",
    check_scales: bool = True,
) -> SurveyData:
    """Read a survey export into a DataFrame plus its codebook.

    Only truly empty cells and declared missing codes become missing values: text such
    as ``NA``, ``None``, ``null`` or ``n/a`` is kept as written (a segment coded ``NA``
    for North America survives; in a numeric item it is reported as a non-numeric
    answer). Exports of Qualtrics, SurveyMonkey and LimeSurvey are recognised from their
    header rows and read as described in :attr:`SurveyData.notes`.

    Parameters
    ----------
    path : str or Path
        A ``.csv``/``.tsv``/``.txt``, ``.xlsx``/``.xlsm``/``.xls``, ``.sav``/``.zsav``,
        ``.dta`` or ``.parquet`` file.
    codebook : path, Codebook or dict, optional
        Variable metadata. A ``<name>.codebook.yaml`` (or ``.yml``/``.csv``) next to the
        data file is used when this is omitted. SPSS and Stata metadata and the question
        texts of platform exports are always read; a given codebook overrides them field
        by field.
    missing_codes : list or dict, optional
        Codes that mean "no answer" (e.g. ``[99, -99, "don't know"]``), added to the codes
        the codebook declares. Text codes match ignoring case, surrounding white space and
        curly quotes. A list applies to the *answer items* only: codebook variables with
        a ``scale``, a ``construct``, ``type: numeric`` or listed under ``scales``, plus
        the columns named in ``items``; never to the id column nor to columns typed
        ``id``, ``weight``, ``date``, ``categorical`` or ``text``. A dict
        ``{column: [codes]}`` applies to exactly the columns it names, whatever their
        type. ``True``/``False`` are not codes and raise :class:`InputError`.
    items : list of str, optional
        Further answer items for a list of ``missing_codes`` (needed when the codebook
        does not say which columns are items).
    id_column : str, optional
        Respondent identifier; must be present, non-missing and unique. Defaults to the
        codebook's ``id``.
    columns : list of str, optional
        Columns that must be present.
    sheet : str or int, optional
        Excel sheet name or 0-based position. By default the first sheet, unless it is a
        cover sheet while another sheet holds the data (then an :class:`InputError` names
        the sheets). A text of digits that is no sheet name is read as a position.
    sep : str, optional
        Delimiter of text files. By default tab for ``.tsv``; for ``.csv``/``.txt`` it is
        detected among ``,`` ``;`` tab and ``|``: the candidate that splits the header
        into the most fields (more than one) while every one of the first 50 records has
        as many fields; ties go to the comma. A non-comma choice is noted.
    decimal : {None, ".", ","}
        Decimal mark of numbers in text files. ``None`` detects a decimal comma in files
        that are not comma-separated (fields such as ``3,5`` and none such as ``3.5``)
        and notes it.
    encoding : str, optional
        Text encoding of CSV files (UTF-8, with or without byte-order mark, by default)
        or SPSS/Stata files.
    recode : dict, optional
        ``{column: {code: value}}``: answer codes to replace before the numeric check,
        e.g. LimeSurvey's ``{"q1": {"A1": 1, "A2": 2}}``. Items whose codebook entry has
        ``recode: {A1: 1, A2: 2}`` are recoded the same way without this argument (value
        labels stay what they are: the text of each numeric code). Every recoding is
        noted.
    platform : {"auto", "none", "qualtrics", "surveymonkey", "limesurvey"}
        ``"auto"`` recognises platform exports from their header rows; ``"none"`` reads
        the first row as column names and everything below as respondents; naming a
        platform raises :class:`InputError` when the file does not have its layout.
    check_scales : bool
        Raise when a numeric item holds values outside its declared scale.

    Returns
    -------
    SurveyData
        ``notes`` says what was detected or changed (delimiter, decimal comma, dropped
        trailing delimiter, platform, where missing codes were applied, recodings,
        Excel error cells, preview/test responses); ``metadata`` holds platform facts
        (``platform``, ``question_text``, Qualtrics ``import_ids``), and for text files
        ``sep`` and ``decimal``, for Excel ``sheet``.

    Raises
    ------
    InputError
        For an unknown file type, a missing or empty file, a wrong sheet name, a cover
        sheet read as data, merged or two-row headers, unnamed or duplicated columns,
        rows with more (or fewer) fields than the header (naming the line and the extra
        values), formula cells without stored values, a missing column, non-numeric
        answers in a numeric item, values outside the declared scale, duplicated or
        missing respondent ids and invalid arguments.

    Examples
    --------
    >>> import expectlab
    >>> from pathlib import Path
    >>> path = Path(expectlab.__file__).parents[1] / "data" / "client_survey.csv"
    >>> survey = expectlab.read_survey(path)
    >>> survey.n_rows
    600
    """
    return _read_survey(path, codebook=codebook, missing_codes=missing_codes, items=items,
                        id_column=id_column, columns=columns, sheet=sheet, sep=sep,
                        decimal=decimal, encoding=encoding, recode=recode, platform=platform,
                        check_scales=check_scales)


def _read_survey(
    path: str | Path,
    *,
    codebook: str | Path | Codebook | Mapping[str, Any] | None = None,
    missing_codes: Sequence[Any] | Mapping[str, Sequence[Any]] | None = None,
    items: Sequence[str] | None = None,
    id_column: str | None = None,
    columns: Sequence[str] | None = None,
    sheet: str | int | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    recode: Mapping[str, Mapping[Any, Any]] | None = None,
    platform: str = "auto",
    check_scales: bool = True,
    present_items_only: bool = False,
) -> SurveyData:
    """:func:`read_survey`; ``present_items_only`` keeps only the ``items`` the file has.

    The report maps answer items by name before it knows the file's columns: with
    ``present_items_only`` the absent ones are dropped once the columns are known (the
    report names them after reading), instead of reading the file twice to learn them.
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
    _check_reader_options(sep, decimal, platform, items, recode)

    notes: list[str] = []
    metadata: dict[str, Any] = {}
    errors: dict[str, list[tuple[Any, str]]] = {}
    layout: PlatformLayout | None = None
    positions: list[int] | None = None
    meta_codebook = Codebook()
    if file_type in ("csv", "tsv"):
        table, used_decimal = _read_text(path, sep, decimal, encoding, file_type)
        metadata.update(sep=table.sep, decimal=used_decimal)
        frame, layout, positions, errors = _frame_from_table(table, used_decimal, platform, name)
        notes.extend(table.notes)
    elif file_type == "excel":
        table = read_excel_table(path, sheet)
        metadata["sheet"] = table.sheet
        frame, layout, positions, errors = _frame_from_table(table, ".", platform, name)
        notes.extend(table.notes)
    elif file_type == "spss":
        frame, meta_codebook = _read_readstat(path, "spss", encoding)
    elif file_type == "stata":
        frame, meta_codebook = _read_readstat(path, "stata", encoding)
    else:
        frame = _read_parquet(path)

    if frame.shape[1] == 0 or len(frame) == 0:
        raise InputError(
            f"{name} is empty: found {len(frame)} rows and {frame.shape[1]} columns. "
            "Check that the export finished and that the right file was chosen."
        )
    frame.columns = [str(c) for c in frame.columns]
    _check_unique_columns(frame.columns, name)
    if present_items_only and items is not None:
        items = [c for c in dict.fromkeys(items) if c in frame.columns] or None

    if layout is not None:
        notes.append(layout.note)
        metadata["platform"] = layout.platform
        metadata.update(layout.metadata)
        platform_book = Codebook(variables={
            col: Variable(col, label=text) for col, text in layout.labels.items()
            if col in frame.columns})
        meta_codebook = platform_book.merged_with(meta_codebook)
    book = _align_names(meta_codebook.merged_with(_load_codebook(codebook, path)),
                        frame.columns, notes)
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

    frame, declared = _apply_missing_codes(frame, book, missing_codes, items, id_column,
                                           name, notes)
    if positions is not None and layout is None:
        _check_second_header(frame, positions, "row" if file_type == "excel" else "line",
                             name)
    frame = _recode(frame, book, recode, name, notes)
    frame = _coerce_numeric(frame, book, name)
    if check_scales:
        _check_scales(frame, book, name)
    if id_column:
        _check_ids(frame, id_column, name)

    declared_s = pd.Series(declared, dtype="int64").reindex(frame.columns, fill_value=0)
    error_s = pd.Series({c: len(v) for c, v in errors.items()}, dtype="int64").reindex(
        frame.columns, fill_value=0)
    blank = frame.isna().sum() - declared_s - error_s
    report = pd.DataFrame(
        {
            "declared_missing": declared_s,
            "blank": blank.astype("int64"),
            "error_cells": error_s,
        }
    )
    report["missing"] = report["declared_missing"] + report["blank"] + report["error_cells"]
    report["share_missing"] = report["missing"] / len(frame)
    report = report.rename_axis("column")  # a new index: frame.columns keeps no name
    for col, found in errors.items():
        shown = ", ".join(f"{code} at row {pos}" for pos, code in found[:5])
        notes.append(
            f"Column {col!r}: {len(found)} Excel error cell(s) read as missing ({shown}"
            f"{' ...' if len(found) > 5 else ''}); counted as error_cells in missing_report. "
            "Fix the formulas in the workbook if these should be answers."
        )
    if layout is not None and layout.platform == "qualtrics":
        notes.extend(qualtrics_notes(frame))

    all_missing = frame.isna().all(axis=1)
    if all_missing.any():
        rows = list(frame.index[all_missing][:5])
        notes.append(
            f"{int(all_missing.sum())} row(s) have no answer at all (first rows: {rows}); "
            "they are kept and will be reported as excluded by the models."
        )
    return SurveyData(frame, book, report, path, file_type, notes, metadata)


# -- options -----------------------------------------------------------------------------
_SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_PLATFORMS = ("auto", "none", "qualtrics", "surveymonkey", "limesurvey")


def _check_reader_options(sep: Any, decimal: Any, platform: Any, items: Any, recode: Any
                          ) -> None:
    if sep is not None and (not isinstance(sep, str) or len(sep) != 1 or sep in "\"\r\n"):
        raise InputError(
            f"sep must be one character such as ',', ';', '\\t' or '|', got {sep!r}."
        )
    if decimal not in (None, ".", ","):
        raise InputError(f"decimal must be None, '.' or ',', got {decimal!r}.")
    if decimal == "," and sep == ",":
        raise InputError(
            "decimal=',' needs another delimiter than the comma (e.g. sep=';'): with both "
            "commas a field such as 3,5 cannot be read."
        )
    if platform not in _PLATFORMS:
        raise InputError(f"platform must be one of {', '.join(_PLATFORMS)}, got {platform!r}.")
    if items is not None and (isinstance(items, str) or not all(
            isinstance(i, str) for i in items)):
        raise InputError(f"items must be a list of column names, got {items!r}.")
    if recode is not None and (not isinstance(recode, Mapping) or not all(
            isinstance(v, Mapping) for v in recode.values())):
        raise InputError(
            "recode must map column names to {code: value} mappings, e.g. "
            f"{{'q1': {{'A1': 1, 'A2': 2}}}}; got {recode!r}."
        )


# -- readers ---------------------------------------------------------------------------
def _decode(path: Path, encoding: str | None) -> tuple[str, str]:
    encoding = encoding or "utf-8-sig"
    try:
        raw = path.read_bytes()
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path.name} is not valid {encoding} text ({exc.reason} at byte {exc.start}). "
            "Pass encoding='latin-1' (or the file's encoding) to read_survey."
        ) from None
    except LookupError:
        raise InputError(f"Unknown encoding {encoding!r}. Use e.g. 'utf-8' or 'latin-1'.") \
            from None
    return text.lstrip("\ufeff"), encoding


def _records(text: str, sep: str, name: str, limit: int | None = None
             ) -> list[tuple[int, list[str]]]:
    """Records with the 1-based line where each starts (quoted fields may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    out: list[tuple[int, list[str]]] = []
    last = 0
    try:
        for record in reader:
            out.append((last + 1, record))
            last = reader.line_num
            if limit is not None and len(out) >= limit:
                break
    except csv.Error as exc:
        if limit is not None:  # sniffing: a candidate that cannot parse simply loses
            return out
        raise InputError(
            f"{name}, line {last + 1}: the text cannot be parsed ({exc}). This comes from a "
            "quote character that is never closed or a stray character in an answer; "
            "re-export the file with every text field quoted, or fix that line."
        ) from None
    return out


def _sniff_sep(text: str, name: str) -> str:
    """The delimiter rule documented in read_survey (deterministic, unlike csv.Sniffer)."""
    best: tuple[int, int, int] | None = None
    choice = ","
    for rank, candidate in enumerate(_SEPARATORS):
        records = _records(text, candidate, name, limit=51)
        if not records:
            continue
        n_header = len(records[0][1])
        if n_header < 2:
            continue
        counts = [len(r) for _, r in records[1:] if r]
        consistent = sum(c in (n_header, n_header + 1) for c in counts)
        # consistent records first, then the number of fields, then the fixed order
        key = (consistent == len(counts), n_header if consistent == len(counts) else
               consistent, -rank)
        if best is None or key > best:
            best, choice = key, candidate
    if best is None:
        # one column: a delimiter that ends every data line (and nothing else) is still one
        for candidate in _SEPARATORS:
            rows = [r for _, r in _records(text, candidate, name, limit=51)[1:] if r]
            if rows and all(len(r) == 2 and not r[1].strip() for r in rows):
                return candidate
    return choice


def _sniff_decimal(records: list[tuple[int, list[str]]]) -> str:
    comma = dot = 0
    for _, record in records[1:]:
        for cell in record:
            text = cell.strip()
            if "," in text and NUMBER_COMMA.fullmatch(text):
                comma += 1
            elif "." in text and NUMBER.fullmatch(text):
                dot += 1
    return "," if comma and not dot else "."


def _read_text(path: Path, sep: str | None, decimal: str | None, encoding: str | None,
               file_type: str) -> tuple[RawTable, str]:
    name = path.name
    text, encoding = _decode(path, encoding)
    notes: list[str] = []
    if sep is None:
        if file_type == "tsv":
            sep = "\t"
        else:
            sep = _sniff_sep(text, name)
            if sep != ",":
                notes.append(f"{name} was read as {_SEPARATORS[sep]}-separated (detected).")
    records = _records(text, sep, name)
    if not records or not any(h.strip() for h in records[0][1]):
        raise InputError(f"{name} is empty: no header row. Check that the export finished.")
    if decimal is None:
        decimal = _sniff_decimal(records) if sep != "," else "."
        if decimal == ",":
            notes.append(f"{name} was read with a decimal comma (3,5 = 3.5; detected).")
    header = [h.strip() for h in records[0][1]]
    data = records[1:]
    n = len(header)
    filled = [r for _, r in data if r]
    if filled and n > 1 and not header[-1] and all(len(r) == n and not r[-1].strip()
                                                   for r in filled):
        header = header[:-1]
        data = [(line, r[:-1] if r else r) for line, r in data]
        notes.append(f"{name}: every line ends with a delimiter (an empty last column without "
                     "a name); that empty column was dropped.")
    elif filled and all(len(r) == n + 1 and not r[-1].strip() for r in filled):
        data = [(line, r[:-1] if r else r) for line, r in data]
        notes.append(f"{name}: every data line ends with a delimiter the header does not "
                     "have; the empty last field was dropped.")
    n = len(header)
    long_rows = [(line, r) for line, r in data if len(r) > n]
    if long_rows:
        line, record = long_rows[0]
        raise InputError(
            f"{name}, line {line}: {len(record)} fields but the header (line 1) has {n} "
            f"columns; extra value(s) {record[n:]!r} (line {line} starts "
            f"{record[:min(n, 3)]!r}). {len(long_rows)} line(s) in all have too many fields "
            f"(lines {[ln for ln, _ in long_rows[:10]]}). Every value would shift one column "
            "if read; usually an unquoted delimiter inside an answer or a stray delimiter at "
            "the end of some lines. Re-export with text fields quoted, or fix the lines"
            f"{_sep_hint(sep)}."
        )
    short_rows = [(line, r) for line, r in data if r and len(r) < n]
    if short_rows:
        line, record = short_rows[0]
        raise InputError(
            f"{name}, line {line}: {len(record)} field(s) but the header (line 1) has {n} "
            f"columns (line {line} reads {record[:5]!r}). {len(short_rows)} line(s) in all "
            f"have too few fields (lines {[ln for ln, _ in short_rows[:10]]}). Usually a line "
            "break inside an unquoted answer; re-export with text fields quoted, or fix the "
            f"lines{_sep_hint(sep)}."
        )
    table = RawTable(header, [r for _, r in data], [line for line, _ in data], unit="line",
                     notes=notes)
    table.sep = sep
    return table, decimal


def _sep_hint(sep: str) -> str:
    return "" if sep != "," else " (or pass sep=';' if the file is semicolon-separated)"


def _frame_from_table(table: RawTable, decimal: str, platform: str, name: str
                      ) -> tuple[pd.DataFrame, PlatformLayout | None, list[int],
                                 dict[str, list[tuple[Any, str]]]]:
    header = list(table.header)
    rows, positions = table.rows, list(table.positions)
    where = name if table.sheet is None else f"{name}, sheet {table.sheet!r}"
    layout = None
    if platform != "none":
        first = [["" if is_blank(c) else str(c) for c in row] for row in rows[:2]]
        layout = detect_platform(header, first)
        if platform != "auto" and (layout is None or layout.platform != platform):
            found = "a plain table" if layout is None else f"a {layout.platform} export"
            raise InputError(
                f"{where}: platform={platform!r} was given but the file looks like {found}. "
                "Pass platform='auto' or check the file."
            )
    skip = 0
    if layout is not None:
        skip = layout.header_rows
        header = list(layout.columns)
        rows, positions = rows[skip:], positions[skip:]
    width = len(header)
    keep: list[int] = []
    dropped: list[int] = []
    for j in range(width):
        values = [row[j] if j < len(row) else None for row in rows]
        if not header[j] and all(is_blank(v) for v in values):
            dropped.append(j)
        else:
            keep.append(j)
    if dropped:
        table.notes.append(f"{where}: {len(dropped)} empty column(s) without a name "
                           f"({_positions_text(dropped, table.unit)}) were ignored.")
    unnamed = [j for j in keep if not header[j] or _UNNAMED.fullmatch(header[j])]
    if unnamed:
        raise InputError(
            f"{where}: column(s) at {_positions_text(unnamed, table.unit)} have no name "
            f"(header cells {[header[j] for j in unnamed][:10]!r}) but hold answers. Name "
            "every column in the export's header row; an 'Unnamed: n' header usually means "
            "the file was saved with a row index or a header over two rows."
        )
    names = [header[j] for j in keep]
    _check_unique_columns(names, where)
    frame = pd.DataFrame({header[j]: infer_column(
        [row[j] if j < len(row) else None for row in rows], decimal) for j in keep})
    if not keep:
        frame = pd.DataFrame(index=range(len(rows)))
    errors: dict[str, list[tuple[Any, str]]] = {}
    for (i, j), code in sorted(table.errors.items()):
        if i >= skip and j < width and header[j] and j in keep:
            errors.setdefault(header[j], []).append((positions[i - skip], code))
    return frame, layout, positions, errors


_UNNAMED = re.compile(r"Unnamed: \d+(?:_level_\d+)?")


def _positions_text(cols: list[int], unit: str) -> str:
    if unit == "row":
        return "Excel column(s) " + ", ".join(column_letter(j) for j in cols[:10])
    return "position(s) " + ", ".join(str(j + 1) for j in cols[:10]) + " (1 = first)"


def _check_second_header(frame: pd.DataFrame, positions: list[int], unit: str, name: str
                         ) -> None:
    """A second header row (text over numbers in several columns) read as a respondent."""
    if len(frame) < 3:
        return
    texts = {}
    for col in frame.columns:
        series = frame[col]
        if pd.api.types.is_numeric_dtype(series):
            continue
        first, rest = series.iloc[0], series.iloc[1:].dropna()
        if rest.empty or is_blank(first) or not isinstance(first, str):
            continue
        numbers = pd.to_numeric(rest, errors="coerce")
        if numbers.isna().any():
            continue
        if _as_number(first) is not None:
            return
        texts[col] = first
    if len(texts) >= 2 and len(set(map(_normalise_text, texts.values()))) == len(texts):
        shown = ", ".join(f"{c!r} = {t!r}" for c, t in list(texts.items())[:5])
        raise InputError(
            f"{name}, {unit} {positions[0]}: the first data {unit} looks like a second header "
            f"row: text over numeric answers in {len(texts)} columns ({shown}). Keep one row "
            "of column names above the answers (delete the extra header row), or, if this "
            "is a respondent, declare these answers as missing codes."
        )
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
    for col in frame.columns:
        if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
            # SPSS stores an unanswered text question as an empty string: a blank cell
            blank = _blank_texts(frame[col])
            if blank.any():
                frame[col] = frame[col].where(~blank.astype(bool), np.nan)
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
                missing.append(_as_code(lo))  # 99.0 from the file is the code 99
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


def _blank_texts(series: pd.Series) -> pd.Series:
    """True where a cell is text made only of white space (SPSS's unanswered text)."""
    texts = _text_codes(series)
    if texts is None:
        return series.map(lambda v: isinstance(v, str) and not v.strip())
    codes, uniques = texts
    # each distinct text is tested once, with Python's own notion of white space
    blank = np.array([not v.strip() for v in uniques] + [False], dtype=bool)
    return pd.Series(blank[codes], index=series.index)


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


def _align_names(book: Codebook, columns: Sequence[str], notes: list[str]) -> Codebook:
    """Match codebook entries to columns whose names differ only by surrounding white
    space (the reader strips column names): a declared scale must never be lost because
    the header had a trailing space or carriage return."""
    present = set(columns)
    renames = {name: name.strip() for name in book.variables
               if name not in present and name.strip() in present
               and name.strip() not in book.variables}
    if not renames:
        return book
    from dataclasses import replace

    variables = {renames.get(n, n): (replace(v, name=renames[n]) if n in renames else v)
                 for n, v in book.variables.items()}
    notes.append("Codebook entries matched to columns after trimming white space: "
                 + ", ".join(repr(n) for n in list(renames)[:10]) + ".")
    return replace(book, variables=variables)


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


_NOT_ITEM_TYPES = {"id", "weight", "date", "categorical", "text"}


def _codes_list(value: Any, where: str) -> list[Any]:
    if isinstance(value, bool):
        raise InputError(
            f"{where}: got {value!r}. Missing codes are the values that mean 'no answer' "
            "(e.g. [99, \"don't know\"]), not True/False."
        )
    if isinstance(value, (str, int, float, np.integer, np.floating)):
        values = [value]
    elif isinstance(value, (list, tuple, set)):
        values = list(value)
    else:
        raise InputError(
            f"{where}: expected a list of codes such as [99, \"don't know\"], got "
            f"{type(value).__name__}."
        )
    bools = [v for v in values if isinstance(v, (bool, np.bool_))]
    if bools:
        raise InputError(
            f"{where}: {bools[0]!r} is not a missing code (True/False would turn every 1/0 "
            "into a missing value). List the codes that mean 'no answer', e.g. [99]."
        )
    return values


def answer_items(frame: pd.DataFrame, book: Codebook, items: Sequence[str] | None,
                 id_column: str | None) -> list[str]:
    """Columns that global missing codes apply to (see ``read_survey(missing_codes=)``)."""
    ids = {c for c in (id_column, book.id_column) if c}
    in_scales = {c for cols in book.scales.values() for c in cols}
    out = []
    for col in frame.columns:
        var = book.get(col)
        if col in ids or var.type in _NOT_ITEM_TYPES:
            continue
        if var.scale is not None or var.construct or var.type == "numeric" or col in in_scales:
            out.append(col)
    out.extend(items or [])
    return list(dict.fromkeys(out))


def _apply_missing_codes(
    frame: pd.DataFrame, book: Codebook, missing_codes: Any, items: Sequence[str] | None,
    id_column: str | None, name: str, notes: list[str],
) -> tuple[pd.DataFrame, dict[str, int]]:
    global_codes: list[Any] = []
    per_column: dict[str, list[Any]] = {}
    if isinstance(missing_codes, Mapping):
        per_column = {str(k): _codes_list(v, f"missing_codes[{k!r}]")
                      for k, v in missing_codes.items()}
        unknown = [c for c in per_column if c not in frame.columns]
        if unknown:
            raise InputError(
                f"{name}: missing_codes names column(s) {', '.join(map(repr, unknown))} that "
                "the file does not have."
            )
    elif missing_codes is not None:
        global_codes = _codes_list(missing_codes, "missing_codes")
    unknown_items = [c for c in (items or []) if c not in frame.columns]
    if unknown_items:
        raise InputError(
            f"{name}: items names column(s) {', '.join(map(repr, unknown_items))} that the "
            "file does not have."
        )
    ids = [c for c in (id_column, book.id_column) if c and c in (items or [])]
    if ids:
        raise InputError(
            f"{name}: items names the id column {ids[0]!r}; missing codes never apply to "
            "respondent ids. Use the dict form missing_codes={column: [codes]} if it must."
        )
    targets: list[str] = []
    if global_codes:
        targets = answer_items(frame, book, items, id_column)
        if not targets:
            raise InputError(
                f"{name}: missing_codes={global_codes!r} were given for the answer items, but "
                "no column is known to be an answer item (the codebook gives no scale, "
                "construct or type: numeric). Name the items, e.g. items=['q1', 'q2'], or "
                "give the codes per column: missing_codes={'q1': [99], ...}."
            )
        shown = ", ".join(targets[:10]) + (" ..." if len(targets) > 10 else "")
        notes.append(f"Missing codes {global_codes!r} were applied to {len(targets)} answer "
                     f"item(s): {shown}.")
    target_set = set(targets)

    declared: dict[str, int] = {}
    out = frame.copy()
    for col in out.columns:
        var = book.get(col)
        codes = ((global_codes if col in target_set else []) + per_column.get(col, [])
                 + list(var.missing))
        ranges = list(var.missing_ranges)
        if not codes and not ranges:
            continue
        series = out[col]
        present = series.notna()
        if not present.any() or pd.api.types.is_bool_dtype(series):
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
            hits = {u for u in uniques if not isinstance(u, bool) and _is_declared(u, codes,
                                                                                   ranges)}
            mask = values.isin(hits).to_numpy()
        n_hit = int(mask.sum())
        if n_hit:
            hit_index = values.index[mask]
            if not pd.api.types.is_numeric_dtype(series):
                series = series.astype(object)
            series = series.copy()
            series.loc[hit_index] = np.nan
            out[col] = series
            declared[col] = n_hit
    return out, declared


def _recode(frame: pd.DataFrame, book: Codebook, recode: Mapping[str, Mapping[Any, Any]]
            | None, name: str, notes: list[str]) -> pd.DataFrame:
    """Replace answer codes (LimeSurvey's A1, A2...) by numbers before the numeric check."""
    recode = dict(recode or {})
    unknown = [c for c in recode if c not in frame.columns]
    if unknown:
        raise InputError(f"{name}: recode names column(s) {', '.join(map(repr, unknown))} "
                         "that the file does not have.")
    out = frame
    done: list[str] = []
    for col in frame.columns:
        mapping = recode.get(col)
        source = "recode="
        if mapping is None:
            var = book.get(col)
            if not var.is_numeric or pd.api.types.is_numeric_dtype(frame[col]):
                continue
            mapping = dict(var.recode)
            source = "the codebook's recode"
            if not mapping:
                continue
        lookup = {_normalise_text(k): v for k, v in mapping.items()}
        series = frame[col]

        def _map(value: Any, lookup: dict[str, Any] = lookup) -> Any:
            if is_blank(value) or isinstance(value, (int, float, np.number)):
                return value
            return lookup.get(_normalise_text(value), value)

        # object dtype, so the numeric check below converts (and types) the column
        mapped = pd.Series([_map(v) for v in series], index=series.index, dtype=object)
        changed = int((mapped.astype(str) != series.astype(object).astype(str)).sum())
        if changed:
            out = out.copy() if out is frame else out
            out[col] = mapped
            done.append(f"{col} ({changed} via {source})")
    if done:
        notes.append("Answer codes recoded to numbers: " + ", ".join(done[:10])
                     + (" ..." if len(done) > 10 else "") + ".")
    return out


def _coerce_numeric(frame: pd.DataFrame, book: Codebook, name: str) -> pd.DataFrame:
    out = frame
    for col in frame.columns:
        series = frame[col]
        var = book.get(col)
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            continue
        if not var.is_numeric and not pd.api.types.is_object_dtype(series.dtype):
            continue  # kept as read (a text column such as a segment): nothing to convert
        coerced = _to_numbers(series)
        present = series.notna()
        bad = present & coerced.isna()
        if var.is_numeric:
            if bad.any():
                found = [v for v in series[bad] if isinstance(v, str)]
                if found and all(ANSWER_CODE.fullmatch(v.strip()) for v in found):
                    fix = (
                        "These look like answer codes (LimeSurvey exports codes such as A1, "
                        "A2 unless asked for values): recode them to numbers in the codebook "
                        "(recode: {A1: 1, A2: 2, ...} under the variable) or with "
                        "recode={" + repr(col) + ": {'A1': 1, ...}}, or re-export the answers "
                        "as numbers. They are answers, not missing codes."
                    )
                else:
                    fix = ("Declare these answers as missing codes (missing_codes=[...] or "
                           "'missing:' in the codebook) or correct them in the file.")
                raise InputError(
                    f"{name}, {_column_text(book, col)}: expected numbers"
                    f"{_scale_text(var)}, found non-numeric answers: "
                    f"{describe_offenders(series, bad)}. {fix}"
                )
            out = out.copy() if out is frame else out
            out[col] = coerced
        elif present.any() and not bad.any() and series.dtype == object:
            # object columns that hold only numbers once missing codes are gone (e.g. 99
            # replaced in a column that also had "don't know") become numeric again
            out = out.copy() if out is frame else out
            out[col] = coerced
    return out


def _to_numbers(series: pd.Series) -> pd.Series:
    """Numbers where a cell is a finite number or a number written as text; else NaN.

    Unlike ``pd.to_numeric``, text such as ``nan``, ``inf`` or ``NA`` is not a number.
    """
    texts = _text_codes(series)
    if texts is not None:
        # every cell is text or missing: convert each distinct text once (a million
        # answers of a segment column hold a handful of texts)
        codes, uniques = texts
        converted = np.array([_number_of(v) for v in uniques] + [np.nan], dtype="float64")
        out = pd.Series(converted[codes], index=series.index, dtype="float64")
    else:
        out = pd.Series([_number_of(v) for v in series], index=series.index, dtype="float64")
    if len(out) and out.notna().all() and (out % 1 == 0).all() and out.abs().max() < 2**53:
        return out.astype("int64")  # whole and complete: as a numeric column of the file reads
    return out


def _number_of(value: Any) -> float:
    """One cell as :func:`_to_numbers` reads it."""
    if is_blank(value) or isinstance(value, (bool, np.bool_)):
        return np.nan
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value) if np.isfinite(value) else np.nan
    text = str(value).strip()
    return float(text) if NUMBER.fullmatch(text) and np.isfinite(float(text)) else np.nan


def _text_codes(series: pd.Series) -> tuple[np.ndarray, list[Any]] | None:
    """``(codes, distinct texts)`` of a column holding only text and missing values.

    ``codes[i]`` is the position of row ``i``'s text in the list, or ``-1`` for a missing
    cell (None, NaN, ``pd.NA``). ``None`` for any other column: numbers and booleans are
    left to the per-cell path, because grouping them would merge ``1``, ``1.0`` and
    ``True``, which the reader tells apart.
    """
    dtype = series.dtype
    if not isinstance(dtype, pd.StringDtype) and not (
            pd.api.types.is_object_dtype(dtype)
            and pd.api.types.infer_dtype(series, skipna=True) == "string"):
        return None
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.intp), list(uniques)


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
