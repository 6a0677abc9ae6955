"""Tests of tracer.check (with tracer.traps and tracer.check_figure): learners' mistakes are caught and explained.

The learner files under ``tests/learner_solutions/`` are written as a learner
would write them, each with one known mistake (or none, or misbehaving on
purpose). Expected windows are worked out by hand from the case's stride, pad
and filter size: output cell ``(h, w)`` reads rows ``h*stride : h*stride + f``.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import numpy as np
import pytest

import tracer
from tracer.checker import run as chk
from tracer import conv, fast
from tracer.checker import isolation
from tracer.checker.compare import same
from tracer.checker.isolation import run_here
from tracer.checker.traps import TRAPS

HERE = Path(__file__).resolve().parent
SOLUTIONS = HERE / "learner_solutions"
REPO = HERE.parent


def load(stem: str):
    """Import ``tests/learner_solutions/<stem>.py`` as its own module."""
    spec = importlib.util.spec_from_file_location(f"learner_{stem}", SOLUTIONS / f"{stem}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def first(report: chk.CheckReport) -> chk.CaseResult:
    failure = report.first_failure
    assert failure is not None, f"expected a failure, got {report!r}"
    return failure


# ----------------------------------------------------------------------------------------------
# The battery: course values, and the reference and fast twins pass it


def test_battery_course_cases_reproduce_the_course_reference_values():
    (a, W, b), = [c.args for c in chk.battery("conv_single_step") if c.name == "course"]
    assert conv.conv_single_step(a, W, b) == pytest.approx(-6.99908945068)
    (A_prev, W, b, hp), = [c.args for c in chk.battery("conv_forward") if c.name == "course"]
    Z, _ = conv.conv_forward(A_prev, W, b, hp)
    assert Z.mean() == pytest.approx(0.5511276474566768)
    np.testing.assert_allclose(Z[0, 2, 1, :2], [-2.17796037, 8.07171329], rtol=1e-8)
    (dZ, cache), = [c.args for c in chk.battery("conv_backward") if c.name == "course"]
    dA, dW, db = conv.conv_backward(dZ, cache)
    assert (dA.mean(), dW.mean(), db.mean()) == pytest.approx((1.4524377775388075, 1.7269914583139097,
                                                               7.839232564616838))
    (A_prev, hp, mode), = [c.args for c in chk.battery("pool_forward") if c.name == "course_max"]
    A, _ = conv.pool_forward(A_prev, hp, mode)
    np.testing.assert_allclose(A[1, 1, 0], [1.96710175, 0.84616065, 1.27375593], rtol=1e-8)


def test_battery_covers_the_traps_blind_spots_of_the_course_tests():
    pool_back = chk.battery("pool_backward")
    assert any(c.args[1][1]["stride"] > 1 for c in pool_back)  # the course's own test uses stride 1 only
    assert {c.args[2] for c in pool_back} == {"max", "average"}
    assert any("tied maxima" in c.props for c in pool_back)
    conv_back = chk.battery("conv_backward")
    assert any(c.args[1][3]["pad"] == 0 for c in conv_back)  # the course's own test uses pad 2 only
    conv_fwd = chk.battery("conv_forward")
    assert {c.args[3]["stride"] for c in conv_fwd} == {1, 2, 3}
    assert {c.args[1].shape[0] for c in conv_fwd} >= {1, 2, 3}  # 1x1, even and odd filters
    assert any(abs(c.args[2]).min() > 4 for c in conv_fwd)  # a bias far from zero
    assert any(c.args[0].shape[1] != c.args[0].shape[2] for c in conv_fwd)


@pytest.mark.parametrize("name", chk.FUNCTIONS)
def test_reference_and_fast_twins_pass_every_case(name):
    for module in (conv, fast):
        report = chk.check(getattr(module, name))
        assert report.passed, str(report)
        assert report.cause is None
        assert len(report.cases) >= 4


@pytest.mark.parametrize("name", chk.FUNCTIONS)
def test_trap_variants_differ_from_the_reference_on_some_case(name):
    # a variant that never differs could not be evidence of anything
    for trap in TRAPS[name]:
        cases = chk.battery(name)
        differs = []
        for case in cases:
            expected = getattr(conv, name)(*case.args)
            got = run_here(trap.variant, case.args)
            differs.append(got.kind != "returned" or not same(got.value, expected))
        assert any(differs), trap
        assert not all(differs) or name in ("conv_single_step", "conv_forward"), trap  # bias traps fail everywhere


@pytest.mark.parametrize("name", chk.FUNCTIONS)
def test_trap_loops_with_every_switch_off_are_the_course_functions(name):
    base = TRAPS[name][0].variant.func  # the course-style loop behind the variants
    report = chk.check(lambda *args: base(*args), name=name)
    assert report.passed, str(report)


def test_a_correct_solution_written_differently_passes():
    module = load("correct_vectorized")
    for name in chk.FUNCTIONS:
        report = chk.check(getattr(module, name))
        assert report.passed, str(report)
        assert str(report).endswith("s)") and "passed all" in str(report)


# ----------------------------------------------------------------------------------------------
# One learner file per trap: caught, with the right window and cause


def test_bias_inside_the_sum_in_conv_single_step():
    report = chk.check(load("bias_inside").conv_single_step)
    assert not report.passed and all(not c.passed for c in report.cases)
    case = first(report)
    assert case.name == "course" and case.status == "wrong values"
    assert case.expected == pytest.approx(-6.99908945068)
    (a, W, b), = [c.args for c in chk.battery("conv_single_step") if c.name == "course"]
    assert case.received - case.expected == pytest.approx((4 * 4 * 3 - 1) * b.item())  # b counted 48 times
    assert "bias is added inside the sum" in report.cause
    assert "all 4 cases" in report.cause


def test_bias_inside_reaches_conv_forward_through_the_learners_own_helper():
    report = chk.check(load("bias_inside").conv_forward)
    case = first(report)
    assert case.name == "course" and case.index == (0, 0, 0, 0)
    assert "rows 0:3, cols 0:3" in case.window  # cell (0, 0) of a 3x3 filter
    assert "bias is added inside the sum" in report.cause


def test_stride_left_out_of_the_window_bounds():
    module = load("no_stride")
    report = chk.check(module.conv_forward)
    case = first(report)
    assert case.name == "course"  # stride 2, pad 1
    assert case.index == (0, 0, 1, 0)  # column 1 is the first whose window moves by the stride
    assert "rows 0:3, cols 2:5" in case.window and "pad 1, stride 2" in case.window
    assert "stride is left out" in report.cause
    assert "fails exactly on the cases with stride > 1" in report.observations
    assert [c.name for c in report.cases if not c.passed] == ["course", "even_f2_stride3", "1x1_stride2"]

    report = chk.check(module.pool_forward)
    case = first(report)
    assert case.name == "max_stride2_nonsquare" and case.index == (0, 0, 1, 1)
    assert "rows 0:2, cols 2:4" in case.window
    assert "stride is left out" in report.cause


def test_pad_minus_pad_fails_only_at_pad_0():
    report = chk.check(load("pad_slice").conv_backward)
    assert [c.name for c in report.cases if not c.passed] == ["pad0_stride1", "1x1_stride3", "even_f2_pad0_stride2"]
    case = first(report)
    assert case.status == "raised" and "ValueError" in case.differs and "pad:-pad" in case.differs
    assert "after the loop over the windows of example 0" in case.window
    assert "[pad:-pad]" in report.cause and "all 5 cases" in report.cause
    assert "fails exactly on the cases with pad 0" in report.observations


def test_da_indexed_by_the_window_start_in_pool_backward():
    report = chk.check(load("window_start").pool_backward)
    passed = {c.name for c in report.cases if c.passed}
    assert {"course_max", "course_average", "max_ties_stride1"} <= passed  # stride 1: the course's blind spot
    case = first(report)
    assert case.name == "max_stride2_nonsquare"  # dA (2, 2, 3, 2), f 2, stride 2
    assert case.status == "raised" and "IndexError" in case.differs
    # w = 2 starts at column 4, past the 3 columns of dA
    assert "(h=0, w=2), example 0, channel 0: rows 0:2, cols 4:6" in case.window
    assert "window's start" in report.cause
    assert "fails exactly on the cases with stride > 1" in report.observations


def test_shape_unpacked_in_the_wrong_order():
    report = chk.check(load("swapped_shape").pool_forward)
    failing = {c.name for c in report.cases if not c.passed}
    assert failing == {"max_stride2_nonsquare", "average_f3_stride2", "max_ties_stride1", "max_ties_f2_stride3"}
    assert "wrong order" in report.cause
    assert "fails exactly on the cases with a non-square input" in report.observations


def test_ties_sent_to_one_maximum():
    module = load("argmax_ties")
    report = chk.check(module.create_mask_from_window)
    case = first(report)
    assert case.name == "ties_2x2" and case.index == (1, 0)  # [[1, 3], [3, 2]]: the second 3 is lost
    assert (case.expected, case.received) == (1.0, 0.0)
    assert "mask[1, 0] is False, expected True" in case.differs
    assert "argmax" in report.cause

    report = chk.check(module.pool_backward)  # uses the learner's own mask
    case = first(report)
    assert case.name == "max_ties_stride1" and case.index == (0, 1, 1, 0)
    assert "tied with other maxima" in case.window
    assert "every tied maximum" in report.cause
    assert "fails exactly on the cases with tied maxima" in report.observations


def test_unknown_mode_returns_zeros():
    report = chk.check(load("unknown_mode").pool_forward)
    assert [c.name for c in report.cases if not c.passed] == ["course_average", "average_f3_stride2"]
    case = first(report)
    assert case.index == (0, 0, 0, 0) and case.received == 0.0
    assert "all of A is zero" in case.differs
    assert "rows 0:3, cols 0:3" in case.window
    assert "spelled differently" in report.cause


def test_float_b_on_numpy_2():
    report = chk.check(load("float_b").conv_single_step)
    case = first(report)
    assert case.status == "raised" and "TypeError" in case.differs and "float(b)" in case.differs
    assert "b.item()" in report.cause


def test_backward_windows_are_those_that_contain_the_wrong_gradient_element():
    def conv_backward(dZ, cache):
        dA_prev, dW, db = conv.conv_backward(dZ, cache)
        dA_prev[0, 1, 2, 0] += 1.0
        return dA_prev, dW, db

    report = chk.check(conv_backward)
    case = first(report)
    assert case.name == "course" and case.index == (0, 1, 2, 0)  # pad 2, stride 2, f 2
    # padded row 3, col 4: only the window starting at row 2 (h=1) and column 4 (w=2) covers it
    assert "(row 3, col 4 of the padded dA_prev_pad)" in case.window
    assert "from 8 window step(s), every output channel c of 8: (h=1, w=2) rows 2:4, cols 4:6" in case.window
    assert "; and" not in case.window  # no other window
    fig = report.figure()
    red = [p for ax in fig.axes for p in ax.patches if p.get_edgecolor()[:3] == pytest.approx((0.839, 0.153, 0.157),
                                                                                           abs=0.01)]
    assert [p.get_xy() for p in red] == [(3.5, 2.5)]  # column 4, row 3 of dA_prev_pad

    def conv_backward(dZ, cache):
        dA_prev, dW, db = conv.conv_backward(dZ, cache)
        return dA_prev, dW, db + np.array([0, 0, 0, 1.0, 0, 0, 0, 0]).reshape(1, 1, 1, 8)

    case = first(chk.check(conv_backward))
    assert case.index == (0, 0, 0, 3)
    assert "db[0, 0, 0, 3] sums dZ[i, h, w, 3] over the 160 window steps of channel 3" in case.window  # 10 x 4 x 4


def test_a_mistake_no_trap_explains_is_cause_unknown():
    def pool_forward(A_prev, hparameters, mode="max"):
        A, cache = conv.pool_forward(A_prev, hparameters, mode)
        return A + 0.5, cache

    report = chk.check(pool_forward)
    assert report.cause == "cause unknown"
    assert "cause unknown" in str(report)


# ----------------------------------------------------------------------------------------------
# Misbehaving functions are reported, never fatal


def test_misbehaving_functions_are_each_reported_clearly():
    module = load("misbehaving")
    report = chk.check(module.zero_pad)
    case = first(report)
    assert case.status == "raised"
    assert "NotImplementedError: zero_pad is not written yet" in case.differs and "line 8 of misbehaving.py" in case.differs

    case = first(chk.check(module.conv_single_step))
    assert case.status == "wrong type" and "list of length 1" in case.differs

    case = first(chk.check(module.conv_forward))
    assert case.status == "wrong type" and "tuple of 2 (Z, cache), got a tuple of length 3" in case.differs

    report = chk.check(module.pool_backward)
    assert first(report).status == "wrong type" and "None" in first(report).differs
    assert "return statement is missing" in report.cause

    report = chk.check(module.create_mask_from_window)
    assert first(report).status == "modified input" and "changed its input x" in first(report).differs
    assert "writes into x" in report.cause

    case = first(chk.check(module.distribute_value))
    assert case.name == "nonsquare" and case.status == "wrong shape"
    assert "a has shape (3, 2), expected (2, 3)" in case.differs


def test_a_hanging_function_times_out_and_the_check_goes_on():
    start = time.perf_counter()
    report = chk.check(load("misbehaving").conv_backward, timeout=0.2)
    assert all(c.status == "timed out" for c in report.cases)
    assert "no result after 0.2 s" in first(report).differs
    assert time.perf_counter() - start < 10


def test_a_function_that_exits_the_process_is_reported():
    def distribute_value(dz, shape):
        import os

        os._exit(3)

    case = first(chk.check(distribute_value))
    assert case.status == "crashed" and "exit code 3" in case.differs


def test_wrong_dtype_wrong_scalar_type_and_bad_cache():
    def conv_single_step(a_slice_prev, W, b):
        return float(np.sum(a_slice_prev * W) + b.item())

    assert "Python float" in first(chk.check(conv_single_step)).differs

    def zero_pad(X, pad):
        return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0))).astype(str)

    assert first(chk.check(zero_pad)).status == "wrong type"

    def pool_forward(A_prev, hparameters, mode="max"):
        A, cache = conv.pool_forward(A_prev, hparameters, mode)
        return A, [A_prev, hparameters]

    assert "cache should be the tuple (A_prev, hparameters), got a list" in first(chk.check(pool_forward)).differs


def test_a_result_that_cannot_be_sent_back_is_described():
    def zero_pad(X, pad):
        return (row for row in X)  # a generator cannot leave the child process

    case = first(chk.check(zero_pad))
    assert case.status == "wrong type" and "got a generator" in case.differs


def test_prints_of_the_learner_stay_out_of_the_output(capfd):
    def distribute_value(dz, shape):
        print("debugging", dz)
        return conv.distribute_value(dz, shape)

    assert chk.check(distribute_value).passed
    assert "debugging" not in capfd.readouterr().out


def test_without_fork_cases_run_in_a_thread(monkeypatch):
    monkeypatch.setattr(isolation, "can_fork", lambda: False)

    def create_mask_from_window(x):
        time.sleep(0.5)
        return x == np.max(x)

    report = chk.check(create_mask_from_window, timeout=0.05)
    assert all(c.status == "timed out" for c in report.cases)
    assert chk.check(conv.create_mask_from_window).passed


# ----------------------------------------------------------------------------------------------
# Arguments, report objects, figure


def test_bad_arguments_are_refused_before_any_work():
    with pytest.raises(TypeError, match="fn must be a function, got int"):
        chk.check(3)
    with pytest.raises(ValueError, match="cannot tell which course function.*'my_conv'.*pass name="):
        chk.check(_named("my_conv"))
    with pytest.raises(ValueError, match="name must be one of the course functions.*got 'conv'"):
        chk.check(conv.conv_forward, name="conv")
    with pytest.raises(ValueError, match="timeout must be a positive number of seconds, got -1"):
        chk.check(conv.conv_forward, timeout=-1)
    with pytest.raises(TypeError, match="figure must be True or False"):
        chk.check(conv.conv_forward, figure="yes")


def _named(name):
    def fn(*args):
        return None

    fn.__name__ = name
    return fn


def test_name_overrides_the_function_name():
    report = chk.check(lambda dA, cache, mode="max": fast.pool_backward(dA, cache, mode), name="pool_backward")
    assert report.passed and report.function == "pool_backward"


def test_report_repr_and_str():
    report = chk.check(load("no_stride").pool_forward)
    assert repr(report).startswith("<CheckReport pool_forward: FAILED 3 of 7 cases; first: max_stride2_nonsquare")
    assert repr(report).endswith("cause: the stride is left out of the window bounds...>")
    text = str(report)
    assert "FAIL max_stride2_nonsquare" in text and "ok   course_max" in text
    assert "window: A[0, 0, 1, 1] is the max of rows 0:2, cols 2:4" in text
    assert "likely cause:" in text
    assert repr(report.cases[0]).startswith("<CaseResult course_max")
    assert "A_prev (2, 5, 5, 3), f 3, stride 1, mode 'max'" == report.cases[0].inputs
    assert repr(chk.check(conv.zero_pad)) == "<CheckReport zero_pad: passed all 4 cases>"
    narrow = report.text(width=60, timing=False)
    assert max(len(line) for line in narrow.splitlines()) <= 60 and " s)" not in narrow
    with pytest.raises(ValueError, match="width must be an int >= 40, got 10"):
        report.text(width=10)


def test_report_holds_the_failing_case_its_reference_trace_and_both_results():
    report = chk.check(load("no_stride").conv_forward)
    case = report.failing_case
    assert case.name == first(report).name == "course"
    assert report.reference_trace.calls[-1].name == "conv_forward"
    assert report.reference_trace.calls[-1].params == {"stride": 2, "pad": 1, "f": 3}
    Z, cache = conv.conv_forward(*case.args)
    np.testing.assert_array_equal(report.expected[0], Z)
    assert report.received[0].shape == Z.shape
    assert report.received[0][0, 0, 1, 0] == first(report).received != first(report).expected
    passed = chk.check(conv.conv_forward)
    assert (passed.failing_case, passed.reference_trace, passed.expected, passed.received) == (None,) * 4


def test_figure_marks_the_differing_cell_on_the_reference_window():
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    report = chk.check(load("no_stride").conv_forward, figure=True)
    fig = report.figure()
    assert isinstance(fig, Figure) and report.figure() is fig
    red = [p for ax in fig.axes for p in ax.patches
           if isinstance(p, Rectangle) and p.get_edgecolor()[:3] == pytest.approx((0.839, 0.153, 0.157), abs=0.01)]
    assert len(red) == 1
    assert red[0].get_xy() == (0.5, -0.5)  # Z[0, 0, 1, 0]: row 0, column 1
    assert any("Z[0, 0, 1, 0] is" in t.get_text() for t in fig.texts)
    assert chk.check(conv.conv_forward).figure() is None


def test_figure_of_a_failure_without_a_window_is_none():
    report = chk.check(load("misbehaving").conv_forward)  # a tuple of the wrong length
    assert report.figure() is None


def test_tracer_check_is_the_check_function():
    report = tracer.check(tracer.fast.distribute_value)
    assert isinstance(report, tracer.CheckReport) and report.passed
    assert tracer.check is chk.check
