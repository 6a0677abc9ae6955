"""Tests of tracer.checker.notebook: a learner's notebook is checked as it is, its definitions only.

The fixture notebooks start as the course's do: ``import h5py``, ``from
public_tests import *``, ``%matplotlib inline``, ``%load_ext autoreload``, and
a test call after each graded function; none of that exists here, and none of
it may run. Each has correct and buggy graded functions.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat

import tracer
from tracer import cli
from tracer.checker.notebook import definitions, is_exported_notebook

REPO = Path(__file__).resolve().parent.parent

CONV_CELLS = [
    "import numpy as np\nimport h5py\nimport matplotlib.pyplot as plt\nfrom public_tests import *\n\n"
    "%matplotlib inline\nplt.rcParams['figure.figsize'] = (5.0, 4.0)\n\n%load_ext autoreload\n%autoreload 2\n\n"
    "np.random.seed(1)",
    "# GRADED FUNCTION: zero_pad\n\ndef zero_pad(X, pad):\n"
    "    X_pad = np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode='constant', constant_values=(0, 0))\n"
    "    return X_pad",
    "np.random.seed(1)\nx = np.random.randn(4, 3, 3, 2)\nx_pad = zero_pad(x, 3)\nzero_pad_test(zero_pad)\n"
    "fig, axarr = plt.subplots(1, 2)\naxarr[0].imshow(x[0, :, :, 0])",
    "# GRADED FUNCTION: conv_single_step\n\ndef conv_single_step(a_slice_prev, W, b):\n"
    "    s = np.multiply(a_slice_prev, W)\n    Z = np.sum(s)\n    Z = Z + b.item()\n    return Z",
    "conv_single_step_test(conv_single_step)",
    "# a first try, replaced by the graded cell below\ndef conv_forward(A_prev, W, b, hparameters):\n"
    "    raise NotImplementedError",
    "# GRADED FUNCTION: conv_forward\n\ndef conv_forward(A_prev, W, b, hparameters):\n"
    "    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape\n    (f, f, n_C_prev, n_C) = W.shape\n"
    "    stride = hparameters['stride']\n    pad = hparameters['pad']\n"
    "    n_H = int((n_H_prev - f + 2 * pad) / stride) + 1\n    n_W = int((n_W_prev - f + 2 * pad) / stride) + 1\n"
    "    Z = np.zeros((m, n_H, n_W, n_C))\n    A_prev_pad = zero_pad(A_prev, pad)\n    for i in range(m):\n"
    "        for h in range(n_H):\n            vert_start = h\n            for w in range(n_W):\n"
    "                horiz_start = w\n                for c in range(n_C):\n"
    "                    a_slice_prev = A_prev_pad[i, vert_start:vert_start + f, horiz_start:horiz_start + f, :]\n"
    "                    Z[i, h, w, c] = conv_single_step(a_slice_prev, W[:, :, :, c], b[:, :, :, c])\n"
    "    cache = (A_prev, W, b, hparameters)\n    return Z, cache",
    "conv_forward_test_1(z_mean, z_0_2_1, cache_0_1_2_3)\nconv_forward_test_2(conv_forward)",
    "%%time\nprint('a cell magic')",
]

NETWORK_CELLS = [
    "import numpy as np\nimport h5py\nimport matplotlib.pyplot as plt\nfrom testCases import *\n"
    "from dnn_utils import sigmoid, sigmoid_backward, relu, relu_backward\nfrom public_tests import *\n\n"
    "%matplotlib inline\n%load_ext autoreload\n%autoreload 2\n\nnp.random.seed(1)",
    "# GRADED FUNCTION: initialize_parameters\n\ndef initialize_parameters(n_x, n_h, n_y):\n    np.random.seed(1)\n"
    "    W1 = np.random.randn(n_h, n_x) * 0.01\n    b1 = np.zeros((n_h, 1))\n"
    "    W2 = np.random.randn(n_y, n_h) * 0.01\n    b2 = np.zeros((n_y, 1))\n"
    "    return {'W1': W1, 'b1': b1, 'W2': W2, 'b2': b2}",
    "parameters = initialize_parameters(3, 2, 1)\ninitialize_parameters_test(initialize_parameters)",
    "# GRADED FUNCTION: linear_forward\n\ndef linear_forward(A, W, b):\n    Z = np.dot(W, A) + b\n"
    "    cache = (A, W, b)\n    return Z, cache",
    "# GRADED FUNCTION: linear_activation_forward\n\ndef linear_activation_forward(A_prev, W, b, activation):\n"
    "    Z, linear_cache = linear_forward(A_prev, W, b)\n    if activation == 'sigmoid':\n"
    "        A, activation_cache = sigmoid(Z)\n    elif activation == 'relu':\n        A, activation_cache = relu(Z)\n"
    "    return A, (linear_cache, activation_cache)",
    "t_A_prev, t_W, t_b = linear_activation_forward_test_case()\nlinear_activation_forward_test(linear_activation_forward)",
    "# GRADED FUNCTION: L_model_forward\n\ndef L_model_forward(X, parameters):\n    caches = []\n    A = X\n"
    "    L = len(parameters) // 2\n    for l in range(1, L - 1):\n        A_prev = A\n"
    "        A, cache = linear_activation_forward(A_prev, parameters['W' + str(l)], parameters['b' + str(l)], 'relu')\n"
    "        caches.append(cache)\n"
    "    AL, cache = linear_activation_forward(A, parameters['W' + str(L)], parameters['b' + str(L)], 'sigmoid')\n"
    "    caches.append(cache)\n    return AL, caches",
    "L_model_forward_test(L_model_forward)",
    "# GRADED FUNCTION: compute_cost\n\ndef compute_cost(AL, Y):\n    m = Y.shape[1]\n"
    "    cost = -1 / m * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))\n    return np.squeeze(cost)",
]


def notebook(tmp_path: Path, cells: list[str], name: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# The course's notebook")] + [
        nbformat.v4.new_code_cell(source) for source in cells]
    path = tmp_path / name
    nbformat.write(nb, str(path))
    return path


def test_definitions_keep_the_graded_functions_their_helpers_and_imports_only(tmp_path):
    found = definitions(notebook(tmp_path, CONV_CELLS, "C4W1.ipynb"))
    assert found.functions == {"zero_pad": 2, "conv_single_step": 4, "conv_forward": 7}  # the graded cell wins
    assert found.skipped == [9]  # the %%time cell
    source = found.source
    assert "import numpy as np" in source and "raise NotImplementedError" not in source
    for left_out in ("h5py", "public_tests", "matplotlib", "zero_pad_test", "imshow", "seed", "autoreload"):
        assert left_out not in source, left_out
    compile(source, "definitions", "exec")  # plain Python


def test_a_conv_notebook_is_checked_without_running_its_first_cells(tmp_path, capsys):
    path = notebook(tmp_path, CONV_CELLS, "C4W1.ipynb")
    assert cli.check_main([str(path)]) == 1
    out = capsys.readouterr().out
    assert ("from C4W1.ipynb, the definitions only: zero_pad (cell 2), conv_single_step (cell 4), "
            "conv_forward (cell 7); no other cell runs") in out
    assert "check zero_pad (zero_pad from C4W1.ipynb): passed all 4 cases" in out
    assert "check conv_single_step (conv_single_step from C4W1.ipynb): passed all 4 cases" in out
    assert "check conv_forward (conv_forward from C4W1.ipynb): FAILED 3 of 5 cases" in out
    assert "stride is left out" in out  # conv_forward with the learner's own zero_pad and conv_single_step
    assert "2 of 3 function(s) passed" in out


def test_a_network_notebook_uses_the_course_helpers_when_dnn_utils_is_missing(tmp_path):
    result = tracer.check_notebook(notebook(tmp_path, NETWORK_CELLS, "W4A1.ipynb"))
    verdicts = {r.function: r.passed for r in result.reports}
    assert verdicts == {"initialize_parameters": True, "linear_forward": True, "linear_activation_forward": True,
                        "L_model_forward": False, "compute_cost": True}
    assert "from tracer.network import sigmoid, relu" in result.source.source  # dnn_utils is not beside it
    (failing,) = [r for r in result.reports if not r.passed]
    # range(1, L - 1) first; A_prev for A in the last layer raises the same error on every failing case
    assert failing.mistakes[0].category == "off by one"
    assert len(failing.mistakes) == 1 or "the battery cannot tell them apart" in failing.cause
    assert result.exit_code == 1
    assert repr(result) == "<FileCheck W4A1.ipynb: 4 of 5 function(s) passed>"


def test_the_course_helpers_come_from_the_notebooks_folder_when_they_are_there(tmp_path):
    (tmp_path / "dnn_utils.py").write_text(textwrap.dedent("""\
        import numpy as np

        def sigmoid(Z):
            return 1 / (1 + np.exp(-Z)), Z

        def relu(Z):
            return np.maximum(Z, 0) * 2, Z  # a dnn_utils that is wrong: it must be the one used

        def sigmoid_backward(dA, cache):
            s = 1 / (1 + np.exp(-cache))
            return dA * s * (1 - s)

        def relu_backward(dA, cache):
            return dA * (cache > 0)
        """))
    result = tracer.check_notebook(notebook(tmp_path, NETWORK_CELLS, "W4A1.ipynb"), only=["linear_activation_forward"])
    (report,) = result.reports
    assert not report.passed and report.first_failure.name == "course_relu"


def _exported(cell: str) -> str:
    """A cell as nbconvert --to script writes it: line magics become get_ipython() calls."""
    return re.sub(r"^%(\w+) ?(.*)$", lambda m: f"get_ipython().run_line_magic({m[1]!r}, {m[2]!r})", cell,
                  flags=re.MULTILINE)


def test_a_notebook_exported_as_a_script_is_read_the_same_way(tmp_path, capsys):
    script = tmp_path / "C4W1.py"
    script.write_text("#!/usr/bin/env python\n# coding: utf-8\n\n" + "".join(
        f"# In[{k}]:\n\n\n{_exported(cell)}\n\n\n" for k, cell in enumerate(CONV_CELLS[:-1], start=1)))
    assert "get_ipython().run_line_magic('matplotlib', 'inline')" in script.read_text()
    assert is_exported_notebook(script)
    assert cli.check_main([str(script)]) == 1
    out = capsys.readouterr().out
    assert "the definitions only" in out and "2 of 3 function(s) passed" in out


def test_python_m_tracer_check_on_a_notebook(tmp_path):
    path = notebook(tmp_path, CONV_CELLS, "C4W1.ipynb")
    result = subprocess.run([sys.executable, "-m", "tracer", "check", str(path), "--only", "conv_forward"],
                            capture_output=True, text=True, cwd=REPO, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 1, result.stderr
    assert "check conv_forward (conv_forward from C4W1.ipynb): FAILED" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_notebook_without_course_functions_cannot_be_checked(tmp_path, capsys):
    path = notebook(tmp_path, ["import h5py\nprint('hello')"], "empty.ipynb")
    assert cli.check_main([str(path)]) == 2
    assert "does not define any of the course functions" in capsys.readouterr().err


def test_a_report_shows_as_html_with_every_verdict_the_figure_and_the_cause(learner):
    report = tracer.check(learner("no_stride").conv_forward)
    bundle = report._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    page = bundle["text/html"]
    for case in report.cases:
        assert f"<code>{case.name}</code>" in page
    assert page.count(">FAIL<") == 3 and page.count(">ok<") == 2
    assert "FAILED 3 of 5 cases" in page and "likely cause" in page and "stride is left out" in page
    assert "<img alt='the first failing window'" in page and "data:image/png;base64," in page
    passing = tracer.check(tracer.conv.zero_pad)._repr_html_()
    assert "passed all 4 cases" in passing and "<img" not in passing
