"""Satisfaction on expectation and experience: practitioner formulas (difference, ratio),
polynomial regression and response surface analysis, asymmetry, zones and what-if.

Main entry point: :class:`SatisfactionRegression`. ``client_section`` draws the
satisfaction section of the client-study report.
"""

from .models import MODELS
from .regression import SatisfactionRegression, Verdict
from .report_section import client_section
from .zones import DEFAULT_CUTS, ZONES

__all__ = [
           "DEFAULT_CUTS",
           "MODELS",
           "ZONES",
           "SatisfactionRegression",
           "Verdict",
           "client_section",
]
