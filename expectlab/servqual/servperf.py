"""SERVPERF against SERVQUAL: does perception alone explain overall quality as well as the
gap does?

Cronin & Taylor (1992) argued that perceptions alone (SERVPERF) predict overall quality
at least as well as gaps P - E (SERVQUAL). Both regress the overall rating on one score
per dimension, so their R2, adjusted R2 and AIC compare directly; the unconstrained
model with E and P scores side by side contains both (SERVQUAL constrains the E weight
to minus the P weight, SERVPERF sets it to zero). Per dimension, the response surface of
overall quality on E and P (:class:`~expectlab.SatisfactionRegression`) tests whether the
difference constraint holds (Edwards 2001).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..satisfaction.fitting import wls_fit

__all__ = ["servperf_comparison", "difference_tests"]


def servperf_comparison(overall: np.ndarray, expectation: np.ndarray,
                        perception: np.ndarray, w: np.ndarray, weighted: bool
                        ) -> pd.DataFrame:
    """R2, adjusted R2, AIC and BIC of overall ~ P, ~ (P - E) and ~ E + P (complete rows)."""
    ones = np.ones((len(overall), 1))
    designs = {
        "SERVPERF (perception only)": np.hstack([ones, perception]),
        "SERVQUAL (gap P - E)": np.hstack([ones, perception - expectation]),
        "E and P unconstrained": np.hstack([ones, perception, expectation]),
    }
    rows = {}
    for name, x in designs.items():
        fit = wls_fit(x, overall, w if weighted else None, cov_type="HC3")
        rows[name] = {"n": fit.nobs, "n_params": fit.k, "r2": fit.r2, "adj_r2": fit.adj_r2,
                      "aic": fit.aic, "bic": fit.bic}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "model"
    table["delta_aic"] = table["aic"] - table["aic"].min()
    return table


def difference_tests(overall: np.ndarray, expectation: np.ndarray, perception: np.ndarray,
                     w: np.ndarray, weighted: bool, names: list[str],
                     scale: tuple[float, float], alpha: float) -> pd.DataFrame:
    """Per dimension, the Wald test of the difference constraint on the response surface.

    Reuses :class:`~expectlab.SatisfactionRegression` with the dimension's mean E and P
    scores as the two predictors and overall quality as the outcome.
    """
    from ..satisfaction import SatisfactionRegression

    rows = []
    for d, name in enumerate(names):
        ok = ~(np.isnan(expectation[:, d]) | np.isnan(perception[:, d]) | np.isnan(overall))
        frame = pd.DataFrame({"overall quality": overall[ok],
                              "expectation": expectation[ok, d],
                              "perception": perception[ok, d]})
        model = SatisfactionRegression(models=["difference"], scale=scale, n_boot=0,
                                       alpha=alpha, progress=False)
        model.fit(frame, satisfaction="overall quality", expectation="expectation",
                  experience="perception", weights=w[ok] if weighted else None)
        verdict = model.verdict("difference")
        comp = model.comparison_
        rows.append({"dimension": name, "n": model.n_obs_, "statistic": verdict.statistic,
                     "p": verdict.p_value, "difference_adequate": verdict.adequate,
                     "r2_difference": comp.loc["difference", "r2"],
                     "r2_full": comp.loc["full", "r2"], "verdict": verdict.text})
    return pd.DataFrame(rows).set_index("dimension")
