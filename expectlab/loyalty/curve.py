"""The satisfaction-loyalty curve, its zones and the top-box premium.

Jones & Sasser (1995, "Why satisfied customers defect", HBR) and Heskett et al. (1994)
describe loyalty as a nonlinear function of satisfaction: low in a *zone of defection*,
flat in a *zone of indifference* and sharply higher in a *zone of affection* reached only
by completely satisfied customers. This module estimates that curve without assuming its
shape and says where the data support each zone.

* **Curve**: a logistic regression on a cubic B-spline basis of the driver (up to six
  basis functions; fewer when the driver has few distinct values), fitted with the
  survey weights; the pointwise band is a delta-method interval on the logit scale
  (sandwich variance with weights), transformed to probabilities.
* **Levels**: respondents grouped by the driver rounded to the nearest scale point, with
  the weighted share that stayed and a Wilson interval on the effective sample size.
* **Zones**: a level whose interval lies wholly below the group's overall loyalty rate is
  in the zone of defection, wholly above it in the zone of affection, otherwise in the
  zone of indifference. A zone is only marked where the interval excludes the overall
  rate, so small samples mark fewer zones rather than invented ones.
* **Top-box premium**: share staying at the highest level minus the share at the next
  level down, with Newcombe's (1998) hybrid score interval built from the two Wilson
  intervals (it stays sensible when everyone at the top level stayed); ``se`` is the
  interval's half-width over the normal quantile. A premium clearly larger than the step
  between lower levels is the signature of the threshold shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .._errors import InputError, describe_offenders, require_columns
from .._results import SUMMARY_COLUMNS, ExclusionLog, FittedModelMixin
from .._validate import as_frame, check_in_scale, group_labels, numeric_column, weights_array
from .engines import _expit, batched_logit

__all__ = ["LoyaltyCurve", "loyalty_curve", "binary_outcome"]


def binary_outcome(y: pd.Series, loyal_from: float | None, name: str) -> np.ndarray:
    """0/1 loyalty event from an outcome column (``loyal_from`` for non-binary scales)."""
    vals = y.to_numpy(dtype=float)
    if loyal_from is not None:
        return (vals >= float(loyal_from)).astype(float)
    ok = np.isin(vals, [0.0, 1.0])
    if not ok.all():
        raise InputError(
            f"Outcome {name!r} is not coded 0/1: {describe_offenders(y, ~ok)}. For a rating "
            "scale say which answers count as loyal, e.g. loyal_from=6 on a 1-7 scale (top-2 "
            "box) or loyal_from=9 for promoters on 0-10; or use engine='ordinal'."
        )
    return vals


def _spline_basis(lo: float, hi: float, n_unique: int):  # noqa: ANN202
    from sklearn.preprocessing import SplineTransformer

    degree = int(min(3, max(n_unique - 1, 1)))
    n_splines = int(min(n_unique, 6))
    n_knots = max(n_splines - degree + 1, 2)
    tr = SplineTransformer(n_knots=n_knots, degree=degree, knots="uniform",
                           extrapolation="constant", include_bias=True)
    tr.fit(np.array([[lo], [hi]]))
    return tr


def _wilson(share: float, n_eff: float, q: float) -> tuple[float, float]:
    if n_eff <= 0:
        return (np.nan, np.nan)
    den = 1 + q ** 2 / n_eff
    mid = (share + q ** 2 / (2 * n_eff)) / den
    half = q * np.sqrt(share * (1 - share) / n_eff + q ** 2 / (4 * n_eff ** 2)) / den
    return (max(0.0, mid - half), min(1.0, mid + half))


class LoyaltyCurve(FittedModelMixin):
    """Result of :func:`loyalty_curve` (also returned by :meth:`LoyaltyModel.curve`).

    Attributes
    ----------
    curve_ : pandas.DataFrame
        ``group``, driver value, ``probability``, ``lower``, ``upper`` on a fine grid.
    levels_ : pandas.DataFrame
        Per group and rounded driver level: respondents, weighted share loyal, Wilson
        interval and zone.
    premium_ : pandas.DataFrame
        Top-box premium per group with standard error, interval, z and p.
    zones_ : pandas.DataFrame
        Levels covered by each supported zone per group.
    n_obs_, excluded_ :
        Respondents used and those left out (with the reason).
    """

    _summary_title = "Satisfaction-loyalty curve: top-box premium"

    # Set by loyalty_curve() (declared here for type checkers; absent until fitted, so
    # reading one earlier still raises NotFittedError through _check_fitted).
    curve_: pd.DataFrame
    levels_: pd.DataFrame
    premium_: pd.DataFrame
    zones_: pd.DataFrame
    n_obs_: int
    weights_: str | None
    excluded_: pd.DataFrame

    def __init__(self, driver: str, outcome: str, by: str | None, alpha: float) -> None:
        self.driver = driver
        self.outcome = outcome
        self.by = by
        self.alpha = alpha

    _tables = ("premium_", "levels_", "zones_", "curve_")

    @property
    def summary(self) -> pd.DataFrame:
        """The top-box premium per group: ``estimate`` (share loyal at the top level minus
        the share one level below), ``se``, ``lower``, ``upper``, ``statistic`` (z) and
        ``p``. The full table with the shares and counts is ``premium_``."""
        self._check_fitted()
        table = self.premium_.set_index("group") if len(self.premium_) else \
            pd.DataFrame(columns=["group", *SUMMARY_COLUMNS]).set_index("group")
        return table.rename(columns={"premium": "estimate", "z": "statistic"})[SUMMARY_COLUMNS]

    def _summary_notes(self) -> list[str]:
        notes = super()._summary_notes()
        for _, row in self.zones_.iterrows():
            notes.append(f"{row['group']}: zone of {row['zone']} at levels {row['levels']}")
        return notes

    def plot(self, ax=None, *, show_levels: bool = True, **kwargs):  # noqa: ANN001, ANN201
        """Plot the curve with its band (and the level shares as points).

        Returns the matplotlib Axes.
        """
        from .plots import plot_curve

        self._check_fitted()
        return plot_curve(self, ax=ax, show_levels=show_levels, **kwargs)

    def plot_curve(self, ax=None, *, show_levels: bool = True, **kwargs):  # noqa: ANN001, ANN201
        """Same as :meth:`plot` (the ``plot_*`` name every result shares)."""
        return self.plot(ax=ax, show_levels=show_levels, **kwargs)


def loyalty_curve(
    data: pd.DataFrame | Any,
    *,
    outcome: str,
    driver: str = "satisfaction",
    by: str | None = None,
    weights: str | Sequence[float] | np.ndarray | pd.Series | None = None,
    loyal_from: float | None = None,
    alpha: float = 0.05,
    by_bins: int = 2,
    n_points: int = 101,
    scale: tuple[float, float] | None = None,
) -> LoyaltyCurve:
    """Probability of loyalty along a driver (satisfaction) scale, with zones and premium.

    Parameters
    ----------
    data : pandas.DataFrame or Study
        One row per respondent. With a :class:`~expectlab.Study` the driver's declared
        scale is checked and the study's weights are used when ``weights`` is None.
    outcome : str
        0/1 loyalty column, or a rating scale together with ``loyal_from``.
    driver : str
        The satisfaction (or other) score on the horizontal axis.
    by : str, optional
        Separate curves per segment (text column) or per level of a numeric moderator
        such as switching costs (cut at quantiles into ``by_bins`` groups when it has more
        than five distinct values).
    weights : str or array-like, optional
        Survey-weight column, or one weight per row. Rows with a missing or zero weight
        are excluded and listed in ``excluded_``.
    loyal_from : float, optional
        Lowest outcome value counted as loyal when the outcome is not 0/1.
    alpha : float
        1 - confidence level of bands and intervals.
    by_bins : int
        Quantile groups of a numeric ``by`` column with more than five values.
    n_points : int
        Grid points of the smooth curve.
    scale : (min, max), optional
        Declared scale of the driver; values outside it are an error.

    Returns
    -------
    LoyaltyCurve
        ``summary`` holds the top-box premium per group with SUMMARY_COLUMNS names.

    References
    ----------
    Jones, T. O. & Sasser, W. E. (1995). Why satisfied customers defect. Harvard Business
    Review 73(6), 88-99. Newcombe, R. G. (1998). Interval estimation for the difference
    between independent proportions. Statistics in Medicine 17, 873-890.

    See Also
    --------
    LoyaltyModel.curve : the same curve on a fitted model's respondents.

    Examples
    --------
    >>> from expectlab.simulate.loyalty import simulate_loyalty
    >>> from expectlab.loyalty import loyalty_curve
    >>> sim = simulate_loyalty(2000, random_state=3)
    >>> res = loyalty_curve(sim.data, outcome="stayed", driver="satisfaction")
    >>> bool(res.summary.loc["all respondents", "estimate"] > 0.1)
    True
    """
    if not 0 < alpha < 1:
        raise InputError(f"alpha must lie between 0 and 1, got {alpha!r}.")
    source, study = as_frame(data)
    if weights is None and study is not None:
        weights = study.weights
    names = [outcome, driver, by]
    require_columns(source, names + ([weights] if isinstance(weights, str) else []),
                    source="the data")
    if len(source) == 0:
        raise InputError("The data have no rows.")
    frame = pd.DataFrame(index=source.index)
    for col, role in ((outcome, "outcome"), (driver, "driver")):
        frame[col] = numeric_column(source, col, role=role)
    declared = scale if scale is not None else (
        study.scale_of(driver) if study is not None else None)
    if declared is not None:
        low, high = (float(v) for v in declared)
        check_in_scale(frame[driver], (low, high), column=driver, role="driver")
    if by is not None and by not in frame.columns:
        frame[by] = group_labels(source, by, role="group")
    log = ExclusionLog()
    gone = np.zeros(len(frame), dtype=bool)
    for c in dict.fromkeys(c for c in names if c):
        miss = frame[c].isna().to_numpy() & ~gone
        log.add_mask(frame, miss, f"missing {c!r}")
        gone |= miss
    keep = ~gone
    w_all = weights_array(source, weights, log=log, keep=keep)
    frame = frame.loc[keep]
    if len(frame) < 10:
        raise InputError(f"Only {len(frame)} usable rows for the loyalty curve of {driver!r}; "
                         "at least 10 are needed.")
    y = binary_outcome(frame[outcome], loyal_from, outcome)
    x = frame[driver].to_numpy(dtype=float)
    w = w_all[keep]
    if by is None:
        group = pd.Series("all respondents", index=frame.index)
    elif pd.api.types.is_numeric_dtype(frame[by]) and frame[by].nunique() > 5:
        cuts = np.unique(np.quantile(frame[by], np.linspace(0, 1, by_bins + 1)[1:-1]))
        idx = np.searchsorted(cuts, frame[by].to_numpy(), side="left")
        edges = [f"{by} <= {cuts[0]:g}"] + [f"{by} > {c:g}" for c in cuts]
        if len(cuts) > 1:
            edges = ([f"{by} <= {cuts[0]:g}"]
                     + [f"{cuts[i - 1]:g} < {by} <= {cuts[i]:g}" for i in range(1, len(cuts))]
                     + [f"{by} > {cuts[-1]:g}"])
        group = pd.Series(np.asarray(edges, dtype=object)[idx], index=frame.index)
    else:
        group = frame[by].astype("object").map(str)
    q = stats.norm.ppf(1 - alpha / 2)
    lo_all, hi_all = float(x.min()), float(x.max())
    curves, levels, premiums, zones = [], [], [], []
    for g in pd.unique(group.to_numpy()):
        m = (group == g).to_numpy()
        xg, yg, wg = x[m], y[m], w[m] * (m.sum() / w[m].sum())
        u = len(np.unique(xg))
        if u < 2 or len(np.unique(yg)) < 2:
            continue
        tr = _spline_basis(lo_all, hi_all, u)
        Bm = tr.transform(xg[:, None])
        beta, _, _ = batched_logit(Bm, yg, wg[None, :], ridge=1e-6)
        beta = beta[0]
        mu = _expit(Bm @ beta)
        bread = np.linalg.pinv((Bm * (wg * mu * (1 - mu))[:, None]).T @ Bm)
        if weights is None:
            # without weights the model-based variance (the sandwich equals it in
            # expectation)
            cov = bread
        else:
            sc = Bm * (wg * (yg - mu))[:, None]
            cov = bread @ (sc.T @ sc) @ bread
        grid = np.linspace(xg.min(), xg.max(), n_points)
        Bg = tr.transform(grid[:, None])
        eta = Bg @ beta
        se = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", Bg, cov, Bg), 0, None))
        curves.append(pd.DataFrame({"group": g, driver: grid, "probability": _expit(eta),
                                    "lower": _expit(eta - q * se),
                                    "upper": _expit(eta + q * se)}))
        overall = float((wg * yg).sum() / wg.sum())
        lev = np.rint(xg)
        rows = []
        for level in np.unique(lev):
            k = lev == level
            share = float(np.clip((wg[k] * yg[k]).sum() / wg[k].sum(), 0.0, 1.0))
            n_eff = wg[k].sum() ** 2 / (wg[k] ** 2).sum()
            lo, hi = _wilson(share, n_eff, q)
            zone = ("defection" if hi < overall else "affection" if lo > overall
                    else "indifference")
            rows.append({"group": g, "level": level, "respondents": int(k.sum()),
                         "share_loyal": share, "lower": lo, "upper": hi, "zone": zone})
        lv = pd.DataFrame(rows)
        levels.append(lv)
        if len(lv) >= 2:
            top, nxt = lv.iloc[-1], lv.iloc[-2]
            prem = top["share_loyal"] - nxt["share_loyal"]
            # Newcombe's hybrid score interval from the two Wilson intervals: unlike the
            # Wald interval it stays sensible when everyone at the top level stayed.
            lower = prem - np.hypot(top["share_loyal"] - top["lower"],
                                    nxt["upper"] - nxt["share_loyal"])
            upper = prem + np.hypot(top["upper"] - top["share_loyal"],
                                    nxt["share_loyal"] - nxt["lower"])
            se_p = float((upper - lower) / (2 * q))
            z = prem / se_p if se_p > 0 else np.nan
            premiums.append({
                "group": g, "top_level": top["level"], "next_level": nxt["level"],
                "share_top": top["share_loyal"], "share_next": nxt["share_loyal"],
                "premium": prem, "se": se_p, "lower": lower, "upper": upper, "z": z,
                "p": float(2 * stats.norm.sf(abs(z))) if np.isfinite(z) else np.nan,
                "n_top": int(top["respondents"]), "n_next": int(nxt["respondents"]),
            })
        for zone in ("defection", "indifference", "affection"):
            at = lv.loc[lv["zone"] == zone, "level"]
            if zone != "indifference" and len(at):
                zones.append({"group": g, "zone": zone,
                              "levels": ", ".join(f"{v:g}" for v in at)})
    if not curves:
        raise InputError(
            f"The loyalty curve needs at least two distinct values of {driver!r} and both "
            f"loyal and non-loyal respondents in some group; found neither "
            f"(outcome shares: {float(np.mean(y)):.3f})."
        )
    res = LoyaltyCurve(driver, outcome, by, alpha)
    res.curve_ = pd.concat(curves, ignore_index=True)
    res.levels_ = pd.concat(levels, ignore_index=True)
    res.premium_ = pd.DataFrame(premiums)
    res.zones_ = pd.DataFrame(zones, columns=["group", "zone", "levels"])
    res.n_obs_ = int(len(frame))
    res.weights_ = None if weights is None else weights if isinstance(weights, str) \
        else "array"
    res.excluded_ = log.to_frame()
    res._fitted = True
    return res
