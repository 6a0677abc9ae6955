"""Tests of tracer.checker.cases.transpose: the transposed convolution's batteries and traps, and the
dilated cases a check adds to conv_forward and conv_backward when asked (check(fn, dilation=True))."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from tracer import checker, cli, fast, transpose
from tracer.checker import solutions
from tracer.checker.cases import DILATABLE, TRANSPOSE_FUNCTIONS, battery, probes
from tracer.checker.compare import same
from tracer.checker.isolation import run_here
from tracer.checker.traps import TRAPS


@pytest.mark.parametrize("name", TRANSPOSE_FUNCTIONS)
def test_the_loops_the_fast_twins_and_the_learner_style_solution_pass(name):
    for fn in (getattr(transpose, name), getattr(fast, name), getattr(solutions, name)):
        report = checker.check(fn, name=name)
        assert report.passed, str(report)
        assert report.cause is None and len(report.cases) == 6


def test_the_battery_has_no_blind_spot():
    cases = battery("conv_transpose_forward")
    hps = [c.args[3] for c in cases]
    assert {hp["stride"] for hp in hps} == {1, 2, 3}
    assert {hp["pad"] for hp in hps} == {0, 1, 2}
    assert {hp["output_padding"] for hp in hps} == {0, 1, 2}
    props = set().union(*(c.props for c in cases))
    assert {"overlapping blocks", "an even filter", "a 1x1 filter", "a non-square input", "several examples",
            "several input channels", "several output channels", "a bias far from zero"} <= props
    # blocks that overlap and blocks with gaps between them (stride larger than the filter)
    assert any(c.args[1].shape[0] < c.args[3]["stride"] for c in cases)
    assert [c.name for c in battery("conv_transpose_backward")] == [c.name for c in cases]


@pytest.mark.parametrize("name", TRANSPOSE_FUNCTIONS)
def test_each_trap_shows_and_the_loop_without_it_is_right(name):
    for trap in TRAPS[name]:
        differs = [not same(run_here(trap.variant, c.args).value, getattr(transpose, name)(*c.args))
                   for c in battery(name)]
        assert any(differs) and not all(differs) or trap.key == "flip", trap
    base = TRAPS[name][0].variant.func
    assert checker.check(lambda *args: base(*args), name=name).passed


def _blocks_at_h_w(A_prev, W, b, hparameters):
    """A learner's conv_transpose_forward that writes each block at (h, w), the stride left out."""
    (m, n_H_prev, n_W_prev, _), (f, _, _, n_C) = A_prev.shape, W.shape
    s, p, op = hparameters["stride"], hparameters["pad"], hparameters.get("output_padding", 0)
    Z_full = np.zeros((m, (n_H_prev - 1) * s + f + op, (n_W_prev - 1) * s + f + op, n_C))
    for i in range(m):
        for h in range(n_H_prev):
            for w in range(n_W_prev):
                for c in range(n_C):
                    Z_full[i, h:h + f, w:w + f, c] += np.sum(W[:, :, :, c] * A_prev[i, h, w, :], axis=2)
    return Z_full[:, p:Z_full.shape[1] - p, p:Z_full.shape[2] - p, :] + b, (A_prev, W, b, hparameters)


def test_a_learner_mistake_is_located_and_named():
    report = checker.check(_blocks_at_h_w, name="conv_transpose_forward")
    assert not report.passed
    first = report.first_failure
    assert first.name == "f3_stride2_pad1"  # stride 1 passes: the mistake shows only when stride > 1
    assert "Z_full[" in first.window and "the sum of the blocks of" in first.window and "then + b[" in first.window
    assert report.cause.startswith("the stride is left out of the blocks' start")
    assert "all 6 cases" in report.cause


def test_dilation_adds_its_cases_to_conv_forward_and_conv_backward_only():
    for name in DILATABLE:
        plain, dilated = battery(name), battery(name, dilation=True)
        added = dilated[len(plain):]
        assert [c.name for c in dilated[:len(plain)]] == [c.name for c in plain]
        hps = [c.args[3] if name == "conv_forward" else c.args[1][3] for c in added]
        assert {hp["dilation"] for hp in hps} == {1, 2, 3} and all("dilation" not in (
            c.args[3] if name == "conv_forward" else c.args[1][3]) for c in plain)
        assert [p.prop for p in probes(name, dilation=True)][-1] == "dilation > 1"
        assert checker.check(getattr(fast, name), name=name, dilation=True).passed
    with pytest.raises(ValueError, match=r"check: dilation=True checks conv_forward and conv_backward only, "
                                         r"got 'pool_forward'"):
        checker.check(fast.pool_forward, dilation=True)
    with pytest.raises(TypeError, match=r"check: dilation must be True or False, got 'yes'"):
        checker.check(fast.conv_forward, dilation="yes")


def test_a_conv_forward_that_ignores_the_key_is_told_so():
    report = checker.check(solutions.conv_forward, dilation=True)  # the course's function: no dilation
    assert [c.name for c in report.cases if not c.passed] == [
        "dilation2_stride1_pad0", "dilation3_even_f2_stride2", "dilation2_pad2_same", "dilation2_stride3_pad1"]
    assert report.cause.startswith('the "dilation" key is not read')
    assert "vert_start:vert_end:dilation" in report.cause
    assert any("dilation > 1" in note for note in report.observations)
    # dilated windows are located as the loop reads them
    back = checker.check(solutions.conv_backward, dilation=True)
    assert "every 2nd row and column (dilation 2)" in back.first_failure.window


def test_the_command_line_checks_with_dilation(tmp_path, capsys):
    learner = tmp_path / "mine.py"
    # the course's own functions, written in the file (a file's functions are those it defines)
    source = "\n\n".join(inspect.getsource(getattr(solutions, n)) for n in ("zero_pad", "conv_single_step", "conv_forward"))
    learner.write_text("import numpy as np\n\n\n" + source)
    assert cli.check_main([str(learner), "--only", "conv_forward"]) == 0  # the course's battery: passes
    assert "passed all 5 cases" in capsys.readouterr().out
    assert cli.check_main([str(learner), "--only", "conv_forward", "--dilation"]) == 1
    out = capsys.readouterr().out
    assert "FAILED 4 of 10 cases" in out and 'the "dilation" key is not read' in out.replace("\n      ", " ")
