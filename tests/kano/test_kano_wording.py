"""Answer wordings as real exports word them: the tolerant normaliser, its notes, partial
user mappings, never guessing between sets, and property tests of the normaliser."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expectlab import FragileResultWarning, InputError, KanoAnalysis
from expectlab.kano import ANSWER_SETS, AnswerSet
from expectlab.kano._normalise import canonical_label, normalisation_steps
from expectlab.kano.answers import code_columns, match_answers, to_codes

LABELLED = {name: s for name, s in ANSWER_SETS.items() if name != "codes 1-5"}
ALL_LABELS = [(name, code, label) for name, s in ANSWER_SETS.items()
              for code, label in enumerate(s.labels, start=1)]


# -- the normaliser on the variants of the issue ------------------------------------------
@pytest.mark.parametrize("variant,label", [
    ("I'm neutral", "I am neutral"),
    ("I\u2019m neutral.", "I am neutral"),
    ("Neutral", "I am neutral"),
    ("I must be that way", "It must be that way"),
    ("Must be that way.", "It must be that way"),
    ("Like it", "I like it"),
    ("I LIKE IT!", "I like it"),
    ("I dislike it and I can\u2019t accept it", "I dislike it, and I can't accept it"),
    ("I dislike it, and I cannot accept it.", "I dislike it, and I can't accept it"),
    ("I dislike it, and I can not accept it", "I dislike it, and I can't accept it"),
    ("I dislike it, and I cant accept it", "I dislike it, and I can't accept it"),
    ("It\u2019s a basic necessity or I expect it that way",
     "It is a basic necessity, or I expect it that way"),
    ("\u201cI enjoy it that way\u201d", "I enjoy it that way"),
    ("  i   can live with it\u00a0that way ", "I can live with it that way"),
    ("Would be a minor inconvenience", "This would be a minor inconvenience"),
    ("我很喜欢。", "我很喜欢"),
    ("\uff11", "1"),  # full-width digit
    (" 2. ", "2"),
])
def test_variants_of_real_exports_match_their_label(variant, label):
    assert canonical_label(variant) == canonical_label(label)


def test_signs_brackets_and_decimals_never_turn_into_codes():
    for bad in ["-1", "(1)", "- 1", "1)", "2.5", "1,5", "+-2"]:
        assert canonical_label(bad) not in {"1", "2", "3", "4", "5"}, bad
    with pytest.raises(InputError, match=r"'\(1\)'"):
        to_codes(["1", "(1)"])


def test_empty_and_punctuation_only_answers_are_unknown_not_q():
    with pytest.raises(InputError, match="never classified as Q"):
        to_codes(["I like it", "?"])
    with pytest.raises(InputError, match="never classified as Q"):
        to_codes(["I like it", ""])


def test_steps_are_named_only_when_needed():
    assert normalisation_steps("I am neutral", "I am neutral") == []
    assert normalisation_steps("I AM NEUTRAL", "I am neutral") == ["case"]
    assert normalisation_steps("I am  neutral", "I am neutral") == ["white space"]
    assert normalisation_steps("I am neutral.", "I am neutral") == ["punctuation"]
    assert normalisation_steps("I must be that way", "It must be that way") == [
        "leading subject word"]
    assert normalisation_steps("I dislike it, and I can\u2019t accept it",
                               "I dislike it, and I can't accept it") == ["quotes"]
    assert normalisation_steps("\uff21", "A") == ["Unicode NFKC"]
    assert normalisation_steps("2.0", "2") == ["number format"]
    assert normalisation_steps(2.0, "2") == []


def test_match_reports_the_set_and_every_normalisation():
    m = match_answers(pd.Series(["I'm neutral", "Like it", "I like it", "Like it"]),
                      pd.Series(["I dislike it.", "I dislike it", None, "i can tolerate it"]),
                      names=["f", "d"])
    assert m.name == "short" and m.builtin == "short"
    notes = m.notes.set_index("label")
    assert sorted(notes.index) == ["I dislike it.", "I'm neutral", "Like it",
                                   "i can tolerate it"]
    assert notes.loc["Like it", "matched"] == "I like it"
    assert notes.loc["Like it", "normalisations"] == "case, leading subject word"
    assert notes.loc["Like it", "n"] == 2 and notes.loc["Like it", "columns"] == "f"
    assert notes.loc["I'm neutral", "code"] == 3
    assert notes.loc["I'm neutral", "normalisations"] == "contractions"
    assert notes.loc["I dislike it.", "normalisations"] == "punctuation"
    assert notes.loc["i can tolerate it", "position"] == "tolerate"
    # exact labels need no note
    assert "I like it" not in notes.index and "I dislike it" not in notes.index


def test_no_two_built_in_labels_of_different_codes_share_a_key():
    seen: dict[str, tuple[str, int]] = {}
    for name, code, label in ALL_LABELS:
        key = canonical_label(label)
        if key in seen:
            assert seen[key][1] == code, (label, seen[key])
        seen.setdefault(key, (name, code))
    # the sets that share a key share it on purpose: "I am neutral" and "无所谓"
    shared = {k for k in seen if sum(canonical_label(lab) == k for *_, lab in ALL_LABELS) > 1}
    assert shared == {"neutral", "无所谓"}


# -- never guess between sets -----------------------------------------------------------
def test_sets_that_would_code_a_label_differently_are_never_chosen_between(monkeypatch):
    odd = AnswerSet("odd", ("I like it", "I am neutral", "I expect it", "I can tolerate it",
                            "I dislike it"))
    monkeypatch.setitem(ANSWER_SETS, "odd", odd)
    with pytest.raises(InputError) as err:
        to_codes(["Like it", "I'm neutral", "I dislike it"])
    msg = str(err.value)
    assert "'short'" in msg and "'odd'" in msg and "answer_set=" in msg
    assert "'neutral' is 3 in 'short', 2 in 'odd'" in msg
    # naming the set settles it
    assert to_codes(["Like it", "I'm neutral"], "short")[0].tolist() == [1, 3]
    assert to_codes(["Like it", "I'm neutral"], odd)[0].tolist() == [1, 2]


def test_labels_mixing_two_sets_name_both_and_are_not_merged():
    with pytest.raises(InputError) as err:
        code_columns({"f": ["I like it that way", "I enjoy it that way"],
                      "d": ["I am neutral", "I am neutral"]})
    msg = str(err.value)
    assert "'Kano 1984', 'Berger et al. 1993'" in msg and "equally well" in msg
    assert "none is chosen for you" in msg


def test_unknown_answers_of_both_columns_in_one_error():
    with pytest.raises(InputError) as err:
        code_columns({"functional": pd.Series(["I like it", "meh", "meh"], index=[5, 6, 7]),
                      "dysfunctional": pd.Series(["I dislike it", "I dislike it", "bah"],
                                                 index=[5, 6, 7])})
    msg = str(err.value)
    assert "Column 'functional': 1 answer label(s)" in msg and "'meh' (2 values" in msg
    assert "Column 'dysfunctional': 1 answer label(s)" in msg and "row 7 = 'bah'" in msg


# -- user mappings ------------------------------------------------------------------------
def test_partial_user_mapping_extends_the_detected_set():
    f = ["Würde mich freuen", "I expect it", "Like it", "I'm neutral"]
    d = ["I dislike it", "I can tolerate it", "I dislike it", "I dislike it"]
    codes, m = code_columns({"f": f, "d": d}, {"Würde mich freuen": "like"})
    assert codes["f"].tolist() == [1, 2, 1, 3] and codes["d"].tolist() == [5, 4, 5, 5]
    assert m.name == "user mapping + short"
    notes = m.notes.set_index("label")
    assert notes.loc["Like it", "set"] == "short"
    # the user's own label matched exactly: no note for it
    assert "Würde mich freuen" not in notes.index


def test_user_labels_take_precedence_over_the_built_in_set():
    codes, m = code_columns({"f": ["I like it", "I expect it"], "d": ["I am neutral"] * 2},
                            {"I expect it": "neutral"})
    assert codes["f"].tolist() == [1, 3] and m.name == "user mapping + short"


def test_a_full_user_mapping_stays_a_user_mapping():
    codes, name = to_codes(["Love it", "Hate it"], {"Love it": 1, "Hate it": 5})
    assert codes.tolist() == [1, 5] and name == "user mapping"


def test_a_user_mapping_with_clashing_spellings_raises():
    with pytest.raises(InputError, match="read the same after normalisation"):
        to_codes(["Like it"], {"I like it": 1, "Like it.": 2})


def test_partial_mapping_in_kano_analysis_reports_set_and_notes(capsys):
    data = pd.DataFrame({
        "id": np.arange(8), "attribute": "App",
        "f": ["Würde mich freuen", "Like it", "I like it", "I expect it", "I'm neutral",
              "I like it", "I like it", "I expect it"],
        "d": ["I dislike it", "I dislike it.", "I am neutral", "I dislike it",
              "I am neutral", "I can tolerate it", "I dislike it", "I dislike it"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        ka = KanoAnalysis(answer_set={"Würde mich freuen": "like"}, n_boot=0,
                          progress=False).fit(data, respondent="id", attribute="attribute",
                                              functional="f", dysfunctional="d")
    s = ka.summary.loc["App"]
    assert [s["A"], s["O"], s["M"], s["I"]] == [2, 3, 2, 1]
    assert ka.answer_set_ == "user mapping + short"
    assert sorted(ka.answer_notes_["label"]) == ["I dislike it.", "I'm neutral", "Like it"]
    assert ka.answer_mappings_[None]["würde mich freuen"] == 1
    ka.print_summary()
    out = capsys.readouterr().out
    assert "Answer labels matched after normalisation: 3 label(s), 3 answers" in out
    assert "'Like it' -> 'I like it' (case, leading subject word)" in out


def test_clean_labels_add_no_note(capsys):
    data = pd.DataFrame({"id": range(4), "attribute": "App",
                         "f": ["I like it"] * 4, "d": ["I dislike it"] * 4})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FragileResultWarning)
        ka = KanoAnalysis(n_boot=0, progress=False).fit(
            data, respondent="id", attribute="attribute", functional="f", dysfunctional="d")
    assert ka.answer_set_ == "short" and ka.answer_notes_.empty
    ka.print_summary()
    assert "normalisation" not in capsys.readouterr().out


# -- property tests -----------------------------------------------------------------------
_CURLY = {"'": ["\u2019", "\u2018", "`", "'"], '"': ["\u201c", "\u201d", '"']}


@st.composite
def perturbed(draw, label: str) -> str:
    """A label as a sloppy export might spell it: case, spaces, quotes, punctuation,
    contractions, a dropped or changed leading subject."""
    text = label
    if draw(st.booleans()):
        swaps = [("I am ", "I'm "), ("can't", "cannot"), ("can't", "can not"),
                 ("can't", "cant"), ("It is ", "It's ")]
        for old, new in swaps:
            if old in text and draw(st.booleans()):
                text = text.replace(old, new)
    first = text.split(" ", 1)
    if len(first) == 2 and first[0] in ("I", "It", "This") and draw(st.booleans()):
        text = draw(st.sampled_from(["", "I ", "It "])) + first[1]
    text = "".join(draw(st.sampled_from(_CURLY[ch])) if ch in _CURLY else ch for ch in text)
    words = text.split(" ")
    seps = [draw(st.sampled_from([" ", "  ", "\t", "\u00a0", ", ", " - ", " "]))
            for _ in words[1:]]
    text = words[0] + "".join(s + w for s, w in zip(seps, words[1:], strict=True))
    text = text.replace(",", draw(st.sampled_from([",", "", " ,", ";"])))
    text = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in text) \
        if draw(st.booleans()) else text
    pad = draw(st.sampled_from(["", " ", "\n", "  "]))
    end = draw(st.sampled_from(["", ".", "!", " .", "\u3002", "..."]))
    return pad + text + end + pad


@settings(max_examples=200, deadline=None)
@given(data=st.data(), item=st.sampled_from([x for x in ALL_LABELS if x[0] != "codes 1-5"]))
def test_perturbed_built_in_labels_map_back_to_their_code(data, item):
    name, code, label = item
    variant = data.draw(perturbed(label))
    assert canonical_label(variant) == canonical_label(label), (variant, label)
    assert to_codes([variant], name)[0].tolist() == [code]
    # auto-detection gives the same code (several sets may fit a single label alike)
    assert to_codes([variant])[0].tolist() == [code]


@settings(max_examples=200, deadline=None)
@given(data=st.data(), a=st.sampled_from(ALL_LABELS[5:]), b=st.sampled_from(ALL_LABELS[5:]))
def test_labels_of_two_sets_are_never_silently_merged(data, a, b):
    (_, code_a, label_a), (_, code_b, label_b) = a, b
    va, vb = data.draw(perturbed(label_a)), data.draw(perturbed(label_b))
    if code_a != code_b:
        assert canonical_label(va) != canonical_label(vb)
    fits = [n for n, s in LABELLED.items()
            if {canonical_label(label_a), canonical_label(label_b)} <= set(s.lookup())]
    if fits:
        codes, _ = code_columns({"f": [va], "d": [vb]})
        assert (codes["f"].tolist(), codes["d"].tolist()) == ([code_a], [code_b])
    else:
        # no one set holds both wordings: an error, never a mixture
        with pytest.raises(InputError, match=re.escape(repr(va)) + "|" + re.escape(repr(vb))):
            code_columns({"f": [va], "d": [vb]})
