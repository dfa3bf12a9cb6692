"""Scale helpers: reverse coding, multi-item scale scores and Cronbach's alpha.

Survey constructs (expectation, satisfaction, trust ...) are usually measured by several
items. :func:`scale_score` averages them, after reverse-coding negatively worded ones,
and reports how reliable the scale is: Cronbach's alpha with a confidence interval
(Feldt's F-distribution interval), corrected item-total correlations and alpha if each
item were dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ._errors import FragileResultWarning, InputError, describe_offenders, require_columns
from ._results import ExclusionLog

__all__ = ["reverse_code", "cronbach_alpha", "scale_score", "CronbachAlpha", "ScaleScore"]


def reverse_code(values, scale: tuple[float, float]):
    """Reverse an item on its scale: ``min + max - x``.

    Parameters
    ----------
    values : Series, DataFrame or array-like
        Answers; missing values stay missing.
    scale : (min, max)
        The declared scale, e.g. ``(1, 7)``.

    Returns
    -------
    Same type as ``values``.

    Raises
    ------
    InputError
        When a value lies outside the scale (reversing it would be meaningless).

    Examples
    --------
    >>> import pandas as pd
    >>> reverse_code(pd.Series([1, 4, 7, None]), scale=(1, 7)).tolist()
    [7.0, 4.0, 1.0, nan]
    """
    try:
        lo, hi = float(scale[0]), float(scale[1])
    except (TypeError, ValueError, IndexError):
        raise InputError(f"scale must be (min, max), got {scale!r}.") from None
    if not lo < hi:
        raise InputError(f"scale minimum must be below maximum, got {scale!r}.")
    if isinstance(values, pd.DataFrame):
        return values.apply(lambda col: reverse_code(col, scale))
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values))
    numeric = pd.to_numeric(series, errors="coerce")
    non_numeric = series.notna() & numeric.isna()
    if non_numeric.any():
        raise InputError(
            f"Cannot reverse-code {series.name or 'the item'!r}: non-numeric answers "
            f"{describe_offenders(series, non_numeric)}. Turn them into missing values first."
        )
    outside = numeric.notna() & ((numeric < lo) | (numeric > hi))
    if outside.any():
        raise InputError(
            f"Cannot reverse-code {series.name or 'the item'!r} on the scale {lo:g}-{hi:g}: "
            f"values outside it: {describe_offenders(series, outside)}. Declare missing "
            "codes first or correct the scale."
        )
    reversed_ = lo + hi - numeric.astype(float)
    if isinstance(values, pd.Series):
        return reversed_
    return reversed_.to_numpy()


@dataclass
class CronbachAlpha:
    """Cronbach's alpha of a multi-item scale.

    Attributes
    ----------
    alpha : float
        The estimate.
    ci : (float, float)
        Feldt's (1965) confidence interval.
    n : int
        Respondents with every item answered (used for alpha).
    k : int
        Number of items.
    items : DataFrame
        Per item: mean, sd, corrected item-total correlation, alpha if the item is dropped.
    """

    alpha: float
    ci: tuple[float, float]
    n: int
    k: int
    items: pd.DataFrame
    confidence: float = 0.95

    def __repr__(self) -> str:
        return (
            f"CronbachAlpha(alpha={self.alpha:.3f}, "
            f"{self.confidence:.0%} CI [{self.ci[0]:.3f}, {self.ci[1]:.3f}], "
            f"n={self.n}, k={self.k})"
        )


def _alpha_value(x: np.ndarray) -> float:
    k = x.shape[1]
    item_var = x.var(axis=0, ddof=1).sum()
    total_var = x.sum(axis=1).var(ddof=1)
    if total_var <= 0:
        return float("nan")
    return float(k / (k - 1) * (1 - item_var / total_var))


def cronbach_alpha(items: pd.DataFrame, *, alpha: float = 0.05) -> CronbachAlpha:
    """Cronbach's alpha with Feldt's confidence interval and item statistics.

    Parameters
    ----------
    items : DataFrame
        One column per item (already reverse-coded where needed). Rows with any item
        missing are left out of alpha (listwise), as is standard.
    alpha : float
        One minus the confidence level of the interval.

    Returns
    -------
    CronbachAlpha

    Notes
    -----
    The interval follows Feldt (1965): with ``n`` respondents and ``k`` items,
    ``(1 - alpha_hat) / (1 - alpha)`` follows an F distribution with ``n - 1`` and
    ``(n - 1)(k - 1)`` degrees of freedom, so the bounds are
    ``1 - (1 - alpha_hat) * F_{1 - a/2}`` and ``1 - (1 - alpha_hat) * F_{a/2}``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> true = rng.normal(size=500)
    >>> items = pd.DataFrame({f"q{j}": true + rng.normal(size=500) for j in range(4)})
    >>> round(cronbach_alpha(items).alpha, 2)
    0.8
    """
    if not isinstance(items, pd.DataFrame):
        raise InputError(f"items must be a DataFrame of item columns, got {type(items).__name__}.")
    if items.shape[1] < 2:
        raise InputError(
            f"Cronbach's alpha needs at least two items, got {items.shape[1]} "
            f"({list(items.columns)})."
        )
    if not 0 < alpha < 1:
        raise InputError(f"alpha must lie between 0 and 1, got {alpha!r}.")
    numeric = items.apply(pd.to_numeric, errors="coerce")
    for col in items.columns:
        bad = items[col].notna() & numeric[col].isna()
        if bad.any():
            raise InputError(
                f"Item {col!r} holds non-numeric answers: {describe_offenders(items[col], bad)}."
                " Turn them into missing values (declare missing codes) first."
            )
    complete = numeric.dropna()
    n, k = complete.shape
    if n < 3:
        raise InputError(
            f"Cronbach's alpha needs at least 3 respondents who answered every item; "
            f"found {n} of {len(items)}."
        )
    x = complete.to_numpy(dtype=float)
    value = _alpha_value(x)
    df1, df2 = n - 1, (n - 1) * (k - 1)
    lower = 1 - (1 - value) * stats.f.ppf(1 - alpha / 2, df1, df2)
    upper = 1 - (1 - value) * stats.f.ppf(alpha / 2, df1, df2)
    total = x.sum(axis=1)
    rows = []
    for j, col in enumerate(complete.columns):
        rest = total - x[:, j]
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.corrcoef(x[:, j], rest)[0, 1] if x[:, j].std() > 0 else np.nan
        dropped = _alpha_value(np.delete(x, j, axis=1)) if k > 2 else np.nan
        rows.append({"item": col, "mean": x[:, j].mean(), "sd": x[:, j].std(ddof=1),
                     "item_total_r": r, "alpha_if_dropped": dropped})
    table = pd.DataFrame(rows).set_index("item")
    return CronbachAlpha(value, (float(lower), float(upper)), n, k, table, 1 - alpha)


@dataclass
class ScaleScore:
    """A multi-item scale score and its reliability.

    Attributes
    ----------
    name : str
        Scale name.
    scores : Series
        Mean of the answered items per respondent (index as the data); missing where
        fewer than ``min_items`` items were answered.
    reliability : CronbachAlpha or None
        ``None`` for single-item scales.
    items : list of str
        Item columns (after reverse coding of those listed in ``reversed_items``).
    reversed_items : list of str
    excluded_ : DataFrame
        Rows without a score, with the reason.
    """

    name: str
    scores: pd.Series
    reliability: CronbachAlpha | None
    items: list[str]
    reversed_items: list[str]
    excluded_: pd.DataFrame

    def __repr__(self) -> str:
        rel = "single item" if self.reliability is None else repr(self.reliability)
        return (
            f"ScaleScore({self.name!r}: {len(self.items)} items, "
            f"{int(self.scores.notna().sum())} scores, {rel})"
        )


def scale_score(
    data: pd.DataFrame,
    items: Sequence[str],
    *,
    name: str | None = None,
    reverse: Sequence[str] | None = None,
    scale: tuple[float, float] | None = None,
    min_items: int | None = None,
    alpha: float = 0.05,
) -> ScaleScore:
    """Average items into a scale score and report Cronbach's alpha.

    Parameters
    ----------
    data : DataFrame
        The survey (one row per respondent).
    items : list of str
        Item columns.
    name : str, optional
        Scale name (defaults to the items joined by "+").
    reverse : list of str, optional
        Items to reverse-code on ``scale`` before averaging.
    scale : (min, max), optional
        Item scale; required when ``reverse`` is given.
    min_items : int, optional
        Fewest answered items for a score (default: at least half of the items).
        Respondents with fewer are excluded and reported in ``excluded_``.
    alpha : float
        One minus the confidence level for Cronbach's alpha.

    Returns
    -------
    ScaleScore

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1, 5, 4, 2], "b": [2, 5, 5, 1], "c": [5, 1, 2, 4]})
    >>> s = scale_score(df, ["a", "b", "c"], reverse=["c"], scale=(1, 5))
    >>> s.scores.round(2).tolist()
    [1.33, 5.0, 4.33, 1.67]
    """
    items = list(items)
    if not items:
        raise InputError("scale_score needs at least one item column.")
    require_columns(data, items, source="the data")
    reverse = list(reverse or [])
    stray = [r for r in reverse if r not in items]
    if stray:
        raise InputError(f"Items to reverse {stray} are not among the scale's items {items}.")
    if reverse and scale is None:
        raise InputError(
            "Reverse-coding needs the item scale: pass scale=(min, max), e.g. scale=(1, 7)."
        )
    block = data[items].copy()
    for col in items:
        converted = pd.to_numeric(block[col], errors="coerce")
        bad = block[col].notna() & converted.isna()
        if bad.any():
            raise InputError(
                f"Item {col!r} holds non-numeric answers: {describe_offenders(block[col], bad)}."
                " Declare them as missing codes when reading the survey."
            )
        block[col] = converted.astype(float)
    for col in reverse:
        block[col] = reverse_code(block[col], scale)
    k = len(items)
    if min_items is None:
        min_items = max(1, int(np.ceil(k / 2)))
    if not 1 <= min_items <= k:
        raise InputError(f"min_items must lie between 1 and {k}, got {min_items}.")
    answered = block.notna().sum(axis=1)
    scores = block.mean(axis=1).where(answered >= min_items)
    scores.name = name or "+".join(items)
    log = ExclusionLog()
    log.add_mask(block, answered < min_items,
                 f"fewer than {min_items} of {k} items answered")
    reliability = cronbach_alpha(block, alpha=alpha) if k >= 2 else None
    if reliability is not None and reliability.alpha < 0.6:
        import warnings

        warnings.warn(
            f"Scale {scores.name!r} has low reliability: Cronbach's alpha = "
            f"{reliability.alpha:.2f} (below 0.6). Check for items that need reverse coding "
            "or do not belong to the scale (see alpha_if_dropped).",
            FragileResultWarning,
            stacklevel=2,
        )
    return ScaleScore(str(scores.name), scores, reliability, items, reverse, log.to_frame())
