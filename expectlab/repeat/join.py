"""Joining behaviour and survey: purchase-model predictions next to survey answers, and a
test of whether a survey driver predicts purchases beyond the purchase history."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .._errors import FragileResultWarning, InputError, require_columns
from .._results import ExclusionLog

__all__ = ["add_customer_predictions", "beyond_past_purchases"]


def add_customer_predictions(survey: pd.DataFrame, summary: pd.DataFrame, model: Any, *,
                             id_column: str = "respondent_id", horizon: float | None = None,
                             prefix: str = "") -> pd.DataFrame:
    """Add purchase history, P(alive) and expected purchases to survey answers.

    Parameters
    ----------
    survey : DataFrame
        One row per respondent with the customer id in ``id_column``.
    summary : DataFrame
        From :func:`summarise_transactions`, indexed by customer id.
    model : BetaGeo or ParetoNBD
        Fitted on ``summary`` (same time unit).
    id_column : str
        Survey column holding the customer id.
    horizon : float, optional
        Expected purchases over this many time units; default the holdout duration when the
        summary has one, else 26.
    prefix : str
        Prefix for the added column names.

    Returns
    -------
    DataFrame
        The survey with ``frequency``, ``recency``, ``T``, ``p_alive``,
        ``expected_purchases`` (and ``frequency_holdout`` when present) and
        ``has_transactions``. Respondents without transactions keep missing values; a
        FragileResultWarning says how many.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from expectlab.repeat import BetaGeo
    >>> from expectlab.simulate.repeat import simulate_bg_nbd
    >>> sim = simulate_bg_nbd(500, r=0.3, alpha=4.0, a=0.8, b=2.5, random_state=0)
    >>> model = BetaGeo().fit(sim.data)
    >>> survey = pd.DataFrame({"respondent_id": [1, 2, 3], "satisfaction": [5.0, 3.5, 6.0]})
    >>> joined = add_customer_predictions(survey, sim.data, model)
    >>> joined["has_transactions"].tolist()
    [True, True, True]
    """
    require_columns(survey, [id_column], source="the survey")
    if summary.index.has_duplicates:
        raise InputError("The transaction summary has duplicated customer ids; pass the output "
                         "of summarise_transactions.")
    ids = survey[id_column]
    matched = ids.isin(summary.index)
    if len(ids) and not matched.any() and len(summary):
        raise InputError(
            f"No survey {id_column!r} matches a customer id of the transactions (survey ids "
            f"look like {ids.iloc[:3].tolist()!r} ({ids.dtype}), transaction ids like "
            f"{summary.index[:3].tolist()!r} ({summary.index.dtype})). Check that both use the "
            "same id and type.")
    if horizon is None:
        horizon = float(summary["duration_holdout"].iloc[0]) if "duration_holdout" in \
            summary.columns else 26.0
    sub = summary.reindex(ids.to_numpy())
    out = survey.copy()
    cols = ["frequency", "recency", "T"] + [c for c in ("frequency_holdout", "monetary_value")
                                           if c in summary.columns]
    for c in cols:
        out[prefix + c] = sub[c].to_numpy()
    have = matched.to_numpy()
    p_alive = np.full(len(out), np.nan)
    expected = np.full(len(out), np.nan)
    if have.any():
        hist = sub.loc[have]
        p_alive[have] = np.asarray(model.predict_alive(hist["frequency"].to_numpy(),
                                                       hist["recency"].to_numpy(),
                                                       hist["T"].to_numpy()))
        expected[have] = np.asarray(model.predict_purchases(
            horizon, hist["frequency"].to_numpy(), hist["recency"].to_numpy(),
            hist["T"].to_numpy()))
    out[prefix + "p_alive"] = p_alive
    out[prefix + "expected_purchases"] = expected
    out[prefix + "has_transactions"] = have
    missing = int((~have).sum())
    if missing:
        warnings.warn(
            f"{missing} of {len(out)} respondents have no transactions; their purchase "
            "columns are missing (has_transactions is False).",
            FragileResultWarning, stacklevel=2)
    return out


def beyond_past_purchases(data: pd.DataFrame, drivers: Sequence[str] | str, *,
                          outcome: str = "frequency_holdout",
                          expected: str = "expected_purchases",
                          standardise: bool = True, alpha: float = 0.05) -> pd.DataFrame:
    """Do survey drivers predict future purchases beyond what past purchases predict?

    A quasi-Poisson regression of the purchases actually made in a holdout period on the
    drivers, with the model's expected purchases (computed from the calibration history
    alone) as the offset: ``log E[outcome] = log(expected) + b0 + b . drivers``. A rate
    ratio above 1 means customers scoring higher on the driver bought *more than their
    history predicted*. Dispersion is estimated from the Pearson statistic.

    Parameters
    ----------
    data : DataFrame
        E.g. from :func:`add_customer_predictions` with ``horizon`` equal to the holdout.
    drivers : str or list of str
        Survey columns.
    outcome, expected : str
        Holdout purchases and model-expected holdout purchases.
    standardise : bool
        Report effects per standard deviation of each driver.
    alpha : float
        Significance level.

    Returns
    -------
    DataFrame
        Per driver, in the columns every expectlab summary uses: ``estimate`` (the rate
        ratio), ``se`` (its delta-method standard error), ``lower``/``upper`` (confidence
        limits, from the log scale), ``statistic`` (the z statistic of the log rate ratio)
        and ``p``; plus ``log_rate_ratio`` and ``se_log``. ``attrs`` holds ``n_obs``,
        ``excluded`` (rows with missing values, with the reason) and ``dispersion``.
    """
    import statsmodels.api as sm

    drivers = [drivers] if isinstance(drivers, str) else list(drivers)
    if not drivers:
        raise InputError("Name at least one driver column.")
    require_columns(data, [*drivers, outcome, expected], source="the joined data")
    if not 0 < alpha < 1:
        raise InputError(f"alpha must lie between 0 and 1, got {alpha!r}.")
    frame = data[[*drivers, outcome, expected]].apply(pd.to_numeric, errors="coerce")
    excluded = ExclusionLog()
    incomplete = frame.isna().any(axis=1).to_numpy()
    excluded.add_mask(frame, incomplete, "missing driver, outcome or expected purchases")
    frame = frame[~incomplete]
    nonpositive = (frame[expected] <= 0).to_numpy()
    excluded.add_mask(frame, nonpositive, "expected purchases not positive")
    frame = frame[~nonpositive]
    n = len(frame)
    if n < len(drivers) + 10:
        raise InputError(f"Only {n} complete rows; need more customers with both survey "
                         "answers and transactions.")
    if n < 100:
        warnings.warn(f"Only {n} customers: the link between survey and purchases is fragile.",
                      FragileResultWarning, stacklevel=2)
    X = frame[drivers].astype(float)
    if standardise:
        sd = X.std(ddof=1)
        constant = sd[sd <= 0].index.tolist()
        if constant:
            raise InputError(f"Driver(s) {constant} do not vary; they cannot predict anything.")
        X = (X - X.mean()) / sd
    X = sm.add_constant(X, has_constant="add")
    fit = sm.GLM(frame[outcome].astype(float), X, family=sm.families.Poisson(),
                 offset=np.log(frame[expected].astype(float))).fit(scale="X2")
    z = stats.norm.ppf(1 - alpha / 2)
    coef, se = fit.params[drivers], fit.bse[drivers]
    table = pd.DataFrame({
        "estimate": np.exp(coef), "se": np.exp(coef) * se,
        "lower": np.exp(coef - z * se), "upper": np.exp(coef + z * se),
        "statistic": coef / se, "p": 2 * stats.norm.sf(np.abs(coef / se)),
        "log_rate_ratio": coef, "se_log": se,
    })
    table.index.name = "driver"
    table.attrs["n_obs"] = n
    table.attrs["excluded"] = excluded.to_frame()
    table.attrs["dispersion"] = float(fit.scale)
    table.attrs["intercept_rate_ratio"] = float(np.exp(fit.params["const"]))
    return table
