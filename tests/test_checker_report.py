"""Tests of tracer.checker.report: the report's text, its public fields and its figure."""

from __future__ import annotations

import numpy as np
import pytest

from tracer import checker, conv


def test_report_repr_and_str(learner):
    report = checker.check(learner("no_stride").pool_forward)
    assert repr(report).startswith("<CheckReport pool_forward: FAILED 3 of 7 cases; first: max_stride2_nonsquare")
    assert repr(report).endswith("cause: the stride is left out of the window bounds...>")
    text = str(report)
    assert "FAIL max_stride2_nonsquare" in text and "ok   course_max" in text
    assert "window: A[0, 0, 1, 1] is the max of rows 0:2, cols 2:4" in text
    assert "likely cause:" in text
    assert repr(report.cases[0]).startswith("<CaseResult course_max")
    assert "A_prev (2, 5, 5, 3), f 3, stride 1, mode 'max'" == report.cases[0].inputs
    assert repr(checker.check(conv.zero_pad)) == "<CheckReport zero_pad: passed all 4 cases>"
    narrow = report.text(width=60, timing=False)
    assert max(len(line) for line in narrow.splitlines()) <= 60 and " s)" not in narrow
    with pytest.raises(ValueError, match="width must be an int >= 40, got 10"):
        report.text(width=10)


def test_report_holds_the_failing_case_its_reference_trace_and_both_results(learner, first_failure):
    report = checker.check(learner("no_stride").conv_forward)
    case = report.failing_case
    assert case.name == first_failure(report).name == "course"
    assert report.reference_trace.calls[-1].name == "conv_forward"
    assert report.reference_trace.calls[-1].params == {"stride": 2, "pad": 1, "f": 3}
    Z, cache = conv.conv_forward(*case.args)
    np.testing.assert_array_equal(report.expected[0], Z)
    assert report.received[0].shape == Z.shape
    assert report.received[0][0, 0, 1, 0] == first_failure(report).received != first_failure(report).expected
    passed = checker.check(conv.conv_forward)
    assert (passed.failing_case, passed.reference_trace, passed.expected, passed.received) == (None,) * 4


def test_figure_marks_the_differing_cell_on_the_reference_window(learner):
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    report = checker.check(learner("no_stride").conv_forward, figure=True)
    fig = report.figure()
    assert isinstance(fig, Figure) and report.figure() is fig
    red = [p for ax in fig.axes for p in ax.patches
           if isinstance(p, Rectangle) and p.get_edgecolor()[:3] == pytest.approx((0.839, 0.153, 0.157), abs=0.01)]
    assert len(red) == 1
    assert red[0].get_xy() == (0.5, -0.5)  # Z[0, 0, 1, 0]: row 0, column 1
    assert any("Z[0, 0, 1, 0] is" in t.get_text() for t in fig.texts)
    assert checker.check(conv.conv_forward).figure() is None


def test_figure_of_a_failure_without_a_window_is_none(learner):
    report = checker.check(learner("misbehaving").conv_forward)  # a tuple of the wrong length
    assert report.figure() is None


# ----------------------------------------------------------------------------------------------
# A report to learn from: its width, the failing inputs, the reference trace, the learner's value


def test_the_report_is_as_wide_as_the_terminal(learner, monkeypatch):
    report = checker.check(learner("no_stride").conv_forward)
    monkeypatch.setenv("COLUMNS", "60")
    assert max(map(len, str(report).splitlines())) <= 60
    monkeypatch.delenv("COLUMNS")
    lines = str(report).splitlines()  # no terminal under pytest: 80 columns
    assert max(map(len, lines)) <= 80 and max(map(len, lines)) > 60
    assert report.text(width=120).count("\n") < len(lines) - 1


def test_case_gives_the_failing_inputs_ready_to_call(learner):
    module = learner("no_stride")
    report = checker.check(module.conv_forward)
    args = report.case()
    assert args is not report.failing_case.args and len(args) == 4
    Z, _ = module.conv_forward(*args)
    np.testing.assert_array_equal(Z, report.received[0])
    args[0][...] = 0  # fresh copies: the report's case is untouched
    assert report.failing_case.args[0].any()
    assert checker.check(conv.conv_forward).case() is None


def test_trace_gives_the_reference_trace_at_the_first_wrong_window(learner):
    report = checker.check(learner("no_stride").conv_forward)
    trace = report.trace()
    assert trace is report.reference_trace and trace.cursor == report.first_failure.focus
    event = trace[trace.cursor]
    assert (event.i, event.h, event.w, event.c) == report.first_failure.index  # Z[0, 0, 1, 0]
    assert f"report.trace() the reference trace at step {trace.cursor}" in str(report).replace("\n      ", " ")
    assert trace.text().startswith(f"step {trace.cursor} (0-{len(trace) - 1})  conv_forward")


def _inside(fig) -> bool:
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    W, H = fig.bbox.width, fig.bbox.height
    for t in list(fig.texts) + [t for ax in fig.axes for t in ax.texts]:
        if t.get_visible() and t.get_text():
            box = t.get_window_extent(renderer)
            if box.x0 < -1 or box.x1 > W + 1 or box.y1 > H + 1:
                return False
    return True


def test_figure_shows_the_learners_value_beside_the_reference_and_clips_nothing(learner):
    from matplotlib.patches import Rectangle

    from tracer.render.check_figure import YOURS_COLOR
    from tracer.render.grid import CellNumbers

    report = checker.check(learner("no_stride").pool_forward)  # a pool figure, whose note used to be clipped
    fig = report.figure()
    yours = [(ax, p) for ax in fig.axes for p in ax.patches if isinstance(p, Rectangle)
             and p.get_edgecolor()[:3] == pytest.approx((0.902, 0.333, 0.051), abs=0.01)]
    assert len(yours) == 1
    ax, patch = yours[0]
    assert patch.get_xy() == (0.5, -0.5)  # A[0, 0, 1, 1]: row 0, column 1 of the learner's A[0, :, :, 1]
    assert any(t.get_text() == "yours: A[0, :, :, 1]" and t.get_color() == YOURS_COLOR for t in ax.texts)
    learner_numbers = [text for a in ax.get_children() if isinstance(a, CellNumbers) for row in a.texts() for text in row]
    assert f"{report.received[0][0, 0, 1, 1]:.2f}" in learner_numbers  # the learner's value, 1.93
    assert _inside(fig)

    report = checker.check(learner("../learner_bugs/net_b").L_model_backward)
    fig = report.figure()
    assert any(t.get_text() == "yours: grads['dA1']" for ax in fig.axes for t in ax.texts)
    assert _inside(fig)
