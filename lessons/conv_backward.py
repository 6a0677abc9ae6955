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


# --8<-- [start:reset_trap]
def conv_backward_reset(dZ, cache):
    """A learner's conv_backward that starts dW and db again for every example."""
    (A_prev, W, b, hparameters) = cache
    (m, n_H, n_W, n_C) = dZ.shape
    f, stride, pad = W.shape[0], hparameters["stride"], hparameters["pad"]
    A_prev_pad = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    dA_prev_pad = np.zeros(A_prev_pad.shape)
    for i in range(m):
        dW, db = np.zeros(W.shape), np.zeros(b.shape)  # the trap: belongs before the loop
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs, g = h * stride, w * stride, dZ[i, h, w, c]
                    dA_prev_pad[i, vs:vs + f, hs:hs + f, :] += W[:, :, :, c] * g
                    dW[:, :, :, c] += A_prev_pad[i, vs:vs + f, hs:hs + f, :] * g
                    db[:, :, :, c] += g
    dA_prev = dA_prev_pad[:, pad:pad + A_prev.shape[1], pad:pad + A_prev.shape[2], :]
    return dA_prev, dW, db
# --8<-- [end:reset_trap]


def conv_backward_assign(dZ, cache):
    """The same loop with ``=`` instead of ``+=`` into dA_prev_pad (the last window wins)."""
    (A_prev, W, b, hparameters) = cache
    f, stride, pad = W.shape[0], hparameters["stride"], hparameters["pad"]
    A_prev_pad = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    dA_prev_pad = np.zeros(A_prev_pad.shape)
    for i in range(dZ.shape[0]):
        for h in range(dZ.shape[1]):
            for w in range(dZ.shape[2]):
                for c in range(dZ.shape[3]):
                    vs, hs = h * stride, w * stride
                    dA_prev_pad[i, vs:vs + f, hs:hs + f, :] = W[:, :, :, c] * dZ[i, h, w, c]
    return dA_prev_pad[:, pad:pad + A_prev.shape[1], pad:pad + A_prev.shape[2], :]


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
    # --8<-- [start:repl]
    # small whole numbers, so that every step can be checked by hand
    A_prev = (np.arange(16.0).reshape(1, 4, 4, 1) % 3) - 1  # -1, 0, 1
    W = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]]).reshape(3, 3, 1, 1)
    b = np.zeros((1, 1, 1, 1))
    Z, cache = tracer.conv_forward(A_prev, W, b, {"stride": 1, "pad": 1})
    dZ = np.arange(1.0, Z.size + 1).reshape(Z.shape)  # 1, 2, 3, ... one per window
    with tracer.record() as trace:
        dA_prev, dW, db = tracer.conv_backward(dZ, cache)
    fig = trace.plot(5)  # step 5: the window of output cell (1, 1)
    # --8<-- [end:repl]
    n, f, pad = A_prev.shape[1], W.shape[0], cache[3]["pad"]
    page.md(rf"""
        ## Step by step

        A ${n} \times {n}$ input, one ${f} \times {f}$ filter, pad {pad}, stride 1 (a same convolution,
        so $dZ$ is ${dZ.shape[1]} \times {dZ.shape[2]}$ too). The numbers are small and whole:
        `A_prev` holds -1, 0 and 1, the filter is a vertical-edge detector, and
        $dZ_{{h,w}} = 1 + {dZ.shape[2]}h + w$, so every share can be checked by hand. Each frame is one
        window: the filter, scaled by $g$, lands on the padded $dA_{{prev}}$, while $dW$ and $db$ grow.
    """)
    e5 = trace[5]
    page.figure(fig, "window_1_1", f"One window of conv_backward, output cell ({e5.h}, {e5.w}): its share of "
                "dA_prev, dW and db",
                f"Output cell ({e5.h}, {e5.w}), g = {dZ[0, e5.h, e5.w, 0]:g}: the filter scaled by g lands on "
                "dA_prev_pad (top row); the window scaled by g lands on dW, and g on db (bottom row).")
    page.player(trace, "back_pad1", f"conv_backward with pad {pad}, stride 1, on a {n} by {n} input: one window per frame")
    e = next(e for e in trace.where("conv_back_window") if (e.h, e.w) == (0, 1))
    page.exercise(
        "Which cells of `dA_prev_pad` does window $(0, 1)$ add to, and what does it add at the window's "
        "top-left cell?",
        f"""
        Rows {e.vert_start}:{e.vert_end} and columns {e.horiz_start}:{e.horiz_end} of the padded
        gradient ({f * f} cells, those its forward window read). It adds `W[..., 0] * g` with
        $g = dZ_{{0,1}} = {dZ[0, 0, 1, 0]:g}$, so at the top-left cell,
        `dA_prev_pad[0, {e.vert_start}, {e.horiz_start}, 0]`, it adds
        ${W[0, 0, 0, 0]:g} \\cdot {dZ[0, 0, 1, 0]:g} = {W[0, 0, 0, 0] * dZ[0, 0, 1, 0]:g}$. That cell is
        in the padding: it is thrown away at the end.
        """,
    )
    page.exercise(
        "What are `db` and `dW[1, 1, 0, 0]` (the filter's centre) at the end?",
        f"""
        `db` is the sum of `dZ`: $1 + 2 + \\dots + {dZ.size} = {float(db.ravel()[0]):g}$. The centre weight
        met every real input cell once (pad {pad}, stride 1), so `dW[1, 1, 0, 0]` is
        $\\sum_{{h,w}} A_{{h,w}} \\, dZ_{{h,w}}$ = **{float(dW[1, 1, 0, 0]):g}**, what the traced loop returned.
        """,
    )

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

    # dA_prev as a full correlation of dZ with the flipped filter (stride 1, one channel)
    flipped = W[::-1, ::-1, :, :]
    full, _ = tracer.fast.conv_forward(dZ, flipped, np.zeros((1, 1, 1, 1)), {"stride": 1, "pad": f - 1})
    assert np.allclose(full[:, pad:pad + n, pad:pad + n, :], dA_prev)
    page.md(rf"""
        ## `dA_prev` is a convolution too

        Add up the shares of every window and, at stride 1, $dA_{{prev,pad}}$ is a **full**
        correlation of $dZ$ with the filter turned by 180 degrees: pad $dZ$ by $f - 1 = {f - 1}$
        on every side and slide `W[::-1, ::-1]` over it, a `conv_forward` of its own. Cutting the
        `pad = {pad}` border leaves `dA_prev`. On the example above, `conv_forward(dZ, W[::-1, ::-1],
        0, {{"stride": 1, "pad": {f - 1}}})` cut to the centre equals the loop's `dA_prev` in every cell.
        (With a stride of 2 or more, $dZ$ must first be spread out with zeros between its
        cells: the transposed convolution.) The loop above does the same sum, one window at a
        time, which is the shape of the course's exercise.
    """)

    wrong = conv_backward_assign(dZ, cache)
    r, q = next((r, q) for r in range(n) for q in range(n) if not np.isclose(wrong[0, r, q, 0], dA_prev[0, r, q, 0]))
    page.md(rf"""
        !!! warning "`=` instead of `+=`"
            Every input cell that several windows read must **add** their shares. With
            `dA_prev_pad[i, window] = W[..., c] * g`, each window overwrites the last, and the cell
            keeps only the share of the last window that read it: on the example above
            `dA_prev[0, {r}, {q}, 0]` comes out `{wrong[0, r, q, 0]:g}` instead of `{dA_prev[0, r, q, 0]:g}`.
            The same slip in `dW[..., c] = ...` or `db[..., c] = ...` keeps one window's share of
            the weights; in `pool_backward`, one window's share where windows overlap.
    """)
    page.exercise(
        "With `=` instead of `+=`, which window's share does `dA_prev[0, 1, 1, 0]` keep?",
        f"""
        The last window that reads it, in the loop's order (rows, then columns): window
        $({min(dZ.shape[1] - 1, 1 + pad)}, {min(dZ.shape[2] - 1, 1 + pad)})$, whose share there is
        `{wrong[0, 1, 1, 0]:g}`. The right value, the sum of {int(sum(1 for e in trace.where("conv_back_window") if e.vert_start <= 1 + pad < e.vert_end and e.horiz_start <= 1 + pad < e.horiz_end))} shares,
        is `{dA_prev[0, 1, 1, 0]:g}`.
        """,
    )

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
    dA_r, dW_r, db_r = conv_backward_reset(Z_ref, cache_ref)
    assert np.allclose(dA_r, dA_ref)
    page.md(rf"""
        !!! warning "`dW` and `db` reset for every example"
            `dW` and `db` sum over **all** examples: they are set to zero once, before the loop over
            `i`. A learner who writes the zeros inside that loop keeps the last example only:
    """)
    page.code("lessons/conv_backward.py:reset_trap", title="a learner's conv_backward (wrong)")
    page.md(rf"""
        On the course's test it returns the right `dA_prev` (mean `{float(np.mean(dA_r))!r}`), but
        `np.mean(dW)` = `{float(np.mean(dW_r))!r}` and `np.mean(db)` = `{float(np.mean(db_r))!r}`
        instead of `{float(np.mean(dW_ref))!r}` and `{float(np.mean(db_ref))!r}`. With one example, as in
        the player above, nobody can tell.
    """)
    page.exercise(
        "Why does the reset version still return the right `dA_prev`?",
        f"""
        Each example writes only its own slice, `dA_prev_pad[i]`, so nothing of example `i` is lost when
        the next one starts; `dW` and `db` are sums **over the examples**, and resetting them keeps the
        last example's share only: its `db` is the sum of `dZ[{A_ref.shape[0] - 1}]`,
        `{np.array2string(db_r.ravel()[:3], precision=4, separator=", ")}...`, against
        `{np.array2string(db_ref.ravel()[:3], precision=4, separator=", ")}...` over all {A_ref.shape[0]}.
        """,
    )
    page.repl()


if __name__ == "__main__":
    run(build, __file__, TITLE)
