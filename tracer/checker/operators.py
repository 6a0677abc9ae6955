"""The operators of the catalogue of mistakes: each finds the places in a function's tree where it fits.

:func:`edits` walks a course function's syntax tree (from
:mod:`tracer.checker.solutions`) and yields one :class:`~tracer.checker.tree.Edit`
per place an operator fits, and one more for all the parallel places together
(``vert_*`` and ``horiz_*``, ``n_H`` and ``n_W``, the same name everywhere).
The operators come in two rounds: the first is the one-change mistakes of the
course's loops (a bound one off, the stride left out, two indices swapped,
``=`` for ``+=``...); the second adds the mistakes learners make in any numpy
code (the wrong operator or operand order, a shape read on the wrong axis, a
transpose on the wrong operand or written as a reshape, ``keepdims`` added, a
cast left out, ``//`` kept where ``/`` belongs, a comparison reversed, the
other of two parallel names, a sibling hyperparameter, a loop variable
replaced by the window start derived from it, a loop bound written from part
of the output-size formula, a mean as a sum over one axis's length, a result
written into its input). Statement-level mistakes are in
:mod:`tracer.checker.statements`.
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Callable, Iterator

from .tree import Edit, parents

__all__ = ["edits", "Sites"]


def _num(n: int) -> ast.Constant:
    return ast.Constant(n)


def _plus(node: ast.AST, delta: int) -> ast.AST:
    return ast.BinOp(node, ast.Add() if delta > 0 else ast.Sub(), _num(abs(delta)))


def _key(node: ast.AST | str) -> str:
    """A node's text with height and width made alike: parallel places share a key."""
    text = node if isinstance(node, str) else ast.unparse(node)
    for a, b in (("horiz", "vert"), ("n_W", "n_H"), ("W_prev", "H_prev")):
        text = text.replace(a, b)
    return re.sub(r"\bw\b", "h", text)


def _loop_variables(fn: ast.FunctionDef) -> set[str]:
    return {n.target.id for n in ast.walk(fn) if isinstance(n, ast.For) and isinstance(n.target, ast.Name)}


def _bound(fn: ast.FunctionDef) -> set[str]:
    names = {a.arg for a in fn.args.args}
    for n in ast.walk(fn):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            names.add(n.id)
    return names


def _stem(name: str) -> str:
    if name.endswith(("cache", "caches")):
        return "<cache>"
    stem = re.sub(r"^d(?=[A-Za-z])", "", name)
    stem = re.sub(r"(_pad|_prev|_temp|_slice)+$", "", stem)
    stem = re.sub(r"(_prev|_slice)", "", stem)
    return re.sub(r"\d+$", "", stem).lower()


_CALL_SWAPS = {
    "create_mask_from_window": (("max for the mask", lambda c: _np_call("max", c.args[:1])),),
    "distribute_value": (("average not spread", lambda c: c.args[0]),),
    "sigmoid": (("wrong activation", lambda c: _renamed(c, "relu")),),
    "relu": (("wrong activation", lambda c: _renamed(c, "sigmoid")),),
    "sigmoid_backward": (("wrong activation", lambda c: _renamed(c, "relu_backward")),),
    "relu_backward": (("wrong activation", lambda c: _renamed(c, "sigmoid_backward")),),
}
_NP_SWAPS = {
    "maximum": ("max",), "max": ("mean",), "mean": ("sum", "max"), "sum": ("mean",),
    "dot": ("multiply",), "multiply": ("dot",),
}


def _np_call(attr: str, args: list, keywords: list | None = None) -> ast.Call:
    return ast.Call(ast.Attribute(ast.Name("np", ast.Load()), attr, ast.Load()), list(args), keywords or [])


def _renamed(call: ast.Call, name: str) -> ast.Call:
    return ast.Call(ast.Name(name, ast.Load()), call.args, call.keywords)


def _is_np(node: ast.AST, *attrs: str) -> bool:
    return (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "np"
            and (not attrs or node.attr in attrs))


class Sites:
    """A function's tree read once for the operators: its nodes, their parents, its names and definitions.

    :meth:`single` yields the edit of one place and, given a key, files the
    place with the parallel ones of that key; :meth:`grouped` then yields one
    edit per key that has several places.
    """

    def __init__(self, fn: ast.FunctionDef):
        self.fn = fn
        self.nodes = list(ast.walk(fn))
        self.index = {id(n): k for k, n in enumerate(self.nodes)}
        self.up = parents(fn)
        self.loops = _loop_variables(fn)
        self.bound = _bound(fn)
        #: name -> the expression of its one plain assignment ``name = expression``
        assigned: dict[str, list[ast.AST]] = {}
        for n in self.nodes:
            if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
                assigned.setdefault(n.targets[0].id, []).append(n.value)
        self.definitions = {k: v[0] for k, v in assigned.items() if len(v) == 1}
        self.groups: dict[tuple, list[int]] = {}
        self.makers: dict[tuple, Callable] = {}

    def parent(self, node: ast.AST) -> ast.AST | None:
        return self.up.get(id(node), (None, "", None))[0]

    def single(self, category: str, node: ast.AST, make: Callable, key: str | None = None) -> Iterator[Edit]:
        """The edit of ``node``; filed under ``key`` with its parallel places (by default, the places
        whose text reads the same once height and width are made alike, changed by the same operator)."""
        yield Edit(category, (self.index[id(node)],), make)
        if key is None and all(isinstance(d, (int, bool)) for d in make.__defaults__ or ()):
            # the same change where the same text recurs: `2 * pad` in both n_H and n_W, a name everywhere
            key = f"auto:{make.__code__.co_filename}:{make.__code__.co_firstlineno}:{make.__defaults__}:{_key(node)}"
        if key is not None:
            self.groups.setdefault((category, key), []).append(self.index[id(node)])
            self.makers[(category, key)] = make

    def grouped(self) -> Iterator[Edit]:
        for (category, key), sites in self.groups.items():
            if len(sites) > 1 and not any(self._inside(a, b) for a in sites for b in sites if a != b):
                yield Edit(category, tuple(sites), self.makers[(category, key)])

    def _inside(self, inner: int, outer: int) -> bool:
        node, target = self.nodes[inner], self.nodes[outer]
        while id(node) in self.up:
            node = self.up[id(node)][0]
            if node is target:
                return True
        return False


def edits(fn: ast.FunctionDef) -> Iterator[Edit]:
    """Every edit of the operators: single places first (the course's loops, then numpy code), then parallel places."""
    from .statements import statement_edits

    ctx = Sites(fn)
    yield from _loop_edits(ctx)
    yield from _numpy_edits(ctx)
    yield from statement_edits(ctx)
    yield from ctx.grouped()


def _tuple_swaps(tup: ast.Tuple, category: str, single: Callable, key: str | None = None) -> Iterator[Edit]:
    elts = tup.elts
    for a in range(len(elts)):
        for b in range(a + 1, len(elts)):
            if ast.unparse(elts[a]) == ast.unparse(elts[b]):
                continue

            def make(n, a=a, b=b):
                n.elts[a], n.elts[b] = n.elts[b], n.elts[a]
                return n
            yield from single(category, tup, make, None if key is None else f"swap{a}{b}:{key}")


def _loop_edits(ctx: Sites) -> Iterator[Edit]:
    """The first round: one-change mistakes of the course's loops."""
    for node in ctx.nodes:
        parent = ctx.parent(node)
        if isinstance(node, ast.BinOp):
            left, right, op = node.left, node.right, node.op
            one_right = isinstance(right, ast.Constant) and right.value == 1
            one_left = isinstance(left, ast.Constant) and left.value == 1
            if isinstance(op, (ast.Add, ast.Sub)) and one_right:
                yield from ctx.single("off by one", node, lambda n: n.left, "drop1:" + _key(node))
            if isinstance(op, ast.Add) and one_left:
                yield from ctx.single("off by one", node, lambda n: n.right, "drop1:" + _key(node))
            if isinstance(op, ast.Mult) and (
                    (isinstance(right, ast.Name) and right.id == "stride") or (
                    isinstance(left, ast.Name) and left.id == "stride")):
                keep = "left" if isinstance(right, ast.Name) and right.id == "stride" else "right"
                yield from ctx.single("stride left out", node, lambda n, k=keep: getattr(n, k), "stride")
            if isinstance(op, ast.Div):
                yield from ctx.single("floor division", node, lambda n: ast.BinOp(n.left, ast.FloorDiv(), n.right),
                                      "div:" + _key(node))
                yield from ctx.single("missing factor", node, lambda n: n.left, "divisor:" + _key(node))
            if isinstance(op, ast.Mult):
                yield from ctx.single("missing factor", node, lambda n: n.left)
                yield from ctx.single("missing factor", node, lambda n: n.right)
            if isinstance(op, (ast.Add, ast.Sub)) and not (one_left or one_right):
                yield from ctx.single("missing term", node, lambda n: n.left)
            if isinstance(op, (ast.Add, ast.Sub)) and not one_right:
                yield from ctx.single("missing term", node, lambda n: n.right)
            if isinstance(op, ast.Sub):
                yield from ctx.single("sign", node, lambda n: ast.BinOp(n.left, ast.Add(), n.right))
            if isinstance(op, ast.Add) and not (one_left or one_right):
                yield from ctx.single("sign", node, lambda n: ast.BinOp(n.left, ast.Sub(), n.right))
            if isinstance(op, (ast.Div, ast.Sub)) and isinstance(right, ast.BinOp):
                yield from ctx.single("precedence", node,
                                      lambda n: ast.BinOp(ast.BinOp(n.left, n.op, n.right.left), n.right.op, n.right.right))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            yield from ctx.single("sign", node, lambda n: n.operand)
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "range":
                for j in range(len(node.args)):
                    for delta in (1, -1):
                        def make(n, j=j, d=delta):
                            n.args[j] = _plus(n.args[j], d)
                            return n
                        yield from ctx.single("off by one", node, make, f"range{j}{delta}:" + _key(node))
            if isinstance(func, ast.Name) and func.id == "str" and len(node.args) == 1 and isinstance(
                    node.args[0], ast.Name) and node.args[0].id in ctx.loops:
                for delta in (1, -1):  # a key "dA" + str(l) one layer off
                    def make(n, d=delta):
                        n.args[0] = _plus(n.args[0], d)
                        return n
                    yield from ctx.single("off by one", node, make)
            if isinstance(func, ast.Name) and func.id in _CALL_SWAPS:
                for category, make in _CALL_SWAPS[func.id]:
                    yield from ctx.single(category, node, make, f"call:{func.id}")
            if _is_np(func) and func.attr in _NP_SWAPS:
                for other in _NP_SWAPS[func.attr]:
                    yield from ctx.single("wrong function", node,
                                          lambda n, o=other: ast.Call(ast.Attribute(n.func.value, o, ast.Load()),
                                                                      n.args, n.keywords))
            if _is_np(func, "dot") and len(node.args) == 2:
                yield from ctx.single("wrong order", node, lambda n: ast.Call(n.func, n.args[::-1], n.keywords))
            if isinstance(func, ast.Attribute) and func.attr == "randn":
                yield from ctx.single("wrong function", node,
                                      lambda n: ast.Call(ast.Attribute(n.func.value, "rand", ast.Load()), n.args, []))
                if len(node.args) == 2:
                    yield from ctx.single("shape order", node, lambda n: ast.Call(n.func, n.args[::-1], n.keywords))
            if (_is_np(func, "array") and any(k.arg == "copy" for k in node.keywords)) or (
                    isinstance(func, ast.Attribute) and func.attr == "deepcopy"):
                yield from ctx.single("in place", node, lambda n: n.args[0])
            if _is_np(func, "sum", "mean", "max"):
                kws = {k.arg: j for j, k in enumerate(node.keywords)}
                if "axis" in kws:
                    current = node.keywords[kws["axis"]].value
                    for axis in (0, 1):
                        if not (isinstance(current, ast.Constant) and current.value == axis):
                            def make(n, a=axis):
                                n.keywords = [ast.keyword(k.arg, _num(a)) if k.arg == "axis" else k
                                              for k in n.keywords]
                                return n
                            yield from ctx.single("wrong axis", node, make)
                    yield from ctx.single("wrong axis", node,
                                          lambda n: ast.Call(n.func, n.args, [k for k in n.keywords if k.arg != "axis"]))
                else:
                    for axis in (0, 1):
                        yield from ctx.single("wrong axis", node,
                                              lambda n, a=axis: ast.Call(n.func, n.args, n.keywords +
                                                                         [ast.keyword("axis", _num(a))]))
                if "keepdims" in kws:
                    yield from ctx.single("keepdims", node,
                                          lambda n: ast.Call(n.func, n.args, [k for k in n.keywords if k.arg != "keepdims"]))
            if _is_np(func, "pad") and len(node.args) >= 2 and isinstance(node.args[1], ast.Tuple):
                width = node.args[1]
                for a in range(len(width.elts)):
                    for b in range(a + 1, len(width.elts)):
                        if ast.unparse(width.elts[a]) != ast.unparse(width.elts[b]):
                            def make(n, a=a, b=b):
                                e = n.args[1].elts
                                e[a], e[b] = e[b], e[a]
                                return n
                            yield from ctx.single("wrong axis", node, make)
                for j, e in enumerate(width.elts):
                    if isinstance(e, ast.Tuple) and isinstance(e.elts[0], ast.Name):
                        pad_name = e.elts[0].id
                        yield from ctx.single("wrong axis", node,
                                              lambda n, p=pad_name: ast.Call(n.func, [n.args[0], ast.Name(p, ast.Load())]
                                                                             + n.args[2:], n.keywords))
                        break
            if _is_np(func, "zeros", "ones") and node.args and isinstance(node.args[0], ast.Tuple):
                yield from _tuple_swaps(node.args[0], "shape order", ctx.single)
        elif isinstance(node, ast.Attribute) and node.attr == "T":
            yield from ctx.single("missing transpose", node, lambda n: n.value)
        elif isinstance(node, ast.Attribute) and node.attr == "item" and isinstance(parent, ast.Call):
            call = parent
            yield from ctx.single("bias as an array", call, lambda n: n.func.value)
        elif isinstance(node, ast.Subscript):
            base = ast.unparse(node.value)
            sl = node.slice
            if isinstance(sl, ast.Tuple):
                yield from _tuple_swaps(sl, "swapped indices", ctx.single, key=f"{base}")
                for e in sl.elts:
                    if isinstance(e, ast.Name) and e.id in ctx.loops:
                        yield from ctx.single("fixed index", e, lambda n: _num(0), f"fix:{e.id}:{_key(node.value)}")
                windows = [e for e in sl.elts if isinstance(e, ast.Slice) and e.lower is not None]
                if windows:
                    def make(n):
                        n.slice.elts = [ast.Slice() if isinstance(e, ast.Slice) and e.lower is not None else e
                                        for e in n.slice.elts]
                        return n
                    yield from ctx.single("wrong slice", node, make, "whole:" + str(len(windows)))
            elif isinstance(sl, ast.Name) and sl.id in ctx.loops | {"l", "L"} and isinstance(node.ctx, ast.Load):
                category = "wrong cache entry" if "cache" in base else "off by one"
                if sl.id in ctx.loops:
                    yield from ctx.single("fixed index", sl, lambda n: _num(0))
                for delta in (1, -1):
                    yield from ctx.single(category, sl, lambda n, d=delta: _plus(n, d))
            elif isinstance(sl, ast.Constant) and isinstance(sl.value, int) and "cache" in base:
                for delta in (1, -1):
                    if sl.value + delta >= 0:
                        yield from ctx.single("wrong cache entry", sl, lambda n, d=delta: _num(n.value + d))
        elif isinstance(node, ast.Slice) and node.upper is not None and not isinstance(node.upper, ast.Name):
            for delta in (1, -1):
                def make(n, d=delta):
                    n.upper = _plus(n.upper, d)
                    return n
                yield from ctx.single("off by one", node, make, f"upper{delta}:" + _key(node))
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            if isinstance(target, ast.Name) and target.id.endswith("_end"):
                for delta in (1, -1):
                    def make(n, d=delta):
                        n.value = _plus(n.value, d)
                        return n
                    yield from ctx.single("off by one", node, make, f"end{delta}")
            if isinstance(target, ast.Tuple) and all(isinstance(e, ast.Name) for e in target.elts):
                is_shape = isinstance(value, ast.Attribute) and value.attr == "shape"
                yield from _tuple_swaps(target, "shape order" if is_shape else "wrong cache entry", ctx.single,
                                        key="unpack" if is_shape else None)
            if isinstance(value, ast.Tuple) and len(value.elts) >= 2:
                yield from _tuple_swaps(value, "wrong order", ctx.single)
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
            yield from _tuple_swaps(node.value, "wrong order", ctx.single)
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add):
            yield from ctx.single("assignment for accumulation", node,
                                  lambda n: ast.Assign([n.target], n.value, lineno=n.lineno), "augassign")
        elif isinstance(node, ast.Compare) and len(node.ops) == 1:
            swap = {ast.LtE: ast.Lt, ast.Lt: ast.LtE, ast.GtE: ast.Gt, ast.Gt: ast.GtE}.get(type(node.ops[0]))
            if swap is not None:
                yield from ctx.single("comparison", node, lambda n, s=swap: ast.Compare(n.left, [s()], n.comparators))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            others = {"relu": "sigmoid", "sigmoid": "relu"}
            if node.value in others and not isinstance(parent, ast.Compare):
                yield from ctx.single("wrong activation", node, lambda n: ast.Constant(others[n.value]))
            keys = ("W", "b", "dW", "db", "dA")
            if node.value in keys:
                used = {n.value for n in ctx.nodes if isinstance(n, ast.Constant) and n.value in keys}
                for other in sorted(used - {node.value}):
                    yield from ctx.single("wrong variable", node, lambda n, o=other: ast.Constant(o))
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            if node.id.endswith("_pad") and node.id[:-4] in ctx.bound:
                yield from ctx.single("unpadded input", node, lambda n: ast.Name(n.id[:-4], ast.Load()), "pad:" + node.id)
            if node.id + "_pad" in ctx.bound:
                yield from ctx.single("padded output", node, lambda n: ast.Name(n.id + "_pad", ast.Load()),
                                      "unpad:" + node.id)
            if node.id not in ctx.loops and node.id != "np":
                for other in sorted(ctx.bound - {node.id} - ctx.loops):
                    if _stem(other) == _stem(node.id) and other + "_pad" != node.id and node.id + "_pad" != other:
                        yield from ctx.single("wrong variable", node, lambda n, o=other: ast.Name(o, ast.Load()))


def _is_number(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)


def _transposed(node: ast.AST) -> ast.AST:
    return ast.Attribute(node, "T", ast.Load())


def _formula_parts(ctx: Sites, name: str) -> list[ast.AST]:
    """The parts of ``name``'s defining formula that hold a size like it (``n_H_prev`` for ``n_H``)."""
    formula = ctx.definitions.get(name)
    if formula is None:
        return []
    stem = _stem(name)
    parts = []
    for part in ast.walk(formula):
        if part is formula or _is_number(part) or not isinstance(part, (ast.BinOp, ast.Name, ast.Call)):
            continue
        if any(isinstance(n, ast.Name) and n.id != name and _stem(n.id) == stem for n in ast.walk(part)):
            parts.append(part)
    return parts


def _derived(ctx: Sites) -> dict[str, list[str]]:
    """Loop variable -> the names assigned from it (``h`` -> ``vert_start``), in parallel order."""
    out: dict[str, list[str]] = {}
    for name, value in ctx.definitions.items():
        used = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
        for var in used & ctx.loops:
            if name not in ctx.loops:
                out.setdefault(var, []).append(name)
    return {k: sorted(v, key=lambda n: (_key(n), n)) for k, v in out.items()}


def _siblings(ctx: Sites) -> dict[str, list[str]]:
    """Names read from one dict with constant keys (``stride`` and ``pad`` from ``hparameters``): easy to confuse."""
    sources: dict[str, list[str]] = {}
    for name, value in ctx.definitions.items():
        if isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name) and isinstance(
                value.slice, ast.Constant) and isinstance(value.slice.value, str):
            sources.setdefault(value.value.id, []).append(name)
    return {n: sorted(set(group) - {n}) for group in sources.values() for n in group}


def _enclosing(ctx: Sites, node: ast.AST) -> list[str]:
    """The variables of the loops around ``node``, innermost first."""
    out = []
    while id(node) in ctx.up:
        node = ctx.up[id(node)][0]
        if isinstance(node, ast.For) and isinstance(node.target, ast.Name):
            out.append(node.target.id)
    return out


def _numpy_edits(ctx: Sites) -> Iterator[Edit]:
    """The second round: the mistakes learners make in any numpy code, where they fit in the course's."""
    derived, siblings = _derived(ctx), _siblings(ctx)
    keys_of: dict[str, set[str]] = {}
    for n in ctx.nodes:
        if isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, str):
            keys_of.setdefault(ast.unparse(n.value), set()).add(n.slice.value)
    for node in ctx.nodes:
        if isinstance(node, ast.BinOp):
            left, right, op = node.left, node.right, node.op
            numbers = _is_number(left) or _is_number(right)
            one = any(isinstance(x, ast.Constant) and x.value == 1 for x in (left, right))
            # the wrong operator: + for *, * for +, * for /
            if isinstance(op, ast.Mult):
                yield from ctx.single("wrong operator", node, lambda n: ast.BinOp(n.left, ast.Add(), n.right),
                                      "op+:" + _key(node))
            if isinstance(op, ast.Add) and not one:
                yield from ctx.single("wrong operator", node, lambda n: ast.BinOp(n.left, ast.Mult(), n.right),
                                      "op*:" + _key(node))
            if isinstance(op, ast.Div):
                yield from ctx.single("wrong operator", node, lambda n: ast.BinOp(n.left, ast.Mult(), n.right))
            # the operands of - or / swapped
            if isinstance(op, (ast.Sub, ast.Div)) and not (isinstance(op, ast.Div) and _is_number(left)):
                yield from ctx.single("swapped operands", node, lambda n: ast.BinOp(n.right, n.op, n.left))
            # * (elementwise) where a matrix product belongs
            if isinstance(op, ast.Mult) and not numbers:
                yield from ctx.single("wrong function", node, lambda n: _np_call("dot", [n.left, n.right]))
            # // kept where / belongs, or the divisor of // dropped
            if isinstance(op, ast.FloorDiv):
                yield from ctx.single("true division", node, lambda n: ast.BinOp(n.left, ast.Div(), n.right))
                yield from ctx.single("missing factor", node, lambda n: n.left)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(
                node.operand, ast.BinOp) and isinstance(node.operand.op, (ast.Add, ast.Sub)):
            # -(a - b) written -a - b: the minus reaches the first term only
            yield from ctx.single("sign", node, lambda n: ast.BinOp(ast.UnaryOp(ast.USub(), n.operand.left),
                                                                    n.operand.op, n.operand.right))
        elif isinstance(node, ast.Call):
            yield from _call_edits(ctx, node)
        elif isinstance(node, ast.Attribute) and node.attr == "T" and isinstance(node.ctx, ast.Load):
            # a reshape to the transposed shape, which keeps the values' order
            yield from ctx.single("reshape for transpose", node, lambda n: ast.Call(
                ast.Attribute(n.value, "reshape", ast.Load()),
                [ast.Subscript(ast.Attribute(n.value, "shape", ast.Load()), ast.Slice(None, None, _num(-1)),
                               ast.Load())], []))
        elif isinstance(node, ast.Subscript):
            sl = node.slice
            if isinstance(node.value, ast.Attribute) and node.value.attr == "shape" and isinstance(
                    sl, ast.Constant) and isinstance(sl.value, int):
                # a size read on the wrong axis (or as len(), which is axis 0)
                k = sl.value
                for j in sorted({0, 1, k - 1, k + 1} - {k}):
                    if 0 <= j <= 3:
                        yield from ctx.single("wrong axis", node,
                                              lambda n, j=j: ast.Subscript(n.value, _num(j), ast.Load()))
                if k != 0:
                    yield from ctx.single("wrong axis", node,
                                          lambda n: ast.Call(ast.Name("len", ast.Load()), [n.value.value], []))
            if isinstance(sl, ast.Constant) and isinstance(sl.value, str) and sl.value not in (
                    "W", "b", "dW", "db", "dA"):
                for other in sorted(keys_of.get(ast.unparse(node.value), set()) - {sl.value}):
                    yield from ctx.single("wrong variable", sl, lambda n, o=other: ast.Constant(o))
            if isinstance(sl, ast.Tuple):
                # a loop's index where the whole axis belongs: a_prev_pad[vert_start:vert_end, horiz_start:horiz_end, c]
                used = {n.id for n in ast.walk(sl) if isinstance(n, ast.Name)}
                for j, e in enumerate(sl.elts):
                    if isinstance(e, ast.Slice) and e.lower is None and e.upper is None and e.step is None:
                        for var in _enclosing(ctx, node):
                            if var not in used:
                                yield from ctx.single("wrong index", e, lambda n, v=var: ast.Name(v, ast.Load()))
                # a loop variable where the window's start (or end) derived from it belongs
                for e in sl.elts:
                    if isinstance(e, ast.Name) and e.id in derived:
                        for j, name in enumerate(derived[e.id]):
                            category = "window start as index" if name.endswith("start") else "wrong variable"
                            yield from ctx.single(
                                category, e, lambda n, j=j: ast.Name(derived[n.id][j], ast.Load())
                                if len(derived.get(n.id, ())) > j else n, f"derive{j}:{_key(node.value)}")
        elif isinstance(node, ast.Compare) and len(node.ops) == 1:
            # a comparison reversed: <= for >, < for >=
            flip = {ast.LtE: ast.Gt, ast.Lt: ast.GtE, ast.GtE: ast.Lt, ast.Gt: ast.LtE}.get(type(node.ops[0]))
            if flip is not None:
                yield from ctx.single("comparison", node, lambda n, s=flip: ast.Compare(n.left, [s()], n.comparators))
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id != "np":
            # the parallel name: height for width (vert_start for horiz_start, n_H for n_W, h for w)
            for other in sorted(ctx.bound | ctx.loops):
                if other != node.id and _key(other) == _key(node.id):
                    yield from ctx.single("wrong variable", node, lambda n, o=other: ast.Name(o, ast.Load()))
            for other in siblings.get(node.id, ()):
                yield from ctx.single("wrong variable", node, lambda n, o=other: ast.Name(o, ast.Load()))


#: Calls that wrap a value without changing its numbers much: left out, what goes wrong.
_WRAPPERS = {"reversed": "wrong order", "sorted": "wrong order", "squeeze": "wrong shape", "abs": "sign"}


def _call_edits(ctx: Sites, node: ast.Call) -> Iterator[Edit]:
    func = node.func
    wrapper = func.id if isinstance(func, ast.Name) else func.attr if _is_np(func) else None
    if wrapper in _WRAPPERS and len(node.args) == 1 and not node.keywords:  # reversed(...) or np.squeeze(...) left out
        yield from ctx.single(_WRAPPERS[wrapper], node, lambda n: n.args[0])
    if isinstance(func, ast.Name) and func.id == "range" and node.args:
        if len(node.args) == 1:  # a loop that starts at 1
            yield from ctx.single("off by one", node, lambda n: ast.Call(n.func, [_num(1), n.args[0]], []),
                                  "start1:" + _key(node))
        for j, arg in enumerate(node.args):  # a loop bound written from part of the output-size formula
            if isinstance(arg, ast.Name):
                for p, _ in enumerate(_formula_parts(ctx, arg.id)):
                    for delta in (0, 1):
                        def make(n, j=j, p=p, d=delta):
                            part = copy.deepcopy(_formula_parts(ctx, n.args[j].id)[p])
                            n.args[j] = _plus(part, d) if d else part
                            return n
                        yield from ctx.single("loop bound", node, make, f"formula{j}:{p}:{delta}:{_key(arg)}")
    if isinstance(func, ast.Name) and func.id in ("int", "float") and len(node.args) == 1:
        yield from ctx.single("cast", node, lambda n: n.args[0], "cast:" + _key(node))
    if _is_np(func, "mean") and len(node.args) == 1 and not node.keywords:
        # the mean as a sum over the length of the first axis only, as sum(x) / len(x) would be
        yield from ctx.single("wrong divisor", node, lambda n: ast.BinOp(
            _np_call("sum", n.args), ast.Div(), ast.Call(ast.Name("len", ast.Load()), [n.args[0]], [])))
    if _is_np(func, "sum", "mean", "max") and not any(k.arg == "keepdims" for k in node.keywords):
        yield from ctx.single("keepdims", node, lambda n: ast.Call(
            n.func, n.args, n.keywords + [ast.keyword("keepdims", ast.Constant(True))]))
    if _is_np(func, "dot", "matmul") and len(node.args) == 2:
        a, b = node.args
        if isinstance(a, ast.Attribute) and a.attr == "T":
            yield from ctx.single("wrong transpose", node,
                                  lambda n: ast.Call(n.func, [n.args[0].value, _transposed(n.args[1])], []))
        elif isinstance(b, ast.Attribute) and b.attr == "T":
            yield from ctx.single("wrong transpose", node,
                                  lambda n: ast.Call(n.func, [_transposed(n.args[0]), n.args[1].value], []))
        if not (isinstance(a, ast.Attribute) and a.attr == "T"):
            yield from ctx.single("wrong transpose", node,
                                  lambda n: ast.Call(n.func, [_transposed(n.args[0]), n.args[1]], []))
        if not (isinstance(b, ast.Attribute) and b.attr == "T"):
            yield from ctx.single("wrong transpose", node,
                                  lambda n: ast.Call(n.func, [n.args[0], _transposed(n.args[1])], []))
    if _is_np(func, "divide", "subtract") and len(node.args) == 2:
        yield from ctx.single("swapped operands", node, lambda n: ast.Call(n.func, n.args[::-1], n.keywords))
    if _is_np(func, "maximum", "minimum", "multiply", "add", "subtract", "exp") and not any(
            k.arg == "out" for k in node.keywords):
        # the result written into an input (out=, or x[...] = ... on it): the caller's array, or a cache, changes
        for arg in node.args:
            if isinstance(arg, ast.Name):
                yield from ctx.single("in place", node, lambda n, a=arg.id: ast.Call(
                    n.func, n.args, n.keywords + [ast.keyword("out", ast.Name(a, ast.Load()))]))
    if _is_np(func, "zeros", "ones") and node.args and isinstance(node.args[0], ast.Tuple) and any(
            isinstance(e, ast.Constant) and e.value == 1 for e in node.args[0].elts) and len(node.args[0].elts) == 2:
        # (n, 1) written n: a vector where a column belongs
        yield from ctx.single("wrong shape", node, lambda n: ast.Call(
            n.func, [next(e for e in n.args[0].elts if not (isinstance(e, ast.Constant) and e.value == 1))],
            n.keywords))
