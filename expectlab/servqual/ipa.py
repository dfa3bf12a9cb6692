"""Importance-performance analysis (Martilla & James 1977) with bootstrap quadrants.

Each attribute is placed by its mean performance and its importance, either *stated*
(the mean of an importance rating) or *derived* from the data: the correlation of the
attribute's performance with overall satisfaction, or its standardised regression
weight in a regression of overall satisfaction on all attributes. Cross-hairs at the
mean of the attribute means (or the medians, or values you give) split the grid into
four quadrants:

- high importance, low performance: "concentrate here";
- high importance, high performance: "keep up the good work";
- low importance, low performance: "low priority";
- low importance, high performance: "possible overkill".

Which quadrant an attribute sits in is itself an estimate: the bootstrap resamples
respondents, recomputes means, importance and cross-hairs, and the quadrant is called
"not yet clear" when the interval of the attribute's distance to either cross-hair
includes zero.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, Literal, Self

import numpy as np
import pandas as pd
from scipy import stats

from .._errors import InputError
from .._resample import bootstrap_weights, check_random_state, percentile_interval
from .._results import Estimator
from .._validate import numeric_column
from ._attributes import attribute_mapping, prepare_attributes
from ._stats import mean_table, ordered_index, t_columns

__all__ = ["ImportancePerformance", "QUADRANTS"]

#: (importance high?, performance high?) -> quadrant
QUADRANTS = {(True, False): "concentrate here", (True, True): "keep up the good work",
             (False, False): "low priority", (False, True): "possible overkill"}


def _weighted_cov(z: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted covariance matrices of the columns of z; w is (n,) or (B, n)."""
    w2 = np.atleast_2d(w)
    sw = w2.sum(axis=1)
    mean = (w2 @ z) / sw[:, None]
    second = np.einsum("bn,ni,nj->bij", w2, z, z) / sw[:, None, None]
    return second - mean[:, :, None] * mean[:, None, :]


def _derived(cov: np.ndarray, method: str) -> np.ndarray:
    """Derived importance from covariance matrices (last column = overall), (B, k)."""
    k = cov.shape[-1] - 1
    sd = np.sqrt(np.einsum("bii->bi", cov))
    if method == "correlation":
        with np.errstate(invalid="ignore", divide="ignore"):
            return cov[:, :k, k] / (sd[:, :k] * sd[:, [k]])
    out = np.full((cov.shape[0], k), np.nan)
    for b in range(cov.shape[0]):
        try:
            beta = np.linalg.solve(cov[b, :k, :k], cov[b, :k, k])
        except np.linalg.LinAlgError:
            continue
        out[b] = beta * sd[b, :k] / sd[b, k]
    return out


class ImportancePerformance(Estimator):
    """Importance-performance analysis with stated and derived importance.

    Parameters
    ----------
    derived : {"correlation", "regression"}
        Derived importance: Pearson correlation with overall satisfaction, or the
        standardised weight in a multiple regression on all attributes.
    importance_source : {"stated", "derived"} or None
        Which importance places the attributes in the grid; None: stated when importance
        columns are given, else derived.
    crosshair : {"mean", "median"} or (float, float)
        Cross-hairs: the mean or median of the attribute means / importances, or fixed
        (performance, importance) values.
    scale : (float, float), "infer" or None
        Answer scale of the performance ratings.
    alpha : float
    n_boot : int
        Bootstrap replicates (quadrant intervals and probabilities); 0 uses the analytic
        intervals with fixed cross-hairs.
    random_state : int, Generator or None
    progress : bool

    Attributes
    ----------
    summary : pandas.DataFrame
        Index (attribute, measure) with measures ``performance``, ``stated importance``,
        ``derived importance``: ``estimate, se, lower, upper, statistic, p`` (t for
        means; Fisher z for correlations, HC3 t for regression weights) and bootstrap
        limits.
    quadrants_ : pandas.DataFrame
        Per attribute: performance and importance with intervals, the quadrant of the
        estimates, its bootstrap probability and ``quadrant`` ("not yet clear" when the
        data do not decide).
    crosshair_ : dict
        The cross-hair values used.
    importance_source_ : str

    References
    ----------
    Martilla, J. A., & James, J. C. (1977). Importance-performance analysis. *Journal of
    Marketing*, 41(1), 77-79.

    Matzler, K., Bailom, F., Hinterhuber, H. H., Renzl, B., & Pichler, J. (2004). The
    asymmetric relationship between attribute-level performance and overall customer
    satisfaction: A reconsideration of the importance-performance analysis. *Industrial
    Marketing Management*, 33(4), 271-277.

    Examples
    --------
    >>> from expectlab.simulate.servqual import simulate_penalty_reward
    >>> sim = simulate_penalty_reward(600, random_state=4)
    >>> ipa = ImportancePerformance(scale=(1, 5), n_boot=200, random_state=1).fit(
    ...     sim.data, performance=sim.attributes, importance=sim.importance,
    ...     overall="overall_satisfaction")
    >>> sorted(ipa.quadrants_.columns)[:3]
    ['importance', 'importance_lower', 'importance_upper']
    """

    _summary_title = "Importance-performance analysis"
    _tables = ("quadrants_",)

    def __init__(self, derived: Literal["correlation", "regression"] = "correlation",
                 importance_source: Literal["stated", "derived"] | None = None,
                 crosshair: Any = "mean",
                 scale: tuple[float, float] | Literal["infer"] | None = None,
                 alpha: float = 0.05, n_boot: int = 1000, random_state: Any = None,
                 progress: bool = False) -> None:
        self.derived = derived
        self.importance_source = importance_source
        self.crosshair = crosshair
        self.scale = scale
        self.alpha = alpha
        self.n_boot = n_boot
        self.random_state = random_state
        self.progress = progress

    def _check_params(self) -> None:
        if self.derived not in ("correlation", "regression"):
            raise InputError(f"derived must be 'correlation' or 'regression', got "
                             f"{self.derived!r}.")
        if self.importance_source not in (None, "stated", "derived"):
            raise InputError(f"importance_source must be 'stated', 'derived' or None, got "
                             f"{self.importance_source!r}.")
        if not (self.crosshair in ("mean", "median") or (
                isinstance(self.crosshair, (tuple, list)) and len(self.crosshair) == 2)):
            raise InputError(f"crosshair must be 'mean', 'median' or (performance, "
                             f"importance), got {self.crosshair!r}.")
        if not (isinstance(self.alpha, (float, int)) and 0 < self.alpha < 1):
            raise InputError(f"alpha must lie between 0 and 1, got {self.alpha!r}.")
        if not isinstance(self.n_boot, (int, np.integer)) or self.n_boot < 0:
            raise InputError(f"n_boot must be a non-negative integer, got {self.n_boot!r}.")
        check_random_state(self.random_state)

    def fit(self, data: Any, *, performance: Any, importance: Mapping[str, str] | None = None,
            overall: str | None = None, weights: Any = None) -> Self:
        """Place every attribute by performance and importance.

        Parameters
        ----------
        data : pandas.DataFrame or Study
        performance : list of str or dict label -> column
            Attribute performance ratings.
        importance : dict label -> column, optional
            Stated importance ratings of the same attributes.
        overall : str, optional
            Overall satisfaction (needed for derived importance).
        weights : str or array-like, optional

        Returns
        -------
        ImportancePerformance
        """
        self._check_params()
        if importance is None and overall is None:
            raise InputError("Give importance= (stated importance columns) or overall= "
                             "(for derived importance), or both.")
        source = self.importance_source or ("stated" if importance is not None
                                            else "derived")
        if source == "stated" and importance is None:
            raise InputError("importance_source='stated' needs importance= columns.")
        if source == "derived" and overall is None:
            raise InputError("importance_source='derived' needs overall=.")
        prep = prepare_attributes(data, performance, overall, weights, self.scale,
                                  require_overall=False)
        names = prep.names
        stated = None
        if importance is not None:
            imp_cols = attribute_mapping(importance, role="importance")
            missing = [a for a in names if a not in imp_cols]
            if missing:
                raise InputError(f"importance= has no column for attribute(s) {missing}; "
                                 "give one importance column per performance attribute.")
            from ._inputs import check_optional_scale

            cols = []
            for a in names:
                s = numeric_column(prep.frame, imp_cols[a], role="stated importance",
                                   source=prep.source)
                check_optional_scale(s, imp_cols[a], prep.study, prep.source,
                                     "stated importance")
                cols.append(s.to_numpy()[prep.keep])
            stated = np.column_stack(cols)
        w = prep.weights
        alpha = self.alpha
        parts = []
        perf_t = mean_table(prep.performance, w, alpha, pd.Index(names))
        parts.append(("performance", perf_t))
        if stated is not None:
            parts.append(("stated importance", mean_table(stated, w, alpha,
                                                          pd.Index(names))))
        derived = None
        if prep.overall is not None:
            derived = self._derived_table(prep.performance, prep.overall, w,
                                          prep.weights_note is not None, names)
            parts.append(("derived importance", derived))
        boot = {}
        if self.n_boot > 0:
            rng = check_random_state(self.random_state)
            bw = bootstrap_weights(len(w), int(self.n_boot), rng, base_weights=w)
            from ._stats import boot_means

            boot["performance"] = boot_means(prep.performance, bw)
            if stated is not None:
                boot["stated importance"] = boot_means(stated, bw)
            if prep.overall is not None:
                z = np.column_stack([prep.performance, prep.overall])
                boot["derived importance"] = _derived(_weighted_cov(z, bw), self.derived)
        rows = []
        for measure, table in parts:
            t = table[["estimate", "se", "lower", "upper", "statistic", "p"]].copy()
            if measure in boot:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    t["boot_lower"], t["boot_upper"] = percentile_interval(
                        boot[measure], alpha, axis=0)
            t.index = [(a, measure) for a in names]
            rows.append(t)
        summary = pd.concat(rows)
        order = sorted(range(len(summary)), key=lambda i: names.index(summary.index[i][0]))
        summary = summary.iloc[order]
        summary.index = ordered_index(list(summary.index), ["attribute", "measure"])
        self.summary_ = summary
        imp_measure = "stated importance" if source == "stated" else "derived importance"
        self.importance_source_ = imp_measure
        self.quadrants_ = self._quadrants(summary, names, imp_measure, boot)
        self.scale_, self.scale_inferred_ = prep.scale, prep.scale_inferred
        self.weights_ = prep.weights_note
        self.n_obs_ = int(len(w))
        self.excluded_ = prep.excluded
        self._fitted = True
        return self

    def _derived_table(self, x: np.ndarray, y: np.ndarray, w: np.ndarray, weighted: bool,
                       names: list[str]) -> pd.DataFrame:
        n_eff = w.sum() ** 2 / (w**2).sum()
        cov = _weighted_cov(np.column_stack([x, y]), w)
        est = _derived(cov, self.derived)[0]
        if self.derived == "correlation":
            # Fisher z interval with the effective sample size
            zr = np.arctanh(np.clip(est, -0.999999, 0.999999))
            se_z = 1 / np.sqrt(max(n_eff - 3, 1))
            zq = stats.norm.ppf(1 - self.alpha / 2)
            lower, upper = np.tanh(zr - zq * se_z), np.tanh(zr + zq * se_z)
            se = (1 - est**2) * se_z
            stat = zr / se_z
            return pd.DataFrame({"estimate": est, "se": se, "lower": lower, "upper": upper,
                                 "statistic": stat, "p": 2 * stats.norm.sf(np.abs(stat))},
                                index=pd.Index(names))
        from ..satisfaction.fitting import wls_fit

        fit = wls_fit(np.column_stack([np.ones(len(y)), x]), y, w if weighted else None,
                      cov_type="HC3")
        sd = np.sqrt(np.diag(cov[0]))
        factor = sd[:-1] / sd[-1]
        se = np.sqrt(np.diag(fit.cov))[1:] * factor
        out = t_columns(est, se, np.full(len(est), fit.df_inference), self.alpha)
        out.pop("df")
        return pd.DataFrame(out, index=pd.Index(names))

    def _crosshair(self, perf: np.ndarray, imp: np.ndarray) -> tuple[Any, Any]:
        if isinstance(self.crosshair, str):
            f = np.nanmean if self.crosshair == "mean" else np.nanmedian
            return f(perf, axis=-1), f(imp, axis=-1)
        return (np.full(perf.shape[:-1], float(self.crosshair[0])),
                np.full(imp.shape[:-1], float(self.crosshair[1])))

    def _quadrants(self, summary: pd.DataFrame, names: list[str], imp_measure: str,
                   boot: dict[str, np.ndarray]) -> pd.DataFrame:
        perf = summary.xs("performance", level="measure")
        imp = summary.xs(imp_measure, level="measure")
        cp, ci = self._crosshair(perf["estimate"].to_numpy(), imp["estimate"].to_numpy())
        self.crosshair_ = {"performance": float(cp), "importance": float(ci)}
        table = pd.DataFrame(index=pd.Index(names, name="attribute"))
        use_boot = "performance" in boot and imp_measure in boot
        lcol, ucol = ("boot_lower", "boot_upper") if use_boot else ("lower", "upper")
        for label, part in (("performance", perf), ("importance", imp)):
            table[label] = part["estimate"].to_numpy()
            table[f"{label}_lower"] = part[lcol].to_numpy()
            table[f"{label}_upper"] = part[ucol].to_numpy()
        high_p = table["performance"] > cp
        high_i = table["importance"] > ci
        table["quadrant_point"] = [QUADRANTS[(bool(i), bool(p))] for i, p in
                                   zip(high_i, high_p, strict=True)]
        if use_boot:
            bp, bi = boot["performance"], boot[imp_measure]
            bcp, bci = self._crosshair(bp, bi)
            dp, di = bp - bcp[:, None], bi - bci[:, None]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                lp, up = percentile_interval(dp, self.alpha, axis=0)
                li, ui = percentile_interval(di, self.alpha, axis=0)
            same = ((dp > 0) == high_p.to_numpy()[None, :]) & (
                (di > 0) == high_i.to_numpy()[None, :])
            table["quadrant_probability"] = np.nanmean(same, axis=0)
            clear = ((lp > 0) | (up < 0)) & ((li > 0) | (ui < 0))
        else:
            clear = (((table["performance_lower"] > cp) | (table["performance_upper"] < cp))
                     & ((table["importance_lower"] > ci) | (table["importance_upper"] < ci))
                     ).to_numpy()
            table["quadrant_probability"] = np.nan
        table["quadrant"] = np.where(clear, table["quadrant_point"], "not yet clear")
        return table

    @property
    def summary(self) -> pd.DataFrame:
        """Performance and importance per attribute with intervals."""
        self._check_fitted()
        return self.summary_

    def _summary_notes(self) -> list[str]:
        notes = super()._summary_notes()
        notes.append(f"Importance in the grid: {self.importance_source_}; derived importance "
                     f"by {self.derived}; cross-hairs at performance "
                     f"{self.crosshair_['performance']:.2f}, importance "
                     f"{self.crosshair_['importance']:.2f} ({self.crosshair}).")
        notes.append(f"Weights: {self.weights_}" if self.weights_ else
                     "Weights: none (every respondent counts once)")
        return notes

    def plot_grid(self, ax=None, annotate: bool = True, **kwargs):
        """The importance-performance grid with intervals and cross-hairs."""
        from .plots import plot_ipa

        return plot_ipa(self, ax=ax, annotate=annotate, **kwargs)
