"""Tests of tracer.checker.evidence: what a learner's source text says about a mistake, read and never run."""

from __future__ import annotations

from tracer.checker.evidence import Source, support

LEARNER = '''
import numpy as np

def helper(x):
    return x * 2

def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = -1 // m * np.sum(Y * np.log(AL))   # a comment is not read
    return helper(cost)

def other():
    raise SystemExit  # never run: only read
'''


def test_source_reads_the_function_and_what_it_calls_only():
    source = Source.read(LEARNER, "compute_cost")
    flat = [" ".join(line) for line in source.lines]
    assert "return x * 2" in flat  # helper, which compute_cost calls
    assert not any("SystemExit" in line for line in flat)  # other is not called
    assert not any("comment" in line for line in flat)
    assert source.calls_helper("compute_cost", "helper") is True
    assert source.calls_helper("compute_cost", "other") is False
    assert source.calls_helper("missing", "helper") is None
    assert Source.read("") is None and Source.read(None) is None


def test_text_that_does_not_parse_keeps_its_lines():
    source = Source.read("def f(:\n    return 1 +\n")
    assert source.lines == [["def", "f", "(", ":"], ["return", "1", "+"]]
    assert source.calls == {}


def test_support_favours_the_mistake_the_learner_wrote():
    source = Source.read(LEARNER, "compute_cost")
    course = "cost = -1 / m * np.sum(Y * np.log(AL))"
    floor = "cost = -1 // m * np.sum(Y * np.log(AL))"
    dropped = "cost = -1 * np.sum(Y * np.log(AL))"
    assert support(source, course, floor) > 0  # the learner wrote //
    assert support(source, course, dropped) < support(source, course, floor)
    assert support(source, course, course) == 0.0  # nothing changed, nothing to say


def test_support_says_nothing_without_a_source_or_for_a_statement_moved_or_left_out():
    assert support(None, "a = 1", "a = 2") == 0.0
    source = Source.read("def f():\n    a = 2\n")
    assert support(source, "a = 1", "(left out)") == 0.0
    assert support(source, "a = 1  (inside the loop for i in x:)", "a = 1  (after the loop)") == 0.0
    assert support(source, "zzz = qqq", "yyy = ppp") == 0.0  # no line of the learner's is like either
