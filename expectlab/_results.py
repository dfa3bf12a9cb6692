"""What every fitted model shares: the summary table, its text / HTML / LaTeX forms,
the record of excluded rows, and the fitted-check that guards use before ``fit``.

Estimators subclass :class:`FittedModelMixin` and implement ``summary`` (a DataFrame
property). Everything rendered as HTML goes through :func:`html.escape` (pandas does
this for cell values and labels), because labels come from client files.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._errors import InputError

__all__ = ["FittedModelMixin", "Estimator", "ExclusionLog", "EXCLUDED_COLUMNS",
           "SUMMARY_COLUMNS", "renamed_argument"]

EXCLUDED_COLUMNS = ["row", "reason"]

#: Column names of every ``summary`` table, in this order, where they apply: the
#: estimate, its standard error, the confidence limits (at ``1 - alpha``), the test
#: statistic (z, t or chi-square; the table's notes say which) and its p-value.
SUMMARY_COLUMNS = ["estimate", "se", "lower", "upper", "statistic", "p"]


def renamed_argument(old_name: str, old_value: Any, new_name: str, new_value: Any,
                     *, owner: str, removed_in: str = "0.3.0") -> Any:
    """Resolve a renamed keyword argument: the old name keeps working for one release.

    Returns the value to use. Passing the old name warns with a ``FutureWarning`` that
    says what to write instead; passing both names is an error.
    """
    import warnings

    if old_value is None:
        return new_value
    if new_value is not None:
        raise InputError(f"{owner}: pass {new_name}= only ({old_name}= is its old name).")
    warnings.warn(
        f"{owner}: {old_name}= is renamed {new_name}= and the old name will be removed in "
        f"expectlab {removed_in}. Write {new_name}={old_value!r}.",
        FutureWarning, stacklevel=3)
    return old_value


class ExclusionLog:
    """Collects rows left out of a fit, each with its reason.

    ``to_frame()`` gives the ``excluded_`` DataFrame every estimator exposes: one row per
    excluded input row with the columns ``row`` (the input index label) and ``reason``.
    """

    def __init__(self) -> None:
        self._parts: list[pd.DataFrame] = []

    def add(self, rows: Any, reason: str) -> None:
        rows = list(rows)
        if rows:
            self._parts.append(pd.DataFrame({"row": rows, "reason": reason}))

    def add_mask(self, data: pd.DataFrame | pd.Series, mask: Any, reason: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        self.add(data.index[mask], reason)

    def to_frame(self) -> pd.DataFrame:
        if not self._parts:
            return pd.DataFrame({"row": pd.Series(dtype=object), "reason": pd.Series(dtype=str)})
        return pd.concat(self._parts, ignore_index=True)

    def counts(self) -> pd.Series:
        """Number of excluded rows per reason."""
        return self.to_frame()["reason"].value_counts()


class FittedModelMixin:
    """Shared behaviour of fitted expectlab models.

    Subclasses provide ``summary`` (a DataFrame) and may set ``_summary_title`` and
    ``_summary_notes()`` (a list of strings printed under the table).
    """

    _summary_title: str = "expectlab model"

    #: True once fitted; set by ``fit`` (absent before, read with ``getattr``).
    _fitted: bool

    #: Names of the further result tables (DataFrame attributes or properties ending in
    #: ``_``) that ``to_dict`` exports next to ``summary``; each estimator lists its own.
    _tables: tuple[str, ...] = ()

    # -- parameter access for models not yet on the Estimator base ------------------------
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        import inspect

        sig = inspect.signature(type(self).__init__)
        names = [p for p in sig.parameters if p != "self" and sig.parameters[p].kind
                 not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)]
        return {name: getattr(self, name) for name in names}

    def set_params(self, **params: Any) -> FittedModelMixin:
        valid = self.get_params()
        for key, value in params.items():
            if key not in valid:
                raise InputError(
                    f"Unknown parameter {key!r} for {type(self).__name__}. "
                    f"Valid parameters: {', '.join(sorted(valid))}."
                )
            setattr(self, key, value)
        return self

    # -- fitted state --------------------------------------------------------------------
    def _check_fitted(self) -> None:
        """Raise scikit-learn's ``NotFittedError`` (a ValueError and an AttributeError,
        so ``hasattr(unfitted, "summary")`` is simply False) before ``fit``."""
        if not getattr(self, "_fitted", False):
            from ._errors import NotFittedError  # built on first use (imports sklearn)

            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet. Call .fit(data, ...) first."
            )

    def __sklearn_is_fitted__(self) -> bool:
        return bool(getattr(self, "_fitted", False))

    # -- export ----------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """The summary table as a new DataFrame (for export or further work)."""
        self._check_fitted()
        return self.summary.copy()

    def to_dict(self) -> dict[str, Any]:
        """Every result table as plain Python data: ``{"summary": [...records], ...}``
        with the tables listed in ``_tables``, plus ``n_obs`` and ``excluded``."""
        self._check_fitted()
        out: dict[str, Any] = {"summary": _records(self.summary)}
        for name in self._tables:
            table = getattr(self, name)
            out[name.rstrip("_")] = _records(table) if isinstance(
                table, (pd.DataFrame, pd.Series)) else table
        out["n_obs"] = getattr(self, "n_obs_", None)
        excluded = getattr(self, "excluded_", None)
        out["excluded"] = _records(excluded) if isinstance(excluded, pd.DataFrame) else None
        return out

    def _summary_notes(self) -> list[str]:
        notes = []
        n_obs = getattr(self, "n_obs_", None)
        if n_obs is not None:
            notes.append(f"Observations used: {n_obs}")
        excluded = getattr(self, "excluded_", None)
        if isinstance(excluded, pd.DataFrame) and len(excluded):
            by_reason = excluded["reason"].value_counts()
            parts = "; ".join(f"{n} {reason}" for reason, n in by_reason.items())
            notes.append(f"Rows excluded: {len(excluded)} ({parts})")
        return notes

    @property
    def summary(self) -> pd.DataFrame:  # pragma: no cover - overridden
        raise NotImplementedError

    # -- rendering -----------------------------------------------------------------------
    def print_summary(self, decimals: int = 3, style: str | None = None) -> None:
        """Print the summary as text (default), ``"html"`` or ``"latex"``."""
        self._check_fitted()
        table = self.summary
        if style is None or style == "ascii":
            with pd.option_context("display.width", 120, "display.max_columns", 50):
                print(self._summary_title)
                for note in self._summary_notes():
                    print(note)
                print(table.round(decimals).to_string())
        elif style == "html":
            from IPython.display import HTML, display

            display(HTML(self._html(decimals)))
        elif style == "latex":
            print(table.round(decimals).to_latex(escape=True))
        else:
            raise InputError(f"style must be None, 'ascii', 'html' or 'latex', got {style!r}.")

    def _html(self, decimals: int = 3) -> str:
        table = self.summary.round(decimals)
        notes = "".join(f"<p>{html.escape(n)}</p>" for n in self._summary_notes())
        return f"<h4>{html.escape(self._summary_title)}</h4>{notes}{table.to_html(escape=True)}"

    def _repr_html_(self) -> str:
        if not getattr(self, "_fitted", False):
            return f"<p>{html.escape(type(self).__name__)} (not fitted)</p>"
        return self._html()


def _records(table: pd.DataFrame | pd.Series) -> list[dict[str, Any]]:
    frame = table.to_frame() if isinstance(table, pd.Series) else table
    index_names = [n if n is not None else "index" for n in frame.index.names]
    flat = frame.reset_index(names=index_names) if not isinstance(
        frame.index, pd.RangeIndex) else frame
    return flat.to_dict(orient="records")


if TYPE_CHECKING:
    from sklearn.base import BaseEstimator

    class Estimator(FittedModelMixin, BaseEstimator):
        """Base class of every expectlab estimator (built by :func:`_estimator_class`)."""

        def set_params(self, **params: Any) -> Estimator: ...


def _estimator_class() -> type:
    from sklearn.base import BaseEstimator as _SkBase

    class Estimator(FittedModelMixin, _SkBase):
        """Base class of every expectlab estimator: the scikit-learn contract plus the
        shared results behaviour.

        - ``__init__`` only stores settings (``get_params``/``set_params``/``clone`` work
          and ``repr`` shows them);
        - ``fit(data, *, <role>=columns, weights=None, ...)`` validates through
          :mod:`expectlab._validate`, sets attributes ending in ``_`` and returns ``self``;
        - before ``fit``, fitted attributes raise ``sklearn.exceptions.NotFittedError``;
        - ``summary`` (columns from :data:`SUMMARY_COLUMNS` where they apply), the tables
          named in ``_tables``, ``print_summary()``, ``to_frame()``, ``to_dict()``,
          ``n_obs_`` and ``excluded_``;
        - plots are ``plot_*(..., ax=None)`` methods returning the matplotlib Axes.
        """

        get_params = _SkBase.get_params

        def set_params(self, **params: Any) -> Estimator:
            """Set settings by name (scikit-learn's ``set_params``); an unknown name is an
            :class:`InputError` listing the valid ones."""
            valid = self.get_params(deep=False)
            unknown = [k for k in params if k.split("__")[0] not in valid]
            if unknown:
                raise InputError(
                    f"Unknown parameter(s) {unknown} for {type(self).__name__}. "
                    f"Valid parameters: {', '.join(sorted(valid))}."
                )
            return _SkBase.set_params(self, **params)
        __repr__ = _SkBase.__repr__

        # FittedModelMixin first: its HTML representation (the fitted results) wins over
        # scikit-learn's estimator diagram.
        def _repr_html_(self) -> str:
            return FittedModelMixin._repr_html_(self)

    Estimator.__module__ = __name__
    Estimator.__qualname__ = "Estimator"
    return Estimator


if not TYPE_CHECKING:
    # Estimator subclasses scikit-learn's BaseEstimator, and importing sklearn.base costs
    # about 2 s (sklearn/__init__, scipy.stats, ...). The class is built when a module
    # defining an estimator first asks for it, so modules that only need the ExclusionLog
    # or the summary helpers (readers, scales, engine workers counting partitions) do not
    # pay for scikit-learn.
    from ._lazy import built_on_first_use

    __getattr__, __dir__ = built_on_first_use(__name__, {"Estimator": _estimator_class})
