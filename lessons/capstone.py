"""Capstone: a small convolutional network, built from the course's layers, reads handwritten digits.

Trains ``CONV -> RELU -> MAXPOOL -> DENSE -> SOFTMAX`` (tracer.capstone, on the
vectorized twins of tracer.fast) on scikit-learn's 8x8 digits, checks its
gradient with centred differences and its first step against the traced course
loops, then traces one digit through the trained convolution and pooling.
Prints the test accuracy and the training time.
"""

# --8<-- [start:imports]
import numpy as np

import tracer
from tracer import capstone, fast, render
from tracer.gradcheck import numeric_gradient, relative_error
# --8<-- [end:imports]
import time

from tracer.render import TracerFigure as Figure  # a matplotlib Figure that Jupyter shows as an image

from _lesson import Page, run

TITLE = "Capstone: reading digits"

N_FILTERS = 8
EPOCHS = 30
BATCH_SIZE = 32
LEARNING_RATE = 0.2
SEED = 0


def digits_figure(X: np.ndarray, y: np.ndarray) -> Figure:
    """The first training image of each class, 0 to 9."""
    fig = Figure(figsize=(8.0, 1.2), layout="constrained")
    axes = fig.subplots(1, 10)
    for digit, ax in enumerate(axes):
        j = int(np.flatnonzero(y == digit)[0])
        ax.imshow(X[j, :, :, 0], cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(str(digit), fontsize=9)
        ax.set_axis_off()
    return fig


def curves_figure(history: capstone.History) -> Figure:
    """Training loss, and training and test accuracy, per epoch."""
    fig = Figure(figsize=(8.0, 3.0), layout="constrained")
    ax_loss, ax_acc = fig.subplots(1, 2)
    ax_loss.plot(history.epoch, history.train_loss, color="#0072B2", marker=".")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("training loss (cross-entropy)")
    ax_loss.set_ylim(bottom=0)
    ax_acc.plot(history.epoch, history.train_accuracy, color="#0072B2", marker=".", label="training images")
    ax_acc.plot(history.epoch, history.test_accuracy, color="#D55E00", marker=".", label="test images")
    ax_acc.axhline(0.95, color="#b8b8b8", lw=1, ls="--")
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("accuracy")
    ax_acc.set_ylim(0, 1.01)
    ax_acc.legend(fontsize=8, loc="lower right")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
    return fig


def filters_figure(W1: np.ndarray) -> Figure:
    """The learned 3x3 filters, one panel each, on a shared diverging scale."""
    n = W1.shape[3]
    fig = Figure(figsize=(1.1 * n, 1.5), layout="constrained")
    axes = fig.subplots(1, n)
    vmax = float(np.abs(W1).max())
    for c, ax in enumerate(axes):
        ax.imshow(W1[:, :, 0, c], cmap="RdBu_r", vmin=-vmax, vmax=vmax)
        ax.set_title(f"filter {c}", fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    return fig


def traced_pass_figure(trace: tracer.Trace, digit: np.ndarray, label: int, predicted: int) -> Figure:
    """The digit, each feature map after the relu, and the cells max pooling kept (from the trace).

    Draws only what the trace recorded: the pooling call's input (the relu'd
    feature maps), and the ``max_row, max_col`` of every pooling window event.
    """
    pool_call = next(c for c in trace.calls if c.name == "pool_forward")
    A1 = pool_call.arrays["A_prev"][0]  # (8, 8, n_C): the relu'd feature maps
    pooled = pool_call.result["A"][0]  # (4, 4, n_C)
    n_C = A1.shape[2]
    per_row = (n_C + 1) // 2  # the filters in two bands, each a row of feature maps over their pooled maps
    fig = Figure(figsize=(1.75 * (per_row + 1), 7.2), layout="constrained")
    axes = fig.subplots(4, per_row + 1)
    axes[0, 0].imshow(digit, cmap="gray_r", vmin=0, vmax=1)
    axes[0, 0].set_title(f"a test {label}", fontsize=10)
    axes[1, 0].text(0.5, 0.5, f"below each map:\nits 4 x 4\nmax pool\n\npredicted: {predicted}",
                    ha="center", va="center", fontsize=10)
    vmax = float(A1.max()) or 1.0
    for c in range(n_C):
        band, col = divmod(c, per_row)
        ax, ax_pool = axes[2 * band, col + 1], axes[2 * band + 1, col + 1]
        ax.imshow(A1[:, :, c], cmap="Greys", vmin=0, vmax=vmax)
        kept = [(e.max_row, e.max_col) for e in trace.where("pool_window", c=c) if e.value > 0]
        if kept:
            rows, cols = zip(*kept)
            ax.scatter(cols, rows, s=42, facecolors="none", edgecolors="#009E73", linewidths=1.8)
        for k in range(1, 4):
            ax.axhline(2 * k - 0.5, color="#E69F00", lw=0.8)
            ax.axvline(2 * k - 0.5, color="#E69F00", lw=0.8)
        ax.set_title(f"relu(Z), filter {c}", fontsize=10)
        ax_pool.imshow(pooled[:, :, c], cmap="Greys", vmin=0, vmax=vmax)
    for ax in axes.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes[:, 0][1:]:
        ax.set_axis_off()
    for c in range(n_C, 2 * per_row):  # an odd number of filters leaves one slot empty
        band, col = divmod(c, per_row)
        axes[2 * band, col + 1].set_axis_off()
        axes[2 * band + 1, col + 1].set_axis_off()
    return fig


def build(page: Page) -> None:
    X_train, y_train, X_test, y_test = capstone.load_digits_split(seed=SEED)
    page.md(rf"""
        The layers of the earlier lessons are enough to build a network that reads
        handwriting. The data: the {len(X_train) + len(X_test)} handwritten digits that
        scikit-learn ships (no download), $8 \times 8$ pixels of 17 grey levels, scaled to
        $[0, 1]$. A fixed, stratified split keeps {len(X_train)} images to train on and
        {len(X_test)} to test with; the network never learns from the test images.
    """)
    page.figure(digits_figure(X_train, y_train), "digits", "Ten handwritten 8 by 8 digits, 0 to 9")
    page.md(rf"""
        ## The network

        $$
        \begin{{aligned}}
        X_{{(m, 8, 8, 1)}}
        &\xrightarrow{{\text{{conv }} 3 \times 3,\ \text{{pad }} 1}} Z^{{[1]}}_{{(m, 8, 8, {N_FILTERS})}} \\
        &\xrightarrow{{\text{{relu}}}} A^{{[1]}}
        \xrightarrow{{\text{{max pool }} 2 \times 2}} P^{{[1]}}_{{(m, 4, 4, {N_FILTERS})}} \\
        &\xrightarrow{{\text{{flatten, dense}}}} \text{{logits}}_{{(m, 10)}}
        \xrightarrow{{\text{{softmax}}}} \hat{{y}}_{{(m, 10)}}
        \end{{aligned}}
        $$

        {N_FILTERS} filters of $3 \times 3$ with `pad = 1` keep the $8 \times 8$ size (a *same*
        convolution); $2 \times 2$ max pooling with stride 2 halves it; a dense layer maps the
        ${4 * 4 * N_FILTERS}$ pooled values to ten scores, and the softmax turns them into
        probabilities. That is
        {3 * 3 * N_FILTERS + N_FILTERS + 16 * N_FILTERS * 10 + 10} parameters. The forward pass,
        with `impl` the module the convolution and pooling come from:
    """)
    page.code("tracer/capstone.py:forward")
    page.md(r"""
        The backward pass runs the same layers in reverse. Softmax and cross-entropy together
        have the simplest gradient of all, $\hat{y} - \text{one\_hot}(y)$; then the dense
        layer, `pool_backward` (each gradient to the maximum of its window), the relu, and
        `conv_backward`:
    """)
    page.code("tracer/capstone.py:backward")

    # the gradient, checked with centred differences on a tiny batch, in float64
    rng = np.random.default_rng(1)
    X_tiny = rng.standard_normal((3, 6, 6, 1))
    y_tiny = np.array([3, 1, 4])
    p_tiny = capstone.init_params((6, 6, 1), n_filters=2, seed=1)
    p_tiny["b1"] = rng.standard_normal(p_tiny["b1"].shape) * 0.1
    probs, cache = capstone.forward(X_tiny, p_tiny, fast)
    grads = capstone.backward(probs, y_tiny, cache, p_tiny, fast)
    errors = {}
    for name in ("W1", "b1", "W2", "b2"):
        numeric = numeric_gradient(lambda: capstone.loss(capstone.forward(X_tiny, p_tiny, fast)[0], y_tiny),
                                   p_tiny[name])
        errors[name] = relative_error(grads["d" + name], numeric)
    assert max(errors.values()) < 1e-6, errors
    rows = "\n".join(f"| `d{k}` | {v:.1e} |" for k, v in errors.items())
    page.md(r"""
        Before training on it, check it: on three random $6 \times 6$ images (continuous
        values, so that no pooling window has two equal maxima), every parameter is moved by
        $\pm 10^{-6}$ in turn and the loss recomputed. The centred differences agree with
        `backward`:
    """)
    page.md("| gradient | relative error |\n|---|---|\n" + rows)

    # the same first step on the traced course loops and on the fast twins
    X_few, y_few = X_train[:8], y_train[:8]
    start = capstone.init_params((8, 8, 1), n_filters=N_FILTERS, seed=SEED)
    after, seconds = {}, {}
    for impl in (fast, tracer):
        t0 = time.perf_counter()
        probs, cache = capstone.forward(X_few, start, impl)
        after[impl.__name__] = capstone.step(start, capstone.backward(probs, y_few, cache, start, impl), LEARNING_RATE)
        seconds[impl.__name__] = time.perf_counter() - t0
    gap = max(float(np.max(np.abs(after["tracer"][k] - after["tracer.fast"][k]))) for k in start)
    assert gap < 1e-10, gap
    page.md(rf"""
        ## Training

        `capstone.forward` and `capstone.backward` take the implementation as an argument:
        `tracer.fast`, the vectorized twins, or `tracer` itself, the course's loops that
        emit a trace event per window. One step on 8 images gives the same parameters with
        both (largest difference {gap:.0e}), but the loops took {seconds["tracer"] * 1e3:.0f} ms
        and the twins {seconds["tracer.fast"] * 1e3:.1f} ms. Training uses the twins: plain
        mini-batch gradient descent, {EPOCHS} epochs over the training images in batches of
        {BATCH_SIZE}, shuffled by a seeded generator, learning rate {LEARNING_RATE}.
    """)
    page.code("tracer/capstone.py:train_epoch")
    # --8<-- [start:repl]
    X_train, y_train, X_test, y_test = capstone.load_digits_split(seed=0)
    params = capstone.init_params((8, 8, 1), n_filters=8, seed=0)
    params, history = capstone.train(
        X_train, y_train, X_test, y_test, params, fast,
        epochs=30, batch_size=32, learning_rate=0.2, seed=0,
    )
    print(history)
    digit = X_test[:1]  # one test image, (1, 8, 8, 1)
    with tracer.record() as trace:  # the traced loops, on the trained filters
        W1, b1 = params["W1"], params["b1"]
        Z1, _ = tracer.conv_forward(digit, W1, b1, capstone.CONV)
        P1, _ = tracer.pool_forward(np.maximum(0, Z1), capstone.POOL, mode="max")
    print(trace)
    fig = trace.plot(193)  # filter 0's window at output cell (3, 0)
    # --8<-- [end:repl]
    assert (N_FILTERS, EPOCHS, BATCH_SIZE, LEARNING_RATE, SEED) == (8, 30, 32, 0.2, 0)  # the values the repl region uses
    final = history.test_accuracy[-1]
    print(f"capstone: test accuracy {final:.4f} after {EPOCHS} epochs, training time {history.seconds:.1f} s "
          f"(at least 0.95 in at most 60 s is required: {'met' if final >= 0.95 and history.seconds <= 60 else 'NOT met'})")
    best = int(np.argmax(history.test_accuracy))
    page.figure(curves_figure(history), "curves",
                "Training loss falling and accuracy rising over the epochs, for training and test images",
                f"After {EPOCHS} epochs ({history.seconds:.1f} s of training on this machine): "
                f"{history.train_accuracy[-1]:.1%} of the training images and {final:.1%} of the test images are read right.")
    page.md(rf"""
        The test accuracy reaches {final:.1%} (best {history.test_accuracy[best]:.1%} at epoch
        {history.epoch[best]}), close to the training accuracy: with so few parameters the
        network has little room to memorise the training images. The batches of an epoch
        have nearly equal sizes ({len(X_train)} images in {-(-len(X_train) // BATCH_SIZE)}
        batches of {len(X_train) // -(-len(X_train) // BATCH_SIZE)} or
        {len(X_train) // -(-len(X_train) // BATCH_SIZE) + 1}): cut into batches of exactly
        {BATCH_SIZE}, the last one would hold {len(X_train) % BATCH_SIZE} images and take a
        step as large as the others from a far noisier gradient, which is enough to knock
        the accuracy down by ten points or more at the end of some epochs.

        ## What the filters learned

        Each filter is a $3 \times 3$ pattern of weights; the convolution answers strongly
        where the image looks like the filter. Red weights reward ink, blue ones punish it:
        several filters are edge detectors (ink on one side, none on the other).
    """)
    page.figure(filters_figure(params["W1"]), "filters", "The eight learned 3 by 3 filters")
    predicted = int(np.argmax(capstone.forward(digit, params, fast)[0]))
    np.testing.assert_allclose(P1, fast.pool_forward(np.maximum(0, Z1), capstone.POOL)[0])
    page.md(rf"""
        ## One digit, traced

        The trained filters, run on one test image through the *traced* course loops:
        `conv_forward` recorded {len(trace.where("conv_window"))} windows (64 cells times
        {N_FILTERS} filters) and `pool_forward` {len(trace.where("pool_window"))}. Each feature
        map after the relu shows the orange $2 \times 2$ pooling windows and, circled in green,
        the cell each window kept (its `max_row, max_col`, read from the trace; windows that are
        all zero are left unmarked); below it is the pooled $4 \times 4$ result that the dense
        layer reads. The network predicts **{predicted}** for this **{int(y_test[0])}**.
    """)
    page.figure(traced_pass_figure(trace, digit[0, :, :, 0], int(y_test[0]), predicted), "traced_pass",
                "A test digit, its eight feature maps with the cells max pooling kept, and the pooled maps")
    pool_steps = trace.where("pool_window", c=0)
    page.md(r"""
        Step by step, the pooling of filter 0's feature map: each frame is one window, and
        the cell it keeps. In blank regions every cell of a window is 0 and the course's
        mask marks all four as the maximum; the relu in front gives them no gradient, so
        that tie costs nothing here.
    """)
    page.player(pool_steps, "pool_filter0", "max pooling of one feature map, one window per frame", dpi=110)  # see conv_filter0
    e = max(pool_steps, key=lambda e: e.value)
    page.exercise(
        f"What does filter 0's pooling window $({e.h}, {e.w})$ keep, and from which cell?",
        f"""
        It reads rows {e.vert_start}:{e.vert_end} and columns {e.horiz_start}:{e.horiz_end} of
        `relu(Z)` for filter 0 and keeps their maximum, **{e.value:.3f}**, found at cell
        $({e.max_row}, {e.max_col})$ of the feature map: `P1[0, {e.h}, {e.w}, 0]` = {P1[0, e.h, e.w, 0]:.3f},
        the largest value of this pooled map.
        """,
    )
    conv_steps = trace.where("conv_window", c=0)
    rows = (3, 4)
    A_pad = np.pad(digit[0, :, :, 0], capstone.CONV["pad"])
    stroke = 3  # pixels at half ink or darker: a window that covers part of a stroke, not a stray grey pixel
    inked = [k for k, e in enumerate(conv_steps)
             if e.h in rows and np.sum(A_pad[e.vert_start:e.vert_end, e.horiz_start:e.horiz_end] >= 0.5) >= stroke]
    first = conv_steps[inked[0]]
    page.md(rf"""
        And the convolution with filter 0 along the image's middle rows (rows
        {" and ".join(map(str, rows))} of the output), one window per frame, from the first window
        that covers part of a stroke ({stroke} of its {first.vert_end - first.vert_start}
        $\times$ {first.horiz_end - first.horiz_start} pixels at half ink or darker: output cell
        $({first.h}, {first.w})$):
    """)
    # 110 dpi, not 80: the 8 x 8 output and the 10 x 10 padded input have small cells, and their
    # numbers must stay legible in the player's full-size view on a phone
    page.player(conv_steps, "conv_filter0", dpi=110, alt=
                f"the convolution of the digit with filter 0, rows {' and '.join(map(str, rows))}, one window per frame",
                steps=[k for k in range(inked[0], len(conv_steps)) if conv_steps[k].h in rows])
    page.exercise(
        "How many numbers does `conv_forward` compute for this one digit, and how many does pooling keep?",
        f"""
        `Z1` has shape `{Z1.shape}`: {Z1.size} numbers, one traced window each
        ({len(trace.where("conv_window"))} windows). Max pooling keeps one in four, `P1` of shape
        `{P1.shape}`, {P1.size} numbers: all the dense layer reads.
        """,
    )
    page.repl()


if __name__ == "__main__":
    run(build, __file__, TITLE)
