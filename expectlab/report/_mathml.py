"""LaTeX maths to MathML, so formulas display in the report without MathJax or a network.

Only prose written as Markdown (template cells and Markdown outputs) and ``text/latex``
outputs are converted. Dollar signs follow pandoc's rule: ``$...$`` is maths only when the
opening ``$`` is not followed by a space and the closing ``$`` is neither preceded by a
space nor followed by a digit, so ``Biz $5 to $10`` stays text; ``\\$`` is a literal dollar.
HTML outputs (where data-derived text is shown) are never touched.
"""

from __future__ import annotations

import html
import re

__all__ = ["latex_to_mathml", "markdown_math_to_mathml"]

# Code spans and fenced blocks are copied unchanged; maths inside them is code.
_CODE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.S)
_DISPLAY = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|\\\[(.+?)\\\]", re.S)
_INLINE = re.compile(r"(?<![\\$])\$(?![\s$])((?:\\.|[^$\\\n])+?)(?<![\s\\])\$(?![\d$])"
                     r"|\\\((.+?)\\\)")


def latex_to_mathml(latex: str, *, display: bool = False) -> str:
    """MathML markup for ``latex``; the escaped source in ``<code>`` if it cannot be read."""
    from latex2mathml.converter import convert

    try:
        return convert(latex.strip(), display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - any parse failure: show the source, never crash
        return f"<code>{html.escape(latex)}</code>"


def _convert_text(text: str) -> str:
    text = _DISPLAY.sub(lambda m: latex_to_mathml(m.group(1) or m.group(2), display=True),
                        text)
    return _INLINE.sub(lambda m: latex_to_mathml(m.group(1) or m.group(2)), text)


def markdown_math_to_mathml(markdown: str) -> str:
    """Replace the LaTeX maths in ``markdown`` by inline MathML (raw HTML in Markdown).

    Examples
    --------
    >>> "<math" in markdown_math_to_mathml("the mean $\\\\bar{x}$ of the items")
    True
    >>> markdown_math_to_mathml("Biz $5 to $10")
    'Biz $5 to $10'
    """
    parts = _CODE.split(markdown)
    return "".join(part if i % 2 else _convert_text(part) for i, part in enumerate(parts))
