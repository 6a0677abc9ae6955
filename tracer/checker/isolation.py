"""Running a learner's function in isolation: one child process per case, with limits.

:func:`run_isolated` calls the function on copies of a case's inputs in a
forked child process and returns an :class:`Outcome`: what it returned (or a
description, when the result cannot be sent back), what it raised and where
in the learner's file, that it timed out, or that the process died. The child
is the leader of its own process group, which is ended as a whole when the
case is over, so processes the learner's code forks do not outlive it; it
reads no stdin (``input()`` raises), prints nowhere, and its address space is
capped (:data:`DEFAULT_MEMORY` megabytes beyond what it starts with).

Results come back as pickles read by :func:`safe_loads`, which builds numbers,
arrays, strings and containers only: bytes a learner's code writes into the
pipe cannot run code in the checker. Where ``fork`` is missing (Windows),
cases run in a daemon thread: a case that times out keeps running in the
background until the interpreter exits, and nothing caps its memory.
"""

from __future__ import annotations

import builtins
import copy
import io
import linecache
import os
import pickle
import select
import signal
import struct
import sys
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .compare import Unpicklable, differences

try:  # Unix only
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None

__all__ = ["Outcome", "DEFAULT_TIMEOUT", "DEFAULT_MEMORY", "MAX_TIMEOUT", "call", "can_fork", "confine",
           "run_isolated", "run_here", "safe_loads", "send_frame", "recv_frame", "end_group"]

#: Seconds one case may take by default.
DEFAULT_TIMEOUT = 2.0
#: The longest time limit accepted for one case, in seconds.
MAX_TIMEOUT = 3600.0
#: Megabytes of address space one case may add to what its process starts with.
DEFAULT_MEMORY = 1024
#: The largest result a case may send back, in bytes.
MAX_RESULT = 512 * 2**20


@dataclass
class Outcome:
    """What one call of a learner's function did.

    ``kind`` is ``"returned"``, ``"raised"``, ``"timeout"`` (no result within the
    time limit), ``"died"`` (the process ended without a result) or
    ``"skipped"`` (not run: the function timed out on an earlier case).
    """

    kind: str
    value: Any = None
    error: str = ""  # "IndexError: index 2 is out of bounds..."
    error_type: str = ""
    where: str = ""  # "line 12 of solution.py, in pool_backward: da = dA[i, vert_start, ...]"
    loop: dict[str, int] = field(default_factory=dict)
    modified: list[str] = field(default_factory=list)
    seconds: float = 0.0


_LOOP_NAMES = ("i", "h", "w", "c", "l", "vert_start", "vert_end", "horiz_start", "horiz_end")


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


def _message(exc: BaseException) -> str:
    text = str(exc).splitlines()[0][:300] if str(exc) else ""
    if isinstance(exc, SystemExit):
        text = f"{exc.code} (the function calls sys.exit)"
    elif isinstance(exc, KeyboardInterrupt):
        text = "(the function raises KeyboardInterrupt)"
    return f"{type(exc).__name__}: {text}".rstrip(": ")


def call(fn: Callable, args: tuple, names: Sequence[str], catch: type[BaseException] = BaseException) -> Outcome:
    """Call ``fn`` on copies of ``args``; report what it returned or raised and what it modified.

    numpy's global random state is seeded with 0 first, so that a function that
    draws random numbers without seeding does the same in every process. A
    learner's function may raise anything, ``SystemExit`` and ``KeyboardInterrupt``
    included (``catch``); trusted code lets those two through.
    """
    mine = copy.deepcopy(args)
    snapshot = copy.deepcopy(args)
    filename = getattr(getattr(fn, "__code__", None), "co_filename", None)
    start = time.perf_counter()
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            np.random.seed(0)
            value = fn(*mine)
    except catch as exc:  # noqa: BLE001 - any error of the learner's code is a result to report
        where, loop = _error_site(exc, filename)
        return Outcome("raised", error=_message(exc), error_type=type(exc).__name__, where=where, loop=loop,
                       seconds=time.perf_counter() - start)
    seconds = time.perf_counter() - start
    modified = [d for name, x, y in zip(names, snapshot, mine) for d in differences(x, y, name)]
    return Outcome("returned", value=value, modified=modified, seconds=seconds)


# ----------------------------------------------------------------------------------------------
# Messages between processes: length-prefixed pickles, read back without running code


_SAFE = {
    "builtins": {"complex", "set", "frozenset", "slice", "range", "bytearray"},
    "numpy": {"ndarray", "dtype"},
    "numpy._core.multiarray": {"_reconstruct", "scalar"},
    "numpy.core.multiarray": {"_reconstruct", "scalar"},
    "numpy._core.numeric": {"_frombuffer"},
    "numpy.core.numeric": {"_frombuffer"},
    "tracer.checker.isolation": {"Outcome"},
    "tracer.checker.compare": {"Unpicklable"},
}


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if name in _SAFE.get(module, ()) or (module == "numpy.dtypes" and name.endswith("DType")):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name}")


def safe_loads(data: bytes) -> Any:
    """Unpickle numbers, strings, containers, numpy arrays and outcomes only; refuse any other class."""
    return _SafeUnpickler(io.BytesIO(data)).load()


def _dumps_outcome(outcome: Outcome) -> bytes:
    """The outcome as a pickle; a value that cannot be pickled (or read back) is sent as its description."""
    try:
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        safe_loads(data)
        return data
    except Exception as exc:  # noqa: BLE001 - the result cannot be sent: send its description
        name = type(outcome.value).__name__
        if isinstance(exc, pickle.UnpicklingError):
            name = f"{type(outcome.value).__name__} holding a {exc}"
        text = "?"
        try:
            text = repr(outcome.value)[:200]
        except Exception:  # noqa: BLE001 - a repr that raises
            pass
        described = Outcome("returned", value=Unpicklable(name, text), modified=outcome.modified,
                            seconds=outcome.seconds)
        return pickle.dumps(described, protocol=pickle.HIGHEST_PROTOCOL)


_HEADER = struct.Struct("!Q")


def send_frame(fd: int, data: bytes) -> None:
    """Write ``data`` to the file descriptor ``fd`` with its length in front."""
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def recv_frame(fd: int, deadline: float, alive: Callable[[], bool] | None = None) -> bytes | None:
    """Read one frame from ``fd`` before ``deadline`` (``time.monotonic()``).

    Returns ``None`` when the deadline passes, or when ``alive()`` turns false
    and no complete frame arrives within a short grace period after; raises
    ``EOFError`` when the writer closed the pipe first, ``ValueError`` on a
    frame longer than :data:`MAX_RESULT`.
    """
    buffer = bytearray()
    length: int | None = None
    gone_at = None
    while length is None or len(buffer) < length:
        now = time.monotonic()
        if now >= deadline:
            return None
        if gone_at is None and alive is not None and not alive():
            gone_at = now
        if gone_at is not None and now - gone_at > 0.2:
            return None
        ready, _, _ = select.select([fd], [], [], min(0.05, deadline - now))
        if not ready:
            continue
        want = _HEADER.size - len(buffer) if length is None else min(length - len(buffer), 1 << 20)
        chunk = os.read(fd, want)
        if not chunk:
            raise EOFError("the pipe was closed")
        buffer += chunk
        if length is None and len(buffer) == _HEADER.size:
            (length,) = _HEADER.unpack(bytes(buffer))
            if length > MAX_RESULT:
                raise ValueError(f"a message of {length} bytes, more than {MAX_RESULT}")
            buffer.clear()
    return bytes(buffer)


# ----------------------------------------------------------------------------------------------
# The child process of a case


def _no_input(*args: Any, **kwargs: Any) -> str:
    raise EOFError("input() cannot be answered: a check gives no input")


def _address_space() -> int | None:
    """Bytes of address space this process uses now (Linux), or ``None``."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def confine(memory: int | None) -> None:
    """Limits for a process that runs a learner's code (called in the child, after ``fork``).

    No stdin (``input()`` raises ``EOFError``), output to nowhere (``print`` and
    writes to file descriptors 1 and 2 alike), the default Ctrl-C handler, and
    at most ``memory`` megabytes of address space beyond the current size.
    """
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    sys.stdin = open(os.devnull)  # noqa: SIM115 - lives as long as the process
    sys.stdout = sys.stderr = io.StringIO()
    builtins.input = _no_input
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if memory and resource is not None:
        now = _address_space()
        if now is not None:
            limit = now + memory * 2**20
            _, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            try:
                resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
            except (ValueError, OSError):  # pragma: no cover - a hard limit below the current size
                pass


def _close_fds_but(keep: int) -> None:
    """Close every file descriptor above 2 but ``keep``: the learner's code sees no pipe of the checker."""
    os.closerange(3, keep)
    os.closerange(keep + 1, 1 << 16)


def can_fork() -> bool:
    """Whether this platform can fork (Linux, macOS): cases then run in child processes."""
    return hasattr(os, "fork") and hasattr(os, "setpgid")


def end_group(pgid: int) -> None:
    """Kill every process of the process group ``pgid`` (the case's child and whatever it forked)."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def _reap(pid: int, wait: float = 1.0) -> int | None:
    """Wait up to ``wait`` seconds for the child ``pid``; its exit status, or ``None``."""
    end = time.monotonic() + wait
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return None
        if done:
            return status
        if time.monotonic() > end:
            return None
        time.sleep(0.005)


def _describe_status(status: int | None) -> str:
    if status is None:
        return "the process ended without returning"
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = str(sig)
        hint = " (out of memory?)" if sig == signal.SIGKILL else ""
        return f"the process was killed by signal {name}{hint}"
    return f"the process ended without returning (exit code {os.WEXITSTATUS(status)})"


def run_isolated(fn: Callable, args: tuple, names: Sequence[str], timeout: float,
                 memory: int | None = DEFAULT_MEMORY, on_start: Callable[[int], None] | None = None) -> Outcome:
    """Run one case in a forked child process, its process group ended after ``timeout`` seconds.

    Parameters
    ----------
    fn : callable
        The learner's function.
    args : tuple
        The case's inputs (the child calls ``fn`` on copies).
    names : sequence of str
        The names of the arguments, for "it changed its input ..." messages.
    timeout : float
        Seconds before the case fails as "timed out".
    memory : int or None
        Megabytes of address space the case may add (``None``: no cap).
    on_start : callable, optional
        Called with the child's process id (its process group) once it runs.
    """
    if not can_fork():
        return _run_in_thread(fn, args, names, timeout)
    np.random.get_state()  # numpy sets its global generator up lazily (0.1 s): once here, not in every child
    read_end, write_end = os.pipe()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(read_end)
            os.setpgid(0, 0)
            _close_fds_but(write_end)
            confine(memory)
            send_frame(write_end, _dumps_outcome(call(fn, args, names)))
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        os.setpgid(pid, pid)  # also here: no window in which the child is in our group
    except OSError:
        pass
    if on_start is not None:
        on_start(pid)
    status: list[int | None] = []

    def alive() -> bool:
        if not status:
            try:
                done, st = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done, st = pid, None
            if done:
                status.append(st)
        return not status

    try:
        try:
            data = recv_frame(read_end, time.monotonic() + timeout, alive)
        except ValueError as exc:
            return Outcome("died", error=f"the result is too large to send back ({exc})",
                           seconds=time.perf_counter() - start)
        except EOFError:  # the child closed its end: it is exiting
            data = None
            if not status:
                status.append(_reap(pid))
        seconds = time.perf_counter() - start
        if data is not None:
            try:
                outcome = safe_loads(data)
            except Exception:  # noqa: BLE001 - bytes that are not an outcome
                return Outcome("died", error="the process sent back something that is not a result",
                               seconds=seconds)
            if not isinstance(outcome, Outcome):
                return Outcome("died", error="the process sent back something that is not a result",
                               seconds=seconds)
            return outcome
        if alive():
            return Outcome("timeout", error=f"no result after {timeout:g} s", seconds=seconds)
        return Outcome("died", error=_describe_status(status[0] if status else None), seconds=seconds)
    finally:
        end_group(pid)
        os.close(read_end)
        if not status:
            try:
                os.waitpid(pid, 0)  # killed just now: it ends at once
            except ChildProcessError:
                pass


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
    """Run trusted code (the reference or a variant of it) in this process; numpy's random state is kept."""
    state = np.random.get_state()
    try:
        outcome = call(fn, args, (), catch=Exception)
    finally:
        np.random.set_state(state)
    outcome.modified = []
    return outcome
