"""Seeded simulators, one per model, each returning the data and the truth.

Every generator takes ``random_state`` and returns an object with ``.data`` (a tidy
DataFrame, as a survey export or transaction log would look) and ``.truth`` (the
parameters or paths the data were generated from). ``python -m expectlab.simulate.examples``
regenerates every example file in ``data/``.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

# topic modules; each may define simulators and ``write_examples(directory)``
TOPICS = ("client", "kano", "satisfaction", "loyalty", "repeat", "csi", "exports",
          "dynamics", "servqual")


def import_topic(topic: str) -> ModuleType | None:
    """The simulator module of ``topic``, or None when that module does not exist."""
    try:
        return importlib.import_module(f"expectlab.simulate.{topic}")
    except ModuleNotFoundError as exc:
        if exc.name == f"expectlab.simulate.{topic}":
            return None
        raise


def __getattr__(name: str) -> Any:
    if name in TOPICS or name == "examples":
        return importlib.import_module(f"expectlab.simulate.{name}")
    for topic in TOPICS:
        module = import_topic(topic)
        if module is not None and name in getattr(module, "__all__", ()):
            return getattr(module, name)
    raise AttributeError(f"module 'expectlab.simulate' has no attribute {name!r}")
