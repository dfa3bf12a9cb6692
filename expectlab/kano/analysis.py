"""Per-attribute Kano analysis with bootstrap uncertainty: :class:`KanoAnalysis`."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Self

import numpy as np
import pandas as pd

from .._errors import FragileResultWarning, InputError
from .._resample import check_random_state, percentile_interval, progress
from .._results import Estimator, renamed_argument
from ._counts import (
    DSUM,
    FSUM,
    ISUM,
    IW,
    N_STATS,
    TOT,
    CountTable,
    bootstrap_table,
    count_table,
    table_statistics,
)
from ._data import Prepared, prepare
from ._distributed import distributed_inputs, is_distributed, prepare_distributed
from ._inputs import KanoInputs, kano_inputs
from .classify import CATEGORIES
from .statistics import aom_category, better_worse, category_strength, fong_test, modal_category

if TYPE_CHECKING:  # pragma: no cover
    from ..study import Study

__all__ = ["KanoAnalysis", "group_statistics"]

_N_STATS = N_STATS
_FSUM, _DSUM, _ISUM, _IW, _TOT = FSUM, DSUM, ISUM, IW, TOT


def group_statistics(stats: np.ndarray) -> dict[str, np.ndarray]:
    """Better, Worse and the score means from sufficient statistics ``(..., G, 11)``."""
    counts = stats[..., :6]
    better, worse = better_worse(counts)
    tot = stats[..., _TOT]
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "better": better,
            "worse": worse,
            "functional_mean": stats[..., _FSUM] / tot,
            "dysfunctional_mean": stats[..., _DSUM] / tot,
            "importance": stats[..., _ISUM] / stats[..., _IW],
        }


class KanoAnalysis(Estimator):
    """Kano classification per attribute (and wave / segment) with uncertainty.

    For each attribute: counts and shares of the six categories, the modal category with
    the M > O > A > I rule for near ties, the (A+O+M) vs (I+R+Q) rule, category and total
    strength, Fong's test, Better / Worse (Berger et al. 1993), the continuous functional
    and dysfunctional means (scores 4, 2, 0, -1, -2 and -2, -1, 0, 2, 4; DuMouchel), mean
    self-stated importance, and for every estimate a percentile interval from a bootstrap
    over respondents, plus the bootstrap probability that each category is the modal one.

    Parameters
    ----------
    table : {"standard", "strict"}, 5 x 5 letters, or dict wave -> table
        Evaluation table.
    answer_set : None, str, dict label -> code, or dict wave -> set
        Answer wording; ``None`` detects it (per wave) from the labels. Codes 1-5 need none.
    alpha : float
        1 - confidence level of the intervals.
    n_boot : int
        Bootstrap replicates (respondents resampled with all their answers). ``0`` skips
        the intervals.
    tie_rule : {"fong", "exact"} or float
        Which counts count as a near tie of the largest one (see
        :func:`expectlab.kano.statistics.modal_category`).
    fong_z : float
        Critical value of Fong's test (1.65 as published).
    min_n : int
        Fewer usable answers than this for an attribute trigger a warning.
    random_state : int, Generator or None
        Seed of the bootstrap (the only random step).
    progress : bool
        Show a progress bar during the bootstrap.

    Attributes
    ----------
    summary : pandas.DataFrame
        One row per attribute (x wave x segment when given). Counts ``n``, ``A`` ... ``Q``
        (weighted counts rescaled to ``n`` with weights), the categories (``category``
        after the near-tie rule, ``modal`` strictly, ``category_aom``), strengths,
        Fong's test (``fong_diff``, ``fong_limit``, ``fong_significant``), and for each
        estimate ``better``, ``worse``, ``functional_mean``, ``dysfunctional_mean``
        (and ``importance``) the columns ``<name>``, ``<name>_se``, ``<name>_lower``,
        ``<name>_upper``: the estimate, its bootstrap standard error and the percentile
        interval at ``1 - alpha`` (the suffixes are those of
        :data:`expectlab._results.SUMMARY_COLUMNS`). ``p_modal_<C>`` is the bootstrap
        probability that category ``C`` is the modal one.
    estimates_ : pandas.DataFrame
        The same estimates in long form: index (group..., ``quantity``), columns
        ``estimate``, ``se``, ``lower``, ``upper``.
    shares_ : pandas.DataFrame
        Category shares (weighted when weights are given).
    answer_sets_ : dict
        Answer set used per wave (key ``None`` without waves).
    answer_set_ : str
        The answer set used, or ``"wave 1: ...; wave 2: ..."`` when it differs by wave.
        A partial user mapping shows as e.g. ``"user mapping + short"``.
    answer_mappings_ : dict
        Per wave, the label -> code mapping actually used (matching keys of the answers
        seen); the wording-change check compares these, not the set names.
    answer_notes_ : pandas.DataFrame
        Every answer label that matched only after normalisation (case, quotes,
        punctuation, contractions, a leading I/It/This, ...): the label as found, the
        set's label it matched, code, position, the set it came from, the normalisations
        applied, its count and columns (and wave). Empty when every label matched as is.
    weights_ : str or None
        The weight column used (``"array"`` for weights passed as values, ``None``
        unweighted).
    replicates_ : dict or None
        Bootstrap replicates: ``"stats"`` (name -> array ``(n_boot, groups)``) and
        ``"modal"`` (index of the modal category per replicate and group). Each group's
        replicates follow the respondent bootstrap exactly; groups are drawn
        independently of each other (see Notes), so do not subtract the replicates of
        two groups to compare them.
    n_obs_ : int
        Usable answer pairs. ``n_obs_ + len(excluded_)`` is the number of input rows
        (answer pairs: rows of long data, respondents x Kano pairs of a wide study).
    excluded_ : pandas.DataFrame
        Rows left out (``row``, ``reason``). With a wide study ``row`` is
        ``(row of the study data, attribute)``.

    Notes
    -----
    With survey weights the category columns hold weighted counts rescaled to sum to
    ``n``; Fong's test then uses Kish's effective sample size. Respondents are resampled
    as a whole, so the same id in several waves is treated as the same person.

    The estimates come from a count table of distinct answer profiles per group (answer
    codes, weight, importance), and the bootstrap resamples that table instead of the
    rows: resampling the ``n`` respondents with replacement gives a group's profiles
    multinomial counts ``Multinomial(n, (m_1, ..., m_K, n - n_g) / n)`` (``m_k``
    respondents with profile ``k``, the last cell those who did not answer in the group),
    which is exactly the distribution of the respondent bootstrap for every group, at a
    cost independent of the number of respondents. The dependence between groups within
    a replicate is not kept (see :mod:`expectlab.kano._counts`); every column of
    ``summary`` is per group and unaffected.

    The fitted object keeps the result tables and the bootstrap replicates of the group
    statistics, not the input data: it pickles small and carries no answers of
    individual respondents.

    References
    ----------
    Kano, N., Seraku, N., Takahashi, F. and Tsuji, S. (1984). Attractive quality and
    must-be quality. *Journal of the Japanese Society for Quality Control* 14(2), 39-48.

    Berger, C. et al. (1993). Kano's methods for understanding customer-defined quality.
    *Center for Quality Management Journal* 2(4), 3-36.

    Fong, D. (1996). Using the self-stated importance questionnaire to interpret Kano
    questionnaire results. *Center for Quality Management Journal* 5(3), 21-24.

    DuMouchel, W. (1993). Thoughts on graphical and continuous analysis. In Berger et al.
    (1993), 25-29.

    See Also
    --------
    KanoDrift : how the categories move across survey waves.
    expectlab.kano.reshape_wide : wide exports (two columns per attribute) to long form.
    expectlab.kano.classify : the category of single answer pairs.

    Examples
    --------
    >>> import pandas as pd, expectlab
    >>> data = pd.DataFrame({"id": [1, 2, 3, 4], "attribute": "App",
    ...                      "f": [1, 1, 2, 1], "d": [5, 5, 5, 3]})
    >>> import warnings; warnings.simplefilter("ignore")
    >>> ka = expectlab.KanoAnalysis(n_boot=50, random_state=1, progress=False).fit(
    ...     data, respondent="id", attribute="attribute", functional="f", dysfunctional="d")
    >>> ka.summary.loc["App", ["n", "A", "O", "M"]].astype(int).tolist()
    [4, 1, 2, 1]
    >>> # with 4 answers Fong's test cannot separate O (2) from M (1): M > O decides
    >>> ka.summary.loc["App", ["modal", "category"]].tolist()
    ['O', 'M']

    A :class:`~expectlab.Study` that declares Kano pairs in a wide file needs no column
    arguments:

    >>> wide = pd.DataFrame({"rid": [1, 2, 3], "app_f": [1, 1, 2], "app_d": [5, 3, 5]})
    >>> study = expectlab.Study.from_frame(wide, id="rid",
    ...                                    kano_pairs={"App": ("app_f", "app_d")})
    >>> ka = expectlab.KanoAnalysis(n_boot=0, progress=False).fit(study)
    >>> ka.summary.loc["App", ["O", "A", "M"]].astype(int).tolist()
    [1, 1, 1]
    """

    _summary_title = "Kano analysis"
    _tables = ("estimates_", "shares_")

    def __init__(self, table: Literal["standard", "strict"] | Any = "standard",
                 answer_set: Any = None, alpha: float = 0.05, n_boot: int = 1000,
                 tie_rule: Literal["fong", "exact"] | float = "fong", fong_z: float = 1.65,
                 min_n: int = 100, random_state: Any = None, progress: bool = True) -> None:
        self.table = table
        self.answer_set = answer_set
        self.alpha = alpha
        self.n_boot = n_boot
        self.tie_rule = tie_rule
        self.fong_z = fong_z
        self.min_n = min_n
        self.random_state = random_state
        self.progress = progress

    # ------------------------------------------------------------------------------------
    def _check_params(self) -> None:
        if not (isinstance(self.alpha, float | int) and 0 < self.alpha < 1):
            raise InputError(f"alpha must lie between 0 and 1, got {self.alpha!r}.")
        if not isinstance(self.n_boot, int | np.integer) or self.n_boot < 0:
            raise InputError(f"n_boot must be a non-negative integer, got {self.n_boot!r}.")
        if not (self.tie_rule in ("fong", "exact") or (
                isinstance(self.tie_rule, float | int) and 0 <= self.tie_rule < 1)):
            raise InputError(
                f"tie_rule must be 'fong', 'exact' or a share between 0 and 1, got "
                f"{self.tie_rule!r}."
            )
        check_random_state(self.random_state)

    def fit(self, data: pd.DataFrame | Study, *, respondent: str | None = None,
            attribute: str | None = None, functional: str | None = None,
            dysfunctional: str | None = None, wave: str | None = None,
            segment: str | bool | None = None,
            weights: str | Sequence[float] | np.ndarray | pd.Series | None = None,
            importance: str | Mapping[str, str] | None = None,
            weight: str | None = None) -> Self:
        """Classify every answer pair and summarise per attribute (x wave x segment).

        Parameters
        ----------
        data : pandas.DataFrame, Study, dask or pyspark DataFrame
            Tidy data, one row per respondent x attribute (x wave). A Dask or Spark
            DataFrame (long form, columns named, weights and importance as column
            names) is counted inside its engine and gives the same results as the same
            rows in memory (see :mod:`expectlab.kano._distributed`); ``excluded_`` then
            has one row per excluded input row without its label. See
            :func:`expectlab.kano.reshape_wide` for wide exports. Or a
            :class:`~expectlab.Study`: when it declares Kano pairs (``kano_pairs``, a wide
            file with one row per respondent) and no column arguments are given, it is
            reshaped with ``study.id`` as respondent; ``study.wave`` and
            ``study.weights`` are used unless given here.
        respondent, attribute, functional, dysfunctional : str
            Column names of long data (``respondent`` defaults to a study's id).
        wave : str, optional
            Column of the survey wave (default: the study's wave).
        segment : str or True, optional
            Column of a segment. ``True`` takes the study's first segment; a study's
            segments are not used otherwise.
        weights : str or array-like, optional
            Survey weights: a column name, or one weight per row (per respondent row of
            a wide study). Default: the study's weights. Rows with a missing or zero
            weight are excluded and counted in ``excluded_``.
        importance : str or dict, optional
            Column of self-stated importance; with a wide study a dict attribute label
            -> importance column.
        weight : str, optional
            Old name of ``weights`` (deprecated, warns).

        Returns
        -------
        KanoAnalysis
            ``self``, fitted.
        """
        weights = renamed_argument("weight", weight, "weights", weights,
                                   owner="KanoAnalysis.fit")
        self._check_params()
        if is_distributed(data):
            inputs = distributed_inputs(data, respondent=respondent, attribute=attribute,
                                        functional=functional, dysfunctional=dysfunctional,
                                        wave=wave, segment=segment, weights=weights,
                                        importance=importance)
            prep = prepare_distributed(inputs, table=self.table, answer_set=self.answer_set)
            self._fit_inputs(inputs, prep)
        else:
            inputs = kano_inputs(data, respondent=respondent, attribute=attribute,
                                 functional=functional, dysfunctional=dysfunctional,
                                 wave=wave, segment=segment, weights=weights,
                                 importance=importance, owner="KanoAnalysis")
            self._fit_inputs(inputs)
        self._warn()
        return self

    def _fit_inputs(self, inputs: KanoInputs, prep: Prepared | None = None) -> Prepared:
        """Fit on resolved inputs; returns the prepared answers (kept by no one)."""
        if prep is None:
            prep = prepare(inputs.frame, respondent=inputs.respondent,
                           attribute=inputs.attribute, functional=inputs.functional,
                           dysfunctional=inputs.dysfunctional, wave=inputs.wave,
                           segment=inputs.segment, weights=inputs.weights,
                           importance=inputs.importance,
                           importance_scale=inputs.importance_scale,
                           table=self.table, answer_set=self.answer_set)
        self._wave, self._segment = inputs.wave, inputs.segment
        self._importance = inputs.importance
        self._compute(prep)
        w = inputs.weights
        self.weights_ = None if w is None else w if isinstance(w, str) else "array"
        self._input_notes = list(inputs.notes)
        self._fitted = True
        return prep

    # ------------------------------------------------------------------------------------
    def _group_keys(self) -> list[str]:
        keys = ["attribute"]
        if self._wave is not None:
            keys.append("wave")
        if self._segment is not None:
            keys.append("segment")
        return keys

    def _groups(self, frame: pd.DataFrame) -> tuple[np.ndarray, pd.Index]:
        """Group index of every answer and the group labels.

        Attributes keep the order in which they first appear; waves and segments are
        sorted. Computed on integer codes (no group-by over text columns).
        """
        attr = frame["attribute"]
        if isinstance(attr.dtype, pd.CategoricalDtype):
            a_codes, a_labels = attr.cat.codes.to_numpy(np.int64), attr.cat.categories
        else:
            a_codes, a_labels = pd.factorize(attr.astype(str))
        a_labels = pd.Index(np.asarray(a_labels, dtype=object))
        parts = [(a_codes, a_labels)]
        if self._wave is not None:
            w_codes, w_labels = pd.factorize(frame["wave"], sort=True)
            parts.append((w_codes, pd.Index(w_labels)))
        if self._segment is not None:
            seg = frame["segment"]
            if isinstance(seg.dtype, pd.CategoricalDtype):
                parts.append((seg.cat.codes.to_numpy(np.int64),
                              pd.Index(np.asarray(seg.cat.categories, dtype=object))))
            else:
                s_codes, s_labels = pd.factorize(seg.astype(str), sort=True)
                parts.append((s_codes, pd.Index(np.asarray(s_labels, dtype=object))))
        combined = np.zeros(len(frame), dtype=np.int64)
        for codes, labels in parts:
            combined = combined * len(labels) + codes
        space = int(np.prod([len(labels) for _, labels in parts]))
        present = np.bincount(combined, minlength=space) > 0
        position = np.cumsum(present) - 1
        group = position[combined]
        cells = np.flatnonzero(present)
        levels = []
        for _, labels in reversed(parts):
            levels.append(labels[cells % len(labels)])
            cells = cells // len(labels)
        levels.reverse()
        keys = self._group_keys()
        if len(keys) == 1:
            index = pd.Index(levels[0].astype(str), name="attribute")
        else:
            index = pd.MultiIndex.from_arrays(
                [levels[0].astype(str), *levels[1:]], names=keys)
        return group, index

    def _count_table(self, prep: Prepared) -> tuple[CountTable, np.ndarray, pd.Index]:
        frame = prep.frame
        group, index = self._groups(frame)
        n_groups = len(index)
        f = frame["f"].to_numpy()
        d = frame["d"].to_numpy()
        cell = (f.astype(np.int64) - 1) * 5 + (d.astype(np.int64) - 1)
        # the category of every (group, answer cell), as classified by prepare (the
        # evaluation table may differ by wave)
        categories = np.zeros(n_groups * 25, dtype=np.int64)
        categories[group * 25 + cell] = frame["cat"].to_numpy()
        weighted = self._weighted(prep)
        imp = frame["importance"].to_numpy(dtype=float) if self._importance is not None \
            else None
        mult = frame["mult"].to_numpy(dtype=float) if "mult" in frame else None
        n_resp = prep.n_respondents if prep.n_respondents is not None \
            else len(pd.unique(frame["respondent"]))
        tab = count_table(group, n_groups, f, d,
                          frame["weight"].to_numpy(dtype=float) if weighted else None,
                          imp, categories.reshape(n_groups, 25), n_resp, mult=mult)
        return tab, group, index

    def _compute(self, prep: Prepared) -> None:
        tab, _, index = self._count_table(prep)
        point = table_statistics(tab)
        n = tab.group_sums(np.ones(len(tab.group)))
        w_sum = tab.group_sums(tab.weight)
        w_sq = tab.group_sums(tab.weight**2)
        n_eff = w_sum**2 / w_sq  # Kish; equals n without weights
        if self._weighted(prep):
            counts = point[:, :6] / w_sum[:, None] * n[:, None]  # weighted, summing to n
            counts_eff = point[:, :6] / w_sum[:, None] * n_eff[:, None]
        else:
            counts = counts_eff = point[:, :6]  # exact integers, no rescaling round-off
        n = n.round().astype(np.int64)

        stats = group_statistics(point)
        fong_diff, fong_limit, fong_sig = fong_test(counts_eff, z=self.fong_z)
        if self._weighted(prep):
            # report the test on the scale of the counts shown
            scale = n / n_eff
            fong_diff, fong_limit = fong_diff * scale, fong_limit * scale
        modal = modal_category(counts_eff, tie_rule=self.tie_rule, z=self.fong_z)
        strict = modal_category(counts_eff, tie_rule="exact")
        aom = aom_category(counts_eff)
        strength, total_strength = category_strength(counts_eff)

        out = pd.DataFrame(index=index)
        out["n"] = n
        for k, c in enumerate(CATEGORIES):
            out[c] = counts[:, k] if self._weighted(prep) else counts[:, k].round().astype(int)
        letters = np.array(CATEGORIES, dtype=object)
        out["category"] = letters[modal]
        out["modal"] = letters[strict]
        out["category_aom"] = letters[aom]
        out["category_strength"] = strength
        out["total_strength"] = total_strength
        out["fong_diff"] = fong_diff
        out["fong_limit"] = fong_limit
        out["fong_significant"] = fong_sig
        reps = self._bootstrap(tab, n_eff) if self.n_boot else None
        estimated = ["better", "worse", "functional_mean", "dysfunctional_mean"]
        if self._importance is not None:
            estimated.append("importance")
        for name in estimated:
            out[name] = stats[name]
            if reps is not None:
                rep = reps["stats"][name]
                lo, hi = percentile_interval(rep, self.alpha, axis=0)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    out[f"{name}_se"] = np.nanstd(rep, axis=0, ddof=1)
                out[f"{name}_lower"], out[f"{name}_upper"] = lo, hi
            else:
                out[f"{name}_se"] = out[f"{name}_lower"] = out[f"{name}_upper"] = np.nan
        for k, c in enumerate(CATEGORIES):
            out[f"p_modal_{c}"] = (reps["modal"] == k).mean(axis=0) if reps is not None \
                else np.nan
        if self._wave is not None:
            level = index.get_level_values("wave")
            out["answer_set"] = [prep.answer_sets[w_] for w_ in level]
        else:
            out["answer_set"] = prep.answer_sets[None]

        self.summary_ = out
        shares = counts / n[:, None]
        self.shares_ = pd.DataFrame(shares, index=index, columns=list(CATEGORIES))
        self.answer_sets_ = dict(prep.answer_sets)
        names = list(dict.fromkeys(prep.answer_sets.values()))
        self.answer_set_ = names[0] if len(names) == 1 else "; ".join(
            f"wave {w_}: {name}" for w_, name in prep.answer_sets.items())
        self.answer_mappings_ = {w_: m.mapping for w_, m in prep.matches.items()}
        self.answer_notes_ = _answer_notes(prep, with_wave=self._wave is not None)
        self.tables_ = dict(prep.tables)
        self.wording_changed_ = prep.wording_changed
        self.n_obs_ = int(n.sum())
        self.n_respondents_ = int(tab.n_respondents)
        self.excluded_ = prep.excluded.to_frame()
        self.replicates_ = None if reps is None else {"stats": reps["stats"],
                                                       "modal": reps["modal"]}
        self.estimates_ = _long_estimates(out, estimated)

    @staticmethod
    def _weighted(prep: Prepared) -> bool:
        return not prep.frame["weight"].eq(1.0).all()

    def _bootstrap(self, tab: CountTable, n_eff: np.ndarray) -> dict:
        """Replicates from the count table (respondents resampled; see
        :mod:`expectlab.kano._counts`)."""
        rng = check_random_state(self.random_state)
        groups = progress(range(tab.n_groups), enabled=self.progress, total=tab.n_groups,
                          desc="Kano bootstrap")
        rep = bootstrap_table(tab, int(self.n_boot), rng, groups=groups)
        # the modal category is judged on counts scaled to the effective sample size
        with np.errstate(invalid="ignore", divide="ignore"):
            scaled = rep[..., :6] / rep[..., _TOT][..., None] * n_eff[None, :, None]
        # "probability of being the modal category": the plain largest count per replicate
        modal = modal_category(np.nan_to_num(scaled), tie_rule="exact")
        return {"stats": group_statistics(rep), "modal": modal}

    def _warn(self) -> None:
        s = self.summary_
        small = s.index[s["n"] < self.min_n]
        if len(small):
            warnings.warn(
                f"Fewer than {self.min_n} usable answers for {len(small)} group(s), first: "
                f"{', '.join(map(_label, small[:5]))}. Categories and Better/Worse are "
                "fragile at this size; read the intervals.", FragileResultWarning,
                stacklevel=3)
        weak = s.index[~s["fong_significant"].astype(bool)]
        if len(weak):
            warnings.warn(
                f"Fong's test does not support the modal category for {len(weak)} group(s), "
                f"first: {', '.join(map(_label, weak[:5]))}. The two largest categories are "
                "not significantly different; the near-tie rule M > O > A > I decided.",
                FragileResultWarning, stacklevel=3)
        _warn_reverse(self.shares_, self.summary_["n"], stacklevel=4)
        if self.wording_changed_:
            warnings.warn(
                "The answer wording or evaluation table differs between waves "
                f"({self.answer_sets_}; tables {self.tables_}); differences between waves may "
                "reflect the questionnaire rather than customers.", FragileResultWarning,
                stacklevel=3)

    # ------------------------------------------------------------------------------------
    @property
    def summary(self) -> pd.DataFrame:
        """One row per attribute (x wave x segment): counts, categories, tests, estimates
        with standard errors and percentile intervals, modal-category probabilities."""
        self._check_fitted()
        return self.summary_

    def _summary_notes(self) -> list[str]:
        notes = super()._summary_notes()
        notes.extend(self._input_notes)
        notes.append(f"Respondents: {self.n_respondents_}; bootstrap replicates: {self.n_boot}; "
                     f"intervals: {100 * (1 - self.alpha):g}% percentile")
        sets = sorted({str(v) for v in self.answer_sets_.values()})
        notes.append(f"Answer set(s): {', '.join(sets)}; table(s): "
                     f"{', '.join(sorted(set(self.tables_.values())))}")
        notes.extend(_answer_note_lines(self.answer_notes_))
        return notes

    def print_summary(self, decimals: int = 3, style: str | None = None,
                      full: bool = False) -> None:
        """Print the summary: by default the key columns as text; ``full=True`` prints
        every column; ``style="html"`` / ``"latex"`` render the full table."""
        self._check_fitted()
        if style not in (None, "ascii") or full:
            return super().print_summary(decimals=decimals, style=style)
        key = ["n", *CATEGORIES, "category", "fong_significant", "better", "better_lower",
               "better_upper", "worse", "worse_lower", "worse_upper"]
        if self._importance is not None:
            key.append("importance")
        with pd.option_context("display.width", 120, "display.max_columns", 50):
            print(self._summary_title)
            for line in self._summary_notes():
                print(line)
            print(self.summary_[key].round(decimals).to_string())

    # plots ------------------------------------------------------------------------------
    def plot_better_worse(self, ax: Any = None, **kwargs: Any) -> Any:
        """Better-Worse scatter with interval bars; see
        :func:`expectlab.kano.plots.plot_better_worse`."""
        from .plots import plot_better_worse

        self._check_fitted()
        return plot_better_worse(self.summary_, ax=ax, **kwargs)

    def plot_means(self, ax: Any = None, **kwargs: Any) -> Any:
        """Functional / dysfunctional mean plot; see :func:`expectlab.kano.plots.plot_means`."""
        from .plots import plot_means

        self._check_fitted()
        return plot_means(self.summary_, ax=ax, **kwargs)

    def plot_shares(self, ax: Any = None, **kwargs: Any) -> Any:
        """Stacked category shares per attribute; see
        :func:`expectlab.kano.plots.plot_shares`."""
        from .plots import plot_shares

        self._check_fitted()
        return plot_shares(self.shares_, ax=ax, **kwargs)


def _long_estimates(summary: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """The estimates of the wide summary in long form with the shared column names."""
    parts = []
    for name in names:
        part = summary[[name, f"{name}_se", f"{name}_lower", f"{name}_upper"]].copy()
        part.columns = ["estimate", "se", "lower", "upper"]
        part["quantity"] = name
        parts.append(part)
    out = pd.concat(parts)
    keys = list(out.index.names)
    out = out.set_index("quantity", append=True)
    # group rows together: each attribute's quantities next to each other
    order = np.lexsort([np.repeat(np.arange(len(names)), len(summary)),
                        np.tile(np.arange(len(summary)), len(names))])
    out = out.iloc[order]
    out.index = out.index.set_names([*keys, "quantity"])
    return out


def _label(key: Any) -> str:
    return " / ".join(map(str, key)) if isinstance(key, tuple) else str(key)


#: an attribute whose answers are more than this share R (reverse) draws a warning
_REVERSE_SHARE = 0.5


def _warn_reverse(shares: pd.DataFrame, n: pd.Series, stacklevel: int) -> None:
    """Warn when most answers of a group are R: the pairing is then probably swapped."""
    mostly_r = shares.index[(shares["R"] > _REVERSE_SHARE).to_numpy()]
    if not len(mostly_r):
        return
    first = ", ".join(f"{_label(k)} ({shares.loc[k, 'R']:.0%} R of {int(n.loc[k])})"
                      for k in mostly_r[:5])
    warnings.warn(
        f"Most answers are R (reverse) for {len(mostly_r)} group(s), first: {first}. "
        "Customers rarely prefer a feature's absence this broadly; the functional and "
        "dysfunctional columns are probably swapped for these attributes. Check the "
        "questionnaire and, if so, swap the two columns in the pairing "
        "(reshape_wide(pairs={attribute: [functional column, dysfunctional column]}) or "
        "functional= / dysfunctional=) and fit again.", FragileResultWarning,
        stacklevel=stacklevel)


def _answer_notes(prep: Prepared, with_wave: bool) -> pd.DataFrame:
    """The normalisation notes of every wave in one table."""
    parts = []
    for w_, match in prep.matches.items():
        notes = match.notes.copy()
        if with_wave:
            notes.insert(0, "wave", w_)
        parts.append(notes)
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _answer_note_lines(notes: pd.DataFrame, limit: int = 3) -> list[str]:
    """Summary lines on answers that matched only after normalisation."""
    if notes.empty:
        return []
    shown = "; ".join(f"{r.label!r} -> {r.matched!r} ({r.normalisations})"
                      for r in notes.head(limit).itertuples(index=False))
    more = f"; and {len(notes) - limit} more" if len(notes) > limit else ""
    return [f"Answer labels matched after normalisation: {len(notes)} label(s), "
            f"{int(notes['n'].sum())} answers (see answer_notes_): {shown}{more}"]
