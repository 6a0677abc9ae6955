"""Input checks (tracer.validate): every bad input gets a clear error, from the loops and from
tracer.fast alike, naming the argument and repeating what was received, before any work."""

from __future__ import annotations

import numpy as np
import pytest

import tracer
from tracer import fast, validate

MODULES = [pytest.param(tracer, id="loops"), pytest.param(fast, id="fast")]


def conv_args():
    """Valid ``conv_forward`` arguments: the course's shapes, pad 1, stride 2."""
    return [np.ones((2, 5, 7, 4)), np.ones((3, 3, 4, 8)), np.zeros((1, 1, 1, 8)), {"stride": 2, "pad": 1}]


def with_nan(shape, index, value=np.nan):
    x = np.ones(shape)
    x[index] = value
    return x


def conv_cache(**changes):
    A_prev, W, b, hp = conv_args()
    parts = {"A_prev": A_prev, "W": W, "b": b, "hparameters": hp, **changes}
    return (parts["A_prev"], parts["W"], parts["b"], parts["hparameters"])


DZ = np.ones((2, 3, 4, 8))  # the shape of Z for conv_args()
POOL_A_PREV = np.ones((2, 4, 6, 3))
POOL_HP = {"f": 2, "stride": 2}
DA = np.ones((2, 2, 3, 3))  # the shape of A for POOL_A_PREV and POOL_HP


def conv(A_prev=None, W=None, b=None, hparameters=None):
    base = conv_args()
    return ("conv_forward", [x if x is not None else d for x, d in zip((A_prev, W, b, hparameters), base)])


# (function, arguments, exception type, substrings the message must hold: the argument and what was received)
CASES = {
    # conv_forward
    "A_prev 3-D": (*conv(A_prev=np.ones((5, 7, 4))), ValueError, ["A_prev", "4-D", "(5, 7, 4)"]),
    "A_prev 5-D": (*conv(A_prev=np.ones((1, 2, 5, 7, 4))), ValueError, ["A_prev", "(1, 2, 5, 7, 4)"]),
    "A_prev a list": (*conv(A_prev=np.ones((2, 5, 7, 4)).tolist()), TypeError, ["A_prev", "numpy array", "list"]),
    "A_prev complex": (*conv(A_prev=np.ones((2, 5, 7, 4), dtype=complex)), TypeError, ["A_prev", "real numbers", "complex128", "A_prev.real"]),
    "A_prev strings": (*conv(A_prev=np.full((2, 5, 7, 4), "1")), TypeError, ["A_prev", "real numbers", "<U1"]),
    "A_prev nan": (*conv(A_prev=with_nan((2, 5, 7, 4), (1, 2, 3, 0))), ValueError, ["A_prev", "finite", "nan", "(1, 2, 3, 0)"]),
    "A_prev inf": (*conv(A_prev=with_nan((2, 5, 7, 4), (0, 0, 6, 3), -np.inf)), ValueError, ["A_prev", "-inf", "(0, 0, 6, 3)"]),
    "A_prev empty": (*conv(A_prev=np.ones((0, 5, 7, 4))), ValueError, ["A_prev", "empty", "(0, 5, 7, 4)"]),
    "W channels": (*conv(W=np.ones((3, 3, 3, 8))), ValueError, ["W", "A_prev", "3 input channels", "has 4", "(3, 3, 3, 8)"]),
    "W not square": (*conv(W=np.ones((3, 2, 4, 8))), ValueError, ["W", "square", "(3, 2, 4, 8)"]),
    "W 3-D": (*conv(W=np.ones((3, 3, 4))), ValueError, ["W", "4-D", "(3, 3, 4)"]),
    "W nan": (*conv(W=with_nan((3, 3, 4, 8), (2, 2, 3, 7))), ValueError, ["W", "nan", "(2, 2, 3, 7)"]),
    "W objects": (*conv(W=np.ones((3, 3, 4, 8), dtype=object)), TypeError, ["W", "real numbers", "object"]),
    "b 1-D": (*conv(b=np.zeros(8)), ValueError, ["b", "(1, 1, 1, n_C)", "(8,)"]),
    "b 3-D": (*conv(b=np.zeros((1, 1, 8))), ValueError, ["b", "(1, 1, 8)"]),
    "b channels": (*conv(b=np.zeros((1, 1, 1, 7))), ValueError, ["b", "(1, 1, 1, 8)", "(1, 1, 1, 7)"]),
    "b not first": (*conv(b=np.zeros((8, 1, 1, 1))), ValueError, ["b", "(8, 1, 1, 1)"]),
    "b inf": (*conv(b=with_nan((1, 1, 1, 8), (0, 0, 0, 5), np.inf)), ValueError, ["b", "inf", "(0, 0, 0, 5)"]),
    "stride 0": (*conv(hparameters={"stride": 0, "pad": 1}), ValueError, ['hparameters["stride"]', ">= 1", "got 0"]),
    "stride -1": (*conv(hparameters={"stride": -1, "pad": 1}), ValueError, ['hparameters["stride"]', "got -1"]),
    "stride bool": (*conv(hparameters={"stride": True, "pad": 1}), TypeError, ['hparameters["stride"]', "True", "bool"]),
    "stride float": (*conv(hparameters={"stride": 2.0, "pad": 1}), TypeError, ['hparameters["stride"]', "2.0", "float"]),
    "stride str": (*conv(hparameters={"stride": "2", "pad": 1}), TypeError, ['hparameters["stride"]', "'2'", "str"]),
    "pad -1": (*conv(hparameters={"stride": 1, "pad": -1}), ValueError, ['hparameters["pad"]', ">= 0", "got -1"]),
    "pad float": (*conv(hparameters={"stride": 1, "pad": 1.5}), TypeError, ['hparameters["pad"]', "1.5", "float"]),
    "pad None": (*conv(hparameters={"stride": 1, "pad": None}), TypeError, ['hparameters["pad"]', "None"]),
    "pad missing": (*conv(hparameters={"stride": 1}), ValueError, ["hparameters", "missing ['pad']", "got ['stride']"]),
    "keys misspelt": (*conv(hparameters={"strides": 1, "padding": 0}), ValueError, ["hparameters", "['padding', 'strides']"]),
    "hparameters list": (*conv(hparameters=[2, 1]), TypeError, ["hparameters", "dict", "list"]),
    "window > padded input": (
        *conv(A_prev=np.ones((1, 2, 2, 4)), W=np.ones((5, 5, 4, 8))),
        ValueError,
        ["W.shape[0] = 5", "5x5", "A_prev's height 2", "padded by 1", "(4)"],
    ),
    "window > input width": (
        *conv(A_prev=np.ones((1, 9, 2, 4)), W=np.ones((3, 3, 4, 8)), hparameters={"stride": 1, "pad": 0}),
        ValueError,
        ["W.shape[0] = 3", "A_prev's width 2"],
    ),
    # pool_forward
    "pool mode": ("pool_forward", [POOL_A_PREV, POOL_HP, "min"], ValueError, ["mode", "'max', 'average'", "'min'"]),
    "pool mode case": ("pool_forward", [POOL_A_PREV, POOL_HP, "Max"], ValueError, ["mode", "'Max'"]),
    "pool mode None": ("pool_forward", [POOL_A_PREV, POOL_HP, None], ValueError, ["mode", "None"]),
    "pool f 0": ("pool_forward", [POOL_A_PREV, {"f": 0, "stride": 1}], ValueError, ['hparameters["f"]', "got 0"]),
    "pool f float": ("pool_forward", [POOL_A_PREV, {"f": 2.0, "stride": 1}], TypeError, ['hparameters["f"]', "2.0"]),
    "pool stride bool": ("pool_forward", [POOL_A_PREV, {"f": 2, "stride": False}], TypeError, ['hparameters["stride"]', "False"]),
    "pool stride 0": ("pool_forward", [POOL_A_PREV, {"f": 2, "stride": 0}], ValueError, ['hparameters["stride"]', "got 0"]),
    "pool missing stride": ("pool_forward", [POOL_A_PREV, {"f": 2}], ValueError, ["hparameters", "missing ['stride']", "got ['f']"]),
    "pool hparameters None": ("pool_forward", [POOL_A_PREV, None], TypeError, ["hparameters", "dict", "NoneType"]),
    "pool A_prev 3-D": ("pool_forward", [np.ones((4, 6, 3)), POOL_HP], ValueError, ["A_prev", "(4, 6, 3)"]),
    "pool A_prev complex": ("pool_forward", [np.ones((2, 4, 6, 3), dtype=np.complex64), POOL_HP], TypeError, ["A_prev", "complex64"]),
    "pool A_prev nan": ("pool_forward", [with_nan((2, 4, 6, 3), (1, 3, 5, 2)), POOL_HP], ValueError, ["A_prev", "nan", "(1, 3, 5, 2)"]),
    "pool window": ("pool_forward", [POOL_A_PREV, {"f": 5, "stride": 1}], ValueError, ['hparameters["f"] = 5', "A_prev's height 4"]),
    # conv_backward
    "dZ shape": ("conv_backward", [np.ones((2, 2, 4, 8)), conv_cache()], ValueError, ["dZ", "(2, 3, 4, 8)", "(2, 2, 4, 8)"]),
    "dZ 3-D": ("conv_backward", [np.ones((3, 4, 8)), conv_cache()], ValueError, ["dZ", "(3, 4, 8)"]),
    "dZ complex": ("conv_backward", [np.ones((2, 3, 4, 8), dtype=complex), conv_cache()], TypeError, ["dZ", "complex128"]),
    "dZ nan": ("conv_backward", [with_nan((2, 3, 4, 8), (1, 1, 1, 1)), conv_cache()], ValueError, ["dZ", "nan", "(1, 1, 1, 1)"]),
    "dZ list": ("conv_backward", [DZ.tolist(), conv_cache()], TypeError, ["dZ", "list"]),
    "conv cache list": ("conv_backward", [DZ, list(conv_cache())], TypeError, ["cache", "(A_prev, W, b, hparameters)", "list"]),
    "conv cache short": ("conv_backward", [DZ, conv_cache()[:3]], ValueError, ["cache", "length 3"]),
    "conv cache of a pool": ("conv_backward", [DZ, (POOL_A_PREV, POOL_HP)], ValueError, ["cache", "length 2"]),
    "conv cache None": ("conv_backward", [DZ, None], TypeError, ["cache", "NoneType"]),
    "conv cache stride": (
        "conv_backward",
        [DZ, conv_cache(hparameters={"stride": 0, "pad": 1})],
        ValueError,
        ["cache", 'hparameters["stride"]', "got 0"],
    ),
    "conv cache A_prev": ("conv_backward", [DZ, conv_cache(A_prev=np.ones((5, 7, 4)))], ValueError, ["cache", "A_prev", "(5, 7, 4)"]),
    "conv cache W": ("conv_backward", [DZ, conv_cache(W=np.ones((3, 3, 2, 8)))], ValueError, ["cache", "W", "(3, 3, 2, 8)"]),
    # pool_backward
    "dA shape": ("pool_backward", [np.ones((2, 3, 2, 3)), (POOL_A_PREV, POOL_HP)], ValueError, ["dA", "(2, 2, 3, 3)", "(2, 3, 2, 3)"]),
    "dA 3-D": ("pool_backward", [np.ones((2, 3, 3)), (POOL_A_PREV, POOL_HP)], ValueError, ["dA", "(2, 3, 3)"]),
    "dA inf": ("pool_backward", [with_nan((2, 2, 3, 3), (0, 1, 2, 0), np.inf), (POOL_A_PREV, POOL_HP)], ValueError, ["dA", "inf"]),
    "dA objects": ("pool_backward", [np.ones((2, 2, 3, 3), dtype=object), (POOL_A_PREV, POOL_HP)], TypeError, ["dA", "object"]),
    "pool backward mode": ("pool_backward", [DA, (POOL_A_PREV, POOL_HP), "avg"], ValueError, ["mode", "'avg'"]),
    "pool cache of a conv": ("pool_backward", [DA, conv_cache()], ValueError, ["cache", "(A_prev, hparameters)", "length 4"]),
    "pool cache list": ("pool_backward", [DA, [POOL_A_PREV, POOL_HP]], TypeError, ["cache", "list"]),
    "pool cache f": ("pool_backward", [DA, (POOL_A_PREV, {"f": -2, "stride": 2})], ValueError, ["cache", 'hparameters["f"]', "-2"]),
    # the small functions
    "zero_pad pad -1": ("zero_pad", [np.ones((1, 2, 2, 1)), -1], ValueError, ["pad", ">= 0", "got -1"]),
    "zero_pad pad float": ("zero_pad", [np.ones((1, 2, 2, 1)), 1.0], TypeError, ["pad", "1.0", "float"]),
    "zero_pad X 2-D": ("zero_pad", [np.ones((2, 2)), 1], ValueError, ["X", "(2, 2)"]),
    "zero_pad X complex": ("zero_pad", [np.ones((1, 2, 2, 1), dtype=complex), 1], TypeError, ["X", "complex128"]),
    "single step W": ("conv_single_step", [np.ones((3, 3, 2)), np.ones((3, 3, 1)), np.zeros((1, 1, 1))], ValueError, ["W", "(3, 3, 2)", "(3, 3, 1)"]),
    "single step b 2-D": ("conv_single_step", [np.ones((3, 3, 2)), np.ones((3, 3, 2)), np.zeros((1, 1))], ValueError, ["b", "(1, 1)"]),
    "single step b shape": ("conv_single_step", [np.ones((3, 3, 2)), np.ones((3, 3, 2)), np.zeros((1, 1, 2))], ValueError, ["b", "(1, 1, 2)"]),
    "single step slice 4-D": ("conv_single_step", [np.ones((1, 3, 3, 2)), np.ones((3, 3, 2)), np.zeros((1, 1, 1))], ValueError, ["a_slice_prev", "(1, 3, 3, 2)"]),
    "single step slice nan": ("conv_single_step", [with_nan((2, 2, 1), (1, 0, 0)), np.ones((2, 2, 1)), np.zeros((1, 1, 1))], ValueError, ["a_slice_prev", "nan", "(1, 0, 0)"]),
    "mask x 3-D": ("create_mask_from_window", [np.ones((2, 2, 1))], ValueError, ["x", "2-D", "(2, 2, 1)"]),
    "mask x list": ("create_mask_from_window", [[[1.0, 2.0]]], TypeError, ["x", "list"]),
    "mask x nan": ("create_mask_from_window", [with_nan((2, 2), (0, 1))], ValueError, ["x", "nan", "(0, 1)"]),
    "distribute dz str": ("distribute_value", ["1", (2, 2)], TypeError, ["dz", "str"]),
    "distribute dz bool": ("distribute_value", [True, (2, 2)], TypeError, ["dz", "bool"]),
    "distribute dz nan": ("distribute_value", [np.nan, (2, 2)], ValueError, ["dz", "finite", "nan"]),
    "distribute dz array": ("distribute_value", [np.ones(2), (2, 2)], TypeError, ["dz", "ndarray"]),
    "distribute shape list": ("distribute_value", [1.0, [2, 2]], ValueError, ["shape", "(n_H, n_W)", "[2, 2]"]),
    "distribute shape 3": ("distribute_value", [1.0, (2, 2, 2)], ValueError, ["shape", "(2, 2, 2)"]),
    "distribute shape 0": ("distribute_value", [1.0, (0, 2)], ValueError, ["shape[0]", "got 0"]),
    "distribute shape float": ("distribute_value", [1.0, (2, 2.0)], TypeError, ["shape[1]", "2.0"]),
    # complex numbers, masked arrays, empty windows, and sizes past the memory budget (checked before allocating)
    "distribute dz complex": ("distribute_value", [1j, (2, 2)], TypeError, ["dz", "real number", "1j (complex)"]),
    "distribute dz complex 0-d": ("distribute_value", [np.array(1 + 1j), (2, 2)], TypeError, ["dz", "real number", "complex128"]),
    "distribute dz bool 0-d": ("distribute_value", [np.array(True), (2, 2)], TypeError, ["dz", "dtype bool"]),
    "distribute dz masked": ("distribute_value", [np.ma.masked_array(1.0, mask=True), (2, 2)], TypeError, ["dz", "masked array"]),
    "distribute shape huge": ("distribute_value", [1.0, (10**6, 10**6)], ValueError,
                              ["a would be an array of shape (1000000, 1000000)", "7.3 TiB", "2.0 GiB", "MAX_ARRAY_BYTES"]),
    "mask empty": ("create_mask_from_window", [np.ones((0, 0))], ValueError, ["x", "non-empty", "(0, 0)"]),
    "mask empty row": ("create_mask_from_window", [np.ones((2, 0))], ValueError, ["x", "non-empty", "(2, 0)"]),
    "mask masked": ("create_mask_from_window", [np.ma.masked_array(np.ones((2, 2)), mask=[[1, 0], [0, 0]])], TypeError,
                    ["x is a masked array", "x.filled(0.0)", "np.asarray(x)"]),
    "A_prev masked": (*conv(A_prev=np.ma.masked_array(np.ones((2, 5, 7, 4)), mask=False)), TypeError,
                      ["A_prev is a masked array", "A_prev.filled"]),
    "W masked": (*conv(W=np.ma.masked_array(np.ones((3, 3, 4, 8)))), TypeError, ["W is a masked array"]),
    "pool A_prev masked": ("pool_forward", [np.ma.masked_array(POOL_A_PREV, mask=POOL_A_PREV < 0), POOL_HP], TypeError,
                           ["A_prev is a masked array"]),
    "pad huge": (*conv(hparameters={"stride": 1, "pad": 10**5}), ValueError,
                 ["A_prev padded would be an array of shape (2, 200005, 200007, 4)", "MAX_ARRAY_BYTES", "pad"]),
    "zero_pad huge": ("zero_pad", [np.ones((1, 2, 2, 1)), 10**6], ValueError,
                      ["X_pad would be an array of shape (1, 2000002, 2000002, 1)", "29.1 TiB", "use a smaller pad"]),
}


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_input_gets_a_clear_error(module, case):
    name, args, error, parts = CASES[case]
    with pytest.raises(error) as info:
        getattr(module, name)(*args)
    message = str(info.value)
    assert message.startswith(f"{name}: "), message
    for part in parts:
        assert part in message, f"{part!r} not in {message!r}"


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_input_is_refused_before_any_work(case, monkeypatch):
    # a refused call never reaches the recorder, which it asks for after its checks and before its loop
    from tracer import recording

    name, args, error, _ = CASES[case]
    started = []
    real_start = recording.start
    monkeypatch.setattr(recording, "start", lambda *a, **k: started.append(a[0]) or real_start(*a, **k))
    with tracer.record() as trace:
        with pytest.raises(error):
            getattr(tracer, name)(*args)
    assert started == []
    assert len(trace) == 0


def test_a_masked_array_is_refused_on_both_paths_alike():
    """The loops and the vectorized twins would disagree on what a mask means: both refuse it, with one message."""
    A_prev = np.ma.masked_array(np.arange(16.0).reshape(1, 4, 4, 1), mask=np.eye(4, dtype=bool)[None, :, :, None])
    messages = set()
    for module in (tracer, fast):
        with pytest.raises(TypeError) as info:
            module.pool_forward(A_prev, {"f": 2, "stride": 2})
        messages.add(str(info.value))
    assert len(messages) == 1


def test_check_allocation_counts_bytes_from_the_shape():
    validate.check_allocation("f", "x", (1024, 1024, 256), "hint")  # 2 GiB of float64: exactly the budget
    with pytest.raises(ValueError, match=r"^f: x would be an array of shape \(1024, 1024, 257\), 2\.0 GiB, more than "
                                         r"the 2\.0 GiB allowed for one array \(tracer\.validate\.MAX_ARRAY_BYTES\); hint$"):
        validate.check_allocation("f", "x", (1024, 1024, 257), "hint")
    validate.check_allocation("f", "mask", (2 * 1024**3,), "hint", itemsize=1)
    assert validate.MAX_ARRAY_BYTES == 2 * 1024**3


def test_the_fast_window_matrix_is_checked_before_it_is_made():
    # A_prev is 32 MiB and Z 2 MiB; the window matrix, 12 * 12 * 16 = 2304 rows by (512 + 2 * 5) ** 2 = 272484
    # columns (one per cell of the padded input), would be 4.7 GiB
    A_prev, W, b = np.zeros((1, 512, 512, 16)), np.zeros((12, 12, 16, 1)), np.zeros((1, 1, 1, 1))
    with pytest.raises(ValueError, match=r"conv_forward: the window matrix of the vectorized path would be an array "
                                         r"of shape \(2304, 272484\), 4\.7 GiB.*pass fewer examples"):
        fast.conv_forward(A_prev, W, b, {"stride": 1, "pad": 5})


@pytest.mark.parametrize("module", MODULES)
def test_loops_and_fast_give_the_same_message(module):
    with pytest.raises(ValueError) as loops:
        tracer.conv_forward(*conv(W=np.ones((3, 3, 3, 8)))[1])
    with pytest.raises(ValueError) as other:
        module.conv_forward(*conv(W=np.ones((3, 3, 3, 8)))[1])
    assert str(other.value) == str(loops.value)


@pytest.mark.parametrize("module", MODULES)
def test_valid_edge_inputs_are_accepted(module):
    # numpy integers as hyperparameters, float32 arrays, a window exactly as large as the padded input
    A_prev, W, b, _ = conv_args()
    Z, _ = module.conv_forward(A_prev, W, b, {"stride": np.int64(2), "pad": np.int32(1)})
    assert Z.shape == (2, 3, 4, 8)
    Z, cache = module.conv_forward(*(x.astype(np.float32) for x in (A_prev, W, b)), {"stride": 1, "pad": 0})
    assert Z.shape == (2, 3, 5, 8) and Z.dtype == np.float64
    Z, _ = module.conv_forward(np.ones((1, 3, 3, 4)), np.ones((5, 5, 4, 8)), b, {"stride": 1, "pad": 1})
    assert Z.shape == (1, 1, 1, 8)
    A, _ = module.pool_forward(np.ones((1, 3, 3, 1)), {"f": 3, "stride": 5})
    assert A.shape == (1, 1, 1, 1)
    assert module.distribute_value(np.float32(2.0), (np.int64(1), 2)).shape == (1, 2)
    assert module.distribute_value(np.array(4.0), (2, 2))[0, 0] == 1.0


def test_check_int_refuses_bool_and_accepts_numpy_ints():
    assert validate.check_int("f", "n", np.int16(3), 1) == 3
    assert type(validate.check_int("f", "n", np.int16(3), 1)) is int
    with pytest.raises(TypeError, match=r"f: n must be an int >= 1, got False \(bool\)"):
        validate.check_int("f", "n", False, 1)


def test_shapes_are_the_course_formula():
    A_prev, W, b, hp = conv_args()
    s = validate.conv_shapes("conv_forward", A_prev, W, b, hp)
    # n_H = floor((5 - 3 + 2) / 2) + 1 = 3, n_W = floor((7 - 3 + 2) / 2) + 1 = 4
    assert (s.m, s.n_H_prev, s.n_W_prev, s.n_C_prev, s.f, s.n_C, s.stride, s.pad, s.n_H, s.n_W) == (2, 5, 7, 4, 3, 8, 2, 1, 3, 4)
    p = validate.pool_shapes("pool_forward", np.ones((1, 8, 7, 2)), {"f": 3, "stride": 2}, "max")
    # n_H = floor((8 - 3) / 2) + 1 = 3, n_W = floor((7 - 3) / 2) + 1 = 3
    assert (p.m, p.n_H_prev, p.n_W_prev, p.n_C, p.f, p.stride, p.n_H, p.n_W) == (1, 8, 7, 2, 3, 2, 3, 3)
