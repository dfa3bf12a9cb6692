"""The building blocks of the client report: headings with anchors, paragraphs, notes,
tables, figures, and the figure style (colours, CJK font) of one report.

Everything shown is escaped: text from the client's file appears as typed. Tables and
figures go through :func:`expectlab._display.show_table` / ``show_figure`` with a caption
(the report engine records the tables for the Excel export under that caption).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from .._display import escape
from .._errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.typing import RcKeyType

__all__ = ["heading", "paragraph", "caution", "bullets", "table", "figure", "anchor",
           "figure_style", "cjk_font", "CJK_FONT_FIX"]

CJK_FONT_FIX = ("apt-get install fonts-noto-cjk (Debian/Ubuntu), or install any font "
                "with Simplified Chinese glyphs (Noto Sans CJK SC, Source Han Sans SC, "
                "WenQuanYi Micro Hei)")
# families with Simplified Chinese glyphs, best first
_CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
                 "Source Han Sans CN", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
                 "Microsoft YaHei", "PingFang SC", "SimHei", "Noto Sans CJK JP",
                 "Droid Sans Fallback", "AR PL UMing CN")
_CJK_FILES = re.compile(r"(NotoSansCJK|NotoSansSC|SourceHanSans|wqy|DroidSansFallback|"
                        r"msyh|PingFang|simhei|uming)", re.IGNORECASE)


def _show(markup: str) -> None:
    from IPython.display import HTML, display

    display(HTML(markup))


def anchor(text: str) -> str:
    """A stable HTML id for a heading (ASCII letters, digits and dashes)."""
    slug = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
    return f"s-{slug or 'section'}"


def heading(text: str, level: int = 2, *, ident: str | None = None) -> None:
    """An escaped heading; ``ident`` gives it an id the table of contents links to."""
    level = min(max(int(level), 1), 6)
    attr = f' id="{escape(ident)}"' if ident else ""
    _show(f"<h{level}{attr}>{escape(text)}</h{level}>")


def paragraph(text: str) -> None:
    """An escaped paragraph."""
    _show(f"<p>{escape(text)}</p>")


def caution(text: str, label: str = "Note") -> None:
    """A fragile result or a limitation, shown next to the number it concerns."""
    _show(f'<p class="caution"><strong>{escape(label)}:</strong> {escape(text)}</p>')


def bullets(items: Sequence[str], title: str | None = None) -> None:
    """An escaped bullet list, with an optional lead-in line."""
    head = f"<p>{escape(title)}</p>" if title else ""
    _show(head + "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")


def table(frame: pd.DataFrame, caption: str) -> None:
    """Show a table whose cells are already formatted text; the first column is the
    row label (no index column, plain headers)."""
    from .._display import show_table

    shown = frame.copy()
    # the row labels become the first column, so the HTML has one header row
    shown = shown.reset_index() if shown.index.name or not isinstance(
        shown.index, pd.RangeIndex) else shown
    shown.index = pd.RangeIndex(len(shown))
    shown = shown.astype(object).where(shown.notna(), "")
    # The display helper may not take index= yet: called through a loosely typed name,
    # a TypeError falls back to our own index-free HTML.
    show: Callable[..., None] = show_table
    try:
        show(shown, caption=caption, index=False)
    except TypeError:  # the display helper does not take index= (yet): hide it by style
        _show_table_without_index(shown, caption)


def _show_table_without_index(frame: pd.DataFrame, caption: str) -> None:
    """The HTML without an index column, and the machine-readable copy the Excel export
    reads (the first column as the row labels), in one output."""
    import json

    from .. import _display

    cap = f"<p><em>{escape(caption)}</em></p>"
    markup = _display._TableMarkup(cap + frame.to_html(escape=True, index=False, na_rep=""))
    labelled = frame.set_index(frame.columns[0]) if frame.shape[1] > 1 else frame
    markup.record = {
        "key": _display._key(caption, "table"),
        "title": caption,
        "index_name": str(labelled.index.name or ""),
        "table": json.loads(labelled.to_json(orient="split", default_handler=str)),
    }
    _display._display_html(markup)


def figure(fig: Any, caption: str, alt: str | None = None) -> None:
    """Show a figure with its caption (and alternative text) and close it."""
    from .._display import show_figure

    # called through a loosely typed name: the helper may not take caption/alt yet
    show: Callable[..., None] = show_figure
    try:
        show(fig, caption=caption, alt=alt or caption)
    except TypeError:  # older helper without caption/alt: caption as a line below
        show(fig)
        _show(f'<p class="figure-caption"><em>{escape(caption)}</em></p>')


def cjk_font() -> str | None:
    """The family name of an installed font with Simplified Chinese glyphs, or ``None``.

    Fonts installed after matplotlib built its font cache are found by file name and
    added to the font manager.
    """
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in _CJK_FAMILIES:
        if family in names:
            return family
    for path in font_manager.findSystemFonts():
        if _CJK_FILES.search(path):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # an unreadable font file
                continue
    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in _CJK_FAMILIES:
        if family in names:
            return family
    return None


def require_cjk_font() -> str:
    """The CJK font family, or an :class:`InputError` that names the fix."""
    family = cjk_font()
    if family is None:
        raise InputError("The Chinese report (language=zh) needs a font with Chinese "
                         f"characters and none is installed. Install one: {CJK_FONT_FIX}; "
                         "or write the report in English (--param language=en).")
    return family


def _valid_colours(colours: Any) -> list[str]:
    from matplotlib.colors import is_color_like

    if colours is None:
        return []
    if isinstance(colours, str) or not isinstance(colours, (list, tuple)):
        raise InputError(f"The style's 'colours' must be a list of colours such as "
                         f"['#1f3b73', '#e07a1f'], got {colours!r}.")
    bad = [c for c in colours if not (isinstance(c, str) and is_color_like(c))]
    if bad:
        raise InputError(f"The style's 'colours' contain values that are not colours: "
                         f"{bad[:5]!r}. Use hex colours such as '#1f3b73'.")
    return list(colours)


def figure_rc(language: str = "en", style: dict[str, Any] | None = None
              ) -> dict[RcKeyType, Any]:
    """The matplotlib settings of one report: the client's colours, and for Chinese a
    CJK font behind the default one (matplotlib falls back glyph by glyph)."""
    from cycler import cycler

    rc: dict[RcKeyType, Any] = {}
    colours = _valid_colours((style or {}).get("colours"))
    if colours:
        rc["axes.prop_cycle"] = cycler(color=colours)
    if language == "zh":
        # a list of families: glyphs missing from the first come from the second
        rc["font.family"] = ["DejaVu Sans", require_cjk_font()]
        rc["axes.unicode_minus"] = False
    return rc


@contextlib.contextmanager
def figure_style(language: str = "en", style: dict[str, Any] | None = None
                 ) -> Iterator[None]:
    """Draw the figures of a report section in the report's style; nothing global
    changes (the settings end with the block)."""
    import matplotlib as mpl

    with mpl.rc_context(figure_rc(language, style)):
        yield
