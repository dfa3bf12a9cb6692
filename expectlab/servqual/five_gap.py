"""``FiveGapModel``: the gaps model of service quality (Parasuraman, Zeithaml & Berry 1985)
estimated from a customer survey and a management / staff survey matched by item.

Definitions used here (every gap is "later stage minus earlier stage", so a negative
gap is a shortfall), all in scale points of the shared answer scale:

- gap 1 (knowledge gap) = management's belief about customer expectations - customer
  expectation. Customers and managers are independent samples: Welch interval.
- gap 2 (standards gap) = service standard - management's belief about expectations.
- gap 3 (delivery gap) = service delivered (as staff report it) - service standard.
- gap 4 (communication gap) = service delivered - service promised in external
  communications (negative: promises exceed delivery).
- gap 5 (service-quality gap) = customer perception - customer expectation (paired).

Gaps 2 to 4 compare answers of the management survey. When the same person answered
both roles they are paired differences (``paired_management=True``, the default);
when different people answered the roles in one file (managers the standards, staff the
delivery), pass ``paired_management=False`` and Welch intervals are used.

The model says where the shortfall may arise; the gaps do not add up to gap 5 (they are
measured on different people) and a gap is only as good as the questions asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Self

import numpy as np
import pandas as pd

from .._errors import InputError, require_columns
from .._results import Estimator, ExclusionLog
from .._validate import as_frame, check_in_scale, numeric_column
from ._inputs import battery_scale, parse_batteries, parse_dimensions, resolve_weights
from ._stats import mean_table, ordered_index, welch_table
from .scores import dimension_scores

__all__ = ["FiveGapModel", "MANAGEMENT_ROLES", "GAP_DEFINITIONS"]

MANAGEMENT_ROLES = ("belief", "standard", "delivery", "promised")

#: gap -> (later stage, earlier stage, label); "customer E"/"customer P" are customer roles
GAP_DEFINITIONS = {
    "gap 1": ("belief", "customer E", "knowledge: management belief - customer expectation"),
    "gap 2": ("standard", "belief", "standards: service standard - management belief"),
    "gap 3": ("delivery", "standard", "delivery: service delivered - service standard"),
    "gap 4": ("delivery", "promised", "communication: service delivered - service promised"),
    "gap 5": ("customer P", "customer E", "service quality: perception - expectation"),
}


class FiveGapModel(Estimator):
    """Gaps 1 to 5 of the service-quality gaps model with intervals, per item and dimension.

    Parameters
    ----------
    scale : (float, float), "infer" or None
        Answer scale shared by the customer batteries and the management survey.
    alpha : float
        1 - confidence level.
    paired_management : bool
        Treat the roles of the management survey as answered by the same person (paired
        differences for gaps 2-4); False uses Welch intervals for them.

    Attributes
    ----------
    summary : pandas.DataFrame
        Index (gap, level, name); ``estimate, se, lower, upper, statistic, p`` (t test of
        gap = 0), ``df``, ``n``, ``test`` ("paired" or "Welch") and ``definition``.
    means_ : pandas.DataFrame
        Mean answer per role (customer E, customer P, belief, standard, delivery,
        promised) by (level, name).
    n_obs_ : int
        Customer plus management rows used.
    excluded_ : pandas.DataFrame
        Rows left out, the reason saying which survey.

    References
    ----------
    Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1985). A conceptual model of service
    quality and its implications for future research. *Journal of Marketing*, 49(4),
    41-50.

    Zeithaml, V. A., Berry, L. L., & Parasuraman, A. (1988). Communication and control
    processes in the delivery of service quality. *Journal of Marketing*, 52(2), 35-48.

    Examples
    --------
    >>> from expectlab.simulate.servqual import simulate_servqual
    >>> sim = simulate_servqual(n=300, n_management=50, random_state=3)
    >>> model = FiveGapModel(scale=(1, 7)).fit(
    ...     sim.data, sim.management, items=sim.items,
    ...     management_items=sim.management_items, dimensions=sim.dimensions)
    >>> sorted(set(model.summary.index.get_level_values("gap")))
    ['gap 1', 'gap 2', 'gap 3', 'gap 4', 'gap 5']
    """

    _summary_title = "Five-gap model of service quality"
    _tables = ("means_",)

    def __init__(self, scale: tuple[float, float] | Literal["infer"] | None = None,
                 alpha: float = 0.05, paired_management: bool = True) -> None:
        self.scale = scale
        self.alpha = alpha
        self.paired_management = paired_management

    def fit(self, data: Any, management: Any, *, items: Mapping[str, Any],
            management_items: Mapping[str, Mapping[str, str]],
            dimensions: Mapping[str, Any] | str | None = None, weights: Any = None,
            management_weights: Any = None) -> Self:
        """Estimate the five gaps.

        Parameters
        ----------
        data : pandas.DataFrame or Study
            Customer survey, one row per customer.
        management : pandas.DataFrame or Study
            Management / staff survey, one row per respondent.
        items : dict
            Item -> (expectation, perception) columns of the customer survey (or the
            three-column format, whose desired level serves as the expectation).
        management_items : dict
            Item -> {role: column} with roles ``belief``, ``standard``, ``delivery``,
            ``promised`` (a role may be left out; the gaps that need it are then not
            estimated for that item).
        dimensions : dict, "classic" or None
            Dimension -> items, as for :class:`ServqualGaps`.
        weights, management_weights : str or array-like, optional
            Survey weights of each survey.

        Returns
        -------
        FiveGapModel
        """
        if not (isinstance(self.alpha, (float, int)) and 0 < self.alpha < 1):
            raise InputError(f"alpha must lie between 0 and 1, got {self.alpha!r}.")
        cust, study = as_frame(data, source="the customer survey")
        mgmt, mstudy = as_frame(management, source="the management survey")
        csrc = "the customer survey" if study is None else study.source
        msrc = "the management survey" if mstudy is None else mstudy.source
        batteries = parse_batteries(items)
        dims = parse_dimensions(dimensions, batteries.items)
        roles = self._management_roles(management_items, batteries.items)
        for frame, src in ((cust, csrc), (mgmt, msrc)):
            if len(frame) == 0:
                raise InputError(f"{src} has no rows.")
        require_columns(mgmt, [c for r in roles.values() for c in r.values()], source=msrc)
        scale, inferred = battery_scale(self.scale, cust, study, batteries, source=csrc)
        e_role = batteries.roles[0]
        item_list = list(batteries.items)

        log = ExclusionLog()
        e = np.column_stack([numeric_column(cust, c, source=csrc).to_numpy()
                             for c in batteries.columns[e_role]])
        p = np.column_stack([numeric_column(cust, c, source=csrc).to_numpy()
                             for c in batteries.columns["perception"]])
        keep_c = ~(np.isnan(e) & np.isnan(p)).all(axis=1)
        mask = ~keep_c
        log.add(cust.index[mask], "customer survey: no expectation or perception answered")
        w_c, self.weights_ = resolve_weights(cust, study, weights, log, keep_c, source=csrc)

        mvals = {}
        for role in MANAGEMENT_ROLES:
            cols = []
            for item in item_list:
                col = roles.get(item, {}).get(role)
                if col is None:
                    cols.append(np.full(len(mgmt), np.nan))
                    continue
                values = numeric_column(mgmt, col, role=f"management {role} item",
                                        source=msrc)
                check_in_scale(values, scale, column=col, source=msrc,
                               role=f"management {role} item")
                cols.append(values.to_numpy())
            mvals[role] = np.column_stack(cols)
        any_m = np.column_stack([~np.isnan(v) for v in mvals.values()]).any(axis=1)
        keep_m = np.array(any_m, dtype=bool)  # a copy: resolve_weights narrows it
        mlog = ExclusionLog()
        mlog.add(mgmt.index[~any_m], "management survey: no item answered")
        w_m, self.management_weights_ = resolve_weights(mgmt, mstudy, management_weights,
                                                        mlog, keep_m, source=msrc)
        excluded = mlog.to_frame()
        excluded["reason"] = [r if r.startswith("management") else f"management survey: {r}"
                              for r in excluded["reason"]]
        cust_ex = log.to_frame()
        cust_ex["reason"] = [r if r.startswith("customer") else f"customer survey: {r}"
                             for r in cust_ex["reason"]]
        self.excluded_ = pd.concat([cust_ex, excluded], ignore_index=True)
        if keep_c.sum() < 2 or keep_m.sum() < 2:
            raise InputError(f"The five-gap model needs at least 2 usable respondents in "
                             f"each survey; found {int(keep_c.sum())} customers and "
                             f"{int(keep_m.sum())} management respondents.")
        self.n_obs_ = int(keep_c.sum() + keep_m.sum())
        self._rows_in_ = len(cust) + len(mgmt)
        self.scale_, self.scale_inferred_ = scale, inferred
        self.dimensions_ = dims

        values = {"customer E": e[keep_c], "customer P": p[keep_c],
                  **{r: v[keep_m] for r, v in mvals.items()}}
        weights_of = {"customer E": w_c[keep_c], "customer P": w_c[keep_c],
                      **{r: w_m[keep_m] for r in MANAGEMENT_ROLES}}
        levels = {"item": (item_list, {k: v for k, v in values.items()})}
        if dimensions is not None:
            levels["dimension"] = (list(dims), {
                k: dimension_scores(v, item_list, dims) for k, v in values.items()})
        parts, mean_rows = [], []
        for level, (names, vals) in levels.items():
            for gap, (later, earlier, label) in GAP_DEFINITIONS.items():
                idx = pd.Index(names)
                customer_side = {later, earlier} <= {"customer E", "customer P"}
                both_mgmt = not ({later, earlier} & {"customer E", "customer P"})
                if customer_side or (both_mgmt and self.paired_management):
                    table = mean_table(vals[later] - vals[earlier], weights_of[later],
                                       self.alpha, idx)
                    table["test"] = "paired"
                else:
                    table = welch_table(vals[earlier], weights_of[earlier], vals[later],
                                        weights_of[later], self.alpha, idx)
                    table["test"] = "Welch"
                table["definition"] = label
                table = table[table["n"] > 0]
                table.index = pd.MultiIndex.from_arrays(
                    [[gap] * len(table), [level] * len(table), table.index])
                parts.append(table)
            means = pd.DataFrame({k: mean_table(v, weights_of[k], self.alpha,
                                                pd.Index(names))["estimate"]
                                  for k, v in vals.items()})
            means.index = pd.MultiIndex.from_arrays([[level] * len(names), names])
            mean_rows.append(means)
        table = pd.concat(parts)
        order = sorted(range(len(table)), key=lambda i: (
            table.index[i][0], list(levels).index(table.index[i][1])))
        table = table.iloc[order]
        table.index = ordered_index(list(table.index), ["gap", "level", "name"])
        self.gaps_ = table.drop(columns=["n_eff"])
        means = pd.concat(mean_rows)
        means.index = ordered_index(list(means.index), ["level", "name"])
        self.means_ = means
        self._fitted = True
        return self

    @staticmethod
    def _management_roles(management_items: Any, items: tuple[str, ...]
                          ) -> dict[str, dict[str, str]]:
        if not isinstance(management_items, Mapping) or not management_items:
            raise InputError(
                "management_items= must be a dict item -> {role: column} with roles "
                f"{', '.join(MANAGEMENT_ROLES)}; got {management_items!r}.")
        out = {}
        for item, roles in management_items.items():
            if item not in items:
                raise InputError(f"management_items names item {item!r}, which is not a key "
                                 f"of items= (the customer survey). Match the items by name.")
            if not isinstance(roles, Mapping):
                raise InputError(f"management_items[{item!r}] must be a dict role -> column, "
                                 f"got {roles!r}.")
            unknown = [r for r in roles if r not in MANAGEMENT_ROLES]
            if unknown:
                raise InputError(f"management_items[{item!r}] has unknown role(s) {unknown}; "
                                 f"roles are {', '.join(MANAGEMENT_ROLES)}.")
            out[str(item)] = {r: str(c) for r, c in roles.items()}
        return out

    @property
    def summary(self) -> pd.DataFrame:
        """Gaps 1-5 per item (and dimension) with t intervals."""
        self._check_fitted()
        return self.gaps_

    def _summary_notes(self) -> list[str]:
        notes = super()._summary_notes()
        notes += [f"{g}: {d[2]}" for g, d in GAP_DEFINITIONS.items()]
        notes.append("Gap 1 compares independent samples (Welch); gap 5 is paired within "
                     "customers; gaps 2-4 are "
                     + ("paired within management respondents." if self.paired_management
                        else "Welch (roles answered by different people)."))
        return notes

    def plot_gaps(self, ax=None, **kwargs):
        """Gaps 1-5 per dimension (per item without dimensions) with intervals."""
        from .plots import plot_five_gaps

        return plot_five_gaps(self, ax=ax, **kwargs)
