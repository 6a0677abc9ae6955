"""Checking a learner's file: it is imported in a child process, never in the checker's.

:class:`FileHost` forks a *host* process that imports the learner's file with a
time limit, inside the same limits as a case (its own process group, no stdin,
no output, capped memory), and then runs the file's functions on the inputs
the checker sends, each case in a child of its own (:func:`run_isolated`).
The checker's process never runs the learner's code, so a file that patches
numpy or tracer at import changes nothing the checker computes, and a file
that hangs, exits, raises ``KeyboardInterrupt``, reads stdin or starts a thread
that never ends at import gets a verdict instead of stopping the check.

Messages from the host are read with :func:`safe_loads`: numbers, arrays,
strings and containers only.
"""

from __future__ import annotations

import importlib.util
import os
import pickle
import sys
import threading
import time
import types
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .isolation import (
    DEFAULT_MEMORY,
    Outcome,
    can_fork,
    confine,
    end_group,
    recv_frame,
    run_isolated,
    safe_loads,
    send_frame,
)

__all__ = ["FileHost", "ImportResult", "DEFAULT_IMPORT_TIMEOUT", "load_file", "defined"]

#: Seconds a learner's file may take to import (its threads included).
DEFAULT_IMPORT_TIMEOUT = 10.0
#: Seconds the host may take beyond a case's own time limit before it counts as stuck.
_MARGIN = 5.0
#: Seconds beyond the import's time limit before the host counts as stuck in the import (it
#: joins the file's threads within the limit itself, but cannot stop a loop in the file).
_IMPORT_MARGIN = 1.0


def load_file(path: Path, paths: Sequence[Path] = ()) -> types.ModuleType:
    """Import a learner's file as a module (its ``if __name__ == "__main__"`` block does not run).

    ``path`` should be absolute (resolved before the import: the file may
    change the working directory). Its folder, then ``paths``, come first on
    ``sys.path`` while it imports, so that it can import its neighbours.
    """
    path = Path(path).resolve()
    module_name = f"_tracer_checked_{path.stem}_{abs(hash(str(path))) % 10**8}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    folders = [str(path.parent), *map(str, paths)]
    sys.path[:0] = folders
    try:
        spec.loader.exec_module(module)
    finally:
        for folder in folders:
            if folder in sys.path:
                sys.path.remove(folder)
    return module


def defined(module: types.ModuleType, names: Sequence[str]) -> list[str]:
    """Which of ``names`` are functions that ``module`` defines itself (not imported into it)."""
    return [n for n in names if callable(getattr(module, n, None))
            and getattr(getattr(module, n), "__module__", None) == module.__name__]


@dataclass
class ImportResult:
    """How the import of a learner's file went.

    Attributes
    ----------
    ok : bool
        Whether it imported and its threads ended.
    functions : list of str
        The course functions it defines (when ``ok``).
    problem : str
        Why it could not be checked, in one sentence (when not ``ok``).
    seconds : float
    """

    ok: bool
    functions: list[str]
    problem: str = ""
    seconds: float = 0.0


def _close_other_fds(keep: Sequence[int]) -> None:
    top = 1 << 16
    previous = 2
    for fd in sorted(keep):
        os.closerange(previous + 1, fd)
        previous = fd
    os.closerange(previous + 1, top)


def _serve(path: Path, names: Sequence[str], requests: int, replies: int, import_timeout: float,
           memory: int | None, paths: Sequence[Path] = ()) -> None:  # pragma: no cover - runs in the forked host
    """The host: import the file, report, then run cases until the checker closes the pipe."""
    os.setpgid(0, 0)
    _close_other_fds((requests, replies))
    confine(memory)
    start = time.monotonic()

    def reply(message: Any) -> None:
        send_frame(replies, pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))

    try:
        module = load_file(path, paths)
    except BaseException as exc:  # noqa: BLE001 - whatever the file does at import is reported
        where = ""
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == str(path):
                where = f" (line {tb.tb_lineno})"
            tb = tb.tb_next
        reply(("import-failed", type(exc).__name__, str(exc).splitlines()[0][:300] if str(exc) else "", where))
        return
    others = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    for t in others:
        t.join(max(0.0, start + import_timeout - time.monotonic()))
    running = [t.name for t in others if t.is_alive()]
    if running:
        reply(("threads", running))
        return
    reply(("imported", defined(module, names)))
    while True:
        try:
            data = recv_frame(requests, float("inf"))
        except (EOFError, OSError):
            return
        name, args, arg_names, timeout, case_memory = pickle.loads(data)
        fn = getattr(module, name)
        outcome = run_isolated(fn, args, arg_names, timeout, case_memory,
                               on_start=lambda pid: reply(("started", pid)))
        reply(("outcome", outcome))


class FileHost:
    """The host process of one learner's file (Linux and macOS: it needs ``fork``).

    Parameters
    ----------
    path : path-like
        The learner's file; resolved to an absolute path before anything else.
    names : sequence of str
        The course functions to look for in it.
    import_timeout : float
        Seconds the import (and any thread it starts) may take.
    memory : int or None
        Megabytes of address space the import and each case may add.
    paths : sequence of Path
        Folders the file may import from, besides its own.

    Examples
    --------
    >>> with FileHost("solution.py", ["zero_pad"]) as host:  # doctest: +SKIP
    ...     result = host.start()
    ...     outcome = host.run("zero_pad", (X, 2), ("X", "pad"), 2.0)
    """

    def __init__(self, path: Any, names: Sequence[str], import_timeout: float = DEFAULT_IMPORT_TIMEOUT,
                 memory: int | None = DEFAULT_MEMORY, paths: Sequence[Path] = ()):
        if not can_fork():  # pragma: no cover - Windows
            raise OSError("checking a file needs fork (Linux or macOS): on this platform use tracer.check(fn) "
                          "on functions you define in the same session")
        self.path = Path(path).resolve()
        self.names = list(names)
        self.import_timeout = float(import_timeout)
        self.memory = memory
        self.paths = list(paths)
        self.pid: int | None = None
        self._groups: set[int] = set()
        self._requests = self._replies = -1
        self._broken = ""
        self._status: int | None = None
        self._eof = False

    def __repr__(self) -> str:
        state = "not started" if self.pid is None else f"pid {self.pid}"
        return f"<FileHost {self.path.name}: {state}>"

    def __enter__(self) -> FileHost:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _read(self, deadline: float) -> Any:
        """The host's next message, or ``None`` when it sent none before ``deadline`` or died."""
        try:
            data = recv_frame(self._replies, deadline, self._alive)
        except EOFError:
            self._eof = True
            return None
        except ValueError:
            return None
        if data is None:
            return None
        try:
            return safe_loads(data)
        except Exception:  # noqa: BLE001 - the host sent garbage
            return ("garbage",)

    def start(self) -> ImportResult:
        """Fork the host and import the file; what came of it."""
        started = time.monotonic()
        to_host, requests = os.pipe()
        replies, from_host = os.pipe()
        # the host reads `to_host` and writes `from_host`
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the host
            try:
                os.close(requests)
                os.close(replies)
                _serve(self.path, self.names, to_host, from_host, self.import_timeout, self.memory, self.paths)
            finally:
                os._exit(0)
        os.close(to_host)
        os.close(from_host)
        try:
            os.setpgid(pid, pid)
        except OSError:
            pass
        self.pid, self._requests, self._replies = pid, requests, replies
        self._groups.add(pid)
        message = self._read(started + self.import_timeout + _IMPORT_MARGIN)
        seconds = time.monotonic() - started
        name = self.path.name
        if message is None:
            if self._eof:
                self._settle(1.0)
            if self._alive():
                self._broken = f"importing {name} did not finish within {self.import_timeout:g} s"
                return ImportResult(False, [], f"{self._broken} (a loop or a wait at import? A file to check "
                                               "should only define functions and import modules)", seconds)
            status = self._status
            code = os.WEXITSTATUS(status) if status is not None and os.WIFEXITED(status) else None
            how = (f"with exit code {code}" if code is not None
                   else "killed by a signal" if status is not None else "without a word")
            self._broken = f"importing {name} ended the process {how}"
            return ImportResult(False, [], f"{self._broken} (os._exit or a crash at import?)", seconds)
        kind = message[0] if isinstance(message, tuple) and message else None
        if kind == "imported" and isinstance(message[1], list):
            return ImportResult(True, [n for n in message[1] if n in self.names], "", seconds)
        if kind == "import-failed":
            _, error, text, where = message
            self._broken = f"importing {name} failed"
            if error == "SystemExit":
                problem = f"importing {name} called sys.exit({text}){where}: a file to check must not exit"
            elif error == "KeyboardInterrupt":
                problem = f"importing {name} raised KeyboardInterrupt{where}"
            elif error == "EOFError" and "input()" in text:
                problem = f"importing {name} reads from stdin{where}: {text}"
            elif error == "MemoryError":
                problem = (f"importing {name} needs more than the {self.memory} MB of memory a check allows{where}"
                           f": MemoryError: {text}")
            else:
                problem = f"importing {name} failed{where}: {error}: {text}".rstrip(": ")
            return ImportResult(False, [], problem, seconds)
        if kind == "threads":
            threads = ", ".join(map(str, message[1]))
            self._broken = f"importing {name} started threads that do not end"
            return ImportResult(False, [], f"importing {name} started a thread that was still running after "
                                           f"{self.import_timeout:g} s ({threads}): a file to check should only "
                                           "define functions", seconds)
        self._broken = f"the process importing {name} sent something unexpected"
        return ImportResult(False, [], self._broken, seconds)

    def _settle(self, wait: float) -> None:
        """Give a host that closed its pipe up to ``wait`` seconds to be reaped, for its exit status."""
        end = time.monotonic() + wait
        while self._alive() and time.monotonic() < end:
            time.sleep(0.01)

    def _alive(self) -> bool:
        if self._status is not None or self.pid is None:
            return False
        try:
            done, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return False
        if done:
            self._status = status
            return False
        return True

    def run(self, name: str, args: tuple, arg_names: Sequence[str], timeout: float,
            memory: int | None = DEFAULT_MEMORY) -> Outcome:
        """Run the file's ``name`` on ``args`` in a child of the host; the :class:`Outcome`."""
        if self._broken:
            return Outcome("died", error=f"not run: {self._broken}")
        try:
            send_frame(self._requests, pickle.dumps((name, args, tuple(arg_names), timeout, memory),
                                                    protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            self._broken = f"the process that imported {self.path.name} ended"
            return Outcome("died", error=f"not run: {self._broken}")
        deadline = time.monotonic() + timeout + _MARGIN
        while True:
            message = self._read(deadline)
            kind = message[0] if isinstance(message, tuple) and message else None
            if kind == "started" and isinstance(message[1], int):
                self._groups.add(message[1])
                continue
            if kind == "outcome" and isinstance(message[1], Outcome):
                return message[1]
            self._broken = f"the process that imported {self.path.name} stopped answering"
            self.close()
            return Outcome("died", error=self._broken)

    def close(self) -> None:
        """End the host and every case process it started; idempotent."""
        for fd in (self._requests, self._replies):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._requests = self._replies = -1
        for group in self._groups:
            end_group(group)
        self._groups.clear()
        if self.pid is not None and self._status is None:
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
        self.pid = None
