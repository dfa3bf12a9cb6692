"""Resampling machinery shared by every estimator: seeds, vectorised bootstrap weights,
percentile intervals, progress bars and parallel chunks.

The bootstrap here is a *weights* bootstrap: replicate ``b`` gives each respondent (or
cluster) a multinomial count ``w[b, i]``; estimators that are functions of weighted
sufficient statistics (counts, cross-products) then compute every replicate with one
matrix product instead of refitting in a Python loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Literal

import numpy as np

from ._errors import InputError

__all__ = [
    "check_random_state",
    "bootstrap_weights",
    "equal_multinomial_by_group",
    "iter_bootstrap_weights",
    "percentile_interval",
    "progress",
    "progress_bar",
    "parallel_map",
    "single_thread",
]

#: From this many rows on, native thread pools keep all their threads (see single_thread).
MANY_ROWS = 50_000

_BLAS_CONTROLLER: Any = None  # threadpoolctl.ThreadpoolController, built on first use


def single_thread(user_api: Literal["blas", "openmp"] | None = None, *,
                  n_rows: int | None = None) -> AbstractContextManager[Any]:
    """Context that runs native code (BLAS and / or OpenMP) on one thread.

    Survey-sized matrices are small and thin: starting threads costs more than it saves,
    and on a busy machine oversubscribed BLAS / OpenMP threads slowed bootstraps, boosting
    and batched logit fits down 3 to 100 times in our measurements. One thread also keeps
    the order of summation in a matrix product fixed.

    Parameters
    ----------
    user_api : {"blas", "openmp"} or None
        Which thread pools to limit; None limits all of them.
    n_rows : int, optional
        Size of the data: from :data:`MANY_ROWS` rows on, nothing is limited (large data
        gain from threads).

    Examples
    --------
    >>> import numpy as np
    >>> with single_thread("blas"):
    ...     float((np.ones((3, 3)) @ np.ones(3)).sum())
    9.0
    """
    if n_rows is not None and n_rows >= MANY_ROWS:
        return nullcontext()
    if user_api == "blas":
        # BLAS is loaded with numpy, so one scan of the loaded libraries stays valid and is
        # kept (the scan costs more than a small product).
        global _BLAS_CONTROLLER
        if _BLAS_CONTROLLER is None:
            from threadpoolctl import ThreadpoolController

            _BLAS_CONTROLLER = ThreadpoolController()
        return _BLAS_CONTROLLER.limit(limits=1, user_api="blas")
    # OpenMP runtimes may be loaded later (scikit-learn's boosting): scan afresh each time.
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api=user_api)


def check_random_state(
    seed: int | np.random.Generator | np.random.SeedSequence | None,
) -> np.random.Generator:
    """Turn ``None``, an int, a SeedSequence or a Generator into a ``numpy.random.Generator``.

    The one way every expectlab estimator and simulator seeds itself (an int gives the
    same stream as ``numpy.random.default_rng(int)``; a Generator is used as it is, so
    its state advances). A ``SeedSequence`` is what parallel chunks receive as their
    spawned child seeds.

    Examples
    --------
    >>> rng = check_random_state(3)
    >>> bool(rng.integers(0, 100) == np.random.default_rng(3).integers(0, 100))
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or isinstance(seed, (int, np.integer, np.random.SeedSequence)):
        return np.random.default_rng(seed)
    raise InputError(
        f"random_state must be None, an int or a numpy Generator, got {type(seed).__name__}."
    )


def _count_blocks(rng: np.random.Generator, units: int, size: int
                  ) -> Iterator[tuple[int, np.ndarray]]:
    """The per-unit counts of ``size`` equal-probability multinomial draws of ``units``
    units, a few replicates at a time: ``(first replicate, counts (m, units))``.

    Drawing ``units`` uniform indices per replicate and counting them gives exactly the
    equal-probability multinomial, several times faster than ``rng.multinomial`` for many
    units (one draw per unit instead of one binomial per category). Counting a few
    replicates at a time keeps the bins in cache; the draws are the same either way.
    """
    dtype = np.int32 if units < 2**31 else np.int64  # 32-bit draws use half the bits
    idx = rng.integers(0, units, size=(size, units), dtype=dtype)
    rows = max(1, 131_072 // max(units, 1))
    for start in range(0, size, rows):
        block = idx[start: start + rows]
        m = len(block)
        flat = (block + (np.arange(m, dtype=np.int64) * units)[:, None]).ravel()
        yield start, np.bincount(flat, minlength=m * units).reshape(m, units)


def _equal_multinomial(rng: np.random.Generator, units: int, size: int) -> np.ndarray:
    """Multinomial(units, equal probabilities) counts, shape ``(size, units)``."""
    counts = np.empty((size, units))
    for start, block in _count_blocks(rng, units, size):
        counts[start: start + len(block)] = block
    return counts


def equal_multinomial_by_group(rng: np.random.Generator, units: int, size: int,
                               groups: np.ndarray, n_groups: int, *,
                               unit_weights: np.ndarray | None = None) -> np.ndarray:
    """:func:`_equal_multinomial` counts summed within groups of units, ``(size, n_groups)``.

    The draws are exactly those of ``_equal_multinomial(rng, units, size)`` (same call,
    same stream), so ``out[:, g]`` equals the sum of the counts (times ``unit_weights``
    when given) over the units with ``groups == g``. When many units share a group
    (respondents with the same answers), this is far cheaper than the per-unit counts:
    the matrix product that follows has ``n_groups`` columns instead of ``units``.
    """
    codes = np.asarray(groups, dtype=np.int64)
    weights = None if unit_weights is None else np.asarray(unit_weights, dtype=float)
    counts = np.empty((size, n_groups))
    for start, block in _count_blocks(rng, units, size):
        m = len(block)
        drawn = block if weights is None else block * weights
        # each replicate's counts summed per group, in unit order, in one bincount
        flat = (codes + (np.arange(m, dtype=np.int64) * n_groups)[:, None]).ravel()
        counts[start: start + m] = np.bincount(flat, weights=drawn.ravel(),
                                               minlength=m * n_groups).reshape(m, n_groups)
    return counts


def bootstrap_weights(
    n: int,
    n_boot: int,
    random_state: int | np.random.Generator | None = None,
    *,
    clusters: np.ndarray | None = None,
    base_weights: np.ndarray | None = None,
) -> np.ndarray:
    """Multinomial bootstrap weights, shape ``(n_boot, n)``.

    Parameters
    ----------
    n : int
        Number of observations.
    n_boot : int
        Number of bootstrap replicates.
    random_state : int, Generator or None
        Seed for the resampling.
    clusters : array of shape (n,), optional
        Resample whole clusters (e.g. stores, respondents with several rows): every row
        of a drawn cluster gets that cluster's count.
    base_weights : array of shape (n,), optional
        Survey weights multiplied into the resampling counts.

    Returns
    -------
    numpy.ndarray
        Float weights; row ``b`` sums to ``n`` (or to the number of rows of the drawn
        clusters) before survey weights are applied.
    """
    if n_boot < 1:
        raise InputError(f"n_boot must be a positive integer, got {n_boot!r}.")
    rng = check_random_state(random_state)
    if clusters is None:
        w = _equal_multinomial(rng, n, n_boot)
    else:
        _, index = np.unique(np.asarray(clusters), return_inverse=True)
        w = _equal_multinomial(rng, int(index.max()) + 1, n_boot)[:, index]
    if base_weights is not None:
        w = w * np.asarray(base_weights, dtype=float)[None, :]
    return w


def iter_bootstrap_weights(
    n: int,
    n_boot: int,
    random_state: int | np.random.Generator | None = None,
    *,
    chunk_size: int | None = None,
    clusters: np.ndarray | None = None,
    base_weights: np.ndarray | None = None,
) -> Iterator[np.ndarray]:
    """Yield bootstrap weight matrices in chunks so memory stays bounded.

    Draws are made chunk by chunk from one generator, so the replicates depend on
    ``chunk_size``: keep it fixed (or leave the default) for reproducible results.
    """
    rng = check_random_state(random_state)
    if chunk_size is None:
        # Keep each chunk near 50 million entries (400 MB of float64).
        chunk_size = max(1, min(n_boot, 50_000_000 // max(n, 1)))
    done = 0
    while done < n_boot:
        size = min(chunk_size, n_boot - done)
        yield bootstrap_weights(n, size, rng, clusters=clusters, base_weights=base_weights)
        done += size


def percentile_interval(
    replicates: np.ndarray, alpha: float = 0.05, axis: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval ``(lower, upper)`` ignoring non-finite replicates."""
    if not 0 < alpha < 1:
        raise InputError(f"alpha must lie between 0 and 1, got {alpha!r}.")
    reps = np.where(np.isfinite(replicates), replicates, np.nan)
    lower = np.nanquantile(reps, alpha / 2, axis=axis)
    upper = np.nanquantile(reps, 1 - alpha / 2, axis=axis)
    return lower, upper


def _show(enabled: bool | None) -> bool:
    """``True`` / ``False`` as asked; ``None`` (auto): only when stderr is a terminal, so
    logs, CI and notebooks run under test stay quiet unless progress is asked for."""
    if enabled is None:
        import sys

        stream = sys.stderr
        return bool(getattr(stream, "isatty", None) and stream.isatty())
    return bool(enabled)


def progress(iterable: Iterable[Any], *, enabled: bool | None = True, total: int | None = None,
             desc: str | None = None) -> Iterable[Any]:
    """Wrap ``iterable`` in a tqdm progress bar when ``enabled`` (``None``: on a terminal)."""
    if not _show(enabled):
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, leave=False)


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def progress_bar(total: int, *, enabled: bool | None = True, desc: str | None = None) -> Any:
    """A progress bar advanced by hand (``bar.update(k)``), for work done step by step
    inside one call; a no-op object when not ``enabled`` (``None``: on a terminal)."""
    if not _show(enabled):
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, leave=False)


def _joblib_backend_active() -> bool:
    """Whether the caller chose a joblib backend (``with joblib.parallel_backend("dask")``
    or ``parallel_config``): then work is sent to it even when ``n_jobs`` is None."""
    try:
        from joblib.parallel import get_active_backend
    except ImportError:  # pragma: no cover
        return False
    backend, _ = get_active_backend()
    return type(backend).__name__ not in ("LokyBackend", "SequentialBackend")


def parallel_map(func: Callable[[Any], Any], items: Iterable[Any], n_jobs: int | None = None,
                 *, progress: bool | None = False, desc: str | None = None) -> list[Any]:
    """Apply ``func`` to each item, in parallel with joblib when ``n_jobs`` is not 1.

    With ``n_jobs=None`` the items run one after another, unless the caller activated a
    joblib backend (``with joblib.parallel_backend("dask"): ...``), which then runs them.
    ``progress`` shows a bar advancing as items finish (``None``: on a terminal only).
    """
    items = list(items)
    chosen = n_jobs is None and len(items) > 1 and _joblib_backend_active()
    if not chosen and (n_jobs in (None, 1) or len(items) <= 1):
        return [func(item) for item in _progress_iter(items, progress, desc)]
    from joblib import Parallel, delayed

    # n_jobs=None leaves the number of workers to the active backend (e.g. a Dask cluster)
    results = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(func)(item) for item in items)
    return list(_progress_iter(results, progress, desc, total=len(items)))


def _progress_iter(items: Iterable[Any], enabled: bool | None, desc: str | None,
                   total: int | None = None) -> Iterable[Any]:
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    return progress(items, enabled=enabled, total=total, desc=desc)
