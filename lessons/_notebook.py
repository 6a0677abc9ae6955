"""A lesson as a Jupyter notebook, from the same lesson file as its page.

While a lesson runs, its :class:`Page` keeps, beside each block, the line of
``build`` that added it (:class:`Blocks`). :func:`write` then reads the lesson
file with :mod:`ast` and writes ``<slug>.ipynb`` next to the page:

- a Markdown cell with the title and what the notebook needs;
- a first code cell with the module's imports and helpers (without ``_lesson``,
  ``TITLE``, ``build`` and the ``__main__`` block);
- then ``build``'s body in order: its statements as code cells (consecutive
  statements in one cell, snippet markers dropped) and, for each ``page.*`` call,
  the cells of the blocks it added: prose as Markdown (admonitions as quotes,
  f-strings as the lesson evaluated them), quoted code as a fenced block (a
  region of the lesson file itself as the code cell it is: a module-level one
  moves there from the first cell unless ``build`` uses it earlier), ``page.figure(fig,
  ...)`` as ``fig`` at the end of a code cell (Jupyter shows it), its caption in
  italics, ``page.player(trace, ...)`` as ``trace.animate(...)`` (a step player),
  an exercise as a folded ``<details>`` block.

No outputs are stored. The notebook runs top to bottom in a fresh kernel with only
``tracer`` installed (and the extra that a lesson's imports need, named in its
first cell); ``tests/test_lesson_notebooks.py`` runs every one in a real kernel.
A statement of ``build`` that uses ``page`` other than as one ``page.*(...)``
call has no notebook form, and :func:`write` says which line.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
import textwrap
from pathlib import Path
from typing import Any

__all__ = ["Blocks", "notebook", "write", "requirements"]

#: Modules a lesson notebook may import besides the standard library: tracer and its dependencies.
BASE_MODULES = frozenset({"tracer", "numpy", "matplotlib", "PIL"})

_MARKER = re.compile(r"^\s*#\s*--8<--\s*\[(start|end):[\w-]+\]\s*$")
_ADMONITION = re.compile(r'^(\s*)(!!!|\?\?\?\+?)\s+(\w+)(?:\s+"([^"]*)")?\s*$')


class Blocks(list):
    """A page's list of blocks that also keeps, in :attr:`lines`, the line of ``build`` behind each.

    ``lines[i]`` is the line that the frame of the lesson's ``build`` was running when
    block ``i`` was appended (``None`` for a block added outside ``build``).
    """

    def __init__(self, source: Path):
        super().__init__()
        self.source = Path(source).resolve()
        self.lines: list[int | None] = []
        self._files: dict[str, bool] = {}

    def _is_lesson(self, filename: str) -> bool:
        if filename not in self._files:
            self._files[filename] = Path(filename).resolve() == self.source
        return self._files[filename]

    def append(self, block: dict) -> None:
        frame, line = inspect.currentframe(), None
        while frame is not None:
            code = frame.f_code
            if code.co_name == "build" and self._is_lesson(code.co_filename):
                line = frame.f_lineno
                break
            frame = frame.f_back
        del frame
        super().append(block)
        self.lines.append(line)


# ----------------------------------------------------------------------------------------------
# Reading the lesson file


def _dedent_lines(lines: list[str]) -> str:
    kept = [line for line in lines if not _MARKER.match(line)]
    text = textwrap.dedent("\n".join(kept)).strip("\n")
    return re.sub(r"\n{4,}", "\n\n\n", text)  # at most two blank lines


def _span(node: ast.stmt) -> tuple[int, int]:
    """First and last line of a statement, its decorators included."""
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return first, node.end_lineno or node.lineno


def _with_comments(lines: list[str], first: int, floor: int) -> int:
    """``first`` moved up over the comment lines just above it (1-based, not above ``floor``)."""
    while first - 1 > floor and lines[first - 2].strip().startswith("#") and not _MARKER.match(lines[first - 2]):
        first -= 1
    return first


def _regions(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Snippet regions of a file: name -> (first line inside, last line inside), 1-based."""
    starts, found = {}, {}
    for n, line in enumerate(lines, 1):
        m = re.match(r"^\s*#\s*--8<--\s*\[(start|end):([\w-]+)\]", line)
        if not m:
            continue
        if m.group(1) == "start":
            starts[m.group(2)] = n + 1
        elif m.group(2) in starts:
            found[m.group(2)] = (starts[m.group(2)], n - 1)
    return found


def _page_call(node: ast.stmt) -> ast.Call | None:
    """The ``page.method(...)`` call a statement is (or assigns), else None."""
    value = node.value if isinstance(node, (ast.Expr, ast.Assign, ast.AnnAssign)) else None
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and isinstance(value.func.value, ast.Name)
        and value.func.value.id == "page"
    ):
        return value
    return None


def _uses_page(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Name) and n.id == "page" for n in ast.walk(node))


def _arguments(call: ast.Call, method: str) -> dict[str, ast.expr]:
    """The AST of each argument of ``page.method(...)``, by parameter name."""
    from _lesson import Page

    signature = inspect.signature(getattr(Page, method))
    bound = signature.bind(None, *call.args, **{k.arg: k.value for k in call.keywords if k.arg})
    return {k: v for k, v in bound.arguments.items() if k != "self"}


# ----------------------------------------------------------------------------------------------
# Blocks -> cells


def markdown(text: str) -> str:
    """The page's Markdown as Jupyter renders it: admonitions (``!!! note "t"``) become quotes."""
    out: list[str] = []
    lines = text.split("\n")
    j = 0
    while j < len(lines):
        m = _ADMONITION.match(lines[j])
        if not m:
            out.append(lines[j])
            j += 1
            continue
        indent, kind, title = m.group(1), m.group(3), m.group(4)
        body: list[str] = []
        j += 1
        while j < len(lines) and (not lines[j].strip() or lines[j].startswith(indent + "    ")):
            body.append(lines[j][len(indent) + 4:] if lines[j].strip() else "")
            j += 1
        while body and not body[-1]:
            body.pop()
        head = f"**{title}**" if title is not None else f"**{kind.capitalize()}**"
        out.append(f"{indent}> {head}")
        out.append(f"{indent}>")
        out += [f"{indent}> {line}".rstrip() for line in markdown("\n".join(body).strip("\n")).split("\n")]
        if j < len(lines) and lines[j].strip():
            out.append("")
    return "\n".join(out)


def _fenced(code: str, title: str = "", lang: str = "python") -> str:
    head = f"`{title}`:\n\n" if title else ""
    return f"{head}```{lang}\n{code}\n```"


def _source(node: ast.AST) -> str:
    return ast.unparse(node)


def _call_on(obj: ast.expr, method: str, args: dict[str, ast.expr], names: tuple[str, ...]) -> str:
    target = _source(obj)
    if not isinstance(obj, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)):
        target = f"({target})"
    kwargs = ", ".join(f"{name}={_source(args[name])}" for name in names if name in args)
    return f"{target}.{method}({kwargs})"


class _Cells:
    """The notebook's cells as they are added: Markdown ones merge, code lines wait for a flush."""

    def __init__(self) -> None:
        self.cells: list[tuple[str, str]] = []
        self.code: list[str] = []

    def md(self, text: str) -> None:
        self.flush()
        if self.cells and self.cells[-1][0] == "markdown":
            self.cells[-1] = ("markdown", self.cells[-1][1] + "\n\n" + text)
        else:
            self.cells.append(("markdown", text))

    def add_code(self, lines: list[str]) -> None:
        """Source lines, as indented in the file: the cell is dedented as a whole."""
        self.code += lines

    def flush(self) -> None:
        text = _dedent_lines(self.code)
        if text.strip():
            self.cells.append(("code", text))
        self.code = []


def requirements(modules: dict[str, Any] | None = None) -> list[tuple[str, str | None]]:
    """Third-party packages a lesson imported beyond tracer's own, with tracer's extra that installs each.

    Read from ``sys.modules`` (the lesson has run in this process): returns
    ``(distribution, extra or None)`` pairs, sorted.
    """
    from importlib import metadata

    modules = sys.modules if modules is None else modules
    tops = {name.partition(".")[0] for name in modules}
    stdlib = set(sys.stdlib_module_names) | set(sys.builtin_module_names)
    owners = metadata.packages_distributions()
    ignored = BASE_MODULES | {"_lesson", "_notebook", "_reuse", "nbformat", "fastjsonschema", "jsonschema"}
    needed = set()
    for top in tops - stdlib - ignored:
        if top.startswith("_") or top not in owners:
            continue
        needed.update(owners[top])
    try:
        requires = metadata.requires("tracer") or []
    except metadata.PackageNotFoundError:
        requires = []
    base, extras = set(), {}
    for req in requires:
        name = re.split(r"[\s;<>=!~\[]", req, maxsplit=1)[0].lower()
        m = re.search(r'extra\s*==\s*["\']([\w-]+)["\']', req)
        if m:
            extras.setdefault(name, m.group(1))
        else:
            base.add(name)
    # only what one of tracer's extras provides: that is what a learner's kernel may lack
    return sorted((d, extras[d.lower()]) for d in needed if d.lower() in extras and d.lower() not in base)


def notebook(page: Any, modules: dict[str, Any] | None = None) -> Any:
    """The notebook of a lesson that has run: an ``nbformat`` v4 notebook, no outputs.

    Parameters
    ----------
    page : Page
        The page the lesson's ``build`` filled (its ``blocks`` a :class:`Blocks`).
    modules : dict, optional
        The modules the lesson imported (default ``sys.modules``), for what the first
        cell says the notebook needs (:func:`requirements`).

    Raises
    ------
    ValueError
        If a statement of ``build`` uses ``page`` in a way that has no notebook form.
    """
    import nbformat

    src = page.source.read_text(encoding="utf-8")
    lines = src.split("\n")
    tree = ast.parse(src, filename=str(page.source))
    build = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "build"), None)
    regions = _regions(lines)
    rel = page.source.name
    from _lesson import REPO

    cells = _Cells()

    # which block came from which statement of build
    body = build.body if build is not None else []
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    owners: dict[int, list[dict]] = {}
    stray: list[dict] = []
    line_of = getattr(page.blocks, "lines", [None] * len(page.blocks))
    for block, line in zip(page.blocks, line_of):
        owner = next((j for j, st in enumerate(body) if line is not None and _span(st)[0] <= line <= _span(st)[1]), None)
        (stray if owner is None else owners.setdefault(owner, [])).append(block)

    # module level: helpers in the first cell, lesson regions quoted by page.code where they are quoted
    quoted_here = set()
    for block in page.blocks:
        if block.get("type") == "code":
            path, _, name = block["region"].partition(":")
            if Path(path).name == rel and name in regions:
                quoted_here.add(name)
    build_span = _span(build) if build is not None else (0, -1)
    module_regions = {n: r for n, r in regions.items() if n in quoted_here and not build_span[0] <= r[0] <= build_span[1]}
    # a region moves to where the page quotes it unless something runs its names before that
    for name, (a, b) in list(module_regions.items()):
        inside = [n for n in tree.body if a <= _span(n)[0] and _span(n)[1] <= b]
        defined = {getattr(n, "name", None) for n in inside} | {
            t.id for n in inside if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
        quoted_at = next((j for j, st in enumerate(body) for blk in owners.get(j, [])
                          if blk.get("type") == "code" and blk["region"].endswith(f":{name}")), len(body))
        earlier = [*body[:quoted_at], *(n for n in tree.body if n is not build and n not in inside)]
        used = {x.id for st in earlier for x in ast.walk(st) if isinstance(x, ast.Name) and isinstance(x.ctx, ast.Load)}
        if defined & used:
            del module_regions[name]
    first: list[str] = []  # source lines
    floor, kept_last = 0, False
    for node in tree.body:
        start, end = _span(node)
        if node is tree.body[0] and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            floor = end
            continue
        skip = (
            node is build
            or isinstance(node, ast.ImportFrom) and node.module in ("_lesson", "__future__")
            or isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["TITLE"]
            or isinstance(node, ast.If) and "__name__" in _source(node.test)
            or any(r[0] <= start and end <= r[1] for r in module_regions.values())
        )
        if not skip:
            if kept_last:  # the lines between two kept statements stay as they are
                first += lines[floor:end]
            else:  # after a left-out statement: two blank lines around a definition, else one (PEP 8)
                if first:
                    first += [""] * (2 if isinstance(node, (ast.FunctionDef, ast.ClassDef)) else 1)
                first += lines[_with_comments(lines, start, floor) - 1 : end]
        kept_last = not skip
        floor = end

    requires = requirements(modules)
    needs = "only `tracer` installed"
    if requires:
        extra = ", ".join(f"`{d}`" + (f" (`pip install \"tracer[{x}]\"`)" if x else "") for d, x in requires)
        needs += f", and {extra}"
    cells.md(
        f"# {page.title}\n\n"
        f"The lesson *{page.title}* as a notebook, made from `lessons/{rel}` like its page. "
        f"Run the cells from top to bottom in a fresh kernel: it needs {needs}."
    )
    cells.add_code(first)
    cells.flush()

    indent = " " * (body[0].col_offset if body else 0)
    previous_was_code = False
    exercises = 0
    for j, st in enumerate(body):
        blocks = owners.get(j, [])
        call = _page_call(st)
        if call is None:
            if blocks or _uses_page(st):
                raise ValueError(
                    f"{page.slug}: line {st.lineno} of {rel} uses `page` inside a statement; for the notebook, "
                    f"call page.*(...) as a statement of its own at build()'s top level"
                )
            start, end = _span(st)
            before = _span(body[j - 1])[1] if j else build.lineno
            # the blank lines and comments between two statements of one cell stay as they are
            start = before + 1 if previous_was_code else _with_comments(lines, start, before)
            cells.add_code(lines[start - 1 : end])
            previous_was_code = True
            continue
        previous_was_code = False
        method = call.func.attr
        args = _arguments(call, method) if method in ("figure", "player") else {}
        for block in blocks:
            kind = block.get("type")
            if kind == "md":
                cells.md(markdown(block["text"]))
            elif kind == "code":
                path, _, name = block["region"].partition(":")
                if Path(path).name == rel and name in module_regions:
                    cells.flush()
                    a, b = module_regions[name]
                    cells.add_code(lines[a - 1 : b])
                    cells.flush()
                    continue
                if Path(path).name == rel and name in regions and build_span[0] <= regions[name][0] <= build_span[1]:
                    continue  # a region of build itself: its statements are the next code cell
                file = REPO / path
                text = file.read_text(encoding="utf-8").split("\n")
                a, b = _regions(text).get(name, (1, 0))
                cells.md(_fenced(_dedent_lines(text[a - 1 : b]), block.get("title") or path, block.get("lang") or ""))
            elif kind == "figure" and method == "figure":
                fig = args.get("fig")
                if fig is not None:
                    cells.add_code([indent + _source(fig)])
                cells.flush()
                if block.get("caption"):
                    cells.md(f"*{block['caption']}*")
            elif kind == "player" and method == "player":
                cells.add_code([indent + _call_on(args["trace"], "animate", args, ("steps", "channel"))])
                cells.flush()
            elif kind == "repl":
                code = []
                for region in block["regions"]:
                    path, _, name = region.partition(":")
                    text = (REPO / path).read_text(encoding="utf-8").split("\n")
                    a, b = _regions(text)[name]
                    code.append(_dedent_lines(text[a - 1 : b]))
                cells.md(
                    f"**{block.get('title', 'Try it in the REPL')}**: the lines of this lesson that draw its "
                    f"main figure, on their own (they are in the cells above too).\n\n"
                    + _fenced("\n\n".join(code))
                    + "\n\nIn a notebook, a cell ending in `fig` shows the figure (no magic, no pyplot); in a "
                    "plain Python REPL, save it with `fig.savefig(\"step.png\")` and open the file."
                )
            elif kind == "exercise":
                exercises += 1
                setup = f"{markdown(block['setup'])}\n\n" if block.get("setup") else ""
                cells.md(
                    f"{setup}<details>\n<summary><b>Exercise {exercises}:</b> {block['question']}</summary>\n\n"
                    f"{markdown(block['answer'])}\n\n</details>"
                )
            elif block.get("text"):
                cells.md(markdown(block["text"]))
    for block in stray:
        if block.get("type") == "md":
            cells.md(markdown(block["text"]))
    cells.flush()

    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    for n, (kind, text) in enumerate(cells.cells):
        maker = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        cell = maker(text)
        cell.id = f"cell-{n:03d}"  # fixed ids: the same lesson writes the same notebook
        nb.cells.append(cell)
    return nb


def write(page: Any, path: Path | None = None) -> Path:
    """Write the notebook of ``page`` to ``path`` (default ``<out>/<slug>.ipynb``); return the path."""
    import nbformat

    path = Path(path) if path is not None else page.out / f"{page.slug}.ipynb"
    nb = notebook(page)
    nbformat.validate(nb)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path
