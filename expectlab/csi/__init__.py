"""Customer satisfaction indices as PLS path models (ECSI, ACSI and your own).

``PLSPathModel`` estimates any recursive path model between constructs measured by
survey items with partial least squares path modelling (Wold 1982; Lohmöller 1989);
``SatisfactionIndex`` is the same estimator with the ECSI or ACSI specification built in
and reports the 0-100 indices the ACSI publishes.

Modules: ``specification`` (the model), ``algorithm`` (the numeric core on correlation
matrices), ``quality`` (reliability, validity, effect sizes), ``bootstrap``
(vectorised resampling and intervals), ``moderation`` (interaction terms, two-stage
approach), ``model`` (the estimators), ``chain`` (the satisfaction -> trust -> loyalty
chain moderated by switching costs), ``report_section`` (the client-study report).
"""

from __future__ import annotations

from .chain import (
    CHAIN_INTERACTIONS,
    CHAIN_POSITIONS,
    CHAIN_SCALES,
    CHAIN_STRUCTURAL,
    chain_model,
    latent_chain_truth,
)
from .model import PLSPathModel, SatisfactionIndex
from .moderation import Interaction
from .specification import (
    ACSI_MEASUREMENT,
    ACSI_STRUCTURAL,
    ECSI_MEASUREMENT,
    ECSI_STRUCTURAL,
    Specification,
    build_specification,
)

__all__ = ["PLSPathModel", "SatisfactionIndex", "Specification", "build_specification",
           "ECSI_MEASUREMENT", "ECSI_STRUCTURAL", "ACSI_MEASUREMENT", "ACSI_STRUCTURAL",
           "Interaction", "chain_model", "latent_chain_truth", "CHAIN_SCALES",
           "CHAIN_STRUCTURAL", "CHAIN_INTERACTIONS", "CHAIN_POSITIONS"]
