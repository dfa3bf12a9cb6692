"""`expectlab report` refuses bad arguments with one message and exit 2, before running."""

from __future__ import annotations

import pytest

from expectlab.cli import main
from expectlab.report import bundled_templates, check_parameter_types, load_style
from tests.report._engine_template import minimal_params, tiny_data

BUNDLED = "client_study"


def _run(tmp_path, *extra, out=None):
    data = tiny_data(tmp_path)
    return main(["report", BUNDLED, "--data", str(data), "--out", str(out or tmp_path / "out"),
                 *minimal_params(), *extra])


@pytest.mark.parametrize("param, message", [
    ("scale_min=abc", "'scale_min' must be a number, e.g. 1; got 'abc'"),
    ("n_boot=0", "'n_boot' must be a whole number of at least 1, e.g. 500; got 0"),
    ("n_boot=2.5", "'n_boot' must be a whole number of at least 1"),
    ("n_boot=true", "'n_boot' must be a whole number"),
    ("random_state=-1", "'random_state' must be a whole number from 0 to 4294967295"),
    ("random_state=abc", "'random_state' must be a whole number"),
    ("scale_max=1e999", "'scale_max' must be a number"),
    ("study_title=3", "'study_title' must be text"),
    ("missing_codes=99", "'missing_codes' must be null or a list of codes"),
])
def test_wrong_parameter_types_exit_2_without_running(tmp_path, capsys, param, message):
    code = _run(tmp_path, "--param", param)
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_scale_bounds_must_be_ordered(tmp_path, capsys):
    assert _run(tmp_path, "--param", "scale_min=7", "--param", "scale_max=1") == 2
    assert "scale_min < scale_max" in capsys.readouterr().err


def test_check_parameter_types_accepts_the_defaults():
    from expectlab.report import DEFAULT_PARAMETERS, PRESENTATION_PARAMETERS

    check_parameter_types({**DEFAULT_PARAMETERS, **PRESENTATION_PARAMETERS})
    with pytest.raises(ValueError, match="'language' must be one of en, zh; got 'fr'"):
        check_parameter_types({"language": "fr"})


@pytest.mark.parametrize("name", ["../../x", "a/b", "..", ".hidden", "a\\b", "x\ny"])
def test_name_must_be_a_file_name(tmp_path, capsys, name):
    assert _run(tmp_path, "--name", name) == 2
    assert "must be a file name without folders" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() and not (tmp_path.parent / "x.html").exists()


def test_out_pointing_at_a_file_is_an_input_error(tmp_path, capsys):
    target = tmp_path / "report.html"
    target.write_text("keep me")
    assert _run(tmp_path, out=target) == 2
    assert "is a file; give a folder" in capsys.readouterr().err
    assert target.read_text() == "keep me"


def test_non_utf8_argument_is_one_clear_message(tmp_path, capsys):
    bad = "caf\udce9.csv"  # the byte 0xE9 (latin-1) as Python passes it on
    assert main(["report", BUNDLED, "--data", bad, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "is not valid UTF-8 text" in err and "caf\ufffd.csv" in err


def test_unknown_format_and_missing_out(tmp_path, capsys):
    assert _run(tmp_path, "--format", "html,docx") == 2
    assert "Unknown report format(s) ['docx']" in capsys.readouterr().err
    assert main(["report", BUNDLED]) == 2
    assert "Give a template and --out" in capsys.readouterr().err


def test_pdf_without_chromium_stops_before_running(tmp_path, capsys, monkeypatch):
    import expectlab.report._export_pdf as pdf

    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    assert _run(tmp_path, "--format", "html,pdf") == 2
    assert "PDF needs Chromium: apt-get install chromium" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_list_shows_bundled_templates_with_a_description(capsys):
    assert main(["report", "--list"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("client_study  Client study: executive summary")
    assert set(bundled_templates()) == {"client_study"}


def test_copy_copies_and_never_overwrites(tmp_path, capsys):
    dest = tmp_path / "my_study.ipynb"
    assert main(["report", "--copy", "client_study", str(dest)]) == 0
    assert dest.read_bytes() == bundled_templates()["client_study"][0].read_bytes()
    dest.write_text("my edits")
    assert main(["report", "--copy", "client_study", str(dest)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert dest.read_text() == "my edits"
    assert main(["report", "--copy", "nope", str(tmp_path / "x.ipynb")]) == 2
    assert "No bundled template 'nope'" in capsys.readouterr().err


def test_unknown_template_names_the_bundled_ones(tmp_path, capsys):
    assert main(["report", "clientstudy", "--out", str(tmp_path)]) == 2
    assert "bundled template (client_study)" in capsys.readouterr().err


# -- the style file --------------------------------------------------------------------
@pytest.mark.parametrize("text, message", [
    ("colour: ['#fff']\n", "unknown key(s) ['colour']"),
    ("colours: ['#12345']\n", "'colours' must be a list of hex colours"),
    ("colours: [red]\n", "bad: ['red']"),
    ("logo: missing.png\n", "logo file"),
    ("logo: style.yaml\n", "logo 'x' must be one of"),
    ("title_colour: blue\n", "'title_colour' must be a hex colour"),
    ("footer: &a x\ncolours: *a\n", "anchors/aliases"),
    ("footer: a\nfooter: b\n", "appears twice"),
    ("- a\n", "must be a mapping"),
])
def test_bad_style_files_are_input_errors(tmp_path, text, message):
    path = tmp_path / "style.yaml"
    path.write_text(text)
    message = message.replace("'x'", repr(str(tmp_path / "style.yaml")))
    with pytest.raises(ValueError, match=None) as info:
        load_style(path)
    assert message in str(info.value)


def test_style_errors_exit_2_through_the_cli(tmp_path, capsys):
    path = tmp_path / "style.yaml"
    path.write_text("colours: [red]\n")
    assert _run(tmp_path, "--style", str(path)) == 2
    assert "Style file" in capsys.readouterr().err
    assert _run(tmp_path, "--style", str(tmp_path / "none.yaml")) == 2
    assert "does not exist" in capsys.readouterr().err
