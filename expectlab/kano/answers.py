"""Kano answer wordings and their matching to the codes 1-5.

Every Kano question is answered on the same five-point scale, ordered
like (1) / expect (2) / neutral (3) / tolerate (4) / dislike (5). Questionnaires word
these five answers differently; the built-in sets below cover the common ones.

Matching is tolerant but deterministic (see :mod:`expectlab.kano._normalise`): Unicode
NFKC, straight quotes, case, white space, common contractions (``I'm`` / ``I am``,
``can't`` / ``cannot``), punctuation and one leading subject word (``I`` / ``It`` /
``This``) are normalised, so ``"I'm neutral."`` matches ``"I am neutral"`` and ``"I must
be that way"`` matches ``"It must be that way"``. Every normalisation that was needed is
reported (:attr:`AnswerMatch.notes`). No built-in label of one set normalises to a label
of another set with a different code, so tolerance never merges two wordings.

Precedence when answers are matched:

1. ``answer_set`` a set name or :class:`AnswerSet`: only that set.
2. ``answer_set`` a dict label -> code or position (a *user mapping*): its labels first;
   every other label is matched through the built-in set detected from those other
   labels, so a partial mapping (``{"Würde mich freuen": "like"}``) extends a built-in
   set instead of replacing it. The set is then named e.g. ``"user mapping + short"``.
3. ``answer_set=None``: the built-in set that fits every label. When several fit, they
   code these labels identically (the first in :data:`ANSWER_SETS` gives the name and the
   others are listed as compatible); when fitting sets would code a label differently,
   an :class:`~expectlab.InputError` lists them and asks for ``answer_set=``.

An answer that matches no label is an error, never a silent "Q".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeGuard

import numpy as np
import pandas as pd

from .._errors import InputError, describe_offenders
from ._normalise import canonical_label, normalisation_steps

__all__ = [
    "AnswerSet",
    "AnswerMatch",
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
    "canonical_label",
    "answer_set_from_mapping",
    "compatible_sets",
    "match_answers",
    "detect_answer_set",
    "code_columns",
    "to_codes",
]

#: the five answer positions in questionnaire order (codes 1..5)
POSITIONS = ("like", "expect", "neutral", "tolerate", "dislike")


@dataclass(frozen=True)
class AnswerSet:
    """A named wording of the five Kano answers, in the order like ... dislike."""

    name: str
    labels: tuple[str, ...]

    def pairs(self) -> tuple[tuple[str, int], ...]:
        """Every (label, code) the set accepts; several labels may share a code."""
        return tuple((label, code) for code, label in enumerate(self.labels, start=1)
                     if label)

    def lookup(self) -> dict[str, int]:
        """Matching key (:func:`canonical_label`) -> code 1..5; the first label wins."""
        return dict(_lookup(self))

    def labels_by_key(self) -> dict[str, str]:
        """Matching key -> the label of the set it stands for (the first one)."""
        out: dict[str, str] = {}
        for label, _ in self.pairs():
            out.setdefault(canonical_label(label), label)
        return out


@lru_cache(maxsize=256)
def _lookup(answer_set: AnswerSet) -> dict[str, int]:
    # sets are frozen, so their look-ups are computed once (detection reads every set)
    out: dict[str, int] = {}
    for label, code in answer_set.pairs():
        out.setdefault(canonical_label(label), code)
    return out


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
    """Light normalisation of one answer for display: NFKC, case-fold, straight quotes,
    single spaces, no trailing full stop.

    Matching uses the more tolerant :func:`canonical_label`, which also evens out
    contractions, punctuation and a leading subject word. Numbers that are whole
    (``2``, ``2.0``, ``"2"``) become ``"2"``.

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


@dataclass(frozen=True)
class _MappedAnswerSet(AnswerSet):
    """A set given as (label, code) pairs: a user mapping, or one extending a built-in set
    (the user's pairs come first, so they take precedence)."""

    mapped: tuple[tuple[str, int], ...] = ()
    sources: tuple[str, ...] = ()  # which set each pair comes from, for the notes

    def pairs(self) -> tuple[tuple[str, int], ...]:
        return self.mapped

    def source_by_key(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for (label, _), src in zip(self.mapped, self.sources, strict=True):
            out.setdefault(canonical_label(label), src)
        return out


def answer_set_from_mapping(mapping: Mapping[Any, Any], name: str = "user mapping") -> AnswerSet:
    """Build an :class:`AnswerSet` from a user mapping label -> code (1-5) or position.

    Several labels may map to the same position (e.g. two spellings of one answer); a
    mapping may cover only some labels, the rest then come from the detected built-in set.

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
        elif (isinstance(target, (int, np.integer)) and not isinstance(target, bool)
              and 1 <= int(target) <= 5):
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
    seen: dict[str, tuple[str, int]] = {}
    clashes = []
    for label, code in pairs:
        key = canonical_label(label)
        if key in seen and seen[key][1] != code:
            clashes.append(f"{seen[key][0]!r} -> {seen[key][1]} and {label!r} -> {code}")
        seen.setdefault(key, (label, code))
    if clashes:
        raise InputError(
            f"Answer mapping {name!r} maps labels that read the same after normalisation "
            f"(case, quotes, punctuation, contractions, a leading I/It) to different codes: "
            f"{'; '.join(clashes[:5])}. Keep one of them."
        )
    labels = []
    for code in range(1, 6):
        # one display label per position; every spelling stays in ``mapped`` for matching
        found = [lab for lab, c in pairs if c == code]
        labels.append(found[0] if found else "")
    # a mapping that never uses a position is allowed (some studies drop "tolerate")
    return _MappedAnswerSet(name, tuple(labels), tuple(pairs), (name,) * len(pairs))


def _extend(user: _MappedAnswerSet, base: AnswerSet) -> _MappedAnswerSet:
    """The user's pairs first (they take precedence), then the built-in set's."""
    pairs = user.pairs() + base.pairs()
    sources = user.sources + (base.name,) * len(base.pairs())
    labels = tuple(u or b for u, b in zip(user.labels, base.labels, strict=True))
    return _MappedAnswerSet(f"{user.name} + {base.name}", labels, pairs, sources)


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


def _is_user_mapping(s: AnswerSet | None) -> TypeGuard[_MappedAnswerSet]:
    return isinstance(s, _MappedAnswerSet) and len(set(s.sources)) == 1


_NOTE_COLUMNS = ["label", "matched", "code", "position", "set", "normalisations", "n",
                 "columns"]


@dataclass
class AnswerMatch:
    """How the answers of one or more columns were matched to an answer set.

    Attributes
    ----------
    answer_set : AnswerSet
        The set used (for a partial user mapping: the mapping extended by a built-in set).
    builtin : str or None
        The built-in set the labels were matched to, if any.
    compatible : list of str
        Built-in sets that fit every label matched through a built-in set (they code
        those labels identically).
    tied : list of str
        When no set fits every label: the built-in sets that fit the most labels.
    codes : dict
        Distinct raw answer -> code 1..5, for every answer that matched.
    unknown : list
        Distinct raw answers that matched no label.
    notes : pandas.DataFrame
        One row per distinct raw answer that matched only after normalisation: ``label``
        (as found), ``matched`` (the set's label), ``code``, ``position``, ``set`` (which
        set the label came from), ``normalisations`` (the steps needed, comma separated),
        ``n`` (answers) and ``columns``.
    """

    answer_set: AnswerSet
    builtin: str | None = None
    compatible: list[str] = field(default_factory=list)
    tied: list[str] = field(default_factory=list)
    codes: dict[Any, int] = field(default_factory=dict)
    unknown: list[Any] = field(default_factory=list)
    notes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_NOTE_COLUMNS))

    @property
    def name(self) -> str:
        """Name of the set used."""
        return self.answer_set.name

    @property
    def mapping(self) -> dict[str, int]:
        """Matching key -> code for the answers actually seen (what the drift guard
        compares between waves)."""
        return {canonical_label(v): c for v, c in self.codes.items()}

    def candidate_lookups(self) -> list[dict[str, int]]:
        """Every full key -> code mapping consistent with how these answers were read:
        the set used, and the same with each compatible built-in set in its place."""
        out = [self.answer_set.lookup()]
        user = self.answer_set
        if self.builtin is not None and len(self.compatible) > 1:
            for name in self.compatible:
                if name == self.builtin:
                    continue
                alt = ANSWER_SETS[name]
                if isinstance(user, _MappedAnswerSet) and user.name != self.builtin:
                    base_user = _MappedAnswerSet(
                        user.name, user.labels,
                        tuple(p for p, s in zip(user.mapped, user.sources, strict=True)
                              if s != self.builtin),
                        tuple(s for s in user.sources if s != self.builtin))
                    out.append(_extend(base_user, alt).lookup())
                else:
                    out.append(alt.lookup())
        return out

    def to_codes(self, values: Any) -> np.ndarray:
        """Codes 1..5 for ``values``: 0 where missing, -1 where the answer is unknown."""
        s = _as_series(values, "answers")
        miss = s.isna().to_numpy()
        out = np.zeros(len(s), dtype=np.int8)
        if (~miss).any():
            idx, uniques = pd.factorize(s[~miss])
            table = np.array([self.codes.get(u, -1) for u in uniques], dtype=np.int8)
            out[~miss] = table[idx]
        return out


def _distinct(values: pd.Series) -> np.ndarray:
    present = values.dropna()
    if isinstance(present.dtype, np.dtype) and present.dtype.kind in "biuf":
        # numeric codes: find the distinct values on the numbers (fast), then hand them
        # on as Python objects, exactly as the object path gives them (same order)
        return pd.unique(present.to_numpy()).astype(object)
    return pd.unique(present.to_numpy(dtype=object))


def _choose_builtin(keys: set[str], restrict: list[str] | None
                    ) -> tuple[str | None, list[str], list[str]]:
    """(chosen built-in name, compatible names, tied names) for these matching keys."""
    names = list(restrict) if restrict is not None else list(ANSWER_SETS)
    lookups = {n: ANSWER_SETS[n].lookup() for n in names}
    full = [n for n in names if keys <= set(lookups[n])]
    if full:
        # never guess: every set that fits must code every label alike
        differ = sorted(k for k in keys if len({lookups[n][k] for n in full}) > 1)
        if differ:
            raise InputError(
                f"The answers fit several built-in answer sets that code them differently "
                f"({', '.join(map(repr, full))}; e.g. {differ[0]!r} is "
                + ", ".join(f"{lookups[n][differ[0]]} in {n!r}" for n in full)
                + "). Pass answer_set= explicitly (a set name or a dict label -> code)."
            )
        return full[0], full, []
    hits = {n: len(keys & set(lookups[n])) for n in names}
    best = max(hits.values(), default=0)
    tied = [n for n in names if hits[n] == best] if best > 0 else []
    return (tied[0] if tied else None), [], tied


def match_answers(*columns: Any, answer_set: Any = None, names: list[str] | None = None,
                  candidates: list[str] | None = None) -> AnswerMatch:
    """Match the answers of several columns (functional and dysfunctional) to one set.

    Does not raise for unknown answers: they are listed in :attr:`AnswerMatch.unknown` so
    the caller can report them with the context it knows (respondents, waves).

    Parameters
    ----------
    *columns : array-like or pandas.Series
        Answer columns matched together.
    answer_set : None, str, AnswerSet or dict
        See the module docstring for the precedence.
    names : list of str, optional
        Column names for the notes.
    candidates : list of str, optional
        Restrict auto-detection to these built-in set names.

    Raises
    ------
    InputError
        When the built-in sets that fit the answers would code them differently.

    Examples
    --------
    >>> m = match_answers(["I'm neutral.", "Like it"], ["I dislike it"])
    >>> m.name, sorted(m.codes.values())
    ('short', [1, 3, 5])
    >>> m.notes[["label", "matched", "normalisations"]].values.tolist()[0]
    ["I'm neutral.", 'I am neutral', 'contractions, punctuation']
    """
    names = list(names) if names is not None else [f"answers {i + 1}"
                                                    for i in range(len(columns))]
    series = [_as_series(col, name) for col, name in zip(columns, names, strict=True)]
    distinct: dict[Any, str] = {}
    for s in series:
        for u in _distinct(s):
            if u not in distinct:
                distinct[u] = canonical_label(u)
    keys = set(distinct.values())
    chosen = _resolve(answer_set)
    builtin: str | None = None
    compatible: list[str] = []
    tied: list[str] = []
    if chosen is None or _is_user_mapping(chosen):
        user_keys = set(chosen.lookup()) if chosen is not None else set()
        remaining = keys - user_keys
        if remaining or chosen is None:
            builtin, compatible, tied = _choose_builtin(remaining, candidates)
        if builtin is not None:
            base = ANSWER_SETS[builtin]
            chosen = _extend(chosen, base) if chosen is not None else base
        elif chosen is None:
            chosen = CODES  # nothing fits: report against the plain codes
    else:
        builtin = chosen.name if chosen.name in ANSWER_SETS else None
        compatible = [chosen.name] if builtin else []
    lookup = chosen.lookup()
    codes = {u: lookup[k] for u, k in distinct.items() if k in lookup}
    unknown = [u for u, k in distinct.items() if k not in lookup]
    notes = _notes(series, names, codes, chosen)
    return AnswerMatch(answer_set=chosen, builtin=builtin, compatible=compatible, tied=tied,
                       codes=codes, unknown=unknown, notes=notes)


def _notes(series: list[pd.Series], names: list[str], codes: dict[Any, int],
           chosen: AnswerSet) -> pd.DataFrame:
    by_key = chosen.labels_by_key()
    source = chosen.source_by_key() if isinstance(chosen, _MappedAnswerSet) else {}
    rows = []
    for u, code in codes.items():
        key = canonical_label(u)
        target = by_key[key]
        steps = normalisation_steps(u, target)
        if not steps:
            continue
        counts = {name: int((s == u).sum()) for s, name in zip(series, names, strict=True)}
        rows.append({"label": u, "matched": target, "code": code,
                     "position": POSITIONS[code - 1], "set": source.get(key, chosen.name),
                     "normalisations": ", ".join(steps), "n": sum(counts.values()),
                     "columns": ", ".join(n for n, c in counts.items() if c)})
    return pd.DataFrame(rows, columns=_NOTE_COLUMNS)


def detect_answer_set(*columns: Any, answer_set: Any = None) -> AnswerSet:
    """The answer set for several answer columns together (functional and dysfunctional).

    With ``answer_set=None`` the first built-in set (in :data:`ANSWER_SETS` order) that
    fits every label; when none fits, the one fitting most labels. A user mapping is
    extended by the set detected from the labels it does not cover. See
    :func:`match_answers` for the notes on what was normalised.
    """
    return match_answers(*columns, answer_set=answer_set).answer_set


def compatible_sets(labels: Any) -> list[str]:
    """Names of the built-in answer sets that contain every (normalised) label."""
    wanted = {canonical_label(v) for v in labels}
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


def unknown_advice(match: AnswerMatch) -> str:
    """The closing sentences of every unknown-answer error: what was expected, the fix."""
    chosen = match.answer_set
    tied = ""
    if len(match.tied) > 1:
        tied = (f"The labels fit the built-in sets {', '.join(map(repr, match.tied))} "
                "equally well (wordings mixed?); none is chosen for you. ")
    return (
        f"{tied}Expected labels: "
        f"{', '.join(map(repr, (lab for lab in chosen.labels if lab)))}. "
        "Fix the labels, set them to missing, or pass answer_set= explicitly: a set name, "
        "or a dict {label: code 1-5 or position}; a partial dict is enough, it extends the "
        "detected built-in set. Unknown answers are never classified as Q."
    )


def code_columns(columns: Mapping[str, Any], answer_set: Any = None
                 ) -> tuple[dict[str, np.ndarray], AnswerMatch]:
    """Codes for several answer columns matched together; one error for all of them.

    Returns
    -------
    codes : dict
        Column name -> int8 codes (1..5, 0 where missing).
    match : AnswerMatch
        The set used and the notes.

    Raises
    ------
    InputError
        Listing, column by column, every unknown answer with its count and first rows.
    """
    names = list(columns)
    match = match_answers(*columns.values(), answer_set=answer_set, names=names)
    out = {}
    parts = []
    for name, values in columns.items():
        s = _as_series(values, name)
        codes = match.to_codes(s)
        bad = codes < 0
        if bad.any():
            labels = [u for u in match.unknown if (s == u).any()]
            desc = "; ".join(f"{u!r} ({describe_offenders(s, (s == u).to_numpy(), max_rows=3)})"
                             for u in labels)
            parts.append(f"Column {name!r}: {len(labels)} answer label(s) match no label of "
                         f"the answer set {match.name!r}: {desc}")
        out[name] = codes
    if parts:
        raise InputError(". ".join(parts) + ". " + unknown_advice(match))
    return out, match


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
        labels to codes 1-5 or positions and extends the detected built-in set.
    column : str
        Name used in error messages.
    candidates : list of str, optional
        When auto-detecting, restrict to these set names.

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
    match = match_answers(s, answer_set=chosen, names=[column], candidates=candidates)
    codes = match.to_codes(s)
    if match.unknown:
        present = s[s.notna()]
        parts = []
        for u in match.unknown:
            mask = present.map(lambda v, u=u: v == u).to_numpy(dtype=bool)
            parts.append(f"{u!r} ({describe_offenders(present, mask, max_rows=3)})")
        raise InputError(
            f"Column {column!r}: {len(match.unknown)} answer label(s) match no label of the "
            f"answer set {match.name!r} (closest of the built-in sets): {'; '.join(parts)}. "
            + unknown_advice(match)
        )
    return codes, match.name
