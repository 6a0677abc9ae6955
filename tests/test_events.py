"""Event dataclasses (tracer.events): rows decode to the right class and fields; every event is
frozen, one line to print and one line to describe."""

from __future__ import annotations

import dataclasses

import pytest

from tracer import events as ev

# one row per conv/pool event kind, as the loops append them: (code, *fields)
ROWS = {
    "pad": (0, 2),
    "single_step": (1, -6.99908945068),
    "conv_window": (2, 1, 2, 3, 4, 4, 7, 6, 9, 0.5),
    "pool_window max": (3, 0, 1, 1, 2, 2, 4, 2, 4, 9.0, 3, 2),
    "pool_window average": (3, 0, 1, 1, 2, 2, 4, 2, 4, 1.25, -1, -1),
    "mask": (4, 3.0, 2),
    "distribute": (5, 2.0, 0.5),
    "conv_back_window": (6, 1, 0, 2, 5, 0, 3, 4, 7, -0.125),
    "pool_back_window max": (7, 0, 1, 0, 1, 2, 4, 0, 2, 4.0, 1),
    "pool_back_window average": (7, 0, 1, 0, 1, 2, 4, 0, 2, 4.0, -1),
    "scatter": (8, 0, 1, 2, 3, 2, 5, 4, 7),
    "crop": (9, 1, 1),
    "scatter_back": (10, 0, 1, 2, 3, 2, 5, 4, 7),
    "uncrop": (11, 2, 0),
}


@pytest.mark.parametrize("name", list(ROWS))
def test_events_print_and_describe_on_one_line(name):
    event = ev.from_row(3, ROWS[name])
    assert event.kind == name.split()[0]
    assert event.code == ROWS[name][0]
    assert event.call == 3
    for text in (repr(event), event.describe()):
        assert isinstance(text, str) and text and "\n" not in text
    assert repr(event).startswith(type(event).__name__ + "(call=3")


@pytest.mark.parametrize("name", list(ROWS))
def test_events_are_frozen(name):
    event = ev.from_row(0, ROWS[name])
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.call = 1
    assert ev.from_row(0, ROWS[name]) == event  # equal by value
    assert hash(ev.from_row(0, ROWS[name])) == hash(event)


def test_window_fields_decode_in_order():
    e = ev.from_row(0, ROWS["conv_window"])
    assert type(e) is ev.ConvWindow
    assert (e.i, e.h, e.w, e.c) == (1, 2, 3, 4)
    assert (e.vert_start, e.vert_end, e.horiz_start, e.horiz_end) == (4, 7, 6, 9)
    assert e.value == 0.5 and e.cell == (2, 3)
    p = ev.from_row(0, ROWS["pool_window max"])
    assert (p.value, p.max_row, p.max_col, p.mode) == (9.0, 3, 2, "max")
    assert ev.from_row(0, ROWS["pool_window average"]).mode == "average"
    b = ev.from_row(0, ROWS["pool_back_window max"])
    assert (b.grad, b.n_max, b.mode) == (4.0, 1, "max")
    assert ev.from_row(0, ROWS["pool_back_window average"]).mode == "average"


def test_reprs_and_descriptions_literal():
    assert repr(ev.from_row(0, ROWS["pad"])) == "Pad(call=0, pad=2)"
    assert ev.from_row(0, ROWS["pad"]).describe() == "pad every example with 2 rows and columns of zeros on each side"
    assert repr(ev.from_row(0, ROWS["single_step"])) == "SingleStep(call=0, value=-6.99909)"
    assert repr(ev.from_row(0, ROWS["conv_window"])) == "ConvWindow(call=0, i=1 (h=2, w=3) c=4 rows 4:7 cols 6:9, value=0.5)"
    assert ev.from_row(0, ROWS["conv_window"]).describe() == (
        "Z[1, 2, 3, 4] = sum(window * W[..., 4]) + b[4] = 0.5 (window rows 4:7, cols 6:9)"
    )
    assert repr(ev.from_row(0, ROWS["pool_window max"])) == (
        "PoolWindow(call=0, max, i=0 (h=1, w=1) c=2 rows 2:4 cols 2:4, value=9, max at (3, 2))"
    )
    assert ev.from_row(0, ROWS["pool_window max"]).describe() == (
        "A[0, 1, 1, 2] = max of the window = 9, found at row 3, column 2"
    )
    assert ev.from_row(0, ROWS["pool_window average"]).describe() == "A[0, 1, 1, 2] = mean of the window = 1.25"
    assert ev.from_row(0, ROWS["mask"]).describe() == "mask = (x == max(x)), max = 3 (2 tied cells)"
    assert ev.Mask(0, 3.0, 1).describe() == "mask = (x == max(x)), max = 3"
    assert ev.from_row(0, ROWS["distribute"]).describe() == "each cell gets dz / (n_H * n_W) = 2 / 4 = 0.5"
    assert ev.from_row(0, ROWS["conv_back_window"]).describe() == (
        "g = dZ[1, 0, 2, 5] = -0.125: dA_prev_pad[rows 0:3, cols 4:7] += W[..., 5] * g, "
        "dW[..., 5] += window * g, db[5] += g"
    )
    # average pooling spreads 4.0 over the 2x2 window: 1 per cell
    assert ev.from_row(0, ROWS["pool_back_window average"]).describe() == (
        "dA[0, 1, 0, 1] = 4 is spread evenly over the window rows 2:4, cols 0:2: 1 per cell"
    )
    assert ev.PoolBackWindow(0, 0, 1, 0, 1, 2, 4, 0, 2, 4.0, 3).describe() == (
        "dA[0, 1, 0, 1] = 4 goes to the max of the window rows 2:4, cols 0:2 through its mask (all 3 tied maxima)"
    )


def test_transposed_convolution_events_literal():
    scatter = ev.from_row(0, ROWS["scatter"])
    assert (scatter.i, scatter.h, scatter.w, scatter.c, scatter.cell) == (0, 1, 2, 3, (1, 2))
    assert repr(scatter) == "Scatter(call=0, i=0 (h=1, w=2) c=3 rows 2:5 cols 4:7)"
    assert scatter.describe() == (
        "Z_full[0, rows 2:5, cols 4:7, 3] += A_prev[0, 1, 2, :] * W[..., 3], summed over the input channels"
    )
    assert repr(ev.from_row(0, ROWS["crop"])) == "Crop(call=0, pad=1, output_padding=1)"
    assert ev.from_row(0, ROWS["crop"]).describe() == (
        "Z = Z_full without 1 row and column on each side, plus b "
        "(output_padding gave Z_full 1 more row and column at the bottom and right)"
    )
    assert ev.Crop(0, 2, 0).describe() == "Z = Z_full without 2 rows and columns on each side, plus b"
    assert ev.from_row(0, ROWS["scatter_back"]).describe() == (
        "g = dZ_full[0, rows 2:5, cols 4:7, 3]: dA_prev[0, 1, 2, :] += sum(W[..., 3] * g), "
        "dW[..., 3] += A_prev[0, 1, 2, :] * g"
    )
    assert ev.from_row(0, ROWS["uncrop"]).describe() == (
        "dZ_full = dZ inside 2 rows and columns of zeros on each side; db = sum of dZ"
    )


def _event_classes() -> list[type]:
    """Every event dataclass defined in tracer.events (those with a row code), found by looking."""
    return [obj for obj in vars(ev).values()
            if isinstance(obj, type) and dataclasses.is_dataclass(obj) and isinstance(getattr(obj, "code", None), int)]


def test_codes_and_kinds_are_unique():
    classes = _event_classes()
    assert len(classes) == 18  # 8 conv and pool kinds, 4 transposed convolution kinds, 6 network kinds
    codes, kinds = [cls.code for cls in classes], [cls.kind for cls in classes]
    assert len(set(codes)) == len(codes), sorted(codes)
    assert len(set(kinds)) == len(kinds), sorted(kinds)
    # every class is registered under its own code and kind, and nothing else is
    assert sorted(ev.EVENT_TYPES) == sorted(codes)
    assert all(ev.EVENT_TYPES[cls.code] is cls and ev.EVENT_KINDS[cls.kind] is cls for cls in classes)


def test_register_refuses_a_taken_code_or_kind():
    @dataclasses.dataclass(frozen=True)
    class Clash:
        code = ev.Pad.code
        kind = "clash"

    with pytest.raises(ValueError, match=r"Clash has the 0 of Pad; each event class needs its own code and kind"):
        ev.register(Clash)
    Clash.code, Clash.kind = 98, "pad"
    with pytest.raises(ValueError, match=r"Clash has the 'pad' of Pad"):
        ev.register(Clash)
    assert 98 not in ev.EVENT_TYPES and ev.EVENT_KINDS["pad"] is ev.Pad


def _plain(value) -> bool:
    """A number, a name, or a tuple of them (a shape, cache names): never an array."""
    if isinstance(value, tuple):
        return all(_plain(v) for v in value)
    return isinstance(value, (int, float, str))


def test_events_hold_no_arrays(network_rows):
    for name, row in {**ROWS, **network_rows}.items():
        event = ev.from_row(0, row)
        for field in dataclasses.fields(event):
            assert _plain(getattr(event, field.name)), (name, field.name, type(getattr(event, field.name)))
        assert not hasattr(event, "__dict__")  # slots: small and fixed
    assert {ev.from_row(0, row).kind for row in network_rows.values()} == {cls.kind for cls in ev.NETWORK_EVENTS}


@pytest.fixture
def network_rows() -> dict[str, tuple]:
    """One recorded row of every network event kind, from real calls."""
    import numpy as np

    import tracer

    params = tracer.initialize_parameters_deep([3, 2, 1])
    X, Y = np.arange(6.0).reshape(3, 2), np.array([[1, 0]])
    with tracer.record() as trace:
        AL, caches = tracer.L_model_forward(X, params)
        tracer.compute_cost(AL, Y)
        grads = tracer.L_model_backward(AL, Y, caches)
        tracer.update_parameters(params, grads, 0.1)
    return {f"{call.name} {j}": row for call in trace.calls for j, row in enumerate(call.rows)}


def test_from_row_refuses_an_unknown_code():
    with pytest.raises(ValueError, match=r"unknown event code 99 in row \(99, 1, 2\); known codes \[0, 1, "):
        ev.from_row(0, (99, 1, 2))
