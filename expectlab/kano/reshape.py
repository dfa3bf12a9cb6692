"""Reshape the common wide Kano export (two columns per attribute) into tidy long data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from .._errors import InputError, require_columns

__all__ = ["reshape_wide"]


def reshape_wide(
    data: pd.DataFrame,
    pairs: Mapping[str, Sequence[str]],
    *,
    respondent: str,
    keep: Sequence[str] | None = None,
    importance: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Turn one-row-per-respondent Kano data into one row per respondent x attribute.

    Parameters
    ----------
    data : pandas.DataFrame
        Wide survey data.
    pairs : dict
        Attribute label -> ``[functional column, dysfunctional column]``. The pairing is
        declared rather than guessed because exports sometimes put the dysfunctional
        column first.
    respondent : str
        Respondent id column.
    keep : list of str, optional
        Further columns copied to every long row (wave, segment, weight, ...).
    importance : dict, optional
        Attribute label -> column of self-stated importance.

    Returns
    -------
    pandas.DataFrame
        Columns ``respondent`` (named as in ``data``), ``attribute``, ``functional``,
        ``dysfunctional``, ``importance`` (when given), the ``keep`` columns, and
        ``source_row`` (the index label of the wide row, so problems can be traced back).

    Examples
    --------
    >>> import pandas as pd
    >>> wide = pd.DataFrame({"id": [1, 2], "app_f": [1, 2], "app_d": [5, 5]})
    >>> reshape_wide(wide, {"Service app": ["app_f", "app_d"]}, respondent="id")[
    ...     ["id", "attribute", "functional", "dysfunctional"]]
       id    attribute  functional  dysfunctional
    0   1  Service app           1              5
    1   2  Service app           2              5
    """
    if not isinstance(pairs, Mapping) or not pairs:
        raise InputError(
            "pairs must be a non-empty dict attribute label -> [functional column, "
            f"dysfunctional column]; got {pairs!r}."
        )
    bad = [f"{k!r}: {v!r}" for k, v in pairs.items()
           if isinstance(v, str) or not isinstance(v, Sequence) or len(v) != 2]
    if bad:
        raise InputError(
            "Each Kano pair must list exactly two columns [functional, dysfunctional]; "
            f"check {'; '.join(bad[:5])}."
        )
    keep = list(keep or [])
    importance = dict(importance or {})
    unknown = sorted(set(importance) - set(pairs), key=str)
    if unknown:
        raise InputError(
            f"importance names attribute(s) {', '.join(map(repr, unknown))} that are not in "
            "pairs; use the same attribute labels in both."
        )
    needed = [respondent, *keep, *(c for v in pairs.values() for c in v),
              *importance.values()]
    require_columns(data, needed, source="the wide Kano data")
    parts: list[pd.DataFrame] = []
    for label, (fcol, dcol) in pairs.items():
        part = pd.DataFrame({
            respondent: data[respondent].to_numpy(),
            "attribute": str(label),
            "functional": data[fcol].to_numpy(),
            "dysfunctional": data[dcol].to_numpy(),
        })
        if importance:
            col = importance.get(label)
            part["importance"] = data[col].to_numpy(dtype=float) if col else float("nan")
        for col in keep:
            part[col] = data[col].to_numpy()
        part["source_row"] = data.index.to_numpy()
        parts.append(part)
    return pd.concat(parts, ignore_index=True)

