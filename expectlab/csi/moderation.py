"""Moderation (interaction effects) in PLS path models: the two-stage approach.

A moderator ``M`` changes the strength of the path ``X -> Y``; in a path model this is
the interaction term ``X x M -> Y`` next to the main effects ``X -> Y`` and ``M -> Y``.
expectlab estimates it with the **two-stage approach** (Henseler & Chin 2010; recommended
by Becker, Ringle & Sarstedt 2018 as the default, in particular when the aim is to test
the interaction and for formative constructs):

1. *Stage 1* estimates the main-effects model (every construct and path except the
   interaction terms) with the PLS algorithm and returns the construct scores.
2. *Stage 2* forms the interaction term as the product of the standardised stage-1
   scores of ``X`` and ``M`` and standardises it; the structural regressions of the
   targets are then re-estimated with the interaction term as one more predictor. All
   other paths keep their stage-1 values (their regressions are unchanged).

Because the scores are centred, the main effect ``X -> Y`` in stage 2 is the *simple
effect* of ``X`` for a respondent with an average moderator score; the slope of ``X`` at a
moderator ``m`` standard deviations from its mean is ``b_X + b_XM * m / sd(X M)`` with
``sd(X M)`` the standard deviation of the raw product of the standardised scores (the
standardisation of the interaction term divides by it).

Stage 2 is a pure function of the stage-1 weights and the data, so every bootstrap
replicate re-runs *both* stages on the same resampled respondents (the product is
re-formed from that replicate's weights): the intervals carry the uncertainty of the
scores as well as of the regressions. The alternative orthogonalising approach
(Little, Bovaird & Widaman 2006) and the product-indicator approach are not provided.

References
----------
Henseler, J., & Chin, W. W. (2010). A comparison of approaches for the analysis of
interaction effects between latent variables using partial least squares path modeling.
*Structural Equation Modeling*, 17(1), 82-109.

Becker, J.-M., Ringle, C. M., & Sarstedt, M. (2018). Estimating moderating effects in
PLS-SEM and PLSc-SEM: Interaction term generation * data treatment. *Journal of
Applied Structural Equation Modeling*, 2(2), 1-21.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._errors import InputError
from .algorithm import CoreResult, structural_paths
from .specification import Specification

__all__ = ["Interaction", "ModeratedCoreResult", "TwoStage", "parse_interactions",
           "extended_specification"]


@dataclass(frozen=True)
class Interaction:
    """The interaction term ``construct x moderator -> target``."""

    construct: str
    moderator: str
    target: str

    @property
    def name(self) -> str:
        """The interaction term's name, ``"SAT x SWITCH"``."""
        return f"{self.construct} x {self.moderator}"


@dataclass
class ModeratedCoreResult(CoreResult):
    """A :class:`~expectlab.csi.algorithm.CoreResult` after stage 2: ``construct_cor``,
    ``paths`` and ``r2`` cover the main constructs followed by the interaction terms;
    ``product_sd`` (B, I) is the standard deviation of each raw product of standardised
    scores (to turn the standardised interaction path into simple slopes)."""

    product_sd: np.ndarray | None = None


def parse_interactions(interactions: Any, spec: Specification) -> tuple[Interaction, ...]:
    """Check ``interactions`` against the main-effects model ``spec``.

    Parameters
    ----------
    interactions : list of (str, str, str) or None
        ``(construct, moderator, target)`` triples: ``("SAT", "SWITCH", "LOY")`` is the
        interaction term ``SAT x SWITCH -> LOY``.
    spec : Specification
        The main-effects model; it must contain both main effects ``construct -> target``
        and ``moderator -> target``.

    Returns
    -------
    tuple of Interaction

    Raises
    ------
    InputError
        For a malformed triple, an unknown construct, a missing main effect, a target that
        is one of its own factors, a term listed twice, or a name taken by a construct.
    """
    if interactions is None:
        return ()
    if isinstance(interactions, (str, bytes)) or not isinstance(interactions, Sequence):
        raise InputError("interactions must be a list of (construct, moderator, target) "
                         "triples, e.g. [('SAT', 'SWITCH', 'LOY')] for SAT x SWITCH -> LOY.")
    out: list[Interaction] = []
    seen: set[tuple[frozenset, str]] = set()
    for entry in interactions:
        if (isinstance(entry, (str, bytes)) or not isinstance(entry, Sequence)
                or len(entry) != 3 or not all(isinstance(e, str) for e in entry)):
            raise InputError(
                f"Each interaction must be a triple (construct, moderator, target) of "
                f"construct names, got {entry!r}; e.g. ('SAT', 'SWITCH', 'LOY') means the "
                "moderator SWITCH changes the path SAT -> LOY.")
        a, b, target = entry
        unknown = [c for c in (a, b, target) if c not in spec.blocks]
        if unknown:
            raise InputError(
                f"The interaction {a} x {b} -> {target} names construct(s) {unknown} that "
                f"measurement does not define (constructs: {', '.join(spec.constructs)}).")
        if a == b:
            raise InputError(f"The interaction {a} x {b} -> {target} multiplies a construct "
                             "by itself; a quadratic effect is not an interaction term here.")
        if target in (a, b):
            raise InputError(f"The interaction {a} x {b} -> {target} points at one of its "
                             "own factors; the target must be a third construct.")
        missing = [f"{c} -> {target}" for c in (a, b) if (c, target) not in spec.paths]
        if missing:
            raise InputError(
                f"The interaction {a} x {b} -> {target} needs both main effects in "
                f"structural; missing: {', '.join(missing)}. Without them the interaction "
                "term absorbs the main effects and its path cannot be read as moderation "
                "(Henseler & Chin 2010): add the path(s).")
        key = (frozenset((a, b)), target)
        if key in seen:
            raise InputError(f"The interaction {a} x {b} -> {target} is listed twice.")
        seen.add(key)
        term = Interaction(a, b, target)
        if term.name in spec.blocks:
            raise InputError(f"A construct is already named {term.name!r}, the name of the "
                             "interaction term; rename that construct.")
        out.append(term)
    return tuple(out)


def extended_specification(spec: Specification, terms: Sequence[Interaction]
                           ) -> Specification:
    """The structural model of stage 2: the main constructs followed by the interaction
    terms (constructs without items), and the main paths followed by the interaction
    paths."""
    if not terms:
        return spec
    names = tuple(dict.fromkeys(t.name for t in terms))
    blocks = {**spec.blocks, **{n: () for n in names}}
    modes = {**spec.modes, **{n: "A" for n in names}}
    paths = tuple(spec.paths) + tuple((t.name, t.target) for t in terms)
    return Specification(constructs=tuple(spec.constructs) + names, blocks=blocks,
                         paths=paths, modes=modes)


@dataclass
class TwoStage:
    """Stage 2 of the two-stage approach on a stack of stage-1 results.

    ``factors`` (I, 2): indices of each term's construct and moderator among the main
    constructs; ``path_mask``: the extended structural model. Called as
    ``stage2(res, x, w, means, sds)`` with the standardised sample items ``x`` (n, p),
    the replicate weights ``w`` (B, n) and the replicate item moments (B, p) of
    :func:`~expectlab.csi.algorithm.weighted_correlations`. A module-level class so that
    joblib can send it to worker processes.
    """

    factors: np.ndarray
    path_mask: np.ndarray
    chunk: int = 4_000_000

    def scores(self, res: CoreResult, x: np.ndarray, means: np.ndarray, sds: np.ndarray
               ) -> np.ndarray:
        """Construct scores (B, n, J) of each replicate, centred and scaled under that
        replicate's weights: ``((x - mean) / sd) W = x (W / sd) - (mean / sd) W``."""
        w_adj = res.weights / sds[:, :, None]
        shift = np.einsum("bp,bpj->bj", means / sds, res.weights)
        return np.matmul(x[None], w_adj) - shift[:, None, :]

    def __call__(self, res: CoreResult, x: np.ndarray, w: np.ndarray, means: np.ndarray,
                 sds: np.ndarray) -> ModeratedCoreResult:
        x = np.asarray(x, dtype=float)
        w = np.atleast_2d(np.asarray(w, dtype=float))
        n_rep, n_con = res.construct_cor.shape[0], res.construct_cor.shape[-1]
        n_int = len(self.factors)
        k = n_con + n_int
        cor = np.full((n_rep, k, k), np.nan)
        cor[:, :n_con, :n_con] = res.construct_cor
        prod_sd = np.full((n_rep, n_int), np.nan)
        step = max(1, self.chunk // max(x.shape[0] * k, 1))
        ia, ib = self.factors[:, 0], self.factors[:, 1]
        with np.errstate(all="ignore"):
            for start in range(0, n_rep, step):
                sl = slice(start, min(n_rep, start + step))
                sub = CoreResult(res.weights[sl], res.loadings[sl], res.construct_cor[sl],
                                 res.paths[sl], res.r2[sl], res.n_iter[sl],
                                 res.converged[sl])
                y = self.scores(sub, x, means[sl], sds[sl])
                prod = y[:, :, ia] * y[:, :, ib]
                z = np.concatenate([y, prod], axis=2)
                wb = w[sl]
                total = wb.sum(axis=1)
                mean = np.einsum("bn,bnk->bk", wb, z) / total[:, None]
                second = np.swapaxes(z * wb[:, :, None], 1, 2) @ z / total[:, None, None]
                cov = second - mean[:, :, None] * mean[:, None, :]
                sd = np.sqrt(np.clip(np.einsum("bkk->bk", cov), 0, None))
                c = cov / (sd[:, :, None] * sd[:, None, :])
                cor[sl, n_con:, :] = c[:, n_con:, :]
                cor[sl, :n_con, n_con:] = c[:, :n_con, n_con:]
                prod_sd[sl] = sd[:, n_con:]
            idx = np.arange(n_con, k)
            cor[:, idx, idx] = 1.0
        paths, r2 = structural_paths(cor, self.path_mask)
        broken = ~np.isfinite(paths).all(axis=(1, 2)) | ~np.isfinite(cor).all(axis=(1, 2))
        for arr in (paths, r2, cor):
            arr[broken] = np.nan
        return ModeratedCoreResult(
            weights=res.weights, loadings=res.loadings, construct_cor=cor, paths=paths,
            r2=r2, n_iter=res.n_iter, converged=res.converged & ~broken, product_sd=prod_sd)


def simple_slopes(paths: np.ndarray, product_sd: np.ndarray, terms_idx: np.ndarray,
                  levels: Sequence[float] = (-1.0, 0.0, 1.0)) -> np.ndarray:
    """Slopes of each term's construct on its target at moderator ``levels`` (in standard
    deviations), shape (B, I * len(levels)), term by term.

    ``terms_idx`` (I, 3): indices of construct, interaction term and target in ``paths``.
    """
    out: list[np.ndarray] = []
    first = paths.shape[-1] - product_sd.shape[1]  # interaction terms come last
    for a, term, target in terms_idx:
        main = paths[:, a, target]
        inter = paths[:, term, target] / product_sd[:, term - first]
        out.extend(main + inter * m for m in levels)
    return np.stack(out, axis=1) if out else np.empty((paths.shape[0], 0))
