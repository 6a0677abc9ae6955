"""Recording trace events: ``with tracer.record() as trace: ...``.

The instrumented loops ask :func:`start` for a :class:`Call` when they begin.
With no recording active it returns ``None`` and the loop's only extra cost is
``if emit is not None`` per window. While recording, every call stores its
input arrays once (copies, so that later changes by the caller do not alter
the trace) and appends one compact row per step; :class:`Trace` reads rows
back as event dataclasses and replays them, with the rule each course function
registers beside its loop (:func:`register_replay`): this module knows no course
function by name.
"""

from __future__ import annotations

import bisect
import contextvars
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np

from . import events as ev
from .views import TraceViews

__all__ = ["record", "Trace", "Call", "Step", "TraceLimitError", "DEFAULT_MAX_EVENTS", "ReplayRule", "register_replay"]

#: Default limit on the number of events one recording may hold (about 160 MB of rows).
DEFAULT_MAX_EVENTS = 1_000_000


class TraceLimitError(ValueError):
    """Recording a call would take the trace past its ``max_events`` limit."""


@dataclass
class Call:
    """One recorded call: its function, the arrays it read, its result and its rows.

    Attributes
    ----------
    name : str
        Course function name, e.g. ``"conv_forward"``.
    arrays : dict of str to ndarray
        Copies of the input arrays (``A_prev``, ``W``, ``b``, ``dZ``...), stored once.
    params : dict
        Scalars of the call: ``stride``, ``pad``, ``f``, ``mode``.
    result : dict of str to ndarray
        What the call returned, by course name (``Z``, ``A``, ``dA_prev``...).
    rows : list of tuple
        One compact row per recorded event (see :mod:`tracer.events`).
    """

    name: str
    arrays: dict[str, np.ndarray]
    params: dict[str, Any]
    result: dict[str, Any] = field(default_factory=dict)
    rows: list[tuple] = field(default_factory=list)
    emit: Callable[[tuple], None] | None = field(default=None, repr=False)
    _cache: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _finish: Callable[[Call], None] | None = field(default=None, repr=False)

    def cached(self, key: str, compute: Callable[[], np.ndarray]) -> np.ndarray:
        """``compute()``, computed once per call and kept under ``key`` (e.g. a padded input)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without its recording callback and its cache (a trace sent to another process)."""
        state = dict(self.__dict__)
        state.update(emit=None, _cache={}, _finish=None)
        return state

    def done(self, **result: Any) -> None:
        """Store what the call returned (copied, like its inputs); the call joins its trace now.

        A call that raises before its ``done`` (an error, Ctrl-C) never joins it.
        """
        self.result = {k: np.array(v, copy=True) if isinstance(v, np.ndarray) else v for k, v in result.items()}
        finish, self._finish = self._finish, None
        if finish is not None:
            finish(self)

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k} {tuple(v.shape)}" for k, v in self.arrays.items())
        params = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        sep = ", " if params else ""
        return f"<Call {self.name}({shapes}{sep}{params}): {len(self.rows)} events>"


class _Recorder:
    """The state behind one ``with record()`` block."""

    def __init__(self, max_events: int, examples: frozenset[int] | None, channels: frozenset[int] | None):
        self.max_events = max_events
        self.examples = examples
        self.channels = channels
        self.calls: list[Call] = []  # the calls that returned, in the order they returned

    def n_events(self) -> int:
        return sum(len(call.rows) for call in self.calls)

    def expected(self, windows: tuple[int, int, int, int] | int | None) -> int:
        """How many rows a call over ``windows = (m, n_H, n_W, n_C)`` adds after filters."""
        if windows is None:
            return 1
        if isinstance(windows, int):  # a call without windows that emits this many rows (network layers)
            return windows
        m, n_H, n_W, n_C = windows
        n_i = m if self.examples is None else sum(1 for i in self.examples if 0 <= i < m)
        n_c = n_C if self.channels is None else sum(1 for c in self.channels if 0 <= c < n_C)
        return n_i * n_H * n_W * n_c

    def make_emit(self, rows: list[tuple]) -> Callable[[tuple], None]:
        if self.examples is None and self.channels is None:
            return rows.append  # the limit was checked before the call started
        examples, channels, append = self.examples, self.channels, rows.append

        def emit(row: tuple) -> None:
            # window rows are (code, i, h, w, c, ...); other rows have no example or channel
            if row[0] in _WINDOW_CODES and (
                (examples is not None and row[1] not in examples)
                or (channels is not None and row[4] not in channels)
            ):
                return
            append(row)

        return emit


#: Codes of the window events, whose rows start (code, i, h, w, c): the ones record-time filters apply to.
_WINDOW_CODES = frozenset(cls.code for cls in ev.EVENT_TYPES.values() if issubclass(cls, ev._Window))

_active: contextvars.ContextVar[_Recorder | None] = contextvars.ContextVar("tracer_recorder", default=None)


def start(
    name: str,
    arrays: dict[str, np.ndarray],
    params: dict[str, Any],
    windows: tuple[int, int, int, int] | int | None = None,
    extra: int = 0,
) -> Call | None:
    """Begin recording one call, or return ``None`` when no recording is active.

    Called by the instrumented functions after their input checks and before any
    work. ``windows = (m, n_H, n_W, n_C)`` is the shape of the loop (one window
    event per cell, which the record-time filters apply to), or the number of
    events a call without windows emits; ``extra`` counts the events the call
    emits besides its windows (``conv_forward``'s padding step). A call that
    would exceed the limit is refused before it starts.

    Raises
    ------
    TraceLimitError
        If the call's events would take the trace past ``max_events``.
    """
    recorder = _active.get()
    if recorder is None:
        return None
    have, adding = recorder.n_events(), recorder.expected(windows) + extra
    if have + adding > recorder.max_events:
        raise TraceLimitError(
            f"recording {name} would add {adding:,} events to the {have:,} already recorded, "
            f"past max_events={recorder.max_events:,}; pass a larger max_events to record(), "
            f"or keep fewer events with record(examples=[0], channels=[0])"
        )
    call = Call(name, {k: np.array(v, copy=True) for k, v in arrays.items()}, dict(params))
    call.emit = recorder.make_emit(call.rows)
    call._finish = recorder.calls.append  # joins the trace when it returns (Call.done)
    return call


def _as_index_set(name: str, value: int | Iterable[int] | None) -> frozenset[int] | None:
    if value is None:
        return None
    items = [value] if isinstance(value, (int, np.integer)) else list(value)
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (int, np.integer)) or item < 0:
            raise TypeError(f"record(): {name} must be a non-negative int or a list of them, got {item!r}")
    return frozenset(int(x) for x in items)


@contextmanager
def record(
    *,
    max_events: int = DEFAULT_MAX_EVENTS,
    examples: int | Iterable[int] | None = None,
    channels: int | Iterable[int] | None = None,
) -> Iterator[Trace]:
    """Record the events of every tracer call made inside the block.

    Parameters
    ----------
    max_events : int, optional
        Refuse (with :class:`TraceLimitError`, before the call does any work) a
        call whose events would take the trace past this many.
    examples, channels : int or iterable of int, optional
        Keep only the window events of these examples ``i`` and channels ``c``
        (the output channel for convolutions), so that big calls stay traceable.

    Yields
    ------
    Trace
        Filled as the calls return: inside the block, ``len(trace)``, ``trace[k]``,
        ``trace.text(k)``... already see every call that returned.

    Notes
    -----
    A call that raises part-way (a bad value deep in a loop, Ctrl-C) is dropped
    whole: the trace keeps only the calls that returned, so every step it holds
    can be shown, replayed and drawn, and the rows of the unfinished call do not
    count towards ``max_events``.

    Recording follows the context (``contextvars``), which has two consequences:

    - a ``record()`` block inside another takes the calls made inside it; the
      outer trace does not see them (each block records its own calls once);
    - calls made in other threads are not recorded: a new thread starts
      without the recording (run them in the recording thread, or record in
      the thread that makes them).

    Examples
    --------
    >>> import numpy as np, tracer
    >>> with tracer.record() as trace:
    ...     A, cache = tracer.pool_forward(np.arange(16.0).reshape(1, 4, 4, 1), {"f": 2, "stride": 2})
    >>> len(trace)
    4
    """
    if isinstance(max_events, bool) or not isinstance(max_events, (int, np.integer)) or max_events < 1:
        raise ValueError(f"record(): max_events must be a positive int, got {max_events!r}")
    recorder = _Recorder(int(max_events), _as_index_set("examples", examples), _as_index_set("channels", channels))
    token = _active.set(recorder)
    trace = Trace(recorder.calls)
    try:
        yield trace
    finally:
        _active.reset(token)
        trace._refresh()


def recording() -> bool:
    """Whether a ``record()`` block is active in this context."""
    return _active.get() is not None


# ----------------------------------------------------------------------------------------------
# Replay: the effect of each event on the arrays of its call, recomputed from the stored inputs.
# Each course function registers its rule beside its loop (tracer.conv, tracer.network).


@dataclass(frozen=True)
class ReplayRule:
    """How the events of one course function rebuild its arrays.

    Attributes
    ----------
    initial : callable
        ``initial(call) -> dict`` of the arrays before the first event: outputs
        zero, or NaN where not written yet.
    apply : callable
        ``apply(call, state, event)`` changes ``state`` in place as the loop did
        when it emitted ``event``.
    """

    initial: Callable[[Call], dict[str, np.ndarray]]
    apply: Callable[[Call, dict[str, np.ndarray], Any], None]


_RULES: dict[str, ReplayRule] = {}


def register_replay(
    name: str,
    initial: Callable[[Call], dict[str, np.ndarray]],
    apply: Callable[[Call, dict[str, np.ndarray], Any], None],
) -> None:
    """Register the replay rule of the recorded calls named ``name`` (see :class:`ReplayRule`).

    Called once per course function, beside its loop, when its module is imported.
    """
    if name in _RULES:
        raise ValueError(f"register_replay: {name!r} already has a replay rule")
    _RULES[name] = ReplayRule(initial, apply)


def _rule(call: Call) -> ReplayRule:
    rule = _RULES.get(call.name)
    if rule is None:
        raise ValueError(f"no replay rule for a call to {call.name!r}; known: {sorted(_RULES)}")
    return rule


def _initial_state(call: Call) -> dict[str, np.ndarray]:
    """The arrays of ``call`` before its first event."""
    return _rule(call).initial(call)


def _apply(call: Call, state: dict[str, np.ndarray], event: ev.Event) -> None:
    """Apply one event to ``state`` in place, as the loop that emitted it did."""
    _rule(call).apply(call, state, event)


# ----------------------------------------------------------------------------------------------


def _where_index(name: str, value: Any) -> int | None:
    """``value`` as an index >= 0 for :meth:`Trace.where` (``None`` kept); a str or a float is refused."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"where(): {name} must be an int >= 0 or None, got {value!r} ({type(value).__name__})")
    if value < 0:
        raise ValueError(f"where(): {name} must be an int >= 0 or None, got {value}")
    return int(value)


@dataclass(frozen=True)
class Step:
    """One step of a trace, as the cursor shows it: ``repr`` is its text picture, Jupyter shows its figure."""

    index: int
    event: ev.Event
    text: str
    trace: Trace | None = field(default=None, repr=False, compare=False)

    def __repr__(self) -> str:
        return self.text

    def _repr_png_(self) -> bytes | None:
        """Jupyter shows a step as its picture (``trace.plot(index)``, as PNG); a REPL shows its text."""
        if self.trace is None:
            return None
        return self.trace._png(self.index)


class Trace(TraceViews, Sequence):
    """The events recorded by a ``with tracer.record()`` block, as a sequence (filled as each call returns).

    ``len(trace)``, ``trace[k]`` (an event dataclass), slices and iteration work
    as on a list; :meth:`where` keeps the events of one kind, example, channel or
    output cell; :meth:`replay` rebuilds the arrays as they stood after ``k``
    events; a cursor (:meth:`next`, :meth:`prev`, :meth:`goto`) steps through the
    events and shows each one as a text picture.

    Attributes
    ----------
    calls : list of Call
        The recorded calls in order, each with its stored arrays and rows.
    cursor : int
        The current step for :meth:`next`, :meth:`prev` and :meth:`text`.
    """

    def __init__(self, calls: list[Call], positions: np.ndarray | None = None):
        self.calls = calls
        self._positions = positions
        self.cursor = 0
        self._shown = False  # the first next() shows step 0 itself
        self._starts: list[int] = [0]
        self._refresh()

    def _refresh(self) -> None:
        self._starts = [0]
        for call in self.calls:
            self._starts.append(self._starts[-1] + len(call.rows))

    @property
    def _offsets(self) -> list[int]:
        """Where each call's events start, then the total; recomputed when a call has returned since."""
        if len(self._starts) != len(self.calls) + 1:  # the recording's list grows as calls return
            self._refresh()
        return self._starts

    # -- sequence ------------------------------------------------------------------------------

    @property
    def _n_all(self) -> int:
        return self._offsets[-1]

    def __len__(self) -> int:
        return self._n_all if self._positions is None else len(self._positions)

    def _position(self, k: int) -> int:
        """Position in the unfiltered sequence of this trace's ``k``-th event."""
        n = len(self)
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
            raise TypeError(f"a step index must be an int, got {type(k).__name__}")
        if not -n <= k < n:
            held = f"{n} events (0 to {n - 1})" if n else "no events"
            raise IndexError(f"step {k} is out of range: this trace has {held}")
        k = int(k) % n
        return k if self._positions is None else int(self._positions[k])

    def _locate(self, position: int) -> tuple[int, int]:
        call = bisect.bisect_right(self._offsets, position) - 1
        return call, position - self._offsets[call]

    def _event_at(self, position: int) -> ev.Event:
        call, local = self._locate(position)
        return ev.from_row(call, self.calls[call].rows[local])

    @overload
    def __getitem__(self, k: int) -> ev.Event: ...
    @overload
    def __getitem__(self, k: slice) -> list[ev.Event]: ...

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self._event_at(self._position(j)) for j in range(*k.indices(len(self)))]
        return self._event_at(self._position(k))

    def __iter__(self) -> Iterator[ev.Event]:
        for j in range(len(self)):
            yield self._event_at(self._position(j))

    def call_of(self, k: int) -> Call:
        """The recorded call that event ``k`` belongs to."""
        return self.calls[self._locate(self._position(k))[0]]

    # -- filters -------------------------------------------------------------------------------

    def where(
        self,
        kind: str | type | None = None,
        *,
        i: int | None = None,
        c: int | None = None,
        cell: tuple[int, int] | None = None,
        call: int | None = None,
    ) -> Trace:
        """The events of one kind, example ``i``, channel ``c``, output ``cell`` or call.

        Returns a :class:`Trace` over the same recording: its :meth:`replay` still
        applies every event before the kept ones, so the arrays stay right.

        Examples
        --------
        >>> trace.where("conv_window", i=0, c=2)  # doctest: +SKIP
        """
        if isinstance(kind, str):
            if kind not in ev.EVENT_KINDS:
                raise ValueError(f"where(): unknown kind {kind!r}; expected one of {sorted(ev.EVENT_KINDS)}")
            kind = ev.EVENT_KINDS[kind]
        if kind is not None and kind not in ev.EVENT_TYPES.values():
            raise TypeError(f"where(): kind must be an event class or one of the names {sorted(ev.EVENT_KINDS)}, "
                            f"got {kind!r} ({type(kind).__name__})")
        i, c, call = (_where_index(name, value) for name, value in (("i", i), ("c", c), ("call", call)))
        if cell is not None:
            if not isinstance(cell, tuple) or len(cell) != 2:
                raise TypeError(f"where(): cell must be a tuple (h, w) of two ints, got {cell!r} ({type(cell).__name__})")
            cell = (_where_index("cell[0] (h)", cell[0]), _where_index("cell[1] (w)", cell[1]))
        kept = []
        for j in range(len(self)):
            pos = self._position(j)
            e = self._event_at(pos)
            if kind is not None and not isinstance(e, kind):
                continue
            if call is not None and e.call != call:
                continue
            window = isinstance(e, ev._Window)
            if (i is not None or c is not None or cell is not None) and not window:
                continue
            if i is not None and e.i != i or c is not None and e.c != c:
                continue
            if cell is not None and (e.h, e.w) != tuple(cell):
                continue
            kept.append(pos)
        return Trace(self.calls, np.array(kept, dtype=np.int64))

    # -- replay --------------------------------------------------------------------------------

    def replay(self, k: int | None = None) -> dict[str, np.ndarray]:
        """The arrays of the current call as they stand after the first ``k`` events.

        Parameters
        ----------
        k : int, optional
            Number of events of this trace applied (default: all of them). On a
            filtered trace every event before the ``k``-th kept one is applied.

        Returns
        -------
        dict of str to ndarray
            The outputs of the call that event ``k - 1`` belongs to, by course name:
            ``Z`` (and ``A_prev_pad``) for ``conv_forward``, ``A`` for ``pool_forward``,
            ``dA_prev``, ``dW``, ``db`` (and ``dA_prev_pad``) for ``conv_backward``,
            ``dA_prev`` for ``pool_backward``... Cells a forward call has not written
            yet are NaN; gradients start at zero. Replaying every event rebuilds
            exactly what the call returned.
        """
        n = len(self)
        if k is None:
            k = n
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k <= n:
            raise IndexError(f"replay(k): k must be an int from 0 to {n}, got {k!r}")
        if not self.calls:
            raise ValueError("replay(): the trace recorded no call")
        if k == 0:
            first = self._locate(self._position(0))[0] if n else 0
            return _initial_state(self.calls[first])
        end = self._position(k - 1) + 1
        call_index, local_end = self._locate(end - 1)
        call = self.calls[call_index]
        state = _initial_state(call)
        for row in call.rows[: local_end + 1]:
            _apply(call, state, ev.from_row(call_index, row))
        return state

    def states(self) -> Iterator[tuple[int, ev.Event, dict[str, np.ndarray]]]:
        """Yield ``(k, event, arrays after event k)`` for every event, replaying each once.

        The arrays are updated in place between steps: copy them to keep one.
        """
        current, state, applied = None, None, 0
        for j in range(len(self)):
            pos = self._position(j)
            call_index, local = self._locate(pos)
            call = self.calls[call_index]
            if call_index != current:
                current, state, applied = call_index, _initial_state(call), 0
            for row in call.rows[applied : local + 1]:
                _apply(call, state, ev.from_row(call_index, row))
            applied = local + 1
            yield j, self._event_at(pos), state

    # -- cursor and text -----------------------------------------------------------------------

    def goto(self, k: int) -> Step:
        """Move the cursor to step ``k`` and return it (its ``repr`` is the text picture)."""
        self._position(k)
        self.cursor = int(k) % len(self)
        self._shown = True
        return self.step()

    def next(self) -> Step:
        """Move the cursor one step forward (it stops at the last step) and return it.

        On a trace not stepped through yet, ``next()`` shows the first step and
        says so: the next call moves to step 1.
        """
        if not self._shown:  # a fresh trace: show its first step, and say so
            first = self.goto(self.cursor)
            return Step(first.index, first.event, f"(the first step; next() moves on)\n{first.text}", self)
        return self.goto(min(self.cursor + 1, len(self) - 1) if self.cursor < len(self) else 0)

    def prev(self) -> Step:
        """Move the cursor one step back (it stops at the first step) and return it."""
        return self.goto(max(self.cursor - 1, 0))

    def step(self, k: int | None = None) -> Step:
        """Step ``k`` (default: the cursor) with its event and text picture."""
        k = self.cursor if k is None else k
        return Step(int(k) % max(len(self), 1), self[k], self.text(k), self)

    def __repr__(self) -> str:
        if not self.calls:
            return "<Trace: no call recorded>"
        parts = "; ".join(
            f"{c.name} ({', '.join(f'{n} {tuple(a.shape)}' for n, a in c.arrays.items())})"
            for c in self.calls[:3]
        )
        more = f"; and {len(self.calls) - 3} more" if len(self.calls) > 3 else ""
        filt = " (filtered)" if self._positions is not None else ""
        return f"<Trace of {len(self)} events{filt} from {len(self.calls)} call(s): {parts}{more}; cursor at {self.cursor}>"
