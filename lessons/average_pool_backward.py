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
        \frac{\partial A_{h,w}}{\partial a_k} = \frac{1}{f^2}
        \qquad\Longrightarrow\qquad
        dA_{prev}[\text{window}] \mathrel{+}= \frac{dA_{h,w}}{f^2} \text{ in every cell.}
        $$

        Unlike max pooling, the backward pass of average pooling does not need the input
        values at all: only the window's shape. The course writes the even split as
        `distribute_value(dz, shape)`:
    """)
    page.code("tracer/conv.py:distribute_value")
    page.md(r"""
        With `dz = 2` and a $2 \times 2$ window every cell receives $2/4 = 0.5$, and the four
        shares add back up to 2: the gradient is spread, not created or lost.
    """)
    # --8<-- [start:repl]
    with tracer.record() as trace:
        a = tracer.distribute_value(2.0, (2, 2))
    print(a)  # [[0.5 0.5] [0.5 0.5]]
    fig = trace.plot(0)
    # --8<-- [end:repl]
    assert a.tolist() == [[0.5, 0.5], [0.5, 0.5]]
    page.figure(fig, "distribute", "distribute_value(2, (2, 2)): four cells of 0.5")

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
    page.md(r"""
        $$
        dA_{prev} = \begin{pmatrix} 1 & 1 + 2 & 2 \\ 1 + 3 & 1 + 2 + 3 + 4 & 2 + 4 \\ 3 & 3 + 4 & 4 \end{pmatrix}
        = \begin{pmatrix} 1 & 3 & 2 \\ 4 & 10 & 6 \\ 3 & 7 & 4 \end{pmatrix}
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
    page.repl()


if __name__ == "__main__":
    run(build, __file__, TITLE)
