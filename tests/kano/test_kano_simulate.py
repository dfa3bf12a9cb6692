"""The Kano panel simulator and its example files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from expectlab import InputError
from expectlab.kano import classify
from expectlab.simulate.kano import path_shares, simulate_kano_panel, write_examples


def test_observed_shares_match_the_stated_truth_with_noise_and_wording_shift():
    sim = simulate_kano_panel(20000, 2, {"App": "life cycle"}, noise=0.2,
                              wording_shift={2: 0.5}, linked=False, random_state=3)
    data = sim.data.assign(cat=classify(sim.data["functional"], sim.data["dysfunctional"]))
    observed = pd.crosstab(data["wave"], data["cat"], normalize="index")[list("AOMIRQ")]
    truth = sim.truth.set_index("wave")[list("AOMIRQ")]
    assert np.abs(observed.to_numpy() - truth.to_numpy()).max() < 0.012


def test_linked_panel_keeps_marginals_and_persistence():
    sim = simulate_kano_panel(5000, 2, {"App": "no drift"}, persistence=0.9, random_state=1)
    d = sim.data.assign(cat=np.asarray(classify(sim.data["functional"],
                                                sim.data["dysfunctional"])))
    wide = d.pivot(index="respondent", columns="wave", values="cat")
    assert (wide[1] == wide[2]).mean() > 0.5  # persistent answers
    assert sorted(d["respondent"].unique()) == list(range(1, 5001))


def test_text_answers_and_weights():
    sim = simulate_kano_panel(30, 2, {"App": "must-be"}, answer_set="short", weights=True,
                              random_state=1)
    assert set(sim.data["functional"]) <= {"I like it", "I expect it", "I am neutral",
                                           "I can tolerate it", "I dislike it"}
    assert (sim.data["weight"] > 0).all()
    # the same respondent carries the same weight in every wave
    assert sim.data.groupby("respondent")["weight"].nunique().max() == 1


def test_paths():
    assert path_shares("life cycle", 4).argmax(axis=1).tolist() == [3, 0, 1, 2]
    fad = path_shares("flavour of the month", 5)
    assert fad[2, 0] > fad[0, 0] and np.allclose(fad[0], fad[-1])
    assert np.allclose(path_shares("no drift", 3).sum(axis=1), 1)
    with pytest.raises(InputError, match="Unknown path"):
        path_shares("zigzag", 3)
    with pytest.raises(InputError, match="explicit path"):
        path_shares(np.ones((3, 6)), 3)


@pytest.mark.parametrize("kwargs", [dict(n_respondents=0), dict(n_waves=0),
                                    dict(noise=2.0), dict(persistence=1.0)])
def test_bad_arguments(kwargs):
    with pytest.raises(InputError):
        simulate_kano_panel(**{"n_respondents": 10, **kwargs})


def test_seeded_and_reproducible():
    a = simulate_kano_panel(50, 2, random_state=5).data
    b = simulate_kano_panel(50, 2, random_state=5).data
    pd.testing.assert_frame_equal(a, b)


def test_write_examples_is_byte_identical(tmp_path):
    first = write_examples(tmp_path / "a")
    second = write_examples(tmp_path / "b")
    assert [p.name for p in first] == ["kano_waves.csv", "kano_waves.codebook.yaml"]
    for p, q in zip(first, second, strict=True):
        assert p.read_bytes() == q.read_bytes()
        assert p.stat().st_size < 2_000_000
    import yaml

    book = yaml.safe_load(first[1].read_text(encoding="utf-8"))
    assert {"dataset", "description", "source", "variables"} <= set(book)
    data = pd.read_csv(first[0])
    assert set(book["variables"]) == set(data.columns)


def test_answer_set_per_wave_must_cover_every_wave():
    # a dict wave -> set that misses a wave (or names None) was a bare KeyError /
    # AttributeError; it is an InputError naming the wave
    with pytest.raises(InputError, match=r"no answer set for wave 2.*every wave 1-2"):
        simulate_kano_panel(20, 2, answer_set={1: "short"}, random_state=1)
    with pytest.raises(InputError, match=r"no answer set for wave 1"):
        simulate_kano_panel(20, 2, answer_set={1: None, 2: "short"}, random_state=1)
    sim = simulate_kano_panel(20, 2, answer_set={1: "short", 2: "Kano 1984"},
                              random_state=1)
    by_wave = sim.data.groupby("wave")["functional"].agg(set)
    assert "I like it that way" in by_wave[2] and "I like it that way" not in by_wave[1]
    assert by_wave[1] <= {"I like it", "I expect it", "I am neutral", "I can tolerate it",
                          "I dislike it"}
