"""The zone of tolerance (Parasuraman, Zeithaml & Berry 1994).

Customers rate desired service (what they hope for), adequate service (the least they
accept) and perceived service. The zone of tolerance runs from adequate to desired; the
measure of service adequacy is MSA = P - adequate and the measure of service superiority
is MSS = P - desired. A respondent is *below* the zone when P < adequate, *within* it
when adequate <= P <= desired and *above* it when P > desired. A respondent whose
adequate level lies above the desired one answered inconsistently; such answers are
counted as *inverted* instead of being forced into a zone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._stats import mean_table

__all__ = ["ZONE_POSITIONS", "zone_positions", "zone_share_table"]

ZONE_POSITIONS = ("below", "within", "above", "inverted")


def zone_positions(desired: np.ndarray, adequate: np.ndarray, perceived: np.ndarray
                   ) -> dict[str, np.ndarray]:
    """0/1 indicators (NaN where any answer is missing) of each position, per column."""
    missing = np.isnan(desired) | np.isnan(adequate) | np.isnan(perceived)
    with np.errstate(invalid="ignore"):
        inverted = adequate > desired
        below = ~inverted & (perceived < adequate)
        above = ~inverted & (perceived > desired)
    within = ~inverted & ~below & ~above
    out = {}
    for name, flag in zip(ZONE_POSITIONS, (below, within, above, inverted), strict=True):
        out[name] = np.where(missing, np.nan, flag.astype(float))
    return out


def zone_share_table(desired: np.ndarray, adequate: np.ndarray, perceived: np.ndarray,
                     w: np.ndarray, alpha: float, index: pd.Index) -> pd.DataFrame:
    """Weighted share (with a t interval via the effective n) of each zone position."""
    positions = zone_positions(desired, adequate, perceived)
    table = pd.DataFrame(index=index)
    for name, flags in positions.items():
        t = mean_table(flags, w, alpha, index)
        table[name] = t["estimate"]
        table[f"{name}_lower"] = t["lower"].clip(lower=0.0)
        table[f"{name}_upper"] = t["upper"].clip(upper=1.0)
    table["n"] = mean_table(positions["within"], w, alpha, index)["n"]
    return table
