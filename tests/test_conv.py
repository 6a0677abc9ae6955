"""The course loops in tracer.conv: course reference values, hand-checkable cases,
an independent implementation (sums over filter offsets) and centred finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import tracer
from tracer import conv, pool

# -- an independent implementation: one strided slice per filter offset (di, dj) ----------------


def _offsets(X: np.ndarray, f: int, stride: int, n_H: int, n_W: int):
    """Yield ``(di, dj, view)``: the input cell at offset (di, dj) of every window, ``(m, n_H, n_W, C)``."""
    for di in range(f):
        for dj in range(f):
            yield di, dj, X[:, di : di + stride * (n_H - 1) + 1 : stride, dj : dj + stride * (n_W - 1) + 1 : stride, :]


def ref_conv_forward(A_prev, W, b, stride, pad):
    X = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    f = W.shape[0]
    n_H, n_W = (X.shape[1] - f) // stride + 1, (X.shape[2] - f) // stride + 1
    Z = np.zeros((X.shape[0], n_H, n_W, W.shape[3])) + b.reshape(-1)
    for di, dj, view in _offsets(X, f, stride, n_H, n_W):
        Z += view @ W[di, dj]
    return Z


def ref_conv_backward(dZ, A_prev, W, stride, pad):
    X = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    dX = np.zeros_like(X)
    dW = np.zeros_like(W)
    f, n_H, n_W = W.shape[0], dZ.shape[1], dZ.shape[2]
    for di, dj, view in _offsets(X, f, stride, n_H, n_W):
        dW[di, dj] = np.einsum("ihwk,ihwc->kc", view, dZ)
    for di, dj, dview in _offsets(dX, f, stride, n_H, n_W):
        dview += dZ @ W[di, dj].T
    dA_prev = dX[:, pad : pad + A_prev.shape[1], pad : pad + A_prev.shape[2], :]
    return dA_prev, dW, dZ.sum(axis=(0, 1, 2)).reshape(1, 1, 1, -1)


def ref_pool_forward(A_prev, f, stride, mode):
    n_H, n_W = (A_prev.shape[1] - f) // stride + 1, (A_prev.shape[2] - f) // stride + 1
    stack = np.stack([view for _, _, view in _offsets(A_prev, f, stride, n_H, n_W)])
    return stack.max(axis=0) if mode == "max" else stack.sum(axis=0) / (f * f)


def ref_pool_backward(dA, A_prev, f, stride, mode):
    n_H, n_W = dA.shape[1], dA.shape[2]
    top = ref_pool_forward(A_prev, f, stride, "max")
    dA_prev = np.zeros_like(A_prev)
    out = list(_offsets(dA_prev, f, stride, n_H, n_W))
    for (_, _, view), (_, _, dview) in zip(_offsets(A_prev, f, stride, n_H, n_W), out):
        dview += dA * (view == top) if mode == "max" else dA / (f * f)
    return dA_prev


def grid(n_H: int, n_W: int) -> np.ndarray:
    """``10 * i + j``: every value names its own cell."""
    return 10.0 * np.arange(n_H)[:, None] + np.arange(n_W)[None, :]


def nhwc(x2d: np.ndarray) -> np.ndarray:
    return np.asarray(x2d, dtype=float)[None, :, :, None]


# -- the course's reference values --------------------------------------------------------------


def test_conv_single_step_course_value():
    np.random.seed(1)
    a_slice_prev = np.random.randn(4, 4, 3)
    W = np.random.randn(4, 4, 3)
    b = np.random.randn(1, 1, 1)
    Z = tracer.conv_single_step(a_slice_prev, W, b)
    assert type(Z) is np.float64
    assert Z == pytest.approx(-6.99908945068, abs=5e-12)


def test_conv_forward_course_values():
    np.random.seed(1)
    A_prev = np.random.randn(2, 5, 7, 4)
    W = np.random.randn(3, 3, 4, 8)
    b = np.random.randn(1, 1, 1, 8)
    Z, cache = tracer.conv_forward(A_prev, W, b, {"pad": 1, "stride": 2})
    assert Z.shape == (2, 3, 4, 8)
    assert np.mean(Z) == 0.5511276474566768
    np.testing.assert_allclose(Z[0, 2, 1, :2], [-2.17796037, 8.07171329], atol=5e-9)


def test_pool_forward_course_values():
    np.random.seed(1)
    A_prev = np.random.randn(2, 5, 5, 3)
    A, cache = tracer.pool_forward(A_prev, {"f": 3, "stride": 1}, mode="max")
    assert A.shape == (2, 3, 3, 3)
    np.testing.assert_allclose(A[1, 1, 0], [1.96710175, 0.84616065, 1.27375593], atol=5e-9)
    A_avg, _ = tracer.pool_forward(A_prev, {"f": 3, "stride": 1}, mode="average")
    assert A_avg.shape == (2, 3, 3, 3)


def test_conv_backward_course_values():
    np.random.seed(1)
    A_prev = np.random.randn(10, 4, 4, 3)
    W = np.random.randn(2, 2, 3, 8)
    b = np.random.randn(1, 1, 1, 8)
    Z, cache = tracer.conv_forward(A_prev, W, b, {"pad": 2, "stride": 2})
    dA, dW, db = tracer.conv_backward(Z, cache)
    assert (dA.shape, dW.shape, db.shape) == ((10, 4, 4, 3), (2, 2, 3, 8), (1, 1, 1, 8))
    assert np.mean(dA) == pytest.approx(1.4524377775388075, rel=1e-14)
    assert np.mean(dW) == pytest.approx(1.7269914583139097, rel=1e-14)
    assert np.mean(db) == pytest.approx(7.839232564616838, rel=1e-14)


# -- hand-checkable cases: inputs 10*i + j, expected arrays written out ------------------------


def test_zero_pad_literal():
    X = nhwc(grid(2, 3))  # [[0, 1, 2], [10, 11, 12]]
    X_pad = tracer.zero_pad(X, 1)
    assert X_pad.shape == (1, 4, 5, 1)
    np.testing.assert_array_equal(
        X_pad[0, :, :, 0],
        [
            [0, 0, 0, 0, 0],
            [0, 0, 1, 2, 0],
            [0, 10, 11, 12, 0],
            [0, 0, 0, 0, 0],
        ],
    )


def test_zero_pad_pads_height_and_width_only():
    X = np.ones((2, 1, 1, 3))
    X_pad = tracer.zero_pad(X, 2)
    assert X_pad.shape == (2, 5, 5, 3)
    assert X_pad.sum() == 2 * 3
    np.testing.assert_array_equal(X_pad[:, 2, 2, :], np.ones((2, 3)))


def test_zero_pad_zero_is_a_copy_of_the_input():
    X = nhwc(grid(2, 2))
    X_pad = tracer.zero_pad(X, 0)
    np.testing.assert_array_equal(X_pad, X)
    assert not np.shares_memory(X_pad, X)


def test_conv_single_step_adds_the_bias_once():
    a = np.arange(8.0).reshape(2, 2, 2)  # 0..7, sum 28
    Z = tracer.conv_single_step(a, np.ones((2, 2, 2)), np.full((1, 1, 1), 100.0))
    assert type(Z) is np.float64
    assert Z == 128.0  # a bias added to every term would give 28 + 8 * 100


def test_conv_forward_literal_stride_1():
    # window sums of 10*i + j over 2x2 windows: 40h + 4w + 22, plus the bias 0.5
    Z, _ = tracer.conv_forward(nhwc(grid(4, 4)), np.ones((2, 2, 1, 1)), np.full((1, 1, 1, 1), 0.5), {"stride": 1, "pad": 0})
    np.testing.assert_array_equal(
        Z[0, :, :, 0],
        [
            [22.5, 26.5, 30.5],
            [62.5, 66.5, 70.5],
            [102.5, 106.5, 110.5],
        ],
    )


def test_conv_forward_literal_pad_1_stride_2():
    # padded 6x6 input, windows at rows and columns 0:2, 2:4, 4:6; pad cells count 0
    Z, _ = tracer.conv_forward(nhwc(grid(4, 4)), np.ones((2, 2, 1, 1)), np.zeros((1, 1, 1, 1)), {"stride": 2, "pad": 1})
    np.testing.assert_array_equal(
        Z[0, :, :, 0],
        [
            [0, 1 + 2, 3],
            [10 + 20, 11 + 12 + 21 + 22, 13 + 23],
            [30, 31 + 32, 33],
        ],
    )


def test_conv_forward_literal_channels():
    # two input channels (x and 100x), two filters: one reads channel 0, the other channel 1 minus channel 0
    x = grid(2, 2)
    A_prev = np.stack([x, 100 * x], axis=-1)[None]  # (1, 2, 2, 2)
    W = np.zeros((1, 1, 2, 2))
    W[0, 0, :, 0] = [1, 0]
    W[0, 0, :, 1] = [-1, 1]
    Z, _ = tracer.conv_forward(A_prev, W, np.array([[[[0.0, 1.0]]]]), {"stride": 1, "pad": 0})
    np.testing.assert_array_equal(Z[0, :, :, 0], [[0, 1], [10, 11]])
    np.testing.assert_array_equal(Z[0, :, :, 1], [[1, 100], [991, 1090]])


def test_conv_backward_literal():
    # 2x2 filter of ones over a 3x3 input, dZ all ones: each input cell gets one per window covering it
    A_prev = nhwc(grid(3, 3))
    cache = (A_prev, np.ones((2, 2, 1, 1)), np.zeros((1, 1, 1, 1)), {"stride": 1, "pad": 0})
    dA_prev, dW, db = tracer.conv_backward(np.ones((1, 2, 2, 1)), cache)
    np.testing.assert_array_equal(dA_prev[0, :, :, 0], [[1, 2, 1], [2, 4, 2], [1, 2, 1]])
    # dW[di, dj] = sum of the input cells at offset (di, dj) of every window
    np.testing.assert_array_equal(dW[:, :, 0, 0], [[0 + 1 + 10 + 11, 1 + 2 + 11 + 12], [10 + 11 + 20 + 21, 11 + 12 + 21 + 22]])
    np.testing.assert_array_equal(db, [[[[4.0]]]])


def test_conv_backward_literal_pad_1_stride_2():
    # pad 1, stride 2 on 3x3: windows of the 5x5 padded input at rows/cols 0:2 and 2:4
    A_prev = nhwc(grid(3, 3))
    W = np.array([[1.0, 2.0], [3.0, 4.0]])[:, :, None, None]
    cache = (A_prev, W, np.zeros((1, 1, 1, 1)), {"stride": 2, "pad": 1})
    dZ = nhwc([[1.0, 10.0], [100.0, 1000.0]])
    dA_prev, dW, db = tracer.conv_backward(dZ, cache)
    # padded cell (r, c) gets W[r % 2, c % 2] * dZ[r // 2, c // 2]; the padding row/col 0 is cut
    np.testing.assert_array_equal(
        dA_prev[0, :, :, 0],
        [
            [4, 30, 40],
            [200, 1000, 2000],
            [400, 3000, 4000],
        ],
    )
    # dW[di, dj] = sum over windows of dZ * padded input at offset (di, dj)
    np.testing.assert_array_equal(
        dW[:, :, 0, 0],
        [
            [1000 * 11, 100 * 10 + 1000 * 12],
            [10 * 1 + 1000 * 21, 10 * 2 + 100 * 20 + 1000 * 22],
        ],
    )
    np.testing.assert_array_equal(db, [[[[1111.0]]]])


def test_pool_forward_literal():
    A_prev = nhwc(grid(4, 4))
    A_max, _ = tracer.pool_forward(A_prev, {"f": 2, "stride": 2}, mode="max")
    A_avg, _ = tracer.pool_forward(A_prev, {"f": 2, "stride": 2}, mode="average")
    np.testing.assert_array_equal(A_max[0, :, :, 0], [[11, 13], [31, 33]])
    np.testing.assert_array_equal(A_avg[0, :, :, 0], [[5.5, 7.5], [25.5, 27.5]])
    A_max3, _ = tracer.pool_forward(A_prev, {"f": 3, "stride": 1}, mode="max")
    np.testing.assert_array_equal(A_max3[0, :, :, 0], [[22, 23], [32, 33]])


def test_pool_forward_keeps_channels_apart():
    A_prev = np.stack([grid(2, 2), -grid(2, 2)], axis=-1)[None]  # channel 1 is the negative
    A, _ = tracer.pool_forward(A_prev, {"f": 2, "stride": 1}, mode="max")
    np.testing.assert_array_equal(A, [[[[11.0, 0.0]]]])


def test_pool_backward_literal_max_stride_2():
    # stride 2: reading dA at the window's start (vert_start, horiz_start) instead of (h, w) would go wrong
    A_prev = nhwc(grid(4, 4))
    cache = (A_prev, {"f": 2, "stride": 2})
    dA_prev = tracer.pool_backward(nhwc([[1.0, 2.0], [3.0, 4.0]]), cache, mode="max")
    np.testing.assert_array_equal(dA_prev[0, :, :, 0], [[0, 0, 0, 0], [0, 1, 0, 2], [0, 0, 0, 0], [0, 3, 0, 4]])


def test_pool_backward_literal_average_stride_2():
    cache = (nhwc(grid(4, 4)), {"f": 2, "stride": 2})
    dA_prev = tracer.pool_backward(nhwc([[4.0, 8.0], [12.0, 16.0]]), cache, mode="average")
    np.testing.assert_array_equal(dA_prev[0, :, :, 0], [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]])


def test_pool_backward_literal_overlapping_windows():
    # f 2, stride 1 on 3x3: the max 22 is in one window, 11, 12 and 21 in several
    cache = (nhwc(grid(3, 3)), {"f": 2, "stride": 1})
    dA = nhwc([[1.0, 10.0], [100.0, 1000.0]])
    np.testing.assert_array_equal(
        tracer.pool_backward(dA, cache, mode="max")[0, :, :, 0], [[0, 0, 0], [0, 1, 10], [0, 100, 1000]]
    )
    np.testing.assert_array_equal(
        tracer.pool_backward(dA, cache, mode="average")[0, :, :, 0],
        [[0.25, 2.75, 2.5], [25.25, 277.75, 252.5], [25, 275, 250]],
    )


def test_pool_backward_max_sends_the_gradient_to_every_tied_maximum():
    A_prev = nhwc([[1.0, 3.0], [3.0, 2.0]])
    dA_prev = tracer.pool_backward(nhwc([[5.0]]), (A_prev, {"f": 2, "stride": 2}), mode="max")
    np.testing.assert_array_equal(dA_prev[0, :, :, 0], [[0, 5], [5, 0]])


def test_create_mask_from_window_literal():
    np.testing.assert_array_equal(
        tracer.create_mask_from_window(np.array([[1.0, 3.0], [-4.0, 2.0]])), [[False, True], [False, False]]
    )
    mask = tracer.create_mask_from_window(np.array([[7.0, 7.0, 1.0]]))
    assert mask.dtype == bool
    np.testing.assert_array_equal(mask, [[True, True, False]])


def test_distribute_value_literal():
    a = tracer.distribute_value(6.0, (2, 3))
    assert a.shape == (2, 3)
    np.testing.assert_array_equal(a, np.full((2, 3), 1.0))
    np.testing.assert_array_equal(tracer.distribute_value(-1.0, (2, 2)), [[-0.25, -0.25], [-0.25, -0.25]])
    np.testing.assert_array_equal(tracer.distribute_value(3, (1, 1)), [[3.0]])


# -- every case against the independent implementation, to 1e-10 -------------------------------


def test_conv_forward_matches_independent(conv_case):
    A_prev, W, b, hp = conv_case.arrays()
    Z, cache = tracer.conv_forward(A_prev, W, b, hp)
    assert Z.shape == conv_case.out_shape
    assert Z.dtype == np.float64
    np.testing.assert_allclose(Z, ref_conv_forward(A_prev, W, b, conv_case.stride, conv_case.pad), rtol=0, atol=1e-10)


def test_conv_backward_matches_independent(conv_case):
    A_prev, W, b, hp = conv_case.arrays()
    Z, cache = tracer.conv_forward(A_prev, W, b, hp)
    dZ = np.random.default_rng(1).standard_normal(Z.shape)
    got = tracer.conv_backward(dZ, cache)
    want = ref_conv_backward(dZ, A_prev, W, conv_case.stride, conv_case.pad)
    for name, g, x in zip(("dA_prev", "dW", "db"), got, want):
        assert g.shape == x.shape, name
        np.testing.assert_allclose(g, x, rtol=0, atol=1e-10, err_msg=name)


@pytest.mark.parametrize("mode", ["max", "average"])
def test_pool_forward_matches_independent(pool_case, mode):
    A_prev, hp = pool_case.arrays()
    A, cache = tracer.pool_forward(A_prev, hp, mode=mode)
    assert A.shape == pool_case.out_shape
    np.testing.assert_allclose(A, ref_pool_forward(A_prev, pool_case.f, pool_case.stride, mode), rtol=0, atol=1e-10)


@pytest.mark.parametrize("mode", ["max", "average"])
def test_pool_backward_matches_independent(pool_case, mode):
    A_prev, hp = pool_case.arrays()
    dA = np.random.default_rng(1).standard_normal(pool_case.out_shape)
    dA_prev = tracer.pool_backward(dA, (A_prev, hp), mode=mode)
    assert dA_prev.shape == A_prev.shape
    np.testing.assert_allclose(
        dA_prev, ref_pool_backward(dA, A_prev, pool_case.f, pool_case.stride, mode), rtol=0, atol=1e-10
    )


def test_pool_backward_max_with_ties_matches_independent():
    # integer-valued inputs: many windows hold tied maxima
    A_prev = np.random.default_rng(2).integers(0, 3, (2, 5, 6, 2)).astype(float)
    dA = np.random.default_rng(3).standard_normal((2, 4, 5, 2))
    dA_prev = tracer.pool_backward(dA, (A_prev, {"f": 2, "stride": 1}), mode="max")
    np.testing.assert_allclose(dA_prev, ref_pool_backward(dA, A_prev, 2, 1, "max"), rtol=0, atol=1e-10)


# -- gradients against centred finite differences of sum(Z * G) -------------------------------


def test_conv_backward_matches_finite_differences(conv_case, numerical_gradient):
    A_prev, W, b, hp = conv_case.arrays(seed=4)
    s, p = conv_case.stride, conv_case.pad
    G = np.random.default_rng(5).standard_normal(conv_case.out_shape)
    _, cache = tracer.conv_forward(A_prev, W, b, hp)
    dA_prev, dW, db = tracer.conv_backward(G, cache)
    num_dA = numerical_gradient(lambda x: np.sum(ref_conv_forward(x, W, b, s, p) * G), A_prev)
    num_dW = numerical_gradient(lambda x: np.sum(ref_conv_forward(A_prev, x, b, s, p) * G), W)
    num_db = numerical_gradient(lambda x: np.sum(ref_conv_forward(A_prev, W, x, s, p) * G), b)
    np.testing.assert_allclose(dA_prev, num_dA, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(dW, num_dW, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(db, num_db, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("mode", ["max", "average"])
def test_pool_backward_matches_finite_differences(pool_case, mode, numerical_gradient):
    A_prev, hp = pool_case.arrays(seed=6, distinct=True)  # values 0.5 apart: no near-ties
    G = np.random.default_rng(7).standard_normal(pool_case.out_shape)
    dA_prev = tracer.pool_backward(G, (A_prev, hp), mode=mode)
    num = numerical_gradient(lambda x: np.sum(ref_pool_forward(x, pool_case.f, pool_case.stride, mode) * G), A_prev)
    np.testing.assert_allclose(dA_prev, num, rtol=1e-6, atol=1e-7)


# -- results are fresh arrays; inputs are left alone; caches hold the objects passed in ---------


def _snapshot(*xs):
    return [x.copy() if isinstance(x, np.ndarray) else dict(x) for x in xs]


def test_conv_forward_keeps_inputs_and_caches_them(conv_case):
    A_prev, W, b, hp = conv_case.arrays()
    before = _snapshot(A_prev, W, b, hp)
    Z, cache = tracer.conv_forward(A_prev, W, b, hp)
    for x, old in zip((A_prev, W, b), before):
        np.testing.assert_array_equal(x, old)
    assert hp == before[3]
    assert len(cache) == 4
    assert all(got is sent for got, sent in zip(cache, (A_prev, W, b, hp)))


def test_conv_backward_keeps_inputs(conv_case):
    A_prev, W, b, hp = conv_case.arrays()
    Z, cache = tracer.conv_forward(A_prev, W, b, hp)
    dZ = np.random.default_rng(1).standard_normal(Z.shape)
    before = _snapshot(dZ, A_prev, W, b, hp)
    dA_prev, dW, db = tracer.conv_backward(dZ, cache)
    for x, old in zip((dZ, A_prev, W, b), before):
        np.testing.assert_array_equal(x, old)
    assert hp == before[4]
    assert not any(np.shares_memory(g, x) for g in (dA_prev, dW, db) for x in (dZ, A_prev, W, b))


@pytest.mark.parametrize("mode", ["max", "average"])
def test_pool_keeps_inputs_and_caches_them(pool_case, mode):
    A_prev, hp = pool_case.arrays()
    before = _snapshot(A_prev, hp)
    A, cache = tracer.pool_forward(A_prev, hp, mode=mode)
    assert cache[0] is A_prev and cache[1] is hp and len(cache) == 2
    dA = np.ones(A.shape)
    dA_prev = tracer.pool_backward(dA, cache, mode=mode)
    np.testing.assert_array_equal(A_prev, before[0])
    np.testing.assert_array_equal(dA, np.ones(A.shape))
    assert hp == before[1]
    assert not np.shares_memory(dA_prev, A_prev)


def test_small_functions_keep_inputs():
    X = nhwc(grid(2, 2))
    tracer.zero_pad(X, 1)
    np.testing.assert_array_equal(X, nhwc(grid(2, 2)))
    a, W, b = np.ones((2, 2, 1)), np.full((2, 2, 1), 2.0), np.full((1, 1, 1), 3.0)
    tracer.conv_single_step(a, W, b)
    assert (a == 1).all() and (W == 2).all() and (b == 3).all()
    x = grid(2, 2)
    tracer.create_mask_from_window(x)
    np.testing.assert_array_equal(x, grid(2, 2))
    shape = (2, 2)
    tracer.distribute_value(1.0, shape)
    assert shape == (2, 2)


def test_unchecked_helpers_match_public_functions():
    # the loops call the unchecked helpers; they must compute what the public functions do
    a = np.arange(12.0).reshape(2, 2, 3)
    W = np.linspace(-1, 1, 12).reshape(2, 2, 3)
    b = np.full((1, 1, 1), 0.25)
    assert conv._single_step(a, W, b) == tracer.conv_single_step(a, W, b)
    x = np.array([[1.0, 5.0], [5.0, 0.0]])
    np.testing.assert_array_equal(pool._mask(x), tracer.create_mask_from_window(x))
    np.testing.assert_array_equal(pool._distribute(2.0, (2, 2)), tracer.distribute_value(2.0, (2, 2)))
