"""Safe display helpers for notebooks and the client-study report.

Text that comes from client files (labels, category names, column names) may contain
HTML. Everything shown through these helpers is escaped, so a label such as
``<script>alert(1)</script>`` appears as text in the rendered report.
"""

from __future__ import annotations

import html

import pandas as pd

__all__ = ["heading", "note", "show_table", "show_figure", "escape"]


def escape(text: object) -> str:
    """HTML-escape ``text`` (quotes included)."""
    return html.escape(str(text), quote=True)


def _display_html(markup: str) -> None:
    from IPython.display import HTML, display

    display(HTML(markup))


def heading(text: str, level: int = 2) -> None:
    """Show an escaped heading (``<h2>`` by default)."""
    level = min(max(int(level), 1), 6)
    _display_html(f"<h{level}>{escape(text)}</h{level}>")


def note(text: str, *, kind: str = "info") -> None:
    """Show an escaped paragraph; ``kind="warning"`` marks it as a caution."""
    prefix = "<strong>Note:</strong> " if kind == "warning" else ""
    _display_html(f"<p>{prefix}{escape(text)}</p>")


def show_table(table: pd.DataFrame | pd.Series, *, decimals: int = 3, caption: str | None = None
               ) -> None:
    """Show a DataFrame as an escaped HTML table, numbers rounded to ``decimals``."""
    frame = table.to_frame() if isinstance(table, pd.Series) else table
    frame = frame.round(decimals)
    cap = f"<p><em>{escape(caption)}</em></p>" if caption else ""
    _display_html(cap + frame.to_html(escape=True, na_rep=""))


def show_figure(fig) -> None:
    """Show a matplotlib figure once and close it so it is not drawn twice."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    display(fig)
    plt.close(fig)
