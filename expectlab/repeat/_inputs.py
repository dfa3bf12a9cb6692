"""One input convention for the repeat-buying models.

Every model takes its per-customer columns either from a DataFrame (or a
:class:`~expectlab.Study`), named by keyword with the usual names as defaults, or as
arrays in the order of the model's roles (the lifetimes-style call
``fit(frequency, recency, T)``). ``weights`` is a column name of the frame or one weight
per row (how many customers share the history). Values go through
:mod:`expectlab._validate`, so text and infinite values are errors naming the column.

A frame that carries a column that looks like row weights (``weights``, ``count``,
``n_customers``...) but is fitted without ``weights=`` is refused: silently ignoring such a
column fits every distinct history once and gives badly wrong estimates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._errors import InputError
from .._results import ExclusionLog
from .._validate import as_frame, numeric_column, weights_array

__all__ = ["NOT_GIVEN", "RoleData", "WEIGHT_LIKE_COLUMNS", "role_data", "row_weights"]

#: Column names that mean "this many customers share the row"; a frame holding one of
#: them must say whether it is used (``weights="count"``) or not (``weights=None``).
WEIGHT_LIKE_COLUMNS = ("weights", "weight", "count", "counts", "n_customers", "customers")

_ARRAY_SOURCE = "the arrays passed to {owner}"


class _NotGiven:
    """Default of ``weights``: tells "not given" apart from an explicit ``None``."""

    _instance: _NotGiven | None = None

    def __new__(cls) -> _NotGiven:  # one instance, so it survives pickling and clone
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<not given>"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Any = _NotGiven()


@dataclass
class RoleData:
    """Validated role columns of one call."""

    values: dict[str, np.ndarray]
    labels: pd.Index
    frame: pd.DataFrame  # the input frame, or an index-only frame for arrays
    columns: dict[str, str]  # role -> column name (the role itself for arrays)
    weights: Any  # what to hand to weights_array (column name, array or None)
    weights_note: str
    from_frame: bool


def _is_frame_like(data: Any) -> bool:
    from ..study import Study

    return isinstance(data, (pd.DataFrame, Study)) or isinstance(
        getattr(data, "data", None), pd.DataFrame)


def role_data(
    data: Any,
    given: dict[str, Any],
    *,
    roles: Sequence[str],
    owner: str,
    weights: Any = None,
    defaults: dict[str, str] | None = None,
    broadcast: Sequence[str] = (),
) -> RoleData:
    """Resolve the role columns of a fit or prediction call.

    Parameters
    ----------
    data : DataFrame, Study, array-like or None
        A frame holding the role columns, or the first role's values.
    given : dict
        What the call passed for each role (a column name, an array or ``None``).
    roles : sequence of str
        The model's roles in positional order, e.g. ``("frequency", "recency", "T")``.
    owner : str
        The method, for messages (``"BetaGeo.fit"``).
    weights : str, array-like, None or NOT_GIVEN
        As passed by the caller.
    defaults : dict, optional
        Column name of each role when a frame is passed (default: the role name).
    broadcast : sequence of str
        Roles whose single value may stand for every row (a common age ``T``).
    """
    defaults = {r: r for r in roles} | dict(defaults or {})
    if data is not None and _is_frame_like(data):
        return _from_frame(data, given, roles=roles, owner=owner, weights=weights,
                           defaults=defaults)
    return _from_arrays(data, given, roles=roles, owner=owner, weights=weights,
                        broadcast=broadcast)


def _from_frame(data: Any, given: dict[str, Any], *, roles: Sequence[str], owner: str,
                weights: Any, defaults: dict[str, str]) -> RoleData:
    frame, study = as_frame(data, source=f"the data of {owner}")
    source = study.source if study is not None else "the data"
    columns = {}
    for role in roles:
        spec = given.get(role)
        if spec is None:
            columns[role] = defaults[role]
        elif isinstance(spec, str):
            columns[role] = spec
        else:
            raise InputError(
                f"{owner}: pass either a DataFrame (with {role}= naming its column) or arrays "
                f"for every role, not both: {role}= is a {type(spec).__name__}. Write "
                f"{owner.split('.')[-1]}(frame, {role}='column name') or pass arrays only.")
    missing = [c for c in columns.values() if c not in frame.columns]
    if missing:
        available = ", ".join(map(repr, list(frame.columns)[:20]))
        wanted = ", ".join(f"{r}={c!r}" for r, c in columns.items())
        raise InputError(
            f"{owner}: the summary DataFrame lacks column(s) {missing} (looking for {wanted}). "
            f"Available columns: {available}. Name the columns by keyword (e.g. "
            f"{roles[-1]}='age'), make the summary with expectlab.summarise_transactions, or "
            "pass arrays.")
    if len(frame) == 0:
        raise InputError(f"{owner}: the data have no rows (expected one row per customer with "
                         f"{', '.join(map(repr, columns.values()))}).")
    values = {role: numeric_column(frame, col, role=role, source=source).to_numpy()
              for role, col in columns.items()}
    spec, note = _weights_spec(frame, study, weights, columns, owner)
    return RoleData(values, frame.index, frame, columns, spec, note, True)


def _weights_spec(frame: pd.DataFrame, study: Any, weights: Any, columns: dict[str, str],
                  owner: str) -> tuple[Any, str]:
    if weights is NOT_GIVEN:
        if study is not None and study.weights:
            return study.weights, f"Weights: column {study.weights!r} (the study's weights)"
        lookalike = [c for c in frame.columns if isinstance(c, str)
                     and c.lower() in WEIGHT_LIKE_COLUMNS and c not in columns.values()]
        if lookalike:
            name = lookalike[0]
            raise InputError(
                f"{owner}: the data have a column {name!r} that looks like row weights (how "
                "many customers share each history), but weights= was not given, so it would "
                f"be ignored and every row counted once. Pass weights={name!r} to use it, or "
                "weights=None to fit without weights.")
        return None, "Weights: none (every row is one customer)"
    if weights is None:
        return None, "Weights: none (every row is one customer)"
    if isinstance(weights, str):
        return weights, f"Weights: column {weights!r}"
    return weights, "Weights: array passed to fit"


def _from_arrays(data: Any, given: dict[str, Any], *, roles: Sequence[str], owner: str,
                 weights: Any, broadcast: Sequence[str]) -> RoleData:
    first = roles[0]
    raw = dict(given)
    if data is not None:
        if raw.get(first) is not None:
            raise InputError(f"{owner}: {first} is given twice (as the first argument and as "
                             f"{first}=). Pass it once.")
        raw[first] = data
    named = [r for r in roles if isinstance(raw.get(r), str)]
    if named:
        r = named[0]
        raise InputError(
            f"{owner}: {r}={raw[r]!r} names a column, but no DataFrame was passed. Pass the "
            f"DataFrame first ({owner.split('.')[-1]}(frame, {r}={raw[r]!r})) or arrays.")
    absent = [r for r in roles if raw.get(r) is None]
    if absent:
        raise InputError(
            f"{owner}: {' and '.join(absent)} {'is' if len(absent) == 1 else 'are'} required "
            "(or pass the summary DataFrame alone).")
    like = raw[first]
    labels = like.index if isinstance(like, (pd.Series, pd.DataFrame)) else None
    arrays = {}
    for role in roles:
        value = raw[role]
        arr = np.asarray(value.to_numpy() if isinstance(value, (pd.Series, pd.Index))
                         else value)
        if arr.dtype.kind in "US" and not isinstance(value, np.ndarray):
            # numpy turns [True, "x"] into text "True": keep the original values instead
            arr = np.asarray(value, dtype=object)
        if arr.ndim == 0:
            arr = arr.reshape(1)
        if arr.ndim != 1:
            raise InputError(f"{owner}: {role} must be one-dimensional, got shape {arr.shape}.")
        arrays[role] = arr
    n = arrays[first].size
    if n == 0:
        raise InputError(f"{owner}: {first} is empty (expected one value per customer).")
    for role in broadcast:
        if arrays[role].size == 1 and n > 1:
            arrays[role] = np.repeat(arrays[role], n)
    sizes = {r: a.size for r, a in arrays.items()}
    if len(set(sizes.values())) > 1:
        shown = ", ".join(f"{r}: {s}" for r, s in sizes.items())
        raise InputError(f"{owner}: {', '.join(roles)} must have the same length, got {shown}.")
    index = labels if labels is not None and len(labels) == n else pd.RangeIndex(n)
    frame = pd.DataFrame({r: pd.Series(a, index=index) for r, a in arrays.items()})
    source = _ARRAY_SOURCE.format(owner=owner)
    values = {r: numeric_column(frame, r, role=r, source=source).to_numpy() for r in roles}
    if isinstance(weights, str):
        raise InputError(
            f"{owner}: weights={weights!r} names a column, but the data were passed as arrays. "
            "Pass the DataFrame first, or one weight per row as an array.")
    spec = None if weights is NOT_GIVEN else weights
    note = ("Weights: none (every row is one customer)" if spec is None
            else "Weights: array passed to fit")
    return RoleData(values, index, pd.DataFrame(index=index), {r: r for r in roles}, spec, note,
                    False)


def row_weights(inputs: RoleData, keep: np.ndarray, log: ExclusionLog, owner: str) -> np.ndarray:
    """The weights of every row, checked by :func:`expectlab._validate.weights_array`.

    Rows with a missing or zero weight are recorded in ``log`` and dropped from ``keep``
    (updated in place); negative, infinite or non-numeric weights, and weights that are zero
    for every usable row, are errors.
    """
    if not keep.any():
        return np.zeros(keep.size)
    return weights_array(inputs.frame, inputs.weights, log=log, keep=keep,
                         source=f"the data of {owner}")
