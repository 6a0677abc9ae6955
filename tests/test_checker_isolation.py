"""Tests of tracer.checker.isolation: functions that raise, hang, exit, print or return what cannot be sent back are reported, never fatal."""

from __future__ import annotations

import pickle
import time
from pathlib import Path

import numpy as np
import pytest

from tracer import checker, pool
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
        return pool.distribute_value(dz, shape)

    assert checker.check(distribute_value).passed
    assert "debugging" not in capfd.readouterr().out


def test_without_fork_cases_run_in_a_thread(monkeypatch):
    monkeypatch.setattr(isolation, "can_fork", lambda: False)

    def create_mask_from_window(x):
        time.sleep(0.5)
        return x == np.max(x)

    report = checker.check(create_mask_from_window, timeout=0.05)
    assert all(c.status == "timed out" for c in report.cases)
    assert checker.check(pool.create_mask_from_window).passed


# ----------------------------------------------------------------------------------------------
# Limits of a case's process, and what cannot come back from it


def test_a_function_that_times_out_is_not_run_again(first_failure):
    def zero_pad(X, pad):
        while True:
            pass

    start = time.perf_counter()
    report = checker.check(zero_pad, timeout=0.3)
    assert time.perf_counter() - start < 3  # one time-out, not four
    assert [c.status for c in report.cases] == ["timed out"] * 4
    assert first_failure(report).differs == "no result after 0.3 s"
    assert report.cases[1].differs == "not run again: it timed out on case course"


def test_input_exit_and_ctrl_c_inside_a_function_are_results(first_failure):
    def distribute_value(dz, shape):
        return np.full(shape, float(input("dz? ")))

    assert first_failure(checker.check(distribute_value)).differs.startswith(
        "EOFError: input() cannot be answered: a check gives no input")

    def create_mask_from_window(x):
        import sys

        sys.exit(0)

    assert first_failure(checker.check(create_mask_from_window)).differs.startswith(
        "SystemExit: 0 (the function calls sys.exit)")

    def zero_pad(X, pad):
        raise KeyboardInterrupt

    report = checker.check(zero_pad)
    assert [c.status for c in report.cases] == ["raised"] * 4  # every case ran
    assert first_failure(report).differs.startswith("KeyboardInterrupt: (the function raises KeyboardInterrupt)")


def test_memory_beyond_the_cap_is_a_memory_error(first_failure):
    def zero_pad(X, pad):
        return np.ones((8, 1024, 1024, 64))[: X.shape[0]]  # 4 GiB

    case = first_failure(checker.check(zero_pad, memory=256))
    assert case.status == "raised" and case.differs.startswith("MemoryError: Unable to allocate 4.00 GiB")
    with pytest.raises(ValueError, match="memory must be a number of megabytes >= 64, or None for no cap, got 10"):
        checker.check(zero_pad, memory=10)


def test_forked_processes_end_with_their_case(tmp_path):
    pids = tmp_path / "pids"

    def zero_pad(X, pad):
        import os

        child = os.fork()
        if child == 0:
            time.sleep(600)
            os._exit(0)
        with open(pids, "a") as f:
            f.write(f"{child}\n")
        return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)))

    assert checker.check(zero_pad).passed
    time.sleep(0.2)
    forked = [int(p) for p in pids.read_text().split()]
    assert len(forked) == 4
    for pid in forked:  # gone, or a zombie of an init that does not reap: not sleeping for 10 minutes
        stat = Path(f"/proc/{pid}/stat")
        assert not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"


def test_results_come_back_as_data_only():
    class Mine:
        pass

    def zero_pad(X, pad):
        return Mine()

    report = checker.check(zero_pad)
    assert report.first_failure.status == "wrong type"
    assert "Mine" in report.first_failure.differs
    with pytest.raises(pickle.UnpicklingError):
        isolation.safe_loads(pickle.dumps(isolation.Outcome("returned", value=Path("x"))))
    assert isolation.safe_loads(pickle.dumps(isolation.Outcome("returned", value=np.arange(3.0)))).value.tolist() == [
        0.0, 1.0, 2.0]
