"""The command line: ``python -m tracer FUNCTION [options]`` and ``python -m tracer check FILE``.

The first form records one course function on random inputs (legacy
``np.random.seed(SEED)``, then ``randn`` in the course's order) and writes one
PNG per step, an animated GIF and a ``player.json`` to ``OUT/NAME/``::

    python -m tracer conv_forward --size 5 --f 3 --pad 1 --stride 1 -o out
    python -m tracer pool_backward --size 4 --f 2 --stride 2 --mode average -o out

The second form checks a learner's own functions with :func:`tracer.check`
(:func:`check_main`)::

    python -m tracer check path/to/solution.py
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from . import checker, conv
from .checker.isolation import DEFAULT_TIMEOUT, defined, load_file

__all__ = ["FUNCTIONS", "main", "build_parser", "check_parser", "check_main", "parse_steps", "run_function"]

#: The course functions the command line can trace, in course order.
FUNCTIONS = tuple(conv.__all__)

EPILOG = """\
examples:
  python -m tracer conv_forward --size 5 --f 3 --pad 1 -o out
  python -m tracer conv_forward --channels 3 --filters 2 --channel 1 --steps 0:10 -o out
  python -m tracer pool_backward --size 4 --f 2 --stride 2 --mode average -o out
  python -m tracer check solution.py          (checks a learner's own functions; see check --help)

Inputs are drawn with np.random.seed(SEED) then np.random.randn in the course's order
(A_prev, then W, then b); conv_backward is fed dZ = Z as the course does, pool_backward
a random dA."""


def _positive(name: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be an int >= 1, got {text!r}") from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"{name} must be an int >= 1, got {value}")
        return value

    return parse


def _int(name: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be an int, got {text!r}") from None

    return parse


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``python -m tracer FUNCTION ...`` (``check`` is dispatched before it)."""
    p = argparse.ArgumentParser(
        prog="python -m tracer",
        usage="python -m tracer {FUNCTION,check} [options]",
        description="Record a course function on random inputs and draw every step: one PNG per step, "
        "an animated GIF and a player.json, in OUT/NAME/.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("function", metavar="FUNCTION", choices=FUNCTIONS,
                   help="the course function to trace: " + ", ".join(FUNCTIONS) + "; or 'check FILE'")
    sizes = p.add_argument_group("sizes")
    sizes.add_argument("--m", type=_positive("--m"), default=1, help="examples in the batch (default 1)")
    sizes.add_argument("--size", type=_positive("--size"), default=5,
                       help="height of the input, n_H_prev (default 5)")
    sizes.add_argument("--width", type=_positive("--width"), default=None,
                       help="width of the input, n_W_prev (default: the height)")
    sizes.add_argument("--channels", type=_positive("--channels"), default=1,
                       help="input channels, n_C_prev (default 1)")
    sizes.add_argument("--filters", type=_positive("--filters"), default=1,
                       help="filters of a convolution, n_C (default 1)")
    sizes.add_argument("--f", type=_positive("--f"), default=None,
                       help="filter or window size f (default 3 for convolutions, 2 for pooling)")
    hyper = p.add_argument_group("hyperparameters")
    hyper.add_argument("--stride", type=_int("--stride"), default=None,
                       help="stride (default 1 for convolutions, f for pooling)")
    hyper.add_argument("--pad", type=_int("--pad"), default=1, help="zero padding (default 1)")
    hyper.add_argument("--mode", default="max", help="pooling mode, max or average (default max)")
    hyper.add_argument("--seed", type=_int("--seed"), default=1, help="np.random.seed for the inputs (default 1)")
    out = p.add_argument_group("output")
    out.add_argument("-o", "--out", default="tracer-out", help="parent directory (default tracer-out)")
    out.add_argument("--name", default=None, help="sub-directory of the frames (default: FUNCTION)")
    out.add_argument("--steps", default=None,
                     help="steps to draw: 'START:STOP[:STEP]' or 'K,K,...' (default: every step)")
    out.add_argument("--channel", type=_int("--channel"), default=None,
                     help="input channel shown for convolutions (default 0)")
    out.add_argument("--dpi", type=_int("--dpi"), default=None, help="pixels per inch (default 100)")
    out.add_argument("--no-gif", action="store_true", help="write the PNG frames only")
    out.add_argument("--max-events", type=_positive("--max-events"), default=2000,
                     help="refuse a call that records more events than this (default 2000)")
    out.add_argument("--workers", type=_positive("--workers"), default=None,
                     help="processes that render (default: 2 for long renders)")
    out.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    return p


def parse_steps(text: str | None, n: int) -> list[int] | None:
    """``'2:10'``, ``'0:20:5'`` or ``'0,3,-1'`` as step indices of a trace of ``n`` events.

    Raises
    ------
    ValueError
        Naming ``--steps`` and what it received, for malformed text or an index out of range.
    """
    if text is None:
        return None
    try:
        if ":" in text:
            parts = [int(x) if x.strip() else None for x in text.split(":")]
            if len(parts) > 3:
                raise ValueError
            steps = list(range(n))[slice(*parts)]
        else:
            steps = [int(x) for x in text.split(",")]
    except ValueError:
        raise ValueError(f"--steps must be 'START:STOP[:STEP]' or 'K,K,...', got {text!r}") from None
    for k in steps:
        if not -n <= k < n:
            raise ValueError(f"--steps: step {k} is out of range, the trace has {n} events (0 to {n - 1})")
    if not steps:
        raise ValueError(f"--steps {text!r} selects no step of the {n}")
    return steps


def run_function(args: argparse.Namespace) -> Any:
    """Record ``args.function`` on random inputs and return the trace.

    The course function checks its own arguments, so a bad ``--stride``,
    ``--pad``, ``--mode``... raises its ``ValueError``/``TypeError`` before any work.
    """
    import tracer

    fn = args.function
    pool = fn.startswith("pool")
    f = args.f if args.f is not None else (2 if pool else 3)
    stride = args.stride if args.stride is not None else (f if pool else 1)
    n_H, n_W = args.size, args.width if args.width is not None else args.size
    np.random.seed(args.seed)
    A_prev = np.random.randn(args.m, n_H, n_W, args.channels)
    with tracer.record(max_events=args.max_events) as trace:
        if fn == "zero_pad":
            tracer.zero_pad(A_prev, args.pad)
        elif fn == "conv_single_step":
            np.random.seed(args.seed)
            a_slice = np.random.randn(f, f, args.channels)
            tracer.conv_single_step(a_slice, np.random.randn(f, f, args.channels), np.random.randn(1, 1, 1))
        elif fn in ("conv_forward", "conv_backward"):
            W = np.random.randn(f, f, args.channels, args.filters)
            b = np.random.randn(1, 1, 1, args.filters)
            hp = {"pad": args.pad, "stride": stride}
            if fn == "conv_forward":
                tracer.conv_forward(A_prev, W, b, hp)
            else:
                Z, cache = tracer.fast.conv_forward(A_prev, W, b, hp)
                tracer.conv_backward(Z, cache)
        elif fn in ("pool_forward", "pool_backward"):
            hp = {"f": f, "stride": stride}
            if fn == "pool_forward":
                tracer.pool_forward(A_prev, hp, mode=args.mode)
            else:
                A, cache = tracer.fast.pool_forward(A_prev, hp, mode=args.mode)
                tracer.pool_backward(np.random.randn(*A.shape), cache, mode=args.mode)
        elif fn == "create_mask_from_window":
            np.random.seed(args.seed)
            tracer.create_mask_from_window(np.random.randn(f, f))
        elif fn == "distribute_value":
            np.random.seed(args.seed)
            tracer.distribute_value(float(np.random.randn()), (f, f))
    return trace


class Progress:
    """A text progress bar on ``stream``: redrawn in place on a terminal, every quarter otherwise."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30):
        self.label, self.stream, self.width = label, sys.stderr if stream is None else stream, width
        self.tty = self.stream.isatty()
        self.start = time.perf_counter()
        self._quarter = -1

    def __call__(self, done: int, total: int) -> None:
        quarter = 4 * done // total
        if not self.tty and quarter == self._quarter:
            return
        self._quarter = quarter
        filled = self.width * done // total
        bar = "#" * filled + "." * (self.width - filled)
        line = f"{self.label} [{bar}] {done}/{total} frames, {time.perf_counter() - self.start:.1f} s"
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        if self.tty and done == total:
            self.stream.write("\n")
        self.stream.flush()

    def __repr__(self) -> str:
        return f"<Progress {self.label!r}>"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 done, 1 or more on errors).

    ``check`` as the first argument hands the rest to :func:`check_main`.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "check":
        return int(check_main(argv[1:]))
    parser = build_parser()
    if argv and not argv[0].startswith("-") and argv[0] not in FUNCTIONS:
        parser.error(f"FUNCTION must be one of {', '.join(FUNCTIONS)} or 'check', got {argv[0]!r}")
    args = parser.parse_args(argv)
    if args.f is not None and args.f < 1:  # pragma: no cover - the type already refuses it
        parser.error("--f must be >= 1")
    from .recording import TraceLimitError

    try:
        trace = run_function(args)
    except TraceLimitError as err:
        parser.exit(2, f"{parser.prog}: error: {err}; from the command line: --max-events N\n")
    except (TypeError, ValueError) as err:  # the core's own messages, raised before any work
        parser.exit(2, f"{parser.prog}: error: {err}\n")
    from . import render

    name = args.name or args.function
    try:
        steps = parse_steps(args.steps, len(trace))
        progress = None if args.quiet else Progress(f"{name}")
        player = render.write_player(trace, args.out, name, steps=steps, dpi=args.dpi, gif=not args.no_gif,
                                     channel=args.channel, workers=args.workers, progress=progress)
    except (TypeError, ValueError, IndexError) as err:
        parser.exit(2, f"{parser.prog}: error: {err}\n")
    gif = " and anim.gif" if player["gif"] else ""
    print(f"wrote {len(player['steps'])} frames ({player['width']}x{player['height']} px){gif} "
          f"and player.json to {args.out}/{name}/")
    return 0


# ----------------------------------------------------------------------------------------------
# python -m tracer check solution.py


def check_parser() -> argparse.ArgumentParser:
    """The parser of ``python -m tracer check FILE ...``; ``--only`` takes one of :data:`tracer.checker.FUNCTIONS`."""
    functions = checker.FUNCTIONS
    parser = argparse.ArgumentParser(
        prog="python -m tracer check",
        description="Check your own versions of the course functions (zero_pad, conv_forward, pool_backward...) "
                    "in a Python file against tracer's, case by case, and show the first window that differs.",
    )
    parser.add_argument("path", help="your Python file; its `if __name__ == \"__main__\"` block is not run")
    parser.add_argument("--only", metavar="NAME", choices=functions,
                        help=f"check only this function (one of {', '.join(functions)})")
    parser.add_argument("--figure", metavar="DIR",
                        help="save a PNG of the first failing window of each failing function into DIR")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help=f"seconds each case may take (default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--timing", action="store_true", help="print how long each check took")
    return parser


def check_main(argv: Sequence[str] | None = None) -> int:
    """``python -m tracer check path/to/solution.py [--figure DIR] [--only NAME]``: check and print.

    Returns
    -------
    int
        0 when every function passes, 1 when one fails, 2 when the file does
        not exist, cannot be imported, or defines none of the course functions.
    """
    functions = checker.FUNCTIONS
    args = check_parser().parse_args(sys.argv[1:] if argv is None else argv)
    path = Path(args.path)
    if not path.is_file():
        print(f"tracer check: no such file: {path}", file=sys.stderr)
        return 2
    if not args.timeout > 0:
        print(f"tracer check: --timeout must be a positive number of seconds, got {args.timeout}", file=sys.stderr)
        return 2
    try:
        module = load_file(path)
    except Exception as exc:  # noqa: BLE001 - any error of the learner's file is reported
        print(f"tracer check: importing {path} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    found = defined(module, (args.only,) if args.only else functions)
    if not found:
        which = f"the function {args.only}" if args.only else f"any of the course functions ({', '.join(functions)})"
        print(f"tracer check: {path} does not define {which}", file=sys.stderr)
        return 2
    total = time.perf_counter()
    failures = 0
    for n in found:
        report = checker.check(getattr(module, n), name=n, timeout=args.timeout)
        print(report)
        print()
        failures += not report.passed
        if args.figure and not report.passed:
            out = Path(args.figure)
            out.mkdir(parents=True, exist_ok=True)
            fig = report.figure()
            if fig is not None:
                target = out / f"{n}.png"
                fig.savefig(target, dpi=100)
                print(f"figure: {target}\n")
            else:
                print(f"figure: none for {n} (its first failure has no window to show)\n")
        if args.timing:
            print(f"{n}: {report.seconds:.2f} s\n")
    if args.timing:
        print(f"checked {len(found)} function(s) in {time.perf_counter() - total:.2f} s")
    print(f"{len(found) - failures} of {len(found)} function(s) passed")
    return 1 if failures else 0
