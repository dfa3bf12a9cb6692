"""Net Promoter Score with its standard error, interval and a two-group test.

On the 0-10 likelihood-to-recommend item, promoters answer 9-10, passives 7-8 and
detractors 0-6 (Reichheld 2003). With shares ``p`` (promoters) and ``d`` (detractors),
``NPS = 100 (p - d)``. Each answer scores +1, 0 or -1, so the NPS is 100 times a mean
whose variance is ``p + d - (p - d)^2``: the standard error is
``100 sqrt((p + d - (p - d)^2) / n)``. With survey weights the shares are weighted and
``n`` is Kish's effective sample size ``(sum w)^2 / sum w^2``. Two independent groups or
waves are compared with a z-test on the difference, whose standard error is the root of
the summed variances.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
from scipy import stats

from .._errors import FragileResultWarning, InputError, describe_offenders
from .._results import ExclusionLog, renamed_argument
from .._validate import as_frame, check_in_scale, numeric_column, weights_array

#: What ``weights=`` accepts: a column name (with a DataFrame or Study) or one weight per row.
Weights: TypeAlias = str | Sequence[float] | np.ndarray | pd.Series | None

__all__ = ["NPSDifference", "NPSResult", "nps", "nps_difference", "nps_from_shares"]


@dataclass(frozen=True)
class NPSResult:
    """Net Promoter Score of one group.

    Attributes
    ----------
    nps, se : float
        The score (-100 to 100) and its standard error.
    ci : tuple of float
        ``(lower, upper)`` normal-approximation interval, clipped to [-100, 100].
    promoters, passives, detractors : float
        Weighted shares (0-1).
    n : int
        Respondents with a valid answer.
    n_eff : float
        Effective sample size (equals ``n`` without weights).
    n_excluded : int
        Respondents left out (a missing answer, or a missing or zero weight), counted
        here and listed with the reason in ``excluded_``.
    summary : pandas.DataFrame
        One row ``"nps"``: ``estimate, se, lower, upper`` and the shares and counts.
    """

    nps: float
    se: float
    ci: tuple[float, float]
    promoters: float
    passives: float
    detractors: float
    n: int
    n_eff: float
    n_excluded: int = 0
    alpha: float = 0.05
    excluded_rows: list = field(default_factory=list, repr=False)
    excluded_reasons: list = field(default_factory=list, repr=False)

    @property
    def summary(self) -> pd.DataFrame:
        """One-row table (index ``"nps"``): ``estimate, se, lower, upper`` (the score and
        its normal interval), then the category shares and the counts."""
        return pd.DataFrame([{
            "estimate": self.nps, "se": self.se, "lower": self.ci[0], "upper": self.ci[1],
            "promoters": self.promoters, "passives": self.passives,
            "detractors": self.detractors, "n": self.n, "n_eff": self.n_eff,
            "n_excluded": self.n_excluded,
        }], index=pd.Index(["nps"], name="measure"))

    @property
    def n_obs_(self) -> int:
        """Respondents used (same as ``n``)."""
        return self.n

    @property
    def excluded_(self) -> pd.DataFrame:
        """Respondents left out, with the reason (columns ``row``, ``reason``)."""
        reasons = self.excluded_reasons or ["missing answer"] * len(self.excluded_rows)
        return pd.DataFrame({"row": pd.Series(list(self.excluded_rows), dtype=object),
                             "reason": pd.Series(list(reasons), dtype=str)})

    def __str__(self) -> str:
        level = int(round(100 * (1 - self.alpha)))
        return (f"NPS {self.nps:.1f} (SE {self.se:.2f}; {level}% CI {self.ci[0]:.1f} to "
                f"{self.ci[1]:.1f}); promoters {100 * self.promoters:.1f}%, passives "
                f"{100 * self.passives:.1f}%, detractors {100 * self.detractors:.1f}%; "
                f"n = {self.n}" + (f", {self.n_excluded} {self._excluded_words()} excluded"
                                   if self.n_excluded else ""))

    def _excluded_words(self) -> str:
        reasons = set(self.excluded_reasons) or {"missing answer"}
        return "missing" if reasons == {"missing answer"} else "rows"


@dataclass(frozen=True)
class NPSDifference:
    """Difference ``a - b`` between two NPS values with a z-test."""

    difference: float
    se: float
    ci: tuple[float, float]
    z: float
    p: float
    a: NPSResult
    b: NPSResult

    @property
    def summary(self) -> pd.DataFrame:
        """One-row table (index ``"difference"``): ``estimate`` (a - b), ``se``, ``lower``,
        ``upper``, ``statistic`` (z), ``p`` and the two scores ``nps_a``, ``nps_b``."""
        return pd.DataFrame([{
            "estimate": self.difference, "se": self.se, "lower": self.ci[0],
            "upper": self.ci[1], "statistic": self.z, "p": self.p,
            "nps_a": self.a.nps, "nps_b": self.b.nps,
        }], index=pd.Index(["difference"], name="measure"))

    def __str__(self) -> str:
        return (f"NPS difference {self.difference:.1f} (SE {self.se:.2f}, CI "
                f"{self.ci[0]:.1f} to {self.ci[1]:.1f}, z = {self.z:.2f}, p = {self.p:.3g})")


def _answers(data: Any, column: str | None, weights: Weights
             ) -> tuple[pd.DataFrame, str, Weights]:
    """The answers as a one-frame column (and the weights to use) for either call form."""
    if isinstance(data, pd.DataFrame) or hasattr(data, "codebook") or (
            hasattr(data, "data") and isinstance(getattr(data, "data", None), pd.DataFrame)):
        frame, study = as_frame(data)
        if column is None and study is not None:
            column = study.nps
        if column is None:
            raise InputError("nps(data, column=...) needs the 0-10 recommendation column when "
                             "data is a DataFrame, e.g. nps(df, column='nps'), or a Study "
                             "with its nps role.")
        if weights is None and study is not None:
            weights = study.weights
        return frame, column, weights
    if column is not None:
        raise InputError(f"column={column!r} applies when data is a DataFrame or Study; "
                         "here the answers themselves were passed. Drop column= or pass "
                         "the DataFrame.")
    if isinstance(weights, str):
        raise InputError(f"weights={weights!r} names a column, but the answers were passed "
                         "as a list or Series. Pass the DataFrame: nps(df, column=..., "
                         f"weights={weights!r}), or one weight per answer.")
    if isinstance(data, pd.Series):
        name = "scores" if data.name is None else str(data.name)
        frame = data.rename(name).to_frame()
    else:
        try:
            values = np.asarray(data, dtype=object)
        except Exception:  # noqa: BLE001 - anything that is not a sequence of answers
            values = np.empty(0)
        if values.ndim != 1:
            raise InputError(f"nps() expects a sequence of 0-10 answers, a Series, or a "
                             f"DataFrame with column=, got {type(data).__name__}.")
        name = "scores"
        frame = pd.DataFrame({name: values})
    if isinstance(weights, pd.Series):
        weights = weights.to_numpy()
    return frame, name, weights


def nps(
    data: pd.DataFrame | pd.Series | np.ndarray | list | Any = None,
    weights: Weights = None,
    *,
    column: str | None = None,
    alpha: float = 0.05,
    scores: pd.Series | np.ndarray | list | None = None,
) -> NPSResult:
    """Net Promoter Score with standard error and confidence interval.

    Two call forms, one meaning of ``weights``:

    * ``nps(df, column="nps", weights="weight")`` on a DataFrame (or
      ``nps(study)``: a :class:`~expectlab.Study` supplies its ``nps`` column and its
      weights); ``weights`` is a column name or one weight per row.
    * ``nps(answers, weights=array)`` on the answers themselves (list, array, Series);
      ``weights`` is then one weight per answer.

    Parameters
    ----------
    data : DataFrame, Study, Series or array-like
        The survey (with ``column=``) or the 0-10 answers. Missing answers (NaN) are left
        out and counted in ``n_excluded`` (listed in ``excluded_``).
    weights : str or array-like, optional
        Survey weights: a column of ``data`` or one weight per row. Rows with a missing or
        zero weight are left out with the reason; negative or text weights are an error.
    column : str, optional
        The 0-10 recommendation column when ``data`` is a DataFrame or Study.
    alpha : float
        1 - confidence level of the interval.
    scores : array-like, optional
        Old name of ``data`` (kept for one release with a ``FutureWarning``).

    Returns
    -------
    NPSResult
        With ``nps``, ``se``, ``ci``, the category shares, ``n``, ``n_eff``, ``summary``
        (``estimate, se, lower, upper`` ...) and ``excluded_``.

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. Harvard Business Review
    81(12), 46-54.

    See Also
    --------
    nps_difference : test the difference between two groups or waves.
    nps_from_shares : the score and its standard error from reported shares.

    Examples
    --------
    Half promoters and 17 detractors among 100 respondents:

    >>> from expectlab import nps
    >>> res = nps([10] * 50 + [8] * 33 + [3] * 17)
    >>> round(res.nps, 1), round(res.se, 2)
    (33.0, 7.49)

    The same from a survey with a weight column:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"nps": [10] * 50 + [8] * 33 + [3] * 17, "weight": 1.0})
    >>> round(nps(df, column="nps", weights="weight").nps, 1)
    33.0
    """
    data = renamed_argument("scores", scores, "data", data, owner="nps")
    if data is None:
        raise InputError("nps() needs the answers: nps(df, column='nps') or nps(answers).")
    if not 0 < alpha < 1:
        raise InputError(f"alpha must lie between 0 and 1, got {alpha!r}.")
    frame, col, weights = _answers(data, column, weights)
    role = "likelihood-to-recommend"
    values = numeric_column(frame, col, role=role)
    num = values.to_numpy()
    fractional = ~np.isnan(num) & (num != np.round(num))
    if fractional.any():
        raise InputError(
            f"NPS column {col!r} must hold whole numbers from 0 to 10; found "
            f"{describe_offenders(values, fractional)}. Rescale other answer formats first.")
    try:
        check_in_scale(values, (0.0, 10.0), column=col, role=role)
    except InputError as exc:
        raise InputError(f"NPS answers must be whole numbers from 0 to 10. {exc}") from None
    log = ExclusionLog()
    valid = ~np.isnan(num)
    log.add_mask(frame, ~valid, "missing answer")
    if not valid.any():
        raise InputError(f"No valid NPS answers in {col!r} (all missing). Check the column "
                         "and its missing-value codes.")
    w = weights_array(frame, weights, log=log, keep=valid)
    x = num[valid]
    wv = w[valid]
    n = int(valid.sum())
    tot = wv.sum()
    p = float(wv[x >= 9].sum() / tot)
    d = float(wv[x <= 6].sum() / tot)
    n_eff = float(tot ** 2 / (wv ** 2).sum())
    score = 100 * (p - d)
    se = float(100 * np.sqrt(max(p + d - (p - d) ** 2, 0.0) / n_eff))
    q = stats.norm.ppf(1 - alpha / 2)
    ci = (max(-100.0, score - q * se), min(100.0, score + q * se))
    if n < 30:
        warnings.warn(f"NPS from only {n} answers: the normal interval is rough.",
                      FragileResultWarning, stacklevel=2)
    excluded = log.to_frame()
    return NPSResult(nps=score, se=se, ci=ci, promoters=p, passives=1 - p - d, detractors=d,
                     n=n, n_eff=n_eff, n_excluded=len(excluded), alpha=alpha,
                     excluded_rows=excluded["row"].tolist(),
                     excluded_reasons=excluded["reason"].tolist())


def nps_from_shares(promoters: float, detractors: float, n: float, *, alpha: float = 0.05
                    ) -> NPSResult:
    """NPS, standard error and interval from category shares and a sample size.

    Useful to check a reported NPS or plan a sample size.

    Examples
    --------
    The test vector of the loyalty issue: half promoters, one sixth detractors, n = 100.

    >>> from expectlab.loyalty import nps_from_shares
    >>> res = nps_from_shares(1 / 2, 1 / 6, 100)
    >>> round(res.nps, 1), round(res.se, 2)
    (33.3, 7.45)
    """
    p, d = float(promoters), float(detractors)
    if not (0 <= p <= 1 and 0 <= d <= 1 and p + d <= 1 + 1e-12):
        raise InputError(f"promoters ({p}) and detractors ({d}) must be shares in [0, 1] "
                         "that add up to at most 1.")
    if not n > 0:
        raise InputError(f"n must be positive, got {n!r}.")
    if not 0 < alpha < 1:
        raise InputError(f"alpha must lie between 0 and 1, got {alpha!r}.")
    score = 100 * (p - d)
    se = float(100 * np.sqrt(max(p + d - (p - d) ** 2, 0.0) / n))
    q = stats.norm.ppf(1 - alpha / 2)
    return NPSResult(nps=score, se=se, ci=(max(-100.0, score - q * se),
                                           min(100.0, score + q * se)),
                     promoters=p, passives=1 - p - d, detractors=d, n=int(round(n)),
                     n_eff=float(n), alpha=alpha)


def nps_difference(
    a: pd.DataFrame | pd.Series | np.ndarray | list | NPSResult | Any,
    b: pd.DataFrame | pd.Series | np.ndarray | list | NPSResult | Any,
    *,
    weights_a: Weights = None,
    weights_b: Weights = None,
    column: str | None = None,
    alpha: float = 0.05,
) -> NPSDifference:
    """Test the difference between the NPS of two independent groups or waves.

    Parameters
    ----------
    a, b : DataFrame, Study, array-like of 0-10 answers, or :class:`NPSResult`
        The two groups (e.g. this wave and last wave, or two segments).
    weights_a, weights_b : str or array-like, optional
        Survey weights of each group: a column name (with DataFrames) or one weight per
        row, as in :func:`nps`.
    column : str, optional
        The 0-10 column when ``a`` and ``b`` are DataFrames.
    alpha : float
        1 - confidence level of the interval.

    Returns
    -------
    NPSDifference
        ``difference`` (a - b), ``se``, ``ci``, ``z`` and two-sided ``p``; ``summary``
        has them as ``estimate, se, lower, upper, statistic, p``.

    See Also
    --------
    nps : the score of one group.

    Examples
    --------
    >>> from expectlab.loyalty import nps_difference
    >>> res = nps_difference([10] * 60 + [5] * 40, [10] * 40 + [5] * 60)
    >>> round(res.difference, 1), round(res.p, 3)
    (40.0, 0.004)
    """
    ra = a if isinstance(a, NPSResult) else nps(a, weights_a, column=column, alpha=alpha)
    rb = b if isinstance(b, NPSResult) else nps(b, weights_b, column=column, alpha=alpha)
    diff = ra.nps - rb.nps
    se = float(np.hypot(ra.se, rb.se))
    q = stats.norm.ppf(1 - alpha / 2)
    z = diff / se if se > 0 else np.nan
    p = float(2 * stats.norm.sf(abs(z))) if se > 0 else np.nan
    return NPSDifference(difference=diff, se=se, ci=(diff - q * se, diff + q * se), z=float(z),
                         p=p, a=ra, b=rb)
