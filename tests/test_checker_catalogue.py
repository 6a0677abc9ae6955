"""Tests of tracer.checker.catalogue (and tracer.checker.solutions): the mistakes are made on the course's code.

The course-style solutions must pass every battery unchanged; each operator
must make the mistake it names, checked by hand on small inputs.
"""

from __future__ import annotations

import numpy as np
import pytest

from tracer import checker, conv, pool
from tracer.checker import catalogue
from tracer.checker.cases import FUNCTIONS
from tracer.checker.isolation import run_here


@pytest.mark.parametrize("name", FUNCTIONS)
def test_the_course_style_solutions_pass_every_battery(name):
    report = checker.check(catalogue.solution(name), name=name)
    assert report.passed, str(report)


def _find(name: str, category: str, after: str) -> catalogue.Mistake:
    found = [m for m in catalogue.mistakes(name) if m.category == category and m.after == after]
    assert found, f"no {category} mistake in {name} written {after!r}: " + "; ".join(
        m.after for m in catalogue.mistakes(name) if m.category == category)
    return found[0]


def test_the_catalogue_holds_the_mistakes_learners_make():
    # each bound one off, a start without stride, both at once where a learner repeats it
    _find("conv_forward", "off by one", "vert_end = vert_start + f + 1\nhoriz_end = horiz_start + f + 1")
    _find("conv_forward", "stride left out", "vert_start = h\nhoriz_start = w")
    _find("conv_forward", "off by one", "n_H = int((n_H_prev - f + 2 * pad) / stride)\n"
                                        "n_W = int((n_W_prev - f + 2 * pad) / stride)")
    _find("conv_forward", "shape order", "m, n_W_prev, n_H_prev, n_C_prev = A_prev.shape")
    _find("conv_forward", "unpadded input", "a_prev_pad = A_prev[i]")
    _find("conv_forward", "fixed index", "biases = b[:, :, :, 0]")  # the bias of channel 0 for all
    _find("conv_forward", "padded output", "cache = (A_prev_pad, W, b, hparameters)")  # the padded input cached
    _find("conv_backward", "assignment for accumulation", "db[:, :, :, c] = dZ[i, h, w, c]")
    _find("conv_backward", "padded output", "return (dA_prev_pad, dW, db)")
    _find("conv_backward", "indentation",
          "dA_prev[i, :, :, :] = da_prev_pad[pad:pad + n_H_prev, pad:pad + n_W_prev, :]  (after the loop)")
    _find("pool_backward", "swapped indices", "dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += "
                                              "np.multiply(mask, dA[i, w, h, c])")
    _find("pool_backward", "max for the mask", "mask = np.max(a_prev_slice)")
    _find("pool_backward", "average not spread",
          "dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += da")
    _find("distribute_value", "floor division", "average = dz // (n_H * n_W)")
    _find("distribute_value", "precedence", "average = dz / n_H * n_W")
    _find("conv_single_step", "wrong axis", "Z = np.sum(s, axis=0)")
    _find("linear_backward", "missing factor", "dW = np.dot(dZ, A_prev.T)")  # the 1/m
    _find("linear_backward", "wrong axis", "db = 1 / m * np.sum(dZ, axis=0, keepdims=True)")
    _find("linear_backward", "missing transpose", "dA_prev = np.dot(W, dZ)")
    _find("L_model_backward", "sign", "dAL = np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)")
    _find("L_model_backward", "wrong cache entry", "current_cache = caches[l + 1]")
    _find("linear_activation_forward", "wrong order", "cache = (activation_cache, linear_cache)")
    _find("linear_activation_backward", "wrong variable", "dZ = relu_backward(dA, linear_cache)")
    _find("relu_backward", "comparison", "dZ[Z < 0] = 0")


def test_a_helper_s_mistakes_are_mistakes_of_its_callers():
    assert catalogue.helpers("conv_forward") == ("zero_pad", "conv_single_step")
    assert catalogue.helpers("L_model_backward") == (
        "linear_activation_backward", "relu_backward", "linear_backward", "sigmoid_backward")
    inside = _find("conv_forward", "bias inside the sum", "")  # the known trap, in conv_forward's own helper
    assert inside.trap is not None
    mistake = _find("conv_single_step", "wrong axis", "Z = np.sum(s, axis=0)")
    assert mistake in catalogue.mistakes("conv_forward")
    assert mistake.describe("conv_forward").startswith(
        "an operation runs over the wrong axis: in conv_single_step (which conv_forward calls), `Z = np.sum(s)` "
        "written as `Z = np.sum(s, axis=0)`")
    assert mistake.fix() == "Z = np.sum(s)"


def test_a_dedented_write_back_keeps_the_last_example_only():
    mistake = _find("conv_backward", "indentation",
                    "dA_prev[i, :, :, :] = da_prev_pad[pad:pad + n_H_prev, pad:pad + n_W_prev, :]  (after the loop)")
    rng = np.random.default_rng(3)
    A_prev, W, b = rng.standard_normal((3, 4, 4, 2)), rng.standard_normal((2, 2, 2, 2)), np.zeros((1, 1, 1, 2))
    dZ = rng.standard_normal((3, 3, 3, 2))
    cache = (A_prev, W, b, {"stride": 1, "pad": 0})
    dA, dW, db = run_here(mistake.variant("conv_backward"), (dZ, cache)).value
    ref = conv.conv_backward(dZ, cache)
    assert not dA[:2].any()  # examples 0 and 1 were never written back
    np.testing.assert_allclose(dA[2], ref[0][2])
    np.testing.assert_allclose(dW, ref[1])


def test_stride_left_out_reads_overlapping_windows():
    mistake = _find("pool_forward", "stride left out", "vert_start = h\nhoriz_start = w")
    A_prev = (10.0 * np.arange(4)[:, None] + np.arange(4)).reshape(1, 4, 4, 1)  # cell (r, c) holds 10 r + c
    A, _ = run_here(mistake.variant("pool_forward"), (A_prev, {"f": 2, "stride": 2}, "max")).value
    assert A[0, :, :, 0].tolist() == [[11.0, 12.0], [21.0, 22.0]]  # windows start at 0 and 1, not 0 and 2
    assert pool.pool_forward(A_prev, {"f": 2, "stride": 2})[0][0, :, :, 0].tolist() == [[11.0, 13.0], [31.0, 33.0]]


def test_every_mistake_is_valid_code_and_the_catalogue_is_not_empty_anywhere():
    for name in FUNCTIONS:
        found = catalogue.mistakes(name)
        assert len(found) >= 4, name
        assert all(m.category in catalogue.CATEGORIES for m in found)
        assert all(m.variant(name) is not None for m in found), name


def test_two_mistakes_made_together_in_one_function():
    stride = _find("pool_forward", "stride left out", "vert_start = h\nhoriz_start = w")
    mean = _find("pool_forward", "wrong function", "A[i, h, w, c] = np.mean(a_prev_slice)")
    A_prev = (10.0 * np.arange(4)[:, None] + np.arange(4)).reshape(1, 4, 4, 1)  # cell (r, c) holds 10 r + c
    A, _ = run_here(catalogue.together("pool_forward", stride, mean), (A_prev, {"f": 2, "stride": 2}, "max")).value
    # windows start at rows and columns 0 and 1, and each gives its mean: (0 + 1 + 10 + 11) / 4 = 5.5 ...
    assert A[0, :, :, 0].tolist() == [[5.5, 6.5], [15.5, 16.5]]
    assert catalogue.together("pool_forward", stride, stride) is None  # the same places cannot change twice
    trap = next(m for m in catalogue.mistakes("pool_forward") if m.trap is not None)
    assert catalogue.together("pool_forward", trap, mean) is None


def test_a_mistake_in_a_helper_made_together_with_one_in_its_caller():
    floor = _find("distribute_value", "floor division", "average = dz // (n_H * n_W)")
    stride = _find("pool_backward", "stride left out", "vert_start = h\nhoriz_start = w")
    dA, A_prev = np.full((1, 2, 2, 1), 7.0), np.zeros((1, 4, 4, 1))
    outcome = run_here(catalogue.together("pool_backward", floor, stride), (dA, (A_prev, {"f": 2, "stride": 2}),
                                                                            "average"))
    # 7 // 4 = 1 to each cell of each window; the windows start at rows and columns 0 and 1, not 0 and 2
    assert outcome.value[0, :, :, 0].tolist() == [[1, 2, 1, 0], [2, 4, 2, 0], [1, 2, 1, 0], [0, 0, 0, 0]]


def test_statements_in_the_wrong_order_read_a_name_before_it_is_set():
    mistake = _find("pool_forward", "statement order", "vert_end = vert_start + f\nvert_start = h * stride")
    outcome = run_here(mistake.variant("pool_forward"), (np.zeros((1, 4, 4, 1)), {"f": 2, "stride": 2}, "max"))
    assert outcome.kind == "raised" and outcome.error_type == "UnboundLocalError"


def test_a_factor_of_the_function_applied_once_too_often():
    mistake = _find("linear_backward", "extra factor", "dA_prev = 1 / m * np.dot(W.T, dZ)")
    assert "extra factor" in catalogue.CATEGORIES
    dZ = np.array([[1.0, 3.0]])  # one unit, m = 2 examples
    A_prev, W, b = np.array([[2.0, 4.0]]), np.array([[5.0]]), np.zeros((1, 1))
    dA_prev, dW, db = run_here(mistake.variant("linear_backward"), (dZ, (A_prev, W, b))).value
    assert dA_prev.tolist() == [[2.5, 7.5]]  # 5 * dZ / 2: the 1/m of dW and db, on dA_prev too
    assert dW.tolist() == [[7.0]] and db.tolist() == [[2.0]]  # (1*2 + 3*4) / 2, (1 + 3) / 2
    # a division by a hyperparameter is no average: no variant of conv_forward divides by the stride
    extra = [m.after for m in catalogue.mistakes("conv_forward") if m.category == "extra factor"]
    assert extra == ["return (Z / m, cache)"]  # the only count: the number of examples
    averaged = _find("conv_backward", "extra factor", "return (dA_prev, dW / m, db)")
    A_prev, W, b = np.ones((2, 1, 1, 1)), np.full((1, 1, 1, 1), 3.0), np.zeros((1, 1, 1, 1))
    dZ = np.array([1.0, 5.0]).reshape(2, 1, 1, 1)
    dA, dW, db = run_here(averaged.variant("conv_backward"), (dZ, (A_prev, W, b, {"stride": 1, "pad": 0}))).value
    assert dW.ravel().tolist() == [3.0] and db.ravel().tolist() == [6.0]  # (1 + 5) / 2 examples; db is not averaged
    assert dA.ravel().tolist() == [3.0, 15.0]


def test_a_wrapping_call_left_out():
    forward = _find("L_model_backward", "wrong order", "for l in range(L - 1):")
    assert "reversed" in forward.before
    np.random.seed(1)
    parameters = catalogue.solution("initialize_parameters_deep")([3, 2, 2, 1])  # L = 3 layers
    X, Y = np.random.randn(3, 4), np.array([[1, 0, 1, 0]])
    AL, caches = catalogue.solution("L_model_forward")(X, parameters)
    outcome = run_here(forward.variant("L_model_backward"), (AL, Y, caches))
    # going forwards, layer 1 comes first and reads grads["dA1"], which only layer 2 writes
    assert outcome.kind == "raised" and outcome.error_type == "KeyError" and "dA1" in outcome.error


def test_a_loop_s_index_where_the_whole_axis_belongs():
    mistake = _find("conv_forward", "wrong index", "a_slice_prev = a_prev_pad[vert_start:vert_end, horiz_start:horiz_end, c]")
    assert catalogue.CATEGORIES["wrong index"] == "a loop's index is used where the whole axis (:) belongs"
    A_prev, W, b = np.ones((1, 1, 1, 1)), np.ones((1, 1, 1, 2)), np.zeros((1, 1, 1, 2))
    outcome = run_here(mistake.variant("conv_forward"), (A_prev, W, b, {"stride": 1, "pad": 0}))
    # one input channel, two output channels: channel c = 1 of the input does not exist
    assert outcome.kind == "raised" and outcome.error_type == "IndexError"
    afters = [m.after for m in catalogue.mistakes("conv_forward") if m.category == "wrong index"]
    assert "weights = W[:, :, i, c]" in afters
    assert "weights = W[:, :, c, c]" not in afters  # a subscript that reads c already is not given c again
