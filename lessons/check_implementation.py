"""Check your implementation: run your own course functions through ``tracer.check``.

Shows, from real runs of ``tracer.check`` on functions with typical mistakes,
what the report says (what differs, the window responsible, the likely cause)
and the figure of the first window that differs; then the blind spots of the
course's own tests, and the command line.
"""

# --8<-- [start:imports]
import numpy as np

import tracer
# --8<-- [end:imports]
import re

from _lesson import Page, run

TITLE = "Check your implementation"




# --8<-- [start:pool_backward_window_start]
def pool_backward(dA, cache, mode="max"):
    """A learner's pool_backward that reads dA at the window's start."""
    (A_prev, hparameters) = cache
    stride, f = hparameters["stride"], hparameters["f"]
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride  # the window's start
                    window = A_prev[i, vs:vs + f, hs:hs + f, c]
                    if mode == "max":
                        mask = window == np.max(window)
                        g = dA[i, vs, hs, c]  # should be dA[i, h, w, c]
                        dA_prev[i, vs:vs + f, hs:hs + f, c] += mask * g
                    elif mode == "average":
                        g = dA[i, vs, hs, c]  # should be dA[i, h, w, c]
                        dA_prev[i, vs:vs + f, hs:hs + f, c] += g / (f * f)
    return dA_prev
# --8<-- [end:pool_backward_window_start]


# --8<-- [start:mask_argmax]
def create_mask_from_window(x):
    """A learner's mask that keeps one maximum only, as frameworks do."""
    mask = np.zeros(x.shape, dtype=bool)
    mask[np.unravel_index(np.argmax(x), x.shape)] = True
    return mask
# --8<-- [end:mask_argmax]


# --8<-- [start:conv_backward_pad_slice]
def conv_backward(dZ, cache):
    """A learner's conv_backward that cuts the padding with [pad:-pad]."""
    (A_prev, W, b, hparameters) = cache
    (m, n_H, n_W, n_C) = dZ.shape
    f, stride, pad = W.shape[0], hparameters["stride"], hparameters["pad"]
    A_prev_pad = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    dA_prev, dA_prev_pad = np.zeros(A_prev.shape), np.zeros(A_prev_pad.shape)
    dW, db = np.zeros(W.shape), np.zeros(b.shape)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs, g = h * stride, w * stride, dZ[i, h, w, c]
                    dA_prev_pad[i, vs:vs + f, hs:hs + f, :] += W[:, :, :, c] * g
                    dW[:, :, :, c] += A_prev_pad[i, vs:vs + f, hs:hs + f, :] * g
                    db[:, :, :, c] += g
        dA_prev[i] = dA_prev_pad[i, pad:-pad, pad:-pad, :]  # empty if pad == 0
    return dA_prev, dW, db
# --8<-- [end:conv_backward_pad_slice]


def text_block(report: "tracer.CheckReport") -> str:
    """The report as a Markdown code block, as ``print(report)`` shows it, narrower and without the timing."""
    return "```text\n" + report.text(width=78, timing=False) + "\n```"


def build(page: Page) -> None:
    from tracer.gradcheck import numeric_gradient

    x_tie = np.array([[1.0, 3.0], [3.0, 2.0]])
    tie = numeric_gradient(lambda: np.max(x_tie), x_tie)
    tie_half = f"`{tie[0, 1]:.1f}` and `{tie[1, 0]:.1f}`"
    page.md(r"""
        When you write the course's functions yourself, the course's tests tell you *that*
        something is wrong ("wrong values", or a shape error), not *where* or *why*. tracer
        knows every window of every call, so it can do better: `tracer.check(fn)` runs your
        function on a battery of cases, compares each result with tracer's own, and for the
        first case that fails it says

        - **what differs**: the type, the shape, or the first element that differs, with the
          value expected and the value received;
        - **the window responsible**: for a forward pass, the output cell and the rows and
          columns of the (padded) input it reads; for a backward pass, every window that adds
          to the first wrong gradient element, taken from tracer's own trace of the same call;
        - **the likely cause**, when a mistake from its catalogue explains it, and "cause
          unknown" otherwise.

        It checks the 22 functions of both exercises: the convolution and pooling blocks, and
        the deep network's, from `initialize_parameters` to `update_parameters`; for those it
        names the entry that differs (`grads['dW2'][0, 1]`) and the layer that computes it.

        ## A first check

        Here is a `conv_forward` with one classic mistake: the window starts at `h` and `w`
        instead of `h * stride` and `w * stride`.
    """)
    page.code("lessons/check_implementation.py:learner_conv_forward")
    # --8<-- [start:repl]
    # --8<-- [start:learner_conv_forward]
    def conv_forward(A_prev, W, b, hparameters):
        """A learner's conv_forward: the window ignores the stride."""
        (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
        (f, f, n_C_prev, n_C) = W.shape
        stride, pad = hparameters["stride"], hparameters["pad"]
        n_H = int((n_H_prev - f + 2 * pad) / stride) + 1
        n_W = int((n_W_prev - f + 2 * pad) / stride) + 1
        Z = np.zeros((m, n_H, n_W, n_C))
        A_prev_pad = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
        for i in range(m):
            for h in range(n_H):
                vert_start = h  # should be h * stride
                for w in range(n_W):
                    horiz_start = w  # should be w * stride
                    for c in range(n_C):
                        a_slice = A_prev_pad[i, vert_start:vert_start + f,
                                             horiz_start:horiz_start + f, :]
                        Z[i, h, w, c] = (np.sum(a_slice * W[:, :, :, c])
                                         + b[0, 0, 0, c])
        return Z, (A_prev, W, b, hparameters)

    # --8<-- [end:learner_conv_forward]
    report = tracer.check(conv_forward)
    print(report)
    fig = report.figure()
    # --8<-- [end:repl]
    page.md(r"""
        `tracer.check` finds the course function from the name (`conv_forward`; pass
        `name="conv_forward"` if yours is called something else), runs it on every case and
        prints:
    """)
    page.md(text_block(report))
    page.md(r"""
        Read it from the bottom. The **likely cause** is not a guess. tracer keeps the course's
        functions written the way the course asks you to write them, and makes every mistake a
        loop can hold, one change at a time: each bound one off, a start without the stride, two
        indices swapped, the unpadded input, `=` for `+=`, the wrong axis, a statement at the
        wrong indentation, a factor or a sign dropped... It runs each of these variants on the
        same cases as yours, and names a mistake only when it gives exactly your results. Here
        the variant that forgets the stride gives your results on every case, the failing ones
        and the passing ones, and the **note** agrees: your function fails on exactly the cases
        whose stride is larger than 1, and on a pair of inputs that differ in the stride alone
        it passes one and fails the other. With stride 1, `h` and `h * stride` are the same
        number, so the course's stride-1 cases cannot see the mistake. The last line says how
        to get the failing inputs back (`report.case()`) and the reference trace, its cursor
        on the window that differs (`report.trace()`): step numbers are the ones
        `trace.goto(k)` takes.

        The **window** line names the first output cell that differs and the part of the
        padded input it should have read. `report.figure()` draws that window from tracer's
        trace, with the differing cell outlined in red, your own value beside it in orange,
        and what differs written on top:
    """)
    first = next(case for case in report.cases if not case.passed)

    def strides(passed: bool) -> str:
        found = {re.search(r"stride (\d+)", c.description).group(1) for c in report.cases if c.passed == passed}
        return " or ".join(sorted(found))

    page.exercise(
        f"Of the {len(report.cases)} cases, how many does this `conv_forward` pass, and which kind fails?",
        f"""
        {sum(case.passed for case in report.cases)} pass and {sum(not case.passed for case in report.cases)}
        fail; the first to fail is "{first.description}". The failing cases have stride
        {strides(False)}, the passing ones stride {strides(True)}: at stride 1, `h` and `h * stride` are
        the same number.
        """,
    )
    page.figure(fig, "conv_forward_stride",
                "The reference window of the first output cell that differs, with that cell outlined in red",
                "report.figure(): the window of Z[0, 0, 1, 0] in the reference (columns 2 to 4 of the padded "
                "input, because the stride is 2). The learner's window started at column 1.")

    page.md(r"""
        ## What the cases cover

        The battery is built around the mistakes learners make most, so each case is there to
        catch one of them: `pad = 0` (where `x[pad:-pad]` is empty), even and $1 \times 1$
        filters, strides 1 to 3, inputs that are not square (where swapped height and width
        show), several examples and channels, max-pooling windows with tied maxima, both
        pooling modes, and biases around 5, far from zero, so that a bias added inside the
        sum, $f \cdot f \cdot n_{C_{prev}}$ times instead of once, cannot hide. Each course
        function also gets the course's own case with its seed, so you can compare with the
        values the notebook prints. Your function always receives copies: a function that
        changes its inputs fails, because the course's functions must leave them alone.

        Every case runs in a child process with a time limit (2 seconds by default,
        `timeout=`) and a memory limit (`memory=`, in megabytes), so a function that raises,
        loops forever, forks, eats memory or returns something odd is reported and the check
        goes on; a function that times out is not run again on the remaining cases. The
        expected results come from a separate Python process, so nothing your code changes
        in numpy or in tracer can change them.

        ## Two mistakes the course's tests let through

        The course's test of `pool_backward` uses stride 1, and its test of `conv_backward`
        uses `pad = 2`. Two mistakes pass them. The first reads the upstream gradient at the
        window's start, `dA[i, vert_start, horiz_start, c]`, instead of at the output cell
        `dA[i, h, w, c]`: with stride 1 these are the same cell.
    """)
    page.code("lessons/check_implementation.py:pool_backward_window_start")
    report = tracer.check(pool_backward)
    page.md(text_block(report))
    page.md(r"""
        The course's two cases pass; the first case with stride 2 raises, because the window's
        start runs past the end of `dA`. tracer reads your loop's variables at the moment of
        the error (`h = 0, w = 2`), and shows the window the reference used for that cell:
    """)
    page.figure(report.figure(), "pool_backward_window_start",
                "The reference pool_backward step for the window where the learner's function raised",
                "The window (h=0, w=2) reads columns 4 and 5 of A_prev; its gradient is dA[0, 0, 2, 0], "
                "not dA[0, 0, 4, 0], which does not exist.")
    page.md(r"""
        The second mistake cuts the padding of `dA_prev_pad` with `[pad:-pad]`, which is
        fine for `pad = 2` and empty for `pad = 0`, since `-0` is `0`:
    """)
    page.code("lessons/check_implementation.py:conv_backward_pad_slice")
    report = tracer.check(conv_backward)
    page.md(text_block(report))

    page.md(r"""
        ## Ties: the course's convention

        When a max-pooling window holds its maximum twice, the course's mask
        `x == np.max(x)` marks both cells, and `pool_backward` sends the **whole** gradient to
        each of them: the window passes back twice what it received. That is not a
        gradient: at a tie the maximum has no derivative, and a gradient check (centred
        differences) gives each tied cell **half**, {half}. Frameworks, and learners who use
        `np.argmax`, send everything to one cell. The course's rule is a convention, and the
        course tells learners to ignore ties; tracer keeps the course's functions, so the check
        follows the course's rule, and says so:
    """.replace("{half}", tie_half))
    page.code("lessons/check_implementation.py:mask_argmax")
    report = tracer.check(create_mask_from_window)
    page.md(text_block(report))
    x_tie = np.array([[1.0, 3.0], [3.0, 2.0]])
    page.exercise(
        "On the tied window `[[1, 3], [3, 2]]`, what does the argmax mask return, and the course's?",
        f"""
        The argmax mask: `{np.array2string(create_mask_from_window(x_tie), separator=", ").replace(chr(10), "")}`,
        the first 3 only. The course's: `{np.array2string(tracer.create_mask_from_window(x_tie), separator=", ").replace(chr(10), "")}`,
        both. With `dA = 1` the course's `pool_backward` sends back
        {int(tracer.create_mask_from_window(x_tie).sum())}, the argmax version 1, and centred differences say
        0.5 to each.
        """,
    )
    page.figure(report.figure(), "mask_ties",
                "The course's mask of a window with two tied maxima, the cell the learner missed outlined in red",
                "The course marks both 3s; the argmax mask marks only the first.")

    page.md(r"""
        ## From the command line

        To check a whole file of your functions, for example the one you exported from the
        notebook:

        ```bash
        python -m tracer check my_solution.py
        python -m tracer check my_solution.py --only conv_backward
        python -m tracer check my_solution.py --figure figs/
        python -m tracer check C4W1.ipynb
        ```

        The first line checks every course function the file defines, the second one
        function only, and the third also saves `figs/<function>.png`. The fourth checks your
        notebook as it is: it takes only the definitions of the course functions (from the
        cells marked `# GRADED FUNCTION: name`, with your own helpers they call and the
        imports they use) and runs no other cell, so `import h5py`, `from public_tests import *`,
        the magics and the test calls do not get in the way. In a notebook,
        `tracer.check_notebook("C4W1.ipynb")` does the same, and a report shows as HTML.

        The file is imported, not run as a script, so its `if __name__ == "__main__":` block
        is skipped; your functions see the file's own globals, so a `conv_forward` that calls
        your own `zero_pad` and `conv_single_step` is checked with them. It is imported in a
        separate process with a time limit (`--import-timeout`, 10 seconds), never in the
        checker's. The command exits with 0 when everything passes, 1 when a function fails,
        and 2 when the file cannot be checked: it does not exist, defines none of the course's
        functions, or its import fails, hangs, exits, reads the keyboard or leaves a thread
        running. The report is as wide as your terminal (`--width` to choose).

        !!! note "What the report object holds"
            `report.passed` is a bool; `report.cases` lists every case with its description,
            a summary of its inputs, `passed`, `status` and what differs; the first failing case
            also has `window`, `index`, `expected` and `received`. `report.cause` is the likely
            cause (`None` when all pass) and `report.mistakes` the mistakes it names, each with
            its `category` and the `before` and `after` lines; `report.case()` returns the
            failing inputs ready to call, `report.trace()` the reference trace at the first
            wrong window, and `report.figure()` a matplotlib `Figure`.
    """)
    page.repl()


if __name__ == "__main__":
    run(build, __file__, TITLE)
