"""The client's copy of an executed notebook, and its self-contained HTML rendering.

Every client format starts from :func:`client_notebook`: cells tagged ``remove-cell``
(test plumbing such as the key-figures cell nbval compares), the parameter cells, stderr
streams and code inputs never reach the client. The HTML loads nothing from a network:
nbconvert's require.js, MathJax, mermaid and widget scripts (all from CDNs) are switched
off, LaTeX maths is rendered to MathML on our side and figures are embedded as data URIs.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from ._mathml import latex_to_mathml, markdown_math_to_mathml

__all__ = ["client_notebook", "export_html", "LANGUAGE_CODES"]

#: HTML ``lang`` codes of the report languages.
LANGUAGE_CODES = {"en": "en", "zh": "zh-Hans"}

_HIDDEN_CELL_TAGS = {"remove-cell", "parameters", "injected-parameters"}

# An nbconvert template extending JupyterLab's: the blocks that load scripts from CDNs
# are emptied, figures get their alternative text and caption.
_TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block extra_css %}
<meta name="generator" content="expectlab">
<style type="text/css">
  math { font-size: 1.05em; }
  figure.expectlab-figure { margin: 0.5em 0 1.5em 0; }
  figure.expectlab-figure figcaption { font-style: italic; margin-top: 0.3em; }
  .jp-Cell.jp-mod-noOutputs { display: none; }
  @media print { .jp-Cell { break-inside: avoid; } h1, h2 { break-after: avoid; } }
</style>
{% endblock extra_css %}
{% block data_png scoped %}
{%- set meta = output.metadata.get('expectlab', {}) -%}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<figure class="expectlab-figure">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
 alt="{{ (meta.get('alt') or meta.get('caption') or 'Figure') | escape_html_keep_quotes }}">
{%- if meta.get('caption') %}
<figcaption>{{ meta.get('caption') | escape_html }}</figcaption>
{%- endif %}
</figure>
</div>
{%- endblock data_png %}
"""


def _convert_maths(output: Any) -> None:
    data = output.get("data")
    if not data:
        return
    if "text/markdown" in data:
        data["text/markdown"] = markdown_math_to_mathml(str(data["text/markdown"]))
    if "text/latex" in data:
        latex = str(data.pop("text/latex")).strip()
        if "text/html" not in data:
            display = latex.startswith("$$") or latex.startswith(r"\[")
            body = latex.strip("$")
            if body.startswith(r"\[") and body.endswith(r"\]"):
                body = body[2:-2]
            data["text/html"] = latex_to_mathml(body, display=display)


def client_notebook(nb: Any) -> Any:
    """A copy of executed notebook ``nb`` holding only what a client may see."""
    out = copy.deepcopy(nb)
    cells = []
    for cell in out.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & _HIDDEN_CELL_TAGS:
            continue
        if cell.cell_type == "markdown":
            cell.source = markdown_math_to_mathml(cell.source)
        elif cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") ==
                                    "stderr")]
            for output in cell.outputs:
                _convert_maths(output)
        cells.append(cell)
    out.cells = cells
    return out


def export_html(nb: Any, path: Path, *, title: str, language: str = "en",
                include_code: bool = False) -> Path:
    """Write the client notebook ``nb`` as one self-contained HTML file, code-free unless
    ``include_code`` (teaching notebooks keep their code; maths is MathML either way, so
    the page needs no network)."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    nb = copy.deepcopy(nb)
    nb.metadata["title"] = title
    exporter = HTMLExporter(
        extra_loaders=[DictLoader({"expectlab_report.html.j2": _TEMPLATE})],
        template_file="expectlab_report.html.j2",
        exclude_input=not include_code, exclude_input_prompt=True,
        exclude_output_prompt=True, embed_images=True,
    )
    exporter.language_code = LANGUAGE_CODES.get(language, "en")
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    path.write_text(body, encoding="utf-8")
    return path
