"""Progress of a report run: one line per step on stderr, switched by --progress/--quiet."""

from __future__ import annotations

import io
import re

import nbformat
import pytest

from expectlab.cli import build_parser, main
from expectlab.report.content import STEP_LABELS
from expectlab.report.progress import STEP_KEY, NotebookSteps, ReportProgress
from expectlab.report.sections import SECTIONS
from tests.conftest import ROOT
from tests.report._engine_template import minimal_params, tiny_data, write_template

TEMPLATE = ROOT / "expectlab" / "templates" / "client_study.ipynb"
LINE = re.compile(r"\[(\d+)/(\d+|\?)\] (.+) \.\.\. (stopped after )?(\d+\.\d) s")


class _Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_lines_give_position_label_and_seconds():
    out, clock = io.StringIO(), _Clock()
    bar = ReportProgress(True, stream=out, clock=clock)
    bar.start("Reading and checking the data")
    clock.now = 21.44
    bar.plan(3)
    bar.start("Loyalty model")
    clock.now = 62.6
    with bar.step("Writing the HTML report"):
        clock.now = 64.0
    assert out.getvalue().splitlines() == [
        "[1/?] Reading and checking the data ... 21.4 s",
        "[2/3] Loyalty model ... 41.2 s",
        "[3/3] Writing the HTML report ... 1.4 s"]
    assert bar.steps == [("Reading and checking the data", pytest.approx(21.44)),
                         ("Loyalty model", pytest.approx(41.16)),
                         ("Writing the HTML report", pytest.approx(1.4))]


def test_a_failed_step_says_it_stopped_and_more_steps_than_planned_raise_the_total():
    out, clock = io.StringIO(), _Clock()
    bar = ReportProgress(True, stream=out, clock=clock)
    bar.plan(1)
    bar.start("A")
    bar.start("B")  # one more than announced: the total follows
    clock.now = 2.0
    with pytest.raises(ZeroDivisionError), bar.step("C"):
        raise ZeroDivisionError
    assert out.getvalue().splitlines() == ["[1/1] A ... 0.0 s", "[2/2] B ... 2.0 s",
                                           "[3/3] C ... stopped after 0.0 s"]


def test_shown_on_a_terminal_only_unless_forced():
    for stream, enabled, shown in ((io.StringIO(), None, False), (_Terminal(), None, True),
                                   (io.StringIO(), True, True), (_Terminal(), False, False)):
        bar = ReportProgress(enabled, stream=stream)
        bar.start("step")
        bar.finish()
        assert bool(stream.getvalue()) is shown, (type(stream).__name__, enabled)
        assert bar.steps and bar.steps[0][0] == "step"  # timed either way


def _cell(source, step=None, section=None, tags=()):
    meta = {"tags": list(tags)}
    if step:
        meta[STEP_KEY] = {"step": step, **({"section": section} if section else {})}
    return nbformat.v4.new_code_cell(source, metadata=meta)


def test_labelled_cells_start_steps_and_sections_that_do_not_run_are_left_out():
    cells = [_cell("x = 1", tags=["parameters"]), _cell("setup()", "Loading the study"),
             _cell("kano()", "Kano analysis", "kano"), _cell("loyalty()", "Loyalty", "loyalty"),
             _cell("title()", "Writing the pages"), _cell("more()"),
             nbformat.v4.new_markdown_cell("text")]
    steps = NotebookSteps(cells, runs={"loyalty"}.__contains__)
    assert steps.labels == ["Loading the study", "Loyalty", "Writing the pages"]
    out, clock = io.StringIO(), _Clock()
    bar = ReportProgress(True, stream=out, clock=clock)
    bar.plan(len(steps.labels))
    hook = bar.cell_hook(steps)
    for index, cell in enumerate(cells):
        hook(cell=cell, cell_index=index)
        clock.now += 1.0
    bar.finish()
    # unlabelled cells and a left-out section's cell count towards the step before them
    assert bar.steps == [("Loading the study", 2.0), ("Loyalty", 1.0),
                         ("Writing the pages", 3.0)]


def test_a_template_without_labels_shows_one_step_per_code_cell():
    cells = [_cell("x = 1", tags=["parameters"]), _cell("y = 2", tags=["injected-parameters"]),
             _cell("# Load the data\nload()"), nbformat.v4.new_markdown_cell("## Method"),
             _cell("   "), _cell("plot()")]
    assert NotebookSteps(cells).labels == ["Load the data", "plot()"]


def test_the_bundled_template_computes_every_section_in_its_own_labelled_cell():
    nb = nbformat.read(str(TEMPLATE), as_version=4)
    sections = [(c.metadata[STEP_KEY].get("section"), c.metadata[STEP_KEY]["step"])
                for c in nb.cells if STEP_KEY in c.metadata]
    computed = [(s, label) for s, label in sections if s]
    assert computed == [(name, STEP_LABELS[name]) for name in SECTIONS]
    for name in SECTIONS:
        cell = next(c for c in nb.cells if c.metadata.get(STEP_KEY, {}).get("section") == name)
        assert cell.source == f'compute_section("{name}", study, results)'
    # the summary is shown after every section was computed
    first_shown = next(i for i, c in enumerate(nb.cells) if "title_page(" in c.source)
    last_computed = max(i for i, c in enumerate(nb.cells) if "compute_section(" in c.source)
    assert last_computed < first_shown
    runs = {"kano", "loyalty", "purchase"}
    assert NotebookSteps(nb.cells, runs=runs.__contains__).labels == [
        "Loading the study", "Kano analysis", "Loyalty model", "Purchase behaviour",
        "Writing the pages: tables and figures"]


def test_progress_and_quiet_exclude_each_other():
    parser = build_parser()
    assert parser.parse_args(["report", "x", "--progress"]).progress is True
    assert parser.parse_args(["report", "x", "--quiet"]).progress is False
    assert parser.parse_args(["report", "x"]).progress is None
    with pytest.raises(SystemExit):
        parser.parse_args(["report", "x", "--progress", "--quiet"])


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    folder = tmp_path_factory.mktemp("progress")
    return folder, write_template(folder / "engine.ipynb"), tiny_data(folder)


def _run(engine, name, *flags):
    folder, template, data = engine
    return main(["report", str(template), "--data", str(data), "--out", str(folder / name),
                 *minimal_params(), "--format", "html,xlsx", *flags])


def test_progress_lines_appear_on_stderr_in_order(engine, capsys):
    assert _run(engine, "shown", "--progress") == 0
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    parsed = [LINE.fullmatch(line) for line in lines]
    assert all(parsed), lines
    labels = [m.group(3) for m in parsed]
    # the engine template has no step labels: one step per code cell, by its first line
    assert labels == ["Reading and checking the data", "Starting the report kernel",
                      "import json", "print('KEY FIGURES: plumbing')",
                      "from IPython.display import Markdown", 'if fail_with == "input":',
                      "import sys", "Writing the HTML report", "Writing the Excel workbook"]
    assert [int(m.group(1)) for m in parsed] == list(range(1, 10))
    assert [m.group(2) for m in parsed] == ["?"] + ["9"] * 8
    assert not any(m.group(4) for m in parsed)
    assert "[" not in captured.out  # the paths of the report go to stdout, alone


@pytest.mark.parametrize("flags", [("--quiet",), ()], ids=["quiet", "not-a-terminal"])
def test_no_progress_lines_when_quiet_or_piped(engine, capsys, flags):
    assert _run(engine, "quiet" + str(len(flags)), *flags) == 0
    assert capsys.readouterr().err == ""


def test_a_stopped_cell_is_named_in_the_progress_and_the_time_out_message(engine, capsys):
    assert _run(engine, "slow", "--progress", "--timeout", "2",
                "--param", "fail_with=slow") == 2
    err = capsys.readouterr().err
    # the slow cell, or an earlier one when this machine is too loaded to import in 2 s
    stopped = re.search(r"\] (.+) \.\.\. stopped after \d+\.\d s\n", err)
    assert stopped, err
    assert stopped.group(1) in ("import json", 'if fail_with == "input":')
    assert (f"A cell of the report ({stopped.group(1)}) ran longer than --timeout 2 "
            "seconds and was stopped.") in err
    assert "No --timeout was given" not in err
