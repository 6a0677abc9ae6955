"""Transposed convolution (tracer.transpose and its tracer.fast twins): hand-checkable cases, an
independent implementation (zeros inserted between the input cells, then a convolution with
the flipped filter), conv_backward's dA_prev, centred differences, torch, traces and checks."""

from __future__ import annotations

import numpy as np
import pytest

import tracer
from conftest import CONV_CASES
from tracer import events as ev
from tracer import fast

IMPLS = {"loop": tracer, "fast": fast}


def nhwc(x2d) -> np.ndarray:
    return np.asarray(x2d, dtype=float)[None, :, :, None]


def ref_conv_transpose(A_prev, W, b, stride, pad, output_padding=0):
    """Zeros inserted between the input cells, f - 1 zeros around (and output_padding more at the
    bottom and right), a stride-1 convolution with the filter flipped; then the cut of pad."""
    m, H, W_, C_prev = A_prev.shape
    f = W.shape[0]
    up = np.zeros((m, (H - 1) * stride + 1, (W_ - 1) * stride + 1, C_prev))
    up[:, ::stride, ::stride] = A_prev
    e = f - 1
    up = np.pad(up, ((0, 0), (e, e + output_padding), (e, e + output_padding), (0, 0)))
    Z_full, _ = fast.conv_forward(up, W[::-1, ::-1].copy(), np.zeros_like(b), {"stride": 1, "pad": 0})
    return Z_full[:, pad : Z_full.shape[1] - pad, pad : Z_full.shape[2] - pad] + b


# -- hand-checkable cases -----------------------------------------------------------------------


@pytest.mark.parametrize("impl", list(IMPLS))
def test_forward_literal_overlaps(impl):
    # f 3 at stride 2: neighbouring blocks share a row or column, and the four share the centre
    Z, _ = IMPLS[impl].conv_transpose_forward(np.ones((1, 2, 2, 1)), np.ones((3, 3, 1, 1)), np.zeros((1, 1, 1, 1)),
                                              {"stride": 2, "pad": 0})
    np.testing.assert_array_equal(
        Z[0, :, :, 0],
        [[1, 1, 2, 1, 1], [1, 1, 2, 1, 1], [2, 2, 4, 2, 2], [1, 1, 2, 1, 1], [1, 1, 2, 1, 1]],
    )


@pytest.mark.parametrize("impl", list(IMPLS))
def test_forward_literal_blocks_cut_and_output_padding(impl):
    A_prev, W = nhwc([[1, 2], [3, 4]]), np.array([[1.0, 10.0], [100.0, 1000.0]])[:, :, None, None]
    f = IMPLS[impl].conv_transpose_forward
    # f 2 at stride 2: every input cell writes its own block, the input value times W
    Z, _ = f(A_prev, W, np.zeros((1, 1, 1, 1)), {"stride": 2, "pad": 0})
    full = [[1, 10, 2, 20], [100, 1000, 200, 2000], [3, 30, 4, 40], [300, 3000, 400, 4000]]
    np.testing.assert_array_equal(Z[0, :, :, 0], full)
    # pad 1 cuts one row and column from each side; then the bias
    Z, _ = f(A_prev, W, np.full((1, 1, 1, 1), 0.5), {"stride": 2, "pad": 1})
    np.testing.assert_array_equal(Z[0, :, :, 0], [[1000.5, 200.5], [30.5, 4.5]])
    # output_padding 1 adds a row and a column of zeros at the bottom and right before the cut
    Z, _ = f(A_prev, W, np.zeros((1, 1, 1, 1)), {"stride": 2, "pad": 1, "output_padding": 1})
    np.testing.assert_array_equal(Z[0, :, :, 0], [[1000, 200, 2000], [30, 4, 40], [3000, 400, 4000]])


@pytest.mark.parametrize("impl", list(IMPLS))
def test_forward_literal_channels(impl):
    # a 1x2 input of two channels, (1, 10) and (2, 20); a 1x1 filter reading 1 x channel 0 + 2 x channel 1,
    # at stride 2: a column of zeros between the two cells
    A_prev = np.array([[[[1.0, 10.0], [2.0, 20.0]]]])
    W = np.array([1.0, 2.0]).reshape(1, 1, 2, 1)
    Z, _ = IMPLS[impl].conv_transpose_forward(A_prev, W, np.zeros((1, 1, 1, 1)), {"stride": 2, "pad": 0})
    np.testing.assert_array_equal(Z[0, :, :, 0], [[1 + 2 * 10, 0, 2 + 2 * 20]])


@pytest.mark.parametrize("impl", list(IMPLS))
def test_backward_literal(impl):
    # 2x2 input [[1, 2], [3, 4]], 3x3 ones at stride 2, pad 1: dZ_full is ones on rows and columns 1..3
    cache = (nhwc([[1, 2], [3, 4]]), np.ones((3, 3, 1, 1)), np.zeros((1, 1, 1, 1)), {"stride": 2, "pad": 1})
    dA_prev, dW, db = IMPLS[impl].conv_transpose_backward(np.ones((1, 3, 3, 1)), cache)
    # every block holds 4 of the ones
    np.testing.assert_array_equal(dA_prev[0, :, :, 0], [[4, 4], [4, 4]])
    # dW[di, dj] sums the input cells whose block has a one at offset (di, dj): rows h with 1 <= 2h + di <= 3
    np.testing.assert_array_equal(dW[:, :, 0, 0], [[4, 3 + 4, 3], [2 + 4, 10, 1 + 3], [2, 1 + 2, 1]])
    np.testing.assert_array_equal(db, [[[[9.0]]]])


# -- every case against the independent implementation and each other, to 1e-10 ----------------


def test_forward_matches_independent(transpose_case):
    A_prev, W, b, hp = transpose_case.arrays()
    Z, cache = tracer.conv_transpose_forward(A_prev, W, b, hp)
    assert Z.shape == transpose_case.out_shape and Z.dtype == np.float64
    want = ref_conv_transpose(A_prev, W, b, hp["stride"], hp["pad"], hp.get("output_padding", 0))
    np.testing.assert_allclose(Z, want, rtol=0, atol=1e-10)
    assert len(cache) == 4 and all(got is sent for got, sent in zip(cache, (A_prev, W, b, hp)))


def test_fast_matches_the_loops(transpose_case):
    A_prev, W, b, hp = transpose_case.arrays()
    Z_loop, _ = tracer.conv_transpose_forward(A_prev, W, b, hp)
    Z, cache = fast.conv_transpose_forward(A_prev, W, b, hp)
    assert Z.shape == Z_loop.shape and Z.dtype == np.float64 and Z.flags.c_contiguous
    np.testing.assert_allclose(Z, Z_loop, rtol=0, atol=1e-10)
    assert all(got is sent for got, sent in zip(cache, (A_prev, W, b, hp)))
    dZ = np.random.default_rng(1).standard_normal(Z.shape)
    loop = tracer.conv_transpose_backward(dZ, cache)
    for name, got, want in zip(("dA_prev", "dW", "db"), fast.conv_transpose_backward(dZ, cache), loop):
        assert got.shape == want.shape and got.dtype == want.dtype and got.flags.c_contiguous, name
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-10, err_msg=name)


@pytest.mark.parametrize("impl", list(IMPLS))
def test_backward_matches_finite_differences(transpose_case, impl, numerical_gradient):
    mod = IMPLS[impl]
    A_prev, W, b, hp = transpose_case.arrays(seed=4)
    G = np.random.default_rng(5).standard_normal(transpose_case.out_shape)
    dA_prev, dW, db = mod.conv_transpose_backward(G, (A_prev, W, b, hp))

    def loss(A_prev, W, b):
        return np.sum(mod.conv_transpose_forward(A_prev, W, b, hp)[0] * G)

    np.testing.assert_allclose(dA_prev, numerical_gradient(lambda x: loss(x, W, b), A_prev), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(dW, numerical_gradient(lambda x: loss(A_prev, x, b), W), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(db, numerical_gradient(lambda x: loss(A_prev, W, x), b), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("impl", list(IMPLS))
def test_matches_torch(transpose_case, impl):
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    mod = IMPLS[impl]
    A_prev, W, b, hp = transpose_case.arrays()
    Z, cache = mod.conv_transpose_forward(A_prev, W, b, hp)
    dZ = np.random.default_rng(1).standard_normal(Z.shape)
    dA_prev, dW, db = mod.conv_transpose_backward(dZ, cache)
    x = torch.tensor(A_prev.transpose(0, 3, 1, 2), requires_grad=True)
    w = torch.tensor(W.transpose(2, 3, 0, 1), requires_grad=True)  # (n_C_prev, n_C, f, f)
    bias = torch.tensor(b.reshape(-1), requires_grad=True)
    z = torch.nn.functional.conv_transpose2d(x, w, bias, stride=hp["stride"], padding=hp["pad"],
                                             output_padding=hp.get("output_padding", 0))
    z.backward(torch.tensor(dZ.transpose(0, 3, 1, 2)))
    np.testing.assert_allclose(Z, z.detach().numpy().transpose(0, 2, 3, 1), rtol=0, atol=1e-10)
    np.testing.assert_allclose(dA_prev, x.grad.numpy().transpose(0, 2, 3, 1), rtol=0, atol=1e-10)
    np.testing.assert_allclose(dW, w.grad.numpy().transpose(2, 3, 0, 1), rtol=0, atol=1e-10)
    np.testing.assert_allclose(db.reshape(-1), bias.grad.numpy(), rtol=0, atol=1e-10)


def _leftover(case, n: int) -> int:
    """Rows (or columns) of the padded input that the stride left unread after the last window."""
    return (n + 2 * case.pad - case.f) % case.stride


# an int output_padding brings back both sizes when the rows and columns left over agree
SAME_LEFTOVER = [c for c in CONV_CASES if _leftover(c, c.n_H_prev) == _leftover(c, c.n_W_prev)]


@pytest.mark.parametrize("case", SAME_LEFTOVER, ids=str)
def test_conv_backward_dA_prev_is_a_transposed_convolution_of_dZ(case):
    A_prev, W, b, hp = case.arrays()
    Z, cache = tracer.conv_forward(A_prev, W, b, hp)
    dZ = np.random.default_rng(1).standard_normal(Z.shape)
    dA_prev, _, _ = tracer.conv_backward(dZ, cache)
    op = _leftover(case, case.n_H_prev)
    # the same filters, their channel axes swapped: dZ has n_C channels, dA_prev n_C_prev
    Zt, _ = tracer.conv_transpose_forward(dZ, W.transpose(0, 1, 3, 2), np.zeros((1, 1, 1, W.shape[2])),
                                          {"stride": case.stride, "pad": case.pad, "output_padding": op})
    np.testing.assert_allclose(Zt, dA_prev, rtol=0, atol=1e-10)


# -- traces -------------------------------------------------------------------------------------


def test_forward_trace_walks_the_input_cells_and_replays(transpose_case):
    A_prev, W, b, hp = transpose_case.arrays()
    f, s = W.shape[0], hp["stride"]
    with tracer.record() as trace:
        Z, _ = tracer.conv_transpose_forward(A_prev, W, b, hp)
    m, n_H_prev, n_W_prev, _ = A_prev.shape
    n_C = W.shape[3]
    assert len(trace) == m * n_H_prev * n_W_prev * n_C + 1
    for event, (i, h, w, c) in zip(trace[:-1], np.ndindex(m, n_H_prev, n_W_prev, n_C), strict=True):
        assert type(event) is ev.Scatter and event.kind == "scatter"
        assert (event.i, event.h, event.w, event.c) == (i, h, w, c)
        assert (event.vert_start, event.vert_end, event.horiz_start, event.horiz_end) == (h * s, h * s + f, w * s, w * s + f)
    assert trace[-1] == ev.Crop(call=0, pad=hp["pad"], output_padding=hp.get("output_padding", 0))
    start, before_cut, final = trace.replay(0), trace.replay(len(trace) - 1), trace.replay()
    assert not start["Z_full"].any() and np.isnan(start["Z"]).all()
    assert np.isnan(before_cut["Z"]).all()
    assert np.array_equal(final["Z"], Z)
    pad = hp["pad"]
    np.testing.assert_array_equal(final["Z_full"][:, pad : pad + Z.shape[1], pad : pad + Z.shape[2]] + b, Z)


def test_forward_replay_adds_one_block_per_step():
    # ones through a 3x3 filter of ones at stride 2: after k steps, Z_full counts the blocks over each cell
    with tracer.record() as trace:
        tracer.conv_transpose_forward(np.ones((1, 2, 2, 1)), np.ones((3, 3, 1, 1)), np.zeros((1, 1, 1, 1)),
                                      {"stride": 2, "pad": 0})
    np.testing.assert_array_equal(trace.replay(1)["Z_full"][0, :, :, 0][:3, :3], np.ones((3, 3)))
    two = trace.replay(2)["Z_full"][0, :, :, 0]
    np.testing.assert_array_equal(two, [[1, 1, 2, 1, 1], [1, 1, 2, 1, 1], [1, 1, 2, 1, 1], [0] * 5, [0] * 5])


def test_backward_trace_and_replay(transpose_case):
    A_prev, W, b, hp = transpose_case.arrays()
    Z, cache = tracer.conv_transpose_forward(A_prev, W, b, hp)
    dZ = np.random.default_rng(2).standard_normal(Z.shape)
    with tracer.record() as trace:
        got = tracer.conv_transpose_backward(dZ, cache)
    assert len(trace) == A_prev.shape[0] * A_prev.shape[1] * A_prev.shape[2] * W.shape[3] + 1
    assert trace[0] == ev.Uncrop(call=0, pad=hp["pad"], output_padding=hp.get("output_padding", 0))
    assert all(type(e) is ev.ScatterBack for e in trace[1:])
    final = trace.replay()
    for name, x in zip(("dA_prev", "dW", "db"), got):
        assert np.array_equal(final[name], x), name
    pad = hp["pad"]
    np.testing.assert_array_equal(final["dZ_full"][:, pad : pad + Z.shape[1], pad : pad + Z.shape[2]], dZ)
    assert np.isnan(trace.replay(0)["dZ_full"]).all() and not trace.replay(0)["dA_prev"].any()


def test_filters_keep_one_example_and_channel():
    rng = np.random.default_rng(0)
    A_prev, W, b = rng.standard_normal((2, 3, 3, 2)), rng.standard_normal((3, 3, 2, 3)), rng.standard_normal((1, 1, 1, 3))
    with tracer.record(examples=1, channels=2) as trace:
        tracer.conv_transpose_forward(A_prev, W, b, {"stride": 2, "pad": 1})
    assert len(trace) == 9 + 1  # nine input cells, and the cut
    assert all(e.i == 1 and e.c == 2 for e in trace[:-1])
    # 1 example, 3x3 input cells, 3 filters, and the cut: 28 events
    with pytest.raises(tracer.TraceLimitError, match="conv_transpose_forward would add 28 events"):
        with tracer.record(max_events=27):
            tracer.conv_transpose_forward(A_prev[:1], W, b, {"stride": 2, "pad": 1})


def test_the_step_text_fits_80_columns():
    rng = np.random.default_rng(0)
    A_prev, W, b = rng.standard_normal((1, 3, 3, 2)), rng.standard_normal((3, 3, 2, 2)), rng.standard_normal((1, 1, 1, 2))
    with tracer.record() as trace:
        Z, cache = tracer.conv_transpose_forward(A_prev, W, b, {"stride": 2, "pad": 1, "output_padding": 1})
        tracer.conv_transpose_backward(np.ones(Z.shape), cache)
    for k in range(len(trace)):
        text = trace.text(k)
        assert all(len(line) <= 80 for line in text.splitlines()), text
        assert trace[k].describe() .split(":")[0][:10] in text.replace("\n  ", " ")


# -- checks -------------------------------------------------------------------------------------

GOOD = (np.ones((1, 3, 3, 2)), np.ones((3, 3, 2, 4)), np.zeros((1, 1, 1, 4)))


@pytest.mark.parametrize("impl", list(IMPLS))
@pytest.mark.parametrize(
    "hp, error, message",
    [
        ({"stride": 2}, ValueError, r"conv_transpose_forward: hparameters is missing \['pad'\]"),
        ({"stride": 0, "pad": 0}, ValueError, r'hparameters\["stride"\] must be an int >= 1, got 0'),
        ({"stride": 2, "pad": -1}, ValueError, r'hparameters\["pad"\] must be an int >= 0, got -1'),
        ({"stride": 2, "pad": 0, "output_padding": 2}, ValueError,
         r'hparameters\["output_padding"\] must be smaller than the stride \(2\).*got 2'),
        ({"stride": 1, "pad": 0, "output_padding": 1}, ValueError, r"smaller than the stride \(1\)"),
        ({"stride": 2, "pad": 0, "output_padding": -1}, ValueError, r'output_padding"\] must be an int >= 0, got -1'),
        ({"stride": 2, "pad": 0, "output_padding": 1.0}, TypeError, r"got 1.0 \(float\)"),
        ({"stride": 2, "pad": 4}, ValueError,
         r"the full output's height is \(n_prev - 1\) \* stride \+ f \+ output_padding = \(3 - 1\) \* 2 \+ 3 \+ 0 = 7, "
         r"and cutting pad = 4 from each side leaves -1; the output would be empty"),
    ],
)
def test_bad_hparameters_are_named(impl, hp, error, message):
    with pytest.raises(error, match=message):
        IMPLS[impl].conv_transpose_forward(*GOOD, hp)


@pytest.mark.parametrize("impl", list(IMPLS))
def test_a_huge_output_is_refused_before_any_work(impl):
    # a stride of a million: Z_full is (2 - 1) * 10**6 + 3 cells high and wide, refused before it is made
    with pytest.raises(ValueError, match=r"conv_transpose_forward: Z_full, the full output before the cut, would be an "
                                         r"array of shape \(1, 1000003, 1000003, 4\), 29.1 TiB, more than the 2.0 GiB"):
        IMPLS[impl].conv_transpose_forward(np.ones((1, 2, 2, 2)), np.ones((3, 3, 2, 4)), np.zeros((1, 1, 1, 4)),
                                           {"stride": 10**6, "pad": 0})


@pytest.mark.parametrize("impl", list(IMPLS))
def test_bad_arrays_are_named(impl):
    f = IMPLS[impl].conv_transpose_forward
    A_prev, W, b = GOOD
    hp = {"stride": 2, "pad": 0}
    with pytest.raises(ValueError, match=r"W has 2 input channels \(W.shape\[2\]\) but A_prev has 3"):
        f(np.ones((1, 3, 3, 3)), W, b, hp)
    with pytest.raises(ValueError, match=r"W must hold square f x f filters"):
        f(A_prev, np.ones((3, 2, 2, 4)), b, hp)
    with pytest.raises(ValueError, match=r"b must have shape \(1, 1, 1, n_C\) = \(1, 1, 1, 4\), got \(1, 1, 1, 3\)"):
        f(A_prev, W, np.zeros((1, 1, 1, 3)), hp)
    with pytest.raises(TypeError, match=r"A_prev must hold real numbers \(float, int or bool\), got dtype complex128"):
        f(np.ones((1, 3, 3, 2), dtype=complex), W, b, hp)
    with pytest.raises(ValueError, match=r"A_prev must be a 4-D array"):
        f(np.ones((3, 3, 2)), W, b, hp)


@pytest.mark.parametrize("impl", list(IMPLS))
def test_backward_checks_dZ_and_the_cache(impl):
    back = IMPLS[impl].conv_transpose_backward
    cache = (*GOOD, {"stride": 2, "pad": 1})  # Z is (1, 5, 5, 4)
    with pytest.raises(ValueError, match=r"dZ must have the shape of the forward output Z, \(1, 5, 5, 4\), got \(1, 7, 7, 4\)"):
        back(np.ones((1, 7, 7, 4)), cache)
    with pytest.raises(ValueError, match=r"cache must be the forward call's tuple \(A_prev, W, b, hparameters\), got a tuple of length 3"):
        back(np.ones((1, 5, 5, 4)), cache[:3])
    bad = (*GOOD, {"stride": 2, "pad": 1, "output_padding": 3})
    with pytest.raises(ValueError, match=r"smaller than the stride \(2\).*\(in the cache \(A_prev, W, b, hparameters\) given to "
                                         r"conv_transpose_backward\)"):
        back(np.ones((1, 5, 5, 4)), bad)


def test_inputs_are_left_alone_and_results_are_fresh():
    rng = np.random.default_rng(8)
    A_prev, W, b = rng.standard_normal((2, 3, 4, 2)), rng.standard_normal((3, 3, 2, 3)), rng.standard_normal((1, 1, 1, 3))
    hp = {"stride": 2, "pad": 0}
    saved = [x.copy() for x in (A_prev, W, b)]
    for mod in IMPLS.values():
        Z, cache = mod.conv_transpose_forward(A_prev, W, b, hp)
        dZ = np.ones(Z.shape)
        grads = mod.conv_transpose_backward(dZ, cache)
        for x, old in zip((A_prev, W, b), saved):
            np.testing.assert_array_equal(x, old)
        assert hp == {"stride": 2, "pad": 0} and (dZ == 1).all()
        for out in (Z, *grads):
            assert out.flags.writeable and out.dtype == np.float64
            assert not any(np.shares_memory(out, x) for x in (A_prev, W, b, dZ))


def test_float32_inputs_give_float64_results():
    rng = np.random.default_rng(11)
    A_prev, W, b = (rng.standard_normal(s).astype(np.float32) for s in ((1, 3, 3, 2), (2, 2, 2, 3), (1, 1, 1, 3)))
    hp = {"stride": 2, "pad": 1, "output_padding": 1}
    for mod in IMPLS.values():
        Z, cache = mod.conv_transpose_forward(A_prev, W, b, hp)
        grads = mod.conv_transpose_backward(np.ones(Z.shape, dtype=np.float32), cache)
        assert all(x.dtype == np.float64 for x in (Z, *grads))
    np.testing.assert_allclose(fast.conv_transpose_forward(A_prev, W, b, hp)[0],
                               tracer.conv_transpose_forward(A_prev, W, b, hp)[0], rtol=1e-5, atol=1e-5)


def test_integer_inputs_are_taken_as_float64():
    # as the course's arithmetic does: the same results as the float arrays, float64, and in the cache
    A_prev, W, b = np.arange(8).reshape(1, 2, 2, 2), np.arange(16).reshape(2, 2, 2, 2), np.zeros((1, 1, 1, 2), dtype=int)
    hp = {"stride": 2, "pad": 0}
    for mod in IMPLS.values():
        Z, cache = mod.conv_transpose_forward(A_prev, W, b, hp)
        want, _ = tracer.conv_transpose_forward(A_prev.astype(float), W.astype(float), b.astype(float), hp)
        assert Z.dtype == np.float64
        np.testing.assert_array_equal(Z, want)
        grads = mod.conv_transpose_backward(np.ones(Z.shape, dtype=int), cache)
        assert all(g.dtype == np.float64 for g in grads)


def test_fast_records_nothing():
    with tracer.record() as trace:
        Z, cache = fast.conv_transpose_forward(*GOOD, {"stride": 2, "pad": 0})
        fast.conv_transpose_backward(Z, cache)
    assert len(trace) == 0 and trace.calls == []
