"""The tolerant, deterministic normaliser behind Kano answer matching.

Real exports word the built-in answers slightly differently: ``"I'm neutral"`` for
``"I am neutral"``, curly quotes, a missing comma or a trailing full stop, ``"I must be
that way"`` for ``"It must be that way"``, ``"Like it"`` for ``"I like it"``, odd case and
spacing. :func:`canonical_label` maps all of these to one key through a fixed sequence of
steps; :func:`normalisation_steps` names the steps that were needed to match one raw label
to a label of a set, so every tolerance used is reported rather than applied silently.

The steps, in order:

1. ``Unicode NFKC`` - compatibility forms (full-width letters, ligatures, no-break spaces).
2. ``quotes`` - curly and other typographic quotes made straight.
3. ``case`` - case folding.
4. ``white space`` - runs of white space collapsed, ends stripped.
5. ``contractions`` - common English contractions expanded (``can't`` -> ``cannot``,
   ``I'm`` -> ``i am``, ``doesn't`` -> ``does not``, also without the apostrophe).
6. ``punctuation`` - every punctuation mark replaced by a space (then spaces collapsed).
7. ``leading subject word`` - one leading ``I`` / ``It`` / ``This`` dropped, then a
   leading ``am`` / ``is``; never when nothing would remain.

Numbers (``2``, ``2.0``, ``"2"``, ``" 2. "``) become their plain integer text (``"2"``)
before any of this, so a sign or decimal part is never lost to the punctuation step:
``"-1"`` stays ``"-1"`` and matches no code. Text that would only become a number once
its punctuation is gone (``"(1)"``, ``"- 1"``) keeps its punctuation and matches nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = ["canonical_label", "normalisation_steps", "STEPS"]

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                         "\u2032": "'", "\u00b4": "'", "`": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
                         "\u2033": '"', "\u00ab": '"', "\u00bb": '"'})
_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d*)?")
# applied in this order to case-folded text with straight quotes; whole words only
_CONTRACTIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl) for pattern, repl in (
        (r"\bcan'?t\b", "cannot"),
        (r"\bcan not\b", "cannot"),
        (r"\bwon't\b", "will not"),
        (r"\b(do|does|did|is|are|was|were|would|could|should|have|has|had)n'?t\b",
         r"\1 not"),
        (r"\bi'?m\b", "i am"),
        (r"\b(it|that|this|there|what)'s\b", r"\1 is"),
        (r"\b(\w+)'re\b", r"\1 are"),
        (r"\b(\w+)'ve\b", r"\1 have"),
        (r"\b(\w+)'ll\b", r"\1 will"),
        (r"\b(i|you|we|they|it|he|she)'d\b", r"\1 would"),
    )
)
_SUBJECTS = ("i", "it", "this")
_COPULAS = ("am", "is")


def _number_text(value: Any) -> str | None:
    """Plain text of a number (``"2"`` for 2, 2.0, ``"2"``, ``"2."``); None otherwise."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    return None


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _quotes(text: str) -> str:
    return text.translate(_QUOTES)


def _case(text: str) -> str:
    return text.casefold()


def _space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _contractions(text: str) -> str:
    for pattern, repl in _CONTRACTIONS:
        text = pattern.sub(repl, text)
    return text


def _punctuation(text: str) -> str:
    # every Unicode punctuation mark (category P*) becomes a space, so "it,and" stays two
    # words
    out = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)
    return _SPACE.sub(" ", out).strip()


def _subject(text: str) -> str:
    words = text.split(" ")
    if len(words) > 1 and words[0] in _SUBJECTS:
        words = words[1:]
    if len(words) > 1 and words[0] in _COPULAS:
        words = words[1:]
    return " ".join(words)


#: the named steps in the order they are applied
STEPS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("Unicode NFKC", _nfkc),
    ("quotes", _quotes),
    ("case", _case),
    ("white space", _space),
    ("contractions", _contractions),
    ("punctuation", _punctuation),
    ("leading subject word", _subject),
)


def _stages(value: Any) -> list[str] | str:
    """The text after each step, or the number text for a number (stages do not apply)."""
    number = _number_text(value)
    if number is not None:
        return number
    stages = _text_stages(str(value))
    return stages if isinstance(stages, str) else list(stages)


@lru_cache(maxsize=8192)
def _text_stages(text: str) -> tuple[str, ...] | str:
    # cached: every detection re-reads the built-in labels, and exports repeat labels
    out: list[str] = []
    for name, step in STEPS:
        new = step(text)
        if name == "white space" and _NUMBER.fullmatch(new):
            # a number stored as text: keep its sign and decimals out of the later steps
            num = float(new)
            return str(int(num)) if num.is_integer() else repr(num)
        if name == "punctuation" and _NUMBER.fullmatch(new):
            # "(1)", "- 1", "1)": text that only becomes a code once punctuation goes is
            # too doubtful to read as that code; it keeps its marks and matches nothing
            out.extend([text] * (len(STEPS) - len(out)))
            return tuple(out)
        text = new
        out.append(text)
    return tuple(out)


def canonical_label(value: Any) -> str:
    """The matching key of one answer after every normalisation step.

    Parameters
    ----------
    value : Any
        An answer as exported: text or a number.

    Returns
    -------
    str
        The key; equal keys are treated as the same answer.

    Examples
    --------
    >>> canonical_label("I\u2019m  Neutral.")
    'neutral'
    >>> canonical_label("I dislike it and I can not accept it") == canonical_label(
    ...     "I dislike it, and I can't accept it")
    True
    >>> canonical_label(" 2. "), canonical_label(2.0), canonical_label("-1")
    ('2', '2', '-1')
    """
    stages = _stages(value)
    return stages if isinstance(stages, str) else stages[-1]


def _distance(a: str, b: str) -> int:
    """Levenshtein edit distance (labels are short, so the plain table is enough)."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i]
        for j, cb in enumerate(b, start=1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def normalisation_steps(raw: Any, target: Any) -> list[str]:
    """Names of the steps that brought ``raw`` closer to the set label ``target``.

    Both texts go through the steps side by side; a step is reported when it shrinks
    the edit distance between them (case folding two texts that differ only in spacing
    changes both alike and is not reported). An exact match needs no step. Numbers
    report ``"number format"`` when their text differs (``"2.0"`` for ``2``).

    Examples
    --------
    >>> normalisation_steps("I'm neutral.", "I am neutral")
    ['contractions', 'punctuation']
    >>> normalisation_steps("Like it", "I like it")
    ['case', 'leading subject word']
    >>> normalisation_steps("I like it", "I like it")
    []
    """
    if isinstance(raw, str) and isinstance(target, str) and raw == target:
        return []
    a, b = _stages(raw), _stages(target)
    if isinstance(a, str) or isinstance(b, str):
        same_text = str(raw).strip() == str(target).strip()
        return [] if same_text or _number_text(raw) is not None else ["number format"]
    steps = []
    dist = _distance(str(raw), str(target))
    for (name, _), next_a, next_b in zip(STEPS, a, b, strict=True):
        new = _distance(next_a, next_b)
        if new < dist:
            steps.append(name)
        dist = new
    return steps
