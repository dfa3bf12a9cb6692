"""Codebooks: what each survey column means, which values it may take, and the study's roles.

A codebook records, per variable, its label, type, declared scale range, value labels,
missing-value codes (discrete codes and ranges, as SPSS user-missing values), whether the
item is negatively worded (to be reverse-coded) and the construct it measures. It also
records the *roles* of a study: the respondent identifier, the survey weight, the
segmenting columns, the wave, the multi-item scales, the Kano question pairs and the
recommendation (NPS) question. It comes from the metadata of an SPSS or Stata file, or from
a small YAML or CSV file next to a CSV export, or from both (the file given by the user
wins field by field).

YAML layout (client files are untrusted: read with a safe loader that also refuses
anchors and aliases, duplicate keys, deep nesting and files over 10 MB)::

    dataset: client_survey
    description: Customer survey of a mobile-phone provider
    id: respondent_id
    weight: weight
    segments: [segment, region]
    wave: wave
    nps: recommend
    scales:
      expectation: [exp_1, exp_2, exp_3]
    kano:
      Wi-Fi on board: [wifi_f, wifi_d]
    variables:
      exp_1:
        label: Expected network quality
        type: numeric
        scale: [1, 7]
        value_labels: {1: Very poor, 7: Excellent}
        missing: [98, 99]
        missing_ranges: [[900, 999]]
        construct: expectation
      sat_3:
        label: I regret choosing this provider
        scale: [1, 7]
        reverse: true

Every key is checked against a schema (see :data:`TOP_LEVEL_KEYS` and
:data:`VARIABLE_FIELDS`); all problems of a file are reported together in one
:class:`~expectlab.InputError`, each with its field path (``variables.sat_3.reverse``),
the value found and what is expected. When ``id`` or ``weight`` is not declared, a single
variable of ``type: id`` or ``type: weight`` supplies it.

CSV layout: one row per variable with the columns ``variable, label, type, scale_min,
scale_max, missing, value_labels, reverse, construct, unit`` (``missing`` as ``98;99``,
``value_labels`` as ``1=Very poor;7=Excellent``, ``reverse`` as true/false/yes/no/1/0 or
empty). A CSV codebook describes variables only: roles other than those implied by
``type: id`` / ``type: weight`` (weight, segments, wave, Kano pairs, NPS, explicit scales)
need the YAML layout.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from ._errors import InputError

__all__ = ["Codebook", "Variable", "TOP_LEVEL_KEYS", "VARIABLE_FIELDS", "VARIABLE_TYPES",
           "MAX_CODEBOOK_BYTES"]

#: Allowed values of a variable's ``type``.
VARIABLE_TYPES: tuple[str, ...] = ("categorical", "date", "id", "numeric", "text", "weight")

#: Keys a YAML/dict codebook may have at its top level.
TOP_LEVEL_KEYS: tuple[str, ...] = (
    "dataset", "description", "source", "id", "weight", "segments", "wave", "scales", "kano",
    "nps", "variables",
)

#: Fields a variable entry may have.
VARIABLE_FIELDS: tuple[str, ...] = (
    "label", "type", "scale", "value_labels", "missing", "missing_ranges", "reverse",
    "construct", "unit", "recode",
)

#: Largest codebook file read (bytes). Real codebooks are a few kilobytes; anything far
#: larger is a wrong file or an attempt to exhaust memory.
MAX_CODEBOOK_BYTES = 10 * 1024 * 1024

# A codebook nests at most five levels (root, variables, variable, value_labels, code);
# deeper documents are refused before PyYAML's recursive composer can overflow the stack.
_MAX_YAML_DEPTH = 20
# Problems listed in one error before the rest are summarised by count.
_MAX_PROBLEMS_SHOWN = 40

_CSV_COLUMNS = ("variable", "label", "type", "scale_min", "scale_max", "missing",
                "value_labels", "reverse", "construct", "unit")
_CSV_TRUE = {"true", "yes", "y", "1"}
_CSV_FALSE = {"false", "no", "n", "0", ""}


@dataclass
class Variable:
    """Metadata of one survey variable.

    Parameters
    ----------
    name : str
        Column name in the data.
    label : str, optional
        Question wording or a short description.
    type : str, optional
        One of :data:`VARIABLE_TYPES`.
    scale : tuple of float, optional
        Declared ``(minimum, maximum)`` of the answer scale.
    value_labels : dict
        Code -> text.
    missing : list
        Codes that mean "no answer" (e.g. 99 for "don't know").
    missing_ranges : list of tuple of float
        Inclusive ``(low, high)`` ranges of missing codes.
    reverse : bool
        True for negatively worded items that are reverse-coded before scoring.
    construct : str, optional
        The multi-item scale the item belongs to.
    unit : str, optional
        Unit of measurement (e.g. ``"EUR"``).

    Examples
    --------
    >>> Variable("q1", scale=(1.0, 5.0)).is_numeric
    True
    """

    name: str
    label: str | None = None
    type: str | None = None
    scale: tuple[float, float] | None = None
    value_labels: dict[Any, str] = field(default_factory=dict)
    missing: list[Any] = field(default_factory=list)
    missing_ranges: list[tuple[float, float]] = field(default_factory=list)
    reverse: bool = False
    construct: str | None = None
    unit: str | None = None
    recode: dict[Any, float] = field(default_factory=dict)

    @property
    def is_numeric(self) -> bool:
        """True when the variable must hold numbers (declared numeric or scaled)."""
        if self.type in ("numeric", "weight"):
            return True
        if self.type in ("text", "categorical", "date", "id"):
            return False
        return self.scale is not None

    def merged_with(self, other: Variable) -> Variable:
        """This variable updated by every field that ``other`` sets.

        Examples
        --------
        >>> Variable("q", label="Old", scale=(1.0, 5.0)).merged_with(Variable("q", label="New"))
        Variable(name='q', label='New', type=None, scale=(1.0, 5.0), value_labels={}, \
missing=[], missing_ranges=[], reverse=False, construct=None, unit=None, recode={})
        """
        updates: dict[str, Any] = {}
        for name in ("label", "type", "scale", "construct", "unit"):
            value = getattr(other, name)
            if value is not None:
                updates[name] = value
        if other.value_labels:
            updates["value_labels"] = dict(other.value_labels)
        if other.missing:
            updates["missing"] = list(other.missing)
        if other.missing_ranges:
            updates["missing_ranges"] = list(other.missing_ranges)
        if other.reverse:
            updates["reverse"] = True
        if other.recode:
            updates["recode"] = dict(other.recode)
        return replace(self, **updates)


@dataclass
class Codebook:
    """Variables of a survey with labels, scales, value labels, missing codes and roles.

    Parameters
    ----------
    variables : dict of str to Variable
        Metadata by column name.
    dataset, description, source : str, optional
        Free text describing the data set.
    id_column : str, optional
        The respondent identifier column (YAML key ``id``).
    scales : dict of str to list of str
        Multi-item scales: scale name -> item columns.
    weight_column : str, optional
        The survey weight column (YAML key ``weight``).
    segment_columns : list of str
        Columns that split respondents into segments (YAML key ``segments``).
    wave_column : str, optional
        The survey wave (or period) column of a tracker (YAML key ``wave``).
    kano_pairs : dict of str to (str, str)
        Kano attribute label -> (functional column, dysfunctional column) (YAML key
        ``kano``).
    nps_column : str, optional
        The 0-10 likelihood-to-recommend question (YAML key ``nps``).

    Raises
    ------
    InputError
        When roles contradict each other: a column named twice within one role, a Kano pair
        that is not two distinct columns, a column used in two Kano pairs, or the id or
        weight column also used in another role.

    Examples
    --------
    >>> cb = Codebook.from_dict({
    ...     "id": "rid",
    ...     "kano": {"Wi-Fi": ["wifi_f", "wifi_d"]},
    ...     "variables": {"q1": {"label": "Overall", "scale": [1, 5]},
    ...                   "w": {"type": "weight"}},
    ... })
    >>> cb["q1"].scale
    (1.0, 5.0)
    >>> cb.weight_column, cb.kano_pairs
    ('w', {'Wi-Fi': ('wifi_f', 'wifi_d')})
    """

    variables: dict[str, Variable] = field(default_factory=dict)
    dataset: str | None = None
    description: str | None = None
    source: str | None = None
    id_column: str | None = None
    scales: dict[str, list[str]] = field(default_factory=dict)
    weight_column: str | None = None
    segment_columns: list[str] = field(default_factory=list)
    wave_column: str | None = None
    kano_pairs: dict[str, tuple[str, str]] = field(default_factory=dict)
    nps_column: str | None = None

    def __post_init__(self) -> None:
        self.segment_columns = list(self.segment_columns)
        self.kano_pairs = {k: tuple(v) for k, v in self.kano_pairs.items()}  # type: ignore[misc]
        problems = _Problems()
        _cross_check(vars(self), problems)
        problems.raise_if_any("the codebook")

    # -- access ----------------------------------------------------------------------
    def __getitem__(self, name: str) -> Variable:
        return self.variables[name]

    def __contains__(self, name: object) -> bool:
        return name in self.variables

    def get(self, name: str) -> Variable:
        """The variable's metadata, or an empty record when the codebook lacks it."""
        return self.variables.get(name, Variable(name))

    def label(self, name: str) -> str:
        """The variable label, falling back to the column name."""
        var = self.variables.get(name)
        return var.label if var is not None and var.label else name

    @property
    def reverse_items(self) -> list[str]:
        """Columns flagged as negatively worded."""
        return [name for name, var in self.variables.items() if var.reverse]

    def merged_with(self, other: Codebook | None) -> Codebook:
        """A new codebook: this one updated by ``other`` field by field.

        Variables merge field by field, scales and Kano pairs merge by name, and every
        role (id, weight, segments, wave, NPS) that ``other`` declares replaces this
        one's.

        Parameters
        ----------
        other : Codebook or None
            The codebook that wins (usually the file the user gave).

        Returns
        -------
        Codebook

        Raises
        ------
        InputError
            When the merged roles contradict each other (see :class:`Codebook`).

        Examples
        --------
        >>> meta = Codebook(id_column="rid", weight_column="w")
        >>> given = Codebook(weight_column="w2", segment_columns=["region"])
        >>> merged = meta.merged_with(given)
        >>> merged.id_column, merged.weight_column, merged.segment_columns
        ('rid', 'w2', ['region'])
        """
        if other is None:
            return self
        variables = dict(self.variables)
        for name, var in other.variables.items():
            variables[name] = variables[name].merged_with(var) if name in variables else var
        return Codebook(
            variables=variables,
            dataset=other.dataset or self.dataset,
            description=other.description or self.description,
            source=other.source or self.source,
            id_column=other.id_column or self.id_column,
            scales={**self.scales, **other.scales},
            weight_column=other.weight_column or self.weight_column,
            segment_columns=list(other.segment_columns or self.segment_columns),
            wave_column=other.wave_column or self.wave_column,
            kano_pairs={**self.kano_pairs, **other.kano_pairs},
            nps_column=other.nps_column or self.nps_column,
        )

    def validate_against(self, columns: Sequence[str], *, source_name: str) -> list[str]:
        """Check the codebook against the columns of a data file.

        Parameters
        ----------
        columns : sequence of str
            Column names of the data.
        source_name : str
            How to name the data in messages (e.g. ``"survey.csv"``).

        Returns
        -------
        list of str
            Notes (not errors): variables the codebook describes that the data lacks.

        Raises
        ------
        InputError
            When a column with a role (id, weight, segments, wave, Kano pairs, NPS, scale
            items) is absent from the data. The message names every such role and column
            with the closest column names of the data as the likely fix.

        Examples
        --------
        >>> cb = Codebook.from_dict({"weight": "weight",
        ...                          "variables": {"q1": {}, "q9": {"label": "Dropped"}}})
        >>> cb.validate_against(["q1", "weight"], source_name="survey.csv")
        ['The codebook describes 1 column(s) survey.csv does not have: q9.']
        >>> cb.validate_against(["q1", "weigth"], source_name="survey.csv")
        Traceback (most recent call last):
        ...
        expectlab._errors.InputError: The codebook gives roles to 1 column(s) that survey.csv \
does not have:
          - weight column: 'weight' (did you mean 'weigth'?)
        Correct the column names in the codebook (or rename the columns of the data). \
Columns in survey.csv: 'q1', 'weigth'.
        """
        if isinstance(columns, (str, bytes)) or not isinstance(columns, Iterable):
            raise InputError(
                f"columns must be a sequence of column names, got {type(columns).__name__} "
                f"{columns!r:.60}. Pass list(data.columns)."
            )
        names = [str(c) for c in columns]
        present = set(names)
        lines = []
        for role, column in self._role_columns():
            if column in present:
                continue
            close = _close_matches(column, names)
            hint = (f"did you mean {' or '.join(map(repr, close))}?" if close
                    else "no similar column in the data")
            lines.append(f"  - {role}: {column!r} ({hint})")
        if lines:
            shown = ", ".join(map(repr, names[:30])) + (" ..." if len(names) > 30 else "")
            raise InputError(
                f"The codebook gives roles to {len(lines)} column(s) that {source_name} does "
                "not have:\n" + "\n".join(lines) + "\nCorrect the column names in the codebook "
                f"(or rename the columns of the data). Columns in {source_name}: "
                f"{shown or '(none)'}."
            )
        absent = [v for v in self.variables if v not in present]
        if not absent:
            return []
        return [
            f"The codebook describes {len(absent)} column(s) {source_name} does not have: "
            f"{', '.join(absent[:10])}{' ...' if len(absent) > 10 else ''}."
        ]

    def _role_columns(self) -> list[tuple[str, str]]:
        """(role description, column) for every column with a role, in a stable order."""
        return _role_columns(vars(self))

    def to_frame(self) -> pd.DataFrame:
        """One row per variable, for display."""
        rows = []
        for name, var in self.variables.items():
            rows.append(
                {
                    "variable": name,
                    "label": var.label,
                    "type": var.type,
                    "scale_min": var.scale[0] if var.scale else None,
                    "scale_max": var.scale[1] if var.scale else None,
                    "value_labels": "; ".join(f"{k}={v}" for k, v in var.value_labels.items()),
                    "missing": "; ".join(map(str, var.missing)),
                    "reverse": var.reverse,
                    "construct": var.construct,
                }
            )
        return pd.DataFrame(rows).set_index("variable") if rows else pd.DataFrame()

    # -- construction ----------------------------------------------------------------
    @classmethod
    def from_dict(cls, spec: dict[str, Any], *, source_name: str = "the codebook") -> Codebook:
        """Build a codebook from the YAML layout (already parsed into a dict).

        Parameters
        ----------
        spec : dict
            The parsed YAML layout (see the module docstring).
        source_name : str
            How to name the codebook in messages.

        Returns
        -------
        Codebook

        Raises
        ------
        InputError
            Listing every problem found: unknown keys, values of the wrong kind, impossible
            scales or ranges, ambiguous ``type: id``/``type: weight`` variables and
            contradictory roles.

        Examples
        --------
        >>> Codebook.from_dict({"variables": {"q": {"reverse": "false", "scale": [5, 1]}}})
        Traceback (most recent call last):
        ...
        expectlab._errors.InputError: the codebook has 2 problem(s):
          - variables.q.scale: found [5, 1] (list); expected [min, max] with the minimum \
below the maximum
          - variables.q.reverse: found 'false' (text); expected true or false (unquoted YAML \
booleans)
        Correct these entries and read the codebook again.
        """
        problems = _Problems()
        kwargs = _parse_spec(spec, problems)
        problems.raise_if_any(source_name)
        return cls(**kwargs)

    @classmethod
    def from_yaml(cls, path: str | Path) -> Codebook:
        """Read a YAML codebook.

        The file is parsed with a safe loader (no code in client files runs) that also
        refuses YAML anchors and aliases (which let a few hundred bytes expand into
        gigabytes), duplicate keys (where YAML silently keeps the last), documents nested
        deeper than a codebook can be, and files over :data:`MAX_CODEBOOK_BYTES`.

        Parameters
        ----------
        path : str or Path

        Returns
        -------
        Codebook

        Raises
        ------
        InputError
            When the file is missing, too large, not UTF-8, not valid YAML, uses anchors,
            aliases or duplicate keys, or does not follow the schema.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "survey.codebook.yaml"
        >>> _ = path.write_text("weight: w\\nvariables:\\n  q1: {scale: [1, 5]}\\n")
        >>> book = Codebook.from_yaml(path)
        >>> book.weight_column, book["q1"].scale
        ('w', (1.0, 5.0))
        """
        import yaml

        path = Path(path)
        where = f"codebook file {str(path)!r}"
        text = _read_text(path)
        try:
            spec = yaml.load(text, Loader=_CodebookLoader)  # noqa: S506 - a SafeLoader
        except _RefusedYAML as exc:
            raise InputError(f"Codebook file {str(path)!r}: {exc}") from None
        except yaml.YAMLError as exc:
            raise InputError(
                f"Codebook file {str(path)!r} is not valid YAML ({exc}). "
                "Check indentation and quoting, or give the codebook as CSV."
            ) from None
        if spec is None:
            raise InputError(f"Codebook file {str(path)!r} is empty.")
        return cls.from_dict(spec, source_name=where)

    @classmethod
    def from_csv(cls, path: str | Path) -> Codebook:
        """Read a CSV codebook (one row per variable).

        A CSV codebook describes variables only; roles other than those implied by a single
        ``type: id`` or ``type: weight`` variable (weight, segments, wave, Kano pairs, NPS,
        explicit scales) need the YAML layout. Scales follow from the ``construct`` column.

        Parameters
        ----------
        path : str or Path
            A file with the columns ``variable`` (required) and any of ``label, type,
            scale_min, scale_max, missing, value_labels, reverse, construct, unit``.
            ``reverse`` takes true/false, yes/no, y/n, 1/0 or empty (any case).

        Returns
        -------
        Codebook

        Raises
        ------
        InputError
            Listing every problem: unknown columns, missing or repeated variable names,
            malformed value labels, unknown ``reverse`` words and every schema problem.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "survey.codebook.csv"
        >>> _ = path.write_text("variable,scale_min,scale_max,reverse\\nq1,1,5,No\\n"
        ...                     "q2,1,5,yes\\n")
        >>> Codebook.from_csv(path).reverse_items
        ['q2']
        """
        path = Path(path)
        where = f"codebook file {str(path)!r}"
        text = _read_text(path)
        import io

        try:
            table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        except pd.errors.EmptyDataError:
            raise InputError(f"Codebook file {str(path)!r} is empty.") from None
        except pd.errors.ParserError as exc:
            raise InputError(
                f"Codebook file {str(path)!r} is not a valid CSV table ({exc}). Check the "
                "quoting and the number of fields per row."
            ) from None
        if "variable" not in table.columns:
            raise InputError(
                f"Codebook file {str(path)!r} needs a 'variable' column; found columns "
                f"{list(table.columns)}."
            )
        problems = _Problems()
        unknown = [c for c in table.columns if c not in _CSV_COLUMNS]
        if unknown:
            problems.add("columns", unknown, f"only the columns {list(_CSV_COLUMNS)} (a CSV "
                         "codebook describes variables only; declare roles such as weight, "
                         "segments, wave, kano or nps in a YAML codebook)")
        spec: dict[str, Any] = {"variables": {}}
        for position, (_, row) in enumerate(table.iterrows()):
            line = position + 2  # the header is line 1
            name = row["variable"]
            if not name.strip():
                problems.add(f"line {line}.variable", name, "a column name")
                continue
            if name in spec["variables"]:
                problems.add(f"line {line}.variable", name,
                             "each variable described on one row only")
                continue
            path_of = f"variables.{name}"
            item: dict[str, Any] = {}
            for key in ("label", "type", "construct", "unit"):
                if row.get(key):
                    item[key] = row[key]
            lo, hi = row.get("scale_min", ""), row.get("scale_max", "")
            if lo or hi:
                item["scale"] = [_parse_scalar(lo), _parse_scalar(hi)]
            if row.get("missing"):
                item["missing"] = [_parse_scalar(x) for x in row["missing"].split(";")
                                   if x.strip()]
            if row.get("value_labels"):
                labels = {}
                for part in row["value_labels"].split(";"):
                    if not part.strip():
                        continue
                    if "=" not in part:
                        problems.add(f"{path_of}.value_labels", part.strip(),
                                     "entries of the form code=label, separated by ';'")
                        continue
                    code, label_text = part.split("=", 1)
                    labels[_parse_scalar(code)] = label_text.strip()
                item["value_labels"] = labels
            word = row.get("reverse", "").strip().lower()
            if word in _CSV_TRUE:
                item["reverse"] = True
            elif word in _CSV_FALSE:
                item["reverse"] = False
            else:
                problems.add(f"{path_of}.reverse (line {line})", row["reverse"],
                             "one of true/false, yes/no, y/n, 1/0 or empty")
            spec["variables"][name] = item
        kwargs = _parse_spec(spec, problems)
        problems.raise_if_any(where)
        return cls(**kwargs)

    @classmethod
    def from_path(cls, path: str | Path) -> Codebook:
        """Read a codebook from a ``.yaml``/``.yml`` or ``.csv`` file."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml"):
            return cls.from_yaml(path)
        if suffix == ".csv":
            return cls.from_csv(path)
        raise InputError(
            f"Codebook file {str(path)!r} has an unknown type {suffix!r}. "
            "Give the codebook as .yaml, .yml or .csv."
        )

    def to_yaml(self, path: str | Path) -> None:
        """Write the codebook as YAML (deterministic key order, no anchors).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "cb.yaml"
        >>> Codebook(nps_column="nps", variables={"nps": Variable("nps")}).to_yaml(path)
        >>> print(path.read_text(), end="")
        nps: nps
        variables:
          nps: {}
        """
        import yaml

        spec: dict[str, Any] = {}
        for key, value in (("dataset", self.dataset), ("description", self.description),
                           ("source", self.source), ("id", self.id_column),
                           ("weight", self.weight_column)):
            if value:
                spec[key] = value
        if self.segment_columns:
            spec["segments"] = list(self.segment_columns)
        if self.wave_column:
            spec["wave"] = self.wave_column
        if self.scales:
            spec["scales"] = {k: list(v) for k, v in self.scales.items()}
        if self.kano_pairs:
            spec["kano"] = {k: list(v) for k, v in self.kano_pairs.items()}
        if self.nps_column:
            spec["nps"] = self.nps_column
        spec["variables"] = {}
        for name, var in self.variables.items():
            item: dict[str, Any] = {}
            if var.label:
                item["label"] = var.label
            if var.type:
                item["type"] = var.type
            if var.scale:
                item["scale"] = [_plain(var.scale[0]), _plain(var.scale[1])]
            if var.value_labels:
                item["value_labels"] = {_plain(k): v for k, v in var.value_labels.items()}
            if var.missing:
                item["missing"] = [_plain(m) for m in var.missing]
            if var.missing_ranges:
                item["missing_ranges"] = [[_plain(lo), _plain(hi)]
                                          for lo, hi in var.missing_ranges]
            if var.reverse:
                item["reverse"] = True
            if var.construct:
                item["construct"] = var.construct
            if var.unit:
                item["unit"] = var.unit
            if var.recode:
                item["recode"] = {k: _plain(v) for k, v in var.recode.items()}
            spec["variables"][name] = item
        Path(path).write_text(
            yaml.dump(spec, Dumper=_CodebookDumper, sort_keys=False, allow_unicode=True,
                      width=100),
            encoding="utf-8",
            newline="\n",
        )


# -- reading files -----------------------------------------------------------------------
def _read_text(path: Path) -> str:
    """The file's text, refusing missing, oversized and non-UTF-8 files with a clear error."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_CODEBOOK_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"Codebook file {str(path)!r} does not exist.") from None
    except OSError as exc:
        raise InputError(
            f"Codebook file {str(path)!r} cannot be read ({exc.strerror or exc}). Give the "
            "path of a readable .yaml, .yml or .csv file."
        ) from None
    if len(raw) > MAX_CODEBOOK_BYTES:
        raise InputError(
            f"Codebook file {str(path)!r} is larger than {MAX_CODEBOOK_BYTES // 2**20} MB; a "
            "codebook describes columns in a few kilobytes. Check that this is the codebook "
            "and not the data file."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"Codebook file {str(path)!r} is not UTF-8 text (byte {exc.start}: "
            f"{raw[exc.start:exc.start + 1]!r}). Save it as UTF-8."
        ) from None


def _load_yaml_classes() -> tuple[type[Exception], type, type]:
    import yaml

    class RefusedYAML(yaml.YAMLError):
        """A YAML feature a codebook must not use (the message says which and where)."""

    class CodebookLoader(yaml.SafeLoader):
        """Safe loader that refuses anchors, aliases, duplicate keys and deep nesting.

        Aliases are refused at composition, before anything is expanded, so a "billion
        laughs" file fails after reading its first anchor.
        """

        _depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.peek_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                kind = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
                raise RefusedYAML(
                    f"YAML {kind} {'*' if kind == 'alias' else '&'}{event.anchor} at "
                    f"line {event.start_mark.line + 1}. Codebooks must not use YAML "
                    "anchors/aliases (& and *): they can expand a small file into gigabytes. "
                    "Write every value out in full."
                )
            self._depth += 1
            try:
                if self._depth > _MAX_YAML_DEPTH:
                    raise RefusedYAML(
                        f"nesting deeper than {_MAX_YAML_DEPTH} levels at line "
                        f"{event.start_mark.line + 1}; a codebook nests at most five levels."
                    )
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.setdefault(key, key_node.start_mark.line + 1)
                except TypeError:
                    continue  # unhashable keys: the base class reports them
                if first != key_node.start_mark.line + 1:
                    raise RefusedYAML(
                        f"key {key!r} appears twice (lines {first} and "
                        f"{key_node.start_mark.line + 1}); YAML would silently keep the last. "
                        "Remove or merge the duplicate."
                    )
            return super().construct_mapping(node, deep=deep)

    class CodebookDumper(yaml.SafeDumper):
        """Safe dumper that writes shared objects out in full (our loader refuses aliases)."""

        def ignore_aliases(self, data: Any) -> bool:
            return True

    return RefusedYAML, CodebookLoader, CodebookDumper


_RefusedYAML, _CodebookLoader, _CodebookDumper = _load_yaml_classes()


def _role_columns(fields: dict[str, Any]) -> list[tuple[str, str]]:
    """(role description, column) for every role in the Codebook ``fields``, stably ordered."""
    roles: list[tuple[str, str]] = []
    if fields.get("id_column"):
        roles.append(("id column", fields["id_column"]))
    if fields.get("weight_column"):
        roles.append(("weight column", fields["weight_column"]))
    roles += [("segment column", c) for c in fields.get("segment_columns", [])]
    if fields.get("wave_column"):
        roles.append(("wave column", fields["wave_column"]))
    for attribute, pair in fields.get("kano_pairs", {}).items():
        for side, column in zip(("functional", "dysfunctional"), pair, strict=False):
            roles.append((f"Kano {side} column of {attribute!r}", column))
    if fields.get("nps_column"):
        roles.append(("NPS column", fields["nps_column"]))
    for scale, items in fields.get("scales", {}).items():
        roles += [(f"item of scale {scale!r}", item) for item in items]
    return roles


def _close_matches(column: str, names: list[str]) -> list[str]:
    """Up to three column names close to ``column``, ignoring case (for "did you mean")."""
    by_lower: dict[str, str] = {}
    for name in names:
        by_lower.setdefault(name.casefold(), name)
    close = difflib.get_close_matches(column.casefold(), list(by_lower), n=3, cutoff=0.6)
    return [by_lower[c] for c in close]


# -- the schema --------------------------------------------------------------------------
class _Problems:
    """Collects every schema problem of a codebook so one error can list them all."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, found: Any, expected: str) -> None:
        self.items.append(f"{path}: found {_show(found)}; expected {expected}")

    def note(self, path: str, message: str) -> None:
        self.items.append(f"{path}: {message}")

    def raise_if_any(self, source_name: str) -> None:
        if not self.items:
            return
        shown = self.items[:_MAX_PROBLEMS_SHOWN]
        more = len(self.items) - len(shown)
        lines = "\n".join(f"  - {p}" for p in shown)
        tail = f"\n  ... and {more} more problem(s)" if more else ""
        raise InputError(
            f"{source_name} has {len(self.items)} problem(s):\n{lines}{tail}\n"
            "Correct these entries and read the codebook again."
        )


def _kind(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return type(value).__name__


def _show(value: Any) -> str:
    text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{text} ({_kind(value)})"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _finite(value: Any) -> float | None:
    """``value`` as a finite float, or None when it is not a finite number."""
    if not _is_number(value):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer beyond the float range
        return None
    return number if math.isfinite(number) else None


def _finite_pair(raw: Any, *, parse: bool) -> tuple[float, float] | None:
    """A two-item YAML list of finite numbers as a pair of floats, else None.

    ``parse`` also accepts numbers written as text ("5"), as ``scale`` does.
    """
    if not (isinstance(raw, list) and len(raw) == 2):
        return None
    low, high = (_finite(_parse_scalar(b) if parse else b) for b in raw)
    if low is None or high is None:
        return None
    return low, high


def _is_code(value: Any) -> bool:
    """A missing code or value-label code: text or a finite number."""
    if isinstance(value, str):
        return True
    return _finite(value) is not None


def _text(value: Any, path: str, problems: _Problems) -> str | None:
    if value is None or isinstance(value, str):
        return value
    hint = " (quote it: YAML reads yes/no/on/off as true/false)" if isinstance(value, bool) \
        else " (quote it)"
    problems.add(path, value, f"text{hint}")
    return None


def _column(value: Any, path: str, problems: _Problems, what: str = "a column name") -> \
        str | None:
    """A column (or scale) name: text, or an integer written without quotes."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value:
        return value
    problems.add(path, value, f"{what} (text)")
    return None


def _columns(value: Any, path: str, problems: _Problems) -> list[str]:
    if not isinstance(value, list):
        problems.add(path, value, "a list of column names, e.g. [col_a, col_b]")
        return []
    names = [_column(v, f"{path}[{i}]", problems) for i, v in enumerate(value)]
    return [n for n in names if n is not None]


def _parse_spec(spec: Any, problems: _Problems) -> dict[str, Any]:
    """Keyword arguments of :class:`Codebook` from the YAML layout; problems collected."""
    if not isinstance(spec, dict):
        problems.add("(top level)", spec, "a mapping with a 'variables' section "
                     "(the codebook must be a mapping)")
        return {}
    unknown = [k for k in spec if k not in TOP_LEVEL_KEYS]
    for key in unknown:
        problems.add(str(key), spec[key], f"no such key; known top-level keys: "
                     f"{list(TOP_LEVEL_KEYS)}")

    raw_vars = spec.get("variables")
    variables: dict[str, Variable] = {}
    if raw_vars is not None and not isinstance(raw_vars, dict):
        problems.add("variables", raw_vars,
                     "a mapping of column names to their descriptions (variables must map "
                     "column names to fields)")
    elif raw_vars:
        for name, item in raw_vars.items():
            column = _column(name, f"variables.{name!r}", problems)
            if column is None:
                continue
            var = _variable_from_spec(column, item, problems)
            if var is not None:
                variables[column] = var

    kwargs: dict[str, Any] = {"variables": variables}
    for key in ("dataset", "description", "source"):
        kwargs[key] = _text(spec.get(key), key, problems)
    for key, attr in (("id", "id_column"), ("weight", "weight_column"),
                      ("wave", "wave_column"), ("nps", "nps_column")):
        value = spec.get(key)
        kwargs[attr] = None if value is None else _column(value, key, problems)

    segments = spec.get("segments")
    if isinstance(segments, (str, int)) and not isinstance(segments, bool):
        segments = [segments]  # a single segment column needs no list
    kwargs["segment_columns"] = [] if segments is None else _columns(segments, "segments",
                                                                      problems)

    scales: dict[str, list[str]] = {}
    raw_scales = spec.get("scales")
    if raw_scales is not None and not isinstance(raw_scales, dict):
        problems.add("scales", raw_scales,
                     "a mapping of scale names to lists of item columns")
    elif raw_scales:
        for scale, items in raw_scales.items():
            name = _column(scale, f"scales.{scale!r}", problems, "a scale name")
            if not isinstance(items, list):
                problems.add(f"scales.{scale}", items,
                             "a list of item columns (scales map names to lists of item "
                             "columns)")
                continue
            if name is not None:
                scales[name] = _columns(items, f"scales.{scale}", problems)
    for column, var in variables.items():
        if var.construct:
            items = scales.setdefault(var.construct, [])
            if column not in items:
                items.append(column)
    kwargs["scales"] = scales

    kano: dict[str, tuple[str, str]] = {}
    raw_kano = spec.get("kano")
    if raw_kano is not None and not isinstance(raw_kano, dict):
        problems.add("kano", raw_kano, "a mapping of attribute labels to [functional column, "
                     "dysfunctional column]")
    elif raw_kano:
        for attribute, pair in raw_kano.items():
            label = _text(attribute, f"kano.{attribute!r}", problems)
            path = f"kano.{attribute}"
            if not isinstance(pair, list) or len(pair) != 2:
                problems.add(path, pair, "a pair [functional column, dysfunctional column]")
                continue
            cols = _columns(pair, path, problems)
            if label is not None and len(cols) == 2:
                kano[label] = (cols[0], cols[1])
    kwargs["kano_pairs"] = kano

    for key, attr, vtype in (("id", "id_column", "id"), ("weight", "weight_column", "weight")):
        if spec.get(key) is not None:
            continue
        typed = [c for c, v in variables.items() if v.type == vtype]
        if len(typed) == 1:
            kwargs[attr] = typed[0]
        elif len(typed) > 1:
            problems.note(key, f"{len(typed)} variables have type: {vtype} ({', '.join(typed)}) "
                          f"and no top-level '{key}:' says which is the {key} column; declare "
                          f"it, e.g. '{key}: {typed[0]}'")

    _cross_check(kwargs, problems)
    return kwargs


def _cross_check(fields: dict[str, Any], problems: _Problems) -> None:
    """Roles that contradict each other, from Codebook ``fields`` of the right types."""
    segments = list(fields.get("segment_columns", []))
    scales = fields.get("scales", {})
    for path, columns in [("segments", segments), *((f"scales.{k}", list(v))
                                                    for k, v in scales.items())]:
        repeated = sorted({c for c in columns if columns.count(c) > 1})
        if repeated:
            problems.add(path, columns, f"each column once (repeated: {repeated})")
    used_in: dict[str, str] = {}
    for attribute, pair in fields.get("kano_pairs", {}).items():
        path = f"kano.{attribute}"
        pair = list(pair)
        if len(pair) != 2 or pair[0] == pair[1]:
            problems.add(path, pair, "two distinct columns [functional, dysfunctional]")
            continue
        for column in pair:
            if column in used_in:
                problems.add(path, pair, f"columns not used by another Kano attribute "
                             f"({column!r} is also in {used_in[column]})")
            used_in[column] = path
    roles = _role_columns(fields)
    for key in ("id", "weight"):
        column = fields.get(f"{key}_column")
        if not column:
            continue
        clashes = [role for role, other in roles
                   if other == column and role != f"{key} column"]
        if clashes:
            problems.add(key, column, "a column with no other role (it is also the "
                         f"{', the '.join(clashes)})")
    weight = fields.get("weight_column")
    var = fields.get("variables", {}).get(weight) if weight else None
    if var is not None and var.type in ("text", "categorical", "date", "id"):
        problems.add(f"variables.{weight}.type", var.type,
                     "numeric or weight, since it is the weight column")


def _plain(value: Any) -> Any:
    """Floats that are whole numbers written as ints (1 rather than 1.0)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _parse_scalar(text: Any) -> Any:
    """A number when ``text`` reads as one, else the stripped string."""
    if not isinstance(text, str):
        return text
    stripped = text.strip()
    try:
        number = float(stripped)
    except ValueError:
        return stripped
    if not math.isfinite(number):
        return stripped  # 'nan', 'inf' stay text: no code or bound is infinite
    return int(number) if number.is_integer() else number


def _variable_from_spec(name: str, item: Any, problems: _Problems) -> Variable | None:
    where = f"variables.{name}"
    if item is None:
        item = {}
    if not isinstance(item, dict):
        problems.add(where, item, f"a mapping of fields ({', '.join(VARIABLE_FIELDS)})")
        return None
    for key in item:
        if key not in VARIABLE_FIELDS:
            problems.add(f"{where}.{key}", item[key],
                         f"no such field (unknown field); known fields: {list(VARIABLE_FIELDS)}")

    vtype = item.get("type")
    if vtype is not None and (not isinstance(vtype, str) or vtype not in VARIABLE_TYPES):
        problems.add(f"{where}.type", vtype, f"one of {list(VARIABLE_TYPES)}")
        vtype = None

    scale = item.get("scale")
    if scale is not None:
        bounds = _finite_pair(scale, parse=True)
        if bounds is None:
            problems.add(f"{where}.scale", scale, "[min, max], two finite numbers")
            scale = None
        elif not bounds[0] < bounds[1]:
            problems.add(f"{where}.scale", scale, "[min, max] with the minimum below the "
                         "maximum")
            scale = None
        else:
            scale = bounds

    labels: dict[Any, str] = {}
    raw_labels = item.get("value_labels")
    if raw_labels is not None and not isinstance(raw_labels, dict):
        problems.add(f"{where}.value_labels", raw_labels,
                     "a mapping of codes to label text, e.g. {1: Very poor, 5: Excellent}")
    elif raw_labels:
        for code, text in raw_labels.items():
            path = f"{where}.value_labels.{code}"
            if not _is_code(code):
                problems.add(path, code, "a code: a finite number or text")
                continue
            label_text = _text(text, path, problems)
            if label_text is None:
                if text is None:
                    problems.add(path, text, "label text")
                continue
            key = _parse_scalar(code)
            if key in labels:
                problems.add(path, code, f"each code labelled once (code {key!r} repeats)")
            labels[key] = label_text

    raw_missing = item.get("missing")
    missing: list[Any] = []
    if raw_missing is not None:
        values = raw_missing if isinstance(raw_missing, list) else [raw_missing]
        for i, code in enumerate(values):
            path = f"{where}.missing[{i}]" if isinstance(raw_missing, list) else \
                f"{where}.missing"
            if _is_code(code):
                missing.append(_parse_scalar(code))
            else:
                problems.add(path, code, "a missing code: a finite number or text, or a "
                             "list of them")

    ranges: list[tuple[float, float]] = []
    raw_ranges = item.get("missing_ranges")
    if raw_ranges is not None and not isinstance(raw_ranges, list):
        problems.add(f"{where}.missing_ranges", raw_ranges,
                     "a list of [low, high] missing ranges, e.g. [[97, 99]]")
    elif raw_ranges:
        for i, rng in enumerate(raw_ranges):
            path = f"{where}.missing_ranges[{i}]"
            pair = _finite_pair(rng, parse=False)
            if pair is None:
                problems.add(path, rng, "a missing range [low, high] of two finite numbers")
            elif pair[0] > pair[1]:
                problems.add(path, rng, "a missing range [low, high] with low <= high")
            else:
                ranges.append(pair)

    recode: dict[Any, float] = {}
    raw_recode = item.get("recode")
    if raw_recode is not None and not isinstance(raw_recode, dict):
        problems.add(f"{where}.recode", raw_recode,
                     "a mapping of exported answer codes to numbers, e.g. {A1: 1, A2: 2}")
    elif raw_recode:
        for code, number in raw_recode.items():
            path = f"{where}.recode.{code}"
            value = _finite(number)
            if not _is_code(code) or isinstance(number, bool) or value is None:
                problems.add(path, number, "an answer code mapped to a finite number")
                continue
            recode[_parse_scalar(code)] = value

    reverse = item.get("reverse")
    if reverse is not None and not isinstance(reverse, bool):
        problems.add(f"{where}.reverse", reverse, "true or false (unquoted YAML booleans)")
        reverse = None

    return Variable(
        name=name,
        label=_text(item.get("label"), f"{where}.label", problems),
        type=vtype,
        scale=scale,
        value_labels=labels,
        missing=missing,
        missing_ranges=ranges,
        reverse=bool(reverse),
        construct=_text(item.get("construct"), f"{where}.construct", problems),
        unit=_text(item.get("unit"), f"{where}.unit", problems),
        recode=recode,
    )
