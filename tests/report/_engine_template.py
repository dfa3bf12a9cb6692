"""A small template notebook for engine tests: fast to run, shows each kind of output.

It declares the client-study parameters plus ``language``, ``style`` and ``report_info``
(as the bundled template does), and a ``fail_with`` switch that makes a cell raise.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from expectlab.report import DEFAULT_PARAMETERS

SETUP = '''
import json
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import expectlab
from expectlab._display import heading, note, show_table, show_figure
from expectlab.report import prepare_study
params = {name: globals()[name] for name in expectlab.report.DEFAULT_PARAMETERS}
study = prepare_study(params)
heading(study_title, level=1)
'''

BODY = '''
if fail_with == "input":
    raise expectlab.InputError("column 'q9' has letters in rows 3, 7")
if fail_with == "bug":
    raise ZeroDivisionError("division by zero in a section")
if fail_with == "slow":
    import time
    time.sleep(60)
note("language=" + language)
note("style=" + json.dumps(style, sort_keys=True))
note("report_info=" + json.dumps(report_info, sort_keys=True))
frame = pd.DataFrame({"share": [0.25, 0.75], "n": [5, 15]}, index=["Biz $5 to $10", "=1+1"])
show_table(frame, caption="Shares by segment: <b>bold</b>")
show_table(frame, caption="Shares by segment: <b>bold</b>")
fig, ax = plt.subplots(figsize=(4, 3))
ax.bar(["a", "b"], [1, 2])
show_figure(fig, caption="Bars of the segments", alt="Two bars, b twice a")
'''


def write_template(path: Path) -> Path:
    """Write the engine-test template to ``path`` and return it."""
    lines = [f"{k} = {v!r}" for k, v in DEFAULT_PARAMETERS.items()]
    lines += ["language = 'en'", "style = None", "report_info = None", "fail_with = None"]
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    cells = [
        nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(SETUP),
        nbformat.v4.new_markdown_cell("## Method\n\nThe mean $\\bar{x}$ and "
                                      "$$\\frac{a}{b}$$ but Biz $5 to $10 is money."),
        nbformat.v4.new_code_cell("print('KEY FIGURES: plumbing')",
                                  metadata={"tags": ["remove-cell", "nbval-check-output"]}),
        nbformat.v4.new_code_cell("from IPython.display import Markdown\n"
                                  "Markdown('* Finding one\\n* Finding two')",
                                  metadata={"tags": ["executive-summary"]}),
        nbformat.v4.new_code_cell(BODY),
        nbformat.v4.new_code_cell("import sys\nprint('progress 50%', file=sys.stderr)"),
    ]
    for i, cell in enumerate(cells):
        cell["id"] = f"engine-test-{i}"
    nb.cells = cells
    nbformat.write(nb, str(path))
    return path


def tiny_data(folder: Path) -> Path:
    """A three-respondent survey that passes validation with the minimal parameters."""
    path = folder / "tiny.csv"
    path.write_text("respondent_id,q\n1,2\n2,3\n3,4\n")
    return path


def minimal_params() -> list[str]:
    """--param arguments switching off every section's column mapping."""
    params = []
    for name in ("segment_column", "weight_column", "loyalty_outcome", "nps_column"):
        params += ["--param", f"{name}=null"]
    for name in ("expectation_items", "experience_items", "satisfaction_items",
                 "loyalty_drivers"):
        params += ["--param", f"{name}=[]"]
    return [*params, "--param", "kano_pairs={}"]
