"""Satisfaction on expectation and experience: practitioner formulas (difference, ratio),
polynomial regression and response surface analysis, asymmetry, zones and what-if.

Main entry point: :class:`SatisfactionRegression`. ``report_section`` holds the
satisfaction section of the client-study report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import imported_on_first_use

if TYPE_CHECKING:
    from .models import MODELS
    from .regression import SatisfactionRegression, Verdict
    from .zones import DEFAULT_CUTS, ZONES

# public name -> submodule defining it. Imported on first use: the regression subclasses
# scikit-learn's BaseEstimator (about 2 s to import), which a Dask or Spark worker
# computing the cross-products of one partition (``_distributed``) does not need.
_LAZY = {
    "MODELS": "models",
    "SatisfactionRegression": "regression",
    "Verdict": "regression",
    "DEFAULT_CUTS": "zones",
    "ZONES": "zones",
}
# submodules that an eager import used to bind as attributes of the package
_SUBMODULES = {"models", "regression", "zones", "fitting", "surface"}

__all__ = [
           "DEFAULT_CUTS",
           "MODELS",
           "ZONES",
           "SatisfactionRegression",
           "Verdict",
]


__getattr__, __dir__ = imported_on_first_use(__name__, _LAZY, _SUBMODULES)
