"""The satisfaction section of the client-study report."""

import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import expectlab._display as display_module  # noqa: E402
from expectlab.satisfaction import client_section, report_section  # noqa: E402
from expectlab.simulate.satisfaction import simulate_satisfaction  # noqa: E402

PARAMS = {
    "id_column": "respondent_id", "segment_column": "segment", "weight_column": "weight",
    "expectation_items": ["exp_1", "exp_2", "exp_3"],
    "experience_items": ["perf_1", "perf_2", "perf_3"],
    "satisfaction_items": ["sat_1", "sat_2", "sat_3"],
    "kano_pairs": {}, "kano_answer_set": None, "loyalty_outcome": "stayed",
    "nps_column": "nps", "transactions_path": None, "scale_min": 1, "scale_max": 7,
    "random_state": 1, "n_boot": 500,
}


@pytest.fixture()
def client_like():
    """A stand-in for data/client_survey.csv after reading (600 respondents)."""
    sim = simulate_satisfaction(n=600, truth="asymmetric", random_state=12)
    data = sim.data.copy()
    rng = np.random.default_rng(0)
    data["segment"] = np.where(rng.random(600) < 0.3, "Business", "Private")
    data["weight"] = rng.uniform(0.6, 1.6, 600)
    data.loc[[3, 40], "exp_2"] = np.nan  # missing codes already NaN
    data["expectation"] = data[["exp_1", "exp_2", "exp_3"]].mean(axis=1)
    return data


@pytest.fixture()
def shown(monkeypatch):
    """Collect what the section displays instead of rendering it."""
    out = {"html": [], "figures": 0}
    monkeypatch.setattr(display_module, "_display_html", out["html"].append)

    def fake_show_figure(fig):
        out["figures"] += 1
        plt.close(fig)

    monkeypatch.setattr(report_section, "show_figure", fake_show_figure)
    return out


def test_section_runs_fast_and_shows_everything(client_like, shown):
    start = time.perf_counter()
    assert client_section(client_like, PARAMS) is True
    assert time.perf_counter() - start < 15
    text = "\n".join(shown["html"])
    assert text.startswith("<h2>Satisfaction: expectations versus experience</h2>")
    for phrase in ("difference formula", "ratio formula", "Model comparison", "Cronbach",
                   "Disconfirmation zones", "What if", "loss slope"):
        assert phrase in text, phrase
    assert shown["figures"] == 2
    assert "<script" not in text


@pytest.mark.parametrize("key", ["expectation_items", "satisfaction_items"])
@pytest.mark.parametrize("value", [None, []])
def test_section_skips_without_items(client_like, shown, key, value):
    assert client_section(client_like, PARAMS | {key: value}) is False
    assert len(shown["html"]) == 2 and "Section skipped" in shown["html"][1]
    assert key in shown["html"][1]


def test_section_skips_without_scores(client_like, shown):
    assert client_section(client_like.drop(columns="satisfaction"), PARAMS) is False
    assert "no scale scores for satisfaction" in shown["html"][1]


def test_section_turns_input_errors_into_an_escaped_note(client_like, shown):
    data = client_like.astype({"experience": object})
    data.loc[7, "experience"] = "<script>alert(1)</script>"
    assert client_section(data, PARAMS) is False
    note = shown["html"][-1]
    assert "could not be run" in note and "&lt;script&gt;" in note and "<script>" not in note


def test_section_without_weights_or_scale(client_like, shown):
    params = PARAMS | {"weight_column": None, "n_boot": None}
    assert client_section(client_like, params) is True


def test_section_without_a_scale_says_it_was_inferred(client_like, shown):
    params = PARAMS | {"scale_min": None, "scale_max": None}
    assert client_section(client_like, params) is True
    text = " ".join(shown["html"])
    assert "inferred from the observed answers" in text
    assert "Answer scale of E and P: 1 to 7" in text
