"""Wide-to-long reshaping and the client-report section."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from expectlab import InputError
from expectlab.kano import reshape_wide
from expectlab.kano.report_section import client_section

PAIRS = {"Service app": ["kano_app_f", "kano_app_d"],
         "24/7 hotline": ["kano_hotline_f", "kano_hotline_d"],
         "Ready-to-use return label": ["kano_return_f", "kano_return_d"],
         "Live chat": ["kano_chat_f", "kano_chat_d"]}


def client_like(n=600, seed=0):
    """A survey with the columns of the bundled client example (Kano part)."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"respondent_id": np.arange(1, n + 1),
                       "segment": rng.choice(["Private", "Business"], n),
                       "weight": rng.lognormal(0, 0.3, n)})
    for f, d in PAIRS.values():
        df[f] = rng.integers(1, 6, n).astype(float)
        df[d] = rng.integers(1, 6, n).astype(float)
    df.loc[[3, 7], "kano_app_f"] = np.nan  # missing codes 98/99 already NaN
    return df


def test_reshape_respects_declared_pairing_even_when_reversed():
    wide = pd.DataFrame({"id": [1, 2], "x_d": [5, 3], "x_f": [1, 2]})
    long = reshape_wide(wide, {"X": ["x_f", "x_d"]}, respondent="id")
    assert long[["functional", "dysfunctional"]].to_numpy().tolist() == [[1, 5], [2, 3]]
    assert long["source_row"].tolist() == [0, 1]


def test_reshape_keep_and_importance():
    wide = pd.DataFrame({"id": [1], "w": [2.0], "a_f": [1], "a_d": [5], "b_f": [3],
                         "b_d": [3], "a_imp": [4]})
    long = reshape_wide(wide, {"A": ["a_f", "a_d"], "B": ["b_f", "b_d"]}, respondent="id",
                        keep=["w"], importance={"A": "a_imp"})
    assert long["importance"].tolist()[0] == 4 and np.isnan(long["importance"].tolist()[1])
    assert long["w"].tolist() == [2.0, 2.0]


@pytest.mark.parametrize("pairs,match", [
    ({}, "non-empty"), ({"A": "a_f"}, "exactly two"), ({"A": ["a_f", "a_d", "x"]}, "two"),
    ({"A": ["a_f", "zz"]}, "'zz'")])
def test_reshape_errors(pairs, match):
    wide = pd.DataFrame({"id": [1], "a_f": [1], "a_d": [5]})
    with pytest.raises(InputError, match=match):
        reshape_wide(wide, pairs, respondent="id")
    with pytest.raises(InputError, match="not in pairs"):
        reshape_wide(wide, {"A": ["a_f", "a_d"]}, respondent="id", importance={"B": "a_f"})


def _params(**over):
    p = dict(id_column="respondent_id", segment_column="segment", weight_column="weight",
             kano_pairs=PAIRS, kano_answer_set=None, random_state=1, n_boot=200)
    p.update(over)
    return p


def _html(monkeypatch):
    shown = []
    import expectlab._display as disp

    monkeypatch.setattr(disp, "_display_html", shown.append)
    monkeypatch.setattr("expectlab.kano.report_section.show_figure",
                        lambda fig: shown.append("<figure>"))
    return shown


def test_section_shows_tables_and_figure(monkeypatch):
    shown = _html(monkeypatch)
    assert client_section(client_like(), _params()) is True
    text = "\n".join(shown)
    assert "Kano analysis" in text and "Better" in text and "<figure>" in text
    assert "by segment" in text and "2 answer pairs were left out" in text


@pytest.mark.parametrize("pairs", [{}, None])
def test_section_skips_without_pairs(monkeypatch, pairs):
    shown = _html(monkeypatch)
    assert client_section(client_like(), _params(kano_pairs=pairs)) is False
    assert len(shown) == 2 and "Skipped" in shown[1]


def test_section_escapes_labels_from_the_data(monkeypatch):
    shown = _html(monkeypatch)
    pairs = {"<script>alert(1)</script>": PAIRS["Service app"]}
    assert client_section(client_like(), _params(kano_pairs=pairs, segment_column=None))
    text = "\n".join(shown)
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_section_turns_bad_answers_into_a_visible_note(monkeypatch):
    shown = _html(monkeypatch)
    data = client_like()
    data.loc[5, "kano_app_d"] = 7
    assert client_section(data, _params()) is False
    assert "could not be computed" in shown[-1] and "kano_app_d" in shown[-1]
