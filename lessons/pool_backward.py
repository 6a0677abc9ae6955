"""Pool backward put together: the whole loop, max and average, and the stride-2 trap.

Plays ``pool_backward`` at stride 2, then runs a learner's version that reads
``dA`` at the window's start instead of at the output cell: right at stride 1,
wrong (then out of range) at stride 2.
"""

# --8<-- [start:imports]
import numpy as np

import tracer
# --8<-- [end:imports]
from matplotlib.figure import Figure

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


def reads_figure(n_H: int, stride: int) -> Figure:
    """Which cell of ``dA`` (n_H x n_H) each window reads: by (h, w), and by the window's start."""
    fig = Figure(figsize=(7.2, 3.6), layout="constrained")
    axes = fig.subplots(1, 2)
    titles = ["right: dA[i, h, w, c]", f"trap: dA[i, vert_start, horiz_start, c], stride {stride}"]
    for ax, title, trap in zip(axes, titles, (False, True)):
        labels = [[[] for _ in range(n_H)] for _ in range(n_H)]
        off = []
        for h in range(n_H):
            for w in range(n_H):
                r, q = (h * stride, w * stride) if trap else (h, w)
                if r < n_H and q < n_H:
                    labels[r][q].append(f"({h},{w})")
                else:
                    off.append(f"({h},{w})")
        used = np.array([[len(labels[r][q]) for q in range(n_H)] for r in range(n_H)])
        ax.imshow(used, cmap="Oranges", vmin=0, vmax=3)
        for r in range(n_H):
            for q in range(n_H):
                ax.text(q, r, "\n".join(labels[r][q]) or "unread", ha="center", va="center",
                        fontsize=8, color="0.45" if not labels[r][q] else "black")
        ax.set_xticks(range(n_H))
        ax.set_yticks(range(n_H))
        ax.set_title(title, fontsize=9)
        if off:
            ax.set_xlabel(f"{len(off)} windows read past the end of dA", fontsize=9, color="#b00020")
    fig.suptitle(f"The cell of dA that each window (h, w) reads, {n_H}x{n_H} dA", fontsize=10)
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
    page.code("tracer/conv.py:pool_backward_loop")
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
    fig = trace.plot(4)  # the centre window
    # --8<-- [end:repl]
    assert sorted(dA_prev[dA_prev != 0].tolist()) == list(range(1, 10))
    page.figure(fig, "centre_window", "The centre window of pool_backward at stride 2",
                "Output cell (1, 1) hands dA[0, 1, 1, 0] = 5 to the maximum of its window, rows 2:4 and columns 2:4.")
    page.player(trace, "max_s2", "pool_backward in max mode, f 2, stride 2: one window per frame")

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
        stops with `IndexError: {error}`. The figure shows, for a $4 \times 4$ `dA`, which cell
        each window would read: only a quarter of the windows stay inside `dA`, and of those
        only window $(0, 0)$ reads its own cell.
    """)
    page.figure(reads_figure(4, 2), "reads", "Which cell of dA each window reads, right and with the trap",
                "Right: window (h, w) reads dA[h, w], each cell once. Trap, stride 2: windows (0,0), (0,1), "
                "(1,0), (1,1) read cells (0,0), (0,2), (2,0), (2,2); the other 12 run off the end.")
    page.md(r"""
        !!! tip "Test with a stride of 2"
            A check that uses stride 1 cannot tell `dA[i, h, w, c]` from
            `dA[i, vert_start, horiz_start, c]`. Check your `pool_backward` with
            `{"f": 2, "stride": 2}` as well, against tracer's:
            `np.allclose(your_pool_backward(dA, cache), tracer.pool_backward(dA, cache))`.
    """)
    page.repl()


if __name__ == "__main__":
    run(build, __file__, TITLE)
