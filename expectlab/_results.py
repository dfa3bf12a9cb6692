"""What every fitted model shares: the summary table, its text / HTML / LaTeX forms,
the record of excluded rows, and the fitted-check that guards use before ``fit``.

Estimators subclass :class:`FittedModelMixin` and implement ``summary`` (a DataFrame
property). Everything rendered as HTML goes through :func:`html.escape` (pandas does
this for cell values and labels), because labels come from client files.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

from ._errors import InputError

__all__ = ["FittedModelMixin", "ExclusionLog", "EXCLUDED_COLUMNS"]

EXCLUDED_COLUMNS = ["row", "reason"]


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

    # -- sklearn-style parameter access ------------------------------------------------
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
        if not getattr(self, "_fitted", False):
            raise InputError(
                f"This {type(self).__name__} is not fitted yet. Call .fit(data, ...) first."
            )

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
