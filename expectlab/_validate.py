"""The one place where model inputs are checked: columns, numbers, scales, weights, groups.

Every estimator and report section turns a DataFrame (or a :class:`~expectlab.Study`) into
validated arrays through these helpers, so a check is written once and says the same
thing everywhere. Each helper either returns clean values or raises one
:class:`~expectlab.InputError` that names the column, the first offending rows and values,
and the fix. Rows that cannot be used (a missing answer, a missing or zero weight) are not
errors: they are recorded in an :class:`~expectlab._results.ExclusionLog` with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from ._errors import InputError, describe_offenders, require_columns
from ._results import ExclusionLog

if TYPE_CHECKING:  # pragma: no cover
    from .study import Study

__all__ = [
    "as_frame",
    "numeric_column",
    "numeric_array",
    "check_in_scale",
    "resolve_scale",
    "weights_array",
    "check_not_collinear",
    "group_labels",
    "column_list",
]

Scale = tuple[float, float]


def as_frame(data: Any, *, source: str = "data") -> tuple[pd.DataFrame, Study | None]:
    """The DataFrame behind ``data`` and the study it came from (``None`` for a frame).

    Estimators accept a :class:`~expectlab.Study` wherever they accept a DataFrame; the
    study then also supplies the codebook (scales, item lists) and default roles
    (weights, segments, wave).
    """
    from .study import Study

    if isinstance(data, Study):
        return data.data, data
    if isinstance(data, pd.DataFrame):
        return data, None
    if hasattr(data, "data") and isinstance(getattr(data, "data", None), pd.DataFrame):
        # a SurveyData from read_survey: validated the same way as a Study
        study = Study.from_survey(data)
        return study.data, study
    raise InputError(
        f"Expected a pandas DataFrame or an expectlab.Study for {source}, got "
        f"{type(data).__name__}. Read the file with expectlab.read_survey(path) and pass "
        "survey.data, or build a Study with expectlab.Study.from_survey(survey)."
    )


def column_list(spec: str | Sequence[str] | None, *, role: str) -> list[str]:
    """A role's column names as a list (a single name becomes a one-element list)."""
    if spec is None:
        return []
    if isinstance(spec, str):
        return [spec]
    try:
        names = list(spec)
    except TypeError:
        raise InputError(f"{role}= must be a column name or a list of column names, got "
                         f"{spec!r}.") from None
    bad = [n for n in names if not isinstance(n, str)]
    if bad:
        raise InputError(f"{role}= must list column names (text), found {bad[:5]!r}.")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(f"{role}= lists {dupes} more than once. List each column once.")
    return names


def numeric_column(
    data: pd.DataFrame,
    column: str,
    *,
    role: str = "column",
    source: str = "the data",
) -> pd.Series:
    """A column as float, refusing text and infinite values.

    Text in a numeric role (one stray ``"n/a?"`` in a driver) must never turn the column
    into categories or into a silent missing value: it is an error naming the rows. Empty
    cells stay missing (``NaN``); booleans become 0/1.

    Parameters
    ----------
    data : DataFrame
        The data.
    column : str
        The column to convert.
    role : str
        What the column is for ("driver", "weight", "expectation item" ...), for messages.
    source : str
        Where the data came from, for messages.

    Returns
    -------
    pandas.Series
        Float values with the data's index.

    Examples
    --------
    >>> import pandas as pd
    >>> numeric_column(pd.DataFrame({"q": [1, 2, None]}), "q").tolist()
    [1.0, 2.0, nan]
    """
    require_columns(data, [column], source=source)
    series = data[column]
    if isinstance(series, pd.DataFrame):
        raise InputError(f"{source} has more than one column named {column!r}. Give every "
                         "column a unique name.")
    if pd.api.types.is_bool_dtype(series):
        values = series.astype(float)
    elif pd.api.types.is_numeric_dtype(series):
        values = series.astype(float)
    else:
        as_text = series.astype(object)
        present = as_text.notna()
        # Strings that are numbers ("3", " 4.5 ") are numbers; anything else is text.
        coerced = pd.to_numeric(as_text.map(lambda v: float(v) if _is_bool(v) else v),
                                errors="coerce")
        bad = present & coerced.isna()
        if bad.any():
            raise InputError(
                f"{role.capitalize()} column {column!r} in {source} must hold numbers, but "
                f"has text: {describe_offenders(series, bad)}. Declare such answers as "
                "missing-value codes when reading the file (read_survey(..., "
                "missing_codes=...)) or in the codebook, or correct them; if the column is "
                "really categorical, declare it so (it is then dummy-coded)."
            )
        values = coerced.astype(float)
    arr = values.to_numpy()
    inf = np.isinf(arr)
    if inf.any():
        raise InputError(
            f"{role.capitalize()} column {column!r} in {source} has infinite values: "
            f"{describe_offenders(series, inf)}. Replace them with real values or leave the "
            "cells empty."
        )
    return values


def numeric_array(data: pd.DataFrame, columns: Iterable[str], *, role: str = "column",
                  source: str = "the data") -> np.ndarray:
    """Several columns as a float matrix (rows x columns), each checked by
    :func:`numeric_column`."""
    cols = list(columns)
    if not cols:
        return np.empty((len(data), 0))
    return np.column_stack([numeric_column(data, c, role=role, source=source).to_numpy()
                            for c in cols])


def _is_bool(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def _scale_text(scale: Scale) -> str:
    lo, hi = (int(v) if float(v).is_integer() else v for v in scale)
    return f"{lo}-{hi}"


def check_in_scale(values: pd.Series, scale: Scale, *, column: str, source: str = "the data",
                   role: str = "item") -> None:
    """Raise when an answer lies outside its declared scale.

    Values such as 99 or -99 on a 1-7 item are almost always missing-value codes; averaged
    into a score they give a wrong number without any error, so they are refused here.
    """
    lo, hi = scale
    arr = values.to_numpy(dtype=float)
    bad = ~np.isnan(arr) & ((arr < lo) | (arr > hi))
    if bad.any():
        raise InputError(
            f"{role.capitalize()} column {column!r} in {source}: values outside the declared "
            f"scale {_scale_text(scale)}: {describe_offenders(values, bad)}. If these are "
            "missing-value codes (e.g. 99 'don't know'), declare them (read_survey(..., "
            "missing_codes=...) or 'missing:' in the codebook); otherwise correct the data "
            "or the declared scale."
        )


def resolve_scale(
    scale: Scale | Sequence[float] | Literal["infer"] | None,
    data: pd.DataFrame,
    columns: Sequence[str],
    *,
    study: Study | None = None,
    role: str = "item",
    source: str = "the data",
) -> tuple[Scale, bool]:
    """The answer scale of ``columns`` and whether it was inferred from the data.

    Precedence: an explicit ``scale=(min, max)``; else the codebook of the study (all
    columns must share one declared scale); else ``scale="infer"`` takes the observed
    minimum and maximum, which the caller must show next to its results. Without any of
    these the scale is unknown and that is an error: inferring it silently would average
    missing-value codes such as 99 into scores.

    Every non-missing value is checked against the scale that is returned.

    Returns
    -------
    (min, max), inferred : tuple of float, bool
    """
    cols = list(columns)
    inferred = False
    if isinstance(scale, str):
        if scale != "infer":
            raise InputError(f"scale must be (min, max), 'infer' or None, got {scale!r}.")
        values = numeric_array(data, cols, role=role, source=source)
        finite = values[~np.isnan(values)]
        if finite.size == 0:
            raise InputError(f"Cannot infer the scale of {cols}: every value is missing.")
        resolved: Scale = (float(finite.min()), float(finite.max()))
        if resolved[0] == resolved[1]:
            raise InputError(f"Cannot infer the scale of {cols}: every answer is "
                             f"{resolved[0]:g}. Pass scale=(min, max).")
        inferred = True
    elif scale is not None:
        try:
            lo, hi = (float(v) for v in scale)
        except (TypeError, ValueError):
            raise InputError(f"scale must be a pair (min, max) of numbers, got {scale!r}."
                             ) from None
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise InputError(f"scale must be (min, max) with min < max, got {scale!r}.")
        resolved = (lo, hi)
    else:
        declared = {c: (study.scale_of(c) if study is not None else None) for c in cols}
        known = {c: s for c, s in declared.items() if s is not None}
        if len(known) < len(cols):
            unknown = [c for c in cols if c not in known]
            raise InputError(
                f"The answer scale of {unknown} is not declared. Pass scale=(min, max) "
                "(for example scale=(1, 7)), declare 'scale: [min, max]' for these items in "
                "the codebook, or pass scale='infer' to take the observed range (shown "
                "with the results as inferred)."
            )
        distinct = set(known.values())
        if len(distinct) > 1:
            detail = ", ".join(f"{c}: {_scale_text(s)}" for c, s in known.items())
            raise InputError(
                f"The items {cols} are declared on different scales ({detail}). Put them on "
                "one scale first (expectlab.reverse_code / rescaling) or pass scale=."
            )
        resolved = distinct.pop()
    for c in cols:
        check_in_scale(numeric_column(data, c, role=role, source=source), resolved,
                       column=c, source=source, role=role)
    return resolved, inferred


def weights_array(
    data: pd.DataFrame,
    weights: str | Sequence[float] | np.ndarray | pd.Series | None,
    *,
    log: ExclusionLog | None = None,
    keep: np.ndarray | None = None,
    source: str = "the data",
) -> np.ndarray:
    """Survey weights as a float array, checked once for every estimator.

    ``weights`` is a column name of ``data`` or one weight per row (array or Series);
    ``None`` gives equal weights. Non-numeric, negative and infinite weights are errors.
    Missing and zero weights are not errors when a ``log`` is given: those rows are
    recorded as excluded (``keep`` is updated in place) and get weight 0. Without a log
    they are errors. Weights that are zero for every usable row are always an error.

    Returns
    -------
    numpy.ndarray
        One non-negative finite weight per row of ``data`` (0 where excluded).
    """
    n = len(data)
    if weights is None:
        return np.ones(n)
    if isinstance(weights, str):
        series = numeric_column(data, weights, role="weight", source=source)
        label = f"Weight column {weights!r}"
    else:
        raw = weights.to_numpy() if isinstance(weights, pd.Series) else np.asarray(weights)
        if raw.ndim != 1 or raw.shape[0] != n:
            raise InputError(f"weights has shape {raw.shape} but the data have {n} rows. "
                             "Pass one weight per row (or the name of the weight column).")
        frame = pd.DataFrame({"weights": raw}, index=data.index)
        series = numeric_column(frame, "weights", role="weight", source="weights")
        label = "weights"
    w = series.to_numpy(dtype=float).copy()
    negative = w < 0
    if negative.any():
        raise InputError(
            f"{label} must hold non-negative numbers: {describe_offenders(series, negative)}. "
            "Fix the weights (a negative weight has no meaning in a survey)."
        )
    missing = np.isnan(w)
    zero = w == 0
    candidates = np.ones(n, dtype=bool) if keep is None else keep
    if n and not (w[candidates] > 0).any():
        raise InputError(f"{label}: every weight is zero or missing. Check the weight column.")
    if log is None:
        for mask, what in ((missing, "missing"), (zero, "zero")):
            if mask.any():
                raise InputError(f"{label} has {what} weights: "
                                 f"{describe_offenders(series, mask)}. Give every row a "
                                 "positive weight or drop those rows first.")
    else:
        if keep is None:
            keep = np.ones(n, dtype=bool)
        name = weights if isinstance(weights, str) else "weights"
        log.add_mask(data, missing & keep, f"missing weight {name!r}")
        keep &= ~missing
        log.add_mask(data, zero & keep, f"zero weight {name!r}")
        keep &= ~zero
    w[np.isnan(w)] = 0.0
    return w


def check_not_collinear(matrix: np.ndarray, names: Sequence[str], *, what: str = "drivers",
                        tol: float | None = None) -> None:
    """Refuse an exactly collinear design, naming the columns involved.

    Exactly collinear drivers have no unique coefficients: a fit would split their effect
    arbitrarily and report both as "significant". The columns named are those with weight
    in the design's null space (a combination of them is constant or zero).
    """
    x = np.asarray(matrix, dtype=float)
    if x.ndim != 2 or x.shape[1] == 0 or x.shape[0] == 0:
        return
    # Scale columns so the rank test does not depend on units.
    scale = np.sqrt((x**2).mean(axis=0))
    scale[scale == 0] = 1.0
    xs = x / scale
    _, sing, vt = np.linalg.svd(xs, full_matrices=False)
    # numpy's matrix_rank rule (largest singular value x size x machine epsilon), with a
    # margin for rounding in products: a relative cutoff that does not grow with n beyond
    # that rule, so a large sample of merely correlated drivers is never called collinear
    rel = tol if tol is not None else 100.0 * np.finfo(float).eps
    cutoff = rel * sing[0] * max(x.shape) if sing.size else 0.0
    if sing.size and sing[-1] > cutoff:
        return
    zero_cols = [names[j] for j in range(x.shape[1]) if not np.any(x[:, j])]
    null = vt[sing <= cutoff]
    involved = [names[j] for j in range(x.shape[1]) if np.any(np.abs(null[:, j]) > 1e-6)]
    detail = (f"{zero_cols} are zero for every usable row" if zero_cols else
              f"{involved} are exactly linearly dependent (one is a combination of the others, "
              "or a constant)")
    raise InputError(
        f"The {what} cannot be separated: {detail}. Their effects are not identified. Drop "
        "one of them (or combine them into one score) and fit again."
    )


def group_labels(data: pd.DataFrame, column: str, *, role: str = "group",
                 source: str = "the data") -> pd.Series:
    """A grouping column (wave, segment) whose labels can be ordered.

    A wave column holding both numbers and text (``1`` and ``"W2"``) has no order; sorting
    it fails deep inside pandas. Refuse it with the fix instead.
    """
    require_columns(data, [column], source=source)
    series = data[column]
    if isinstance(series, pd.Series) and _one_kind(series):
        return series
    present = series.dropna()
    is_number = present.map(lambda v: isinstance(v, (int, float, np.integer, np.floating,
                                                      bool, np.bool_))).to_numpy(bool)
    is_text = present.map(lambda v: isinstance(v, str)).to_numpy(bool)
    kinds = {"numeric": present[is_number], "text": present[is_text],
             "other": present[~is_number & ~is_text]}  # e.g. dates or complex numbers
    found = {kind: values for kind, values in kinds.items() if len(values)}
    if len(found) > 1:
        examples = " and ".join(repr(values.iloc[0]) for values in found.values())
        parts = [f"{len(values)} {kind}" for kind, values in found.items()]
        counts = ", ".join(parts[:-1]) + " and " + parts[-1]
        mixes = "numbers and text" if set(found) == {"numeric", "text"} else \
            "labels of different kinds"
        raise InputError(
            f"{role.capitalize()} column {column!r} in {source} mixes {mixes} "
            f"(for example {examples}; {counts} labels). Recode the {role}s "
            "consistently, all as numbers (1, 2, ...) or all as text ('W1', 'W2', ...)."
        )
    return series


# object columns whose present values pandas finds to be all of one of these kinds (numbers
# in group_labels' sense, or text) need no look at each value
_ONE_KIND = frozenset({"string", "integer", "floating", "mixed-integer-float", "boolean"})


def _one_kind(series: pd.Series) -> bool:
    """True when every present label of ``series`` is a number or every one is text.

    A shortcut of :func:`group_labels`' check for the common columns (numeric, boolean or
    text dtypes), decided from the dtype; any other column is checked value by value.
    """
    dtype = series.dtype
    if isinstance(dtype, pd.StringDtype):
        return True
    if pd.api.types.is_object_dtype(dtype):
        return pd.api.types.infer_dtype(series, skipna=True) in _ONE_KIND
    return (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)) \
        and not isinstance(dtype, pd.CategoricalDtype)
