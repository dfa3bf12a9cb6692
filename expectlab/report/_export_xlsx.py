"""Every table of a report in one Excel workbook: a contents sheet, then one sheet each.

Tables are read from the executed notebook, where :func:`expectlab._display.show_table`
left a machine-readable copy of each (MIME type ``application/vnd.expectlab.table+json``).
Text cells are always written as text, so a label such as ``=HYPERLINK(...)`` from a
client file never becomes a formula.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .._display import TABLE_MIME

__all__ = ["iter_tables", "export_xlsx", "sheet_names"]

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_CONTENTS = {"en": ("Contents", "Sheet", "Table", "Rows", "Columns"),
             "zh": ("目录", "工作表", "表格", "行数", "列数")}


def iter_tables(nb: Any) -> Iterator[dict[str, Any]]:
    """The table records of an executed notebook, in the order they were shown."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            record = (output.get("data") or {}).get(TABLE_MIME)
            if record is None:
                continue
            if isinstance(record, str):
                record = json.loads(record)
            table = record.get("table")
            if isinstance(table, str):
                table = json.loads(table)
            yield {**record, "table": table}


def sheet_names(titles: list[str], reserved: tuple[str, ...] = ()) -> list[str]:
    """Excel sheet names for ``titles``: allowed characters, at most 31, unique.

    Examples
    --------
    >>> sheet_names(["Kano: classes", "Kano: classes", "x" * 40])
    ['Kano classes', 'Kano classes (2)', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']
    """
    used = {r.lower() for r in reserved}
    names = []
    for i, title in enumerate(titles, start=1):
        base = re.sub(r"\s+", " ", _BAD_SHEET_CHARS.sub("", str(title))).strip().strip("'")
        base = base or f"Table {i}"
        name, k = base[:31], 1
        while name.lower() in used:
            k += 1
            suffix = f" ({k})"
            name = base[:31 - len(suffix)].rstrip() + suffix
        used.add(name.lower())
        names.append(name)
    return names


def _label(value: Any) -> str:
    if isinstance(value, list):
        return " / ".join(str(v) for v in value if v not in (None, ""))
    return "" if value is None else str(value)


def _put(ws: Any, row: int, col: int, value: Any) -> None:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with


def export_xlsx(nb: Any, path: Path, *, title: str, language: str = "en") -> Path:
    """Write every table of the client notebook ``nb`` to the workbook ``path``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    words = _CONTENTS.get(language, _CONTENTS["en"])
    tables = list(iter_tables(nb))
    names = sheet_names([t.get("title") or t.get("key") or "" for t in tables],
                        reserved=(words[0],))
    wb = Workbook()
    contents = wb.active
    contents.title = words[0]
    _put(contents, 1, 1, title)
    contents.cell(row=1, column=1).font = Font(bold=True, size=14)
    for col, head in enumerate(words[1:], start=1):
        _put(contents, 3, col, head)
        contents.cell(row=3, column=col).font = Font(bold=True)
    for i, (record, name) in enumerate(zip(tables, names, strict=True)):
        table = record["table"] or {}
        columns = table.get("columns", [])
        index = table.get("index", [])
        data = table.get("data", [])
        ws = wb.create_sheet(name)
        _put(ws, 1, 1, record.get("title") or name)
        ws.cell(row=1, column=1).font = Font(bold=True)
        _put(ws, 3, 1, record.get("index_name") or "")
        for c, col in enumerate(columns, start=2):
            _put(ws, 3, c, _label(col))
            ws.cell(row=3, column=c).font = Font(bold=True)
        for r, (label, values) in enumerate(zip(index, data, strict=False), start=4):
            _put(ws, r, 1, _label(label))
            for c, value in enumerate(values, start=2):
                _put(ws, r, c, value)
        ws.column_dimensions["A"].width = min(60, max([12] + [len(_label(x)) + 2
                                                              for x in index]))
        row = 4 + i
        _put(contents, row, 1, name)
        contents.cell(row=row, column=1).hyperlink = f"#'{name}'!A1"
        _put(contents, row, 2, record.get("title") or "")
        _put(contents, row, 3, len(data))
        _put(contents, row, 4, len(columns))
    contents.column_dimensions["A"].width = 34
    contents.column_dimensions["B"].width = 70
    wb.save(path)
    return path
