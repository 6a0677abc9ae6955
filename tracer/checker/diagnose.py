"""Diagnosis: the likely cause of a failing check, by evidence.

Each mistake of the catalogue (:mod:`tracer.checker.catalogue`) is the course
function with one change. :func:`diagnose` runs them on the learner's cases:
a mistake is named as the cause only when it reproduces the learner's results
(the same values, or the same error with the same message) on the failing
cases, saying on which; when two reproduce them and the battery cannot tell
them apart, both are named, the one the learner's own code reads like first
(:mod:`tracer.checker.evidence`). When no single mistake explains every
failing case, pairs of the most promising ones are tried together (two
mistakes in one function, or one in it and one in a helper it calls).
:func:`observations` states the property that exactly the failing cases have
(pad 0, stride > 1, several output channels...), once a probe that varies that
property alone agrees.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .cases import Case
from .catalogue import Mistake, mistakes, solution, together
from .compare import ATOL, RTOL, compare, same
from .evidence import Source, support
from .isolation import Outcome, run_here

if TYPE_CHECKING:  # pragma: no cover
    from .reference import References
    from .report import CaseResult

__all__ = ["diagnose", "observations", "Diagnosis", "BUDGET", "PAIR_BUDGET"]


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
        them apart, or the two that together explain the results); empty when
        the cause is unknown or not a mistake of the catalogue.
    reproduced : list of str
        The failing cases whose results the first explanation reproduces.
    complete : bool
        Whether it reproduces every failing case and passes every case the learner passes.
    together : bool
        Whether the mistakes named are two made at once (``mistakes`` holds both).
    """

    text: str
    mistakes: list[Mistake] = field(default_factory=list)
    reproduced: list[str] = field(default_factory=list)
    complete: bool = False
    together: bool = False


#: Seconds the diagnosis may spend running the catalogue's variants one at a time.
BUDGET = 10.0
#: Seconds it may then spend on pairs of mistakes, when no single one explains every failing case.
PAIR_BUDGET = 3.0
#: How many variants that raise the learner's type of error, with another message, are run on every case.
WEAK_SCORED = 40
#: How many of the most promising single mistakes are paired with the others.
PAIR_FIRSTS = 3


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


def _squeezed(x: Any, depth: int = 0) -> Any:
    """``x`` with the axes of length 1 of its arrays dropped; a structure nested too deep (a list that
    holds itself, as ``caches.append(caches)`` makes) is left as it is."""
    if isinstance(x, np.ndarray):
        return np.squeeze(x)
    if isinstance(x, (tuple, list)) and depth < 8:
        return [_squeezed(y, depth + 1) for y in x]
    return x


def _kind(x: Any, depth: int = 0) -> Any:
    """The types a result is made of (an array's shape aside): a Python float and an array are not alike."""
    if isinstance(x, (tuple, list)) and depth < 8:
        return type(x), tuple(_kind(y, depth + 1) for y in x)
    if isinstance(x, dict) and depth < 8:
        return dict, tuple(sorted((str(k), _kind(v, depth + 1)) for k, v in x.items()))
    return type(x)


def _match(name: str, variant: Outcome, learner: Outcome, expected: Any, status: str) -> str | None:
    """How a variant's outcome matches the learner's on one case.

    ``"exact"``: the same values, or the same error with the same message;
    ``"loose"``: the same values up to axes of length 1, failing the same way
    (both a wrong type, or both a wrong shape); ``"weak"``: the same type of
    error with another message; ``None``: something else.
    """
    if variant.kind != learner.kind:
        return None
    if variant.kind == "raised":
        if variant.error_type != learner.error_type:
            return None
        return "exact" if variant.error == learner.error else "weak"
    if variant.kind != "returned":
        return None
    if compare(name, expected, variant.value) is None:
        return None  # the variant passes where the learner fails: a Python float for a numpy one, say
    if same(variant.value, learner.value):
        return "exact"
    if status in ("wrong type", "wrong shape") and _kind(variant.value) == _kind(learner.value) and same(
            _squeezed(variant.value), _squeezed(learner.value)):
        diff = compare(name, expected, variant.value)
        if diff is not None and diff.status == status:
            return "loose"
    return None


def _undefined(outcome: Outcome) -> bool:
    """A variant that reads a name the course binds on another path only: on that case it says nothing."""
    return outcome.kind == "raised" and outcome.error_type in ("NameError", "UnboundLocalError")


def _elements(x: Any, depth: int = 0) -> np.ndarray | None:
    """Every number of a result, flattened in a fixed order (``None`` when it holds something else)."""
    if isinstance(x, np.ndarray):
        return x.astype(float).ravel() if x.dtype.kind in "biuf" else None
    if isinstance(x, (bool, int, float, np.integer, np.floating)):
        return np.array([float(x)])
    if depth > 8:
        return None
    if isinstance(x, (tuple, list)):
        parts = [_elements(y, depth + 1) for y in x]
    elif isinstance(x, dict):
        parts = [_elements(x[k], depth + 1) for k in sorted(x, key=str)]
    else:
        return None
    if any(p is None for p in parts):
        return None
    return np.concatenate(parts) if parts else np.zeros(0)


def _closeness(variant: Outcome, learner: np.ndarray | None, reference: np.ndarray | None) -> int:
    """How many more of the learner's numbers a variant gives than the reference does (0 when not comparable)."""
    if learner is None or reference is None or variant.kind != "returned":
        return 0
    got = _elements(variant.value)
    if got is None or got.shape != learner.shape or reference.shape != learner.shape:
        return 0
    hit = np.isclose(got, learner, rtol=RTOL, atol=ATOL, equal_nan=True)
    known = np.isclose(reference, learner, rtol=RTOL, atol=ATOL, equal_nan=True)
    return int((hit & ~known).sum()) - int((~hit & known).sum())


@dataclass
class _Found:
    """Mistakes (one, or two made together) and the failing cases their variant reproduces."""

    mistakes: tuple[Mistake, ...]
    hits: set[int]
    consistent: bool
    loose: bool = False
    support: float = 0.0
    weak: bool = False


class _Search:
    """The cases, the learner's outcomes and the evidence of one diagnosis."""

    def __init__(self, name: str, cases: list[Case], outcomes: list[Outcome], results: list[CaseResult],
                 expected: list[Any], usable: list[int], source: Source | None):
        self.name, self.cases, self.outcomes, self.results, self.expected = name, cases, outcomes, results, expected
        self.usable = usable
        self.passing = [k for k, r in enumerate(results) if r.passed]
        self.source = source

    def match(self, fn: Callable, k: int) -> tuple[str | None, Outcome]:
        got = run_here(fn, self.cases[k].args)
        return _match(self.name, got, self.outcomes[k], self.expected[k], self.results[k].status), got

    def score(self, chosen: tuple[Mistake, ...], fn: Callable, probe: int, how: str) -> _Found:
        """Run a variant that matched the learner on ``probe`` on every other case (a weak match, the same
        type of error with another message, counts the cases where it raises the same type of error)."""
        hits, consistent, loose, weak = {probe}, True, how == "loose", how == "weak"
        for k in self.usable + self.passing:
            if k == probe:
                continue
            if k in self.usable:
                found, _ = self.match(fn, k)
                if found in ("exact", "loose") or weak and found == "weak":
                    hits.add(k)
                    loose = loose or found == "loose"
            else:
                other = run_here(fn, self.cases[k].args)
                if not _undefined(other) and not _passes(self.name, other, self.expected[k]):
                    consistent = False
        return _Found(chosen, hits, consistent, loose, weak=weak)


def diagnose(name: str, cases: list[Case], outcomes: list[Outcome], results: list[CaseResult],
             expected: list[Any], budget: float = BUDGET, source: str | Source | None = None,
             helpers: dict[str, bool] | None = None) -> Diagnosis:
    """The likely cause of the failures, by evidence: the mistakes of the catalogue that reproduce them.

    Each variant runs first on the smallest failing case; those that reproduce
    the learner's result there (the same values, or the same error and
    message) then run on every case. A variant explains the failures when it
    reproduces every failing case and passes the cases the learner passes.
    When none does, pairs of the most promising ones are tried together.

    Parameters
    ----------
    source : str or Source, optional
        The learner's source text: among variants the cases cannot tell apart,
        the one the learner's code reads like comes first.
    helpers : dict, optional
        ``helper -> passed`` for the learner's own helpers already checked:
        a mistake in a helper the learner's function calls comes first when
        that helper fails its own check, last when it passes it.
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
    ignored = _dilation_ignored(name, cases, outcomes, usable, expected)
    if ignored is not None:
        return ignored
    if not isinstance(source, Source):
        source = Source.read(source)
    search = _Search(name, cases, outcomes, results, expected, usable, source)
    order = _probe_order(cases, usable)
    start = time.monotonic()
    tried = 0
    scored: list[_Found] = []
    weak: list[_Found] = []
    close: dict[int, int] = {}
    catalogue_ = mistakes(name)
    p0 = order[0]
    learner0 = _elements(outcomes[p0].value) if outcomes[p0].kind == "returned" else None
    reference0 = _elements(expected[p0])
    for probe in order[:3]:
        for j, mistake in enumerate(catalogue_):
            if time.monotonic() - start > budget:
                break
            if any(f.mistakes[0] is mistake for f in scored):
                continue
            fn = mistake.variant(name)
            if fn is None:
                continue
            tried += 1
            how, got = search.match(fn, probe)
            if probe == p0 and how is None:
                if not (got.kind == "returned" and same(got.value, expected[p0])):  # an inert one cannot be half
                    # of a pair; one that raises where the learner's does not comes last
                    close[j] = _closeness(got, learner0, reference0) if got.kind == outcomes[p0].kind else -10**9
            if how is None:
                continue
            if how == "weak":
                if len(weak) < WEAK_SCORED:
                    weak.append(search.score((mistake,), fn, probe, how))
                continue
            scored.append(search.score((mistake,), fn, probe, how))
        if any(f.hits == set(usable) for f in scored):
            break
    stopped = time.monotonic() - start > budget
    full = [f for f in scored if f.hits == set(usable) and f.consistent]
    exact = [f for f in full if not f.loose]
    if exact or full:
        return _named(name, cases, exact or full, usable, complete=True, source=source, helpers=helpers)
    pairs = _pairs(search, catalogue_, scored, close, order[0])
    full_pairs = [f for f in pairs if f.hits == set(usable) and f.consistent]
    if full_pairs:
        return _named(name, cases, full_pairs, usable, complete=True, source=source, helpers=helpers)
    if scored:
        best = max(len(f.hits) + f.consistent for f in scored)
        return _named(name, cases, [f for f in scored if len(f.hits) + f.consistent == best], usable,
                      complete=False, source=source, helpers=helpers)
    full_weak = [f for f in weak if f.hits == set(usable) and f.consistent]
    if full_weak:
        return _named_weak(name, cases, full_weak, usable, source, helpers)
    if weak:  # not named: the same kind of error on some failing cases only reproduces nothing
        return Diagnosis(f"cause unknown: no mistake of the catalogue reproduces your results. The nearest, "
                         f"{_describe(weak[0].mistakes[0], name, source, helpers)}, raises the same kind of error on "
                         "your first failing case, with another message: it may be a lead, not the cause.")
    note = f" (the diagnosis stopped after {budget:g} s, {tried} of {len(catalogue_)} mistakes tried)" if stopped else ""
    return Diagnosis("cause unknown" + note)


def _dilation_ignored(name: str, cases: list[Case], outcomes: list[Outcome], usable: list[int],
                      expected: list[Any]) -> Diagnosis | None:
    """On the dilated cases (``check(fn, dilation=True)``): a function that does what the course's does,
    the "dilation" key left unread. Every mistake of the catalogue that changes nothing on these cases
    would reproduce it too, so this is asked first."""
    if not any("dilation > 1" in cases[k].props for k in usable):
        return None
    course = solution(name)
    if not all(_match(name, run_here(course, cases[k].args), outcomes[k], expected[k], "") for k in usable):
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


def _pairs(search: _Search, catalogue_: tuple[Mistake, ...], scored: list[_Found], close: dict[int, int],
           probe: int, budget: float = PAIR_BUDGET) -> list[_Found]:
    """Two mistakes made together, when no single one explains every failing case.

    The first of each pair is one of the most promising single mistakes: those
    that reproduce some failing cases, then those that bring the most numbers
    of the first failing case to the learner's; the second is any other
    mistake, the promising ones first. Each pair runs on that case first.
    """
    position = {id(m): j for j, m in enumerate(catalogue_)}
    partial = [f.mistakes[0] for f in sorted(scored, key=lambda f: -(len(f.hits) + f.consistent))
               if f.mistakes[0].edit is not None]
    by_closeness = [catalogue_[j] for j, _ in sorted(close.items(), key=lambda item: (-item[1], item[0]))
                    if catalogue_[j].edit is not None]
    promising = [m for m in by_closeness if close[position[id(m)]] > 0]
    firsts: list[Mistake] = []
    for m in partial[:PAIR_FIRSTS] + promising[:PAIR_FIRSTS]:
        if m not in firsts:
            firsts.append(m)
    if not firsts:
        return []
    # the second: one that reproduces some failing cases, or changes the first failing case without raising
    # where the learner's function does not, the closest to the learner's numbers first
    seconds = partial + [m for m in by_closeness if m not in partial]
    start = time.monotonic()
    found: list[_Found] = []
    tried: set[tuple[int, int]] = set()
    for a in firsts:
        for b in seconds:
            if time.monotonic() - start > budget:
                return found
            key = tuple(sorted((id(a), id(b))))
            if a is b or key in tried or a.category == b.category and a.function == b.function and (
                    a.before == b.before):
                continue
            tried.add(key)
            fn = together(search.name, a, b)
            if fn is None:
                continue
            how, _ = search.match(fn, probe)
            if how in ("exact", "loose"):
                chosen = (a, b) if position[id(a)] <= position[id(b)] else (b, a)
                found.append(search.score(chosen, fn, probe, how))
                if found[-1].hits == set(search.usable) and found[-1].consistent:
                    return found
    return found


def _helper_rank(mistake: Mistake, name: str, source: Source | None, helpers: dict[str, bool] | None) -> int:
    """0 for a mistake in a helper that the learner's function calls and that fails its own check,
    2 for one in a helper that passes it, 1 otherwise."""
    if mistake.function == name or not helpers or mistake.function not in helpers:
        return 1
    calls = source.calls_helper(name, mistake.function) if source is not None else None
    if calls is False:
        return 1
    return 0 if not helpers[mistake.function] else 2


def _describe(mistake: Mistake, name: str, source: Source | None = None,
              helpers: dict[str, bool] | None = None) -> str:
    text = f"{mistake.describe(name)}. Fix: {mistake.fix()}"
    if mistake.trap is None and mistake.function != name:
        if source is not None and source.calls_helper(name, mistake.function) is False:
            text += f" (your {name} does {mistake.function}'s work itself: the mistake is in that part of it)"
        elif helpers and helpers.get(mistake.function) is False:
            text += f" (your own {mistake.function} fails its own check: fix it first)"
    return text


def _named(name: str, cases: list[Case], found: list[_Found], usable: list[int], complete: bool,
           source: Source | None = None, helpers: dict[str, bool] | None = None) -> Diagnosis:
    """The cause text for the explanations that reproduce the most failing cases (one per category)."""
    def order(f: _Found) -> tuple:
        m = f.mistakes[0]
        # the learner's code first, then a helper that fails its own check, known traps, the checked function itself
        return (-round(f.support, 3), min(_helper_rank(x, name, source, helpers) for x in f.mistakes),
                m.trap is None, m.function != name, m.after.count("\n"))

    for f in found:
        f.support = sum(support(source, m.before, m.after) for m in f.mistakes) / len(f.mistakes)
    by_category: dict[tuple[str, ...], _Found] = {}
    for entry in sorted(found, key=order):
        by_category.setdefault(tuple(m.category for m in entry.mistakes), entry)
    chosen = list(by_category.values())[:2]
    best = chosen[0]
    if len(best.mistakes) == 2:
        return _named_pair(name, cases, best, usable, source, helpers)
    hits, consistent = best.hits, best.consistent
    names = [cases[k].name for k in usable if k in hits]
    loose = " up to axes of length 1 (the same numbers, in an array of another shape)" if best.loose else ""
    if complete:
        evidence = (f"the course's {name} with this mistake reproduces your results on all {len(cases)} cases{loose}"
                    if len(chosen) == 1 else
                    f"the course's {name} with either mistake reproduces your results on all {len(cases)} cases"
                    f"{loose}; the battery cannot tell them apart")
        if len(chosen) > 1 and chosen[0].support > max(0.0, chosen[1].support):
            evidence += ", your code reads like the first"
    else:
        missed = [cases[k].name for k in usable if k not in hits]
        evidence = (f"the course's {name} with this mistake reproduces your results on the failing case"
                    f"{'s' if len(names) > 1 else ''} {', '.join(names)}"
                    + (f", not on {', '.join(missed)}" if missed else "")
                    + ("" if consistent else ", and fails a case you pass")
                    + ": something else may differ too")
    text = _describe(best.mistakes[0], name, source, helpers)
    second = [f for f in chosen[1:] if len(f.mistakes) == 1]
    if second:
        text = f"{text}; or {_describe(second[0].mistakes[0], name, source, helpers)}"
    text = f"{text}. (Evidence: {evidence}.)"
    named = [f.mistakes[0] for f in [best, *second]]
    return Diagnosis(text if complete else "probably " + text, named, names, complete)


def _named_weak(name: str, cases: list[Case], found: list[_Found], usable: list[int], source: Source | None,
                helpers: dict[str, bool] | None) -> Diagnosis:
    """The cause for variants that raise the learner's type of error on every failing case, and pass the others."""
    for f in found:
        f.support = support(source, f.mistakes[0].before, f.mistakes[0].after)
    ranked = sorted(found, key=lambda f: (-round(f.support, 3), _helper_rank(f.mistakes[0], name, source, helpers),
                                          f.mistakes[0].trap is None, f.mistakes[0].function != name))
    chosen = [ranked[0]] + [f for f in ranked[1:2] if f.mistakes[0].category != ranked[0].mistakes[0].category]
    names = [cases[k].name for k in usable]
    text = _describe(chosen[0].mistakes[0], name, source, helpers)
    if len(chosen) > 1:
        text += f"; or {_describe(chosen[1].mistakes[0], name, source, helpers)}"
    return Diagnosis(
        f"probably {text}. (Evidence: the course's {name} with {'this mistake' if len(chosen) == 1 else 'either'} "
        f"raises the same type of error as yours on the failing cases {', '.join(names)}, with another message, "
        "and passes the cases you pass.)", [f.mistakes[0] for f in chosen], names, False)


def _named_pair(name: str, cases: list[Case], found: _Found, usable: list[int], source: Source | None,
                helpers: dict[str, bool] | None) -> Diagnosis:
    a, b = found.mistakes
    names = [cases[k].name for k in usable if k in found.hits]
    loose = " up to axes of length 1" if found.loose else ""
    text = (f"two mistakes together: {_describe(a, name, source, helpers)}; and {_describe(b, name, source, helpers)}."
            f" (Evidence: the course's {name} with both mistakes reproduces your results on all {len(cases)} "
            f"cases{loose}, and neither alone does.)")
    return Diagnosis(text, [a, b], names, True, together=True)
