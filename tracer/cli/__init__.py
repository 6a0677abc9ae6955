"""The command line: ``python -m tracer FUNCTION [options]`` and ``python -m tracer check FILE``.

The first form records one course function on random inputs (legacy
``np.random.seed(SEED)``, then ``randn`` in the course's order) and writes one
PNG per step, an animated GIF and a ``player.json`` to ``OUT/NAME/``::

    python -m tracer conv_forward --size 5 --f 3 --pad 1 --stride 1 -o out
    python -m tracer conv_forward --size 7 --f 3 --pad 0 --dilation 2 -o out
    python -m tracer conv_transpose_forward --size 3 --f 3 --stride 2 --pad 1 -o out
    python -m tracer pool_backward --size 4 --f 2 --stride 2 --mode average -o out

The second form checks a learner's own functions with :func:`tracer.check`
(:func:`check_main`, in :mod:`tracer.cli.check`)::

    python -m tracer check path/to/solution.py
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from .. import conv, pool, transpose
from ..validate import check_allocation
from .check import check_main, check_parser
from .options import integer

__all__ = [
    "FUNCTIONS",
    "APPLIES",
    "main",
    "build_parser",
    "function_parser",
    "check_parser",
    "check_main",
    "parse_steps",
    "plan",
    "check_plan",
    "run_function",
]

#: The functions the command line can trace: the course's, in course order, then the transposed convolution.
FUNCTIONS = tuple(conv.__all__) + tuple(pool.__all__) + tuple(transpose.__all__)

EPILOG = """\
examples:
  python -m tracer conv_forward --size 5 --f 3 --pad 1 -o out
  python -m tracer conv_forward --channels 3 --filters 2 --channel 1 --steps 0:10 -o out
  python -m tracer conv_forward --size 7 --pad 0 --dilation 2 -o out
  python -m tracer conv_transpose_forward --size 3 --stride 2 --pad 1 --output-padding 1 -o out
  python -m tracer pool_backward --size 4 --f 2 --stride 2 --mode average -o out
  python -m tracer conv_forward --help        (the options of one function)
  python -m tracer check solution.py          (checks a learner's own functions; see check --help)

Inputs are drawn with np.random.seed(SEED) then np.random.randn in the course's order
(A_prev, then W, then b); conv_backward and conv_transpose_backward are fed dZ = Z as the
course does, pool_backward a random dA."""


def _positive(name: str) -> Callable[[str], int]:
    return integer(name, "an int >= 1", 1)


def _int(name: str) -> Callable[[str], int]:
    return integer(name)


_CONV = ("m", "size", "width", "channels", "filters", "f", "stride", "pad", "channel")
_POOL = ("m", "size", "width", "channels", "f", "stride", "mode")
_TRANSPOSE = ("m", "size", "width", "channels", "filters", "f", "stride", "pad", "output_padding", "channel")

#: The options of the inputs each function takes (the output options apply to every one).
APPLIES: dict[str, tuple[str, ...]] = {
    "zero_pad": ("m", "size", "width", "channels", "pad", "channel"),
    "conv_single_step": ("channels", "f", "channel"),
    "conv_forward": _CONV + ("dilation",),
    "conv_backward": _CONV + ("dilation",),
    "pool_forward": _POOL,
    "pool_backward": _POOL,
    "create_mask_from_window": ("f",),
    "distribute_value": ("f",),
    "conv_transpose_forward": _TRANSPOSE,
    "conv_transpose_backward": _TRANSPOSE,
}

#: What each function's frames show, for its ``--help``.
DESCRIPTIONS = {
    "zero_pad": "zero_pad(A_prev, pad) on a random A_prev (m, size, width, channels): one frame.",
    "conv_single_step": "conv_single_step(a_slice_prev, W, b) on a random (f, f, channels) slice and filter: one frame.",
    "conv_forward": "conv_forward(A_prev, W, b, {stride, pad}) with A_prev (m, size, width, channels) and "
                    "W (f, f, channels, filters): the padding step, then one frame per window and filter.",
    "conv_backward": "conv_backward(dZ, cache) after a conv_forward of the same sizes, fed dZ = Z: "
                     "one frame per window and filter.",
    "pool_forward": "pool_forward(A_prev, {f, stride}, mode) with A_prev (m, size, width, channels): "
                    "one frame per window and channel.",
    "pool_backward": "pool_backward(dA, cache, mode) after a pool_forward of the same sizes, fed a random dA: "
                     "one frame per window and channel.",
    "create_mask_from_window": "create_mask_from_window(x) on a random f x f window: one frame.",
    "distribute_value": "distribute_value(dz, (f, f)) of a random dz: one frame.",
    "conv_transpose_forward": "conv_transpose_forward(A_prev, W, b, {stride, pad, output_padding}) with A_prev "
                              "(m, size, width, channels) and W (f, f, channels, filters): one frame per input cell "
                              "and filter, then the cut and the bias.",
    "conv_transpose_backward": "conv_transpose_backward(dZ, cache) after a conv_transpose_forward of the same sizes, "
                               "fed dZ = Z: dZ put back inside the cut rows, then one frame per input cell and filter.",
}


def _input_options(fn: str) -> dict[str, tuple[tuple[str, ...], dict[str, Any]]]:
    """``dest: (option strings, add_argument keywords)`` of every input option, defaults for ``fn``."""
    pool = fn.startswith("pool")
    f_default = 2 if pool else 3
    stride_default = "f" if pool else 2 if fn.startswith("conv_transpose") else 1
    return {
        "m": (("--m",), dict(type=_positive("--m"), default=1, help="examples in the batch, m (default 1)")),
        "size": (("--size",), dict(type=_positive("--size"), default=5, help="height of the input, n_H_prev (default 5)")),
        "width": (("--width",), dict(type=_positive("--width"), default=None,
                                     help="width of the input, n_W_prev (default: the height)")),
        "channels": (("--channels",), dict(type=_positive("--channels"), default=1,
                                           help="input channels, n_C_prev (default 1)")),
        "filters": (("--filters",), dict(type=_positive("--filters"), default=1,
                                         help="filters of the convolution, n_C (default 1)")),
        "f": (("--f",), dict(type=_positive("--f"), default=f_default,
                             help=f"{'window' if pool or fn in ('create_mask_from_window', 'distribute_value') else 'filter'}"
                                  f" size f (default {f_default})")),
        "stride": (("--stride",), dict(type=_int("--stride"), default=None,
                                       help=f"stride (default {stride_default})")),
        "pad": (("--pad",), dict(type=_int("--pad"), default=1,
                                 help="rows and columns cut from each side (default 1)" if fn.startswith("conv_transpose")
                                 else "zero padding (default 1)")),
        "dilation": (("--dilation",), dict(type=_int("--dilation"), default=None,
                                           help='spread the filter\'s cells d apart: hparameters["dilation"] '
                                                "(default: no key, the course's loop)")),
        "output_padding": (("--output-padding",), dict(type=_int("--output-padding"),
                                                       default=0, help="rows and columns added at the bottom and "
                                                       "right, from 0 to stride - 1 (default 0)")),
        "mode": (("--mode",), dict(default="max", help="pooling mode, max or average (default max)")),
        "channel": (("--channel",), dict(type=_int("--channel"), default=None,
                                         help="input channel drawn (default 0)")),
    }


def _add_output_options(p: argparse.ArgumentParser, function: str) -> None:
    out = p.add_argument_group("output")
    out.add_argument("-o", "--out", default="tracer-out", help="parent directory (default tracer-out)")
    out.add_argument("--name", default=None, help=f"sub-directory of the frames (default: {function})")
    out.add_argument("--steps", default=None,
                     help="steps to draw: 'START:STOP[:STEP]' or 'K,K,...' (default: every step)")
    out.add_argument("--dpi", type=_int("--dpi"), default=None, help="pixels per inch (default 100)")
    out.add_argument("--no-gif", action="store_true", help="write the PNG frames only")
    out.add_argument("--max-events", type=_positive("--max-events"), default=2000,
                     help="refuse a call that would record more events than this (default 2000)")
    out.add_argument("--workers", type=_positive("--workers"), default=None,
                     help="processes that render (default: 2 for long renders)")
    out.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``python -m tracer --help``: the functions, and how to see each one's options."""
    p = argparse.ArgumentParser(
        prog="python -m tracer",
        usage="python -m tracer {FUNCTION,check} [options]",
        description="Record a course function on random inputs and draw every step: one PNG per step, "
        "an animated GIF and a player.json, in OUT/NAME/. Each function takes its own options: "
        "python -m tracer FUNCTION --help.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("function", metavar="FUNCTION", choices=FUNCTIONS,
                   help="the course function to trace: " + ", ".join(FUNCTIONS) + "; or 'check FILE'")
    return p


def function_parser(fn: str) -> argparse.ArgumentParser:
    """The parser of ``python -m tracer FN ...``: only the options that apply to ``fn``."""
    p = argparse.ArgumentParser(
        prog=f"python -m tracer {fn}",
        description=f"Record {DESCRIPTIONS[fn]} Writes one PNG per step, an animated GIF and a player.json "
        f"in OUT/NAME/.",
        epilog="Inputs are drawn with np.random.seed(SEED) then np.random.randn in the course's order.",
        allow_abbrev=False,
    )
    group = p.add_argument_group("inputs")
    options = _input_options(fn)
    for dest in APPLIES[fn]:
        flags, kwargs = options[dest]
        group.add_argument(*flags, dest=dest, **kwargs)
    group.add_argument("--seed", type=_int("--seed"), default=1, help="np.random.seed for the inputs (default 1)")
    _add_output_options(p, fn)
    p.set_defaults(function=fn)
    return p


def _refuse_other_options(parser: argparse.ArgumentParser, fn: str, argv: Sequence[str]) -> None:
    """A clear error for an input option that exists but does not apply to ``fn`` (``--mode`` for conv_forward)."""
    options = _input_options(fn)
    flags = {flag: dest for dest, (strings, _) in options.items() for flag in strings}
    for token in argv:
        if token == "--":
            break
        dest = flags.get(token.split("=", 1)[0])
        if dest is not None and dest not in APPLIES[fn]:
            takes = ", ".join(options[d][0][0] for d in APPLIES[fn])
            parser.error(f"{token.split('=', 1)[0]} does not apply to {fn}, which takes {takes} "
                         f"(and the output options: python -m tracer {fn} --help)")


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


def _sizes(args: argparse.Namespace) -> dict[str, Any]:
    """The sizes and hyperparameters of a run, with each function's defaults filled in."""
    fn = args.function
    get = lambda name, default: getattr(args, name, default)  # noqa: E731 - options a function lacks
    f = get("f", 3)
    size = get("size", 5)
    width = get("width", None)
    stride = get("stride", None)
    default_stride = f if fn.startswith("pool") else 2 if fn.startswith("conv_transpose") else 1
    return {
        "m": get("m", 1), "n_H": size, "n_W": size if width is None else width, "C": get("channels", 1),
        "F": get("filters", 1), "f": f, "stride": stride if stride is not None else default_stride,
        "pad": get("pad", 1), "mode": get("mode", "max"), "dilation": get("dilation", None),
        "output_padding": get("output_padding", 0),
    }


def plan(args: argparse.Namespace) -> tuple[int, dict[str, tuple[int, ...]]] | None:
    """``(events, arrays)`` a run would record and make, from the sizes alone, before any array exists.

    ``arrays`` maps each array's name to its shape. Returns ``None`` when the sizes
    give no output (a window larger than the input, a stride below 1...): the
    course function then refuses them with its own message.
    """
    fn, s = args.function, _sizes(args)
    m, n_H_prev, n_W_prev, C, F, f, stride, pad = (s[k] for k in ("m", "n_H", "n_W", "C", "F", "f", "stride", "pad"))
    A_prev = (m, n_H_prev, n_W_prev, C)
    if fn == "zero_pad":
        return 1, {"A_prev": A_prev, "X_pad": (m, n_H_prev + 2 * max(pad, 0), n_W_prev + 2 * max(pad, 0), C)}
    if fn == "conv_single_step":
        return 1, {"a_slice_prev": (f, f, C), "W": (f, f, C)}
    if fn in ("create_mask_from_window", "distribute_value"):
        return 1, {"x" if fn == "create_mask_from_window" else "a": (f, f)}
    if stride < 1 or pad < 0:
        return None
    if fn.startswith("conv_transpose"):
        return _plan_transpose(fn, s, A_prev)
    d = s["dilation"] or 1
    if d < 1:
        return None
    p = pad if fn.startswith("conv") else 0
    span = d * (f - 1) + 1  # the rows (columns) a window spans: f, or more when dilated
    n_H, n_W = (n_H_prev + 2 * p - span) // stride + 1, (n_W_prev + 2 * p - span) // stride + 1
    if n_H < 1 or n_W < 1:
        return None
    padded = (m, n_H_prev + 2 * p, n_W_prev + 2 * p, C)
    if fn.startswith("conv"):
        arrays = {"A_prev": A_prev, "W": (f, f, C, F), "Z": (m, n_H, n_W, F), "A_prev_pad": padded}
        if fn == "conv_backward":
            arrays.update(dA_prev=A_prev, dA_prev_pad=padded)
        return m * n_H * n_W * F + (fn == "conv_forward"), arrays
    arrays = {"A_prev": A_prev, "A": (m, n_H, n_W, C)}
    if fn == "pool_backward":
        arrays.update(dA=(m, n_H, n_W, C), dA_prev=A_prev)
    return m * n_H * n_W * C, arrays


def _plan_transpose(fn: str, s: dict[str, Any], A_prev: tuple[int, ...]) -> tuple[int, dict[str, tuple[int, ...]]] | None:
    """:func:`plan` for the transposed convolution: the scatter's full output, then the cut."""
    m, n_H_prev, n_W_prev, _ = A_prev
    f, F, stride, pad, op = s["f"], s["F"], s["stride"], s["pad"], s["output_padding"]
    if not 0 <= op < stride:
        return None
    n_H_full, n_W_full = (n_H_prev - 1) * stride + f + op, (n_W_prev - 1) * stride + f + op
    if n_H_full - 2 * pad < 1 or n_W_full - 2 * pad < 1:
        return None
    full, Z = (m, n_H_full, n_W_full, F), (m, n_H_full - 2 * pad, n_W_full - 2 * pad, F)
    arrays = {"A_prev": A_prev, "W": (f, f, A_prev[3], F), "Z_full": full, "Z": Z}
    if fn == "conv_transpose_backward":
        arrays.update(dZ_full=full, dA_prev=A_prev)
    return m * n_H_prev * n_W_prev * F + 1, arrays


#: The options that make each array of :func:`plan` larger (the others: --m, --size, --width, --channels, --pad).
_GROWS = {
    "W": ("f", "channels", "filters"),
    "Z": ("m", "size", "width", "filters", "pad"),
    "A": ("m", "size", "width", "channels"),
    "dA": ("m", "size", "width", "channels"),
    "a_slice_prev": ("f", "channels"),
    "x": ("f",),
    "a": ("f",),
    "Z_full": ("m", "size", "width", "filters", "f", "stride", "output_padding"),
    "dZ_full": ("m", "size", "width", "filters", "f", "stride", "output_padding"),
}


def check_plan(args: argparse.Namespace) -> None:
    """Refuse, from the sizes alone, a run past ``--max-events`` or with an array past the memory budget.

    Raises
    ------
    ValueError
        Saying how many events or bytes the run needs and which options reduce them.
    """
    planned = plan(args)
    if planned is None:
        return
    events, arrays = planned
    fn = args.function

    def smaller(*dests: str) -> str:
        options = _input_options(fn)
        return "use a smaller " + ", ".join(options[d][0][0] for d in dests if d in APPLIES[fn])

    if events > args.max_events:
        raise ValueError(
            f"{fn} on these sizes would record {events:,} events, past max_events={args.max_events:,}; "
            f"{smaller('m', 'size', 'width', 'channels', 'filters')}, or raise --max-events "
            f"(one frame is drawn per event)"
        )
    for name, shape in arrays.items():
        check_allocation(fn, name, shape, smaller(*_GROWS.get(name, ("m", "size", "width", "channels", "pad"))))


def _check_output(out: str, name: str) -> Path:
    """``out/name`` if it can be made a directory, from what exists; else ``OSError`` naming the path."""
    target = Path(out) / name
    existing = target
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise NotADirectoryError(f"{existing} is a file, not a directory")
    if existing.exists() and not os.access(existing, os.W_OK | os.X_OK):
        raise PermissionError(f"{existing} is not writable")
    return target


def run_function(args: argparse.Namespace) -> Any:
    """Record ``args.function`` on random inputs and return the trace.

    The course function checks its own arguments, so a bad ``--stride``,
    ``--pad``, ``--mode``... raises its ``ValueError``/``TypeError`` before any work.
    """
    import tracer

    fn, s = args.function, _sizes(args)
    f, C = s["f"], s["C"]
    np.random.seed(args.seed)
    with tracer.record(max_events=args.max_events) as trace:
        if fn == "conv_single_step":
            a_slice = np.random.randn(f, f, C)
            tracer.conv_single_step(a_slice, np.random.randn(f, f, C), np.random.randn(1, 1, 1))
        elif fn == "create_mask_from_window":
            tracer.create_mask_from_window(np.random.randn(f, f))
        elif fn == "distribute_value":
            tracer.distribute_value(float(np.random.randn()), (f, f))
        else:
            A_prev = np.random.randn(s["m"], s["n_H"], s["n_W"], C)
            if fn == "zero_pad":
                tracer.zero_pad(A_prev, s["pad"])
            elif fn in ("conv_forward", "conv_backward"):
                W = np.random.randn(f, f, C, s["F"])
                b = np.random.randn(1, 1, 1, s["F"])
                hp = {"pad": s["pad"], "stride": s["stride"]}
                if s["dilation"] is not None:
                    hp["dilation"] = s["dilation"]
                if fn == "conv_forward":
                    tracer.conv_forward(A_prev, W, b, hp)
                else:
                    Z, cache = tracer.fast.conv_forward(A_prev, W, b, hp)
                    tracer.conv_backward(Z, cache)
            elif fn in ("conv_transpose_forward", "conv_transpose_backward"):
                W = np.random.randn(f, f, C, s["F"])
                b = np.random.randn(1, 1, 1, s["F"])
                hp = {"stride": s["stride"], "pad": s["pad"], "output_padding": s["output_padding"]}
                if fn == "conv_transpose_forward":
                    tracer.conv_transpose_forward(A_prev, W, b, hp)
                else:
                    Z, cache = tracer.fast.conv_transpose_forward(A_prev, W, b, hp)
                    tracer.conv_transpose_backward(Z, cache)
            else:
                hp = {"f": f, "stride": s["stride"]}
                if fn == "pool_forward":
                    tracer.pool_forward(A_prev, hp, mode=s["mode"])
                else:
                    A, cache = tracer.fast.pool_forward(A_prev, hp, mode=s["mode"])
                    tracer.pool_backward(np.random.randn(*A.shape), cache, mode=s["mode"])
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
    """Run the command line; return the exit code (0 done, 2 for a bad option, input or output path).

    ``check`` as the first argument hands the rest to :func:`check_main`.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "check":
        return int(check_main(argv[1:]))
    if not argv or argv[0] not in FUNCTIONS:
        parser = build_parser()
        if argv and not argv[0].startswith("-"):
            parser.error(f"FUNCTION must be one of {', '.join(FUNCTIONS)} or 'check', got {argv[0]!r}")
        parser.parse_args(argv)  # --help, or the error that FUNCTION is missing
        return 2  # pragma: no cover - parse_args exits
    fn = argv[0]
    parser = function_parser(fn)
    _refuse_other_options(parser, fn, argv[1:])
    args = parser.parse_args(argv[1:])
    from ..recording import TraceLimitError

    def fail(message: str) -> None:
        parser.exit(2, f"{parser.prog}: error: {message}\n")

    name = args.name or fn
    try:
        check_plan(args)  # events and memory, from the sizes alone
        target = _check_output(args.out, name)
    except ValueError as err:
        fail(str(err))
    except OSError as err:
        fail(f"cannot write the frames to -o {args.out}: {err}")
    try:
        trace = run_function(args)
    except TraceLimitError as err:
        fail(f"{err}; from the command line: --max-events N")
    except (TypeError, ValueError) as err:  # the core's own messages, raised before any work
        fail(str(err))
    from .. import render

    try:
        steps = parse_steps(args.steps, len(trace))
        progress = None if args.quiet else Progress(f"{name}")
        player = render.write_player(trace, args.out, name, steps=steps, dpi=args.dpi, gif=not args.no_gif,
                                     channel=getattr(args, "channel", None), workers=args.workers, progress=progress)
    except (TypeError, ValueError, IndexError) as err:
        fail(str(err))
    except OSError as err:
        fail(f"cannot write the frames to {target}: {err.strerror or err}")
    gif = " and anim.gif" if player["gif"] else ""
    print(f"wrote {len(player['steps'])} frames ({player['width']}x{player['height']} px){gif} "
          f"and player.json to {args.out}/{name}/")
    return 0
