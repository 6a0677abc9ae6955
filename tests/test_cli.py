"""Tests of the command line ``python -m tracer`` (tracer.cli)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

import tracer  # noqa: E402
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
    sizes = [arg for dest, value in (("size", "4"), ("f", "2")) if dest in cli.APPLIES[function]
             for arg in (f"--{dest}", value)]
    code, _, err = run(capsys, function, *sizes, "--steps", "0", "--no-gif", "--name", "x",
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


# -- sizes, memory and output paths are checked before any work ---------------------------------


@pytest.mark.parametrize("argv, message", [
    (["conv_forward", "--size", "20000"],
     "conv_forward on these sizes would record 400,000,001 events, past max_events=2,000; "
     "use a smaller --m, --size, --width, --channels, --filters, or raise --max-events"),
    (["pool_forward", "--size", "1000000", "--f", "1"], "would record 1,000,000,000,000 events, past max_events=2,000"),
    (["conv_forward", "--size", "30000", "--max-events", str(10**12)],
     "conv_forward: A_prev would be an array of shape (1, 30000, 30000, 1), 6.7 GiB, more than the 2.0 GiB allowed "
     "for one array (tracer.validate.MAX_ARRAY_BYTES); use a smaller --m, --size, --width, --channels, --pad"),
    (["conv_forward", "--filters", "300000000", "--max-events", str(10**12)],
     "W would be an array of shape (3, 3, 1, 300000000), 20.1 GiB, more than the 2.0 GiB allowed for one array "
     "(tracer.validate.MAX_ARRAY_BYTES); use a smaller --f, --channels, --filters"),
    (["zero_pad", "--pad", "1000000"], "X_pad would be an array of shape (1, 2000005, 2000005, 1), 29.1 TiB"),
])
def test_sizes_are_refused_before_any_array_is_made(argv, message, tmp_path):
    """In a process of its own with its memory capped at 1 GiB: the refusal allocates nothing big."""
    code = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3)); "
        "from tracer import cli; sys.exit(cli.main(sys.argv[1:]))"
    )
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, *argv, "-o", str(tmp_path), "-q"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, env={**os.environ, "MPLBACKEND": "Agg"})
    assert proc.returncode == 2, proc.stderr
    assert f"python -m tracer {argv[0]}: error: " in proc.stderr and message in proc.stderr
    assert "Traceback" not in proc.stderr and "MemoryError" not in proc.stderr
    assert time.perf_counter() - t0 < 30
    assert not list(tmp_path.iterdir())


def test_plan_counts_the_events_and_arrays_of_a_run():
    args = cli.function_parser("conv_forward").parse_args(["--m", "2", "--size", "5", "--width", "7", "--channels", "4",
                                                           "--filters", "8", "--pad", "1", "--stride", "2"])
    events, arrays = cli.plan(args)
    # the course's conv_forward case: Z (2, 3, 4, 8), 192 windows and the padding step
    assert events == 2 * 3 * 4 * 8 + 1
    assert arrays == {"A_prev": (2, 5, 7, 4), "W": (3, 3, 4, 8), "Z": (2, 3, 4, 8), "A_prev_pad": (2, 7, 9, 4)}
    args = cli.function_parser("pool_backward").parse_args(["--size", "6", "--width", "4", "--f", "3"])
    assert cli.plan(args) == (2, {"A_prev": (1, 6, 4, 1), "A": (1, 2, 1, 1), "dA": (1, 2, 1, 1), "dA_prev": (1, 6, 4, 1)})
    # no output at all: the course function gives its own message
    assert cli.plan(cli.function_parser("pool_forward").parse_args(["--size", "2", "--f", "3"])) is None


def test_bad_output_paths_are_clean_errors(capsys, tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("not a directory")
    for out, message in [
        (a_file, f"cannot write the frames to -o {a_file}: {a_file} is a file, not a directory"),
        (a_file / "sub", f"cannot write the frames to -o {a_file / 'sub'}: {a_file} is a file, not a directory"),
    ]:
        code, _, err = run(capsys, "pool_forward", "-o", str(out), "-q")
        assert code == 2 and f"python -m tracer pool_forward: error: {message}" in err
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "pool_forward").write_text("a file where the frames would go")
    code, _, err = run(capsys, "pool_forward", "-o", str(tmp_path / "out"), "-q")
    assert code == 2 and "is a file, not a directory" in err


@pytest.mark.skipif(not Path("/proc/sys").is_dir(), reason="needs Linux's read-only /proc/sys")
def test_a_read_only_or_unwritable_output_is_a_clean_error(capsys):
    code, _, err = run(capsys, "pool_forward", "-o", "/proc/sys/tracer-out", "-q")
    assert code == 2 and "error: cannot write the frames to -o /proc/sys/tracer-out: /proc/sys is not writable" in err
    # /proc takes no new directory, even from root: the failure comes when the frames are written
    code, _, err = run(capsys, "pool_forward", "-o", "/proc/tracer-out", "-q", "--workers", "1", "--dpi", "30")
    assert code == 2 and "error: cannot write the frames to /proc/tracer-out/pool_forward: " in err
    assert "Traceback" not in err


def test_a_write_that_fails_midway_is_a_clean_error(capsys, tmp_path, monkeypatch):
    from tracer import render

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(render, "write_player", full_disk)
    code, _, err = run(capsys, "pool_forward", "-o", str(tmp_path), "-q")
    assert code == 2
    assert f"error: cannot write the frames to {tmp_path / 'pool_forward'}: No space left on device" in err


# -- each function takes its own options ---------------------------------------------------------


@pytest.mark.parametrize("argv, option", [
    (["conv_forward", "--mode", "average"], "--mode"),
    (["conv_forward", "--mode=average"], "--mode"),
    (["pool_forward", "--pad", "2"], "--pad"),
    (["pool_backward", "--filters", "2"], "--filters"),
    (["distribute_value", "--size", "3"], "--size"),
    (["create_mask_from_window", "--stride", "2"], "--stride"),
])
def test_an_option_that_does_not_apply_is_refused(capsys, tmp_path, argv, option):
    code, _, err = run(capsys, *argv, "-o", str(tmp_path), "-q")
    assert code == 2
    fn = argv[0]
    assert f"error: {option} does not apply to {fn}, which takes " in err
    assert f"python -m tracer {fn} --help" in err
    assert not list(tmp_path.iterdir())


def test_function_help_shows_only_its_options(capsys):
    code, out, _ = run(capsys, "pool_forward", "--help")
    assert code == 0
    assert out.startswith("usage: python -m tracer pool_forward")
    assert "pool_forward(A_prev, {f, stride}, mode)" in out
    for option in ("--size", "--f F", "--stride", "--mode", "--seed", "--steps", "--max-events"):
        assert option in out
    for option in ("--pad", "--filters", "--channel "):
        assert option not in out
    assert "window size f (default 2)" in out and "stride (default f)" in out
    code, out, _ = run(capsys, "conv_forward", "--help")
    assert "--pad" in out and "--filters" in out and "--mode" not in out
    assert "filter size f (default 3)" in out and "stride (default 1)" in out
    code, out, _ = run(capsys, "distribute_value", "--help")
    assert "--f F" in out and "--size" not in out and "--stride" not in out


def test_check_main_checks_the_network_functions_too(capsys, monkeypatch):
    bugs = ROOT / "tests" / "learner_bugs" / "net_b.py"
    assert cli.check_main([str(bugs), "--only", "linear_backward"]) == 0  # net_b's linear_backward is right
    assert "check linear_backward (linear_backward from net_b.py): passed all 3 cases" in capsys.readouterr().out
    monkeypatch.setenv("COLUMNS", "200")
    assert cli.check_main([str(bugs), "--only", "L_model_backward", "--width", "50"]) == 1
    out = capsys.readouterr().out
    assert "grads['dA1'][0, 0] is -0.129132" in out.replace("\n      ", " ")
    assert max(len(line) for line in out.splitlines()) <= 50  # --width wins over $COLUMNS
    help_text = cli.check_parser().format_help()
    assert "L_model_backward" in help_text and "--memory MB" in help_text and "exit status: 0" in help_text
    # what the first form traces: the conv functions and the transposed convolution
    assert set(cli.FUNCTIONS) == set(tracer.conv.__all__) | set(tracer.pool.__all__) | set(tracer.transpose.__all__)


# -- dilated and transposed convolution --------------------------------------------------------


def test_dilation_and_the_transposed_convolution_reach_the_call():
    args = cli.function_parser("conv_forward").parse_args(["--size", "7", "--pad", "0", "--dilation", "2"])
    # a 3x3 filter dilated by 2 spans 5 cells: Z is 3x3, nine windows and the padding step
    assert cli.plan(args) == (10, {"A_prev": (1, 7, 7, 1), "W": (3, 3, 1, 1), "Z": (1, 3, 3, 1),
                                   "A_prev_pad": (1, 7, 7, 1)})
    trace = cli.run_function(args)
    assert trace.calls[0].params == {"stride": 1, "pad": 0, "f": 3, "dilation": 2} and len(trace) == 10
    # without --dilation the call has no key: the course's loop
    plain = cli.run_function(cli.function_parser("conv_backward").parse_args(["--size", "4"]))
    assert "dilation" not in plain.calls[0].params
    args = cli.function_parser("conv_transpose_forward").parse_args(
        ["--size", "3", "--f", "3", "--pad", "1", "--output-padding", "1"])
    # stride 2 by default: Z_full (3 - 1) * 2 + 3 + 1 = 8 wide, 6 after the cut; nine cells and the cut
    assert cli.plan(args) == (10, {"A_prev": (1, 3, 3, 1), "W": (3, 3, 1, 1), "Z_full": (1, 8, 8, 1),
                                   "Z": (1, 6, 6, 1)})
    trace = cli.run_function(args)
    assert trace.calls[0].name == "conv_transpose_forward" and len(trace) == 10
    assert trace.calls[0].params == {"stride": 2, "pad": 1, "f": 3, "output_padding": 1}
    back = cli.run_function(cli.function_parser("conv_transpose_backward").parse_args(["--size", "2", "--filters", "2"]))
    assert back.calls[0].name == "conv_transpose_backward" and len(back) == 2 * 2 * 2 + 1


@pytest.mark.parametrize("argv, option", [
    (["conv_transpose_forward", "--dilation", "2"], "--dilation"),
    (["pool_forward", "--dilation", "2"], "--dilation"),
    (["conv_forward", "--output-padding", "1"], "--output-padding"),
])
def test_the_new_options_apply_to_their_functions_only(capsys, tmp_path, argv, option):
    code, _, err = run(capsys, *argv, "-o", str(tmp_path), *FAST)
    assert code == 2
    assert f"{option} does not apply to {argv[0]}" in err


@pytest.mark.parametrize("argv, message", [
    (["conv_forward", "--dilation", "0"], 'conv_forward: hparameters["dilation"] must be an int >= 1, got 0'),
    (["conv_forward", "--size", "4", "--pad", "0", "--dilation", "3"], "the 3x3 filter dilated by 3 spans 7x7 cells"),
    (["conv_transpose_forward", "--output-padding", "2"],
     'hparameters["output_padding"] must be smaller than the stride (2)'),
])
def test_bad_dilations_and_output_paddings_get_the_core_message(capsys, tmp_path, argv, message):
    code, _, err = run(capsys, *argv, "-o", str(tmp_path), *FAST)
    assert code == 2 and message in err, err


def test_a_huge_transposed_output_is_refused_from_the_sizes(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "tracer", "conv_transpose_forward", "--size", "2", "--stride", "1000000",
                           "-o", str(tmp_path), "-q"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert ("conv_transpose_forward: Z_full would be an array of shape (1, 1000003, 1000003, 1), 7.3 TiB, more than the "
            "2.0 GiB allowed for one array (tracer.validate.MAX_ARRAY_BYTES); use a smaller --m, --size, --width, "
            "--filters, --f, --stride, --output-padding") in proc.stderr
    assert not list(tmp_path.iterdir())
