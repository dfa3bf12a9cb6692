"""The ``expectlab`` console command.

``expectlab report TEMPLATE --data FILE [--codebook FILE] [--sep ;] [--decimal ,]
[--encoding latin-1] [--sheet NAME] [--param name=value ...] --out DIR`` renders a
client-study report; ``expectlab examples`` regenerates the bundled example data.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._errors import InputError

__all__ = ["main"]

# templates shipped inside the package (expectlab/templates/<name>.ipynb)
BUNDLED_TEMPLATES = {"client_study": "templates/client_study.ipynb"}


def _resolve_template(name: str) -> Path:
    path = Path(name)
    if path.exists():
        return path
    if name in BUNDLED_TEMPLATES:
        bundled = Path(__file__).resolve().parent / BUNDLED_TEMPLATES[name]
        if bundled.exists():
            return bundled
    raise InputError(
        f"Template {name!r} not found. Give the path of a template notebook, e.g. "
        "client_study (the bundled template)."
    )


def _report(args: argparse.Namespace) -> int:
    from .report import parse_parameter, render_report

    params = {}
    for item in args.param or []:
        key, value = parse_parameter(item)
        params[key] = value
    if args.data is not None:
        params["data_path"] = str(args.data)
    if args.codebook is not None:
        params["codebook_path"] = str(args.codebook)
    read_options = {key: getattr(args, key) for key in ("sep", "decimal", "encoding", "sheet")
                    if getattr(args, key) is not None}
    if read_options.get("sep") in ("\\t", "tab"):
        read_options["sep"] = "\t"
    template = _resolve_template(args.template)
    html = render_report(template, args.out, params, name=args.name, timeout=args.timeout,
                         read_options=read_options or None)
    print(f"Report written to {html}")
    return 0


def _examples(args: argparse.Namespace) -> int:
    from .simulate.examples import write_all

    for path in write_all(args.out):
        print(path)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="expectlab",
        description="Customer expectations, satisfaction and loyalty: client-study reports.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="render a client-study report from a survey file")
    rep.add_argument("template", help="template notebook (path, or 'client_study')")
    rep.add_argument("--data", type=Path, help="survey file (CSV, Excel, SPSS, Stata, Parquet)")
    rep.add_argument("--codebook", type=Path, help="codebook file (YAML or CSV)")
    rep.add_argument("--sep", help="delimiter of a CSV/text file: ',', ';', '|' or 'tab' "
                                   "(detected when omitted)")
    rep.add_argument("--decimal", choices=[".", ","],
                     help="decimal mark of numbers in a text file (detected when omitted)")
    rep.add_argument("--encoding", help="text encoding of the data file, e.g. latin-1")
    rep.add_argument("--sheet", help="Excel sheet name, or its 0-based position")
    rep.add_argument("--param", action="append", metavar="NAME=VALUE",
                     help="template parameter; VALUE is read as JSON when it parses "
                          "(numbers, null, lists) and as text otherwise; repeatable")
    rep.add_argument("--out", type=Path, required=True, help="folder for the report")
    rep.add_argument("--name", help="file name of the report without extension")
    rep.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    rep.set_defaults(func=_report)
    ex = sub.add_parser("examples", help="regenerate the bundled example data")
    ex.add_argument("--out", type=Path, default=None, help="folder (default: data/)")
    ex.set_defaults(func=_examples)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"expectlab: input error: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:
        print(f"expectlab: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
