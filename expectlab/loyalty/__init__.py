"""Loyalty prediction from survey constructs.

:class:`LoyaltyModel` predicts who stays (or how loyal an ordinal answer is) from survey
drivers with an interpretable engine (logistic / ordered logit: odds ratios, marginal
effects) or a flexible one (gradient boosting with monotonic constraints and calibrated
probabilities), reports held-out metrics from cross-validation, driver importance
(permutation importance and dominance analysis) and the satisfaction-loyalty curve;
:func:`nps` computes the Net Promoter Score with its standard error.
"""

from .curve import LoyaltyCurve, loyalty_curve
from .model import LoyaltyModel
from .nps import NPSDifference, NPSResult, nps, nps_difference, nps_from_shares

__all__ = ["LoyaltyCurve", "LoyaltyModel", "NPSDifference", "NPSResult", "loyalty_curve", "nps",
           "nps_difference", "nps_from_shares"]
