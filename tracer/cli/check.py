"""``python -m tracer check FILE``: a learner's own functions checked by :func:`tracer.check`.

The argument parsing and the printing of :mod:`tracer.checker`'s reports; the checking itself
is :func:`tracer.checker.check_file` (and :func:`tracer.check_notebook` for a notebook)::

    python -m tracer check path/to/solution.py
    python -m tracer check C4W1.ipynb --only conv_forward --figure wrong.png
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .. import checker
from .options import integer

__all__ = ["check_parser", "check_main"]


def _seconds(option: str, top: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{option} must be a number of seconds, got {text!r}") from None
        if not (value > 0 and math.isfinite(value) and value <= top):
            raise argparse.ArgumentTypeError(f"{option} must be a positive number of seconds, at most {top:g}, "
                                             f"got {text!r}")
        return value

    return parse


def _megabytes(text: str) -> int | None:
    if text.lower() in ("none", "0"):
        return None
    return integer("--memory", "a number of megabytes", 64, "at least 64 (megabytes), or none for no cap")(text)


_width = integer("--width", "a number of columns", 40, "at least 40 columns")


def check_parser() -> argparse.ArgumentParser:
    """The parser of ``python -m tracer check FILE ...``; ``--only`` takes one of :data:`tracer.checker.FUNCTIONS`."""
    from ..checker.host import DEFAULT_IMPORT_TIMEOUT
    from ..checker.isolation import DEFAULT_MEMORY, DEFAULT_TIMEOUT, MAX_TIMEOUT

    functions = checker.FUNCTIONS
    parser = argparse.ArgumentParser(
        prog="python -m tracer check",
        description="Check your own versions of the course functions (zero_pad, conv_forward, pool_backward, "
                    "L_model_backward...) in a Python file against tracer's, case by case, and show the first "
                    "window or layer that differs. The file is imported in a separate process, with a time limit.",
        epilog="exit status: 0 every function passed, 1 a function failed, 2 the file could not be checked "
               "(missing, its import failed, hung, exited or left a thread running, or no course function)",
    )
    parser.add_argument("path", help="your Python file (its `if __name__ == \"__main__\"` block is not run), or your "
                                     "notebook (.ipynb): only the course functions' definitions are taken from it")
    parser.add_argument("--definitions", action="store_true",
                        help="take only the definitions from a .py file too, as for a notebook (automatic for a "
                             "notebook exported as a script)")
    parser.add_argument("--only", metavar="NAME", choices=functions,
                        help=f"check only this function (one of {', '.join(functions)})")
    parser.add_argument("--figure", metavar="DIR",
                        help="save a PNG of the first failing window of each failing function into DIR")
    parser.add_argument("--timeout", type=_seconds("--timeout", MAX_TIMEOUT), default=DEFAULT_TIMEOUT,
                        help=f"seconds each case may take (default {DEFAULT_TIMEOUT:g}); a function that times "
                             "out is not run on its remaining cases")
    parser.add_argument("--import-timeout", type=_seconds("--import-timeout", MAX_TIMEOUT),
                        default=DEFAULT_IMPORT_TIMEOUT,
                        help=f"seconds importing the file may take (default {DEFAULT_IMPORT_TIMEOUT:g})")
    parser.add_argument("--memory", type=_megabytes, default=DEFAULT_MEMORY, metavar="MB",
                        help=f"megabytes of memory each case may add (default {DEFAULT_MEMORY}; none: no cap)")
    parser.add_argument("--width", type=_width, default=None,
                        help="columns of the report (default: the terminal's, $COLUMNS, or 80)")
    parser.add_argument("--timing", action="store_true", help="print how long each check took")
    parser.add_argument("--dilation", action="store_true",
                        help='beyond the course: also check conv_forward and conv_backward with a "dilation" key '
                             "(dilations 1 to 3), for versions that take one")
    return parser


def _figure_folder(text: str | None) -> tuple[Path | None, str]:
    """The ``--figure`` folder, or why it cannot be one (checked before any work)."""
    if text is None:
        return None, ""
    out = Path(text).expanduser()
    if out.exists() and not out.is_dir():
        return None, f"--figure {text}: exists and is not a directory"
    probe = out
    while not probe.exists():
        probe = probe.parent
    if not os.access(probe, os.W_OK):
        return None, f"--figure {text}: cannot write into {probe}"
    return out, ""


def _print_definitions(path: Path, only: str | None) -> None:
    """Which definitions a notebook gives, before they are checked."""
    from ..checker.notebook import definitions

    try:
        found = definitions(path, (only,) if only else checker.FUNCTIONS)
    except Exception:  # noqa: BLE001 - check_notebook reports an unreadable notebook itself
        return
    if not found.functions:
        return
    taken = ", ".join(f"{name} (cell {cell})" for name, cell in found.functions.items())
    print(f"from {path.name}, the definitions only: {taken}"
          + (f"; with your helpers {', '.join(found.helpers)}" if found.helpers else "")
          + "; no other cell runs\n")


def check_main(argv: Sequence[str] | None = None) -> int:
    """``python -m tracer check path/to/solution.py [--figure DIR] [--only NAME]``: check and print.

    Returns
    -------
    int
        0 when every function passes, 1 when one fails, 2 when the file could
        not be checked: it does not exist, its import failed, hung, exited,
        read stdin or left a thread running, or it defines none of the course
        functions; also for bad options.
    """
    from ..checker.report import terminal_width

    parser = check_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    figures, problem = _figure_folder(args.figure)
    if problem:
        parser.exit(2, f"tracer check: {problem}\n")
    width = args.width or terminal_width()
    total = time.perf_counter()
    counts = {"failed": 0}

    def show(report: Any) -> None:
        print(report.text(width=width))
        print()
        counts["failed"] += not report.passed
        if figures is not None and not report.passed:
            fig = report.figure()
            if fig is not None:
                target = figures / f"{report.function}.png"
                try:
                    figures.mkdir(parents=True, exist_ok=True)
                    fig.savefig(target, dpi=100)
                except OSError as err:
                    print(f"figure: could not write {target}: {err.strerror or err}\n")
                else:
                    print(f"figure: {target}\n")
            else:
                print(f"figure: none for {report.function} (its first failure has no window to show)\n")
        if args.timing:
            print(f"{report.function}: {report.seconds:.2f} s\n")
        sys.stdout.flush()

    from ..checker.notebook import is_exported_notebook

    path = Path(args.path)
    notebook = path.suffix == ".ipynb" or (path.suffix == ".py" and (args.definitions or is_exported_notebook(path)))
    run = checker.check_notebook if notebook else checker.check_file
    if notebook and path.is_file():
        _print_definitions(path, args.only)
    try:
        result = run(args.path, only=(args.only,) if args.only else None, timeout=args.timeout,
                     memory=args.memory, import_timeout=args.import_timeout, progress=show, dilation=args.dilation)
    except KeyboardInterrupt:
        print("tracer check: interrupted", file=sys.stderr)
        return 2
    if result.problem:
        if result.problem.startswith(("no such file", str(args.path))):
            print(f"tracer check: {result.problem}", file=sys.stderr)
        else:
            print(f"tracer check: could not check {args.path}: {result.problem}", file=sys.stderr)
        return 2
    found = result.reports
    if args.timing:
        print(f"checked {len(found)} function(s) in {time.perf_counter() - total:.2f} s")
    print(f"{len(found) - counts['failed']} of {len(found)} function(s) passed")
    return result.exit_code
