"""Drift of Kano categories across survey waves (Kano's life cycle): :class:`KanoDrift`.

Kano (2001) describes attributes that move indifferent -> attractive -> one-dimensional
-> must-be as customers get used to them. Per attribute this module estimates

* a multinomial logit of category on wave with a likelihood-ratio test of "no drift"
  and fitted share trajectories (and forecasts) with intervals;
* a life-cycle direction: a cumulative logit on I < A < O < M (R and Q set aside and
  counted) whose slope is positive when the attribute matures towards must-be;
* the Better / Worse trajectory with bootstrap intervals (via :class:`KanoAnalysis`);
* with linked respondents: transition matrices between consecutive waves with bootstrap
  intervals, and a sign-flip test of whether individual moves follow the life-cycle order
  more often than they go against it.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Self

import numpy as np
import pandas as pd
from scipy import sparse, stats

from .._errors import FragileResultWarning, InputError
from .._resample import (
    check_random_state,
    iter_bootstrap_weights,
    parallel_map,
    percentile_interval,
    progress,
)
from .._results import Estimator, renamed_argument
from ._inputs import kano_inputs
from ._models import chi2_sf, fit_mnl_time, fit_ordinal_time, saturated_lr
from .analysis import KanoAnalysis, _answer_note_lines, _warn_reverse
from .classify import CATEGORIES

if TYPE_CHECKING:  # pragma: no cover
    from ..study import Study

__all__ = ["KanoDrift", "LIFE_CYCLE"]

#: the life-cycle order used by the direction model and the transition test
LIFE_CYCLE = ("I", "A", "O", "M")
_LC_INDEX = np.array([CATEGORIES.index(c) for c in LIFE_CYCLE])
# stage of each category (A, O, M, I, R, Q) in the life cycle; -1 = set aside
_STAGE = np.array([1, 2, 3, 0, -1, -1])
_BOOT_CHUNK = 100


class KanoDrift(Estimator):
    """How Kano categories move across survey waves, per attribute, with uncertainty.

    Parameters
    ----------
    table, answer_set :
        As in :class:`~expectlab.kano.KanoAnalysis`; either may be a dict wave -> value
        when the questionnaire changed (the drift test is then flagged as confounded).
    time : {"numeric", "categorical"}
        Wave as a number (a linear trend in the log-odds; numeric wave labels are used as
        they are, other labels as 0, 1, 2, ... in sorted order) or as categories (any
        pattern; the LR test is the wave x category independence test).
    alpha : float
        1 - confidence level.
    n_boot : int
        Bootstrap replicates over respondents for Better/Worse and transition intervals;
        ``0`` skips them (the tests and model-based intervals remain).
    n_sim : int
        Parameter draws (from the asymptotic normal) for the share trajectories and
        forecasts.
    min_n : int
        Warn when an attribute has fewer usable answers than this in some wave.
    random_state : int, Generator or None
        Seed of every random step.
    progress : bool
        Show progress bars.
    n_jobs : int or None
        Parallel jobs for the per-attribute model fits.

    Attributes
    ----------
    summary : pandas.DataFrame
        One row per attribute (x segment): ``n_waves``, ``n``; the test of "no drift"
        (``test`` = the time coding, ``statistic`` = likelihood-ratio chi-square, ``df``,
        ``p``, ``drift_significant``); the life-cycle slope on I < A < O < M as
        ``lifecycle_slope`` with ``lifecycle_slope_se``, ``lifecycle_slope_lower``,
        ``lifecycle_slope_upper`` (Wald interval at ``1 - alpha``),
        ``lifecycle_slope_statistic`` (z) and ``lifecycle_slope_p``, and ``direction``;
        ``set_aside_RQ``; first / last Better and Worse; for linked respondents
        ``n_linked``, ``forward``, ``backward``, ``moves_other`` and ``moves_p`` (one-sided
        sign-flip test that moves follow the life cycle); ``confounded``,
        ``converged``. Column names follow one convention: ``<quantity>`` is the
        estimate and ``<quantity>_se`` / ``_lower`` / ``_upper`` / ``_statistic`` /
        ``_p`` its standard error, interval, test statistic and p-value (the names of
        :data:`expectlab._results.SUMMARY_COLUMNS`).
    trajectories_ : pandas.DataFrame
        Observed and fitted category shares per attribute x wave x category, with intervals.
    better_worse_ : pandas.DataFrame
        Better and Worse per attribute x wave with bootstrap intervals.
    transitions_ : pandas.DataFrame
        Linked respondents only: counts and row probabilities with intervals per
        attribute x from-category x to-category.
    analysis_ : KanoAnalysis
        The per-wave Kano analysis the trajectories come from.
    confounded_ : bool
        True when the evaluation table differs between waves or no single label -> code
        mapping explains the answers of every wave (the mappings actually used are
        compared, not the names of the answer sets).
    answer_set_, answer_mappings_, answer_notes_ :
        As in :class:`~expectlab.kano.KanoAnalysis`: the answer set(s) used, the mapping
        per wave and every answer label that matched only after normalisation.
    waves_ : list
        The waves, in order.
    weights_ : str or None
        The weight column used (``"array"`` for weights passed as values).
    n_obs_ : int
        Usable answer pairs (all waves); ``n_obs_ + len(excluded_)`` is the number of
        input rows.
    excluded_ : pandas.DataFrame
        Rows left out (``row``, ``reason``).

    Notes
    -----
    The fitted object keeps the model fits per attribute (parameters and covariances),
    the result tables and the per-wave :class:`KanoAnalysis`, not the input data.

    References
    ----------
    Kano, N. (2001). Life cycle and creation of attractive quality. *4th International
    QMOD Conference*, Linkoping.

    Williams, D. A. (1976). Improved likelihood ratio tests for complete contingency
    tables. *Biometrika* 63(1), 33-37.

    See Also
    --------
    KanoAnalysis : the categories and Better / Worse per wave.
    expectlab.simulate.kano.simulate_kano_panel : panels with known drift.

    Examples
    --------
    >>> import warnings; warnings.simplefilter("ignore")
    >>> from expectlab.simulate.kano import simulate_kano_panel
    >>> sim = simulate_kano_panel(n_respondents=300, n_waves=4,
    ...                           paths={"App": "life cycle"}, random_state=3)
    >>> drift = KanoDrift(n_boot=0, random_state=3, progress=False).fit(
    ...     sim.data, respondent="respondent", attribute="attribute",
    ...     functional="functional", dysfunctional="dysfunctional", wave="wave")
    >>> drift.summary.loc["App", "direction"]
    'maturing'
    """

    _summary_title = "Kano drift across waves"
    _tables = ("trajectories_", "better_worse_", "transitions_")

    def __init__(self, table: Literal["standard", "strict"] | Any = "standard",
                 answer_set: Any = None, time: Literal["numeric", "categorical"] = "numeric",
                 alpha: float = 0.05, n_boot: int = 500,
                 n_sim: int = 1000, min_n: int = 100, random_state: Any = None,
                 progress: bool = True, n_jobs: int | None = None) -> None:
        self.table = table
        self.answer_set = answer_set
        self.time = time
        self.alpha = alpha
        self.n_boot = n_boot
        self.n_sim = n_sim
        self.min_n = min_n
        self.random_state = random_state
        self.progress = progress
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------------------------
    def fit(self, data: pd.DataFrame | Study, *, respondent: str | None = None,
            attribute: str | None = None, functional: str | None = None,
            dysfunctional: str | None = None, wave: str | None = None,
            segment: str | bool | None = None,
            weights: str | Sequence[float] | np.ndarray | pd.Series | None = None,
            importance: str | Mapping[str, str] | None = None,
            weight: str | None = None) -> Self:
        """Estimate drift per attribute (x segment) across the waves in ``wave``.

        Parameters
        ----------
        data : pandas.DataFrame or Study
            Long data (one row per respondent x attribute x wave), or a
            :class:`~expectlab.Study`; a study with Kano pairs in a wide file (one row
            per respondent x wave) needs no column arguments, and its wave and weights
            are used unless given here.
        respondent, attribute, functional, dysfunctional, segment, weights, importance :
            As in :meth:`KanoAnalysis.fit`.
        wave : str
            Column of the survey wave (default: the study's wave); required.
        weight : str, optional
            Old name of ``weights`` (deprecated, warns).

        Returns
        -------
        KanoDrift
            ``self``, fitted.
        """
        weights = renamed_argument("weight", weight, "weights", weights,
                                   owner="KanoDrift.fit")
        inputs = kano_inputs(data, respondent=respondent, attribute=attribute,
                             functional=functional, dysfunctional=dysfunctional, wave=wave,
                             segment=segment, weights=weights, importance=importance,
                             owner="KanoDrift")
        wave, segment = inputs.wave, inputs.segment
        if wave is None:
            raise InputError("KanoDrift needs wave= (the column naming the survey wave), or "
                             "a Study that declares its wave.")
        if self.time not in ("numeric", "categorical"):
            raise InputError(f"time must be 'numeric' or 'categorical', got {self.time!r}.")
        if not isinstance(self.n_sim, int | np.integer) or self.n_sim < 1:
            raise InputError(f"n_sim must be a positive integer, got {self.n_sim!r}.")
        rng = check_random_state(self.random_state)
        seeds = rng.integers(0, 2**31 - 1, size=4)
        # the per-wave analysis is fitted without its warnings: this class words them
        # for drift (_warn below)
        ka = KanoAnalysis(table=self.table, answer_set=self.answer_set, alpha=self.alpha,
                          n_boot=self.n_boot, min_n=self.min_n,
                          random_state=int(seeds[0]), progress=self.progress)
        ka._check_params()
        prep = ka._fit_inputs(inputs)
        frame = prep.frame
        waves = sorted(pd.unique(frame["wave"]))
        if len(waves) < 2:
            raise InputError(
                f"KanoDrift needs at least two waves in column {wave!r}; found "
                f"{len(waves)} ({', '.join(map(repr, waves))}). Use KanoAnalysis for one wave."
            )
        times = self._wave_times(waves)
        self._segment = segment
        unit_keys = ["attribute"] + (["segment"] if segment is not None else [])
        attr_order = list(pd.unique(frame["attribute"]))
        units = frame[unit_keys].drop_duplicates()
        units = units.assign(_o=units["attribute"].map(attr_order.index)).sort_values(
            ["_o", *unit_keys[1:]])[unit_keys]
        unit_list = [tuple(r) for r in units.itertuples(index=False)]

        # wave x category tables on the effective-sample-size scale, one per unit
        unit_index = {key: i for i, key in enumerate(unit_list)}
        u = np.array([unit_index[tuple(r)] for r in
                      frame[unit_keys].drop_duplicates().itertuples(index=False)])
        u_codes = frame[unit_keys].merge(
            frame[unit_keys].drop_duplicates().assign(_u=u), on=unit_keys, how="left")["_u"]
        t_codes = frame["wave"].map({w_: i for i, w_ in enumerate(waves)}).to_numpy(int)
        cell = (u_codes.to_numpy(int) * len(waves) + t_codes) * 6 + frame["cat"].to_numpy(int)
        wt = frame["weight"].to_numpy(dtype=float)
        size = len(unit_list) * len(waves) * 6
        w1 = np.bincount(cell, weights=wt, minlength=size).reshape(len(unit_list),
                                                                   len(waves), 6)
        w2 = np.bincount(cell, weights=wt * wt, minlength=size).reshape(w1.shape).sum(axis=2)
        s1 = w1.sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            n_eff = np.where(s1 > 0, s1**2 / w2, 0.0)
            scaled = np.where(s1[..., None] > 0, w1 / s1[..., None] * n_eff[..., None], 0.0)
        tables = {key: scaled[i] for i, key in enumerate(unit_list)}

        sim_seeds = np.random.default_rng(int(seeds[1])).integers(0, 2**31 - 1,
                                                                  size=len(unit_list))
        results = parallel_map(
            lambda item: _fit_unit(tables[item[0]], times, self.time, self.n_sim,
                                   self.alpha, int(item[1])),
            list(zip(unit_list, sim_seeds, strict=True)), n_jobs=self.n_jobs)
        self._results = dict(zip(unit_list, results, strict=True))
        self._times = times
        self.waves_ = waves
        self.analysis_ = ka
        self.confounded_ = prep.wording_changed
        self.answer_sets_ = dict(prep.answer_sets)
        self.answer_set_ = ka.answer_set_
        self.answer_mappings_ = ka.answer_mappings_
        self.answer_notes_ = ka.answer_notes_
        self.tables_ = dict(prep.tables)
        self.n_obs_ = ka.n_obs_
        self.excluded_ = ka.excluded_
        self.weights_ = ka.weights_
        self.better_worse_ = self._better_worse(ka)
        self.trajectories_ = self._trajectories(unit_list, tables, waves, unit_keys)
        trans, moves = self._transitions(frame, unit_list, unit_keys, waves,
                                         int(seeds[2]), int(seeds[3]))
        self.transitions_ = trans
        self.summary_ = self._build_summary(unit_list, unit_keys, tables, moves)
        self._unit_keys = unit_keys
        self._fitted = True
        self._warn(unit_list, tables)
        return self

    # ------------------------------------------------------------------------------------
    def _wave_times(self, waves: list[Any]) -> np.ndarray:
        try:
            t = np.array([float(w_) for w_ in waves])
            if np.all(np.isfinite(t)):
                return t
        except (TypeError, ValueError):
            pass
        return np.arange(len(waves), dtype=float)

    def _better_worse(self, ka: KanoAnalysis) -> pd.DataFrame:
        cols = ["n", "better", "better_lower", "better_upper", "worse", "worse_lower",
                "worse_upper"]
        return ka.summary_[cols].copy()

    def _trajectories(self, unit_list, tables, waves, unit_keys) -> pd.DataFrame:
        parts = []
        for key in unit_list:
            res = self._results[key]
            tab = tables[key]
            tot = tab.sum(axis=1, keepdims=True)
            with np.errstate(invalid="ignore", divide="ignore"):
                observed = tab / tot
            for ti, w_ in enumerate(waves):
                for k, c in enumerate(CATEGORIES):
                    row = dict(zip(unit_keys, key, strict=True))
                    row.update(wave=w_, category=c, observed=observed[ti, k],
                               fitted=res["fitted"][ti, k], lower=res["lower"][ti, k],
                               upper=res["upper"][ti, k])
                    parts.append(row)
        return pd.DataFrame(parts)

    def _transitions(self, frame, unit_list, unit_keys, waves, boot_seed, flip_seed):
        """Transition counts between consecutive waves for linked respondents."""
        wave_pos = {w_: i for i, w_ in enumerate(waves)}
        f = frame.assign(_t=frame["wave"].map(wave_pos).astype(int))
        nxt = f.assign(_t=f["_t"] - 1)[["respondent", *unit_keys, "_t", "cat"]]
        pairs = f.merge(nxt, on=["respondent", *unit_keys, "_t"], suffixes=("", "_next"))
        empty_moves = {key: dict(n_linked=0, forward=0, backward=0, moves_other=0,
                                 moves_p=np.nan) for key in unit_list}
        if pairs.empty:
            return pd.DataFrame(columns=[*unit_keys, "from", "to", "count", "probability",
                                         "lower", "upper"]), empty_moves
        unit_index = {key: i for i, key in enumerate(unit_list)}
        u = np.array([unit_index[tuple(r)] for r in pairs[unit_keys].itertuples(index=False)])
        a = pairs["cat"].to_numpy().astype(int)
        b = pairs["cat_next"].to_numpy().astype(int)
        wt = pairs["weight"].to_numpy(dtype=float)
        resp_codes, resp_uni = pd.factorize(pairs["respondent"])
        n_units = len(unit_list)
        col = u * 36 + a * 6 + b
        mat = sparse.csr_matrix((wt, (resp_codes, col)), shape=(len(resp_uni), n_units * 36))
        point = np.asarray(mat.sum(axis=0)).reshape(n_units, 6, 6)
        probs = _row_normalise(point)
        lower = upper = np.full_like(probs, np.nan)
        if self.n_boot:
            reps = []
            mat_t = mat.T.tocsr()
            gen = iter_bootstrap_weights(len(resp_uni), self.n_boot, boot_seed,
                                         chunk_size=_BOOT_CHUNK)
            for wts in progress(gen, enabled=self.progress, desc="Transition bootstrap",
                                total=-(-self.n_boot // _BOOT_CHUNK)):
                reps.append(_row_normalise(np.asarray((mat_t @ wts.T).T).reshape(
                    len(wts), n_units, 6, 6)))
            lower, upper = percentile_interval(np.concatenate(reps), self.alpha, axis=0)
        rows = []
        for i, key in enumerate(unit_list):
            for fa in range(6):
                for tb in range(6):
                    row = dict(zip(unit_keys, key, strict=True))
                    row.update({"from": CATEGORIES[fa], "to": CATEGORIES[tb],
                                "count": point[i, fa, tb], "probability": probs[i, fa, tb],
                                "lower": lower[i, fa, tb], "upper": upper[i, fa, tb]})
                    rows.append(row)
        trans = pd.DataFrame(rows)

        # life-cycle test: per respondent, (forward - backward) moves among I < A < O < M;
        # under time-reversal symmetry (no drift) each respondent's score is as likely to
        # be negative as positive, so random sign flips give the null distribution
        sa, sb = _STAGE[a], _STAGE[b]
        staged = (sa >= 0) & (sb >= 0)
        fwd = staged & (sb > sa)
        bwd = staged & (sb < sa)
        other = ~staged & (a != b)
        rng = np.random.default_rng(flip_seed)
        moves = {}
        for i, key in enumerate(unit_list):
            m = u == i
            score = np.bincount(resp_codes[m], weights=(fwd[m].astype(float) - bwd[m]) * wt[m],
                                minlength=len(resp_uni))
            score = score[score != 0]
            obs = score.sum()
            if len(score):
                flips = rng.choice([-1.0, 1.0], size=(1999, len(score)))
                null = flips @ score
                p = (1 + np.sum(null >= obs - 1e-12)) / 2000
            else:
                p = np.nan
            moves[key] = dict(n_linked=int(len(np.unique(resp_codes[m]))),
                              forward=int(fwd[m].sum()), backward=int(bwd[m].sum()),
                              moves_other=int(other[m].sum()), moves_p=float(p))
        return trans, moves

    def _build_summary(self, unit_list, unit_keys, tables, moves) -> pd.DataFrame:
        z = stats.norm.ppf(1 - self.alpha / 2)
        rows = []
        bw = self.better_worse_
        for key in unit_list:
            res = self._results[key]
            tab = tables[key]
            row = dict(zip(unit_keys, key, strict=True))
            row["n_waves"] = int((tab.sum(axis=1) > 0).sum())
            row["n"] = int(self.analysis_.summary_.loc[_bw_rows(bw, key, unit_keys)]["n"].sum())
            row.update(test=self.time, statistic=res["lr"], df=res["df"], p=res["p"])
            row["drift_significant"] = bool(res["p"] < self.alpha) if np.isfinite(res["p"]) \
                else False
            slope, se = res["slope"], res["slope_se"]
            row.update(lifecycle_slope=slope, lifecycle_slope_se=se,
                       lifecycle_slope_lower=slope - z * se,
                       lifecycle_slope_upper=slope + z * se)
            zval = slope / se if se and np.isfinite(se) and se > 0 else np.nan
            row["lifecycle_slope_statistic"] = zval
            row["lifecycle_slope_p"] = 2 * stats.norm.sf(abs(zval)) if np.isfinite(zval) \
                else np.nan
            if np.isfinite(zval) and row["lifecycle_slope_p"] < self.alpha:
                row["direction"] = "maturing" if slope > 0 else "reverting"
            else:
                row["direction"] = "no clear direction"
            row["set_aside_RQ"] = float(tab[:, 4:].sum())
            sub = bw.loc[_bw_rows(bw, key, unit_keys)]
            row.update(better_first=sub["better"].iloc[0], better_last=sub["better"].iloc[-1],
                       worse_first=sub["worse"].iloc[0], worse_last=sub["worse"].iloc[-1])
            row.update(moves[key])
            row["confounded"] = bool(self.confounded_)
            row["converged"] = bool(res["converged"])
            rows.append(row)
        out = pd.DataFrame(rows).set_index(unit_keys)
        return out

    def _warn(self, unit_list, tables) -> None:
        _warn_reverse(self.analysis_.shares_, self.analysis_.summary_["n"], stacklevel=4)
        if self.confounded_:
            warnings.warn(
                "The answer wording or evaluation table differs between waves "
                f"(answer sets {self.answer_sets_}; tables {self.tables_}). The drift tests "
                "are flagged as confounded: apparent drift may come from the questionnaire.",
                FragileResultWarning, stacklevel=3)
        small = [key for key in unit_list
                 if np.any(tables[key].sum(axis=1)[tables[key].sum(axis=1) > 0] < self.min_n)]
        if small:
            warnings.warn(
                f"Fewer than {self.min_n} usable answers in some wave for {len(small)} "
                f"attribute(s), first: {', '.join(' / '.join(k) for k in small[:5])}. "
                "Drift estimates are fragile at this size.", FragileResultWarning,
                stacklevel=3)
        bad = [key for key in unit_list if not self._results[key]["converged"]]
        if bad:
            warnings.warn(
                f"The drift models did not converge cleanly for {len(bad)} attribute(s), "
                f"first: {', '.join(' / '.join(k) for k in bad[:5])} (a category may occur "
                "in only some waves). Read their slopes and intervals with care.",
                FragileResultWarning, stacklevel=3)

    # ------------------------------------------------------------------------------------
    @property
    def summary(self) -> pd.DataFrame:
        """One row per attribute: the "no drift" LR test, the life-cycle slope with CI and
        direction, first/last Better and Worse, life-cycle moves of linked respondents
        and whether the comparison is confounded by a questionnaire change."""
        self._check_fitted()
        return self.summary_

    def _summary_notes(self) -> list[str]:
        notes = super()._summary_notes()
        notes.extend(self.analysis_._input_notes)  # weights used, wide study reshaped
        notes.append(f"Waves: {', '.join(map(str, self.waves_))}; time as {self.time}; "
                     f"intervals: {100 * (1 - self.alpha):g}%")
        if self.confounded_:
            notes.append("Confounded: answer wording or evaluation table changed between waves")
        notes.extend(_answer_note_lines(self.answer_notes_))
        return notes

    def forecast(self, steps: int = 1) -> pd.DataFrame:
        """Category shares for the next ``steps`` waves from the numeric-time model.

        Waves ahead are spaced like the observed waves (median gap). Intervals come from
        parameter draws and describe estimation uncertainty only: they assume the trend
        goes on as before, which a life cycle eventually stops doing.
        """
        self._check_fitted()
        if not isinstance(steps, int | np.integer) or steps < 1:
            raise InputError(f"steps must be a positive integer, got {steps!r}.")
        gap = float(np.median(np.diff(self._times))) if len(self._times) > 1 else 1.0
        future = self._times[-1] + gap * np.arange(1, steps + 1)
        rng = np.random.default_rng(check_random_state(self.random_state).integers(2**31))
        rows = []
        for key, res in self._results.items():
            shares, lo, hi = _shares_with_intervals(res["mnl"], res["present"], future,
                                                    self.n_sim, self.alpha, rng)
            for si, t in enumerate(future):
                for k, c in enumerate(CATEGORIES):
                    row = dict(zip(self._unit_keys, key, strict=True))
                    row.update(step=si + 1, time=t, category=c, share=shares[si, k],
                               lower=lo[si, k], upper=hi[si, k])
                    rows.append(row)
        return pd.DataFrame(rows)

    # plots ------------------------------------------------------------------------------
    def plot_arrows(self, ax: Any = None, **kwargs: Any) -> Any:
        """Better-Worse trajectories as arrows; see
        :func:`expectlab.kano.plots.plot_drift_arrows`."""
        from .plots import plot_drift_arrows

        self._check_fitted()
        return plot_drift_arrows(self.better_worse_, ax=ax, **kwargs)

    def plot_shares(self, attribute: str, ax: Any = None, *, kind: str = "stacked",
                    **kwargs: Any) -> Any:
        """Shares over waves for one attribute: ``kind="stacked"`` observed shares as
        stacked bars, ``kind="lines"`` observed points with the fitted trend and bands;
        see :func:`expectlab.kano.plots.plot_share_trajectory`."""
        from .plots import plot_share_trajectory

        self._check_fitted()
        traj = self.trajectories_
        sub = traj[traj["attribute"] == str(attribute)]
        if sub.empty:
            raise InputError(
                f"Attribute {attribute!r} is not in this fit; available: "
                f"{', '.join(map(repr, pd.unique(traj['attribute'])))}."
            )
        return plot_share_trajectory(sub, ax=ax, kind=kind, title=str(attribute), **kwargs)


def _bw_rows(bw: pd.DataFrame, key: tuple, unit_keys: list[str]) -> np.ndarray:
    mask = np.ones(len(bw), dtype=bool)
    for name, value in zip(unit_keys, key, strict=True):
        mask &= bw.index.get_level_values(name).astype(str) == str(value)
    return mask


def _row_normalise(counts: np.ndarray) -> np.ndarray:
    tot = counts.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(tot > 0, counts / tot, np.nan)


def _shares_with_intervals(mnl, present, t, n_sim, alpha, rng):
    """Fitted shares (6 categories) at times t, with parameter-draw percentile intervals."""
    point = np.zeros((len(t), 6))
    lo = np.full((len(t), 6), np.nan)
    hi = np.full((len(t), 6), np.nan)
    if mnl is None:
        return np.full((len(t), 6), np.nan), lo, hi
    point[:, present] = mnl.shares(t)
    if np.all(np.isfinite(mnl.cov)):
        try:
            draws = rng.multivariate_normal(mnl.params.ravel(), mnl.cov, size=n_sim,
                                            method="eigh")
        except (np.linalg.LinAlgError, ValueError):
            return point, lo, hi
        sims = mnl.shares(t, draws.reshape(n_sim, *mnl.params.shape))
        full = np.zeros((n_sim, len(t), 6))
        full[..., present] = sims
        # draws are finite, so the plain quantile (much faster than nanquantile) is exact
        lo, hi = np.quantile(full, [alpha / 2, 1 - alpha / 2], axis=0)
    return point, lo, hi


def _fit_unit(tab: np.ndarray, times: np.ndarray, time_kind: str, n_sim: int, alpha: float,
              seed: int) -> dict:
    """All model fits for one attribute's wave x category table."""
    rng = np.random.default_rng(seed)
    has = tab.sum(axis=1) > 0
    tab_w, t_w = tab[has], times[has]
    present = np.flatnonzero(tab_w.sum(axis=0) > 0)
    out: dict[str, Any] = {"present": present}
    mnl = None
    converged = True
    if len(present) >= 2 and len(t_w) >= 2:
        mnl = fit_mnl_time(tab_w[:, present], t_w)
        converged &= mnl.converged
    if time_kind == "numeric":
        if mnl is not None:
            lr = max(2 * (mnl.loglik - mnl.loglik_null), 0.0)
            df = len(present) - 1
        else:
            lr, df = 0.0, 0
    else:
        lr, df = saturated_lr(tab_w)
    out.update(lr=lr, df=df, p=chi2_sf(lr, df), mnl=mnl)
    fitted, lo, hi = _shares_with_intervals(mnl, present, times, n_sim, alpha, rng)
    out.update(fitted=fitted, lower=lo, upper=hi)
    ordinal = fit_ordinal_time(tab_w[:, _LC_INDEX], t_w)
    converged &= ordinal.converged
    out.update(slope=ordinal.slope, slope_se=ordinal.se, converged=converged)
    return out
