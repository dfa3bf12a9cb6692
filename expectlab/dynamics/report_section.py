"""The expectation-dynamics and service-recovery sections of the client-study report.

``client_section`` is shown when the study is a panel (a wave column and customers seen
in several waves): how expectations update, what the naive estimate would have said,
who left the panel, and (with a promise driver and a loyalty column) what promising
more or less would do. ``recovery_section`` is shown when the study declares failure and
recovery columns. Text from the data goes through the escaping display helpers.
"""

from __future__ import annotations

import warnings
from typing import Any, Literal

import pandas as pd

from .._display import heading, note, show_figure, show_table
from .._errors import FragileResultWarning, InputError

__all__ = ["client_section", "recovery_section"]

_EXPLAIN_UPDATING = (
    "Customers' expectations were followed over the waves of the panel. lambda is how much "
    "of last wave's expectation carries into this wave's; gamma is how much of last wave's "
    "gap between experience and expectation customers take in (a customer who found the "
    "service one point better than expected raises next wave's expectation by gamma "
    "points). The drivers show what else moves expectations. Estimated by first-difference "
    "GMM, which removes each customer's own level; the naive fixed-effects estimate is "
    "shown for comparison because it understates lambda on short panels."
)


def _col(params: dict[str, Any], key: str, default: str | None, data: pd.DataFrame
         ) -> str | None:
    value = params.get(key) or default
    return value if value is not None and value in data.columns else None


def _notes_from(caught: list) -> None:
    seen = set()
    for w in caught:
        text = str(w.message)
        if issubclass(w.category, FragileResultWarning) and text not in seen:
            seen.add(text)
            note(text, kind="warning")


def client_section(data: pd.DataFrame, params: dict[str, Any]) -> bool:
    """Show the expectation-dynamics section; return True when shown.

    Uses the parameters ``id_column``, ``wave_column``, ``expectation_column`` (default
    ``expectation``), ``experience_column`` (``experience``), ``satisfaction_column``
    (``satisfaction``), ``expectation_drivers`` (list), ``promise_column``,
    ``loyalty_column``, ``weight_column``, ``scale_min``/``scale_max``, ``n_boot`` and
    ``random_state``. Skipped (with a note) when the survey is not a panel.
    """
    import matplotlib.pyplot as plt

    from .chain import PromiseChain
    from .updating import ExpectationUpdating

    heading("How expectations move over time")
    idc = _col(params, "id_column", None, data)
    wave = _col(params, "wave_column", None, data)
    e_col = _col(params, "expectation_column", "expectation", data)
    p_col = _col(params, "experience_column", "experience", data)
    if not (idc and wave and e_col and p_col):
        note("Section skipped: it needs a panel (id_column and wave_column) with expectation "
             "and experience scores.")
        return False
    s_col = _col(params, "satisfaction_column", "satisfaction", data)
    drivers = [d for d in (params.get("expectation_drivers") or []) if d in data.columns]
    promise = _col(params, "promise_column", None, data)
    if promise and promise not in drivers:
        drivers = [promise, *drivers]
    weight = _col(params, "weight_column", None, data)
    lo, hi = params.get("scale_min"), params.get("scale_max")
    scale: tuple[float, float] | Literal["infer"] = (
        "infer" if lo is None or hi is None else (lo, hi))
    model = ExpectationUpdating(scale=scale)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FragileResultWarning)
        try:
            model.fit(data, id=idc, wave=wave, expectation=e_col, experience=p_col,
                      satisfaction=s_col, drivers=drivers or None, weights=weight)
        except InputError as exc:
            note(f"The expectation-dynamics analysis could not be run on these data: {exc}",
                 kind="warning")
            return False
    _notes_from(caught)
    note(_EXPLAIN_UPDATING)
    table = model.bias_.loc[e_col].join(model.summary.loc[e_col][["lower", "upper", "p"]])
    show_table(table, decimals=3, caption="How expectations update: GMM estimate with its "
               "95% interval, and the naive estimate")
    show_table(model.long_run_.loc[e_col][["estimate", "lower", "upper"]], decimals=3,
               caption="Long run: how far expectations eventually move per point of lasting "
               "change")
    note(f"{model.n_obs_} customer-waves of {model.n_persons_} customers were explained; "
         f"{len(model.excluded_)} rows served only as earlier waves or lacked answers.")
    heading("Who left the panel", 3)
    show_table(model.attrition_, decimals=2, caption="Customers answering per wave, leavers "
               "after each wave and their last satisfaction compared with stayers")
    show_figure(model.plot_attrition().figure)
    loyalty = _col(params, "loyalty_column", None, data)
    if promise and loyalty and s_col:
        heading("What promises cost", 3)
        chain = PromiseChain(scale=model.scale_, n_boot=min(int(params.get("n_boot") or 200),
                                                            200),
                             random_state=params.get("random_state"), progress=False)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FragileResultWarning)
            try:
                chain.fit(data, id=idc, wave=wave, expectation=e_col, experience=p_col,
                          satisfaction=s_col, loyalty=loyalty, promise=promise,
                          drivers=[d for d in drivers if d != promise],
                          loyalty_drivers=[e_col], weights=weight)
            except InputError as exc:
                note(f"The promise chain could not be fitted: {exc}", kind="warning")
                return True
        _notes_from(caught)
        show_table(chain.summary[["estimate", "lower", "upper"]], decimals=3,
                   caption="Scenarios: change in mean expectation, satisfaction and loyalty "
                   "(probability) in the next wave, with bootstrap intervals")
        fig, ax = plt.subplots(figsize=(6.5, 4.2))
        chain.plot_promise_curve(ax=ax)
        show_figure(fig)
        for text in chain.assumptions_:
            note(text)
    return True


def recovery_section(data: pd.DataFrame, params: dict[str, Any]) -> bool:
    """Show the service-recovery section; return True when shown.

    Uses ``failure_column``, ``recovered_column`` (both required), ``handling_column``,
    ``recovery_outcomes`` (default: ``satisfaction`` and the loyalty column when present),
    ``loyalty_column``, ``weight_column``.
    """
    from .recovery import ServiceRecovery

    heading("Service recovery: is a well-handled complaint better than no problem at all?")
    failure = _col(params, "failure_column", None, data)
    recovered = _col(params, "recovered_column", None, data)
    if not (failure and recovered):
        note("Section skipped: the study declares no failure and recovery columns "
             "(failure_column, recovered_column).")
        return False
    outcomes = [c for c in (params.get("recovery_outcomes") or
                            ["satisfaction", params.get("loyalty_column")]) if c and
                c in data.columns]
    if not outcomes:
        note("Section skipped: none of the outcomes is in the survey.")
        return False
    handling = _col(params, "handling_column", None, data)
    weight = _col(params, "weight_column", None, data)
    model = ServiceRecovery()
    try:
        model.fit(data, outcomes=outcomes, failure=failure, recovered=recovered,
                  handling=handling, weights=weight)
    except InputError as exc:
        note(f"The service-recovery comparison could not be run: {exc}", kind="warning")
        return False
    note("Customers are split into those without a failure, those whose failure was put "
         "right and those whose failure was not. Differences are standardised (Hedges g: "
         "0.2 small, 0.5 medium, 0.8 large).")
    show_table(model.groups_, decimals=2, caption="Outcomes by group (weighted means)")
    show_table(model.summary, decimals=3, caption="Group differences (Hedges g, 95% "
               "interval)")
    for text in model.verdicts_["text"]:
        note(str(text))
    show_figure(model.plot_effects().figure)
    if model.paradox_by_handling_ is not None:
        show_table(model.paradox_by_handling_, decimals=3, caption="Recovered minus no "
                   "failure at each rating of the complaint handling")
        show_figure(model.plot_moderation().figure)
    return True
