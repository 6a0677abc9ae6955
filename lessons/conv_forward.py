"""Convolution forward: one step (``conv_single_step``), then the whole layer (``conv_forward``).

Checks the course's reference values, shows the windows of a stride-1 and a
stride-2 convolution in two players, and works the output-size formula on
sizes computed by real calls.
"""

# --8<-- [start:imports]
import numpy as np

import tracer
# --8<-- [end:imports]
from _lesson import Page, run

TITLE = "Convolution forward"


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
    page.md(rf"""
        With the course's test inputs (`np.random.seed(1)`, then a slice, a filter of shape
        $(4, 4, 3)$ and a bias), the step returns `Z = {Z:.11f}`, the course's expected value.
        It is a `numpy.float64`, not a Python `float`: the course's tests check that too.

        !!! warning "Two traps in one line"
            - `np.sum(a_slice_prev * W + b)` adds the bias inside the sum, so it is added
              $f \cdot f \cdot n_{{C_{{prev}}}}$ times ($4 \cdot 4 \cdot 3 = 48$ times here),
              not once.
            - The course writes `Z = Z + float(b)`. Current numpy refuses to turn an array of
              shape `(1, 1, 1)` into a Python float and raises `TypeError`; `b.item()` (or
              `np.squeeze(b)`) does the same job.
    """)
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
        \text{rows } h s \ldots h s + f - 1, \qquad \text{columns } w s \ldots w s + f - 1
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
    print(Z.shape)  # (1, 3, 3, 1)
    fig = trace.plot(5)  # the window of output cell (1, 1)
    # --8<-- [end:repl]
    page.figure(fig, "window_1_1", "The window of output cell (1, 1), its filter and the output so far",
                "Step 6 of the stride-1 convolution below: the window of output cell (1, 1), rows 1:4 and columns 1:4.")
    page.player(trace, "stride1", "conv_forward at stride 1, pad 0: one window per frame")

    page.md(r"""
        ### Stride 2, pad 1

        The same input padded with one ring of zeros ($7 \times 7$), and stride 2: the window
        now jumps two cells, and still fits three times along each axis. Watch the first row:
        windows start at columns 0, 2 and 4 of the padded input.
    """)
    with tracer.record() as trace2:
        Z2, _ = tracer.conv_forward(A_prev, W, b, {"stride": 2, "pad": 1})
    page.player(trace2, "stride2", "conv_forward at stride 2, pad 1: one window per frame")

    page.md(r"""
        ## The output size

        Along the height (and the same along the width), the padded input has
        $n_{H_{prev}} + 2p$ rows. A window of $f$ rows starting at row $h s$ fits while
        $h s + f \le n_{H_{prev}} + 2p$, which gives

        $$
        n_H = \left\lfloor \frac{n_{H_{prev}} - f + 2p}{s} \right\rfloor + 1,
        \qquad
        n_W = \left\lfloor \frac{n_{W_{prev}} - f + 2p}{s} \right\rfloor + 1 .
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
    page.repl()


if __name__ == "__main__":
    run(build, __file__, TITLE)
