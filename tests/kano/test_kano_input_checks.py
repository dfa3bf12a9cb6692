"""Kano input checks on real-export problems: unknown answers named by respondent,
attribute and wave; the wording guard on the mappings actually used; text importance;
swapped pairs; mixed-type waves and segments; all-zero weights."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from expectlab import FragileResultWarning, InputError, KanoAnalysis, KanoDrift
from expectlab.kano import reshape_wide
from expectlab.simulate.kano import simulate_kano_panel

COLS = dict(respondent="id", attribute="attribute", functional="f", dysfunctional="d")
DRIFT_COLS = dict(respondent="respondent", attribute="attribute", functional="functional",
                  dysfunctional="dysfunctional", wave="wave")


def quiet_fit(data, params=None, **cols):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        return KanoAnalysis(**{"n_boot": 0, "progress": False, **(params or {})}).fit(
            data, **{**COLS, **cols})


def berger_frame():
    labels = ["I enjoy it that way", "It is a basic necessity, or I expect it that way",
              "I am neutral", "I dislike it, but I can live with it that way",
              "I dislike it, and I can't accept it"]
    rows = []
    for rid in range(1, 61):
        for wave in (1, 2):
            for attr in ("Mobile app", "Hotline"):
                rows.append((rid, attr, wave, labels[rid % 2], labels[4 - rid % 3]))
    return pd.DataFrame(rows, columns=["id", "attribute", "wave", "f", "d"])


# -- unknown answers ----------------------------------------------------------------------
def test_unknown_answers_of_both_columns_name_respondents_attributes_and_waves():
    data = berger_frame()
    sel = (data["wave"] == 2) & (data["attribute"] == "Mobile app")
    data.loc[sel & data["id"].isin([12, 40, 41]), "f"] = "meh"
    data.loc[(data["wave"] == 1) & (data["id"] == 7), "d"] = "no idea"
    with pytest.raises(InputError) as err:
        quiet_fit(data, wave="wave")
    msg = str(err.value)
    assert ("column 'f': 3 answers not in the answer set 'Berger et al. 1993': 'meh' x3 "
            "(respondents 12, 40, 41; attribute 'Mobile app'; wave 2)") in msg
    assert ("column 'd': 2 answers not in the answer set 'Berger et al. 1993': 'no idea' x2 "
            "(respondent 7; attributes 'Mobile app', 'Hotline'; wave 1)") in msg
    assert "never classified as Q" in msg and "answer_set=" in msg


def test_unknown_answers_after_reshape_name_the_wide_rows():
    wide = pd.DataFrame({"rid": ["r1", "r2", "r3"],
                         "app_f": ["I like it", "bof", "I like it"],
                         "app_d": ["I dislike it", "I dislike it", "I dislike it"]},
                        index=[100, 101, 102])
    long = reshape_wide(wide, {"App": ["app_f", "app_d"]}, respondent="rid")
    with pytest.raises(InputError, match=r"'bof' x1 \(respondent 'r2'; attribute 'App'; "
                                         r"wide row 101\)"):
        quiet_fit(long, respondent="rid", functional="functional",
                  dysfunctional="dysfunctional")


def test_variant_labels_fit_like_the_exact_ones():
    data = berger_frame()
    exact = quiet_fit(data, wave="wave").summary
    sloppy = data.assign(
        f=data["f"].str.replace("It is", "It\u2019s").str.replace(",", "").str.upper(),
        d=data["d"].str.replace("can't", "cannot").str.rstrip() + ".")
    ka = quiet_fit(sloppy, wave="wave")
    pd.testing.assert_frame_equal(ka.summary, exact)
    assert ka.answer_set_ == "Berger et al. 1993"
    notes = ka.answer_notes_
    assert set(notes["wave"]) == {1, 2}
    assert (notes.loc[notes["matched"].str.startswith("I dislike it, and"), "normalisations"]
            == "contractions, punctuation").all()


# -- wording guard on the mapping actually used ---------------------------------------------
def _mapped_panel(maps):
    sim = simulate_kano_panel(150, 2, {"App": "no drift"}, random_state=4)
    data = sim.data.copy()
    for col in ("functional", "dysfunctional"):
        data[col] = [maps[w][c - 1] for w, c in zip(data["wave"], data[col], strict=True)]
    return data


LOVE = ["Love it", "Must have", "Meh", "Can live with it", "Hate it"]
ADORE = ["Adore it", "Must have", "Meh", "Can live with it", "Hate it"]


def test_same_user_mapping_in_every_wave_is_no_wording_change():
    data = _mapped_panel({1: LOVE, 2: LOVE})
    mapping = {lab: code for code, lab in enumerate(LOVE, start=1)}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        d = KanoDrift(answer_set=mapping, n_boot=0, n_sim=50, min_n=10, random_state=0,
                      progress=False).fit(data, **DRIFT_COLS)
    assert not any("wording" in str(w.message) for w in caught)
    assert not d.confounded_ and not d.summary.loc["App", "confounded"]
    assert d.answer_sets_ == {1: "user mapping", 2: "user mapping"}


def test_different_user_mappings_with_the_same_name_are_a_wording_change():
    data = _mapped_panel({1: LOVE, 2: ADORE})
    maps = {w: {lab: code for code, lab in enumerate(labels, start=1)}
            for w, labels in ((1, LOVE), (2, ADORE))}
    with pytest.warns(FragileResultWarning, match="confounded"):
        d = KanoDrift(answer_set=maps, n_boot=0, n_sim=50, min_n=10, random_state=0,
                      progress=False).fit(data, **DRIFT_COLS)
    assert d.answer_sets_ == {1: "user mapping", 2: "user mapping"}  # same name ...
    assert d.answer_mappings_[1]["love it"] == 1 and "love it" not in d.answer_mappings_[2]
    assert d.confounded_ and bool(d.summary.loc["App", "confounded"])  # ... still flagged


@pytest.mark.filterwarnings("ignore:Fong's test does not support")
def test_a_label_coded_differently_between_waves_is_a_wording_change():
    data = _mapped_panel({1: LOVE, 2: LOVE})
    maps = {1: {lab: c for c, lab in enumerate(LOVE, start=1)},
            2: {**{lab: c for c, lab in enumerate(LOVE, start=1)}, "Meh": 4,
                "Can live with it": 3}}
    with pytest.warns(FragileResultWarning, match="wording or evaluation table differs"):
        ka = KanoAnalysis(answer_set=maps, n_boot=0, progress=False, min_n=10).fit(
            data, respondent="respondent", attribute="attribute", functional="functional",
            dysfunctional="dysfunctional", wave="wave")
    assert ka.wording_changed_


def test_spelling_variants_of_one_wording_across_waves_are_no_change():
    data = _mapped_panel({1: ["I like it", "I expect it", "I am neutral", "I can tolerate it",
                              "I dislike it"],
                          2: ["Like it.", "I expect it.", "I'm neutral.", "I can tolerate it.",
                              "I dislike it."]})
    d = KanoDrift(n_boot=0, n_sim=50, min_n=10, random_state=0, progress=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        d.fit(data, **DRIFT_COLS)
    assert not d.confounded_ and not any("wording" in str(w.message) for w in caught)
    assert len(d.answer_notes_) == 5 and set(d.answer_notes_["wave"]) == {2}


# -- importance as text ------------------------------------------------------------------
def test_text_importance_reads_the_leading_number_with_a_note():
    wide = pd.DataFrame({"id": [1, 2, 3, 4], "f": [1, 2, 1, 3], "d": [5, 5, 3, 3],
                         "imp": ["9 - Extremely important", "1 - Not at all important",
                                 7, None]})
    long = reshape_wide(wide, {"App": ["f", "d"]}, respondent="id", importance={"App": "imp"})
    assert long["importance"].tolist()[:3] == [9.0, 1.0, 7.0]
    assert np.isnan(long["importance"].iloc[3])
    assert long.attrs["notes"] == [
        "Importance column 'imp': 2 text rating(s) read as their leading number (e.g. "
        "'9 - Extremely important', '1 - Not at all important')."]
    assert reshape_wide(wide.assign(imp=[1, 2, 3, 4]), {"App": ["f", "d"]}, respondent="id",
                        importance={"App": "imp"}).attrs["notes"] == []


def test_text_importance_without_a_number_names_rows_and_values():
    wide = pd.DataFrame({"id": [1, 2, 3], "f": [1, 2, 1], "d": [5, 5, 3],
                         "imp": ["9 - Extremely", "Don't know", "very"]}, index=[4, 5, 6])
    with pytest.raises(InputError) as err:
        reshape_wide(wide, {"App": ["f", "d"]}, respondent="id", importance={"App": "imp"})
    msg = str(err.value)
    assert "'imp'" in msg and "2 values" in msg
    assert "row 5 = \"Don't know\"" in msg and "row 6 = 'very'" in msg


# -- swapped pairs -------------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:Fong's test does not support")
def test_mostly_reverse_attribute_warns_that_the_pair_may_be_swapped(worked_example):
    swapped = worked_example.copy()
    app = swapped["attribute"] == "Service app"
    swapped.loc[app, ["f", "d"]] = swapped.loc[app, ["d", "f"]].to_numpy()
    with pytest.warns(FragileResultWarning, match=r"Most answers are R \(reverse\) for 1 "
                      r"group\(s\), first: Service app \(89% R of 296\).*swap the two "
                      r"columns in the pairing"):
        KanoAnalysis(n_boot=0, progress=False).fit(swapped, **COLS)


def test_no_reverse_warning_on_the_worked_example(worked_example):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        KanoAnalysis(n_boot=0, progress=False).fit(worked_example, **COLS)
    assert not any("reverse" in str(w.message) for w in caught)


def test_drift_repeats_the_reverse_warning():
    sim = simulate_kano_panel(120, 2, {"App": "must-be"}, random_state=2)
    data = sim.data.rename(columns={"functional": "dysfunctional",
                                    "dysfunctional": "functional"})
    with pytest.warns(FragileResultWarning, match="Most answers are R"):
        KanoDrift(n_boot=0, n_sim=50, progress=False, random_state=0).fit(data, **DRIFT_COLS)


# -- waves, segments and weights ------------------------------------------------------------
def test_mixed_type_wave_labels_raise_naming_the_column():
    data = berger_frame()
    data["wave"] = data["wave"].astype(object)
    data.loc[data["wave"] == 2, "wave"] = "W2"
    with pytest.raises(InputError) as err:
        quiet_fit(data, wave="wave")
    msg = str(err.value)
    assert "Column 'wave' (wave) mixes labels of different types, e.g. 1 (number), 'W2' " \
        "(text)" in msg and "Recode the waves consistently" in msg
    with pytest.raises(InputError, match="mixes labels"):
        KanoDrift(n_boot=0, progress=False).fit(
            data, respondent="id", attribute="attribute", functional="f", dysfunctional="d",
            wave="wave")


def test_text_and_numeric_waves_each_sort_in_their_own_order():
    data = berger_frame()
    ka = quiet_fit(data.assign(wave=data["wave"].map({1: "W1", 2: "W2"})), wave="wave")
    assert list(ka.answer_sets_) == ["W1", "W2"]
    ka = quiet_fit(data.assign(wave=data["wave"].astype(float) * 10), wave="wave")
    assert list(ka.answer_sets_) == [10.0, 20.0]


def test_segment_values_that_read_the_same_as_text_raise():
    data = berger_frame()
    data["segment"] = pd.Series(["1"] * len(data), dtype=object)
    data.loc[data["id"] % 2 == 0, "segment"] = 1
    with pytest.raises(InputError, match=r"Column 'segment' \(segment\) holds different "
                                         r"values that read the same as text: '1' \(text\) "
                                         r"and 1 \(number\)|1 \(number\) and '1' \(text\)"):
        quiet_fit(data, segment="segment", wave="wave")
    # numbers and text that stay distinct as text are fine
    data.loc[data["id"] % 2 == 0, "segment"] = 2
    assert len(quiet_fit(data, segment="segment", wave="wave").summary) == 8


def test_all_zero_weights_raise(worked_example):
    # the shared weight check (expectlab._validate.weights_array) words this error now
    with pytest.raises(InputError, match=r"Weight column 'w': every weight is zero or "
                                         r"missing"):
        quiet_fit(worked_example.assign(w=0.0), weights="w")
    w = np.where(np.arange(len(worked_example)) % 2 == 0, 0.0, np.nan)
    with pytest.raises(InputError, match=r"Weight column 'w': every weight is zero or "
                                         r"missing"):
        quiet_fit(worked_example.assign(w=w), weights="w")


def test_a_wave_whose_few_labels_fit_several_sets_is_no_wording_change():
    data = berger_frame()
    data.loc[data["wave"] == 1, ["f", "d"]] = "I am neutral"  # fits Kano 1984, Berger, short
    ka = quiet_fit(data, wave="wave")
    assert ka.answer_sets_ == {1: "Kano 1984", 2: "Berger et al. 1993"}
    assert not ka.wording_changed_
