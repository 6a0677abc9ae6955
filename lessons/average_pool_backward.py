"""Average-pool backward: each window hands its gradient back in equal shares.

Derives the share from the mean's derivative, quotes ``distribute_value``,
and plays ``pool_backward`` in average mode over overlapping windows.
"""

# --8<-- [start:imports]
import numpy as np

import tracer
# --8<-- [end:imports]
from _lesson import Page, run

TITLE = "Average-pool backward"


def build(page: Page) -> None:
    page.md(r"""
        Average pooling outputs the mean of each window,
        $A_{h,w} = \frac{1}{f^2} \sum_{k} a_k$ over the $f^2$ cells of the window. Every cell
        counts the same in a mean, so every cell gets the same share of the gradient:

        $$
        \begin{gathered}
        \frac{\partial A_{h,w}}{\partial a_k} = \frac{1}{f^2}
        \quad\Longrightarrow \\
        dA_{prev}[\text{window}] \mathrel{+}= \frac{dA_{h,w}}{f^2} \text{ in every cell.}
        \end{gathered}
        $$

        Unlike max pooling, the backward pass of average pooling does not need the input
        values at all: only the window's shape. The course writes the even split as
        `distribute_value(dz, shape)`:
    """)
    page.code("tracer/pool.py:distribute_value")
    page.md(r"""
        With `dz = 2` and a $2 \times 2$ window every cell receives $2/4 = 0.5$, and the four
        shares add back up to 2: the gradient is spread, not created or lost.
    """)
    # --8<-- [start:repl]
    with tracer.record() as trace:
        a = tracer.distribute_value(2.0, (2, 2))
    print(a)
    fig = trace.plot(0)
    # --8<-- [end:repl]
    assert a.tolist() == [[0.5, 0.5], [0.5, 0.5]]  # the course's expected output
    page.figure(fig, "distribute", f"distribute_value(2, (2, 2)): {a.size} cells of {a[0, 0]:g}")
    page.md(rf"""
        That is the course's own check: `distribute_value(2, (2, 2))` must print
        `{np.array2string(a, separator=", ").replace(chr(10), "")}`.
    """)

    page.md(r"""
        ## Step by step: overlapping windows

        In `pool_backward` each window adds its shares into $dA_{prev}$ with `+=`, so where
        windows overlap the shares pile up. Here $f = 2$, stride 1, on a $3 \times 3$ input,
        with $dA = \begin{pmatrix} 4 & 8 \\ 12 & 16 \end{pmatrix}$: each window spreads a
        quarter of its value, 1, 2, 3 and 4. The centre cell belongs to all four windows and
        collects $1 + 2 + 3 + 4 = 10$; a corner belongs to one window only.
    """)
    A_prev = np.zeros((1, 3, 3, 1))
    A, cache = tracer.pool_forward(A_prev, {"f": 2, "stride": 1}, mode="average")
    dA = np.array([[4.0, 8.0], [12.0, 16.0]]).reshape(1, 2, 2, 1)
    with tracer.record() as back:
        dA_prev = tracer.pool_backward(dA, cache, mode="average")
    assert dA_prev[0, :, :, 0].tolist() == [[1, 3, 2], [4, 10, 6], [3, 7, 4]]
    page.player(back, "avg_back", "pool_backward in average mode, f 2, stride 1: each window spreads dA / 4")
    e = next(e for e in back.where("pool_back_window") if (e.h, e.w) == (0, 1))
    share = tracer.distribute_value(dA[0, 0, 1, 0], (2, 2))
    page.exercise(
        "Which cells does window $(0, 1)$ add to, and how much does each get?",
        f"""
        Rows {e.vert_start}:{e.vert_end} and columns {e.horiz_start}:{e.horiz_end} of `dA_prev`, four cells,
        each $dA_{{0,1}} / 4 = {dA[0, 0, 1, 0]:g} / 4 = {share[0, 0]:g}$
        (`distribute_value({dA[0, 0, 1, 0]:g}, (2, 2))`).
        """,
    )
    page.md(r"""
        $$
        \begin{aligned}
        dA_{prev} &= \begin{pmatrix} 1 & 1 + 2 & 2 \\ 1 + 3 & 1 + 2 + 3 + 4 & 2 + 4 \\ 3 & 3 + 4 & 4 \end{pmatrix} \\
        &= \begin{pmatrix} 1 & 3 & 2 \\ 4 & 10 & 6 \\ 3 & 7 & 4 \end{pmatrix}
        \end{aligned}
        $$

        The entries of $dA_{prev}$ add up to $40 = 4 + 8 + 12 + 16$, the sum of $dA$.

        !!! warning "Operator precedence"
            `dz / n_H * n_W` is $(dz / n_H) \cdot n_W$, not $dz / (n_H n_W)$: for a square
            window that is `dz` itself, so every cell gets the whole gradient instead of a
            share. Write the parentheses, as the course's `average = dz / (n_H * n_W)` does.

        With the usual $f = 2$, stride 2, the windows do not overlap and each cell of
        $dA_{prev}$ is simply a quarter of one value of $dA$. The whole `pool_backward` loop,
        max and average side by side, is in [Pooling backward](pool_backward.md).
    """)
    # two more slips, run on a stride-2 layer whose dA (3x3) is larger than its window (2x2)
    A6 = np.zeros((1, 6, 6, 1))
    _, cache6 = tracer.pool_forward(A6, {"f": 2, "stride": 2}, mode="average")
    dA6 = np.arange(1.0, 10.0).reshape(1, 3, 3, 1)
    (m, n_H, n_W, n_C), f = dA6.shape, 2
    wrong_shape = tracer.distribute_value(dA6[0, 0, 0, 0], (n_H, n_W))
    try:
        np.zeros((1, 6, 6, 1))[0, 0:f, 0:f, 0] += wrong_shape
    except ValueError as err:
        broadcast = str(err)
    else:  # pragma: no cover - numpy always refuses
        raise AssertionError("a 3x3 share cannot be added to a 2x2 window")
    by_f = dA6[0, 0, 0, 0] / f
    page.md(rf"""
        !!! warning "The window's shape, and $f \cdot f$"
            `distribute_value(dz, shape)` takes the **window's** shape, `(f, f)`. Given the layer's
            `(n_H, n_W)` instead, `{(n_H, n_W)}` for a $6 \times 6$ input pooled with $f = 2$,
            stride 2, it returns a ${n_H} \times {n_W}$ array of `dz / {n_H * n_W}`, and adding it to a
            ${f} \times {f}$ window fails: `ValueError: {broadcast}`. (When `n_H == f`, as in the player
            above, the wrong line runs and gives the right numbers: a test that uses such a case
            cannot catch it.) Dividing by `f` instead of `f * f` gives each of the {f * f} cells
            `{by_f:g}` instead of `{dA6[0, 0, 0, 0] / (f * f):g}`: the window passes back
            {f}x what it received.
    """)
    dz = dA[0, 0, 1, 0]
    page.exercise(
        f"For `dz = {dz:g}` and a ${f} \\times {f}$ window, what does each cell get from `dz / n_H * n_W`?",
        f"""
        `{dz / f * f:g}`: `dz / {f} * {f}` is $(dz / {f}) \\cdot {f}$, the whole `dz`, so the window
        sends back {f * f} times what it received. `dz / (n_H * n_W)` gives
        `{tracer.distribute_value(dz, (f, f))[0, 0]:g}`.
        """,
    )
    page.repl(prints=str(a))


if __name__ == "__main__":
    run(build, __file__, TITLE)
