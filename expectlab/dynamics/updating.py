"""``ExpectationUpdating``: how customers' expectations move from wave to wave.

Adaptive expectations (Boulding, Kalra, Staelin & Zeithaml 1993): this wave's
expectation keeps part of last wave's (lambda), takes in part of the gap between last
wave's experience and expectation (gamma), and responds to what the customer heard since
(promises, word of mouth, ...). Persons differ in their level (a person effect a_i), which
makes the naive fixed-effects regression biased on short panels (Nickell 1981); the
model is estimated by first-difference GMM with lagged levels as instruments (Arellano &
Bond 1991). The numeric core is :mod:`expectlab.dynamics._gmm`; the panel checks are in
:mod:`expectlab.dynamics._panel`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Self, TypedDict

import numpy as np
import pandas as pd
from scipy import stats

from .._errors import FragileResultWarning, InputError
from .._results import SUMMARY_COLUMNS, Estimator
from .._validate import as_frame, column_list
from . import _gmm
from ._attrition import attrition_table
from ._panel import build_panel, resolve_common_scale

if TYPE_CHECKING:  # pragma: no cover
    from ..satisfaction import SatisfactionRegression
    from ..study import Study

__all__ = ["ExpectationUpdating"]


class _Columns(TypedDict):
    """``ExpectationUpdating.columns_``: the columns a fit used, by role."""

    id: str
    wave: str
    expectation: list[str]
    experience: str
    satisfaction: str | None
    drivers: list[str]


def _table(est: np.ndarray, cov: np.ndarray, names: list[str], alpha: float) -> pd.DataFrame:
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    z = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = est / se
    return pd.DataFrame({"estimate": est, "se": se, "lower": est - z * se,
                         "upper": est + z * se, "statistic": stat,
                         "p": 2 * stats.norm.sf(np.abs(stat))},
                        index=pd.Index(names, name="term"))[SUMMARY_COLUMNS]


class ExpectationUpdating(Estimator):
    """How expectations update over the waves of a customer panel.

    The model (Boulding et al. 1993, adaptive expectations), for customer i in wave t::

        E[i,t] = a_i + delta_t + lambda E[i,t-1] + gamma (P[i,t-1] - E[i,t-1])
                 + beta' X[i,t] + e[i,t]

    ``lambda`` is how much of last wave's expectation carries over, ``gamma`` how much of
    last wave's gap between experience and expectation enters the new expectation,
    ``beta`` the effects of what the customer was exposed to since (promises,
    advertising, word of mouth, competitor experience, personal need), ``a_i`` a person
    effect and ``delta_t`` common wave shocks. The coefficient of E[t-1] holding P[t-1]
    fixed is ``lambda - gamma``.

    Estimator: one-step first-difference GMM (Arellano & Bond 1991). First differences
    remove ``a_i``; the differenced lags are instrumented by the levels of expectation and
    experience two and more waves back; drivers are taken as strictly exogenous (they
    instrument themselves). Standard errors are robust to heteroskedasticity and any
    correlation within a person (clustered by person). The two-step estimator with
    Windmeijer's (2005) correction is not implemented: the one-step robust estimator is
    consistent and its intervals are tested by simulation (coverage close to 95% with 500
    customers and 4 waves). The naive within (fixed-effects) estimator is shown next to
    it in ``naive_``: on short panels it is biased down (Nickell 1981).

    Valid when the shocks ``e`` are not serially correlated (``tests_`` shows the
    Arellano-Bond test of second-order correlation when there are at least 5 waves),
    expectation and experience are measured without wave-specific error, and who leaves
    the panel does not depend on the current shock (attrition that depends on
    satisfaction biases the estimates a little; see the notebook).

    Parameters
    ----------
    scale : (float, float), "infer", dict or None
        Answer scale of expectation and experience, which must be the same (the gap
        P - E compares them point for point). ``None`` takes the study's codebook; a
        dict gives one scale per column (an error when they differ).
    alpha : float
        1 - confidence level.

    Attributes
    ----------
    summary : pandas.DataFrame
        Index (equation, term): ``lambda``, ``gamma``, the drivers and the wave effects
        (change from the previous wave), with ``estimate, se, lower, upper, statistic
        (z), p``.
    naive_ : pandas.DataFrame
        The within estimator of the same equations (same columns), biased on short panels.
    bias_ : pandas.DataFrame
        GMM versus naive estimate of lambda, gamma and the drivers.
    long_run_ : pandas.DataFrame
        Derived quantities with delta-method intervals: ``carry_over`` = lambda - gamma,
        ``long_run_experience`` = gamma / (1 - lambda + gamma) (how far expectations
        eventually move per point of lasting performance change) and
        ``long_run_<driver>`` = beta / (1 - lambda + gamma).
    attrition_ : pandas.DataFrame
        Per wave: customers answering, how many left after that wave (never answered
        again), the share, and (with ``satisfaction``) the last satisfaction of leavers
        and of stayers with the difference and its interval.
    tests_ : pandas.DataFrame
        Arellano-Bond tests of first- and second-order autocorrelation of the differenced
        residuals (second order needs 5 waves), and the instrument count.
    waves_ : list
        Wave labels in the order used.
    n_obs_ : int
        Customer-waves explained (rows used as the dependent observation).
    excluded_ : pandas.DataFrame
        Every other input row with the reason (lag-only waves, missing lags, missing
        values, missing weights).
    scale_ : tuple of float

    References
    ----------
    Boulding, W., Kalra, A., Staelin, R., & Zeithaml, V. A. (1993). A dynamic process
    model of service quality: From expectations to behavioral intentions. *Journal of
    Marketing Research*, 30(1), 7-27.

    Arellano, M., & Bond, S. (1991). Some tests of specification for panel data: Monte
    Carlo evidence and an application to employment equations. *Review of Economic
    Studies*, 58(2), 277-297.

    Nickell, S. (1981). Biases in dynamic models with fixed effects. *Econometrica*,
    49(6), 1417-1426.

    Examples
    --------
    >>> from expectlab.simulate.dynamics import simulate_expectation_panel
    >>> sim = simulate_expectation_panel(400, waves=4, random_state=3)
    >>> model = ExpectationUpdating(scale=(1, 7)).fit(
    ...     sim.data, id="customer", wave="wave", expectation="expectation",
    ...     experience="experience", drivers=["promise", "word_of_mouth"])
    >>> list(model.summary.columns)
    ['estimate', 'se', 'lower', 'upper', 'statistic', 'p']
    >>> bool(model.naive_.loc[("expectation", "lambda"), "estimate"]
    ...      < model.summary.loc[("expectation", "lambda"), "estimate"])
    True
    """

    _summary_title = "Expectation updating (first-difference GMM, one-step, robust SEs)"
    _tables = ("naive_", "bias_", "long_run_", "attrition_", "tests_")

    def __init__(self, scale: tuple[float, float] | Literal["infer"] | Mapping | None = None,
                 alpha: float = 0.05) -> None:
        self.scale = scale
        self.alpha = alpha

    # ------------------------------------------------------------------------- fit --
    def fit(self, data: pd.DataFrame | Study, *, expectation: str | Sequence[str],
            experience: str, id: str | None = None, wave: str | None = None,
            satisfaction: str | None = None, drivers: str | Sequence[str] | None = None,
            weights: str | Sequence[float] | np.ndarray | pd.Series | None = None) -> Self:
        """Estimate how expectations update.

        Parameters
        ----------
        data : pandas.DataFrame or Study
            One row per customer and wave. A Study supplies ``id``, ``wave``, the weights
            and the declared scales.
        expectation : str or list of str
            The expectation column; two columns (e.g. "will" and "should" expectations)
            give two equations, each with its own lambda and gamma.
        experience : str
            Perceived performance in the wave (on the expectation's scale).
        id, wave : str
            Customer id and wave columns (default: the study's).
        satisfaction : str, optional
            Satisfaction column, used for the attrition table and kept for forecasts.
        drivers : str or list of str, optional
            Numeric drivers of the new expectation measured in the same wave (exposure to
            promises, word of mouth heard, competitor experience, personal need).
        weights : str or array, optional
            Survey weights; a customer's weight is the mean over their waves.

        Returns
        -------
        ExpectationUpdating
            ``self``, fitted.
        """
        if not (isinstance(self.alpha, (float, int)) and 0 < self.alpha < 1):
            raise InputError(f"alpha must lie between 0 and 1, got {self.alpha!r}.")
        frame, study = as_frame(data)
        source = "data" if study is None else study.source
        id = id if id is not None else (study.id if study is not None else None)
        wave = wave if wave is not None else (study.wave if study is not None else None)
        if id is None or wave is None:
            role = "id" if id is None else "wave"
            raise InputError(f"{role}= is required: name the customer {role} column "
                             "(or declare it in the study's codebook).")
        if weights is None and study is not None and study.weights is not None:
            weights = study.weights
        e_cols = column_list(expectation, role="expectation")
        if not e_cols:
            raise InputError("expectation= is required: name the expectation column(s).")
        if not isinstance(experience, str):
            raise InputError(f"experience= must be one column name, got {experience!r}.")
        x_cols = column_list(drivers, role="drivers")
        overlap = sorted(set(x_cols) & {*e_cols, experience, id, wave})
        if overlap:
            raise InputError(f"drivers= must not repeat the expectation, experience, id or "
                             f"wave columns: {overlap}.")
        numeric = {"expectation": e_cols, "experience": [experience], "driver": x_cols}
        if satisfaction is not None:
            numeric["satisfaction"] = [satisfaction]
        panel = build_panel(frame, id=id, wave=wave, numeric=numeric, weights=weights,
                            source=source)
        scale, inferred = resolve_common_scale(
            self.scale, frame, {"expectation": e_cols, "experience": [experience]},
            study=study, source=source)

        E = {c: panel.values[c] for c in e_cols}
        P = panel.values[experience]
        N, T = P.shape
        X = (np.stack([panel.values[c] for c in x_cols], axis=2) if x_cols
             else np.zeros((N, T, 0)))
        masks = [_gmm.equation_mask(E[c], P, X) for c in e_cols]
        mask = np.logical_and.reduce(masks)
        self._log_exclusions(panel, E, P, X, mask, e_cols, experience, x_cols)
        n_eq = int(mask.sum())
        k = 2 + len(x_cols) + (T - 2)
        if n_eq <= k:
            raise InputError(
                f"Only {n_eq} customer-waves can be explained in differences (a customer "
                f"needs three consecutive waves answered) for {k} parameters. Reasons rows "
                f"were left out: {panel.log.counts().to_dict()}.")
        level = np.logical_and.reduce([_gmm.level_mask(E[c], P, X) for c in e_cols])
        tables, naive, fits = [], [], {}
        for c in e_cols:
            fit = _gmm.fd_gmm(E[c], P, X, panel.weights, mask, x_cols, panel.waves)
            fits[c] = fit
            tables.append(_table(fit.params, fit.cov, fit.names, self.alpha))
            b, cov, names, _ = _gmm.within(E[c], P, X, panel.weights, level, x_cols,
                                           panel.waves)
            naive.append(_table(b, cov, names, self.alpha))
        self.summary_ = pd.concat(tables, keys=e_cols, names=["equation", "term"])
        self.naive_ = pd.concat(naive, keys=e_cols, names=["equation", "term"])
        core = ["lambda", "gamma", *x_cols]
        bias = []
        for c in e_cols:
            g = self.summary_.loc[c].loc[core, "estimate"]
            nv = self.naive_.loc[c].loc[core, "estimate"]
            bias.append(pd.DataFrame({"gmm": g, "naive_within": nv, "difference": nv - g}))
        self.bias_ = pd.concat(bias, keys=e_cols, names=["equation", "term"])
        self.long_run_ = pd.concat([self._long_run(fits[c], x_cols) for c in e_cols],
                                   keys=e_cols, names=["equation", "quantity"])
        self.tests_ = pd.concat([self._tests(fits[c]) for c in e_cols], keys=e_cols,
                                names=["equation", "test"])
        S = panel.values.get(satisfaction) if satisfaction is not None else None
        self.attrition_ = attrition_table(panel.present, panel.waves, S, panel.weights,
                                          alpha=self.alpha)
        self._warn(fits, panel, n_eq)
        # what forecasts need: the last wave of every customer (arrays, not the frame)
        self._keep_for_forecast(panel, E, P, X, S, fits, level, e_cols, x_cols)
        self.columns_: _Columns = {"id": id, "wave": wave, "expectation": e_cols,
                                   "experience": experience, "satisfaction": satisfaction,
                                   "drivers": x_cols}
        self.waves_ = list(panel.waves)
        self.scale_ = scale
        self.scale_inferred_ = inferred
        self.weights_ = (None if weights is None else weights if isinstance(weights, str)
                         else "array")
        self.n_persons_ = int(mask.any(axis=1).sum())
        self.n_obs_ = n_eq
        self.excluded_ = panel.log.to_frame()
        self._rows_in_ = panel.n_rows_in
        self._notes = list(panel.notes)
        if inferred:
            self._notes.append(f"Scale inferred from the data: {scale[0]:g}-{scale[1]:g}.")
        self._fitted = True
        return self

    # ------------------------------------------------------------------ pieces --
    @staticmethod
    def _log_exclusions(panel, E, P, X, mask, e_cols, experience, x_cols) -> None:
        """Give every usable row that is not explained in differences its reason."""
        N, T = P.shape
        present = panel.present
        own_ok = np.logical_and.reduce([np.isfinite(E[c]) for c in e_cols])
        if X.shape[2]:
            own_ok &= np.isfinite(X).all(axis=2)
        first_two = np.zeros((N, T), dtype=bool)
        first_two[:, :2] = True
        prev_ok = np.zeros((N, T), dtype=bool)
        prev_ok[:, 2:] = present[:, 1:-1] & present[:, :-2]
        labels = ", ".join(map(str, panel.waves[:2]))
        vars_text = ", ".join([*e_cols, experience, *x_cols])
        rest = present & ~mask
        reasons = [
            (first_two, f"first two waves ({labels}): used as lags and instruments only"),
            (~own_ok, f"missing value in this wave ({vars_text})"),
            (~prev_ok, "no lags: one of this customer's two previous waves not answered"),
            (np.ones((N, T), dtype=bool),
             f"missing value in one of the two previous waves ({vars_text})"),
        ]
        for cond, reason in reasons:
            hit = rest & cond
            if hit.any():
                panel.log.add(list(panel.rows[hit]), reason)
            rest &= ~cond

    def _long_run(self, fit: _gmm.GMMFit, x_cols: list[str]) -> pd.DataFrame:
        b, V = fit.params, fit.cov
        lam, gam = b[0], b[1]
        denom = 1 - lam + gam
        rows, grads = [], []
        rows.append(("carry_over", lam - gam))
        g = np.zeros_like(b)
        g[0], g[1] = 1, -1
        grads.append(g)
        rows.append(("long_run_experience", gam / denom))
        g = np.zeros_like(b)
        g[0] = gam / denom**2
        g[1] = (1 - lam) / denom**2
        grads.append(g)
        for j, c in enumerate(x_cols):
            beta = b[2 + j]
            rows.append((f"long_run_{c}", beta / denom))
            g = np.zeros_like(b)
            g[0] = beta / denom**2
            g[1] = -beta / denom**2
            g[2 + j] = 1 / denom
            grads.append(g)
        G = np.vstack(grads)
        est = np.array([r[1] for r in rows])
        return _table(est, G @ V @ G.T, [r[0] for r in rows], self.alpha)

    @staticmethod
    def _tests(fit: _gmm.GMMFit) -> pd.DataFrame:
        rows = {}
        for k in (1, 2):
            z, p = fit.ar.get(k, (np.nan, np.nan))
            rows[f"AR({k}) in differences"] = {"statistic": z, "p": p}
        rows["instruments"] = {"statistic": float(fit.n_instruments), "p": np.nan}
        return pd.DataFrame.from_dict(rows, orient="index")

    def _warn(self, fits: dict, panel, n_eq: int) -> None:
        persons = int(next(iter(fits.values())).n_persons)
        if persons < 100:
            warnings.warn(f"Only {persons} customers with three consecutive waves: GMM "
                          "estimates of dynamic panels are imprecise and biased toward the "
                          "naive estimate in samples this small.", FragileResultWarning,
                          stacklevel=3)
        for c, fit in fits.items():
            if fit.n_instruments > persons:
                warnings.warn(f"{c}: {fit.n_instruments} instruments for {persons} "
                              "customers: too many instruments overfit the endogenous "
                              "lags and bias GMM toward the naive estimate.",
                              FragileResultWarning, stacklevel=3)
            z, p = fit.ar.get(2, (np.nan, np.nan))
            if np.isfinite(p) and p < self.alpha:
                warnings.warn(f"{c}: the differenced residuals show second-order "
                              f"autocorrelation (z = {z:.2f}, p = {p:.3g}): the shocks are "
                              "serially correlated and the lagged-level instruments are "
                              "not valid; treat the estimates with caution.",
                              FragileResultWarning, stacklevel=3)

    def _keep_for_forecast(self, panel, E, P, X, S, fits, level, e_cols, x_cols) -> None:
        N, T = P.shape
        last = T - 1
        self._ids = panel.ids
        self._present_last = panel.present[:, last]
        self._last = {"experience": P[:, last],
                      "drivers": X[:, last, :] if X.shape[2] else np.zeros((N, 0)),
                      "satisfaction": None if S is None else S[:, last],
                      "weights": panel.weights}
        self._person = {}
        self._state = {}
        for c in e_cols:
            fit = fits[c]
            b = fit.params
            lam, gam = b[0], b[1]
            beta = b[2:2 + len(x_cols)]
            # level time effects: delta_1 = 0 (absorbed into a_i), then cumulated changes
            delta = np.zeros(T)
            changes = dict(zip(fit.names, b, strict=True))
            for t in range(2, T):
                delta[t] = delta[t - 1] + changes.get(
                    f"wave {panel.waves[t]!s} (change)", 0.0)
            Ec = E[c]
            D = P - Ec
            r = np.full((N, T), np.nan)
            r[:, 1:] = (Ec[:, 1:] - lam * Ec[:, :-1] - gam * D[:, :-1]
                        - (X[:, 1:, :] @ beta if len(x_cols) else 0.0) - delta[1:])
            r[~level] = np.nan
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                a = np.nanmean(r, axis=1)
            self._person[c] = a
            self._state[c] = {"lam": lam, "gam": gam, "beta": beta, "delta_last": delta[last],
                              "E_last": Ec[:, last]}

    # ------------------------------------------------------------------- results --
    @property
    def summary(self) -> pd.DataFrame:
        """GMM estimates per equation and term (``estimate, se, lower, upper, statistic,
        p``; the statistic is a z)."""
        self._check_fitted()
        return self.summary_

    def _summary_notes(self) -> list[str]:
        notes = super()._summary_notes()
        notes.append(f"Customers: {self.n_persons_} with three consecutive waves; waves: "
                     f"{', '.join(map(str, self.waves_))}")
        for c in self.columns_["expectation"]:
            z, p = self.tests_.loc[(c, "AR(2) in differences"), ["statistic", "p"]]
            if np.isfinite(p):
                notes.append(f"{c}: AR(2) test z = {z:.2f}, p = {p:.3f}")
        return notes + self._notes

    def params(self, equation: str | None = None) -> pd.Series:
        """Point estimates of one equation (the first by default)."""
        self._check_fitted()
        equation = self._equation(equation)
        return self.summary_.loc[equation, "estimate"]

    def _equation(self, equation: str | None) -> str:
        cols = self.columns_["expectation"]
        if equation is None:
            return cols[0]
        if equation not in cols:
            raise InputError(f"equation must be one of {cols}, got {equation!r}.")
        return equation

    def forecast(self, *, drivers: Mapping[str, float] | None = None,
                 driver_shift: Mapping[str, float] | None = None,
                 experience_shift: float = 0.0,
                 satisfaction_model: SatisfactionRegression | None = None,
                 model: str = "full") -> pd.DataFrame:
        """Each customer's expectation in the next wave (and the satisfaction it implies).

        Customers who answered the last wave are forecast:
        ``a_i + delta_T + lambda E[T] + gamma (P[T] - E[T]) + beta' X[T+1]`` where the
        person effect ``a_i`` is estimated from the customer's own waves and the common
        wave effect is held at the last wave's. Next wave's drivers default to the
        customer's last values.

        Parameters
        ----------
        drivers : dict, optional
            Driver -> value set for every customer next wave (e.g. ``{"promise": 6}``).
        driver_shift : dict, optional
            Driver -> amount added to each customer's last value.
        experience_shift : float
            Change of next wave's experience (for the implied satisfaction only: next
            wave's expectation depends on this wave's experience, which is known).
        satisfaction_model : SatisfactionRegression, optional
            A fitted satisfaction model with one expectation and one experience column on
            the same scale; adds ``satisfaction_now`` (the model at this wave's
            expectation and experience), ``satisfaction_forecast`` (at the forecast
            expectation and next wave's experience, both clipped to the scale) and
            ``satisfaction_change`` (the difference).
        model : str
            Which model of ``satisfaction_model`` to use.

        Returns
        -------
        pandas.DataFrame
            One row per customer of the last wave (index: customer id): the last
            expectation(s), their forecasts, ``experience`` (this wave's),
            ``experience_next`` (as assumed) and the implied satisfaction.
        """
        self._check_fitted()
        x_cols = self.columns_["drivers"]
        X = self._last["drivers"].copy()
        for arg, what in ((drivers, "drivers"), (driver_shift, "driver_shift")):
            for name, value in (arg or {}).items():
                if name not in x_cols:
                    raise InputError(f"{what} names {name!r}, which is not a driver of this "
                                     f"model ({x_cols}).")
                try:
                    v = float(value)
                except (TypeError, ValueError):
                    raise InputError(f"{what}[{name!r}] must be a number, got "
                                     f"{value!r}.") from None
                j = x_cols.index(name)
                X[:, j] = v if what == "drivers" else X[:, j] + v
        rows = self._present_last
        out = {}
        P = self._last["experience"]
        for c in self.columns_["expectation"]:
            st = self._state[c]
            e_last = st["E_last"]
            fc = (self._person[c] + st["delta_last"] + st["lam"] * e_last
                  + st["gam"] * (P - e_last) + (X @ st["beta"] if x_cols else 0.0))
            out[c] = e_last
            out[f"{c}_forecast"] = fc
        frame = pd.DataFrame(out, index=pd.Index(self._ids, name=self.columns_["id"]))
        frame["experience"] = P
        frame["experience_next"] = P + float(experience_shift)
        frame = frame.loc[rows]
        frame = frame.dropna(subset=[f"{c}_forecast" for c in self.columns_["expectation"]])
        if satisfaction_model is not None:
            frame = self._implied_satisfaction(frame, satisfaction_model, model)
        return frame

    def _implied_satisfaction(self, frame: pd.DataFrame, sat: Any, model: str
                              ) -> pd.DataFrame:
        from ..satisfaction import SatisfactionRegression

        if not isinstance(sat, SatisfactionRegression):
            raise InputError("satisfaction_model must be a fitted SatisfactionRegression, "
                             f"got {type(sat).__name__}.")
        sat._check_fitted()
        cols = sat.columns_
        if cols["controls"]:
            raise InputError("satisfaction_model has controls; forecasts need a model of "
                             "satisfaction on expectation and experience only.")
        if tuple(sat.scale_) != tuple(self.scale_):
            raise InputError(f"satisfaction_model was fitted on the scale "
                             f"{sat.scale_[0]:g}-{sat.scale_[1]:g} but the expectations are "
                             f"on {self.scale_[0]:g}-{self.scale_[1]:g}.")
        e_name = self.columns_["expectation"][0]
        lo, hi = self.scale_
        e_col, p_col = cols["expectation"], cols["experience"]
        if not (isinstance(e_col, str) and isinstance(p_col, str)):
            raise InputError("satisfaction_model was fitted from items; fit it on the "
                             "expectation and experience score columns.")
        now = pd.DataFrame({e_col: np.clip(frame[e_name], lo, hi),
                            p_col: np.clip(frame["experience"], lo, hi)}, index=frame.index)
        nxt = pd.DataFrame({e_col: np.clip(frame[f"{e_name}_forecast"], lo, hi),
                            p_col: np.clip(frame["experience_next"], lo, hi)},
                           index=frame.index)
        frame = frame.copy()
        frame["satisfaction_now"] = sat.predict(now, model=model).to_numpy()
        frame["satisfaction_forecast"] = sat.predict(nxt, model=model).to_numpy()
        frame["satisfaction_change"] = (frame["satisfaction_forecast"]
                                        - frame["satisfaction_now"])
        return frame

    # ---------------------------------------------------------------------- plots --
    def plot_bias(self, ax: Any = None, **kwargs: Any) -> Any:
        """GMM versus the naive within estimate of each coefficient, with intervals."""
        from .plots import plot_bias

        self._check_fitted()
        return plot_bias(self, ax=ax, **kwargs)

    def plot_attrition(self, ax: Any = None, **kwargs: Any) -> Any:
        """Customers answering per wave and the last satisfaction of leavers vs stayers."""
        from .plots import plot_attrition

        self._check_fitted()
        return plot_attrition(self.attrition_, ax=ax, **kwargs)
