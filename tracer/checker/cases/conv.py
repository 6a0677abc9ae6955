"""The convolution exercise's battery: the course's cases, and cases around learners' known traps.

The course's own cases keep its seeds (``np.random.seed(1)``, then ``randn`` in
the course's order) so that its published values can be compared; the others
cover pad 0, even and 1x1 filters, strides 1 to 3, non-square inputs, several
examples and channels, max-pool ties, both pool modes and biases far from zero.
The probes (:data:`PROBES`) vary each of those properties on its own around
one base input.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ... import conv
from . import Case, Probe

__all__ = ["BATTERIES", "PROBES"]


def _counts(m: int, n_C_in: int, n_C_out: int | None = None) -> set[str]:
    """The properties of the sizes: several examples, several (input, output) channels."""
    props = {"several examples"} if m > 1 else set()
    if n_C_out is None:
        return props | ({"several channels"} if n_C_in > 1 else set())
    return props | ({"several input channels"} if n_C_in > 1 else set()) | (
        {"several output channels"} if n_C_out > 1 else set())


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
    props |= _counts(a_shape[0], a_shape[3], w_shape[3])
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
    props = {"stride > 1" if stride > 1 else "stride 1", f"mode {mode!r}"} | _counts(a_shape[0], a_shape[3])
    if stride < f:
        props.add("overlapping windows")
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
        props |= _counts(shape[0], shape[3])
        cases.append(Case(name, f"pad {pad}, X {shape}", (X, pad), frozenset(props)))
    return cases


def _single_step_cases() -> list[Case]:
    state = np.random.RandomState(1)
    a, W, b = state.randn(4, 4, 3), state.randn(4, 4, 3), state.randn(1, 1, 1)
    cases = [Case("course", "the course's case: 4x4x3 slice, seed 1 (Z = -6.99908945068)", (a, W, b),
                  frozenset({"an even filter", "several channels"}))]
    rng = np.random.default_rng(11)
    for name, shape, bias, props in (
        ("bias5_3x3", (3, 3, 2), 5.3, {"a bias far from zero", "several channels"}),
        ("1x1_bias_neg", (1, 1, 4), -4.7, {"a bias far from zero", "a 1x1 filter", "several channels"}),
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


#: The battery of each function of the convolution exercise.
BATTERIES: dict[str, Callable[[], list[Case]]] = {
    "zero_pad": _zero_pad_cases,
    "conv_single_step": _single_step_cases,
    "conv_forward": _conv_forward_cases,
    "conv_backward": _conv_backward_cases,
    "pool_forward": _pool_forward_cases,
    "pool_backward": _pool_backward_cases,
    "create_mask_from_window": _mask_cases,
    "distribute_value": _distribute_cases,
}


# ----------------------------------------------------------------------------------------------
# Probes: one base input, and the same input with one property changed


def _conv_probe(name: str, backward: bool, m=2, n_H=5, n_W=5, n_C_prev=2, n_C=2, f=3, stride=1, pad=1,
                b_far=False) -> Case:
    A_prev, W, b, hp = _conv_args(71, (m, n_H, n_W, n_C_prev), (f, f, n_C_prev, n_C), stride, pad,
                                  b_mean=5.0 if b_far else 0.0)
    props = _conv_props((m, n_H, n_W, n_C_prev), (f, f, n_C_prev, n_C), stride, pad, b_far)
    description = _conv_description((m, n_H, n_W, n_C_prev), (f, f, n_C_prev, n_C), stride, pad,
                                    ", b around 5" if b_far else "")
    if not backward:
        return Case(name, description, (A_prev, W, b, hp), props)
    n_H_out, n_W_out = (n_H - f + 2 * pad) // stride + 1, (n_W - f + 2 * pad) // stride + 1
    dZ = np.random.default_rng(72).standard_normal((m, n_H_out, n_W_out, n_C))
    return Case(name, description, (dZ, (A_prev, W, b, hp)), props)


#: The properties a probe varies, each as ``(property, the change, whether the change adds it)``.
_CONV_FLIPS = (
    ("stride > 1", {"stride": 2}, True),
    ("pad 0", {"pad": 0}, True),
    ("a non-square input", {"n_W": 7}, True),
    ("an even filter", {"f": 2}, True),
    ("a 1x1 filter", {"f": 1}, True),
    ("a bias far from zero", {"b_far": True}, True),
    ("several output channels", {"n_C": 1}, False),
    ("several input channels", {"n_C_prev": 1}, False),
    ("several examples", {"m": 1}, False),
)


def _flipped(make: Callable[..., Case], flips, skip=()) -> list[Probe]:
    base = make("probe_base")
    out = []
    for prop, change, adds in flips:
        if prop in skip:
            continue
        other = make("probe_" + "_".join(f"{k}{v}" for k, v in change.items()), **change)
        out.append(Probe(prop, base, other) if adds else Probe(prop, other, base))
    return out


def _zero_pad_probe(name: str, m=2, n_H=3, n_W=3, n_C=2, pad=2) -> Case:
    X = np.random.RandomState(73).randn(m, n_H, n_W, n_C)
    props = {"pad 0" if pad == 0 else "pad > 0"} | _counts(m, n_C) | ({"a non-square input"} if n_H != n_W else set())
    return Case(name, f"pad {pad}, X {(m, n_H, n_W, n_C)}", (X, pad), frozenset(props))


def _single_step_probe(name: str, f=3, n_C=2, b_far=False) -> Case:
    rng = np.random.default_rng(74)
    a, W = rng.standard_normal((f, f, n_C)), rng.standard_normal((f, f, n_C))
    bias = 5.0 if b_far else 0.3
    props = ({"a bias far from zero"} if b_far else set()) | ({"several channels"} if n_C > 1 else set())
    props |= {"an even filter"} if f % 2 == 0 else {"a 1x1 filter"} if f == 1 else set()
    return Case(name, f"{f}x{f}x{n_C} slice, b = {bias}", (a, W, np.full((1, 1, 1), bias)), frozenset(props))


def _pool_probe(name: str, backward: bool, mode="max", m=2, n_H=5, n_W=5, n_C=2, f=3, stride=1,
                ties=False) -> Case:
    A_prev, hp = _pool_args(75, (m, n_H, n_W, n_C), f, stride, ties)
    props = _pool_props((m, n_H, n_W, n_C), f, stride, mode, ties)
    description = _pool_description((m, n_H, n_W, n_C), f, stride, mode, ", integers with ties" if ties else "")
    if not backward:
        return Case(name, description, (A_prev, hp, mode), props)
    dA = np.random.default_rng(76).standard_normal((m, (n_H - f) // stride + 1, (n_W - f) // stride + 1, n_C))
    return Case(name, description, (dA, (A_prev, hp), mode), props)


_POOL_FLIPS = (
    ("stride > 1", {"stride": 2}, True),
    ("a non-square input", {"n_W": 7}, True),
    ("tied maxima", {"ties": True}, True),
    ("mode 'average'", {"mode": "average"}, True),
    ("mode 'max'", {"mode": "average"}, False),
    ("several examples", {"m": 1}, False),
    ("several channels", {"n_C": 1}, False),
)


def _pool_probes(backward: bool) -> list[Probe]:
    def make(name: str, **change) -> Case:
        return _pool_probe(name, backward, **change)

    out = _flipped(make, _POOL_FLIPS)
    # windows that overlap (f 3, stride 2) against windows that do not (f 2, stride 2)
    out.append(Probe("overlapping windows", make("probe_f2_stride2", f=2, stride=2), make("probe_stride2", stride=2)))
    return out


def _mask_probe(name: str, x: np.ndarray, props: set[str]) -> Case:
    return Case(name, f"{x.shape[0]}x{x.shape[1]} window", (x,), frozenset(props))


def _mask_probes() -> list[Probe]:
    plain = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5], [1.0, 0.25, -2.0]])
    tied = np.array([[0.5, -1.0, 2.0], [2.0, 0.0, -0.5], [1.0, 0.25, -2.0]])
    wide = np.array([[0.5, -1.0, 2.0, 0.75], [1.5, 0.0, -0.5, 1.25], [1.0, 0.25, -2.0, -1.5]])
    return [
        Probe("tied maxima", _mask_probe("probe_base", plain, set()), _mask_probe("probe_ties", tied, {"tied maxima"})),
        Probe("a non-square input", _mask_probe("probe_base", plain, set()),
              _mask_probe("probe_3x4", wide, {"a non-square input"})),
    ]


def _distribute_probes() -> list[Probe]:
    def case(name: str, dz: float, shape: tuple[int, int]) -> Case:
        props = {"a non-square input"} if shape[0] != shape[1] else set()
        return Case(name, f"dz = {dz} over {shape}", (dz, shape), frozenset(props))

    return [Probe("a non-square input", case("probe_base", 3.0, (2, 2)), case("probe_2x3", 3.0, (2, 3)))]


#: The probes of each function of the convolution exercise.
PROBES: dict[str, Callable[[], list[Probe]]] = {
    "zero_pad": lambda: _flipped(_zero_pad_probe, (
        ("pad 0", {"pad": 0}, True), ("a non-square input", {"n_W": 5}, True),
        ("several examples", {"m": 1}, False), ("several channels", {"n_C": 1}, False))),
    "conv_single_step": lambda: _flipped(_single_step_probe, (
        ("a bias far from zero", {"b_far": True}, True), ("an even filter", {"f": 2}, True),
        ("a 1x1 filter", {"f": 1}, True), ("several channels", {"n_C": 1}, False))),
    "conv_forward": lambda: _flipped(lambda name, **kw: _conv_probe(name, False, **kw), _CONV_FLIPS),
    "conv_backward": lambda: _flipped(lambda name, **kw: _conv_probe(name, True, **kw), _CONV_FLIPS,
                                      skip=("a bias far from zero",)),
    "pool_forward": lambda: _pool_probes(False),
    "pool_backward": lambda: _pool_probes(True),
    "create_mask_from_window": _mask_probes,
    "distribute_value": _distribute_probes,
}
