"""Tests of tracer.checker.diagnose: one learner file per known mistake, caught with its window and cause.

The learner files under ``tests/learner_solutions/`` are written as a learner
would write them, each with one known mistake. Expected windows are worked out
by hand from the case's stride, pad and filter size: output cell ``(h, w)``
reads rows ``h*stride : h*stride + f``.
"""

from __future__ import annotations

import pytest

from tracer import checker, conv


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
        A, cache = conv.pool_forward(A_prev, hparameters, mode)
        return A + 0.5, cache

    report = checker.check(pool_forward)
    assert report.cause == "cause unknown"
    assert "cause unknown" in str(report)
