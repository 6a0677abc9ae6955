"""Dilated convolution: a filter whose cells are spread ``d`` apart over the input.

Shows the two lines of the course's loop that change, the window at dilations 1 to 3,
the output size, the receptive field that a stack of dilated convolutions reaches
with the same weights, and ``conv_forward`` with a dilation, step by step.
"""

# --8<-- [start:imports]
import numpy as np

import tracer
# --8<-- [end:imports]
import difflib
import textwrap

from tracer.render import TracerFigure as Figure  # a matplotlib Figure that Jupyter shows as an image

from _lesson import REPO, Page, run

TITLE = "Dilated convolution"


def region(path: str, name: str) -> list[str]:
    """The dedented lines of the snippet region ``name`` of ``path`` (from the repository's root)."""
    text = (REPO / path).read_text(encoding="utf-8")
    body = text.split(f"# --8<-- [start:{name}]\n", 1)[1].split(f"# --8<-- [end:{name}]", 1)[0]
    return textwrap.dedent(body).rstrip().splitlines()


def loop_diff() -> str:
    """The lines of the course's loop that the dilated loop changes, as a unified diff."""
    course = region("tracer/conv.py", "conv_forward_loop")
    dilated = region("tracer/conv.py", "dilated_forward_loop")
    lines = difflib.unified_diff(course, dilated, "conv_forward_loop", "dilated_forward_loop", n=1, lineterm="")
    return "\n".join(lines)


def read_cells(trace: tracer.Trace, k: int) -> set[tuple[int, int]]:
    """The cells of the padded input that window event ``k`` reads, from the event and its call's dilation."""
    e, d = trace[k], trace.call_of(k).params.get("dilation", 1)
    return {(r, c) for r in range(e.vert_start, e.vert_end, d) for c in range(e.horiz_start, e.horiz_end, d)}


def spread_figure(windows: dict[str, tuple[int, set[tuple[int, int]], tuple[int, int, int, int]]]) -> Figure:
    """One grid per dilation: the cells a window reads (dark), the rows and columns it spans (light)."""
    fig = Figure(figsize=(3.0 * len(windows), 3.3), layout="constrained")
    axes = fig.subplots(1, len(windows))
    for ax, (title, (n, cells, (vs, ve, hs, he))) in zip(axes, windows.items()):
        img = np.zeros((n, n))
        img[vs:ve, hs:he] = 1  # the span
        for r, c in cells:
            img[r, c] = 2  # read
        ax.imshow(img, cmap="Blues", vmin=0, vmax=2.6)
        for r, c in cells:
            ax.text(c, r, "●", ha="center", va="center", color="white", fontsize=9)
        ax.set_xticks(np.arange(-0.5, n), minor=True)
        ax.set_yticks(np.arange(-0.5, n), minor=True)
        ax.grid(which="minor", color="#b8b8b8", lw=0.6)
        ax.tick_params(which="minor", length=0)
        ax.set_xticks(range(n))
        ax.set_yticks(range(n))
        ax.tick_params(labelsize=7)
        ax.set_title(title, fontsize=10)
    return fig


def receptive_field(dilations: list[int], n: int) -> np.ndarray:
    """How many paths lead from each input cell to the centre output of a stack of 3x3 convolutions.

    Each layer is ``conv_forward`` with a filter of ones, stride 1 and ``pad = d`` (the size is
    kept). A one at the centre of the last ``dZ``, sent back through every layer's
    ``conv_backward``, lands on exactly the input cells the centre output reads.
    """
    A, caches = np.zeros((1, n, n, 1)), []
    W, b = np.ones((3, 3, 1, 1)), np.zeros((1, 1, 1, 1))
    for d in dilations:
        A, cache = tracer.fast.conv_forward(A, W, b, {"stride": 1, "pad": d, "dilation": d})
        caches.append(cache)
    grad = np.zeros(A.shape)
    grad[0, n // 2, n // 2, 0] = 1.0
    for cache in reversed(caches):
        grad, _, _ = tracer.fast.conv_backward(grad, cache)
    return grad[0, :, :, 0]


def field_figure(fields: dict[str, np.ndarray]) -> Figure:
    """The receptive fields side by side: every input cell coloured by its number of paths (each on its own scale)."""
    fig = Figure(figsize=(3.6 * len(fields), 3.9), layout="constrained")
    axes = fig.subplots(1, len(fields))
    for ax, (title, f) in zip(axes, fields.items()):
        shown = np.where(f > 0, f, np.nan)
        ax.imshow(shown, cmap="Oranges", vmin=-0.3 * float(f.max()), vmax=float(f.max()))
        n = f.shape[0]
        ax.set_xticks(np.arange(-0.5, n), minor=True)
        ax.set_yticks(np.arange(-0.5, n), minor=True)
        ax.grid(which="minor", color="#d0d0d0", lw=0.5)
        ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
        ax.plot(n // 2, n // 2, marker="s", color="black", ms=5)
        ax.set_title(title, fontsize=10)
    return fig


def extent(field: np.ndarray) -> int:
    """Rows between the first and the last input row that reach the output (the field's side)."""
    rows = np.flatnonzero(field.any(axis=1))
    return int(rows[-1] - rows[0] + 1)


def build(page: Page) -> None:
    page.md(r"""
        A $3 \times 3$ filter reads nine neighbouring cells. A **dilated** filter reads nine
        cells too, but spread apart: with dilation $d$, neighbouring filter cells land $d$ rows
        or columns apart on the input, and the $d - 1$ cells between them are skipped. The
        filter keeps its weights and its cost; its window covers more of the input.

        Output cell $(h, w)$ of a convolution with stride $s$ and dilation $d$ reads the cells

        $$
        \begin{gathered}
        \text{row } h s + d k, \qquad \text{column } w s + d l, \\
        k, l = 0, \ldots, f - 1
        \end{gathered}
        $$

        of the padded input. With $d = 1$ this is the course's window. In tracer,
        `conv_forward` and `conv_backward` take an optional `"dilation"` key in
        `hparameters`; without it they run the course's loop, word for word.

        ## Two lines change

        With the key, the functions run the course's loop with two changes: a window now
        spans $d (f - 1) + 1$ rows and columns instead of $f$, and the slice steps through
        them $d$ at a time. Here are the lines that differ, taken from the two loops as the
        page was built:
    """)
    page.md(f"```diff\n{loop_diff()}\n```")
    page.md(r"""
        The slice `vert_start:vert_end:dilation` is numpy's `start:stop:step`: it still takes
        $f$ rows, so `a_slice_prev` keeps the filter's shape and `conv_single_step` needs no
        change. The whole dilated loop:
    """)
    page.code("tracer/conv.py:dilated_forward_loop")

    np.random.seed(1)
    n, f = 9, 3
    A_demo = np.random.randn(1, n, n, 1)
    W_demo, b_demo = np.random.randn(f, f, 1, 1), np.zeros((1, 1, 1, 1))
    windows, spans = {}, {}
    for d in (1, 2, 3):
        with tracer.record() as t:
            Zd, _ = tracer.conv_forward(A_demo, W_demo, b_demo, {"stride": 1, "pad": 0, "dilation": d})
        k = 1  # step 0 pads; step 1 is the window of output cell (0, 0)
        e = t[k]
        spans[d] = e.vert_end - e.vert_start
        windows[f"dilation {d}: spans {spans[d]}x{spans[d]}, Z is {Zd.shape[1]}x{Zd.shape[2]}"] = (
            n, read_cells(t, k), (e.vert_start, e.vert_end, e.horiz_start, e.horiz_end))
    page.md(rf"""
        ## The spread window

        The window of output cell $(0, 0)$ on a ${n} \times {n}$ input, for a ${f} \times {f}$
        filter at dilations 1, 2 and 3, read from the recorded windows: the dots are the
        $f^2 = {f * f}$ cells the filter multiplies, the light square the rows and columns
        the window spans.
    """)
    page.figure(spread_figure(windows), "spread", "Three 9 by 9 grids: the nine cells a 3 by 3 window reads at "
                "dilation 1, 2 and 3, and the square each window spans",
                f"The window of Z[0, 0, 0, 0]: always {f * f} cells, spanning "
                f"{', '.join(f'{spans[d]}x{spans[d]}' for d in (1, 2, 3))} cells at dilation 1, 2, 3.")

    page.md(r"""
        ## Step by step

        A $7 \times 7$ input, a $3 \times 3$ filter, dilation 2, stride 1, no padding. Each
        window spans $5 \times 5$ cells and reads every other row and column of them; it fits
        three times along each axis.
    """)
    # --8<-- [start:repl]
    np.random.seed(1)
    A_prev = np.random.randn(1, 7, 7, 1)
    W = np.random.randn(3, 3, 1, 1)
    b = np.random.randn(1, 1, 1, 1)
    with tracer.record() as trace:
        Z, cache = tracer.conv_forward(A_prev, W, b, {"stride": 1, "pad": 0, "dilation": 2})
    fig = trace.plot(5)  # the window of output cell (1, 1)
    # --8<-- [end:repl]
    e = trace[5]
    page.figure(fig, "window_1_1", "The spread window of output cell (1, 1): nine cells, two apart, its filter "
                "and the output so far",
                f"Step 5 (trace[5], counted from 0): output cell ({e.h}, {e.w}) reads rows {e.vert_start}, {e.vert_start + 2}, "
                f"{e.vert_end - 1} and the same columns of A_prev.")
    page.player(trace, "dilation2", "conv_forward with dilation 2 on a 7 by 7 input: one window per frame")

    rows = []
    for n_prev, f_, pad, stride, d in [(7, 3, 0, 1, 2), (7, 3, 2, 1, 2), (9, 3, 0, 1, 3), (9, 3, 3, 1, 3),
                                       (9, 3, 1, 2, 2), (28, 3, 0, 1, 4), (10, 2, 0, 1, 3), (32, 3, 2, 2, 2)]:
        Zs, _ = tracer.fast.conv_forward(np.zeros((1, n_prev, n_prev, 1)), np.zeros((f_, f_, 1, 1)),
                                         np.zeros((1, 1, 1, 1)), {"stride": stride, "pad": pad, "dilation": d})
        span = d * (f_ - 1) + 1
        rows.append(f"| {n_prev} | {f_} | {d} | {span} | {pad} | {stride} | "
                    f"$\\lfloor ({n_prev} + {2 * pad} - {span}) / {stride} \\rfloor + 1$ | **{Zs.shape[1]}** |")
    page.md(r"""
        ## The output size

        A window now takes $d(f - 1) + 1$ rows where it took $f$, so the course's formula
        holds with that span in place of $f$:

        $$
        n_H = \left\lfloor \frac{n_{H_{prev}} + 2p - d (f - 1) - 1}{s} \right\rfloor + 1 ,
        $$

        the same for the width. Padding by $p = d (f - 1) / 2$ keeps the size at stride 1:
        the *same* convolution of a dilated filter. Each row of the table was filled by
        calling `conv_forward` and reading the shape of `Z`:
    """)
    page.md("| $n_{H_{prev}}$ | $f$ | $d$ | span | $p$ | $s$ | formula | $n_H$ |\n"
            "|---|---|---|---|---|---|---|---|\n" + "\n".join(rows))

    big = {"stride": 1, "pad": 0, "dilation": 3}
    A_small = np.zeros((1, 6, 6, 1))
    try:
        tracer.conv_forward(A_small, np.zeros((3, 3, 1, 1)), np.zeros((1, 1, 1, 1)), big)
    except ValueError as err:
        refused = str(err)
    else:  # pragma: no cover - the window does not fit
        raise AssertionError("a 7x7 span on a 6x6 input must be refused")
    page.md(rf"""
        A span larger than the padded input leaves no window at all, and `conv_forward` says so
        before it starts: on a `{A_small.shape}` input with `{big}`,

        > `ValueError: {refused}`
    """)

    n_rf = 17
    plain, dilated = [1, 1, 1], [1, 2, 4]
    fields = {f"dilations {plain}": receptive_field(plain, n_rf), f"dilations {dilated}": receptive_field(dilated, n_rf)}
    sides = {k: extent(v) for k, v in fields.items()}
    side_plain, side_dilated = sides[f"dilations {plain}"], sides[f"dilations {dilated}"]
    titled = {f"{k}: {sides[k]}x{sides[k]} cells": v for k, v in fields.items()}
    # the field after each layer of either stack
    grow = {name: ", ".join(str(extent(receptive_field(ds[:j], n_rf))) for j in range(1, len(ds) + 1))
            for name, ds in (("plain", plain), ("dilated", dilated))}
    page.md(rf"""
        ## The receptive field it buys

        Stack three $3 \times 3$ convolutions (stride 1, sizes kept by padding). Each output
        cell of the third layer depends on a square of the input, its *receptive field*.
        Without dilation every layer widens it by 2: ${grow["plain"]}$ cells after one, two and
        three layers. Doubling the dilation at every layer, $d = 1, 2, 4$, widens it by $2d$:
        ${grow["dilated"]}$. Both stacks have $3 \times 9 = 27$ weights.

        The figure shows, on a ${n_rf} \times {n_rf}$ input, which cells reach the centre output
        (black square). It was computed, not drawn by hand: a gradient of one at the centre of
        the last layer, sent back through each layer's `conv_backward` with filters of ones,
        is non-zero exactly on the cells the centre reads, and counts the paths from each.
    """)
    page.figure(field_figure(titled), "receptive_field",
                "Two 17 by 17 grids: a 7 by 7 square of input cells reaches the centre output of three plain 3 by 3 "
                "convolutions, a 15 by 15 square of three dilated ones",
                f"The receptive field of the centre output: {side_plain}x{side_plain} cells for dilations {plain}, "
                f"{side_dilated}x{side_dilated} for {dilated}. Darker cells reach it along more paths "
                "(each grid on its own colour scale).")
    counts = fields[f"dilations {dilated}"]
    lo, hi = n_rf // 2 - side_dilated // 2, n_rf // 2 + side_dilated // 2 + 1
    inside = counts[lo:hi, lo:hi]
    assert (inside > 0).all()  # no holes in the dilated field
    page.md(rf"""
        The dilated field has no holes: each layer fills the gaps the next one leaves, because
        $d$ doubles while the filter covers $3$ cells. With $L$ such layers the field grows as
        $2^{{L+1}} - 1$: exponentially in depth, for weights that grow linearly. That is why
        dilated convolutions serve where an output must see far (segmentation, audio, as in
        WaveNet) without pooling away the resolution. The paths are uneven, though: a cell of
        the dilated field reaches the output along {int(inside.min())} to {int(inside.max())} paths,
        a cell of the plain field along {int(fields[f"dilations {plain}"][fields[f"dilations {plain}"] > 0].min())}
        to {int(fields[f"dilations {plain}"].max())}.
    """)

    Zb, cache_b = tracer.conv_forward(A_prev, W, b, {"stride": 1, "pad": 2, "dilation": 2})
    dZ = np.random.default_rng(0).standard_normal(Zb.shape)
    with tracer.record() as back:
        dA_prev, dW, db = tracer.conv_backward(dZ, cache_b)
    k_back = 3 * Zb.shape[2] + 3  # the window of output cell (3, 3)
    eb = back[k_back]
    page.md(rf"""
        ## Backward

        `conv_backward` reads the dilation from the cache's `hparameters` and runs the same
        two changes: each window gives its share back to the same $f^2$ spread cells,
        `da_prev_pad[vert_start:vert_end:dilation, horiz_start:horiz_end:dilation, :]`. With
        `pad = 2` the same $7 \times 7$ input keeps its size, and the window of output cell
        $({eb.h}, {eb.w})$ adds its filter, scaled by $g$, to nine cells two apart:
    """)
    page.code("tracer/conv.py:dilated_backward_loop")
    page.figure(back.plot(k_back), "backward_3_3", "One dilated window of conv_backward: its filter scaled by g "
                "lands on nine cells two apart of dA_prev_pad",
                f"conv_backward, step {k_back} (counted from 0, as back[{k_back}]): rows and columns {eb.vert_start}:{eb.vert_end}:2 of dA_prev_pad "
                f"receive W × g.")

    # exercises, their answers read from real calls
    A9 = np.zeros((1, 9, 9, 1))
    hp_q = {"stride": 1, "pad": 0, "dilation": 3}
    with tracer.record() as q:
        Zq, _ = tracer.conv_forward(A9, np.zeros((3, 3, 1, 1)), np.zeros((1, 1, 1, 1)), hp_q)
    eq = q[1]
    page.exercise(
        f"A 3x3 filter with `{hp_q}` on an input of shape `{A9.shape}`: what shape is `Z`?",
        f"""
        `{Zq.shape}`. The window spans $3 \\cdot (3 - 1) + 1 = {eq.vert_end - eq.vert_start}$ rows,
        so $\\lfloor (9 - {eq.vert_end - eq.vert_start}) / 1 \\rfloor + 1 = {Zq.shape[1]}$. The first
        window reads rows {', '.join(str(r) for r in range(eq.vert_start, eq.vert_end, 3))} and the same columns.
        """,
    )
    e7 = trace[1 + 2 * Z.shape[2] + 1]
    page.exercise(
        "In the player above, which rows and columns of `A_prev` does output cell (2, 1) read?",
        f"""
        Rows {', '.join(str(r) for r in range(e7.vert_start, e7.vert_end, 2))} and columns
        {', '.join(str(c) for c in range(e7.horiz_start, e7.horiz_end, 2))}: the window starts at
        $(2 \\cdot 1, 1 \\cdot 1) = ({e7.vert_start}, {e7.horiz_start})$ and steps 2 at a time,
        ending before row {e7.vert_end} (the recorded `vert_end`).
        """,
    )
    same_pad = 2 * (5 - 1) // 2
    Zs, _ = tracer.fast.conv_forward(np.zeros((1, 12, 12, 1)), np.zeros((5, 5, 1, 1)), np.zeros((1, 1, 1, 1)),
                                     {"stride": 1, "pad": same_pad, "dilation": 2})
    page.exercise(
        "Which pad keeps a 12x12 input 12x12 under a 5x5 filter dilated by 2, at stride 1?",
        f"""
        `pad = {same_pad}`: the span is $2 \\cdot 4 + 1 = 9$, and $12 + 2p - 9 + 1 = 12$ needs
        $p = {same_pad}$. `conv_forward` with it returns `Z` of shape `{Zs.shape}`.
        """,
    )
    page.repl()


if __name__ == "__main__":
    run(build, __file__, TITLE)
