"""Seeded simulator of customer-satisfaction-index surveys (ECSI / ACSI) with a known truth.

Constructs follow a standardised recursive structural model (the paths of
:mod:`expectlab.csi.specification`); items are generated in one of two ways:

``kind="composite"`` (default)
    Each construct *is* a weighted sum of its items (the composite model of Dijkstra &
    Henseler 2015). Items within a block are correlated as in a one-factor model with
    the given loadings and the weights are the leading eigenvector of that block, which
    is exactly where Mode A PLS converges; so the PLS estimand equals the true paths and
    the estimates are consistent (``truth.pls_paths == truth.paths``).
``kind="factor"``
    Items are ``loading * construct + error`` (the reflective common-factor model). PLS
    Mode A is then only "consistent at large": paths between constructs measured with
    error are attenuated. ``truth.pls_paths`` gives what PLS converges to, so the bias
    can be shown next to the true ``truth.paths``.

Continuous items (``discrete=False``) keep the truth exact; ``discrete=True`` (default)
rounds them onto the answer scale as a questionnaire would (slightly attenuating all
correlations).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._errors import InputError
from .._resample import check_random_state

__all__ = ["simulate_csi", "SimulatedCSI", "CSITruth", "DEFAULT_PATHS", "implied_correlations"]

#: True standardised paths of the ECSI model; EXPE -> SAT is a true zero.
DEFAULT_PATHS: dict[tuple[str, str], float] = {
    ("IMAG", "EXPE"): 0.50, ("IMAG", "SAT"): 0.20, ("IMAG", "LOY"): 0.20,
    ("EXPE", "QUAL"): 0.55, ("EXPE", "VAL"): 0.10, ("EXPE", "SAT"): 0.00,
    ("QUAL", "VAL"): 0.50, ("QUAL", "SAT"): 0.45,
    ("VAL", "SAT"): 0.20,
    ("SAT", "COMP"): 0.50, ("SAT", "LOY"): 0.45,
    ("COMP", "LOY"): 0.10,
}


@dataclass
class CSITruth:
    """What the simulated data were generated from.

    Attributes
    ----------
    paths : pandas.Series
        True standardised paths, indexed ``"A -> B"`` (as ``PLSPathModel.summary``).
    construct_correlations : pandas.DataFrame
        Correlations of the true constructs implied by the paths.
    r2 : pandas.Series
        True R-squared of each endogenous construct.
    loadings : pandas.Series
        Correlation of each item with its (true) construct.
    weights : pandas.Series
        Composite weights of the standardised items (``kind="composite"``) or the PLS
        population weights (``kind="factor"``).
    pls_paths : pandas.Series
        The population values PLS estimates (equal to ``paths`` for composites).
    kind : str
    item_correlations : pandas.DataFrame
        Population correlation matrix of the (continuous) items.
    """

    paths: pd.Series
    construct_correlations: pd.DataFrame
    r2: pd.Series
    loadings: pd.Series
    weights: pd.Series
    pls_paths: pd.Series
    kind: str
    item_correlations: pd.DataFrame


@dataclass
class SimulatedCSI:
    """Simulated survey (``data``: one row per respondent) and its ``truth``."""

    data: pd.DataFrame
    truth: CSITruth
    measurement: dict[str, list[str]]
    structural: list[tuple[str, str]]


def implied_correlations(constructs: list[str], paths: dict[tuple[str, str], float]
                         ) -> tuple[np.ndarray, np.ndarray]:
    """Construct correlations and R-squared implied by standardised recursive paths.

    Exogenous constructs are uncorrelated; each endogenous construct gets the error
    variance ``1 - R2`` that keeps its variance at one.
    """
    from ..csi.specification import _topological

    pos = {c: j for j, c in enumerate(constructs)}
    order = _topological(constructs, list(paths))
    if len(order) != len(constructs):
        raise InputError("The simulated paths contain a cycle.")
    n_con = len(constructs)
    beta = np.zeros((n_con, n_con))
    for (a, b), v in paths.items():
        beta[pos[a], pos[b]] = v
    r = np.eye(n_con)
    r2 = np.full(n_con, np.nan)
    done: list[int] = []
    for c in order:
        j = pos[c]
        preds = np.flatnonzero(beta[:, j])
        if preds.size:
            b = beta[preds, j]
            for k in done:
                r[j, k] = r[k, j] = b @ r[preds, k]
            r2[j] = b @ r[np.ix_(preds, preds)] @ b
            if not r2[j] < 1:
                raise InputError(f"The paths into {c!r} explain {r2[j]:.3f} of its variance "
                                 "(must be below 1): use smaller paths.")
        done.append(j)
    return r, r2


def simulate_csi(
    n: int = 500,
    *,
    model: str = "ECSI",
    paths: dict[tuple[str, str], float] | None = None,
    measurement: dict[str, list[str]] | None = None,
    loadings: float | dict[str, float] = 0.8,
    kind: str = "composite",
    discrete: bool = True,
    scale: tuple[float, float] = (1, 10),
    missing_rate: float = 0.0,
    random_state: int | np.random.Generator | None = None,
) -> SimulatedCSI:
    """Simulate a customer satisfaction survey from a known ECSI / ACSI path model.

    Parameters
    ----------
    n : int
        Respondents.
    model : {"ECSI", "ACSI"}
        Built-in specification (items named as in the ``mobi`` survey).
    paths : dict, optional
        ``{(from, to): value}`` true standardised paths (default :data:`DEFAULT_PATHS`,
        without the image paths for the ACSI). With ``measurement`` any recursive model.
    measurement : dict, optional
        Construct -> item names (default: the model's).
    loadings : float or dict
        Item loadings in the one-factor structure of each block (per item in a dict);
        single-item constructs always have loading 1.
    kind : {"composite", "factor"}
        How items relate to constructs (see the module notes).
    discrete : bool
        Round the answers onto ``scale`` (True) or keep continuous values (False).
    scale : (min, max)
        Answer scale; the answers centre at 65% of the range, as satisfaction answers do.
    missing_rate : float
        Share of answers set missing completely at random.
    random_state : int, Generator or None

    Returns
    -------
    SimulatedCSI

    Examples
    --------
    >>> sim = simulate_csi(n=200, random_state=1)
    >>> sim.data.shape
    (200, 25)
    >>> float(sim.truth.paths["QUAL -> SAT"])
    0.45
    """
    from ..csi.algorithm import pls_core
    from ..csi.specification import (
        ACSI_MEASUREMENT,
        ECSI_MEASUREMENT,
        build_specification,
    )

    if not isinstance(n, (int, np.integer)) or n < 2:
        raise InputError(f"n must be an integer >= 2, got {n!r}.")
    if kind not in ("composite", "factor"):
        raise InputError(f"kind must be 'composite' or 'factor', got {kind!r}.")
    if not 0 <= missing_rate < 1:
        raise InputError(f"missing_rate must lie in [0, 1), got {missing_rate!r}.")
    name = str(model).upper()
    if measurement is None:
        if name not in ("ECSI", "ACSI"):
            raise InputError(f"model must be 'ECSI' or 'ACSI', got {model!r}.")
        measurement = ECSI_MEASUREMENT if name == "ECSI" else ACSI_MEASUREMENT
    measurement = {k: list(v) for k, v in measurement.items()}
    if paths is None:
        paths = {k: v for k, v in DEFAULT_PATHS.items()
                 if k[0] in measurement and k[1] in measurement}
    spec = build_specification(measurement, list(paths))
    constructs = list(spec.constructs)
    items = spec.items
    r, r2 = implied_correlations(constructs, dict(paths))

    layout = spec.layout()
    blocks = [layout.block(j) for j in range(len(constructs))]
    lam = np.array([1.0 if len(measurement[c]) == 1 else
                    (loadings.get(i, 0.8) if isinstance(loadings, dict) else float(loadings))
                    for c in constructs for i in measurement[c]])
    if np.any((lam <= 0) | (lam > 1)):
        raise InputError("loadings must lie in (0, 1].")
    p = len(items)
    sigma = np.zeros((p, p))
    weights = np.zeros(p)
    true_loadings = np.zeros(p)
    within = []
    for idx in blocks:
        s_jj = np.outer(lam[idx], lam[idx])
        np.fill_diagonal(s_jj, 1.0)
        within.append(s_jj)
    if kind == "composite":
        for j, idx in enumerate(blocks):
            vals, vecs = np.linalg.eigh(within[j])
            w = np.abs(vecs[:, -1])
            w = w / np.sqrt(w @ within[j] @ w)
            weights[idx] = w
            true_loadings[idx] = within[j] @ w
        for i, a in enumerate(blocks):
            for j, b in enumerate(blocks):
                if i == j:
                    sigma[np.ix_(a, a)] = within[i]
                else:
                    sigma[np.ix_(a, b)] = np.outer(within[i] @ weights[a],
                                                   within[j] @ weights[b]) * r[i, j]
    else:
        big_lam = np.zeros((p, len(constructs)))
        for j, idx in enumerate(blocks):
            big_lam[idx, j] = lam[idx]
        sigma = big_lam @ r @ big_lam.T
        np.fill_diagonal(sigma, 1.0)
        true_loadings = lam.copy()
    pop = pls_core(sigma, layout)
    if kind == "factor":
        weights = pop.weights[0][np.arange(p), np.argmax(layout.block_mask, axis=1)]

    rng = check_random_state(random_state)
    chol = np.linalg.cholesky(sigma + 1e-12 * np.eye(p))
    z = rng.standard_normal((n, p)) @ chol.T
    lo, hi = (float(v) for v in scale)
    values = lo + 0.65 * (hi - lo) + (hi - lo) / 5.5 * z
    if discrete:
        values = np.clip(np.round(values), lo, hi)
    if missing_rate > 0:
        values[rng.random(values.shape) < missing_rate] = np.nan
    data = pd.DataFrame(values, columns=items)
    data.insert(0, "respondent_id", np.arange(1, n + 1))

    labels = [f"{a} -> {b}" for a, b in paths]
    pos = {c: j for j, c in enumerate(constructs)}
    truth = CSITruth(
        paths=pd.Series(list(paths.values()), index=labels, name="true path", dtype=float),
        construct_correlations=pd.DataFrame(r, index=constructs, columns=constructs),
        r2=pd.Series({c: r2[pos[c]] for c in spec.endogenous}, name="true r2"),
        loadings=pd.Series(true_loadings, index=items, name="true loading"),
        weights=pd.Series(weights, index=items, name="true weight"),
        pls_paths=pd.Series([pop.paths[0, pos[a], pos[b]] for a, b in paths], index=labels,
                            name="PLS population path"),
        kind=kind,
        item_correlations=pd.DataFrame(sigma, index=items, columns=items))
    return SimulatedCSI(data=data, truth=truth, measurement=measurement,
                        structural=list(paths))
