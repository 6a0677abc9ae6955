"""Edits of a function's syntax tree: what the operators of the catalogue of mistakes make.

An :class:`Edit` replaces the nodes at some places of a course function's
tree (indices in ``ast.walk`` order) with new nodes made from copies of them.
:class:`Applied` makes one or several edits on the shared tree and undoes them
on exit, so that a variant is compiled without copying the tree; two edits of
one function apply together when neither replaces a node the other one
replaces (the inner one is made first, so that the outer one copies it).
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["Edit", "Applied", "parents", "statement", "compatible"]


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


def statement(node: ast.AST, up: dict) -> ast.stmt:
    """The statement that holds ``node`` (``node`` itself when it is one)."""
    while not isinstance(node, ast.stmt):
        node = up[id(node)][0]
    return node


@dataclass
class Edit:
    """Replace the nodes at ``sites`` (indices in ``ast.walk`` order) with ``make(copied node)``.

    ``text`` gives the before and after lines to show, for edits whose own
    text would not say what changed (a statement moved or left out).
    """

    category: str
    sites: tuple[int, ...]
    make: Callable[[ast.AST], ast.AST]
    text: tuple[str, str] | None = None


def _located(new: ast.AST, like: ast.AST) -> ast.AST:
    """Give the new nodes of an edit the position of the node they replace (compile needs one)."""
    for n in ast.walk(new):
        for attr in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
            if attr in n._attributes and getattr(n, attr, None) is None:
                setattr(n, attr, getattr(like, attr, 1) or 0)
    return new


def _inside(inner: int, outer: int, nodes: list[ast.AST], up: dict) -> bool:
    """Whether node ``inner`` lies in the subtree of node ``outer`` (indices in ``nodes``)."""
    target, node = nodes[outer], nodes[inner]
    while id(node) in up:
        node = up[id(node)][0]
        if node is target:
            return True
    return False


def compatible(a: Edit, b: Edit, nodes: list[ast.AST], up: dict) -> bool:
    """Whether two edits of one function can be made together: they replace no node in common."""
    return not set(a.sites) & set(b.sites)


def _ordered(edits: Sequence[Edit], nodes: list[ast.AST], up: dict) -> list[Edit]:
    """Inner edits first: an edit whose place lies inside another's is made before it, so the outer one keeps it."""
    if len(edits) < 2:
        return list(edits)
    a, b = edits[0], edits[1]
    if any(_inside(s, t, nodes, up) for s in b.sites for t in a.sites):
        return [b, a]
    return [a, b]


class Applied:
    """Edits applied to the shared tree of a function, undone on exit.

    Entering gives ``(before, after, key)`` for the first edit: its statements'
    first lines as the course wrote them and as changed, and a key that is the
    same for edits that make the same code.
    """

    def __init__(self, fn: ast.FunctionDef, nodes: list[ast.AST], up: dict, edit: Edit | Sequence[Edit],
                 text: bool = True):
        self.fn, self.nodes, self.up, self.text = fn, nodes, up, text
        self.edits = _ordered([edit] if isinstance(edit, Edit) else list(edit), nodes, up)
        self.undo: list[tuple[ast.AST, str, int | None, ast.AST]] = []

    def __enter__(self) -> tuple[str, str, tuple]:
        try:
            result = None
            for edit in self.edits:
                found = self._apply(edit)
                result = result or found
        except BaseException:
            self.__exit__()
            raise
        return result

    def _replace(self, edit: Edit) -> dict[int, ast.AST]:
        """Make one edit: each site's node replaced by ``make`` of a copy of it; ``id(old) -> new``."""
        replaced: dict[int, ast.AST] = {}
        for k in edit.sites:
            node = self.nodes[k]
            parent, fname, j = self.up[id(node)]
            current = getattr(parent, fname) if j is None else getattr(parent, fname)[j]
            new = _located(edit.make(copy.deepcopy(current)), node)
            self.undo.append((parent, fname, j, current))
            replaced[id(node)] = new
            if j is None:
                setattr(parent, fname, new)
            else:
                getattr(parent, fname)[j] = new
        return replaced

    def _apply(self, edit: Edit) -> tuple[str, str, tuple] | None:
        if not self.text:  # compiling only: no text to make
            self._replace(edit)
            return None
        statements = []
        for k in edit.sites:
            st = statement(self.nodes[k], self.up)
            if st not in statements:
                statements.append(st)
        before = [ast.unparse(st) for st in statements]
        replaced = self._replace(edit)
        after = [ast.unparse(replaced.get(id(st), st)) for st in statements]
        key = tuple(zip((self.nodes.index(st) for st in statements), after))
        if edit.text is not None:
            return edit.text[0], edit.text[1], key
        return _first_line(before), _first_line(after), key

    def __exit__(self, *exc: object) -> None:
        while self.undo:
            parent, fname, j, node = self.undo.pop()
            if j is None:
                setattr(parent, fname, node)
            else:
                getattr(parent, fname)[j] = node


def _first_line(texts: list[str]) -> str:
    return "\n".join(t.split("\n")[0] for t in texts)
