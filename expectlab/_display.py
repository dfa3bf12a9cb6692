"""Safe display helpers for notebooks and the client-study report.

Text that comes from client files (labels, category names, column names) may contain
HTML. Everything shown through these helpers is escaped, so a label such as
``<script>alert(1)</script>`` appears as text in the rendered report.

Tables and figures also carry machine-readable copies in their output, so that the report
command can write every table to Excel and every figure to PowerPoint from the executed
notebook: a table's display bundle holds ``application/vnd.expectlab.table+json``
(``{"key", "title", "table"}`` with the frame in pandas' ``split`` layout), a figure's
output metadata holds its caption and alternative text.
"""

from __future__ import annotations

import base64
import html
import json
import re

import pandas as pd

__all__ = ["heading", "note", "show_table", "show_figure", "escape", "TABLE_MIME"]

#: MIME type of the machine-readable copy of every table shown with :func:`show_table`.
TABLE_MIME = "application/vnd.expectlab.table+json"


def escape(text: object) -> str:
    """HTML-escape ``text`` (quotes included)."""
    return html.escape(str(text), quote=True)


class _TableMarkup(str):
    """HTML of a table that also carries its machine-readable record (see show_table)."""

    record: dict


def _display_html(markup: str) -> None:
    from IPython.display import HTML, display

    record = getattr(markup, "record", None)
    if record is None:
        display(HTML(markup))
    else:  # one output with both: the HTML for people, the record for the exports
        display({"text/html": str(markup), TABLE_MIME: record}, raw=True)


def heading(text: str, level: int = 2) -> None:
    """Show an escaped heading (``<h2>`` by default)."""
    level = min(max(int(level), 1), 6)
    _display_html(f"<h{level}>{escape(text)}</h{level}>")


def note(text: str, *, kind: str = "info") -> None:
    """Show an escaped paragraph; ``kind="warning"`` marks it as a caution."""
    prefix = "<strong>Note:</strong> " if kind == "warning" else ""
    _display_html(f"<p>{prefix}{escape(text)}</p>")


def _key(text: str | None, fallback: str) -> str:
    slug = re.sub(r"[^0-9a-z]+", "-", str(text or "").lower()).strip("-")
    return slug[:60] or fallback


def show_table(table: pd.DataFrame | pd.Series, *, decimals: int = 3, caption: str | None = None,
               key: str | None = None) -> None:
    """Show a DataFrame as an escaped HTML table, numbers rounded to ``decimals``.

    The output also carries the table as data (MIME type :data:`TABLE_MIME`) under
    ``key`` (default: derived from the caption), which the report's Excel export reads.
    """
    frame = table.to_frame() if isinstance(table, pd.Series) else table
    frame = frame.round(decimals)
    cap = f"<p><em>{escape(caption)}</em></p>" if caption else ""
    markup = _TableMarkup(cap + frame.to_html(escape=True, na_rep=""))
    markup.record = {
        "key": key or _key(caption, "table"),
        "title": caption or "",
        "index_name": " / ".join(str(n) for n in frame.index.names if n is not None),
        "table": json.loads(frame.to_json(orient="split", date_format="iso",
                                          default_handler=str)),
    }
    _display_html(markup)


def show_figure(fig, *, caption: str | None = None, alt: str | None = None) -> None:
    """Show a matplotlib figure once and close it so it is not drawn twice.

    The PNG is written without a software/version stamp so the same figure gives the same
    bytes; ``caption`` and ``alt`` (alternative text; default the caption) travel in the
    output metadata, where the HTML and PowerPoint exports read them.
    """
    import matplotlib.pyplot as plt
    from IPython.display import display

    try:
        from IPython.core.pylabtools import print_figure

        png = print_figure(fig, fmt="png", bbox_inches="tight", metadata={"Software": None})
    finally:
        plt.close(fig)
    if not png:  # an empty figure draws nothing, as the inline backend does
        return
    alt_text = alt or caption or ""
    data = {"image/png": base64.b64encode(png).decode("ascii"),
            "text/plain": caption or alt_text or "Figure"}
    metadata = {"image/png": {"alt": alt_text}, "expectlab": {"caption": caption or "",
                                                               "alt": alt_text}}
    display(data, raw=True, metadata=metadata)
