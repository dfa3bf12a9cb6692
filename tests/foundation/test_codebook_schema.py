"""The codebook schema: strict types, one error listing every problem, safe YAML.

Regression tests for the defects fixed in the codebook reader:
1. ``reverse: "false"`` (text) reverse-coded the item;
2. malformed fields gave raw tracebacks and only the first problem was reported;
3. YAML anchors/aliases ("billion laughs") expanded a 337-byte file into hundreds of MB.
"""

import doctest
import math
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import expectlab.codebook as codebook_module
from expectlab import InputError, read_survey
from expectlab.codebook import MAX_CODEBOOK_BYTES, TOP_LEVEL_KEYS, Codebook, Variable


def _yaml(tmp_path, text, name="cb.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- 1. booleans are strict -------------------------------------------------------------
@pytest.mark.parametrize("value", ["false", "False", "no", "0", 0, 1, "true"])
def test_reverse_must_be_a_yaml_boolean(value):
    with pytest.raises(InputError) as info:
        Codebook.from_dict({"variables": {"sat_3": {"reverse": value}}})
    message = str(info.value)
    assert f"variables.sat_3.reverse: found {value!r}" in message
    assert "expected true or false (unquoted YAML booleans)" in message


def test_quoted_false_in_a_yaml_file_is_refused_not_reverse_coded(tmp_path):
    path = _yaml(tmp_path, 'variables:\n  sat_3:\n    scale: [1, 7]\n    reverse: "false"\n')
    with pytest.raises(InputError, match=r"variables\.sat_3\.reverse: found 'false' \(text\)"):
        Codebook.from_yaml(path)
    fine = _yaml(tmp_path, "variables:\n  sat_3:\n    scale: [1, 7]\n    reverse: false\n",
                 "ok.yaml")
    assert Codebook.from_yaml(fine).reverse_items == []


@pytest.mark.parametrize(
    "word, expected",
    [("true", True), ("TRUE", True), ("Yes", True), ("y", True), ("1", True),
     ("false", False), ("No", False), ("N", False), ("0", False), ("", False),
     (" yes ", True)],
)
def test_csv_reverse_vocabulary(tmp_path, word, expected):
    path = tmp_path / "cb.csv"
    path.write_text(f"variable,scale_min,scale_max,reverse\nq1,1,5,{word}\n")
    assert Codebook.from_csv(path)["q1"].reverse is expected


@pytest.mark.parametrize("word", ["maybe", "2", "reversed", "t", "-1"])
def test_csv_reverse_outside_the_vocabulary_raises(tmp_path, word):
    path = tmp_path / "cb.csv"
    path.write_text(f"variable,scale_min,scale_max,reverse\nq1,1,5,ok\nq2,1,5,{word}\n")
    with pytest.raises(InputError) as info:
        Codebook.from_csv(path)
    message = str(info.value)
    assert "has 2 problem(s)" in message  # line 2 ('ok') and line 3 both listed
    assert "variables.q1.reverse (line 2): found 'ok' (text)" in message
    assert f"variables.q2.reverse (line 3): found {word!r} (text)" in message
    assert "true/false, yes/no, y/n, 1/0 or empty" in message


# -- 2. every field validated; one error listing every problem --------------------------
@pytest.mark.parametrize(
    "item, path, expected",
    [
        ({"missing_ranges": [["dk", 99]]}, "variables.q.missing_ranges[0]: found ['dk', 99]",
         "two finite numbers"),
        ({"missing_ranges": [[99, 97]]}, "variables.q.missing_ranges[0]: found [99, 97]",
         "low <= high"),
        ({"missing_ranges": [[1, float("inf")]]}, "variables.q.missing_ranges[0]",
         "two finite numbers"),
        ({"missing_ranges": [97, 99]}, "variables.q.missing_ranges[0]: found 97",
         "missing range [low, high]"),
        ({"missing_ranges": "97-99"}, "variables.q.missing_ranges: found '97-99'",
         "a list of [low, high]"),
        ({"type": ["numeric"]}, "variables.q.type: found ['numeric'] (list)", "one of"),
        ({"type": "integer"}, "variables.q.type: found 'integer' (text)", "one of"),
        ({"scale": [1, float("nan")]}, "variables.q.scale", "two finite numbers"),
        ({"scale": [1, 10**400]}, "variables.q.scale", "two finite numbers"),
        ({"scale": [True, 5]}, "variables.q.scale", "two finite numbers"),
        ({"scale": {"min": 1, "max": 5}}, "variables.q.scale", "[min, max]"),
        ({"scale": [3, 3]}, "variables.q.scale: found [3, 3]", "minimum below the maximum"),
        ({"missing": {"dk": 99}}, "variables.q.missing: found {'dk': 99} (mapping)",
         "missing code"),
        ({"missing": [99, None]}, "variables.q.missing[1]: found None (empty)", "missing code"),
        ({"missing": [float("nan")]}, "variables.q.missing[0]", "finite number or text"),
        ({"missing": [[98, 99]]}, "variables.q.missing[0]: found [98, 99]", "missing code"),
        ({"value_labels": {1: False}}, "variables.q.value_labels.1: found False (true/false)",
         "quote it: YAML reads yes/no"),
        ({"value_labels": {None: "Missing"}}, "variables.q.value_labels.None", "a code"),
        ({"value_labels": {1: None}}, "variables.q.value_labels.1: found None", "label text"),
        ({"value_labels": {1: "a", "1": "b"}}, "variables.q.value_labels.1",
         "each code labelled once"),
        ({"label": True}, "variables.q.label: found True (true/false)", "text"),
        ({"label": ["a"]}, "variables.q.label: found ['a'] (list)", "text"),
        ({"construct": 3}, "variables.q.construct: found 3 (number)", "text"),
        ({"unit": {"eur": 1}}, "variables.q.unit", "text"),
        ({"colour": "red"}, "variables.q.colour: found 'red' (text)", "'missing_ranges'"),
    ],
)
def test_bad_variable_fields_name_path_value_and_expectation(item, path, expected):
    with pytest.raises(InputError) as info:
        Codebook.from_dict({"variables": {"q": item}})
    message = str(info.value)
    assert path in message
    assert expected in message


def test_every_problem_is_listed_in_one_error():
    spec = {
        "dataset": ["x"],
        "colour": "red",
        "variables": {
            "sat_3": {"reverse": "false", "type": ["numeric"]},
            "q2": {"missing_ranges": [["dk", 99]], "scale": [7, 1], "label": 5},
            "q3": "not a mapping",
        },
        "segments": "seg",
        "kano": {"Wi-Fi": ["wifi_f"]},
    }
    with pytest.raises(InputError) as info:
        Codebook.from_dict(spec, source_name="codebook file 'cb.yaml'")
    message = str(info.value)
    assert message.startswith("codebook file 'cb.yaml' has 9 problem(s):")
    for fragment in [
        "colour: found 'red' (text); expected no such key; known top-level keys: "
        + str(list(TOP_LEVEL_KEYS)),
        "dataset: found ['x'] (list); expected text",
        "variables.sat_3.reverse: found 'false'",
        "variables.sat_3.type: found ['numeric']",
        "variables.q2.missing_ranges[0]: found ['dk', 99]",
        "variables.q2.scale: found [7, 1]",
        "variables.q2.label: found 5 (number)",
        "variables.q3: found 'not a mapping' (text); expected a mapping of fields",
        "kano.Wi-Fi: found ['wifi_f'] (list); expected a pair",
    ]:
        assert fragment in message, fragment
    assert message.count("\n  - ") == 9


def test_long_problem_lists_are_summarised():
    spec = {"variables": {f"q{i}": {"reverse": "yes"} for i in range(100)}}
    with pytest.raises(InputError) as info:
        Codebook.from_dict(spec)
    message = str(info.value)
    assert "has 100 problem(s)" in message
    assert message.count("\n  - ") == 40
    assert "... and 60 more problem(s)" in message


def test_yaml_norway_problem_in_value_labels_is_caught(tmp_path):
    path = _yaml(tmp_path, "variables:\n  complaint:\n    value_labels: {0: No, 1: Yes}\n")
    with pytest.raises(InputError) as info:
        Codebook.from_yaml(path)
    message = str(info.value)
    assert "variables.complaint.value_labels.0: found False (true/false)" in message
    assert "variables.complaint.value_labels.1: found True (true/false)" in message


def test_valid_fields_are_parsed_exactly():
    book = Codebook.from_dict({"variables": {"q": {
        "label": "Overall", "type": "numeric", "scale": [1, 7], "missing": 99,
        "missing_ranges": [[97, 98.5], [-9, -1]], "value_labels": {"1": "Bad", 7: "Good"},
        "reverse": True, "construct": "sat", "unit": "points"}}})
    q = book["q"]
    assert q.scale == (1.0, 7.0)
    assert q.missing == [99]
    assert q.missing_ranges == [(97.0, 98.5), (-9.0, -1.0)]
    assert q.value_labels == {1: "Bad", 7: "Good"}
    assert (q.reverse, q.construct, q.unit, q.type) == (True, "sat", "points", "numeric")
    assert book.scales == {"sat": ["q"]}


def test_null_fields_mean_unset():
    book = Codebook.from_dict({"weight": None, "variables": {"q": {"label": None,
                                                                   "reverse": None},
                                                             "r": None}})
    assert book["q"] == Variable("q")
    assert book["r"] == Variable("r")
    assert book.weight_column is None


def test_csv_codebook_collects_every_problem(tmp_path):
    path = tmp_path / "cb.csv"
    path.write_text(
        "variable,type,scale_min,scale_max,value_labels,reverse,weight\n"
        "q1,fancy,1,,1=Bad;Good,maybe,\n"
        "q1,numeric,1,5,,,\n"
        ",numeric,1,5,,,\n"
    )
    with pytest.raises(InputError) as info:
        Codebook.from_csv(path)
    message = str(info.value)
    assert "has 7 problem(s)" in message
    for fragment in [
        "columns: found ['weight'] (list)",
        "declare roles such as weight, segments, wave, kano or nps in a YAML codebook",
        "variables.q1.value_labels: found 'Good'",
        "variables.q1.reverse (line 2): found 'maybe'",
        "line 3.variable: found 'q1' (text); expected each variable described on one row",
        "line 4.variable: found '' (text); expected a column name",
        "variables.q1.type: found 'fancy'",
        "variables.q1.scale: found [1, ''] (list)",
    ]:
        assert fragment in message, fragment


# -- 3. YAML anchors and aliases, duplicate keys, size and encoding ----------------------
BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
variables:
  q1:
    label: *g
"""


def test_billion_laughs_is_refused_fast(tmp_path):
    path = _yaml(tmp_path, BILLION_LAUGHS)
    assert path.stat().st_size < 400
    start = time.perf_counter()
    with pytest.raises(InputError) as info:
        Codebook.from_yaml(path)
    assert time.perf_counter() - start < 1.0
    message = str(info.value)
    assert "YAML anchor &a at line 1" in message
    assert "Codebooks must not use YAML anchors/aliases" in message


def test_billion_laughs_sidecar_is_refused_by_read_survey(tmp_path):
    data = tmp_path / "survey.csv"
    data.write_text("q1\n1\n")
    _yaml(tmp_path, BILLION_LAUGHS, "survey.codebook.yaml")
    start = time.perf_counter()
    with pytest.raises(InputError, match="must not use YAML anchors/aliases"):
        read_survey(data)
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("variables:\n  q1: &x {label: A}\n", "YAML anchor &x at line 2"),
        ("base: &b {scale: [1, 5]}\nvariables:\n  q1:\n    <<: *b\n", "YAML anchor &b"),
        ("variables:\n  q1:\n    label: *nothing\n", "alias *nothing at line 3"),
    ],
)
def test_any_anchor_or_alias_is_refused(tmp_path, text, fragment):
    with pytest.raises(InputError) as info:
        Codebook.from_yaml(_yaml(tmp_path, text))
    assert fragment in str(info.value)


def test_duplicate_yaml_keys_are_refused(tmp_path):
    path = _yaml(tmp_path, "variables:\n  q1: {label: First}\n  q2: {}\n  q1: {label: Second}\n")
    with pytest.raises(InputError, match=r"key 'q1' appears twice \(lines 2 and 4\)"):
        Codebook.from_yaml(path)


def test_deeply_nested_yaml_is_refused_without_recursion_error(tmp_path):
    path = _yaml(tmp_path, "variables: " + "[" * 50_000 + "]" * 50_000 + "\n")
    with pytest.raises(InputError, match="nesting deeper than 20 levels"):
        Codebook.from_yaml(path)


def test_oversized_codebook_is_refused(tmp_path):
    path = tmp_path / "big.codebook.yaml"
    path.write_bytes(b"# padding\n" * (MAX_CODEBOOK_BYTES // 10 + 1))
    assert path.stat().st_size > MAX_CODEBOOK_BYTES == 10 * 2**20
    with pytest.raises(InputError, match="larger than 10 MB"):
        Codebook.from_yaml(path)
    csv = tmp_path / "big.codebook.csv"
    csv.write_bytes(b"variable\n" + b"q\n" * (MAX_CODEBOOK_BYTES // 2))
    with pytest.raises(InputError, match="larger than 10 MB"):
        Codebook.from_csv(csv)


def test_unreadable_and_non_utf8_files_give_input_errors(tmp_path):
    with pytest.raises(InputError, match="cannot be read"):
        Codebook.from_yaml(tmp_path)  # a directory
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("variables:\n  q1: {label: Zufriedenheit \u00fcberall}\n".encode("latin-1"))
    with pytest.raises(InputError, match="is not UTF-8 text .*Save it as UTF-8"):
        Codebook.from_yaml(latin)
    bad_csv = tmp_path / "cb.csv"
    bad_csv.write_bytes(b"variable,label\nq1,\xff\n")
    with pytest.raises(InputError, match="not UTF-8"):
        Codebook.from_csv(bad_csv)


def test_to_yaml_writes_shared_objects_without_anchors(tmp_path):
    shared_labels = {1: "Bad", 5: "Good"}
    shared_missing = [9]
    book = Codebook(variables={n: Variable(n, scale=(1.0, 5.0), value_labels=shared_labels,
                                           missing=shared_missing,
                                           missing_ranges=[(97.0, 99.0)])
                               for n in ("q1", "q2")})
    path = tmp_path / "cb.yaml"
    book.to_yaml(path)
    text = path.read_text()
    assert "&" not in text and "*" not in text
    assert Codebook.from_yaml(path).variables == book.variables


# -- 4. study roles ------------------------------------------------------------------------
ROLES = {
    "id": "rid",
    "weight": "w",
    "segments": ["segment", "region"],
    "wave": "wave",
    "nps": "recommend",
    "scales": {"sat": ["sat_1", "sat_2"]},
    "kano": {"Wi-Fi": ["wifi_f", "wifi_d"], "Lounge": ["lounge_f", "lounge_d"]},
    "variables": {"sat_1": {"scale": [1, 7]}},
}


def test_roles_are_read():
    book = Codebook.from_dict(ROLES)
    assert book.id_column == "rid"
    assert book.weight_column == "w"
    assert book.segment_columns == ["segment", "region"]
    assert book.wave_column == "wave"
    assert book.nps_column == "recommend"
    assert book.scales == {"sat": ["sat_1", "sat_2"]}
    assert book.kano_pairs == {"Wi-Fi": ("wifi_f", "wifi_d"), "Lounge": ("lounge_f", "lounge_d")}


def test_single_segment_column_and_integer_names():
    book = Codebook.from_dict({"segments": "segment", "wave": 2024})
    assert book.segment_columns == ["segment"]
    assert book.wave_column == "2024"


def test_roles_round_trip_through_yaml(tmp_path):
    book = Codebook.from_dict(ROLES)
    path = tmp_path / "cb.yaml"
    book.to_yaml(path)
    text = path.read_text()
    assert text.startswith("id: rid\nweight: w\nsegments:\n- segment\n- region\nwave: wave\n")
    again = Codebook.from_yaml(path)
    assert again == book


def test_types_imply_id_and_weight_when_not_declared():
    book = Codebook.from_dict({"variables": {"rid": {"type": "id"}, "w": {"type": "weight"},
                                             "q": {}}})
    assert (book.id_column, book.weight_column) == ("rid", "w")
    declared = Codebook.from_dict({"id": "other", "weight": "w2",
                                   "variables": {"rid": {"type": "id"},
                                                 "w": {"type": "weight"}}})
    assert (declared.id_column, declared.weight_column) == ("other", "w2")


def test_two_typed_variables_require_a_declaration():
    spec = {"variables": {"w1": {"type": "weight"}, "w2": {"type": "weight"},
                          "a": {"type": "id"}, "b": {"type": "id"}}}
    with pytest.raises(InputError) as info:
        Codebook.from_dict(spec)
    message = str(info.value)
    assert "weight: 2 variables have type: weight (w1, w2)" in message
    assert "declare it, e.g. 'weight: w1'" in message
    assert "id: 2 variables have type: id (a, b)" in message
    spec["weight"], spec["id"] = "w2", "a"
    book = Codebook.from_dict(spec)
    assert (book.id_column, book.weight_column) == ("a", "w2")


@pytest.mark.parametrize(
    "spec, fragment",
    [
        ({"segments": ["seg", "seg"]}, "segments: found ['seg', 'seg'] (list); expected each "
         "column once (repeated: ['seg'])"),
        ({"scales": {"sat": ["q1", "q2", "q1"]}}, "scales.sat: found ['q1', 'q2', 'q1']"),
        ({"kano": {"Wi-Fi": ["wifi", "wifi"]}}, "kano.Wi-Fi: found ['wifi', 'wifi'] (list); "
         "expected two distinct columns"),
        ({"kano": {"Wi-Fi": ["a_f", "a_d", "x"]}}, "expected a pair [functional column"),
        ({"kano": {"Wi-Fi": "wifi_f"}}, "kano.Wi-Fi: found 'wifi_f' (text)"),
        ({"kano": {"A": ["x_f", "x_d"], "B": ["x_f", "y_d"]}},
         "'x_f' is also in kano.A"),
        ({"id": "q1", "scales": {"sat": ["q1", "q2"]}},
         "id: found 'q1' (text); expected a column with no other role (it is also the item "
         "of scale 'sat')"),
        ({"id": "rid", "weight": "rid"}, "it is also the weight column"),
        ({"weight": "w", "kano": {"A": ["w", "a_d"]}}, "Kano functional column of 'A'"),
        ({"id": "k", "kano": {"A": ["a_f", "k"]}}, "Kano dysfunctional column of 'A'"),
        ({"weight": "w", "variables": {"w": {"type": "categorical"}}},
         "variables.w.type: found 'categorical' (text); expected numeric or weight"),
        ({"weight": ["w"]}, "weight: found ['w'] (list); expected a column name"),
        ({"id": True}, "id: found True (true/false); expected a column name"),
        ({"nps": ""}, "nps: found '' (text); expected a column name"),
        ({"segments": {"a": 1}}, "segments: found {'a': 1} (mapping)"),
        ({"scales": ["q1"]}, "scales: found ['q1'] (list)"),
        ({"scales": {None: ["q1"]}}, "scales.None: found None (empty); expected a scale name"),
        ({"kano": [["a", "b"]]}, "kano: found [['a', 'b']] (list)"),
    ],
)
def test_role_problems(spec, fragment):
    with pytest.raises(InputError) as info:
        Codebook.from_dict(spec)
    assert fragment in str(info.value)


def test_cross_checks_apply_to_directly_built_codebooks():
    with pytest.raises(InputError, match="two distinct columns"):
        Codebook(kano_pairs={"A": ("x", "x")})
    with pytest.raises(InputError, match="also the segment column"):
        Codebook(id_column="seg", segment_columns=["seg"])


def test_merged_with_lets_the_given_codebook_win_role_by_role():
    meta = Codebook(id_column="rid", weight_column="w", segment_columns=["seg"],
                    wave_column="wave", nps_column="nps",
                    kano_pairs={"A": ("a_f", "a_d")}, scales={"s": ["q1"]})
    given_book = Codebook(weight_column="w2", segment_columns=["region"],
                          kano_pairs={"A": ("a2_f", "a2_d"), "B": ("b_f", "b_d")})
    merged = meta.merged_with(given_book)
    assert merged.id_column == "rid"
    assert merged.weight_column == "w2"
    assert merged.segment_columns == ["region"]
    assert merged.wave_column == "wave"
    assert merged.nps_column == "nps"
    assert merged.kano_pairs == {"A": ("a2_f", "a2_d"), "B": ("b_f", "b_d")}
    assert merged.scales == {"s": ["q1"]}
    assert meta.merged_with(None) is meta
    assert Codebook().merged_with(meta) == meta


def test_merged_roles_are_cross_checked():
    with pytest.raises(InputError, match="also the item of scale 's'"):
        Codebook(id_column="q1").merged_with(Codebook(scales={"s": ["q1", "q2"]}))


def test_csv_codebook_cannot_declare_roles_but_types_imply_them(tmp_path):
    path = tmp_path / "cb.csv"
    path.write_text("variable,type\nrid,id\nw,weight\nq,numeric\n")
    book = Codebook.from_csv(path)
    assert (book.id_column, book.weight_column) == ("rid", "w")
    assert (book.segment_columns, book.kano_pairs, book.nps_column) == ([], {}, None)


# -- 5. validate_against ----------------------------------------------------------------
def test_validate_against_returns_notes_for_absent_variables():
    book = Codebook.from_dict({"id": "rid", "variables": {"rid": {}, "q1": {}, "old": {}}})
    assert book.validate_against(["rid", "q1"], source_name="survey.csv") == [
        "The codebook describes 1 column(s) survey.csv does not have: old."
    ]
    assert book.validate_against(["rid", "q1", "old", "extra"], source_name="x") == []


def test_validate_against_names_every_absent_role_and_close_matches():
    book = Codebook.from_dict(ROLES)
    columns = ["rid", "weight", "segment", "regions", "wave", "recommend", "sat_1", "sat2",
               "wifi_f", "wifi_d", "lounge_func", "lounge_d"]
    with pytest.raises(InputError) as info:
        book.validate_against(columns, source_name="survey.csv")
    message = str(info.value)
    assert message.startswith(
        "The codebook gives roles to 4 column(s) that survey.csv does not have:\n"
        "  - weight column: 'w' (no similar column in the data)\n"
        "  - segment column: 'region' (did you mean 'regions'?)\n"
        "  - Kano functional column of 'Lounge': 'lounge_f' (did you mean 'lounge_d' or "
        "'lounge_func'?)\n"
        "  - item of scale 'sat': 'sat_2' (did you mean 'sat2' or 'sat_1'?)\n"
    )
    assert "Correct the column names in the codebook" in message


def test_validate_against_matches_names_ignoring_case():
    book = Codebook(nps_column="NPS", segment_columns=["Region"])
    with pytest.raises(InputError) as info:
        book.validate_against(["nps", "region", "q1"], source_name="x.csv")
    assert "  - segment column: 'Region' (did you mean 'region'?)" in str(info.value)
    assert "  - NPS column: 'NPS' (did you mean 'nps'?)" in str(info.value)


def test_validate_against_refuses_a_string_of_columns():
    with pytest.raises(InputError, match="must be a sequence of column names"):
        Codebook().validate_against("q1", source_name="x")


# -- docs and properties ----------------------------------------------------------------
def test_docstring_examples_run():
    result = doctest.testmod(codebook_module, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 10
    assert result.failed == 0


scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30),
                    st.floats(allow_nan=True, allow_infinity=True),
                    st.text(max_size=4), st.sampled_from(["numeric", "id", "weight", "q1"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(scalars.filter(lambda v: v is not None
                                                                 and not isinstance(v, float)),
                                                 inner, max_size=3)), max_leaves=8)
fields = st.sampled_from(["label", "type", "scale", "value_labels", "missing",
                          "missing_ranges", "reverse", "construct", "unit", "other"])
keys = st.sampled_from(list(TOP_LEVEL_KEYS) + ["extra"])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(keys, values, max_size=4),
       st.dictionaries(st.sampled_from(["q1", "q2", "w"]),
                       st.dictionaries(fields, values, max_size=4), max_size=3))
@pytest.mark.slow
def test_random_specs_give_a_codebook_or_input_error(top, variables):
    spec = dict(top)
    if variables:
        spec["variables"] = variables
    try:
        book = Codebook.from_dict(spec)
    except InputError as exc:
        assert "problem(s)" in str(exc)
        return
    for var in book.variables.values():
        assert isinstance(var.reverse, bool)
        if var.scale is not None:
            assert all(math.isfinite(b) for b in var.scale) and var.scale[0] < var.scale[1]
        for lo, hi in var.missing_ranges:
            assert math.isfinite(lo) and math.isfinite(hi) and lo <= hi
        assert all(isinstance(t, str) for t in var.value_labels.values())
    for pair in book.kano_pairs.values():
        assert len(pair) == 2 and pair[0] != pair[1]
