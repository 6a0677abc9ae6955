"""The battery of cases :func:`tracer.check` runs for each course function.

Each :class:`Case` holds the inputs of one call, in the course's order, with
fixed seeds: the course's own case (its seed and shapes, so its reference
values can be compared), and cases around the course's known traps: pad 0,
even and 1x1 filters, strides 1 to 3, non-square inputs, several examples and
channels, max-pool ties, both pool modes, biases far from zero.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import conv

__all__ = ["Case", "FUNCTIONS", "PARAMETERS", "OUTPUTS", "CACHE_NAMES", "battery", "check_name"]

#: The course functions :func:`check` knows, in course order.
FUNCTIONS = tuple(conv.__all__)

#: Argument names of each function (for summaries and messages).
PARAMETERS = {
    "zero_pad": ("X", "pad"),
    "conv_single_step": ("a_slice_prev", "W", "b"),
    "conv_forward": ("A_prev", "W", "b", "hparameters"),
    "conv_backward": ("dZ", "cache"),
    "pool_forward": ("A_prev", "hparameters", "mode"),
    "pool_backward": ("dA", "cache", "mode"),
    "create_mask_from_window": ("x",),
    "distribute_value": ("dz", "shape"),
}

#: What each function returns, by course name (a tuple when there are several).
OUTPUTS = {
    "zero_pad": ("X_pad",),
    "conv_single_step": ("Z",),
    "conv_forward": ("Z", "cache"),
    "conv_backward": ("dA_prev", "dW", "db"),
    "pool_forward": ("A", "cache"),
    "pool_backward": ("dA_prev",),
    "create_mask_from_window": ("mask",),
    "distribute_value": ("a",),
}

#: What each function's cache holds, by course name.
CACHE_NAMES = {"conv_forward": ("A_prev", "W", "b", "hparameters"), "pool_forward": ("A_prev", "hparameters")}


# ----------------------------------------------------------------------------------------------
# The battery of cases


@dataclass(frozen=True)
class Case:
    """One input of the battery.

    Attributes
    ----------
    name : str
        Short identifier, e.g. ``"pad0_stride1"``.
    description : str
        What the case exercises, e.g. ``"pad 0, stride 1, 3x3 filters, b around 5"``.
    args : tuple
        Positional arguments, in the course's order.
    props : frozenset of str
        Properties that failures can be tied to: ``"pad 0"``, ``"stride > 1"``,
        ``"a non-square input"``, ``"tied maxima"``, ``"mode 'average'"``...
    """

    name: str
    description: str
    args: tuple
    props: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        return f"Case({self.name}: {self.description})"


def _conv_args(seed: int, a_shape, w_shape, stride: int, pad: int, b_mean: float = 0.0, legacy: bool = False):
    if legacy:  # the course's own draws: np.random.seed, then randn in order
        state = np.random.RandomState(seed)
        A_prev, W, b = state.randn(*a_shape), state.randn(*w_shape), state.randn(1, 1, 1, w_shape[3])
    else:
        rng = np.random.default_rng(seed)
        A_prev, W = rng.standard_normal(a_shape), rng.standard_normal(w_shape)
        b = b_mean + rng.uniform(-0.5, 0.5, (1, 1, 1, w_shape[3]))
    return A_prev, W, b, {"stride": stride, "pad": pad}


def _conv_props(a_shape, w_shape, stride: int, pad: int, b_far: bool) -> frozenset[str]:
    props = {"stride > 1" if stride > 1 else "stride 1", "pad 0" if pad == 0 else "pad > 0"}
    if a_shape[1] != a_shape[2]:
        props.add("a non-square input")
    if w_shape[0] % 2 == 0:
        props.add("an even filter")
    if w_shape[0] == 1:
        props.add("a 1x1 filter")
    if b_far:
        props.add("a bias far from zero")
    return frozenset(props)


def _conv_description(a_shape, w_shape, stride, pad, extra=""):
    f = w_shape[0]
    shape = f"{a_shape[1]}x{a_shape[2]}"
    return (f"pad {pad}, stride {stride}, {f}x{f} filters, {shape} input, "
            f"m {a_shape[0]}, {a_shape[3]} -> {w_shape[3]} channels{extra}")


def _pool_args(seed: int, a_shape, f: int, stride: int, ties: bool = False, legacy: bool = False):
    if legacy:
        A_prev = np.random.RandomState(seed).randn(*a_shape)
    elif ties:  # small integers: most windows have several equal maxima
        A_prev = np.random.default_rng(seed).integers(0, 3, a_shape).astype(float)
    else:
        A_prev = np.random.default_rng(seed).standard_normal(a_shape)
    return A_prev, {"f": f, "stride": stride}


def _pool_props(a_shape, f, stride, mode, ties=False) -> frozenset[str]:
    props = {"stride > 1" if stride > 1 else "stride 1", f"mode {mode!r}"}
    if a_shape[1] != a_shape[2]:
        props.add("a non-square input")
    if ties:
        props.add("tied maxima")
    return frozenset(props)


def _pool_description(a_shape, f, stride, mode, extra=""):
    return (f"{mode}, f {f}, stride {stride}, {a_shape[1]}x{a_shape[2]} input, "
            f"m {a_shape[0]}, {a_shape[3]} channel{'s' if a_shape[3] > 1 else ''}{extra}")


def _zero_pad_cases() -> list[Case]:
    cases = []
    for name, seed, shape, pad in (
        ("course", 1, (4, 3, 3, 2), 3),
        ("pad0", 2, (2, 3, 5, 1), 0),
        ("pad1_nonsquare", 3, (1, 2, 4, 3), 1),
        ("pad2_1x1", 4, (3, 1, 1, 1), 2),
    ):
        X = np.random.RandomState(seed).randn(*shape)
        props = {"pad 0" if pad == 0 else "pad > 0"} | ({"a non-square input"} if shape[1] != shape[2] else set())
        cases.append(Case(name, f"pad {pad}, X {shape}", (X, pad), frozenset(props)))
    return cases


def _single_step_cases() -> list[Case]:
    state = np.random.RandomState(1)
    a, W, b = state.randn(4, 4, 3), state.randn(4, 4, 3), state.randn(1, 1, 1)
    cases = [Case("course", "the course's case: 4x4x3 slice, seed 1 (Z = -6.99908945068)", (a, W, b),
                  frozenset({"an even filter"}))]
    rng = np.random.default_rng(11)
    for name, shape, bias, props in (
        ("bias5_3x3", (3, 3, 2), 5.3, {"a bias far from zero"}),
        ("1x1_bias_neg", (1, 1, 4), -4.7, {"a bias far from zero", "a 1x1 filter"}),
        ("2x2_one_channel", (2, 2, 1), 5.0, {"a bias far from zero", "an even filter"}),
    ):
        cases.append(Case(name, f"{shape[0]}x{shape[1]}x{shape[2]} slice, b = {bias}",
                          (rng.standard_normal(shape), rng.standard_normal(shape), np.full((1, 1, 1), bias)),
                          frozenset(props)))
    return cases


def _conv_forward_cases() -> list[Case]:
    cases = [Case("course", "the course's case: " + _conv_description((2, 5, 7, 4), (3, 3, 4, 8), 2, 1, ", seed 1"),
                  _conv_args(1, (2, 5, 7, 4), (3, 3, 4, 8), 2, 1, legacy=True),
                  _conv_props((2, 5, 7, 4), (3, 3, 4, 8), 2, 1, False))]
    for name, seed, a_shape, w_shape, stride, pad in (
        ("pad0_stride1", 21, (2, 5, 6, 3), (3, 3, 3, 2), 1, 0),
        ("even_f2_stride3", 22, (1, 7, 8, 2), (2, 2, 2, 3), 3, 1),
        ("1x1_stride2", 23, (3, 4, 5, 2), (1, 1, 2, 2), 2, 0),
        ("pad2_stride1_square", 24, (2, 4, 4, 2), (3, 3, 2, 1), 1, 2),
    ):
        cases.append(Case(name, _conv_description(a_shape, w_shape, stride, pad, ", b around 5"),
                          _conv_args(seed, a_shape, w_shape, stride, pad, b_mean=5.0),
                          _conv_props(a_shape, w_shape, stride, pad, True)))
    return cases


def _conv_backward_cases() -> list[Case]:
    cases = []
    A_prev, W, b, hp = _conv_args(1, (10, 4, 4, 3), (2, 2, 3, 8), 2, 2, legacy=True)
    Z, cache = conv.conv_forward(A_prev, W, b, hp)
    cases.append(Case("course", "the course's case: " + _conv_description((10, 4, 4, 3), (2, 2, 3, 8), 2, 2,
                                                                         ", seed 1, dZ = Z"),
                      (Z, cache), _conv_props((10, 4, 4, 3), (2, 2, 3, 8), 2, 2, False)))
    for name, seed, a_shape, w_shape, stride, pad in (
        ("pad0_stride1", 31, (2, 5, 6, 3), (3, 3, 3, 2), 1, 0),
        ("pad1_stride2", 32, (2, 5, 7, 2), (3, 3, 2, 3), 2, 1),
        ("1x1_stride3", 33, (1, 7, 5, 2), (1, 1, 2, 2), 3, 0),
        ("even_f2_pad0_stride2", 34, (2, 6, 4, 1), (2, 2, 1, 2), 2, 0),
    ):
        A_prev, W, b, hp = _conv_args(seed, a_shape, w_shape, stride, pad, b_mean=5.0)
        n_H, n_W = (a_shape[1] - w_shape[0] + 2 * pad) // stride + 1, (a_shape[2] - w_shape[0] + 2 * pad) // stride + 1
        dZ = np.random.default_rng(seed + 100).standard_normal((a_shape[0], n_H, n_W, w_shape[3]))
        cases.append(Case(name, _conv_description(a_shape, w_shape, stride, pad), (dZ, (A_prev, W, b, hp)),
                          _conv_props(a_shape, w_shape, stride, pad, False)))
    return cases


_POOL_SETS = (
    # name, seed, A_prev shape, f, stride, mode, ties, legacy
    ("course_max", 1, (2, 5, 5, 3), 3, 1, "max", False, True),
    ("course_average", 1, (2, 5, 5, 3), 3, 1, "average", False, True),
    ("max_stride2_nonsquare", 41, (2, 4, 6, 2), 2, 2, "max", False, False),
    ("average_f3_stride2", 42, (1, 7, 5, 3), 3, 2, "average", False, False),
    ("max_ties_stride1", 43, (1, 4, 5, 2), 2, 1, "max", True, False),
    ("max_ties_f2_stride3", 44, (2, 8, 7, 1), 2, 3, "max", True, False),
    ("max_square_stride1", 45, (2, 4, 4, 3), 2, 1, "max", False, False),
)


def _pool_forward_cases() -> list[Case]:
    cases = []
    for name, seed, a_shape, f, stride, mode, ties, legacy in _POOL_SETS:
        A_prev, hp = _pool_args(seed, a_shape, f, stride, ties, legacy)
        extra = ", the course's case (seed 1)" if legacy else ", integers with ties" if ties else ""
        cases.append(Case(name, _pool_description(a_shape, f, stride, mode, extra), (A_prev, hp, mode),
                          _pool_props(a_shape, f, stride, mode, ties)))
    return cases


def _pool_backward_cases() -> list[Case]:
    cases = []
    for name, seed, a_shape, f, stride, mode, ties, legacy in _POOL_SETS:
        if legacy:  # the course's own test: A_prev (5, 5, 3, 2), f 2, stride 1, dA (5, 4, 2, 2)
            state = np.random.RandomState(1)
            A_prev, hp, a_shape = state.randn(5, 5, 3, 2), {"f": 2, "stride": 1}, (5, 5, 3, 2)
            f, stride = 2, 1
            dA = state.randn(5, 4, 2, 2)
        else:
            A_prev, hp = _pool_args(seed, a_shape, f, stride, ties)
            n_H, n_W = (a_shape[1] - f) // stride + 1, (a_shape[2] - f) // stride + 1
            dA = np.random.default_rng(seed + 100).standard_normal((a_shape[0], n_H, n_W, a_shape[3]))
        extra = ", the course's case (seed 1)" if legacy else ", integers with ties" if ties else ""
        cases.append(Case(name, _pool_description(a_shape, f, stride, mode, extra), (dA, (A_prev, hp), mode),
                          _pool_props(a_shape, f, stride, mode, ties)))
    return cases


def _mask_cases() -> list[Case]:
    rng = np.random.default_rng(51)
    return [
        Case("random_3x3", "3x3 window, one maximum", (rng.standard_normal((3, 3)),)),
        Case("course", "the course's 2x3 window, seed 1", (np.random.RandomState(1).randn(2, 3),),
             frozenset({"a non-square input"})),
        Case("ties_2x2", "2x2 window with two tied maxima", (np.array([[1.0, 3.0], [3.0, 2.0]]),),
             frozenset({"tied maxima"})),
        Case("all_negative_4x4", "4x4 window, every value negative", (-np.abs(rng.standard_normal((4, 4))) - 1,)),
    ]


def _distribute_cases() -> list[Case]:
    return [
        Case("course", "dz = 2.0 over (2, 2)", (2.0, (2, 2))),
        Case("nonsquare", "dz = -3.0 over (2, 3)", (-3.0, (2, 3)), frozenset({"a non-square input"})),
        Case("3x3", "dz = 4.5 over (3, 3)", (4.5, (3, 3))),
        Case("1x1", "dz = 5.0 over (1, 1)", (5.0, (1, 1))),
    ]


_BATTERIES: dict[str, Callable[[], list[Case]]] = {
    "zero_pad": _zero_pad_cases,
    "conv_single_step": _single_step_cases,
    "conv_forward": _conv_forward_cases,
    "conv_backward": _conv_backward_cases,
    "pool_forward": _pool_forward_cases,
    "pool_backward": _pool_backward_cases,
    "create_mask_from_window": _mask_cases,
    "distribute_value": _distribute_cases,
}


def battery(name: str) -> list[Case]:
    """The cases :func:`check` runs for the course function ``name`` (fresh arrays on every call).

    Parameters
    ----------
    name : str
        One of :data:`FUNCTIONS`.

    Returns
    -------
    list of Case
    """
    check_name("battery", name)
    return _BATTERIES[name]()


def check_name(where: str, name: Any) -> str:
    """``name`` if it is one of :data:`FUNCTIONS`; a ValueError that names ``where`` otherwise."""
    if not isinstance(name, str) or name not in FUNCTIONS:
        raise ValueError(f"{where}: name must be one of the course functions {list(FUNCTIONS)}, got {name!r}")
    return name
