"""Convolution backward: how each window adds into dA_prev, dW and db, and cutting the padding away.

Plays ``conv_backward`` window by window, checks its gradients with centred
differences and against the course's reference means, and shows the
``pad:-pad`` trap at pad 0.
"""

# --8<-- [start:imports]
import numpy as np

import tracer
from tracer.gradcheck import numeric_gradient, relative_error
# --8<-- [end:imports]
from _lesson import Page, run

TITLE = "Convolution backward"


def build(page: Page) -> None:
    page.md(r"""
        In the forward pass, output cell $Z_{i,h,w,c}$ was made from one window of the padded
        input and one filter: $Z_{i,h,w,c} = \sum a_{\text{slice}} \cdot W_{:,:,:,c} + b_c$. The
        backward pass receives $dZ = \partial \mathcal{J} / \partial Z$ and walks the same
        windows. Each window, with its upstream gradient $g = dZ_{i,h,w,c}$, adds three things:

        $$
        \begin{aligned}
        dA_{prev,pad}[i, \text{window}, :] &\mathrel{+}= W_{:,:,:,c} \; g \\
        dW_{:,:,:,c} &\mathrel{+}= a_{\text{slice}} \; g \\
        db_{c} &\mathrel{+}= g
        \end{aligned}
        $$

        - every input cell of the window moved $Z_{i,h,w,c}$ by its weight, so it gets $W \cdot g$;
        - every weight moved $Z_{i,h,w,c}$ by the input cell it met, so it gets $a \cdot g$;
        - the bias moved $Z_{i,h,w,c}$ one for one, so it gets $g$.

        Summed over every window: $db_c = \sum_{i,h,w} dZ_{i,h,w,c}$, and $dW_c$ is the input
        correlated with $dZ$. An input cell read by several windows (they overlap whenever
        the stride is smaller than $f$) collects a share from each, hence the `+=`.
    """)
    page.code("tracer/conv.py:conv_backward_loop")
    page.md(r"""
        ## Step by step

        A $4 \times 4$ input, one $3 \times 3$ filter, pad 1, stride 1 (a same convolution, so
        $dZ$ is $4 \times 4$ too). Each frame is one window: the filter, scaled by $g$, lands
        on the padded $dA_{prev}$, while $dW$ and $db$ grow.
    """)
    # --8<-- [start:repl]
    np.random.seed(1)
    A_prev = np.random.randn(1, 4, 4, 1)
    W = np.random.randn(3, 3, 1, 1)
    b = np.random.randn(1, 1, 1, 1)
    Z, cache = tracer.conv_forward(A_prev, W, b, {"stride": 1, "pad": 1})
    dZ = np.random.randn(*Z.shape)
    with tracer.record() as trace:
        dA_prev, dW, db = tracer.conv_backward(dZ, cache)
    fig = trace.plot(5)  # the window of output cell (1, 1)
    # --8<-- [end:repl]
    page.figure(fig, "window_1_1", "One window of conv_backward: its share of dA_prev, dW and db",
                "Step 6, output cell (1, 1): the filter scaled by g lands on dA_prev_pad (top row); "
                "the window scaled by g lands on dW, and g on db (bottom row).")
    page.player(trace, "back_pad1", "conv_backward with pad 1, stride 1: one window per frame")

    def cost() -> float:  # J = sum(Z * dZ), so that dJ/dZ = dZ
        Z_now, _ = tracer.fast.conv_forward(A_prev, W, b, {"stride": 1, "pad": 1})
        return float(np.sum(Z_now * dZ))

    errors = {
        "dA_prev": relative_error(dA_prev, numeric_gradient(cost, A_prev)),
        "dW": relative_error(dW, numeric_gradient(cost, W)),
        "db": relative_error(db, numeric_gradient(cost, b)),
    }
    assert max(errors.values()) < 1e-7, errors
    rows = "\n".join(f"| `{k}` | {v:.1e} |" for k, v in errors.items())
    page.md(rf"""
        ## Checking the gradients

        Take the cost $\mathcal{{J}} = \sum Z \cdot dZ$ for a fixed $dZ$: its gradient with
        respect to $Z$ is exactly $dZ$, so `conv_backward(dZ, cache)` must return its gradients
        with respect to `A_prev`, `W` and `b`. Centred differences,
        $(\mathcal{{J}}(x + \varepsilon) - \mathcal{{J}}(x - \varepsilon)) / 2\varepsilon$ one cell at a
        time with $\varepsilon = 10^{{-6}}$, agree with the loop above on the example of the player:
    """)
    page.md("| gradient | relative error $\\lVert a - b \\rVert / (\\lVert a \\rVert + \\lVert b \\rVert)$ |\n|---|---|\n" + rows)

    page.md(r"""
        ## Cutting the padding away

        The loop works on the padded `dA_prev_pad`, because the windows were taken from the
        padded input. The gradient with respect to the zeros of the padding is thrown away at
        the end: the real input sits at rows and columns `pad` to `pad + n_H_prev`. The course
        suggests `da_prev_pad[pad:-pad, pad:-pad, :]`, which is right for every `pad` but one:
    """)
    # numpy's own answer to the slice that learners write
    x = np.arange(16.0).reshape(4, 4)
    empty = x[0:-0, 0:-0]
    assert empty.shape == (0, 0)
    kept = x[0 : 0 + 4, 0 : 0 + 4]
    assert kept.shape == (4, 4)
    dA_prev_learner = np.zeros((1, 4, 4, 1))
    try:
        dA_prev_learner[0, :, :, :] = np.zeros((4, 4, 1))[0:-0, 0:-0, :]
    except ValueError as err:
        message = str(err)
    else:  # pragma: no cover - numpy always refuses
        raise AssertionError("assigning an empty slice should fail")
    page.md(rf"""
        | slice, with `pad = 0` on a $4 \times 4$ array | shape |
        |---|---|
        | `x[pad:-pad, pad:-pad]` = `x[0:-0, 0:-0]` = `x[0:0, 0:0]` | `{empty.shape}` |
        | `x[pad:pad + n_H_prev, pad:pad + n_W_prev]` | `{kept.shape}` |

        `-0` is `0`, so `0:-0` is the empty slice `0:0`. At pad 0 the learner's line
        `dA_prev[i, :, :, :] = da_prev_pad[0:-0, 0:-0, :]` stops with
        `ValueError: {message}`. The course's own test uses `pad = 2`, so it cannot notice. Slicing with the explicit end,
        as tracer's loop does, is right at every pad.
    """)

    np.random.seed(1)
    A_ref = np.random.randn(10, 4, 4, 3)
    W_ref = np.random.randn(2, 2, 3, 8)
    b_ref = np.random.randn(1, 1, 1, 8)
    Z_ref, cache_ref = tracer.conv_forward(A_ref, W_ref, b_ref, {"pad": 2, "stride": 2})
    dA_ref, dW_ref, db_ref = tracer.conv_backward(Z_ref, cache_ref)
    assert abs(np.mean(dA_ref) - 1.4524377775388075) < 1e-12
    assert abs(np.mean(dW_ref) - 1.7269914583139097) < 1e-12
    assert abs(np.mean(db_ref) - 7.839232564616838) < 1e-12
    page.md(rf"""
        ## Check yours against the course

        The course's test: `np.random.seed(1)`, `A_prev` of shape $(10, 4, 4, 3)$, `W` of shape
        $(2, 2, 3, 8)$, `b` of shape $(1, 1, 1, 8)$, `conv_forward` with
        `{{"pad": 2, "stride": 2}}`, then `conv_backward(Z, cache)` (so $dZ = Z$):

        - `np.mean(dA_prev)` = `{float(np.mean(dA_ref))!r}`
        - `np.mean(dW)` = `{float(np.mean(dW_ref))!r}`
        - `np.mean(db)` = `{float(np.mean(db_ref))!r}`

        These pass with the `pad:-pad` slice too; try your function at `"pad": 0` as well.
    """)
    page.repl()


if __name__ == "__main__":
    run(build, __file__, TITLE)
