"""The catalogue of mistakes: every one-change variant of the course's loops, generated from their syntax.

:mod:`tracer.checker.solutions` holds the course functions as the course asks
learners to write them. :func:`mistakes` parses that source and, for a course
function and every helper it calls, applies each *operator*
(:mod:`tracer.checker.operators`, :mod:`tracer.checker.statements`) at each
place it fits, one change at a time (and at all the parallel places at once,
where a learner repeats a mistake: ``vert_start`` and ``horiz_start``, ``n_H``
and ``n_W``): a bound one off, the stride left out of a window's start, two
indices swapped, a shape unpacked in the wrong order, the unpadded input for
the padded one, ``=`` for ``+=``, an operation over the wrong axis, a fixed
index for a loop's variable, a statement moved in or out of a loop, the wrong
cache entry, ``//`` for ``/``, a precedence slip, a factor, a term or a sign
dropped, the wrong activation or numpy function, a missing transpose, a
similar variable for another, ``<`` for ``<=``, a statement missing; and the
mistakes of any numpy code where they fit (the wrong operator, swapped
operands, a size read on the wrong axis, a transpose on the wrong operand or
written as a reshape, ``keepdims``, a cast left out, a loop bound from part of
the output-size formula, two statements swapped...). The course's known traps
(:mod:`tracer.checker.traps`) are in the catalogue too.

Each :class:`Mistake` runs as a variant of the course function, and
:func:`together` runs two of them at once: the diagnosis
(:mod:`tracer.checker.diagnose`) names the ones that reproduce a learner's
results. Nothing here is tuned to particular learners' files: the operators
read the structure of the course's code only.
"""

from __future__ import annotations

import ast
import functools
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import solutions
from .operators import edits
from .tree import Applied, Edit, compatible, parents
from .traps import TRAPS, Trap

__all__ = ["CATEGORIES", "Mistake", "mistakes", "helpers", "solution", "together"]

#: What each kind of mistake is, as the first words of a cause.
CATEGORIES: dict[str, str] = {
    "off by one": "a bound, size or index is one off",
    "stride left out": "the stride is left out of the window's start",
    "swapped indices": "two indices are swapped",
    "shape order": "a shape is unpacked or built in the wrong order",
    "unpadded input": "the unpadded array is used where the padded one belongs",
    "padded output": "the padded array is used where the unpadded one belongs",
    "assignment for accumulation": "= is used where += adds up",
    "wrong axis": "an operation runs over the wrong axis",
    "fixed index": "a fixed index is used where the loop's variable belongs",
    "indentation": "a statement sits at the wrong indentation",
    "wrong cache entry": "the wrong entry of a cache is used",
    "floor division": "// (floor division) is used where / belongs",
    "precedence": "operator precedence: parentheses are missing",
    "bias inside the sum": "the bias is added inside the sum",
    "max for the mask": "the window's maximum is used where the mask belongs",
    "average not spread": "the gradient is not spread over the window",
    "missing factor": "a factor is missing",
    "missing term": "a term is missing",
    "sign": "a sign is flipped",
    "wrong order": "values are put in the wrong order",
    "wrong activation": "the other activation is used",
    "wrong function": "another numpy function is called",
    "missing transpose": "a transpose (.T) is missing",
    "wrong variable": "a similar variable is used where another belongs",
    "comparison": "a comparison is off at its boundary",
    "missing statement": "a statement is missing",
    "in place": "an input is changed in place",
    "wrong slice": "a whole axis is used where the window belongs",
    "bias as an array": "the bias is added as an array",
    "float of an array": "float() of an array raises on numpy 2.4 and later (1.25 to 2.3 only warn)",
    "padding cut": "the padding is cut away wrongly",
    "window start as index": "the window's start is used as an index into dA",
    "ties": "tied maxima are handled unlike the course",
    "mode string": "the mode string is spelled differently",
    "flipped filter": "the filter is turned round",
    "dilation ignored": "the dilation key is not read",
    "wrong operator": "an arithmetic operator is the wrong one",
    "swapped operands": "the operands of a subtraction or a division are swapped",
    "true division": "/ (true division) is used where // belongs",
    "wrong transpose": "a transpose (.T) is on the wrong operand",
    "reshape for transpose": "a reshape is used where a transpose belongs (a reshape keeps the values in order)",
    "keepdims": "keepdims is left out or added, so an axis of length 1 is dropped or kept",
    "cast": "a conversion (int() or float()) is left out",
    "wrong divisor": "a sum is divided by the wrong count",
    "loop bound": "a loop runs over the wrong range: its bound is not the size of the output",
    "statement order": "two statements are in the wrong order",
    "wrong shape": "an array is made with the wrong shape",
    "extra factor": "a factor is applied where it does not belong",
    "wrong index": "a loop's index is used where the whole axis (:) belongs",
}

_TRAP_CATEGORIES = {
    "pad_all_axes": "wrong axis", "bias_inside": "bias inside the sum", "float_b": "float of an array",
    "bias_array": "bias as an array", "no_stride": "stride left out", "swap_hw": "shape order",
    "pad_slice": "padding cut", "window_start": "window start as index", "argmax_ties": "ties",
    "unknown_mode": "mode string", "precedence": "precedence", "flip": "flipped filter",
}


@dataclass(frozen=True)
class Mistake:
    """One mistake in one course function, runnable as a variant of a course function.

    Attributes
    ----------
    function : str
        The course function the change is in (a helper of the checked one, or itself).
    category : str
        One of :data:`CATEGORIES`.
    before, after : str
        The course's line(s), and the same line(s) with the mistake.
    trap : Trap or None
        The known trap, for mistakes from :mod:`tracer.checker.traps`.
    edit : Edit or None
        The change to the course function's tree, for generated mistakes.
    """

    function: str
    category: str
    before: str
    after: str
    trap: Trap | None = field(default=None, compare=False)
    edit: Edit | None = field(default=None, repr=False, compare=False)

    @functools.cached_property
    def _code(self) -> types.CodeType | None:
        return _code(self.function, [self.edit]) if self.edit is not None else None

    def variant(self, target: str) -> Callable | None:
        """The course function ``target`` with this mistake (in itself or in a helper it calls);
        ``None`` when the change does not make valid code."""
        if self.trap is not None:
            return self.trap.variant
        if self._code is None:
            return None
        namespace = _namespace()
        exec(self._code, namespace)  # noqa: S102 - the catalogue's own variants of the course's code
        return namespace[target]

    def describe(self, target: str) -> str:
        """The mistake in words: the category, where, and the change."""
        if self.trap is not None:
            return self.trap.cause
        where = self.function if self.function == target else f"{self.function} (which {target} calls)"
        return f"{CATEGORIES[self.category]}: in {where}, {_quote(self.before)} written as {_quote(self.after)}"

    def fix(self) -> str:
        """What to write instead."""
        if self.trap is not None:
            return self.trap.fix
        return self.before.replace("\n", "; ")

    def __repr__(self) -> str:
        return f"Mistake({self.function}: {self.category}: {self.after!r})"


def _quote(text: str) -> str:
    lines = text.split("\n")
    return "; ".join(f"`{line}`" for line in lines)


# ----------------------------------------------------------------------------------------------
# The course's source


_PATH = Path(solutions.__file__)
_TREE = ast.parse(_PATH.read_text())
_FUNCTIONS = {node.name: node for node in _TREE.body if isinstance(node, ast.FunctionDef)}


def solution(name: str) -> Callable:
    """The course-style function ``name`` of :mod:`tracer.checker.solutions`."""
    return getattr(solutions, name)


def _namespace() -> dict:
    """A fresh namespace holding the course's functions, each bound to it (so a changed helper is called)."""
    namespace = {k: v for k, v in vars(solutions).items() if not isinstance(v, types.FunctionType)}
    for name in _FUNCTIONS:
        f = getattr(solutions, name)
        namespace[name] = types.FunctionType(f.__code__, namespace, name, f.__defaults__)
    return namespace


@functools.lru_cache(maxsize=None)
def helpers(name: str) -> tuple[str, ...]:
    """The course functions that ``name`` calls, directly or not, in the order they are first called."""
    seen: list[str] = []

    def visit(fn: str) -> None:
        for node in ast.walk(_FUNCTIONS[fn]):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS:
                callee = node.func.id
                if callee != name and callee not in seen:
                    seen.append(callee)
                    visit(callee)

    if name in _FUNCTIONS:
        visit(name)
    return tuple(seen)


# ----------------------------------------------------------------------------------------------
# Compiling the edits


def _code(function: str, changes: list[Edit]) -> types.CodeType | None:
    """The course function with the edits made, compiled; ``None`` when they do not make valid code."""
    fn = _FUNCTIONS[function]
    try:
        with Applied(fn, _walked(function), _parents_of(function), changes, text=False):
            return compile(ast.Module([fn], []), f"<{function}: {', '.join(e.category for e in changes)}>", "exec")
    except (SyntaxError, ValueError, TypeError, AttributeError, IndexError, KeyError):
        return None


@functools.lru_cache(maxsize=None)
def _walked(function: str) -> list[ast.AST]:
    return list(ast.walk(_FUNCTIONS[function]))


@functools.lru_cache(maxsize=None)
def _parents_of(function: str) -> dict:
    return parents(_FUNCTIONS[function])


@functools.lru_cache(maxsize=None)
def _generated(function: str) -> tuple[Mistake, ...]:
    fn = _FUNCTIONS[function]
    nodes, up = _walked(function), _parents_of(function)
    seen: set = set()
    out = []
    for edit in edits(fn):
        try:
            with Applied(fn, nodes, up, edit) as (before, after, key):
                pass
        except (AttributeError, IndexError, TypeError, ValueError, KeyError):
            continue
        if key in seen or before == after:
            continue
        seen.add(key)
        out.append(Mistake(function, edit.category, before, after, None, edit))
    return tuple(out)


@functools.lru_cache(maxsize=None)
def mistakes(name: str) -> tuple[Mistake, ...]:
    """Every mistake that can make the course function ``name`` wrong: the known traps first,
    then the generated ones in ``name`` itself, then those in the helpers it calls."""
    traps = [Mistake(t.function, _TRAP_CATEGORIES.get(t.key, "wrong variable"), "", "", t) for t in TRAPS.get(name, ())]
    own = (name,) if name in _FUNCTIONS else ()
    generated = [m for fn in (*own, *helpers(name)) for m in _generated(fn)]
    return tuple(traps + generated)


def together(target: str, first: Mistake, second: Mistake) -> Callable | None:
    """The course function ``target`` with two generated mistakes at once (in it or in its helpers);
    ``None`` when either is a known trap, they change the same place, or the result is not valid code."""
    if first.edit is None or second.edit is None:
        return None
    if first.function == second.function:
        if not compatible(first.edit, second.edit, _walked(first.function), _parents_of(first.function)):
            return None
        codes = [_code(first.function, [first.edit, second.edit])]
    else:
        codes = [first._code, second._code]
    if any(c is None for c in codes):
        return None
    namespace = _namespace()
    for code in codes:
        exec(code, namespace)  # noqa: S102 - the catalogue's own variants of the course's code
    return namespace[target]
