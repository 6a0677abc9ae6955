"""Diagnosis: the likely cause of a failing check, by evidence.

Each mistake of the catalogue (:mod:`tracer.checker.catalogue`) is the course
function with one change. :func:`diagnose` runs them on the learner's cases:
a mistake is named as the cause only when it reproduces the learner's results
(the same values, or the same error with the same message) on the failing
cases, saying on which; when two reproduce them and the battery cannot tell
them apart, both are named. :func:`observations` states the property that
exactly the failing cases have (pad 0, stride > 1, several output
channels...), once a probe that varies that property alone agrees.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .cases import Case
from .catalogue import Mistake, mistakes, solution
from .compare import compare, same
from .isolation import Outcome, run_here

if TYPE_CHECKING:  # pragma: no cover
    from .reference import References
    from .report import CaseResult

__all__ = ["diagnose", "observations", "Diagnosis", "BUDGET"]


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
_OPPOSITES = {"stride 1": "stride > 1", "pad > 0": "pad 0", "mode 'max'": "mode 'average'",
              "activation 'relu'": "activation 'sigmoid'", **_IMPLICIT}
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


@dataclass
class Diagnosis:
    """What the catalogue found: the cause in words, and the mistakes named.

    Attributes
    ----------
    text : str
        The likely cause, its fix and the evidence; ``"cause unknown"`` when no
        mistake of the catalogue reproduces the learner's results.
    mistakes : list of Mistake
        The mistakes named, most likely first (two when the battery cannot tell
        them apart); empty when the cause is unknown or not a mistake of the catalogue.
    reproduced : list of str
        The failing cases whose results the first mistake reproduces.
    complete : bool
        Whether it reproduces every failing case and passes every case the learner passes.
    """

    text: str
    mistakes: list[Mistake] = field(default_factory=list)
    reproduced: list[str] = field(default_factory=list)
    complete: bool = False


#: Seconds the diagnosis may spend running the catalogue's variants.
BUDGET = 10.0


def _size(x: Any) -> int:
    if isinstance(x, np.ndarray):
        return x.size
    if isinstance(x, (tuple, list)):
        return sum(_size(y) for y in x)
    if isinstance(x, dict):
        return sum(_size(y) for y in x.values())
    return 1


def _probe_order(cases: list[Case], usable: list[int]) -> list[int]:
    """The failing cases to try the catalogue on first: the smallest, then each time the smallest of
    those that differ most from the ones taken (a second mistake may show on some cases only)."""
    left = sorted(usable, key=lambda k: _size(cases[k].args))
    order = [left.pop(0)]
    while left:
        taken = [cases[k].props for k in order]
        best = max(left, key=lambda k: (min(len(cases[k].props ^ t) for t in taken), -_size(cases[k].args)))
        order.append(best)
        left.remove(best)
    return order


def _same_error(variant: Outcome, learner: Outcome) -> bool:
    return variant.kind == learner.kind == "raised" and variant.error == learner.error


def diagnose(name: str, cases: list[Case], outcomes: list[Outcome], results: list[CaseResult],
             expected: list[Any], budget: float = BUDGET) -> Diagnosis:
    """The likely cause of the failures, by evidence: the mistakes of the catalogue that reproduce them.

    Each variant runs first on the smallest failing case; those that reproduce
    the learner's result there (the same values, or the same error and
    message) then run on every case. A variant explains the failures when it
    reproduces every failing case and passes the cases the learner passes.
    """
    failed = [not r.passed for r in results]
    first = failed.index(True)
    outcome, result = outcomes[first], results[first]
    if result.status == "modified input":
        return Diagnosis(f"it writes into {', '.join(outcome.modified)}, an argument it received: an in-place "
                         "operation (x -= ..., x[...] = ..., x += ...) on an input changes the caller's array. "
                         "Fix: work on a copy (x = x.copy()) or build a new array",
                         [Mistake(name, "in place", "", ", ".join(outcome.modified))], [cases[first].name])
    if outcome.kind == "returned" and outcome.value is None:
        return Diagnosis("the function returns None: a return statement is missing. Fix: end it with return ...")
    usable = [k for k, f in enumerate(failed) if f and outcomes[k].kind in ("returned", "raised")]
    if not usable:
        return Diagnosis("cause unknown")
    ignored = _dilation_ignored(name, cases, outcomes, usable)
    if ignored is not None:
        return ignored
    order = _probe_order(cases, usable)
    passing = [k for k, f in enumerate(failed) if not f]
    start = time.monotonic()
    tried = 0
    scored: list[tuple[Mistake, set[int], bool]] = []
    weak: list[Mistake] = []
    catalogue_ = mistakes(name)
    for probe in order[:3]:
        for mistake in catalogue_:
            if time.monotonic() - start > budget:
                break
            if any(m is mistake for m, _, _ in scored):
                continue
            fn = mistake.variant(name)
            if fn is None:
                continue
            tried += 1
            got = run_here(fn, cases[probe].args)
            if not _reproduces(got, outcomes[probe]):
                continue
            if not _same_error(got, outcomes[probe]) and got.kind == "raised":
                weak.append(mistake)
                continue
            hits, consistent = {probe}, True
            for k in usable + passing:
                if k == probe:
                    continue
                other = run_here(fn, cases[k].args)
                if k in usable:
                    if _reproduces(other, outcomes[k]) and (other.kind != "raised" or _same_error(other, outcomes[k])):
                        hits.add(k)
                elif not _passes(name, other, expected[k]):
                    consistent = False
            scored.append((mistake, hits, consistent))
        if any(hits == set(usable) for _, hits, _ in scored):
            break
    stopped = time.monotonic() - start > budget
    full = [(m, h, c) for m, h, c in scored if h == set(usable) and c]
    if full:
        return _named(name, cases, full, usable, complete=True)
    if scored:
        best = max(len(h) + c for _, h, c in scored)
        return _named(name, cases, [s for s in scored if len(s[1]) + s[2] == best], usable, complete=False)
    if weak:
        return Diagnosis(f"probably {_describe(weak[0], name)}. (Evidence, weak: the course's {name} with this "
                         "mistake raises the same kind of error on your first failing case, with another message.)",
                         [weak[0]], [])
    note = f" (the diagnosis stopped after {budget:g} s, {tried} of {len(catalogue_)} mistakes tried)" if stopped else ""
    return Diagnosis("cause unknown" + note)


def _dilation_ignored(name: str, cases: list[Case], outcomes: list[Outcome], usable: list[int]) -> Diagnosis | None:
    """On the dilated cases (``check(fn, dilation=True)``): a function that does what the course's does,
    the "dilation" key left unread. Every mistake of the catalogue that changes nothing on these cases
    would reproduce it too, so this is asked first."""
    if not any("dilation > 1" in cases[k].props for k in usable):
        return None
    course = solution(name)
    if not all(_reproduces(run_here(course, cases[k].args), outcomes[k]) for k in usable):
        return None
    names = [cases[k].name for k in usable]
    return Diagnosis(
        f'the "dilation" key is not read: it computes what the course\'s {name} computes, whose window is f x f '
        "neighbouring cells. Fix: dilation = hparameters.get(\"dilation\", 1); the window spans "
        "vert_end = vert_start + dilation * (f - 1) + 1 rows and is sliced vert_start:vert_end:dilation (the same "
        "for the columns)" + ("; n_H = (n_H_prev + 2 * pad - dilation * (f - 1) - 1) // stride + 1"
                              if name == "conv_forward" else "")
        + f". (Evidence: the course's {name} reproduces your results on the failing cases {', '.join(names)}.)",
        [Mistake(name, "dilation ignored", "", "")], names, True)


def _describe(mistake: Mistake, name: str) -> str:
    return f"{mistake.describe(name)}. Fix: {mistake.fix()}"


def _named(name: str, cases: list[Case], found: list[tuple[Mistake, set[int], bool]], usable: list[int],
           complete: bool) -> Diagnosis:
    """The cause text for the mistakes that reproduce the most failing cases (one per category, traps first)."""
    by_category: dict[str, tuple[Mistake, set[int], bool]] = {}
    # known traps first, then mistakes in the checked function itself (a helper's own check shows its own)
    for entry in sorted(found, key=lambda e: (e[0].trap is None, e[0].function != name, e[0].after.count("\n"))):
        by_category.setdefault(entry[0].category, entry)
    chosen = list(by_category.values())[:2]
    mistake, hits, consistent = chosen[0]
    names = [cases[k].name for k in usable if k in hits]
    if complete:
        evidence = (f"the course's {name} with this mistake reproduces your results on all {len(cases)} cases"
                    if len(chosen) == 1 else
                    f"the course's {name} with either mistake reproduces your results on all {len(cases)} cases; "
                    "the battery cannot tell them apart")
    else:
        missed = [cases[k].name for k in usable if k not in hits]
        evidence = (f"the course's {name} with this mistake reproduces your results on the failing case"
                    f"{'s' if len(names) > 1 else ''} {', '.join(names)}"
                    + (f", not on {', '.join(missed)}" if missed else "")
                    + ("" if consistent else ", and fails a case you pass")
                    + ": something else may differ too")
    text = _describe(mistake, name)
    if len(chosen) > 1:
        text = f"{text}; or {_describe(chosen[1][0], name)}"
    text = f"{text}. (Evidence: {evidence}.)"
    return Diagnosis(text if complete else "probably " + text, [m for m, _, _ in chosen], names, complete)
