"""Checks of the service-quality inputs: item batteries, dimensions, scales, weights.

A SERVQUAL questionnaire asks every item twice (expectation E and perception P) or three
times (desired, adequate and perceived service). The mapping item -> columns is declared,
never guessed from column names, and every answer is checked against one shared answer
scale: a gap between an expectation on a 1-7 scale and a perception on a 1-10 scale is
not a gap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._errors import InputError, require_columns
from .._results import ExclusionLog
from .._validate import check_in_scale, numeric_column, resolve_scale, weights_array

if TYPE_CHECKING:  # pragma: no cover
    from ..study import Study

__all__ = ["Batteries", "parse_batteries", "parse_dimensions", "classic_dimensions",
           "battery_scale", "resolve_weights", "CLASSIC_DIMENSIONS"]

#: The five SERVQUAL dimensions and the number of items of the 22-item instrument
#: (Parasuraman, Zeithaml & Berry 1988, 1991), in questionnaire order.
CLASSIC_DIMENSIONS = {"tangibles": 4, "reliability": 5, "responsiveness": 4,
                      "assurance": 4, "empathy": 5}

TWO_ROLES = ("expectation", "perception")
THREE_ROLES = ("desired", "adequate", "perception")


@dataclass(frozen=True)
class Batteries:
    """The declared item batteries: item -> column per role."""

    items: tuple[str, ...]
    roles: tuple[str, ...]
    columns: dict[str, tuple[str, ...]]  # role -> one column per item

    @property
    def three_column(self) -> bool:
        return len(self.roles) == 3

    @property
    def all_columns(self) -> list[str]:
        return [c for role in self.roles for c in self.columns[role]]


def parse_batteries(items: Any, *, what: str = "items") -> Batteries:
    """Validate ``items``: a dict item -> (E, P) or item -> (desired, adequate, perceived).

    Every item must use the same format; a column may serve one role of one item only.
    """
    if not isinstance(items, Mapping) or not items:
        raise InputError(
            f"{what}= must be a non-empty dict item -> (expectation column, perception "
            "column), or item -> (desired, adequate, perceived) columns for the zone of "
            f"tolerance format; got {items!r}.")
    sizes: dict[str, int] = {}
    clean: dict[str, tuple[str, ...]] = {}
    for item, cols in items.items():
        if isinstance(cols, str) or not isinstance(cols, Sequence):
            raise InputError(f"{what}[{item!r}] must be a pair or triple of column names, "
                             f"got {cols!r}.")
        cols = tuple(cols)
        if len(cols) not in (2, 3) or not all(isinstance(c, str) for c in cols):
            raise InputError(
                f"{what}[{item!r}] must be (expectation, perception) or (desired, adequate, "
                f"perceived) column names, got {cols!r}.")
        sizes[str(item)] = len(cols)
        clean[str(item)] = cols
    if len(set(sizes.values())) > 1:
        two = [i for i, k in sizes.items() if k == 2][:3]
        three = [i for i, k in sizes.items() if k == 3][:3]
        raise InputError(
            f"{what}= mixes the two-column format (e.g. {two}) and the three-column format "
            f"(e.g. {three}). Declare every item the same way.")
    flat = [c for cols in clean.values() for c in cols]
    dupes = sorted({c for c in flat if flat.count(c) > 1})
    if dupes:
        raise InputError(f"{what}= uses column(s) {dupes} for more than one role or item. "
                         "Each answer column belongs to one item and one role.")
    roles = TWO_ROLES if next(iter(sizes.values())) == 2 else THREE_ROLES
    columns = {role: tuple(clean[i][j] for i in clean) for j, role in enumerate(roles)}
    return Batteries(tuple(clean), roles, columns)


def classic_dimensions(items: Sequence[str]) -> dict[str, list[str]]:
    """Group the 22 items of the classic instrument, in questionnaire order, into the five
    SERVQUAL dimensions (4 tangibles, 5 reliability, 4 responsiveness, 4 assurance, 5
    empathy items).

    Examples
    --------
    >>> dims = classic_dimensions([f"q{i}" for i in range(1, 23)])
    >>> dims["reliability"]
    ['q5', 'q6', 'q7', 'q8', 'q9']
    """
    items = list(items)
    if len(items) != 22:
        raise InputError(
            f"The classic SERVQUAL grouping needs the 22 items in questionnaire order; got "
            f"{len(items)}. Pass dimensions= as a dict dimension -> items instead.")
    out, start = {}, 0
    for name, k in CLASSIC_DIMENSIONS.items():
        out[name] = items[start:start + k]
        start += k
    return out


def parse_dimensions(dimensions: Any, items: Sequence[str]) -> dict[str, list[str]]:
    """Validate dimension -> items; every item in exactly one dimension, none empty."""
    items = list(items)
    if dimensions is None:
        return {"all items": items}
    if isinstance(dimensions, str):
        if dimensions == "classic":
            return classic_dimensions(items)
        raise InputError(f"dimensions= must be a dict dimension -> items, 'classic' or None; "
                         f"got {dimensions!r}.")
    if not isinstance(dimensions, Mapping) or not dimensions:
        raise InputError(f"dimensions= must be a non-empty dict dimension -> list of items, "
                         f"got {dimensions!r}.")
    out: dict[str, list[str]] = {}
    for dim, members in dimensions.items():
        members = [members] if isinstance(members, str) else list(members or [])
        if not members:
            raise InputError(
                f"Dimension {dim!r} has no items. Give it at least one item of items= or "
                "remove it from dimensions=.")
        unknown = [m for m in members if m not in items]
        if unknown:
            raise InputError(
                f"Dimension {dim!r} lists {unknown}, which are not keys of items= "
                f"(items: {items[:10]}{' ...' if len(items) > 10 else ''}).")
        out[str(dim)] = [str(m) for m in members]
    seen: dict[str, str] = {}
    for dim, members in out.items():
        for m in members:
            if m in seen:
                raise InputError(f"Item {m!r} is listed in dimensions {seen[m]!r} and "
                                 f"{dim!r}. Put every item in one dimension.")
            seen[m] = dim
    orphans = [i for i in items if i not in seen]
    if orphans:
        raise InputError(f"Item(s) {orphans} belong to no dimension. Add them to "
                         "dimensions= (or drop them from items=).")
    return out


def battery_scale(scale: Any, frame: pd.DataFrame, study: Study | None,
                  batteries: Batteries, *, source: str) -> tuple[tuple[float, float], bool]:
    """The one answer scale of every battery, each answer checked against it.

    Batteries declared (codebook) or observed (``scale="infer"``) on different scales are
    refused with the batteries named: their difference would mix units.
    """
    require_columns(frame, batteries.all_columns, source=source)
    for role in batteries.roles:
        for c in batteries.columns[role]:
            numeric_column(frame, c, role=f"{role} item", source=source)
    if scale is None and study is not None:
        declared = {role: {study.scale_of(c) for c in batteries.columns[role]}
                    for role in batteries.roles}
        if all(None not in s and len(s) == 1 for s in declared.values()):
            found = {role: pair for role, s in declared.items() for pair in s
                     if pair is not None}  # the one scale of each role
            if len(set(found.values())) > 1:
                detail = ", ".join(f"{r} items on {lo:g}-{hi:g}" for r, (lo, hi) in
                                   found.items())
                raise InputError(
                    f"The batteries are declared on different answer scales ({detail}). A "
                    "gap between answers on different scales has no meaning: rescale them "
                    "to one scale first, or pass scale= if the codebook is wrong.")
    if isinstance(scale, str) and scale == "infer":
        ranges = {}
        for role in batteries.roles:
            values = np.concatenate([numeric_column(frame, c, source=source).to_numpy()
                                     for c in batteries.columns[role]])
            values = values[~np.isnan(values)]
            if values.size:
                ranges[role] = (float(values.min()), float(values.max()))
        tops = [hi for _, hi in ranges.values()]
        if len(tops) > 1 and max(tops) - min(tops) > 1:
            detail = ", ".join(f"{r} answers {lo:g} to {hi:g}" for r, (lo, hi) in
                               ranges.items())
            raise InputError(
                f"The batteries look like answers on different scales ({detail}). A gap "
                "needs expectation and perception on the same scale: rescale them first, "
                "or pass scale=(min, max) if they really share one.")
    resolved, inferred = resolve_scale(scale, frame, batteries.all_columns, study=study,
                                       role="service-quality item", source=source)
    if inferred:
        resolved = (float(np.floor(resolved[0])), float(np.ceil(resolved[1])))
    return resolved, inferred


def check_optional_scale(values: pd.Series, column: str, study: Study | None,
                         source: str, role: str) -> None:
    """Check a column against its codebook scale when the study declares one."""
    scale = None if study is None else study.scale_of(column)
    if scale is not None:
        check_in_scale(values, scale, column=column, source=source, role=role)


def resolve_weights(frame: pd.DataFrame, study: Study | None, weights: Any,
                    log: ExclusionLog, keep: np.ndarray, *, source: str
                    ) -> tuple[np.ndarray, str | None]:
    """Survey weights (the study's when none are given) and a note saying which."""
    note = None
    if weights is None and study is not None and study.weights is not None:
        weights = study.weights
        note = f"the study's weight column {weights!r}"
    elif isinstance(weights, str):
        note = f"column {weights!r}"
    elif weights is not None:
        note = "array of weights (one per row)"
    w = weights_array(frame, weights, log=log, keep=keep, source=source)
    return w, note
