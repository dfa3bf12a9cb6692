"""A columnar copy of a CSV purchase log for the report's kernel.

The purchase section summarises the log several times (the whole period, a calibration
period, and, when the log repeats rows, once more to count the repeats). Each pass over
a CSV file parses every line again: for a log of 7.5 million purchases that is most of the
section's time. The report command has already checked the log; it then writes the
columns exactly as the summary reads them (DuckDB's reading of the CSV, same types, same
row order) to a Parquet file in its private run folder, and the kernel's summaries read
that instead. The numbers cannot change: the values are those the CSV reader produced,
and a test compares the summaries of both files.

Only a single CSV file is copied (not a glob or a list, nor a file that is Parquet
already); when the copy cannot be made the kernel reads the CSV as before.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["copies", "columnar_copy"]

_CSV_SUFFIXES = (".csv", ".txt")


def copies(path: Any) -> bool:
    """Whether :func:`columnar_copy` applies to the log ``path`` (one CSV file)."""
    if not isinstance(path, str) or any(ch in path for ch in "*?["):
        return False
    return Path(path).suffix.lower() in _CSV_SUFFIXES and Path(path).is_file()


def columnar_copy(path: str, folder: Path) -> str | None:
    """Write the log at ``path`` as ``folder/transactions.parquet``; return its path.

    The rows are read by the same DuckDB expression as
    :func:`expectlab.repeat.summarise_transactions` reads a CSV file, so the copy holds
    the values (and types) that function would see. None when the log is not one CSV
    file or DuckDB cannot copy it.
    """
    if not copies(path):
        return None
    try:
        import duckdb

        from ..repeat.summaries_duckdb import _Log
    except ImportError:  # duckdb is optional ('scale' extra): the kernel reads the CSV
        return None
    target = Path(folder) / "transactions.parquet"
    con = duckdb.connect()
    try:
        src = _Log(con, [path], "copy").src
        quoted = str(target).replace("'", "''")
        # insertion order is kept (DuckDB's default), so row positions stay the same
        con.execute("SET preserve_insertion_order = true")
        con.execute(f"COPY (SELECT * FROM {src}) TO '{quoted}' (FORMAT parquet)")
    except Exception:  # noqa: BLE001 - any failure: the kernel reads the CSV as before
        target.unlink(missing_ok=True)
        return None
    finally:
        con.close()
    return str(target)
