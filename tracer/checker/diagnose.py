"""Diagnosis: the likely cause of a failing check, by evidence.

Each mistake of :mod:`tracer.checker.traps` comes with a variant, the course
function written with exactly that mistake. :func:`diagnose` runs the
variants of the failing function on the same cases as the learner's function:
a variant that reproduces the learner's results on every case names the cause;
one that reproduces the first failing case only is named as probable.
:func:`observations` states which property of the battery the failing cases
share (pad 0, stride > 1, a non-square input...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .battery import Case
from .compare import same
from .isolation import Outcome, run_here
from .traps import TRAPS, Trap

if TYPE_CHECKING:  # pragma: no cover
    from .report import CaseResult

__all__ = ["diagnose", "observations"]


def _reproduces(variant: Outcome, learner: Outcome) -> bool:
    """Whether a variant did what the learner's function did: the same error type, or the same result."""
    if variant.kind != learner.kind:
        return False
    if variant.kind == "raised":
        return variant.error_type == learner.error_type
    return variant.kind == "returned" and same(variant.value, learner.value)


def observations(cases: list[Case], failed: list[bool]) -> list[str]:
    """The properties shared by exactly the failing cases ("fails exactly on the cases with pad 0")."""
    failing = {c.name for c, f in zip(cases, failed) if f}
    if len(failing) == len(cases):
        return [f"fails on every case ({len(cases)})"]
    notes = []
    for prop in sorted(set().union(*(c.props for c in cases))):
        having = {c.name for c in cases if prop in c.props}
        if having == failing:
            notes.append(f"fails exactly on the cases with {prop}")
    return notes


def diagnose(name: str, cases: list[Case], outcomes: list[Outcome], results: list[CaseResult],
             expected: list[Any]) -> str:
    """The likely cause of the failures, by evidence, or ``"cause unknown"``."""
    failed = [not r.passed for r in results]
    first = failed.index(True)
    outcome, result = outcomes[first], results[first]
    if result.status == "modified input":
        return (f"it writes into {', '.join(outcome.modified)}, an argument it received: an in-place operation "
                "(x -= ..., x[...] = ..., x += ...) on an input changes the caller's array. Fix: work on a copy "
                "(x = x.copy()) or build a new array")
    if outcome.kind == "returned" and outcome.value is None:
        return "the function returns None: a return statement is missing. Fix: end it with return ..."
    full, partial = [], []
    for trap in TRAPS[name]:
        variants = [run_here(trap.variant, case.args) for case in cases]
        hits = [_reproduces(v, o) for v, o in zip(variants, outcomes)]
        first_differs = not (variants[first].kind == "returned" and same(variants[first].value, expected[first]))
        if all(hits):
            full.append(trap)
        elif hits[first] and first_differs:
            partial.append(trap)
    if full:
        return _cause(full[0], f"the reference with this mistake reproduces your results on all {len(cases)} cases")
    if partial:
        return "probably " + _cause(partial[0], "the reference with this mistake reproduces your first failing "
                                                "case, not all cases: something else may differ too")
    return "cause unknown"


def _cause(trap: Trap, evidence: str) -> str:
    return f"{trap.cause}. Fix: {trap.fix}. (Evidence: {evidence}.)"
