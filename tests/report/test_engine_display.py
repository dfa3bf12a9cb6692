"""show_table and show_figure attach machine-readable copies for the Excel/PowerPoint exports."""

from __future__ import annotations

import base64
import json

import matplotlib.pyplot as plt
import pandas as pd

import expectlab._display as disp


def _capture(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display",
                        lambda obj, raw=False, metadata=None: shown.append((obj, metadata)))
    return shown


def test_show_table_carries_the_table_as_data(monkeypatch):
    shown = _capture(monkeypatch)
    frame = pd.DataFrame({"share": [0.123456, 1.0]}, index=pd.Index(["<a>", "b"], name="seg"))
    disp.show_table(frame, caption="Share by segment", decimals=2)
    ((bundle, _),) = shown
    assert "&lt;a&gt;" in bundle["text/html"] and "<em>Share by segment</em>" in bundle["text/html"]
    record = bundle[disp.TABLE_MIME]
    assert record["key"] == "share-by-segment" and record["title"] == "Share by segment"
    assert record["index_name"] == "seg"
    assert record["table"] == {"columns": ["share"], "index": ["<a>", "b"],
                               "data": [[0.12], [1.0]]}
    json.dumps(record)  # plain JSON, storable in the notebook


def test_show_figure_is_deterministic_and_carries_caption_and_alt(monkeypatch):
    shown = _capture(monkeypatch)
    for _ in range(2):
        fig, ax = plt.subplots(figsize=(2, 2))
        ax.plot([1, 2], [1, 3])
        disp.show_figure(fig, caption="Trend", alt="A rising line")
    (first, meta), (second, _) = shown
    assert first["image/png"] == second["image/png"]
    png = base64.b64decode(first["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and b"Software" not in png
    assert meta == {"image/png": {"alt": "A rising line"},
                    "expectlab": {"caption": "Trend", "alt": "A rising line"}}
    assert plt.get_fignums() == []
