"""Tests of tracer.capstone: gradient check, traced loops against fast twins, learning, errors."""

from __future__ import annotations

import numpy as np
import pytest

import tracer
from tracer import capstone, fast

pytest.importorskip("sklearn")


@pytest.fixture(scope="module")
def digits():
    return capstone.load_digits_split(seed=0)


def random_params(seed: int = 1) -> dict[str, np.ndarray]:
    """Small parameters with nonzero biases, so that no relu input sits exactly at its kink."""
    rng = np.random.default_rng(seed)
    params = capstone.init_params((6, 6, 1), n_filters=2, n_classes=3, seed=seed)
    params["b1"] = rng.standard_normal(params["b1"].shape) * 0.1
    params["b2"] = rng.standard_normal(params["b2"].shape) * 0.1
    return params


def test_the_gradient_agrees_with_centred_finite_differences():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3, 6, 6, 1))  # continuous values: no ties in the max pooling
    y = np.array([0, 2, 1])
    params = random_params()
    probs, cache = capstone.forward(X, params, fast)
    grads = capstone.backward(probs, y, cache, params, fast)
    eps = 1e-6
    # a few sampled entries per parameter, differenced here by hand: the full numeric_gradient of
    # tracer.gradcheck would cost one forward pass per entry of every parameter
    for name in ("W1", "b1", "W2", "b2"):
        p = params[name]
        for flat_index in rng.choice(p.size, size=min(5, p.size), replace=False):
            idx = np.unravel_index(flat_index, p.shape)
            old = p[idx]
            p[idx] = old + eps
            up = capstone.loss(capstone.forward(X, params, fast)[0], y)
            p[idx] = old - eps
            down = capstone.loss(capstone.forward(X, params, fast)[0], y)
            p[idx] = old
            assert grads["d" + name][idx] == pytest.approx((up - down) / (2 * eps), rel=1e-5, abs=1e-8), (name, idx)


def test_the_traced_loops_give_the_same_first_step_as_the_fast_twins(digits):
    X_train, y_train, _, _ = digits
    X, y = X_train[:4], y_train[:4]
    params = capstone.init_params((8, 8, 1), n_filters=3, seed=2)
    params["b1"] = np.array([[[[0.1, -0.05, 0.0]]]])  # a positive bias makes ties in blank regions
    after = {}
    for impl in (fast, tracer):
        probs, cache = capstone.forward(X, params, impl)
        after[impl.__name__] = capstone.step(params, capstone.backward(probs, y, cache, params, impl), 0.3)
    for name in params:
        np.testing.assert_allclose(after["tracer"][name], after["tracer.fast"][name], rtol=0, atol=1e-10)
        assert not np.array_equal(after["tracer"][name], params[name])  # the step moved every parameter


def test_a_short_training_learns(digits):
    X_train, y_train, X_test, y_test = digits
    params = capstone.init_params((8, 8, 1), n_filters=4, seed=0)
    before = {k: v.copy() for k, v in params.items()}
    seen = []
    trained, history = capstone.train(X_train[:600], y_train[:600], X_test, y_test, params, fast, epochs=3,
                                      batch_size=32, learning_rate=0.3, progress=lambda e, h: seen.append(e))
    assert seen == [1, 2, 3] and history.epoch == [1, 2, 3]
    assert history.train_loss[-1] < history.train_loss[0] < np.log(10) + 0.5
    assert history.test_accuracy[-1] > 0.5  # chance is 0.1
    for k in params:  # train leaves the parameters it was given alone
        np.testing.assert_array_equal(params[k], before[k])
    assert "3 epochs" in repr(history)


def test_load_digits_split_is_fixed_by_its_seed(digits):
    X_train, y_train, X_test, y_test = digits
    assert X_train.shape == (1347, 8, 8, 1) and X_test.shape == (450, 8, 8, 1)
    assert X_train.min() == 0.0 and X_train.max() == 1.0
    assert y_train.dtype == np.int64 and set(np.unique(y_test)) == set(range(10))
    again = capstone.load_digits_split(seed=0)
    np.testing.assert_array_equal(again[1], y_train)


def test_softmax_loss_by_hand():
    probs = np.array([[0.5, 0.25, 0.25], [0.1, 0.8, 0.1]])
    assert capstone.loss(probs, np.array([0, 1])) == pytest.approx(-(np.log(0.5) + np.log(0.8)) / 2)


def test_forward_shapes_and_probabilities():
    params = capstone.init_params((8, 8, 1), n_filters=5, seed=0)
    assert params["W1"].shape == (3, 3, 1, 5) and params["W2"].shape == (80, 10) and params["b2"].shape == (1, 10)
    probs, _ = capstone.forward(np.random.default_rng(0).random((4, 8, 8, 1)), params, fast)
    assert probs.shape == (4, 10)
    np.testing.assert_allclose(probs.sum(axis=1), np.ones(4))


@pytest.mark.parametrize("call, error, match", [
    (lambda p: capstone.forward(np.zeros((1, 8, 8, 1)), p, np), TypeError, r"impl must be a module with"),
    (lambda p: capstone.forward(np.zeros((1, 8, 8, 1)), {"W1": p["W1"]}, fast), ValueError, r"params must be a dict with keys W1, b1, W2, b2"),
    (lambda p: capstone.forward(np.zeros((8, 8, 1)), p, fast), ValueError, r"X must be a 4-D array"),
    (lambda p: capstone.loss(np.full((2, 10), 0.1), np.array([0.0, 1.0])), TypeError, r"y must be a numpy array of integer class labels"),
    (lambda p: capstone.loss(np.full((2, 10), 0.1), np.array([0, 10])), ValueError, r"y must hold labels from 0 to 9, got values from 0 to 10"),
    (lambda p: capstone.loss(np.full((2, 10), 0.1), np.array([0, 1, 2])), ValueError, r"y must have shape \(m,\) = \(2,\)"),
    (lambda p: capstone.init_params((8, 8, 1), f=2), ValueError, r"f must be odd"),
    (lambda p: capstone.train(np.zeros((2, 8, 8, 1)), np.array([0, 1]), np.zeros((1, 8, 8, 1)), np.array([0]), p, fast,
                              learning_rate=0), ValueError, r"learning_rate must be a finite number > 0"),
])
def test_bad_input_gets_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call(capstone.init_params())


@pytest.mark.parametrize("impl", [fast, tracer], ids=["fast", "traced loops"])
def test_forward_and_gradient_agree_with_torch(impl):
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    F = torch.nn.functional
    rng = np.random.default_rng(3)
    X = rng.standard_normal((2, 6, 6, 1))
    y = np.array([2, 0])
    params = random_params(seed=3)
    probs, cache = capstone.forward(X, params, impl)
    grads = capstone.backward(probs, y, cache, params, impl)
    # the same network in torch: NCHW, filters (n_C, n_C_prev, f, f), flattened in NHWC order
    t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    x = torch.tensor(X).permute(0, 3, 1, 2)
    z = F.conv2d(x, t["W1"].permute(3, 2, 0, 1), t["b1"].reshape(-1), padding=1)
    pooled = F.max_pool2d(F.relu(z), 2)
    logits = pooled.permute(0, 2, 3, 1).reshape(2, -1) @ t["W2"] + t["b2"]
    loss = F.cross_entropy(logits, torch.tensor(y))
    loss.backward()
    np.testing.assert_allclose(probs, torch.softmax(logits, dim=1).detach().numpy(), rtol=1e-10)
    assert capstone.loss(probs, y) == pytest.approx(loss.item(), rel=1e-12)
    for name in params:
        np.testing.assert_allclose(grads["d" + name], t[name].grad.numpy(), rtol=1e-9, atol=1e-12)
