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
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from scipy import stats

from ._errors import FragileResultWarning, InputError, describe_offenders, require_columns
from ._results import ExclusionLog
from ._validate import as_frame, column_list, numeric_column, resolve_scale

if TYPE_CHECKING:  # pragma: no cover
    from .study import Study

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
    Five respondents answering three items (item variances 1.3, 2.3 and 1.7, variance of
    the total 13.5, so alpha = 3/2 (1 - 5.3 / 13.5)):

    >>> import pandas as pd
    >>> items = pd.DataFrame({"a": [2, 3, 3, 4, 5], "b": [1, 3, 4, 4, 5],
    ...                       "c": [2, 2, 3, 5, 4]})
    >>> result = cronbach_alpha(items)
    >>> round(result.alpha, 3)
    0.911
    >>> result.n, result.k
    (5, 3)

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika*, 16(3), 297-334.

    Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson
    reliability coefficient twenty. *Psychometrika*, 30(3), 357-370.

    See Also
    --------
    scale_score : item means with this reliability report.
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
    # The shared check refuses text and infinite answers (an inf would turn alpha into NaN
    # without a word).
    numeric = pd.DataFrame({col: numeric_column(items, col, role="item", source="items")
                            for col in items.columns}, index=items.index)
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
    scale : (float, float)
        The answer scale every item was checked against (and reversed on).
    scale_inferred : bool
        True when the scale was taken from the observed answers (``scale="infer"``);
        shown by ``repr`` and in ``notes``.
    """

    name: str
    scores: pd.Series
    reliability: CronbachAlpha | None
    items: list[str]
    reversed_items: list[str]
    excluded_: pd.DataFrame
    scale: tuple[float, float] | None = None
    scale_inferred: bool = False

    @property
    def notes(self) -> list[str]:
        """What a reader of the score must know: the scale and whether it was inferred."""
        if self.scale is None:
            return []
        text = f"Item scale {self.scale[0]:g} to {self.scale[1]:g}"
        if self.scale_inferred:
            text += (" (inferred from the observed answers, scale='infer'; declare it to "
                     "have out-of-range codes refused)")
        return [text]

    def __repr__(self) -> str:
        rel = "single item" if self.reliability is None else repr(self.reliability)
        scale = "" if self.scale is None else (
            f", scale {self.scale[0]:g}-{self.scale[1]:g}"
            + (" (inferred)" if self.scale_inferred else ""))
        return (
            f"ScaleScore({self.name!r}: {len(self.items)} items, "
            f"{int(self.scores.notna().sum())} scores{scale}, {rel})"
        )


def scale_score(
    data: pd.DataFrame | Study,
    items: str | Sequence[str],
    *,
    name: str | None = None,
    reverse: Sequence[str] | None = None,
    scale: tuple[float, float] | Literal["infer"] | None = None,
    min_items: int | None = None,
    alpha: float = 0.05,
) -> ScaleScore:
    """Average items into a scale score and report Cronbach's alpha.

    Every answer is checked against the item scale first: a missing-value code such as 99
    or -99 left in the data would otherwise be averaged into the score without a word.

    Parameters
    ----------
    data : DataFrame or Study
        The survey (one row per respondent). With a :class:`~expectlab.Study`, ``items``
        may be a scale name of the study, the scale comes from its codebook and the items
        the codebook flags as negatively worded are reversed (unless ``reverse`` is given).
    items : str or list of str
        Item columns (or, with a Study, a scale name).
    name : str, optional
        Scale name (defaults to the study's scale name or the items joined by "+").
    reverse : list of str, optional
        Items to reverse-code on the scale before averaging.
    scale : (min, max), "infer" or None
        The items' answer scale, e.g. ``(1, 7)``. ``None`` (default) takes the scale the
        study's codebook declares and is an error when none is declared. ``"infer"`` takes
        the observed lowest and highest answer and says so (``scale_inferred``, ``notes``).
    min_items : int, optional
        Fewest answered items for a score (default: at least half of the items).
        Respondents with fewer are excluded and reported in ``excluded_``.
    alpha : float
        One minus the confidence level for Cronbach's alpha.

    Returns
    -------
    ScaleScore

    Raises
    ------
    InputError
        When the scale is neither given nor declared, when an answer lies outside it, or
        for text or infinite answers (the message names the column and rows).

    See Also
    --------
    cronbach_alpha : the reliability report on its own.
    reverse_code : reverse one item.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1, 5, 4, 2], "b": [2, 5, 5, 1], "c": [5, 1, 2, 4]})
    >>> s = scale_score(df, ["a", "b", "c"], reverse=["c"], scale=(1, 5))
    >>> s.scores.round(2).tolist()
    [1.33, 5.0, 4.33, 1.67]

    A missing-value code left in the data is refused, not averaged:

    >>> try:
    ...     scale_score(df.assign(b=[2, 5, 99, 1]), ["a", "b"], scale=(1, 5))
    ... except ValueError as err:
    ...     print(str(err)[:79])
    Item column 'b' in the data: values outside the declared scale 1-5: 1 value, fi
    """
    frame, study = as_frame(data)
    if isinstance(items, str) and study is not None:
        name = name or (items if items in study.scales and items not in frame.columns
                        else None)
        items = study.items(items)
    items = column_list(items, role="items")
    if not items:
        raise InputError("scale_score needs at least one item column.")
    source = "the data" if study is None else study.source
    require_columns(frame, items, source=source)
    if reverse is None and study is not None:
        flagged = set(study.reverse_items())
        reverse = [c for c in items if c in flagged]
    reverse = list(reverse or [])
    stray = [r for r in reverse if r not in items]
    if stray:
        raise InputError(f"Items to reverse {stray} are not among the scale's items {items}.")
    # Checks text, inf and every answer against the scale (given, declared or inferred).
    (lo, hi), inferred = resolve_scale(scale, frame, items, study=study, role="item",
                                       source=source)
    block = pd.DataFrame({col: numeric_column(frame, col, role="item", source=source)
                          for col in items}, index=frame.index)
    for col in reverse:
        block[col] = reverse_code(block[col], (lo, hi))
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
    return ScaleScore(str(scores.name), scores, reliability, items, reverse, log.to_frame(),
                      (lo, hi), inferred)
