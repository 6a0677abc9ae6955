"""Tests of the command line ``python -m tracer`` (tracer.cli)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from tracer import cli  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REPO = ROOT
SOLUTIONS = ROOT / "tests" / "learner_solutions"
FAST = ["--dpi", "30", "-q", "--workers", "1"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """``cli.main(argv)``: its exit code (from SystemExit too), stdout and stderr."""
    try:
        code = cli.main(list(argv))
    except SystemExit as exit_:
        code = exit_.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_help_shows_both_forms(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "usage: python -m tracer {FUNCTION,check} [options]" in out
    assert "python -m tracer check solution.py" in out
    for name in cli.FUNCTIONS:
        assert name in out


def test_conv_forward_writes_frames_gif_and_player(capsys, tmp_path):
    code, out, _ = run(capsys, "conv_forward", "--size", "3", "--f", "2", "--pad", "0", "-o", str(tmp_path), *FAST)
    assert code == 0
    player = json.loads((tmp_path / "conv_forward" / "player.json").read_text())
    assert [s["index"] for s in player["steps"]] == [0, 1, 2, 3, 4]  # the padding step, then 2x2 windows
    assert (tmp_path / "conv_forward" / "anim.gif").exists()
    assert f"wrote 5 frames ({player['width']}x{player['height']} px) and anim.gif" in out


@pytest.mark.parametrize("function", cli.FUNCTIONS)
def test_every_function_runs(capsys, tmp_path, function):
    code, _, err = run(capsys, function, "--size", "4", "--f", "2", "--steps", "0", "--no-gif", "--name", "x",
                       "-o", str(tmp_path), *FAST)
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["000.png", "player.json"]


def test_options_reach_the_call(capsys, tmp_path):
    code, _, _ = run(capsys, "pool_backward", "--size", "6", "--width", "4", "--f", "3", "--mode", "average",
                     "--channels", "2", "--m", "2", "--steps", "::4", "-o", str(tmp_path), *FAST)
    assert code == 0
    player = json.loads((tmp_path / "pool_backward" / "player.json").read_text())
    # stride defaults to f = 3 for pooling: a 2x1 output, 2 examples, 2 channels = 8 windows
    assert [s["index"] for s in player["steps"]] == [0, 4]
    assert "spread evenly over the window rows 0:3, cols 0:3" in player["steps"][0]["caption"]


def test_progress_goes_to_stderr(capsys, tmp_path):
    code, out, err = run(capsys, "pool_forward", "--size", "4", "-o", str(tmp_path), "--dpi", "30", "--workers", "1")
    assert code == 0
    assert "[##############################] 4/4 frames" in err
    assert "frames" not in out.replace("wrote 4 frames", "")


@pytest.mark.parametrize("argv, message", [
    (["conv_forward", "--stride", "0"], 'conv_forward: hparameters["stride"] must be an int >= 1, got 0'),
    (["conv_forward", "--pad", "-1"], 'conv_forward: hparameters["pad"] must be an int >= 0, got -1'),
    (["pool_forward", "--mode", "avg"], "pool_forward: mode must be one of ['max', 'average'], got 'avg'"),
    (["conv_forward", "--size", "2", "--f", "5", "--pad", "0"], "is larger than A_prev's height 2; the output would be empty"),
    (["conv_fwd"], "FUNCTION must be one of zero_pad, conv_single_step"),
    (["conv_forward", "--size", "0"], "--size must be an int >= 1, got 0"),
    (["conv_forward", "--stride", "two"], "--stride must be an int, got 'two'"),
    (["conv_forward", "--steps", "40"], "--steps: step 40 is out of range, the trace has 26 events (0 to 25)"),
    (["conv_forward", "--steps", "1-4"], "--steps must be 'START:STOP[:STEP]' or 'K,K,...', got '1-4'"),
    (["conv_forward", "--channel", "3"], "channel must be an input channel from 0 to 0 (conv_forward's input has 1), got 3"),
    (["conv_forward", "--dpi", "1"], "dpi must be an int from 10 to 600, got 1"),
    (["conv_forward", "--size", "30", "--max-events", "100"], "past max_events=100"),
])
def test_bad_options_are_refused_with_the_core_message(capsys, tmp_path, argv, message):
    code, _, err = run(capsys, *argv, "-o", str(tmp_path), "-q")
    assert code == 2
    assert message in err
    assert not list(tmp_path.iterdir())  # refused before anything was written


def test_check_hands_over_to_check_main(capsys, monkeypatch):
    seen = []
    monkeypatch.setattr(cli, "check_main", lambda argv: seen.append(argv) or 3)
    code, _, _ = run(capsys, "check", "solution.py", "--only", "zero_pad")
    assert code == 3
    assert seen == [["solution.py", "--only", "zero_pad"]]


def test_parse_steps():
    assert cli.parse_steps(None, 5) is None
    assert cli.parse_steps("2:5", 10) == [2, 3, 4]
    assert cli.parse_steps("::2", 5) == [0, 2, 4]
    assert cli.parse_steps("0,3,-1", 5) == [0, 3, -1]
    with pytest.raises(ValueError, match="--steps '3:3' selects no step of the 5"):
        cli.parse_steps("3:3", 5)


def test_python_dash_m_tracer():
    env = {**os.environ, "MPLBACKEND": "Agg"}
    out = subprocess.run([sys.executable, "-m", "tracer", "--help"], cwd=ROOT, capture_output=True, text=True,
                         env=env)
    assert out.returncode == 0 and "{FUNCTION,check}" in out.stdout
    out = subprocess.run([sys.executable, "-m", "tracer", "pool_forward", "--mode", "mean"], cwd=ROOT,
                         capture_output=True, text=True, env=env)
    assert out.returncode == 2 and "mode must be one of ['max', 'average'], got 'mean'" in out.stderr


# ----------------------------------------------------------------------------------------------
# python -m tracer check FILE


def test_check_main_checks_every_function_a_file_defines(capsys, tmp_path):
    assert cli.check_main([str(SOLUTIONS / "correct_vectorized.py")]) == 0
    out = capsys.readouterr().out
    assert "8 of 8 function(s) passed" in out

    assert cli.check_main([str(SOLUTIONS / "window_start.py"), "--figure", str(tmp_path), "--timing"]) == 1
    out = capsys.readouterr().out
    assert "check pool_backward" in out and "check distribute_value" in out and "2 of 3 function(s) passed" in out
    assert "checked 3 function(s) in" in out
    assert (tmp_path / "pool_backward.png").stat().st_size > 10_000


def test_check_main_only_and_the_main_block_does_not_run(capsys):
    # misbehaving.py raises SystemExit in its __main__ block: it must not run
    assert cli.check_main([str(SOLUTIONS / "misbehaving.py"), "--only", "distribute_value"]) == 1
    out = capsys.readouterr().out
    assert "check distribute_value" in out and "check zero_pad" not in out


def test_check_main_exits_2_on_a_missing_file_or_no_function(capsys, tmp_path):
    assert cli.check_main([str(tmp_path / "nowhere.py")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert cli.check_main([str(SOLUTIONS / "no_functions.py")]) == 2
    assert "does not define any of the course functions" in capsys.readouterr().err
    assert cli.check_main([str(SOLUTIONS / "float_b.py"), "--only", "zero_pad"]) == 2
    assert "does not define the function zero_pad" in capsys.readouterr().err
    broken = tmp_path / "broken.py"
    broken.write_text("def zero_pad(X, pad):\n    return X +\n")
    assert cli.check_main([str(broken)]) == 2
    err = capsys.readouterr().err
    assert "importing" in err and "SyntaxError" in err


def test_check_main_help(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.check_main(["--help"])
    assert exc.value.code == 0
    assert "python -m tracer check" in capsys.readouterr().out


def test_python_m_tracer_check_in_a_subprocess():
    result = subprocess.run([sys.executable, "-m", "tracer", "check", str(SOLUTIONS / "float_b.py")],
                            capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "float(b) raises TypeError on numpy 2" in result.stdout
    result = subprocess.run([sys.executable, "-m", "tracer", "check", str(SOLUTIONS / "no_functions.py")],
                            capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 2
