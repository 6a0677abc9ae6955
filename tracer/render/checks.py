"""Checks of the arguments of the drawing functions: each error names the function, the argument and what it got."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..recording import Call, Trace
from .style import DEFAULT_DPI


def _check_dpi(fn: str, dpi: Any) -> int:
    if dpi is None:
        return DEFAULT_DPI
    if isinstance(dpi, bool) or not isinstance(dpi, (int, np.integer)) or not 10 <= dpi <= 600:
        raise ValueError(f"{fn}: dpi must be an int from 10 to 600, got {dpi!r}")
    return int(dpi)


def _check_caption(fn: str, caption: Any) -> bool:
    if not isinstance(caption, (bool, np.bool_)):
        raise TypeError(f"{fn}: caption must be True or False, got {caption!r} ({type(caption).__name__})")
    return bool(caption)


def _n_channels(call: Call) -> int:
    """How many channels the displayed input of ``call`` has (1 when it has none)."""
    a = call.arrays
    for name, axis in (("A_prev", 3), ("X", 3), ("a_slice_prev", 2)):
        if name in a and a[name].ndim > axis:  # the network's X and A_prev are 2-D: no channels
            return int(a[name].shape[axis])
    return 1


def _check_channel(fn: str, trace: Trace, channel: Any) -> int:
    if channel is None:
        return 0
    if isinstance(channel, bool) or not isinstance(channel, (int, np.integer)):
        raise TypeError(f"{fn}: channel must be an int, got {channel!r} ({type(channel).__name__})")
    for call in trace.calls:
        n = _n_channels(call)
        if not 0 <= channel < n:
            raise ValueError(
                f"{fn}: channel must be an input channel from 0 to {n - 1} "
                f"({call.name}'s input has {n}), got {channel}"
            )
    return int(channel)


def _check_trace(fn: str, trace: Any) -> Trace:
    if not isinstance(trace, Trace):
        raise TypeError(f"{fn}: trace must be a tracer.Trace (from `with tracer.record() as trace:`), "
                        f"got {type(trace).__name__}")
    if len(trace) == 0:
        raise ValueError(f"{fn}: the trace has no events to draw; record a call inside `with tracer.record()`")
    return trace


def _check_step(fn: str, trace: Trace, k: Any, name: str = "k") -> int:
    n = len(trace)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"{fn}: {name} must be an int step index, got {k!r} ({type(k).__name__})")
    if not -n <= k < n:
        raise IndexError(f"{fn}: {name} = {k} is out of range: the trace has {n} events (0 to {n - 1})")
    return int(k) % n


def _check_steps(fn: str, trace: Trace, steps: Iterable[int] | None) -> list[int]:
    if steps is None:
        return list(range(len(trace)))
    if isinstance(steps, (str, bytes)) or not isinstance(steps, Iterable):
        raise TypeError(f"{fn}: steps must be an iterable of step indices, got {type(steps).__name__}")
    out = [_check_step(fn, trace, k, "steps item") for k in steps]
    if not out:
        raise ValueError(f"{fn}: steps must name at least one step, got an empty iterable")
    return out
