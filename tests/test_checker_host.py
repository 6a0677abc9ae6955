"""Tests of tracer.checker.host and check_file: a learner's file that misbehaves gets a clear verdict, never exit 0.

Each file under ``tests/learner_faults/`` has one fault. The checks run with
short limits (``--import-timeout 1``, ``--timeout 0.3``) so that the suite stays
fast; ``scripts/bench_checker.py`` times them with the default limits.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tracer import cli
from tracer.checker import check_file
from tracer.checker.host import FileHost

HERE = Path(__file__).resolve().parent
FAULTS = HERE / "learner_faults"
REPO = HERE.parent
FAST = ["--import-timeout", "1", "--timeout", "0.3"]


def check(capsys, name: str, *extra: str) -> tuple[int, str, str, float]:
    start = time.perf_counter()
    code = cli.check_main([str(FAULTS / name), *FAST, *extra])
    out = capsys.readouterr()
    return code, out.out, out.err, time.perf_counter() - start


@pytest.mark.parametrize("name, message", [
    ("hang_at_import.py", "importing hang_at_import.py did not finish within 1 s"),
    ("exit_at_import.py", "importing exit_at_import.py called sys.exit(0) (line 12): a file to check must not exit"),
    ("os_exit_at_import.py", "importing os_exit_at_import.py ended the process with exit code 0"),
    ("thread_at_import.py", "started a thread that was still running after 1 s (learner-loop)"),
    ("interrupt_at_import.py", "importing interrupt_at_import.py raised KeyboardInterrupt (line 10)"),
    ("stdin_at_import.py", "importing stdin_at_import.py reads from stdin (line 5)"),
])
def test_a_file_that_hangs_exits_or_reads_at_import_cannot_be_checked(capsys, name, message):
    code, out, err, seconds = check(capsys, name)
    assert code == 2
    assert f"could not check {FAULTS / name}: " in err and message in err
    assert "function(s) passed" not in out
    assert seconds < 10


@pytest.mark.parametrize("name", ["patches_numpy.py", "patches_tracer.py"])
def test_a_file_that_patches_numpy_or_tracer_at_import_does_not_change_the_reference(capsys, name):
    # the file's zero_pad returns X unpadded, and makes np.pad (or tracer's pad) do the same at import
    code, out, _, _ = check(capsys, name)
    assert code == 1
    assert "check zero_pad" in out and "FAILED 3 of 4 cases" in out
    assert "X_pad has shape (4, 3, 3, 2), expected (4, 9, 9, 2)" in out  # the reference still pads


def test_a_file_that_changes_directory_at_import_given_by_a_relative_path(capsys, monkeypatch):
    monkeypatch.chdir(FAULTS)
    code = cli.check_main(["chdir_at_import.py", *FAST])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "check zero_pad (zero_pad from chdir_at_import.py): passed all 4 cases" in out
    assert Path.cwd() == FAULTS  # the checker's own directory did not change


def test_a_function_that_hangs_is_not_run_again_after_its_first_timeout(capsys):
    code, out, _, seconds = check(capsys, "hangs_everywhere.py")
    assert code == 1
    assert "0 of 8 function(s) passed" in out
    assert out.count("timed out: no result after 0.3 s") == 8  # one time-out per function, not one per case
    result = check_file(FAULTS / "hangs_everywhere.py", only=["pool_backward"], timeout=0.3, import_timeout=1)
    (report,) = result.reports
    assert [c.status for c in report.cases] == ["timed out"] * len(report.cases)
    assert all("not run again: it timed out on case course_max" == c.differs for c in report.cases[1:])
    assert seconds < 20


def test_processes_a_function_forks_are_ended_with_its_case(tmp_path, monkeypatch):
    pids = tmp_path / "pids"
    monkeypatch.setenv("TRACER_TEST_PIDS", str(pids))
    result = check_file(FAULTS / "forks.py", timeout=2)
    assert result.exit_code == 0, result
    forked = [int(p) for p in pids.read_text().split()]
    assert len(forked) == 4  # one per case
    time.sleep(0.2)
    for pid in forked:
        assert not _running(pid), pid  # ended, not an orphan sleeping for 10 minutes


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie left for an init that does not reap is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_a_case_that_eats_memory_is_stopped_by_the_cap():
    result = check_file(FAULTS / "eats_memory.py", memory=512)
    (report,) = result.reports
    first = report.first_failure
    assert first.status == "raised" and first.differs.startswith("MemoryError: Unable to allocate 32.0 GiB")
    assert "memory cap" in first.differs
    assert result.exit_code == 1


def test_a_complex_result_whose_real_part_is_right_is_a_wrong_type():
    (report,) = check_file(FAULTS / "complex_result.py").reports
    assert not report.passed and report.first_failure.status == "wrong type"
    assert "X_pad should hold real numbers, got complex numbers (its real part is right" in report.first_failure.differs


def test_bad_timeout_and_figure_values_are_clear_errors(capsys, tmp_path):
    solution = str(HERE / "learner_solutions" / "float_b.py")
    for value in ("inf", "nan", "-1", "0", "two", "1e9"):
        with pytest.raises(SystemExit) as exc:
            cli.check_main([solution, "--timeout", value])
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert "--timeout must be a " in err and "Traceback" not in err
    existing = tmp_path / "figures.png"
    existing.write_bytes(b"not a folder")
    with pytest.raises(SystemExit) as exc:
        cli.check_main([solution, "--figure", str(existing)])
    assert exc.value.code == 2
    captured = capsys.readouterr()
    assert f"--figure {existing}: exists and is not a directory" in captured.err
    assert "check conv_single_step" not in captured.out  # refused before any work


def test_the_host_is_ended_with_every_case_process(tmp_path):
    path = FAULTS / "hangs_everywhere.py"
    with FileHost(path, ["zero_pad"], import_timeout=2) as host:
        assert host.start().ok
        pid = host.pid
        outcome = host.run("zero_pad", (None, 1), ("X", "pad"), 0.3)
        assert outcome.kind == "timeout"
    assert not _running(pid)
    assert repr(host) == "<FileHost hangs_everywhere.py: not started>"


# ----------------------------------------------------------------------------------------------
# The command itself, in its own process: it ends, with the right exit code and no traceback


@pytest.mark.parametrize("name, code, words", [
    ("thread_at_import.py", 2, "started a thread that was still running"),
    ("os_exit_at_import.py", 2, "ended the process with exit code 0"),
    ("interrupt_at_import.py", 2, "raised KeyboardInterrupt"),
    ("patches_numpy.py", 1, "FAILED 3 of 4 cases"),
])
def test_python_m_tracer_check_ends_with_a_verdict(name, code, words):
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "tracer", "check", str(FAULTS / name), *FAST],
                            capture_output=True, text=True, cwd=REPO, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == code, (result.stdout, result.stderr)
    assert words in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert time.perf_counter() - start < 30


def test_ctrl_c_during_a_check_ends_it_cleanly():
    process = subprocess.Popen([sys.executable, "-m", "tracer", "check", str(FAULTS / "hangs_everywhere.py"),
                                "--timeout", "20"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, stdin=subprocess.DEVNULL)
    time.sleep(3)  # importing, then the first case hangs
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "tracer check: interrupted" in err and "Traceback" not in err
