"""Pooling forward: max and average pooling, with no parameters, and their output size.

Two players (max pooling with overlapping windows, average pooling with
stride 2) and the course's reference values.
"""

# --8<-- [start:imports]
import numpy as np

import tracer
# --8<-- [end:imports]
from _lesson import Page, run

TITLE = "Pooling forward"


def build(page: Page) -> None:
    page.md(r"""
        A pooling layer shrinks its input by summarising each window in one number: the
        largest value (**max pooling**) or the mean (**average pooling**). It slides its
        window like a convolution, with a size $f$ and a stride $s$, but it has **no
        parameters to learn**: no filter, no bias. It also keeps the channels apart: channel
        $c$ of the output is made from channel $c$ of the input only, so $n_C$ does not change.

        For the window of output cell $(h, w)$ in channel $c$ of example $i$:

        $$
        \begin{aligned}
        \text{max:} \quad & A_{i,h,w,c} = \max_{\substack{hs \le r < hs + f \\ ws \le q < ws + f}} A^{prev}_{i,r,q,c} \\
        \text{average:} \quad & A_{i,h,w,c} = \frac{1}{f^2} \sum_{r = hs}^{hs + f - 1} \sum_{q = ws}^{ws + f - 1} A^{prev}_{i,r,q,c} .
        \end{aligned}
        $$

        The course's `pool_forward` has the same four loops as `conv_forward`; the innermost
        one takes one channel's window and reduces it:
    """)
    page.code("tracer/pool.py:pool_forward_loop")
    page.md(r"""
        ## Max pooling

        Here $f = 3$ and $s = 1$ on a $5 \times 5$ input: the windows overlap, so a large value
        can win several windows. Watch the cell that holds the largest value of the input: it
        is the answer of every window that contains it.
    """)
    # --8<-- [start:repl]
    np.random.seed(1)
    A_prev = np.random.randn(1, 5, 5, 1)
    with tracer.record() as trace:
        A, cache = tracer.pool_forward(A_prev, {"f": 3, "stride": 1}, mode="max")
    print(A.shape)
    fig = trace.plot(4)  # step 4: the centre window
    # --8<-- [end:repl]
    prints = f"{A.shape}"
    e = trace[4]
    page.figure(fig, f"max_centre", "The centre window of a 3 by 3 max pooling and the maximum it keeps",
                f"The centre window, output cell ({e.h}, {e.w}): one number, the largest of the nine, goes to A.")
    page.player(trace, "max_f3_s1", "Max pooling, f 3, stride 1, one window per frame")
    r, q = np.unravel_index(np.argmax(A_prev[0, :, :, 0]), A_prev.shape[1:3])
    wins = [(e.h, e.w) for e in trace.where("pool_window") if e.vert_start <= r < e.vert_end and e.horiz_start <= q < e.horiz_end]
    page.exercise(
        "The largest value of the input: how many windows does it win?",
        f"""
        It is `A_prev[0, {r}, {q}, 0]` = {A_prev[0, r, q, 0]:.2f}, and it lies in {len(wins)} windows,
        {", ".join(f"$({h}, {w})$" for h, w in wins)}: it wins every one of them, so it appears
        {int(np.sum(A == A_prev[0, r, q, 0]))} times in `A`. Overlapping windows ($s < f$) copy a
        large value into several outputs.
        """,
    )

    page.md(r"""
        ## Average pooling

        The usual shape of a pooling layer is $f = 2$, $s = 2$: windows side by side that do
        not overlap, halving the height and the width. With average pooling each output is
        the mean of its four cells. Here on a $6 \times 6$ input with values $10r + q$ (row
        $r$, column $q$), so that every mean can be checked by hand: the first window holds
        0, 1, 10, 11 and its mean is 5.5.
    """)
    A_hand = (10 * np.arange(6)[:, None] + np.arange(6)[None, :]).astype(float).reshape(1, 6, 6, 1)
    with tracer.record() as avg_trace:
        A_avg, _ = tracer.pool_forward(A_hand, {"f": 2, "stride": 2}, mode="average")
    assert A_avg[0, :, :, 0].tolist() == [[5.5, 7.5, 9.5], [25.5, 27.5, 29.5], [45.5, 47.5, 49.5]]
    page.player(avg_trace, "avg_f2_s2", "Average pooling, f 2, stride 2, on the values 10 r + q")
    e = next(e for e in avg_trace.where("pool_window") if (e.h, e.w) == (2, 1))
    cells = A_hand[0, e.vert_start:e.vert_end, e.horiz_start:e.horiz_end, 0]
    page.exercise(
        "What does the window of output cell $(2, 1)$ write?",
        f"""
        It reads rows {e.vert_start}:{e.vert_end} and columns {e.horiz_start}:{e.horiz_end}, the values
        {", ".join(f"{v:g}" for v in cells.ravel())}, and writes their mean, **{e.value:g}**
        (the traced step's value).
        """,
    )

    page.md(r"""
        ## The output size

        Pooling uses the convolution's formula with no padding:

        $$
        \begin{gathered}
        n_H = \left\lfloor \frac{n_{H_{prev}} - f}{s} \right\rfloor + 1, \\
        n_W = \left\lfloor \frac{n_{W_{prev}} - f}{s} \right\rfloor + 1, \\
        n_C = n_{C_{prev}} .
        \end{gathered}
        $$

        $5 \times 5$ with $f = 3$, $s = 1$ gives $3 \times 3$; $6 \times 6$ with $f = 2$,
        $s = 2$ gives $3 \times 3$.
    """)
    A_odd, _ = tracer.pool_forward(np.zeros((1, 5, 5, 1)), {"f": 2, "stride": 2})
    page.exercise(
        "A $5 \\times 5$ input, $f = 2$, $s = 2$: what shape is `A`, and which cells are never read?",
        f"""
        `{A_odd.shape}`: $\\lfloor (5 - 2)/2 \\rfloor + 1 = {A_odd.shape[1]}$. The windows start at rows
        and columns {", ".join(str(2 * j) for j in range(A_odd.shape[1]))} and end before
        {2 * (A_odd.shape[1] - 1) + 2}: the last row and column, number {2 * (A_odd.shape[1] - 1) + 2}, are
        never read, because no whole window fits over them.
        """,
    )
    page.md(r"""
        ## Why pool

        A pooling layer has nothing to learn, yet almost every convolutional network has them:

        - **It shrinks the maps**: $f = 2$, $s = 2$ divides the number of cells by 4, and so the
          work and the weights of every later layer.
        - **Each later cell sees more of the image**: after one such pooling, a $3 \times 3$
          filter covers a $6 \times 6$ patch of the layer before.
        - **Max pooling forgives small shifts**: a strong answer of a filter that moves by one
          cell inside its window gives the same maximum.
    """)
    spot = np.zeros((1, 4, 4, 1))
    spot[0, 0, 0, 0] = 1.0
    moved = np.roll(spot, 1, axis=2)  # the same spot, one column to the right
    A_spot, _ = tracer.pool_forward(spot, {"f": 2, "stride": 2})
    A_moved, _ = tracer.pool_forward(moved, {"f": 2, "stride": 2})
    assert np.array_equal(A_spot, A_moved)
    page.md(rf"""
        For instance, a single 1 at cell $(0, 0)$ of a $4 \times 4$ map, and the same 1 moved to
        $(0, 1)$: max pooling with $f = 2$, $s = 2$ gives
        `{np.array2string(A_spot[0, :, :, 0], separator=", ").replace(chr(10), "")}` for both. (A shift
        across a window's edge does change the output: the forgiveness is within a window.)
    """)
    np.random.seed(1)
    A_ref = np.random.randn(2, 5, 5, 3)
    A_max, _ = tracer.pool_forward(A_ref, {"stride": 1, "f": 3}, mode="max")
    A_mean, _ = tracer.pool_forward(A_ref, {"stride": 1, "f": 3}, mode="average")
    expected = np.array([1.96710175, 0.84616065, 1.27375593])
    assert np.allclose(A_max[1, 1, 0], expected), A_max[1, 1, 0]
    fmt = ", ".join(f"{v:.8f}" for v in A_max[1, 1, 0])
    fmt_avg = ", ".join(f"{v:.8f}" for v in A_mean[1, 1, 0])
    page.md(rf"""
        ## Check yours against the course

        The course's test draws `A_prev` of shape $(2, 5, 5, 3)$ after `np.random.seed(1)` and
        pools with `{{"stride": 1, "f": 3}}`: the output has shape `{A_max.shape}`, with

        - max mode: `A[1, 1, 0]` = `[{fmt}]`
        - average mode: `A[1, 1, 0]` = `[{fmt_avg}]`

        !!! warning "An unknown mode"
            A learner's `pool_forward` that tests `if mode == "max"` and `elif mode == "average"`
            returns all zeros for `mode="avg"` or `mode="mean"`, without a word. tracer's
            raises a `ValueError` that names the modes it knows.
    """)
    try:
        tracer.pool_forward(A_prev, {"f": 3, "stride": 1}, mode="avg")
    except ValueError as err:
        message = str(err)
    else:  # pragma: no cover - tracer always refuses
        raise AssertionError("mode='avg' should be refused")
    page.exercise(
        "What does tracer's `pool_forward(A_prev, hparameters, mode='avg')` do?",
        f"""
        It raises before any work: `ValueError: {message}`. A learner's `if ... elif ...` without
        an `else` would return `A` full of zeros instead.
        """,
    )
    page.repl(prints=prints)


if __name__ == "__main__":
    run(build, __file__, TITLE)
