"""Locating the window behind a failure, in the reference trace of the failing case.

:func:`locate` reads the reference trace of the first failing case and names
the window(s) responsible for the first differing element: for a forward pass
the output cell and the rows and columns of the (padded) input it reads; for a
backward pass every window that adds to the wrong gradient element; for a
learner's loop that raised, the window its loop variables point at.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from typing import Any

from ..recording import Trace
from ..text import ordinal
from .cases import NETWORK_FUNCTIONS, TRANSPOSE_FUNCTIONS, Case
from .compare import Difference, same
from .isolation import Outcome

__all__ = ["Window", "locate"]


@dataclass
class Window:
    """The window(s) behind a failure: one sentence, the reference steps involved, the step to draw."""

    text: str
    steps: tuple[int, ...] = ()  # every reference step involved
    focus: int | None = None  # the step to draw


def _bounds(e) -> str:
    return f"rows {e.vert_start}:{e.vert_end}, cols {e.horiz_start}:{e.horiz_end}"


def _list_windows(events: list, limit: int = 4) -> str:
    cells = []
    for e in events:
        item = f"(h={e.h}, w={e.w}) {_bounds(e)}"
        if item not in cells:
            cells.append(item)
    shown = "; ".join(cells[:limit])
    return shown + (f"; and {len(cells) - limit} more" if len(cells) > limit else "")


def locate(name: str, case: Case, trace: Trace, diff: Difference | None, outcome: Outcome,
           expected: Any = None) -> Window | None:
    """The reference window(s) behind the first difference, or behind the loop step that raised.

    For the network's functions, the layer and the step of the reference trace
    that computes the first wrong array (for ``L_model_forward``, the first
    layer whose cached ``Z`` or ``A`` differs from the reference's).
    """
    if name in NETWORK_FUNCTIONS:
        return _locate_layer(name, case, trace, diff, outcome, expected)
    events = [(k, e) for k, e in enumerate(trace) if hasattr(e, "vert_start")]
    call = trace.calls[-1] if trace.calls else None
    if outcome.kind == "raised" and {"i", "h", "w", "c"} <= set(outcome.loop) and events:
        return _locate_raise(call, events, outcome.loop)
    if diff is None or diff.index is None or diff.status != "wrong values":
        return None
    idx = diff.index
    if name in TRANSPOSE_FUNCTIONS:
        return _locate_transpose(name, call, events, diff)
    d = call.params.get("dilation", 1) if call is not None else 1
    spread = f", every {ordinal(d)} row and column (dilation {d})" if d > 1 else ""
    if name in ("conv_forward", "pool_forward") and diff.output in ("Z", "A"):
        for k, e in events:
            if (e.i, e.h, e.w, e.c) == idx:
                if name == "conv_forward":
                    pad, n_C_prev = call.params["pad"], call.arrays["A_prev"].shape[3]
                    return Window(f"{diff.output}[{', '.join(map(str, idx))}] comes from {_bounds(e)}{spread} of the padded "
                                  f"input A_prev_pad[{e.i}] (pad {pad}, stride {call.params['stride']}), all "
                                  f"{n_C_prev} channels, times filter W[..., {e.c}], plus b[..., {e.c}] "
                                  f"(step {k} of the reference trace)", (k,), k)
                return Window(f"A[{', '.join(map(str, idx))}] is the {call.params['mode']} of {_bounds(e)} of "
                              f"A_prev[{e.i}, :, :, {e.c}] (f {call.params['f']}, stride {call.params['stride']}; "
                              f"step {k} of the reference trace)", (k,), k)
    if name == "conv_backward":
        pad = call.params["pad"]
        if diff.output == "dA_prev":
            i, r, col, cp = idx
            hits = [(k, e) for k, e in events
                    if e.i == i and e.vert_start <= r + pad < e.vert_end and e.horiz_start <= col + pad < e.horiz_end
                    and (r + pad - e.vert_start) % d == 0 and (col + pad - e.horiz_start) % d == 0]
            n_C = call.arrays["W"].shape[3]
            where = f" (row {r + pad}, col {col + pad} of the padded dA_prev_pad)" if pad else ""
            if not hits:
                return Window(f"dA_prev[{i}, {r}, {col}, {cp}]{where} lies in no window: the reference leaves it 0")
            return Window(f"dA_prev[{i}, {r}, {col}, {cp}]{where} receives W[..., c] * dZ[{i}, h, w, c] from "
                          f"{len(hits)} window step(s), every output channel c of {n_C}: "
                          f"{_list_windows([e for _, e in hits])} (padded coordinates){spread}",
                          tuple(k for k, _ in hits), hits[-1][0])
        if diff.output in ("dW", "db"):
            c = idx[3]
            hits = [(k, e) for k, e in events if e.c == c]
            off = (f"{d}*{idx[0]}", f"{d}*{idx[1]}") if d > 1 else (idx[0], idx[1])
            what = (f"A_prev_pad[i, h*stride + {off[0]}, w*stride + {off[1]}, {idx[2]}] * dZ[i, h, w, {c}]"
                    if diff.output == "dW" else f"dZ[i, h, w, {c}]")
            return Window(f"{diff.output}[{', '.join(map(str, idx))}] sums {what} over the {len(hits)} window "
                          f"steps of channel {c} (every example i and cell (h, w)); the first: "
                          f"{_list_windows([e for _, e in hits], 2)}", tuple(k for k, _ in hits), hits[-1][0])
    if name == "pool_backward" and diff.output == "dA_prev":
        return _locate_pool_back(call, events, idx)
    if name == "zero_pad":
        i, r, col, c = idx
        pad, X = case.args[1], case.args[0]
        inside = pad <= r < pad + X.shape[1] and pad <= col < pad + X.shape[2]
        return Window(f"X_pad[{i}, {r}, {col}, {c}] is " + (f"inside: it should be X[{i}, {r - pad}, {col - pad}, {c}]"
                                                            if inside else "in the border of zeros"), (0,), 0)
    return None


def _locate_transpose(name: str, call, events: list, diff: Difference) -> Window | None:
    """The scatter steps behind a wrong cell of a transposed convolution's ``Z``, ``dA_prev``, ``dW`` or ``db``."""
    idx, pad = diff.index, call.params["pad"]
    cut = f", the full output before the cut of {pad}" if pad else ""
    if name == "conv_transpose_forward" and diff.output == "Z":
        i, r, col, c = idx
        R, C = r + pad, col + pad
        hits = [(k, e) for k, e in events if e.i == i and e.c == c
                and e.vert_start <= R < e.vert_end and e.horiz_start <= C < e.horiz_end]
        where = f"Z[{i}, {r}, {col}, {c}] is Z_full[{i}, {R}, {C}, {c}]{cut}"
        if not hits:
            return Window(f"{where}: no input cell's block covers it, so the reference holds the bias b[{c}] alone")
        return Window(f"{where}: the sum of the blocks of {len(hits)} input cell(s), each A_prev[{i}, h, w, :] times "
                      f"filter W[..., {c}], over every input channel; then + b[{c}]: "
                      f"{_list_windows([e for _, e in hits])} (blocks in Z_full)", tuple(k for k, _ in hits), hits[-1][0])
    if name != "conv_transpose_backward":
        return None
    n_C = call.arrays["W"].shape[3]
    if diff.output == "dA_prev":
        i, h, w, cp = idx
        hits = [(k, e) for k, e in events if (e.i, e.h, e.w) == (i, h, w)]
        if not hits:
            return None
        e = hits[0][1]
        rows = "row and column" if pad == 1 else "rows and columns"
        return Window(f"dA_prev[{i}, {h}, {w}, {cp}] reads back the block {_bounds(e)} of dZ_full (dZ put back inside "
                      f"the {pad} {rows} cut) through each of the {n_C} filter(s) W[..., c]: "
                      f"sum(W[:, :, {cp}, c] * block), {len(hits)} step(s)", tuple(k for k, _ in hits), hits[-1][0])
    if diff.output == "dW":
        di, dj, cp, c = idx
        hits = [(k, e) for k, e in events if e.c == c]
        return Window(f"dW[{di}, {dj}, {cp}, {c}] sums A_prev[i, h, w, {cp}] * dZ_full[i, h*stride + {di}, "
                      f"w*stride + {dj}, {c}] over the {len(hits)} input cells (every example i and cell (h, w)); "
                      f"the first: {_list_windows([e for _, e in hits], 2)}", tuple(k for k, _ in hits), hits[-1][0])
    if diff.output == "db":
        return Window(f"db[..., {idx[3]}] is the sum of dZ[..., {idx[3]}] over every example and cell: the bias "
                      f"was added once to every cell of Z, after the cut", (0,), 0)
    return None


def _locate_raise(call, events: list, loop: dict[str, int]) -> Window:
    """The window a learner's loop was at when it raised (from its loop variables)."""
    i, h, w, c = (loop[k] for k in ("i", "h", "w", "c"))
    hits = [(k, e) for k, e in events if (e.i, e.h, e.w, e.c) == (i, h, w, c)]
    if not hits:
        last = events[-1][1]
        return Window(f"it raised at i={i}, h={h}, w={w}, c={c}: the reference has no such window "
                      f"(its loop ends at h={last.h}, w={last.w}, c={last.c})")
    k, e = hits[0]
    last_of_example = max(kk for kk, ee in events if ee.i == i)
    if k == last_of_example:  # the loop had finished: h, w, c keep their last values
        return Window(f"it raised after the loop over the windows of example {i} had finished (h={h}, w={w}, "
                      f"c={c} are the loop's last values; its last window is {_bounds(e)}, step {k} of the "
                      f"reference trace)", (k,), k)
    return Window(f"it raised at the window of cell (h={h}, w={w}), example {i}, channel {c}: "
                  f"{_bounds(e)} (step {k} of the reference trace)", (k,), k)


def _locate_pool_back(call, events: list, idx: tuple[int, ...]) -> Window:
    """The windows of max or average pooling that send gradient to ``dA_prev[idx]``."""
    i, r, col, c = idx
    hits = [(k, e) for k, e in events if e.i == i and e.c == c
            and e.vert_start <= r < e.vert_end and e.horiz_start <= col < e.horiz_end]
    where = f"dA_prev[{i}, {r}, {col}, {c}]"
    if not hits:
        return Window(f"{where} lies in no window: the reference leaves it 0")
    steps = tuple(k for k, _ in hits)
    if call.params["mode"] != "max":
        return Window(f"{where} lies in {len(hits)} window(s) of example {i}, channel {c}, each sending it "
                      f"dA / (f*f): {_list_windows([e for _, e in hits])}", steps, hits[-1][0])
    A_prev = call.arrays["A_prev"]
    value = A_prev[i, r, col, c]
    maxed = [(k, e) for k, e in hits
             if value == np.max(A_prev[i, e.vert_start:e.vert_end, e.horiz_start:e.horiz_end, c])]
    if not maxed:
        return Window(f"{where} lies in {len(hits)} window(s) of example {i}, channel {c} and is the maximum of "
                      f"none of them, so the reference sends it no gradient: {_list_windows([e for _, e in hits])}",
                      steps, hits[-1][0])
    tied = [(k, e) for k, e in maxed if e.n_max > 1]
    text = (f"{where} lies in {len(hits)} window(s) of example {i}, channel {c} and is the maximum of "
            f"{len(maxed)}: {_list_windows([e for _, e in maxed])}")
    if tied:
        text += (f"; tied with other maxima in {len(tied)} of them ({_list_windows([e for _, e in tied], 2)}), "
                 f"where the course sends the gradient to every tied maximum")
    return Window(text, steps, (tied or maxed)[0][0])


# ----------------------------------------------------------------------------------------------
# The network: which layer, which step


def _writer(trace: Trace, array: str) -> int | None:
    """The first step of the reference trace that writes ``array`` (``"dW2"``, ``"Z"``...)."""
    for k, event in enumerate(trace):
        if event.roles(trace.call_of(k).name).get(array) == "write":
            return k
    return None


def _first_wrong_layer(expected: list, received: Any) -> tuple[int, str] | None:
    """``(layer, "Z" or "A")`` of the first layer whose cache differs, from L_model_forward's caches."""
    if not isinstance(received, (list, tuple)) or len(received) != len(expected):
        return None
    for j, (e, g) in enumerate(zip(expected, received)):
        try:
            (_, _, _), _ = g
        except (TypeError, ValueError):
            return None
        if not same(e[1], g[1]):
            return j + 1, "Z"
        if j + 1 < len(expected) and not same(expected[j + 1][0][0], received[j + 1][0][0]):
            return j + 1, "A"
    return None


def _layer_text(trace: Trace, k: int) -> str:
    event = trace[k]
    L = trace.call_of(k).params.get("L")
    layer = getattr(event, "layer", 0)
    where = f"layer {layer} of {L}, " if layer and L else f"layer {layer}, " if layer else ""
    return f"{where}step {k} of the reference trace: {event.describe()}"


def _locate_layer(name: str, case: Case, trace: Trace, diff: Difference | None, outcome: Outcome,
                  expected: Any) -> Window | None:
    if diff is None or diff.status not in ("wrong values", "wrong shape", "wrong type") or not len(trace):
        if name in ("initialize_parameters", "initialize_parameters_deep") and diff is not None and diff.entry:
            return Window(f"parameters[{diff.entry!r}] belongs to layer {diff.entry[1:]}")
        return None
    array = diff.output
    if name == "L_model_forward":
        received = outcome.value[1] if isinstance(outcome.value, tuple) and len(outcome.value) == 2 else None
        first = _first_wrong_layer(expected[1], received) if expected is not None else None
        L = trace.calls[-1].params["L"]
        if first is not None:
            layer, kind = first
            array = f"{kind}{layer}"
            k = _writer(trace, array)
            if k is not None:
                lead = f"the first layer whose values differ is layer {layer}: its {array}"
                return Window(f"{lead} (caches[{layer - 1}]{'[1]' if kind == 'Z' else ''}) is computed in "
                              + _layer_text(trace, k), (k,), k)
        if diff.output == "AL":
            array = f"A{L}"
        elif diff.output == "caches" and diff.entry:
            j = int(diff.entry[1:diff.entry.index("]")])
            array = f"Z{j + 1}" if diff.entry.endswith("[1]") else f"A{j}"
    elif diff.entry and diff.output in ("grads", "parameters"):
        array = diff.entry
    elif name == "linear_activation_forward" and diff.output == "cache" and diff.entry == "[1]":
        array = "Z"
    k = _writer(trace, array)
    if k is None:
        return None
    label = f"{diff.output}[{diff.entry!r}]" if diff.output in ("grads", "parameters") and diff.entry else array
    return Window(f"{label} is computed in {_layer_text(trace, k)}", (k,), k)
