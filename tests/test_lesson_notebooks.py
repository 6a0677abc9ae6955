"""Every lesson as a notebook (``lessons/_notebook.py``): how it is made, and every one run in a real kernel.

The notebooks come from the lesson runs of ``conftest.py`` (``lesson_runs``): each
lesson writes ``<name>.ipynb`` beside its page. Each runs top to bottom in a fresh
kernel of this interpreter (``notebook_runner``), two kernels at a time.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import sys
import textwrap
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")

REPO = Path(__file__).resolve().parent.parent
LESSONS = sorted(p.stem for p in (REPO / "lessons").glob("*.py") if not p.name.startswith("_"))
sys.path.insert(0, str(REPO / "lessons"))

import _lesson  # noqa: E402  (lessons/ is a folder of scripts, not a package)
import _notebook  # noqa: E402


def read(out: Path, name: str):
    return nbformat.read(out / f"{name}.ipynb", as_version=4)


def code_cells(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


# -- the notebooks the lessons wrote -------------------------------------------------------------


@pytest.mark.parametrize("name", LESSONS)
def test_each_lesson_writes_a_valid_notebook_without_outputs(lesson_runs, name):
    out, runs = lesson_runs
    assert runs[name].returncode == 0, runs[name].stderr
    nb = read(out, name)
    nbformat.validate(nb)
    title = json.loads((out / name / "page.json").read_text(encoding="utf-8"))["title"]
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith(f"# {title}\n")
    assert nb.metadata.kernelspec.name == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    # the page links it
    page = (out / f"{name}.md").read_text(encoding="utf-8")
    assert f"[Open this lesson as a notebook]({name}.ipynb)" in page.split("\n\n")[1]


@pytest.mark.parametrize("name", LESSONS)
def test_a_lesson_notebook_has_no_page_and_imports_only_tracer_and_its_dependencies(lesson_runs, name):
    out, _ = lesson_runs
    nb = read(out, name)
    sources = code_cells(nb)
    allowed = set(_notebook.BASE_MODULES) | set(sys.stdlib_module_names)
    for src in sources:
        tree = ast.parse(src)  # every cell is Python on its own
        assert not any(isinstance(n, ast.Name) and n.id == "page" for n in ast.walk(tree)), src
        assert not any(_notebook._MARKER.match(line) for line in src.split("\n")), src  # no snippet marker line
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                tops = {a.name.partition(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                tops = {(node.module or "").partition(".")[0]}
            else:
                continue
            assert tops <= allowed, f"{name}.ipynb imports {tops - allowed}"


@pytest.mark.parametrize("name", LESSONS)
def test_a_lesson_notebook_shows_each_figure_and_player_of_its_page(lesson_runs, name):
    """One code cell per ``page.player(...)`` ends in ``.animate(...)``; every figure caption is a Markdown line."""
    out, _ = lesson_runs
    nb = read(out, name)
    blocks = json.loads((out / name / "page.json").read_text(encoding="utf-8"))["blocks"]
    tree = ast.parse((REPO / "lessons" / f"{name}.py").read_text(encoding="utf-8"))
    players = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and ast.unparse(n.func) == "page.player"]
    last_lines = [src.split("\n")[-1] for src in code_cells(nb)]
    assert sum(".animate(" in line for line in last_lines) == len(players)
    markdown = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for block in blocks:
        if block["type"] == "figure" and block["caption"]:
            assert f"*{block['caption']}*" in markdown
        if block["type"] == "md":
            assert _notebook.markdown(block["text"]) in markdown


def test_the_capstone_notebook_says_it_needs_scikit_learn(lesson_runs):
    out, _ = lesson_runs
    assert 'scikit-learn' in read(out, "capstone").cells[0].source
    assert 'pip install "tracer[capstone]"' in read(out, "capstone").cells[0].source
    assert "only `tracer` installed." in read(out, "padding").cells[0].source


def test_a_region_of_the_lesson_file_is_a_code_cell_where_the_page_quotes_it(lesson_runs):
    """check_implementation quotes its own learner functions: they are code cells there, not in the first cell."""
    out, _ = lesson_runs
    sources = code_cells(read(out, "check_implementation"))
    assert "def pool_backward(" not in sources[0]
    (cell,) = [s for s in sources if s.startswith("def pool_backward(dA, cache")]
    later = sources[sources.index(cell) + 1]
    assert later.startswith("report = tracer.check(pool_backward)")


# -- how a lesson becomes a notebook, on a lesson small enough to write the result out --------------


TINY = '''\
"""A tiny lesson."""

# --8<-- [start:imports]
import numpy as np

import tracer
# --8<-- [end:imports]
from _lesson import Page, run

TITLE = "Tiny"

SIZE = 3


def helper(x):
    return x + 1


def build(page: Page) -> None:
    page.md("""
        Some prose.

        !!! note "A note"
            Inside the note.
    """)
    # a comment above the code
    x = np.arange(SIZE * SIZE, dtype=float).reshape(1, SIZE, SIZE, 1)

    # --8<-- [start:repl]
    with tracer.record() as trace:
        x_pad = tracer.zero_pad(x, 1)
    # --8<-- [end:repl]
    page.md(f"The padded shape is {x_pad.shape}.")
    fig = trace.plot(0)
    page.figure(fig, "pad", "the padded input", "A caption.")
    page.player(trace.where("pad"), "steps", "steps", steps=[0])
    page.figure(trace.plot(0), "again", "the same")


if __name__ == "__main__":
    run(build, __file__, TITLE)
'''


def run_tiny(tmp_path: Path, source: str = TINY):
    path = tmp_path / "tiny.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("tiny_lesson", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    page = _lesson.Page("tiny", "Tiny", path, tmp_path / "out")
    module.build(page)
    return page


def test_a_tiny_lesson_becomes_these_cells(tmp_path):
    page = run_tiny(tmp_path)
    assert page.blocks.lines == [20, 33, 35, 36, 37]  # the line of build behind each block
    nb = _notebook.notebook(page, modules={"numpy": None, "tracer": None})
    cells = [(c.cell_type, c.source) for c in nb.cells]
    assert cells == [
        ("markdown", "# Tiny\n\nThe lesson *Tiny* as a notebook, made from `lessons/tiny.py` like its page. "
                     "Run the cells from top to bottom in a fresh kernel: it needs only `tracer` installed."),
        ("code", "import numpy as np\n\nimport tracer\n\nSIZE = 3\n\n\ndef helper(x):\n    return x + 1"),
        ("markdown", "Some prose.\n\n> **A note**\n>\n> Inside the note."),
        ("code", "# a comment above the code\nx = np.arange(SIZE * SIZE, dtype=float).reshape(1, SIZE, SIZE, 1)\n\n"
                 "with tracer.record() as trace:\n    x_pad = tracer.zero_pad(x, 1)"),
        ("markdown", "The padded shape is (1, 5, 5, 1)."),
        ("code", "fig = trace.plot(0)\nfig"),
        ("markdown", "*A caption.*"),
        ("code", "trace.where('pad').animate(steps=[0])"),
        ("code", "trace.plot(0)"),
    ]
    assert [c.id for c in nb.cells] == [f"cell-{n:03d}" for n in range(len(cells))]
    nbformat.validate(nb)


def test_a_page_call_inside_a_loop_has_no_notebook_form(tmp_path):
    source = TINY.replace('    page.md(f"The padded shape is {x_pad.shape}.")',
                          '    for n in range(2):\n        page.md(f"Part {n}.")')
    page = run_tiny(tmp_path, source)
    with pytest.raises(ValueError, match=r"line 33 of tiny.py uses `page` inside a statement"):
        _notebook.notebook(page, modules={})


def test_admonitions_become_quotes_and_the_rest_stays():
    text = textwrap.dedent("""\
        Before.

        !!! warning "Two traps"
            - one
            - two

            More.
        After, with $x^2$ and a table:

        | a | b |
        |---|---|""")
    assert _notebook.markdown(text) == textwrap.dedent("""\
        Before.

        > **Two traps**
        >
        > - one
        > - two
        >
        > More.

        After, with $x^2$ and a table:

        | a | b |
        |---|---|""")
    assert _notebook.markdown("!!! tip\n    Short.") == "> **Tip**\n>\n> Short."


def test_requirements_name_what_an_extra_installs():
    import types

    assert _notebook.requirements({"numpy": types, "matplotlib.figure": types, "json": types}) == []
    if importlib.util.find_spec("sklearn") is not None:
        assert _notebook.requirements({"sklearn.datasets": types}) == [("scikit-learn", "capstone")]


# -- every lesson notebook in a real kernel -----------------------------------------------------


@pytest.fixture(scope="module")
def executed(lesson_runs, notebook_runner):
    """Every lesson's notebook run in its own fresh kernel, two at a time: ``{name: (nb, seconds)}``."""
    out, runs = lesson_runs
    notebooks = {name: read(out, name) for name in LESSONS if runs[name].returncode == 0}
    return notebook_runner.run_many(notebooks, workers=2, timeout=600)


@pytest.mark.parametrize("name", LESSONS)
def test_every_lesson_notebook_runs_top_to_bottom_in_a_fresh_kernel(executed, name):
    result = executed[name]
    if isinstance(result, BaseException):
        raise result
    nb, seconds = result
    print(f"{name}.ipynb ran in {seconds:.1f} s")
    ran = [c for c in nb.cells if c.cell_type == "code"]
    assert ran and all(c.execution_count is not None for c in ran)
    errors = [o for c in ran for o in c.outputs if o.output_type == "error"]
    assert errors == []
    for cell in ran:  # what the cells show, with no magic and no pyplot: figures as images, players as HTML
        last = cell.source.rstrip().split("\n")[-1]
        shown = [o.data for o in cell.outputs if o.output_type in ("execute_result", "display_data")]
        if ".animate(" in last:
            assert any('class="tracer-nbp"' in d.get("text/html", "") for d in shown), cell.source
        elif last == "fig" or last.startswith("trace.plot("):
            assert any("image/png" in d for d in shown), cell.source
