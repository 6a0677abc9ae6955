"""Padding: what ``zero_pad`` does, and why a convolution pads its input.

Shows ``zero_pad`` on a small input, then counts, from real traces of
``conv_forward``, how many windows read each input cell with and without padding.
"""

# --8<-- [start:imports]
import numpy as np

import tracer
# --8<-- [end:imports]
from tracer.render import TracerFigure as Figure  # a matplotlib Figure that Jupyter shows as an image

from _lesson import Page, run

TITLE = "Padding"


def window_counts(trace: tracer.Trace, shape: tuple[int, int], pad: int) -> np.ndarray:
    """How many recorded windows read each cell of the unpadded input, shape ``shape``."""
    counts = np.zeros((shape[0] + 2 * pad, shape[1] + 2 * pad), dtype=int)
    for e in trace.where("conv_window"):
        counts[e.vert_start : e.vert_end, e.horiz_start : e.horiz_end] += 1
    return counts[pad : pad + shape[0], pad : pad + shape[1]]


def counts_figure(counts: dict[str, np.ndarray]) -> Figure:
    """Side-by-side grids of window counts, one per padding, numbers written in the cells."""
    fig = Figure(figsize=(3.2 * len(counts), 3.2), layout="constrained")
    axes = fig.subplots(1, len(counts))
    vmax = max(int(c.max()) for c in counts.values())
    for ax, (title, c) in zip(axes, counts.items()):
        ax.imshow(c, cmap="Blues", vmin=0, vmax=vmax)
        for (r, col), v in np.ndenumerate(c):
            ax.text(col, r, str(v), ha="center", va="center", color="white" if v > vmax / 2 else "black")
        ax.set_title(title, fontsize=10)
        ax.set_xticks(range(c.shape[1]))
        ax.set_yticks(range(c.shape[0]))
    return fig


def build(page: Page) -> None:
    page.md(r"""
        A convolution slides a small window over its input. Before it does, the course's
        `conv_forward` surrounds every example with a frame of zeros: that is **padding**,
        and `zero_pad(X, pad)` is the function that does it.

        ## What `zero_pad` does

        `zero_pad` takes a batch `X` of shape $(m, n_H, n_W, n_C)$ and adds `pad` rows of zeros
        above and below, and `pad` columns of zeros left and right, of every example and
        every channel. It leaves the batch axis and the channel axis alone:

        $$
        \begin{aligned}
        & (m,\ n_H,\ n_W,\ n_C) \\
        \longrightarrow\; & (m,\ n_H + 2p,\ n_W + 2p,\ n_C).
        \end{aligned}
        $$

        The whole function is one call to `np.pad`, with a pair `(before, after)` per axis:
    """)
    page.code("tracer/conv.py:zero_pad")
    page.md(r"""
        The pairs `(0, 0)` on the first and last axes are the part learners most often get
        wrong: padding the batch axis adds whole examples of zeros, and padding the channel
        axis adds channels.
    """)
    # --8<-- [start:repl]
    np.random.seed(1)
    x = np.random.randn(1, 3, 3, 1)
    pad = 2
    with tracer.record() as trace:
        x_pad = tracer.zero_pad(x, pad)
    print(x.shape, "->", x_pad.shape)
    fig = trace.plot(0)
    # --8<-- [end:repl]
    n, n_pad = x.shape[1], x_pad.shape[1]
    page.md(rf"""
        Here is a ${n} \times {n}$ example padded with $p = {pad}$: the ${n} \times {n}$ grid
        becomes ${n_pad} \times {n_pad}$, with the original values in the middle.
    """)
    page.figure(fig, "zero_pad", f"A {n} by {n} input and the same input padded with {pad} rings of zeros, "
                f"{n_pad} by {n_pad}",
                f"zero_pad(x, {pad}): the input in the middle, {pad} rows and columns of zeros on every side.")
    prints = f"{x.shape} -> {x_pad.shape}"
    wrong = np.pad(x, ((pad, pad),) * 4)  # a learner's pad of every axis
    page.exercise(
        f"`np.pad(x, ((pad, pad),) * 4)` pads every axis: what shape does it return here?",
        f"""
        `{wrong.shape}`, against `{x_pad.shape}` for `zero_pad`: the batch axis gained
        ${2 * pad}$ examples of zeros and the channel axis ${2 * pad}$ channels of zeros. Only the
        middle two axes, height and width, take `(pad, pad)`.
        """,
        setup=f"A learner pads the same `x`, of shape `{x.shape}`, with `pad = {pad}` on every axis.",
    )

    page.md(r"""
        ## Why pad: keeping the size

        A window of size $f$ fits $n - f + 1$ times along an input of size $n$ (at stride 1).
        Without padding every convolution shrinks its input by $f - 1$: a $5 \times 5$ input
        and a $3 \times 3$ filter give a $3 \times 3$ output, and a few layers later nothing is
        left. Padding by $p$ adds $2p$ to the size before the window slides, so the output is

        $$
        n_H = n_{H_{prev}} - f + 2p + 1 ,
        $$

        which equals $n_{H_{prev}}$ when $p = (f-1)/2$: $p = 1$ for a $3 \times 3$ filter. That
        choice has a name, *same* convolution, and a lesson of its own.

        ## Why pad: using the border

        Without padding, a corner cell fits in one window only, while a centre cell fits in
        $f^2$ of them: the network hears less about the border. The figures below count, for
        every cell of a $5 \times 5$ input, how many windows of a $3 \times 3$ filter read it.
        The counts come from the windows recorded while `conv_forward` ran, once with `pad = 0`
        and once with `pad = 1`.
    """)
    np.random.seed(1)
    A_prev = np.random.randn(1, 5, 5, 1)
    W, b = np.random.randn(3, 3, 1, 1), np.random.randn(1, 1, 1, 1)
    counts = {}
    for pad in (0, 1):
        with tracer.record() as conv_trace:
            Z, _ = tracer.conv_forward(A_prev, W, b, {"stride": 1, "pad": pad})
        counts[f"pad = {pad}: Z is {Z.shape[1]}x{Z.shape[2]}"] = window_counts(conv_trace, (5, 5), pad)
    page.figure(counts_figure(counts), "window_counts",
                "Two 5 by 5 grids counting how many windows read each input cell, for pad 0 and pad 1",
                "Windows that read each cell of a 5x5 input (3x3 filter, stride 1). "
                "With pad = 1 the corners are read 4 times instead of once, and the output keeps the 5x5 size.")
    page.md(r"""
        With `pad = 1` the output keeps the $5 \times 5$ size and the corner is read four
        times instead of once. The zeros themselves add nothing to the sums: a window that
        hangs over the edge multiplies the zeros by its weights, so only the real cells count.

        ## Step by step

        The player below runs the same `conv_forward` with `pad = 1`. Its first step pads the
        input; every following step is one window of the loop, from the top-left corner to
        the bottom-right one. Watch the first windows: they hang over the frame of zeros.
    """)
    page.player(conv_trace, "conv_pad1", "conv_forward with pad 1 on a 5 by 5 input, one window per frame")
    top = counts["pad = 1: Z is 5x5"][0, 2], counts["pad = 0: Z is 3x3"][0, 2]
    page.exercise(
        "How many windows read the middle cell of the top row, $(0, 2)$, with `pad = 1`? And with `pad = 0`?",
        f"""
        {top[0]} with `pad = 1` and {top[1]} with `pad = 0`, counted from the traced windows: a cell
        of the top row is read by one row of windows without padding, and by two with one ring
        of zeros, against {counts["pad = 1: Z is 5x5"][2, 2]} windows for the centre cell.
        """,
    )
    page.md(r"""
        !!! note "Where padding lives in the course"
            `zero_pad` only pads. `conv_forward` calls it once, before its loops, and
            `conv_backward` pads both the input and the gradient `dA_prev`, then cuts the
            padding away at the end. Pooling never pads.
    """)

    np.random.seed(1)
    x_ref = np.random.randn(4, 3, 3, 2)
    x_ref_pad = tracer.zero_pad(x_ref, 3)
    assert x_ref_pad.shape == (4, 9, 9, 2) and np.allclose(x_ref[1, 1, 0], [0.90085595, -0.68372786])
    page.md(rf"""
        ## Check yours against the course

        The course's test: `np.random.seed(1)`, `x = np.random.randn{x_ref.shape}`,
        `x_pad = zero_pad(x, 3)`. It prints

        - `x.shape` = `{x_ref.shape}` and `x_pad.shape` = `{x_ref_pad.shape}`;
        - `x[1, 1]` = `{np.array2string(x_ref[1, 1], precision=8, separator=", ").replace(chr(10), "")}`;
        - `x_pad[1, 1]`: {x_ref_pad.shape[2]} rows of `{np.array2string(x_ref_pad[1, 1, 0], separator=", ")}`
          (row 1 of the padded example is still padding).
    """)
    page.exercise(
        f"In the course's test, which entries of `x_pad[1]` hold the values of `x[1]`?",
        f"""
        Rows and columns 3 to 5: `x_pad[1, 3:6, 3:6, :]` equals `x[1]`
        (`{bool(np.array_equal(x_ref_pad[1, 3:6, 3:6], x_ref[1]))}` when compared); everything else,
        {x_ref_pad[1].size - x_ref[1].size} of the {x_ref_pad[1].size} entries, is zero.
        """,
    )
    page.repl(prints=prints)


if __name__ == "__main__":
    run(build, __file__, TITLE)
