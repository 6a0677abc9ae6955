"""Benchmark the renderer: milliseconds per frame written as PNG and as GIF, and per trace.plot(k).

The case: conv_forward of a (1, 5, 5, 1) input with a 3x3 filter, pad 1, stride 1
(26 events: the padding step and 25 windows), drawn at the default 100 dpi.
Every ratio is measured in this run, against drawing a new figure per frame.

    python scripts/bench_render.py            # about a minute
    python scripts/bench_render.py --quick    # a few seconds, for a smoke test
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from matplotlib.animation import PillowWriter  # noqa: E402

import tracer  # noqa: E402
from tracer import render  # noqa: E402


def make_trace() -> tracer.Trace:
    np.random.seed(1)
    A_prev = np.random.randn(1, 5, 5, 1)
    W, b = np.random.randn(3, 3, 1, 1), np.random.randn(1, 1, 1, 1)
    with tracer.record() as trace:
        tracer.conv_forward(A_prev, W, b, {"stride": 1, "pad": 1})
    return trace


CPU = {}  # label -> CPU seconds of this process for the best run


def best(fn, repeats: int, label: str = "") -> float:
    """The fastest of ``repeats`` runs of ``fn()``, in seconds (the least disturbed by other work)."""
    times, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    CPU[label] = cpu[times.index(min(times))]
    return min(times)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="one repeat and a few frames: a smoke test, not a measure")
    p.add_argument("--repeats", type=int, default=3, help="repeats of each measure, the best kept (default 3)")
    args = p.parse_args(argv)
    repeats = 1 if args.quick else max(1, args.repeats)
    trace = make_trace()
    n = len(trace)
    steps = list(range(n)) if not args.quick else [0, 1]
    nf = len(steps)
    states = [(k, trace[k], trace.call_of(k), trace.replay(k + 1)) for k in steps]
    print(f"renderer benchmark: conv_forward (1, 5, 5, 1) * (3, 3, 1, 1), pad 1: {n} events, "
          f"{nf} frames timed, best of {repeats}, {os.cpu_count()} cores", file=sys.stderr)
    render.png_bytes(trace, 1)  # warm fonts and caches

    def new_figure_per_frame() -> None:
        for k, e, call, s in states:
            r = render.Renderer(trace, blit=False)
            r.draw_state(k, e, call, s)
            buf = io.BytesIO()
            r.fig.savefig(buf, format="png", dpi=r.dpi, metadata={"Software": None})

    def reuse_no_blit() -> None:
        r = render.Renderer(trace, blit=False)
        for k, e, call, s in states:
            r.draw_state(k, e, call, s)
            r.png()

    def reuse_blit_no_png() -> None:
        r = render.Renderer(trace)
        for k, e, call, s in states:
            r.draw_state(k, e, call, s)
            r.render()

    def reuse_blit_png() -> None:
        r = render.Renderer(trace)
        for k, e, call, s in states:
            r.draw_state(k, e, call, s)
            r.png()

    with tempfile.TemporaryDirectory() as tmp:
        def player(workers: int, gif: bool):
            return lambda: render.write_player(trace, tmp, f"p{workers}{gif}", steps=steps, gif=gif, workers=workers)

        def funcanimation_gif() -> None:
            anim = render.animate(trace, steps=steps)
            anim.save(Path(tmp) / "anim.gif", writer=PillowWriter(fps=2))

        cases = [
            ("new figure per frame, savefig PNG", new_figure_per_frame),
            ("reused artists, full redraw, PNG", reuse_no_blit),
            ("reused artists, changed ones redrawn (blit), no PNG", reuse_blit_no_png),
            ("reused artists, blit, PNG (compress_level 1)", reuse_blit_png),
            ("write_player PNG frames, 1 process", player(1, False)),
            ("write_player PNG frames, 2 processes", player(2, False)),
            ("write_player PNG frames + GIF, 1 process", player(1, True)),
            ("FuncAnimation saved with PillowWriter", funcanimation_gif),
        ]
        rows = [(label, best(fn, repeats, label)) for label, fn in cases]

    # one frame's PNG encoding at the default compression and at level 1
    r = render.Renderer(trace)
    r.draw(5)
    image = r.image()

    def encode(level: int):
        return lambda: image.save(io.BytesIO(), format="PNG", compress_level=level)

    enc6, enc1 = best(encode(6), max(3, repeats)), best(encode(1), max(3, repeats))

    # trace.plot(k) for steps after the first, and the same drawn to PNG (what a notebook shows)
    ks = [3, 7, 12, 18, 24] if not args.quick else [1]
    plot_ms = statistics.median(best(lambda k=k: trace.plot(k), repeats) for k in ks) * 1000
    plot_png_ms = statistics.median(best(lambda k=k: render.png_bytes(trace, k), repeats) for k in ks) * 1000

    base = rows[0][1] / nf * 1000
    print(f"\n{'how':55s} {'ms/frame':>9s} {'frames/s':>9s} {'vs new fig':>10s} {'CPU ms/frame':>13s}")
    for label, seconds in rows:
        ms = seconds / nf * 1000
        cpu = "(children)" if "2 processes" in label else f"{CPU[label] / nf * 1000:.1f}"
        print(f"{label:55s} {ms:9.1f} {1000 / ms:9.1f} {base / ms:9.1f}x {cpu:>13s}")
    gif_ms = (rows[6][1] - rows[4][1]) / nf * 1000
    print(f"{'GIF encoding alone (difference of the two above)':55s} {gif_ms:9.1f}")
    print(f"\nPNG encoding of one {image.width}x{image.height} frame: {enc6 * 1000:.1f} ms at the default "
          f"level 6, {enc1 * 1000:.1f} ms at level 1 ({enc6 / enc1:.1f}x faster)")
    print(f"trace.plot(k), a step after the first: {plot_ms:.1f} ms; the same step drawn to PNG bytes "
          f"(what Jupyter's _repr_png_ shows): {plot_png_ms:.1f} ms")
    fps = 1000 / (rows[4][1] / nf * 1000)  # write_player's default for 26 frames: 1 process
    print(f"\ntargets: >= 10 frames/s written as PNG: {fps:.1f} frames/s "
          f"({'met' if fps >= 10 else 'NOT met'}); <= 100 ms per trace.plot(k): {plot_ms:.1f} ms "
          f"({'met' if plot_ms <= 100 else 'NOT met'})")
    print(f"load average over the last minute: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(wall times grow with other work; the CPU column does not)")
    if args.quick:
        print("(--quick: a smoke test; the numbers above are not a measure)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
