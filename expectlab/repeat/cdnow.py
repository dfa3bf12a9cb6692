"""The CDNOW 1/10 sample (Fader, Hardie & Lee 2005), read from the installed ``lifetimes``
distribution at run time (never shipped with expectlab).

``lifetimes.datasets`` is not imported (its loader breaks on current setuptools); the
files are located through :func:`expectlab.public_data.cdnow_path` and parsed here.
"""

from __future__ import annotations

import pandas as pd

from ..public_data import cdnow_path

__all__ = ["CDNOW_HOLDOUT_END", "CDNOW_PERIOD_END", "read_cdnow_log", "read_cdnow_summary"]

#: End of the 39-week calibration period used in the published analyses.
CDNOW_PERIOD_END = "1997-09-30"
#: End of the 39-week holdout period.
CDNOW_HOLDOUT_END = "1998-06-30"


def read_cdnow_log() -> pd.DataFrame:
    """The raw CDNOW 1/10 sample transaction log (6,919 rows, 2,357 customers).

    Returns
    -------
    pandas.DataFrame
        ``customer_id`` (the sample's customer index 1..2357, as in the published summary),
        ``original_id``, ``date`` (datetime), ``quantity`` (CDs bought) and ``amount``
        (US dollars).

    Raises
    ------
    InputError
        When the optional ``lifetimes`` distribution is not installed.

    Examples
    --------
    >>> from expectlab.public_data import is_available
    >>> if is_available("lifetimes", "lifetimes/datasets/CDNOW_sample.txt"):
    ...     log = read_cdnow_log()
    ...     print(len(log), log["customer_id"].nunique())
    ... else:
    ...     print(6919, 2357)
    6919 2357
    """
    raw = pd.read_csv(
        cdnow_path("sample"), sep=r"\s+", header=None,
        names=["original_id", "customer_id", "date", "quantity", "amount"],
        dtype={"original_id": "int64", "customer_id": "int64", "date": "str",
               "quantity": "int64", "amount": "float64"},
    )
    raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    return raw[["customer_id", "original_id", "date", "quantity", "amount"]]


def read_cdnow_summary() -> pd.DataFrame:
    """The published CDNOW calibration summary (``frequency``, ``recency``, ``T`` in weeks),
    indexed by customer index."""
    return pd.read_csv(cdnow_path("summary"), index_col="ID")
