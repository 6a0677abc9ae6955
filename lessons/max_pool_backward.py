"""Max-pool backward: masks, ties, and why only the maximum receives the gradient.

Shows the mask of a window (with and without a tie), checks the max's
gradient with centred differences, and plays ``pool_backward`` in max mode
over overlapping windows whose gradients pile up on a shared maximum.
"""

# --8<-- [start:imports]
import numpy as np

import tracer
from tracer.gradcheck import numeric_gradient
# --8<-- [end:imports]
from _lesson import Page, run

TITLE = "Max-pool backward"


def md_matrix(x: np.ndarray, fmt: str = "{:g}") -> str:
    """A small matrix in KaTeX's pmatrix."""
    rows = [" & ".join(fmt.format(v) for v in row) for row in np.asarray(x)]
    return r"\begin{pmatrix}" + r" \\ ".join(rows) + r"\end{pmatrix}"


def build(page: Page) -> None:
    page.md(r"""
        The backward pass of a layer receives $dA = \partial \mathcal{J} / \partial A$, the
        gradient of the cost with respect to the layer's output, and must return
        $dA_{prev}$, the gradient with respect to its input. For max pooling that means
        answering one question per window: if an input cell changes a little, how much does
        the window's maximum change?

        ## Why only the maximum gets the gradient

        The output of a window is $A = \max(a_{1}, \dots, a_{f^2})$. Nudge the largest cell by
        $\varepsilon$ and the output moves by $\varepsilon$; nudge any other cell (by less than
        its gap to the maximum) and the output does not move at all. So

        $$
        \begin{gathered}
        \frac{\partial A}{\partial a_{k}} =
        \begin{cases} 1 & \text{if } a_k \text{ is the maximum,} \\ 0 & \text{otherwise,} \end{cases} \\
        \text{and} \quad dA_{prev}[\text{window}] = \text{mask} \cdot dA_{h,w} .
        \end{gathered}
        $$
    """)
    x = np.array([[1.0, 3.0], [4.0, 2.0]])
    grad = numeric_gradient(lambda: np.max(x), x)
    assert np.allclose(grad, [[0.0, 0.0], [1.0, 0.0]]), grad
    page.md(rf"""
        Centred differences agree. For the window $x = {md_matrix(x)}$, moving each cell by
        $\pm 10^{{-6}}$ one at a time and measuring the change of $\max(x)$ gives
        $\partial \max / \partial x = {md_matrix(grad, "{:.0f}")}$: a 1 where the 4 is, 0
        elsewhere.

        ## The mask

        The course builds that 0/1 pattern as a boolean mask, `True` where the window equals
        its maximum:
    """)
    page.code("tracer/pool.py:create_mask_from_window")
    np.random.seed(1)
    x_ref = np.random.randn(2, 3)
    mask_ref = tracer.create_mask_from_window(x_ref)
    assert mask_ref.tolist() == [[True, False, False], [False, False, False]]
    page.md(rf"""
        Check yours against the course: after `np.random.seed(1)`, `x = np.random.randn(2, 3)` is
        `{np.array2string(x_ref, precision=8, separator=", ").replace(chr(10), "")}` and the mask is
        `{np.array2string(mask_ref, separator=", ").replace(chr(10), "")}`.
    """)
    x_int = np.array([[-1, 2, 3], [2, -3, 2], [1, 5, -2]])
    page.exercise(
        "A learner writes `mask = x == np.max(x, axis=0)`. What does it return on the course's "
        "whole-number window?",
        f"""
        `{np.array2string(x_int == np.max(x_int, axis=0), separator=", ").replace(chr(10), "")}`: the
        maximum of **each column**, so {int(np.sum(x_int == np.max(x_int, axis=0)))} cells are `True`.
        The course's mask, `x == np.max(x)`, marks the one maximum of the whole window:
        `{np.array2string(tracer.create_mask_from_window(x_int), separator=", ").replace(chr(10), "")}`
        (an integer window works: the course's test passes one).
        """,
        setup=f"The window is `x = {np.array2string(x_int, separator=', ').replace(chr(10), '')}`.",
    )

    page.md(r"""
        ## Ties

        When two cells share the maximum, `x == np.max(x)` is `True` at both. The course's
        `pool_backward` then sends the **whole** gradient to each of them, so the window passes
        back twice what it received:
    """)
    # --8<-- [start:repl]
    x_tie = np.array([[1.0, 3.0], [3.0, 2.0]])
    with tracer.record() as trace:
        mask = tracer.create_mask_from_window(x_tie)
    print(mask)
    fig = trace.plot(0)
    # --8<-- [end:repl]
    prints = str(mask)
    page.figure(fig, "mask_tie", f"A {x_tie.shape[0]} by {x_tie.shape[1]} window with two equal maxima and "
                f"its mask with {int(mask.sum())} True cells")
    tie_grad = numeric_gradient(lambda: np.max(x_tie), x_tie)
    page.md(rf"""
        At a tie the maximum has no derivative: centred differences give
        ${md_matrix(tie_grad, "{:.1f}")}$ (half to each, since raising either cell raises the
        maximum but lowering one does not lower it). Frameworks pick **one** of the tied cells
        (the first) and give it everything, so that the gradient's total stays equal to
        $dA_{{h,w}}$. The course tells learners to ignore ties: with random real-valued inputs
        they almost never happen. They do happen after a ReLU, whose output is full of exact
        zeros, and with images of whole numbers.

        | who | tied cell 1 | tied cell 2 | total sent back |
        |---|---|---|---|
        | the course's mask | $dA$ | $dA$ | $2\,dA$ |
        | frameworks (first maximum) | $dA$ | 0 | $dA$ |
        | centred differences | $dA/2$ | $dA/2$ | $dA$ |

        So at a tie the course's rule is a **convention**, not a gradient: a gradient check
        disagrees with it there, and the difference shows only at ties.

        ## Step by step: overlapping windows

        With $f = 2$ and stride 1 on a $4 \times 4$ input, the windows overlap, and a cell
        that is the maximum of several windows collects the gradient of each. Here the
        upstream gradient is $dA_{{h,w}} = 1 + 3h + w$ (1 to 9) so that every sum can be
        checked by hand; the 9 in the middle of the input wins the four windows around it
        and collects $1 + 2 + 4 + 5 = 12$.
    """)
    A_prev = np.array([[1.0, 2.0, 0.0, 3.0],
                       [0.0, 9.0, 1.0, 0.0],
                       [2.0, 1.0, 0.0, 8.0],
                       [0.0, 4.0, 5.0, 1.0]]).reshape(1, 4, 4, 1)
    hparameters = {"f": 2, "stride": 1}
    A, cache = tracer.pool_forward(A_prev, hparameters, mode="max")
    dA = (1.0 + np.arange(9.0)).reshape(1, 3, 3, 1)
    with tracer.record() as back:
        dA_prev = tracer.pool_backward(dA, cache, mode="max")
    assert dA_prev[0, :, :, 0].tolist() == [[0, 0, 0, 3], [0, 12, 0, 0], [0, 0, 0, 15], [0, 7, 8, 0]]
    page.player(back, "max_back", "pool_backward in max mode, f 2, stride 1: each window sends dA to its maximum")
    e = next(e for e in back.where("pool_back_window") if (e.h, e.w) == (1, 2))
    win = A_prev[0, e.vert_start:e.vert_end, e.horiz_start:e.horiz_end, 0]
    rr, qq = np.unravel_index(np.argmax(win), win.shape)
    page.exercise(
        "Which cell of `dA_prev` does window $(1, 2)$ write to, and how much?",
        f"""
        The window reads rows {e.vert_start}:{e.vert_end} and columns {e.horiz_start}:{e.horiz_end} of
        `A_prev`, `{np.array2string(win, separator=", ").replace(chr(10), "")}`; its maximum,
        {win[rr, qq]:g}, sits at `A_prev[0, {e.vert_start + rr}, {e.horiz_start + qq}, 0]`. So it adds
        $dA_{{1,2}} = {dA[0, 1, 2, 0]:g}$ to `dA_prev[0, {e.vert_start + rr}, {e.horiz_start + qq}, 0]`
        and nothing to the other three cells.
        """,
    )
    ones = tracer.pool_backward(np.ones_like(dA), cache, mode="max")
    page.exercise(
        "If every entry of `dA` were 1, what would the 9 of the input collect?",
        f"""
        **{ones[0, 1, 1, 0]:g}**, one for each window it wins: `pool_backward(np.ones_like(dA), cache)`
        gives `{np.array2string(ones[0, :, :, 0], separator=", ").replace(chr(10), "")}`, a map of how
        many windows each cell wins.
        """,
    )
    page.md(r"""
        The result, $dA_{prev}$, is zero everywhere except at the cells that won a window:

        $$
        dA_{prev} = \begin{pmatrix} 0 & 0 & 0 & 3 \\ 0 & 12 & 0 & 0 \\ 0 & 0 & 0 & 15 \\ 0 & 7 & 8 & 0 \end{pmatrix}
        $$

        The 9 collects 12 from four windows, the 8 collects $6 + 9 = 15$ from two, and the 3,
        the 4 and the 5 win one window each. The total, $3 + 12 + 15 + 7 + 8 = 45$, is the sum
        of $dA$: without ties every window passes back exactly what it received. Step through
        the player to see each window's share land.
        The loop that does this is in [Pooling backward](pool_backward.md), with the average
        mode next to it.
    """)
    page.repl(prints=prints)


if __name__ == "__main__":
    run(build, __file__, TITLE)
