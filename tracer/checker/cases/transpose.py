"""Batteries beyond the course: the transposed convolution, and dilated cases of the convolution.

``conv_transpose_forward`` and ``conv_transpose_backward`` have batteries of
their own (:data:`BATTERIES`): strides 1 to 3, pad 0 to 2, ``output_padding``
0 to 2, even and 1x1 filters, blocks that overlap and blocks with gaps between
them, several examples and channels, biases far from zero.

A learner's ``conv_forward`` or ``conv_backward`` with a ``"dilation"`` key is
checked with :data:`DILATED` on top of the course's battery, when
``tracer.check(fn, dilation=True)`` (``python -m tracer check FILE
--dilation``) asks for it: the course's functions take no dilation, so their
check never sends the key.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ... import conv
from . import Case, Probe
from .conv import _conv_args, _conv_description, _conv_props, _counts, _flipped

__all__ = ["BATTERIES", "PROBES", "DILATED", "DILATED_PROBES"]


def _transpose_props(a_shape, w_shape, stride: int, pad: int, op: int, b_far: bool) -> frozenset[str]:
    props = {"stride > 1" if stride > 1 else "stride 1", "pad 0" if pad == 0 else "pad > 0"}
    props |= _counts(a_shape[0], a_shape[3], w_shape[3])
    f = w_shape[0]
    if op:
        props.add("output_padding > 0")
    if f > stride:
        props.add("overlapping blocks")
    if a_shape[1] != a_shape[2]:
        props.add("a non-square input")
    if f % 2 == 0:
        props.add("an even filter")
    if f == 1:
        props.add("a 1x1 filter")
    if b_far:
        props.add("a bias far from zero")
    return frozenset(props)


def _transpose_args(seed: int, a_shape, w_shape, stride: int, pad: int, op: int, b_mean: float = 0.0):
    rng = np.random.default_rng(seed)
    A_prev, W = rng.standard_normal(a_shape), rng.standard_normal(w_shape)
    b = b_mean + rng.uniform(-0.5, 0.5, (1, 1, 1, w_shape[3]))
    return A_prev, W, b, {"stride": stride, "pad": pad, "output_padding": op}


def _transpose_description(a_shape, w_shape, stride, pad, op, extra=""):
    f = w_shape[0]
    return (f"stride {stride}, pad {pad}, output_padding {op}, {f}x{f} filters, {a_shape[1]}x{a_shape[2]} input, "
            f"m {a_shape[0]}, {a_shape[3]} -> {w_shape[3]} channels{extra}")


def _out(n: int, f: int, stride: int, pad: int, op: int) -> int:
    return (n - 1) * stride - 2 * pad + f + op


_TRANSPOSE_SETS = (
    # name, seed, A_prev shape, W shape, stride, pad, output_padding
    ("f3_stride2_pad1", 81, (2, 3, 4, 2), (3, 3, 2, 3), 2, 1, 0),
    ("f2_stride1_pad0", 82, (1, 3, 3, 1), (2, 2, 1, 2), 1, 0, 0),
    ("even_f4_stride2_op1", 83, (2, 3, 3, 2), (4, 4, 2, 1), 2, 1, 1),
    ("1x1_stride3_op2", 84, (1, 2, 3, 3), (1, 1, 3, 2), 3, 0, 2),
    ("f2_stride2_no_overlap", 85, (3, 2, 2, 1), (2, 2, 1, 2), 2, 0, 0),
    ("f5_stride3_pad2_op1", 86, (1, 3, 2, 2), (5, 5, 2, 2), 3, 2, 1),
)


def _forward_cases() -> list[Case]:
    return [Case(name, _transpose_description(a, w, s, p, op, ", b around 5"),
                 _transpose_args(seed, a, w, s, p, op, b_mean=5.0), _transpose_props(a, w, s, p, op, True))
            for name, seed, a, w, s, p, op in _TRANSPOSE_SETS]


def _backward_cases() -> list[Case]:
    cases = []
    for name, seed, a, w, s, p, op in _TRANSPOSE_SETS:
        A_prev, W, b, hp = _transpose_args(seed, a, w, s, p, op, b_mean=5.0)
        dZ = np.random.default_rng(seed + 100).standard_normal(
            (a[0], _out(a[1], w[0], s, p, op), _out(a[2], w[0], s, p, op), w[3]))
        cases.append(Case(name, _transpose_description(a, w, s, p, op), (dZ, (A_prev, W, b, hp)),
                          _transpose_props(a, w, s, p, op, False)))
    return cases


def _transpose_probe(name: str, backward: bool, m=2, n_H=3, n_W=3, n_C_prev=2, n_C=2, f=3, stride=2, pad=1, op=0,
                     b_far=False) -> Case:
    a_shape, w_shape = (m, n_H, n_W, n_C_prev), (f, f, n_C_prev, n_C)
    A_prev, W, b, hp = _transpose_args(87, a_shape, w_shape, stride, pad, op, b_mean=5.0 if b_far else 0.0)
    props = _transpose_props(a_shape, w_shape, stride, pad, op, b_far)
    description = _transpose_description(a_shape, w_shape, stride, pad, op, ", b around 5" if b_far else "")
    if not backward:
        return Case(name, description, (A_prev, W, b, hp), props)
    dZ = np.random.default_rng(88).standard_normal((m, _out(n_H, f, stride, pad, op), _out(n_W, f, stride, pad, op), n_C))
    return Case(name, description, (dZ, (A_prev, W, b, hp)), props)


#: The properties a probe varies around a base of f 3, stride 2, pad 1 (blocks that overlap).
_TRANSPOSE_FLIPS = (
    ("output_padding > 0", {"op": 1}, True),
    ("overlapping blocks", {"stride": 3}, False),
    ("pad 0", {"pad": 0}, True),
    ("a non-square input", {"n_W": 4}, True),
    ("an even filter", {"f": 4}, True),
    ("a bias far from zero", {"b_far": True}, True),
    ("several output channels", {"n_C": 1}, False),
    ("several input channels", {"n_C_prev": 1}, False),
    ("several examples", {"m": 1}, False),
)

#: The battery of each transposed convolution function.
BATTERIES: dict[str, Callable[[], list[Case]]] = {
    "conv_transpose_forward": _forward_cases,
    "conv_transpose_backward": _backward_cases,
}

#: The probes of each transposed convolution function.
PROBES: dict[str, Callable[[], list[Probe]]] = {
    "conv_transpose_forward": lambda: _flipped(lambda name, **kw: _transpose_probe(name, False, **kw),
                                               _TRANSPOSE_FLIPS),
    "conv_transpose_backward": lambda: _flipped(lambda name, **kw: _transpose_probe(name, True, **kw),
                                                _TRANSPOSE_FLIPS, skip=("a bias far from zero",)),
}


# ----------------------------------------------------------------------------------------------
# Dilated cases of conv_forward and conv_backward (only when a check asks for them)


def _dilated(seed: int, a_shape, w_shape, stride: int, pad: int, d: int, b_mean: float = 0.0):
    A_prev, W, b, hp = _conv_args(seed, a_shape, w_shape, stride, pad, b_mean=b_mean)
    return A_prev, W, b, {**hp, "dilation": d}


def _dilated_props(a_shape, w_shape, stride, pad, d, b_far) -> frozenset[str]:
    return _conv_props(a_shape, w_shape, stride, pad, b_far) | {"dilation > 1" if d > 1 else "dilation 1"}


_DILATED_SETS = (
    # name, seed, A_prev shape, W shape, stride, pad, dilation
    ("dilation2_stride1_pad0", 91, (2, 7, 8, 2), (3, 3, 2, 2), 1, 0, 2),
    ("dilation3_even_f2_stride2", 92, (1, 9, 7, 3), (2, 2, 3, 2), 2, 1, 3),
    ("dilation2_pad2_same", 93, (2, 5, 5, 1), (3, 3, 1, 3), 1, 2, 2),
    ("dilation2_stride3_pad1", 94, (1, 9, 10, 2), (3, 3, 2, 1), 3, 1, 2),
    ("dilation1_key_given", 95, (2, 5, 6, 2), (3, 3, 2, 2), 1, 1, 1),
)


def _dilated_forward_cases() -> list[Case]:
    return [Case(name, _conv_description(a, w, s, p, f", dilation {d}, b around 5"),
                 _dilated(seed, a, w, s, p, d, b_mean=5.0), _dilated_props(a, w, s, p, d, True))
            for name, seed, a, w, s, p, d in _DILATED_SETS]


def _dilated_backward_cases() -> list[Case]:
    cases = []
    for name, seed, a, w, s, p, d in _DILATED_SETS:
        A_prev, W, b, hp = _dilated(seed, a, w, s, p, d)
        Z, cache = conv.conv_forward(A_prev, W, b, hp)
        dZ = np.random.default_rng(seed + 100).standard_normal(Z.shape)
        cases.append(Case(name, _conv_description(a, w, s, p, f", dilation {d}"), (dZ, cache),
                          _dilated_props(a, w, s, p, d, False)))
    return cases


def _dilated_probe(name: str, backward: bool, d: int = 1) -> Case:
    a_shape, w_shape = (2, 7, 7, 2), (3, 3, 2, 2)
    A_prev, W, b, hp = _dilated(96, a_shape, w_shape, 1, 2, d)
    props = _dilated_props(a_shape, w_shape, 1, 2, d, False)
    description = _conv_description(a_shape, w_shape, 1, 2, f", dilation {d}")
    if not backward:
        return Case(name, description, (A_prev, W, b, hp), props)
    Z, cache = conv.conv_forward(A_prev, W, b, hp)
    return Case(name, description, (np.random.default_rng(97).standard_normal(Z.shape), cache), props)


#: The dilated cases added to the battery of ``conv_forward`` and ``conv_backward`` by ``check(..., dilation=True)``.
DILATED: dict[str, Callable[[], list[Case]]] = {
    "conv_forward": _dilated_forward_cases,
    "conv_backward": _dilated_backward_cases,
}

#: Their probe: the same input with the key at 1, then at 2.
DILATED_PROBES: dict[str, Callable[[], list[Probe]]] = {
    name: (lambda backward=(name == "conv_backward"): [
        Probe("dilation > 1", _dilated_probe("probe_dilation1", backward), _dilated_probe("probe_dilation2", backward, 2))])
    for name in DILATED
}
