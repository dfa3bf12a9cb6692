"""Repeat buying from transaction logs: summaries, BG/NBD, Pareto/NBD, Gamma-Gamma.

From a log (customer, date, amount) to one row per customer
(:func:`summarise_transactions`, pandas or DuckDB), maximum-likelihood models of
purchasing while alive and unobserved dropout (:class:`BetaGeo`, :class:`ParetoNBD`),
spend (:class:`GammaGamma`), discrete opportunities (:class:`BetaGeoBeta`), contractual
retention (:class:`ShiftedBetaGeometric`),
their diagnostic plots, and the link to survey answers
(:func:`add_customer_predictions`, :func:`beyond_past_purchases`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import imported_on_first_use

if TYPE_CHECKING:
    from .bg_bb import BetaGeoBeta
    from .bg_nbd import BetaGeo
    from .gamma_gamma import GammaGamma
    from .join import add_customer_predictions, beyond_past_purchases
    from .pareto_nbd import ParetoNBD
    from .plots import (
        calibration_holdout_table,
        cumulative_tracking,
        plot_alive_heatmap,
        plot_calibration_holdout,
        plot_cumulative_tracking,
    )
    from .sbg import ShiftedBetaGeometric, cohort_to_durations
    from .summaries import excluded_transactions, summarise_transactions

# public name -> submodule defining it. Imported on first use: the models subclass
# scikit-learn's BaseEstimator and the summaries pull in the engines' helpers, so an eager
# import cost every process that only needs one part (an engine worker unpickling a
# scoring function, the CLI) about 2 s.
_LAZY = {
    "BetaGeoBeta": "bg_bb",
    "BetaGeo": "bg_nbd",
    "GammaGamma": "gamma_gamma",
    "add_customer_predictions": "join",
    "beyond_past_purchases": "join",
    "ParetoNBD": "pareto_nbd",
    "calibration_holdout_table": "plots",
    "cumulative_tracking": "plots",
    "plot_alive_heatmap": "plots",
    "plot_calibration_holdout": "plots",
    "plot_cumulative_tracking": "plots",
    "ShiftedBetaGeometric": "sbg",
    "cohort_to_durations": "sbg",
    "excluded_transactions": "summaries",
    "summarise_transactions": "summaries",
}
# submodules that an eager import used to bind as attributes of the package
_SUBMODULES = {"bg_bb", "bg_nbd", "gamma_gamma", "join", "pareto_nbd", "plots", "sbg",
               "summaries", "_base", "_inputs", "_pareto_integrals"}

__all__ = [
    "BetaGeo",
    "BetaGeoBeta",
    "GammaGamma",
    "ParetoNBD",
    "ShiftedBetaGeometric",
    "add_customer_predictions",
    "beyond_past_purchases",
    "calibration_holdout_table",
    "cohort_to_durations",
    "cumulative_tracking",
    "excluded_transactions",
    "plot_alive_heatmap",
    "plot_calibration_holdout",
    "plot_cumulative_tracking",
    "summarise_transactions",
]


__getattr__, __dir__ = imported_on_first_use(__name__, _LAZY, _SUBMODULES)
