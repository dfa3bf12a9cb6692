"""A PowerPoint deck from the report: title, executive summary, one slide per figure.

The executive summary is the output of the cell tagged ``executive-summary``; figures are
the PNG outputs of the client notebook with the caption :func:`expectlab._display.show_figure`
recorded (else the heading of their section), so the consultant does not rebuild the deck.
"""

from __future__ import annotations

import base64
import html
import io
import re
from pathlib import Path
from typing import Any

__all__ = ["export_pptx", "summary_text", "iter_figures"]

_WORDS = {"en": ("Executive summary", "Figure"), "zh": ("执行摘要", "图")}
_TAG = re.compile(r"<[^>]+>")


def _html_text(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1>", "", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</(p|li|h[1-6]|div|tr)>", "\n", markup)
    markup = re.sub(r"(?i)<li[^>]*>", "\u2022 ", markup)
    return html.unescape(_TAG.sub("", markup))


def _markdown_text(text: str) -> str:
    text = re.sub(r"(?m)^\s{0,3}#{1,6}\s*", "", text)
    text = re.sub(r"(?m)^\s*[-*+]\s+", "\u2022 ", text)
    text = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), text)
    return _html_text(text)


def _output_text(output: Any) -> str:
    if output.get("output_type") == "stream":
        return str(output.get("text", ""))
    data = output.get("data") or {}
    if "text/markdown" in data:
        return _markdown_text(str(data["text/markdown"]))
    if "text/html" in data:
        return _html_text(str(data["text/html"]))
    return str(data.get("text/plain", ""))


def summary_text(nb: Any) -> list[str]:
    """Lines of the executive summary (outputs, or Markdown, of cells so tagged)."""
    lines: list[str] = []
    for cell in nb.cells:
        if "executive-summary" not in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.cell_type == "markdown":
            parts = [_markdown_text(cell.source)]
        else:
            parts = [_output_text(o) for o in cell.get("outputs", [])]
        for part in parts:
            lines += [line.strip() for line in part.splitlines() if line.strip()]
    return lines


def iter_figures(nb: Any) -> list[tuple[bytes, str]]:
    """(PNG bytes, caption) of every figure, captions falling back to the section heading."""
    figures = []
    heading = ""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found = re.findall(r"(?m)^\s{0,3}#{1,3}\s+(.+)$", cell.source)
            heading = found[-1].strip() if found else heading
            continue
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            found = re.findall(r"(?is)<h[1-3][^>]*>(.*?)</h[1-3]>", str(data.get("text/html", "")))
            if found:
                heading = _html_text(found[-1]).strip()
            if "image/png" in data:
                meta = (output.get("metadata") or {}).get("expectlab") or {}
                caption = meta.get("caption") or heading
                figures.append((base64.b64decode(data["image/png"]), str(caption)))
    return figures


def _text_box(slide: Any, left: Any, top: Any, width: Any, height: Any, lines: list[str],
              size: int, bold: bool = False) -> None:
    from pptx.util import Pt

    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines or [""]):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.text = line
        para.font.size = Pt(size)
        para.font.bold = bold


def export_pptx(nb: Any, path: Path, *, title: str, date: str | None = None,
                language: str = "en") -> Path:
    """Write the deck for the client notebook ``nb`` to ``path`` (16:9)."""
    from PIL import Image
    from pptx import Presentation
    from pptx.util import Emu, Inches

    words = _WORDS.get(language, _WORDS["en"])
    deck = Presentation()
    # keep our own 16:9 sizes: reading them back from the deck is typed Length | None
    width, height = Inches(13.333), Inches(7.5)
    deck.slide_width, deck.slide_height = width, height
    blank = deck.slide_layouts[6]
    margin = Inches(0.6)

    slide = deck.slides.add_slide(blank)
    _text_box(slide, margin, Inches(2.5), width - 2 * margin, Inches(1.5), [title], 40, True)
    if date:
        _text_box(slide, margin, Inches(4.2), width - 2 * margin, Inches(0.8), [date], 20)

    summary = summary_text(nb)
    if summary:
        slide = deck.slides.add_slide(blank)
        _text_box(slide, margin, Inches(0.4), width - 2 * margin, Inches(0.9), [words[0]],
                  30, True)
        size = 18 if len(summary) <= 8 else 14 if len(summary) <= 14 else 11
        _text_box(slide, margin, Inches(1.4), width - 2 * margin, height - Inches(1.9),
                  summary, size)

    for number, (png, caption) in enumerate(iter_figures(nb), start=1):
        slide = deck.slides.add_slide(blank)
        label = caption or f"{words[1]} {number}"
        _text_box(slide, margin, Inches(0.3), width - 2 * margin, Inches(0.9), [label], 24,
                  True)
        with Image.open(io.BytesIO(png)) as img:
            w_px, h_px = img.size
        box_w, box_h = width - 2 * margin, height - Inches(1.6)
        scale = min(box_w / w_px, box_h / h_px)
        pic_w, pic_h = Emu(int(w_px * scale)), Emu(int(h_px * scale))
        left = Emu(int((width - pic_w) / 2))
        picture = slide.shapes.add_picture(io.BytesIO(png), left, Inches(1.3), pic_w, pic_h)
        picture.name = label[:100]
    deck.save(str(path))
    return path
