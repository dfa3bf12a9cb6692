"""``ServqualGaps``: gap scores per item and dimension, the zone of tolerance, importance
weighting, the reliability of gap scores and the SERVPERF comparison, in one fit.

Definitions (Parasuraman, Zeithaml & Berry 1988, 1994):

- two-column format (expectation E and perception P per item): gap = P - E per item;
- three-column format (desired D, adequate A and perceived P per item): measure of
  service adequacy MSA = P - A and measure of service superiority MSS = P - D;
- a dimension's score is a respondent's mean over its answered items (at least half of
  them); the unweighted SERVQUAL score is the mean of the dimension scores, the
  importance-weighted score is their importance-weighted sum.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, Self

import numpy as np
import pandas as pd

from .._errors import FragileResultWarning, InputError, describe_offenders, require_columns
from .._resample import bootstrap_weights, check_random_state, percentile_interval
from .._results import Estimator, ExclusionLog
from .._validate import as_frame, numeric_column
from ._inputs import (
    Batteries,
    battery_scale,
    check_optional_scale,
    parse_batteries,
    parse_dimensions,
    resolve_weights,
)
from ._stats import boot_means, mean_table, ordered_index
from .importance import derived_importance, derived_shares_boot, stated_shares
from .reliability import DIFFERENCE_SCORE_NOTE, reliability_table
from .scores import dimension_scores
from .servperf import difference_tests, servperf_comparison
from .zone import zone_share_table

if TYPE_CHECKING:  # pragma: no cover
    from ..study import Study

__all__ = ["ServqualGaps"]

_GAP_COLUMNS = ["estimate", "se", "lower", "upper", "statistic", "p", "df", "n", "n_eff"]


class ServqualGaps(Estimator):
    """Service-quality gaps (SERVQUAL) with uncertainty, zone of tolerance, importance
    weighting, gap-score reliability and the SERVPERF comparison.

    Parameters
    ----------
    scale : (float, float), "infer" or None
        Answer scale shared by every battery (e.g. ``(1, 7)``); every answer is checked
        against it. ``None`` takes the study's codebook scale (an error when none is
        declared); ``"infer"`` uses the observed range and says so in the notes.
    alpha : float
        1 - confidence level of every interval.
    n_boot : int
        Bootstrap replicates for percentile intervals next to the analytic t intervals
        (0, the default, skips the bootstrap). The bootstrap also carries the uncertainty
        of derived importance weights into the weighted score.
    min_reliability : float
        Gap reliabilities below this value trigger a :class:`FragileResultWarning`.
    random_state : int, Generator or None
        Seed of the bootstrap.
    progress : bool
        Kept for the common estimator interface (the bootstrap here is one matrix product).

    Attributes
    ----------
    summary : pandas.DataFrame
        Index (measure, level, name): measure ``"P - E"`` (two-column format) or
        ``"MSA"`` / ``"MSS"`` (three-column format); level ``item``, ``dimension`` or
        ``overall`` (the unweighted and the importance-weighted score). Columns
        ``estimate, se, lower, upper, statistic, p`` (paired t test of gap = 0, weights
        through the effective sample size), ``df``, ``n``, ``n_eff`` and, with
        ``n_boot``, ``boot_lower`` / ``boot_upper``.
    means_ : pandas.DataFrame
        Weighted mean answer per battery, by (level, name).
    zone_ : pandas.DataFrame or None
        Three-column format: share of respondents below / within / above the zone of
        tolerance (and with an inverted zone), with intervals, per item and dimension.
    importance_ : pandas.DataFrame or None
        Importance weight of each dimension (``share``) and where it came from.
    reliability_ : pandas.DataFrame
        Per dimension: Cronbach's alpha of the expectation (desired), perception and gap
        items and the difference-score reliability.
    servperf_ : pandas.DataFrame or None
        With ``overall``: fit of overall ~ perception, ~ gap and ~ E + P.
    difference_tests_ : pandas.DataFrame or None
        With ``overall``: per dimension the response-surface test of the difference
        constraint (``SatisfactionRegression.verdict("difference")``).
    format_ : str
        ``"two-column"`` or ``"three-column"``.
    dimensions_ : dict
        Dimension -> items.
    scale_, scale_inferred_, weights_, n_obs_, excluded_

    Notes
    -----
    Gap scores are difference scores and inherit their problems: low reliability when E
    and P correlate, variance that depends on both parts and a constraint (equal and
    opposite weights of E and P) that the data may reject. ``reliability_``,
    ``servperf_`` and ``difference_tests_`` put these on the table.

    References
    ----------
    Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL: A multiple-item
    scale for measuring consumer perceptions of service quality. *Journal of Retailing*,
    64(1), 12-40.

    Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1994). Alternative scales for
    measuring service quality: A comparative assessment based on psychometric and
    diagnostic criteria. *Journal of Retailing*, 70(3), 201-230.

    Peter, J. P., Churchill, G. A., & Brown, T. J. (1993). Caution in the use of difference
    scores in consumer research. *Journal of Consumer Research*, 19(4), 655-662.

    Cronin, J. J., & Taylor, S. A. (1992). Measuring service quality: A reexamination and
    extension. *Journal of Marketing*, 56(3), 55-68.

    Examples
    --------
    >>> import warnings; warnings.simplefilter("ignore")
    >>> from expectlab.simulate.servqual import simulate_servqual
    >>> sim = simulate_servqual(n=300, random_state=1)
    >>> model = ServqualGaps(scale=(1, 7)).fit(
    ...     sim.data, items=sim.items, dimensions=sim.dimensions, overall="overall_quality")
    >>> model.summary.loc[("P - E", "dimension"), "estimate"].round(1).index.tolist()
    ['tangibles', 'reliability', 'responsiveness', 'assurance', 'empathy']
    """

    _summary_title = "Service-quality gaps (SERVQUAL)"
    _tables = ("means_", "zone_", "importance_", "reliability_", "servperf_",
               "difference_tests_")

    def __init__(self, scale: tuple[float, float] | Literal["infer"] | None = None,
                 alpha: float = 0.05, n_boot: int = 0, min_reliability: float = 0.6,
                 random_state: Any = None, progress: bool = False) -> None:
        self.scale = scale
        self.alpha = alpha
        self.n_boot = n_boot
        self.min_reliability = min_reliability
        self.random_state = random_state
        self.progress = progress

    def _check_params(self) -> None:
        if not (isinstance(self.alpha, (float, int)) and 0 < self.alpha < 1):
            raise InputError(f"alpha must lie between 0 and 1, got {self.alpha!r}.")
        if not isinstance(self.n_boot, (int, np.integer)) or self.n_boot < 0:
            raise InputError(f"n_boot must be a non-negative integer, got {self.n_boot!r}.")
        if not isinstance(self.min_reliability, (float, int)):
            raise InputError(f"min_reliability must be a number, got {self.min_reliability!r}.")
        check_random_state(self.random_state)

    # ----------------------------------------------------------------------- fit --
    def fit(self, data: pd.DataFrame | Study, *, items: Mapping[str, Any],
            dimensions: Mapping[str, Any] | str | None = None, overall: str | None = None,
            importance: Mapping[str, str] | Literal["derived"] | None = None,
            weights: Any = None) -> Self:
        """Estimate the gaps and everything that qualifies them.

        Parameters
        ----------
        data : pandas.DataFrame or Study
            One row per respondent.
        items : dict
            Item -> ``(expectation column, perception column)``, or item -> ``(desired,
            adequate, perceived)`` columns (zone-of-tolerance format).
        dimensions : dict, "classic" or None
            Dimension -> list of items (every item in exactly one dimension);
            ``"classic"`` groups 22 items in questionnaire order into the five SERVQUAL
            dimensions; ``None`` puts all items into one dimension.
        overall : str, optional
            Overall service-quality rating: enables derived importance, the SERVPERF
            comparison and the difference-constraint tests.
        importance : dict, "derived" or None
            Dimension -> column of points allocated to it (stated importance), or
            ``"derived"`` (regression of ``overall`` on the dimension perceptions).
            ``None``: derived when ``overall`` is given, else no weighted score.
        weights : str or array-like, optional
            Survey weights (column name or one weight per row); the study's by default.

        Returns
        -------
        ServqualGaps
            ``self``, fitted.
        """
        self._check_params()
        frame, study = as_frame(data)
        source = "data" if study is None else study.source
        batteries = parse_batteries(items)
        dims = parse_dimensions(dimensions, batteries.items)
        stated_cols = self._importance_columns(importance, dims, overall)
        require_columns(frame, [overall, *stated_cols.values(),
                                weights if isinstance(weights, str) else None],
                        source=source)
        if len(frame) == 0:
            raise InputError(f"{source} has no rows.")
        scale, inferred = battery_scale(self.scale, frame, study, batteries, source=source)

        values = {role: np.column_stack([
            numeric_column(frame, c, role=f"{role} item", source=source).to_numpy()
            for c in batteries.columns[role]]) for role in batteries.roles}
        log = ExclusionLog()
        keep = np.ones(len(frame), dtype=bool)
        first, last = values[batteries.roles[0]], values["perception"]
        usable = ~(np.isnan(first) | np.isnan(last))
        none = ~usable.any(axis=1)
        log.add_mask(frame, none & keep, "no item answered in both batteries")
        keep &= ~none
        w_all, self.weights_ = resolve_weights(frame, study, weights, log, keep,
                                               source=source)
        self._weighted = self.weights_ is not None
        if keep.sum() < 3:
            raise InputError(f"Only {int(keep.sum())} usable respondents in {source}; gap "
                             "intervals need at least 3.")
        w = w_all[keep]
        vals = {role: v[keep] for role, v in values.items()}
        overall_values = None
        if overall is not None:
            series = numeric_column(frame, overall, role="overall quality", source=source)
            check_optional_scale(series, overall, study, source, "overall quality")
            overall_values = series.to_numpy()[keep]
        points = None
        if stated_cols:
            points = np.column_stack([self._points(frame, c, source)[keep]
                                      for c in stated_cols.values()])

        self.format_ = "three-column" if batteries.three_column else "two-column"
        self.dimensions_ = dims
        self.items_ = {i: d for d, members in dims.items() for i in members}
        self.columns_ = {item: tuple(batteries.columns[r][j] for r in batteries.roles)
                         for j, item in enumerate(batteries.items)}
        self.scale_, self.scale_inferred_ = scale, inferred
        self.n_obs_ = int(keep.sum())
        self.excluded_ = log.to_frame()
        self._batteries = batteries
        rng = check_random_state(self.random_state)
        boot_w = (bootstrap_weights(len(w), int(self.n_boot), rng, base_weights=w)
                  if self.n_boot > 0 else None)

        self._compute(vals, w, overall_values, points, stated_cols, importance, boot_w)
        self._fitted = True
        self._warn_reliability()
        return self

    # ---------------------------------------------------------------- helpers --
    def _importance_columns(self, importance: Any, dims: dict[str, list[str]],
                            overall: str | None) -> dict[str, str]:
        if importance is None or (isinstance(importance, str) and importance == "derived"):
            if isinstance(importance, str) and overall is None:
                raise InputError("importance='derived' needs overall= (the overall quality "
                                 "rating the dimension perceptions are regressed on).")
            return {}
        if not isinstance(importance, Mapping):
            raise InputError("importance= must be a dict dimension -> points column, "
                             f"'derived' or None; got {importance!r}.")
        missing = [d for d in dims if d not in importance]
        extra = [d for d in importance if d not in dims]
        if missing or extra:
            raise InputError(
                f"importance= must name one points column per dimension {list(dims)}; "
                f"missing {missing}, unknown {extra}.")
        return {d: importance[d] for d in dims}

    @staticmethod
    def _points(frame: pd.DataFrame, column: str, source: str) -> np.ndarray:
        series = numeric_column(frame, column, role="importance points", source=source)
        neg = series.to_numpy() < 0
        if neg.any():
            raise InputError(
                f"Importance points column {column!r} in {source} has negative points: "
                f"{describe_offenders(series, neg)}. Points allocated to a dimension are 0 "
                "or more; correct the data or declare missing-value codes.")
        return series.to_numpy()

    def _gap_block(self, measure: str, item_values: np.ndarray, w: np.ndarray,
                   boot_w: np.ndarray | None) -> tuple[list[pd.DataFrame], np.ndarray]:
        items = list(self._batteries.items)
        dim_values = dimension_scores(item_values, items, self.dimensions_)
        parts = []
        for level, values, names in (("item", item_values, items),
                                     ("dimension", dim_values, list(self.dimensions_))):
            idx = pd.MultiIndex.from_product([[measure], [level], names],
                                             names=["measure", "level", "name"])
            table = mean_table(values, w, self.alpha, idx)
            if boot_w is not None:
                table["boot_lower"], table["boot_upper"] = self._interval(
                    boot_means(values, boot_w))
            parts.append(table)
        return parts, dim_values

    def _interval(self, reps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return percentile_interval(reps, alpha=self.alpha, axis=0)

    def _compute(self, vals: dict[str, np.ndarray], w: np.ndarray,
                 overall: np.ndarray | None, points: np.ndarray | None,
                 stated_cols: dict[str, str], importance: Any,
                 boot_w: np.ndarray | None) -> None:
        b: Batteries = self._batteries
        p = vals["perception"]
        items, dim_names = list(b.items), list(self.dimensions_)
        if b.three_column:
            measures = {"MSA": p - vals["adequate"], "MSS": p - vals["desired"]}
            reference = vals["desired"]  # the analogue of E in the gap P - E (MSS)
        else:
            measures = {"P - E": p - vals["expectation"]}
            reference = vals["expectation"]
        headline = "MSS" if b.three_column else "P - E"
        parts = []
        dim_scores = {}
        for measure, item_values in measures.items():
            block, dim_scores[measure] = self._gap_block(measure, item_values, w, boot_w)
            parts.extend(block)
        e_dims = dimension_scores(reference, items, self.dimensions_)
        p_dims = dimension_scores(p, items, self.dimensions_)

        # --- importance and overall scores (on the headline measure) -----------------
        self.importance_ = None
        gap_dims = dim_scores[headline]
        complete = ~np.isnan(gap_dims).any(axis=1)
        score_rows = {"unweighted mean of dimensions": np.where(
            complete, gap_dims.mean(axis=1), np.nan)}
        boot_scores = {}
        if boot_w is not None:
            boot_scores["unweighted mean of dimensions"] = boot_means(
                score_rows["unweighted mean of dimensions"][:, None], boot_w)[:, 0]
        use_derived = overall is not None and not stated_cols and importance in (None,
                                                                                  "derived")
        if points is not None:  # read exactly when stated_cols name points columns
            shares = stated_shares(points)
            weighted = np.where(complete, np.nansum(shares * np.nan_to_num(gap_dims), axis=1),
                                np.nan)
            weighted[np.isnan(shares).any(axis=1)] = np.nan
            score_rows["importance-weighted (stated points)"] = weighted
            mean_share = mean_table(shares, w, self.alpha, pd.Index(dim_names,
                                                                    name="dimension"))
            self.importance_ = mean_share[["estimate", "se", "lower", "upper", "n"]].assign(
                share=mean_share["estimate"], source="stated points",
                column=[stated_cols[d] for d in dim_names])
            if boot_w is not None:
                boot_scores["importance-weighted (stated points)"] = boot_means(
                    weighted[:, None], boot_w)[:, 0]
        elif use_derived and overall is not None:  # (use_derived implies the latter)
            rows = ~(np.isnan(p_dims).any(axis=1) | np.isnan(overall))
            if rows.sum() <= len(dim_names) + 2:
                raise InputError(
                    f"Derived importance needs more respondents with an overall rating and "
                    f"every dimension score than the {len(dim_names) + 1} regression "
                    f"weights; found {int(rows.sum())}. Pass importance= (points columns) "
                    "or collect more answers.")
            table = derived_importance(overall[rows], p_dims[rows], w[rows], dim_names,
                                       self.alpha)
            table["source"] = "derived (regression of overall on perceptions)"
            self.importance_ = table
            share = table["share"].to_numpy()
            weighted = np.where(complete, np.nan_to_num(gap_dims) @ np.nan_to_num(share),
                                np.nan)
            score_rows["importance-weighted (derived)"] = weighted
            if boot_w is not None:
                b_share = derived_shares_boot(overall[rows], p_dims[rows], boot_w[:, rows])
                comp_means = boot_means(np.where(complete[:, None], gap_dims, np.nan), boot_w)
                boot_scores["importance-weighted (derived)"] = np.sum(b_share * comp_means,
                                                                      axis=1)
        names = list(score_rows)
        idx = pd.MultiIndex.from_product([[headline], ["overall"], names],
                                         names=["measure", "level", "name"])
        overall_table = mean_table(np.column_stack([score_rows[n] for n in names]), w,
                                   self.alpha, idx)
        if boot_w is not None:
            reps = np.column_stack([boot_scores[n] for n in names])
            overall_table["boot_lower"], overall_table["boot_upper"] = self._interval(reps)
        parts.append(overall_table)
        gaps = pd.concat(parts)
        gaps.index = ordered_index(list(gaps.index), ["measure", "level", "name"])
        ordered = [c for c in _GAP_COLUMNS + ["boot_lower", "boot_upper"] if c in gaps]
        self.gaps_ = gaps[ordered]

        # --- means per battery ------------------------------------------------------
        mean_parts = {}
        for role in b.roles:
            item_m = mean_table(vals[role], w, self.alpha, pd.Index(items))["estimate"]
            dim_m = mean_table(dimension_scores(vals[role], items, self.dimensions_), w,
                               self.alpha, pd.Index(dim_names))["estimate"]
            mean_parts[role] = np.concatenate([item_m.to_numpy(), dim_m.to_numpy()])
        self.means_ = pd.DataFrame(mean_parts, index=ordered_index(
            [("item", i) for i in items] + [("dimension", d) for d in dim_names],
            ["level", "name"]))

        # --- zone of tolerance --------------------------------------------------------
        self.zone_ = None
        if b.three_column:
            d_dims = dimension_scores(vals["desired"], items, self.dimensions_)
            a_dims = dimension_scores(vals["adequate"], items, self.dimensions_)
            item_zone = zone_share_table(vals["desired"], vals["adequate"], p, w, self.alpha,
                                         pd.MultiIndex.from_product([["item"], items],
                                                                    names=["level", "name"]))
            dim_zone = zone_share_table(d_dims, a_dims, p_dims, w, self.alpha,
                                        pd.MultiIndex.from_product([["dimension"], dim_names],
                                                                   names=["level", "name"]))
            zone = pd.concat([item_zone, dim_zone])
            zone.index = ordered_index(list(zone.index), ["level", "name"])
            self.zone_ = zone

        # --- reliability ----------------------------------------------------------------
        self.reliability_ = reliability_table(reference, p, items, self.dimensions_)

        # --- SERVPERF and the difference constraint -----------------------------------
        self.servperf_ = None
        self.difference_tests_ = None
        if overall is not None:
            rows = ~(np.isnan(e_dims).any(axis=1) | np.isnan(p_dims).any(axis=1)
                     | np.isnan(overall))
            if rows.sum() > 2 * len(dim_names) + 2:
                self.servperf_ = servperf_comparison(overall[rows], e_dims[rows],
                                                     p_dims[rows], w[rows], self._weighted)
            self.difference_tests_ = difference_tests(
                overall, e_dims, p_dims, w, self._weighted, dim_names, self.scale_,
                self.alpha)

    def _warn_reliability(self) -> None:
        rel = self.reliability_
        low = rel[(rel["alpha_gap"] < self.min_reliability)
                  | (rel["difference_reliability"] < self.min_reliability)]
        if len(low):
            detail = "; ".join(
                f"{d}: alpha of the gap items {r.alpha_gap:.2f}, difference-score "
                f"reliability {r.difference_reliability:.2f}" for d, r in low.iterrows())
            warnings.warn(
                f"Gap scores of {len(low)} dimension(s) have reliability below "
                f"{self.min_reliability:g} ({detail}). {DIFFERENCE_SCORE_NOTE}",
                FragileResultWarning, stacklevel=3)

    # ------------------------------------------------------------------ results --
    @property
    def summary(self) -> pd.DataFrame:
        """Gap estimates per item, dimension and overall with paired t intervals."""
        self._check_fitted()
        return self.gaps_

    def _summary_notes(self) -> list[str]:
        notes = super()._summary_notes()
        lo, hi = self.scale_
        text = f"Answer scale: {lo:g} to {hi:g}"
        if self.scale_inferred_:
            text += " (inferred from the observed answers, scale='infer')"
        notes.append(text)
        notes.append(f"Weights: {self.weights_}" if self.weights_ else
                     "Weights: none (every respondent counts once)")
        notes.append("statistic: t of the paired test gap = 0 (effective n with weights)")
        notes.append(DIFFERENCE_SCORE_NOTE)
        return notes

    def reliability_warning(self) -> str:
        """Plain-language reading of ``reliability_`` for reports."""
        self._check_fitted()
        rel = self.reliability_
        low = rel.index[(rel["difference_reliability"] < self.min_reliability)
                        | (rel["alpha_gap"] < self.min_reliability)].tolist()
        head = (f"Gap scores of {', '.join(map(str, low))} are below the reliability "
                f"threshold {self.min_reliability:g}. " if low else
                f"Every dimension's gap reliability reaches {self.min_reliability:g}. ")
        return head + DIFFERENCE_SCORE_NOTE

    # -------------------------------------------------------------------- plots --
    def plot_gaps(self, level: str = "dimension", measure: str | None = None, ax=None,
                  **kwargs):
        """Gap estimates with their intervals (``level`` "item" or "dimension")."""
        from .plots import plot_gaps

        return plot_gaps(self, level=level, measure=measure, ax=ax, **kwargs)

    def plot_profile(self, level: str = "dimension", ax=None, **kwargs):
        """Mean answer per battery (E / P, or desired / adequate / perceived)."""
        from .plots import plot_profile

        return plot_profile(self, level=level, ax=ax, **kwargs)

    def plot_zone(self, ax=None, **kwargs):
        """Share of respondents below / within / above the zone of tolerance per
        dimension (three-column format only; an InputError otherwise)."""
        from .plots import plot_zone

        return plot_zone(self, ax=ax, **kwargs)
