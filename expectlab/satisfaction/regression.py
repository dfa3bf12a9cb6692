"""``SatisfactionRegression``: the practitioner formulas and the response-surface family
fitted and compared in one call.

The work is split by job: ``models`` defines every model as a linear map onto a design
basis, ``fitting`` does weighted least squares and the bootstrap, ``surface`` turns
polynomial coefficients into response-surface quantities, ``zones`` classifies
respondents by disconfirmation and ``plots`` draws. This module validates the input,
wires those together and holds the results.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Self

import numpy as np
import pandas as pd
from scipy import stats

from .._errors import FragileResultWarning, InputError, describe_offenders, require_columns
from .._partitions import engine_of
from .._resample import percentile_interval
from .._results import Estimator, ExclusionLog
from .._validate import (
    as_frame,
    check_in_scale,
    check_not_collinear,
    column_list,
    group_labels,
    numeric_array,
    numeric_column,
    resolve_scale,
    weights_array,
)
from . import models as _models
from .fitting import (
    COV_TYPES,
    LinearFit,
    bootstrap_crossproducts,
    solve_from_crossproducts,
    wls_fit,
)
from .surface import surface_table
from .zones import DEFAULT_CUTS, assign_zones, zone_table

if TYPE_CHECKING:  # pragma: no cover
    from ..study import Study


__all__ = ["SatisfactionRegression", "Verdict"]

_ROLES = ("satisfaction", "expectation", "experience")
_CENTERS = ("midpoint", "pooled_mean", None)
_BASIS_ORDER = ("poly", "piece", "ratio")
_BASIS_SIZE = {"poly": 6, "piece": 6, "ratio": 2}


@dataclass(frozen=True)
class Verdict:
    """Answer to "is this practitioner formula adequate here?".

    ``statistic`` and ``p_value`` belong to the test of the formula itself (for ``ratio``:
    the J test with the ratio model as the null hypothesis). For ``ratio`` the J test is also
    run the other way round (the full polynomial as the null hypothesis, augmented with the
    ratio model's fitted values): ``reverse_statistic`` and ``reverse_p_value``, and
    ``outcome`` names which of the four combinations holds (``"ratio inadequate"``,
    ``"ratio preferred"``, ``"neither adequate"``, ``"indistinguishable"``). The three
    are NaN / None for the other models.
    """

    model: str
    adequate: bool
    test: str
    statistic: float
    p_value: float
    text: str
    reverse_statistic: float = float("nan")
    reverse_p_value: float = float("nan")
    outcome: str | None = None

    def __str__(self) -> str:
        return self.text


class SatisfactionRegression(Estimator):
    """Satisfaction on expectation (E) and experience (P): formulas, surfaces, asymmetry.

    Fits, with the same controls and weights, the practitioner formulas (``difference``
    S = b0 + c (P - E); ``ratio`` S = b0 + c P / E), ``additive`` and ``interaction``
    models, an ``asymmetric`` gain / loss model (S = b0 + bE E + g+ max(D, 0) + g- min(D, 0),
    D = P - E), the ``full`` second-order polynomial in X = P and Y = E and the constrained
    family of response surface analysis (``mean``, ``SQD``, ``SSQD``, ``RR``, ``SRR``,
    ``absdiff``, ``absunc``; plus ``null``), and compares them.

    Parameters
    ----------
    models : sequence of str, optional
        Models to fit (default: all). ``full`` (and ``absunc`` when a piecewise model is
        asked for) is always added because the constraint tests need it. ``"IA"`` is
        accepted for ``interaction`` and ``"diff"`` for ``difference``.
    center : {"midpoint", "pooled_mean", None}
        Subtract the scale midpoint (default, as in the response-surface literature), the
        pooled mean of all E and P values, or nothing, from both E and P. The same
        constant is used for both so P - E is unchanged. The ``ratio`` model always uses
        the raw values (a ratio of centred values is meaningless: they can be zero or
        negative).
    scale : (float, float), "infer" or None
        Lowest and highest possible answer of E and P (e.g. ``(1, 7)``); every E and P
        value (item or column) is checked against it, so a missing-value code such as 99
        is refused instead of fitted. ``None`` (default) takes the scale the study's
        codebook declares (``fit`` on a :class:`~expectlab.Study`) and is an error when
        none is declared. ``"infer"`` takes the floor of the smallest and the ceiling of
        the largest observed answer; the summary notes, ``comparison_`` and ``surface()``
        notes and ``print_summary`` then say the scale was inferred. Multi-item
        satisfaction is scored on its codebook scale when the study declares one, else on
        this scale; a single satisfaction column is the outcome and is checked only
        against a declared codebook scale.
    cov_type : {"HC3", "nonrobust", "HC0", "HC1", "cluster"}
        Covariance of the estimates; ``"cluster"`` is used automatically when ``cluster=``
        is passed to :meth:`fit`.
    alpha : float
        1 - confidence level of every interval.
    n_boot : int
        Bootstrap replicates for percentile intervals (0 switches the bootstrap off).
    random_state : int, numpy Generator or None
        Seed of the bootstrap.
    n_jobs : int, optional
        Parallel workers for the bootstrap chunks (results do not depend on it).
    progress : bool
        Show a progress bar during the bootstrap.

    Attributes
    ----------
    summary : pandas.DataFrame
        Coefficients of every model (index model, term): ``estimate``, ``se``, ``lower``,
        ``upper`` (t-based), ``statistic`` (t) and ``p``.
    comparison_ : pandas.DataFrame
        One row per model: ``r2``, ``adj_r2``, ``loglik``, ``aic``, ``bic``, ``delta_aic``,
        ``df_model`` and the Wald F test of a nested model's constraints against ``full``
        (``f_vs_full``, ``df_constraints``, ``p_vs_full``) or, for the piecewise models,
        against ``absunc`` (``f_vs_absunc``, ``p_vs_absunc``).
    params_ : dict of pandas.Series
        Estimates per model.
    n_obs_ : int
    excluded_ : pandas.DataFrame
        Rows left out (``row``, ``reason``).
    center_ : float
        Constant subtracted from E and P.
    scale_ : tuple of float
    scale_inferred_ : bool
        Whether ``scale_`` was inferred (``scale="infer"``).
    weights_ : str or None
        Which weights were used ("column 'w'", "the study's weight column 'w'", "array
        of weights" or None).
    commensurate_ : bool
        Whether E and P look like answers on the same scale.
    reliability_ : pandas.DataFrame
        Cronbach's alpha (with Feldt interval) of multi-item E, P and S (empty for single
        columns).

    Notes
    -----
    The fitted model keeps what its methods need and nothing of the client's frame: the
    E, P and S scores, controls, weights and clusters of the rows used (arrays), their
    row labels (``predict()``, ``assign_zones()``), the fitted least-squares results and
    the bootstrap cross-products (``n_boot`` x m x m).

    References
    ----------
    Oliver, R. L. (1980). A cognitive model of the antecedents and consequences of
    satisfaction decisions. *Journal of Marketing Research*, 17(4), 460-469.

    Edwards, J. R., & Parry, M. E. (1993). On the use of polynomial regression equations
    as an alternative to difference scores in organizational research. *Academy of
    Management Journal*, 36(6), 1577-1613.

    Davidson, R., & MacKinnon, J. G. (1981). Several tests for model specification in the
    presence of alternative hypotheses. *Econometrica*, 49(3), 781-793.

    See Also
    --------
    expectlab.scale_score : item means and Cronbach's alpha used for multi-item roles.
    expectlab.Study : the measurement layer (scales and weights from the codebook).

    Examples
    --------
    >>> from expectlab.simulate.satisfaction import simulate_satisfaction
    >>> sim = simulate_satisfaction(n=400, truth="difference", random_state=3)
    >>> model = SatisfactionRegression(scale=(1, 7), n_boot=200, random_state=2,
    ...                                progress=False).fit(
    ...     sim.data, satisfaction="satisfaction", expectation="expectation",
    ...     experience="experience")
    >>> bool(model.comparison_.loc["difference", "p_vs_full"] > 0.05)
    True
    >>> print(model.verdict("difference"))  # doctest: +ELLIPSIS
    The difference formula ... adequate here...
    >>> list(model.summary.columns)
    ['estimate', 'se', 'lower', 'upper', 'statistic', 'p']
    """

    _summary_title = "Satisfaction regression on expectation and experience"

    def __init__(self, models: Sequence[str] | None = None,
                 center: Literal["midpoint", "pooled_mean"] | None = "midpoint",
                 scale: tuple[float, float] | Literal["infer"] | None = None,
                 cov_type: Literal["HC3", "nonrobust", "HC0", "HC1", "cluster"] = "HC3",
                 alpha: float = 0.05, n_boot: int = 1000, random_state: Any = None,
                 n_jobs: int | None = None, progress: bool = True) -> None:
        self.models = models
        self.center = center
        self.scale = scale
        self.cov_type = cov_type
        self.alpha = alpha
        self.n_boot = n_boot
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.progress = progress

    # ------------------------------------------------------------------ validation --
    def _check_params(self) -> list[str]:
        if self.center not in _CENTERS:
            raise InputError(
                f"center must be 'midpoint', 'pooled_mean' or None, got {self.center!r}.")
        if self.cov_type not in COV_TYPES:
            raise InputError(
                f"cov_type must be one of {', '.join(COV_TYPES)}, got {self.cov_type!r}.")
        if not (isinstance(self.alpha, (float, int)) and 0 < self.alpha < 1):
            raise InputError(f"alpha must lie between 0 and 1, got {self.alpha!r}.")
        if not isinstance(self.n_boot, (int, np.integer)) or self.n_boot < 0:
            raise InputError(f"n_boot must be a non-negative integer, got {self.n_boot!r}.")
        if not (self.scale is None or isinstance(self.scale, str)):
            ok = (isinstance(self.scale, (tuple, list)) and len(self.scale) == 2
                  and all(isinstance(v, (int, float, np.number)) for v in self.scale)
                  and self.scale[0] < self.scale[1])
            if not ok:
                raise InputError(
                    f"scale must be (lowest, highest) possible answer, e.g. (1, 7), 'infer' "
                    f"or None; got {self.scale!r}.")
        requested = list(_models.DEFAULT_MODELS) if self.models is None else self.models
        if isinstance(requested, str):
            requested = [requested]
        names: list[str] = []
        unknown = []
        for name in requested:
            canon = _models.resolve_name(name) if isinstance(name, str) else None
            if canon is None:
                unknown.append(name)
            elif canon not in names:
                names.append(canon)
        if unknown:
            raise InputError(
                f"Unknown model name(s) {unknown!r}. Choose from "
                f"{', '.join(_models.MODELS)} (aliases: {', '.join(_models.ALIASES)}).")
        if not names:
            raise InputError("models is empty: name at least one model, e.g. ['full'].")
        # The constraint tests need the unconstrained model of each basis.
        if "full" not in names:
            names.append("full")
        if any(_models.MODELS[m].basis == "piece" for m in names) and "absunc" not in names:
            names.append("absunc")
        return names

    def _score(self, frame: pd.DataFrame, study: Study | None, role: str,
               items: list[str], scale: tuple[float, float] | None,
               reliability: list[dict], log: ExclusionLog, source: str
               ) -> tuple[pd.Series, str]:
        """One role's score: the column itself, or the item mean (``scale_score``)."""
        if len(items) == 1:
            return numeric_column(frame, items[0], role=role, source=source), items[0]
        from ..scales import scale_score

        # The reader's scale helper: item mean when at least half the items are answered,
        # every answer checked against the scale, Cronbach's alpha with Feldt's interval
        # (and a warning when it is low). A Study also supplies its reverse-worded flags.
        score = scale_score(frame if study is None else study, items, name=role,
                            scale=scale, alpha=self.alpha)
        for row, reason in zip(score.excluded_["row"], score.excluded_["reason"],
                               strict=True):
            log.add([row], f"no {role} score ({reason})")
        rel = score.reliability
        reliability.append({
            "role": role, "items": ", ".join(score.items), "n_items": len(score.items),
            "cronbach_alpha": np.nan if rel is None else rel.alpha,
            "alpha_lower": np.nan if rel is None else rel.ci[0],
            "alpha_upper": np.nan if rel is None else rel.ci[1]})
        return score.scores.astype(float), role

    def _resolve_roles(self, frame: pd.DataFrame, study: Study | None, specs: dict
                       ) -> dict[str, list[str]]:
        cols: dict[str, list[str]] = {}
        for role, spec in specs.items():
            if spec is None or (not isinstance(spec, str) and len(list(spec)) == 0):
                raise InputError(f"{role}= is required: name the column (or item columns).")
            if not isinstance(spec, str) and not all(isinstance(c, str) for c in spec):
                raise InputError(
                    f"{role}= must be a column name or a non-empty list of item column names, "
                    f"got {spec!r}.")
            names = column_list(spec, role=role)
            cols[role] = study.items(names) if study is not None else names
        return cols

    def _resolve_scale(self, frame: pd.DataFrame, study: Study | None,
                       cols: dict[str, list[str]], source: str
                       ) -> tuple[tuple[float, float], bool]:
        """The answer scale of E and P, every E and P value checked against it."""
        ep = [*cols["expectation"], *cols["experience"]]
        ep = list(dict.fromkeys(ep))
        (lo, hi), inferred = resolve_scale(self.scale, frame, ep, study=study,
                                           role="expectation/experience", source=source)
        if inferred:
            # Answers are whole scale points: widen an inferred range to them, as the
            # midpoint centring and the what-if clipping need the end points of the scale.
            lo, hi = float(math.floor(lo)), float(math.ceil(hi))
        return (lo, hi), inferred

    # ----------------------------------------------------------------------- fit --
    def fit(self, data: pd.DataFrame | Study, *, satisfaction: str | Sequence[str],
            expectation: str | Sequence[str], experience: str | Sequence[str],
            controls: str | Sequence[str] | None = None,
            weights: str | Sequence[float] | np.ndarray | pd.Series | None = None,
            cluster: str | None = None) -> Self:
        """Fit every requested model of satisfaction on expectation and experience.

        Parameters
        ----------
        data : pandas.DataFrame, Study, dask or pyspark DataFrame
            One row per respondent. A Dask or Spark DataFrame is reduced inside its
            engine to weighted cross-products (single columns for the roles, column
            names for controls and weights, no clusters; see
            :mod:`expectlab.satisfaction._distributed`): point estimates and analytic
            standard errors equal the in-memory ones; the bootstrap is then a Poisson
            bootstrap. With a :class:`~expectlab.Study`, a role may name one
            of its scales (``satisfaction="satisfaction"`` stands for its items), the
            answer scale comes from the codebook (unless ``scale=`` is set), items the
            codebook flags as negatively worded are reversed, and the study's weights
            are used when ``weights`` is None.
        satisfaction, expectation, experience : str or list of str
            Column names (used as given in labels), or lists of item columns averaged with
            ``expectlab.scale_score`` (mean of the answered items when at least half are
            answered; Cronbach's alpha with its interval in ``reliability_``).
        controls : list of str, optional
            Numeric control columns added to every model (dummy-code categories first).
        weights : str or array-like, optional
            Survey weights: a column name of ``data``, or (second path) one non-negative
            weight per row. Rows with a missing or zero weight are excluded and recorded;
            negative, infinite or all-zero weights are errors.
        cluster : str, optional
            Cluster column (store, wave, ...): cluster-robust covariances and a cluster
            bootstrap.

        Returns
        -------
        SatisfactionRegression
            ``self``, fitted.
        """
        names = self._check_params()
        if engine_of(data) is not None:
            return self._fit_distributed(data, names, satisfaction=satisfaction,
                                         expectation=expectation, experience=experience,
                                         controls=controls, weights=weights, cluster=cluster)
        self._engine = None
        frame, study = as_frame(data)
        source = "data" if study is None else study.source
        controls = column_list(controls, role="controls")
        specs = {"satisfaction": satisfaction, "expectation": expectation,
                 "experience": experience}
        cols = self._resolve_roles(frame, study, specs)
        needed = [c for role in _ROLES for c in cols[role]]
        require_columns(frame, [*needed, *controls,
                                weights if isinstance(weights, str) else None, cluster],
                        source=source)
        if len(frame) == 0:
            raise InputError(f"{source} has no rows.")
        weights_note = None
        if weights is None and study is not None and study.weights is not None:
            weights = study.weights
            weights_note = f"the study's weight column {weights!r}"
        elif isinstance(weights, str):
            weights_note = f"column {weights!r}"
        elif weights is not None:
            weights_note = "array of weights (one per row)"

        scale, inferred = self._resolve_scale(frame, study, cols, source)
        s_items = cols["satisfaction"]
        s_declared = study is not None and all(study.scale_of(c) is not None
                                               for c in s_items)
        reliability: list[dict] = []
        scores = {}
        labels = {}
        log = ExclusionLog()
        for role in _ROLES:
            role_scale = None if role == "satisfaction" and s_declared else scale
            scores[role], labels[role] = self._score(frame, study, role, cols[role],
                                                     role_scale, reliability, log, source)
        if len(s_items) == 1 and s_declared:
            # the outcome is checked against its declared scale (99 codes are not answers)
            check_in_scale(scores["satisfaction"], study.scale_of(s_items[0]),
                           column=s_items[0], source=source, role="satisfaction")
        ctrl = {c: numeric_column(frame, c, role="control", source=source) for c in controls}

        keep = np.ones(len(frame), dtype=bool)
        for role in _ROLES:
            if len(cols[role]) > 1:
                # rows without a score were logged by the scale helper with its reason
                keep &= scores[role].notna().to_numpy()
                continue
            miss = scores[role].isna().to_numpy() & keep
            log.add_mask(frame, miss, f"missing {labels[role]}")
            keep &= ~miss
        for c in controls:
            miss = ctrl[c].isna().to_numpy() & keep
            log.add_mask(frame, miss, f"missing control {c}")
            keep &= ~miss
        # Shared weight checks: negative / inf / text are errors, missing and zero weights
        # are excluded with the reason, all-zero weights are an error.
        w_all = weights_array(frame, weights, log=log, keep=keep, source=source)
        if cluster is not None:
            group_labels(frame, cluster, role="cluster", source=source)
            miss = frame[cluster].isna().to_numpy() & keep
            log.add_mask(frame, miss, f"missing cluster {cluster}")
            keep &= ~miss

        s = scores["satisfaction"].to_numpy()[keep]
        e_raw = scores["expectation"].to_numpy()[keep]
        p_raw = scores["experience"].to_numpy()[keep]
        w = w_all[keep]
        cmat = (np.column_stack([ctrl[c].to_numpy()[keep] for c in controls])
                if controls else np.empty((int(keep.sum()), 0)))
        clusters = None if cluster is None else frame[cluster].to_numpy()[keep]
        index = frame.index[keep]
        n = len(s)

        k_max = max(_models.MODELS[m].k for m in names) + len(controls)
        if n <= k_max + 1:
            raise InputError(
                f"Only {n} usable rows (after {len(frame) - n} exclusions) for models with up "
                f"to {k_max} parameters; at least {k_max + 2} are needed. See excluded_ via a "
                "smaller model list or supply more respondents.")
        for role, values in (("satisfaction", s), ("expectation", e_raw),
                             ("experience", p_raw)):
            if np.ptp(values) == 0:
                raise InputError(
                    f"{role} column {labels[role]!r} has the same value ({values[0]:g}) for "
                    "every usable respondent; a regression needs variation.")
        if n < 10 * 6:
            warnings.warn(
                f"Only {n} respondents for a six-parameter surface: estimates and tests "
                "are fragile.", FragileResultWarning, stacklevel=2)

        self.scale_ = scale
        self.scale_inferred_ = inferred
        self.weights_ = weights_note
        self._set_commensurate(e_raw, p_raw)
        if self.center == "midpoint":
            center = (self.scale_[0] + self.scale_[1]) / 2.0
        elif self.center == "pooled_mean":
            center = float(np.average(np.concatenate([e_raw, p_raw]),
                                      weights=np.concatenate([w, w])))
        else:
            center = 0.0
        if "ratio" in names:
            bad = e_raw <= 0
            if bad.any():
                evals = pd.Series(e_raw, index=index)
                raise InputError(
                    f"The ratio model S = b0 + c P / E needs expectation {labels['expectation']!r} "
                    f"> 0, but {describe_offenders(evals, bad)}. Use the raw answers on a scale "
                    "that starts above 0 (centred variables cannot be used in a ratio: they "
                    "are zero or negative for many respondents), or leave 'ratio' out of "
                    "models=.")

        cov_type = "cluster" if cluster is not None else self.cov_type
        if cov_type == "cluster" and cluster is None:
            raise InputError("cov_type='cluster' needs fit(..., cluster='column').")

        self.center_ = float(center)
        self.labels_ = labels
        # column names only (an array of weights is summarised, not kept twice)
        self.columns_ = {**{r: (cols[r][0] if len(cols[r]) == 1 else list(cols[r]))
                            for r in _ROLES},
                         "controls": controls,
                         "weights": weights if isinstance(weights, str) or weights is None
                         else "array", "cluster": cluster}
        self.cov_type_ = cov_type
        self.reliability_ = pd.DataFrame(
            reliability, columns=["role", "items", "n_items", "cronbach_alpha", "alpha_lower",
                                  "alpha_upper"])
        self._bases = [b for b in _BASIS_ORDER
                       if any(_models.MODELS[m].basis == b for m in names)]
        self._controls = cmat
        self._y = s
        self._e_raw, self._p_raw, self._w = e_raw, p_raw, w
        self._weighted = weights is not None
        self._clusters = clusters
        self._index = index
        self.n_obs_ = int(n)
        self.excluded_ = log.to_frame()
        self.model_names_ = [m for m in _models.DEFAULT_MODELS if m in names]

        design_all = self._union_design(p_raw, e_raw, cmat)
        self.results_: dict[str, LinearFit] = {}
        self.params_: dict[str, pd.Series] = {}
        for name in self.model_names_:
            mapping = self._union_mapping(name)
            design = design_all @ mapping
            # e.g. experience equals expectation for every respondent, or a control
            # duplicates another column or the intercept: the message names the terms.
            check_not_collinear(design, self._term_names(name),
                                what=f"terms of the {name!r} model")
            fit = wls_fit(design, s, w if self._weighted else None, cov_type=cov_type,
                          clusters=clusters)
            self.results_[name] = fit
            self.params_[name] = pd.Series(fit.params, index=self._term_names(name))

        self._cross = None
        self._boot_cache: dict[str, np.ndarray] = {}
        if self.n_boot > 0:
            z = np.column_stack([design_all, s])
            self._cross = bootstrap_crossproducts(
                z, w if self._weighted else None, int(self.n_boot), self.random_state,
                clusters=clusters, n_jobs=self.n_jobs, show_progress=self.progress)
        self.comparison_ = self._comparison()
        self._fitted = True
        return self

    def _fit_distributed(self, data: Any, names: list[str], *, satisfaction: Any,
                         expectation: Any, experience: Any, controls: Any, weights: Any,
                         cluster: Any) -> Self:
        """Fit from cross-products computed inside Dask or Spark (see ``_distributed``)."""
        from . import _distributed as D

        engine = engine_of(data)
        for role, spec in (("satisfaction", satisfaction), ("expectation", expectation),
                           ("experience", experience)):
            if not isinstance(spec, str):
                raise InputError(
                    f"On a {engine} DataFrame {role}= must name one column; score multi-item "
                    "scales first (e.g. the item mean as a column).")
        if cluster is not None:
            raise InputError(f"cluster= is not available on a {engine} DataFrame; fit the "
                             "clustered model in memory.")
        if weights is not None and not isinstance(weights, str):
            raise InputError(f"On a {engine} DataFrame weights= must name a column.")
        if self.scale is None:
            raise InputError(f"On a {engine} DataFrame pass scale=(lowest, highest) or "
                             "scale='infer' (there is no codebook to take it from).")
        controls = column_list(controls, role="controls")
        roles = D.Roles(satisfaction, expectation, experience, controls, weights)
        absent = [c for c in roles.keys if c not in set(data.columns)]
        if absent:
            raise InputError(f"Column(s) {absent} not found in the {engine} DataFrame.")
        table = D.grouped(data, roles.keys)
        scale = None if isinstance(self.scale, str) else tuple(map(float, self.scale))
        mom = D.run(table, lambda part: D.moments(part, roles, scale), D._add, roles.keys)
        n = int(round(mom["n"]))
        total = n + sum(v for k, v in mom.items() if k.startswith("excl|"))
        if mom["sum_w"] <= 0 and n > 0:
            raise InputError(f"Weight column {weights!r}: every weight is zero or missing.")
        if scale is None:
            scale = (float(np.floor(min(mom["min_e"], mom["min_p"]))),
                     float(np.ceil(max(mom["max_e"], mom["max_p"]))))
            inferred = True
        else:
            inferred = False
            bad = {k[4:]: v for k, v in mom.items() if k.startswith("out|") and v > 0}
            if bad:
                raise InputError(
                    f"Answers outside the scale {scale[0]:g} to {scale[1]:g}: "
                    + ", ".join(f"{int(v)} rows in {c!r}" for c, v in bad.items())
                    + f" (values {', '.join(mom['examples'])}). Declare missing-value codes "
                    "as missing or correct the scale.")
        k_max = max(_models.MODELS[m].k for m in names) + len(controls)
        if n <= k_max + 1:
            raise InputError(f"Only {n} usable rows (after {int(total - n)} exclusions) for "
                             f"models with up to {k_max} parameters.")
        for role, key, col in (("satisfaction", "s", satisfaction),
                               ("expectation", "e", expectation),
                               ("experience", "p", experience)):
            if mom[f"min_{key}"] == mom[f"max_{key}"]:
                raise InputError(f"{role} column {col!r} has the same value for every usable "
                                 "respondent; a regression needs variation.")
        if "ratio" in names and mom["e_nonpositive"] > 0:
            raise InputError(f"The ratio model needs expectation {expectation!r} > 0, but "
                             f"{int(mom['e_nonpositive'])} rows are 0 or negative; leave "
                             "'ratio' out of models=.")
        self.scale_, self.scale_inferred_ = scale, inferred
        self.weights_ = None if weights is None else f"column {weights!r}"
        self._set_commensurate_moments(mom, n)
        if self.center == "midpoint":
            center = (scale[0] + scale[1]) / 2.0
        elif self.center == "pooled_mean":
            center = (mom["wsum_e"] + mom["wsum_p"]) / (2.0 * mom["sum_w"])
        else:
            center = 0.0
        self.center_ = float(center)
        self.labels_ = {"satisfaction": satisfaction, "expectation": expectation,
                        "experience": experience}
        self.columns_ = {**self.labels_, "controls": controls, "weights": weights,
                         "cluster": None}
        cov_type = self.cov_type
        if cov_type == "cluster":
            raise InputError("cov_type='cluster' needs clusters, which a distributed fit "
                             "does not take.")
        self.cov_type_ = cov_type
        self.reliability_ = pd.DataFrame(columns=["role", "items", "n_items", "cronbach_alpha",
                                                  "alpha_lower", "alpha_upper"])
        self._bases = [b for b in _BASIS_ORDER
                       if any(_models.MODELS[m].basis == b for m in names)]
        self._controls = np.empty((0, len(controls)))
        self._y = self._e_raw = self._p_raw = self._w = None
        self._weighted = weights is not None
        self._clusters = None
        self._index = None
        self._engine = engine
        self.n_obs_ = n
        reasons = [(k[5:], int(round(v))) for k, v in mom.items()
                   if k.startswith("excl|") and v > 0]
        self.excluded_ = pd.DataFrame({
            "row": pd.Series([None] * sum(c for _, c in reasons), dtype=object),
            "reason": [r for r, c in reasons for _ in range(c)]})
        self.model_names_ = [m for m in _models.DEFAULT_MODELS if m in names]
        width = sum(_BASIS_SIZE[b] for b in self._bases) + len(controls) + 1
        cp = D.run(table, lambda part: D.crossproducts(part, roles, self._bases, center, width),
                   D._add, roles.keys)
        cross = cp["cross"]
        y_col = width - 1
        fits: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for name in self.model_names_:
            mapping = self._union_mapping(name)
            xtx = mapping.T @ cross[:y_col, :y_col] @ mapping
            if np.linalg.matrix_rank(xtx) < xtx.shape[0]:
                raise InputError(f"The terms of the {name!r} model are collinear on these "
                                 f"data ({', '.join(self._term_names(name))}).")
            params = np.linalg.solve(xtx, mapping.T @ cross[:y_col, y_col])
            fits[name] = (mapping, params, np.linalg.pinv(xtx))
        meat = None
        if cov_type != "nonrobust":
            meat = D.run(table, lambda part: D.meats(part, roles, self._bases, center, fits,
                                                     hc3=cov_type == "HC3"),
                         D._add, roles.keys)
        w_total = mom["sum_w"]
        tss = float(cross[y_col, y_col] - mom["wsum_s"] ** 2 / w_total)
        self.results_ = {}
        self.params_ = {}
        for name, (mapping, params, bread) in fits.items():
            k = len(params)
            xty = mapping.T @ cross[:y_col, y_col]
            ssr = float(cross[y_col, y_col] - params @ xty)
            llf = (-n / 2.0 * np.log(ssr) - (1.0 + np.log(np.pi / (n / 2.0))) * n / 2.0
                   + 0.5 * cp["sum_log_w"])
            if cov_type == "nonrobust":
                cov = bread * (ssr / (n - k))
            else:
                cov = bread @ meat[name] @ bread
                if cov_type == "HC1":
                    cov *= n / (n - k)
            fit = LinearFit(params=params, cov=cov, ssr=ssr, centered_tss=tss, nobs=n, k=k,
                            llf=float(llf), df_inference=float(n - k), fitted=None)
            self.results_[name] = fit
            self.params_[name] = pd.Series(params, index=self._term_names(name))
        self._cross = None
        self._boot_cache = {}
        if self.n_boot > 0:
            from .fitting import _seed_sequences

            seed = int(_seed_sequences(self.random_state, 1)[0].generate_state(1)[0])
            B = int(self.n_boot)
            flat = D.run(table, lambda part: D.boot_crossproducts(
                part, roles, self._bases, center, width, seed, B), np.add, roles.keys)
            upper = np.triu_indices(width)
            self._cross = np.empty((B, width, width))
            self._cross[:, upper[0], upper[1]] = flat
            self._cross[:, upper[1], upper[0]] = flat
        self.comparison_ = self._comparison()
        self._fitted = True
        return self

    def _set_commensurate_moments(self, mom: dict, n: int) -> None:
        """The commensurability check of :meth:`_set_commensurate` from sums."""
        def sd(key: str) -> float:
            mean = mom[f"sum_{key}"] / n
            return float(np.sqrt(max(mom[f"sq_{key}"] / n - mean * mean, 0.0)))

        e_min, e_max, p_min, p_max = mom["min_e"], mom["max_e"], mom["min_p"], mom["max_p"]
        self._commensurate_from(e_min, e_max, p_min, p_max, sd("e"), sd("p"))

    def _require_rows(self, what: str) -> None:
        if getattr(self, "_engine", None) is not None and self._y is None:
            raise InputError(
                f"{what} needs the respondents' rows, which a fit on a {self._engine} "
                "DataFrame does not keep. Pass data= where possible, or fit in memory.")

    def _set_commensurate(self, e_raw: np.ndarray, p_raw: np.ndarray) -> None:
        self._commensurate_from(float(np.min(e_raw)), float(np.max(e_raw)),
                                float(np.min(p_raw)), float(np.max(p_raw)),
                                float(np.std(e_raw)), float(np.std(p_raw)))

    def _commensurate_from(self, e_min: float, e_max: float, p_min: float, p_max: float,
                           sd_e: float, sd_p: float) -> None:
        # Commensurability: the formulas compare E and P point by point, which only makes
        # sense when both are answers on the same scale with similar spread.
        range_e, range_p = e_max - e_min, p_max - p_min
        width = self.scale_[1] - self.scale_[0]
        reasons = []
        overlap = min(e_max, p_max) - max(e_min, p_min)
        union = max(e_max, p_max) - min(e_min, p_min)
        if overlap < 0.5 * union:
            reasons.append(f"observed ranges barely overlap ({e_min:g} to "
                           f"{e_max:g} for expectation, {p_min:g} to "
                           f"{p_max:g} for experience)")
        elif abs(range_e - range_p) > 0.4 * width:
            reasons.append(f"observed ranges differ ({e_min:g}-{e_max:g} for "
                           f"expectation, {p_min:g}-{p_max:g} for experience)")
        if max(sd_e, sd_p) > 2.5 * max(min(sd_e, sd_p), 1e-12):
            reasons.append(f"standard deviations differ ({sd_e:.2f} vs {sd_p:.2f})")
        self.commensurate_ = not reasons
        self.commensurate_note_ = (
            "Expectation and experience look commensurate (same scale, similar spread)."
            if not reasons else
            "Expectation and experience may not be on a commensurate scale: "
            + "; ".join(reasons) + ". Difference, ratio and congruence results assume the "
            "same scale; rescale them to a common response scale first.")
        if reasons:
            warnings.warn(self.commensurate_note_, FragileResultWarning, stacklevel=3)

    # --------------------------------------------------------------- design maps --
    def _union_design(self, p_raw: np.ndarray, e_raw: np.ndarray, cmat: np.ndarray
                      ) -> np.ndarray:
        x = p_raw - self.center_
        y = e_raw - self.center_
        blocks = [_models.basis_matrix(b, x, y, p_raw, e_raw) for b in self._bases]
        return np.column_stack([*blocks, cmat])

    def _union_mapping(self, name: str) -> np.ndarray:
        spec = _models.MODELS[name]
        c = self._controls.shape[1]
        m = sum(_BASIS_SIZE[b] for b in self._bases) + c
        mapping = np.zeros((m, spec.k + c))
        offset = sum(_BASIS_SIZE[b] for b in self._bases[: self._bases.index(spec.basis)])
        mapping[offset: offset + _BASIS_SIZE[spec.basis], : spec.k] = spec.mapping
        mapping[m - c:, spec.k:] = np.eye(c)
        return mapping

    def _term_names(self, name: str) -> list[str]:
        spec = _models.MODELS[name]
        terms = [t.format(P=self.labels_["experience"], E=self.labels_["expectation"])
                 for t in spec.terms]
        return terms + list(self.columns_["controls"])

    def _model_design(self, name: str, p_raw: np.ndarray, e_raw: np.ndarray,
                      cmat: np.ndarray) -> np.ndarray:
        return self._union_design(p_raw, e_raw, cmat) @ self._union_mapping(name)

    def _get(self, model: str) -> tuple[str, LinearFit]:
        self._check_fitted()
        name = _models.resolve_name(model) if isinstance(model, str) else None
        if name is None or name not in self.results_:
            raise InputError(
                f"Model {model!r} was not fitted. Fitted models: {', '.join(self.results_)}.")
        return name, self.results_[name]

    def boot_params(self, model: str = "full") -> np.ndarray | None:
        """Bootstrap replicates of a model's parameters, shape (n_boot, k), or None."""
        name, _ = self._get(model)
        if self._cross is None:
            return None
        if name not in self._boot_cache:
            y_col = self._cross.shape[1] - 1
            self._boot_cache[name] = solve_from_crossproducts(
                self._cross, self._union_mapping(name), y_col)
        return self._boot_cache[name]

    # ------------------------------------------------------------------- results --
    def _wald(self, name: str, reference: str) -> tuple[float, int, float]:
        """Wald F test of the constraints ``name`` imposes on ``reference``."""
        ref_fit = self.results_[reference]
        r_basis = _models.constraint_matrix(_models.MODELS[name].mapping)
        q = r_basis.shape[0]
        c = self._controls.shape[1]
        r = np.hstack([r_basis, np.zeros((q, c))])
        rb = r @ ref_fit.params
        middle = r @ ref_fit.cov @ r.T
        f_stat = float(rb @ np.linalg.solve(middle, rb) / q)
        p = float(stats.f.sf(f_stat, q, ref_fit.df_inference))
        return f_stat, q, p

    def _comparison(self) -> pd.DataFrame:
        rows = {}
        for name, fit in self.results_.items():
            spec = _models.MODELS[name]
            row = {"label": spec.label, "formula": spec.formula, "n_params": fit.k,
                   "df_model": fit.k - 1, "r2": fit.r2, "adj_r2": fit.adj_r2,
                   "loglik": fit.llf, "aic": fit.aic, "bic": fit.bic,
                   "f_vs_full": np.nan, "df_constraints": np.nan, "p_vs_full": np.nan,
                   "f_vs_absunc": np.nan, "p_vs_absunc": np.nan}
            if spec.basis == "poly" and name != "full":
                f_stat, q, p = self._wald(name, "full")
                row.update(f_vs_full=f_stat, df_constraints=q, p_vs_full=p)
            if spec.basis == "piece" and name != "absunc":
                f_stat, q, p = self._wald(name, "absunc")
                row.update(f_vs_absunc=f_stat, df_constraints=q, p_vs_absunc=p)
            rows[name] = row
        table = pd.DataFrame.from_dict(rows, orient="index")
        # The intercept-only model has R2 = 0 exactly; keep rounding noise out of tables.
        for col in ("r2", "adj_r2"):
            table[col] = table[col].where(table[col].abs() > 1e-12, 0.0)
        table.index.name = "model"
        table.insert(table.columns.get_loc("bic") + 1, "delta_aic",
                     table["aic"] - table["aic"].min())
        table.attrs["notes"] = self._inference_notes()
        return table

    @property
    def summary(self) -> pd.DataFrame:
        """Coefficients of every model: estimate, se, t-based CI, statistic (t) and p."""
        self._check_fitted()
        parts = []
        for name, fit in self.results_.items():
            se = np.sqrt(np.diag(fit.cov))
            tq = stats.t.ppf(1 - self.alpha / 2, fit.df_inference)
            t = fit.params / se
            parts.append(pd.DataFrame({
                "model": name, "term": self._term_names(name), "estimate": fit.params,
                "se": se, "lower": fit.params - tq * se, "upper": fit.params + tq * se,
                "statistic": t, "p": 2 * stats.t.sf(np.abs(t), fit.df_inference)}))
        table = pd.concat(parts, ignore_index=True).set_index(["model", "term"])
        table.attrs["notes"] = self._inference_notes()
        return table

    def _inference_notes(self) -> list[str]:
        """What every results table must carry: the scale (inferred or not), the weights."""
        lo, hi = self.scale_
        scale = f"Answer scale of E and P: {lo:g} to {hi:g}"
        if self.scale_inferred_:
            scale += (" (inferred from the observed answers, scale='infer'; pass scale=(min, "
                      "max) or declare it in the codebook to have out-of-range codes refused)")
        weights = (f"Weights: {self.weights_}" if self.weights_ is not None
                   else "Weights: none (every respondent counts once)")
        return [scale, weights]

    def _summary_notes(self) -> list[str]:
        notes = super()._summary_notes()
        notes.append(f"Covariance: {self.cov_type_} (statistic: t); centre subtracted from "
                     f"E and P: {self.center_:g} ({self.center})")
        notes.extend(self._inference_notes())
        if not self.commensurate_:
            notes.append(self.commensurate_note_)
        return notes

    def coefficients(self, model: str = "full") -> pd.DataFrame:
        """Summary rows of one model (adds percentile bootstrap intervals)."""
        name, _ = self._get(model)
        table = self.summary.loc[name].copy()
        boot = self.boot_params(name)
        if boot is not None:
            lower, upper = self._boot_interval(boot)
            table["boot_lower"], table["boot_upper"] = lower, upper
        return table

    def _boot_interval(self, reps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return percentile_interval(reps, alpha=self.alpha, axis=0)

    def surface(self, model: str = "full") -> pd.DataFrame:
        """Response-surface parameters of a polynomial-family model.

        Returns a DataFrame indexed by ``a1``..``a5``, ``X0``, ``Y0`` (stationary point),
        ``p10``, ``p11``, ``p20``, ``p21`` (principal axes), ``lambda1``, ``lambda2``
        (eigenvalues) with ``estimate``, ``se`` (delta method), ``lower``/``upper``,
        ``statistic`` (z), ``p`` and percentile bootstrap ``boot_lower``/``boot_upper``. Positions
        (X0, Y0, intercepts) are in centred units: add ``center_`` for the answer scale.
        Quantities a constrained model leaves undefined are NaN.
        """
        name, fit = self._get(model)
        spec = _models.MODELS[name]
        if not spec.polynomial:
            raise InputError(
                f"Model {name!r} is not a second-order polynomial in P and E, so it has no "
                "response-surface parameters. Use one of: "
                + ", ".join(m for m in self.results_ if _models.MODELS[m].polynomial) + ".")
        k = spec.k
        b = spec.mapping @ fit.params[:k]
        cov = spec.mapping @ fit.cov[:k, :k] @ spec.mapping.T
        boot = self.boot_params(name)
        boot_b = None if boot is None else boot[:, :k] @ spec.mapping.T
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            table = surface_table(b, cov, boot_b, alpha=self.alpha)
        table.attrs["notes"] = [f"statistic: z (delta method); positions in centred units "
                                f"(add {self.center_:g})", *self._inference_notes()]
        return table

    def loss_aversion(self) -> pd.DataFrame:
        """Gain slope g+, loss slope g- and loss aversion g- / g+ of the asymmetric model.

        Loss aversion above 1 means a shortfall of experience below expectation lowers
        satisfaction more than an equal surplus raises it.
        """
        _, fit = self._get("asymmetric")
        g_gain, g_loss = fit.params[2], fit.params[3]
        cov = fit.cov[2:4, 2:4]
        ratio = g_loss / g_gain
        grad = np.array([-g_loss / g_gain**2, 1.0 / g_gain])
        est = np.array([g_gain, g_loss, ratio])
        se = np.sqrt([cov[0, 0], cov[1, 1], grad @ cov @ grad])
        zq = stats.norm.ppf(1 - self.alpha / 2)
        table = pd.DataFrame({"estimate": est, "se": se, "lower": est - zq * se,
                              "upper": est + zq * se},
                             index=pd.Index(["gain slope g+", "loss slope g-",
                                             "loss aversion g-/g+"], name="parameter"))
        boot = self.boot_params("asymmetric")
        if boot is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                reps = np.column_stack([boot[:, 2], boot[:, 3], boot[:, 3] / boot[:, 2]])
            table["boot_lower"], table["boot_upper"] = self._boot_interval(reps)
        if abs(g_gain) < zq * se[0]:
            warnings.warn(
                "The gain slope g+ is not distinguishable from 0, so the loss-aversion ratio "
                "g-/g+ is unstable; read the two slopes instead.", FragileResultWarning,
                stacklevel=2)
        return table

    def _j_test(self, null: str, rival_fitted: np.ndarray) -> tuple[float, float]:
        """J test: t statistic and p of ``rival_fitted`` added to the ``null`` model."""
        self._require_rows("The J test of the ratio model (verdict('ratio'))")
        augmented = np.column_stack([
            self._model_design(null, self._p_raw, self._e_raw, self._controls), rival_fitted])
        jfit = wls_fit(augmented, self._y, self._w if self._weighted else None,
                       cov_type=self.cov_type_, clusters=self._clusters)
        t = float(jfit.params[-1] / np.sqrt(jfit.cov[-1, -1]))
        return t, float(2 * stats.t.sf(abs(t), jfit.df_inference))

    def verdict(self, model: str = "difference") -> Verdict:
        """Is a practitioner formula adequate on these data?

        ``difference`` (and any model nested in the full polynomial): Wald F test of its
        constraints against ``full``. ``ratio``: the Davidson-MacKinnon J test against the
        full polynomial in both directions, with AIC for context. (1) Null hypothesis "the
        ratio model is right": add the polynomial's fitted values to the ratio model and
        test their coefficient (``statistic``, ``p_value``). (2) Null hypothesis "the full
        polynomial is right": add the ratio model's fitted values to the polynomial
        (``reverse_statistic``, ``reverse_p_value``). Both use the model's covariance
        (``cov_type_``), weights and clusters. ``outcome`` says which of the four
        combinations holds: only the ratio model rejected ("ratio inadequate"), only the
        polynomial rejected ("ratio preferred"), both ("neither adequate") or neither
        ("indistinguishable": the data cannot tell them apart). ``adequate`` means the
        ratio model is not rejected in (1). Adequate means "not rejected at ``alpha``",
        which with few respondents may only mean the test had little power.
        """
        name, fit = self._get(model)
        full = self.results_["full"]
        if name == "ratio":
            t, p = self._j_test("ratio", full.fitted)
            t_rev, p_rev = self._j_test("full", fit.fitted)
            ratio_rejected, full_rejected = p < self.alpha, p_rev < self.alpha
            ok = not ratio_rejected
            outcome, reading = {
                (True, False): ("ratio inadequate",
                                "the ratio formula misses part of the pattern the polynomial "
                                "captures"),
                (False, True): ("ratio preferred",
                                "P / E explains something the polynomial misses, and the "
                                "polynomial adds nothing to it"),
                (True, True): ("neither adequate",
                               "each model explains something the other misses"),
                (False, False): ("indistinguishable",
                                 "the data cannot tell the two models apart"),
            }[(bool(ratio_rejected), bool(full_rejected))]
            d_aic = fit.aic - full.aic
            text = (f"The ratio formula S = b0 + c (P / E) is {'' if ok else 'not '}adequate "
                    f"here: the J test against the full polynomial "
                    f"{'does not reject' if ok else 'rejects'} it (t = {t:.2f}, p = {p:.3g}), "
                    f"and the reverse J test {'rejects' if full_rejected else 'does not reject'}"
                    f" the full polynomial against the ratio formula (t = {t_rev:.2f}, "
                    f"p = {p_rev:.3g}); outcome: {outcome} ({reading}). "
                    f"AIC {d_aic:+.1f} relative to the full polynomial "
                    f"({'worse' if d_aic > 0 else 'better'}), R2 {fit.r2:.3f} vs {full.r2:.3f}.")
            return Verdict("ratio", bool(ok), "J test vs full", t, p, text,
                           reverse_statistic=t_rev, reverse_p_value=p_rev, outcome=outcome)
        spec = _models.MODELS[name]
        reference = "full" if spec.basis == "poly" else "absunc"
        if name == reference or spec.basis == "ratio":
            text = f"The {name} model is the unconstrained reference; it is not tested."
            return Verdict(name, True, "none", float("nan"), float("nan"), text)
        f_stat, q, p = self._wald(name, reference)
        ok = p >= self.alpha
        ref_fit = self.results_[reference]
        what = "difference formula S = b0 + c (P - E)" if name == "difference" else \
            f"{name} model ({spec.formula})"
        text = (f"The {what} is {'' if ok else 'not '}adequate here: the {q} constraint(s) it "
                f"imposes on the {reference} model are {'not ' if ok else ''}rejected "
                f"(F = {f_stat:.2f} on {q} and {ref_fit.df_inference:g} df, p = {p:.3g}); "
                f"R2 {fit.r2:.3f} vs {ref_fit.r2:.3f}.")
        return Verdict(name, bool(ok), f"Wald F vs {reference}", f_stat, p, text)

    # ------------------------------------------------------------ zones, what-if --
    def zones(self, cuts: Sequence[float] = DEFAULT_CUTS) -> pd.DataFrame:
        """Share and mean satisfaction in five disconfirmation zones of D = P - E.

        ``cuts`` are four increasing cut points on D: below ``cuts[0]`` "very
        dissatisfied", up to ``cuts[1]`` "dissatisfied", between ``cuts[1]`` and
        ``cuts[2]`` (inclusive) "neutral", up to ``cuts[3]`` "satisfied", above it "very
        satisfied". Shares and means use the survey weights.
        """
        self._check_fitted()
        self._require_rows("zones()")
        return zone_table(self._p_raw - self._e_raw, self._y, self._w, cuts=cuts,
                          alpha=self.alpha)

    def assign_zones(self, cuts: Sequence[float] = DEFAULT_CUTS) -> pd.Series:
        """Disconfirmation zone of every respondent used in the fit (index = input rows)."""
        self._check_fitted()
        self._require_rows("assign_zones()")
        return pd.Series(assign_zones(self._p_raw - self._e_raw, cuts), index=self._index,
                         name="zone")

    def predict(self, data: pd.DataFrame | Study | None = None, model: str = "full"
                ) -> pd.Series:
        """Predicted satisfaction (fitted rows when ``data`` is None).

        New E and P values are checked against ``scale_``: outside it the surface is not
        known (and a 99 there is a missing-value code, not an answer).
        """
        name, fit = self._get(model)
        if data is None:
            self._require_rows("predict() without data")
            return pd.Series(fit.fitted, index=self._index, name="predicted")
        data, _ = as_frame(data)
        cols = self.columns_
        for role in ("expectation", "experience"):
            if not isinstance(cols[role], str):
                raise InputError(f"predict(data) needs {role} as one column; it was fitted "
                                 "from items. Add the item mean as a column and predict "
                                 "from a model fitted on that column.")
        require_columns(data, [cols["expectation"], cols["experience"], *cols["controls"]],
                        source="data")
        ep = {}
        for role in ("expectation", "experience"):
            values = numeric_column(data, cols[role], role=role)
            check_in_scale(values, self.scale_, column=cols[role], role=role)
            ep[role] = values.to_numpy()
        e, p = ep["expectation"], ep["experience"]
        cm = numeric_array(data, cols["controls"], role="control")
        return pd.Series(self._model_design(name, p, e, cm) @ fit.params, index=data.index,
                         name="predicted")

    def what_if(self, expectation_shift: float = 0.0, experience_shift: float = 0.0,
                model: str = "full", clip: bool = True) -> pd.DataFrame:
        """Mean predicted satisfaction if every respondent's E and / or P moved.

        For example ``expectation_shift=-0.5`` (under-promise) or
        ``experience_shift=1`` (deliver one point better). Shifted values are clipped to
        the answer scale when ``clip`` (the surface is not known outside it). Returns rows
        ``baseline``, ``scenario`` and ``change`` with delta-method (t-free, normal)
        intervals and percentile bootstrap intervals; ``clipped_share`` is the (weighted)
        share of respondents whose shifted value hit the end of the scale.
        """
        name, fit = self._get(model)
        self._require_rows("what_if()")
        e0, p0 = self._e_raw, self._p_raw
        e1, p1 = e0 + expectation_shift, p0 + experience_shift
        lo, hi = self.scale_
        clipped = (e1 < lo) | (e1 > hi) | (p1 < lo) | (p1 > hi)
        if clip:
            e1, p1 = np.clip(e1, lo, hi), np.clip(p1, lo, hi)
        wn = self._w / self._w.sum()
        g0 = wn @ self._model_design(name, p0, e0, self._controls)
        g1 = wn @ self._model_design(name, p1, e1, self._controls)
        grads = np.vstack([g0, g1, g1 - g0])
        est = grads @ fit.params
        se = np.sqrt(np.einsum("ij,jk,ik->i", grads, fit.cov, grads))
        zq = stats.norm.ppf(1 - self.alpha / 2)
        table = pd.DataFrame({"estimate": est, "se": se, "lower": est - zq * se,
                              "upper": est + zq * se},
                             index=pd.Index(["baseline", "scenario", "change"], name="row"))
        boot = self.boot_params(name)
        if boot is not None:
            table["boot_lower"], table["boot_upper"] = self._boot_interval(boot @ grads.T)
        table["clipped_share"] = [0.0, float(wn @ clipped), float(wn @ clipped)]
        return table

    # --------------------------------------------------------------------- plots --
    def plot_surface(self, model: str = "full", ax=None, **kwargs):
        """3-D surface over the region the data cover; see ``plots.plot_surface``."""
        from .plots import plot_surface

        return plot_surface(self, model=model, ax=ax, **kwargs)

    def plot_contour(self, model: str = "full", ax=None, **kwargs):
        """Contour map of the fitted surface; see ``plots.plot_contour``."""
        from .plots import plot_contour

        return plot_contour(self, model=model, ax=ax, **kwargs)

    def plot_asymmetry(self, ax=None, **kwargs):
        """Predicted satisfaction along D = P - E; see ``plots.plot_asymmetry``."""
        from .plots import plot_asymmetry

        return plot_asymmetry(self, ax=ax, **kwargs)

    def plot_comparison(self, criterion: str = "aic", ax=None, **kwargs):
        """Model-comparison chart; see ``plots.plot_comparison``."""
        from .plots import plot_comparison

        return plot_comparison(self, criterion=criterion, ax=ax, **kwargs)
