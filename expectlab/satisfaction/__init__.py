"""Satisfaction on expectation and experience: practitioner formulas (difference, ratio),
polynomial regression and response surface analysis, asymmetry, zones and what-if.

Main entry point: :class:`SatisfactionRegression`. ``report_section`` holds the
satisfaction section of the client-study report.
"""

from .models import MODELS
from .regression import SatisfactionRegression, Verdict
from .zones import DEFAULT_CUTS, ZONES

__all__ = [
           "DEFAULT_CUTS",
           "MODELS",
           "ZONES",
           "SatisfactionRegression",
           "Verdict",
]
