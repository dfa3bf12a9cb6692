"""``ServiceRecovery``: is a well-handled complaint better than no failure at all?

The service recovery paradox (McCollough & Bharadwaj 1992; McCollough, Berry & Yadav
2000) says customers whose failure was recovered well can end up more satisfied than
customers who never had a failure. The meta-analysis of de Matos, Henrique & Rossi (2007)
found the paradox for satisfaction but not for repurchase intention, word of mouth or
corporate image. This estimator compares customers with no failure, a recovered and an
unrecovered failure, says whether the data show a paradox, show none, show equivalence,
or cannot tell, and asks whether the answer depends on the rated quality of complaint
handling.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import pandas as pd
from scipy import stats

from .._errors import InputError, describe_offenders
from .._results import SUMMARY_COLUMNS, Estimator, ExclusionLog
from .._validate import as_frame, column_list, numeric_column, weights_array
from ._effect import hedges_g, tost

if TYPE_CHECKING:  # pragma: no cover
    from ..study import Study

__all__ = ["ServiceRecovery", "hedges_g"]

GROUPS = ("no failure", "recovered", "unrecovered")
COMPARISONS = (("recovered", "no failure"), ("unrecovered", "no failure"),
               ("recovered", "unrecovered"))


def _binary(frame: pd.DataFrame, column: str, rows: np.ndarray, *, role: str,
            source: str) -> np.ndarray:
    values = numeric_column(frame, column, role=role, source=source)
    arr = values.to_numpy()
    bad = rows & ~np.isnan(arr) & ~np.isin(arr, (0.0, 1.0))
    if bad.any():
        raise InputError(f"{role.capitalize()} column {column!r} in {source} must be 0 (no) "
                         f"or 1 (yes): {describe_offenders(values, bad)}. Recode it to 0/1.")
    return arr


class ServiceRecovery(Estimator):
    """Compare no failure, recovered and unrecovered failures on satisfaction and loyalty.

    Parameters
    ----------
    margin : float
        Equivalence margin on Hedges g: recovered and no-failure customers count as
        equivalent when the ``1 - 2 alpha`` interval of g lies inside ``(-margin,
        margin)`` (two one-sided tests). The default 0.2 is Cohen's "small" effect.
    alpha : float
        1 - confidence level.

    Attributes
    ----------
    summary : pandas.DataFrame
        Index (outcome, comparison): Hedges g (``estimate``), ``se``, ``lower``,
        ``upper``, ``statistic`` (z = g / se) and ``p``, plus the raw ``difference`` of
        weighted means. Comparisons: recovered vs no failure (positive = paradox),
        unrecovered vs no failure, recovered vs unrecovered.
    groups_ : pandas.DataFrame
        Index (outcome, group): ``n``, ``n_effective``, weighted ``mean``, ``sd`` and the
        interval of the mean.
    equivalence_ : pandas.DataFrame
        Per outcome: g of recovered vs no failure, the margin, the ``1 - 2 alpha``
        interval, the TOST p-value and whether equivalence is shown.
    verdicts_ : pandas.DataFrame
        Per outcome: ``verdict`` ("paradox", "no paradox", "equivalent", "cannot tell")
        and a sentence saying why.
    moderation_ : pandas.DataFrame or None
        With ``handling``: per outcome the regression
        ``y = b0 + b1 R + b2 U + b3 R (h - mean h of the recovered)`` (R, U: recovered /
        unrecovered failure; h: rated complaint handling), weighted least squares with
        HC1 standard errors. ``b1`` is the recovered-minus-no-failure gap at average
        handling, ``b3`` how much each point of better handling adds to it.
    paradox_by_handling_ : pandas.DataFrame or None
        The gap b1 + b3 (h - mean) at each handling level observed among recovered
        customers, with its interval.
    n_obs_, excluded_ :
        Rows used; the others with the reason.

    References
    ----------
    McCollough, M. A., Berry, L. L., & Yadav, M. S. (2000). An empirical investigation
    of customer satisfaction after service failure and recovery. *Journal of Service
    Research*, 3(2), 121-137.

    de Matos, C. A., Henrique, J. L., & Rossi, C. A. V. (2007). Service recovery
    paradox: A meta-analysis. *Journal of Service Research*, 10(1), 60-77.

    Hedges, L. V., & Olkin, I. (1985). *Statistical Methods for Meta-Analysis*.
    Academic Press.

    Schuirmann, D. J. (1987). A comparison of the two one-sided tests procedure and the
    power approach for assessing the equivalence of average bioavailability. *Journal
    of Pharmacokinetics and Biopharmaceutics*, 15(6), 657-680.

    Examples
    --------
    >>> from expectlab.simulate.dynamics import simulate_recovery
    >>> sim = simulate_recovery(1500, paradox=0.4, random_state=1)
    >>> rec = ServiceRecovery().fit(sim.data, outcomes=["satisfaction", "loyal"],
    ...                             failure="failure", recovered="recovered",
    ...                             handling="handling")
    >>> rec.verdicts_.loc["satisfaction", "verdict"]
    'paradox'
    """

    _summary_title = "Service recovery: no failure, recovered and unrecovered failures"
    _tables = ("groups_", "equivalence_", "verdicts_", "moderation_", "paradox_by_handling_")

    def __init__(self, margin: float = 0.2, alpha: float = 0.05) -> None:
        self.margin = margin
        self.alpha = alpha

    def fit(self, data: pd.DataFrame | Study, *, outcomes: str | Sequence[str],
            failure: str, recovered: str, handling: str | None = None,
            weights: str | Sequence[float] | np.ndarray | pd.Series | None = None) -> Self:
        """Compare the three groups on each outcome.

        Parameters
        ----------
        data : pandas.DataFrame or Study
            One row per customer.
        outcomes : str or list of str
            Numeric outcomes (satisfaction score, loyalty intention 0/1, ...).
        failure : str
            0/1: did the customer experience a service failure?
        recovered : str
            0/1 among customers with a failure: was it put right? Ignored (may be empty
            or 0) for customers without a failure; a 1 there is an error.
        handling : str, optional
            Rated quality of the complaint handling (numeric, e.g. 1-5), used for the
            moderation analysis among recovered customers.
        weights : str or array, optional
            Survey weights.
        """
        if not (isinstance(self.alpha, (float, int)) and 0 < self.alpha < 0.5):
            raise InputError(f"alpha must lie between 0 and 0.5, got {self.alpha!r}.")
        if not (isinstance(self.margin, (float, int)) and self.margin > 0):
            raise InputError(f"margin must be a positive number (a Hedges g), got "
                             f"{self.margin!r}.")
        frame, study = as_frame(data)
        source = "data" if study is None else study.source
        if weights is None and study is not None and study.weights is not None:
            weights = study.weights
        outs = column_list(outcomes, role="outcomes")
        if not outs:
            raise InputError("outcomes= is required: name at least one outcome column.")
        if len(frame) == 0:
            raise InputError(f"{source} has no rows.")
        everything = np.ones(len(frame), dtype=bool)
        fail = _binary(frame, failure, everything, role="failure", source=source)
        rec = _binary(frame, recovered, everything, role="recovered", source=source)
        inconsistent = (fail == 0) & (rec == 1)
        if inconsistent.any():
            raise InputError(
                f"{source}: customers without a failure ({failure!r} = 0) cannot have a "
                f"recovered failure, but {recovered!r} = 1 for "
                f"{describe_offenders(frame[recovered], inconsistent)}. Check the coding "
                "of the two columns.")
        y = {c: numeric_column(frame, c, role="outcome", source=source).to_numpy()
             for c in outs}
        h = (numeric_column(frame, handling, role="handling", source=source).to_numpy()
             if handling is not None else None)
        log = ExclusionLog()
        keep = np.ones(len(frame), dtype=bool)
        miss = np.isnan(fail)
        log.add_mask(frame, miss, f"missing failure ({failure!r})")
        keep &= ~miss
        miss = keep & (fail == 1) & np.isnan(rec)
        log.add_mask(frame, miss, f"failure without recovery status ({recovered!r})")
        keep &= ~miss
        for c in outs:
            miss = keep & np.isnan(y[c])
            log.add_mask(frame, miss, f"missing outcome {c!r}")
            keep &= ~miss
        w = weights_array(frame, weights, log=log, keep=keep, source=source)
        group = np.where(fail == 1, np.where(rec == 1, 1, 2), 0)
        sizes = {g: int((keep & (group == k)).sum()) for k, g in enumerate(GROUPS)}
        small = [f"{g} ({n})" for g, n in sizes.items() if n < 2]
        if small:
            raise InputError(f"Each group needs at least 2 customers with every outcome "
                             f"answered; found {', '.join(small)}. Group sizes: {sizes}.")
        z = stats.norm.ppf(1 - self.alpha / 2)
        rows, grp_rows, eq_rows, verdicts = [], [], [], []
        for c in outs:
            vals = {g: (y[c][keep & (group == k)], w[keep & (group == k)])
                    for k, g in enumerate(GROUPS)}
            for g, (x, ww) in vals.items():
                m = float(np.average(x, weights=ww))
                n_eff = float(ww.sum() ** 2 / (ww**2).sum())
                sd = float(np.sqrt(np.average((x - m) ** 2, weights=ww) * len(x)
                                   / max(len(x) - 1, 1)))
                se = sd / np.sqrt(n_eff)
                grp_rows.append({"outcome": c, "group": g, "n": len(x), "n_effective": n_eff,
                                 "mean": m, "sd": sd, "lower": m - z * se, "upper": m + z * se})
            effects = {}
            for a, b in COMPARISONS:
                es = hedges_g(vals[a][0], vals[b][0], vals[a][1], vals[b][1], alpha=self.alpha)
                effects[(a, b)] = es
                stat = es.g / es.se
                rows.append({"outcome": c, "comparison": f"{a} vs {b}", "estimate": es.g,
                             "se": es.se, "lower": es.lower, "upper": es.upper,
                             "statistic": stat, "p": 2 * stats.norm.sf(abs(stat)),
                             "difference": es.difference})
            es = effects[("recovered", "no failure")]
            p_tost, lo90, hi90 = tost(es.g, es.se, float(self.margin), self.alpha)
            equivalent = bool(p_tost < self.alpha)
            eq_rows.append({"outcome": c, "g": es.g, "margin": float(self.margin),
                            "lower": lo90, "upper": hi90, "p_tost": p_tost,
                            "equivalent": equivalent})
            verdicts.append({"outcome": c, **self._verdict(c, es, equivalent)})
        self.summary_ = pd.DataFrame(rows).set_index(["outcome", "comparison"])[
            [*SUMMARY_COLUMNS, "difference"]]
        self.groups_ = pd.DataFrame(grp_rows).set_index(["outcome", "group"])
        self.equivalence_ = pd.DataFrame(eq_rows).set_index("outcome")
        self.verdicts_ = pd.DataFrame(verdicts).set_index("outcome")
        self.moderation_ = None
        self.paradox_by_handling_ = None
        self._moderation_notes: list[str] = []
        if h is not None:
            self._moderate(outs, y, group, h, w, keep)
        self.outcomes_ = outs
        self.columns_ = {"failure": failure, "recovered": recovered, "handling": handling,
                         "weights": weights if isinstance(weights, str) or weights is None
                         else "array"}
        self.group_sizes_ = sizes
        self.n_obs_ = int(keep.sum())
        self.excluded_ = log.to_frame()
        self._fitted = True
        return self

    def _verdict(self, outcome: str, es: Any, equivalent: bool) -> dict[str, str]:
        m = float(self.margin)
        level = int(round(100 * (1 - self.alpha)))
        ci = f"g = {es.g:.2f}, {level}% interval {es.lower:.2f} to {es.upper:.2f}"
        if es.lower > 0:
            return {"verdict": "paradox", "text": (
                f"{outcome}: recovered customers score higher than customers without a "
                f"failure ({ci}): a recovery paradox.")}
        if es.upper < 0:
            return {"verdict": "no paradox", "text": (
                f"{outcome}: recovered customers stay below customers without a failure "
                f"({ci}): the failure leaves a mark even when it is put right.")}
        if equivalent:
            return {"verdict": "equivalent", "text": (
                f"{outcome}: recovered customers are as satisfied as customers without a "
                f"failure, within the margin |g| < {m:g} ({ci}): full recovery, no paradox.")}
        both = es.lower < -m and es.upper > m
        why = (f"the interval includes both a recovery paradox (g above {m:g}) and lasting "
               f"damage (g below -{m:g})" if both else
               f"the interval includes no difference but also differences beyond the "
               f"margin |g| < {m:g}")
        return {"verdict": "cannot tell", "text": (
            f"{outcome}: the data cannot tell ({ci}): {why}. More customers with a "
            "failure are needed.")}

    def _moderate(self, outs: list[str], y: dict, group: np.ndarray, h: np.ndarray,
                  w: np.ndarray, keep: np.ndarray) -> None:
        rec_rows = keep & (group == 1)
        usable = keep & ~((group == 1) & np.isnan(h))
        n_missing = int((rec_rows & np.isnan(h)).sum())
        if n_missing:
            self._moderation_notes.append(
                f"{n_missing} recovered customers without a handling rating are left out of "
                "the moderation regression.")
        hr = rec_rows & usable
        if hr.sum() < 5 or np.ptp(h[hr]) == 0:
            self._moderation_notes.append("Too few recovered customers with varying handling "
                                          "ratings for the moderation analysis.")
            return
        centre = float(np.average(h[hr], weights=w[hr]))
        R = (group == 1).astype(float)
        U = (group == 2).astype(float)
        Rh = np.where(group == 1, np.nan_to_num(h) - centre, 0.0)
        X = np.column_stack([np.ones(len(R)), R, U, Rh])[usable]
        ww = w[usable]
        names = ["intercept (no failure)", "recovered (at average handling)", "unrecovered",
                 "recovered x handling"]
        z = stats.norm.ppf(1 - self.alpha / 2)
        tables, by_h = [], []
        levels = np.unique(h[hr])
        for c in outs:
            yy = y[c][usable]
            XtWX = (X * ww[:, None]).T @ X
            inv = np.linalg.inv(XtWX)
            b = inv @ ((X * ww[:, None]).T @ yy)
            e = yy - X @ b
            n, k = X.shape
            meat = (X * (ww * e)[:, None]).T @ (X * (ww * e)[:, None]) * n / (n - k)
            V = inv @ meat @ inv
            se = np.sqrt(np.diag(V))
            stat = b / se
            tables.append(pd.DataFrame({"estimate": b, "se": se, "lower": b - z * se,
                                        "upper": b + z * se, "statistic": stat,
                                        "p": 2 * stats.norm.sf(np.abs(stat))},
                                       index=pd.Index(names, name="term")))
            G = np.column_stack([np.zeros(len(levels)), np.ones(len(levels)),
                                 np.zeros(len(levels)), levels - centre])
            est = G @ b
            sg = np.sqrt(np.einsum("ij,jk,ik->i", G, V, G))
            by_h.append(pd.DataFrame({"estimate": est, "se": sg, "lower": est - z * sg,
                                      "upper": est + z * sg},
                                     index=pd.Index(levels, name="handling")))
        self.moderation_ = pd.concat(tables, keys=outs, names=["outcome", "term"])
        self.paradox_by_handling_ = pd.concat(by_h, keys=outs, names=["outcome", "handling"])
        self.handling_centre_ = centre

    # ------------------------------------------------------------------- results --
    @property
    def summary(self) -> pd.DataFrame:
        """Hedges g per outcome and comparison."""
        self._check_fitted()
        return self.summary_

    def verdict(self, outcome: str | None = None) -> str:
        """The plain-language verdict on the recovery paradox for one outcome."""
        self._check_fitted()
        outcome = outcome or self.outcomes_[0]
        if outcome not in self.verdicts_.index:
            raise InputError(f"outcome must be one of {self.outcomes_}, got {outcome!r}.")
        return str(self.verdicts_.loc[outcome, "text"])

    def _summary_notes(self) -> list[str]:
        notes = super()._summary_notes()
        notes.append("Group sizes: " + ", ".join(f"{g} {n}" for g, n in
                                                  self.group_sizes_.items()))
        notes += [str(t) for t in self.verdicts_["text"]]
        return notes + self._moderation_notes

    def plot_effects(self, ax: Any = None, **kwargs: Any) -> Any:
        """Forest plot of Hedges g with the equivalence margin; returns the Axes."""
        from .plots import plot_effects

        self._check_fitted()
        return plot_effects(self, ax=ax, **kwargs)

    def plot_moderation(self, ax: Any = None, outcome: str | None = None, **kwargs: Any
                        ) -> Any:
        """Recovered-minus-no-failure gap against rated handling; returns the Axes."""
        from .plots import plot_moderation

        self._check_fitted()
        return plot_moderation(self, ax=ax, outcome=outcome, **kwargs)
