"""The operators of the catalogue of mistakes: each finds the places in a function's tree where it fits.

:func:`edits` walks a course function's syntax tree (from
:mod:`tracer.checker.solutions`) and yields one :class:`Edit` per place an
operator fits, and one more for all the parallel places together (``vert_*``
and ``horiz_*``, ``n_H`` and ``n_W``, the same name everywhere): a change made
to copies of the nodes it replaces. :class:`Applied` makes an edit on the
shared tree and undoes it on exit; :func:`moves` and :func:`drops` give the
statements moved into or out of a loop, and the statements left out.
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

__all__ = ["Edit", "Applied", "edits", "moves", "drops", "parents"]


def parents(tree: ast.AST) -> dict[int, tuple[ast.AST, str, int | None]]:
    """``id(node) -> (parent, field, index in the field's list or None)`` for every node of ``tree``."""
    out = {}
    for parent in ast.walk(tree):
        for fname, value in ast.iter_fields(parent):
            if isinstance(value, list):
                for j, child in enumerate(value):
                    if isinstance(child, ast.AST):
                        out[id(child)] = (parent, fname, j)
            elif isinstance(value, ast.AST):
                out[id(value)] = (parent, fname, None)
    return out


def _statement(node: ast.AST, parents: dict) -> ast.stmt:
    while not isinstance(node, ast.stmt):
        node = parents[id(node)][0]
    return node


@dataclass
class Edit:
    """Replace the nodes at ``sites`` (indices in ``ast.walk`` order) with ``make(copied node)``."""

    category: str
    sites: tuple[int, ...]
    make: Callable[[ast.AST], ast.AST]


def _located(new: ast.AST, like: ast.AST) -> ast.AST:
    """Give the new nodes of an edit the position of the node they replace (compile needs one)."""
    for n in ast.walk(new):
        for attr in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
            if attr in n._attributes and getattr(n, attr, None) is None:
                setattr(n, attr, getattr(like, attr, 1) or 0)
    return new


class Applied:
    """An edit applied to the shared tree of a function, undone on exit: its before and after text."""

    def __init__(self, fn: ast.FunctionDef, nodes: list[ast.AST], parents: dict, edit: Edit):
        self.fn, self.nodes, self.parents, self.edit = fn, nodes, parents, edit

    def __enter__(self) -> tuple[str, str, tuple]:
        statements = []
        for k in self.edit.sites:
            st = _statement(self.nodes[k], self.parents)
            if st not in statements:
                statements.append(st)
        before = [ast.unparse(st) for st in statements]
        self.undo = []
        replaced: dict[int, ast.AST] = {}
        try:
            for k in self.edit.sites:
                node = self.nodes[k]
                parent, fname, j = self.parents[id(node)]
                new = _located(self.edit.make(copy.deepcopy(node)), node)
                self.undo.append((parent, fname, j, node))
                replaced[id(node)] = new
                if j is None:
                    setattr(parent, fname, new)
                else:
                    getattr(parent, fname)[j] = new
            after = [ast.unparse(replaced.get(id(st), st)) for st in statements]
        except BaseException:
            self.__exit__()
            raise
        key = tuple(zip((self.nodes.index(st) for st in statements), after))
        return _first_line(before), _first_line(after), key

    def __exit__(self, *exc: object) -> None:
        for parent, fname, j, node in reversed(self.undo):
            if j is None:
                setattr(parent, fname, node)
            else:
                getattr(parent, fname)[j] = node


def _first_line(texts: list[str]) -> str:
    return "\n".join(t.split("\n")[0] for t in texts)


def _num(n: int) -> ast.Constant:
    return ast.Constant(n)


def _plus(node: ast.AST, delta: int) -> ast.AST:
    return ast.BinOp(node, ast.Add() if delta > 0 else ast.Sub(), _num(abs(delta)))


def _key(node: ast.AST) -> str:
    """A node's text with height and width made alike: parallel places share a key."""
    text = ast.unparse(node)
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


def _np_call(attr: str, args: list) -> ast.Call:
    return ast.Call(ast.Attribute(ast.Name("np", ast.Load()), attr, ast.Load()), list(args), [])


def _renamed(call: ast.Call, name: str) -> ast.Call:
    return ast.Call(ast.Name(name, ast.Load()), call.args, call.keywords)


def _is_np(node: ast.AST, *attrs: str) -> bool:
    return (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "np"
            and (not attrs or node.attr in attrs))


def edits(fn: ast.FunctionDef) -> Iterator[Edit]:
    """Every edit of the operators, single places first, then parallel places together."""
    nodes = list(ast.walk(fn))
    index = {id(n): k for k, n in enumerate(nodes)}
    up = parents(fn)
    loops = _loop_variables(fn)
    bound = _bound(fn)
    groups: dict[tuple, list[int]] = {}
    makers: dict[tuple, Callable] = {}

    def single(category: str, node: ast.AST, make: Callable, key: str | None = None) -> Iterator[Edit]:
        yield Edit(category, (index[id(node)],), make)
        if key is not None:
            groups.setdefault((category, key), []).append(index[id(node)])
            makers[(category, key)] = make

    for node in nodes:
        parent = up.get(id(node), (None, "", None))[0]
        if isinstance(node, ast.BinOp):
            left, right, op = node.left, node.right, node.op
            one_right = isinstance(right, ast.Constant) and right.value == 1
            one_left = isinstance(left, ast.Constant) and left.value == 1
            if isinstance(op, (ast.Add, ast.Sub)) and one_right:
                yield from single("off by one", node, lambda n: n.left, "drop1:" + _key(node))
            if isinstance(op, ast.Add) and one_left:
                yield from single("off by one", node, lambda n: n.right, "drop1:" + _key(node))
            if isinstance(op, ast.Mult) and (
                    (isinstance(right, ast.Name) and right.id == "stride") or (
                    isinstance(left, ast.Name) and left.id == "stride")):
                keep = "left" if isinstance(right, ast.Name) and right.id == "stride" else "right"
                yield from single("stride left out", node, lambda n, k=keep: getattr(n, k), "stride")
            if isinstance(op, ast.Div):
                yield from single("floor division", node, lambda n: ast.BinOp(n.left, ast.FloorDiv(), n.right),
                                  "div:" + _key(node))
                yield from single("missing factor", node, lambda n: n.left, "divisor:" + _key(node))
            if isinstance(op, ast.Mult):
                yield from single("missing factor", node, lambda n: n.left)
                yield from single("missing factor", node, lambda n: n.right)
            if isinstance(op, (ast.Add, ast.Sub)) and not (one_left or one_right):
                yield from single("missing term", node, lambda n: n.left)
            if isinstance(op, (ast.Add, ast.Sub)) and not one_right:
                yield from single("missing term", node, lambda n: n.right)
            if isinstance(op, ast.Sub):
                yield from single("sign", node, lambda n: ast.BinOp(n.left, ast.Add(), n.right))
            if isinstance(op, ast.Add) and not (one_left or one_right):
                yield from single("sign", node, lambda n: ast.BinOp(n.left, ast.Sub(), n.right))
            if isinstance(op, (ast.Div, ast.Sub)) and isinstance(right, ast.BinOp):
                yield from single("precedence", node,
                                  lambda n: ast.BinOp(ast.BinOp(n.left, n.op, n.right.left), n.right.op, n.right.right))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            yield from single("sign", node, lambda n: n.operand)
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "range":
                for j in range(len(node.args)):
                    for delta in (1, -1):
                        def make(n, j=j, d=delta):
                            n.args[j] = _plus(n.args[j], d)
                            return n
                        yield from single("off by one", node, make, f"range{j}{delta}:" + _key(node))
            if isinstance(func, ast.Name) and func.id == "str" and len(node.args) == 1 and isinstance(
                    node.args[0], ast.Name) and node.args[0].id in loops:
                for delta in (1, -1):  # a key "dA" + str(l) one layer off
                    def make(n, d=delta):
                        n.args[0] = _plus(n.args[0], d)
                        return n
                    yield from single("off by one", node, make)
            if isinstance(func, ast.Name) and func.id in _CALL_SWAPS:
                for category, make in _CALL_SWAPS[func.id]:
                    yield from single(category, node, make, f"call:{func.id}")
            if _is_np(func) and func.attr in _NP_SWAPS:
                for other in _NP_SWAPS[func.attr]:
                    yield from single("wrong function", node,
                                      lambda n, o=other: ast.Call(ast.Attribute(n.func.value, o, ast.Load()),
                                                                  n.args, n.keywords))
            if _is_np(func, "dot") and len(node.args) == 2:
                yield from single("wrong order", node, lambda n: ast.Call(n.func, n.args[::-1], n.keywords))
            if isinstance(func, ast.Attribute) and func.attr == "randn":
                yield from single("wrong function", node,
                                  lambda n: ast.Call(ast.Attribute(n.func.value, "rand", ast.Load()), n.args, []))
                if len(node.args) == 2:
                    yield from single("shape order", node, lambda n: ast.Call(n.func, n.args[::-1], n.keywords))
            if (_is_np(func, "array") and any(k.arg == "copy" for k in node.keywords)) or (
                    isinstance(func, ast.Attribute) and func.attr == "deepcopy"):
                yield from single("in place", node, lambda n: n.args[0])
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
                            yield from single("wrong axis", node, make)
                    yield from single("wrong axis", node,
                                      lambda n: ast.Call(n.func, n.args, [k for k in n.keywords if k.arg != "axis"]))
                else:
                    for axis in (0, 1):
                        yield from single("wrong axis", node,
                                          lambda n, a=axis: ast.Call(n.func, n.args, n.keywords +
                                                                     [ast.keyword("axis", _num(a))]))
                if "keepdims" in kws:
                    yield from single("wrong axis", node,
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
                            yield from single("wrong axis", node, make)
                for j, e in enumerate(width.elts):
                    if isinstance(e, ast.Tuple) and isinstance(e.elts[0], ast.Name):
                        pad_name = e.elts[0].id
                        yield from single("wrong axis", node,
                                          lambda n, p=pad_name: ast.Call(n.func, [n.args[0], ast.Name(p, ast.Load())]
                                                                         + n.args[2:], n.keywords))
                        break
            if _is_np(func, "zeros", "ones") and node.args and isinstance(node.args[0], ast.Tuple):
                yield from _tuple_swaps(node.args[0], index, "shape order", single)
        elif isinstance(node, ast.Attribute) and node.attr == "T":
            yield from single("missing transpose", node, lambda n: n.value)
        elif isinstance(node, ast.Attribute) and node.attr == "item" and isinstance(parent, ast.Call):
            call = parent
            yield from single("bias as an array", call, lambda n: n.func.value)
        elif isinstance(node, ast.Subscript):
            base = ast.unparse(node.value)
            sl = node.slice
            if isinstance(sl, ast.Tuple):
                yield from _tuple_swaps(sl, index, "swapped indices", single, key=f"{base}")
                for e in sl.elts:
                    if isinstance(e, ast.Name) and e.id in loops:
                        yield from single("fixed index", e, lambda n: _num(0), f"fix:{e.id}:{_key(node.value)}")
                windows = [e for e in sl.elts if isinstance(e, ast.Slice) and e.lower is not None]
                if windows:
                    def make(n):
                        n.slice.elts = [ast.Slice() if isinstance(e, ast.Slice) and e.lower is not None else e
                                        for e in n.slice.elts]
                        return n
                    yield from single("wrong slice", node, make, "whole:" + str(len(windows)))
            elif isinstance(sl, ast.Name) and sl.id in loops | {"l", "L"} and isinstance(node.ctx, ast.Load):
                category = "wrong cache entry" if "cache" in base else "off by one"
                if sl.id in loops:
                    yield from single("fixed index", sl, lambda n: _num(0))
                for delta in (1, -1):
                    yield from single(category, sl, lambda n, d=delta: _plus(n, d))
            elif isinstance(sl, ast.Constant) and isinstance(sl.value, int) and "cache" in base:
                for delta in (1, -1):
                    if sl.value + delta >= 0:
                        yield from single("wrong cache entry", sl, lambda n, d=delta: _num(n.value + d))
        elif isinstance(node, ast.Slice) and node.upper is not None and not isinstance(node.upper, ast.Name):
            for delta in (1, -1):
                def make(n, d=delta):
                    n.upper = _plus(n.upper, d)
                    return n
                yield from single("off by one", node, make, f"upper{delta}:" + _key(node))
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            if isinstance(target, ast.Name) and target.id.endswith("_end"):
                for delta in (1, -1):
                    def make(n, d=delta):
                        n.value = _plus(n.value, d)
                        return n
                    yield from single("off by one", node, make, f"end{delta}")
            if isinstance(target, ast.Tuple) and all(isinstance(e, ast.Name) for e in target.elts):
                is_shape = isinstance(value, ast.Attribute) and value.attr == "shape"
                yield from _tuple_swaps(target, index, "shape order" if is_shape else "wrong cache entry", single,
                                        key="unpack" if is_shape else None)
            if isinstance(value, ast.Tuple) and len(value.elts) >= 2:
                yield from _tuple_swaps(value, index, "wrong order", single)
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
            yield from _tuple_swaps(node.value, index, "wrong order", single)
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add):
            yield from single("assignment for accumulation", node,
                              lambda n: ast.Assign([n.target], n.value, lineno=n.lineno), "augassign")
        elif isinstance(node, ast.Compare) and len(node.ops) == 1:
            swap = {ast.LtE: ast.Lt, ast.Lt: ast.LtE, ast.GtE: ast.Gt, ast.Gt: ast.GtE}.get(type(node.ops[0]))
            if swap is not None:
                yield from single("comparison", node, lambda n, s=swap: ast.Compare(n.left, [s()], n.comparators))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            others = {"relu": "sigmoid", "sigmoid": "relu"}
            if node.value in others and not isinstance(parent, ast.Compare):
                yield from single("wrong activation", node, lambda n: ast.Constant(others[n.value]))
            keys = ("W", "b", "dW", "db", "dA")
            if node.value in keys:
                used = {n.value for n in nodes if isinstance(n, ast.Constant) and n.value in keys}
                for other in sorted(used - {node.value}):
                    yield from single("wrong variable", node, lambda n, o=other: ast.Constant(o))
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            if node.id.endswith("_pad") and node.id[:-4] in bound:
                yield from single("unpadded input", node, lambda n: ast.Name(n.id[:-4], ast.Load()), "pad:" + node.id)
            if node.id + "_pad" in bound:
                yield from single("padded output", node, lambda n: ast.Name(n.id + "_pad", ast.Load()),
                                  "unpad:" + node.id)
            if node.id not in loops and node.id != "np":
                for other in sorted(bound - {node.id} - loops):
                    if _stem(other) == _stem(node.id) and other + "_pad" != node.id and node.id + "_pad" != other:
                        yield from single("wrong variable", node, lambda n, o=other: ast.Name(o, ast.Load()))
    for (category, _), sites in groups.items():
        if len(sites) > 1:
            yield Edit(category, tuple(sites), makers[(category, _)])


def _tuple_swaps(tup: ast.Tuple, index: dict, category: str, single: Callable, key: str | None = None) -> Iterator:
    elts = tup.elts
    for a in range(len(elts)):
        for b in range(a + 1, len(elts)):
            if ast.unparse(elts[a]) == ast.unparse(elts[b]):
                continue

            def make(n, a=a, b=b):
                n.elts[a], n.elts[b] = n.elts[b], n.elts[a]
                return n
            yield from single(category, tup, make, None if key is None else f"swap{a}{b}:{key}")


def moves(fn: ast.FunctionDef) -> Iterator[tuple[str, ast.FunctionDef, str, str]]:
    """Statements moved out of the loop they are in, or into the loop just before them."""
    loops = [k for k, n in enumerate(ast.walk(fn)) if isinstance(n, ast.For)]
    for k in loops:
        for direction in ("out", "in"):
            tree = copy.deepcopy(fn)
            node = list(ast.walk(tree))[k]
            parent, fname, j = parents(tree)[id(node)]
            block = getattr(parent, fname)
            header = ast.unparse(node).split("\n")[0]
            if direction == "out" and len(node.body) > 1:
                moved = node.body.pop()
                block.insert(j + 1, moved)
                text = ast.unparse(moved).split("\n")[0]
                yield "indentation", tree, f"{text}  (inside the loop {header})", f"{text}  (after the loop)"
            elif direction == "in" and j + 1 < len(block) and not isinstance(block[j + 1], ast.Return):
                moved = block.pop(j + 1)
                node.body.append(moved)
                text = ast.unparse(moved).split("\n")[0]
                yield "indentation", tree, f"{text}  (after the loop {header})", f"{text}  (inside the loop)"


def drops(fn: ast.FunctionDef) -> Iterator[tuple[str, ast.FunctionDef, str, str]]:
    """Each simple statement left out."""
    simple = [k for k, n in enumerate(ast.walk(fn)) if isinstance(n, (ast.Assign, ast.AugAssign, ast.Expr))]
    for k in simple:
        tree = copy.deepcopy(fn)
        node = list(ast.walk(tree))[k]
        parent, fname, j = parents(tree)[id(node)]
        block = getattr(parent, fname)
        if len(block) < 2:
            continue
        block.pop(j)
        yield "missing statement", tree, ast.unparse(node).split("\n")[0], "(left out)"
