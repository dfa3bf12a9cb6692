"""Expectation dynamics: how expectations form and move over a customer panel, what
promises cost along the promise -> expectation -> satisfaction -> loyalty chain, and
whether a well-handled complaint leaves customers more satisfied than no failure at all.

Main entry points: :class:`ExpectationUpdating` (adaptive expectations, first-difference
GMM), :class:`PromiseChain` (the chain with a bootstrap through every model) and
:class:`ServiceRecovery` (the recovery paradox). ``report_section`` holds the report
sections.
"""

from .chain import PromiseChain
from .recovery import ServiceRecovery, hedges_g
from .updating import ExpectationUpdating

__all__ = ["ExpectationUpdating", "PromiseChain", "ServiceRecovery", "hedges_g"]
