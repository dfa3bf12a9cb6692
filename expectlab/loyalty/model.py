"""LoyaltyModel: who stays, how well can we tell, and what moves them.

One estimator, three engines (see :mod:`expectlab.loyalty.engines`): ``"logit"`` for a
binary outcome (odds ratios, average marginal effects), ``"ordinal"`` for a rating-scale
outcome (proportional-odds model) and ``"boosting"`` (gradient boosting with monotonic
constraints where theory says so, calibrated probabilities). ``fit`` runs stratified
K-fold cross-validation for out-of-fold predictions and held-out metrics, refits on all
usable rows for ``predict_proba`` and the coefficient table, checks for leaked drivers
and measures driver importance.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Self

import numpy as np
import pandas as pd

from .._errors import FragileResultWarning, InputError, describe_offenders
from .._resample import check_random_state, parallel_map, single_thread
from .._results import SUMMARY_COLUMNS, Estimator
from .._validate import as_frame
from ._design import check_identified, design_matrix, prepare
from .curve import LoyaltyCurve, binary_outcome, loyalty_curve
from .engines import make_engine, warn_if_fragile
from .importance import _permutation_table, dominance_analysis, permutation_predictions
from .leakage import leakage_report, warn_leakage
from .metrics import lift_table, metric_table

__all__ = ["LoyaltyModel"]

_ENGINES = ("logit", "ordinal", "boosting")


class LoyaltyModel(Estimator):
    """Predict loyalty from survey drivers, with held-out metrics and driver importance.

    Parameters
    ----------
    engine : {"logit", "ordinal", "boosting"}
        ``"logit"``: logistic regression for a 0/1 outcome (or a scale cut at
        ``loyal_from``). ``"ordinal"``: proportional-odds model of a rating outcome
        (1-5, 1-7, 0-10). ``"boosting"``: histogram gradient boosting with calibrated
        probabilities.
    cv : int or None
        Folds of stratified cross-validation for out-of-fold predictions, held-out
        metrics and permutation importance. ``None`` skips cross-validation (no
        ``metrics_``, no permutation importance).
    calibration : {"auto", "isotonic", "sigmoid", None}
        Probability calibration of the boosting engine, fitted by 3-fold internal
        cross-validation. ``"auto"``: isotonic with at least 1000 respondents, sigmoid
        below. The logistic engines are calibrated by construction and accept only
        ``"auto"`` or ``None``.
    monotone : dict, optional
        Boosting only: driver -> +1 (loyalty can only rise with it) or -1 (only fall).
    class_weight : {None, "balanced"}
        Reweight the classes of a binary outcome when the event is rare. The logit
        intercept is then corrected back to the survey prevalence (prior correction) and
        boosting probabilities are recalibrated without class weights, so predicted
        probabilities stay on the population scale. Not available for ``"ordinal"``.
    boosting_params : dict, optional
        Extra arguments for ``HistGradientBoostingClassifier``.
    n_boot : int
        Bootstrap replicates for the intervals of the metrics, permutation importance and
        dominance analysis (0 = none).
    permutation_repeats : int
        Shuffles per driver and fold for permutation importance.
    importance : bool
        Compute driver importance (permutation importance and dominance analysis).
    max_dominance_drivers : int
        Dominance analysis fits ``2^k - 1`` models; above this many drivers (interaction
        terms count) it is skipped with a warning.
    leakage_threshold : float
        Single-driver ROC AUC from which a driver is flagged as leaked.
    alpha : float
        1 - confidence level of all intervals.
    random_state : int, Generator or None
        Seeds the folds, the boosting engine, the bootstraps and the permutations.
    n_jobs : int or None
        Folds fitted (and their permutation importance computed) in parallel with
        joblib (1 = sequential; ``None`` = sequential unless a joblib backend is active,
        e.g. ``with joblib.parallel_backend("dask"):`` runs them on a Dask cluster).
    progress : bool or None
        Progress bars for the cross-validation folds, the metric, permutation and
        dominance bootstraps (step by step). ``None`` (default): only when the output
        is a terminal; ``True`` always; ``False`` never.

    Attributes
    ----------
    summary : pandas.DataFrame
        Coefficients with SE, z, p, interval and odds ratios (``logit``, ``ordinal``);
        the importance table for ``boosting``.
    metrics_ : pandas.DataFrame
        Held-out ROC AUC, PR AUC, Brier score, log loss, calibration slope/intercept and
        prevalence with bootstrap intervals (event = loyal).
    lift_ : pandas.DataFrame
        Decile lift table of the out-of-fold predictions.
    oof_proba_ : pandas.Series
        Out-of-fold probability of the loyal event for every used row.
    importance_ : pandas.DataFrame
        Permutation importance and dominance analysis per driver. The permutation
        interval (``permutation_lower``, ``permutation_upper``) is a percentile bootstrap
        over respondents of the held-out drop in ROC AUC, fold models and shuffles fixed.
        For large samples its replicates come from a linear expansion of each AUC and
        the dominance replicates from a one-step expansion of each fit (see
        :mod:`expectlab.loyalty.importance`); the summary notes say so when it happens.
    marginal_effects_ : pandas.DataFrame or None
        Average marginal effects (logit engine).
    leakage_ : pandas.DataFrame
        Single-driver AUC per driver and the leakage flag.
    odds_ratios_ : pandas.DataFrame or None
        Odds ratios with their interval (``estimate``, ``lower``, ``upper``, ``p``).
    n_obs_, excluded_ :
        Rows used; rows excluded with the reason.
    y_, driver_values_ :
        Outcome and driver values of the used rows (arrays), kept for :meth:`curve` and
        :meth:`plot_calibration`. The fitted model keeps no DataFrame of the client's
        data (other columns are never copied), so it pickles small.

    Notes
    -----
    ``summary`` of the logit and ordinal engines has the columns ``estimate, se, lower,
    upper, statistic, p`` (``statistic`` is the Wald z; estimates on the log-odds scale).

    The bootstrap intervals resample respondents by weights, never by refitting whole
    models: the metric replicates are exact (weighted sums over respondents pooled by
    prediction and outcome; the calibration fits of each replicate start at the
    full-sample fit), the permutation replicates reweight the held-out predictions
    scored once, and the dominance replicates reweight subset fits made once.

    References
    ----------
    Agresti, A. (2013). Categorical Data Analysis (3rd ed.). Wiley: logistic and
    proportional-odds models. King, G. & Zeng, L. (2001). Logistic regression in rare events
    data. Political Analysis 9, 137-163: prior correction. Azen, R. & Traxel, N. (2009).
    Using dominance analysis to determine predictor importance in logistic regression.
    Journal of Educational and Behavioral Statistics 34, 319-347.

    See Also
    --------
    loyalty_curve : the satisfaction-loyalty curve without a model.
    nps : the Net Promoter Score with its standard error.

    Examples
    --------
    >>> from expectlab import LoyaltyModel
    >>> from expectlab.simulate.loyalty import simulate_loyalty
    >>> data = simulate_loyalty(1500, random_state=1).data
    >>> model = LoyaltyModel("logit", n_boot=0, importance=False, random_state=1).fit(
    ...     data, outcome="stayed", drivers=["satisfaction", "trust", "segment"],
    ...     categorical=["segment"])
    >>> bool(model.metrics_.loc["roc_auc", "estimate"] > 0.6)
    True
    >>> list(model.summary.columns)
    ['estimate', 'se', 'lower', 'upper', 'statistic', 'p']
    >>> model.predict_proba(data.head(2)).shape
    (2, 2)
    """

    _summary_title = "Loyalty model"
    _tables = ("odds_ratios_", "marginal_effects_", "metrics_", "lift_", "importance_",
               "leakage_")

    def __init__(
        self,
        engine: Literal["logit", "ordinal", "boosting"] = "logit",
        *,
        cv: int | None = 5,
        calibration: Literal["auto", "isotonic", "sigmoid"] | None = "auto",
        monotone: dict[str, int] | None = None,
        class_weight: Literal["balanced"] | None = None,
        boosting_params: dict[str, Any] | None = None,
        n_boot: int = 200,
        permutation_repeats: int = 5,
        importance: bool = True,
        max_dominance_drivers: int = 8,
        leakage_threshold: float = 0.98,
        alpha: float = 0.05,
        random_state: int | np.random.Generator | None = None,
        n_jobs: int | None = None,
        progress: bool | None = None,
    ) -> None:
        self.engine = engine
        self.cv = cv
        self.calibration = calibration
        self.monotone = monotone
        self.class_weight = class_weight
        self.boosting_params = boosting_params
        self.n_boot = n_boot
        self.permutation_repeats = permutation_repeats
        self.importance = importance
        self.max_dominance_drivers = max_dominance_drivers
        self.leakage_threshold = leakage_threshold
        self.alpha = alpha
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.progress = progress

    # ------------------------------------------------------------------ validation
    def _check_params(self, n: int) -> str | None:
        if self.engine not in _ENGINES:
            raise InputError(f"engine must be one of {list(_ENGINES)}, got {self.engine!r}.")
        if self.cv is not None and (not isinstance(self.cv, (int, np.integer)) or self.cv < 2):
            raise InputError(f"cv must be an integer of at least 2 or None, got {self.cv!r}.")
        if not 0 < self.alpha < 1:
            raise InputError(f"alpha must lie between 0 and 1, got {self.alpha!r}.")
        if self.class_weight not in (None, "balanced"):
            raise InputError(f"class_weight must be None or 'balanced', got "
                             f"{self.class_weight!r}.")
        if self.class_weight and self.engine == "ordinal":
            raise InputError("class_weight='balanced' is only available for binary outcomes "
                             "(engines 'logit' and 'boosting').")
        if not isinstance(self.n_boot, (int, np.integer)) or self.n_boot < 0:
            raise InputError(f"n_boot must be a non-negative integer, got {self.n_boot!r}.")
        if not 0.5 < self.leakage_threshold <= 1:
            raise InputError(f"leakage_threshold must lie in (0.5, 1], got "
                             f"{self.leakage_threshold!r}.")
        if self.permutation_repeats < 1:
            raise InputError(f"permutation_repeats must be at least 1, got "
                             f"{self.permutation_repeats!r}.")
        valid = ("auto", "isotonic", "sigmoid", None)
        if self.calibration not in valid:
            raise InputError(f"calibration must be one of {list(valid)}, got "
                             f"{self.calibration!r}.")
        if self.engine != "boosting":
            if self.calibration not in ("auto", None):
                raise InputError(
                    f"calibration={self.calibration!r} applies to engine='boosting' only; "
                    "logistic models are calibrated by construction. Use calibration='auto'.")
            if self.monotone:
                raise InputError("monotone constraints apply to engine='boosting' only; the "
                                 "logistic engines estimate the direction from the data.")
            return None
        if self.calibration == "auto":
            # Isotonic calibration needs many respondents; Platt scaling is steadier below.
            return "isotonic" if n >= 1000 else "sigmoid"
        return self.calibration

    # ------------------------------------------------------------------ fitting
    def fit(
        self,
        data: pd.DataFrame | Any,
        *,
        outcome: str,
        drivers: Sequence[str],
        weights: str | Sequence[float] | np.ndarray | pd.Series | None = None,
        categorical: Sequence[str] | None = None,
        scale: tuple[float, float] | Mapping[str, tuple[float, float]] | None = None,
        interactions: Sequence[tuple[str, str]] | None = None,
        loyal_from: float | None = None,
        missing_codes: Sequence[float] | None = None,
    ) -> Self:
        """Fit the model with cross-validated metrics and driver importance.

        Parameters
        ----------
        data : pandas.DataFrame or Study
            One row per respondent. With a :class:`~expectlab.Study` a driver may name a
            multi-item scale (it enters as the mean of its items), declared scales and
            ``categorical`` variable types come from the codebook, and the study's weights
            are used when ``weights`` is None.
        outcome : str
            Loyalty column: 0/1 (stayed, repurchased), or a rating scale (ordinal engine,
            or logit/boosting together with ``loyal_from``).
        drivers : sequence of str
            Driver columns (or, with a Study, scale names). Every driver is numeric unless
            declared categorical; text in a numeric driver is an error naming the rows.
        weights : str or array-like, optional
            Survey-weight column, or one weight per row (second path); used in fitting,
            metrics and importance. Rows with a missing or zero weight are excluded and
            listed in ``excluded_``.
        categorical : sequence of str, optional
            Drivers to dummy-code (e.g. ``["segment"]``), against their first level in
            sorted order. With a Study, codebook variables of type ``categorical`` count
            as declared.
        scale : (min, max) or dict, optional
            Declared answer scale of the numeric drivers: one pair for all of them or a
            dict driver -> (min, max). Values outside it are an error (a Study's codebook
            declares scales itself).
        interactions : sequence of (str, str), optional
            Products of two numeric drivers, e.g. ``[("satisfaction", "switching_costs")]``.
        loyal_from : float, optional
            Lowest outcome value that counts as loyal (e.g. 9 for promoters on 0-10,
            6 for top-2 box on 1-7). Required for logit/boosting with a rating outcome;
            for the ordinal engine it defines the event for metrics (default: top box).
        missing_codes : sequence of float, optional
            Values that mean "no answer" (e.g. ``[-99]``): those rows are excluded and
            listed in ``excluded_``. When omitted, values such as -99 raise an error
            rather than being read as answers; pass ``[]`` if they are real values.

        Returns
        -------
        LoyaltyModel
            ``self``, fitted.
        """
        frame, study = as_frame(data)
        weights_note = None
        if weights is None and study is not None and study.weights is not None:
            weights = study.weights
            weights_note = f"Survey weights: {weights} (the study's weights"
        with single_thread(None, n_rows=len(frame)):
            self._fit(frame, study=study, outcome=outcome, drivers=drivers, weights=weights,
                      categorical=categorical, scale=scale, interactions=interactions,
                      loyal_from=loyal_from, missing_codes=missing_codes)
        if weights is None:
            self.weights_note_ = None
        elif isinstance(weights, str):
            self.weights_note_ = (weights_note + ", sandwich standard errors)" if weights_note
                                  else f"Survey weights: {weights} (sandwich standard errors)")
        else:
            self.weights_note_ = "Survey weights: array passed (sandwich standard errors)"
        return self

    def _fit(self, data: pd.DataFrame, *, study: Any, outcome: str, drivers: Sequence[str],
             weights: Any, categorical: Sequence[str] | None, scale: Any,
             interactions: Sequence[tuple[str, str]] | None,
             loyal_from: float | None, missing_codes: Sequence[float] | None) -> None:
        used, w_all, spec, log = prepare(data, outcome=outcome, drivers=drivers,
                                         weights=weights, interactions=interactions,
                                         missing_codes=missing_codes, categorical=categorical,
                                         scale=scale, study=study)
        calibration = self._check_params(len(used))
        rng = check_random_state(self.random_state)
        seeds = [int(s) for s in rng.integers(0, 2**31 - 1, size=5)]
        y_raw = used[outcome].to_numpy(dtype=float)
        if self.engine == "ordinal":
            if not np.all(y_raw == np.round(y_raw)):
                bad = y_raw != np.round(y_raw)
                raise InputError(f"The ordinal engine needs whole-number outcome categories; "
                                 f"{outcome!r} has {describe_offenders(used[outcome], bad)}.")
            classes = np.unique(y_raw)
            threshold = float(classes[-1] if loyal_from is None else loyal_from)
            self.loyal_from_: float | None = threshold
            y_event = (y_raw >= threshold).astype(float)
            y_fit = y_raw
        else:
            y_event = binary_outcome(used[outcome], loyal_from, outcome)
            self.loyal_from_ = None if loyal_from is None else float(loyal_from)
            y_fit = y_event
        n = len(used)
        n_event = int(y_event.sum())
        minority = min(n_event, n - n_event)
        if minority == 0:
            raise InputError(
                f"Every usable respondent has the same outcome ({outcome!r} event share "
                f"{n_event / n:.2f}); a loyalty model needs both loyal and non-loyal "
                "respondents. Check the outcome coding or loyal_from."
            )
        if self.cv is not None and minority < self.cv:
            raise InputError(
                f"Only {minority} respondent(s) in the smaller outcome class, fewer than the "
                f"{self.cv} cross-validation folds. Use fewer folds (cv=...) or cv=None."
            )
        w = None if weights is None else w_all
        w_norm = np.ones(n) if w is None else w * (n / w.sum())
        X = design_matrix(used, spec)
        # Exactly collinear drivers have no unique coefficients: refuse before fitting.
        check_identified(X, spec)
        n_params = X.shape[1] + 1
        prevalence = float((w_norm * y_event).sum() / w_norm.sum())
        if minority < 10 * n_params:
            warnings.warn(
                f"Only {minority} respondents in the smaller outcome class for {n_params} "
                "parameters (fewer than 10 per parameter): estimates and metrics are "
                "unstable. Use fewer drivers or more data.", FragileResultWarning,
                stacklevel=3)
        if min(prevalence, 1 - prevalence) < 0.05 and not self.class_weight:
            warnings.warn(
                f"The outcome event is rare (weighted share {prevalence:.3f}). Metrics such as "
                "ROC AUC can look good while few events are found; read PR AUC and the lift "
                "table, and consider class_weight='balanced'.", FragileResultWarning,
                stacklevel=3)
        # Leakage guard on the loyal event.
        self.leakage_ = leakage_report(used, y_event, w, spec.drivers, spec.categories,
                                       self.leakage_threshold)
        warn_leakage(self.leakage_, outcome, self.leakage_threshold)
        monotonic_cst = self._monotonic(spec)
        fit_w = self._fit_weights(w_norm, y_event) if self.engine != "ordinal" else w

        def fit_engine(train: np.ndarray, seed: int) -> Any:
            eng = make_engine(self.engine, monotonic_cst=monotonic_cst, calibration=calibration,
                              class_weight=self.class_weight if self.engine == "boosting"
                              else None, boosting_params=self.boosting_params,
                              random_state=seed)
            if self.engine == "boosting":
                eng.fit(X[train], y_fit[train], None if w is None else w[train], spec.columns)
            else:
                ww = None if fit_w is None else fit_w[train]
                eng.fit(X[train], y_fit[train], ww, spec.columns)
                if self.engine == "logit" and self.class_weight:
                    self._prior_correct(eng, y_event[train], w_norm[train])
            return eng

        self.engine_ = fit_engine(np.arange(n), seeds[0])
        warn_if_fragile(self.engine_, f"LoyaltyModel({self.engine!r})")
        self.classes_ = self.engine_.classes_
        # Cross-validation: out-of-fold predictions from models that never saw the rows.
        self.metrics_ = None
        self.lift_ = None
        self.oof_proba_ = None
        folds: list[tuple[np.ndarray, np.ndarray]] = []
        fold_models: list[Any] = []
        if self.cv is not None:
            from sklearn.model_selection import StratifiedKFold

            strat = y_fit if self.engine == "ordinal" and np.bincount(
                np.searchsorted(np.unique(y_fit), y_fit)).min() >= self.cv else y_event
            skf = StratifiedKFold(self.cv, shuffle=True, random_state=seeds[1])
            folds = list(skf.split(X, strat))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FragileResultWarning)
                fold_models = parallel_map(lambda f: fit_engine(f[0], seeds[0]), folds,
                                           n_jobs=self.n_jobs, progress=self.progress,
                                           desc="cross-validation folds")
            oof = np.empty(n)
            for (_, test), eng in zip(folds, fold_models, strict=True):
                oof[test] = self._event_proba(eng, X[test])
            self.oof_proba_ = pd.Series(oof, index=used.index, name="oof_probability")
            self.metrics_ = metric_table(y_event, oof, w, n_boot=self.n_boot, alpha=self.alpha,
                                         random_state=seeds[2], progress=self.progress)
            self.lift_ = lift_table(y_event, oof, w)
        # Driver importance.
        self.importance_ = None
        self.dominance_total_: dict[str, float | str] = {}
        self._interval_methods: dict[str, str] = {}
        if self.importance:
            self.importance_ = self._importance(used, spec, X, y_event, y_raw, w, folds,
                                                fold_models, seeds)
        self.marginal_effects_ = None
        if self.engine == "logit":
            self.marginal_effects_ = self.engine_.marginal_effects(X, w, self.alpha).rename(
                columns={"ame": "estimate", "z": "statistic"})[SUMMARY_COLUMNS]
        self.outcome_ = outcome
        self.drivers_ = list(spec.drivers)
        self.categorical_ = list(spec.categories)
        self.weights_ = (None if weights is None else weights if isinstance(weights, str)
                         else "array")
        self._w = w
        self._rows = used.index  # row labels only, to find the fitted rows again
        self.spec_ = spec
        self.calibration_ = calibration
        self.prevalence_ = prevalence
        self.n_obs_ = n
        self.excluded_ = log.to_frame()
        # Only arrays of the used rows are kept (for curve() and plot_calibration()),
        # never the client's frame: the fitted model pickles without the raw data.
        self.y_ = y_raw
        self.driver_values_ = {d: used[d].to_numpy() for d in spec.drivers}
        self._fitted = True

    def _monotonic(self, spec: Any) -> list[int] | None:
        if not self.monotone:
            return None
        if not isinstance(self.monotone, dict):
            raise InputError("monotone must be a dict driver -> +1 or -1, e.g. "
                             "{'satisfaction': 1}.")
        cst = [0] * len(spec.columns)
        for d, sign in self.monotone.items():
            if d not in spec.drivers:
                raise InputError(f"monotone names {d!r}, which is not among the drivers "
                                 f"{spec.drivers}.")
            if d in spec.categories:
                raise InputError(f"monotone cannot constrain the categorical driver {d!r}.")
            if sign not in (-1, 0, 1):
                raise InputError(f"monotone[{d!r}] must be -1, 0 or +1, got {sign!r}.")
            cst[spec.groups[d][0]] = int(sign)
        return cst

    def _fit_weights(self, w_norm: np.ndarray, y: np.ndarray) -> np.ndarray | None:
        if not self.class_weight:
            return None if np.allclose(w_norm, 1.0) else w_norm
        pos = (w_norm * y).sum()
        neg = (w_norm * (1 - y)).sum()
        # "balanced": each class carries half of the total weight.
        return w_norm * np.where(y == 1, 0.5 * w_norm.sum() / pos, 0.5 * w_norm.sum() / neg)

    @staticmethod
    def _prior_correct(eng: Any, y: np.ndarray, w: np.ndarray) -> None:
        # Balanced weights fit the model as if prevalence were 1/2; shifting the intercept
        # by the log prior odds restores population-scale probabilities (King & Zeng 2001).
        prev = (w * y).sum() / w.sum()
        eng.beta_ = eng.beta_.copy()
        eng.beta_[0] += np.log(prev / (1 - prev))

    def _event_proba(self, eng: Any, X: np.ndarray) -> np.ndarray:
        proba = eng.predict_proba(X)
        if self.engine == "ordinal":
            return proba[:, eng.classes_ >= self.loyal_from_].sum(axis=1)
        return proba[:, list(eng.classes_).index(1)]

    def _importance(self, used: pd.DataFrame, spec: Any, X: np.ndarray, y_event: np.ndarray,
                    y_raw: np.ndarray, w: np.ndarray | None, folds: list, fold_models: list,
                    seeds: list[int]) -> pd.DataFrame:
        names = list(spec.groups)
        table = pd.DataFrame(index=pd.Index(names, name="driver"))
        if folds:
            # The shuffles are drawn here, fold by fold in a fixed order, so the result
            # does not depend on where the folds run (joblib, e.g. a Dask cluster); each
            # fold's model then predicts its held-out design with every driver shuffled.
            rng = check_random_state(seeds[3])
            R = self.permutation_repeats
            perms = [[[rng.permutation(len(test)) for _ in range(R)] for _ in spec.drivers]
                     for _, test in folds]
            replay = _Replay(perms)

            def fold_predictions(f: int) -> tuple[np.ndarray, np.ndarray]:
                eng = fold_models[f]
                return permutation_predictions(
                    X[folds[f][1]], lambda Z: self._event_proba(eng, Z), spec.groups,
                    spec.interactions, spec.drivers, R, replay.generator(f))

            preds = parallel_map(fold_predictions, range(len(folds)), n_jobs=self.n_jobs,
                                 progress=self.progress, desc="permutation importance")
            stored = [(y_event[test], base, permuted)
                      for (_, test), (base, permuted) in zip(folds, preds, strict=True)]
            weights = [np.ones(len(test)) if w is None else w[test] for _, test in folds]
            perm, method = _permutation_table(stored, weights, spec.drivers,
                                              n_boot=self.n_boot, alpha=self.alpha, rng=rng,
                                              progress=self.progress)
            self._interval_methods["permutation"] = method
            table = table.join(perm)
        kind = "linear" if self.engine == "ordinal" else "logit"
        y_dom = y_raw if kind == "linear" else y_event
        dom, total = dominance_analysis(X, y_dom, w, spec.groups, kind=kind, n_boot=self.n_boot,
                                        alpha=self.alpha, max_drivers=self.max_dominance_drivers,
                                        random_state=seeds[4], progress=self.progress)
        self.dominance_total_ = total
        self._interval_methods["dominance"] = str(total.get("bootstrap", ""))
        return table.join(dom)

    # ------------------------------------------------------------------ using the fit
    def _design(self, data: Any) -> tuple[pd.DataFrame, np.ndarray]:
        frame, _ = as_frame(data, source="the data to predict")
        return frame, design_matrix(frame, self.spec_, source="the data to predict")

    def predict_proba(self, data: pd.DataFrame | Any) -> np.ndarray:
        """Class probabilities for new respondents (columns follow ``classes_``).

        For a binary outcome column 1 is the probability of the loyal event; for the
        ordinal engine there is one column per outcome category. ``data`` (a DataFrame
        or a Study) needs the driver columns; a driver fitted from a multi-item scale is
        scored from its items when the score column is absent.
        """
        self._check_fitted()
        return self.engine_.predict_proba(self._design(data)[1])

    def predict(self, data: pd.DataFrame | Any) -> np.ndarray:
        """Most probable outcome class for each respondent (values of ``classes_``)."""
        self._check_fitted()
        proba = self.predict_proba(data)
        return np.asarray(self.classes_)[np.argmax(proba, axis=1)]

    def predict_loyal(self, data: pd.DataFrame | Any) -> pd.Series:
        """Probability of the loyal event for each row of ``data``."""
        self._check_fitted()
        frame, X = self._design(data)
        return pd.Series(self._event_proba(self.engine_, X), index=frame.index,
                         name="probability_loyal")

    def curve(self, driver: str = "satisfaction", by: str | None = None, *,
              data: pd.DataFrame | Any = None, **kwargs: Any) -> LoyaltyCurve:
        """The satisfaction-loyalty curve on the fitted respondents.

        See :func:`expectlab.loyalty.loyalty_curve`. ``driver`` and ``by`` name drivers of
        the model (the model keeps their values, not the client's frame); to split by
        another column pass the data again with ``data=`` (the rows the model was
        fitted on are taken from it when its index holds their labels).
        """
        self._check_fitted()
        loyal_from = kwargs.pop("loyal_from", self.loyal_from_)
        alpha = kwargs.pop("alpha", self.alpha)
        if data is not None:
            frame, _ = as_frame(data)
            rows = self.oof_proba_.index if self.oof_proba_ is not None else self._rows
            if frame.index.is_unique and rows.isin(frame.index).all():
                # the respondents the model was fitted on, as without data=
                frame = frame.loc[rows]
            weights = self.weights_ if isinstance(self.weights_, str) else None
            return loyalty_curve(frame, outcome=self.outcome_, driver=driver, by=by,
                                 weights=weights, loyal_from=loyal_from, alpha=alpha, **kwargs)
        absent = [c for c in (driver, by) if c is not None and c not in self.driver_values_]
        if absent:
            raise InputError(
                f"{absent} are not drivers of this model, and the model does not keep the "
                f"data it was fitted on. Pass them with curve({driver!r}, by={by!r}, "
                "data=...), or use one of the drivers "
                f"{list(self.driver_values_)}.")
        cols = {self.outcome_: self.y_, driver: self.driver_values_[driver]}
        if by is not None:
            cols[by] = self.driver_values_[by]
        frame = pd.DataFrame(cols)
        return loyalty_curve(frame, outcome=self.outcome_, driver=driver, by=by,
                             weights=self._w, loyal_from=loyal_from, alpha=alpha, **kwargs)

    @property
    def summary(self) -> pd.DataFrame:
        """Coefficient table (logit, ordinal: ``estimate, se, lower, upper, statistic, p``
        with ``statistic`` a Wald z) or the importance table (boosting)."""
        self._check_fitted()
        if getattr(self.engine_, "coefficients", False):
            table = self.engine_.coef_table(self.alpha)
            return table.rename(columns={"coef": "estimate", "z": "statistic"})[SUMMARY_COLUMNS]
        if self.importance_ is None:
            return self.leakage_
        return self.importance_

    @property
    def odds_ratios_(self) -> pd.DataFrame | None:
        """Odds ratios with their interval (logit, ordinal; ``None`` for boosting):
        ``estimate``, ``lower``, ``upper`` per driver column (thresholds left out)."""
        self._check_fitted()
        if not getattr(self.engine_, "coefficients", False):
            return None
        table = self.engine_.coef_table(self.alpha)
        table = table.loc[table["odds_ratio"].notna(),
                          ["odds_ratio", "or_lower", "or_upper", "p"]]
        return table.rename(columns={"odds_ratio": "estimate", "or_lower": "lower",
                                     "or_upper": "upper"})

    def _summary_notes(self) -> list[str]:
        notes = [f"Engine: {self.engine}; outcome: {self.outcome_}"
                 + (f" (loyal = {self.loyal_from_:g} or higher)" if self.loyal_from_ is not None
                    else "")]
        notes += super()._summary_notes()
        notes.append(f"Loyal share (weighted): {self.prevalence_:.3f}"
                     + ("; classes reweighted to balance, probabilities corrected back"
                        if self.class_weight else ""))
        if self.weights_note_:
            notes.append(self.weights_note_)
        if self.metrics_ is not None:
            m = self.metrics_
            level = int(round(100 * (1 - self.alpha)))
            ci = ("" if np.isnan(m.loc["roc_auc", "lower"]) else
                  f" ({level}% CI {m.loc['roc_auc', 'lower']:.3f} to "
                  f"{m.loc['roc_auc', 'upper']:.3f})")
            notes.append(
                f"Held-out ({self.cv}-fold CV): ROC AUC {m.loc['roc_auc', 'estimate']:.3f}{ci}, "
                f"Brier {m.loc['brier', 'estimate']:.3f}, calibration slope "
                f"{m.loc['calibration_slope', 'estimate']:.2f}")
        if self.calibration_:
            notes.append(f"Probabilities calibrated: {self.calibration_}")
        flagged = self.leakage_.index[self.leakage_["leaky"]].tolist()
        if flagged:
            notes.append(f"Possible leakage: {', '.join(flagged)}")
        approx = []
        methods = getattr(self, "_interval_methods", {})
        if methods.get("permutation") == "linear":
            approx.append("permutation importance from the linear expansion of each "
                          "replicate's AUC")
        if methods.get("dominance") == "one-step":
            approx.append("dominance from a one-step expansion of each replicate's fits")
        if approx:
            notes.append("Bootstrap intervals (large sample): " + "; ".join(approx)
                         + " (their differences from refitted or exact replicates shrink "
                         "as n^-1/2, below the Monte Carlo error of the interval ends)")
        return notes

    def plot_importance(self, ax: Any = None, **kwargs: Any) -> Any:
        """Permutation importance and dominance shares with intervals; returns the Axes."""
        from .plots import plot_importance

        self._check_fitted()
        if self.importance_ is None:
            raise InputError("Importance was not computed (importance=False). Refit with "
                             "importance=True.")
        return plot_importance(self.importance_, ax=ax, **kwargs)

    def plot_calibration(self, ax: Any = None, **kwargs: Any) -> Any:
        """Reliability diagram of the out-of-fold predictions; returns the Axes."""
        from .plots import plot_calibration

        self._check_fitted()
        if self.oof_proba_ is None:
            raise InputError("No out-of-fold predictions (cv=None). Refit with cv=5.")
        y = (self.y_ >= self.loyal_from_).astype(float) if self.loyal_from_ is not None \
            else self.y_
        return plot_calibration(y, self.oof_proba_.to_numpy(), self._w, ax=ax, **kwargs)

    def plot_lift(self, ax: Any = None, **kwargs: Any) -> Any:
        """Decile lift of the out-of-fold predictions; returns the Axes."""
        from .plots import plot_lift

        self._check_fitted()
        if self.lift_ is None:
            raise InputError("No out-of-fold predictions (cv=None). Refit with cv=5.")
        return plot_lift(self.lift_, ax=ax, **kwargs)


class _Replay:
    """Permutations drawn up front, handed out again in the order they were drawn (a
    stand-in for the generator inside :func:`permutation_predictions`)."""

    def __init__(self, perms: list[list[list[np.ndarray]]]) -> None:
        self.perms = perms

    def generator(self, fold: int) -> Any:
        return _ReplayGenerator([p for per_driver in self.perms[fold] for p in per_driver])


class _ReplayGenerator:
    def __init__(self, perms: list[np.ndarray]) -> None:
        self._perms = iter(perms)

    def permutation(self, n: int) -> np.ndarray:
        return next(self._perms)
