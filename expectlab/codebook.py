"""Codebooks: what each survey column means and which values it may take.

A codebook records, per variable, its label, type, declared scale range, value labels,
missing-value codes (discrete codes and ranges, as SPSS user-missing values), whether the
item is negatively worded (to be reverse-coded) and the construct it measures. It comes
from the metadata of an SPSS or Stata file, or from a small YAML or CSV file next to a CSV
export, or from both (the file given by the user wins field by field).

YAML layout (read with a safe loader: client files are untrusted)::

    dataset: client_survey
    description: Customer survey of a mobile-phone provider
    id: respondent_id
    scales:
      expectation: [exp_1, exp_2, exp_3]
    variables:
      exp_1:
        label: Expected network quality
        type: numeric
        scale: [1, 7]
        value_labels: {1: Very poor, 7: Excellent}
        missing: [98, 99]
        construct: expectation
      sat_3:
        label: I regret choosing this provider
        scale: [1, 7]
        reverse: true

CSV layout: one row per variable with the columns ``variable, label, type, scale_min,
scale_max, missing, value_labels, reverse, construct`` (``missing`` as ``98;99``,
``value_labels`` as ``1=Very poor;7=Excellent``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from ._errors import InputError

__all__ = ["Codebook", "Variable"]

_TYPES = {"numeric", "categorical", "text", "id", "date", "weight"}


@dataclass
class Variable:
    """Metadata of one survey variable."""

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

    @property
    def is_numeric(self) -> bool:
        """True when the variable must hold numbers (declared numeric or scaled)."""
        if self.type in ("numeric", "weight"):
            return True
        if self.type in ("text", "categorical", "date", "id"):
            return False
        return self.scale is not None

    def merged_with(self, other: Variable) -> Variable:
        """This variable updated by every field that ``other`` sets."""
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
        return replace(self, **updates)


@dataclass
class Codebook:
    """Variables of a survey with labels, scales, value labels and missing codes.

    Parameters
    ----------
    variables : dict of str to Variable
        Metadata by column name.
    dataset, description, source : str, optional
        Free text describing the data set.
    id_column : str, optional
        The respondent identifier column.
    scales : dict of str to list of str
        Multi-item scales: scale name -> item columns.

    Examples
    --------
    >>> cb = Codebook.from_dict({"variables": {"q1": {"label": "Overall", "scale": [1, 5]}}})
    >>> cb["q1"].scale
    (1.0, 5.0)
    """

    variables: dict[str, Variable] = field(default_factory=dict)
    dataset: str | None = None
    description: str | None = None
    source: str | None = None
    id_column: str | None = None
    scales: dict[str, list[str]] = field(default_factory=dict)

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
        """A new codebook: this one updated by ``other`` variable by variable."""
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
        )

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
        """Build a codebook from the YAML layout (already parsed into a dict)."""
        if not isinstance(spec, dict):
            raise InputError(
                f"{source_name} must be a mapping with a 'variables' section, "
                f"got {type(spec).__name__}."
            )
        raw_vars = spec.get("variables") or {}
        if not isinstance(raw_vars, dict):
            raise InputError(
                f"'variables' in {source_name} must map column names to their descriptions, "
                f"got {type(raw_vars).__name__}."
            )
        variables = {
            str(name): _variable_from_spec(str(name), item or {}, source_name)
            for name, item in raw_vars.items()
        }
        scales = spec.get("scales") or {}
        if not isinstance(scales, dict) or not all(
            isinstance(v, list) for v in scales.values()
        ):
            raise InputError(
                f"'scales' in {source_name} must map scale names to lists of item columns."
            )
        for var in variables.values():
            if var.construct and var.construct not in scales:
                scales.setdefault(var.construct, [])
        for name, var in variables.items():
            if var.construct and name not in scales[var.construct]:
                scales[var.construct].append(name)
        return cls(
            variables=variables,
            dataset=_opt_str(spec.get("dataset")),
            description=_opt_str(spec.get("description")),
            source=_opt_str(spec.get("source")),
            id_column=_opt_str(spec.get("id")),
            scales={str(k): [str(i) for i in v] for k, v in scales.items()},
        )

    @classmethod
    def from_yaml(cls, path: str | Path) -> Codebook:
        """Read a YAML codebook with a safe loader (no code in client files runs)."""
        import yaml

        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"Codebook file {str(path)!r} does not exist.") from None
        try:
            spec = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise InputError(
                f"Codebook file {str(path)!r} is not valid YAML ({exc}). "
                "Check indentation and quoting, or give the codebook as CSV."
            ) from None
        if spec is None:
            raise InputError(f"Codebook file {str(path)!r} is empty.")
        return cls.from_dict(spec, source_name=f"codebook file {str(path)!r}")

    @classmethod
    def from_csv(cls, path: str | Path) -> Codebook:
        """Read a CSV codebook (one row per variable)."""
        path = Path(path)
        try:
            table = pd.read_csv(path, dtype=str, keep_default_na=False)
        except FileNotFoundError:
            raise InputError(f"Codebook file {str(path)!r} does not exist.") from None
        except pd.errors.EmptyDataError:
            raise InputError(f"Codebook file {str(path)!r} is empty.") from None
        if "variable" not in table.columns:
            raise InputError(
                f"Codebook file {str(path)!r} needs a 'variable' column; found columns "
                f"{list(table.columns)}."
            )
        spec: dict[str, Any] = {"variables": {}}
        for _, row in table.iterrows():
            item: dict[str, Any] = {}
            for key in ("label", "type", "construct", "unit"):
                if row.get(key):
                    item[key] = row[key]
            lo, hi = row.get("scale_min", ""), row.get("scale_max", "")
            if lo or hi:
                item["scale"] = [lo, hi]
            if row.get("missing"):
                item["missing"] = [_parse_scalar(x) for x in row["missing"].split(";") if x.strip()]
            if row.get("value_labels"):
                labels = {}
                for part in row["value_labels"].split(";"):
                    if not part.strip():
                        continue
                    if "=" not in part:
                        raise InputError(
                            f"Codebook file {str(path)!r}, variable {row['variable']!r}: value "
                            f"label {part.strip()!r} is not of the form code=label."
                        )
                    code, text = part.split("=", 1)
                    labels[_parse_scalar(code)] = text.strip()
                item["value_labels"] = labels
            if row.get("reverse"):
                item["reverse"] = row["reverse"].strip().lower() in ("1", "true", "yes", "y")
            spec["variables"][row["variable"]] = item
        return cls.from_dict(spec, source_name=f"codebook file {str(path)!r}")

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
        """Write the codebook as YAML (deterministic key order)."""
        import yaml

        spec: dict[str, Any] = {}
        for key, value in (("dataset", self.dataset), ("description", self.description),
                           ("source", self.source), ("id", self.id_column)):
            if value:
                spec[key] = value
        if self.scales:
            spec["scales"] = {k: list(v) for k, v in self.scales.items()}
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
            if var.reverse:
                item["reverse"] = True
            if var.construct:
                item["construct"] = var.construct
            if var.unit:
                item["unit"] = var.unit
            spec["variables"][name] = item
        Path(path).write_text(
            yaml.safe_dump(spec, sort_keys=False, allow_unicode=True, width=100),
            encoding="utf-8",
            newline="\n",
        )


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


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
    return int(number) if number.is_integer() else number


def _variable_from_spec(name: str, item: Any, source_name: str) -> Variable:
    where = f"{source_name}, variable {name!r}"
    if not isinstance(item, dict):
        raise InputError(f"{where}: expected a mapping of fields, got {item!r}.")
    known = {"label", "type", "scale", "value_labels", "missing", "missing_ranges", "reverse",
             "construct", "unit"}
    unknown = sorted(set(item) - known)
    if unknown:
        raise InputError(
            f"{where}: unknown field(s) {unknown}. Known fields: {sorted(known)}."
        )
    vtype = item.get("type")
    if vtype is not None and vtype not in _TYPES:
        raise InputError(f"{where}: type must be one of {sorted(_TYPES)}, got {vtype!r}.")
    scale = item.get("scale")
    if scale is not None:
        if not isinstance(scale, (list, tuple)) or len(scale) != 2:
            raise InputError(f"{where}: scale must be [min, max], got {scale!r}.")
        try:
            lo, hi = float(_parse_scalar(scale[0])), float(_parse_scalar(scale[1]))
        except (TypeError, ValueError):
            raise InputError(f"{where}: scale must hold two numbers, got {scale!r}.") from None
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise InputError(f"{where}: scale minimum must be below maximum, got {scale!r}.")
        scale = (lo, hi)
    labels = item.get("value_labels") or {}
    if not isinstance(labels, dict):
        raise InputError(f"{where}: value_labels must map codes to labels, got {labels!r}.")
    missing = item.get("missing") or []
    if not isinstance(missing, list):
        missing = [missing]
    ranges = []
    for rng in item.get("missing_ranges") or []:
        if not isinstance(rng, (list, tuple)) or len(rng) != 2:
            raise InputError(f"{where}: each missing range must be [low, high], got {rng!r}.")
        ranges.append((float(rng[0]), float(rng[1])))
    return Variable(
        name=name,
        label=_opt_str(item.get("label")),
        type=vtype,
        scale=scale,
        value_labels={_parse_scalar(k): str(v) for k, v in labels.items()},
        missing=[_parse_scalar(m) for m in missing],
        missing_ranges=ranges,
        reverse=bool(item.get("reverse", False)),
        construct=_opt_str(item.get("construct")),
        unit=_opt_str(item.get("unit")),
    )
