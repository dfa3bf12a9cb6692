"""The ``expectlab`` console command.

``expectlab report TEMPLATE --data FILE [--codebook FILE] [--sep ;] [--decimal ,]
[--encoding latin-1] [--sheet NAME] [--param name=value ...] [--format html,xlsx,pdf,pptx]
[--lang en|zh] [--style style.yaml] [--timeout SECONDS] [--progress | --quiet] --out DIR``
renders a client-study report, showing one line per step with its time on stderr when
that is a terminal (``--progress`` forces the lines, e.g. in a CI log; ``--quiet`` hides
them);
``expectlab report --list`` shows the bundled templates and ``expectlab report --copy
client_study my_study.ipynb`` copies one to customise. ``expectlab examples`` regenerates
the bundled example data.

Exit codes: 0 success, 2 input error (one message, nothing written), 1 a defect,
130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._errors import InputError

__all__ = ["main", "build_parser"]


def _resolve_template(name: str) -> Path:
    from .report._templates import resolve_template

    return resolve_template(name)


def _list_templates() -> int:
    from .report._templates import bundled_templates

    templates = bundled_templates()
    if not templates:
        print("No bundled templates found (is expectlab installed with its package data?).")
        return 1
    width = max(len(n) for n in templates)
    for name, (_, description) in templates.items():
        print(f"{name:<{width}}  {description}")
    return 0


def _html(args: argparse.Namespace) -> int:
    """Render a teaching notebook (already executed) as self-contained HTML for a course
    site: code and outputs kept, maths converted to MathML, no scripts from a CDN."""
    import nbformat

    from .report._export_html import client_notebook, export_html

    source: Path = args.notebook
    if source.suffix != ".ipynb" or not source.is_file():
        raise InputError(f"{str(source)!r} is not a notebook file (.ipynb).")
    try:
        nb = nbformat.read(str(source), as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises several types for bad files
        raise InputError(f"{source.name} could not be read as a notebook ({exc}).") from None
    out = args.out or source.with_suffix(".html")
    title = source.stem.replace("_", " ")
    export_html(client_notebook(nb), out, title=title, include_code=True)
    print(out)
    return 0


def _report(args: argparse.Namespace) -> int:
    from .report import parse_parameter
    from .report._templates import copy_template
    from .report.parameters import load_style
    from .report.render import render_report_files

    if args.list:
        return _list_templates()
    if args.copy:
        dest = copy_template(*args.copy)
        print(f"Template copied to {dest}; run it with: expectlab report {dest} --data FILE "
              "--out DIR")
        return 0
    if args.template is None or args.out is None:
        raise InputError("Give a template and --out, e.g. expectlab report client_study "
                         "--data survey.sav --out reports (expectlab report --list shows "
                         "the templates).")
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
    style = load_style(args.style) if args.style is not None else None
    result = render_report_files(
        template, args.out, params, name=args.name, timeout=args.timeout,
        read_options=read_options or None, formats=args.format.split(","),
        language=args.lang, style=style, progress=args.progress,
    )
    for path in result.files.values():
        print(f"Report written to {path}")
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
    rep.add_argument("template", nargs="?",
                     help="template notebook (path, or a bundled name such as client_study)")
    rep.add_argument("--list", action="store_true", help="list the bundled templates")
    rep.add_argument("--copy", nargs=2, metavar=("TEMPLATE", "DEST"),
                     help="copy a bundled template to DEST.ipynb to customise it")
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
    rep.add_argument("--out", type=Path, help="folder for the report")
    rep.add_argument("--name", help="file name of the report without extension (no folders)")
    rep.add_argument("--format", default="html",
                     help="comma-separated formats: html, xlsx, pdf, pptx (default html)")
    rep.add_argument("--lang", choices=["en", "zh"], default=None,
                     help="report language: en (English) or zh (Simplified Chinese)")
    rep.add_argument("--style", type=Path,
                     help="YAML style file: logo, colours, footer, title_colour")
    rep.add_argument("--timeout", type=int, default=None,
                     help="seconds allowed per notebook cell (default: 600 per started "
                          "100,000 respondents)")
    shown = rep.add_mutually_exclusive_group()
    shown.add_argument("--progress", dest="progress", action="store_const", const=True,
                       default=None, help="print one line per step with its time on stderr "
                                          "(default: only when stderr is a terminal)")
    shown.add_argument("--quiet", dest="progress", action="store_const", const=False,
                       help="print no progress lines")
    rep.set_defaults(func=_report)
    nbh = sub.add_parser("html", help="write an executed notebook as offline HTML (code kept, "
                         "maths as MathML)")
    nbh.add_argument("notebook", type=Path, help="an executed .ipynb file")
    nbh.add_argument("--out", type=Path, default=None,
                     help="the HTML file to write (default: next to the notebook)")
    nbh.set_defaults(func=_html)
    ex = sub.add_parser("examples", help="regenerate the bundled example data")
    ex.add_argument("--out", type=Path, default=None, help="folder (default: data/)")
    ex.set_defaults(func=_examples)
    return parser


def _check_utf8(argv: list[str]) -> None:
    # Undecodable bytes in arguments arrive as lone surrogates; they would fail later,
    # deep inside JSON or file writing, with a traceback.
    for position, arg in enumerate(argv, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            raise InputError(
                f"Argument {position} ({shown!r}) is not valid UTF-8 text. Rename the file "
                "or give the value in UTF-8 (e.g. set LANG=C.UTF-8 in the shell)."
            ) from None


def main(argv: list[str] | None = None) -> int:
    from .report._run import ReportInterrupted, interrupts_handled

    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        _check_utf8(argv)
    except InputError as exc:
        print(f"expectlab: input error: {exc}", file=sys.stderr)
        return 2
    args = build_parser().parse_args(argv)
    try:
        with interrupts_handled():
            return args.func(args)
    except InputError as exc:
        print(f"expectlab: input error: {exc}", file=sys.stderr)
        return 2
    except ReportInterrupted as exc:
        terminated = "SIGTERM" in str(exc)
        print(f"expectlab: {'terminated' if terminated else 'interrupted'}; no report written.",
              file=sys.stderr)
        return 143 if terminated else 130
    except KeyboardInterrupt:
        print("expectlab: interrupted; no report written.", file=sys.stderr)
        return 130
    except OSError as exc:
        where = f" {exc.filename!r}" if getattr(exc, "filename", None) else ""
        print(f"expectlab: cannot read or write{where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:
        print(f"expectlab: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
