"""The practitioners' loyalty chain as a PLS path model: satisfaction -> trust -> loyalty,
with switching costs as a direct driver of loyalty and as a moderator of the
satisfaction -> loyalty path.

``chain_model`` builds the :class:`~expectlab.csi.PLSPathModel` for a study that declares
the scales ``satisfaction``, ``trust`` and ``switching_costs`` and has a loyalty outcome
(a 0/1 renewal column or a loyalty scale). ``latent_chain_truth`` computes what the
example survey's simulator (:mod:`expectlab.simulate.client`) implies for this model:
the standardised regressions among the *true* latent values in a very large simulated
sample, i.e. what the paths would be with perfectly measured constructs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._errors import InputError
from .model import PLSPathModel

__all__ = ["CHAIN_SCALES", "CHAIN_STRUCTURAL", "CHAIN_INTERACTIONS", "CHAIN_POSITIONS",
           "chain_model",
           "latent_chain_truth"]

#: Construct -> scale of the study (the loyalty construct is given separately).
CHAIN_SCALES = {"SAT": "satisfaction", "TRUST": "trust", "SWITCH": "switching_costs"}
#: The main effects of the chain.
CHAIN_STRUCTURAL = [("SAT", "TRUST"), ("SAT", "LOY"), ("TRUST", "LOY"), ("SWITCH", "LOY")]
#: Switching costs moderate the satisfaction -> loyalty path (Jones, Mothersbaugh &
#: Beatty 2000): SAT x SWITCH -> LOY.
CHAIN_INTERACTIONS = [("SAT", "SWITCH", "LOY")]
#: A drawing of the chain for ``plot_paths(positions=...)``.
CHAIN_POSITIONS = {"SAT": (0.0, 0.8), "TRUST": (1.0, 1.5), "LOY": (2.0, 0.5),
                   "SWITCH": (0.0, -0.3), "SAT x SWITCH": (0.0, -1.3)}


def chain_model(outcome: str = "stayed", *, scales: dict[str, str] | None = None,
                moderated: bool = True, **options: Any) -> PLSPathModel:
    """The loyalty-chain model for a study with satisfaction, trust and switching-cost
    scales.

    Parameters
    ----------
    outcome : str
        The loyalty column (e.g. a 0/1 renewal record) or scale name of the study.
    scales : dict, optional
        Construct -> study scale, replacing :data:`CHAIN_SCALES` entries.
    moderated : bool
        Add the interaction term ``SAT x SWITCH -> LOY`` (two-stage approach).
    **options
        Passed to :class:`PLSPathModel` (``n_boot``, ``random_state``, ``missing`` ...).

    Returns
    -------
    PLSPathModel
        Not fitted; call ``.fit(study)``.

    Examples
    --------
    >>> model = chain_model("stayed", n_boot=0)
    >>> model.interactions
    [('SAT', 'SWITCH', 'LOY')]
    """
    if not isinstance(outcome, str) or not outcome:
        raise InputError(f"outcome must name the loyalty column or scale, got {outcome!r}.")
    measurement: dict[str, Any] = {**CHAIN_SCALES, **(scales or {}), "LOY": outcome}
    return PLSPathModel(measurement, list(CHAIN_STRUCTURAL),
                        interactions=list(CHAIN_INTERACTIONS) if moderated else None,
                        **options)


def latent_chain_truth(n: int = 200_000, random_state: Any = 11) -> pd.Series:
    """The chain's paths among the true latent values of the example survey's simulator.

    Simulates ``n`` respondents with :func:`~expectlab.simulate.client.simulate_client_survey`
    and runs the chain's regressions on the standardised *latent* satisfaction, trust and
    switching costs and the recorded renewal (survey-weighted, so the population is the
    target), with the interaction term formed as in the two-stage approach. Paths into
    ``LOY`` are those of a linear probability model: the simulator's loyalty model is
    logistic, so these are its best linear summary, not its coefficients.

    Parameters
    ----------
    n : int
        Simulated respondents (large, so sampling error is negligible).
    random_state : int or Generator
        Seed.

    Returns
    -------
    pandas.Series
        Indexed like ``PLSPathModel.summary`` (``"SAT -> TRUST"``, ...,
        ``"SAT x SWITCH -> LOY"``), plus ``"SWITCH -> TRUST"`` and
        ``"SAT x SWITCH -> TRUST"`` (both zero in the simulator: trust depends on
        satisfaction only).
    """
    from ..simulate.client import simulate_client_survey

    sim = simulate_client_survey(int(n), random_state=random_state, missing_rate=0.0)
    latent = sim.truth["respondents"]
    w = sim.data["weight"].to_numpy(dtype=float)

    def z(v: np.ndarray) -> np.ndarray:
        m = np.average(v, weights=w)
        return (v - m) / np.sqrt(np.average((v - m) ** 2, weights=w))

    sat, trust, switch = (z(latent[c].to_numpy(dtype=float))
                          for c in ("satisfaction", "trust", "switching_costs"))
    loy = z(sim.data["stayed"].to_numpy(dtype=float))
    prod = z(sat * switch)
    root = np.sqrt(w)

    def ols(y: np.ndarray, *xs: np.ndarray) -> np.ndarray:
        x = np.column_stack(xs)
        return np.linalg.lstsq(x * root[:, None], y * root, rcond=None)[0]

    b_loy = ols(loy, sat, trust, switch, prod)
    b_trust = ols(trust, sat, switch, prod)
    return pd.Series({
        "SAT -> TRUST": ols(trust, sat)[0],
        "SAT -> LOY": b_loy[0], "TRUST -> LOY": b_loy[1], "SWITCH -> LOY": b_loy[2],
        "SAT x SWITCH -> LOY": b_loy[3],
        "SWITCH -> TRUST": b_trust[1], "SAT x SWITCH -> TRUST": b_trust[2],
    }, name="latent_truth")
