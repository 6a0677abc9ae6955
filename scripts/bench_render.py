"""Benchmark the renderer: milliseconds per frame written as PNG and as GIF, and per trace.plot(k).

The case: conv_forward of a (1, 5, 5, 1) input with a 3x3 filter, pad 1, stride 1
(26 events: the padding step and 25 windows), drawn at the default 100 dpi.
Every ratio is measured in this run, against drawing a new figure per frame.

    python scripts/bench_render.py            # about a minute
    python scripts/bench_render.py --quick    # a few seconds, for a smoke test
    python scripts/bench_render.py --memory   # peak memory of writing a 1,025-frame player (a few minutes)

--memory writes players of conv_forward on a (1, 32, 32, 1) input (1,025 events:
the padding step and 1,024 windows), of 100 and of 1,025 frames, each in a child
process on one core, and reports the child's peak resident memory: it must not
grow with the number of frames.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import subprocess
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


#: What the renderer must keep: frames written as PNG by one process, and one trace.plot(k).
TARGET_FPS = 25
TARGET_PLOT_MS = 60


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


MEMORY_SIZE = 32  # conv_forward on (1, 32, 32, 1), 3x3, pad 1: 1,025 events


def memory_child(frames: int, dpi: int) -> int:
    """Write a player of the first ``frames`` steps on one process; print and return the peak RSS in kB."""
    np.random.seed(0)
    with tracer.record(max_events=10_000) as trace:
        tracer.conv_forward(np.random.randn(1, MEMORY_SIZE, MEMORY_SIZE, 1), np.random.randn(3, 3, 1, 1),
                            np.zeros((1, 1, 1, 1)), {"stride": 1, "pad": 1})
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        render.write_player(trace, tmp, "p", steps=range(frames), dpi=dpi, workers=1)
        seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    print(f"{frames} {peak} {seconds:.2f}")
    return peak


def memory(dpi: int) -> None:
    """Peak memory of writing players of 100 and 1,025 frames, each in a child process."""
    rows = []
    for frames in (100, MEMORY_SIZE * MEMORY_SIZE + 1):  # every step: the padding and each window
        out = subprocess.run([sys.executable, __file__, "--memory-child", str(frames), "--dpi", str(dpi)],
                             capture_output=True, text=True, check=True).stdout.split()
        rows.append((int(out[0]), int(out[1]) / 1024, float(out[2])))
    print(f"\nwrite_player of conv_forward {(1, MEMORY_SIZE, MEMORY_SIZE, 1)}, {dpi} dpi, PNG frames and GIF, "
          "1 process (a child per row)")
    print(f"{'frames':>7s} {'peak RSS MB':>12s} {'s':>7s} {'ms/frame':>9s}")
    for frames, mb, seconds in rows:
        print(f"{frames:7d} {mb:12.0f} {seconds:7.1f} {seconds / frames * 1000:9.1f}")
    (n0, m0, _), (n1, m1, _) = rows
    print(f"growth: {(m1 - m0) / (n1 - n0) * 1024:.0f} kB per frame; target <= 300 MB for 1,000 frames: "
          f"{m1:.0f} MB ({'met' if m1 <= 300 else 'NOT met'})")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="one repeat and a few frames: a smoke test, not a measure")
    p.add_argument("--repeats", type=int, default=3, help="repeats of each measure, the best kept (default 3)")
    p.add_argument("--memory", action="store_true", help="peak memory of writing a 1,025-frame player, then exit")
    p.add_argument("--memory-child", type=int, metavar="N", help=argparse.SUPPRESS)
    p.add_argument("--dpi", type=int, default=100, help="dots per inch of the --memory players (default 100)")
    args = p.parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child, args.dpi)
        return 0
    if args.memory:
        memory(args.dpi)
        return 0
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
    print(f"\ntargets: >= {TARGET_FPS} frames/s written as PNG by one process: {fps:.1f} frames/s "
          f"({'met' if fps >= TARGET_FPS else 'NOT met'}); <= {TARGET_PLOT_MS} ms per trace.plot(k): {plot_ms:.1f} ms "
          f"({'met' if plot_ms <= TARGET_PLOT_MS else 'NOT met'})")
    print(f"load average over the last minute: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(wall times grow with other work, and above about 1.5 the CPU column too: measure on a quiet machine)")
    if args.quick:
        print("(--quick: a smoke test; the numbers above are not a measure)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
