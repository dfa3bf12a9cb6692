"""Reading Excel workbooks cell by cell with openpyxl.

pandas reads error cells (``#N/A``, ``#DIV/0!``) and formulas whose value was never
cached as empty cells, reads the first sheet even when it is a cover page, and invents
``Unnamed: 3`` for header cells left empty. Here every cell is looked at: error cells are
kept apart (they become missing values counted as ``error_cells``), uncached formulas,
cover sheets and merged two-row headers stop the read with a message saying what to do.
Old ``.xls`` workbooks go through pandas (xlrd), which gives values only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._errors import InputError
from ._rawtable import RawTable, is_blank

__all__ = ["read_excel_table", "column_letter"]


def column_letter(j: int) -> str:
    """Excel letter of the 0-based column ``j`` (0 -> A, 27 -> AB)."""
    letters = ""
    j += 1
    while j:
        j, rem = divmod(j - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _open(path: Path, data_only: bool):
    try:
        import openpyxl
    except ImportError as exc:
        raise InputError(
            f"Reading {path.name} needs openpyxl ({exc}). Install it with "
            "'pip install \"expectlab[io]\"', or save the sheet as CSV."
        ) from None
    try:
        return openpyxl.load_workbook(path, data_only=data_only)
    except Exception as exc:  # zip / xml errors from a damaged or mislabelled file
        raise InputError(f"{path.name} could not be opened as an Excel workbook ({exc}).") \
            from None


def _pick_sheet(name: str, sheets: list[str], sheet: str | int | None) -> str | None:
    if sheet is None:
        return None
    if isinstance(sheet, bool) or not isinstance(sheet, (str, int)):
        raise InputError(f"sheet must be a sheet name or a position, got {sheet!r}.")
    if isinstance(sheet, str):
        if sheet in sheets:
            return sheet
        if sheet.strip().isdigit():  # "--sheet 1" on the command line: a position
            sheet = int(sheet)
        else:
            raise InputError(
                f"{name} has no sheet named {sheet!r}. Sheets in the workbook: "
                f"{', '.join(map(repr, sheets))}. Pass one of them as sheet=..."
            )
    if not 0 <= sheet < len(sheets):
        raise InputError(
            f"{name} has {len(sheets)} sheet(s); sheet position {sheet} does not exist. "
            f"Sheets: {', '.join(map(repr, sheets))}."
        )
    return sheets[sheet]


def _grid(ws) -> list[list[Any]]:
    rows = [list(r) for r in ws.iter_rows()]
    return rows


def _filled(row: list[Any]) -> int:
    return sum(not is_blank(c.value) for c in row)


def _looks_like_data(cells: list[list[Any]]) -> bool:
    """A header row of at least two names, all text, and at least one row below it."""
    if len(cells) < 2:
        return False
    header = [c.value for c in cells[0] if not is_blank(c.value)]
    if len(header) < 2 or not all(isinstance(v, str) for v in header):
        return False
    return any(_filled(row) for row in cells[1:])


def read_excel_table(path: Path, sheet: str | int | None) -> RawTable:
    """Read one sheet of ``path`` as a :class:`RawTable` (see the module notes)."""
    name = path.name
    if path.suffix.lower() == ".xls":
        return _read_xls(path, sheet)
    values_book = _open(path, data_only=True)
    sheets = list(values_book.sheetnames)
    chosen = _pick_sheet(name, sheets, sheet)
    if chosen is None:
        chosen = sheets[0]
        first = _grid(values_book[chosen])
        if not _looks_like_data(first):
            others = [s for s in sheets[1:] if _looks_like_data(_grid(values_book[s]))]
            if others:
                raise InputError(
                    f"{name}: the first sheet {chosen!r} does not look like a data table (no "
                    "header row of at least two column names over answers; a cover or notes "
                    f"sheet?), while sheet(s) {', '.join(map(repr, others))} do. Sheets in "
                    f"the workbook: {', '.join(map(repr, sheets))}. Pass the sheet to read "
                    f"as sheet={others[0]!r} (--sheet on the command line)."
                )
    ws = values_book[chosen]
    cells = _grid(ws)
    where = f"{name}, sheet {chosen!r}"
    # trim rows and columns that are empty (formatting only)
    last_row = max((i for i, row in enumerate(cells) if _filled(row)), default=-1)
    cells = cells[: last_row + 1]
    if not cells:
        raise InputError(f"{where} is empty.")
    width = max((j + 1 for row in cells for j, c in enumerate(row) if not is_blank(c.value)),
                default=0)
    cells = [row[:width] + [None] * (width - len(row)) for row in cells]
    header_filled = sum(not is_blank(c.value) for c in cells[0] if c is not None)
    later = max((_filled([c for c in row if c is not None]) for row in cells[1:]), default=0)
    if header_filled < 2 and later >= 2:
        raise InputError(
            f"{where}: row 1 holds {header_filled} filled cell(s) but later rows hold up to "
            f"{later}: a title above the table? The column names must be in row 1. Delete "
            "the rows above the header, or pass the sheet that holds the data as sheet=."
        )
    merged = [str(r) for r in ws.merged_cells.ranges if r.min_row <= 2]
    if merged:
        raise InputError(
            f"{where}: merged cells in the header ({', '.join(merged[:10])}): a header over "
            "two rows cannot be read as column names. Unmerge the cells and keep one row of "
            "unique column names (e.g. 'satisfaction_q1') above the answers."
        )
    errors: dict[tuple[int, int], str] = {}
    rows: list[list[Any]] = []
    uncached: list[str] = []
    formula_cells: set[tuple[int, int]] | None = None
    for i, row in enumerate(cells[1:]):
        out_row: list[Any] = []
        for j, cell in enumerate(row):
            if cell is None:
                out_row.append(None)
                continue
            if cell.data_type == "e":
                errors[(i, j)] = str(cell.value)
                out_row.append(None)
                continue
            if cell.value is None:
                if formula_cells is None:
                    formula_cells = _formula_cells(path, chosen)
                if (cell.row, cell.column) in formula_cells:
                    uncached.append(cell.coordinate)
            out_row.append(cell.value)
        rows.append(out_row)
    if uncached:
        raise InputError(
            f"{where}: {len(uncached)} formula cell(s) have no stored value (first: "
            f"{', '.join(uncached[:5])}); the workbook was written by a program that does not "
            "calculate formulas. Open it in Excel (or LibreOffice) and save it, so the values "
            "are stored, or export the sheet as CSV."
        )
    header = [_header_text(c.value if c is not None else None) for c in cells[0]]
    positions = [c[0].row if c and c[0] is not None else i + 2 for i, c in enumerate(cells[1:])]
    table = RawTable(header, rows, positions, unit="row", errors=errors, sheet=chosen)
    return table


def _formula_cells(path: Path, sheet: str) -> set[tuple[int, int]]:
    book = _open(path, data_only=False)
    return {(c.row, c.column) for row in book[sheet].iter_rows() for c in row
            if c.data_type == "f"}


def _header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xls(path: Path, sheet: str | int | None) -> RawTable:
    import pandas as pd

    name = path.name
    try:
        book = pd.ExcelFile(path)
    except ImportError as exc:
        raise InputError(
            f"Reading {name} needs an Excel engine ({exc}). Install it with 'pip install "
            "xlrd', or save the workbook as .xlsx or CSV."
        ) from None
    except Exception as exc:  # damaged or mislabelled file
        raise InputError(f"{name} could not be opened as an Excel workbook ({exc}).") from None
    with book:
        sheets = [str(s) for s in book.sheet_names]
        chosen = _pick_sheet(name, sheets, sheet) or sheets[0]
        frame = pd.read_excel(book, sheet_name=chosen, header=None, dtype=object,
                              keep_default_na=False, na_values=[""])
    if frame.empty:
        raise InputError(f"{name}, sheet {chosen!r} is empty.")
    grid = [[None if is_blank(v) else v for v in row] for row in frame.itertuples(index=False)]
    header = [_header_text(v) for v in grid[0]]
    return RawTable(header, grid[1:], list(range(2, len(grid) + 1)), unit="row", sheet=chosen)
