"""Tests of tracer.checker.locate: the windows named are those that write the wrong element, worked out by hand.

The learner files under ``tests/learner_solutions/`` are written as a learner
would write them, each with one known mistake. Expected windows are worked out
by hand from the case's stride, pad and filter size: output cell ``(h, w)``
reads rows ``h*stride : h*stride + f``.
"""

from __future__ import annotations

import numpy as np
import pytest

from tracer import checker, conv


def test_backward_windows_are_those_that_contain_the_wrong_gradient_element(first_failure):
    def conv_backward(dZ, cache):
        dA_prev, dW, db = conv.conv_backward(dZ, cache)
        dA_prev[0, 1, 2, 0] += 1.0
        return dA_prev, dW, db

    report = checker.check(conv_backward)
    case = first_failure(report)
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

    case = first_failure(checker.check(conv_backward))
    assert case.index == (0, 0, 0, 3)
    assert "db[0, 0, 0, 3] sums dZ[i, h, w, 3] over the 160 window steps of channel 3" in case.window  # 10 x 4 x 4
