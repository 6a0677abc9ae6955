"""The package's front door (tracer/__init__.py): what ``import tracer`` gives, and what it costs."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import tracer

COURSE_FUNCTIONS = [
    "zero_pad", "conv_single_step", "conv_forward", "conv_backward", "pool_forward", "pool_backward",
    "create_mask_from_window", "distribute_value",
    "initialize_parameters", "initialize_parameters_deep", "sigmoid", "relu", "sigmoid_backward", "relu_backward",
    "linear_forward", "linear_activation_forward", "L_model_forward", "compute_cost", "linear_backward",
    "linear_activation_backward", "L_model_backward", "update_parameters",
]


def test_all_lists_the_course_functions_in_course_order_then_the_recording_api():
    assert tracer.__all__[: len(COURSE_FUNCTIONS)] == COURSE_FUNCTIONS
    assert {"record", "Trace", "Call", "Step", "TraceLimitError", "check", "CheckReport"} <= set(tracer.__all__)
    assert len(set(tracer.__all__)) == len(tracer.__all__)


def test_every_name_in_all_is_there_and_is_the_submodules_own():
    for name in tracer.__all__:
        assert hasattr(tracer, name), name
    for module in (tracer.conv, tracer.pool, tracer.network, tracer.transpose):
        for name in module.__all__:
            assert getattr(tracer, name) is getattr(module, name), (module.__name__, name)


def test_import_tracer_loads_no_drawing_library():
    code = "import sys, tracer; print(sorted(m for m in ('matplotlib', 'PIL') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# -- the layout: what imports what ---------------------------------------------------------------

PACKAGE = Path(tracer.__file__).parent
MODULES = {
    ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts[:-1] if p.name == "__init__.py"
             else p.relative_to(PACKAGE.parent).with_suffix("").parts): p
    for p in sorted(PACKAGE.rglob("*.py"))
}


def imports(module: str) -> list[tuple[str, str]]:
    """``(imported module, where)`` for each import of ``module``, ``where`` the enclosing function ("" at
    module level); imports under ``if TYPE_CHECKING:`` are left out (they never run)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, str]] = []

    def visit(nodes: list[ast.stmt], where: str) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                visit(node.orelse, where)
                continue
            if isinstance(node, ast.Import):
                found.extend((a.name, where) for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
                for a in node.names:  # "from pkg import submodule" needs the submodule, else the module itself
                    found.append((f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base, where))
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(node, field, None)
                if isinstance(inner, list) and not isinstance(node, ast.If | ast.Import | ast.ImportFrom):
                    name = node.name if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) else ""
                    visit(inner, ".".join(filter(None, (where, name))))
                elif isinstance(node, ast.If) and isinstance(inner, list):
                    visit(inner, where)

    visit(ast.parse(path.read_text(encoding="utf-8")).body, "")
    return found


def test_the_import_parser_sees_module_level_and_lazy_imports():
    found = imports("tracer.recording")
    assert ("numpy", "") in found and ("tracer.events", "") in found and ("tracer.views", "") in found
    found = imports("tracer.views")
    assert ("tracer.render", "TraceViews.plot") in found and ("tracer.text", "TraceViews.text") in found
    assert ("matplotlib.figure", "") not in imports("tracer.checker.report")  # under TYPE_CHECKING only


def test_matplotlib_and_pillow_are_imported_under_tracer_render_only():
    drawing = ("matplotlib", "PIL")
    for module in MODULES:
        found = [(name, where) for name, where in imports(module) if name.split(".")[0] in drawing]
        if module == "tracer.render" or module.startswith("tracer.render."):
            continue
        assert not found, f"{module} imports {found}: drawing belongs under tracer/render/"
    assert any(where == "" for name, where in imports("tracer.render.renderer") if name.startswith("matplotlib"))


def test_no_import_cycle_but_through_the_trace_methods_that_import_when_called():
    edges: dict[str, set[str]] = {m: set() for m in MODULES}
    for module in MODULES:
        for name, where in imports(module):
            if name not in MODULES or name == module or module.startswith(name + "."):
                continue  # outside tracer, or a package its own submodule sits in (imported first anyway)
            if module == "tracer.views" and where.startswith("TraceViews."):
                method = getattr(tracer.Trace, where.split(".")[1])
                assert f"Imports :mod:`{name}`" in (method.__doc__ or ""), (
                    f"Trace.{method.__name__} imports {name} when called: its docstring must say so")
                continue
            edges[module].add(name)
    state: dict[str, int] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for nxt in sorted(edges[module]):
            assert state.get(nxt) != 1, "import cycle: " + " -> ".join(path[path.index(nxt):] + [module, nxt])
            if nxt not in state:
                visit(nxt, path + [module])
        state[module] = 2

    for module in MODULES:
        if module not in state:
            visit(module, [])


def test_no_private_matplotlib_name_in_tracer():
    drawing = {m for m in MODULES if any(n.split(".")[0] in ("matplotlib", "PIL") for n, _ in imports(m))}
    assert "tracer.render.glyphs" in drawing
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("matplotlib", "PIL")):
                names = node.module.split(".") + [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                names = [part for a in node.names if a.name.startswith(("matplotlib", "PIL"))
                         for part in a.name.split(".")]
            elif (module in drawing and isinstance(node, ast.Attribute) and node.attr.startswith("_")
                  and not node.attr.startswith("__")):
                # in the modules that handle matplotlib's objects, tracer's own classes keep their state on
                # self: any other attribute with a leading underscore would be matplotlib's or Pillow's
                if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                    names = [node.attr]
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            assert not private, f"{module}, line {node.lineno}: private name {private[0]}"
