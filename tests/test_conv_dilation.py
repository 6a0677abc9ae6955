"""Dilation in conv_forward and conv_backward (the dilated loops of tracer.conv and tracer.fast's twins):
hand-checkable cases, the identity "dilated filter = filter with zeros inserted" through the
course's own undilated loop, centred differences, torch, traces, and the checks of the key."""

from __future__ import annotations

import numpy as np
import pytest

import tracer
from tracer import events as ev
from tracer import fast


def grid(n_H: int, n_W: int) -> np.ndarray:
    """``10 * i + j``: every value names its own cell, as an NHWC batch of one."""
    return (10.0 * np.arange(n_H)[:, None] + np.arange(n_W)[None, :])[None, :, :, None]


def inserted(W: np.ndarray, d: int) -> np.ndarray:
    """``W`` with ``d - 1`` rows and columns of zeros between its cells: ``(d*(f-1)+1, ...)``."""
    f = W.shape[0]
    span = d * (f - 1) + 1
    out = np.zeros((span, span) + W.shape[2:])
    out[::d, ::d] = W
    return out


def undilated(hp: dict) -> dict:
    return {"stride": hp["stride"], "pad": hp["pad"]}


IMPLS = {"loop": tracer, "fast": fast}

# -- hand-checkable cases -----------------------------------------------------------------------


@pytest.mark.parametrize("impl", list(IMPLS))
def test_forward_literal_stride_1(impl):
    # 2x2 filter of ones dilated by 2 reads x[h, w] + x[h, w+2] + x[h+2, w] + x[h+2, w+2] = 40h + 4w + 44
    Z, _ = IMPLS[impl].conv_forward(grid(5, 5), np.ones((2, 2, 1, 1)), np.zeros((1, 1, 1, 1)),
                                    {"stride": 1, "pad": 0, "dilation": 2})
    np.testing.assert_array_equal(Z[0, :, :, 0], [[44, 48, 52], [84, 88, 92], [124, 128, 132]])


@pytest.mark.parametrize("impl", list(IMPLS))
def test_forward_literal_pad_1_stride_2(impl):
    # padded 6x6; windows read padded rows (and columns) {0, 2} and {2, 4}: original {-1, 1} and {1, 3}
    Z, _ = IMPLS[impl].conv_forward(grid(4, 4), np.ones((2, 2, 1, 1)), np.zeros((1, 1, 1, 1)),
                                    {"stride": 2, "pad": 1, "dilation": 2})
    np.testing.assert_array_equal(Z[0, :, :, 0], [[11, 11 + 13], [11 + 31, 11 + 13 + 31 + 33]])


@pytest.mark.parametrize("impl", list(IMPLS))
def test_backward_literal(impl):
    # each input cell gets one per window reading it: along a row, windows at 0..2 read h and h + 2
    cache = (grid(5, 5), np.ones((2, 2, 1, 1)), np.zeros((1, 1, 1, 1)), {"stride": 1, "pad": 0, "dilation": 2})
    dA_prev, dW, db = IMPLS[impl].conv_backward(np.ones((1, 3, 3, 1)), cache)
    np.testing.assert_array_equal(
        dA_prev[0, :, :, 0],
        [[1, 1, 2, 1, 1], [1, 1, 2, 1, 1], [2, 2, 4, 2, 2], [1, 1, 2, 1, 1], [1, 1, 2, 1, 1]],
    )
    # dW[di, dj] = sum over the 9 windows of x[h + 2di, w + 2dj] = 9 * (11 + 20 di + 2 dj)
    np.testing.assert_array_equal(dW[:, :, 0, 0], [[99, 117], [279, 297]])
    np.testing.assert_array_equal(db, [[[[9.0]]]])


# -- against the course's undilated loop with zeros inserted in the filter, to 1e-10 ------------


def test_forward_equals_the_undilated_loop_with_an_inserted_filter(dilated_case):
    A_prev, W, b, hp = dilated_case.arrays()
    Z, cache = tracer.conv_forward(A_prev, W, b, hp)
    assert Z.shape == dilated_case.out_shape and Z.dtype == np.float64
    want, _ = tracer.conv_forward(A_prev, inserted(W, hp["dilation"]), b, undilated(hp))
    np.testing.assert_allclose(Z, want, rtol=0, atol=1e-10)
    assert len(cache) == 4 and all(got is sent for got, sent in zip(cache, (A_prev, W, b, hp)))


def test_backward_equals_the_undilated_loop_with_an_inserted_filter(dilated_case):
    A_prev, W, b, hp = dilated_case.arrays()
    d = hp["dilation"]
    Z, cache = tracer.conv_forward(A_prev, W, b, hp)
    dZ = np.random.default_rng(1).standard_normal(Z.shape)
    dA_prev, dW, db = tracer.conv_backward(dZ, cache)
    want_dA, want_dW, want_db = tracer.conv_backward(dZ, (A_prev, inserted(W, d), b, undilated(hp)))
    np.testing.assert_allclose(dA_prev, want_dA, rtol=0, atol=1e-10)
    np.testing.assert_allclose(dW, want_dW[::d, ::d], rtol=0, atol=1e-10)  # only the filter's own cells
    np.testing.assert_allclose(db, want_db, rtol=0, atol=1e-10)


def test_fast_matches_the_loops(dilated_case):
    A_prev, W, b, hp = dilated_case.arrays()
    Z_loop, _ = tracer.conv_forward(A_prev, W, b, hp)
    Z, cache = fast.conv_forward(A_prev, W, b, hp)
    assert Z.shape == Z_loop.shape and Z.dtype == np.float64 and Z.flags.c_contiguous
    np.testing.assert_allclose(Z, Z_loop, rtol=0, atol=1e-10)
    assert all(got is sent for got, sent in zip(cache, (A_prev, W, b, hp)))
    dZ = np.random.default_rng(1).standard_normal(Z.shape)
    for name, got, want in zip(("dA_prev", "dW", "db"), fast.conv_backward(dZ, cache), tracer.conv_backward(dZ, cache)):
        assert got.shape == want.shape and got.dtype == want.dtype, name
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-10, err_msg=name)


@pytest.mark.parametrize("impl", list(IMPLS))
def test_backward_matches_finite_differences(dilated_case, impl, numerical_gradient):
    mod = IMPLS[impl]
    A_prev, W, b, hp = dilated_case.arrays(seed=4)
    G = np.random.default_rng(5).standard_normal(dilated_case.out_shape)
    dA_prev, dW, db = mod.conv_backward(G, (A_prev, W, b, hp))

    def loss(A_prev, W, b):
        return np.sum(mod.conv_forward(A_prev, W, b, hp)[0] * G)

    np.testing.assert_allclose(dA_prev, numerical_gradient(lambda x: loss(x, W, b), A_prev), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(dW, numerical_gradient(lambda x: loss(A_prev, x, b), W), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(db, numerical_gradient(lambda x: loss(A_prev, W, x), b), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("impl", list(IMPLS))
def test_matches_torch(dilated_case, impl):
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    mod = IMPLS[impl]
    A_prev, W, b, hp = dilated_case.arrays()
    Z, cache = mod.conv_forward(A_prev, W, b, hp)
    dZ = np.random.default_rng(1).standard_normal(Z.shape)
    dA_prev, dW, db = mod.conv_backward(dZ, cache)
    x = torch.tensor(A_prev.transpose(0, 3, 1, 2), requires_grad=True)
    w = torch.tensor(W.transpose(3, 2, 0, 1), requires_grad=True)
    bias = torch.tensor(b.reshape(-1), requires_grad=True)
    z = torch.nn.functional.conv2d(x, w, bias, stride=hp["stride"], padding=hp["pad"], dilation=hp["dilation"])
    z.backward(torch.tensor(dZ.transpose(0, 3, 1, 2)))
    np.testing.assert_allclose(Z, z.detach().numpy().transpose(0, 2, 3, 1), rtol=0, atol=1e-10)
    np.testing.assert_allclose(dA_prev, x.grad.numpy().transpose(0, 2, 3, 1), rtol=0, atol=1e-10)
    np.testing.assert_allclose(dW, w.grad.numpy().transpose(2, 3, 1, 0), rtol=0, atol=1e-10)
    np.testing.assert_allclose(db.reshape(-1), bias.grad.numpy(), rtol=0, atol=1e-10)


# -- without the key nothing changes; with it the trace says so --------------------------------


def small_arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``A_prev (2, 5, 6, 2)``, ``W (3, 3, 2, 2)``, ``b (1, 1, 1, 2)``."""
    rng = np.random.default_rng(3)
    return rng.standard_normal((2, 5, 6, 2)), rng.standard_normal((3, 3, 2, 2)), rng.standard_normal((1, 1, 1, 2))


def _rows(hp: dict) -> tuple[tracer.Trace, np.ndarray]:
    A_prev, W, b = small_arrays()
    with tracer.record() as trace:
        Z, cache = tracer.conv_forward(A_prev, W, b, hp)
        tracer.conv_backward(np.ones(Z.shape), cache)
    return trace, Z


def test_no_key_records_what_it_always_did_and_d_1_the_same_events():
    plain, Z_plain = _rows({"stride": 1, "pad": 1})
    keyed, Z_keyed = _rows({"stride": 1, "pad": 1, "dilation": 1})
    assert [c.params for c in plain.calls] == [{"stride": 1, "pad": 1, "f": 3}] * 2
    assert [c.params for c in keyed.calls] == [{"stride": 1, "pad": 1, "f": 3, "dilation": 1}] * 2
    assert [c.rows for c in plain.calls] == [c.rows for c in keyed.calls]
    assert np.array_equal(Z_plain, Z_keyed)


def test_dilated_events_span_the_window_and_replay_rebuilds_the_results(dilated_case):
    A_prev, W, b, hp = dilated_case.arrays()
    d, f, s = hp["dilation"], W.shape[0], hp["stride"]
    with tracer.record() as trace:
        Z, cache = tracer.conv_forward(A_prev, W, b, hp)
    assert trace.calls[0].params["dilation"] == d
    assert trace[0] == ev.Pad(call=0, pad=hp["pad"])
    for event, (i, h, w, c) in zip(trace[1:], np.ndindex(Z.shape), strict=True):
        assert (event.i, event.h, event.w, event.c) == (i, h, w, c)
        assert (event.vert_start, event.vert_end) == (h * s, h * s + d * (f - 1) + 1)
        assert (event.horiz_start, event.horiz_end) == (w * s, w * s + d * (f - 1) + 1)
        assert event.value == Z[i, h, w, c]
    assert np.array_equal(trace.replay()["Z"], Z)
    dZ = np.random.default_rng(2).standard_normal(Z.shape)
    with tracer.record() as back:
        got = tracer.conv_backward(dZ, cache)
    assert len(back) == dZ.size
    final = back.replay()
    for name, x in zip(("dA_prev", "dW", "db"), got):
        assert np.array_equal(final[name], x), name


def test_a_filtered_trace_of_a_dilated_call_replays_right():
    A_prev, W, b = small_arrays()
    hp = {"stride": 2, "pad": 2, "dilation": 3}
    Z, cache = tracer.conv_forward(A_prev, W, b, hp)
    with tracer.record(examples=1, channels=0) as trace:
        dA_prev, dW, db = tracer.conv_backward(np.ones(Z.shape), cache)
    assert len(trace) == Z.shape[1] * Z.shape[2]
    assert all(e.i == 1 and e.c == 0 for e in trace)
    # only example 1's windows of filter 0 were recorded: its dA_prev is filter 0's share alone
    want, _, _ = tracer.conv_backward(np.ones(Z.shape[:3] + (1,)), (A_prev, W[..., :1], b[..., :1], hp))
    np.testing.assert_allclose(trace.replay()["dA_prev"][1], want[1], rtol=0, atol=1e-12)


# -- the key's checks ---------------------------------------------------------------------------


@pytest.mark.parametrize("impl", list(IMPLS))
@pytest.mark.parametrize(
    "d, error, message",
    [
        (0, ValueError, r'conv_forward: hparameters\["dilation"\] must be an int >= 1, got 0'),
        (-2, ValueError, r'hparameters\["dilation"\] must be an int >= 1, got -2'),
        (2.0, TypeError, r'hparameters\["dilation"\] must be an int >= 1, got 2.0 \(float\)'),
        ("2", TypeError, r"got '2' \(str\)"),
        (True, TypeError, r"got True \(bool\)"),
        (None, TypeError, r"got None \(NoneType\)"),
    ],
)
def test_a_bad_dilation_is_named(impl, d, error, message):
    with pytest.raises(error, match=message):
        IMPLS[impl].conv_forward(np.ones((1, 5, 5, 1)), np.ones((3, 3, 1, 1)), np.zeros((1, 1, 1, 1)),
                                 {"stride": 1, "pad": 0, "dilation": d})


@pytest.mark.parametrize("impl", list(IMPLS))
def test_a_window_spread_past_the_padded_input_is_refused(impl):
    # 3x3 dilated by 3 spans 7 cells; the input is 4 + 2 * 1 = 6 high
    with pytest.raises(ValueError, match=(
        r"conv_forward: the 3x3 filter dilated by 3 spans 7x7 cells \(dilation \* \(f - 1\) \+ 1 = 3 \* 2 \+ 1 = 7\), "
        r"larger than A_prev's height 4 padded by 1 on each side \(6\); the output would be empty"
    )):
        IMPLS[impl].conv_forward(np.ones((1, 4, 9, 1)), np.ones((3, 3, 1, 1)), np.zeros((1, 1, 1, 1)),
                                 {"stride": 1, "pad": 1, "dilation": 3})
    # the same spread fits exactly in a 7-wide input: one output column
    Z, _ = IMPLS[impl].conv_forward(np.ones((1, 7, 7, 1)), np.ones((3, 3, 1, 1)), np.zeros((1, 1, 1, 1)),
                                    {"stride": 1, "pad": 0, "dilation": 3})
    np.testing.assert_array_equal(Z, [[[[9.0]]]])


@pytest.mark.parametrize("impl", list(IMPLS))
def test_conv_backward_names_a_bad_dilation_in_its_cache(impl):
    cache = (np.ones((1, 5, 5, 1)), np.ones((3, 3, 1, 1)), np.zeros((1, 1, 1, 1)), {"stride": 1, "pad": 0, "dilation": 0})
    with pytest.raises(ValueError, match=r'conv_backward: hparameters\["dilation"\] must be an int >= 1, got 0 '
                                         r"\(in the cache \(A_prev, W, b, hparameters\) given to conv_backward\)"):
        IMPLS[impl].conv_backward(np.ones((1, 3, 3, 1)), cache)
    # dZ must have the dilated output's shape
    cache[3]["dilation"] = 2
    with pytest.raises(ValueError, match=r"dZ must have the shape of the forward output Z, \(1, 1, 1, 1\), got \(1, 3, 3, 1\)"):
        IMPLS[impl].conv_backward(np.ones((1, 3, 3, 1)), cache)


def test_inputs_are_left_alone():
    A_prev, W, b = small_arrays()
    hp = {"stride": 1, "pad": 1, "dilation": 2}
    saved = [x.copy() for x in (A_prev, W, b)]
    for mod in IMPLS.values():
        Z, cache = mod.conv_forward(A_prev, W, b, hp)
        dZ = np.ones(Z.shape)
        grads = mod.conv_backward(dZ, cache)
        for x, old in zip((A_prev, W, b), saved):
            np.testing.assert_array_equal(x, old)
        assert hp == {"stride": 1, "pad": 1, "dilation": 2} and (dZ == 1).all()
        assert not any(np.shares_memory(g, x) for g in (Z, *grads) for x in (A_prev, W, b, dZ))
