"""Repeat buying from transaction logs: summaries, BG/NBD, Pareto/NBD, Gamma-Gamma.

From a log (customer, date, amount) to one row per customer
(:func:`summarise_transactions`, pandas or DuckDB), maximum-likelihood models of
purchasing while alive and unobserved dropout (:class:`BetaGeo`, :class:`ParetoNBD`),
spend (:class:`GammaGamma`), discrete opportunities (:class:`BetaGeoBeta`), contractual
retention (:class:`ShiftedBetaGeometric`),
their diagnostic plots, and the link to survey answers
(:func:`add_customer_predictions`, :func:`beyond_past_purchases`).
"""

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
