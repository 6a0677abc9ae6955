"""The L-layer network: forward through the layers, the cost, and backward through the caches.

Plays one training step of a small network (forward, cost, backward, update)
event by event, checks ``L_model_backward`` with centred differences, and names
the places where learners' code and the course's keys part ways.
"""

# --8<-- [start:imports]
import numpy as np

import tracer
from tracer import render
from tracer.gradcheck import numeric_gradient, relative_error
# --8<-- [end:imports]
from tracer.render import TracerFigure as Figure  # a matplotlib Figure that Jupyter shows as an image

from _lesson import Page, run

TITLE = "The L-layer network"


# --8<-- [start:trap]
def update_parameters_shallow(parameters, grads, learning_rate):
    parameters = parameters.copy()  # a new dict... holding the same arrays
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] -= learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] -= learning_rate * grads["db" + str(l)]
    return parameters
# --8<-- [end:trap]


def gradient_figure(pairs: dict[str, tuple[np.ndarray, np.ndarray]]) -> Figure:
    """Backward's gradient against centred differences, one point per parameter, one panel per layer."""
    fig = Figure(figsize=(3.0 * len(pairs), 3.0), layout="constrained")
    axes = fig.subplots(1, len(pairs))
    for ax, (name, (analytic, numeric)) in zip(axes, pairs.items()):
        lim = 1.1 * max(np.abs(analytic).max(), np.abs(numeric).max())
        ax.plot([-lim, lim], [-lim, lim], color="#b8b8b8", lw=1, zorder=0)
        ax.scatter(numeric.ravel(), analytic.ravel(), s=18, color="#0072B2", zorder=1)
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_aspect("equal")
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("centred difference", fontsize=9)
        ax.tick_params(labelsize=7)
    axes[0].set_ylabel("L_model_backward", fontsize=9)
    return fig


def cost_figure(costs: dict[str, list[float]], every: int) -> Figure:
    """Cost curves, one per label, sampled every ``every`` iterations."""
    fig = Figure(figsize=(5.5, 3.0), layout="constrained")
    ax = fig.subplots()
    for (label, values), color in zip(costs.items(), ("#0072B2", "#D55E00")):
        ax.plot(np.arange(len(values)) * every, values, color=color, label=label)
    ax.set_xlabel("iteration")
    ax.set_ylabel("cost")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def build(page: Page) -> None:
    page.md(r"""
        The second exercise of the course builds a fully connected network of $L$ layers,
        $[\text{LINEAR} \to \text{RELU}] \times (L-1)$ then $\text{LINEAR} \to \text{SIGMOID}$,
        that says yes or no for each example. Its layout is the transpose of the
        convolution's: **features in rows, examples in columns**, so the input is
        $X$ of shape $(n_x, m)$ and layer $l$ turns $A^{[l-1]}$ of shape $(n_{l-1}, m)$ into

        $$
        Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}, \qquad A^{[l]} = g^{[l]}(Z^{[l]}),
        $$

        with $W^{[l]}$ of shape $(n_l, n_{l-1})$ and $b^{[l]}$ of shape $(n_l, 1)$, broadcast
        over the $m$ columns. $A^{[0]} = X$, and the last activation $A^{[L]}$ is called `AL`.

        ## The parameters

        `initialize_parameters_deep(layer_dims)` draws every $W^{[l]}$ from `randn * 0.01` and
        sets every $b^{[l]}$ to zero. It seeds numpy itself, as the course does, so that
        everyone gets the same numbers:
    """)
    page.code("tracer/network/parameters.py:initialize_parameters_deep")
    course = tracer.initialize_parameters_deep([5, 4, 3])
    page.md(rf"""
        With `layer_dims = [5, 4, 3]` the first row of `W1` is
        `{np.array2string(course["W1"][0], precision=8)}`, the course's own reference.
        Such small weights keep every number of the pictures below at `0.00` in two decimals,
        so the lesson draws its weights with `randn * 0.5` instead; the functions do not care.

        ## Forward, layer by layer

        Each layer is two steps, and each step keeps something for the backward pass in a
        **cache**: the linear step keeps its inputs `(A_prev, W, b)` (the *linear cache*),
        the activation keeps `Z` (the *activation cache*).
    """)
    page.code("tracer/network/forward.py:linear_forward")
    page.code("tracer/network/forward.py:linear_activation_forward")
    page.md(r"""
        `L_model_forward` chains the layers and collects one cache `((A_prev, W, b), Z)` per
        layer, layer 1 first. (In tracer the two `emit` lines record the trace events; with
        no recording active they cost one test each.)
    """)
    page.code("tracer/network/forward.py:L_model_forward")
    # the course's test cases and the values its notebook expects
    np.random.seed(1)
    A_t, W_t, b_t = np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1)
    Z_t, _ = tracer.linear_forward(A_t, W_t, b_t)
    np.random.seed(2)
    A_a, W_a, b_a = np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1)
    A_sig, _ = tracer.linear_activation_forward(A_a, W_a, b_a, "sigmoid")
    A_relu, _ = tracer.linear_activation_forward(A_a, W_a, b_a, "relu")
    np.random.seed(6)
    X_c = np.random.randn(5, 4)
    p_c = {}
    for l, (n_l, n_prev) in enumerate([(4, 5), (3, 4), (1, 3)], start=1):
        p_c[f"W{l}"], p_c[f"b{l}"] = np.random.randn(n_l, n_prev), np.random.randn(n_l, 1)
    AL_c, caches_c = tracer.L_model_forward(X_c, p_c)
    cost_c = tracer.compute_cost(np.array([[0.8, 0.9, 0.4]]), np.array([[1, 1, 0]]))
    two = tracer.initialize_parameters(3, 2, 1)
    assert np.allclose(Z_t, [[3.26295337, -1.23429987]]) and np.allclose(A_sig, [[0.96890023, 0.11013289]])
    assert np.allclose(A_relu, [[3.43896131, 0.0]]) and np.allclose(AL_c, [[0.03921668, 0.70498921, 0.19734387, 0.04728177]])
    assert abs(cost_c - 0.2797765635793422) < 1e-12

    def show(x: np.ndarray) -> str:
        return np.array2string(np.asarray(x), precision=8, separator=", ").replace(chr(10), "")

    page.md(rf"""
        !!! note "Check yours against the course"
            The course's test cases draw their inputs with `np.random.randn` after a seed, in the
            order listed; after each call, what its notebook expects, and tracer returns:

            - `initialize_parameters(3, 2, 1)`, seeds 1 itself:
              `W1[0]` = `{show(two["W1"][0])}`
            - `linear_forward(A, W, b)`, seed 1: `A` {A_t.shape}, `W` {W_t.shape}, `b` {b_t.shape}:
              `Z` = `{show(Z_t)}`
            - `linear_activation_forward(..., "sigmoid")`, seed 2: `A_prev` {A_a.shape}, `W` {W_a.shape}, `b` {b_a.shape}:
              `A` = `{show(A_sig)}`
            - `linear_activation_forward(..., "relu")`, the same:
              `A` = `{show(A_relu)}`
            - `L_model_forward(X, parameters)`, seed 6: `X` {X_c.shape}, then `W1`, `b1`, `W2`, `b2`, `W3`, `b3` of a `[5, 4, 3, 1]` network:
              `AL` = `{show(AL_c)}`, {len(caches_c)} caches
            - `compute_cost(AL, Y)`, `AL = [[0.8, 0.9, 0.4]]`, `Y = [[1, 1, 0]]`:
              `{float(cost_c)!r}`
    """)
    page.md(r"""
        Here is a network with `layer_dims = [3, 4, 2, 1]` on $m = 4$ examples, recorded
        through one whole training step. Each box is a layer with the shapes of what it
        holds; yellow is what the step writes, green what goes into (or comes out of) the
        caches, grey what is not computed yet. The bottom row is the step's arithmetic.
        The players below show the forward part, then the backward part; their counters
        number each frame by its event in the trace of the whole training step, from 0, as
        `trace[k]` counts (the backward player goes on where the forward one stops).
    """)
    # --8<-- [start:repl]
    np.random.seed(1)
    layer_dims = [3, 4, 2, 1]
    parameters = {}
    for l in range(1, len(layer_dims)):
        n_l, n_prev = layer_dims[l], layer_dims[l - 1]
        parameters["W" + str(l)] = np.random.randn(n_l, n_prev) * 0.5
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    X = np.random.randn(3, 4)
    Y = np.array([[1, 0, 0, 1]])
    with tracer.record() as trace:
        AL, caches = tracer.L_model_forward(X, parameters)
        cost = tracer.compute_cost(AL, Y)
        grads = tracer.L_model_backward(AL, Y, caches)
        new_parameters = tracer.update_parameters(parameters, grads, 0.1)
    print(len(trace), "events;", trace[2])
    fig = render.plot(trace, 2)  # step 2: layer 2's linear step
    # --8<-- [end:repl]
    prints = f"{len(trace)} events; {trace[2]}"
    page.figure(fig, "layer2_linear", "The network's boxes with layer 2's linear step highlighted, and W2 @ A1 + b2 = Z2",
                trace[2].describe())
    n_forward = len(trace.where(call=0)) + 1  # the forward pass, then the cost
    page.player(trace, "forward", "L_model_forward and compute_cost, one layer and phase per frame",
                steps=list(range(n_forward)))
    page.exercise(
        f"For `layer_dims = {layer_dims}` and $m = {X.shape[1]}$ examples, what shapes have `Z2` and `AL`, "
        "and how many caches does `L_model_forward` return?",
        f"""
        `Z2` is `{caches[1][1].shape}` ($n_2 \\times m$) and `AL` is `{AL.shape}`; there are
        {len(caches)} caches, one per layer, each `((A_prev, W, b), Z)`: layer 2's holds `A1` of shape
        `{caches[1][0][0].shape}`.
        """,
    )
    page.md(r"""
        ## The cost

        The cross-entropy, averaged over the $m$ examples:

        $$
        \begin{aligned}
        \mathcal{J} = -\frac{1}{m} \sum_{i=1}^{m} \Big( & y^{(i)} \log a^{[L](i)} \\
        & + (1 - y^{(i)}) \log\big(1 - a^{[L](i)}\big) \Big).
        \end{aligned}
        $$
    """)
    page.code("tracer/network/forward.py:compute_cost")
    try:
        tracer.compute_cost(np.array([[0.9, 1.0]]), np.array([[1, 1]]))
    except ValueError as err:
        saturated = str(err)
    else:  # pragma: no cover - the check always refuses
        raise AssertionError("compute_cost accepted AL = 1")
    page.md(rf"""
        `np.squeeze` turns the $(1, 1)$ result of the course's matrix form into a scalar. A
        sigmoid that saturates to exactly 0 or 1 makes a log infinite; tracer refuses such an
        `AL` before computing (the course's version returns `nan` or `inf`):
        `{saturated}`.

        ## Backward, through the caches

        The backward pass starts from the cost's gradient with respect to `AL`,

        $$
        dA^{{[L]}} = -\left( \frac{{Y}}{{A^{{[L]}}}} - \frac{{1 - Y}}{{1 - A^{{[L]}}}} \right),
        $$

        and walks the layers from $L$ down to 1. In each layer the activation's backward
        reads the activation cache `Z` to turn $dA$ into $dZ = dA \cdot g'(Z)$; the linear
        backward reads the linear cache `(A_prev, W, b)`:

        $$
        \begin{{gathered}}
        dW^{{[l]}} = \frac{{1}}{{m}} dZ^{{[l]}} A^{{[l-1]T}}, \\
        db^{{[l]}} = \frac{{1}}{{m}} \sum_{{i}} dZ^{{[l](i)}}, \\
        dA^{{[l-1]}} = W^{{[l]T}} dZ^{{[l]}}.
        \end{{gathered}}
        $$
    """)
    page.code("tracer/network/backward.py:linear_backward")
    page.code("tracer/network/backward.py:linear_activation_backward")
    page.code("tracer/network/backward.py:L_model_backward")
    k_back = next(k for k in range(len(trace)) if trace[k].kind == "linear_backward" and trace[k].layer == 2)
    page.figure(render.plot(trace, k_back), "layer2_backward",
                "The backward step of layer 2: the gradient's path from the cost, the linear cache read, dW2, db2 and dA1 written",
                trace[k_back].describe())
    page.md(r"""
        The blue arrows are the gradient's path from the cost back to the current layer;
        the green entries are the cache entries the step reads. `dA1` lands in layer 1's
        box: it is the gradient with respect to `A1`, which layer 2 read.

        !!! warning "Which `dA` is which"
            The course stores `grads["dA" + str(l)]`, the gradient with respect to
            $A^{[l]}$, while it processes layer $l + 1$. So the loop over layer $l + 1$
            writes `grads["dA" + str(l)]`, `grads["dW" + str(l + 1)]` and
            `grads["db" + str(l + 1)]`: the indices differ by one. `dAL` itself is not
            in `grads`, and `grads["dA0"]` is the gradient with respect to the input `X`.

        Note too that $dW$ and $db$ carry the $\frac{1}{m}$ but $dA^{[l-1]}$ does not: the
        course's $dA$ and $dZ$ are the gradients of the *summed* loss, and the average is
        taken once, in $dW$ and $db$.

        Finally, `update_parameters` takes one step down the gradient. It must leave the
        dictionary it receives alone: the course's tests check it, and a caller that keeps
        the old parameters (to compare, or to retry with another learning rate) needs it.
    """)
    page.code("tracer/network/parameters.py:update_parameters")
    page.player(trace, "backward", "L_model_backward and update_parameters, one layer and phase per frame",
                steps=list(range(n_forward, len(trace))))
    page.exercise(
        "Which keys does `grads` hold after `L_model_backward` on this network?",
        f"""
        `{", ".join(sorted(grads, key=lambda k: (k[:2], int(k[2:]))))}`: `dA0` to `dA{len(layer_dims) - 2}`
        (the gradient with respect to each layer's input; `dAL` is not stored), and `dW`, `db` for layers
        1 to {len(layer_dims) - 1}.
        """,
    )
    dZ1 = grads["dA1"] * (caches[0][1] > 0)  # layer 1's relu backward
    wrong_db = np.sum(dZ1) / X.shape[1]
    page.exercise(
        "A learner writes `db = np.sum(dZ) / m`, without `axis=1, keepdims=True`. What does it give for layer 1?",
        f"""
        One number, `{wrong_db:.6f}`, the sum over the layer's {dZ1.shape[0]} units as well: instead of
        `db1` of shape `{grads["db1"].shape}`, `{show(grads["db1"].ravel())}`. Broadcast into
        `b1 - learning_rate * db`, it moves every bias by the same amount and raises no error.
        """,
    )
    assert all(not np.array_equal(parameters[k], new_parameters[k]) for k in ("W1", "W2", "W3"))
    page.md(r"""
        A version that passes a quick look but fails the course's check: `dict.copy()` makes
        a new dictionary that holds the *same* arrays, and `-=` changes an array in place.
    """)
    page.code("lessons/network.py:trap", title="a learner's update_parameters (wrong)")
    mine = {k: v.copy() for k, v in parameters.items()}
    before = mine["W1"].copy()
    returned = update_parameters_shallow(mine, grads, 0.1)
    changed = not np.array_equal(mine["W1"], before)
    shared = returned["W1"] is mine["W1"]
    assert changed and shared
    np.testing.assert_allclose(returned["W1"], new_parameters["W1"])
    page.md(rf"""
        It returns the right numbers (they match `tracer.update_parameters` to the last digit
        here), but afterwards the caller's `parameters["W1"]` has changed too
        (`returned["W1"] is parameters["W1"]` is `{shared}`): the "old" parameters are gone.
        `copy.deepcopy(parameters)`, or `W = W - learning_rate * dW`, which makes a new
        array, keeps them.
    """)

    # the course's test cases of the backward functions, run on tracer while the page is built
    np.random.seed(1)
    dZ_t, A_lb, W_lb, b_lb = np.random.randn(3, 4), np.random.randn(5, 4), np.random.randn(3, 5), np.random.randn(3, 1)
    dA_lb, dW_lb, db_lb = tracer.linear_backward(dZ_t, (A_lb, W_lb, b_lb))
    np.random.seed(2)
    dA_ab, A_ab, W_ab, b_ab, Z_ab = (np.random.randn(1, 2), np.random.randn(3, 2), np.random.randn(1, 3),
                                     np.random.randn(1, 1), np.random.randn(1, 2))
    back_sig = tracer.linear_activation_backward(dA_ab, ((A_ab, W_ab, b_ab), Z_ab), "sigmoid")
    back_relu = tracer.linear_activation_backward(dA_ab, ((A_ab, W_ab, b_ab), Z_ab), "relu")
    np.random.seed(3)
    AL_b, Y_b = np.random.randn(1, 2), np.array([[1, 0]])
    A1_b, W1_b, b1_b, Z1_b = np.random.randn(4, 2), np.random.randn(3, 4), np.random.randn(3, 1), np.random.randn(3, 2)
    A2_b, W2_b, b2_b, Z2_b = np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1), np.random.randn(1, 2)
    grads_b = tracer.L_model_backward(AL_b, Y_b, (((A1_b, W1_b, b1_b), Z1_b), ((A2_b, W2_b, b2_b), Z2_b)))
    np.random.seed(2)
    p_u = {"W1": np.random.randn(3, 4), "b1": np.random.randn(3, 1), "W2": np.random.randn(1, 3),
           "b2": np.random.randn(1, 1)}
    np.random.seed(3)
    g_u = {"dW1": np.random.randn(3, 4), "db1": np.random.randn(3, 1), "dW2": np.random.randn(1, 3),
           "db2": np.random.randn(1, 1)}
    updated_u = tracer.update_parameters(p_u, g_u, 0.1)
    # the course's published values (tests/test_course.py checks every entry)
    assert np.allclose(db_lb.ravel(), [-0.14713786, -0.11313155, -0.13209101])
    assert np.allclose(back_sig[2], [[-0.05729622]]) and np.allclose(back_relu[2], [[-0.20837892]])
    assert np.allclose(grads_b["db2"], [[0.15187861]]) and np.allclose(grads_b["db1"].ravel(), [-0.22007063, 0, -0.02835349])
    assert np.allclose(updated_u["b2"], [[-0.84610769]]) and np.allclose(updated_u["W2"], [[-0.55569196, 0.0354055, 1.32964895]])
    page.md(rf"""
        !!! note "Check yours against the course: the backward pass"
            The course's test cases again, their inputs drawn with `np.random.randn` after a
            seed, in the order listed; after each call, tracer's values on those inputs, which
            are the ones the course's tests expect:

            - `linear_backward(dZ, (A_prev, W, b))`, seed 1: `dZ` {dZ_t.shape}, `A_prev` {A_lb.shape}, `W` {W_lb.shape}, `b` {b_lb.shape}:
              `db` = `{show(db_lb)}`, `dW[0]` = `{show(dW_lb[0])}`, `dA_prev[0]` = `{show(dA_lb[0])}`
            - `linear_activation_backward(dA, ((A_prev, W, b), Z), "sigmoid")`, seed 2: `dA` {dA_ab.shape}, `A_prev` {A_ab.shape}, `W` {W_ab.shape}, `b` {b_ab.shape}, `Z` {Z_ab.shape}:
              `dW` = `{show(back_sig[1])}`, `db` = `{show(back_sig[2])}`
            - `linear_activation_backward(..., "relu")`, the same:
              `dW` = `{show(back_relu[1])}`, `db` = `{show(back_relu[2])}`
            - `L_model_backward(AL, Y, caches)`, seed 3: `AL` {AL_b.shape} (drawn by `randn`: {show(AL_b)}, not probabilities), `Y = {Y_b.tolist()}`, then `A1`, `W1`, `b1`, `Z1`, `A2`, `W2`, `b2`, `Z2` of a `{[W1_b.shape[1], W1_b.shape[0], W2_b.shape[0]]}` network:
              `dW2` = `{show(grads_b["dW2"])}`, `db2` = `{show(grads_b["db2"])}`, `db1` = `{show(grads_b["db1"])}`
            - `update_parameters(parameters, grads, 0.1)`, seed 2: {', '.join(f'`{k}` {v.shape}' for k, v in p_u.items())}; seed 3: `dW1`, `db1`, `dW2`, `db2` of the same shapes:
              `W2` = `{show(updated_u["W2"])}`, `b2` = `{show(updated_u["b2"])}`, `b1` = `{show(updated_u["b1"])}`
    """)

    def J() -> float:
        return float(tracer.compute_cost(tracer.L_model_forward(X, parameters)[0], Y))

    pairs = {f"dW{l}": (grads[f"dW{l}"], numeric_gradient(J, parameters[f"W{l}"])) for l in (1, 2, 3)}
    numeric_dX = X.shape[1] * numeric_gradient(J, X)
    errors = {name: relative_error(a, n) for name, (a, n) in pairs.items()}
    errors.update({f"db{l}": relative_error(grads[f"db{l}"], numeric_gradient(J, parameters[f"b{l}"])) for l in (1, 2, 3)})
    errors["dA0"] = relative_error(grads["dA0"], numeric_dX)
    assert max(errors.values()) < 1e-6, errors
    page.md(r"""
        ## Checking the gradients

        Change one weight by $\pm\varepsilon$ ($\varepsilon = 10^{-6}$), run the forward
        pass and the cost again, and divide the difference by $2\varepsilon$: that centred
        difference must match what `L_model_backward` returned. Every point below is one
        weight of the network above; they sit on the diagonal.
    """)
    page.figure(gradient_figure(pairs), "gradient_check",
                "Backward's dW1, dW2, dW3 against centred differences: every point on the diagonal")
    rows = "\n".join(f"| `{k}` | {v:.1e} |" for k, v in errors.items())
    page.md("| gradient | relative error $\\lVert a - b \\rVert / (\\lVert a \\rVert + \\lVert b \\rVert)$ |\n|---|---|\n" + rows)
    page.md(r"""
        (`dA0` is compared with $m$ times the centred difference of $\mathcal{J}$ with respect
        to `X`, for the reason given above.)

        ## Putting it together

        Repeat forward, cost, backward, update. Here 200 points are labelled 1 inside a
        circle and 0 outside, and a `[2, 8, 4, 1]` network learns the circle with the
        functions above and a learning rate of 0.5, once from the course's initialisation
        and once from weights drawn with `randn * 0.5`:
    """)
    rng = np.random.default_rng(0)
    X_toy = rng.uniform(-1, 1, size=(2, 200))
    Y_toy = (np.sum(X_toy**2, axis=0, keepdims=True) < 0.5).astype(int)
    dims = [2, 8, 4, 1]
    starts = {"course: randn * 0.01": tracer.initialize_parameters_deep(dims)}
    np.random.seed(2)
    starts["randn * 0.5"] = {}
    for l in range(1, len(dims)):
        starts["randn * 0.5"]["W" + str(l)] = np.random.randn(dims[l], dims[l - 1]) * 0.5
        starts["randn * 0.5"]["b" + str(l)] = np.zeros((dims[l], 1))
    costs, every, accuracy = {}, 25, {}
    for label, p in starts.items():
        costs[label] = []
        for it in range(3000):
            AL_toy, caches_toy = tracer.L_model_forward(X_toy, p)
            if it % every == 0:
                costs[label].append(float(tracer.compute_cost(AL_toy, Y_toy)))
            p = tracer.update_parameters(p, tracer.L_model_backward(AL_toy, Y_toy, caches_toy), 0.5)
        accuracy[label] = float(np.mean((tracer.L_model_forward(X_toy, p)[0] > 0.5) == Y_toy))
    plateau = every * next(j for j, c in enumerate(costs["course: randn * 0.01"]) if c < 0.5)
    rate = float(Y_toy.mean())  # the base rate: the fraction of points labelled 1
    entropy = -(rate * np.log(rate) + (1 - rate) * np.log(1 - rate))
    on_plateau = costs["course: randn * 0.01"][plateau // every // 2]
    p_mid = tracer.initialize_parameters_deep(dims)
    for it in range(plateau // 2):  # the course's start again, to the middle of the plateau
        AL_mid, caches_mid = tracer.L_model_forward(X_toy, p_mid)
        p_mid = tracer.update_parameters(p_mid, tracer.L_model_backward(AL_mid, Y_toy, caches_mid), 0.5)
    AL_mid = tracer.L_model_forward(X_toy, p_mid)[0]
    assert abs(on_plateau - entropy) < 0.02 and abs(float(AL_mid.mean()) - rate) < 0.02, (on_plateau, entropy, AL_mid.mean())
    page.figure(cost_figure(costs, every), "cost_curve", "Two cost curves over 3000 iterations, one with a long plateau",
                "The cost of a [2, 8, 4, 1] network over 3000 iterations, from two initialisations; in the end "
                + " and ".join(f"{a:.0%} ({k})" for k, a in accuracy.items()) + " of the 200 points are classified right.")
    page.md(rf"""
        From the course's tiny weights the signal that reaches the first layer is the
        product of three small matrices: the gradients are tiny too, and for about {plateau}
        iterations the cost stays near {on_plateau:.2f}. What the network learns first is the
        **base rate**: {rate:.0%} of the points are
        labelled 1, and half-way through the plateau the network answers about
        {float(AL_mid.mean()):.2f} for every point (from {float(AL_mid.min()):.3f} to
        {float(AL_mid.max()):.3f}). The cost of that answer is the labels' entropy,
        $H({rate:.2f}) = -({rate:.2f} \log {rate:.2f} + {1 - rate:.2f} \log {1 - rate:.2f}) = {entropy:.2f}$,
        below $\log 2 \approx 0.69$, the cost of answering 0.5. Then the cost falls. Larger initial weights skip the plateau; the course's
        next lessons meet the same problem and scale the weights by $\sqrt{{2 / n_{{l-1}}}}$
        ("He initialisation").
    """)
    page.md(r"""
        The convolutional network of the [capstone](capstone.md) is trained the same way, with
        convolution and pooling layers in front and a softmax over ten digits at the end.
    """)
    page.repl(prints=prints)


if __name__ == "__main__":
    run(build, __file__, TITLE)
