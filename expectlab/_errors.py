"""One exception family for bad input and one warning class for fragile results.

Every user-facing error raised by expectlab is an :class:`InputError` (a ``ValueError``),
so callers can catch a single type. Messages say what was expected, what was found
(column, first offending rows and values, counts) and how to fix it; the helpers here
keep that wording consistent across modules.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from sklearn.exceptions import NotFittedError as _SkNotFittedError

__all__ = ["InputError", "NotFittedError", "FragileResultWarning", "describe_offenders",
           "require_columns"]


class InputError(ValueError):
    """Bad input: a file, column, value or argument that expectlab cannot use.

    The message names the source (file and column where known), the first offending
    rows and values with counts, and what to do about it.
    """


if TYPE_CHECKING:
    class NotFittedError(InputError, _SkNotFittedError):
        """A fitted result was asked of an estimator before ``fit``."""


def _not_fitted_error_class() -> type:
    from sklearn.exceptions import NotFittedError as sk_not_fitted

    class NotFittedError(InputError, sk_not_fitted):
        """A fitted result was asked of an estimator before ``fit``.

        It is scikit-learn's ``NotFittedError`` (so ``hasattr(model, "summary")`` is False
        before fitting and scikit-learn tools recognise it) and an :class:`InputError`.
        """

    NotFittedError.__module__ = __name__
    NotFittedError.__qualname__ = "NotFittedError"
    return NotFittedError


if not TYPE_CHECKING:
    # NotFittedError subclasses scikit-learn's, and importing any part of scikit-learn runs
    # sklearn/__init__ (sklearn.base, scipy.stats, ...: about 2 s). The class is built on
    # first use, so ``import expectlab`` and code that never touches an estimator (CLI
    # start-up, engine workers) do not pay for it.
    from ._lazy import built_on_first_use

    __getattr__, __dir__ = built_on_first_use(
        __name__, {"NotFittedError": _not_fitted_error_class})


class FragileResultWarning(UserWarning):
    """A result that holds but deserves caution.

    Raised for small samples, classifications that a significance test does not support,
    questionnaire wording that changed between waves, and optimisers that did not
    converge cleanly.
    """


def describe_offenders(
    values: pd.Series | Iterable[Any],
    mask: pd.Series | np.ndarray | None = None,
    *,
    max_rows: int = 5,
    row_label: str = "row",
) -> str:
    """Describe the offending entries of a column for an error message.

    Parameters
    ----------
    values : pandas.Series or iterable
        The column (its index is used as the row label).
    mask : boolean array-like, optional
        Which entries offend. All entries when omitted.
    max_rows : int
        How many offending rows to list before summarising the rest.
    row_label : str
        Word used for the index in the message ("row", "respondent", ...).

    Returns
    -------
    str
        For example ``"3 values, first: row 4 = 'x', row 9 = 'n/a', row 12 = 7"``.
    """
    import numpy as np
    import pandas as pd

    s = values if isinstance(values, pd.Series) else pd.Series(list(values))
    if mask is not None:
        s = s[np.asarray(mask, dtype=bool)]
    n = len(s)
    shown = ", ".join(f"{row_label} {idx!r} = {val!r}" for idx, val in s.iloc[:max_rows].items())
    noun = "value" if n == 1 else "values"
    more = "" if n <= max_rows else f" (and {n - max_rows} more)"
    return f"{n} {noun}, first: {shown}{more}" if n else "0 values"


def require_columns(
    data: pd.DataFrame, columns: Iterable[str | None], *, source: str = "the data"
) -> None:
    """Raise :class:`InputError` when any named column is missing from ``data``.

    ``None`` entries are skipped so optional column arguments can be passed straight in.
    """
    import pandas as pd

    if not isinstance(data, pd.DataFrame):
        raise InputError(
            f"Expected a pandas DataFrame for {source}, got {type(data).__name__}. "
            "Read the file with expectlab.read_survey(path).data or build a DataFrame first."
        )
    wanted = [c for c in columns if c is not None]
    missing = [c for c in wanted if c not in data.columns]
    if missing:
        available = ", ".join(map(repr, list(data.columns)[:20]))
        more = "" if len(data.columns) <= 20 else f" ... ({len(data.columns)} columns)"
        raise InputError(
            f"Column(s) {', '.join(map(repr, missing))} not found in {source}. "
            f"Available columns: {available}{more}. "
            "Check the spelling or pass the right column name."
        )
