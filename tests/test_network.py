"""Tests of tracer.network: course values, hand-checkable cases, gradient checks, events, errors."""

from __future__ import annotations

import numpy as np
import pytest

import tracer
from tracer import events as ev
from tracer.gradcheck import numeric_gradient
from tracer.network import (
    L_model_backward,
    L_model_forward,
    compute_cost,
    initialize_parameters,
    initialize_parameters_deep,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    relu,
    relu_backward,
    sigmoid,
    sigmoid_backward,
    update_parameters,
)


def rng_params(layer_dims: list[int], seed: int = 0, scale: float = 0.7) -> dict[str, np.ndarray]:
    """Parameters big enough for a meaningful gradient check (the course's 0.01 makes tiny gradients)."""
    rng = np.random.default_rng(seed)
    p = {}
    for l in range(1, len(layer_dims)):
        p[f"W{l}"] = rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * scale
        p[f"b{l}"] = rng.standard_normal((layer_dims[l], 1)) * 0.3
    return p


# -- initialisation: the course's seeded values ----------------------------------------------------


def test_initialize_parameters_matches_the_course():
    p = initialize_parameters(3, 2, 1)
    np.testing.assert_allclose(p["W1"], [[0.01624345, -0.00611756, -0.00528172], [-0.01072969, 0.00865408, -0.02301539]], atol=1e-8)
    np.testing.assert_allclose(p["W2"], [[0.01744812, -0.00761207]], atol=1e-8)
    np.testing.assert_array_equal(p["b1"], np.zeros((2, 1)))
    np.testing.assert_array_equal(p["b2"], np.zeros((1, 1)))


def test_initialize_parameters_deep_matches_the_course_and_seeds_itself():
    np.random.seed(123)  # the function seeds np.random.seed(3) itself, so this must not matter
    p = initialize_parameters_deep([5, 4, 3])
    np.testing.assert_allclose(p["W1"][0], [0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388], atol=1e-8)
    assert sorted(p) == ["W1", "W2", "b1", "b2"]
    assert p["W2"].shape == (3, 4) and p["b2"].shape == (3, 1)
    np.testing.assert_array_equal(p["b1"], np.zeros((4, 1)))
    assert np.array_equal(initialize_parameters_deep(np.array([5, 4, 3]))["W2"], p["W2"])  # a numpy list of sizes too
    # the seed is the course's: the same draws as randn after seed(3), scaled by 0.01
    np.random.seed(3)
    np.testing.assert_array_equal(p["W1"], np.random.randn(4, 5) * 0.01)


# -- forward, by hand ----------------------------------------------------------------------------


def test_linear_forward_by_hand():
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    W = np.array([[10.0, 1.0]])
    b = np.array([[0.5]])
    Z, cache = linear_forward(A, W, b)
    np.testing.assert_array_equal(Z, [[13.5, 24.5]])
    assert cache[0] is A and cache[1] is W and cache[2] is b


def test_activations_by_hand():
    Z = np.array([[-2.0, 0.0, np.log(3.0)]])
    A, cache = sigmoid(Z)
    np.testing.assert_allclose(A, [[1 / (1 + np.exp(2.0)), 0.5, 0.75]])
    assert cache is Z
    A, cache = relu(Z)
    np.testing.assert_array_equal(A, [[0.0, 0.0, np.log(3.0)]])
    assert cache is Z
    # sigmoid far in the negative: exactly 0, no overflow warning turned into an error
    with np.errstate(over="raise"):
        np.testing.assert_array_equal(sigmoid(np.array([[-1000.0]]))[0], [[0.0]])


def test_activation_backward_by_hand():
    Z = np.array([[-1.0, 0.0, 2.0]])
    dA = np.array([[5.0, 6.0, 7.0]])
    np.testing.assert_array_equal(relu_backward(dA, Z), [[0.0, 0.0, 7.0]])  # Z <= 0 stops the gradient
    np.testing.assert_allclose(sigmoid_backward(dA, np.array([[0.0, 0.0, np.log(3.0)]])), [[1.25, 1.5, 7 * 0.75 * 0.25]])


def test_two_layer_forward_by_hand():
    X = np.array([[1.0], [2.0]])
    p = {"W1": np.array([[1.0, -1.0], [2.0, 0.0]]), "b1": np.array([[0.0], [1.0]]),
         "W2": np.array([[1.0, 1.0]]), "b2": np.array([[-3.0]])}
    # Z1 = [[-1], [3]], A1 = [[0], [3]], Z2 = 0 + 3 - 3 = 0, AL = 0.5
    AL, caches = L_model_forward(X, p)
    np.testing.assert_array_equal(AL, [[0.5]])
    (lin1, Z1), (lin2, Z2) = caches
    np.testing.assert_array_equal(Z1, [[-1.0], [3.0]])
    np.testing.assert_array_equal(lin2[0], [[0.0], [3.0]])
    np.testing.assert_array_equal(Z2, [[0.0]])


def test_compute_cost_by_hand_and_course_value():
    cost = compute_cost(np.array([[0.5, 0.5]]), np.array([[1, 0]]))
    assert isinstance(cost, np.float64)
    assert cost == pytest.approx(np.log(2.0))
    # the course's check: Y = [1, 1, 0], AL = [.8, .9, .4]
    assert compute_cost(np.array([[0.8, 0.9, 0.4]]), np.array([[1, 1, 0]])) == pytest.approx(0.2797765635793422)


def test_linear_backward_by_hand():
    dZ = np.array([[1.0, 3.0]])
    cache = (np.array([[1.0, 2.0]]), np.array([[4.0]]), np.zeros((1, 1)))
    dA_prev, dW, db = linear_backward(dZ, cache)
    np.testing.assert_array_equal(dA_prev, [[4.0, 12.0]])
    np.testing.assert_array_equal(dW, [[3.5]])  # (1*1 + 3*2) / 2
    np.testing.assert_array_equal(db, [[2.0]])  # (1 + 3) / 2


def test_update_parameters_by_hand_and_leaves_its_input_alone():
    p = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[0.0]])}
    before = {k: v.copy() for k, v in p.items()}
    new = update_parameters(p, {"dW1": np.array([[10.0, -10.0]]), "db1": np.array([[4.0]]), "dA0": np.ones((2, 1))}, 0.1)
    np.testing.assert_allclose(new["W1"], [[0.0, 3.0]])
    np.testing.assert_allclose(new["b1"], [[-0.4]])
    assert new is not p and new["W1"] is not p["W1"]
    for k in p:
        np.testing.assert_array_equal(p[k], before[k])


# -- gradients against centred finite differences ------------------------------------------------


def test_linear_backward_agrees_with_finite_differences():
    rng = np.random.default_rng(1)
    A, W, b, G = rng.standard_normal((3, 4)), rng.standard_normal((2, 3)), rng.standard_normal((2, 1)), rng.standard_normal((2, 4))
    m = A.shape[1]
    dA_prev, dW, db = linear_backward(G, (A, W, b))
    # the course's convention: dW and db carry the 1/m, dA_prev does not
    J = lambda: np.sum(G * (W @ A + b)) / m  # noqa: E731
    np.testing.assert_allclose(dW, numeric_gradient(J, W), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(db, numeric_gradient(J, b), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(dA_prev, m * numeric_gradient(J, A), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_linear_activation_backward_agrees_with_finite_differences(activation):
    rng = np.random.default_rng(2)
    A, W, b, G = rng.standard_normal((3, 5)), rng.standard_normal((4, 3)), rng.standard_normal((4, 1)), rng.standard_normal((4, 5))
    g = {"relu": lambda z: np.maximum(0, z), "sigmoid": lambda z: 1 / (1 + np.exp(-z))}[activation]
    A_out, cache = linear_activation_forward(A, W, b, activation)
    assert np.min(np.abs(cache[1])) > 1e-3  # no Z at the relu's kink
    dA_prev, dW, db = linear_activation_backward(G, cache, activation)
    J = lambda: np.sum(G * g(W @ A + b)) / A.shape[1]  # noqa: E731
    np.testing.assert_allclose(dW, numeric_gradient(J, W), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(db, numeric_gradient(J, b), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(dA_prev, A.shape[1] * numeric_gradient(J, A), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("backward, g", [
    (relu_backward, lambda z: np.maximum(0, z)),
    (sigmoid_backward, lambda z: 1 / (1 + np.exp(-z))),
])
def test_activation_backward_agrees_with_finite_differences(backward, g):
    rng = np.random.default_rng(3)
    Z, dA = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    np.testing.assert_allclose(backward(dA, Z), numeric_gradient(lambda: np.sum(dA * g(Z)), Z), rtol=1e-6, atol=1e-9)


def test_L_model_backward_agrees_with_finite_differences():
    rng = np.random.default_rng(4)
    p = rng_params([4, 5, 3, 1], seed=4)
    X = rng.standard_normal((4, 6))
    Y = np.array([[1, 0, 1, 1, 0, 0]])
    AL, caches = L_model_forward(X, p)
    grads = L_model_backward(AL, Y, caches)
    assert sorted(grads) == sorted(["dA0", "dA1", "dA2", "dW1", "dW2", "dW3", "db1", "db2", "db3"])
    J = lambda: compute_cost(L_model_forward(X, p)[0], Y)  # noqa: E731
    for l in (1, 2, 3):
        np.testing.assert_allclose(grads[f"dW{l}"], numeric_gradient(J, p[f"W{l}"]), rtol=1e-5, atol=1e-8)
        np.testing.assert_allclose(grads[f"db{l}"], numeric_gradient(J, p[f"b{l}"]), rtol=1e-5, atol=1e-8)
    # grads["dA0"] is the gradient of the summed (not averaged) loss with respect to A0 = X
    np.testing.assert_allclose(grads["dA0"], X.shape[1] * numeric_gradient(J, X), rtol=1e-5, atol=1e-8)
    # grads["dA1"] is the gradient with respect to A1, computed while going back through layer 2
    A1 = caches[1][0][0]
    tail = {"W1": p["W2"], "b1": p["b2"], "W2": p["W3"], "b2": p["b3"]}
    J1 = lambda: compute_cost(L_model_forward(A1, tail)[0], Y)  # noqa: E731
    np.testing.assert_allclose(grads["dA1"], X.shape[1] * numeric_gradient(J1, A1), rtol=1e-5, atol=1e-8)


def test_a_few_steps_of_training_lower_the_cost():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((2, 40))
    Y = (X[0:1] + X[1:2] > 0).astype(int)
    p = initialize_parameters_deep([2, 4, 1])
    costs = []
    for _ in range(300):
        AL, caches = L_model_forward(X, p)
        costs.append(compute_cost(AL, Y))
        p = update_parameters(p, L_model_backward(AL, Y, caches), 0.5)
    assert costs[-1] < 0.5 * costs[0]
    assert np.mean((L_model_forward(X, p)[0] > 0.5) == Y) > 0.9


# -- trace events --------------------------------------------------------------------------------


def test_a_traced_training_step_records_one_event_per_layer_and_phase():
    p = rng_params([4, 3, 2, 1])
    X = np.random.default_rng(6).standard_normal((4, 5))
    Y = np.array([[1, 0, 0, 1, 1]])
    with tracer.record() as trace:
        AL, caches = L_model_forward(X, p)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        new = update_parameters(p, grads, 0.1)
    assert [c.name for c in trace.calls] == ["L_model_forward", "compute_cost", "L_model_backward", "update_parameters"]
    assert [(e.kind, getattr(e, "layer", None)) for e in trace] == [
        ("linear_forward", 1), ("activation_forward", 1), ("linear_forward", 2), ("activation_forward", 2),
        ("linear_forward", 3), ("activation_forward", 3), ("cost", None),
        ("activation_backward", 3), ("linear_backward", 3), ("activation_backward", 2), ("linear_backward", 2),
        ("activation_backward", 1), ("linear_backward", 1), ("update", 1), ("update", 2), ("update", 3),
    ]
    assert trace[0] == ev.LinearForward(0, 1, (4, 5), (3, 4), (3, 1), (3, 5), ("A0", "W1", "b1"))
    assert trace[5] == ev.ActivationForward(0, 3, "sigmoid", (1, 5), (1, 5), "Z3")
    assert trace[1].activation == "relu"
    assert trace[7] == ev.ActivationBackward(2, 3, "sigmoid", (1, 5), (1, 5), "dAL", "Z3")
    assert trace[9] == ev.ActivationBackward(2, 2, "relu", (2, 5), (2, 5), "dA2", "Z2")
    assert trace[12] == ev.LinearBackward(2, 1, (3, 5), (4, 5), (3, 4), (3, 1), ("A0", "W1", "b1"))
    assert trace[12].outputs == ("dA0", "dW1", "db1")
    assert trace[15] == ev.Update(3, 3, (1, 2), (1, 1), 0.1)
    assert trace[6].value == pytest.approx(float(cost))
    # events hold ints, strings and tuples of them, never arrays
    for e in trace:
        for name in e.__slots__:
            value = getattr(e, name)
            assert not isinstance(value, np.ndarray)
            if name.endswith("_shape"):
                assert all(type(n) is int for n in value)
    # replaying every event rebuilds what each call returned
    np.testing.assert_array_equal(trace.replay(6)["A3"], AL)
    assert trace.replay(7)["cost"] == cost
    state = trace.replay(13)
    for key, value in grads.items():
        np.testing.assert_array_equal(state[key], value)
    state = trace.replay(16)
    for key, value in new.items():
        np.testing.assert_array_equal(state[key], value)


def test_replay_shows_what_is_not_computed_yet_as_nan():
    p = rng_params([2, 3, 1])
    X = np.ones((2, 2))
    with tracer.record() as trace:
        AL, caches = L_model_forward(X, p)
    state = trace.replay(1)
    np.testing.assert_array_equal(state["A0"], X)
    np.testing.assert_allclose(state["Z1"], p["W1"] @ X + p["b1"])
    assert np.isnan(state["A1"]).all() and np.isnan(state["Z2"]).all()
    assert trace.where("activation_forward").replay(1)["A1"].min() >= 0  # relu output


def test_standalone_calls_are_traced_with_plain_names():
    A, W, b = np.array([[1.0, 2.0]]), np.array([[3.0], [-1.0]]), np.array([[0.0], [0.5]])
    with tracer.record() as trace:
        Z, _ = linear_forward(A, W, b)
        A1, cache = linear_activation_forward(A, W, b, "relu")
        dA_prev, dW, db = linear_activation_backward(np.ones((2, 2)), cache, "relu")
        linear_backward(np.ones((2, 2)), cache[0])
    assert [e.kind for e in trace] == ["linear_forward", "linear_forward", "activation_forward",
                                       "activation_backward", "linear_backward", "linear_backward"]
    assert trace[0].cache == ("A_prev", "W", "b") and trace[0].layer == 0
    assert trace[2].describe() == "relu: A = relu(Z), (2, 2); activation cache Z"
    np.testing.assert_array_equal(trace.replay(3)["A"], [[3.0, 6.0], [0.0, 0.0]])
    state = trace.replay(5)
    np.testing.assert_array_equal(state["dZ"], [[1.0, 1.0], [0.0, 0.0]])
    np.testing.assert_array_equal(state["dW"], [[1.5], [0.0]])
    np.testing.assert_array_equal(state["dA_prev"], dA_prev)
    np.testing.assert_array_equal(trace.replay(6)["db"], [[1.0], [1.0]])


def test_descriptions_name_the_layer_and_the_cache():
    assert ev.LinearForward(0, 2, (4, 3), (1, 4), (1, 1), (1, 3), ("A1", "W2", "b2")).describe() == (
        "layer 2 linear: Z2 = W2 @ A1 + b2, (1, 4) @ (4, 3) + (1, 1) -> (1, 3); linear cache (A1, W2, b2)"
    )
    assert ev.ActivationBackward(0, 1, "relu", (4, 3), (4, 3), "dA1", "Z1").describe() == (
        "layer 1 relu backward: dZ1 = dA1 * (Z1 > 0), (4, 3); reads the cache Z1"
    )
    assert "dA0 = W1.T @ dZ1 (5, 3)" in ev.LinearBackward(0, 1, (4, 3), (5, 3), (4, 5), (4, 1), ("A0", "W1", "b1")).describe()
    assert ev.Cost(0, (1, 3), 0.5).describe().endswith("= 0.5 over m = 3 examples")
    assert ev.Update(0, 2, (1, 4), (1, 1), 0.0075).describe().startswith("layer 2 update: W2 = W2 - 0.0075 * dW2 (1, 4)")
    assert ev.EVENT_KINDS["linear_backward"] is ev.LinearBackward and ev.EVENT_TYPES[25] is ev.Update


def test_network_events_ignore_the_example_and_channel_filters_and_respect_the_limit():
    p = rng_params([3, 2, 1])
    X = np.ones((3, 4))
    with tracer.record(examples=[0], channels=[0]) as trace:
        L_model_forward(X, p)
    assert len(trace) == 4
    with tracer.record(max_events=3) as trace:
        with pytest.raises(tracer.TraceLimitError, match="L_model_forward would add 4 events"):
            L_model_forward(X, p)
    assert len(trace) == 0


def test_no_recording_means_no_trace_and_the_same_results():
    p = rng_params([3, 2, 1])
    X = np.random.default_rng(7).standard_normal((3, 4))
    AL, _ = L_model_forward(X, p)
    with tracer.record():
        AL2, _ = L_model_forward(X, p)
    np.testing.assert_array_equal(AL, AL2)


# -- errors, raised before any work --------------------------------------------------------------

A2 = np.ones((2, 3))
W12 = np.ones((1, 2))
B1 = np.zeros((1, 1))


@pytest.mark.parametrize("call, error, match", [
    (lambda: linear_forward(A2, np.ones((1, 3)), B1), ValueError, r"W has 3 columns \(W.shape\[1\]\) but A has 2 rows"),
    (lambda: linear_forward(A2, W12, np.zeros(1)), ValueError, r"b must be a 2-D array \(n_l, 1\), got shape \(1,\)"),
    (lambda: linear_forward(A2, W12, np.zeros((1, 3))), ValueError, r"b must have shape \(n_l, 1\) = \(1, 1\), got \(1, 3\)"),
    (lambda: linear_forward(A2.astype(complex), W12, B1), TypeError, r"A must hold real numbers \(float, int or bool\), got dtype complex128"),
    (lambda: linear_forward(np.array([[1.0, np.nan, 1.0], [1.0, 1.0, 1.0]]), W12, B1), ValueError, r"A must hold finite values, got nan at index \(0, 1\)"),
    (lambda: linear_forward([[1.0]], W12, B1), TypeError, r"A must be a numpy array"),
    (lambda: linear_activation_forward(A2, W12, B1, "tanh"), ValueError, r"activation must be one of \['relu', 'sigmoid'\], got 'tanh'"),
    (lambda: linear_activation_backward(np.ones((1, 3)), ((A2, W12, B1), np.ones((1, 3))), "Relu"), ValueError, r"got 'Relu'"),
    (lambda: linear_activation_backward(np.ones((1, 2)), ((A2, W12, B1), np.ones((1, 3))), "relu"), ValueError, r"dA must have the shape of the layer's output A, \(1, 3\), got \(1, 2\)"),
    (lambda: linear_activation_backward(np.ones((1, 3)), (A2, W12, B1), "relu"), ValueError, r"cache must be the forward call's tuple \(\(A_prev, W, b\), Z\), got a tuple of length 3"),
    (lambda: linear_backward(np.ones((2, 3)), (A2, W12, B1)), ValueError, r"dZ must have the shape of Z = W @ A_prev \+ b, \(1, 3\), got \(2, 3\)"),
    (lambda: L_model_forward(A2, {"W1": W12}), ValueError, r"missing \['b1'\]"),
    (lambda: L_model_forward(A2, {"W1": W12, "b1": B1, "W3": W12, "b3": B1}), ValueError, r"missing \['W2', 'b2'\]"),
    (lambda: L_model_forward(A2, {"W1": W12, "b1": B1, "lr": 0.1}), ValueError, r"unexpected \['lr'\]"),
    (lambda: L_model_forward(A2, [W12, B1]), TypeError, r"parameters must be a dict"),
    (lambda: L_model_forward(A2, {"W1": np.ones((1, 5)), "b1": B1}), ValueError, r'parameters\["W1"\] has 5 columns but X has 2 rows'),
    (lambda: L_model_forward(A2, {"W1": W12, "b1": B1, "W2": np.ones((1, 4)), "b2": B1}), ValueError, r'parameters\["W2"\] has 4 columns but parameters\["W1"\] makes 1 rows'),
    (lambda: compute_cost(np.array([[0.5, 0.5]]), np.array([1, 0])), ValueError, r"Y must have the shape of AL, \(1, 2\), got \(2,\); use Y.reshape\(1, 2\)"),
    (lambda: compute_cost(np.array([[0.5, 1.0]]), np.array([[1, 0]])), ValueError, r"AL must hold probabilities strictly between 0 and 1.*got 1.0 at index \(0, 1\)"),
    (lambda: compute_cost(np.array([[0.5, 0.5]]), np.array([[1, 2]])), ValueError, r"Y must hold labels between 0 and 1, got 2 at index \(0, 1\)"),
    (lambda: compute_cost(np.array([[0.5, 0.5]]), np.array([["a", "b"]])), TypeError, r"Y must hold real numbers"),
    (lambda: L_model_backward(np.array([[0.5, 0.5, 0.5]]), np.array([[1, 0, 1]]), []), ValueError, r"caches must be the non-empty list"),
    (lambda: L_model_backward(np.array([[0.5, 0.5]]), np.array([[1, 0]]), [((A2, W12, B1), np.ones((1, 3)))]), ValueError, r"caches\[0\] makes Z1 of shape \(1, 3\), but AL has shape \(1, 2\)"),
    (lambda: update_parameters({"W1": W12, "b1": B1}, {"dW1": W12}, 0.1), ValueError, r"grads is missing 'db1'"),
    (lambda: update_parameters({"W1": W12, "b1": B1}, {"dW1": np.ones((2, 1)), "db1": B1}, 0.1), ValueError, r'grads\["dW1"\] must have the shape of parameters\["W1"\], \(1, 2\), got \(2, 1\)'),
    (lambda: update_parameters({"W1": W12, "b1": B1}, {"dW1": W12, "db1": B1}, -0.1), ValueError, r"learning_rate must be a finite number > 0, got -0.1"),
    (lambda: update_parameters({"W1": W12, "b1": B1}, {"dW1": W12, "db1": B1}, "0.1"), TypeError, r"learning_rate must be a real number"),
    (lambda: relu_backward(np.ones((2, 2)), np.ones((2, 3))), ValueError, r"dA must have the shape of Z \(the cache\), \(2, 3\), got \(2, 2\)"),
    (lambda: sigmoid(np.array([["1", "2"]])), TypeError, r"sigmoid: Z must hold real numbers \(float, int or bool\), got dtype <U1"),
    (lambda: initialize_parameters(3, 0, 1), ValueError, r"n_h must be an int >= 1, got 0"),
    (lambda: initialize_parameters_deep([5]), ValueError, r"layer_dims must be a list of at least two layer sizes"),
    (lambda: initialize_parameters_deep([5, 2.0]), TypeError, r"layer_dims\[1\] must be an int >= 1"),
    # the cost's (1, m) shape: a column of 3 examples would count one example three times
    (lambda: compute_cost(np.full((3, 1), 0.5), np.ones((3, 1))), ValueError,
     r"AL must have shape \(1, m\), one probability per example in a single row .*got shape \(3, 1\); "
     r"for 3 examples in a column, pass AL.T and Y.T"),
    (lambda: compute_cost(np.full((2, 3), 0.5), np.ones((2, 3))), ValueError, r"AL must have shape \(1, m\).*got shape \(2, 3\)$"),
    (lambda: compute_cost(np.array([[0.5, 0.5]]), np.ma.masked_array([[1, 0]])), TypeError, r"Y is a masked array"),
    # sizes past the memory budget, refused from the sizes before anything is allocated
    (lambda: initialize_parameters_deep([10**6, 10**6]), ValueError,
     r"initialize_parameters_deep: W1 would be an array of shape \(1000000, 1000000\), 7.3 TiB, more than the 2.0 GiB"),
    (lambda: initialize_parameters_deep([5, 4, 10**6, 10**5]), ValueError, r"W3 would be an array of shape \(100000, 1000000\)"),
    (lambda: initialize_parameters(10**5, 10**5, 1), ValueError, r"W1 would be an array of shape \(100000, 100000\), 74.5 GiB"),
    (lambda: linear_forward(np.ones((1, 10**6)), np.ones((10**6, 1)), np.zeros((10**6, 1))), ValueError,
     r"linear_forward: W @ A would be an array of shape \(1000000, 1000000\).*pass fewer examples \(columns of A\)"),
    (lambda: L_model_forward(np.ones((1, 10**6)), {"W1": np.ones((10**6, 1)), "b1": np.zeros((10**6, 1))}), ValueError,
     r"L_model_forward: Z1 would be an array of shape \(1000000, 1000000\)"),
])
def test_bad_input_gets_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_a_seeded_function_refuses_its_sizes_before_drawing():
    """initialize_parameters_deep seeds and draws layer by layer: a refused last layer leaves numpy's state alone."""
    np.random.seed(7)
    state = np.random.get_state()[1].copy()
    with pytest.raises(ValueError, match="W2 would be an array"):
        initialize_parameters_deep([3, 2, 10**10])
    assert np.array_equal(np.random.get_state()[1], state)


def test_errors_come_before_any_recording(monkeypatch):
    from tracer import recording

    started = []
    real_start = recording.start
    monkeypatch.setattr(recording, "start", lambda *a, **k: started.append(a[0]) or real_start(*a, **k))
    with tracer.record() as trace:
        with pytest.raises(ValueError):
            L_model_forward(A2, {"W1": W12, "b1": B1, "W2": np.ones((1, 4)), "b2": B1})
    assert trace.calls == [] and started == []


def test_the_functions_are_reachable_from_tracer():
    for name in ("initialize_parameters", "initialize_parameters_deep", "linear_forward", "linear_activation_forward",
                 "L_model_forward", "compute_cost", "linear_backward", "linear_activation_backward",
                 "L_model_backward", "update_parameters", "sigmoid", "relu", "sigmoid_backward", "relu_backward"):
        assert getattr(tracer, name) is getattr(tracer.network, name)


def test_L_model_backward_agrees_with_torch_autograd():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    rng = np.random.default_rng(8)
    p = rng_params([5, 4, 3, 1], seed=8)
    X = rng.standard_normal((5, 7))
    Y = np.array([[1, 0, 1, 1, 0, 0, 1]])
    AL, caches = L_model_forward(X, p)
    cost = compute_cost(AL, Y)
    grads = L_model_backward(AL, Y, caches)
    # the same network written with torch's own operations, differentiated by autograd
    t = {k: torch.tensor(v, requires_grad=True) for k, v in p.items()}
    tX = torch.tensor(X, requires_grad=True)
    A = tX
    for l in (1, 2, 3):
        Z = t[f"W{l}"] @ A + t[f"b{l}"]
        A = torch.sigmoid(Z) if l == 3 else torch.relu(Z)
    t_cost = torch.nn.functional.binary_cross_entropy(A, torch.tensor(Y, dtype=torch.float64))
    t_cost.backward()
    assert cost == pytest.approx(t_cost.item(), rel=1e-12)
    np.testing.assert_allclose(AL, A.detach().numpy(), rtol=1e-12)
    for k in p:
        np.testing.assert_allclose(grads["d" + k], t[k].grad.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(grads["dA0"], X.shape[1] * tX.grad.numpy(), rtol=1e-10, atol=1e-14)
