"""Codebooks from YAML, CSV and dicts; safe loading of untrusted files."""

import pytest

from expectlab import InputError
from expectlab.codebook import Codebook


def test_yaml_codebook_round_trip(tmp_path):
    spec = {
        "dataset": "demo",
        "id": "rid",
        "variables": {
            "q1": {"label": "Overall", "scale": [1, 5], "missing": [9], "construct": "sat",
                   "value_labels": {1: "Bad", 5: "Good"}},
            "q2": {"label": "Regret", "scale": [1, 5], "reverse": True, "construct": "sat"},
        },
    }
    book = Codebook.from_dict(spec)
    assert book["q1"].scale == (1.0, 5.0)
    assert book["q1"].missing == [9]
    assert book.scales == {"sat": ["q1", "q2"]}
    assert book.reverse_items == ["q2"]
    path = tmp_path / "cb.yaml"
    book.to_yaml(path)
    again = Codebook.from_yaml(path)
    assert again.variables == book.variables
    assert again.id_column == "rid"


def test_csv_codebook(tmp_path):
    path = tmp_path / "cb.csv"
    path.write_text(
        "variable,label,scale_min,scale_max,missing,value_labels,reverse,construct\n"
        "q1,Overall,1,7,98;99,1=Bad;7=Good,,sat\n"
        "q2,Regret,1,7,,,yes,sat\n"
    )
    book = Codebook.from_path(path)
    assert book["q1"].missing == [98, 99]
    assert book["q1"].value_labels == {1: "Bad", 7: "Good"}
    assert book["q2"].reverse is True
    assert book.scales["sat"] == ["q1", "q2"]


def test_yaml_is_loaded_safely(tmp_path):
    marker = tmp_path / "executed"
    path = tmp_path / "evil.yaml"
    path.write_text(
        f"variables: !!python/object/apply:os.system ['touch {marker}']\n"
    )
    with pytest.raises(InputError, match="not valid YAML"):
        Codebook.from_yaml(path)
    assert not marker.exists()


@pytest.mark.parametrize(
    "spec, match",
    [
        ({"variables": {"q": {"scale": [5, 1]}}},
         r"variables\.q\.scale: found \[5, 1\] \(list\); expected \[min, max\] with the "
         "minimum below the maximum"),
        ({"variables": {"q": {"scale": [1]}}},
         r"variables\.q\.scale: found \[1\] \(list\); expected \[min, max\], two finite"),
        ({"variables": {"q": {"scale": ["a", "b"]}}}, r"two finite numbers"),
        ({"variables": {"q": {"colour": "red"}}}, r"variables\.q\.colour: .*unknown field"),
        ({"variables": {"q": {"type": "fancy"}}},
         r"variables\.q\.type: found 'fancy' \(text\); expected one of \['categorical'"),
        ({"variables": ["q"]}, "must map column names"),
        ({"variables": {"q": {}}, "scales": {"s": "q"}}, "lists of item columns"),
        ({"variables": {"q": {"value_labels": [1, 2]}}},
         r"variables\.q\.value_labels: found \[1, 2\] \(list\); expected a mapping of codes"),
        ({"variables": {"q": {"missing_ranges": [[1]]}}},
         r"variables\.q\.missing_ranges\[0\]: found \[1\] \(list\); expected a missing range"),
        (["not", "a", "mapping"], "must be a mapping"),
    ],
)
def test_bad_codebooks_raise_input_error(spec, match):
    with pytest.raises(InputError, match=match):
        Codebook.from_dict(spec)


def test_codebook_file_errors(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        Codebook.from_yaml(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="unknown type"):
        Codebook.from_path(tmp_path / "cb.json")
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    with pytest.raises(InputError, match="empty"):
        Codebook.from_yaml(empty)
    bad_csv = tmp_path / "cb.csv"
    bad_csv.write_text("name,label\nq1,x\n")
    with pytest.raises(InputError, match="'variable' column"):
        Codebook.from_csv(bad_csv)
    bad_labels = tmp_path / "cb2.csv"
    bad_labels.write_text("variable,value_labels\nq1,Bad\n")
    with pytest.raises(InputError, match="code=label"):
        Codebook.from_csv(bad_labels)
