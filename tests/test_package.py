"""The package's front door (tracer/__init__.py): what ``import tracer`` gives, and what it costs."""

from __future__ import annotations

import subprocess
import sys

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
    for name in tracer.conv.__all__:
        assert getattr(tracer, name) is getattr(tracer.conv, name)
    for name in tracer.network.__all__:
        assert getattr(tracer, name) is getattr(tracer.network, name)


def test_import_tracer_loads_no_drawing_library():
    code = "import sys, tracer; print(sorted(m for m in ('matplotlib', 'PIL') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
