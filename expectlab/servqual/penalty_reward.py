"""Penalty-reward contrast analysis and impact asymmetry; the comparison with Kano.

Each attribute's performance rating is dummy-coded into *low* (the bottom ``low_boxes``
answers) and *high* (the top ``high_boxes``), the middle being the reference. Overall
satisfaction is regressed on all dummies at once (Brandt 1987; Mittal, Ross & Baldasare
1998). The penalty is the size of the drop in satisfaction for low performance,
``|b_low|``, the reward the rise for high performance, ``b_high``. A coefficient with
the unexpected sign (low performance *raising* satisfaction, ``b_low > 0``, or high
performance lowering it) is flagged in ``classes_["sign_check"]`` and warned about,
because the absolute value would otherwise hide it. Impact asymmetry
(Anderson & Mittal 2000; Matzler et al. 2004):

    IA = (reward - penalty) / (reward + penalty)

IA below ``-threshold``: basic factor (dissatisfier: it hurts when bad, earns little
when good); above ``+threshold``: excitement factor (satisfier); between: performance
factor (hurts and pays equally). When the interval of IA reaches across a threshold the
class is "not yet clear": the data do not decide it.
"""

from __future__ import annotations

import warnings
from typing import Any, Literal, Self

import numpy as np
import pandas as pd
from scipy import stats

from .._errors import FragileResultWarning, InputError
from .._resample import check_random_state, percentile_interval
from .._results import Estimator
from ..satisfaction.fitting import bootstrap_crossproducts, solve_from_crossproducts, wls_fit
from ._attributes import prepare_attributes
from ._stats import ordered_index

__all__ = ["PenaltyReward", "compare_with_kano", "CLASS_TO_KANO"]

#: the Kano category each penalty-reward class corresponds to
CLASS_TO_KANO = {"basic": "M", "performance": "O", "excitement": "A"}


class PenaltyReward(Estimator):
    """Penalty-reward contrast analysis with impact asymmetry and bootstrap intervals.

    Parameters
    ----------
    low_boxes, high_boxes : int
        How many of the lowest / highest answer points count as low / high performance
        (e.g. 2 and 1 on a 1-5 scale: 1-2 low, 5 high, 3-4 the reference).
    threshold : float
        IA beyond +-threshold classifies an attribute as excitement / basic.
    scale : (float, float), "infer" or None
        Answer scale of the attribute ratings (the boxes are counted from its ends).
    alpha : float
        1 - confidence level.
    n_boot : int
        Bootstrap replicates (percentile intervals of penalty, reward and IA; 0 uses the
        delta method for IA).
    random_state : int, Generator or None
    progress : bool
        Progress bar during the bootstrap.

    Attributes
    ----------
    summary : pandas.DataFrame
        Index (attribute, quantity) with quantity ``penalty``, ``reward``,
        ``impact_asymmetry``: ``estimate, se, lower, upper, statistic, p`` (HC3 t for
        penalty and reward; delta-method z for IA) and ``boot_lower`` / ``boot_upper``.
    classes_ : pandas.DataFrame
        Per attribute: shares low and high, penalty, reward, IA with the intervals used
        for the class (bootstrap when ``n_boot`` > 0), ``sign_check``, ``class_point``
        (by the estimate) and ``class`` (by the interval).
    r2_ : float
        R2 of the dummy regression.
    n_obs_, excluded_, scale_, weights_

    References
    ----------
    Brandt, D. R. (1987). A procedure for identifying value-enhancing service components
    using customer satisfaction survey data. In C. Surprenant (Ed.), *Add Value to Your
    Service* (pp. 61-65). American Marketing Association.

    Mittal, V., Ross, W. T., & Baldasare, P. M. (1998). The asymmetric impact of negative
    and positive attribute-level performance on overall satisfaction and repurchase
    intentions. *Journal of Marketing*, 62(1), 33-47.

    Anderson, E. W., & Mittal, V. (2000). Strengthening the satisfaction-profit chain.
    *Journal of Service Research*, 3(2), 107-120.

    Matzler, K., Bailom, F., Hinterhuber, H. H., Renzl, B., & Pichler, J. (2004). The
    asymmetric relationship between attribute-level performance and overall customer
    satisfaction: A reconsideration of the importance-performance analysis. *Industrial
    Marketing Management*, 33(4), 271-277.

    Examples
    --------
    >>> from expectlab.simulate.servqual import simulate_penalty_reward
    >>> sim = simulate_penalty_reward(1500, random_state=2)
    >>> pr = PenaltyReward(scale=(1, 5), n_boot=200, random_state=1).fit(
    ...     sim.data, attributes=sim.attributes, overall="overall_satisfaction")
    >>> pr.classes_.loc["clean room", "class"]
    'basic'
    """

    _summary_title = "Penalty-reward contrast analysis"
    _tables = ("classes_",)

    def __init__(self, low_boxes: int = 2, high_boxes: int = 1, threshold: float = 0.2,
                 scale: tuple[float, float] | Literal["infer"] | None = None,
                 alpha: float = 0.05, n_boot: int = 1000, random_state: Any = None,
                 progress: bool = False) -> None:
        self.low_boxes = low_boxes
        self.high_boxes = high_boxes
        self.threshold = threshold
        self.scale = scale
        self.alpha = alpha
        self.n_boot = n_boot
        self.random_state = random_state
        self.progress = progress

    def _check_params(self) -> None:
        for name in ("low_boxes", "high_boxes"):
            v = getattr(self, name)
            if not isinstance(v, (int, np.integer)) or v < 1:
                raise InputError(f"{name} must be a positive integer, got {v!r}.")
        if not (isinstance(self.threshold, (int, float)) and 0 <= self.threshold < 1):
            raise InputError(f"threshold must lie in [0, 1), got {self.threshold!r}.")
        if not (isinstance(self.alpha, (float, int)) and 0 < self.alpha < 1):
            raise InputError(f"alpha must lie between 0 and 1, got {self.alpha!r}.")
        if not isinstance(self.n_boot, (int, np.integer)) or self.n_boot < 0:
            raise InputError(f"n_boot must be a non-negative integer, got {self.n_boot!r}.")
        check_random_state(self.random_state)

    def fit(self, data: Any, *, attributes: Any, overall: str, weights: Any = None) -> Self:
        """Regress overall satisfaction on low / high dummies of every attribute.

        Parameters
        ----------
        data : pandas.DataFrame or Study
        attributes : list of str or dict label -> column
            Attribute performance ratings.
        overall : str
            Overall satisfaction.
        weights : str or array-like, optional

        Returns
        -------
        PenaltyReward
        """
        self._check_params()
        prep = prepare_attributes(data, attributes, overall, weights, self.scale,
                                  require_overall=True)
        y = prep.overall
        if y is None:  # require_overall=True reads it or raises
            raise RuntimeError("prepare_attributes returned no overall rating")
        lo, hi = prep.scale
        low_cut, high_cut = lo + self.low_boxes - 1, hi - self.high_boxes + 1
        if not low_cut + 1 <= high_cut - 1:
            raise InputError(
                f"low_boxes={self.low_boxes} and high_boxes={self.high_boxes} leave no middle "
                f"answer on the scale {lo:g}-{hi:g} to serve as the reference. Use fewer "
                "boxes.")
        low = (prep.performance <= low_cut).astype(float)
        high = (prep.performance >= high_cut).astype(float)
        names = prep.names
        for j, a in enumerate(names):
            for what, flags, rule in (("low", low, f"<= {low_cut:g}"),
                                      ("high", high, f">= {high_cut:g}")):
                count = int(flags[:, j].sum())
                if count == 0:
                    raise InputError(
                        f"Attribute {a!r} ({prep.columns[a]}): no respondent rated it {what} "
                        f"({rule}), so its {'penalty' if what == 'low' else 'reward'} cannot "
                        f"be estimated. Change {what}_boxes or leave the attribute out.")
                if count < 10:
                    warnings.warn(
                        f"Attribute {a!r}: only {count} respondents rated it {what} ({rule}); "
                        f"its {'penalty' if what == 'low' else 'reward'} is fragile.",
                        FragileResultWarning, stacklevel=2)
        from .._validate import check_not_collinear

        design = np.column_stack([np.ones(len(low)), low, high])
        terms = ["intercept"] + [f"{a} low" for a in names] + [f"{a} high" for a in names]
        check_not_collinear(design, terms, what="low/high performance dummies")
        weighted = prep.weights_note is not None
        fit = wls_fit(design, y, prep.weights if weighted else None,
                      cov_type="HC3")
        k = len(names)
        b_low, b_high = fit.params[1:k + 1], fit.params[k + 1:]
        cov = fit.cov
        se_low = np.sqrt(np.diag(cov)[1:k + 1])
        se_high = np.sqrt(np.diag(cov)[k + 1:])
        penalty, reward = np.abs(b_low), b_high
        sign_low = np.where(b_low > 0, -1.0, 1.0)  # d penalty / d(-b_low)
        # cov(reward, penalty) with penalty = |b_low| (delta method: sign of b_low)
        cov_rp = -sign_low * np.array([cov[k + 1 + j, 1 + j] for j in range(k)])
        denom = reward + penalty
        with np.errstate(invalid="ignore", divide="ignore"):
            ia = (reward - penalty) / denom
            g_r, g_p = 2 * penalty / denom**2, -2 * reward / denom**2
            se_ia = np.sqrt(g_r**2 * se_high**2 + g_p**2 * se_low**2 + 2 * g_r * g_p * cov_rp)
        df = fit.df_inference
        tq = stats.t.ppf(1 - self.alpha / 2, df)
        zq = stats.norm.ppf(1 - self.alpha / 2)
        rows = []
        boot = None
        if self.n_boot > 0:
            z = np.column_stack([design, y])
            cross = bootstrap_crossproducts(z, prep.weights if weighted else None,
                                            int(self.n_boot), self.random_state,
                                            show_progress=self.progress)
            params = solve_from_crossproducts(cross, np.eye(design.shape[1]), design.shape[1])
            bp, br = np.abs(params[:, 1:k + 1]), params[:, k + 1:]
            with np.errstate(invalid="ignore", divide="ignore"):
                bia = (br - bp) / (br + bp)
            bia[~((br + bp) > 0)] = np.nan
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                boot = {q: percentile_interval(v, self.alpha, axis=0)
                        for q, v in (("penalty", bp), ("reward", br),
                                     ("impact_asymmetry", bia))}
        for j, a in enumerate(names):
            for q, est, se, kind in (("penalty", penalty[j], se_low[j], "t"),
                                     ("reward", reward[j], se_high[j], "t"),
                                     ("impact_asymmetry", ia[j], se_ia[j], "z")):
                crit = tq if kind == "t" else zq
                stat = est / se if se > 0 else np.nan
                p = (2 * stats.t.sf(abs(stat), df) if kind == "t"
                     else 2 * stats.norm.sf(abs(stat)))
                row = {"attribute": a, "quantity": q, "estimate": est, "se": se,
                       "lower": est - crit * se, "upper": est + crit * se,
                       "statistic": stat, "p": p}
                if boot is not None:
                    row["boot_lower"] = boot[q][0][j]
                    row["boot_upper"] = boot[q][1][j]
                rows.append(row)
        table = pd.DataFrame(rows)
        table.index = ordered_index(list(zip(table.pop("attribute"), table.pop("quantity"),
                                             strict=True)), ["attribute", "quantity"])
        self.summary_ = table
        lcol, ucol = ("boot_lower", "boot_upper") if boot is not None else ("lower", "upper")
        w = prep.weights / prep.weights.sum()
        classes = pd.DataFrame(index=pd.Index(names, name="attribute"))
        classes["share_low"] = w @ low
        classes["share_high"] = w @ high
        for q, short in (("penalty", "penalty"), ("reward", "reward"),
                         ("impact_asymmetry", "ia")):
            part = table.xs(q, level="quantity")
            classes[q] = part["estimate"].to_numpy()
            classes[f"{short}_lower"] = part[lcol].to_numpy()
            classes[f"{short}_upper"] = part[ucol].to_numpy()
        wrong = []
        for j in range(k):
            issues = []
            if b_low[j] > 0:
                issues.append("low performance raises satisfaction (b_low > 0)")
            if b_high[j] < 0:
                issues.append("high performance lowers satisfaction (b_high < 0)")
            wrong.append("; ".join(issues) if issues else "ok")
        classes["sign_check"] = wrong
        flagged = {a: msg for a, msg in zip(names, wrong, strict=True) if msg != "ok"}
        significant = [a for j, a in enumerate(names) if a in flagged and (
            abs(b_low[j]) > tq * se_low[j] if b_low[j] > 0 else abs(b_high[j]) > tq * se_high[j])]
        if significant:
            warnings.warn(
                f"Penalty-reward: {', '.join(f'{a} ({flagged[a]})' for a in significant)}, "
                "beyond chance. The dummy coding may not fit these attributes (check the "
                "boxes and the wording); their class is not reliable.",
                FragileResultWarning, stacklevel=2)
        classes["class_point"] = [self._point_class(v, d) for v, d in
                                  zip(classes["impact_asymmetry"], denom, strict=True)]
        classes["class"] = [self._interval_class(r) for _, r in classes.iterrows()]
        self.classes_ = classes
        self.r2_ = float(fit.r2)
        self.scale_, self.scale_inferred_ = prep.scale, prep.scale_inferred
        self.boxes_ = {"low": f"<= {low_cut:g}", "high": f">= {high_cut:g}"}
        self.weights_ = prep.weights_note
        self.n_obs_ = int(len(y))
        self.excluded_ = prep.excluded
        self._fitted = True
        return self

    def _point_class(self, ia: float, denom: float) -> str:
        if not denom > 0 or not np.isfinite(ia):
            return "no effect"
        if ia < -self.threshold:
            return "basic"
        if ia > self.threshold:
            return "excitement"
        return "performance"

    def _interval_class(self, row: pd.Series) -> str:
        if row["class_point"] == "no effect":
            return "no effect"
        lo, hi, t = row["ia_lower"], row["ia_upper"], self.threshold
        if not (np.isfinite(lo) and np.isfinite(hi)):
            return "not yet clear"
        if hi < -t:
            return "basic"
        if lo > t:
            return "excitement"
        if lo > -t and hi < t:
            return "performance"
        return "not yet clear"

    @property
    def summary(self) -> pd.DataFrame:
        """Penalty, reward and impact asymmetry per attribute with intervals."""
        self._check_fitted()
        return self.summary_

    def _summary_notes(self) -> list[str]:
        notes = super()._summary_notes()
        notes.append(f"Low performance: answers {self.boxes_['low']}; high: "
                     f"{self.boxes_['high']}; the middle is the reference. R2 {self.r2_:.3f}")
        notes.append(f"Classes: IA < -{self.threshold:g} basic, IA > {self.threshold:g} "
                     "excitement, else performance; 'not yet clear' when the interval of IA "
                     "crosses a threshold.")
        notes.append(f"Weights: {self.weights_}" if self.weights_ else
                     "Weights: none (every respondent counts once)")
        return notes

    def plot_penalty_reward(self, ax=None, **kwargs):
        """Penalty and reward bars per attribute with intervals."""
        from .plots import plot_penalty_reward

        return plot_penalty_reward(self, ax=ax, **kwargs)


def compare_with_kano(penalty_reward: PenaltyReward, kano: Any,
                      attributes: dict[str, str] | None = None) -> pd.DataFrame:
    """One table: Kano category (from :class:`~expectlab.KanoAnalysis`) next to the
    penalty-reward class of the same attributes.

    Parameters
    ----------
    penalty_reward : PenaltyReward
        Fitted.
    kano : KanoAnalysis
        Fitted on the Kano answer pairs of the same respondents (without waves or
        segments).
    attributes : dict, optional
        Penalty-reward attribute -> Kano attribute label, when the labels differ.

    Returns
    -------
    pandas.DataFrame
        Per attribute: ``kano_category`` (letter), ``kano_name``, ``penalty_reward_class``,
        ``impact_asymmetry``, ``expected_kano`` (basic -> M, performance -> O,
        excitement -> A) and ``agree`` (None when either side is not clear).

    Examples
    --------
    >>> import warnings; warnings.simplefilter("ignore")
    >>> from expectlab.simulate.servqual import simulate_penalty_reward
    >>> from expectlab.kano import KanoAnalysis, reshape_wide
    >>> sim = simulate_penalty_reward(1500, random_state=2)
    >>> pr = PenaltyReward(scale=(1, 5), n_boot=200, random_state=1).fit(
    ...     sim.data, attributes=sim.attributes, overall="overall_satisfaction")
    >>> long = reshape_wide(sim.data, sim.kano_pairs, respondent="respondent_id")
    >>> ka = KanoAnalysis(n_boot=0).fit(long, respondent="respondent_id",
    ...     attribute="attribute", functional="functional", dysfunctional="dysfunctional")
    >>> compare_with_kano(pr, ka).loc["free upgrade", ["kano_category", "agree"]].tolist()
    ['A', True]
    """
    from ..kano.classify import CATEGORY_NAMES

    penalty_reward._check_fitted()
    kano._check_fitted()
    ks = kano.summary
    if isinstance(ks.index, pd.MultiIndex):
        raise InputError("compare_with_kano needs a KanoAnalysis fitted without waves or "
                         "segments (one row per attribute); fit one per wave or segment.")
    mapping = attributes or {a: a for a in penalty_reward.classes_.index}
    missing = [k for k in mapping.values() if k not in ks.index]
    if missing:
        raise InputError(f"Kano attribute(s) {missing} not found in the Kano analysis "
                         f"(attributes: {list(ks.index)}). Pass attributes= mapping the "
                         "penalty-reward labels to the Kano labels.")
    rows = []
    for pr_name, kano_name in mapping.items():
        if pr_name not in penalty_reward.classes_.index:
            raise InputError(f"{pr_name!r} is not an attribute of the penalty-reward "
                             f"analysis ({list(penalty_reward.classes_.index)}).")
        cat = ks.loc[kano_name, "category"]
        pr_class = penalty_reward.classes_.loc[pr_name, "class"]
        expected = CLASS_TO_KANO.get(pr_class)
        agree = None if expected is None or cat not in ("A", "O", "M") else bool(
            cat == expected)
        rows.append({"attribute": pr_name, "kano_attribute": kano_name,
                     "kano_category": cat, "kano_name": CATEGORY_NAMES.get(cat, str(cat)),
                     "penalty_reward_class": pr_class,
                     "impact_asymmetry": penalty_reward.classes_.loc[pr_name,
                                                                      "impact_asymmetry"],
                     "expected_kano": expected, "agree": agree})
    return pd.DataFrame(rows).set_index("attribute")
