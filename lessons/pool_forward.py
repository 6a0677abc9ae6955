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
        A_{i,h,w,c} = \max_{\substack{hs \le r < hs + f \\ ws \le q < ws + f}} A^{prev}_{i,r,q,c}
        \qquad\text{or}\qquad
        A_{i,h,w,c} = \frac{1}{f^2} \sum_{r = hs}^{hs + f - 1} \sum_{q = ws}^{ws + f - 1} A^{prev}_{i,r,q,c} .
        $$

        The course's `pool_forward` has the same four loops as `conv_forward`; the innermost
        one takes one channel's window and reduces it:
    """)
    page.code("tracer/conv.py:pool_forward_loop")
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
    print(A.shape)  # (1, 3, 3, 1)
    fig = trace.plot(4)  # the centre window
    # --8<-- [end:repl]
    page.figure(fig, "max_centre", "The centre window of a 3 by 3 max pooling and the maximum it keeps",
                "The centre window, output cell (1, 1): one number, the largest of the nine, goes to A.")
    page.player(trace, "max_f3_s1", "Max pooling, f 3, stride 1, one window per frame")

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

    page.md(r"""
        ## The output size

        Pooling uses the convolution's formula with no padding:

        $$
        n_H = \left\lfloor \frac{n_{H_{prev}} - f}{s} \right\rfloor + 1,
        \qquad
        n_W = \left\lfloor \frac{n_{W_{prev}} - f}{s} \right\rfloor + 1,
        \qquad
        n_C = n_{C_{prev}} .
        $$

        $5 \times 5$ with $f = 3$, $s = 1$ gives $3 \times 3$; $6 \times 6$ with $f = 2$,
        $s = 2$ gives $3 \times 3$; a $5 \times 5$ input with $f = 2$, $s = 2$ gives
        $\lfloor 3/2 \rfloor + 1 = 2$: the last row and column are never read, because no
        window fits over them.
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
    page.repl()


if __name__ == "__main__":
    run(build, __file__, TITLE)
