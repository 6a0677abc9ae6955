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

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .cases import Case
from .compare import compare, same
from .isolation import Outcome, run_here
from .traps import TRAPS, Trap

if TYPE_CHECKING:  # pragma: no cover
    from .reference import References
    from .report import CaseResult

__all__ = ["diagnose", "observations"]


def _reproduces(variant: Outcome, learner: Outcome) -> bool:
    """Whether a variant did what the learner's function did: the same error type, or the same result."""
    if variant.kind != learner.kind:
        return False
    if variant.kind == "raised":
        return variant.error_type == learner.error_type
    return variant.kind == "returned" and same(variant.value, learner.value)


#: Properties that hold when their opposite is absent from a case's properties.
_IMPLICIT = {
    "one example": "several examples", "one channel": "several channels",
    "one input channel": "several input channels", "one output channel": "several output channels",
    "one unit": "several units", "one output unit": "several output units",
}
#: Each property's opposite: a probe of one, read backwards, is a probe of the other.
_OPPOSITES = {"stride 1": "stride > 1", "pad > 0": "pad 0", "mode 'max'": "mode 'average'", **_IMPLICIT}
_OPPOSITES.update({v: k for k, v in list(_OPPOSITES.items())})


def _has(case: Case, prop: str) -> bool:
    return prop in case.props or (prop in _IMPLICIT and _IMPLICIT[prop] not in case.props)


def _passes(name: str, outcome: Outcome, expected: Any) -> bool:
    return outcome.kind == "returned" and not outcome.modified and compare(name, expected, outcome.value) is None


def observations(name: str, refs: References, failed: list[bool], run: Callable[[tuple], Outcome] | None) -> list[str]:
    """The property that exactly the failing cases have ("fails exactly on the cases with pad 0"), when it is the cause.

    A property shared by exactly the failing cases is named only when its probe
    agrees: the learner's function (``run``) fails the probe's input that has
    the property and passes the one that differs from it in that property only.
    """
    cases = refs.cases
    failing = {c.name for c, f in zip(cases, failed) if f}
    if len(failing) == len(cases):
        return [f"fails on every case ({len(cases)})"]
    if run is None:
        return []
    props = set().union(*(c.props for c in cases))
    candidates = sorted(p for p in props | set(_IMPLICIT) if {c.name for c in cases if _has(c, p)} == failing)
    notes = []
    for prop in candidates:
        for probe, (e_without, e_with) in zip(refs.probes, refs.probe_expected):
            if probe.prop == prop:
                without, with_ = (probe.without, e_without), (probe.with_, e_with)
            elif _OPPOSITES.get(prop) == probe.prop:
                without, with_ = (probe.with_, e_with), (probe.without, e_without)
            else:
                continue
            if _passes(name, run(without[0].args), without[1]) and not _passes(name, run(with_[0].args), with_[1]):
                notes.append(f"fails exactly on the cases with {prop}")
            break
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
    for trap in TRAPS.get(name, ()):
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
