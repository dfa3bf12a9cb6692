"""``PLSPathModel`` and ``SatisfactionIndex``: customer-satisfaction-index models estimated
by partial least squares path modelling.

This module validates the input (through :mod:`expectlab._validate`), standardises the
items, hands correlation matrices to the numeric core (:mod:`.algorithm`), and turns
the arrays it returns into labelled result tables, quality criteria (:mod:`.quality`),
bootstrap intervals (:mod:`.bootstrap`) and the 0-100 indices the ACSI publishes.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._errors import FragileResultWarning, InputError, require_columns
from .._results import Estimator, ExclusionLog
from .._validate import (
    as_frame,
    check_not_collinear,
    numeric_array,
    resolve_scale,
    weights_array,
)
from . import quality as _q
from .algorithm import (
    SCHEMES,
    CoreResult,
    Layout,
    pls_core,
    total_effects,
    weighted_correlations,
)
from .bootstrap import interval_table, run_bootstrap, run_jackknife
from .moderation import (
    ModeratedCoreResult,
    TwoStage,
    extended_specification,
    parse_interactions,
    simple_slopes,
)
from .specification import (
    ACSI_MEASUREMENT,
    ACSI_STRUCTURAL,
    CONSTRUCT_LABELS,
    CSI_POSITIONS,
    ECSI_MEASUREMENT,
    ECSI_STRUCTURAL,
    Specification,
    build_specification,
)

__all__ = ["PLSPathModel", "SatisfactionIndex"]

_CI = ("percentile", "bca")
_MISSING = ("exclude", "mean")


class _NotAvailable(InputError, AttributeError):
    """A result this fitted model does not have (no interaction terms, no answer scale).

    An :class:`InputError` with the explanation, and an ``AttributeError`` so that
    ``hasattr`` and ``dir`` (which scikit-learn filters with ``hasattr``) treat the
    result as absent instead of failing.
    """


def _label(a: str, b: str) -> str:
    return f"{a} -> {b}"


@dataclass
class _Statistics:
    """Maps a stacked core result to the vector of bootstrapped statistics.

    Order: the paths, the total and the indirect effects of every connected pair, R2 of
    the endogenous constructs, each item's loading and weight, and (when the answer scale
    is known) the mean 0-100 index of each construct. A module-level class (not a
    closure) so that joblib can send it to worker processes.
    """

    path_idx: tuple[np.ndarray, np.ndarray]
    pair_idx: tuple[np.ndarray, np.ndarray]
    endo: np.ndarray
    item_idx: tuple[np.ndarray, np.ndarray]
    blocks: list[np.ndarray]
    mu: np.ndarray          # raw item means of the sample (standardisation constants)
    sd: np.ndarray          # raw item sds of the sample
    lo: np.ndarray | None   # per-item scale minimum (None: no index)
    hi: np.ndarray | None
    slope_idx: np.ndarray | None = None  # (I, 3) construct, term, target (moderation)

    def sizes(self) -> dict[str, int]:
        out = {"paths": len(self.path_idx[0]), "total": len(self.pair_idx[0]),
               "indirect": len(self.pair_idx[0]), "r2": len(self.endo),
               "loadings": len(self.item_idx[0]), "weights": len(self.item_idx[0])}
        out["index"] = len(self.blocks) if self.lo is not None else 0
        out["slopes"] = 3 * len(self.slope_idx) if self.slope_idx is not None else 0
        return out

    def __call__(self, res: CoreResult, means: np.ndarray, sds: np.ndarray) -> np.ndarray:
        paths = res.paths
        total = total_effects(paths)
        parts = [paths[:, self.path_idx[0], self.path_idx[1]],
                 total[:, self.pair_idx[0], self.pair_idx[1]],
                 (total - paths)[:, self.pair_idx[0], self.pair_idx[1]],
                 res.r2[:, self.endo],
                 res.loadings[:, self.item_idx[0], self.item_idx[1]],
                 res.weights[:, self.item_idx[0], self.item_idx[1]]]
        if self.lo is not None:
            parts.append(self.index_means(res.weights, means, sds))
        if self.slope_idx is not None:
            # slopes are asked for only with interaction terms, whose stage 2 always
            # returns a ModeratedCoreResult with the products' standard deviations
            if not isinstance(res, ModeratedCoreResult) or res.product_sd is None:
                raise RuntimeError("simple slopes need the stage-2 (moderated) result")
            parts.append(simple_slopes(paths, res.product_sd, self.slope_idx))
        return np.concatenate(parts, axis=1)

    def index_means(self, weights: np.ndarray, means: np.ndarray, sds: np.ndarray
                    ) -> np.ndarray:
        """Mean 0-100 index per construct; ``means``/``sds`` are moments of the
        standardised items under each replicate's weights."""
        lo, hi = self.lo, self.hi
        if lo is None or hi is None:  # sizes() gives no index columns then
            raise RuntimeError("index means need the answer scale of every item")
        raw_mean = self.mu + self.sd * means
        raw_sd = self.sd * sds
        out = np.empty((weights.shape[0], len(self.blocks)))
        with np.errstate(all="ignore"):
            for j, idx in enumerate(self.blocks):
                u = weights[:, idx, j] / raw_sd[:, idx]
                u = u / u.sum(axis=1, keepdims=True)
                rescaled = (raw_mean[:, idx] - lo[idx]) / (hi[idx] - lo[idx])
                out[:, j] = 100 * (u * rescaled).sum(axis=1)
        return out


class PLSPathModel(Estimator):
    """Partial least squares path model (PLS-PM, "PLS-SEM") of constructs measured by items.

    The estimator of the customer satisfaction indices (ACSI, ECSI): constructs are
    weighted sums of their standardised items, with weights found by the iterative PLS
    algorithm of Wold (1982) in Lohmöller's (1989) formulation; the structural paths are
    then least-squares regressions among the construct scores.

    Parameters
    ----------
    measurement : dict
        Construct name -> list of item columns (a single column name gives a single-item
        construct; with a :class:`~expectlab.Study` a scale name stands for its items).
        Each item belongs to one construct.
    structural : list of (str, str)
        Paths ``(from, to)``. They must form a directed acyclic graph (recursive model)
        and every construct must take part in at least one path.
    weighting : {"path", "factor", "centroid"}
        Inner weighting scheme. ``"path"`` (Lohmöller's path weighting, the default of
        most software) uses regression weights for a construct's predecessors and
        correlations for its successors.
    modes : str or dict, optional
        ``"A"`` (reflective: weights proportional to the items' correlations with the
        inner proxy; the default) or ``"B"`` (formative: multiple-regression weights),
        for every construct or per construct.
    max_iter : int
        Most iterations of the outer-weight algorithm.
    tol : float
        Convergence criterion: the sum of the absolute changes of all outer weights
        between two iterations.
    n_boot : int
        Bootstrap replicates for standard errors, intervals and p-values (0: none).
    ci : {"percentile", "bca"}
        Bootstrap interval: percentile, or bias-corrected and accelerated (acceleration
        from the jackknife).
    alpha : float
        One minus the confidence level.
    scale : (float, float), "infer", dict or None
        Answer scale of the items for the 0-100 indices (``index_scores_``, ``indices_``):
        one ``(min, max)`` for all items, a dict construct -> scale, ``"infer"`` (observed
        range, flagged) or ``None`` (the study's codebook; without one the indices are not
        computed and asking for them says how to declare the scale).
    missing : {"exclude", "mean"}
        Rows with a missing item of the model are excluded and listed in ``excluded_``
        (default). ``"mean"`` replaces each missing answer with the item's mean instead
        (the count per item is in ``imputed_``); rows that answered no item are excluded.
    interactions : list of (str, str, str), optional
        Moderation: ``(construct, moderator, target)`` triples; ``("SAT", "SWITCH",
        "LOY")`` adds the interaction term ``"SAT x SWITCH"`` with the path
        ``SAT x SWITCH -> LOY`` (the moderator SWITCH changes the path SAT -> LOY). Both
        main effects must be in ``structural``. Estimated with the two-stage approach
        (Henseler & Chin 2010; Becker, Ringle & Sarstedt 2018): the product of the
        standardised scores of the main-effects model, standardised, enters the target's
        regression; see :mod:`expectlab.csi.moderation`.
    random_state : int, numpy Generator or None
        Seed of the bootstrap.
    n_jobs : int
        Parallel workers for the bootstrap; the replicates do not depend on it.
    progress : bool
        Show a progress bar during the bootstrap.

    Attributes
    ----------
    path_coefficients_ : pandas.DataFrame
        Standardised path coefficients, rows "from", columns "to" (NaN: no path);
        interaction terms are rows and columns after the constructs.
    summary : pandas.DataFrame
        One row per path (``"A -> B"``, ``"A x M -> B"`` for an interaction term):
        ``estimate, se, lower, upper, statistic, p``; the last five from the bootstrap
        (NaN when ``n_boot=0``).
    simple_slopes_ : pandas.DataFrame
        With ``interactions``: the path of each term's construct on its target for
        respondents whose moderator score is 1 SD below the mean, at the mean, and 1 SD
        above, with bootstrap intervals.
    structure_ : Specification
        The structural model estimated (interaction terms appended as constructs
        without items); ``spec_`` is the main-effects model of stage 1.
    reversed_items_ : list of str
        Items a Study's codebook flags as negatively worded, reversed on their declared
        scale before the estimation.
    total_effects_, indirect_effects_ : pandas.DataFrame
        Total and indirect (through mediating constructs) effects, rows "from".
    effects_ : pandas.DataFrame
        Direct, indirect and total effect of every connected pair, with bootstrap
        intervals of the indirect and total effects.
    outer_loadings_, outer_weights_ : pandas.DataFrame
        Items x constructs (NaN outside a construct's block). Weights apply to the
        standardised items and give construct scores of unit variance.
    outer_summary_ : pandas.DataFrame
        One row per item: construct, loading, weight, with bootstrap intervals.
    cross_loadings_ : pandas.DataFrame
        Correlation of every item with every construct score.
    r2_ : pandas.DataFrame
        ``r2`` and ``adj_r2`` of each endogenous construct.
    f2_ : pandas.Series
        Cohen's f-squared of each path.
    reliability_ : pandas.DataFrame
        Per construct: mode, number of items, Cronbach's alpha (standardised items),
        rho_C (composite reliability), rho_A (Dijkstra-Henseler) and AVE. These are
        criteria of reflective (Mode A) measurement; for Mode B constructs they are shown
        but do not apply.
    htmt_ : pandas.DataFrame
        Heterotrait-monotrait ratios of correlations between constructs.
    construct_correlations_ : pandas.DataFrame
        Correlations of the construct scores.
    scores_ : pandas.DataFrame
        Standardised construct scores of the respondents used (index of the input rows),
        followed by the standardised interaction terms.
    index_scores_ : pandas.DataFrame
        The 0-100 index of each construct for each respondent, as the ACSI computes it.
    index_weights_ : pandas.Series
        The item weights of the index (unstandardised outer weights rescaled to sum 1).
    indices_ : pandas.DataFrame
        Mean 0-100 index per construct (survey-weighted), with bootstrap intervals.
    n_obs_ : int
    excluded_ : pandas.DataFrame
        Rows left out (``row``, ``reason``).
    imputed_ : pandas.Series
        Number of answers replaced by the item mean (``missing="mean"``), per item.
    n_iter_ : int
    converged_ : bool
    n_boot_valid_ : int
        Bootstrap replicates that converged (the others are dropped and counted).

    Notes
    -----
    *Standardisation.* Items are standardised with the sample standard deviation
    (``n - 1``), as the standard R implementations do; with survey weights the weights
    are rescaled to sum to ``n`` first.

    *Signs.* PLS construct scores are identified only up to their sign. After
    convergence each construct is oriented so that the sum of its outer loadings is
    positive (so a construct points in the direction of its items); every bootstrap
    replicate is oriented the same way, which keeps sign flips out of the intervals.

    *Bootstrap.* Respondents are resampled (multinomial counts times survey weights);
    each replicate's item correlation matrix is one weighted cross-product and the PLS
    iterations of many replicates run together on stacked arrays. ``statistic`` is the
    estimate divided by the bootstrap standard error (the usual PLS "t value"), ``p``
    its two-sided p-value from Student's t with ``B - 1`` degrees of freedom.

    *Index.* As in the ACSI (Fornell et al. 1996), a construct's index is the weighted
    mean of its items rescaled to 0-100, ``(x - min) / (max - min) * 100`` on the
    declared answer scale, with the unstandardised outer weights (standardised weight /
    item standard deviation) rescaled to sum to one.

    References
    ----------
    Wold, H. (1982). Soft modeling: The basic design and some extensions. In K. G.
    Jöreskog & H. Wold (Eds.), *Systems under Indirect Observation*, Part II (pp. 1-54).
    North-Holland.

    Lohmöller, J.-B. (1989). *Latent Variable Path Modeling with Partial Least Squares*.
    Physica.

    Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J., & Bryant, B. E. (1996). The
    American Customer Satisfaction Index: Nature, purpose, and findings. *Journal of
    Marketing*, 60(4), 7-18.

    Dijkstra, T. K., & Henseler, J. (2015). Consistent partial least squares path
    modeling. *MIS Quarterly*, 39(2), 297-316.

    Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for assessing
    discriminant validity in variance-based structural equation modeling. *Journal of the
    Academy of Marketing Science*, 43(1), 115-135.

    Hair, J. F., Hult, G. T. M., Ringle, C. M., & Sarstedt, M. (2022). *A Primer on
    Partial Least Squares Structural Equation Modeling (PLS-SEM)* (3rd ed.). Sage.

    Examples
    --------
    >>> from expectlab.simulate.csi import simulate_csi
    >>> sim = simulate_csi(n=500, model="ACSI", random_state=1)
    >>> model = PLSPathModel(
    ...     {"QUAL": ["PERQ1", "PERQ2", "PERQ3"], "SAT": ["CUSA1", "CUSA2", "CUSA3"],
    ...      "LOY": ["CUSL1", "CUSL2", "CUSL3"]},
    ...     [("QUAL", "SAT"), ("SAT", "LOY")], scale=(1, 10)).fit(sim.data)
    >>> round(float(model.path_coefficients_.loc["SAT", "LOY"]), 2)
    0.46
    >>> model.r2_.round(2)
           r2  adj_r2
    SAT  0.26    0.26
    LOY  0.21    0.21
    >>> round(float(model.indices_.loc["SAT", "estimate"]), 1)  # 0-100 index
    65.0
    """

    _summary_title = "PLS path model"
    # None only in SatisfactionIndex (its default model) or after set_params(...=None).
    measurement: Mapping[str, Any] | None
    structural: Sequence[tuple[str, str]] | None
    _tables: tuple[str, ...] = (
        "path_coefficients_", "total_effects_", "indirect_effects_", "effects_",
        "outer_loadings_", "outer_weights_", "outer_summary_", "r2_", "f2_", "reliability_",
        "htmt_", "construct_correlations_", "indices_")

    def __init__(self, measurement: Mapping[str, Any], structural: Sequence[tuple[str, str]],
                 *, weighting: str = "path", modes: str | Mapping[str, str] | None = None,
                 max_iter: int = 300, tol: float = 1e-7, n_boot: int = 0,
                 ci: str = "percentile", alpha: float = 0.05,
                 scale: Any = None, missing: str = "exclude",
                 interactions: Sequence[tuple[str, str, str]] | None = None,
                 random_state: Any = None, n_jobs: int | None = 1,
                 progress: bool = False) -> None:
        self.measurement = measurement
        self.structural = structural
        self.weighting = weighting
        self.modes = modes
        self.max_iter = max_iter
        self.tol = tol
        self.n_boot = n_boot
        self.ci = ci
        self.alpha = alpha
        self.scale = scale
        self.missing = missing
        self.interactions = interactions
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.progress = progress

    # ------------------------------------------------------------------ checks --
    def _check_params(self) -> None:
        if self.weighting not in SCHEMES:
            raise InputError(f"weighting must be one of {', '.join(SCHEMES)}, got "
                             f"{self.weighting!r}.")
        if self.ci not in _CI:
            raise InputError(f"ci must be 'percentile' or 'bca', got {self.ci!r}.")
        if self.missing not in _MISSING:
            raise InputError(f"missing must be 'exclude' (leave such rows out, listed in "
                             f"excluded_) or 'mean' (replace by the item mean), got "
                             f"{self.missing!r}.")
        if not (isinstance(self.alpha, (int, float)) and 0 < self.alpha < 1):
            raise InputError(f"alpha must lie between 0 and 1, got {self.alpha!r}.")
        for name in ("max_iter", "n_boot"):
            value = getattr(self, name)
            low = 1 if name == "max_iter" else 0
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) \
                    or value < low:
                raise InputError(f"{name} must be an integer >= {low}, got {value!r}.")
        if self.n_boot == 1:
            raise InputError("n_boot=1 gives no standard error; use 0 (no bootstrap) or, "
                             "for reporting, 1000 or more.")
        if not (isinstance(self.tol, (int, float)) and self.tol > 0):
            raise InputError(f"tol must be a positive number, got {self.tol!r}.")

    def _specification(self, study: Any) -> Specification:
        return build_specification(self.measurement, self.structural, self.modes,
                                   study=study)

    # --------------------------------------------------------------------- fit --
    def fit(self, data: Any, *, weights: str | Sequence[float] | None = None) -> PLSPathModel:
        """Estimate the model.

        Parameters
        ----------
        data : pandas.DataFrame or Study
            One row per respondent with the item columns of ``measurement``.
        weights : str or array, optional
            Survey weights (column name or one value per row); with a Study its weight
            column is used unless given here. Rows with a missing or zero weight are
            excluded and listed in ``excluded_``.

        Returns
        -------
        PLSPathModel
            ``self``, fitted.
        """
        self._check_params()
        frame, study = as_frame(data)
        source = study.source if study is not None else "data"
        spec = self._specification(study)
        terms = parse_interactions(self.interactions, spec)
        structure = extended_specification(spec, terms)
        items = spec.items
        require_columns(frame, items, source=source)
        if len(frame) == 0:
            raise InputError(f"{source} has no rows.")
        reversed_items: list[str] = []
        if study is not None:
            # Negatively worded items flagged in the codebook are reversed on their
            # declared scale (Study.reverse_coded clears the flags, so never twice).
            reversed_items = [i for i in items if i in study.reverse_items()]
            if reversed_items:
                study = study.reverse_coded()
                frame = study.data
        x_all = numeric_array(frame, items, role="item", source=source)

        log = ExclusionLog()
        keep = np.ones(len(frame), dtype=bool)
        missing = np.isnan(x_all)
        if self.missing == "exclude":
            for k, item in enumerate(items):
                hit = missing[:, k] & keep
                log.add_mask(frame, hit, f"missing item {item!r}")
                keep &= ~hit
        else:
            none = missing.all(axis=1) & keep
            log.add_mask(frame, none, "no item of the model answered")
            keep &= ~none
        if weights is None and study is not None:
            weights = study.weights
        w_all = weights_array(frame, weights, log=log, keep=keep, source=source)

        x = x_all[keep].copy()
        w = w_all[keep]
        index = frame.index[keep]
        n = len(x)
        self._check_rows(structure, n, len(frame), log)
        w = w * n / w.sum()
        imputed = pd.Series(0, index=items, dtype=int, name="n_imputed")
        if self.missing == "mean":
            x, imputed = self._impute(x, w, items, source)

        mu = w @ x / n
        sd = np.sqrt(w @ (x - mu) ** 2 / (n - 1))
        self._check_constant(frame, items, x, keep, sd, mu, source)
        xs = (x - mu) / sd
        layout = spec.layout()
        for j in layout.mode_b:
            idx = layout.block(j)
            check_not_collinear(xs[:, idx], [items[i] for i in idx],
                                what=f"items of the formative (Mode B) construct "
                                     f"{spec.constructs[j]!r}")
        cor, means0, sds0 = weighted_correlations(xs, w[None], moments=True)
        core = pls_core(cor, layout, scheme=self.weighting, max_iter=self.max_iter,
                        tol=self.tol)
        stage2 = None
        if terms:
            pos = {c: j for j, c in enumerate(structure.constructs)}
            # one product per term name (a term may moderate paths to several targets)
            unique = {t.name: (pos[t.construct], pos[t.moderator]) for t in terms}
            stage2 = TwoStage(
                factors=np.array(list(unique.values())),
                path_mask=structure.layout().path_mask)
            core = stage2(core, xs, w[None], means0, sds0)
        if not np.isfinite(core.paths).all():
            raise InputError(
                "The PLS estimation broke down (a singular correlation matrix): some "
                "constructs that predict the same construct are perfectly correlated, or a "
                "block's items are. Check the constructs' items and paths.")
        if not core.converged[0]:
            warnings.warn(
                f"The PLS algorithm did not converge in max_iter={self.max_iter} iterations "
                f"(tol={self.tol:g}); the results are those of the last iteration. Raise "
                "max_iter, or check the model (a centroid scheme can oscillate).",
                FragileResultWarning, stacklevel=2)

        self.spec_ = spec
        self.structure_ = structure
        self.interaction_terms_ = terms
        self.reversed_items_ = reversed_items
        self._stage2 = stage2
        self._layout = layout
        self.n_obs_ = int(n)
        self.excluded_ = log.to_frame()
        self.imputed_ = imputed
        self.n_iter_ = int(core.n_iter[0])
        self.converged_ = bool(core.converged[0])
        self.item_means_ = pd.Series(mu, index=items)
        self.item_sds_ = pd.Series(sd, index=items)
        self._set_point_results(spec, layout, core, cor[0], xs, index, n)
        stats_map = self._statistics_map(spec, layout, frame, study, x, w, mu, sd, keep,
                                         index)
        if terms:
            stats_map.slope_idx = np.array([
                [structure.constructs.index(t.construct),
                 structure.constructs.index(t.name),
                 structure.constructs.index(t.target)] for t in terms])
        theta0 = stats_map(core, means0, sds0)[0]
        self._set_bootstrap(spec, layout, stats_map, theta0, xs, w)
        self._fitted = True
        return self

    # ------------------------------------------------------------- fit helpers --
    def _check_rows(self, spec: Specification, n: int, n_all: int, log: ExclusionLog) -> None:
        layout = spec.layout()
        most_preds = max(len(layout.predecessors(j)) for j in range(layout.n_constructs))
        most_formative = max([len(layout.block(j)) for j in layout.mode_b], default=0)
        need = max(3, most_preds + 2, most_formative + 2)
        if n < need:
            by_reason = log.counts()
            detail = "; ".join(f"{k} {r}" for r, k in by_reason.items()) or "none"
            raise InputError(
                f"Only {n} usable rows of {n_all} (excluded: {detail}); this model needs at "
                f"least {need} (a construct has {most_preds} predecessors"
                + (f", a formative block {most_formative} items" if most_formative else "")
                + "). Supply more respondents, or use missing='mean' if most rows were "
                "excluded for single missing answers.")
        rule = 10 * max(most_preds, most_formative)
        if n < rule:
            warnings.warn(
                f"Only {n} respondents: below the 'ten times' minimum ({rule}) for a "
                f"construct with {max(most_preds, most_formative)} incoming paths or "
                "formative items (Hair et al.). Estimates and intervals are fragile.",
                FragileResultWarning, stacklevel=3)

    def _impute(self, x: np.ndarray, w: np.ndarray, items: list[str], source: str
                ) -> tuple[np.ndarray, pd.Series]:
        miss = np.isnan(x)
        counts = miss.sum(axis=0)
        all_missing = [items[k] for k in range(len(items)) if counts[k] == len(x)]
        if all_missing:
            raise InputError(f"Item(s) {all_missing} in {source} have no answer in any "
                             "usable row, so no mean can replace them. Drop them from "
                             "measurement.")
        for k in np.flatnonzero(counts):
            ok = ~miss[:, k]
            x[~ok, k] = np.average(x[ok, k], weights=w[ok])
        return x, pd.Series(counts.astype(int), index=items, name="n_imputed")

    @staticmethod
    def _check_constant(frame: pd.DataFrame, items: list[str], x: np.ndarray,
                        keep: np.ndarray, sd: np.ndarray, mu: np.ndarray, source: str
                        ) -> None:
        flat = ~(sd > 1e-12 * np.maximum(1.0, np.abs(mu)))
        if flat.any():
            bad = [items[k] for k in np.flatnonzero(flat)]
            values = ", ".join(f"{items[k]!r} = {x[0, k]:g}" for k in np.flatnonzero(flat))
            raise InputError(
                f"Item(s) {bad} in {source} have the same answer for every usable "
                f"respondent ({values}); a constant item carries no information and cannot "
                "be standardised. Remove it from measurement.")

    def _set_point_results(self, spec: Specification, layout: Layout, core: CoreResult,
                           s: np.ndarray, xs: np.ndarray, index: pd.Index, n: int) -> None:
        cons = list(spec.constructs)
        structure = self.structure_
        allc = list(structure.constructs)  # constructs, then interaction terms
        s_mask = structure.layout().path_mask
        items = spec.items
        w_mat, l_mat = core.weights[0], core.loadings[0]
        c_mat, p_mat = core.construct_cor[0], core.paths[0]
        mask = layout.block_mask
        frame = lambda a, r, c, rn, cn: pd.DataFrame(  # noqa: E731
            a, index=pd.Index(r, name=rn), columns=pd.Index(c, name=cn))
        self.path_coefficients_ = frame(np.where(s_mask, p_mat, np.nan), allc,
                                        allc, "from", "to")
        total = total_effects(p_mat[None])[0]
        self.total_effects_ = frame(total, allc, allc, "from", "to")
        self.indirect_effects_ = frame(total - p_mat, allc, allc, "from", "to")
        self.outer_weights_ = frame(np.where(mask, w_mat, np.nan), items, cons, "item",
                                    "construct")
        self.outer_loadings_ = frame(np.where(mask, l_mat, np.nan), items, cons, "item",
                                     "construct")
        self.cross_loadings_ = frame(s @ w_mat, items, cons, "item", "construct")
        self.construct_correlations_ = frame(c_mat, allc, allc, None, None)
        endo = structure.endogenous
        j_endo = [allc.index(c) for c in endo]
        n_pred = np.array([len(structure.predecessors(c)) for c in endo])
        r2 = core.r2[0, j_endo]
        self.r2_ = pd.DataFrame({"r2": r2, "adj_r2": _q.r2_table(r2, n_pred, n)},
                                index=pd.Index(endo))
        f2 = _q.f2_matrix(c_mat, s_mask)
        self.f2_ = pd.Series([f2[allc.index(a), allc.index(b)] for a, b in structure.paths],
                             index=pd.Index([_label(a, b) for a, b in structure.paths],
                                            name="path"), name="f2")
        blocks = [layout.block(j) for j in range(len(cons))]
        rows = []
        for j, c in enumerate(cons):
            idx = blocks[j]
            sub = s[np.ix_(idx, idx)]
            lam = l_mat[idx, j]
            rows.append({"mode": spec.modes[c] if len(idx) > 1 else "single item",
                         "n_items": len(idx),
                         "cronbach_alpha": _q.cronbach_alpha_std(sub),
                         "rho_c": _q.composite_reliability(lam),
                         "rho_a": _q.rho_a(sub, w_mat[idx, j]),
                         "ave": _q.ave(lam)})
        self.reliability_ = pd.DataFrame(rows, index=pd.Index(cons, name="construct"))
        self.htmt_ = frame(_q.htmt(s, blocks), cons, cons, None, None)
        scores = xs @ w_mat
        if self.interaction_terms_:
            unique = {t.name: t for t in self.interaction_terms_}.values()
            ia = [cons.index(t.construct) for t in unique]
            ib = [cons.index(t.moderator) for t in unique]
            prod = scores[:, ia] * scores[:, ib]
            prod = (prod - prod.mean(axis=0)) / prod.std(axis=0, ddof=1)
            scores = np.hstack([scores, prod])
        self.scores_ = pd.DataFrame(scores, index=index, columns=allc)
        self._blocks = blocks

    def _resolve_scales(self, spec: Specification, frame: pd.DataFrame, study: Any
                        ) -> tuple[dict[str, tuple[float, float]] | None, bool, str | None]:
        """Answer scale per construct, whether any was inferred, or why there is none."""
        scales: dict[str, tuple[float, float]] = {}
        inferred = False
        spec_scale = self.scale
        for c in spec.constructs:
            given = spec_scale.get(c) if isinstance(spec_scale, Mapping) else spec_scale
            cols = list(spec.blocks[c])
            if given is None:
                declared = study is not None and all(study.scale_of(i) is not None
                                                     for i in cols)
                if not declared:
                    return None, False, (
                        f"The 0-100 index needs the answer scale of the items, which is not "
                        f"declared for construct {c!r} ({', '.join(cols)}). Pass "
                        "scale=(min, max) (e.g. scale=(1, 10)) or a dict construct -> scale "
                        "to the model, or declare 'scale: [min, max]' in the codebook.")
            resolved, was_inferred = resolve_scale(given, frame, cols, study=study,
                                                   role=f"item of construct {c!r}")
            scales[c] = resolved
            inferred |= was_inferred
        return scales, inferred, None

    def _statistics_map(self, spec: Specification, layout: Layout, frame: pd.DataFrame,
                        study: Any, x: np.ndarray, w: np.ndarray, mu: np.ndarray,
                        sd: np.ndarray, keep: np.ndarray, index: pd.Index) -> _Statistics:
        cons = list(spec.constructs)
        structure = self.structure_
        allc = list(structure.constructs)
        pos = {c: j for j, c in enumerate(allc)}
        path_idx = (np.array([pos[a] for a, _ in structure.paths]),
                    np.array([pos[b] for _, b in structure.paths]))
        s_mask = structure.layout().path_mask
        reach = total_effects(s_mask.astype(float)[None])[0] > 0
        pairs = [(i, j) for i in range(len(allc)) for j in range(len(allc)) if reach[i, j]]
        self._pairs = [(allc[i], allc[j]) for i, j in pairs]
        pair_idx = (np.array([i for i, _ in pairs], dtype=int),
                    np.array([j for _, j in pairs], dtype=int))
        item_idx = (np.arange(len(spec.items)), np.argmax(layout.block_mask, axis=1))
        scales, inferred, problem = self._resolve_scales(spec, frame, study)
        self.scale_ = scales
        self.scale_inferred_ = inferred
        self._index_problem = problem
        lo = hi = None
        if scales is not None:
            lo = np.array([scales[cons[j]][0] for j in item_idx[1]])
            hi = np.array([scales[cons[j]][1] for j in item_idx[1]])
            w_mat = self.outer_weights_.to_numpy()
            u = np.nan_to_num(w_mat) / sd[:, None]
            u = np.where(layout.block_mask, u, 0.0)
            u = u / u.sum(axis=0, keepdims=True)
            weights_idx = u[item_idx[0], item_idx[1]]
            self.index_weights_ = pd.Series(weights_idx, index=pd.Index(spec.items,
                                                                        name="item"),
                                            name="index_weight")
            rescaled = (x - lo) / (hi - lo) * 100
            self._index_scores = pd.DataFrame(rescaled @ u, index=index, columns=cons)
            negative = self.index_weights_[self.index_weights_ < 0]
            if len(negative):
                warnings.warn(
                    f"Item(s) {list(negative.index)} have negative index weights, so the "
                    "0-100 index can leave its range and is hard to read. Check for items "
                    "coded in the opposite direction (reverse-code them) or weak items.",
                    FragileResultWarning, stacklevel=3)
        self._blocks_arr = [layout.block(j) for j in range(len(cons))]
        return _Statistics(path_idx=path_idx, pair_idx=pair_idx,
                           endo=np.array([pos[c] for c in structure.endogenous], dtype=int),
                           item_idx=item_idx, blocks=self._blocks_arr, mu=mu, sd=sd,
                           lo=lo, hi=hi)

    def _set_bootstrap(self, spec: Specification, layout: Layout, stats_map: _Statistics,
                       theta0: np.ndarray, xs: np.ndarray, w: np.ndarray) -> None:
        m = len(theta0)
        nan = np.full(m, np.nan)
        table = {"se": nan, "lower": nan, "upper": nan, "statistic": nan, "p": nan}
        self.n_boot_valid_ = 0
        self._replicates = None
        if self.n_boot > 0:
            reps = run_bootstrap(xs, w, layout, scheme=self.weighting,
                                 max_iter=self.max_iter, tol=self.tol, n_boot=self.n_boot,
                                 random_state=self.random_state, extract=stats_map,
                                 n_jobs=self.n_jobs, show_progress=self.progress,
                                 augment=self._stage2)
            valid = reps.converged & np.isfinite(reps.theta).all(axis=1)
            n_bad = int((~valid).sum())
            self.n_boot_valid_ = int(valid.sum())
            if n_bad:
                warnings.warn(
                    f"{n_bad} of {self.n_boot} bootstrap replicates did not converge (or had "
                    "a constant item) and were dropped; the intervals use the other "
                    f"{self.n_boot_valid_}.", FragileResultWarning, stacklevel=3)
            if self.n_boot_valid_ < 2:
                raise InputError("Fewer than two bootstrap replicates converged; the model "
                                 "is unstable on this sample. Check the items and paths.")
            jack = None
            if self.ci == "bca":
                jack = run_jackknife(xs, w, layout, scheme=self.weighting,
                                     max_iter=self.max_iter, tol=self.tol, extract=stats_map,
                                     augment=self._stage2)
            self._replicates = reps.theta[valid]
            table = interval_table(theta0, reps.theta[valid], alpha=self.alpha,
                                   method=self.ci, jack=jack)
        cols = ["estimate", "se", "lower", "upper", "statistic", "p"]
        full = pd.DataFrame({"estimate": theta0, **table})[cols]
        sizes = stats_map.sizes()
        parts: dict[str, pd.DataFrame] = {}
        start = 0
        for key, size in sizes.items():
            parts[key] = full.iloc[start:start + size].reset_index(drop=True)
            start += size
        structure = self.structure_
        labels = [_label(a, b) for a, b in structure.paths]
        self._summary = parts["paths"].set_axis(pd.Index(labels, name="path"))
        pair_labels = pd.MultiIndex.from_tuples(self._pairs, names=["from", "to"]) \
            if self._pairs else pd.MultiIndex.from_tuples([], names=["from", "to"])
        direct = [self.path_coefficients_.loc[a, b] for a, b in self._pairs]
        tot, ind = parts["total"], parts["indirect"]
        self.effects_ = pd.DataFrame({
            "direct": np.nan_to_num(np.array(direct, dtype=float)),
            "indirect": ind["estimate"].to_numpy(), "indirect_se": ind["se"].to_numpy(),
            "indirect_lower": ind["lower"].to_numpy(),
            "indirect_upper": ind["upper"].to_numpy(),
            "total": tot["estimate"].to_numpy(), "total_se": tot["se"].to_numpy(),
            "total_lower": tot["lower"].to_numpy(), "total_upper": tot["upper"].to_numpy()},
            index=pair_labels)
        items = spec.items
        construct = [spec.constructs[j] for j in stats_map.item_idx[1]]
        lo_, wt = parts["loadings"], parts["weights"]
        self.outer_summary_ = pd.DataFrame({
            "construct": construct,
            "loading": lo_["estimate"].to_numpy(), "loading_se": lo_["se"].to_numpy(),
            "loading_lower": lo_["lower"].to_numpy(),
            "loading_upper": lo_["upper"].to_numpy(),
            "weight": wt["estimate"].to_numpy(), "weight_se": wt["se"].to_numpy(),
            "weight_lower": wt["lower"].to_numpy(), "weight_upper": wt["upper"].to_numpy()},
            index=pd.Index(items, name="item"))
        r2p = parts["r2"].set_axis(pd.Index(structure.endogenous))
        self.r2_ = self.r2_.assign(r2_lower=r2p["lower"], r2_upper=r2p["upper"]) \
            if self.n_boot > 0 else self.r2_
        scales = self.scale_  # not None exactly when there are index columns
        if sizes["index"] and scales is not None:
            self._indices = parts["index"][["estimate", "se", "lower", "upper"]].set_axis(
                pd.Index(spec.constructs, name="construct"))
            self._indices.insert(0, "scale", [f"{scales[c][0]:g}-{scales[c][1]:g}"
                                              + (" (inferred)" if self.scale_inferred_
                                                 else "") for c in spec.constructs])
            self._tables = type(self)._tables
        else:
            self._indices = None
            self._tables = tuple(t for t in type(self)._tables if t != "indices_")
        self._simple_slopes = None
        if sizes["slopes"]:
            rows = [(t.name, t.construct, t.moderator, t.target, level)
                    for t in self.interaction_terms_ for level in (-1.0, 0.0, 1.0)]
            meta = pd.DataFrame(rows, columns=["term", "construct", "moderator", "target",
                                               "moderator_sd"])
            slopes = parts["slopes"][["estimate", "se", "lower", "upper", "p"]]
            self._simple_slopes = pd.concat([meta, slopes], axis=1).set_index(
                ["term", "moderator_sd"])
            self._tables = self._tables + ("simple_slopes_",)

    # ----------------------------------------------------------------- results --
    @property
    def summary(self) -> pd.DataFrame:
        """One row per structural path: estimate and bootstrap se, interval, t, p."""
        self._check_fitted()
        return self._summary

    @property
    def simple_slopes_(self) -> pd.DataFrame:
        """Slope of each interaction term's construct on its target at moderator scores
        of -1, 0 and +1 standard deviations, with bootstrap intervals (two-stage
        approach; see :mod:`expectlab.csi.moderation`)."""
        self._check_fitted()
        if self._simple_slopes is None:
            raise _NotAvailable("simple_slopes_ exists only for a model with interactions=[("
                             "construct, moderator, target), ...].")
        return self._simple_slopes

    def _need_index(self) -> None:
        self._check_fitted()
        if self._index_problem is not None:
            raise _NotAvailable(self._index_problem)

    @property
    def index_scores_(self) -> pd.DataFrame:
        """The 0-100 index of every construct per respondent (ACSI method)."""
        self._need_index()
        return self._index_scores

    @property
    def indices_(self) -> pd.DataFrame:
        """Mean 0-100 index per construct (survey-weighted) with bootstrap intervals."""
        self._need_index()
        return self._indices

    def _summary_notes(self) -> list[str]:
        notes = super()._summary_notes()
        spec = self.spec_
        modes = sorted({m for c, m in spec.modes.items() if len(spec.blocks[c]) > 1})
        notes.append(f"Weighting scheme: {self.weighting}; measurement mode(s): "
                     f"{', '.join(modes) or 'single items only'}; "
                     + (f"converged in {self.n_iter_} iterations" if self.converged_
                        else f"NOT converged after {self.n_iter_} iterations"))
        notes.append("Standardised path coefficients; construct signs oriented so that the "
                     "sum of each construct's loadings is positive")
        if self.n_boot > 0:
            level = round(100 * (1 - self.alpha), 6)
            notes.append(f"Bootstrap: {self.n_boot_valid_} of {self.n_boot} replicates; "
                         f"{level:g}% {self.ci} intervals; statistic = estimate / bootstrap "
                         "se, p from t with B - 1 df")
        else:
            notes.append("No bootstrap (n_boot=0): se, intervals and p are not computed; "
                         "set n_boot=1000 or more for inference")
        if self.missing == "mean" and int(self.imputed_.sum()):
            notes.append(f"Missing answers replaced by item means: {int(self.imputed_.sum())}")
        if self.interaction_terms_:
            notes.append("Interaction term(s) " + ", ".join(
                f"{t.name} -> {t.target}" for t in self.interaction_terms_)
                + ": two-stage approach (product of the standardised scores of the "
                "main-effects model, standardised; Henseler & Chin 2010); the main effects "
                "of its factors are simple effects at the mean of the other factor")
        if self.reversed_items_:
            notes.append(f"Negatively worded item(s) reversed on their declared scale: "
                         f"{', '.join(self.reversed_items_)}")
        single = [c for c in spec.constructs if len(spec.blocks[c]) == 1]
        if single:
            notes.append(f"Single-item construct(s) {', '.join(single)}: reliability, AVE "
                         "and HTMT not estimable (NaN)")
        return notes

    # ------------------------------------------------------------------- plots --
    def _default_positions(self) -> dict[str, tuple[float, float]] | None:
        return None

    def plot_paths(self, ax: Any = None, *, decimals: int = 2,
                   positions: Mapping[str, tuple[float, float]] | None = None) -> Any:
        """Draw the structural model with its path coefficients and R-squared values.

        Without ``positions`` constructs are placed left to right by the length of the
        longest path leading to them (the ECSI and ACSI have a built-in layout). Labels
        are drawn literally (no mathtext).

        Parameters
        ----------
        ax : matplotlib Axes, optional
        decimals : int
            Decimals of the coefficients shown.
        positions : dict, optional
            Construct -> (x, y) in data units, for every construct of the model
            (interaction terms included).

        Returns
        -------
        matplotlib.axes.Axes
        """
        self._check_fitted()
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(8, 5))
        spec = self.structure_
        given = positions if positions is not None else self._default_positions()
        if given is not None:
            missing = [c for c in spec.constructs if c not in given]
            if missing and positions is not None:
                raise InputError(f"positions gives no place for construct(s) {missing}.")
            given = None if missing else given
        if given is not None:
            pos = {c: (float(given[c][0]), float(given[c][1])) for c in spec.constructs}
        else:
            depth = spec.depth()
            columns: dict[int, list[str]] = {}
            for c in spec.constructs:
                columns.setdefault(depth[c], []).append(c)
            pos = {}
            for d, names in columns.items():
                for k, c in enumerate(names):
                    pos[c] = (float(d), (len(names) - 1) / 2 - k)
        for a, b in spec.paths:
            (x0, y0), (x1, y1) = pos[a], pos[b]
            ax.annotate("", xy=(x1, y1), xytext=(x0, y0), parse_math=False,
                        arrowprops={"arrowstyle": "-|>", "color": "0.35", "shrinkA": 28,
                                    "shrinkB": 28, "connectionstyle": "arc3,rad=0.08"})
            coef = self.path_coefficients_.loc[a, b]
            ax.text(x0 + 0.5 * (x1 - x0), y0 + 0.5 * (y1 - y0), f"{coef:.{decimals}f}",
                    ha="center", va="center", fontsize=8, parse_math=False,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"})
        for c, (x, y) in pos.items():
            text = str(c)
            if c in self.r2_.index:
                text += f"\nR2 = {self.r2_.loc[c, 'r2']:.{decimals}f}"
            ax.text(x, y, text, ha="center", va="center", fontsize=9, parse_math=False,
                    bbox={"boxstyle": "round,pad=0.4", "fc": "#e8eef7", "ec": "#35618f"})
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
        ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
        ax.set_axis_off()
        ax.set_title("Structural model: standardised path coefficients", fontsize=10)
        return ax


class SatisfactionIndex(PLSPathModel):
    """A customer satisfaction index (ECSI or ACSI) estimated as a PLS path model.

    The ECSI relates image (``IMAG``), expectations (``EXPE``), perceived quality
    (``QUAL``), perceived value (``VAL``), satisfaction (``SAT``), complaints (``COMP``)
    and loyalty (``LOY``); the ACSI (Fornell et al. 1996) is the same model without
    image. The default items are those of the ECSI mobile-phone survey (``mobi``):
    ``IMAG1-5``, ``CUEX1-3``, ``PERQ1-7``, ``PERV1-2``, ``CUSA1-3``, ``CUSCO``,
    ``CUSL1-3``.

    Parameters
    ----------
    model : {"ECSI", "ACSI"}
        The built-in specification.
    measurement : dict, optional
        Item lists that replace the defaults for the constructs named (others keep
        theirs); new constructs may be added together with ``structural``.
    structural : list of (str, str), optional
        Paths replacing the built-in ones.
    **other
        As :class:`PLSPathModel` (``weighting``, ``modes``, ``n_boot``, ``ci``,
        ``scale`` ...).

    See Also
    --------
    PLSPathModel : every attribute and the method are described there.

    References
    ----------
    Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J., & Bryant, B. E. (1996). The
    American Customer Satisfaction Index: Nature, purpose, and findings. *Journal of
    Marketing*, 60(4), 7-18.

    Wold, H. (1982); Lohmöller, J.-B. (1989): see :class:`PLSPathModel`.

    Examples
    --------
    >>> from expectlab.simulate.csi import simulate_csi
    >>> sim = simulate_csi(n=400, random_state=7)
    >>> ecsi = SatisfactionIndex("ECSI", scale=(1, 10), n_boot=100, random_state=1)
    >>> ecsi = ecsi.fit(sim.data)
    >>> ecsi.summary.loc["QUAL -> SAT", ["estimate", "lower", "upper"]].round(2).tolist()
    [0.45, 0.36, 0.55]
    >>> round(float(ecsi.indices_.loc["SAT", "estimate"]), 1)
    64.8
    """

    def __init__(self, model: str = "ECSI", measurement: Mapping[str, Any] | None = None,
                 structural: Sequence[tuple[str, str]] | None = None, *,
                 weighting: str = "path", modes: str | Mapping[str, str] | None = None,
                 max_iter: int = 300, tol: float = 1e-7, n_boot: int = 0,
                 ci: str = "percentile", alpha: float = 0.05, scale: Any = None,
                 missing: str = "exclude",
                 interactions: Sequence[tuple[str, str, str]] | None = None,
                 random_state: Any = None, n_jobs: int | None = 1,
                 progress: bool = False) -> None:
        self.model = model
        # Stored as given (scikit-learn's contract); None means the model's default items
        # or paths, filled in by _specification. PLSPathModel.__init__ requires both, so
        # the parameters are stored here rather than passed up.
        self.measurement = measurement
        self.structural = structural
        self.weighting = weighting
        self.modes = modes
        self.max_iter = max_iter
        self.tol = tol
        self.n_boot = n_boot
        self.ci = ci
        self.alpha = alpha
        self.scale = scale
        self.missing = missing
        self.interactions = interactions
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.progress = progress

    @property
    def _summary_title(self) -> str:  # type: ignore[override]
        return f"{str(self.model).upper()} customer satisfaction index (PLS path model)"

    def _specification(self, study: Any) -> Specification:
        name = str(self.model).upper() if isinstance(self.model, str) else None
        if name not in ("ECSI", "ACSI"):
            raise InputError(f"model must be 'ECSI' or 'ACSI', got {self.model!r}. For "
                             "another model use PLSPathModel(measurement, structural).")
        base = ECSI_MEASUREMENT if name == "ECSI" else ACSI_MEASUREMENT
        paths = ECSI_STRUCTURAL if name == "ECSI" else ACSI_STRUCTURAL
        measurement: dict[str, Any] = {k: list(v) for k, v in base.items()}
        if self.measurement is not None:
            if not isinstance(self.measurement, Mapping):
                raise InputError("measurement must be a dict construct -> item columns "
                                 f"(it replaces the default items), got {self.measurement!r}.")
            measurement.update(self.measurement)
        structural = paths if self.structural is None else self.structural
        return build_specification(measurement, structural, self.modes, study=study)

    def _default_positions(self) -> dict[str, tuple[float, float]] | None:
        # the usual drawing of the ECSI / ACSI (antecedents left, outcomes right)
        return dict(CSI_POSITIONS)

    def construct_labels(self) -> dict[str, str]:
        """Names in words of the built-in constructs (``"SAT"`` -> ``"Satisfaction"``)."""
        return dict(CONSTRUCT_LABELS)

