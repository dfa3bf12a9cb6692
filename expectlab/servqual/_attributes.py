"""Shared input handling of the attribute-level analyses (IPA, penalty-reward): the
attribute -> column mapping, the overall rating, listwise exclusion and weights."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._errors import InputError, require_columns
from .._results import ExclusionLog
from .._validate import as_frame, numeric_column, resolve_scale
from ._inputs import check_optional_scale, resolve_weights

__all__ = ["AttributeData", "attribute_mapping", "prepare_attributes"]


@dataclass
class AttributeData:
    names: list[str]
    columns: dict[str, str]
    performance: np.ndarray          # (n, k) rows used
    overall: np.ndarray | None       # (n,)
    weights: np.ndarray              # (n,)
    weights_note: str | None
    index: pd.Index
    scale: tuple[float, float]
    scale_inferred: bool
    excluded: pd.DataFrame
    frame: pd.DataFrame              # the input frame (not stored by estimators)
    keep: np.ndarray
    study: Any
    source: str


def attribute_mapping(spec: Any, *, role: str) -> dict[str, str]:
    """``{label: column}`` from a dict or a list of column names (label = column)."""
    if isinstance(spec, Mapping):
        mapping = {str(k): v for k, v in spec.items()}
    elif isinstance(spec, Sequence) and not isinstance(spec, str):
        mapping = {str(c): c for c in spec}
    else:
        raise InputError(f"{role}= must be a list of columns or a dict label -> column, got "
                         f"{spec!r}.")
    if not mapping:
        raise InputError(f"{role}= is empty: name at least one attribute column.")
    bad = [v for v in mapping.values() if not isinstance(v, str)]
    if bad:
        raise InputError(f"{role}= must map labels to column names (text), found {bad[:3]}.")
    return mapping


def prepare_attributes(data: Any, attributes: Any, overall: str | None, weights: Any,
                       scale: Any, *, require_overall: bool) -> AttributeData:
    frame, study = as_frame(data)
    source = "data" if study is None else study.source
    columns = attribute_mapping(attributes, role="attributes")
    if require_overall and overall is None:
        raise InputError("overall= is required: name the overall satisfaction column.")
    require_columns(frame, [*columns.values(), overall,
                            weights if isinstance(weights, str) else None], source=source)
    if len(frame) == 0:
        raise InputError(f"{source} has no rows.")
    names = list(columns)
    cols = [columns[a] for a in names]
    resolved, inferred = resolve_scale(scale, frame, cols, study=study,
                                       role="attribute performance", source=source)
    perf = np.column_stack([numeric_column(frame, c, role="attribute performance",
                                           source=source).to_numpy() for c in cols])
    log = ExclusionLog()
    keep = np.ones(len(frame), dtype=bool)
    for j, a in enumerate(names):
        miss = np.isnan(perf[:, j]) & keep
        log.add_mask(frame, miss, f"missing performance of {a!r} ({cols[j]})")
        keep &= ~miss
    y = None
    if overall is not None:
        series = numeric_column(frame, overall, role="overall satisfaction", source=source)
        check_optional_scale(series, overall, study, source, "overall satisfaction")
        y = series.to_numpy()
        miss = np.isnan(y) & keep
        log.add_mask(frame, miss, f"missing overall rating {overall!r}")
        keep &= ~miss
    w, note = resolve_weights(frame, study, weights, log, keep, source=source)
    if keep.sum() < 5:
        raise InputError(f"Only {int(keep.sum())} usable respondents in {source} (see the "
                         "exclusions); at least 5 are needed.")
    return AttributeData(names, columns, perf[keep], None if y is None else y[keep],
                         w[keep], note, frame.index[keep], resolved, inferred,
                         log.to_frame(), frame, keep, study, source)
