"""Tests of tracer.checker.diagnose: one learner file per known mistake, caught with its window and cause.

The learner files under ``tests/learner_solutions/`` are written as a learner
would write them, each with one known mistake. Expected windows are worked out
by hand from the case's stride, pad and filter size: output cell ``(h, w)``
reads rows ``h*stride : h*stride + f``.
"""

from __future__ import annotations

import numpy as np
import pytest

from tracer import checker, conv, pool
from tracer.checker import catalogue


def test_bias_inside_the_sum_in_conv_single_step(learner, first_failure):
    report = checker.check(learner("bias_inside").conv_single_step)
    assert not report.passed and all(not c.passed for c in report.cases)
    case = first_failure(report)
    assert case.name == "course" and case.status == "wrong values"
    assert case.expected == pytest.approx(-6.99908945068)
    (a, W, b), = [c.args for c in checker.battery("conv_single_step") if c.name == "course"]
    assert case.received - case.expected == pytest.approx((4 * 4 * 3 - 1) * b.item())  # b counted 48 times
    assert "bias is added inside the sum" in report.cause
    assert "all 4 cases" in report.cause


def test_bias_inside_reaches_conv_forward_through_the_learners_own_helper(learner, first_failure):
    report = checker.check(learner("bias_inside").conv_forward)
    case = first_failure(report)
    assert case.name == "course" and case.index == (0, 0, 0, 0)
    assert "rows 0:3, cols 0:3" in case.window  # cell (0, 0) of a 3x3 filter
    assert "bias is added inside the sum" in report.cause


def test_stride_left_out_of_the_window_bounds(learner, first_failure):
    module = learner("no_stride")
    report = checker.check(module.conv_forward)
    case = first_failure(report)
    assert case.name == "course"  # stride 2, pad 1
    assert case.index == (0, 0, 1, 0)  # column 1 is the first whose window moves by the stride
    assert "rows 0:3, cols 2:5" in case.window and "pad 1, stride 2" in case.window
    assert "stride is left out" in report.cause
    assert "fails exactly on the cases with stride > 1" in report.observations
    assert [c.name for c in report.cases if not c.passed] == ["course", "even_f2_stride3", "1x1_stride2"]

    report = checker.check(module.pool_forward)
    case = first_failure(report)
    assert case.name == "max_stride2_nonsquare" and case.index == (0, 0, 1, 1)
    assert "rows 0:2, cols 2:4" in case.window
    assert "stride is left out" in report.cause


def test_pad_minus_pad_fails_only_at_pad_0(learner, first_failure):
    report = checker.check(learner("pad_slice").conv_backward)
    assert [c.name for c in report.cases if not c.passed] == ["pad0_stride1", "1x1_stride3", "even_f2_pad0_stride2"]
    case = first_failure(report)
    assert case.status == "raised" and "ValueError" in case.differs and "pad:-pad" in case.differs
    assert "after the loop over the windows of example 0" in case.window
    assert "[pad:-pad]" in report.cause and "all 5 cases" in report.cause
    assert "fails exactly on the cases with pad 0" in report.observations


def test_da_indexed_by_the_window_start_in_pool_backward(learner, first_failure):
    report = checker.check(learner("window_start").pool_backward)
    passed = {c.name for c in report.cases if c.passed}
    assert {"course_max", "course_average", "max_ties_stride1"} <= passed  # stride 1: the course's blind spot
    case = first_failure(report)
    assert case.name == "max_stride2_nonsquare"  # dA (2, 2, 3, 2), f 2, stride 2
    assert case.status == "raised" and "IndexError" in case.differs
    # w = 2 starts at column 4, past the 3 columns of dA
    assert "(h=0, w=2), example 0, channel 0: rows 0:2, cols 4:6" in case.window
    assert "window's start" in report.cause
    assert "fails exactly on the cases with stride > 1" in report.observations


def test_shape_unpacked_in_the_wrong_order(learner):
    report = checker.check(learner("swapped_shape").pool_forward)
    failing = {c.name for c in report.cases if not c.passed}
    assert failing == {"max_stride2_nonsquare", "average_f3_stride2", "max_ties_stride1", "max_ties_f2_stride3"}
    assert "wrong order" in report.cause
    assert "fails exactly on the cases with a non-square input" in report.observations


def test_ties_sent_to_one_maximum(learner, first_failure):
    module = learner("argmax_ties")
    report = checker.check(module.create_mask_from_window)
    case = first_failure(report)
    assert case.name == "ties_2x2" and case.index == (1, 0)  # [[1, 3], [3, 2]]: the second 3 is lost
    assert (case.expected, case.received) == (1.0, 0.0)
    assert "mask[1, 0] is False, expected True" in case.differs
    assert "argmax" in report.cause

    report = checker.check(module.pool_backward)  # uses the learner's own mask
    case = first_failure(report)
    assert case.name == "max_ties_stride1" and case.index == (0, 1, 1, 0)
    assert "tied with other maxima" in case.window
    assert "every tied maximum" in report.cause
    assert "fails exactly on the cases with tied maxima" in report.observations


def test_unknown_mode_returns_zeros(learner, first_failure):
    report = checker.check(learner("unknown_mode").pool_forward)
    assert [c.name for c in report.cases if not c.passed] == ["course_average", "average_f3_stride2"]
    case = first_failure(report)
    assert case.index == (0, 0, 0, 0) and case.received == 0.0
    assert "all of A is zero" in case.differs
    assert "rows 0:3, cols 0:3" in case.window
    assert "spelled differently" in report.cause


def test_float_b_on_numpy_2(learner, first_failure):
    report = checker.check(learner("float_b").conv_single_step)
    case = first_failure(report)
    assert case.status == "raised" and "TypeError" in case.differs and "float(b)" in case.differs
    assert "b.item()" in report.cause


def test_a_mistake_no_trap_explains_is_cause_unknown():
    def pool_forward(A_prev, hparameters, mode="max"):
        A, cache = pool.pool_forward(A_prev, hparameters, mode)
        return A + 0.5, cache

    report = checker.check(pool_forward)
    assert report.cause == "cause unknown"
    assert "cause unknown" in str(report)


# ----------------------------------------------------------------------------------------------
# The catalogue's causes, and notes that never point at a property shared by accident


def test_the_bias_of_channel_0_is_named_and_no_accidental_property_is():
    def conv_forward(A_prev, W, b, hparameters):
        Z, cache = conv.conv_forward(A_prev, W, np.broadcast_to(b[..., :1], b.shape).copy(), hparameters)
        return Z, (A_prev, W, b, hparameters)

    report = checker.check(conv_forward)
    # the only passing case is also the only square one: the battery's own cases cannot tell the two apart
    assert [c.name for c in report.cases if c.passed] == ["pad2_stride1_square"]
    assert "fails exactly on the cases with a non-square input" not in report.observations  # the probe refutes it
    assert report.observations == ["fails exactly on the cases with several output channels"]
    assert [m.category for m in report.mistakes] == ["fixed index"]
    assert "`biases = b[:, :, :, c]` written as `biases = b[:, :, :, 0]`" in report.cause
    assert "on all 5 cases" in report.cause


def test_two_mistakes_the_battery_cannot_tell_apart_are_both_named():
    def pool_backward(dA, cache, mode="max"):
        A_prev, hparameters = cache
        if mode == "max":
            return pool.pool_backward(dA, cache, mode)
        f, stride = hparameters["f"], hparameters["stride"]
        dA_prev = np.zeros(A_prev.shape)
        for i, h, w, c in np.ndindex(dA.shape):
            dA_prev[i, h * stride:h * stride + f, w * stride:w * stride + f, c] += dA[i, h, w, c]  # not spread
        return dA_prev

    report = checker.check(pool_backward)
    categories = [m.category for m in report.mistakes]
    assert categories[0] == "average not spread" and len(categories) == 2
    assert "; or " in report.cause and "either mistake reproduces your results on all 7 cases" in report.cause


def test_a_mistake_that_explains_some_failing_cases_says_which():
    def conv_backward(dZ, cache):
        dA_prev, dW, db = conv.conv_backward(dZ, cache)
        pad = cache[3]["pad"]
        if pad == 0:  # a second mistake, on the cases with pad 0 only
            dA_prev = dA_prev + 1.0
        return dA_prev, dW, dZ.sum(axis=(0, 1, 2)).reshape(db.shape) * 0 + dZ[-1, -1, -1]

    report = checker.check(conv_backward)
    assert report.cause.startswith("probably ")
    assert "= is used where += adds up" in report.cause
    assert "reproduces your results on the failing cases course, pad1_stride2, not on pad0_stride1" in report.cause


def test_a_failure_of_the_network_names_the_entry_the_layer_and_the_cause(learner):
    report = checker.check(learner("../learner_bugs/net_b").L_model_backward)
    first = report.first_failure
    assert first.differs.startswith("grads['dA1'][0, 0] is -0.129132, expected 0.129132")
    assert first.window.startswith("grads['dA1'] is computed in layer 2 of 2, step 1 of the reference trace: "
                                   "layer 2 linear backward")
    # the sign flipped first; -(b - a) for -(a - b) is the same program, so the battery cannot tell it apart
    assert report.mistakes[0].category == "sign"
    assert {m.category for m in report.mistakes} <= {"sign", "swapped operands"}
    assert "`dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))` written as " in report.cause


def test_a_python_float_is_no_mistake_of_the_catalogue():
    def conv_single_step(a_slice_prev, W, b):
        return float(np.sum(a_slice_prev * W) + b.item())  # right numbers, the wrong type

    report = checker.check(conv_single_step)
    assert not report.passed
    assert report.first_failure.differs.startswith("Z should be a numpy.float64, as np.sum returns, got a Python float")
    # no variant is named: those that change nothing pass these cases, the ones that give an array are no float
    assert report.mistakes == [] and report.cause == "cause unknown"


def test_the_same_type_of_error_on_every_failing_case_names_the_mistake_and_says_so():
    def own_relu_backward(dA, Z):  # the learner's own helper: its errors read unlike the course's
        return dA * (Z > 0)

    def linear_activation_backward(dA, cache, activation):
        linear_cache, activation_cache = cache
        if activation == "relu":
            dZ = own_relu_backward(dA, linear_cache)  # the linear cache, a tuple, for Z
        else:
            dZ = catalogue.solution("sigmoid_backward")(dA, activation_cache)
        return catalogue.solution("linear_backward")(dZ, linear_cache)

    report = checker.check(linear_activation_backward)
    failing = [c.name for c in report.cases if not c.passed]
    assert failing and all(c.status == "raised" for c in report.cases if not c.passed)
    assert all("relu" in name for name in failing)  # the sigmoid cases pass
    assert [m.category for m in report.mistakes] == ["wrong variable"]
    assert "`dZ = relu_backward(dA, activation_cache)` written as `dZ = relu_backward(dA, linear_cache)`" in report.cause
    assert (f"raises the same type of error as yours on the failing cases {', '.join(failing)}, with another message, "
            "and passes the cases you pass") in report.cause
