"""Pool backward put together: the whole loop, max and average, and the stride-2 trap.

Plays ``pool_backward`` at stride 2, then runs a learner's version that reads
``dA`` at the window's start instead of at the output cell: right at stride 1,
wrong (then out of range) at stride 2.
"""

# --8<-- [start:imports]
import numpy as np

import tracer
# --8<-- [end:imports]
from matplotlib.colors import ListedColormap
from tracer.render import TracerFigure as Figure  # a matplotlib Figure that Jupyter shows as an image

from _lesson import Page, run

TITLE = "Pooling backward"


# --8<-- [start:trap]
def pool_backward_window_start(dA, cache, mode="max"):
    """Max mode, reading dA at the window's start: right only at stride 1."""
    A_prev, hparameters = cache
    stride, f = hparameters["stride"], hparameters["f"]
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vert_start, horiz_start = h * stride, w * stride
                    vert_end, horiz_end = vert_start + f, horiz_start + f
                    window = A_prev[i, vert_start:vert_end, horiz_start:horiz_end, c]
                    mask = window == np.max(window)
                    # the trap: the next line should read dA[i, h, w, c]
                    g = dA[i, vert_start, horiz_start, c]
                    dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += mask * g
    return dA_prev
# --8<-- [end:trap]


def reads_figure(n_H: int, n_W: int, stride: int) -> Figure:
    """For each window (h, w) of an ``n_H x n_W`` dA, the cell of dA it reads: right, and with the trap.

    One grid cell per window, labelled with the dA cell that window reads; at the
    trap's ``(h * stride, w * stride)`` outside dA, the window raises an IndexError.
    """
    fig = Figure(figsize=(7.2, 3.9), layout="constrained")
    axes = fig.subplots(1, 2)
    titles = ["right: dA[i, h, w, c]", f"trap, stride {stride}:\ndA[i, vert_start, horiz_start, c]"]
    for ax, title, trap in zip(axes, titles, (False, True)):
        state = np.zeros((n_H, n_W))  # 0 its own cell, 1 another cell, 2 outside dA
        for h in range(n_H):
            for w in range(n_W):
                r, q = (h * stride, w * stride) if trap else (h, w)
                inside = r < n_H and q < n_W
                state[h, w] = 0 if (r, q) == (h, w) else (1 if inside else 2)
                label = f"dA[{r}, {q}]" if inside else f"dA[{r}, {q}]:\nIndexError"
                ax.text(w, h, label, ha="center", va="center", fontsize=10,
                        color="#8b0000" if not inside else "black")
        ax.imshow(state, cmap=ListedColormap(["#fff5eb", "#fdb97d", "#d9d9d9"]), vmin=0, vmax=2)
        ax.set_xticks(range(n_W))
        ax.set_yticks(range(n_H))
        ax.set_xlabel("window column w", fontsize=9)
        ax.set_ylabel("window row h", fontsize=9)
        ax.set_title(title, fontsize=10)
    return fig


def build(page: Page) -> None:
    page.md(r"""
        `pool_backward(dA, cache, mode)` puts the two previous lessons together. It walks the
        windows of the forward pass again and, for output cell $(h, w)$ of channel $c$, hands
        the upstream gradient $dA_{i,h,w,c}$ back to its window of `A_prev`:

        - **max**: all of it to the maximum of the window, through the mask
          ([Max-pool backward](max_pool_backward.md));
        - **average**: a share $dA_{i,h,w,c} / f^2$ to every cell of the window
          ([Average-pool backward](average_pool_backward.md)).

        There is no padding to cut away, and no parameter gets a gradient: pooling has none.
    """)
    page.code("tracer/pool.py:pool_backward_loop")
    page.md(r"""
        ## Step by step, stride 2

        The usual pooling layer: $f = 2$, stride 2, a $6 \times 6$ input, so the forward pass
        made a $3 \times 3$ output and $dA$ is $3 \times 3$. The windows do not overlap: every
        input cell belongs to exactly one window, and in max mode one cell of each window
        receives that window's whole $dA$.
    """)
    # --8<-- [start:repl]
    np.random.seed(3)
    A_prev = np.random.randn(1, 6, 6, 1)
    A, cache = tracer.pool_forward(A_prev, {"f": 2, "stride": 2}, mode="max")
    dA = np.arange(1.0, 10.0).reshape(1, 3, 3, 1)  # 1 to 9, one per window
    with tracer.record() as trace:
        dA_prev = tracer.pool_backward(dA, cache, mode="max")
    fig = trace.plot(4)  # step 4: the centre window
    # --8<-- [end:repl]
    assert sorted(dA_prev[dA_prev != 0].tolist()) == list(range(1, 10))
    e = trace[4]
    page.figure(fig, "centre_window", "The centre window of pool_backward at stride 2",
                f"Output cell ({e.h}, {e.w}) hands dA[0, {e.h}, {e.w}, 0] = {dA[0, e.h, e.w, 0]:g} to the maximum of "
                f"its window, rows {e.vert_start}:{e.vert_end} and columns {e.horiz_start}:{e.horiz_end}.")
    page.player(trace, "max_s2", "pool_backward in max mode, f 2, stride 2: one window per frame")
    e = next(e for e in trace.where("pool_back_window") if (e.h, e.w) == (2, 1))
    win = A_prev[0, e.vert_start:e.vert_end, e.horiz_start:e.horiz_end, 0]
    rr, qq = np.unravel_index(np.argmax(win), win.shape)
    page.exercise(
        "Which cell of `dA_prev` receives the gradient of window $(2, 1)$, and what value?",
        f"""
        The window covers rows {e.vert_start}:{e.vert_end} and columns {e.horiz_start}:{e.horiz_end};
        its maximum, {win[rr, qq]:.3f}, is at `A_prev[0, {e.vert_start + rr}, {e.horiz_start + qq}, 0]`,
        so `dA_prev[0, {e.vert_start + rr}, {e.horiz_start + qq}, 0]` = `dA[0, 2, 1, 0]` =
        **{dA_prev[0, e.vert_start + rr, e.horiz_start + qq, 0]:g}**, and the other three cells of the
        window stay 0.
        """,
    )

    page.md(r"""
        The same windows in **average** mode: each window spreads its $dA$ evenly, a quarter
        to each of its four cells, and since the windows do not overlap every cell of
        $dA_{prev}$ is one quarter of one value of $dA$.
    """)
    with tracer.record() as avg_trace:
        dA_prev_avg = tracer.pool_backward(dA, cache, mode="average")
    page.player(avg_trace, "avg_s2", "pool_backward in average mode, f 2, stride 2: one window per frame")
    r, q = 3, 4
    page.exercise(
        f"In average mode, what is `dA_prev[0, {r}, {q}, 0]`, and which window wrote it?",
        f"""
        Cell $({r}, {q})$ belongs to window $({r // 2}, {q // 2})$ (rows {2 * (r // 2)}:{2 * (r // 2) + 2},
        columns {2 * (q // 2)}:{2 * (q // 2) + 2}), whose $dA$ is {dA[0, r // 2, q // 2, 0]:g}: it gets
        {dA[0, r // 2, q // 2, 0]:g} / 4 = **{dA_prev_avg[0, r, q, 0]:g}**.
        """,
    )

    page.md(r"""
        ## The stride-2 trap

        Inside the loop there are two pairs of indices: the output cell $(h, w)$, and the
        window's start `(vert_start, horiz_start)` $= (h s, w s)$ in the input. The gradient
        belongs to the **output cell**, `dA[i, h, w, c]`. A frequent slip reads it at the
        window's start:
    """)
    page.code("lessons/pool_backward.py:trap", title="a learner's pool_backward (wrong)")

    A_s1, cache_s1 = tracer.pool_forward(A_prev, {"f": 2, "stride": 1}, mode="max")
    dA_s1 = np.random.randn(*A_s1.shape)
    same_at_stride_1 = np.array_equal(pool_backward_window_start(dA_s1, cache_s1), tracer.pool_backward(dA_s1, cache_s1))
    assert same_at_stride_1
    inside = sum(1 for h in range(dA.shape[1]) for w in range(dA.shape[2])
                 if 2 * h < dA.shape[1] and 2 * w < dA.shape[2])
    try:
        pool_backward_window_start(dA, cache)
    except IndexError as err:
        error = str(err)
    else:  # pragma: no cover - the trap always runs off a 3x3 dA at stride 2
        raise AssertionError("the trap should read past the end of dA at stride 2")
    page.md(rf"""
        At stride 1, $h s = h$: the two pairs are the same numbers, and the wrong line gives
        exactly the right answer (checked here on the same input: identical arrays). The
        course's own test of `pool_backward` uses stride 1, so it passes too.

        At stride 2 the window of output cell $(0, 1)$ starts at column 2 and reads
        `dA[i, 0, 2, c]`, the gradient of window $(0, 2)$. The next window starts at column 4,
        past the end of a `dA` with 3 columns: on the player's input the learner's function
        stops with `IndexError: {error}`. The figure shows, for the player's
        ${dA.shape[1]} \times {dA.shape[2]}$ `dA`, which cell each window reads: with the trap only
        {inside} of the {dA.shape[1] * dA.shape[2]} windows stay inside `dA`, and of those only window
        $(0, 0)$ reads its own cell.
    """)
    page.figure(reads_figure(dA.shape[1], dA.shape[2], 2), "reads",
                f"For each window of a {dA.shape[1]} by {dA.shape[2]} dA, the cell of dA it reads: right, and "
                "with the trap at stride 2",
                f"Each square is a window (h, w), labelled with the cell of dA it reads. Right: its own cell. "
                f"Trap, stride 2: (2h, 2w), inside dA for {inside} windows, an IndexError for the other "
                f"{dA.shape[1] * dA.shape[2] - inside}.")
    page.exercise(
        "With the trap at stride 2, which cell of `dA` does window $(0, 1)$ read, and whose gradient is it?",
        f"""
        `dA[0, 0, 2, 0]` = {dA[0, 0, 2, 0]:g}, the gradient of window $(0, 2)$, instead of its own
        `dA[0, 0, 1, 0]` = {dA[0, 0, 1, 0]:g}. Window $(0, 2)$ then reads column 4 and raises
        `IndexError`, so the learner never sees the wrong value.
        """,
    )
    page.md(r"""
        !!! tip "Test with a stride of 2"
            A check that uses stride 1 cannot tell `dA[i, h, w, c]` from
            `dA[i, vert_start, horiz_start, c]`. Check your `pool_backward` with
            `{"f": 2, "stride": 2}` as well, against tracer's:
            `np.allclose(your_pool_backward(dA, cache), tracer.pool_backward(dA, cache))`.
    """)
    np.random.seed(1)
    A_ref = np.random.randn(5, 5, 3, 2)
    A_out, cache_ref = tracer.pool_forward(A_ref, {"stride": 1, "f": 2})
    dA_ref = np.random.randn(5, 4, 2, 2)
    max_ref = tracer.pool_backward(dA_ref, cache_ref, mode="max")
    avg_ref = tracer.pool_backward(dA_ref, cache_ref, mode="average")
    assert np.allclose(max_ref[1, 1], [[0, 0], [5.05844394, -1.68282702], [0, 0]])
    assert np.allclose(avg_ref[1, 1], [[0.08485462, 0.2787552], [1.26461098, -0.25749373], [1.17975636, -0.53624893]])

    def show(x: np.ndarray) -> str:
        return np.array2string(x, precision=8, separator=", ").replace(chr(10), "")

    page.md(rf"""
        ## Check yours against the course

        The course's test: `np.random.seed(1)`, `A_prev = np.random.randn{A_ref.shape}`,
        `pool_forward` with `{{"stride": 1, "f": 2}}` (so `A` has shape `{A_out.shape}`), then
        `dA = np.random.randn{dA_ref.shape}`:

        - `np.mean(dA)` = `{float(np.mean(dA_ref))!r}`
        - max mode: `dA_prev[1, 1]` = `{show(max_ref[1, 1])}`
        - average mode: `dA_prev[1, 1]` = `{show(avg_ref[1, 1])}`

        It uses stride 1: it passes with the trap above. Run yours at stride 2 as well.
    """)
    page.repl()


if __name__ == "__main__":
    run(build, __file__, TITLE)
