"""Tests of tracer.checker.compare: wrong types, scalar types and caches are named as such."""

from __future__ import annotations

import numpy as np

from tracer import checker, pool


def test_wrong_dtype_wrong_scalar_type_and_bad_cache(first_failure):
    def conv_single_step(a_slice_prev, W, b):
        return float(np.sum(a_slice_prev * W) + b.item())

    assert "Python float" in first_failure(checker.check(conv_single_step)).differs

    def zero_pad(X, pad):
        return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0))).astype(str)

    assert first_failure(checker.check(zero_pad)).status == "wrong type"

    def pool_forward(A_prev, hparameters, mode="max"):
        A, cache = pool.pool_forward(A_prev, hparameters, mode)
        return A, [A_prev, hparameters]

    assert "cache should be the tuple (A_prev, hparameters), got a list" in first_failure(checker.check(pool_forward)).differs


def test_network_results_are_compared_entry_by_entry():
    from tracer import network
    from tracer.checker.compare import compare, same

    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, 3))
    params = {"W1": rng.standard_normal((3, 4)), "b1": rng.standard_normal((3, 1)),
              "W2": rng.standard_normal((1, 3)), "b2": rng.standard_normal((1, 1))}
    AL, caches = network.L_model_forward(X, params)
    grads = network.L_model_backward(AL, np.array([[1, 0, 1]]), caches)

    wrong = dict(grads, dW1=grads["dW1"] * 2)
    d = compare("L_model_backward", grads, wrong)
    assert (d.status, d.output, d.entry, d.index) == ("wrong values", "grads", "dW1", (0, 0))
    assert d.text.startswith("grads['dW1'][0, 0] is ")
    # the entries in the order the reference computes them: the last layer first
    both = dict(wrong, dA1=grads["dA1"] + 1)
    assert compare("L_model_backward", grads, both).entry == "dA1"
    missing = {k: v for k, v in grads.items() if k != "dA0"}
    assert compare("L_model_backward", grads, missing).text == (
        "grads should have the keys ['dA1', 'dW2', 'db2', 'dA0', 'dW1', 'db1']; missing ['dA0']")

    bad = [caches[0], ((caches[1][0][0], caches[1][0][1], caches[1][0][2]), caches[1][1] + 1)]
    d = compare("L_model_forward", (AL, caches), (AL, bad))
    assert (d.output, d.entry) == ("caches", "[1][1]") and d.text.startswith("caches[1][1] (Z2)[0, 0] is ")
    assert "caches should be a list of 2 layer caches" in compare("L_model_forward", (AL, caches),
                                                                  (AL, tuple(caches))).text

    cost = network.compute_cost(AL, np.array([[1, 0, 1]]))
    assert compare("compute_cost", cost, float(cost)) is None
    assert compare("compute_cost", cost, np.array(cost)) is None  # a 0-d array, as np.squeeze makes
    d = compare("compute_cost", cost, np.array([[cost]]))
    assert d.status == "wrong shape" and "np.squeeze(cost) makes it a number" in d.text
    assert same(cost, np.array(cost)) and not same(cost, cost + 1)


def test_complex_and_object_results_are_wrong_types():
    from tracer.checker.compare import compare

    X = np.arange(4.0).reshape(1, 2, 2, 1)
    expected = np.pad(X, ((0, 0), (1, 1), (1, 1), (0, 0)))
    d = compare("zero_pad", expected, expected + 0j)
    assert d.status == "wrong type" and "its real part is right" in d.text
    d = compare("zero_pad", expected, expected.astype(object))
    assert d.status == "wrong type" and d.text == "X_pad should hold real numbers, got dtype object"
