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

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .._errors import FragileResultWarning, InputError, describe_offenders

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
        Respondents without a valid answer (missing), left out and counted here.
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

    @property
    def summary(self) -> pd.DataFrame:
        """One-row table of the score, SE, interval and category shares."""
        return pd.DataFrame([{
            "nps": self.nps, "se": self.se, "lower": self.ci[0], "upper": self.ci[1],
            "promoters": self.promoters, "passives": self.passives,
            "detractors": self.detractors, "n": self.n, "n_eff": self.n_eff,
            "n_excluded": self.n_excluded,
        }])

    def __str__(self) -> str:
        level = int(round(100 * (1 - self.alpha)))
        return (f"NPS {self.nps:.1f} (SE {self.se:.2f}; {level}% CI {self.ci[0]:.1f} to "
                f"{self.ci[1]:.1f}); promoters {100 * self.promoters:.1f}%, passives "
                f"{100 * self.passives:.1f}%, detractors {100 * self.detractors:.1f}%; "
                f"n = {self.n}" + (f", {self.n_excluded} missing excluded"
                                   if self.n_excluded else ""))


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
        return pd.DataFrame([{
            "nps_a": self.a.nps, "nps_b": self.b.nps, "difference": self.difference,
            "se": self.se, "lower": self.ci[0], "upper": self.ci[1], "z": self.z, "p": self.p,
        }])

    def __str__(self) -> str:
        return (f"NPS difference {self.difference:.1f} (SE {self.se:.2f}, CI "
                f"{self.ci[0]:.1f} to {self.ci[1]:.1f}, z = {self.z:.2f}, p = {self.p:.3g})")


def _validate(scores: pd.Series | np.ndarray | list, weights: object
              ) -> tuple[pd.Series, np.ndarray, pd.Series]:
    s = scores if isinstance(scores, pd.Series) else pd.Series(np.asarray(scores, dtype=object))
    name = f"column {s.name!r}" if s.name is not None else "scores"
    num = pd.to_numeric(s, errors="coerce")
    text = (num.isna() & s.notna()).to_numpy()
    if text.any():
        raise InputError(f"NPS {name} must be numbers 0-10; found non-numeric values: "
                         f"{describe_offenders(s, text)}. Recode them or set them to NaN.")
    num = num.astype(float)
    out = (num.notna() & ((num < 0) | (num > 10) | (num != np.round(num)))).to_numpy()
    if out.any():
        raise InputError(
            f"NPS {name} must be whole numbers from 0 to 10; found "
            f"{describe_offenders(s, out)}. Recode missing-value codes (e.g. 98, 99) to NaN "
            "and rescale other answer formats first.")
    if weights is None:
        w = pd.Series(1.0, index=num.index)
    else:
        wv = np.asarray(weights, dtype=float)
        if wv.shape != (len(num),):
            raise InputError(f"weights has {wv.size} entries but scores has {len(num)}. "
                             "Pass one weight per respondent.")
        w = pd.Series(wv, index=num.index)
        bad = (~np.isfinite(w.to_numpy()) | (w.to_numpy() < 0)) & num.notna().to_numpy()
        if bad.any():
            raise InputError(f"NPS weights must be finite and non-negative; found "
                             f"{describe_offenders(w, bad)}.")
    valid = num.notna().to_numpy()
    return num, w.to_numpy(dtype=float), pd.Series(valid, index=num.index)


def nps(
    scores: pd.Series | np.ndarray | list,
    weights: pd.Series | np.ndarray | list | None = None,
    *,
    alpha: float = 0.05,
) -> NPSResult:
    """Net Promoter Score with standard error and confidence interval.

    Parameters
    ----------
    scores : array-like of 0-10 answers
        Missing answers (NaN) are left out and counted in ``n_excluded``.
    weights : array-like, optional
        Survey weights (same length as ``scores``).
    alpha : float
        1 - confidence level of the interval.

    Returns
    -------
    NPSResult
        With ``nps``, ``se``, ``ci``, the category shares, ``n`` and ``n_eff``.

    Examples
    --------
    Half promoters and 17 detractors among 100 respondents:

    >>> from expectlab import nps
    >>> res = nps([10] * 50 + [8] * 33 + [3] * 17)
    >>> round(res.nps, 1), round(res.se, 2)
    (33.0, 7.49)
    """
    if not 0 < alpha < 1:
        raise InputError(f"alpha must lie between 0 and 1, got {alpha!r}.")
    num, w, valid = _validate(scores, weights)
    v = valid.to_numpy()
    x = num.to_numpy()[v]
    wv = w[v]
    n = int(v.sum())
    if n == 0 or wv.sum() <= 0:
        raise InputError("No valid NPS answers (all missing or zero weight). Check the column "
                         "and its missing-value codes.")
    tot = wv.sum()
    p = float(wv[x >= 9].sum() / tot)
    d = float(wv[x <= 6].sum() / tot)
    n_eff = float(tot ** 2 / (wv ** 2).sum())
    score = 100 * (p - d)
    se = float(100 * np.sqrt(max(p + d - (p - d) ** 2, 0.0) / n_eff))
    q = stats.norm.ppf(1 - alpha / 2)
    ci = (max(-100.0, score - q * se), min(100.0, score + q * se))
    if n < 30:
        import warnings

        warnings.warn(f"NPS from only {n} answers: the normal interval is rough.",
                      FragileResultWarning, stacklevel=2)
    return NPSResult(nps=score, se=se, ci=ci, promoters=p, passives=1 - p - d, detractors=d,
                     n=n, n_eff=n_eff, n_excluded=int((~v).sum()), alpha=alpha,
                     excluded_rows=list(num.index[~v]))


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
    a: pd.Series | np.ndarray | list | NPSResult,
    b: pd.Series | np.ndarray | list | NPSResult,
    *,
    weights_a: pd.Series | np.ndarray | list | None = None,
    weights_b: pd.Series | np.ndarray | list | None = None,
    alpha: float = 0.05,
) -> NPSDifference:
    """Test the difference between the NPS of two independent groups or waves.

    Parameters
    ----------
    a, b : array-like of 0-10 answers, or :class:`NPSResult`
        The two groups (e.g. this wave and last wave, or two segments).
    weights_a, weights_b : array-like, optional
        Survey weights of each group.

    Returns
    -------
    NPSDifference
        ``difference`` (a - b), ``se``, ``ci``, ``z`` and two-sided ``p``.

    Examples
    --------
    >>> from expectlab.loyalty import nps_difference
    >>> res = nps_difference([10] * 60 + [5] * 40, [10] * 40 + [5] * 60)
    >>> round(res.difference, 1), round(res.p, 3)
    (40.0, 0.004)
    """
    ra = a if isinstance(a, NPSResult) else nps(a, weights_a, alpha=alpha)
    rb = b if isinstance(b, NPSResult) else nps(b, weights_b, alpha=alpha)
    diff = ra.nps - rb.nps
    se = float(np.hypot(ra.se, rb.se))
    q = stats.norm.ppf(1 - alpha / 2)
    z = diff / se if se > 0 else np.nan
    p = float(2 * stats.norm.sf(abs(z))) if se > 0 else np.nan
    return NPSDifference(difference=diff, se=se, ci=(diff - q * se, diff + q * se), z=float(z),
                         p=p, a=ra, b=rb)
