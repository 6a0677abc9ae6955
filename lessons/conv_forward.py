"""Convolution forward: one step (``conv_single_step``), then the whole layer (``conv_forward``).

Checks the course's reference values, shows the windows of a stride-1 and a
stride-2 convolution in two players, and works the output-size formula on
sizes computed by real calls.
"""

# --8<-- [start:imports]
import numpy as np

import tracer
# --8<-- [end:imports]
from tracer.render import TracerFigure as Figure  # a matplotlib Figure that Jupyter shows as an image
from matplotlib.patches import Rectangle

from _lesson import Page, run

TITLE = "Convolution forward"

IN_COLOR, FILTER_COLOR, OUT_COLOR = "#0072B2", "#D55E00", "#009E73"


def _grid(ax, values: np.ndarray, cmap: str, vmax: float, fontsize: int = 12) -> tuple:
    """A grid of numbers: an image and one text per cell; returns both, to update later."""
    image = ax.imshow(values, cmap=cmap, vmin=-vmax, vmax=vmax)
    texts = [[ax.text(q, r, "", ha="center", va="center", fontsize=fontsize) for q in range(values.shape[1])]
             for r in range(values.shape[0])]
    for r in range(1, values.shape[0]):
        ax.axhline(r - 0.5, color="0.6", lw=0.8)
    for q in range(1, values.shape[1]):
        ax.axvline(q - 0.5, color="0.6", lw=0.8)
    ax.set_xticks([])
    ax.set_yticks([])
    return image, texts


def _set_grid(image, texts, values: np.ndarray, shown: np.ndarray | None = None) -> None:
    image.set_data(np.where(np.isnan(values), 0, values))
    for (r, q), v in np.ndenumerate(values):
        texts[r][q].set_text("" if np.isnan(v) or (shown is not None and not shown[r, q]) else f"{v:g}")


def channel_frames(trace: tracer.Trace):
    """Each window of a several-channel ``conv_forward``: every input channel times its slice of the filter.

    Yields ``(fig, caption, step)`` per window event (``step`` its number in ``trace``), on one figure whose artists are
    made once and updated. Draws the call's recorded arrays and, in ``Z``, the
    values the events wrote so far; the per-channel sums are the window's product
    split by channel, and their total plus the bias is checked against the event.
    """
    call = trace.calls[0]
    A, W, b = call.arrays["A_prev"][0], call.arrays["W"], call.arrays["b"]
    f, n_C_prev, n_C = W.shape[0], W.shape[2], W.shape[3]
    Z = call.result["Z"][0]
    n_H, n_W = Z.shape[:2]
    fig = Figure(figsize=(8.4, 2.2 * n_C_prev + 0.8))
    grid = fig.add_gridspec(n_C_prev, 4, width_ratios=[A.shape[1], f, 2.4, n_W + 1.5], left=0.02, right=0.98,
                            top=0.93, bottom=0.13, wspace=0.25, hspace=0.35)
    vmax = float(max(np.abs(A).max(), np.abs(W).max(), 1))
    zmax = float(np.abs(Z).max())
    inputs, filters, sums, boxes = [], [], [], []
    for k in range(n_C_prev):
        ax = fig.add_subplot(grid[k, 0])
        inputs.append(_grid(ax, A[:, :, k], "PuOr", 2.5 * vmax))
        _set_grid(*inputs[-1], A[:, :, k])
        ax.set_title(f"A_prev[0, :, :, {k}]", fontsize=11, color=IN_COLOR)
        boxes.append(ax.add_patch(Rectangle((-0.5, -0.5), f, f, fill=False, ec=IN_COLOR, lw=3)))
        ax_w = fig.add_subplot(grid[k, 1])
        filters.append((_grid(ax_w, W[:, :, k, 0], "PuOr", 2.5 * vmax), ax_w.set_title("", fontsize=11, color=FILTER_COLOR)))
        ax_s = fig.add_subplot(grid[k, 2])
        ax_s.set_axis_off()
        sums.append(ax_s.text(0.5, 0.5, "", ha="center", va="center", fontsize=12))
    outputs, marks = [], []
    for c in range(n_C):
        sub = grid[:, 3].subgridspec(n_C, 1, hspace=0.5)[c]
        ax_z = fig.add_subplot(sub)
        outputs.append(_grid(ax_z, np.zeros((n_H, n_W)), "BrBG", 2.5 * zmax))
        ax_z.set_title(f"Z[0, :, :, {c}]: filter {c}", fontsize=11, color=OUT_COLOR)
        marks.append(ax_z.add_patch(Rectangle((-0.5, -0.5), 1, 1, fill=False, ec=OUT_COLOR, lw=3, visible=False)))
    total = fig.text(0.5, 0.05, "", ha="center", va="center", fontsize=12)
    written = np.full((n_C, n_H, n_W), np.nan)
    for step, e in enumerate(trace):
        if e.kind != "conv_window":
            continue
        window = A[e.vert_start:e.vert_end, e.horiz_start:e.horiz_end, :]
        parts = [float(np.sum(window[:, :, k] * W[:, :, k, e.c])) for k in range(n_C_prev)]
        assert abs(sum(parts) + float(b[0, 0, 0, e.c]) - e.value) < 1e-9, (parts, e)
        written[e.c, e.h, e.w] = e.value
        for k in range(n_C_prev):
            boxes[k].set_xy((e.horiz_start - 0.5, e.vert_start - 0.5))
            (image, texts), title = filters[k]
            _set_grid(image, texts, W[:, :, k, e.c])
            title.set_text(f"× W[:, :, {k}, {e.c}]")
            sums[k].set_text(f"sum of\nproducts\n= {parts[k]:g}")
        for c in range(n_C):
            _set_grid(*outputs[c], written[c])
            marks[c].set_visible(c == e.c)
            marks[c].set_xy((e.w - 0.5, e.h - 0.5))
        terms = " + ".join(f"({p:g})" if p < 0 else f"{p:g}" for p in parts)
        bias = float(b[0, 0, 0, e.c])
        total.set_text(f"Z[0, {e.h}, {e.w}, {e.c}] = {terms} + b[0, 0, 0, {e.c}] "
                       f"{'(' if bias < 0 else ''}{bias:g}{')' if bias < 0 else ''} = {e.value:g}")
        caption = (f"Filter {e.c} on window rows {e.vert_start}:{e.vert_end}, cols {e.horiz_start}:{e.horiz_end}: "
                   f"all {n_C_prev} input channels, each times its slice W[:, :, k, {e.c}], summed with b[{e.c}] "
                   f"into one cell of output channel {e.c}, Z[0, {e.h}, {e.w}, {e.c}] = {e.value:g}.")
        yield fig, caption, step


def build(page: Page) -> None:
    page.md(r"""
        A convolution layer slides each of its filters over the input. At every position it
        multiplies the window of the input by the filter, cell by cell and channel by channel,
        adds everything up, and adds the filter's bias once. That one step is
        `conv_single_step`; `conv_forward` repeats it for every example, every position and
        every filter.

        ## One step: `conv_single_step`

        For a window $a$ of shape $(f, f, n_{C_{prev}})$ and one filter $W$ of the same shape,
        with its bias $b$:

        $$
        Z = \sum_{i=1}^{f} \sum_{j=1}^{f} \sum_{k=1}^{n_{C_{prev}}} a_{ijk}\, W_{ijk} \;+\; b .
        $$
    """)
    page.code("tracer/conv.py:conv_single_step")
    np.random.seed(1)
    a_slice_prev = np.random.randn(4, 4, 3)
    W = np.random.randn(4, 4, 3)
    b = np.random.randn(1, 1, 1)
    with tracer.record() as step_trace:
        Z = tracer.conv_single_step(a_slice_prev, W, b)
    assert abs(Z - (-6.99908945068)) < 1e-9, Z  # the course's reference value
    f1, c1 = W.shape[0], W.shape[2]
    page.md(rf"""
        With the course's test inputs (`np.random.seed(1)`, then a slice, a filter of shape
        ${W.shape}$ and a bias), the step returns `Z = {Z:.11f}`, the course's expected value.
        It is a `numpy.float64`, not a Python `float`: the course's tests check that too.

        !!! warning "Two traps in one line"
            - `np.sum(a_slice_prev * W + b)` adds the bias inside the sum, so it is added
              $f \cdot f \cdot n_{{C_{{prev}}}}$ times (${f1} \cdot {f1} \cdot {c1} = {f1 * f1 * c1}$ times here),
              not once.
            - The course writes `Z = Z + float(b)`. numpy 2.4 and later refuse to turn an
              array of shape `(1, 1, 1)` into a Python float and raise `TypeError`; numpy 1.25
              to 2.3 do it with a `DeprecationWarning`, and older versions silently (this page
              was built with numpy {np.__version__}). `b.item()` (or `np.squeeze(b)`) works on
              every version.
    """)
    wrong = np.sum(a_slice_prev * W + b)  # the bias inside the sum
    page.exercise(
        "On the course's inputs, what does `np.sum(a_slice_prev * W + b)` return?",
        f"""
        `{wrong:.8f}` instead of `{Z:.8f}`: the bias, `b = {float(b.item()):.8f}`, was added
        {f1 * f1 * c1} times, so the two differ by ${f1 * f1 * c1 - 1} \\times b$
        (`{(f1 * f1 * c1 - 1) * float(b.item()):.8f}`).
        """,
    )
    page.figure(step_trace.plot(0), "single_step", "One window times one filter, summed, plus the bias",
                "conv_single_step on the course's inputs: the product, summed over every cell and channel, plus b.")

    page.md(r"""
        ## The whole layer: `conv_forward`

        `conv_forward` takes a batch `A_prev` of shape $(m, n_{H_{prev}}, n_{W_{prev}}, n_{C_{prev}})$,
        $n_C$ filters `W` of shape $(f, f, n_{C_{prev}}, n_C)$ and their biases `b` of shape
        $(1, 1, 1, n_C)$. It pads the input once, then visits four nested loops: examples
        `i`, output rows `h`, output columns `w`, filters `c`. The output cell $(h, w)$ reads
        the window

        $$
        \begin{aligned}
        \text{rows } &h s \ldots h s + f - 1, \\
        \text{columns } &w s \ldots w s + f - 1
        \end{aligned}
        $$

        of the padded input, where $s$ is the stride: the window jumps $s$ cells between
        neighbouring outputs. In code, `vert_start = h * stride` and `vert_end = vert_start + f`
        (a slice's end is excluded), the same for columns:
    """)
    page.code("tracer/conv.py:conv_forward_loop")
    page.md(r"""
        ### Stride 1

        A $5 \times 5$ input, one $3 \times 3$ filter, no padding, stride 1. The window moves
        one cell at a time and fits three times along each axis: the output is $3 \times 3$.
        Each frame is one pass through the innermost loop.
    """)
    # --8<-- [start:repl]
    np.random.seed(1)
    A_prev = np.random.randn(1, 5, 5, 1)
    W = np.random.randn(3, 3, 1, 1)
    b = np.random.randn(1, 1, 1, 1)
    with tracer.record() as trace:
        Z, cache = tracer.conv_forward(A_prev, W, b, {"stride": 1, "pad": 0})
    print(Z.shape)
    fig = trace.plot(5)  # step 5: the window of output cell (1, 1)
    # --8<-- [end:repl]
    prints = f"{Z.shape}"
    e5 = trace[5]
    page.figure(fig, "window_1_1", f"The window of output cell ({e5.h}, {e5.w}), its filter and the output so far",
                f"The window of output cell ({e5.h}, {e5.w}), rows {e5.vert_start}:{e5.vert_end} and columns "
                f"{e5.horiz_start}:{e5.horiz_end}, in the stride-1 player below.")
    page.player(trace, "stride1", f"conv_forward at stride 1, pad 0, on a {A_prev.shape[1]} by {A_prev.shape[2]} "
                "input: one window per frame")

    page.md(r"""
        ### Stride 2, pad 1

        The same input padded with one ring of zeros ($7 \times 7$), and stride 2: the window
        now jumps two cells, and still fits three times along each axis. Watch the first row:
        windows start at columns 0, 2 and 4 of the padded input.
    """)
    with tracer.record() as trace2:
        Z2, _ = tracer.conv_forward(A_prev, W, b, {"stride": 2, "pad": 1})
    page.player(trace2, "stride2", "conv_forward at stride 2, pad 1: one window per frame")
    e = next(e for e in trace2.where("conv_window") if (e.h, e.w) == (1, 2))
    page.exercise(
        "At stride 2, pad 1, which rows and columns of the padded input does output cell $(1, 2)$ read?",
        f"""
        Rows {e.vert_start}:{e.vert_end} and columns {e.horiz_start}:{e.horiz_end} (the end excluded),
        as the traced step says: `vert_start = 1 * 2 = {e.vert_start}`,
        `horiz_start = 2 * 2 = {e.horiz_start}`, and each end is the start plus $f = {W.shape[0]}$.
        Column {e.horiz_end - 1} is the right-hand ring of zeros: the window hangs over the padding,
        and `Z[0, 1, 2, 0]` = `{e.value:.6f}`.
        """,
    )

    np.random.seed(4)
    A_mc = np.random.randint(-2, 3, size=(1, 4, 4, 3)).astype(float)
    W_mc = np.random.randint(-1, 2, size=(3, 3, 3, 2)).astype(float)
    b_mc = np.array([1.0, -2.0]).reshape(1, 1, 1, 2)
    with tracer.record() as mc_trace:
        Z_mc, _ = tracer.conv_forward(A_mc, W_mc, b_mc, {"stride": 1, "pad": 0})
    n_C_prev, n_C = W_mc.shape[2], W_mc.shape[3]
    page.md(rf"""
        ## Several channels, several filters

        The players above have one input channel and one filter. A real layer has
        $n_{{C_{{prev}}}}$ input channels (3 for a colour image) and $n_C$ filters, and the
        shapes say how they meet: filter $c$ is `W[:, :, :, c]`, of shape
        $(f, f, n_{{C_{{prev}}}})$, as deep as the input. At each position it multiplies **every
        input channel** by its own slice `W[:, :, k, c]`, adds the {n_C_prev} sums and the bias
        `b[0, 0, 0, c]` once, and writes **one number**, in output channel $c$. So each filter
        makes one output channel, and $Z$ has $n_C$ channels, whatever $n_{{C_{{prev}}}}$ is.

        Here `A_prev` has shape `{A_mc.shape}` and `W` shape `{W_mc.shape}`: {n_C_prev} input
        channels, {n_C} filters of ${W_mc.shape[0]} \times {W_mc.shape[1]} \times {n_C_prev}$, small
        whole numbers so that every sum can be checked by hand. `Z` has shape `{Z_mc.shape}`.
        Each row of the frame is one input channel, its window and the filter's slice for it.
    """)
    frames = channel_frames(mc_trace)
    next(frames)  # the first window of filter 0: the player below opens on it
    second_fig, second_caption, second = next(frames)  # the same window, the next filter
    c2 = mc_trace[second].c
    page.figure(second_fig, "channels",
                f"{n_C_prev} input channels, each with its window and its slice of filter {c2}, their sums, "
                f"the bias, and output channel {c2} written beside the cell filter {c2 - 1} wrote",
                second_caption)
    page.frames(channel_frames(mc_trace), "channels_player",
                f"conv_forward with {n_C_prev} input channels and {n_C} filters: each window of each filter, "
                "every channel summed into one output cell", n_steps=len(mc_trace))
    e = next(e for e in mc_trace.where("conv_window") if (e.h, e.w, e.c) == (1, 0, 1))
    window = A_mc[0, e.vert_start:e.vert_end, e.horiz_start:e.horiz_end, :]
    page.exercise(
        f"Which numbers does `Z[0, 1, 0, 1]` add up, and what is it?",
        f"""
        The window rows {e.vert_start}:{e.vert_end}, columns {e.horiz_start}:{e.horiz_end} of
        **all {n_C_prev}** input channels, times filter 1 (`W[:, :, :, 1]`), plus `b[0, 0, 0, 1]`:
        """ + " + ".join(f"({v:g})" if v < 0 else f"{v:g}"
                         for v in (float(np.sum(window[:, :, k] * W_mc[:, :, k, 1])) for k in range(n_C_prev)))
        + f" + ({b_mc[0, 0, 0, 1]:g}) = **{e.value:g}**, the value the traced step wrote.",
    )
    page.exercise(
        f"With {n_C} filters over an input of {n_C_prev} channels, how many channels has `Z`, "
        "and how many biases are added into each of its cells?",
        f"""
        `Z` has {Z_mc.shape[3]} channels, one per filter (`n_C = W.shape[3]`), and each cell
        receives **one** bias, `b[0, 0, 0, c]` of its own filter: the {n_C_prev} input channels
        are summed first. `b` has shape `{b_mc.shape}`, one number per filter.
        """,
    )

    page.md(r"""
        ## The output size

        Along the height (and the same along the width), the padded input has
        $n_{H_{prev}} + 2p$ rows. A window of $f$ rows starting at row $h s$ fits while
        $h s + f \le n_{H_{prev}} + 2p$, which gives

        $$
        \begin{gathered}
        n_H = \left\lfloor \frac{n_{H_{prev}} - f + 2p}{s} \right\rfloor + 1, \\
        n_W = \left\lfloor \frac{n_{W_{prev}} - f + 2p}{s} \right\rfloor + 1 .
        \end{gathered}
        $$

        The floor drops a last, partial window: with stride 2, a window that would hang past
        the padded edge is simply not computed. The table below was
        filled by calling `conv_forward` on inputs of each size and reading the shape of `Z`:
    """)

    rows = []
    for n_prev, f, pad, stride in [(5, 3, 0, 1), (5, 3, 1, 1), (5, 3, 1, 2), (6, 3, 0, 2), (7, 3, 1, 2),
                                   (28, 5, 0, 1), (32, 3, 1, 1), (32, 2, 0, 2)]:
        Zs, _ = tracer.fast.conv_forward(np.zeros((1, n_prev, n_prev, 1)), np.zeros((f, f, 1, 1)),
                                         np.zeros((1, 1, 1, 1)), {"stride": stride, "pad": pad})
        rows.append(f"| {n_prev} | {f} | {pad} | {stride} | "
                    f"$\\lfloor ({n_prev} - {f} + {2 * pad}) / {stride} \\rfloor + 1$ | **{Zs.shape[1]}** |")
    page.md("| $n_{H_{prev}}$ | $f$ | $p$ | $s$ | formula | $n_H$ |\n|---|---|---|---|---|---|\n" + "\n".join(rows))
    n, f, p, st = 9, 4, 1, 2
    Z9, _ = tracer.fast.conv_forward(np.zeros((1, n, n, 1)), np.zeros((f, f, 1, 1)), np.zeros((1, 1, 1, 1)),
                                     {"stride": st, "pad": p})
    last = st * (Z9.shape[1] - 1)
    page.exercise(
        f"A ${n} \\times {n}$ input, a ${f} \\times {f}$ filter, pad {p}, stride {st}: what is $n_H$?",
        f"""
        $\\lfloor ({n} - {f} + {2 * p})/{st} \\rfloor + 1 = \\lfloor {(n - f + 2 * p) / st:g} \\rfloor + 1
        = {Z9.shape[1]}$: `conv_forward` returns `Z` of shape `{Z9.shape}`. The last window starts at
        row {last} of the padded input and ends at row {last + f - 1}; the padded input has
        {n + 2 * p} rows (0 to {n + 2 * p - 1}), and the rows after {last + f - 1} are never read.
        """,
    )

    np.random.seed(1)
    A_ref = np.random.randn(2, 5, 7, 4)
    W_ref = np.random.randn(3, 3, 4, 8)
    b_ref = np.random.randn(1, 1, 1, 8)
    Z_ref, _ = tracer.conv_forward(A_ref, W_ref, b_ref, {"pad": 1, "stride": 2})
    assert abs(Z_ref.mean() - 0.5511276474566768) < 1e-12
    page.md(rf"""
        ## Check yours against the course

        The course's test: `np.random.seed(1)`, then `A_prev` of shape $(2, 5, 7, 4)$, `W` of
        shape $(3, 3, 4, 8)$ and `b` of shape $(1, 1, 1, 8)$, drawn in that order with
        `np.random.randn`, and `{{"pad": 1, "stride": 2}}`. The formula gives
        $\lfloor (5 - 3 + 2)/2 \rfloor + 1 = 3$ rows and $\lfloor (7 - 3 + 2)/2 \rfloor + 1 = 4$
        columns, so `Z` has shape `{Z_ref.shape}`, with

        - `np.mean(Z)` = `{float(Z_ref.mean())!r}`
        - `Z[0, 2, 1]` starting `{Z_ref[0, 2, 1, 0]:.8f}, {Z_ref[0, 2, 1, 1]:.8f}`

        A mean that is off while the shape is right often comes from the bias added inside
        the sum; a wrong shape, from unpacking `A_prev.shape` or `W.shape` in the wrong order.
    """)
    page.repl(prints=prints)


if __name__ == "__main__":
    run(build, __file__, TITLE)
