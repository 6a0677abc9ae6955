"""The held-out learner bugs (tests/learner_bugs/): every one caught, and the cause right for most.

Each file is checked as ``python -m tracer check`` checks it (:func:`tracer.checker.check_file`).
A bug's cause counts as right when one of the mistakes the report names has one
of the categories the file's ``BUGS`` gives it; the set was written as learners
write, apart from the catalogue, and is not used to build it (batch B, files with
``BATCH = "B"``, after the catalogue was frozen).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tracer.checker import FUNCTIONS, check_file

BUGS = Path(__file__).resolve().parent / "learner_bugs"
FILES = sorted(BUGS.glob("*.py"))


def _expected(path: Path) -> dict[str, set[str]]:
    """The file's ``BUGS`` dict, read without importing the file."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "BUGS":
            return {k: set(v) for k, v in ast.literal_eval(node.value).items()}
    raise AssertionError(f"{path.name} has no BUGS")


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[dict[str, set[str]], object]]:
    return {path.stem: (_expected(path), check_file(path)) for path in FILES}


def test_the_set_is_large_and_spread_over_both_exercises():
    bugs = {(path.stem, name) for path in FILES for name in _expected(path)}
    assert len(bugs) >= 30
    functions = {name for _, name in bugs}
    assert {"conv_forward", "conv_backward", "pool_forward", "pool_backward"} <= functions
    assert {"L_model_forward", "L_model_backward", "linear_backward", "update_parameters"} <= functions
    assert all(len(_expected(path)) >= 2 for path in FILES)  # several per file, as learners make them


def test_every_bug_is_caught_and_every_right_function_passes(results):
    for stem, (expected, result) in results.items():
        assert not result.problem, (stem, result.problem)
        for report in result.reports:
            assert report.passed == (report.function not in expected), (stem, report.function, str(report))
        assert set(expected) <= {r.function for r in result.reports}, stem
        assert set(expected) <= set(FUNCTIONS)


def test_the_cause_is_right_for_most_bugs(results):
    right, total, wrong = 0, 0, []
    for stem, (expected, result) in results.items():
        for report in result.reports:
            if report.function in expected:
                total += 1
                named = {m.category for m in report.mistakes}
                if named & expected[report.function]:
                    right += 1
                else:
                    wrong.append(f"{stem}.{report.function}: expected {sorted(expected[report.function])}, "
                                 f"named {sorted(named) or 'none'}")
    print(f"\nheld-out learner bugs: {total} caught of {total}, cause right for {right} of {total}")
    print("\n".join(wrong))
    assert right / total >= 0.8, f"cause right for {right} of {total}:\n" + "\n".join(wrong)
