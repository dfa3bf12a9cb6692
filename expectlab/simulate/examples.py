"""Regenerate every example file in ``data/`` from the seeded simulators.

Run ``python -m expectlab.simulate.examples`` (optionally ``--out DIR``). Each topic module
in :mod:`expectlab.simulate` that defines ``write_examples(directory)`` writes its files;
the output is byte-identical from run to run (a test checks this against ``data/``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import TOPICS, import_topic

__all__ = ["write_all", "default_data_dir", "main"]


def default_data_dir() -> Path:
    """The repository's ``data/`` folder (next to the ``expectlab`` package)."""
    return Path(__file__).resolve().parents[2] / "data"


def write_all(directory: Path | None = None) -> list[Path]:
    """Write every topic's example files into ``directory`` and return their paths."""
    directory = Path(directory) if directory is not None else default_data_dir()
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for topic in TOPICS:
        module = import_topic(topic)
        writer = getattr(module, "write_examples", None)
        if writer is not None:
            written.extend(Path(p) for p in writer(directory))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None,
                        help="folder to write into (default: the repository's data/)")
    args = parser.parse_args(argv)
    for path in write_all(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
