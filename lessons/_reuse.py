"""What makes a lesson's build incremental: code digests, the files a run imported, reuse keys.

- :func:`code_digest`: the hash of a Python file's code without its comments and
  docstrings (``ast`` parsed, docstrings dropped, ``ast.unparse``d), so that a
  comment or docstring edit rebuilds nothing.
- :func:`imported_sources` and :func:`imported_libraries`: the repository's
  files and the third-party packages a lesson imported, read from
  ``sys.modules`` at the end of its run (each lesson runs in its own process);
  the build stores their digests and versions in the lesson's stamp.
- :func:`figure_key` and :func:`player_key`: the hash of what one figure or
  player shows (the figure's artists, or the recorded calls and steps of the
  trace) and of the code that draws it. A lesson re-run after a prose edit copies
  every figure and player whose key did not change instead of drawing it again.

Used by ``lessons/_lesson.py`` (in the lesson's process) and ``scripts/build_figures.py``.
"""

from __future__ import annotations

import ast
import hashlib
import io
import pickle
import sys
from pathlib import Path
from typing import Any

__all__ = [
    "REPO",
    "code_digest",
    "imported_sources",
    "imported_libraries",
    "figure_key",
    "player_key",
    "drawing_code_digest",
]

#: The repository's root.
REPO = Path(__file__).resolve().parent.parent

#: Folders of the repository whose modules a lesson's output depends on.
SOURCE_DIRS = ("tracer", "lessons")


def _strip_docstrings(tree: ast.AST) -> ast.AST:
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                node.body = body[1:] or [ast.Pass()]
    return tree


def code_digest(path: str | Path) -> str:
    """SHA-256 of a Python file's code, comments and docstrings left out.

    A file that does not parse is hashed as raw bytes (its lesson will fail and
    say why); a missing file gives ``"missing"``.

    Examples
    --------
    >>> code_digest("lessons/_reuse.py") == code_digest("lessons/_reuse.py")  # doctest: +SKIP
    True
    """
    try:
        data = Path(path).read_bytes()
    except OSError:
        return "missing"
    try:
        text = ast.unparse(_strip_docstrings(ast.parse(data)))
    except (SyntaxError, ValueError):
        return "raw:" + hashlib.sha256(data).hexdigest()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _module_files() -> list[Path]:
    files = []
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if file and file.endswith(".py"):
            files.append(Path(file).resolve())
    return files


def imported_sources(extra_dirs: tuple[Path, ...] = ()) -> list[str]:
    """The repository files (under ``tracer/`` and ``lessons/``) imported in this process, sorted.

    Paths are relative to the repository's root; a file from ``extra_dirs`` (a
    lesson outside the repository) is given as an absolute path.
    """
    roots = [REPO / d for d in SOURCE_DIRS] + [Path(d).resolve() for d in extra_dirs]
    found = set()
    for file in _module_files():
        if any(file.is_relative_to(root) for root in roots):
            found.add(file.relative_to(REPO).as_posix() if file.is_relative_to(REPO) else str(file))
    return sorted(found)


def imported_libraries() -> list[str]:
    """Top-level names of the third-party packages imported in this process, sorted.

    The build maps them to their distributions and stores their versions.
    """
    stdlib = set(sys.stdlib_module_names)
    names = set()
    for name, module in list(sys.modules.items()):
        top = name.partition(".")[0]
        file = getattr(module, "__file__", None)
        if top in stdlib or top.startswith("_") or not file:
            continue
        path = Path(file).resolve()
        if any(path.is_relative_to(REPO / d) for d in SOURCE_DIRS) or path.parent == Path(sys.argv[0]).resolve().parent:
            continue
        names.add(top)
    return sorted(names)


_drawing_digest: str | None = None


def drawing_code_digest() -> str:
    """Digest of the code that draws: every loaded module of ``tracer`` and ``lessons/_*.py``,
    and the versions of matplotlib, numpy and Pillow. Computed once per process."""
    global _drawing_digest
    if _drawing_digest is None:
        h = hashlib.sha256()
        for rel in imported_sources():
            if rel.startswith("tracer/") or Path(rel).name.startswith("_"):
                h.update(rel.encode())
                h.update(code_digest(REPO / rel).encode())
        for lib in ("matplotlib", "numpy", "PIL"):
            module = sys.modules.get(lib)
            h.update(f"{lib}={getattr(module, '__version__', None)}".encode())
        _drawing_digest = h.hexdigest()
    return _drawing_digest


class _FigurePickler(pickle.Pickler):
    """Pickles a Figure without the ``id()``-keyed parent links of its transforms.

    Those links are the only part of a pickled Figure that changes from run to
    run; without them, the same figure gives the same bytes in every process.
    """

    def reducer_override(self, obj: Any) -> Any:
        from matplotlib.transforms import TransformNode

        if isinstance(obj, TransformNode):
            reduced = obj.__reduce_ex__(pickle.DEFAULT_PROTOCOL)
            if len(reduced) >= 3 and isinstance(reduced[2], dict):
                state = {k: v for k, v in reduced[2].items() if k != "_parents"}
                return (reduced[0], reduced[1], state, *reduced[3:])
        return NotImplemented


def figure_key(fig: Any, **options: Any) -> str | None:
    """Hash of what ``fig`` shows and of how it is saved (``options``), or ``None``.

    ``None`` when the figure cannot be pickled (a lambda formatter...): it is then
    drawn at every build.
    """
    buf = io.BytesIO()
    try:
        _FigurePickler(buf, protocol=pickle.DEFAULT_PROTOCOL).dump(fig)
    except Exception:  # noqa: BLE001 - anything unpicklable means: do not reuse
        return None
    h = hashlib.sha256(buf.getvalue())
    h.update(repr(sorted(options.items())).encode())
    h.update(drawing_code_digest().encode())
    return h.hexdigest()


def player_key(trace: Any, steps: list[int] | None, **options: Any) -> str | None:
    """Hash of the player of ``trace`` (its recorded calls, the events shown) and its options."""
    shown = list(range(len(trace))) if steps is None else list(steps)
    try:
        data = pickle.dumps(
            (trace.calls, len(trace), [(k, trace[k]) for k in shown], sorted(options.items())),
            protocol=pickle.DEFAULT_PROTOCOL,
        )
    except Exception:  # noqa: BLE001
        return None
    h = hashlib.sha256(data)
    h.update(drawing_code_digest().encode())
    return h.hexdigest()
