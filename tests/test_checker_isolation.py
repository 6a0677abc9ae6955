"""Tests of tracer.checker.isolation: functions that raise, hang, exit, print or return what cannot be sent back are reported, never fatal."""

from __future__ import annotations

import time

import numpy as np

from tracer import checker, conv
from tracer.checker import isolation


def test_misbehaving_functions_are_each_reported_clearly(learner, first_failure):
    module = learner("misbehaving")
    report = checker.check(module.zero_pad)
    case = first_failure(report)
    assert case.status == "raised"
    assert "NotImplementedError: zero_pad is not written yet" in case.differs and "line 8 of misbehaving.py" in case.differs

    case = first_failure(checker.check(module.conv_single_step))
    assert case.status == "wrong type" and "list of length 1" in case.differs

    case = first_failure(checker.check(module.conv_forward))
    assert case.status == "wrong type" and "tuple of 2 (Z, cache), got a tuple of length 3" in case.differs

    report = checker.check(module.pool_backward)
    assert first_failure(report).status == "wrong type" and "None" in first_failure(report).differs
    assert "return statement is missing" in report.cause

    report = checker.check(module.create_mask_from_window)
    assert first_failure(report).status == "modified input" and "changed its input x" in first_failure(report).differs
    assert "writes into x" in report.cause

    case = first_failure(checker.check(module.distribute_value))
    assert case.name == "nonsquare" and case.status == "wrong shape"
    assert "a has shape (3, 2), expected (2, 3)" in case.differs


def test_a_hanging_function_times_out_and_the_check_goes_on(learner, first_failure):
    start = time.perf_counter()
    report = checker.check(learner("misbehaving").conv_backward, timeout=0.2)
    assert all(c.status == "timed out" for c in report.cases)
    assert "no result after 0.2 s" in first_failure(report).differs
    assert time.perf_counter() - start < 10


def test_a_function_that_exits_the_process_is_reported(first_failure):
    def distribute_value(dz, shape):
        import os

        os._exit(3)

    case = first_failure(checker.check(distribute_value))
    assert case.status == "crashed" and "exit code 3" in case.differs


def test_a_result_that_cannot_be_sent_back_is_described(first_failure):
    def zero_pad(X, pad):
        return (row for row in X)  # a generator cannot leave the child process

    case = first_failure(checker.check(zero_pad))
    assert case.status == "wrong type" and "got a generator" in case.differs


def test_prints_of_the_learner_stay_out_of_the_output(capfd):
    def distribute_value(dz, shape):
        print("debugging", dz)
        return conv.distribute_value(dz, shape)

    assert checker.check(distribute_value).passed
    assert "debugging" not in capfd.readouterr().out


def test_without_fork_cases_run_in_a_thread(monkeypatch):
    monkeypatch.setattr(isolation, "can_fork", lambda: False)

    def create_mask_from_window(x):
        time.sleep(0.5)
        return x == np.max(x)

    report = checker.check(create_mask_from_window, timeout=0.05)
    assert all(c.status == "timed out" for c in report.cases)
    assert checker.check(conv.create_mask_from_window).passed
