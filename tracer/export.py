"""A recorded trace as documented, versioned JSON, and which steps read a cell.

``trace.to_json()`` writes what a page or another tool needs to show every step
without computing a single value: each call's arrays before its first step,
then per step the event, its sentence, the cells it reads and writes, and the
cells whose value it changed (so that copying those numbers in order rebuilds
:meth:`tracer.Trace.replay` for every ``k``), and for each output cell its
formula as references to the cells it is made of. The format is described by
the JSON Schema ``tracer/trace.schema.json`` (:data:`SCHEMA`), headed
``{"format": "tracer-trace", "version": 1}``.

What a course function's steps read and write, and the terms of its output
cells, come from a rule registered per function (:func:`register_cells`, for
the convolution and pooling loops in :mod:`tracer.conv_cells`); network steps
fall back on the arrays their events name (``roles``). This module knows no
course function by name and imports no drawing library.

Conventions of the format: indices are flat positions in row-major (C) order of
the array's ``shape``; NaN (a cell not written yet) is ``null``; integral
values are written without a decimal point; a value whose shortest decimal form
is longer than 6 characters also carries the text a grid cell shows for it
(:func:`tracer.numbers.cell`).
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import events as ev
from . import recording
from .numbers import cell

if TYPE_CHECKING:
    from .recording import Call, Trace

__all__ = ["FORMAT", "VERSION", "SCHEMA", "Term", "CellRule", "register_cells", "to_dict", "to_json", "readers"]

FORMAT = "tracer-trace"
VERSION = 1
#: The JSON Schema of the format (draft 2020-12).
SCHEMA = Path(__file__).with_name("trace.schema.json")

#: A numpy basic index into one array: ints and slices, ``()`` for the whole array.
Index = tuple


@dataclass(frozen=True)
class Term:
    """One step's contribution to one output cell: ``array[index] (op)= product of factors``.

    Attributes
    ----------
    array, index : str, tuple of int
        The output cell, e.g. ``("Z", (0, 1, 2, 0))``.
    op : {"sum", "mean", "max"}
        How the cell combines its terms.
    factors : tuple of (str, tuple of int)
        The cells multiplied in this term, e.g. ``(("A_prev_pad", (0, 1, 2, 0)), ("W", (0, 0, 0, 0)))``.
    plus : bool
        A term added once outside the product's pattern (the bias ``b``).
    divisor : int
        Each term is divided by it (average pooling's ``f * f``); 1 otherwise.
    chosen : bool
        For ``op="max"``: the term the maximum was taken from.
    """

    array: str
    index: tuple[int, ...]
    op: str
    factors: tuple[tuple[str, tuple[int, ...]], ...]
    plus: bool = False
    divisor: int = 1
    chosen: bool = False


@dataclass(frozen=True)
class CellRule:
    """What the steps of one course function read and write, cell by cell.

    Attributes
    ----------
    reads, writes : callable
        ``reads(call, event) -> {array name: Index}``: the cells the step reads
        (or writes); names are those of the call's inputs, derived arrays and
        replayed state.
    terms : callable, optional
        ``terms(call, event) -> iterable of Term``: the step's contributions to
        output cells, from which every output cell's formula is gathered.
    derived : callable, optional
        ``derived(call) -> {name: ndarray}``: arrays the loop computes from its
        inputs and reads (``conv_backward``'s ``A_prev_pad``).
    grids : dict of str to (int, int)
        The axes drawn as rows and columns, for arrays whose layout is not
        ``(m, n_H, n_W, n_C)`` (the filters ``W``, ``dW``).
    padded : tuple of str
        Arrays padded by the call's ``pad`` on their grid axes.
    """

    reads: Callable[[Call, Any], dict[str, Index]]
    writes: Callable[[Call, Any], dict[str, Index]]
    terms: Callable[[Call, Any], Iterable[Term]] | None = None
    derived: Callable[[Call], dict[str, np.ndarray]] | None = None
    grids: dict[str, tuple[int, int]] = field(default_factory=dict)
    padded: tuple[str, ...] = ()


_RULES: dict[str, CellRule] = {}


def register_cells(name: str, rule: CellRule) -> None:
    """Register what the steps of the recorded calls named ``name`` read and write.

    Raises
    ------
    ValueError
        If ``name`` already has a rule.
    """
    if name in _RULES:
        raise ValueError(f"register_cells: {name!r} already has a rule")
    _RULES[name] = rule


def _roles(call: Call, event: Any, wanted: tuple[str, ...]) -> dict[str, Index]:
    """Whole arrays by the roles a network event gives them (no rule registered)."""
    if not hasattr(event, "roles"):
        return {}
    return {name: () for name, role in event.roles(call.name).items() if role in wanted}


_FALLBACK = CellRule(
    reads=lambda call, event: _roles(call, event, (ev.READ, ev.CACHE)),
    writes=lambda call, event: _roles(call, event, (ev.WRITE,)),
)


def _rule(call: Call) -> CellRule:
    return _RULES.get(call.name, _FALLBACK)


# -- numbers -----------------------------------------------------------------------------------


def _number(v: Any) -> int | float | bool | None:
    """A value as JSON: None for NaN, an int when integral (compact), the float otherwise."""
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    v = float(v)
    if math.isnan(v):
        return None
    if math.isinf(v):
        raise ValueError(f"to_json: a trace value is {v}; JSON has no infinity")
    if v.is_integer() and abs(v) < 2**53:
        return int(v)
    return v


def _text(v: Any) -> str | None:
    """The cell text of ``v`` when its shortest decimal form is longer than 6 characters."""
    if isinstance(v, (bool, np.bool_)) or v is None:
        return None
    v = float(v)
    if math.isnan(v) or (v.is_integer() and abs(v) < 1e5) or len(repr(v)) <= 6:
        return None
    return cell(v)


def _jsonable(x: Any) -> Any:
    if isinstance(x, (tuple, list)):
        return [_jsonable(y) for y in x]
    if isinstance(x, dict):
        return {str(k): _jsonable(y) for k, y in x.items()}
    if isinstance(x, (np.integer, np.floating, np.bool_, float)):
        return _number(x)
    if isinstance(x, np.ndarray):
        return [_number(y) for y in x.ravel().tolist()]
    return x


# -- one call's arrays -------------------------------------------------------------------------


class _CallArrays:
    """The arrays of one recorded call by name: inputs, derived, then the replayed state (which wins)."""

    def __init__(self, call: Call):
        self.call = call
        self.rule = _rule(call)
        self.inputs = {k: np.asarray(v) for k, v in call.arrays.items()}
        self.derived = dict(self.rule.derived(call)) if self.rule.derived else {}
        self.initial = {k: np.array(v, copy=True) for k, v in recording._initial_state(call).items()}
        self.shapes = {k: np.shape(v) for k, v in {**self.inputs, **self.derived, **self.initial}.items()}
        self._flat: dict[str, np.ndarray] = {}
        self._strides: dict[str, list[int]] = {}

    def role(self, name: str) -> str:
        if name in self.initial:
            return "state"
        return "derived" if name in self.derived else "input"

    def flat(self, name: str, index: Index) -> list[int]:
        """Flat positions of ``array[index]`` in row-major order."""
        if name not in self._flat:
            shape = self.shapes[name]
            self._flat[name] = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
        return np.atleast_1d(self._flat[name][index]).ravel().tolist()

    def flat_one(self, name: str, index: tuple[int, ...]) -> int:
        """The flat position of one cell (ints only): faster than :meth:`flat` for terms."""
        strides = self._strides.get(name)
        if strides is None:
            shape = self.shapes[name]
            strides = self._strides[name] = [int(np.prod(shape[j + 1:])) for j in range(len(shape))]
        return sum(i * s for i, s in zip(index, strides))

    def regions(self, indices: dict[str, Index]) -> dict[str, list[Any]]:
        """Numpy basic indices as JSON regions: per axis an int, or ``[start, stop]`` / ``[start, stop, step]``."""
        out = {}
        for name, index in indices.items():
            shape = self.shapes.get(name)
            if shape is None:
                continue
            index = tuple(index) + (slice(None),) * (len(shape) - len(index))
            region: list[Any] = []
            for j, n in zip(index, shape):
                if isinstance(j, slice):
                    start, stop, step = j.indices(n)
                    if len(range(start, stop, step)) == 0:
                        break
                    region.append([start, stop] if step == 1 else [start, stop, step])
                else:
                    region.append(int(j))
            else:
                out[name] = region
        return out

    def entry(self, name: str, values: np.ndarray) -> dict[str, Any]:
        shape = self.shapes[name]
        e: dict[str, Any] = {"role": self.role(name), "shape": list(shape), "grid": list(self.grid(name))}
        if name in self.rule.padded:
            e["padding"] = int(self.call.params["pad"])
        flat = np.asarray(values).ravel().tolist()
        e["values"] = [_number(v) for v in flat]
        text = {str(j): t for j, v in enumerate(flat) if (t := _text(v)) is not None}
        if text:
            e["text"] = text
        return e

    def grid(self, name: str) -> tuple[int | None, int | None]:
        if name in self.rule.grids:
            return self.rule.grids[name]
        ndim = len(self.shapes[name])
        return {0: (None, None), 1: (None, 0), 4: (1, 2)}.get(ndim, (0, 1))

    def arrays(self) -> dict[str, dict[str, Any]]:
        out = {}
        for name, value in self.inputs.items():
            if name in self.initial and not np.array_equal(value, self.initial[name], equal_nan=True):
                out[f"{name} (input)"] = self.entry(name, value)  # the state starts elsewhere: keep both
            elif name not in self.initial:
                out[name] = self.entry(name, value)
        for name, value in self.derived.items():
            out[name] = self.entry(name, value)
        for name, value in self.initial.items():
            out[name] = self.entry(name, value)
        return out


def _formulas(arrays: _CallArrays, events: list[Any], final: dict[str, np.ndarray]) -> list[dict[str, Any]]:
    """Every output cell's formula, gathered from the terms of the call's steps."""
    rule = arrays.rule
    if rule.terms is None:
        return []
    cells: dict[tuple[str, int], dict[str, Any]] = {}
    for event in events:
        for t in rule.terms(arrays.call, event):
            key = (t.array, arrays.flat_one(t.array, t.index))
            f = cells.get(key)
            if f is None:
                f = cells[key] = {"array": t.array, "index": key[1], "op": t.op, "factors": None, "terms": []}
            if f["op"] != t.op:
                raise ValueError(f"terms of {t.array}{list(t.index)} mix {f['op']!r} and {t.op!r}")
            refs = [arrays.flat_one(name, index) for name, index in t.factors]
            if t.plus:
                f.setdefault("plus", []).append([[name, j] for (name, _), j in zip(t.factors, refs)])
                continue
            names = [name for name, _ in t.factors]
            if f["factors"] is None:
                f["factors"] = names
            elif f["factors"] != names:
                raise ValueError(f"terms of {t.array}{list(t.index)} multiply {f['factors']} and {names}")
            if t.divisor != 1:
                f["divisor"] = t.divisor
            if t.chosen:
                f["chosen"] = len(f["terms"])
            f["terms"].append(refs)
    out = []
    seen: dict[str, list[Any]] = {}
    for (name, j), f in cells.items():
        f["factors"] = f["factors"] or []
        f["value"] = _number(np.asarray(final[name]).ravel()[j]) if name in final else None
        # a cell made of exactly the terms of an earlier one (dA_prev and the middle of dA_prev_pad) points to it
        body = json.dumps([f[k] for k in ("op", "factors", "terms")] + [f.get("plus"), f.get("divisor"), f.get("chosen")])
        if body in seen:
            f = {"array": name, "index": j, "same": seen[body], "value": f["value"]}
        else:
            seen[body] = [name, j]
        out.append(f)
    return out


def _event_fields(event: Any) -> tuple[list[str], list[Any]]:
    """The event's field names but ``call``, and their values."""
    names = [f.name for f in dataclasses.fields(event) if f.name != "call"]
    return names, [_jsonable(getattr(event, name)) for name in names]


def _updates(before: dict[str, np.ndarray], after: dict[str, np.ndarray]) -> dict[str, list[list[Any]]]:
    """The cells whose value changed from ``before`` to ``after`` (NaN equals NaN), as ``[flat, value(, text)]``."""
    out = {}
    for name, new in after.items():
        new = np.asarray(new)
        old = before.get(name)
        if old is None or np.shape(old) != new.shape:
            raise ValueError(f"to_json: the replayed array {name!r} changed shape or appeared during a step")
        old = np.asarray(old)
        if new.dtype.kind in "fc" or old.dtype.kind in "fc":
            same = (old == new) | (np.isnan(old.astype(float)) & np.isnan(new.astype(float)))
        else:
            same = old == new
        changed = np.flatnonzero(~np.asarray(same))
        if changed.size:
            flat_new = new.ravel()
            rows = []
            for j in changed.tolist():
                v = flat_new[j]
                row = [j, _number(v)]
                if (t := _text(v)) is not None:
                    row.append(t)
                rows.append(row)
            out[name] = rows
    return out


def to_dict(trace: Trace) -> dict[str, Any]:
    """The trace as a JSON-ready dict in the ``tracer-trace`` format, version 1 (see :data:`SCHEMA`).

    Parameters
    ----------
    trace : Trace
        A recorded trace, possibly filtered (:meth:`tracer.Trace.where`): its
        steps are the events it keeps, and each step's updates include the
        effect of the events skipped before it.

    Returns
    -------
    dict
        ``{"format", "version", "tracer", "calls", "steps"}``: ``calls[c]["arrays"]``
        holds each array of call ``c`` as it stands before the call's first step
        (``role`` input, derived or state); ``steps[k]["updates"]`` the cells that
        step ``k`` changed. The arrays after step ``k`` (``trace.replay(k + 1)``)
        are the state arrays of its call with the updates of that call's steps
        up to ``k`` applied in order.

    Notes
    -----
    Replays every event once; costs about as much as :meth:`tracer.Trace.states`
    plus a copy of the replayed arrays per step.
    """
    from . import __version__

    per_call = [_CallArrays(call) for call in trace.calls]
    events_of: list[list[Any]] = [[] for _ in trace.calls]
    steps = []
    fields: dict[str, list[str]] = {}
    prev: dict[int, dict[str, np.ndarray]] = {}
    final: dict[int, dict[str, np.ndarray]] = {}
    for _, event, state in trace.states():
        c = event.call
        arrays = per_call[c]
        before = prev.get(c, arrays.initial)
        rule = arrays.rule
        names, values = _event_fields(event)
        fields.setdefault(event.kind, names)
        step: dict[str, Any] = {"call": c, "kind": event.kind, "event": values, "text": event.describe()}
        reads = arrays.regions(rule.reads(arrays.call, event))
        writes = arrays.regions(rule.writes(arrays.call, event))
        if reads:
            step["reads"] = reads
        if writes:
            step["writes"] = writes
        step["updates"] = _updates(before, state)
        steps.append(step)
        prev[c] = {k: np.array(v, copy=True) for k, v in state.items()}
        final[c] = prev[c]
        events_of[c].append(event)
    # formulas gather the terms of every event of a call, kept or not, so that each cell's is whole
    calls = []
    for c, (call, arrays) in enumerate(zip(trace.calls, per_call)):
        all_events = [ev.from_row(c, row) for row in call.rows]
        whole = len(events_of[c]) == len(call.rows)  # every event kept: the last state is the call's end
        end = final[c] if whole and c in final else _replayed(call, c, arrays)
        calls.append({
            "name": call.name,
            "params": _jsonable(call.params),
            "arrays": arrays.arrays(),
            "formulas": _formulas(arrays, all_events, end),
        })
    return {"format": FORMAT, "version": VERSION, "tracer": __version__, "fields": fields, "calls": calls, "steps": steps}


def _replayed(call: Call, c: int, arrays: _CallArrays) -> dict[str, np.ndarray]:
    state = {k: v.copy() for k, v in arrays.initial.items()}
    for row in call.rows:
        recording._apply(call, state, ev.from_row(c, row))
    return state


def to_json(trace: Trace, indent: int | None = None) -> str:
    """The trace as a JSON string (:func:`to_dict`); compact unless ``indent`` is given."""
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(to_dict(trace), indent=indent, separators=separators, allow_nan=False)


# -- which steps read a cell -------------------------------------------------------------------


def readers(trace: Trace, array: str, index: Iterable[int]) -> Trace:
    """The steps of ``trace`` that read cell ``index`` of ``array``, as a filtered :class:`Trace`.

    Parameters
    ----------
    array : str
        A course name of an array of a recorded call: an input (``A_prev``, ``W``,
        ``dZ``...), a derived array (``A_prev_pad`` in ``conv_backward``) or a
        replayed one (``A_prev_pad`` in ``conv_forward``).
    index : tuple of int
        The cell, one index per axis, e.g. ``(0, 1, 2, 0)``.

    Returns
    -------
    Trace
        Over the same recording, keeping the events whose step reads that cell.

    Raises
    ------
    ValueError
        If no recorded call has an array of that name, or ``index`` does not fit its shape.

    Examples
    --------
    >>> trace.readers("A_prev", (0, 1, 1, 0))  # doctest: +SKIP
    """
    from .recording import Trace

    if not isinstance(array, str):
        raise TypeError(f"readers(): array must be a str, got {type(array).__name__}")
    try:
        index = tuple(index)
    except TypeError:
        raise TypeError(f"readers(): index must be a tuple of ints, got {index!r}") from None
    if not all(isinstance(j, (int, np.integer)) and not isinstance(j, bool) for j in index):
        raise TypeError(f"readers(): index must be a tuple of ints, got {index!r}")
    per_call = {}
    for c, call in enumerate(trace.calls):
        arrays = _CallArrays(call)
        shape = arrays.shapes.get(array)
        if shape is None:
            continue
        if len(index) != len(shape) or not all(0 <= j < n for j, n in zip(index, shape)):
            raise ValueError(f"readers(): index {index} does not fit {array} of shape {tuple(shape)}")
        per_call[c] = (arrays, arrays.flat(array, index)[0])
    if not per_call:
        known = sorted({name for call in trace.calls for name in _CallArrays(call).shapes})
        raise ValueError(f"readers(): no recorded call has an array named {array!r}; known: {known}")
    kept = []
    for j in range(len(trace)):
        pos = trace._position(j)
        event = trace._event_at(pos)
        found = per_call.get(event.call)
        if found is None:
            continue
        arrays, flat = found
        region = arrays.rule.reads(arrays.call, event).get(array)
        if region is not None and flat in arrays.flat(array, region):
            kept.append(pos)
    return Trace(trace.calls, np.array(kept, dtype=np.int64))
