"""Shared plumbing for distributed engines (Dask, Spark): detection, progress, seeds.

expectlab never requires Dask or Spark: a frame is recognised by its class's module
without importing either package, and the engine is imported only when such a frame is
passed. Estimators reduce an engine frame to small sufficient statistics inside the engine
(distinct rows with counts, per-customer summaries, count tables) and fit those with the
numpy core, so the estimates equal the in-memory ones; scoring ships the fitted object
(which holds no data) to the workers.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np

from .._errors import InputError

__all__ = ["engine_of", "import_engine", "partition_seed", "progress_bar", "show_progress"]


def engine_of(obj: Any) -> str | None:
    """``"dask"`` for a Dask DataFrame or Series, ``"spark"`` for a pyspark.sql DataFrame
    (classic or Spark Connect), otherwise None."""
    for cls in type(obj).__mro__:
        module = cls.__module__ or ""
        if module.startswith("dask") and cls.__name__ in ("DataFrame", "Series"):
            return "dask"
        if module.startswith("pyspark.sql") and cls.__name__ == "DataFrame":
            return "spark"
    return None


def import_engine(engine: str) -> Any:
    """Import the engine's package, or raise an InputError saying what to install."""
    name = "dask.dataframe" if engine == "dask" else "pyspark.sql"
    try:
        module = importlib.import_module(name)
    except ImportError as exc:  # pragma: no cover - the frame came from the package
        extra = "dask" if engine == "dask" else "spark"
        raise InputError(
            f"Working on a {engine} DataFrame needs {engine}: pip install "
            f"\"expectlab[{extra}]\" ({exc})."
        ) from None
    return module


def show_progress(progress: bool | None) -> bool:
    """Whether to show progress: as asked, or by default only on an interactive terminal."""
    if progress is None:
        return bool(getattr(sys.stderr, "isatty", lambda: False)())
    return bool(progress)


@contextlib.contextmanager
def progress_bar(engine: str, progress: bool | None) -> Iterator[None]:
    """Progress of the engine's jobs inside the block.

    Dask: its ``ProgressBar`` (local schedulers) or nothing extra under a
    ``distributed.Client`` (whose dashboard shows progress). Spark shows its own console
    progress bar (``spark.ui.showConsoleProgress``); nothing is added here.
    """
    if engine == "dask" and show_progress(progress):
        from dask.diagnostics import ProgressBar

        with ProgressBar(out=sys.stderr):
            yield
        return
    yield


def partition_seed(random_state: int | None, partition: int) -> np.random.SeedSequence:
    """Independent seed of one partition: the same (seed, partition key) always gives the
    same stream, whichever worker runs it. Key partitions by something stable (a hash of
    their rows' ids) when results must not depend on the partitioning."""
    return np.random.SeedSequence([0 if random_state is None else int(random_state),
                                   int(partition)])
