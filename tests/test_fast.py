"""tracer.fast, the vectorized twins: same results (to 1e-10), shapes, dtypes and caches as the
course loops; gradients checked by centred differences; torch as a third opinion when installed."""

from __future__ import annotations

import numpy as np
import pytest

import tracer
from tracer import fast


def _assert_same(got, want, what):
    assert type(got) is type(want), what
    assert got.shape == want.shape, what
    assert got.dtype == want.dtype, what
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-10, err_msg=what)


def test_literal_conv_and_pool():
    A_prev = (10.0 * np.arange(4)[:, None] + np.arange(4))[None, :, :, None]  # 10*i + j
    Z, _ = fast.conv_forward(A_prev, np.ones((2, 2, 1, 1)), np.zeros((1, 1, 1, 1)), {"stride": 2, "pad": 1})
    np.testing.assert_array_equal(Z[0, :, :, 0], [[0, 3, 3], [30, 66, 36], [30, 63, 33]])
    A, cache = fast.pool_forward(A_prev, {"f": 2, "stride": 2}, mode="max")
    np.testing.assert_array_equal(A[0, :, :, 0], [[11, 13], [31, 33]])
    dA_prev = fast.pool_backward(np.array([[1.0, 2.0], [3.0, 4.0]])[None, :, :, None], cache, mode="max")
    np.testing.assert_array_equal(dA_prev[0, :, :, 0], [[0, 0, 0, 0], [0, 1, 0, 2], [0, 0, 0, 0], [0, 3, 0, 4]])


def test_course_reference_values():
    np.random.seed(1)
    A_prev = np.random.randn(2, 5, 7, 4)
    W = np.random.randn(3, 3, 4, 8)
    b = np.random.randn(1, 1, 1, 8)
    Z, _ = fast.conv_forward(A_prev, W, b, {"pad": 1, "stride": 2})
    assert np.mean(Z) == pytest.approx(0.5511276474566768, rel=1e-13)
    np.random.seed(1)
    A_prev = np.random.randn(10, 4, 4, 3)
    W = np.random.randn(2, 2, 3, 8)
    b = np.random.randn(1, 1, 1, 8)
    Z, cache = fast.conv_forward(A_prev, W, b, {"pad": 2, "stride": 2})
    dA, dW, db = fast.conv_backward(Z, cache)
    assert np.mean(dA) == pytest.approx(1.4524377775388075, rel=1e-13)
    assert np.mean(dW) == pytest.approx(1.7269914583139097, rel=1e-13)
    assert np.mean(db) == pytest.approx(7.839232564616838, rel=1e-13)


def test_conv_matches_loops(conv_case):
    A_prev, W, b, hp = conv_case.arrays()
    Z_loop, cache_loop = tracer.conv_forward(A_prev, W, b, hp)
    Z, cache = fast.conv_forward(A_prev, W, b, hp)
    _assert_same(Z, Z_loop, "Z")
    assert len(cache) == len(cache_loop) == 4
    assert all(got is sent for got, sent in zip(cache, (A_prev, W, b, hp)))
    dZ = np.random.default_rng(1).standard_normal(Z.shape)
    for name, got, want in zip(("dA_prev", "dW", "db"), fast.conv_backward(dZ, cache), tracer.conv_backward(dZ, cache)):
        _assert_same(got, want, name)


@pytest.mark.parametrize("mode", ["max", "average"])
def test_pool_matches_loops(pool_case, mode):
    A_prev, hp = pool_case.arrays()
    A_loop, cache_loop = tracer.pool_forward(A_prev, hp, mode=mode)
    A, cache = fast.pool_forward(A_prev, hp, mode=mode)
    _assert_same(A, A_loop, "A")
    assert len(cache) == len(cache_loop) == 2
    assert cache[0] is A_prev and cache[1] is hp
    dA = np.random.default_rng(1).standard_normal(A.shape)
    _assert_same(fast.pool_backward(dA, cache, mode=mode), tracer.pool_backward(dA, cache, mode=mode), "dA_prev")


@pytest.mark.parametrize("f, stride", [(2, 1), (2, 2), (3, 1), (3, 2)])
def test_max_pool_backward_with_ties_matches_loops(f, stride):
    # small integers: many windows hold several equal maxima, and the course sends the gradient to each
    A_prev = np.random.default_rng(2).integers(0, 3, (2, 6, 7, 2)).astype(float)
    cache = (A_prev, {"f": f, "stride": stride})
    A, _ = fast.pool_forward(A_prev, cache[1], mode="max")
    dA = np.random.default_rng(3).standard_normal(A.shape)
    _assert_same(fast.pool_backward(dA, cache, mode="max"), tracer.pool_backward(dA, cache, mode="max"), "dA_prev")


def test_conv_backward_matches_finite_differences(conv_case, numerical_gradient):
    A_prev, W, b, hp = conv_case.arrays(seed=4)
    G = np.random.default_rng(5).standard_normal(conv_case.out_shape)
    dA_prev, dW, db = fast.conv_backward(G, (A_prev, W, b, hp))

    def loss(A_prev, W, b):
        return np.sum(fast.conv_forward(A_prev, W, b, hp)[0] * G)

    np.testing.assert_allclose(dA_prev, numerical_gradient(lambda x: loss(x, W, b), A_prev), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(dW, numerical_gradient(lambda x: loss(A_prev, x, b), W), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(db, numerical_gradient(lambda x: loss(A_prev, W, x), b), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("mode", ["max", "average"])
def test_pool_backward_matches_finite_differences(pool_case, mode, numerical_gradient):
    A_prev, hp = pool_case.arrays(seed=6, distinct=True)  # values 0.5 apart: no near-ties
    G = np.random.default_rng(7).standard_normal(pool_case.out_shape)
    dA_prev = fast.pool_backward(G, (A_prev, hp), mode=mode)
    num = numerical_gradient(lambda x: np.sum(fast.pool_forward(x, hp, mode=mode)[0] * G), A_prev)
    np.testing.assert_allclose(dA_prev, num, rtol=1e-6, atol=1e-7)


def test_inputs_are_left_alone_and_results_are_fresh():
    rng = np.random.default_rng(8)
    A_prev, W, b = rng.standard_normal((2, 5, 6, 3)), rng.standard_normal((3, 3, 3, 2)), rng.standard_normal((1, 1, 1, 2))
    hp = {"stride": 1, "pad": 0}  # pad 0: the padded input is A_prev itself inside fast
    saved = [x.copy() for x in (A_prev, W, b)]
    Z, cache = fast.conv_forward(A_prev, W, b, hp)
    dZ = np.ones(Z.shape)
    grads = fast.conv_backward(dZ, cache)
    pool_hp = {"f": 2, "stride": 1}
    A, pool_cache = fast.pool_forward(A_prev, pool_hp, mode="max")
    dA_prev = fast.pool_backward(np.ones(A.shape), pool_cache, mode="average")
    for x, old in zip((A_prev, W, b), saved):
        np.testing.assert_array_equal(x, old)
    assert (dZ == 1).all()
    assert hp == {"stride": 1, "pad": 0} and pool_hp == {"f": 2, "stride": 1}
    for out in (Z, A, dA_prev, *grads):
        assert out.flags.writeable and out.flags.c_contiguous
        assert not any(np.shares_memory(out, x) for x in (A_prev, W, b, dZ))


def test_float32_inputs_give_float64_results_like_the_loops():
    # the loops multiply float32 windows in float32 and store into float64 arrays: agreement to float32 precision
    rng = np.random.default_rng(11)
    A_prev, W, b = (rng.standard_normal(s).astype(np.float32) for s in ((2, 5, 6, 3), (2, 2, 3, 4), (1, 1, 1, 4)))
    hp, pool_hp = {"stride": 2, "pad": 1}, {"f": 2, "stride": 1}
    Z, cache = fast.conv_forward(A_prev, W, b, hp)
    dZ = rng.standard_normal(Z.shape).astype(np.float32)
    A, pool_cache = fast.pool_forward(A_prev, pool_hp, mode="max")
    dA = rng.standard_normal(A.shape).astype(np.float32)
    pairs = [
        (Z, tracer.conv_forward(A_prev, W, b, hp)[0]),
        *zip(fast.conv_backward(dZ, cache), tracer.conv_backward(dZ, cache)),
        (A, tracer.pool_forward(A_prev, pool_hp, mode="max")[0]),
        (fast.pool_forward(A_prev, pool_hp, mode="average")[0], tracer.pool_forward(A_prev, pool_hp, mode="average")[0]),
        (fast.pool_backward(dA, pool_cache, mode="max"), tracer.pool_backward(dA, pool_cache, mode="max")),
        (fast.pool_backward(dA, pool_cache, mode="average"), tracer.pool_backward(dA, pool_cache, mode="average")),
    ]
    for got, want in pairs:
        assert got.dtype == want.dtype == np.float64 and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_fast_records_nothing():
    A_prev = np.ones((1, 4, 4, 1))
    with tracer.record() as trace:
        Z, cache = fast.conv_forward(A_prev, np.ones((2, 2, 1, 1)), np.zeros((1, 1, 1, 1)), {"stride": 1, "pad": 0})
        fast.conv_backward(Z, cache)
        A, cache = fast.pool_forward(A_prev, {"f": 2, "stride": 2})
        fast.pool_backward(A, cache)
    assert len(trace) == 0 and trace.calls == []


def test_same_api_as_the_loops():
    assert sorted(fast.__all__) == sorted(tracer.conv.__all__ + tracer.pool.__all__ + tracer.transpose.__all__)
    # the small functions are shared: one window has nothing to vectorize
    for name in ("zero_pad", "conv_single_step", "create_mask_from_window", "distribute_value"):
        assert getattr(fast, name) is getattr(tracer, name)


# -- torch, when it is installed, as an independent implementation (NCHW, float64) -------------


def test_conv_matches_torch(conv_case):
    torch = pytest.importorskip("torch")
    case = conv_case
    A_prev, W, b, hp = case.arrays()
    Z, cache = fast.conv_forward(A_prev, W, b, hp)
    dZ = np.random.default_rng(1).standard_normal(Z.shape)
    dA_prev, dW, db = fast.conv_backward(dZ, cache)
    x = torch.tensor(A_prev.transpose(0, 3, 1, 2), requires_grad=True)
    w = torch.tensor(W.transpose(3, 2, 0, 1), requires_grad=True)
    bias = torch.tensor(b.reshape(-1), requires_grad=True)
    z = torch.nn.functional.conv2d(x, w, bias, stride=case.stride, padding=case.pad)
    z.backward(torch.tensor(dZ.transpose(0, 3, 1, 2)))
    np.testing.assert_allclose(Z, z.detach().numpy().transpose(0, 2, 3, 1), rtol=0, atol=1e-10)
    np.testing.assert_allclose(dA_prev, x.grad.numpy().transpose(0, 2, 3, 1), rtol=0, atol=1e-10)
    np.testing.assert_allclose(dW, w.grad.numpy().transpose(2, 3, 1, 0), rtol=0, atol=1e-10)
    np.testing.assert_allclose(db.reshape(-1), bias.grad.numpy(), rtol=0, atol=1e-10)


@pytest.mark.parametrize("mode", ["max", "average"])
def test_pool_matches_torch(mode):
    torch = pytest.importorskip("torch")
    A_prev = np.random.default_rng(9).standard_normal((2, 7, 6, 3))  # continuous values: no ties
    hp = {"f": 3, "stride": 2}
    A, cache = fast.pool_forward(A_prev, hp, mode=mode)
    dA = np.random.default_rng(10).standard_normal(A.shape)
    dA_prev = fast.pool_backward(dA, cache, mode=mode)
    x = torch.tensor(A_prev.transpose(0, 3, 1, 2), requires_grad=True)
    pool = torch.nn.functional.max_pool2d if mode == "max" else torch.nn.functional.avg_pool2d
    a = pool(x, 3, 2)
    a.backward(torch.tensor(dA.transpose(0, 3, 1, 2)))
    np.testing.assert_allclose(A, a.detach().numpy().transpose(0, 2, 3, 1), rtol=0, atol=1e-10)
    np.testing.assert_allclose(dA_prev, x.grad.numpy().transpose(0, 2, 3, 1), rtol=0, atol=1e-10)
