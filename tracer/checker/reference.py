"""The reference results of a battery, from a process the learner's code never touched.

A check compares the learner's results with :class:`References`: the cases of
a battery, what tracer's own function returns on each, and (on demand) its
trace. The command line computes them in its own process, which never imports
the learner's file (:func:`local`). ``tracer.check(fn)`` runs where the
learner's code already ran (a notebook, a REPL): numpy or tracer may have been
changed there, so it asks a fresh interpreter instead (:func:`clean`), started
once per session and kept for the next checks. Where no interpreter can be
started, the references are computed locally and :attr:`References.where`
says so.

``python -m tracer.checker.reference`` is that interpreter: it reads requests
on stdin and answers on stdout, one length-prefixed pickle each.
"""

from __future__ import annotations

import atexit
import copy
import os
import pickle
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..recording import Trace, record
from .cases import Case, Probe, battery, probes, reference_function

__all__ = ["References", "local", "clean"]


@dataclass
class References:
    """The reference side of one function's check.

    Attributes
    ----------
    name : str
        The course function.
    cases : list of Case
        The battery, inputs included.
    expected : list
        What tracer's function returns on each case.
    probes : list of Probe
        Pairs of inputs that differ in one property (see :func:`~tracer.checker.cases.probes`).
    probe_expected : list of tuple
        What tracer's function returns on each probe's two inputs, ``(without, with_)``.
    where : str
        ``"this process"``, ``"a clean process"``, or ``"this process (...)"`` saying
        why no clean process could be used.
    dilation : bool
        Whether the battery holds the dilated cases (``check(fn, dilation=True)``).
    """

    name: str
    cases: list[Case]
    expected: list[Any]
    probes: list[Probe] = field(default_factory=list)
    probe_expected: list[Any] = field(default_factory=list)
    where: str = "this process"
    dilation: bool = False
    _source: Any = field(default=None, repr=False)

    def trace(self, k: int) -> Trace:
        """The reference trace of case ``k`` (a fresh recording each time)."""
        if self._source is not None:
            return self._source.request(("trace", self.name, k, self.dilation))
        return _trace(self.name, self.cases[k])


def _trace(name: str, case: Case) -> Trace:
    fn = reference_function(name)
    with record() as trace:
        fn(*copy.deepcopy(case.args))
    return trace


def _compute(name: str, dilation: bool = False) -> References:
    fn = reference_function(name)
    cases, extra = battery(name, dilation), probes(name, dilation)
    expected = [fn(*copy.deepcopy(c.args)) for c in cases]
    probe_expected = [(fn(*copy.deepcopy(p.without.args)), fn(*copy.deepcopy(p.with_.args))) for p in extra]
    return References(name, cases, expected, extra, probe_expected, dilation=dilation)


_LOCAL: dict[tuple[str, bool], References] = {}


def local(name: str, dilation: bool = False) -> References:
    """The references computed in this process (cached); ``dilation`` adds the dilated cases."""
    if (name, dilation) not in _LOCAL:
        _LOCAL[name, dilation] = _compute(name, dilation)
    return _LOCAL[name, dilation]


# ----------------------------------------------------------------------------------------------
# The clean interpreter


def _frame(data: bytes) -> bytes:
    return len(data).to_bytes(8, "big") + data


def _read_exactly(stream: Any, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            raise EOFError("the reference process ended")
        data += chunk
    return data


class _Server:
    """A ``python -m tracer.checker.reference`` child, asked one request at a time."""

    def __init__(self) -> None:
        root = str(Path(__file__).resolve().parents[2])  # the folder holding the tracer package
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p),
                   MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
        self.process = subprocess.Popen([sys.executable, "-m", "tracer.checker.reference"], cwd=root, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.lock = threading.Lock()

    def request(self, message: tuple) -> Any:
        with self.lock:
            self.process.stdin.write(_frame(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)))
            self.process.stdin.flush()
            n = int.from_bytes(_read_exactly(self.process.stdout, 8), "big")
            status, payload = pickle.loads(_read_exactly(self.process.stdout, n))
        if status != "ok":
            raise RuntimeError(payload)
        return payload

    def close(self) -> None:
        try:
            self.process.stdin.close()
            self.process.wait(timeout=5)
        except Exception:  # noqa: BLE001 - at exit, whatever state it is in
            self.process.kill()


_SERVER: _Server | None = None
_CLEAN: dict[tuple[str, bool], References] = {}
_FAILED = ""


def _server() -> _Server:
    global _SERVER
    if _SERVER is None or _SERVER.process.poll() is not None:
        _SERVER = _Server()
        atexit.register(_SERVER.close)
    return _SERVER


def clean(name: str, dilation: bool = False) -> References:
    """The references computed in a fresh interpreter (cached; one interpreter per session).

    Falls back to :func:`local` when no interpreter can be started, with
    :attr:`References.where` saying why.
    """
    global _FAILED
    if (name, dilation) in _CLEAN:
        return _CLEAN[name, dilation]
    if not _FAILED:
        try:
            server = _server()
            refs = server.request(("references", name, dilation))
            refs._source = server
            refs.where = "a clean process"
            _CLEAN[name, dilation] = refs
            return refs
        except Exception as exc:  # noqa: BLE001 - no interpreter: compute here, and say so
            _FAILED = f"{type(exc).__name__}: {exc}"
    refs = copy.copy(local(name, dilation))
    refs.where = f"this process (no clean interpreter could be started: {_FAILED})"
    return refs


def _main() -> None:  # pragma: no cover - runs in the clean interpreter
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # stray prints must not reach the pipe
    while True:
        try:
            n = int.from_bytes(_read_exactly(inp, 8), "big")
        except EOFError:
            return
        request = pickle.loads(_read_exactly(inp, n))
        try:
            if request[0] == "references":
                answer = ("ok", _compute(*request[1:]))
            elif request[0] == "trace":
                _, name, k, dilation = request
                answer = ("ok", _trace(name, local(name, dilation).cases[k]))
            else:
                answer = ("error", f"unknown request {request[0]!r}")
        except Exception as exc:  # noqa: BLE001 - sent back to the checker
            answer = ("error", f"{type(exc).__name__}: {exc}")
        out.write(_frame(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)))
        out.flush()


if __name__ == "__main__":  # pragma: no cover
    _main()
