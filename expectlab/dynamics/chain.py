"""``PromiseChain``: what promises cost, chained through the fitted models.

promise -> expectation (:class:`ExpectationUpdating`), expectation and performance ->
satisfaction (:class:`~expectlab.SatisfactionRegression`), satisfaction (and, if wanted,
expectation) -> loyalty (:class:`~expectlab.LoyaltyModel`). Each customer of the last wave
is moved along the chain; uncertainty comes from a bootstrap over customers that refits
all three models on every resample (all of a customer's waves are drawn together).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, Self, TypedDict

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.base import clone

from .._errors import FragileResultWarning, InputError
from .._resample import check_random_state, progress
from .._results import SUMMARY_COLUMNS, Estimator
from .._validate import as_frame, column_list, numeric_column
from .updating import ExpectationUpdating

if TYPE_CHECKING:  # pragma: no cover
    from ..study import Study

__all__ = ["PromiseChain", "ASSUMPTIONS"]


class _Columns(TypedDict):
    """``PromiseChain.columns_``: the columns a fit used, by role (id and wave None when
    neither given nor declared: ExpectationUpdating then says so)."""

    id: str | None
    wave: str | None
    expectation: str
    experience: str
    satisfaction: str
    loyalty: str
    promise: str
    drivers: list[str]
    loyalty_drivers: list[str]
    weights: str | None


ASSUMPTIONS = (
    "A promise moves expectations only through the estimated effect of the promise driver "
    "in the expectation-updating model; it does not change perceived performance "
    "(no assimilation of performance toward expectations) and does not change who becomes "
    "a customer (Kopalle & Lehmann 2006 model that acquisition side; it is not in these "
    "data).",
    "Every customer of the last wave keeps their own path: the change is added to their "
    "current expectation, experience and satisfaction; the effect is read after the stated "
    "number of waves (or in the long run, when expectations have settled).",
    "Satisfaction responds to expectation and performance as the fitted surface, loyalty "
    "to satisfaction (and expectation when it is a loyalty driver) as the fitted logit: "
    "associations in these data, read as effects.",
    "Expectations are single values; Rust, Inman, Jia & Zahorik (1999) show that the "
    "spread of what customers expect matters too, which this chain does not model.",
    "Expectation and performance are kept inside the answer scale (values beyond it are "
    "set to its end points): the surface is not known outside the data.",
)


def _cumulative(rho: float, k: int) -> float:
    return float(sum(rho**j for j in range(max(k, 0))))


class PromiseChain(Estimator):
    """Chain promise -> expectation -> satisfaction -> loyalty, with a bootstrap.

    Parameters
    ----------
    horizon : int or "long_run"
        Waves after the change at which the effect is read (1: the next wave, when a new
        promise has moved expectations once and a performance change has not yet fed
        back into them) or ``"long_run"`` (expectations settled: promise effect
        beta / (1 - lambda + gamma), performance feedback gamma / (1 - lambda + gamma)).
    shift : float
        Size of the scenario changes in ``summary`` (promise and performance, scale
        points).
    promise_grid : sequence of float, optional
        Promise levels for the loyalty curve and the heat map (default: 41 levels between
        the 2nd and 98th percentile of the observed promise).
    performance_shifts : sequence of float
        Performance changes for the heat map (0 is always added).
    scale : (float, float), "infer" or None
        Answer scale of expectation and experience (as in :class:`ExpectationUpdating`).
    n_boot : int
        Bootstrap replicates (customers resampled with all their waves; all three models
        refitted on each).
    alpha : float
        1 - confidence level.
    random_state : int, Generator or None
        Seed of the bootstrap.
    progress : bool
        Show a progress bar during the bootstrap.

    Attributes
    ----------
    summary : pandas.DataFrame
        Index (scenario, outcome): the change in mean expectation, satisfaction and
        loyalty (probability) for promise +/- ``shift``, performance + ``shift``, both,
        and "under-promise, over-deliver"; plus the loyalty-maximising promise.
        ``estimate`` from the models fitted on all data, ``se`` the bootstrap SD,
        ``lower``/``upper`` percentile intervals, ``statistic`` = estimate / se and ``p``
        its normal two-sided p-value.
    promise_curve_ : pandas.DataFrame
        Per promise level: mean expectation, satisfaction and loyalty with bands.
    heatmap_ : dict of pandas.DataFrame
        ``"loyalty"`` and ``"satisfaction"``: performance change (rows) x promise level
        (columns).
    optimum_ : pandas.Series
        The loyalty-maximising promise level (``estimate``, ``lower``, ``upper``) and
        whether it lies at the edge of the grid (``at_edge``: then the optimum is outside
        the observed range and the estimate is only a bound).
    models_ : dict
        The three models fitted on all data.
    assumptions_ : list of str
    n_obs_, excluded_ :
        Customers of the last wave moved along the chain; the other rows with the reason.

    References
    ----------
    Boulding, W., Kalra, A., Staelin, R., & Zeithaml, V. A. (1993). A dynamic process
    model of service quality. *Journal of Marketing Research*, 30(1), 7-27.

    Kopalle, P. K., & Lehmann, D. R. (2001). Strategic management of expectations: The
    role of disconfirmation sensitivity and perfectionism. *Journal of Marketing
    Research*, 38(3), 386-394.

    Kopalle, P. K., & Lehmann, D. R. (2006). Setting quality expectations when entering a
    market: What should the promise be? *Marketing Science*, 25(1), 8-24.

    Rust, R. T., Inman, J. J., Jia, J., & Zahorik, A. (1999). What you don't know about
    customer-perceived quality: The role of customer expectation distributions.
    *Marketing Science*, 18(1), 77-92.

    Examples
    --------
    >>> from expectlab.simulate.dynamics import simulate_expectation_panel
    >>> sim = simulate_expectation_panel(300, waves=4, random_state=2)
    >>> chain = PromiseChain(scale=(1, 7), n_boot=5, random_state=1, progress=False).fit(
    ...     sim.data, id="customer", wave="wave", expectation="expectation",
    ...     experience="experience", satisfaction="satisfaction", loyalty="loyal",
    ...     promise="promise", loyalty_drivers=["expectation"])
    >>> list(chain.summary.columns)
    ['estimate', 'se', 'lower', 'upper', 'statistic', 'p']
    """

    _summary_title = "Promise chain: promise -> expectation -> satisfaction -> loyalty"
    _tables = ("promise_curve_", "optimum_")

    def __init__(self, horizon: int | Literal["long_run"] = 1, shift: float = 1.0,
                 promise_grid: Sequence[float] | None = None,
                 performance_shifts: Sequence[float] = (-1.0, -0.5, 0.0, 0.5, 1.0),
                 scale: tuple[float, float] | Literal["infer"] | None = None,
                 n_boot: int = 200, alpha: float = 0.05, random_state: Any = None,
                 progress: bool = True) -> None:
        self.horizon = horizon
        self.shift = shift
        self.promise_grid = promise_grid
        self.performance_shifts = performance_shifts
        self.scale = scale
        self.n_boot = n_boot
        self.alpha = alpha
        self.random_state = random_state
        self.progress = progress

    # ------------------------------------------------------------------ checks --
    def _check_params(self) -> None:
        h = self.horizon
        if not (h == "long_run" or (isinstance(h, (int, np.integer)) and h >= 1)):
            raise InputError(f"horizon must be a positive whole number of waves or "
                             f"'long_run', got {h!r}.")
        if not isinstance(self.n_boot, (int, np.integer)) or self.n_boot < 0:
            raise InputError(f"n_boot must be a non-negative integer, got {self.n_boot!r}.")
        if not (isinstance(self.alpha, (float, int)) and 0 < self.alpha < 1):
            raise InputError(f"alpha must lie between 0 and 1, got {self.alpha!r}.")
        if not (isinstance(self.shift, (float, int)) and self.shift > 0):
            raise InputError(f"shift must be a positive number, got {self.shift!r}.")

    def fit(self, data: pd.DataFrame | Study, *, expectation: str, experience: str,
            satisfaction: str, loyalty: str, promise: str, id: str | None = None,
            wave: str | None = None, drivers: str | Sequence[str] | None = None,
            loyalty_drivers: str | Sequence[str] | None = None,
            weights: str | None = None) -> Self:
        """Fit the three models and move the last wave's customers along the chain.

        Parameters
        ----------
        data : pandas.DataFrame or Study
            The panel: one row per customer and wave.
        expectation, experience, satisfaction : str
            Columns (expectation and experience on one scale).
        loyalty : str
            0/1 loyalty column (intention to stay, repurchase).
        promise : str
            The promise driver of expectations (exposure to the provider's promises).
        id, wave : str
            Customer and wave columns (default: the study's).
        drivers : str or list of str, optional
            Further drivers of expectations (held at their observed values).
        loyalty_drivers : str or list of str, optional
            Further drivers of loyalty besides satisfaction. Including the expectation
            column lets higher ("will") expectations raise loyalty directly, as Boulding
            et al. (1993) found; other drivers are held at their observed values.
        weights : str, optional
            Weight column, used by all three models and in the averages.
        """
        self._check_params()
        frame, study = as_frame(data)
        source = "data" if study is None else study.source
        id = id if id is not None else (study.id if study is not None else None)
        wave = wave if wave is not None else (study.wave if study is not None else None)
        if weights is None and study is not None and study.weights is not None:
            weights = study.weights
        if weights is not None and not isinstance(weights, str):
            raise InputError("PromiseChain takes weights as a column name (the bootstrap "
                             "resamples rows together with their weights).")
        others = column_list(drivers, role="drivers")
        if promise in others:
            others = [c for c in others if c != promise]
        l_drivers = [satisfaction, *[c for c in column_list(loyalty_drivers,
                                                             role="loyalty_drivers")
                                     if c != satisfaction]]
        self.columns_: _Columns = {
            "id": id, "wave": wave, "expectation": expectation, "experience": experience,
            "satisfaction": satisfaction, "loyalty": loyalty, "promise": promise,
            "drivers": others, "loyalty_drivers": l_drivers, "weights": weights}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FragileResultWarning)
            models = self._fit_models(frame, study)
        for w in caught:
            if issubclass(w.category, FragileResultWarning):
                warnings.warn(str(w.message), FragileResultWarning, stacklevel=2)
        base, log = self._base(frame, models["updating"], source, log_rows=True)
        grid = self._grid(frame, source)
        perf = np.unique(np.r_[np.asarray(self.performance_shifts, float), 0.0])
        point = self._evaluate(models, base, grid, perf)
        # bootstrap over customers: every replicate refits all three models
        rng = check_random_state(self.random_state)
        ids = frame[id].to_numpy()
        codes, uniq = pd.factorize(ids)
        by_person = pd.Series(np.arange(len(frame))).groupby(codes).apply(np.asarray)
        reps, failed = [], 0
        for _ in progress(range(int(self.n_boot)), enabled=self.progress,
                          desc="Promise chain bootstrap"):
            draw = rng.integers(0, len(uniq), len(uniq))
            pos = np.concatenate([by_person.iloc[k] for k in draw])
            new_id = np.repeat(np.arange(len(draw)),
                               [len(by_person.iloc[k]) for k in draw])
            boot = frame.iloc[pos].reset_index(drop=True)
            boot[id] = new_id
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    m_b = self._fit_models(boot, None, scale=models["updating"].scale_)
                    b_base, _ = self._base(boot, m_b["updating"], source, log_rows=False)
                    reps.append(self._evaluate(m_b, b_base, grid, perf))
            except (InputError, np.linalg.LinAlgError, ValueError):
                failed += 1
        if self.n_boot and failed > 0.05 * self.n_boot:
            warnings.warn(f"{failed} of {self.n_boot} bootstrap replicates could not be "
                          "fitted; the intervals rest on the others.", FragileResultWarning,
                          stacklevel=2)
        self.n_boot_failed_ = failed
        self._assemble(point, reps, grid, perf)
        self.models_ = models
        self.current_promise_ = float(np.average(base["promise"], weights=base["w"]))
        self.horizon_text_ = ("long run" if self.horizon == "long_run" else
                              f"{self.horizon} wave{'s' if self.horizon != 1 else ''} after "
                              "the change")
        self.assumptions_ = list(ASSUMPTIONS)
        self.n_obs_ = int(len(base["E"]))
        self.excluded_ = log.to_frame()
        self._rows_in_ = len(frame)
        self._fitted = True
        return self

    # ------------------------------------------------------------------ pieces --
    def _fit_models(self, frame: pd.DataFrame, study: Any, scale: Any = None
                    ) -> dict[str, Any]:
        from ..loyalty import LoyaltyModel
        from ..satisfaction import SatisfactionRegression

        c = self.columns_
        data = frame if study is None else study
        upd = ExpectationUpdating(scale=self.scale if scale is None else scale,
                                  alpha=self.alpha).fit(
            data, id=c["id"], wave=c["wave"], expectation=c["expectation"],
            experience=c["experience"], drivers=[c["promise"], *c["drivers"]],
            weights=c["weights"])
        sat = clone(SatisfactionRegression(models=["full"], scale=upd.scale_, n_boot=0,
                                           progress=False)).fit(
            frame, satisfaction=c["satisfaction"], expectation=c["expectation"],
            experience=c["experience"], weights=c["weights"])
        loy = LoyaltyModel("logit", cv=None, importance=False, n_boot=0, progress=False
                           ).fit(frame, outcome=c["loyalty"], drivers=c["loyalty_drivers"],
                                 weights=c["weights"])
        return {"updating": upd, "satisfaction": sat, "loyalty": loy}

    def _base(self, frame: pd.DataFrame, upd: ExpectationUpdating, source: str, *,
              log_rows: bool) -> tuple[dict[str, Any], Any]:
        """The customers of the last wave with every value the chain needs."""
        from .._results import ExclusionLog

        c = self.columns_
        log = ExclusionLog()
        last = upd.waves_[-1]
        in_last = (frame[c["wave"]] == last).to_numpy()
        if log_rows:
            log.add_mask(frame, ~in_last, f"not in the last wave ({last!r}): the chain "
                         "starts from the customers' current state")
        needed = list(dict.fromkeys([c["expectation"], c["experience"], c["satisfaction"],
                                     c["promise"], *c["loyalty_drivers"]]))
        vals = {k: numeric_column(frame, k, role="chain input", source=source).to_numpy()
                for k in needed}
        ok = in_last.copy()
        for k in needed:
            miss = ok & np.isnan(vals[k])
            if log_rows:
                log.add_mask(frame, miss, f"missing {k!r} in the last wave")
            ok &= ~miss
        w = (numeric_column(frame, c["weights"], role="weight", source=source).to_numpy()
             if c["weights"] else np.ones(len(frame)))
        bad_w = ok & ~(w > 0)
        if log_rows:
            log.add_mask(frame, bad_w, "missing or zero weight")
        ok &= ~bad_w
        if ok.sum() < 2:
            raise InputError(f"Fewer than 2 customers of the last wave ({last!r}) have every "
                             f"value the chain needs ({needed}).")
        base = {"E": vals[c["expectation"]][ok], "P": vals[c["experience"]][ok],
                "S": vals[c["satisfaction"]][ok], "promise": vals[c["promise"]][ok],
                "w": w[ok], "loyalty_frame": frame.loc[ok, c["loyalty_drivers"]]
                .reset_index(drop=True)}
        return base, log

    def _grid(self, frame: pd.DataFrame, source: str) -> np.ndarray:
        if self.promise_grid is not None:
            grid = np.asarray(self.promise_grid, dtype=float)
            if grid.ndim != 1 or len(grid) < 2 or not np.isfinite(grid).all():
                raise InputError(f"promise_grid must list at least 2 numbers, got "
                                 f"{self.promise_grid!r}.")
            return np.unique(grid)
        x = numeric_column(frame, self.columns_["promise"], role="promise",
                           source=source).to_numpy()
        x = x[np.isfinite(x)]
        lo, hi = np.quantile(x, [0.02, 0.98])
        if not hi > lo:
            raise InputError(f"The promise column {self.columns_['promise']!r} hardly varies "
                             f"({lo:g}); the chain cannot say what another promise would do.")
        return np.linspace(lo, hi, 41)

    def _shift_e(self, upd: ExpectationUpdating, d_promise: np.ndarray, d_perf: np.ndarray
                 ) -> np.ndarray:
        prm = upd.params()
        lam, gam = float(prm["lambda"]), float(prm["gamma"])
        beta = float(prm[self.columns_["promise"]])
        rho = lam - gam
        if self.horizon == "long_run":
            if not abs(rho) < 1:
                return np.full(np.broadcast(d_promise, d_perf).shape, np.nan)
            return (beta * d_promise + gam * d_perf) / (1 - rho)
        h = int(self.horizon)
        return beta * d_promise * _cumulative(rho, h) + gam * d_perf * _cumulative(rho, h - 1)

    def _evaluate(self, models: dict[str, Any], base: dict[str, Any], grid: np.ndarray,
                  perf: np.ndarray) -> dict[str, np.ndarray]:
        """Mean expectation, satisfaction and loyalty over the grid and the scenarios."""
        upd, sat, loy = models["updating"], models["satisfaction"], models["loyalty"]
        c = self.columns_
        n = len(base["E"])
        s = float(self.shift)
        # cells: promise grid x performance shifts (levels), then scenarios (shifts)
        G, F = np.meshgrid(grid, perf)                  # (n_perf, n_grid)
        scen = np.array([[s, 0.0], [-s, 0.0], [0.0, s], [s, s], [-s, s]])
        d_prom = np.concatenate([(G.ravel()[None, :] - base["promise"][:, None]),
                                 np.broadcast_to(scen[:, 0], (n, len(scen)))], axis=1)
        d_perf = np.concatenate([np.broadcast_to(F.ravel(), (n, F.size)),
                                 np.broadcast_to(scen[:, 1], (n, len(scen)))], axis=1)
        lo, hi = upd.scale_
        e0 = base["E"][:, None]
        p0 = base["P"][:, None]
        e1 = np.clip(e0 + self._shift_e(upd, d_prom, d_perf), lo, hi)
        p1 = np.clip(p0 + d_perf, lo, hi)
        k = e1.shape[1]
        e_col, p_col = c["expectation"], c["experience"]
        now = sat.predict(pd.DataFrame({e_col: np.clip(base["E"], lo, hi),
                                        p_col: np.clip(base["P"], lo, hi)})).to_numpy()
        new = sat.predict(pd.DataFrame({e_col: e1.ravel(), p_col: p1.ravel()})
                          ).to_numpy().reshape(n, k)
        s1 = base["S"][:, None] + (new - now[:, None])
        lf = base["loyalty_frame"]
        big = lf.iloc[np.repeat(np.arange(n), k)].reset_index(drop=True)
        big[c["satisfaction"]] = s1.ravel()
        if e_col in big.columns:
            big[e_col] = e1.ravel()
        if p_col in big.columns:
            big[p_col] = p1.ravel()
        loyal = loy.predict_loyal(big).to_numpy().reshape(n, k)
        loyal0 = loy.predict_loyal(lf).to_numpy()
        wn = base["w"] / base["w"].sum()
        means = {"expectation": wn @ e1, "satisfaction": wn @ s1, "loyalty": wn @ loyal}
        base_means = {"expectation": float(wn @ base["E"]), "satisfaction": float(
            wn @ base["S"]), "loyalty": float(wn @ loyal0)}
        ng = G.size
        out = {f"grid_{key}": v[:ng].reshape(G.shape) for key, v in means.items()}
        out.update({f"scen_{key}": v[ng:] - base_means[key] for key, v in means.items()})
        out["beta"] = float(upd.params()[c["promise"]])
        return out

    def _assemble(self, point: dict, reps: list[dict], grid: np.ndarray, perf: np.ndarray
                  ) -> None:
        a = self.alpha
        zero = int(np.nonzero(perf == 0.0)[0][0])

        def stack(key: str) -> np.ndarray | None:
            return np.stack([r[key] for r in reps]) if reps else None

        def interval(est: np.ndarray, boot: np.ndarray | None) -> tuple:
            if boot is None or len(boot) < 2:
                nan = np.full(np.shape(est), np.nan)
                return nan, nan, nan
            se = np.nanstd(boot, axis=0, ddof=1)
            lower = np.nanquantile(boot, a / 2, axis=0)
            upper = np.nanquantile(boot, 1 - a / 2, axis=0)
            return se, lower, upper

        # loyalty curve over the promise grid (performance unchanged)
        curve = {}
        for key in ("expectation", "satisfaction", "loyalty"):
            est = point[f"grid_{key}"][zero]
            boot = stack(f"grid_{key}")
            _, lower, upper = interval(est, None if boot is None else boot[:, zero])
            curve[key], curve[f"{key}_lower"], curve[f"{key}_upper"] = est, lower, upper
        self.promise_curve_ = pd.DataFrame(curve, index=pd.Index(grid, name="promise"))
        self.heatmap_ = {key: pd.DataFrame(point[f"grid_{key}"],
                                           index=pd.Index(perf, name="performance_change"),
                                           columns=pd.Index(grid, name="promise"))
                         for key in ("loyalty", "satisfaction", "expectation")}
        # the loyalty-maximising promise
        best = float(grid[np.argmax(point["grid_loyalty"][zero])])
        boot_best = (np.array([grid[np.argmax(r["grid_loyalty"][zero])] for r in reps])
                     if reps else np.array([]))
        se, lower, upper = interval(np.array(best), boot_best if len(boot_best) else None)
        at_edge = best in (grid[0], grid[-1])
        self.optimum_ = pd.Series({"estimate": best, "se": float(se), "lower": float(lower),
                                   "upper": float(upper), "at_edge": bool(at_edge)},
                                  name="loyalty-maximising promise")
        # scenarios
        s = float(self.shift)
        names = [f"promise +{s:g}", f"promise -{s:g}", f"performance +{s:g}",
                 f"promise and performance +{s:g}",
                 f"under-promise, over-deliver (promise -{s:g}, performance +{s:g})"]
        rows = []
        for key in ("expectation", "satisfaction", "loyalty"):
            est = point[f"scen_{key}"]
            se, lower, upper = interval(est, stack(f"scen_{key}"))
            for j, name in enumerate(names):
                rows.append({"scenario": name, "outcome": f"change in mean {key}",
                             "estimate": est[j], "se": se[j], "lower": lower[j],
                             "upper": upper[j]})
        opt = self.optimum_
        rows.append({"scenario": "loyalty-maximising promise", "outcome": "promise level",
                     "estimate": best, "se": opt["se"], "lower": opt["lower"],
                     "upper": opt["upper"]})
        beta_boot = np.array([r["beta"] for r in reps]) if reps else None
        se_b, lo_b, hi_b = interval(np.array(point["beta"]), beta_boot)
        rows.insert(0, {"scenario": "promise +1", "outcome": "expectation next wave (beta)",
                        "estimate": point["beta"], "se": float(se_b), "lower": float(lo_b),
                        "upper": float(hi_b)})
        table = pd.DataFrame(rows)
        with np.errstate(divide="ignore", invalid="ignore"):
            table["statistic"] = np.where(table["se"] > 1e-12,
                                          table["estimate"] / table["se"], np.nan)
        table["p"] = 2 * stats.norm.sf(np.abs(table["statistic"]))
        opt = table["scenario"] == "loyalty-maximising promise"
        table.loc[opt, ["statistic", "p"]] = np.nan  # a location, not a test of zero
        self.summary_ = table.set_index(["scenario", "outcome"])[SUMMARY_COLUMNS]

    # ------------------------------------------------------------------- results --
    @property
    def summary(self) -> pd.DataFrame:
        """Scenario effects with bootstrap intervals (see the class docstring)."""
        self._check_fitted()
        return self.summary_

    def _summary_notes(self) -> list[str]:
        notes = super()._summary_notes()
        notes.append(f"Effects read {self.horizon_text_}; bootstrap over customers with "
                     f"{self.n_boot} replicates ({self.n_boot_failed_} failed).")
        opt = self.optimum_
        where = (" (at the edge of the promise range: the optimum may lie beyond it)"
                 if opt["at_edge"] else "")
        notes.append(f"Loyalty-maximising promise: {opt['estimate']:.2f} (interval "
                     f"{opt['lower']:.2f} to {opt['upper']:.2f}){where}; current mean "
                     f"promise {self.current_promise_:.2f}.")
        return notes

    def plot_promise_curve(self, ax: Any = None, what: str = "loyalty", **kwargs: Any
                           ) -> Any:
        """Loyalty (or satisfaction, expectation) against the promise level with the
        bootstrap band; returns the Axes."""
        from .plots import plot_promise_curve

        self._check_fitted()
        if what not in ("loyalty", "satisfaction", "expectation"):
            raise InputError(f"what must be 'loyalty', 'satisfaction' or 'expectation', got "
                             f"{what!r}.")
        return plot_promise_curve(self, ax=ax, what=what, **kwargs)

    def plot_heatmap(self, ax: Any = None, what: str = "loyalty", **kwargs: Any) -> Any:
        """Heat map over promise level and performance change; returns the Axes."""
        from .plots import plot_heatmap

        self._check_fitted()
        if what not in ("loyalty", "satisfaction", "expectation"):
            raise InputError(f"what must be 'loyalty', 'satisfaction' or 'expectation', got "
                             f"{what!r}.")
        return plot_heatmap(self, ax=ax, what=what, **kwargs)
