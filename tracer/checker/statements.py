"""Statement-level operators of the catalogue of mistakes: a statement at the wrong indentation, left out, or out of order.

Each is an :class:`~tracer.checker.tree.Edit` of the function's tree, like the
expression-level operators of :mod:`tracer.checker.operators`, so that any two
mistakes of one function can be made together. A statement moved out of a
loop becomes ``if True: <loop without it>; <it>``, one left out becomes
``pass``: the same program as the learner's, with its own before and after
text to show.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from .tree import Edit

if TYPE_CHECKING:  # pragma: no cover
    from .operators import Sites

__all__ = ["statement_edits"]

_SIMPLE = (ast.Assign, ast.AugAssign, ast.Expr)


def _first(node: ast.AST) -> str:
    return ast.unparse(node).split("\n")[0]


def _block(ctx: Sites, node: ast.stmt) -> tuple[list[ast.stmt], int]:
    parent, fname, j = ctx.up[id(node)]
    return getattr(parent, fname), j


def _wrapped(body: list[ast.stmt]) -> ast.If:
    return ast.If(ast.Constant(True), body, [])


class _Into:
    """Make the statement after a loop the last one of the loop's body (``depth`` loops down); leave ``pass`` where it was."""

    def __init__(self, block: list[ast.stmt], j: int, depth: int):
        self.block, self.j, self.depth = block, j, depth
        self.loop_line = block[j].lineno

    def __call__(self, node: ast.AST) -> ast.AST:
        if isinstance(node, ast.For) and node.lineno == self.loop_line:
            inner = node
            for _ in range(self.depth - 1):
                inner = inner.body[-1]
            inner.body.append(copy.deepcopy(self.block[self.j + 1]))
            return node
        return ast.Pass()


class _Swapped:
    """Put statement ``j + 1`` of a block before statement ``j``."""

    def __init__(self, block: list[ast.stmt], j: int):
        self.block, self.j = block, j
        self.first_line = block[j].lineno

    def __call__(self, node: ast.AST) -> ast.AST:
        if node.lineno == self.first_line and not isinstance(node, ast.Pass):
            return _wrapped([copy.deepcopy(self.block[self.j + 1]), node])
        return ast.Pass()


def _names(node: ast.AST, context: type) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, context)}


def _depend(a: ast.stmt, b: ast.stmt) -> bool:
    """Whether swapping two statements changes anything: one reads or writes what the other writes."""
    written_a, written_b = _names(a, ast.Store), _names(b, ast.Store)
    return bool(written_a & (_names(b, ast.Load) | written_b) or written_b & _names(a, ast.Load)
                or isinstance(a, (ast.AugAssign, ast.Expr)) and isinstance(b, (ast.AugAssign, ast.Expr)))


def _out(node: ast.For) -> ast.AST:
    moved = node.body.pop()
    return _wrapped([node, moved])


def _is_count(value: ast.AST | None) -> bool:
    """Whether a name's definition reads a size off an array (``m = Y.shape[1]``): a count to average over."""
    return (isinstance(value, ast.Subscript) and isinstance(value.value, ast.Attribute)
            and value.value.attr == "shape")


def _factors(ctx: Sites) -> list[tuple[str, ast.AST, bool]]:
    """The scaling factors of a function: ``1 / m`` multiplied in, or a division by a count (``x / m``).

    Each as ``(text, node, divides)``: ``divides`` for a division by the node.
    """
    out: dict[str, tuple[str, ast.AST, bool]] = {}
    for n in ctx.nodes:
        if not isinstance(n, ast.BinOp):
            continue
        if isinstance(n.op, ast.Mult):
            for side in (n.left, n.right):
                if isinstance(side, ast.BinOp) and isinstance(side.op, ast.Div) and isinstance(side.left, ast.Constant):
                    text = ast.unparse(side)
                    out.setdefault(text, (text, side, False))
        elif isinstance(n.op, ast.Div) and isinstance(n.right, ast.Name) and not isinstance(n.left, ast.Constant) and (
                _is_count(ctx.definitions.get(n.right.id))):
            text = "/ " + n.right.id
            out.setdefault(text, (text, n.right, True))
    return list(out.values())


def _scaled(factor: ast.AST, divides: bool) -> Callable[[ast.AST], ast.AST]:
    def make(node: ast.AST) -> ast.AST:
        if divides:
            return ast.BinOp(node, ast.Div(), copy.deepcopy(factor))
        return ast.BinOp(copy.deepcopy(factor), ast.Mult(), node)
    return make


def _examples(ctx: Sites) -> list[str]:
    """The name that counts the examples, ``m`` in the course's code, when the function reads it off a shape."""
    return ["m"] if "m" in ctx.bound and "m" not in ctx.loops else []


def _averaged(ctx: Sites) -> Iterator[Edit]:
    """A returned array divided by the number of examples, as the network's gradients are: ``return dA_prev, dW / m, db``."""
    counts = _examples(ctx)
    for node in ctx.nodes:
        if not isinstance(node, ast.Return) or node.value is None:
            continue
        parts = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
        for part in parts:
            if isinstance(part, ast.Name) and not part.id.endswith(("cache", "caches")):
                for count in counts:
                    yield Edit("extra factor", (ctx.index[id(part)],),
                               lambda n, c=count: ast.BinOp(n, ast.Div(), ast.Name(c, ast.Load())))


def _extra_factors(ctx: Sites) -> Iterator[Edit]:
    """A factor of the function (``1 / m``, ``/ m``) also applied to an assignment that has none:
    ``dA_prev = 1 / m * np.dot(W.T, dZ)``, a mean divided once more; a result averaged over the examples."""
    yield from _averaged(ctx)
    factors = _factors(ctx)
    if not factors:
        return
    for node in ctx.nodes:
        if not (isinstance(node, ast.Assign) and isinstance(node.value, (ast.Call, ast.BinOp))):
            continue
        if isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name) and node.value.func.id in (
                "int", "range", "len"):
            continue  # a size, not a value
        text = ast.unparse(node.value)
        for label, factor, divides in factors:
            if label.lstrip("/ ") in text:
                continue
            yield Edit("extra factor", (ctx.index[id(node.value)],), _scaled(factor, divides))


def statement_edits(ctx: Sites) -> Iterator[Edit]:
    """Statements moved out of their loop or into the loop before them, left out, or swapped with the next one;
    a factor of the function applied once too often."""
    yield from _extra_factors(ctx)
    loops = [n for n in ctx.nodes if isinstance(n, ast.For)]
    for loop in loops:
        block, j = _block(ctx, loop)
        header = _first(loop)
        if len(loop.body) > 1:
            text = _first(loop.body[-1])
            yield Edit("indentation", (ctx.index[id(loop)],), _out,
                       (f"{text}  (inside the loop {header})", f"{text}  (after the loop)"))
        if j + 1 < len(block) and not isinstance(block[j + 1], ast.Return):
            text = _first(block[j + 1])
            yield Edit("indentation", (ctx.index[id(loop)], ctx.index[id(block[j + 1])]), _Into(block, j, 1),
                       (f"{text}  (after the loop {header})", f"{text}  (inside the loop)"))
    for node in ctx.nodes:
        if isinstance(node, _SIMPLE):
            block, j = _block(ctx, node)
            if len(block) >= 2:
                yield Edit("missing statement", (ctx.index[id(node)],), lambda n: ast.Pass(),
                           (_first(node), "(left out)"))
    for loop in loops:  # into the innermost loop of a nest, a level the learner did not mean
        block, j = _block(ctx, loop)
        depth, inner = 1, loop
        while isinstance(inner.body[-1], ast.For):
            depth, inner = depth + 1, inner.body[-1]
        if depth > 1 and j + 1 < len(block) and not isinstance(block[j + 1], ast.Return):
            text = _first(block[j + 1])
            yield Edit("indentation", (ctx.index[id(loop)], ctx.index[id(block[j + 1])]), _Into(block, j, depth),
                       (f"{text}  (after the loop {_first(loop)})", f"{text}  (inside the loop {_first(inner)})"))
    for node in ctx.nodes:
        if not isinstance(node, _SIMPLE):
            continue
        block, j = _block(ctx, node)
        if j + 1 < len(block) and isinstance(block[j + 1], _SIMPLE) and _depend(node, block[j + 1]):
            a, b = _first(node), _first(block[j + 1])
            yield Edit("statement order", (ctx.index[id(node)], ctx.index[id(block[j + 1])]), _Swapped(block, j),
                       (f"{a}\n{b}", f"{b}\n{a}"))
