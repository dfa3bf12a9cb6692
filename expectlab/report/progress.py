"""Progress of a report run: one line per step on stderr, with its elapsed time.

A report on a large file takes minutes; the consultant sees each step as it starts and how
long it took::

    [1/?] Reading and checking the data ... 21.4 s
    [2/12] Starting the report kernel ... 2.1 s
    [3/12] Loading the study ... 3.0 s
    [4/12] Kano analysis ... 4.2 s

The steps of the notebook come from the template: a code cell whose metadata holds
``{"expectlab": {"step": "Loyalty model", "section": "loyalty"}}`` starts a step (left out
when its section does not run on this file); cells without such a label belong to the
step before them. A template without any labels (an older copy) shows one step per code
cell, named by its first line.

Shown on an interactive terminal; ``--progress`` forces the lines (e.g. into a CI log),
``--quiet`` switches them off (the rule of :func:`expectlab.engines.show_progress`).
No run time ever enters the report itself.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, TextIO

__all__ = ["ReportProgress", "NotebookSteps", "STEP_KEY", "cell_label"]

#: Cell metadata key holding ``{"step": label, "section": name or None}``.
STEP_KEY = "expectlab"
_SKIPPED_TAGS = {"parameters", "injected-parameters"}


def cell_label(cell: Any) -> str:
    """A cell's first line of code or comment, cut at 70 characters."""
    for line in str(cell.get("source", "")).splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:70]
    return "(empty cell)"


def _step_meta(cell: Any) -> dict[str, Any]:
    meta = (cell.get("metadata") or {}).get(STEP_KEY)
    return meta if isinstance(meta, dict) and meta.get("step") else {}


class NotebookSteps:
    """Which cells of a template start a step, and the step's label.

    Parameters
    ----------
    cells : sequence of notebook cells
        The template's cells.
    runs : callable, optional
        ``runs(section)``: whether an analysis section runs on this file; steps of
        sections that do not run are left out. Default: every section runs.
    """

    def __init__(self, cells: Sequence[Any], runs: Callable[[str], bool] | None = None
                 ) -> None:
        self._labelled = any(_step_meta(c) for c in cells)
        self._runs = runs
        self.labels = [label for c in cells if (label := self.label(c)) is not None]

    def label(self, cell: Any) -> str | None:
        """The label of the step ``cell`` starts, or None (it continues the step before)."""
        if self._labelled:
            meta = _step_meta(cell)
            if not meta:
                return None
            section = meta.get("section")
            if section and self._runs is not None and not self._runs(str(section)):
                return None
            return str(meta["step"])
        tags = set((cell.get("metadata") or {}).get("tags", []))
        if cell.get("cell_type") != "code" or not str(cell.get("source", "")).strip() \
                or tags & _SKIPPED_TAGS:
            return None
        return cell_label(cell)


class ReportProgress:
    """Prints ``[k/N] label ... 12.3 s`` for each step of a report run.

    Parameters
    ----------
    enabled : bool or None
        ``True`` always, ``False`` never, ``None`` only when ``stream`` is a terminal.
    stream : file, optional
        Where the lines go (default: ``sys.stderr`` at the time of each write).
    clock : callable, optional
        Seconds as a float (default :func:`time.perf_counter`); tests pass a fake one.

    Attributes
    ----------
    steps : list of (str, float)
        Every finished step and its seconds, recorded whether or not lines are shown.
    total : int
        The number of steps announced (grows when more steps start than were planned).
    """

    def __init__(self, enabled: bool | None = None, stream: TextIO | None = None,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self._stream = stream
        if enabled is None:
            target = self.stream
            enabled = bool(getattr(target, "isatty", lambda: False)())
        self.enabled = bool(enabled)
        self._clock = clock
        self.total = 0
        self.steps: list[tuple[str, float]] = []
        self._current: tuple[str, float] | None = None
        self._done = 0

    @property
    def stream(self) -> TextIO:
        return self._stream if self._stream is not None else sys.stderr

    def plan(self, n_steps: int) -> None:
        """Announce how many steps the run has (the ``N`` of ``[k/N]``)."""
        self.total = max(int(n_steps), self._done + (self._current is not None))

    @property
    def current(self) -> str | None:
        """The label of the running step, if any."""
        return None if self._current is None else self._current[0]

    def start(self, label: str) -> None:
        """Finish the running step (if any) and start ``label``.

        Before :meth:`plan` is called the number of steps shows as ``?`` (the report's
        first step, checking the data, decides which sections run).
        """
        self.finish()
        index = self._done + 1
        if self.total:
            self.total = max(self.total, index)
        self._current = (label, self._clock())
        self._write(f"[{index}/{self.total or '?'}] {label} ...")

    def finish(self, failed: bool = False) -> None:
        """Finish the running step and print its time (``failed``: the step stopped)."""
        if self._current is None:
            return
        label, started = self._current
        seconds = self._clock() - started
        self._current = None
        self._done += 1
        self.steps.append((label, seconds))
        self._write(f" {'stopped after ' if failed else ''}{seconds:.1f} s\n")

    def _write(self, text: str) -> None:
        if not self.enabled:
            return
        stream = self.stream
        stream.write(text)
        stream.flush()

    def step(self, label: str) -> _Step:
        """``with progress.step("Writing the HTML report"):`` - start, and finish on exit."""
        return _Step(self, label)

    def cell_hook(self, steps: NotebookSteps) -> Callable[..., None]:
        """An nbclient ``on_cell_start`` hook starting each notebook step at its cell."""

        def on_cell_start(cell: Any = None, **_: Any) -> None:
            label = steps.label(cell) if cell is not None else None
            if label is not None:
                self.start(label)

        return on_cell_start


class _Step:
    def __init__(self, progress: ReportProgress, label: str) -> None:
        self.progress, self.label = progress, label

    def __enter__(self) -> ReportProgress:
        self.progress.start(self.label)
        return self.progress

    def __exit__(self, kind: Any, value: Any, tb: Any) -> None:
        self.progress.finish(failed=kind is not None)
