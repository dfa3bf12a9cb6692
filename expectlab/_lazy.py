"""Module attributes made on first use (PEP 562 ``__getattr__``), for names whose import is
costly: scikit-learn's base classes (about 2 s) and statsmodels (about 1 s) are needed by
the estimators, not by ``import expectlab``, the CLI's start-up or a Dask/Spark worker
counting one partition.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["built_on_first_use", "imported_on_first_use"]

ModuleHooks = tuple[Callable[[str], Any], Callable[[], list[str]]]


def imported_on_first_use(package: str, names: Mapping[str, str],
                          submodules: Iterable[str] = ()) -> ModuleHooks:
    """``__getattr__`` and ``__dir__`` of a package whose public ``names`` (name ->
    submodule defining it) are imported on first use; ``submodules`` are reachable as
    attributes, as after an eager import. A name once imported is kept in the package."""
    namespace = sys.modules[package].__dict__
    modules = frozenset(submodules)

    def __getattr__(name: str) -> Any:
        if name in names:
            value = getattr(importlib.import_module(f"{package}.{names[name]}"), name)
            namespace[name] = value
            return value
        if name in modules:
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(names) | modules)

    return __getattr__, __dir__


def built_on_first_use(module: str, builders: Mapping[str, Callable[[], type]]) -> ModuleHooks:
    """``__getattr__`` and ``__dir__`` of a module whose classes ``builders`` (name ->
    function returning the class) subclass a costly import. Each class is built once, even
    when threads ask for it at once, and kept in the module under its name, where pickle
    finds it (the builder sets ``__module__`` and ``__qualname__``)."""
    namespace = sys.modules[module].__dict__
    lock = threading.Lock()

    def __getattr__(name: str) -> Any:
        if name in builders:
            with lock:
                if name not in namespace:
                    namespace[name] = builders[name]()
            return namespace[name]
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(builders))

    return __getattr__, __dir__
