"""Same convolution: the padding that keeps the size, odd against even filters, and stride.

Output sizes are read from real ``conv_forward`` calls; the player shows a
5x5 filter over a 4x4 input with pad 2, whose output is 4x4 again (the sizes
quoted on the page come from the arrays, so changing them here is enough).
"""

# --8<-- [start:imports]
import numpy as np

import tracer
# --8<-- [end:imports]
from tracer.render import TracerFigure as Figure  # a matplotlib Figure that Jupyter shows as an image

from _lesson import Page, run

TITLE = "Same convolution"


def out_size(n_prev: int, f: int, pad: int, stride: int) -> int:
    """Height of ``Z`` from a real call on an ``n_prev x n_prev`` input of zeros."""
    Z, _ = tracer.fast.conv_forward(np.zeros((1, n_prev, n_prev, 1)), np.zeros((f, f, 1, 1)),
                                    np.zeros((1, 1, 1, 1)), {"stride": stride, "pad": pad})
    return Z.shape[1]


def sizes_figure(n_prev: int, filters: list[int], pads: range) -> Figure:
    """Output size against pad, one line per filter size, at stride 1; the input size dashed."""
    fig = Figure(figsize=(6.4, 3.4), layout="constrained")
    ax = fig.subplots()
    for f in filters:
        sizes = [out_size(n_prev, f, p, 1) for p in pads]
        ax.plot(list(pads), sizes, marker="o", label=f"f = {f}")
    ax.axhline(n_prev, color="0.3", ls="--", lw=1)
    ax.text(pads[-1], n_prev + 0.15, f"input size {n_prev}", ha="right", va="bottom", color="0.3")
    ax.set_xlabel("pad p")
    ax.set_ylabel("output size n_H")
    ax.set_xticks(list(pads))
    ax.grid(alpha=0.3)
    ax.legend(ncols=len(filters), fontsize=8, loc="upper left")
    ax.set_title(f"conv_forward on a {n_prev}x{n_prev} input, stride 1", fontsize=10)
    return fig


FILTERS = [2, 3, 4, 5]  # the filter sizes of the graph
GRAPH_INPUT = 6


def build(page: Page) -> None:
    odd = [f for f in FILTERS if f % 2]
    pads = ", ".join(rf"$p = {(f - 1) // 2}$ for ${f} \times {f}$" for f in odd)
    page.md(r"""
        A **same** convolution pads its input just enough for the output to keep the input's
        height and width. Stacking same convolutions lets a network go deep without the image
        shrinking at every layer; the other kind, with no padding, is called **valid**.

        ## The pad that keeps the size

        At stride 1 the output size is $n_H = n_{H_{prev}} - f + 2p + 1$. Asking for
        $n_H = n_{H_{prev}}$ leaves

        $$
        2p = f - 1 \qquad\Longleftrightarrow\qquad p = \frac{f - 1}{2}.
        $$

    """)
    page.md(rf"""
        So {pads}. The curves below come from real `conv_forward` calls on a
        ${GRAPH_INPUT} \times {GRAPH_INPUT}$ input, one per filter size from {FILTERS[0]} to {FILTERS[-1]}:
        each added ring of zeros adds 2 to the output size, and each odd filter crosses the dashed
        line exactly once.
    """)
    page.figure(sizes_figure(GRAPH_INPUT, FILTERS, range(0, 4)), "sizes_by_pad",
                f"Output size against pad for filters of size {FILTERS[0]} to {FILTERS[-1]} on a "
                f"{GRAPH_INPUT} by {GRAPH_INPUT} input",
                "Output size of conv_forward at stride 1 against the pad: odd filters reach the input size "
                "(dashed) at p = (f - 1) / 2; even filters jump over it.")
    f_q = 7
    page.exercise(
        f"Which pad makes a ${f_q} \\times {f_q}$ filter a same convolution on a ${GRAPH_INPUT} \\times "
        f"{GRAPH_INPUT}$ input, at stride 1?",
        f"""
        $p = ({f_q} - 1)/2 = {(f_q - 1) // 2}$: the padded input has {GRAPH_INPUT + f_q - 1} rows and the
        window fits {GRAPH_INPUT + f_q - 1} - {f_q} + 1 = {out_size(GRAPH_INPUT, f_q, (f_q - 1) // 2, 1)}
        times, as a real call says. With one ring less the output has
        {out_size(GRAPH_INPUT, f_q, (f_q - 1) // 2 - 1, 1)} rows.
        """,
    )
    page.md(r"""
        ## Odd against even filters

        When $f$ is even, $(f - 1)/2$ is not a whole number: one ring of zeros too few gives an
        output one cell smaller, one ring more gives one cell bigger. `zero_pad` pads every side
        by the same amount, so an even filter cannot make a same convolution with it. (Libraries
        that offer "same" padding with even filters pad one side more than the other.) This is
        one reason why filters are almost always odd; the other is that an odd filter has a
        centre cell, so output cell $(h, w)$ sits right over input cell $(h, w)$.
    """)
    rows = []
    for f in (2, 3, 4, 5, 7):
        p = (f - 1) // 2
        rows.append(f"| {f} | {(f - 1) / 2:g} | {p} | {out_size(GRAPH_INPUT, f, p, 1)} | {out_size(GRAPH_INPUT, f, p + 1, 1)} |")
    page.md("| $f$ | $(f-1)/2$ | $p$ | $n_H$ | $n_H$ at $p + 1$ |\n"
            "|---|---|---|---|---|\n" + "\n".join(rows)
            + f"\n\nOn a ${GRAPH_INPUT} \\times {GRAPH_INPUT}$ input, from real calls with "
            "$p = \\lfloor (f-1)/2 \\rfloor$: only the odd filters give "
            f"{GRAPH_INPUT}.")

    # --8<-- [start:repl]
    n, f = 4, 5  # the input's size and the filter's
    np.random.seed(2)
    A_prev = np.random.randn(1, n, n, 1)
    W = np.random.randn(f, f, 1, 1)
    b = np.zeros((1, 1, 1, 1))
    with tracer.record() as trace:
        Z, cache = tracer.conv_forward(A_prev, W, b, {"stride": 1, "pad": (f - 1) // 2})
    print(A_prev.shape, "->", Z.shape)  # the same height and width
    fig = trace.plot(1)  # step 1, the first window: the top-left corner
    # --8<-- [end:repl]
    p = (f - 1) // 2
    n_pad = n + 2 * p
    page.md(rf"""
        ## Step by step

        A ${f} \times {f}$ filter over a ${n} \times {n}$ input, with $p = ({f} - 1)/2 = {p}$: the
        padded input is ${n_pad} \times {n_pad}$, and the window fits ${n_pad} - {f} + 1 = {Z.shape[1]}$
        times along each axis, so `Z` is ${Z.shape[1]} \times {Z.shape[2]}$ like the input. The corner
        windows read mostly zeros.
    """)
    corner = trace[1]
    real = (min(corner.vert_end, p + n) - max(corner.vert_start, p)) * (min(corner.horiz_end, p + n) - max(corner.horiz_start, p))
    page.figure(fig, "corner", f"The first window of a {f} by {f} same convolution over a {n} by {n} input: "
                "mostly padding",
                f"The first window covers {f * f - real} zeros of padding and {real} real cells.")
    page.player(trace, "same5", f"A {f} by {f} same convolution over a {n} by {n} input, one window per frame")
    e = next(e for e in trace.where("conv_window") if (e.h, e.w) == (0, Z.shape[2] - 1))
    page.exercise(
        f"How many of the {f * f} cells of the top-right window, output cell $(0, {Z.shape[2] - 1})$, are padding?",
        f"""
        The traced step reads rows {e.vert_start}:{e.vert_end} and columns {e.horiz_start}:{e.horiz_end}
        of the padded input; the real cells sit at rows and columns {p} to {p + n - 1}, so
        {(min(e.vert_end, p + n) - max(e.vert_start, p)) * (min(e.horiz_end, p + n) - max(e.horiz_start, p))}
        cells are real and the other
        {f * f - (min(e.vert_end, p + n) - max(e.vert_start, p)) * (min(e.horiz_end, p + n) - max(e.horiz_start, p))}
        are zeros, as in the top-left corner: the padding is the same on every side.
        """,
    )

    page.md(r"""
        ## What stride does to it

        With stride $s$ the output size is $\lfloor (n_{H_{prev}} - f + 2p)/s \rfloor + 1$.
        The same pad $p = (f - 1)/2$ then gives

        $$
        n_H = \left\lfloor \frac{n_{H_{prev}} - 1}{s} \right\rfloor + 1 = \left\lceil \frac{n_{H_{prev}}}{s} \right\rceil ,
        $$

        the input size divided by the stride, rounded up: padding keeps the border, and the
        stride alone decides how much the image shrinks. With stride 2 a $6 \times 6$ input
        gives $3 \times 3$, and a $7 \times 7$ input gives $4 \times 4$:
    """)
    strides = (1, 2, 3)
    rows = []
    for n_prev in (5, 6, 7, 8):
        sizes = [(out_size(n_prev, 3, 1, s), -(-n_prev // s)) for s in strides]
        assert all(real == ceil for real, ceil in sizes), (n_prev, sizes)
        cells = [f"{real} ({ceil})" for real, ceil in sizes]
        rows.append(f"| {n_prev} | " + " | ".join(cells) + " |")
    page.md("| $n_{H_{prev}}$ | " + " | ".join(f"$s = {s}$" for s in strides) + " |\n"
            + "|---" * (len(strides) + 1) + "|\n" + "\n".join(rows)
            + "\n\n$n_H$ from real calls with $f = 3$, $p = 1$, and in brackets "
              "$\\lceil n_{H_{prev}} / s \\rceil$: they agree in every cell.")
    page.md(r"""
        !!! tip "Same, for short"
            At stride 1, $p = (f - 1)/2$ keeps the size for any odd $f$. At stride $s$ it keeps
            $\lceil n / s \rceil$: the "same" of frameworks with a stride means "the stride is
            the only thing that shrinks the image".
    """)
    n_q, s_q = 9, 2
    page.exercise(
        f"With $f = 3$, $p = 1$ and stride {s_q}, what size is the output of a ${n_q} \\times {n_q}$ input?",
        f"""
        $\\lceil {n_q} / {s_q} \\rceil = {-(-n_q // s_q)}$, and a real call agrees: `Z` is
        ${out_size(n_q, 3, 1, s_q)} \\times {out_size(n_q, 3, 1, s_q)}$
        ($\\lfloor ({n_q} - 3 + 2)/{s_q} \\rfloor + 1 = {(n_q - 1) // s_q + 1}$).
        """,
    )
    page.repl(prints=f"{A_prev.shape} -> {Z.shape}")


if __name__ == "__main__":
    run(build, __file__, TITLE)
