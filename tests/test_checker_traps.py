"""Tests of tracer.checker.traps: every variant is the course function with one mistake, and the mistake shows."""

from __future__ import annotations

import pytest

from tracer.checker.cases import CONV_FUNCTIONS
import tracer
from tracer import checker
from tracer.checker.compare import same
from tracer.checker.isolation import run_here
from tracer.checker.traps import TRAPS


@pytest.mark.parametrize("name", CONV_FUNCTIONS)
def test_trap_variants_differ_from_the_reference_on_some_case(name):
    # a variant that never differs could not be evidence of anything
    for trap in TRAPS[name]:
        cases = checker.battery(name)
        differs = []
        for case in cases:
            expected = getattr(tracer, name)(*case.args)
            got = run_here(trap.variant, case.args)
            differs.append(got.kind != "returned" or not same(got.value, expected))
        assert any(differs), trap
        assert not all(differs) or name in ("conv_single_step", "conv_forward"), trap  # bias traps fail everywhere


@pytest.mark.parametrize("name", CONV_FUNCTIONS)
def test_trap_loops_with_every_switch_off_are_the_course_functions(name):
    base = TRAPS[name][0].variant.func  # the course-style loop behind the variants
    report = checker.check(lambda *args: base(*args), name=name)
    assert report.passed, str(report)
