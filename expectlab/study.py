"""The measurement layer: one object that knows what every column of a study means.

A :class:`Study` joins the data with its codebook and the roles of the columns: the
respondent id, answer items and the multi-item scales (constructs) they form, their
answer scales and negatively worded items, missing-value codes (already applied by
:func:`~expectlab.read_survey`), Kano question pairs, segments, survey weights, the wave
of a panel, the NPS item and the link to a transaction log. It is validated once, when it
is built, and every estimator accepts it in place of a DataFrame::

    survey = expectlab.read_survey("client_survey.sav")
    study = expectlab.Study.from_survey(survey)
    expectlab.SatisfactionRegression().fit(
        study, satisfaction="satisfaction", expectation="expectation",
        experience="experience")

A construct name (``"satisfaction"``) then stands for its items, the scale comes from the
codebook and the study's weights are used unless the call says otherwise. Estimators
given a plain DataFrame go through the same checks (:mod:`expectlab._validate`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from ._errors import InputError, describe_offenders
from ._results import ExclusionLog
from ._validate import check_in_scale, group_labels, numeric_column, weights_array
from .codebook import Codebook

__all__ = ["Study"]

_ROLE_KEYS = ("id", "weights", "segments", "wave", "nps", "kano_pairs", "scales",
              "transactions", "transactions_id")


@dataclass(frozen=True, eq=False)
class Study:
    """Validated survey data with the roles of its columns.

    Build it with :meth:`from_survey` (after :func:`~expectlab.read_survey`) or
    :meth:`from_frame`; the constructor validates everything it is given.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent (or respondent x wave for a panel). Missing-value codes must
        already be missing (``read_survey`` does this from the codebook).
    codebook : Codebook, optional
        Labels, scales, value labels, reverse-worded items and multi-item scales.
    id : str, optional
        Respondent identifier (unique per row, or per respondent x wave with ``wave``).
    weights : str, optional
        Survey weight column (non-negative numbers; rows with a missing or zero weight are
        excluded by the estimators and reported).
    segments : list of str, optional
        Columns that split the sample for reporting (region, customer type...).
    wave : str, optional
        Survey wave of a repeated survey or panel.
    nps : str, optional
        The 0-10 likelihood-to-recommend item.
    kano_pairs : dict, optional
        Kano attribute label -> (functional column, dysfunctional column).
    scales : dict, optional
        Multi-item scale (construct) name -> item columns; added to the codebook's.
    transactions : pandas.DataFrame, optional
        A purchase log linked to the respondents.
    transactions_id : str, optional
        The column of ``transactions`` that holds the respondent id (default: ``id``).

    Attributes
    ----------
    roles : pandas.DataFrame
        One row per declared role: role, column(s), label.

    Examples
    --------
    >>> import pandas as pd
    >>> from expectlab import Study
    >>> df = pd.DataFrame({"rid": [1, 2, 3], "s1": [5, 6, 7], "s2": [4, 6, 7]})
    >>> study = Study.from_frame(df, id="rid", scales={"satisfaction": ["s1", "s2"]},
    ...                          item_scale=(1, 7))
    >>> study.items("satisfaction")
    ['s1', 's2']
    >>> study.scale_of("s1")
    (1.0, 7.0)
    """

    data: pd.DataFrame
    codebook: Codebook = field(default_factory=Codebook)
    id: str | None = None
    weights: str | None = None
    segments: tuple[str, ...] = ()
    wave: str | None = None
    nps: str | None = None
    kano_pairs: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    scales: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    transactions: pd.DataFrame | None = None
    transactions_id: str | None = None
    source: str = "the data"

    def __post_init__(self) -> None:
        if not isinstance(self.data, pd.DataFrame):
            raise InputError(f"Study data must be a pandas DataFrame, got "
                             f"{type(self.data).__name__}.")
        if not isinstance(self.codebook, Codebook):
            raise InputError(f"codebook must be an expectlab Codebook, got "
                             f"{type(self.codebook).__name__}.")
        segments = (self.segments,) if isinstance(self.segments, str) else self.segments
        object.__setattr__(self, "segments", tuple(segments or ()))
        scales = {**self.codebook.scales, **{k: list(v) for k, v in dict(self.scales).items()}}
        object.__setattr__(self, "scales", {str(k): tuple(v) for k, v in scales.items() if v})
        pairs = {}
        for label, pair in dict(self.kano_pairs).items():
            if isinstance(pair, str) or len(tuple(pair)) != 2:
                raise InputError(f"Kano pair {label!r} must be (functional column, "
                                 f"dysfunctional column), got {pair!r}.")
            pairs[str(label)] = tuple(str(c) for c in pair)
        object.__setattr__(self, "kano_pairs", pairs)
        self._validate()

    # -- construction ----------------------------------------------------------------------
    @classmethod
    def from_survey(cls, survey: Any, **roles: Any) -> Study:
        """A study from :func:`~expectlab.read_survey`'s result; roles default to the
        codebook's (``id``, ``weight``, ``segments``, ``wave``, ``nps``, ``kano``,
        ``scales``) and are overridden by keyword."""
        data = getattr(survey, "data", None)
        book = getattr(survey, "codebook", None)
        if not isinstance(data, pd.DataFrame) or not isinstance(book, Codebook):
            raise InputError("Study.from_survey expects the result of expectlab.read_survey; "
                             "use Study.from_frame for a DataFrame.")
        source = getattr(getattr(survey, "source", None), "name", None) or "the data"
        return cls._build(data, book, source=source, **roles)

    @classmethod
    def from_frame(cls, data: pd.DataFrame, codebook: Codebook | Mapping | None = None, *,
                   item_scale: Sequence[float] | None = None, **roles: Any) -> Study:
        """A study from a DataFrame, an optional codebook (object or dict in the YAML
        layout) and roles by keyword. ``item_scale=(min, max)`` declares one answer scale
        for every scale item the codebook leaves without one."""
        if codebook is None:
            book = Codebook()
        elif isinstance(codebook, Codebook):
            book = codebook
        elif isinstance(codebook, Mapping):
            book = Codebook.from_dict(dict(codebook))
        else:
            raise InputError(f"codebook must be a Codebook or a dict, got "
                             f"{type(codebook).__name__}.")
        if item_scale is not None:
            items = [c for cols in list(book.scales.values()) + list(
                (roles.get("scales") or {}).values()) for c in cols]
            variables = dict(book.variables)
            lo, hi = (float(v) for v in item_scale)
            for c in items:
                var = book.get(c)
                if var.scale is None:
                    variables[c] = replace(var, scale=(lo, hi))
            book = replace(book, variables=variables)
        return cls._build(data, book, source=roles.pop("source", "the data"), **roles)

    @classmethod
    def _build(cls, data: pd.DataFrame, book: Codebook, *, source: str, **roles: Any) -> Study:
        unknown = sorted(set(roles) - set(_ROLE_KEYS))
        if unknown:
            raise InputError(f"Unknown study role(s) {unknown}. Known roles: "
                             f"{', '.join(_ROLE_KEYS)}.")
        defaults: dict[str, Any] = {
            "id": book.id_column,
            "weights": getattr(book, "weight_column", None),
            "segments": tuple(getattr(book, "segment_columns", None) or ()),
            "wave": getattr(book, "wave_column", None),
            "nps": getattr(book, "nps_column", None),
            "kano_pairs": dict(getattr(book, "kano_pairs", None) or {}),
        }
        if defaults["weights"] is None:
            typed = [n for n, v in book.variables.items() if v.type == "weight"
                     and n in data.columns]
            if len(typed) == 1:
                defaults["weights"] = typed[0]
        for key, value in roles.items():
            defaults[key] = value
        return cls(data=data, codebook=book, source=source, **defaults)

    # -- validation ------------------------------------------------------------------------
    def _validate(self) -> None:
        data, src = self.data, self.source
        if len(data) == 0:
            raise InputError(f"{src} has no rows.")
        declared: list[tuple[str, str]] = []
        for role in ("id", "weights", "wave", "nps"):
            col = getattr(self, role)
            if col is not None:
                declared.append((role, col))
        declared += [("segment", c) for c in self.segments]
        for label, (f, d) in self.kano_pairs.items():
            declared += [(f"Kano pair {label!r} (functional)", f),
                         (f"Kano pair {label!r} (dysfunctional)", d)]
        for name, items in self.scales.items():
            declared += [(f"scale {name!r} item", c) for c in items]
        absent = [(role, col) for role, col in declared if col not in data.columns]
        if absent:
            import difflib

            parts = []
            for role, col in absent:
                close = difflib.get_close_matches(col, [str(c) for c in data.columns], n=3)
                hint = f" (did you mean {', '.join(map(repr, close))}?)" if close else ""
                parts.append(f"{role}: {col!r}{hint}")
            raise InputError(
                f"{src}: the study names column(s) that the data do not have: "
                f"{'; '.join(parts)}. Correct the names in the codebook or the arguments."
            )
        if self.id is not None:
            ids = data[self.id]
            if ids.isna().any():
                raise InputError(f"{src}, id column {self.id!r}: "
                                 f"{describe_offenders(ids, ids.isna())} have no id.")
            key = [self.id] + ([self.wave] if self.wave else [])
            dup = data.duplicated(key, keep=False)
            if dup.any():
                what = "respondent x wave" if self.wave else "respondent"
                raise InputError(
                    f"{src}: each {what} must appear once, but ids repeat: "
                    f"{describe_offenders(ids, dup)}. Remove duplicated rows or fix the ids.")
        if self.weights is not None:
            # a throwaway log: the study only checks that the weights are usable (missing
            # and zero weights are exclusions, not errors); each estimator logs its own.
            weights_array(data, self.weights, log=ExclusionLog(), source=src)
        if self.wave is not None:
            group_labels(data, self.wave, role="wave", source=src)
        for seg in self.segments:
            group_labels(data, seg, role="segment", source=src)
        for name, items in self.scales.items():
            for c in items:
                values = numeric_column(data, c, role=f"item of scale {name!r}", source=src)
                scale = self.scale_of(c)
                if scale is not None:
                    check_in_scale(values, scale, column=c, source=src,
                                   role=f"item of scale {name!r}")
        if self.nps is not None:
            values = numeric_column(data, self.nps, role="NPS item", source=src)
            check_in_scale(values, (0.0, 10.0), column=self.nps, source=src, role="NPS item")
        if self.transactions is not None:
            link = self.transactions_id or self.id
            if link is None or link not in self.transactions.columns:
                raise InputError(
                    f"The transaction log must have the respondent id column "
                    f"{link!r} to link it to {src}; pass transactions_id= naming it.")
            if self.id is None:
                raise InputError("A transaction log needs the study's id column (id=).")
            unknown = ~self.transactions[link].isin(data[self.id])
            if unknown.all():
                raise InputError(
                    f"No customer of the transaction log matches a respondent id of {src} "
                    f"(log ids such as {self.transactions[link].iloc[:3].tolist()!r}, survey "
                    f"ids such as {data[self.id].iloc[:3].tolist()!r}). Check the id columns "
                    "and their types.")

    # -- questions estimators ask ----------------------------------------------------------
    def items(self, spec: str | Sequence[str]) -> list[str]:
        """Item columns of a scale name, or the columns given (a name that is both a scale
        and a column means the column)."""
        if isinstance(spec, str):
            if spec in self.data.columns:
                return [spec]
            if spec in self.scales:
                return list(self.scales[spec])
            raise InputError(
                f"{spec!r} is neither a column of {self.source} nor a scale of the study "
                f"(scales: {', '.join(self.scales) or 'none declared'}).")
        return [c for s in spec for c in self.items(s)]

    def scale_of(self, column: str) -> tuple[float, float] | None:
        """The declared answer scale of a column (``None`` when not declared)."""
        scale = self.codebook.get(column).scale
        return None if scale is None else (float(scale[0]), float(scale[1]))

    def label(self, column: str) -> str:
        """The codebook label of a column (its name when there is none)."""
        return self.codebook.label(column)

    def reverse_items(self) -> list[str]:
        """Items flagged as negatively worded in the codebook."""
        return [c for c in self.codebook.reverse_items if c in self.data.columns]

    def reverse_coded(self) -> Study:
        """A copy with negatively worded items reversed on their declared scale."""
        from .scales import reverse_code

        data = self.data.copy()
        for c in self.reverse_items():
            scale = self.scale_of(c)
            if scale is None:
                raise InputError(f"Cannot reverse-code {c!r}: the codebook declares no scale "
                                 "for it. Add 'scale: [min, max]' to its entry.")
            data[c] = reverse_code(data[c], scale=scale)
        variables = {n: (replace(v, reverse=False) if v.reverse else v)
                     for n, v in self.codebook.variables.items()}
        return replace(self, data=data, codebook=replace(self.codebook, variables=variables))

    @property
    def roles(self) -> pd.DataFrame:
        rows = []
        for role in ("id", "weights", "wave", "nps"):
            col = getattr(self, role)
            if col is not None:
                rows.append({"role": role, "columns": col, "label": self.label(col)})
        for seg in self.segments:
            rows.append({"role": "segment", "columns": seg, "label": self.label(seg)})
        for name, items in self.scales.items():
            rows.append({"role": "scale", "columns": ", ".join(items), "label": name})
        for label, pair in self.kano_pairs.items():
            rows.append({"role": "kano pair", "columns": ", ".join(pair), "label": label})
        return pd.DataFrame(rows, columns=["role", "columns", "label"])

    def __repr__(self) -> str:
        parts = [f"{len(self.data)} rows"]
        if self.scales:
            parts.append(f"scales {', '.join(self.scales)}")
        if self.kano_pairs:
            parts.append(f"{len(self.kano_pairs)} Kano pairs")
        if self.weights:
            parts.append(f"weights {self.weights!r}")
        if self.wave:
            parts.append(f"wave {self.wave!r}")
        return f"Study({self.source!r}: {'; '.join(parts)})"
