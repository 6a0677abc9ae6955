"""Tests of tracer.checker.run: check()'s arguments, the name it checks against, and tracer.check itself."""

from __future__ import annotations

import pytest

import tracer
from tracer.checker.cases import CONV_FUNCTIONS
from tracer import checker, conv, fast


def test_a_correct_solution_written_differently_passes(learner):
    module = learner("correct_vectorized")
    for name in CONV_FUNCTIONS:
        report = checker.check(getattr(module, name))
        assert report.passed, str(report)
        assert str(report).endswith("s)") and "passed all" in str(report)


def test_bad_arguments_are_refused_before_any_work():
    with pytest.raises(TypeError, match="fn must be a function, got int"):
        checker.check(3)
    with pytest.raises(ValueError, match="cannot tell which course function.*'my_conv'.*pass name="):
        checker.check(_named("my_conv"))
    with pytest.raises(ValueError, match="name must be one of the course functions.*got 'conv'"):
        checker.check(conv.conv_forward, name="conv")
    with pytest.raises(ValueError, match="timeout must be a positive number of seconds, got -1"):
        checker.check(conv.conv_forward, timeout=-1)
    with pytest.raises(TypeError, match="figure must be True or False"):
        checker.check(conv.conv_forward, figure="yes")


def _named(name):
    def fn(*args):
        return None

    fn.__name__ = name
    return fn


def test_name_overrides_the_function_name():
    report = checker.check(lambda dA, cache, mode="max": fast.pool_backward(dA, cache, mode), name="pool_backward")
    assert report.passed and report.function == "pool_backward"


def test_tracer_check_is_the_check_function():
    report = tracer.check(tracer.fast.distribute_value)
    assert isinstance(report, tracer.CheckReport) and report.passed
    assert tracer.check is checker.check
