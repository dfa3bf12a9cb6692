"""Dimension scores: a respondent's mean over the items of a dimension.

A dimension score needs at least half of the dimension's items answered (the rule of
:func:`expectlab.scale_score`); with fewer it is missing, and the tables count how many
respondents each estimate rests on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["dimension_scores", "MIN_SHARE_ANSWERED"]

#: Share of a dimension's items a respondent must have answered for a dimension score.
MIN_SHARE_ANSWERED = 0.5


def dimension_scores(values: np.ndarray, items: Sequence[str],
                     dimensions: Mapping[str, Sequence[str]]) -> np.ndarray:
    """Per respondent and dimension, the mean of the answered items (``(n, D)``).

    ``values`` has one column per item of ``items`` (NaN = not answered).
    """
    position = {item: j for j, item in enumerate(items)}
    out = np.full((values.shape[0], len(dimensions)), np.nan)
    for d, members in enumerate(dimensions.values()):
        block = values[:, [position[m] for m in members]]
        answered = (~np.isnan(block)).sum(axis=1)
        enough = answered >= MIN_SHARE_ANSWERED * len(members)
        with np.errstate(invalid="ignore"):
            means = np.nansum(block, axis=1) / np.maximum(answered, 1)
        out[:, d] = np.where(enough & (answered > 0), means, np.nan)
    return out
