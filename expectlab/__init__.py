"""expectlab: customer expectations, satisfaction and loyalty.

Kano analysis and expectation drift, satisfaction response surfaces on expectation and
experience, loyalty prediction from survey constructs and repeat-buying models from
transaction logs, with the survey reader and the client-study report they share.

Public names are imported lazily (on first use) so that ``import expectlab`` stays fast
and a part whose optional dependencies are missing does not break the others.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._errors import FragileResultWarning, InputError

if TYPE_CHECKING:
    from ._errors import NotFittedError
del TYPE_CHECKING  # keep dir(expectlab) as it was

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY = {
    # subclasses scikit-learn's NotFittedError, so it is built (and scikit-learn
    # imported) on first use only; see expectlab._errors
    "NotFittedError": "expectlab._errors",
    # reading surveys and scales
    "read_survey": "expectlab.io",
    "SurveyData": "expectlab.io",
    "Codebook": "expectlab.io",
    "reverse_code": "expectlab.scales",
    "scale_score": "expectlab.scales",
    "cronbach_alpha": "expectlab.scales",
    # the measurement layer
    "Study": "expectlab.study",
    # Kano
    "KanoAnalysis": "expectlab.kano",
    "KanoDrift": "expectlab.kano",
    # satisfaction
    "SatisfactionRegression": "expectlab.satisfaction",
    # loyalty
    "LoyaltyModel": "expectlab.loyalty",
    "nps": "expectlab.loyalty",
    # repeat buying
    "summarise_transactions": "expectlab.repeat",
    "BetaGeo": "expectlab.repeat",
    "ParetoNBD": "expectlab.repeat",
    "GammaGamma": "expectlab.repeat",
    "BetaGeoBeta": "expectlab.repeat",
    "ShiftedBetaGeometric": "expectlab.repeat",
    # customer satisfaction indices (PLS path models)
    "PLSPathModel": "expectlab.csi", "SatisfactionIndex": "expectlab.csi",
    # expectation dynamics: updating, the promise chain, service recovery
    "ExpectationUpdating": "expectlab.dynamics",
    "PromiseChain": "expectlab.dynamics",
    "ServiceRecovery": "expectlab.dynamics",
    # service quality (SERVQUAL gaps, five-gap model, IPA, penalty-reward)
    "ServqualGaps": "expectlab.servqual", "FiveGapModel": "expectlab.servqual",
    "ImportancePerformance": "expectlab.servqual", "PenaltyReward": "expectlab.servqual",
    "compare_with_kano": "expectlab.servqual",
}
_SUBPACKAGES = {"kano", "satisfaction", "loyalty", "repeat", "simulate", "io", "scales",
                "report", "study", "csi", "dynamics", "servqual"}

__all__ = ["InputError", "NotFittedError", "FragileResultWarning", "__version__",
           *sorted(set(_LAZY) - {"NotFittedError"})]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _SUBPACKAGES:
        module = importlib.import_module(f"expectlab.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'expectlab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | _SUBPACKAGES)
