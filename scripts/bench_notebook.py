"""Benchmark the notebook display: the step player's bytes per frame, and the time to display a trace.

For each case the script builds the player that a notebook shows (``trace.animate()``,
the HTML of ``Trace._repr_html_``) at the default 100 dpi and prints its HTML bytes per
frame (palette PNGs in base64, plus the player's script and style shared by every
frame), beside matplotlib's ``FuncAnimation.to_jshtml()`` of the same steps, measured in
this run. Then the time to display a 50-step trace in Jupyter: IPython's display
formatter on the trace, which draws the frames and builds the HTML.

    python scripts/bench_notebook.py           # about a minute
    python scripts/bench_notebook.py --quick   # a few seconds, for a smoke test
"""

from __future__ import annotations

import argparse
import os
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

import tracer  # noqa: E402
from tracer import render  # noqa: E402

TARGET_BYTES = 25_000  # HTML bytes per frame at the default dpi


def conv_trace(n: int, channels: int, filters: int) -> tracer.Trace:
    rng = np.random.default_rng(1)
    with tracer.record() as trace:
        tracer.conv_forward(rng.standard_normal((1, n, n, channels)), rng.standard_normal((3, 3, channels, filters)),
                            rng.standard_normal((1, 1, 1, filters)), {"stride": 1, "pad": 1})
    return trace


def pool_trace(n: int, mode: str = "max") -> tracer.Trace:
    rng = np.random.default_rng(2)
    with tracer.record() as trace:
        tracer.pool_forward(rng.standard_normal((1, n, n, 1)), {"f": 2, "stride": 1}, mode=mode)
    return trace


def pool_backward_trace(n: int) -> tracer.Trace:
    rng = np.random.default_rng(3)
    A_prev = rng.standard_normal((1, n, n, 1))
    A, cache = tracer.pool_forward(A_prev, {"f": 2, "stride": 1})
    with tracer.record() as trace:
        tracer.pool_backward(rng.standard_normal(A.shape), cache, mode="max")
    return trace


def jshtml_bytes(trace: tracer.Trace, steps: list[int]) -> tuple[int, float]:
    """Bytes and seconds of matplotlib's ``to_jshtml()`` of the same steps (the route tracer's player replaces)."""
    t0 = time.perf_counter()
    anim = render.animate(trace, steps=steps)
    text = anim.to_jshtml()
    return len(text), time.perf_counter() - t0


def display_seconds(obj) -> tuple[float, int]:
    """Seconds IPython's display formatter takes on ``obj`` (what a cell ending in it costs), and its HTML bytes."""
    try:
        from IPython.core.formatters import DisplayFormatter
    except ImportError:  # IPython (the test extra's ipykernel brings it) missing: the same call, without it
        t0 = time.perf_counter()
        page = obj._repr_html_()
        return time.perf_counter() - t0, len(page)
    formatter = DisplayFormatter()
    t0 = time.perf_counter()
    data, _ = formatter.format(obj)
    return time.perf_counter() - t0, len(data.get("text/html", ""))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="small traces, no to_jshtml, one repeat: a smoke test")
    p.add_argument("--repeats", type=int, default=3, help="repeats of the display timing, the best kept (default 3)")
    args = p.parse_args(argv)
    if args.repeats < 1:
        p.error(f"--repeats must be at least 1, got {args.repeats}")

    cases = [
        ("pool_forward max, 6x6, f 2, stride 1", pool_trace(3 if args.quick else 6)),
        ("pool_backward max, 5x5 input", pool_backward_trace(3 if args.quick else 5)),
        ("conv_forward 5x5x1, 3x3 filter, pad 1", conv_trace(3 if args.quick else 5, 1, 1)),
        ("conv_forward 7x7x3, two 3x3x3 filters, pad 1 (steps 1-50)", conv_trace(3 if args.quick else 7, 3, 2)),
    ]
    if args.quick:
        print("--quick: 3x3 inputs instead of the sizes named below, one repeat: a smoke test, not a measure")
    print(f"{'trace (default dpi, ' + str(render.DEFAULT_DPI) + ')':60s} {'frames':>6s} {'px':>9s} "
          f"{'PNG B/fr':>9s} {'HTML B/fr':>10s} {'to_jshtml B/fr':>15s} {'ratio':>6s}")
    worst = 0.0
    for label, trace in cases:
        steps = [k for k in range(len(trace)) if k < 51][1 if label.startswith("conv") else 0:]
        player = trace.animate(steps=steps)
        per_frame = player.nbytes / len(player)
        worst = max(worst, per_frame)
        png = sum(map(len, player.frames)) / len(player)
        if args.quick:
            js, ratio = "-", "-"
        else:
            js_bytes, _ = jshtml_bytes(trace, steps)
            js, ratio = f"{js_bytes / len(steps):,.0f}", f"{js_bytes / player.nbytes:.1f}x"
        w, h = player.size
        print(f"{label:60s} {len(player):6d} {f'{w}x{h}':>9s} {png:9,.0f} {per_frame:10,.0f} {js:>15s} {ratio:>6s}")

    # a 50-step trace shown by a cell that ends in it (the player drawn and written as HTML)
    trace = conv_trace(3 if args.quick else 5, 1, 2).where("conv_window")
    if not args.quick:
        assert len(trace) == 50
    times = []
    for _ in range(1 if args.quick else args.repeats):
        seconds, nbytes = display_seconds(trace)
        times.append(seconds)
    best = min(times)
    print(f"\ndisplay of a {len(trace)}-step trace (conv_forward 5x5x1, two filters, its windows): "
          f"{best:.2f} s (best of {len(times)}), {nbytes / 1e6:.2f} MB of HTML, "
          f"{best / len(trace) * 1000:.0f} ms per frame")
    print(f"target: <= {TARGET_BYTES:,} HTML bytes per frame: worst case {worst:,.0f} "
          f"({'met' if worst <= TARGET_BYTES else 'NOT met'}); a player holds at most {render.MAX_FRAMES} frames")
    print(f"load average over the last minute: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          f"(timings taken above 1.5 are not to be trusted)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
