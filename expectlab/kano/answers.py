"""Kano answer wordings and their normalisation to the codes 1-5.

Every Kano question is answered on the same five-point scale, ordered
like (1) / expect (2) / neutral (3) / tolerate (4) / dislike (5). Questionnaires word
these five answers differently; the built-in sets below cover the common ones. Labels
are matched after normalisation (Unicode NFKC, case folding, curly quotes made straight,
white space collapsed, a trailing full stop dropped), so ``"I Like It."`` matches
``"I like it"``. An answer that matches no label is an error, never a silent "Q".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._errors import InputError, describe_offenders

__all__ = [
    "AnswerSet",
    "POSITIONS",
    "CODES",
    "KANO_1984",
    "BERGER_1993",
    "BLAUTH",
    "SHORT",
    "CHINESE_A",
    "CHINESE_B",
    "ANSWER_SETS",
    "normalise_label",
    "answer_set_from_mapping",
    "compatible_sets",
    "detect_answer_set",
    "to_codes",
]

#: the five answer positions in questionnaire order (codes 1..5)
POSITIONS = ("like", "expect", "neutral", "tolerate", "dislike")


@dataclass(frozen=True)
class AnswerSet:
    """A named wording of the five Kano answers, in the order like ... dislike."""

    name: str
    labels: tuple[str, ...]

    def lookup(self) -> dict[str, int]:
        """Normalised label -> code 1..5."""
        return {normalise_label(label): code for code, label in enumerate(self.labels, start=1)}


CODES = AnswerSet("codes 1-5", ("1", "2", "3", "4", "5"))
KANO_1984 = AnswerSet("Kano 1984", (
    "I like it that way", "It must be that way", "I am neutral",
    "I can live with it that way", "I dislike it that way"))
BERGER_1993 = AnswerSet("Berger et al. 1993", (
    "I enjoy it that way", "It is a basic necessity, or I expect it that way", "I am neutral",
    "I dislike it, but I can live with it that way", "I dislike it, and I can't accept it"))
BLAUTH = AnswerSet("Blauth", (
    "This would be very helpful to me", "This is a basic requirement for me",
    "This would not affect me", "This would be a minor inconvenience",
    "This would be a major problem for me"))
SHORT = AnswerSet("short", (
    "I like it", "I expect it", "I am neutral", "I can tolerate it", "I dislike it"))
CHINESE_A = AnswerSet("Chinese A", ("我很喜欢", "理所当然", "无所谓", "能忍受", "我很不喜欢"))
CHINESE_B = AnswerSet("Chinese B", ("非常喜欢", "理应如此", "无所谓", "勉强接受", "很不喜欢"))

#: built-in sets, tried in this order by auto-detection
ANSWER_SETS: dict[str, AnswerSet] = {
    s.name: s for s in (CODES, KANO_1984, BERGER_1993, BLAUTH, SHORT, CHINESE_A, CHINESE_B)
}

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'",
                         "\u201c": '"', "\u201d": '"', "\u201f": '"', "`": "'"})
_SPACE = re.compile(r"\s+")


def normalise_label(value: Any) -> str:
    """Normalise one answer for matching: NFKC, case-fold, straight quotes, single spaces.

    Numbers that are whole (``2``, ``2.0``, ``"2"``) become ``"2"`` so coded answers match
    the code set whatever their storage type.

    Examples
    --------
    >>> normalise_label("  I  Can\u2019t accept it. ")
    "i can't accept it"
    >>> normalise_label(4.0)
    '4'
    """
    if isinstance(value, (bool, np.bool_)):
        return str(value).casefold()
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    text = unicodedata.normalize("NFKC", str(value)).translate(_QUOTES)
    text = _SPACE.sub(" ", text).strip().casefold()
    text = text.rstrip(".。").strip()
    if re.fullmatch(r"[+]?\d+(\.0+)?", text):
        text = str(int(float(text)))
    return text


def answer_set_from_mapping(mapping: Mapping[Any, Any], name: str = "user mapping") -> AnswerSet:
    """Build an :class:`AnswerSet` from a user mapping label -> code (1-5) or position.

    Several labels may map to the same position (e.g. two spellings of one answer).

    Examples
    --------
    >>> s = answer_set_from_mapping({"Love it": 1, "Must have": "expect", "Meh": 3,
    ...                              "Can live with it": 4, "Hate it": 5})
    >>> s.lookup()["meh"]
    3
    """
    if not isinstance(mapping, Mapping) or not mapping:
        raise InputError(
            "An answer mapping must be a non-empty dict label -> code 1-5 or position "
            f"({', '.join(POSITIONS)}); got {mapping!r}."
        )
    pairs: list[tuple[str, int]] = []
    bad = []
    for label, target in mapping.items():
        if isinstance(target, str) and target.strip().casefold() in POSITIONS:
            code = POSITIONS.index(target.strip().casefold()) + 1
        elif isinstance(target, (int, np.integer)) and 1 <= int(target) <= 5:
            code = int(target)
        else:
            bad.append(f"{label!r}: {target!r}")
            continue
        pairs.append((str(label), code))
    if bad:
        raise InputError(
            f"Answer mapping {name!r} has targets that are neither codes 1-5 nor positions "
            f"({', '.join(POSITIONS)}): {'; '.join(bad[:5])}. Map each label to one of those."
        )
    labels = []
    for code in range(1, 6):
        # one display label per position; every spelling stays in ``pairs`` for matching
        found = [lab for lab, c in pairs if c == code]
        labels.append(found[0] if found else "")
    # a mapping that never uses a position is allowed (some studies drop "tolerate")
    return _MappedAnswerSet(name, tuple(labels), tuple(pairs))


@dataclass(frozen=True)
class _MappedAnswerSet(AnswerSet):
    pairs: tuple[tuple[str, int], ...] = ()

    def lookup(self) -> dict[str, int]:
        return {normalise_label(label): code for label, code in self.pairs}


def _resolve(answer_set: Any) -> AnswerSet | None:
    if answer_set is None:
        return None
    if isinstance(answer_set, AnswerSet):
        return answer_set
    if isinstance(answer_set, str):
        for name, s in ANSWER_SETS.items():
            if name.casefold() == answer_set.strip().casefold():
                return s
        raise InputError(
            f"Unknown answer set {answer_set!r}. Built-in sets: "
            f"{', '.join(map(repr, ANSWER_SETS))}; or pass a dict label -> code 1-5."
        )
    if isinstance(answer_set, Mapping):
        return answer_set_from_mapping(answer_set)
    raise InputError(
        f"answer_set must be None (auto-detect), a set name, an AnswerSet or a dict "
        f"label -> code 1-5; got {type(answer_set).__name__}."
    )


def detect_answer_set(*columns: Any, answer_set: Any = None) -> AnswerSet:
    """The answer set for several answer columns together (functional and dysfunctional).

    With ``answer_set=None`` the built-in set that matches most distinct labels wins
    (ties go to the earlier set in :data:`ANSWER_SETS`).
    """
    chosen = _resolve(answer_set)
    if chosen is not None:
        return chosen
    labels: set[str] = set()
    for col in columns:
        s = _as_series(col, "answers")
        labels |= {normalise_label(u) for u in pd.unique(s.dropna().to_numpy(dtype=object))}
    best, best_hits = CODES, -1
    for s in ANSWER_SETS.values():
        hits = len(labels & set(s.lookup()))
        if hits > best_hits:
            best, best_hits = s, hits
    return best


def compatible_sets(labels: Any) -> list[str]:
    """Names of the built-in answer sets that contain every (normalised) label."""
    wanted = {normalise_label(v) for v in labels}
    return [name for name, s in ANSWER_SETS.items() if wanted <= set(s.lookup())]


def _as_series(values: Any, name: str) -> pd.Series:
    if isinstance(values, pd.Series):
        return values
    if np.ndim(values) == 0:
        values = [values]
    return pd.Series(np.asarray(values, dtype=object) if not isinstance(values, np.ndarray)
                     else values, name=name)


def _fast_numeric_codes(values: np.ndarray) -> np.ndarray | None:
    """Codes for numeric arrays holding only 1..5 (and NaN); None when anything else."""
    if values.dtype.kind in "iu":
        if values.size and (values.min() < 1 or values.max() > 5):
            return None
        # integer codes are used as they are: the look-up index 6 * f + d fits any int type
        return values
    if values.dtype.kind == "f":
        finite = np.isfinite(values)
        v = values[finite]
        if v.size and (v.min() < 1 or v.max() > 5 or np.any(v != np.round(v))):
            return None
        out = np.zeros(values.shape, dtype=np.int8)
        out[finite] = v.astype(np.int8)
        return out
    return None


def to_codes(
    values: Any,
    answer_set: Any = None,
    *,
    column: str = "answers",
    candidates: list[str] | None = None,
) -> tuple[np.ndarray, str]:
    """Turn answers (codes or labels) into codes 1..5, with 0 for missing answers.

    Parameters
    ----------
    values : array-like or pandas.Series
        Answers: codes 1-5 (any numeric or string type) or labels of one answer set.
    answer_set : None, str, AnswerSet or dict
        ``None`` detects the set from the labels; a name picks a built-in set; a dict maps
        labels to codes 1-5 or positions.
    column : str
        Name used in error messages.
    candidates : list of str, optional
        When auto-detecting, restrict to these set names (used to apply one set to the
        functional and dysfunctional columns together).

    Returns
    -------
    codes : numpy.ndarray of int8
        1..5, 0 where the answer is missing.
    set_name : str
        The answer set used.

    Raises
    ------
    InputError
        When any answer matches no label of the set; the message lists every unknown
        label with its count and first rows.

    Examples
    --------
    >>> codes, name = to_codes(["I like it", "i dislike it", None])
    >>> codes.tolist(), name
    ([1, 5, 0], 'short')
    """
    chosen = _resolve(answer_set)
    if isinstance(values, np.ndarray) and chosen in (None, CODES):
        fast = _fast_numeric_codes(values)
        if fast is not None:
            return fast, CODES.name
    s = _as_series(values, column)
    if s.dtype.kind in "iuf" and chosen in (None, CODES):
        fast = _fast_numeric_codes(s.to_numpy(dtype=float))
        if fast is not None:
            return fast, CODES.name
    missing = s.isna().to_numpy()
    present = s[~missing]
    # normalise each distinct value once
    uniques = pd.unique(present.to_numpy(dtype=object))
    norm = {u: normalise_label(u) for u in uniques}
    if chosen is None:
        names = candidates if candidates is not None else list(ANSWER_SETS)
        best, best_hits = None, -1
        normed = set(norm.values())
        for name in names:
            hits = len(normed & set(ANSWER_SETS[name].lookup()))
            if hits > best_hits:
                best, best_hits = ANSWER_SETS[name], hits
        chosen = best if best is not None else CODES
    lookup = chosen.lookup()
    unknown = [u for u in uniques if norm[u] not in lookup]
    if unknown:
        parts = []
        for u in unknown:
            mask = present.map(lambda v, u=u: v == u).to_numpy(dtype=bool)
            parts.append(f"{u!r} ({describe_offenders(present, mask, max_rows=3)})")
        raise InputError(
            f"Column {column!r}: {len(unknown)} answer label(s) match no label of the answer "
            f"set {chosen.name!r} (closest of the built-in sets): {'; '.join(parts)}. "
            f"Expected labels: {', '.join(map(repr, (lab for lab in chosen.labels if lab)))}. "
            "Fix the labels, set them to missing, or pass answer_set={label: code 1-5}. "
            "Unknown answers are never classified as Q."
        )
    codes = np.zeros(len(s), dtype=np.int8)
    mapped = np.fromiter((lookup[norm[v]] for v in present.to_numpy(dtype=object)),
                         dtype=np.int8, count=len(present))
    codes[~missing] = mapped
    return codes, chosen.name
