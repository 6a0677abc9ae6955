"""Benchmark the instrumented core against the course's own loops, recording, tracer.fast and torch.

For conv_forward, conv_backward, pool_forward and pool_backward (max and average),
conv_forward and conv_backward dilated by 2, and conv_transpose_forward and
conv_transpose_backward, at three sizes, measured side by side in one run (best
of N, time.perf_counter):

* the instrumented loop, not recording, against the course's plain loop written
  below (calling unchecked helpers, as the course's notebook does), or for the
  functions beyond the course, the plain loop of ``scripts/_plain_loops.py``;
* recording on against off: time ratio, nanoseconds and bytes per event;
* tracer.fast against the loop, and against torch (CPU, float64, one thread) when
  torch happens to be installed (it is not a dependency).

Prints a table with PASS/FAIL per requirement. Run it with ``nice``::

    nice .venv/bin/python scripts/bench_core.py            # about 2 to 3 minutes
    nice .venv/bin/python scripts/bench_core.py --quick    # a few seconds, smallest size only
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

import _plain_loops as plain_loops
import tracer
from tracer import fast

# Requirements (ratios measured in this run)
MAX_LOOP_OVERHEAD = 1.15  # instrumented loop, not recording / course loop
MAX_RECORDING_SLOWDOWN = 1.6  # recording on / off
MAX_BYTES_PER_EVENT = 200
MIN_FAST_SPEEDUP = 150  # loop / tracer.fast, on the largest size
MIN_TORCH_RATIO = 1.0  # torch / tracer.fast for conv forward and backward, on the largest size

# name: (A_prev shape, W shape, conv stride, conv pad); pooling uses f 2, stride 2 on the same A_prev
SIZES = {
    "a": ((2, 5, 7, 4), (3, 3, 4, 8), 2, 1),
    "b": ((8, 28, 28, 1), (3, 3, 1, 8), 1, 1),
    "c": ((16, 32, 32, 16), (3, 3, 16, 32), 1, 1),
}
POOL = {"f": 2, "stride": 2}
LARGEST = "c"
DILATION = 2  # the dilated cases: the size's conv with this dilation, and pad * DILATION (same size at stride 1)
TRANSPOSE = {"stride": 2, "pad": 1, "output_padding": 1}  # the transposed cases: twice the input's height and width
#: rows that record one event besides their windows (the padding step, the cut, dZ_full)
EXTRA_EVENT = ("conv_forward", "conv_forward dilated", "conv_transpose_forward", "conv_transpose_backward")
#: rows whose tracer.fast must beat torch (the course's convolutions)
TORCH_RATIO_ROWS = ("conv_forward", "conv_backward")


# -- the course's own loops (as learners write them), with unchecked helpers ---------------------


def course_zero_pad(X, pad):
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="constant", constant_values=(0, 0))


def course_conv_single_step(a_slice_prev, W, b):
    s = np.multiply(a_slice_prev, W)
    Z = np.sum(s)
    Z = Z + b.item()  # the course's float(b) raises on numpy 2 for shape (1, 1, 1)
    return Z


def course_conv_forward(A_prev, W, b, hparameters):
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    (f, f, n_C_prev, n_C) = W.shape
    stride = hparameters["stride"]
    pad = hparameters["pad"]
    n_H = int((n_H_prev - f + 2 * pad) / stride) + 1
    n_W = int((n_W_prev - f + 2 * pad) / stride) + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = course_zero_pad(A_prev, pad)
    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + f
                for c in range(n_C):
                    a_slice_prev = a_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :]
                    weights = W[:, :, :, c]
                    biases = b[:, :, :, c]
                    Z[i, h, w, c] = course_conv_single_step(a_slice_prev, weights, biases)
    cache = (A_prev, W, b, hparameters)
    return Z, cache


def course_pool_forward(A_prev, hparameters, mode="max"):
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    f = hparameters["f"]
    stride = hparameters["stride"]
    n_H = int(1 + (n_H_prev - f) / stride)
    n_W = int(1 + (n_W_prev - f) / stride)
    n_C = n_C_prev
    A = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + f
                for c in range(n_C):
                    a_prev_slice = A_prev[i, vert_start:vert_end, horiz_start:horiz_end, c]
                    if mode == "max":
                        A[i, h, w, c] = np.max(a_prev_slice)
                    elif mode == "average":
                        A[i, h, w, c] = np.mean(a_prev_slice)
    cache = (A_prev, hparameters)
    return A, cache


def course_conv_backward(dZ, cache):
    (A_prev, W, b, hparameters) = cache
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    (f, f, n_C_prev, n_C) = W.shape
    stride = hparameters["stride"]
    pad = hparameters["pad"]
    (m, n_H, n_W, n_C) = dZ.shape
    dA_prev = np.zeros((m, n_H_prev, n_W_prev, n_C_prev))
    dW = np.zeros((f, f, n_C_prev, n_C))
    db = np.zeros((1, 1, 1, n_C))
    A_prev_pad = course_zero_pad(A_prev, pad)
    dA_prev_pad = course_zero_pad(dA_prev, pad)
    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        da_prev_pad = dA_prev_pad[i]
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vert_start = h * stride
                    vert_end = vert_start + f
                    horiz_start = w * stride
                    horiz_end = horiz_start + f
                    a_slice = a_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :]
                    da_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :] += W[:, :, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
        dA_prev[i, :, :, :] = da_prev_pad[pad:-pad, pad:-pad, :] if pad else da_prev_pad
    return dA_prev, dW, db


def course_create_mask_from_window(x):
    return x == np.max(x)


def course_distribute_value(dz, shape):
    (n_H, n_W) = shape
    average = dz / (n_H * n_W)
    return np.ones(shape) * average


def course_pool_backward(dA, cache, mode="max"):
    (A_prev, hparameters) = cache
    stride = hparameters["stride"]
    f = hparameters["f"]
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        a_prev = A_prev[i]
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vert_start = h * stride
                    vert_end = vert_start + f
                    horiz_start = w * stride
                    horiz_end = horiz_start + f
                    if mode == "max":
                        a_prev_slice = a_prev[vert_start:vert_end, horiz_start:horiz_end, c]
                        mask = course_create_mask_from_window(a_prev_slice)
                        dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += np.multiply(mask, dA[i, h, w, c])
                    elif mode == "average":
                        da = dA[i, h, w, c]
                        shape = (f, f)
                        dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += course_distribute_value(da, shape)
    return dA_prev


# -- torch (optional): NCHW tensors made before timing, one thread -------------------------------


def torch_runners(case: Case) -> dict[str, Callable[[], object]] | None:
    """Zero-argument torch calls for each benchmarked function, or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    A_prev, W, b, hp = case.conv_args
    nchw = lambda x: torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))  # noqa: E731
    x, dz, da = nchw(A_prev), nchw(case.dZ), nchw(case.dA)
    w = torch.from_numpy(np.ascontiguousarray(W.transpose(3, 2, 0, 1)))
    bias = torch.from_numpy(b.reshape(-1).copy())
    s, p, f, ps = hp["stride"], hp["pad"], POOL["f"], POOL["stride"]
    conv = torch.nn.functional.conv2d
    _, indices = torch.nn.functional.max_pool2d(x, f, ps, return_indices=True)
    aten = torch.ops.aten
    dz_dil, dz_tr = nchw(case.dZ_dil), nchw(case.dZ_tr)
    pd, d = case.dil_args[3]["pad"], DILATION
    w_tr = torch.from_numpy(np.ascontiguousarray(case.tr_args[1].transpose(2, 3, 0, 1)))  # (n_C_prev, n_C, f, f)
    bias_tr = torch.from_numpy(case.tr_args[2].reshape(-1).copy())
    ts, tp, top = TRANSPOSE["stride"], TRANSPOSE["pad"], TRANSPOSE["output_padding"]
    runners = {
        "conv_forward": lambda: conv(x, w, bias, stride=s, padding=p),
        "conv_backward": lambda: aten.convolution_backward(
            dz, x, w, [W.shape[3]], [s, s], [p, p], [1, 1], False, [0, 0], 1, [True, True, True]
        ),
        "conv_forward dilated": lambda: conv(x, w, bias, stride=s, padding=pd, dilation=d),
        "conv_backward dilated": lambda: aten.convolution_backward(
            dz_dil, x, w, [W.shape[3]], [s, s], [pd, pd], [d, d], False, [0, 0], 1, [True, True, True]
        ),
        "conv_transpose_forward": lambda: torch.nn.functional.conv_transpose2d(
            x, w_tr, bias_tr, stride=ts, padding=tp, output_padding=top
        ),
        "conv_transpose_backward": lambda: aten.convolution_backward(
            dz_tr, x, w_tr, [w_tr.shape[1]], [ts, ts], [tp, tp], [1, 1], True, [top, top], 1, [True, True, True]
        ),
        "pool_forward max": lambda: torch.nn.functional.max_pool2d(x, f, ps),
        "pool_forward average": lambda: torch.nn.functional.avg_pool2d(x, f, ps),
        "pool_backward max": lambda: aten.max_pool2d_with_indices_backward(da, x, [f, f], [ps, ps], [0, 0], [1, 1], False, indices),
        "pool_backward average": lambda: aten.avg_pool2d_backward(da, x, [f, f], [ps, ps], [0, 0], False, True, None),
    }
    # torch must compute what tracer.fast computes, or the comparison means nothing
    nhwc = lambda t: t.numpy().transpose(0, 2, 3, 1)  # noqa: E731
    expected = case.runners("fast")
    for name, run in runners.items():
        got, want = run(), expected[name]()
        if name.startswith(("conv_backward", "conv_transpose_backward")):
            dx, dw, dbias = got
            layout = (2, 3, 0, 1) if name.startswith("conv_transpose") else (2, 3, 1, 0)
            got = [nhwc(dx), dw.numpy().transpose(*layout), dbias.numpy().reshape(1, 1, 1, -1)]
        else:
            got, want = [nhwc(got)], [want[0] if isinstance(want, tuple) else want]
        for g, wnt in zip(got, want, strict=True):
            np.testing.assert_allclose(g, wnt, rtol=1e-9, atol=1e-9, err_msg=f"torch and tracer.fast disagree: {name}")
    return runners


# -- the cases -----------------------------------------------------------------------------------


@dataclass
class Case:
    """The inputs of one size, and zero-argument calls of every benchmarked function."""

    size: str
    conv_args: tuple
    dZ: np.ndarray
    dA: np.ndarray
    dil_args: tuple  # conv_forward's, with DILATION
    dZ_dil: np.ndarray
    tr_args: tuple  # conv_transpose_forward's, on the same A_prev
    dZ_tr: np.ndarray
    conv_cache: tuple = field(init=False)
    pool_cache: tuple = field(init=False)
    torch: dict[str, Callable[[], object]] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        A_prev, W, b, hp = self.conv_args
        self.conv_cache = (A_prev, W, b, hp)
        self.pool_cache = (A_prev, POOL)

    @classmethod
    def make(cls, size: str) -> Case:
        A_shape, W_shape, stride, pad = SIZES[size]
        rng = np.random.default_rng(0)
        A_prev = rng.standard_normal(A_shape)
        W = rng.standard_normal(W_shape)
        b = rng.standard_normal((1, 1, 1, W_shape[3]))
        hp = {"stride": stride, "pad": pad}
        Z, _ = fast.conv_forward(A_prev, W, b, hp)
        A, _ = fast.pool_forward(A_prev, POOL)
        dZ, dA = rng.standard_normal(Z.shape), rng.standard_normal(A.shape)
        dil = (A_prev, W, b, {"stride": stride, "pad": pad * DILATION, "dilation": DILATION})
        tr = (A_prev, W, b, dict(TRANSPOSE))
        Z_dil, _ = fast.conv_forward(*dil)
        Z_tr, _ = fast.conv_transpose_forward(*tr)
        return cls(size, (A_prev, W, b, hp), dZ, dA, dil, rng.standard_normal(Z_dil.shape), tr,
                   rng.standard_normal(Z_tr.shape))

    def windows(self, name: str) -> int:
        """Loop steps (windows times channels; input cells times channels for transposed) of ``name``."""
        if name.startswith("conv_transpose"):
            m, n_H_prev, n_W_prev, _ = self.tr_args[0].shape
            return m * n_H_prev * n_W_prev * self.tr_args[1].shape[3]
        if name.endswith("dilated"):
            return self.dZ_dil.size
        return (self.dZ if name.startswith("conv") else self.dA).size

    def runners(self, impl: str) -> dict[str, Callable[[], object]]:
        """Zero-argument calls of each function: ``impl`` is "course", "loop" or "fast"."""
        mod = {"course": None, "loop": tracer, "fast": fast}[impl]
        conv_forward = course_conv_forward if mod is None else mod.conv_forward
        conv_backward = course_conv_backward if mod is None else mod.conv_backward
        pool_forward = course_pool_forward if mod is None else mod.pool_forward
        pool_backward = course_pool_backward if mod is None else mod.pool_backward
        A_prev = self.conv_args[0]
        dilated_forward = plain_loops.dilated_conv_forward if mod is None else mod.conv_forward
        dilated_backward = plain_loops.dilated_conv_backward if mod is None else mod.conv_backward
        transpose_forward = plain_loops.conv_transpose_forward if mod is None else mod.conv_transpose_forward
        transpose_backward = plain_loops.conv_transpose_backward if mod is None else mod.conv_transpose_backward
        return {
            "conv_forward": lambda: conv_forward(*self.conv_args),
            "conv_backward": lambda: conv_backward(self.dZ, self.conv_cache),
            "conv_forward dilated": lambda: dilated_forward(*self.dil_args),
            "conv_backward dilated": lambda: dilated_backward(self.dZ_dil, self.dil_args),
            "conv_transpose_forward": lambda: transpose_forward(*self.tr_args),
            "conv_transpose_backward": lambda: transpose_backward(self.dZ_tr, self.tr_args),
            "pool_forward max": lambda: pool_forward(A_prev, POOL, "max"),
            "pool_forward average": lambda: pool_forward(A_prev, POOL, "average"),
            "pool_backward max": lambda: pool_backward(self.dA, self.pool_cache, "max"),
            "pool_backward average": lambda: pool_backward(self.dA, self.pool_cache, "average"),
        }


# -- timing --------------------------------------------------------------------------------------


def timed(fn: Callable[[], object], clock: Callable[[], float] = time.perf_counter) -> float:
    t0 = clock()
    fn()
    return clock() - t0


def best_of(fn: Callable[[], object], min_repeats: int, budget: float) -> float:
    """Best time of at least ``min_repeats`` calls, repeating while under ``budget`` seconds."""
    times = [timed(fn)]
    while len(times) < min_repeats or (sum(times) < budget and len(times) < 1000):
        times.append(timed(fn))
    return min(times)


def recorded(fn: Callable[[], object]) -> Callable[[], tracer.Trace]:
    def run() -> tracer.Trace:
        with tracer.record(max_events=10**8) as trace:
            fn()
        return trace

    return run


def rows_bytes(trace: tracer.Trace) -> int:
    """Bytes held by the recorded rows: the lists, the tuples and the objects they alone hold."""
    total, seen = 0, set()
    for call in trace.calls:
        total += sys.getsizeof(call.rows)
        for row in call.rows:
            total += sys.getsizeof(row)
            for item in row:
                # small ints are shared by the interpreter; anything else is counted once
                if not (type(item) is int and -5 <= item <= 256) and id(item) not in seen:
                    seen.add(id(item))
                    total += sys.getsizeof(item)
    return total


def traced_bytes(fn: Callable[[], object]) -> tuple[int, int]:
    """Bytes a recording keeps after the call, by tracemalloc: ``(with every event, with none)``.

    The second recording keeps no window event (``examples=[]``), so the difference
    is what the events alone cost: the fixed cost of a call (its stored arrays,
    the Call object) cancels out.
    """
    kept = []
    for examples in (None, []):
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            with tracer.record(max_events=10**8, examples=examples) as trace:
                fn()
            kept.append(tracemalloc.get_traced_memory()[0] - before)
            del trace
        finally:
            tracemalloc.stop()
    return kept[0], kept[1]


@dataclass
class Row:
    name: str
    size: str
    events: int
    course: float
    loop: float
    rec: float
    fast: float
    bytes_counted: float
    bytes_traced: float | None
    torch: float | None
    fast_1: float | None  # tracer.fast with its BLAS limited to one thread, like torch here

    def checks(self) -> dict[str, bool | None]:
        """PASS (True), FAIL (False) or not applicable (None) for each requirement."""
        largest = self.size == LARGEST
        return {
            "loop": self.loop / self.course <= MAX_LOOP_OVERHEAD,
            "rec": self.rec / self.loop <= MAX_RECORDING_SLOWDOWN,
            "bytes": max(self.bytes_counted, self.bytes_traced or 0) <= MAX_BYTES_PER_EVENT,
            "fast": self.loop / self.fast >= MIN_FAST_SPEEDUP if largest else None,
            "torch": (
                self.torch / self.fast >= MIN_TORCH_RATIO
                if largest and self.torch is not None and self.name in TORCH_RATIO_ROWS
                else None
            ),
        }


def measure(case: Case, name: str, args: argparse.Namespace, progress: Callable[[str], None]) -> Row:
    course, loop, fast_run = (case.runners(impl)[name] for impl in ("course", "loop", "fast"))
    rec = recorded(loop)
    # the course loop and the instrumented loop must do the same work
    for got, want in zip(_flat(loop()), _flat(course()), strict=True):
        if not np.array_equal(got, want):
            raise AssertionError(f"{name}: the course loop and tracer's loop disagree")
    # a few seconds per variant at most: repeat small cases until about 0.3 s of each has run
    estimate = case.windows(name) * 5e-6  # seconds per loop run, about 3 to 12 us per window
    budget = 0.03 if args.quick else 1.0  # per variant: sub-second loops get several timings
    repeats = max(args.min_repeats, min(200, int(budget / estimate) + 1))
    progress(f"{name} size {case.size}: {case.windows(name):,} windows, {repeats} timing(s) of each loop variant")
    t = {"course": [], "loop": [], "rec": []}
    events = 0
    for _ in range(repeats):  # interleaved, so that a slow moment hits every variant
        t["course"].append(timed(course, args.clock))
        t["loop"].append(timed(loop, args.clock))
        t0 = args.clock()
        trace = rec()
        t["rec"].append(args.clock() - t0)
        events = len(trace)
    window_events = events - (1 if name in EXTRA_EVENT else 0)  # that event stays in both recordings
    counted = rows_bytes(trace) / events
    del trace
    traced = None
    if events <= args.traced_events:
        full, empty = traced_bytes(loop)
        traced = (full - empty) / window_events
    # vectorized calls: best of at least 10 (3 when --quick), since a busy machine stalls a two-thread BLAS now and then
    fast_repeats, fast_budget = (3, budget) if args.quick else (10, 0.5)
    t_fast = best_of(fast_run, fast_repeats, fast_budget)
    t_fast_1 = None
    if args.blas_limit is not None and name.startswith("conv"):
        with args.blas_limit(limits=1, user_api="blas"):
            t_fast_1 = best_of(fast_run, fast_repeats, fast_budget)
    t_torch = None
    torch_run = case.torch.get(name) if case.torch else None
    if torch_run is not None:
        t_torch = best_of(torch_run, fast_repeats, fast_budget)
    return Row(name, case.size, events, min(t["course"]), min(t["loop"]), min(t["rec"]), t_fast, counted, traced, t_torch, t_fast_1)


def _flat(result: object) -> list[np.ndarray]:
    """The arrays of a result: ``(Z, cache)`` gives ``[Z]``, ``(dA_prev, dW, db)`` all three."""
    if isinstance(result, np.ndarray):
        return [result]
    if len(result) == 2 and isinstance(result[1], tuple):  # (out, cache)
        return [result[0]]
    return list(result)


def mark(ok: bool | None) -> str:
    return "" if ok is None else "PASS" if ok else "FAIL"


def ms(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x * 1e3:.3g}" if x * 1e3 < 1000 else f"{x * 1e3:.0f}"


HEADER = (
    f"{'function':24} {'size':4} {'events':>8} | {'course ms':>9} {'loop ms':>8} {'loop/course':>11} {'':4} | "
    f"{'rec ms':>8} {'on/off':>6} {'':4} {'ns/ev':>6} {'B/ev':>5} {'tm B/ev':>7} {'':4} | "
    f"{'fast ms':>8} {'loop/fast':>9} {'':4} | {'torch ms':>8} {'torch/fast':>10} {'':4} {'1 thread':>8}"
)


def format_row(r: Row) -> str:
    c = r.checks()
    ns = (r.rec - r.loop) / r.events * 1e9
    traced = "-" if r.bytes_traced is None else f"{r.bytes_traced:.0f}"
    torch_ratio = "-" if r.torch is None else f"{r.torch / r.fast:.2f}"
    one_thread = "-" if r.torch is None or r.fast_1 is None else f"{r.torch / r.fast_1:.2f}"
    return (
        f"{r.name:24} {r.size:4} {r.events:>8,} | {ms(r.course):>9} {ms(r.loop):>8} {r.loop / r.course:>11.3f} "
        f"{mark(c['loop']):4} | {ms(r.rec):>8} {r.rec / r.loop:>6.2f} {mark(c['rec']):4} {ns:>6.0f} "
        f"{r.bytes_counted:>5.0f} {traced:>7} {mark(c['bytes']):4} | {ms(r.fast):>8} {r.loop / r.fast:>9.0f} "
        f"{mark(c['fast']):4} | {ms(r.torch):>8} {torch_ratio:>10} {mark(c['torch']):4} {one_thread:>8}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=(
            "Time the instrumented course loops against the course's plain loops, recording on "
            "against off, and tracer.fast against the loops and torch (when installed); print a "
            "table with PASS/FAIL per requirement. Run it with nice."
        )
    )
    parser.add_argument("--quick", action="store_true", help="smallest size only, a few seconds (a smoke run)")
    parser.add_argument("--sizes", default=None, help=f"comma-separated sizes among {','.join(SIZES)} (default: all)")
    parser.add_argument("--only", default="", help="measure only the functions whose name holds this text, e.g. pool_forward")
    parser.add_argument("--min-repeats", type=int, default=2, help="at least this many timings of each loop (default 2)")
    parser.add_argument(
        "--traced-events",
        type=int,
        default=100_000,
        help="measure bytes with tracemalloc (5x slower) only up to this many events (default 100000)",
    )
    parser.add_argument(
        "--clock",
        choices=["wall", "cpu"],
        default="wall",
        help="time the loops by wall clock (time.perf_counter, default) or by this process's CPU time "
        "(time.process_time: steadier when other processes share the cores); vectorized calls always by wall clock",
    )
    parser.add_argument("--no-torch", action="store_true", help="skip the torch comparison even if torch is installed")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a requirement fails")
    args = parser.parse_args(argv)
    args.clock = time.perf_counter if args.clock == "wall" else time.process_time
    try:  # optional: time tracer.fast with one BLAS thread too, the same footing as torch here
        from threadpoolctl import threadpool_limits

        args.blas_limit = threadpool_limits
    except ImportError:
        args.blas_limit = None
    sizes = ["a"] if args.quick else (args.sizes.split(",") if args.sizes else list(SIZES))
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"--sizes: unknown size(s) {unknown}; expected some of {list(SIZES)}")

    start = time.perf_counter()

    def progress(msg: str) -> None:
        print(f"[{time.perf_counter() - start:6.1f} s] {msg}", file=sys.stderr, flush=True)

    for size in sizes:
        A_shape, W_shape, stride, pad = SIZES[size]
        print(f"size {size}: A_prev {A_shape}, W {W_shape}, conv stride {stride} pad {pad}; pool f 2 stride 2")
    load_before = os.getloadavg()[0]
    rows = []
    for size in sizes:
        case = Case.make(size)
        case.torch = None if args.no_torch else torch_runners(case)
        if case.torch is None and size == sizes[0]:
            progress("torch is not installed (or --no-torch): no torch column")
        for name in case.runners("loop"):
            if args.only not in name:
                continue
            rows.append(measure(case, name, args, progress))
    print()
    print(HEADER)
    print("-" * len(HEADER))
    for r in rows:
        print(format_row(r))
    print()
    print(
        f"requirements: loop/course <= {MAX_LOOP_OVERHEAD}; recording on/off <= {MAX_RECORDING_SLOWDOWN} and "
        f"<= {MAX_BYTES_PER_EVENT} bytes per event (rows only, counted with sys.getsizeof; tm = tracemalloc, "
        f"up to {args.traced_events:,} events); loop/fast >= {MIN_FAST_SPEEDUP} and torch/fast >= "
        f"{MIN_TORCH_RATIO} for {' and '.join(TORCH_RATIO_ROWS)} (torch: 1 thread, float64, NCHW) on size {LARGEST}; "
        f"'1 thread' is torch/fast "
        f"with numpy's BLAS limited to one thread too (threadpoolctl, when installed), not a requirement"
    )
    load = max(load_before, os.getloadavg()[0])
    cores = os.cpu_count() or 1
    clock = "wall clock (time.perf_counter)" if args.clock is time.perf_counter else "CPU time (time.process_time)"
    print(f"loops timed by {clock}, best of the timings shown in the progress lines")
    print(
        f"machine: {cores} cores, load average up to {load:.1f} during the run"
        + (" (busy: other processes share the cores, so the timings are noisy)" if load > 0.75 * cores else "")
    )
    failed = [(r.name, r.size, k) for r in rows for k, ok in r.checks().items() if ok is False]
    print("all requirements PASS" if not failed else f"{len(failed)} FAIL: {failed}")
    progress("done")
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
