"""Tests of tracer.checker.battery: the course's cases with their reference values, and no blind spot of the course's tests."""

from __future__ import annotations

import numpy as np
import pytest

from tracer.checker.cases import CONV_FUNCTIONS
from tracer import checker, conv, fast


def test_battery_course_cases_reproduce_the_course_reference_values():
    (a, W, b), = [c.args for c in checker.battery("conv_single_step") if c.name == "course"]
    assert conv.conv_single_step(a, W, b) == pytest.approx(-6.99908945068)
    (A_prev, W, b, hp), = [c.args for c in checker.battery("conv_forward") if c.name == "course"]
    Z, _ = conv.conv_forward(A_prev, W, b, hp)
    assert Z.mean() == pytest.approx(0.5511276474566768)
    np.testing.assert_allclose(Z[0, 2, 1, :2], [-2.17796037, 8.07171329], rtol=1e-8)
    (dZ, cache), = [c.args for c in checker.battery("conv_backward") if c.name == "course"]
    dA, dW, db = conv.conv_backward(dZ, cache)
    assert (dA.mean(), dW.mean(), db.mean()) == pytest.approx((1.4524377775388075, 1.7269914583139097,
                                                               7.839232564616838))
    (A_prev, hp, mode), = [c.args for c in checker.battery("pool_forward") if c.name == "course_max"]
    A, _ = conv.pool_forward(A_prev, hp, mode)
    np.testing.assert_allclose(A[1, 1, 0], [1.96710175, 0.84616065, 1.27375593], rtol=1e-8)


def test_battery_covers_the_traps_blind_spots_of_the_course_tests():
    pool_back = checker.battery("pool_backward")
    assert any(c.args[1][1]["stride"] > 1 for c in pool_back)  # the course's own test uses stride 1 only
    assert {c.args[2] for c in pool_back} == {"max", "average"}
    assert any("tied maxima" in c.props for c in pool_back)
    conv_back = checker.battery("conv_backward")
    assert any(c.args[1][3]["pad"] == 0 for c in conv_back)  # the course's own test uses pad 2 only
    conv_fwd = checker.battery("conv_forward")
    assert {c.args[3]["stride"] for c in conv_fwd} == {1, 2, 3}
    assert {c.args[1].shape[0] for c in conv_fwd} >= {1, 2, 3}  # 1x1, even and odd filters
    assert any(abs(c.args[2]).min() > 4 for c in conv_fwd)  # a bias far from zero
    assert any(c.args[0].shape[1] != c.args[0].shape[2] for c in conv_fwd)


@pytest.mark.parametrize("name", CONV_FUNCTIONS)
def test_reference_and_fast_twins_pass_every_case(name):
    for module in (conv, fast):
        report = checker.check(getattr(module, name))
        assert report.passed, str(report)
        assert report.cause is None
        assert len(report.cases) >= 4
