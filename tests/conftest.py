"""Shared test cases for the core: every shape of convolution and pooling a learner can hit.

A test that takes a ``conv_case`` or ``pool_case`` argument runs once per case
below (see :func:`pytest_generate_tests`). Centred finite differences come as
the ``numerical_gradient`` fixture.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

import tracer
from render_cases import grid_10ij
from tracer.gradcheck import numeric_gradient


@dataclass(frozen=True)
class ConvCase:
    """A convolution: A_prev ``(m, n_H_prev, n_W_prev, n_C_prev)``, W ``(f, f, n_C_prev, n_C)``.

    ``dilation`` None: the course's hparameters, without a ``"dilation"`` key.
    """

    m: int
    n_H_prev: int
    n_W_prev: int
    n_C_prev: int
    f: int
    n_C: int
    stride: int
    pad: int
    dilation: int | None = None

    @property
    def out_shape(self) -> tuple[int, int, int, int]:
        span = (self.dilation or 1) * (self.f - 1) + 1  # rows a window spans
        n_H = (self.n_H_prev + 2 * self.pad - span) // self.stride + 1
        n_W = (self.n_W_prev + 2 * self.pad - span) // self.stride + 1
        return (self.m, n_H, n_W, self.n_C)

    def arrays(self, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
        """Random ``(A_prev, W, b, hparameters)`` for this case."""
        rng = np.random.default_rng(seed)
        A_prev = rng.standard_normal((self.m, self.n_H_prev, self.n_W_prev, self.n_C_prev))
        W = rng.standard_normal((self.f, self.f, self.n_C_prev, self.n_C))
        b = rng.standard_normal((1, 1, 1, self.n_C))
        hp = {"stride": self.stride, "pad": self.pad}
        if self.dilation is not None:
            hp["dilation"] = self.dilation
        return A_prev, W, b, hp

    def __str__(self) -> str:
        return (
            f"A{self.m}x{self.n_H_prev}x{self.n_W_prev}x{self.n_C_prev}"
            f"-f{self.f}-C{self.n_C}-s{self.stride}-p{self.pad}"
            + ("" if self.dilation is None else f"-d{self.dilation}")
        )


@dataclass(frozen=True)
class TransposeCase:
    """A transposed convolution: A_prev ``(m, n_H_prev, n_W_prev, n_C_prev)``, W ``(f, f, n_C_prev, n_C)``."""

    m: int
    n_H_prev: int
    n_W_prev: int
    n_C_prev: int
    f: int
    n_C: int
    stride: int
    pad: int
    output_padding: int | None = None

    @property
    def out_shape(self) -> tuple[int, int, int, int]:
        op = self.output_padding or 0
        n_H = (self.n_H_prev - 1) * self.stride - 2 * self.pad + self.f + op
        n_W = (self.n_W_prev - 1) * self.stride - 2 * self.pad + self.f + op
        return (self.m, n_H, n_W, self.n_C)

    def arrays(self, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
        """Random ``(A_prev, W, b, hparameters)`` for this case."""
        rng = np.random.default_rng(seed)
        A_prev = rng.standard_normal((self.m, self.n_H_prev, self.n_W_prev, self.n_C_prev))
        W = rng.standard_normal((self.f, self.f, self.n_C_prev, self.n_C))
        b = rng.standard_normal((1, 1, 1, self.n_C))
        hp = {"stride": self.stride, "pad": self.pad}
        if self.output_padding is not None:
            hp["output_padding"] = self.output_padding
        return A_prev, W, b, hp

    def __str__(self) -> str:
        return (
            f"A{self.m}x{self.n_H_prev}x{self.n_W_prev}x{self.n_C_prev}"
            f"-f{self.f}-C{self.n_C}-s{self.stride}-p{self.pad}"
            + ("" if self.output_padding is None else f"-op{self.output_padding}")
        )


@dataclass(frozen=True)
class PoolCase:
    """A pooling layer over A_prev ``(m, n_H_prev, n_W_prev, n_C)`` with an ``f x f`` window."""

    m: int
    n_H_prev: int
    n_W_prev: int
    n_C: int
    f: int
    stride: int

    @property
    def out_shape(self) -> tuple[int, int, int, int]:
        n_H = (self.n_H_prev - self.f) // self.stride + 1
        n_W = (self.n_W_prev - self.f) // self.stride + 1
        return (self.m, n_H, n_W, self.n_C)

    def arrays(self, seed: int = 0, distinct: bool = False) -> tuple[np.ndarray, dict]:
        """Random ``(A_prev, hparameters)``; ``distinct=True`` spaces every value 0.5 apart (no ties)."""
        rng = np.random.default_rng(seed)
        shape = (self.m, self.n_H_prev, self.n_W_prev, self.n_C)
        if distinct:
            A_prev = rng.permutation(int(np.prod(shape))).reshape(shape) * 0.5 - 3.0
        else:
            A_prev = rng.standard_normal(shape)
        return A_prev, {"f": self.f, "stride": self.stride}

    def __str__(self) -> str:
        return f"A{self.m}x{self.n_H_prev}x{self.n_W_prev}x{self.n_C}-f{self.f}-s{self.stride}"


CONV_CASES = [
    ConvCase(1, 3, 3, 1, 1, 1, 1, 0),  # 1x1 filter
    ConvCase(2, 5, 7, 3, 3, 4, 1, 0),  # pad 0, non-square
    ConvCase(2, 5, 7, 4, 3, 8, 2, 1),  # the course's forward case
    ConvCase(2, 6, 5, 2, 2, 3, 1, 1),  # even filter, pad 1
    ConvCase(3, 7, 6, 2, 4, 2, 3, 2),  # even filter, stride 3, pad 2
    ConvCase(1, 4, 4, 1, 4, 1, 1, 0),  # the window is the whole input
    ConvCase(2, 5, 4, 3, 2, 2, 2, 0),  # stride 2, pad 0, even filter, non-square
    ConvCase(1, 8, 5, 2, 3, 2, 3, 0),  # stride 3, rows and columns left over
    ConvCase(2, 4, 4, 3, 2, 3, 2, 2),  # the course's backward case, smaller
    ConvCase(2, 5, 6, 8, 3, 3, 2, 1),  # 8 input channels (tracer.fast's other path), stride 2
    ConvCase(1, 5, 5, 9, 2, 2, 1, 0),  # 9 input channels, even filter, pad 0
]

# d = 2 and 3, stride 1 to 3, pad 0 to 2, even filters, several examples and channels
DILATED_CASES = [
    ConvCase(2, 7, 8, 3, 3, 4, 1, 0, dilation=2),  # spans 5x5, pad 0
    ConvCase(2, 9, 7, 2, 2, 3, 2, 1, dilation=3),  # even filter spanning 4x4, stride 2
    ConvCase(1, 8, 9, 4, 3, 2, 3, 2, dilation=2),  # stride 3, pad 2, rows and columns left over
    ConvCase(3, 6, 6, 2, 2, 2, 1, 2, dilation=2),  # even filter, pad 2
    ConvCase(2, 10, 9, 8, 3, 3, 1, 1, dilation=3),  # 8 input channels, spans 7x7
    ConvCase(1, 7, 7, 1, 3, 1, 2, 0, dilation=3),  # the span is the whole input
    ConvCase(2, 6, 7, 3, 4, 2, 2, 1, dilation=2),  # even filter of 4, spans 7x7
    ConvCase(2, 5, 6, 9, 2, 2, 3, 1, dilation=3),  # 9 input channels, stride 3
    ConvCase(1, 5, 5, 2, 3, 2, 1, 1, dilation=1),  # the key given, with d = 1
]

# stride 1 to 3, pad 0 to 2, output_padding 0 to 2, even filters, overlapping blocks and gaps
TRANSPOSE_CASES = [
    TransposeCase(1, 2, 2, 1, 3, 1, 2, 0),  # f 3 at stride 2: blocks overlap by one row and column
    TransposeCase(2, 3, 4, 2, 3, 3, 2, 1, 1),  # pad 1, output_padding 1, non-square
    TransposeCase(2, 3, 3, 3, 2, 2, 2, 0, 0),  # even filter at its own stride: no overlap
    TransposeCase(1, 4, 3, 2, 4, 2, 3, 2, 2),  # stride 3, pad 2, output_padding 2, even filter
    TransposeCase(2, 3, 3, 2, 3, 2, 1, 1),  # stride 1, pad 1: the size is kept
    TransposeCase(1, 2, 3, 1, 1, 2, 2, 0, 1),  # 1x1 filter: gaps between the cells
    TransposeCase(2, 4, 4, 8, 3, 3, 2, 2, 1),  # 8 input channels, pad 2
    TransposeCase(1, 3, 2, 2, 2, 1, 3, 0),  # stride larger than the filter: gaps
    TransposeCase(1, 2, 2, 1, 5, 1, 1, 2),  # f 5, pad 2
]

POOL_CASES = [
    PoolCase(2, 5, 5, 3, 3, 1),  # the course's case
    PoolCase(2, 4, 6, 2, 2, 2),  # non-overlapping, non-square
    PoolCase(1, 7, 5, 2, 3, 2),  # overlapping windows, stride 2
    PoolCase(2, 7, 8, 1, 2, 3),  # stride larger than the window: cells skipped
    PoolCase(1, 3, 3, 1, 1, 1),  # 1x1 window
    PoolCase(1, 4, 4, 2, 4, 1),  # the window is the whole input
    PoolCase(1, 6, 7, 2, 3, 3),  # stride 3, rows and columns left over
]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "conv_case" in metafunc.fixturenames:
        metafunc.parametrize("conv_case", CONV_CASES, ids=str)
    if "pool_case" in metafunc.fixturenames:
        metafunc.parametrize("pool_case", POOL_CASES, ids=str)
    if "dilated_case" in metafunc.fixturenames:
        metafunc.parametrize("dilated_case", DILATED_CASES, ids=str)
    if "transpose_case" in metafunc.fixturenames:
        metafunc.parametrize("transpose_case", TRANSPOSE_CASES, ids=str)


def _numerical_gradient(fun: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Centred differences of the scalar ``fun(x)`` for every entry of (a float copy of) ``x``.

    :func:`tracer.gradcheck.numeric_gradient` on a copy; that function is itself checked
    against gradients known by hand in ``tests/test_gradcheck.py``.
    """
    x = np.array(x, dtype=float)
    return numeric_gradient(lambda: fun(x), x, eps)


@pytest.fixture
def numerical_gradient() -> Callable[..., np.ndarray]:
    """Centred finite differences of a scalar function of one array."""
    return _numerical_gradient


# ----------------------------------------------------------------------------------------------
# The checker's tests: learners' files, and the first failing case of a report


@pytest.fixture
def learner() -> Callable[[str], Any]:
    """``learner("no_stride")`` imports ``tests/learner_solutions/no_stride.py`` as its own module."""
    import importlib.util
    from pathlib import Path

    folder = Path(__file__).resolve().parent / "learner_solutions"

    def load(stem: str) -> Any:
        spec = importlib.util.spec_from_file_location(f"learner_{stem}", folder / f"{stem}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load


@pytest.fixture
def first_failure() -> Callable[[Any], Any]:
    """``first_failure(report)``: the report's first failing CaseResult, asserting there is one."""

    def first(report: Any) -> Any:
        failure = report.first_failure
        assert failure is not None, f"expected a failure, got {report!r}"
        return failure

    return first


# ----------------------------------------------------------------------------------------------
# Every lesson run once, as a reader would run it: shared by tests/test_lessons.py and
# tests/test_lesson_notebooks.py.


@pytest.fixture(scope="session")
def lesson_runs(tmp_path_factory: pytest.TempPathFactory):
    """``python lessons/<name>.py --out DIR`` for every lesson, two at a time, each in its own process.

    Returns ``(DIR, {name: CompletedProcess})``.
    """
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    names = sorted(p.stem for p in (repo / "lessons").glob("*.py") if not p.name.startswith("_"))
    out = tmp_path_factory.mktemp("lessons")

    def run(name: str):
        return name, subprocess.run(
            [sys.executable, str(repo / "lessons" / f"{name}.py"), "--out", str(out)],
            cwd=tmp_path_factory.getbasetemp(), capture_output=True, text=True, timeout=300,
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = dict(pool.map(run, names))
    return out, runs


# ----------------------------------------------------------------------------------------------
# The built site, shared by tests/test_scripts.py and tests/test_site.py: built once per session.


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory):
    """Run ``scripts/build_site.py`` (incremental figures, pages, ``mkdocs build --strict``) once.

    Returns ``(site_dir, output)``: the built site, in a temporary folder, and what the build printed.
    """
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    site = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, str(repo / "scripts" / "build_site.py"), "--site-dir", str(site)],
        cwd=repo, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, f"the site build failed:\n{proc.stdout}\n{proc.stderr}"
    return site, proc.stdout


# -- traces drawn by the tests of tracer.render (tests/test_render_*.py) -------------------------


@pytest.fixture(scope="module")
def conv_trace():
    """conv_forward of 10*i + j (3x3), W = [[1, 0], [0, -1]], b = 0.5, pad 1, stride 1: Z is 4x4."""
    W = np.array([[1.0, 0.0], [0.0, -1.0]]).reshape(2, 2, 1, 1)
    with tracer.record() as t:
        Z, cache = tracer.conv_forward(grid_10ij(3, 3), W, np.full((1, 1, 1, 1), 0.5), {"stride": 1, "pad": 1})
    return t


@pytest.fixture(scope="module")
def conv_back_trace():
    """conv_backward: A_prev 10*i + j (3x3), W = [[1, 2], [3, 4]], pad 0, stride 1, dZ = [[1, 0], [0, 2]]."""
    W = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(2, 2, 1, 1)
    cache = (grid_10ij(3, 3), W, np.zeros((1, 1, 1, 1)), {"stride": 1, "pad": 0})
    with tracer.record() as t:
        tracer.conv_backward(np.array([[1.0, 0.0], [0.0, 2.0]]).reshape(1, 2, 2, 1), cache)
    return t


@pytest.fixture(scope="module")
def standalone_trace():
    """zero_pad, conv_single_step, create_mask_from_window (a tie) and distribute_value."""
    with tracer.record() as t:
        tracer.zero_pad(grid_10ij(2, 2), 1)
        tracer.conv_single_step(np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(2, 2, 1),
                                np.array([[1.0, -1.0], [2.0, 0.0]]).reshape(2, 2, 1), np.full((1, 1, 1), 0.5))
        tracer.create_mask_from_window(np.array([[1.0, 3.0], [3.0, 2.0]]))
        tracer.distribute_value(2.0, (2, 2))
    return t


@pytest.fixture(scope="module")
def pool_back_max_trace():
    """pool_backward max over [[1, 3], [3, 2]] (a tie), dA = 4."""
    A_prev = np.array([[1.0, 3.0], [3.0, 2.0]]).reshape(1, 2, 2, 1)
    with tracer.record() as t:
        tracer.pool_backward(np.full((1, 1, 1, 1), 4.0), (A_prev, {"f": 2, "stride": 2}), mode="max")
    return t


@pytest.fixture(scope="module")
def pool_back_avg_trace():
    """pool_backward average over a 4x4 input, f 2, stride 2, dA = [[1, 2], [3, 4]]."""
    with tracer.record() as t:
        tracer.pool_backward(np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1),
                             (np.zeros((1, 4, 4, 1)), {"f": 2, "stride": 2}), mode="average")
    return t


# ----------------------------------------------------------------------------------------------
# Notebooks in a real kernel: ipykernel in this virtual environment, driven by nbclient.


class NotebookRunner:
    """Runs notebooks, each in a fresh kernel of this interpreter, with a time limit per cell.

    The kernel is the project's own Python (a kernelspec written for ``sys.executable``,
    so no other installed kernel can stand in), started in an empty folder, with no
    magic and nothing imported: what a learner gets from "New notebook".
    """

    def __init__(self, kernel_dirs: list[str], workdir: Any):
        self.kernel_dirs = kernel_dirs
        self.workdir = workdir

    def __repr__(self) -> str:
        return f"<NotebookRunner kernel {self.KERNEL!r} from {self.kernel_dirs[0]}>"

    KERNEL = "tracer-test-venv"

    async def run_async(self, nb: Any, timeout: float = 300, name: str = "notebook") -> tuple[Any, float]:
        """Execute ``nb`` (a notebook, or a list of code cell sources); return it executed and the seconds taken.

        Raises
        ------
        AssertionError
            When a cell raises (its source and the traceback in the message) or runs past ``timeout``.
        """
        import re
        import time

        import nbformat
        from jupyter_client import AsyncKernelManager
        from jupyter_client.kernelspec import KernelSpecManager
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError

        if isinstance(nb, list):
            nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in nb])
        cwd = self.workdir.mktemp(name)
        sockets = self.workdir.mktemp("sockets")  # local sockets, not TCP ports, outside the notebook's folder
        km = AsyncKernelManager(kernel_name=self.KERNEL, kernel_spec_manager=KernelSpecManager(kernel_dirs=self.kernel_dirs),
                                transport="ipc", ip=str(sockets / "kernel"))
        client = NotebookClient(nb, km=km, timeout=timeout, startup_timeout=120, kernel_name=self.KERNEL,
                                resources={"metadata": {"path": str(cwd)}})
        t0 = time.perf_counter()
        try:
            await client.async_execute()
        except (CellExecutionError, CellTimeoutError) as err:
            plain = re.sub(r"\x1b\[[0-9;]*m", "", str(err))  # the traceback without its colours
            raise AssertionError(f"{name}: a cell failed in the kernel:\n{plain}") from None
        finally:
            if await km.is_alive():
                await km.shutdown_kernel(now=True)
            await km.cleanup_resources()
        return nb, time.perf_counter() - t0

    def run(self, nb: Any, timeout: float = 300, name: str = "notebook") -> Any:
        """:meth:`run_async`, waited for: the executed notebook."""
        import asyncio

        return asyncio.run(self.run_async(nb, timeout, name))[0]

    def run_many(self, notebooks: dict[str, Any], workers: int = 2, timeout: float = 300) -> dict[str, Any]:
        """Execute several notebooks, ``workers`` kernels at a time.

        Returns ``{name: (executed notebook, seconds)}``, or ``{name: exception}`` for one that failed.
        """
        import asyncio

        async def all_of_them() -> dict[str, Any]:
            gate = asyncio.Semaphore(workers)

            async def one(name: str, nb: Any) -> tuple[str, Any]:
                async with gate:
                    try:
                        return name, await self.run_async(nb, timeout, name)
                    except Exception as err:  # reported by the test of that notebook
                        return name, err

            return dict(await asyncio.gather(*(one(n, nb) for n, nb in notebooks.items())))

        return asyncio.run(all_of_them())


@pytest.fixture(scope="session")
def notebook_runner(tmp_path_factory: pytest.TempPathFactory) -> NotebookRunner:
    """A :class:`NotebookRunner`; skips without ipykernel and nbclient, unless CI is set."""
    import json
    import os
    import sys

    for module in ("ipykernel", "nbclient", "nbformat"):
        try:
            __import__(module)
        except ImportError:
            if os.environ.get("CI"):
                pytest.fail(f"{module} is missing and CI is set: install the test extra (pip install -e '.[test]')")
            pytest.skip(f"{module} is not installed (the test extra has it)")
    kernels = tmp_path_factory.mktemp("kernels")
    spec = kernels / NotebookRunner.KERNEL
    spec.mkdir()
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "tracer (test)",
        "language": "python",
    }))
    return NotebookRunner([str(kernels)], tmp_path_factory)
