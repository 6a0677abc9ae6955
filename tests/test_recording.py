"""Recording and replay (tracer.recording): replaying a call's events rebuilds exactly what it
returned; a trace behaves as a sequence; filters, limits, the cursor and the context variable."""

from __future__ import annotations

import numpy as np
import pytest

import tracer
from tracer import events as ev
from tracer import recording


def conv_call(case, seed=0):
    A_prev, W, b, hp = case.arrays(seed)
    with tracer.record() as trace:
        Z, cache = tracer.conv_forward(A_prev, W, b, hp)
    return trace, Z, (A_prev, W, b, hp)


def grid_input(n_H=4, n_W=4):
    return (10.0 * np.arange(n_H)[:, None] + np.arange(n_W))[None, :, :, None]


# -- replaying every event rebuilds exactly what the call returned ------------------------------


def test_conv_forward_replay(conv_case):
    trace, Z, (A_prev, W, b, hp) = conv_call(conv_case)
    m, n_H, n_W, n_C = Z.shape
    assert len(trace) == m * n_H * n_W * n_C + 1  # one event per window and filter, and the padding
    final = trace.replay()
    assert np.array_equal(final["Z"], Z)
    assert np.array_equal(final["A_prev_pad"], tracer.zero_pad(A_prev, hp["pad"]))
    start = trace.replay(0)
    assert start["Z"].shape == Z.shape and np.isnan(start["Z"]).all()
    assert np.isnan(start["A_prev_pad"]).all()
    # after the pad event and k windows, exactly the first k cells (in loop order i, h, w, c) are written
    for k in sorted({1, 2, len(trace) // 2, len(trace) - 1}):
        Z_k = trace.replay(k)["Z"]
        written = ~np.isnan(Z_k).ravel()
        assert written.sum() == k - 1
        assert written[: k - 1].all()
        assert np.array_equal(Z_k.ravel()[: k - 1], Z.ravel()[: k - 1])


def test_conv_forward_events_walk_the_windows_in_loop_order(conv_case):
    trace, Z, (A_prev, W, b, hp) = conv_call(conv_case)
    assert trace[0] == ev.Pad(call=0, pad=hp["pad"])
    f, s = W.shape[0], hp["stride"]
    cells = list(np.ndindex(Z.shape))
    for event, (i, h, w, c) in zip(trace[1:], cells, strict=True):
        assert type(event) is ev.ConvWindow
        assert (event.i, event.h, event.w, event.c) == (i, h, w, c)
        assert (event.vert_start, event.vert_end) == (h * s, h * s + f)
        assert (event.horiz_start, event.horiz_end) == (w * s, w * s + f)
        assert event.value == Z[i, h, w, c]


def test_conv_backward_replay(conv_case):
    A_prev, W, b, hp = conv_case.arrays()
    Z, cache = tracer.conv_forward(A_prev, W, b, hp)
    dZ = np.random.default_rng(1).standard_normal(Z.shape)
    with tracer.record() as trace:
        dA_prev, dW, db = tracer.conv_backward(dZ, cache)
    assert len(trace) == dZ.size
    final = trace.replay()
    for name, got in (("dA_prev", dA_prev), ("dW", dW), ("db", db)):
        assert np.array_equal(final[name], got), name
    start = trace.replay(0)
    for name in ("dA_prev", "dW", "db", "dA_prev_pad"):
        assert not start[name].any(), name
    # db after k events holds the sum of the first k upstream gradients of each channel (loop order = C order)
    n_C = dZ.shape[3]
    for k in sorted({1, len(trace) // 3, len(trace) - 1}):
        first = dZ.ravel()[:k]
        want = [first[np.arange(k) % n_C == c].sum() for c in range(n_C)]
        np.testing.assert_allclose(trace.replay(k)["db"].ravel(), want, rtol=1e-12, atol=1e-12)
    for event, grad in zip(trace, dZ.ravel(), strict=True):
        assert type(event) is ev.ConvBackWindow and event.grad == grad


@pytest.mark.parametrize("mode", ["max", "average"])
def test_pool_forward_replay(pool_case, mode):
    A_prev, hp = pool_case.arrays()
    with tracer.record() as trace:
        A, cache = tracer.pool_forward(A_prev, hp, mode=mode)
    assert len(trace) == A.size
    assert np.array_equal(trace.replay()["A"], A)
    assert np.isnan(trace.replay(0)["A"]).all()
    k = len(trace) // 2
    A_k = trace.replay(k)["A"].ravel()
    assert np.isnan(A_k).sum() == A.size - k
    assert np.array_equal(A_k[:k], A.ravel()[:k])
    for event in trace:
        assert event.mode == mode and event.value == A[event.i, event.h, event.w, event.c]
        if mode == "max":  # the recorded position holds the maximum, inside the window
            assert A_prev[event.i, event.max_row, event.max_col, event.c] == event.value
            assert event.vert_start <= event.max_row < event.vert_end
            assert event.horiz_start <= event.max_col < event.horiz_end
        else:
            assert (event.max_row, event.max_col) == (-1, -1)


@pytest.mark.parametrize("mode", ["max", "average"])
def test_pool_backward_replay(pool_case, mode):
    A_prev, hp = pool_case.arrays(distinct=True)  # no ties: each gradient lands once
    dA = np.random.default_rng(2).standard_normal(pool_case.out_shape)
    with tracer.record() as trace:
        dA_prev = tracer.pool_backward(dA, (A_prev, hp), mode=mode)
    assert len(trace) == dA.size
    assert np.array_equal(trace.replay()["dA_prev"], dA_prev)
    assert not trace.replay(0)["dA_prev"].any()
    for k in sorted({1, len(trace) // 2, len(trace)}):
        assert trace.replay(k)["dA_prev"].sum() == pytest.approx(dA.ravel()[:k].sum(), abs=1e-12)
    for event in trace:
        assert event.mode == mode and event.grad == dA[event.i, event.h, event.w, event.c]
        assert event.n_max == (1 if mode == "max" else -1)


def test_pool_backward_replay_with_ties():
    A_prev = np.random.default_rng(3).integers(0, 2, (1, 4, 5, 2)).astype(float)
    dA = np.random.default_rng(4).standard_normal((1, 3, 4, 2))
    with tracer.record() as trace:
        dA_prev = tracer.pool_backward(dA, (A_prev, {"f": 2, "stride": 1}), mode="max")
    assert np.array_equal(trace.replay()["dA_prev"], dA_prev)
    assert any(e.n_max > 1 for e in trace)


def test_small_functions_replay():
    X = grid_input(2, 3)
    x = np.array([[1.0, 4.0], [4.0, -2.0]])
    with tracer.record() as trace:
        X_pad = tracer.zero_pad(X, 2)
        Z = tracer.conv_single_step(np.ones((2, 2, 1)), np.full((2, 2, 1), 2.0), np.full((1, 1, 1), 0.5))
        mask = tracer.create_mask_from_window(x)
        a = tracer.distribute_value(3.0, (2, 3))
    assert [e.kind for e in trace] == ["pad", "single_step", "mask", "distribute"]
    assert trace[0] == ev.Pad(call=0, pad=2)
    assert trace[1] == ev.SingleStep(call=1, value=8.5)
    assert trace[2] == ev.Mask(call=2, maximum=4.0, n_max=2)
    assert trace[3] == ev.Distribute(call=3, dz=3.0, share=0.5)
    assert np.array_equal(trace.replay(1)["X_pad"], X_pad)
    assert trace.replay(2)["Z"] == Z
    assert np.array_equal(trace.replay(3)["mask"], mask)
    assert np.array_equal(trace.replay(4)["a"], a)
    assert np.isnan(trace.where(call=0).replay(0)["X_pad"]).all()


def test_states_replays_each_event_once_and_matches_replay():
    A_prev = grid_input(3, 4)
    with tracer.record() as trace:
        Z, cache = tracer.conv_forward(A_prev, np.ones((2, 2, 1, 2)), np.zeros((1, 1, 1, 2)), {"stride": 1, "pad": 1})
        A, _ = tracer.pool_forward(A_prev, {"f": 2, "stride": 1})
    seen = []
    for k, event, state in trace.states():
        assert event == trace[k]
        want = trace.replay(k + 1)
        assert state.keys() == want.keys()
        for name in want:
            assert np.array_equal(state[name], want[name], equal_nan=True), (k, name)
        seen.append(k)
    assert seen == list(range(len(trace)))


# -- the trace as a sequence --------------------------------------------------------------------


@pytest.fixture
def pool_trace():
    """16 max-pool windows over 10*i + j (4x5, f 2, stride 1), then 4 average windows (f 2, stride 2)."""
    with tracer.record() as trace:
        tracer.pool_forward(grid_input(4, 5), {"f": 2, "stride": 1}, mode="max")
        tracer.pool_forward(grid_input(4, 5), {"f": 2, "stride": 2}, mode="average")
    return trace


def test_sequence_behaviour(pool_trace):
    trace = pool_trace
    assert len(trace) == 12 + 4
    assert trace[0] == ev.PoolWindow(0, 0, 0, 0, 0, 0, 2, 0, 2, 11.0, 1, 1)
    assert trace[-1] == trace[15] == ev.PoolWindow(1, 0, 1, 1, 0, 2, 4, 2, 4, 27.5, -1, -1)
    assert trace[-16] == trace[0]
    assert trace[np.int64(3)] == trace[3]
    assert trace[2:5] == [trace[2], trace[3], trace[4]]
    assert trace[::-1][0] == trace[15]
    assert trace[14:100] == [trace[14], trace[15]]
    assert list(trace) == [trace[k] for k in range(16)]
    assert [e.value for e in trace[:4]] == [11.0, 12.0, 13.0, 14.0]
    assert trace.call_of(11).params["stride"] == 1 and trace.call_of(12).params["stride"] == 2
    assert trace.call_of(-1) is trace.calls[1]
    assert trace.index(trace[5]) == 5 and trace[7] in trace


def test_out_of_range_and_bad_indices(pool_trace):
    with pytest.raises(IndexError, match=r"step 16 is out of range: this trace has 16 events \(0 to 15\)"):
        pool_trace[16]
    with pytest.raises(IndexError, match="step -17 is out of range"):
        pool_trace[-17]
    with pytest.raises(TypeError, match="a step index must be an int, got float"):
        pool_trace[1.0]
    with pytest.raises(TypeError, match="got bool"):
        pool_trace[True]
    with pytest.raises(IndexError, match=r"replay\(k\): k must be an int from 0 to 16, got 17"):
        pool_trace.replay(17)
    with pytest.raises(IndexError, match="got -1"):
        pool_trace.replay(-1)
    with tracer.record() as empty:
        pass
    assert len(empty) == 0 and list(empty) == []
    with pytest.raises(IndexError, match="this trace has no events"):
        empty[0]
    with pytest.raises(ValueError, match="the trace recorded no call"):
        empty.replay()


def test_replay_across_calls(pool_trace):
    first, second = pool_trace.calls[0].result["A"], pool_trace.calls[1].result["A"]
    assert np.array_equal(pool_trace.replay(12)["A"], first)
    assert np.isnan(pool_trace.replay(12)["A"]).sum() == 0 and pool_trace.replay(12)["A"].shape == (1, 3, 4, 1)
    A_13 = pool_trace.replay(13)["A"]
    assert A_13.shape == (1, 2, 2, 1) and A_13[0, 0, 0, 0] == 5.5 and np.isnan(A_13).sum() == 3
    assert np.array_equal(pool_trace.replay()["A"], second)


# -- where() ------------------------------------------------------------------------------------


def test_where_filters(pool_trace):
    trace = pool_trace
    assert len(trace.where("pool_window")) == 16
    assert len(trace.where(ev.PoolWindow)) == 16
    assert len(trace.where("conv_window")) == 0
    assert len(trace.where(call=1)) == 4 and all(e.call == 1 for e in trace.where(call=1))
    assert [e.cell for e in trace.where(cell=(1, 2))] == [(1, 2)]
    assert [e.value for e in trace.where(cell=(0, 1))] == [12.0, 7.5]
    assert len(trace.where(i=0)) == 16 and len(trace.where(i=1)) == 0
    assert len(trace.where(c=0, call=0)) == 12
    chained = trace.where(call=0).where(cell=(2, 3))
    assert len(chained) == 1 and chained[0].value == 34.0
    # replay on a filtered trace applies every event before the kept ones
    assert np.array_equal(chained.replay(1)["A"], trace.replay(12)["A"])
    assert "(filtered)" in repr(chained)


def test_where_on_channels_and_examples():
    A_prev = np.random.default_rng(5).standard_normal((2, 3, 3, 3))
    with tracer.record() as trace:
        tracer.conv_forward(A_prev, np.ones((2, 2, 3, 2)), np.zeros((1, 1, 1, 2)), {"stride": 1, "pad": 0})
    assert len(trace) == 2 * 2 * 2 * 2 + 1
    sub = trace.where(i=1, c=0)
    assert len(sub) == 4 and all((e.i, e.c) == (1, 0) for e in sub)
    assert len(trace.where("pad")) == 1 and len(trace.where(i=0)) == 8  # i= keeps window events only


def test_where_refuses_bad_filters(pool_trace):
    with pytest.raises(ValueError, match="unknown kind 'window'"):
        pool_trace.where("window")
    with pytest.raises(TypeError, match="kind must be an event class or one of the names .*, got <class 'int'> "):
        pool_trace.where(int)
    with pytest.raises(TypeError, match=r"cell must be a tuple \(h, w\) of two ints, got \[1, 2\] \(list\)"):
        pool_trace.where(cell=[1, 2])


@pytest.mark.parametrize("kwargs, error, message", [
    ({"i": "0"}, TypeError, "where(): i must be an int >= 0 or None, got '0' (str)"),
    ({"c": 1.0}, TypeError, "where(): c must be an int >= 0 or None, got 1.0 (float)"),
    ({"call": True}, TypeError, "where(): call must be an int >= 0 or None, got True (bool)"),
    ({"i": -1}, ValueError, "where(): i must be an int >= 0 or None, got -1"),
    ({"cell": (0, "1")}, TypeError, "where(): cell[1] (w) must be an int >= 0 or None, got '1' (str)"),
    ({"cell": (0, 1, 2)}, TypeError, "where(): cell must be a tuple (h, w) of two ints, got (0, 1, 2) (tuple)"),
])
def test_where_checks_the_type_of_every_argument(pool_trace, kwargs, error, message):
    """A filter of the wrong type raises, instead of silently keeping no event."""
    with pytest.raises(error) as info:
        pool_trace.where(**kwargs)
    assert str(info.value) == message


def test_where_takes_numpy_integers(pool_trace):
    # the output cell (0, 1) of each of the two calls
    assert len(pool_trace.where(i=np.int64(0), cell=(np.int32(0), 1))) == 2


# -- record(): filters and the limit ------------------------------------------------------------


def test_record_filters_keep_only_those_events():
    A_prev = np.random.default_rng(6).standard_normal((3, 4, 4, 2))
    W, b, hp = np.ones((2, 2, 2, 3)), np.zeros((1, 1, 1, 3)), {"stride": 2, "pad": 1}
    with tracer.record(examples=[0, 2], channels=1) as trace:
        Z, _ = tracer.conv_forward(A_prev, W, b, hp)
    windows = trace[1:]
    assert trace[0].kind == "pad"
    assert len(windows) == 2 * 3 * 3 * 1
    assert {(e.i, e.c) for e in windows} == {(0, 1), (2, 1)}
    replayed = trace.replay()["Z"]
    kept = ~np.isnan(replayed)
    assert kept.sum() == 18 and kept[[0, 2], :, :, 1].all()
    assert np.array_equal(replayed[kept], Z[kept])
    with tracer.record(examples=5) as trace:  # no such example: nothing but the padding
        tracer.conv_forward(A_prev, W, b, hp)
    assert [e.kind for e in trace] == ["pad"]


def test_record_filters_count_towards_the_limit():
    A_prev = np.ones((4, 4, 4, 1))
    with tracer.record(max_events=9, examples=[1]) as trace:  # 9 of the 36 windows
        tracer.pool_forward(A_prev, {"f": 2, "stride": 1})
    assert len(trace) == 9


def test_record_refuses_bad_arguments():
    with pytest.raises(ValueError, match="max_events must be a positive int, got 0"):
        with tracer.record(max_events=0):
            pass
    with pytest.raises(ValueError, match="got True"):
        with tracer.record(max_events=True):
            pass
    with pytest.raises(TypeError, match="examples must be a non-negative int or a list of them, got -1"):
        with tracer.record(examples=-1):
            pass
    with pytest.raises(TypeError, match="channels must be a non-negative int or a list of them, got 'a'"):
        with tracer.record(channels=["a"]):
            pass
    assert not recording.recording()


def test_limit_refuses_a_call_before_any_work():
    A_prev = np.ones((2, 4, 4, 1))  # 2 * 3 * 3 = 18 windows with f 2, stride 1
    with tracer.record(max_events=18) as trace:
        tracer.pool_forward(A_prev, {"f": 2, "stride": 1})  # exactly the limit: accepted
        with pytest.raises(tracer.TraceLimitError) as info:
            tracer.pool_forward(A_prev, {"f": 2, "stride": 1})
    message = str(info.value)
    assert "pool_forward would add 18 events to the 18 already recorded, past max_events=18" in message
    assert isinstance(info.value, ValueError)
    assert len(trace.calls) == 1 and len(trace) == 18
    with tracer.record(max_events=18) as trace:  # conv_forward adds its pad event: 18 windows + 1
        with pytest.raises(tracer.TraceLimitError, match="add 19 events to the 0 already"):
            tracer.conv_forward(A_prev, np.ones((2, 2, 1, 1)), np.zeros((1, 1, 1, 1)), {"stride": 1, "pad": 0})
    assert trace.calls == []


# -- stored arrays are copies -------------------------------------------------------------------


def test_calls_store_copies_of_inputs_and_results():
    A_prev = grid_input(3, 3)
    with tracer.record() as trace:
        A, cache = tracer.pool_forward(A_prev, {"f": 2, "stride": 1})
    A_prev[...] = -1.0
    A[...] = -1.0
    call = trace.calls[0]
    assert call.name == "pool_forward"
    assert call.params == {"f": 2, "stride": 1, "mode": "max"}
    assert np.array_equal(call.arrays["A_prev"], grid_input(3, 3))
    assert np.array_equal(call.result["A"], [[[[11.0], [12.0]], [[21.0], [22.0]]]])
    assert np.array_equal(trace.replay()["A"], call.result["A"])


# -- cursor -------------------------------------------------------------------------------------


def test_cursor(pool_trace):
    trace = pool_trace
    first = trace.next()  # a fresh trace shows its first step, and says so
    assert first.index == 0 and first.event == trace[0]
    assert repr(first) == "(the first step; next() moves on)\n" + trace.text(0)
    assert trace.text(0).startswith("step 0 (0-15)  pool_forward: ")  # the number goto() takes
    assert trace.next().index == 1 and trace.cursor == 1
    assert trace.prev().index == 0
    assert trace.prev().index == 0  # stops at the first step
    assert trace.goto(-1).index == 15 and trace.cursor == 15
    assert trace.next().index == 15  # stops at the last step
    assert trace.goto(7).event == trace[7]
    assert trace.step().index == 7 and trace.step(3).index == 3 and trace.cursor == 7
    with pytest.raises(IndexError, match="step 16 is out of range"):
        trace.goto(16)
    assert trace.cursor == 7


# -- reprs --------------------------------------------------------------------------------------


def test_reprs_are_one_line(pool_trace):
    text = repr(pool_trace)
    assert "\n" not in text
    assert text.startswith("<Trace of 16 events from 2 call(s): pool_forward (A_prev (1, 4, 5, 1)); ")
    assert text.endswith("cursor at 0>")
    call = repr(pool_trace.calls[0])
    assert call == "<Call pool_forward(A_prev (1, 4, 5, 1), f=2, stride=1, mode='max'): 12 events>"
    with tracer.record() as empty:
        pass
    assert repr(empty) == "<Trace: no call recorded>"
    with tracer.record() as many:
        for _ in range(5):
            tracer.distribute_value(1.0, (1, 1))
    assert "and 2 more" in repr(many) and "\n" not in repr(many)


# -- no recording: nothing recorded, and the context variable is always reset -------------------


def test_nothing_is_recorded_outside_a_block():
    assert not recording.recording()
    assert recording.start("conv_forward", {}, {}) is None
    with tracer.record() as trace:
        assert recording.recording()
        tracer.distribute_value(1.0, (2, 2))
    tracer.distribute_value(1.0, (2, 2))  # after the block: not added
    assert len(trace) == 1 and len(trace.calls) == 1
    assert not recording.recording()


def test_context_is_reset_after_an_exception():
    with pytest.raises(RuntimeError, match="boom"):
        with tracer.record() as trace:
            tracer.distribute_value(1.0, (2, 2))
            raise RuntimeError("boom")
    assert not recording.recording()
    assert len(trace) == 1  # what was recorded before the exception stays readable
    tracer.distribute_value(1.0, (2, 2))
    assert len(trace) == 1


def test_nested_blocks_record_into_the_innermost():
    with tracer.record() as outer:
        tracer.distribute_value(1.0, (1, 1))
        with tracer.record() as inner:
            tracer.distribute_value(2.0, (1, 1))
        tracer.distribute_value(3.0, (1, 1))
    assert [e.dz for e in outer] == [1.0, 3.0]
    assert [e.dz for e in inner] == [2.0]


def test_record_time_filters_keep_every_event_that_is_not_a_window():
    # a 2-layer network forward has 4 steps (linear, activation per layer) and no windows: the
    # examples/channels filters must not drop them, whatever their rows hold
    X = np.arange(8.0).reshape(4, 2) / 10
    parameters = {"W1": np.full((3, 4), 0.1), "b1": np.zeros((3, 1)), "W2": np.full((1, 3), 0.1), "b2": np.zeros((1, 1))}
    with tracer.record(examples=[0], channels=[0]) as trace:
        tracer.L_model_forward(X, parameters)
        tracer.distribute_value(2.0, (2, 2))
        tracer.create_mask_from_window(np.array([[1.0, 3.0], [3.0, 2.0]]))
    assert [e.kind for e in trace] == [
        "linear_forward", "activation_forward", "linear_forward", "activation_forward", "distribute", "mask"]


# -- a call that raises part-way, the trace inside the block, nesting and threads ----------------


def stop_after(n: int, error: BaseException):
    """A stand-in for conv's ``_single_step`` that computes ``n`` windows, then raises ``error``."""
    from tracer import conv

    real, count = conv._single_step, [0]

    def step(*args):
        count[0] += 1
        if count[0] > n:
            raise error
        return real(*args)

    return step


@pytest.mark.parametrize("error", [KeyboardInterrupt(), ValueError("a bad value deep in the loop")],
                         ids=["ctrl-c", "error"])
def test_a_call_that_raises_part_way_is_dropped_whole(monkeypatch, tmp_path, error):
    from tracer import conv

    x = grid_input(3, 3)
    W, b = np.ones((2, 2, 1, 1)), np.zeros((1, 1, 1, 1))
    A_expected = np.array([[11.0, 12.0], [21.0, 22.0]])[None, :, :, None]
    with tracer.record() as trace:
        tracer.pool_forward(x, {"f": 2, "stride": 1})  # 4 windows
        with monkeypatch.context() as patch:
            patch.setattr(conv, "_single_step", stop_after(2, error))
            with pytest.raises(type(error)):
                tracer.conv_forward(x, W, b, {"stride": 1, "pad": 0})  # its padding step and 2 windows, then stops
        # only the call that returned: every step of it can be shown, replayed and drawn
        assert len(trace) == 4 and [c.name for c in trace.calls] == ["pool_forward"]
        assert trace.text(3).startswith("step 3 (0-3)  pool_forward") and trace[3].call == 0
        assert np.array_equal(trace.replay()["A"], A_expected)
        # the next call is recorded as the second one
        Z, _ = tracer.conv_forward(x, W, b, {"stride": 1, "pad": 0})
        assert len(trace) == 4 + 5 and trace[-1].call == 1
        assert np.array_equal(trace.replay()["Z"], Z)
    assert [c.name for c in trace.calls] == ["pool_forward", "conv_forward"]
    fig = trace.plot(5)
    assert fig.axes
    assert trace.save(tmp_path / "steps.gif").stat().st_size > 0


def test_a_network_call_that_raises_is_dropped(monkeypatch):
    from tracer.network import activations

    def interrupted(Z):
        raise KeyboardInterrupt

    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    parameters = {"W1": np.full((2, 2), 0.1), "b1": np.zeros((2, 1)), "W2": np.full((1, 2), 0.1), "b2": np.zeros((1, 1))}
    with tracer.record() as trace:
        with monkeypatch.context() as patch:
            patch.setitem(activations.FORWARD, "sigmoid", interrupted)  # layer 1 ran, then Ctrl-C in layer 2
            with pytest.raises(KeyboardInterrupt):
                tracer.L_model_forward(X, parameters)
        assert len(trace) == 0 and trace.calls == []
        AL, _ = tracer.L_model_forward(X, parameters)
        assert len(trace) == 4
        assert np.array_equal(trace.replay()["A2"], AL)


def test_the_rows_of_a_dropped_call_do_not_count_towards_the_limit(monkeypatch):
    from tracer import conv

    x = np.zeros((1, 5, 5, 1))
    W, b = np.ones((1, 1, 1, 1)), np.zeros((1, 1, 1, 1))
    with tracer.record(max_events=30) as trace:
        with monkeypatch.context() as patch:
            patch.setattr(conv, "_single_step", stop_after(20, KeyboardInterrupt()))
            with pytest.raises(KeyboardInterrupt):
                tracer.conv_forward(x, W, b, {"stride": 1, "pad": 0})
        tracer.conv_forward(x, W, b, {"stride": 1, "pad": 0})  # 26 events: within 30 once the 21 are dropped
    assert len(trace) == 26


def test_the_trace_fills_inside_the_block():
    with tracer.record() as trace:
        assert len(trace) == 0 and repr(trace) == "<Trace: no call recorded>"
        tracer.pool_forward(grid_input(), {"f": 2, "stride": 2})
        assert len(trace) == 4
        assert trace[3].value == 33.0  # the max of the last window of 10*i + j
        assert trace.text(3).startswith("step 3 (0-3)  pool_forward")
        tracer.create_mask_from_window(np.array([[1.0, 3.0], [3.0, 2.0]]))
        assert len(trace) == 5 and trace.call_of(4).name == "create_mask_from_window"
        assert trace.next().index == 0


def test_a_nested_record_takes_the_calls_made_inside_it():
    with tracer.record() as outer:
        tracer.pool_forward(grid_input(), {"f": 2, "stride": 2})
        with tracer.record() as inner:
            tracer.pool_forward(grid_input(), {"f": 4, "stride": 4})
        tracer.zero_pad(grid_input(), 1)
    assert [c.name for c in outer.calls] == ["pool_forward", "zero_pad"] and len(outer) == 5
    assert [c.params["f"] for c in inner.calls] == [4] and len(inner) == 1


def test_calls_in_other_threads_are_not_recorded():
    import threading

    results = []
    with tracer.record() as trace:
        thread = threading.Thread(target=lambda: results.append(tracer.pool_forward(grid_input(), {"f": 2, "stride": 2})))
        thread.start()
        thread.join()
        tracer.zero_pad(grid_input(), 1)
    assert len(results) == 1  # the thread's call ran...
    assert [c.name for c in trace.calls] == ["zero_pad"]  # ...but only this thread's call was recorded


def test_record_documents_nesting_threads_and_dropped_calls():
    doc = " ".join(tracer.record.__doc__.split())
    assert "does not see them" in doc and "other threads are not recorded" in doc and "dropped whole" in doc


def test_save_to_an_existing_file_without_a_suffix_is_a_clean_error(pool_trace, tmp_path):
    existing = tmp_path / "existing_file"
    existing.write_text("keep me")
    with pytest.raises(ValueError, match=r"save: path '.*existing_file' is an existing file, but it names a "
                                         r"directory of frames \(a path without \.gif or \.png\); end it in \.gif"):
        pool_trace.save(existing)
    assert existing.read_text() == "keep me"
    (tmp_path / "frames.png").mkdir()
    with pytest.raises(ValueError, match=r"frames\.png' is a directory, but it names an image file"):
        pool_trace.save(tmp_path / "frames.png")
    with pytest.raises(ValueError, match=r"cannot be written: '.*existing_file' is a file, not a directory"):
        pool_trace.save(existing / "steps.gif")
