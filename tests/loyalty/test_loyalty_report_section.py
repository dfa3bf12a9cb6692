"""The loyalty section of the client-study report: content, skipping, escaping, speed."""

from __future__ import annotations

import time
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

import expectlab._display as display_module
from expectlab.loyalty.report_section import client_section
from expectlab.simulate.loyalty import simulate_loyalty

matplotlib.use("Agg")

PARAMS = {
    "id_column": "respondent_id", "segment_column": "segment", "weight_column": "weight",
    "loyalty_outcome": "stayed",
    "loyalty_drivers": ["satisfaction", "trust", "switching_costs", "complaint"],
    "nps_column": "nps", "random_state": 7, "n_boot": 500,
}


@pytest.fixture()
def shown(monkeypatch):
    out: list[str] = []
    monkeypatch.setattr(display_module, "_display_html", out.append)
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: out.append("<figure>"))
    return out


def _client_like(n=600, seed=3):
    """A survey shaped like the bundled client survey (scale scores already added)."""
    data = simulate_loyalty(n, random_state=seed).data
    data["weight"] = np.random.default_rng(seed).uniform(0.5, 1.5, n)
    data.loc[[0, 1], "satisfaction"] = np.nan  # a missing answer
    return data


def _bundled():
    path = Path(__file__).resolve().parents[2] / "data" / "client_survey.csv"
    if not path.exists():
        pytest.skip("data/client_survey.csv not generated")
    raw = pd.read_csv(path).replace({98: np.nan, 99: np.nan})
    raw["sat_3"] = 8 - raw["sat_3"]  # negatively worded item
    raw["satisfaction"] = raw[["sat_1", "sat_2", "sat_3"]].mean(axis=1)
    raw["trust"] = raw[["trust_1", "trust_2"]].mean(axis=1)
    raw["switching_costs"] = raw[["switch_1", "switch_2"]].mean(axis=1)
    return raw


@pytest.mark.slow
def test_full_section_on_client_like_data(shown):
    start = time.perf_counter()
    assert client_section(_client_like(), PARAMS) is True
    assert time.perf_counter() - start < 15
    text = "\n".join(shown)
    for part in ("Loyalty: who stays", "What goes with staying", "ROC AUC",
                 "Which measures matter most", "Top-box premium", "Net Promoter Score",
                 "Business minus Private"):
        assert part in text
    assert text.count("<figure>") == 2
    assert "left out because an answer was missing: 2" in text


@pytest.mark.slow
def test_bundled_example_survey(shown):
    assert client_section(_bundled(), PARAMS) is True
    assert "Net Promoter Score" in "\n".join(shown)


def test_skipped_without_parameters(shown):
    params = {**PARAMS, "loyalty_outcome": None, "nps_column": None}
    assert client_section(_client_like(100), params) is False
    assert any("Skipped" in s for s in shown)
    assert len(shown) == 2  # heading + one note


def test_missing_pieces_become_notes(shown):
    data = _client_like().drop(columns=["trust"])
    params = {**PARAMS, "loyalty_outcome": "renewed"}
    assert client_section(data, params) is True  # the NPS part still shows
    text = "\n".join(shown)
    assert "outcome column renewed is not in the survey" in text
    assert "left out: trust" in text


def test_input_error_is_a_note_not_a_crash(shown):
    data = _client_like()
    data["stayed"] = 1
    assert client_section(data, {**PARAMS, "nps_column": None}) is False
    assert any("could not be fitted" in s and "same outcome" in s for s in shown)


@pytest.mark.slow
def test_labels_from_the_file_are_escaped(shown):
    data = _client_like()
    data["segment"] = np.where(data["segment"] == "Business", "<script>alert(1)</script>",
                               "Private & Co")
    assert client_section(data, {**PARAMS, "n_boot": 100}) is True
    text = "\n".join(shown)
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "Private &amp; Co" in text
