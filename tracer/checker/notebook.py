"""Checking a learner's notebook as it is: the definitions of the course functions, and nothing else.

A course notebook starts with cells that fail outside the course's servers
(``import h5py``, ``from public_tests import *``, ``%matplotlib inline``) and
calls the course's tests after each function. :func:`definitions` reads the
notebook (with nbformat; a notebook exported to ``.py`` works too), parses
every code cell with :mod:`ast` and keeps only:

- the top-level ``def`` of each course function, from the cell the course marks
  ``# GRADED FUNCTION: name`` when there is one, else the last one in the notebook
  (as running the notebook top to bottom would leave it);
- the learner's own helpers those functions call, from other cells, so that a
  ``conv_forward`` that calls its own ``zero_pad`` and ``conv_single_step`` is
  checked with them;
- the imports and simple constant assignments (``NAME = literal``) those
  definitions use; an import that fails (``from dnn_utils import sigmoid``
  away from the course's files) falls back to tracer's version of the course
  helper of that name.

No other statement runs: no test call, no plot, no magic, no data loading.
:func:`tracer.checker.check_notebook` writes the definitions to a module and
checks it like any learner file (:func:`tracer.checker.check_file`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cases import FUNCTIONS, NETWORK_FUNCTIONS

__all__ = ["Definitions", "definitions", "is_exported_notebook"]

_GRADED = re.compile(r"^\s*#\s*GRADED FUNCTION\s*:\s*([A-Za-z_]\w*)", re.MULTILINE)
_EXPORTED = re.compile(r"^(# In\[[ 0-9]*\]:|# %%|.*get_ipython\(\))", re.MULTILINE)


@dataclass
class Definitions:
    """What :func:`definitions` kept from a notebook.

    Attributes
    ----------
    source : str
        A module holding only the kept imports, constants and definitions.
    functions : dict of str to int
        Each course function found, and the cell it comes from (numbered from 1).
    helpers : list of str
        The learner's own helpers kept because a course function calls them.
    skipped : list of int
        Cells that are not Python (cell magics, or not Python once line magics are removed), left out.
    """

    source: str
    functions: dict[str, int] = field(default_factory=dict)
    helpers: list[str] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)

    def __repr__(self) -> str:
        found = ", ".join(f"{n} (cell {c})" for n, c in self.functions.items()) or "no course function"
        return f"<Definitions: {found}>"


def is_exported_notebook(path: Path) -> bool:
    """Whether a ``.py`` file is a notebook exported as a script (``# In[ ]:`` or ``# %%`` cells, ``get_ipython()``)."""
    try:
        return bool(_EXPORTED.search(Path(path).read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return False


def _cells(path: Path) -> list[str]:
    """The code cells of a notebook, or of a notebook exported to ``.py`` (one cell per ``# In[ ]:`` / ``# %%``)."""
    if path.suffix == ".ipynb":
        import nbformat

        notebook = nbformat.read(str(path), as_version=4)
        return [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    text = path.read_text(encoding="utf-8")
    parts = re.split(r"^(?:# In\[[ 0-9]*\]:|# %%.*)$", text, flags=re.MULTILINE)
    return [p for p in parts if p.strip()]


def _python(cell: str) -> str:
    """A cell without its IPython syntax: line magics, shell escapes and help lines become blank lines."""
    if cell.lstrip().startswith("%%"):
        return ""  # a cell magic: the whole cell is not Python
    lines = []
    for line in cell.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")) or re.fullmatch(r"\??[\w.]+\?{1,2}", stripped):
            lines.append("")
        else:
            lines.append(line)
    return "\n".join(lines)


def _used_names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _bound_by_import(node: ast.Import | ast.ImportFrom) -> list[str]:
    return [(alias.asname or alias.name).split(".")[0] for alias in node.names if alias.name != "*"]


def _literal(node: ast.AST) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def definitions(path: Any, names: Sequence[str] = FUNCTIONS) -> Definitions:
    """The definitions of the course functions ``names`` in the notebook ``path``, as a module's source.

    Parameters
    ----------
    path : path-like
        A ``.ipynb`` notebook, or a notebook exported to ``.py``.
    names : sequence of str
        The course functions to look for.
    """
    path = Path(path)
    defs: dict[str, tuple[int, ast.FunctionDef, str]] = {}  # name -> (cell, node, its source)
    graded: dict[str, tuple[int, ast.FunctionDef, str]] = {}
    imports: list[tuple[int, ast.stmt, str]] = []
    constants: dict[str, tuple[int, ast.stmt, str]] = {}
    skipped = []
    for number, cell in enumerate(_cells(path), start=1):
        text = _python(cell)
        if not text.strip() and cell.strip():  # a cell magic (%%time, %%bash...): not Python at all
            skipped.append(number)
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            skipped.append(number)
            continue
        marked = set(_GRADED.findall(cell))
        for node in tree.body:
            start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            segment = "\n".join(text.splitlines()[start - 1:node.end_lineno])
            if isinstance(node, ast.FunctionDef):
                defs[node.name] = (number, node, segment)
                if node.name in marked:
                    graded[node.name] = (number, node, segment)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                imports.append((number, node, segment))
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and _literal(node.value):
                constants[node.targets[0].id] = (number, node, segment)
    chosen = {**defs, **graded}
    kept = [n for n in names if n in chosen]
    helpers: list[str] = []
    needed = set()
    queue = list(kept)
    while queue:
        name = queue.pop()
        used = _used_names(chosen[name][1])
        needed |= used
        for other in sorted(used):
            if other in chosen and other not in kept and other not in helpers:
                helpers.append(other)
                queue.append(other)
    lines = ["# The definitions of a notebook's course functions, taken by tracer.checker.notebook.", ""]
    for number, node, segment in imports:
        bound = _bound_by_import(node)
        if not set(bound) & needed:
            continue
        provided = [b for b in bound if b in NETWORK_FUNCTIONS and b in needed]
        lines += [f"try:  # cell {number}", _indent(segment), "except ImportError:"]
        lines.append(f"    from tracer.network import {', '.join(provided)}" if provided else "    pass")
        lines.append("")
    for name, (number, node, segment) in constants.items():
        if name in needed and name not in chosen:
            lines += [f"# cell {number}", segment, ""]
    for name in helpers[::-1] + kept:
        number, node, segment = chosen[name]
        lines += [f"# cell {number}", segment, "", ""]
    return Definitions("\n".join(lines).rstrip("\n") + "\n", {n: chosen[n][0] for n in kept}, helpers, skipped)


def _indent(text: str) -> str:
    return "\n".join("    " + line if line.strip() else line for line in text.splitlines())
