"""What a PLS path model says: which items measure which construct (the measurement or
outer model) and which construct influences which (the structural or inner model).

:func:`build_specification` checks a specification once, before any data are touched,
and returns a :class:`Specification` with the index arrays the numeric core needs. The
two customer-satisfaction-index models are built in: the ECSI (European Customer
Satisfaction Index) and the ACSI (American Customer Satisfaction Index, Fornell et al.
1996), with the item names of the ECSI mobile-phone survey (``mobi``) as default items.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .._errors import InputError
from .algorithm import Layout

if TYPE_CHECKING:  # pragma: no cover
    from ..study import Study

__all__ = ["Specification", "build_specification", "ECSI_MEASUREMENT", "ECSI_STRUCTURAL",
           "ACSI_MEASUREMENT", "ACSI_STRUCTURAL", "CONSTRUCT_LABELS",
           "CSI_POSITIONS"]

#: ECSI constructs and the ``mobi`` item names that measure them.
ECSI_MEASUREMENT: dict[str, list[str]] = {
    "IMAG": [f"IMAG{i}" for i in range(1, 6)],
    "EXPE": [f"CUEX{i}" for i in range(1, 4)],
    "QUAL": [f"PERQ{i}" for i in range(1, 8)],
    "VAL": ["PERV1", "PERV2"],
    "SAT": [f"CUSA{i}" for i in range(1, 4)],
    "COMP": ["CUSCO"],
    "LOY": [f"CUSL{i}" for i in range(1, 4)],
}

#: The standard ECSI paths (image, expectations, quality, value, satisfaction,
#: complaints, loyalty).
ECSI_STRUCTURAL: list[tuple[str, str]] = [
    ("IMAG", "EXPE"), ("IMAG", "SAT"), ("IMAG", "LOY"),
    ("EXPE", "QUAL"), ("EXPE", "VAL"), ("EXPE", "SAT"),
    ("QUAL", "VAL"), ("QUAL", "SAT"),
    ("VAL", "SAT"),
    ("SAT", "COMP"), ("SAT", "LOY"),
    ("COMP", "LOY"),
]

#: ACSI constructs (Fornell et al. 1996): the ECSI without image.
ACSI_MEASUREMENT: dict[str, list[str]] = {
    k: list(v) for k, v in ECSI_MEASUREMENT.items() if k != "IMAG"}

#: The ACSI paths (Fornell et al. 1996, Figure 1).
ACSI_STRUCTURAL: list[tuple[str, str]] = [
    ("EXPE", "QUAL"), ("EXPE", "VAL"), ("EXPE", "SAT"),
    ("QUAL", "VAL"), ("QUAL", "SAT"),
    ("VAL", "SAT"),
    ("SAT", "COMP"), ("SAT", "LOY"),
    ("COMP", "LOY"),
]

#: Names in words of the built-in constructs (for plots and reports).
CONSTRUCT_LABELS: dict[str, str] = {
    "IMAG": "Image", "EXPE": "Expectations", "QUAL": "Perceived quality",
    "VAL": "Perceived value", "SAT": "Satisfaction", "COMP": "Complaints",
    "LOY": "Loyalty",
}

#: Where the built-in constructs are drawn by ``plot_paths`` (x, y).
CSI_POSITIONS: dict[str, tuple[float, float]] = {
    "IMAG": (0.0, 1.1), "EXPE": (0.0, 0.0), "QUAL": (0.0, -1.1), "VAL": (1.0, -1.3),
    "SAT": (2.0, 0.0), "COMP": (3.1, -0.8), "LOY": (3.1, 0.8),
}

_MODES = ("A", "B")


@dataclass(frozen=True)
class Specification:
    """A checked PLS path model.

    Attributes
    ----------
    constructs : tuple of str
        Construct names in the order given.
    blocks : dict
        Construct -> tuple of its item columns.
    paths : tuple of (str, str)
        Structural paths ``(from, to)``.
    modes : dict
        Construct -> ``"A"`` (reflective) or ``"B"`` (formative).
    """

    constructs: tuple[str, ...]
    blocks: Mapping[str, tuple[str, ...]]
    paths: tuple[tuple[str, str], ...]
    modes: Mapping[str, str]

    @property
    def items(self) -> list[str]:
        """Every item column, block by block."""
        return [i for c in self.constructs for i in self.blocks[c]]

    def layout(self) -> Layout:
        """Index arrays for :func:`~expectlab.csi.algorithm.pls_core`."""
        items = self.items
        pos = {c: j for j, c in enumerate(self.constructs)}
        block_mask = np.zeros((len(items), len(self.constructs)), dtype=bool)
        row = 0
        for j, c in enumerate(self.constructs):
            for _ in self.blocks[c]:
                block_mask[row, j] = True
                row += 1
        path_mask = np.zeros((len(self.constructs),) * 2, dtype=bool)
        for a, b in self.paths:
            path_mask[pos[a], pos[b]] = True
        mode_b = tuple(pos[c] for c in self.constructs
                       if self.modes[c] == "B" and len(self.blocks[c]) > 1)
        return Layout(block_mask=block_mask, path_mask=path_mask, mode_b=mode_b)

    def predecessors(self, construct: str) -> list[str]:
        return [a for a, b in self.paths if b == construct]

    @property
    def endogenous(self) -> list[str]:
        """Constructs with at least one incoming path, in construct order."""
        targets = {b for _, b in self.paths}
        return [c for c in self.constructs if c in targets]

    def depth(self) -> dict[str, int]:
        """Length of the longest path leading to each construct (for drawing)."""
        out = {c: 0 for c in self.constructs}
        for c in _topological(self.constructs, self.paths):
            for a, b in self.paths:
                if a == c:
                    out[b] = max(out[b], out[c] + 1)
        return out


def _topological(constructs: Sequence[str], paths: Sequence[tuple[str, str]]) -> list[str]:
    indeg = {c: 0 for c in constructs}
    for _, b in paths:
        indeg[b] += 1
    order = [c for c in constructs if indeg[c] == 0]
    i = 0
    while i < len(order):
        c = order[i]
        for a, b in paths:
            if a == c:
                indeg[b] -= 1
                if indeg[b] == 0:
                    order.append(b)
        i += 1
    return order


def _find_cycle(constructs: Sequence[str], paths: Sequence[tuple[str, str]]
                ) -> list[str] | None:
    """One directed cycle as a list of constructs (first repeated at the end), or None."""
    succ: dict[str, list[str]] = {c: [] for c in constructs}
    for a, b in paths:
        succ[a].append(b)
    state = {c: 0 for c in constructs}  # 0 new, 1 on the stack, 2 done
    stack: list[str] = []

    def visit(c: str) -> list[str] | None:
        state[c] = 1
        stack.append(c)
        for d in succ[c]:
            if state[d] == 1:
                return stack[stack.index(d):] + [d]
            if state[d] == 0:
                found = visit(d)
                if found:
                    return found
        stack.pop()
        state[c] = 2
        return None

    for c in constructs:
        if state[c] == 0:
            found = visit(c)
            if found:
                return found
    return None


def _items_of(construct: str, spec: Any, study: Study | None,
              columns: Sequence[str] | None) -> list[str]:
    if isinstance(spec, str):
        if study is not None:
            return study.items(spec)
        return [spec]
    if spec is None:
        return []
    try:
        names = list(spec)
    except TypeError:
        raise InputError(
            f"measurement[{construct!r}] must be a list of item columns (or a column / "
            f"study scale name), got {spec!r}.") from None
    bad = [n for n in names if not isinstance(n, str)]
    if bad:
        raise InputError(f"measurement[{construct!r}] must list item column names (text), "
                         f"found {bad[:5]!r}.")
    if study is not None:
        return study.items(names)
    return names


def build_specification(
    # None (a PLSPathModel parameter set to None) is refused below with the fix
    measurement: Mapping[str, Any] | None,
    structural: Sequence[tuple[str, str]] | None,
    modes: str | Mapping[str, str] | None = None,
    *,
    study: Study | None = None,
) -> Specification:
    """Check a PLS path model and return its :class:`Specification`.

    Parameters
    ----------
    measurement : dict
        Construct name -> list of item columns, a single column name, or (with a
        ``study``) the name of one of the study's scales.
    structural : list of (str, str)
        Paths ``(from, to)``; they must form a directed acyclic graph and every construct
        must take part in at least one path.
    modes : str or dict, optional
        ``"A"`` (reflective, correlation weights; the default) or ``"B"`` (formative,
        regression weights), for all constructs or per construct.
    study : Study, optional
        Resolves scale names to their items.

    Returns
    -------
    Specification

    Raises
    ------
    InputError
        For a cycle (named), a construct without items or without a path, an item used by
        two constructs, a path naming an unknown construct, or an unknown mode.

    Examples
    --------
    >>> spec = build_specification({"Q": ["q1", "q2"], "S": ["s1", "s2"]}, [("Q", "S")])
    >>> spec.items
    ['q1', 'q2', 's1', 's2']
    >>> build_specification({"A": ["a"], "B": ["b"]}, [("A", "B"), ("B", "A")])
    Traceback (most recent call last):
    ...
    expectlab._errors.InputError: The structural model has a cycle: A -> B -> A. ...
    """
    if not isinstance(measurement, Mapping) or not measurement:
        raise InputError("measurement must be a non-empty dict: construct name -> list of "
                         "item columns, e.g. {'SAT': ['CUSA1', 'CUSA2', 'CUSA3'], ...}.")
    constructs = [str(c) if isinstance(c, str) else c for c in measurement]
    bad_names = [c for c in constructs if not isinstance(c, str) or not c]
    if bad_names:
        raise InputError(f"Construct names must be non-empty text, got {bad_names!r}.")
    columns = list(study.data.columns) if study is not None else None
    blocks: dict[str, tuple[str, ...]] = {}
    for c in constructs:
        items = _items_of(c, measurement[c], study, columns)
        if not items:
            raise InputError(
                f"Construct {c!r} has no items. List at least one item column for it in "
                "measurement (a single-item construct is allowed).")
        dupes = sorted({i for i in items if items.count(i) > 1})
        if dupes:
            raise InputError(f"Construct {c!r} lists item(s) {dupes} more than once.")
        blocks[c] = tuple(items)
    owner: dict[str, str] = {}
    for c in constructs:
        for i in blocks[c]:
            if i in owner:
                raise InputError(
                    f"Item {i!r} is used by two constructs, {owner[i]!r} and {c!r}. In a PLS "
                    "path model each item measures exactly one construct: remove it from "
                    "one of them (or duplicate the column under another name on purpose).")
            owner[i] = c

    if isinstance(structural, (str, bytes)) or not isinstance(structural, Sequence):
        raise InputError("structural must be a list of (from, to) pairs, e.g. "
                         "[('QUAL', 'SAT'), ('SAT', 'LOY')].")
    paths: list[tuple[str, str]] = []
    for entry in structural:
        if (isinstance(entry, (str, bytes)) or not isinstance(entry, Sequence)
                or len(entry) != 2):
            raise InputError(f"Each structural path must be a pair (from, to), got {entry!r}.")
        a, b = entry
        unknown = [x for x in (a, b) if x not in blocks]
        if unknown:
            raise InputError(
                f"The path {a!r} -> {b!r} names construct(s) {unknown!r} that measurement "
                f"does not define (constructs: {', '.join(constructs)}). Add their items to "
                "measurement or correct the path.")
        if (a, b) in paths:
            raise InputError(f"The path {a!r} -> {b!r} is listed twice. List each path once.")
        paths.append((a, b))
    if not paths:
        raise InputError("structural lists no paths: a path model needs at least one "
                         "(from, to) path between constructs.")
    cycle = _find_cycle(constructs, paths)
    if cycle:
        raise InputError(
            f"The structural model has a cycle: {' -> '.join(cycle)}. PLS path models must "
            "be recursive (no construct may influence itself, directly or through others): "
            "remove one path of the cycle.")
    linked = {x for p in paths for x in p}
    isolated = [c for c in constructs if c not in linked]
    if isolated:
        raise InputError(
            f"Construct(s) {isolated} take part in no structural path. Every construct needs "
            "at least one path (its inner proxy is built from its neighbours): add a path or "
            "remove the construct from measurement.")

    if modes is None:
        mode_map = {c: "A" for c in constructs}
    elif isinstance(modes, str):
        mode_map = {c: modes.upper() for c in constructs}
    elif isinstance(modes, Mapping):
        unknown = [c for c in modes if c not in blocks]
        if unknown:
            raise InputError(f"modes names unknown construct(s) {unknown!r} (constructs: "
                             f"{', '.join(constructs)}).")
        mode_map = {c: str(modes.get(c, "A")).upper() for c in constructs}
    else:
        raise InputError(f"modes must be 'A', 'B' or a dict construct -> mode, got {modes!r}.")
    bad_modes = {c: m for c, m in mode_map.items() if m not in _MODES}
    if bad_modes:
        raise InputError(f"Unknown measurement mode(s) {bad_modes}: use 'A' (reflective) or "
                         "'B' (formative).")
    return Specification(constructs=tuple(constructs), blocks=blocks, paths=tuple(paths),
                         modes=mode_map)
