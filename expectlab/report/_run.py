"""Executing a template notebook: papermill with clean interrupts and clear failures.

A report run must never leave half a report behind nor a kernel (and its connection file)
running after Ctrl-C or SIGTERM, and an expectlab :class:`InputError` raised inside a cell
(bad data found by a section) is the user's input problem, reported as such.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .._errors import InputError
from .progress import cell_label

__all__ = ["ReportInterrupted", "execute_template", "interrupts_handled", "terminate_as_interrupt"]


class ReportInterrupted(KeyboardInterrupt):
    """The run was stopped by Ctrl-C or SIGTERM; the kernel has been shut down."""


def _raise_interrupted(signum: int, frame: Any) -> None:
    raise ReportInterrupted(signal.Signals(signum).name)


def terminate_as_interrupt() -> None:
    """Turn SIGTERM into :class:`ReportInterrupted`, so ``finally`` blocks clean up.

    Interrupts then unwind through nbclient's ``setup_kernel``, which shuts the kernel down
    and removes its connection file, and through the report's temporary folder.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_interrupted)


class _Clients:
    """The notebook client of the current run, to learn whether a signal stopped it."""

    last: Any = None


def _engine():
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    class ExpectlabEngine(NBClientEngine):
        """papermill's nbclient engine, keeping a handle on the client it runs."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False,
                                     stdout_file=None, stderr_file=None, start_timeout=60,
                                     execution_timeout=None, kernel_env=None, **kwargs):
            kwargs = remove_args(["input_path"], **kwargs)
            safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(safe_kwargs, timeout=execution_timeout,
                                 startup_timeout=start_timeout, kernel_name=kernel_name,
                                 log_output=log_output, stdout_file=stdout_file,
                                 stderr_file=stderr_file)
            client = PapermillNotebookClient(nb_man, **final)
            _Clients.last = client
            # The kernel's own start-up chatter (e.g. ipykernel's transport warning) is not
            # for the consultant; errors inside cells still arrive through the protocol.
            # kernel_env: the environment of the kernel process (None: this process's)
            extra = {} if kernel_env is None else {"env": dict(kernel_env)}
            return client.execute(stderr=subprocess.DEVNULL, **extra)

    papermill_engines.register("expectlab", ExpectlabEngine)
    return "expectlab"


def _was_signalled(client: Any) -> bool:
    # papermill runs nbclient's synchronous path today (no signal handlers of its own);
    # should it switch to the asynchronous one, nbclient's handler shuts the kernel down
    # and sets this attribute.
    return getattr(client, "_async_cleanup_kernel_future", None) is not None


def execute_template(template: Path, output: Path, parameters: Mapping[str, Any], *,
                     kernel_name: str | None, timeout: int,
                     on_cell_start: Callable[..., None] | None = None,
                     kernel_env: Mapping[str, str] | None = None,
                     step: Callable[[], str | None] | None = None,
                     timeout_hint: str = "") -> list[tuple[str, float]]:
    """Run ``template`` with ``parameters`` into ``output``; return (cell, seconds) pairs.

    ``on_cell_start`` is called (by nbclient) as each cell starts, e.g. to show progress;
    ``kernel_env`` is the kernel's environment (default: this process's); ``step()``
    names the running step for the time-out message, which ends with ``timeout_hint``.

    Raises
    ------
    InputError
        A cell raised an expectlab ``InputError`` (its message is passed on), or a cell
        ran longer than ``timeout`` seconds.
    ReportInterrupted
        Ctrl-C or SIGTERM arrived; the kernel was shut down and its files removed.
    RuntimeError
        Any other failure of a cell (a defect, reported with the cell and the error).
    """
    import nbformat
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    _Clients.last = None
    hooks: dict[str, Any] = {}
    if on_cell_start is not None:
        hooks["on_cell_start"] = on_cell_start
    if kernel_env is not None:
        hooks["kernel_env"] = dict(kernel_env)
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGTERM) if main_thread else None
    try:
        pm.execute_notebook(
            str(template), str(output), parameters=dict(parameters),
            cwd=str(template.parent), kernel_name=kernel_name, progress_bar=False,
            log_output=False, execution_timeout=timeout, engine_name=_engine(),
            request_save_on_cell_execute=False, **hooks,
        )
    except pm.PapermillExecutionError as exc:
        # Ctrl-C in a terminal reaches the kernel too, which stops its cell.
        if _was_signalled(_Clients.last) or exc.ename == "KeyboardInterrupt":
            raise ReportInterrupted("interrupted") from None
        if exc.ename == "InputError":
            raise InputError(str(exc.evalue)) from None
        raise RuntimeError(
            f"The report notebook failed in cell {exc.exec_count}: {exc.ename}: "
            f"{exc.evalue}. This is a defect in the template or in expectlab; the "
            f"partly executed notebook is kept for diagnosis."
        ) from None
    except CellTimeoutError:
        where = f" ({step()})" if step is not None and step() else ""
        hint = f" {timeout_hint}" if timeout_hint else ""
        raise InputError(
            f"A cell of the report{where} ran longer than --timeout {timeout} seconds and "
            f"was stopped.{hint}"
            " Give a larger --timeout SECONDS, or fewer bootstrap replicates "
            "(--param n_boot=...)."
        ) from None
    except (DeadKernelError, RuntimeError, AssertionError, AttributeError):
        if _was_signalled(_Clients.last):
            raise ReportInterrupted("interrupted") from None
        raise
    finally:
        _Clients.last = None
        if main_thread and previous is not None:
            # an asynchronous nbclient would have reset SIGTERM to the default
            signal.signal(signal.SIGTERM, previous)
    nb = nbformat.read(str(output), as_version=4)
    timings = []
    for cell in nb.cells:
        seconds = (cell.get("metadata", {}).get("papermill") or {}).get("duration")
        if cell.get("cell_type") == "code" and seconds is not None:
            timings.append((cell_label(cell), float(seconds)))
    return timings


@contextlib.contextmanager
def interrupts_handled() -> Iterator[None]:
    """SIGTERM raises :class:`ReportInterrupted` inside the block; restored afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    terminate_as_interrupt()
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
