"""The report's words in English and Simplified Chinese, from message catalogues.

Every heading, sentence, table header and figure label of the client report comes from
``expectlab/report/messages/<language>.yaml`` (read with the safe YAML loader), never
from strings in the template. A message is a format string whose ``{names}`` are filled
by :meth:`Messages.__call__`; values that come from the client's file are inserted as
given and escaped where they are shown.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from .._errors import InputError

__all__ = ["LANGUAGES", "Messages", "messages", "catalogue"]

LANGUAGES = ("en", "zh")
_FOLDER = Path(__file__).resolve().parent / "messages"


@cache
def catalogue(language: str) -> dict[str, str]:
    """The flat message catalogue of ``language`` (``"en"`` or ``"zh"``)."""
    import yaml

    if language not in LANGUAGES:
        raise InputError(f"Parameter 'language' must be one of {', '.join(LANGUAGES)}, got "
                         f"{language!r}.")
    path = _FOLDER / f"{language}.yaml"
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or {}
    flat: dict[str, str] = {}
    _flatten(raw, "", flat)
    return flat


def _flatten(node: Any, prefix: str, out: dict[str, str]) -> None:
    """Nested mappings become dotted keys: ``{"kano": {"title": ...}}`` -> ``kano.title``."""
    for key, value in node.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(value, f"{name}.", out)
        else:
            out[name] = str(value)


class Messages:
    """The catalogue of one language; ``tr("key", name=value)`` gives the text."""

    def __init__(self, language: str = "en") -> None:
        self.language = language
        self._text = catalogue(language)

    def __call__(self, key: str, **values: Any) -> str:
        try:
            template = self._text[key]
        except KeyError:
            raise KeyError(f"message {key!r} is missing from the {self.language} "
                           "catalogue") from None
        return template.format(**values) if values else template

    def has(self, key: str) -> bool:
        return key in self._text

    @property
    def to(self) -> str:
        """The word joining the two ends of an interval."""
        return self("fmt.to")


def messages(language: str = "en") -> Messages:
    """The messages of ``language``; an unknown language is an :class:`InputError`."""
    return Messages(language)
