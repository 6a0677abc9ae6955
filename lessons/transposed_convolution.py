"""Transposed convolution: every input cell, times the filter, scattered into a block of the output.

Plays ``conv_transpose_forward`` step by step, gives its output size and
``output_padding``, shows with two traces that ``conv_backward``'s ``dA_prev`` is a
transposed convolution of ``dZ`` with the same filters, and counts the overlaps of
stride 2 with a 3x3 filter: the origin of checkerboard patterns.
"""

# --8<-- [start:imports]
import numpy as np

import tracer
# --8<-- [end:imports]
from tracer.render import TracerFigure as Figure  # a matplotlib Figure that Jupyter shows as an image
from matplotlib.patches import Rectangle

from _lesson import Page, run
from tracer.numbers import cell

TITLE = "Transposed convolution"


def block_counts(trace: tracer.Trace) -> np.ndarray:
    """How many scattered blocks cover each cell of ``Z_full`` (example 0, channel 0), from the recorded steps."""
    shape = trace.replay(0)["Z_full"].shape[1:3]
    counts = np.zeros(shape, dtype=int)
    for e in trace.where("scatter", i=0, c=0):
        counts[e.vert_start : e.vert_end, e.horiz_start : e.horiz_end] += 1
    return counts


def number_grids(grids: dict[str, np.ndarray], *, counts: bool = True,
                 frames: dict[str, tuple[int, int, int, int]] | None = None) -> Figure:
    """Side-by-side grids with their numbers written in the cells; ``frames`` draws a dashed box on some.

    ``counts``: whole numbers on a blue scale; otherwise signed values (two decimals) on a red-blue one.
    """
    fig = Figure(figsize=(3.3 * len(grids), 3.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(grids)))
    vmax = max(float(np.nanmax(np.abs(g))) for g in grids.values()) or 1.0
    for ax, (title, g) in zip(axes, grids.items()):
        if counts:
            ax.imshow(g, cmap="Blues", vmin=0, vmax=vmax * 1.3)
        else:
            ax.imshow(g, cmap="RdBu_r", vmin=-vmax * 1.6, vmax=vmax * 1.6)
        for (r, c), v in np.ndenumerate(g):
            text = str(int(v)) if counts else cell(float(v))
            ax.text(c, r, text, ha="center", va="center", fontsize=8 if g.shape[1] > 6 else 10)
        if frames and title in frames:
            r0, r1, c0, c1 = frames[title]
            ax.add_patch(Rectangle((c0 - 0.5, r0 - 0.5), c1 - c0, r1 - r0, fill=False, ec="black", lw=1.8, ls="--"))
        ax.set_xticks(range(g.shape[1]))
        ax.set_yticks(range(g.shape[0]))
        ax.tick_params(labelsize=7, length=0)
        ax.set_title(title, fontsize=10)
    return fig


def build(page: Page) -> None:
    page.md(r"""
        A convolution *gathers*: each output cell reads an $f \times f$ window of the input.
        A transposed convolution *scatters*: each input cell, times the filter, is added into
        an $f \times f$ block of the output. With stride $s$ the block of input cell $(h, w)$
        starts at $(h s, w s)$, so the output grows about $s$ times: transposed convolutions
        upsample, in decoders, generators and segmentation networks. torch calls it
        `conv_transpose2d`; here it is the explicit loop a learner would write, in the course's
        layout: `A_prev` of shape $(m, n_{H_{prev}}, n_{W_{prev}}, n_{C_{prev}})$, `W` of shape
        $(f, f, n_{C_{prev}}, n_C)$, `b` of shape $(1, 1, 1, n_C)$.

        ## The scatter

        The loop writes a *full* output `Z_full` first; blocks that overlap add up. Then it cuts
        `pad` rows and columns from each side and adds the bias:
    """)
    page.code("tracer/transpose.py:conv_transpose_forward_loop")

    # --8<-- [start:repl]
    np.random.seed(1)
    A_prev = np.random.randn(1, 3, 3, 1)
    W = np.random.randn(3, 3, 1, 1)
    b = np.random.randn(1, 1, 1, 1)
    with tracer.record() as trace:
        Z, cache = tracer.conv_transpose_forward(A_prev, W, b, {"stride": 2, "pad": 1})
    fig = trace.plot(4)  # the centre input cell (1, 1) scatters its block
    # --8<-- [end:repl]
    e = trace[4]
    hp = cache[3]
    n_prev, f = A_prev.shape[1], W.shape[0]
    n_full = trace.replay(0)["Z_full"].shape[1]
    page.md(rf"""
        ## Step by step

        A ${n_prev} \times {n_prev}$ input, one ${f} \times {f}$ filter, `{hp}`. The
        {n_prev * n_prev} blocks start {hp["stride"]} cells apart and overlap by
        {f - hp["stride"]} row or column, so `Z_full` is
        $({n_prev} - 1) \cdot {hp["stride"]} + {f} = {n_full}$ cells wide; the cut of {hp["pad"]} row and column
        on each side leaves ${Z.shape[1]} \times {Z.shape[2]}$. Each frame is one input cell; the last
        one cuts and adds the bias.
    """)
    page.figure(fig, "scatter_1_1", "The centre input cell times the filter, added into a 3 by 3 block of Z_full "
                "that overlaps the blocks already written",
                f"Step 4 (trace[4], counted from 0): A_prev[0, {e.h}, {e.w}, 0] times W lands on rows {e.vert_start}:{e.vert_end} and columns "
                f"{e.horiz_start}:{e.horiz_end} of Z_full, on top of what the blocks before it wrote.")
    page.player(trace, "stride2", "conv_transpose_forward at stride 2, pad 1: one input cell per frame, then the cut")

    rows = []
    for n_prev, f, s, p, op in [(3, 3, 2, 1, 0), (3, 3, 2, 1, 1), (2, 3, 2, 0, 0), (4, 4, 2, 1, 0),
                                (5, 2, 2, 0, 0), (3, 3, 1, 1, 0), (7, 5, 3, 2, 2), (14, 4, 2, 1, 0)]:
        Zs, _ = tracer.fast.conv_transpose_forward(np.zeros((1, n_prev, n_prev, 1)), np.zeros((f, f, 1, 1)),
                                                   np.zeros((1, 1, 1, 1)),
                                                   {"stride": s, "pad": p, "output_padding": op})
        rows.append(f"| {n_prev} | {f} | {s} | {p} | {op} | "
                    f"${n_prev - 1} \\cdot {s} - {2 * p} + {f} + {op}$ | **{Zs.shape[1]}** |")
    down = {n: tracer.fast.conv_forward(np.zeros((1, n, n, 1)), np.zeros((3, 3, 1, 1)), np.zeros((1, 1, 1, 1)),
                                        {"stride": 2, "pad": 1})[0].shape[1] for n in (5, 6)}
    assert down[5] == down[6]
    back = {op: tracer.fast.conv_transpose_forward(np.zeros((1, down[5], down[5], 1)), np.zeros((3, 3, 1, 1)),
                                                   np.zeros((1, 1, 1, 1)),
                                                   {"stride": 2, "pad": 1, "output_padding": op})[0].shape[1]
            for op in (0, 1)}
    page.md(rf"""
        ## The output size

        The last block starts at $(n_{{H_{{prev}}}} - 1) s$ and is $f$ tall; the cut takes $2p$:

        $$
        n_H = (n_{{H_{{prev}}}} - 1)\, s - 2p + f + o ,
        $$

        where $o$ is `output_padding`, the same for the width. The course's convolution formula, read backwards: a
        convolution with $f$, $s$ and $p$ maps $n_H$ back to $n_{{H_{{prev}}}}$. But the floor
        in the convolution's formula loses information: with $f = 3$, $s = 2$, $p = 1$ both a
        $5 \times 5$ and a $6 \times 6$ input give a ${down[5]} \times {down[5]}$ output. Going back, the
        transposed convolution gives ${back[0]}$ rows, and `output_padding` (from $0$ to $s - 1$)
        picks the other size: with `"output_padding": 1` it gives ${back[1]}$, the extra row and
        column added at the bottom and right. Each row of the table was filled by calling
        `conv_transpose_forward` and reading the shape of `Z`:
    """)
    page.md("| $n_{H_{prev}}$ | $f$ | $s$ | $p$ | $o$ | formula | $n_H$ |\n"
            "|---|---|---|---|---|---|---|\n" + "\n".join(rows))

    # conv_backward's dA_prev, and the same numbers from a transposed convolution of dZ
    np.random.seed(7)
    A5 = np.random.randn(1, 5, 5, 1)
    W5 = np.random.randn(3, 3, 1, 1)
    b5 = np.random.randn(1, 1, 1, 1)
    conv_hp = {"stride": 2, "pad": 1}
    Z5, cache5 = tracer.conv_forward(A5, W5, b5, conv_hp)
    dZ = np.random.randn(*Z5.shape)
    op = (A5.shape[1] + 2 * conv_hp["pad"] - W5.shape[0]) % conv_hp["stride"]
    t_hp = {**conv_hp, "output_padding": op}
    with tracer.record() as back_trace:
        dA_prev, _, _ = tracer.conv_backward(dZ, cache5)
    with tracer.record() as t_trace:
        Zt, _ = tracer.conv_transpose_forward(dZ, W5.transpose(0, 1, 3, 2), np.zeros((1, 1, 1, 1)), t_hp)
    assert np.array_equal(Zt, dA_prev)
    n_steps = len(back_trace)
    same = [np.array_equal(back_trace.replay(k)["dA_prev_pad"], t_trace.replay(k)["Z_full"]) for k in range(n_steps + 1)]
    assert all(same)
    k_show = 4
    pad = conv_hp["pad"]
    n5 = A5.shape[1]
    kept = (pad, pad + n5, pad, pad + n5)
    before = {f"conv_backward:\ndA_prev_pad after {k_show} windows": back_trace.replay(k_show)["dA_prev_pad"][0, :, :, 0],
              f"conv_transpose_forward:\nZ_full after {k_show} scatters": t_trace.replay(k_show)["Z_full"][0, :, :, 0]}
    page.md(rf"""
        ## `conv_backward` computes a transposed convolution

        Look again at the loop of `conv_backward`, at its line that adds into `da_prev_pad`:
    """)
    page.code("tracer/conv.py:conv_backward_loop")
    page.md(rf"""
        Every cell of `dZ`, times the filter, is added into an $f \times f$ block starting at
        $(h s, w s)$: that is the scatter above, with `dZ` as its input. Then the padding is
        cut away. So `dA_prev` is a transposed convolution of `dZ` with the same filters and
        the same stride and pad; only the filters' channel axes swap, since it goes from the
        $n_C$ channels of `dZ` back to the $n_{{C_{{prev}}}}$ of `A_prev`: `W.transpose(0, 1, 3, 2)`.
        `output_padding` gives back the rows the forward stride left unread,
        $(n_{{H_{{prev}}}} + 2p - f) \bmod s = {op}$ here.

        Two traces show it: `conv_backward` on a `{A5.shape}` input with `{conv_hp}`, and
        `conv_transpose_forward(dZ, W.transpose(0, 1, 3, 2), 0, {t_hp})`. Step by step, for all
        {n_steps} windows, the backward pass's `dA_prev_pad` and the scatter's `Z_full` hold
        the same numbers (checked with `np.array_equal` while the page was built). After
        {k_show} steps:
    """)
    page.figure(number_grids(before, counts=False, frames={t: kept for t in before}), "two_traces",
                "Two identical 7 by 7 grids of numbers: dA_prev_pad of conv_backward and Z_full of "
                "conv_transpose_forward after four steps",
                "Equal cell for cell after every step; the dashed square is what both keep after the cut "
                f"(dA_prev, and Z, both of shape {dA_prev.shape}).")
    page.player(t_trace, "dA_prev", "conv_transpose_forward of dZ with the filter of conv_backward: "
                "one cell of dZ per frame, then the cut")

    page.md(r"""
        The backward pass of a transposed convolution turns it round again: each input cell
        reads back the block it wrote, so `dA_prev` is an ordinary (forward) convolution of the
        gradient, put back inside the rows and columns the forward pass cut:
    """)
    page.code("tracer/transpose.py:conv_transpose_backward_loop")

    # overlaps: a constant input through a filter of ones counts the blocks over each cell
    count_grids = {}
    for f, s in ((3, 2), (4, 2), (2, 2)):
        with tracer.record() as ct:
            Zc, _ = tracer.conv_transpose_forward(np.ones((1, 4, 4, 1)), np.ones((f, f, 1, 1)),
                                                  np.zeros((1, 1, 1, 1)), {"stride": s, "pad": 0})
        counts = block_counts(ct)
        assert np.array_equal(counts, Zc[0, :, :, 0])
        count_grids[f"f = {f}, stride {s}"] = counts
    c32 = count_grids["f = 3, stride 2"]
    c42 = count_grids["f = 4, stride 2"]
    inner32, inner42 = c32[2:-2, 2:-2], c42[2:-2, 2:-2]
    page.md(rf"""
        ## Overlaps, and checkerboards

        Feed a $4 \times 4$ input of ones through a filter of ones: each cell of the output then
        counts the blocks that cover it. The grids below count them from the recorded steps
        (the blocks' bounds), and equal the outputs `Z`:
    """)
    page.figure(number_grids(count_grids), "overlaps", "Three grids counting the blocks over each output cell: "
                "f 3 at stride 2 alternates 1, 2 and 4; f 4 at stride 2 is even inside; f 2 at stride 2 is all ones",
                "Blocks over each output cell. With f = 3 and stride 2 the counts alternate "
                f"{sorted(set(inner32.ravel().tolist()))} inside; with f = 4 they are {sorted(set(inner42.ravel().tolist()))}.")
    page.md(rf"""
        With $f = 3$ and stride 2 the blocks overlap on every other row and column: inside the
        output, cells are covered by {int(inner32.min())}, 2 or {int(inner32.max())} blocks in a
        regular pattern. An input of ones gives an output of uneven values: a **checkerboard**.
        In a trained generator or decoder the filters can learn to hide it, but they often do not,
        and the pattern shows in the images (Odena, Dumoulin and Olah, *Deconvolution and
        Checkerboard Artifacts*, Distill 2016). When $f$ is a multiple of the stride, every
        inside cell is covered by the same number of blocks ({int(inner42.min())} for $f = 4$,
        1 for $f = 2$): the overlap is even. Another cure is to upsample first (nearest
        neighbour) and then convolve.
    """)

    # exercises, their answers computed here
    q_shape, q_hp = (1, 4, 4, 1), {"stride": 3, "pad": 1, "output_padding": 2}
    Zq, _ = tracer.fast.conv_transpose_forward(np.zeros(q_shape), np.zeros((2, 2, 1, 1)), np.zeros((1, 1, 1, 1)), q_hp)
    page.exercise(
        f"A 2x2 filter with `{q_hp}` on an input of shape `{q_shape}`: what shape is `Z`?",
        f"""
        `{Zq.shape}`: $(4 - 1) \\cdot 3 - 2 + 2 + 2 = {Zq.shape[1]}$. With a 2x2 filter at stride 3
        the blocks do not even touch: {q_hp["stride"] - 2} row and column of zeros run between them in `Z_full`.
        """,
    )
    centre = c32.shape[0] // 2
    page.exercise(
        f"With a 3x3 filter at stride 2 on a 4x4 input, how many blocks cover cell ({centre}, {centre}) of `Z_full`?",
        f"""
        {int(c32[centre, centre])}: row {centre} is in the blocks of input rows $h$ with
        $2h \\le {centre} \\le 2h + 2$, that is $h = {centre // 2 - 1}$ and $h = {centre // 2}$, and the
        same for the columns: $2 \\times 2 = {int(c32[centre, centre])}$ blocks.
        """,
    )
    n_prev = 6
    leftover = (n_prev + 2 * 1 - 3) % 2
    Zd, cache_d = tracer.fast.conv_forward(np.zeros((1, n_prev, n_prev, 1)), np.zeros((3, 3, 1, 1)),
                                           np.zeros((1, 1, 1, 1)), {"stride": 2, "pad": 1})
    Zu, _ = tracer.fast.conv_transpose_forward(Zd, np.zeros((3, 3, 1, 1)), np.zeros((1, 1, 1, 1)),
                                               {"stride": 2, "pad": 1, "output_padding": leftover})
    page.exercise(
        f"A {n_prev}x{n_prev} input goes through a 3x3 convolution at stride 2, pad 1. Which `output_padding` "
        "brings its gradient back to that size?",
        f"""
        `{leftover}`: the convolution's output is {Zd.shape[1]}x{Zd.shape[2]}, and
        $({Zd.shape[1]} - 1) \\cdot 2 - 2 + 3 = {(Zd.shape[1] - 1) * 2 - 2 + 3}$, one short; the stride left
        $({n_prev} + 2 - 3) \\bmod 2 = {leftover}$ row unread. With it the transposed convolution returns shape
        `{Zu.shape}`.
        """,
    )
    page.repl()


if __name__ == "__main__":
    run(build, __file__, TITLE)
