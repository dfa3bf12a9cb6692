"""Reliability of gap scores: Cronbach's alpha of the gap items, and the reliability of a
difference score from the reliabilities of its two parts.

A difference D = P - E of two reliable measures can be unreliable: when P and E are
positively correlated, much of their true-score variance cancels in the difference while
the error variances add up. The classical formula (e.g. Lord 1958; used for SERVQUAL by
Peter, Churchill & Brown 1993) is

    r_D = (var_P r_PP + var_E r_EE - 2 cov_PE) / (var_P + var_E - 2 cov_PE)

with r_PP and r_EE the reliabilities (here Cronbach's alpha) of the perception and
expectation composites of a dimension.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["difference_score_reliability", "reliability_table", "DIFFERENCE_SCORE_NOTE"]

DIFFERENCE_SCORE_NOTE = (
    "Difference scores are often unreliable: when perceptions and expectations are "
    "positively correlated, their true-score variance partly cancels in P - E while their "
    "measurement errors add up (Peter, Churchill & Brown 1993). Read gap scores with their "
    "reliability, and compare them with perceptions alone (SERVPERF) or with a response "
    "surface of E and P (Edwards 2001).")


def difference_score_reliability(var_p: float, var_e: float, cov_pe: float,
                                 r_pp: float, r_ee: float) -> float:
    """Reliability of the difference P - E of two composites.

    Parameters
    ----------
    var_p, var_e : float
        Variances of the perception and expectation composites.
    cov_pe : float
        Their covariance.
    r_pp, r_ee : float
        Their reliabilities (e.g. Cronbach's alpha).

    Returns
    -------
    float
        NaN when the difference has no variance.

    Examples
    --------
    Two measures of reliability 0.8 with equal variance correlated 0.5: the difference
    keeps only (0.8 + 0.8 - 1) / (2 - 1) = 0.6.

    >>> round(difference_score_reliability(1.0, 1.0, 0.5, 0.8, 0.8), 3)
    0.6
    """
    denominator = var_p + var_e - 2 * cov_pe
    if not np.isfinite(denominator) or denominator <= 0:
        return float("nan")
    return float((var_p * r_pp + var_e * r_ee - 2 * cov_pe) / denominator)


def _alpha(block: np.ndarray) -> float:
    """Cronbach's alpha of complete, already validated answers (the reader's formula)."""
    from ..scales import _alpha_value

    if block.shape[1] < 2 or block.shape[0] < 3:
        return float("nan")
    return _alpha_value(block)


def reliability_table(expectation: np.ndarray, perception: np.ndarray,
                      items: Sequence[str], dimensions: Mapping[str, Sequence[str]]
                      ) -> pd.DataFrame:
    """Per dimension: alphas of E, P and gap items and the difference-score reliability.

    Computed unweighted on the respondents who answered every item of the dimension in
    both batteries (reliability describes the instrument, not the population).
    """
    position = {item: j for j, item in enumerate(items)}
    rows = []
    for dim, members in dimensions.items():
        cols = [position[m] for m in members]
        e, p = expectation[:, cols], perception[:, cols]
        complete = ~(np.isnan(e).any(axis=1) | np.isnan(p).any(axis=1))
        e, p = e[complete], p[complete]
        a_e, a_p, a_g = _alpha(e), _alpha(p), _alpha(p - e)
        if len(e) >= 3:
            em, pm = e.mean(axis=1), p.mean(axis=1)
            cov = np.cov(pm, em)
            var_p, var_e, cov_pe = float(cov[0, 0]), float(cov[1, 1]), float(cov[0, 1])
            corr = cov_pe / np.sqrt(var_p * var_e) if var_p > 0 and var_e > 0 else np.nan
        else:
            var_p = var_e = cov_pe = corr = np.nan
        r_d = difference_score_reliability(var_p, var_e, cov_pe, a_p, a_e)
        rows.append({"dimension": dim, "n_items": len(members), "n": int(complete.sum()),
                     "alpha_expectation": a_e, "alpha_perception": a_p, "alpha_gap": a_g,
                     "corr_pe": corr, "var_perception": var_p, "var_expectation": var_e,
                     "cov_pe": cov_pe, "difference_reliability": r_d})
    return pd.DataFrame(rows).set_index("dimension")
