"""Running a learner's function in isolation: one child process per case, with a time limit.

:func:`run_isolated` calls the function on copies of a case's inputs in a
forked child process and returns an :class:`Outcome`: what it returned (or a
description, when the result cannot be sent back), what it raised and where
in the learner's file, that it timed out, or that the process died. A learner
function that raises, hangs, exits or returns something odd is reported, never
fatal. Where ``fork`` is missing (Windows), cases run in a daemon thread: a
case that times out keeps running in the background until the interpreter exits.
"""

from __future__ import annotations

import copy
import importlib.util
import io
import linecache
import multiprocessing
import sys
import threading
import time
import types
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .compare import Unpicklable, differences

__all__ = ["Outcome", "DEFAULT_TIMEOUT", "call", "can_fork", "run_isolated", "run_here", "load_file", "defined"]

#: Seconds one case may take by default.
DEFAULT_TIMEOUT = 2.0

@dataclass
class Outcome:
    """What one call of a learner's function did."""

    kind: str  # "returned", "raised", "timeout", "died"
    value: Any = None
    error: str = ""  # "IndexError: index 2 is out of bounds..."
    error_type: str = ""
    where: str = ""  # "line 12 of solution.py, in pool_backward: da = dA[i, vert_start, ...]"
    loop: dict[str, int] = field(default_factory=dict)
    modified: list[str] = field(default_factory=list)
    seconds: float = 0.0


_LOOP_NAMES = ("i", "h", "w", "c", "vert_start", "vert_end", "horiz_start", "horiz_end")


def _error_site(exc: BaseException, filename: str | None) -> tuple[str, dict[str, int]]:
    """Where in the learner's file an exception was raised, and the loop variables there."""
    tb, site = exc.__traceback__, None
    while tb is not None:
        if filename is None or tb.tb_frame.f_code.co_filename == filename:
            site = tb
        tb = tb.tb_next
    if site is None:
        return "", {}
    frame, line = site.tb_frame, site.tb_lineno
    code = linecache.getline(frame.f_code.co_filename, line).split("  #")[0].strip()  # without a trailing comment
    where = f"line {line} of {Path(frame.f_code.co_filename).name}, in {frame.f_code.co_name}"
    loop = {k: int(v) for k, v in frame.f_locals.items()
            if k in _LOOP_NAMES and isinstance(v, (int, np.integer)) and not isinstance(v, bool)}
    return (f"{where}: {code}" if code else where), loop


def call(fn: Callable, args: tuple, names: Sequence[str]) -> Outcome:
    """Call ``fn`` on copies of ``args``; report what it returned or raised and what it modified."""
    mine = copy.deepcopy(args)
    snapshot = copy.deepcopy(args)
    filename = getattr(getattr(fn, "__code__", None), "co_filename", None)
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = fn(*mine)
    except Exception as exc:  # noqa: BLE001 - any error of the learner's code is a result to report
        where, loop = _error_site(exc, filename)
        message = str(exc).splitlines()[0][:300] if str(exc) else ""
        return Outcome("raised", error=f"{type(exc).__name__}: {message}".rstrip(": "),
                       error_type=type(exc).__name__, where=where, loop=loop,
                       seconds=time.perf_counter() - start)
    seconds = time.perf_counter() - start
    modified = [d for name, x, y in zip(names, snapshot, mine) for d in differences(x, y, name)]
    return Outcome("returned", value=value, modified=modified, seconds=seconds)


def _child(conn, fn: Callable, args: tuple, names: Sequence[str]) -> None:  # pragma: no cover - runs in a fork
    sys.stdout = sys.stderr = io.StringIO()  # a learner's prints stay out of the report
    outcome = call(fn, args, names)
    try:
        conn.send(outcome)
    except Exception:  # noqa: BLE001 - the result cannot be pickled: send its description
        conn.send(Outcome("returned", value=Unpicklable(type(outcome.value).__name__, repr(outcome.value)[:200]),
                          modified=outcome.modified, seconds=outcome.seconds))
    conn.close()


def can_fork() -> bool:
    """Whether this platform can fork (Linux, macOS): cases then run in child processes."""
    return "fork" in multiprocessing.get_all_start_methods()


def run_isolated(fn: Callable, args: tuple, names: Sequence[str], timeout: float) -> Outcome:
    """Run one case in a forked child process, killed after ``timeout`` seconds."""
    if not can_fork():
        return _run_in_thread(fn, args, names, timeout)
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(child, fn, args, names), daemon=True)
    start = time.perf_counter()
    process.start()
    child.close()
    try:
        if parent.poll(timeout):
            try:
                return parent.recv()
            except EOFError:
                process.join(1.0)
                return Outcome("died", error=f"the process ended without returning (exit code {process.exitcode})",
                               seconds=time.perf_counter() - start)
        return Outcome("timeout", error=f"no result after {timeout:g} s", seconds=time.perf_counter() - start)
    finally:
        if process.is_alive():
            process.kill()
        process.join(1.0)
        parent.close()


def _run_in_thread(fn: Callable, args: tuple, names: Sequence[str], timeout: float) -> Outcome:
    """The fallback without ``fork``: a daemon thread; one that times out cannot be stopped."""
    box: list[Outcome] = []
    thread = threading.Thread(target=lambda: box.append(call(fn, args, names)), daemon=True)
    start = time.perf_counter()
    thread.start()
    thread.join(timeout)
    if box:
        return box[0]
    return Outcome("timeout", error=f"no result after {timeout:g} s (the call keeps running in the background)",
                   seconds=time.perf_counter() - start)


def run_here(fn: Callable, args: tuple) -> Outcome:
    """Run trusted code (the reference or a trap variant) in this process."""
    outcome = call(fn, args, ())
    outcome.modified = []
    return outcome


def load_file(path: Path) -> types.ModuleType:
    """Import a learner's file as a module (its ``if __name__ == "__main__"`` block does not run)."""
    module_name = f"_tracer_checked_{path.stem}_{abs(hash(str(path.resolve()))) % 10**8}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    sys.path.insert(0, str(path.resolve().parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.resolve().parent))
    return module


def defined(module: types.ModuleType, names: Sequence[str]) -> list[str]:
    """Which of ``names`` are functions that ``module`` defines itself (not imported into it)."""
    return [n for n in names if callable(getattr(module, n, None))
            and getattr(getattr(module, n), "__module__", None) == module.__name__]
