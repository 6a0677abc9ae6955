"""The battery of cases :func:`tracer.check` runs for each course function, and its probes.

Each :class:`Case` holds the inputs of one call, in the course's order, with
fixed seeds: the course's own cases (its seeds and shapes, so its published
values can be compared), and cases around the mistakes learners make. The
convolution half (:mod:`~tracer.checker.battery.conv`) covers pad 0, even and
1x1 filters, strides 1 to 3, non-square inputs, several examples and channels,
max-pool ties, both pool modes and biases far from zero; the network half
(:mod:`~tracer.checker.battery.network`) covers several examples, one to four
layers, both activations, labels 0 and 1, and the course's seeded inputs.

:func:`probes` gives, for every property a failure may be tied to ("stride >
1", "several output channels"...), a :class:`Probe`: two inputs that differ in
that property only. The checker says "fails exactly on the cases with P" only
when the learner's function also fails the probe's input with ``P`` and
passes the one without: a property that the failing cases share by accident
is never named.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ... import conv as _conv
from ... import network as _network
from ... import pool as _pool
from ... import transpose as _transpose

__all__ = ["Case", "Probe", "FUNCTIONS", "CONV_FUNCTIONS", "NETWORK_FUNCTIONS", "TRANSPOSE_FUNCTIONS", "DILATABLE",
           "PARAMETERS", "OUTPUTS", "CACHE_NAMES", "battery", "probes", "reference_function", "check_name",
           "check_dilation"]

#: The functions of the convolution exercise, in course order.
CONV_FUNCTIONS = tuple(_conv.__all__) + tuple(_pool.__all__)
#: The functions of the deep network exercise, in course order.
NETWORK_FUNCTIONS = tuple(_network.__all__)
#: Beyond the course: the transposed convolution (:mod:`tracer.transpose`).
TRANSPOSE_FUNCTIONS = tuple(_transpose.__all__)
#: Every function :func:`tracer.check` knows: the course's, in course order, then the transposed convolution.
FUNCTIONS = CONV_FUNCTIONS + NETWORK_FUNCTIONS + TRANSPOSE_FUNCTIONS
#: The functions a check can also try with a ``"dilation"`` key (``check(fn, dilation=True)``).
DILATABLE = ("conv_forward", "conv_backward")


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
        ``"a non-square input"``, ``"several output channels"``, ``"tied maxima"``...
    """

    name: str
    description: str
    args: tuple
    props: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        return f"Case({self.name}: {self.description})"


@dataclass(frozen=True)
class Probe:
    """Two inputs that differ in one property only: ``without`` lacks it, ``with_`` has it."""

    prop: str
    without: Case
    with_: Case

    def __repr__(self) -> str:
        return f"Probe({self.prop}: {self.without.name} / {self.with_.name})"


#: Argument names of each function (for summaries and messages).
PARAMETERS: dict[str, tuple[str, ...]] = {
    "zero_pad": ("X", "pad"),
    "conv_single_step": ("a_slice_prev", "W", "b"),
    "conv_forward": ("A_prev", "W", "b", "hparameters"),
    "conv_backward": ("dZ", "cache"),
    "pool_forward": ("A_prev", "hparameters", "mode"),
    "pool_backward": ("dA", "cache", "mode"),
    "create_mask_from_window": ("x",),
    "distribute_value": ("dz", "shape"),
    "initialize_parameters": ("n_x", "n_h", "n_y"),
    "initialize_parameters_deep": ("layer_dims",),
    "sigmoid": ("Z",),
    "relu": ("Z",),
    "sigmoid_backward": ("dA", "cache"),
    "relu_backward": ("dA", "cache"),
    "linear_forward": ("A", "W", "b"),
    "linear_activation_forward": ("A_prev", "W", "b", "activation"),
    "L_model_forward": ("X", "parameters"),
    "compute_cost": ("AL", "Y"),
    "linear_backward": ("dZ", "cache"),
    "linear_activation_backward": ("dA", "cache", "activation"),
    "L_model_backward": ("AL", "Y", "caches"),
    "update_parameters": ("parameters", "grads", "learning_rate"),
    "conv_transpose_forward": ("A_prev", "W", "b", "hparameters"),
    "conv_transpose_backward": ("dZ", "cache"),
}

#: What each function returns, by course name (a tuple when there are several).
OUTPUTS: dict[str, tuple[str, ...]] = {
    "zero_pad": ("X_pad",),
    "conv_single_step": ("Z",),
    "conv_forward": ("Z", "cache"),
    "conv_backward": ("dA_prev", "dW", "db"),
    "pool_forward": ("A", "cache"),
    "pool_backward": ("dA_prev",),
    "create_mask_from_window": ("mask",),
    "distribute_value": ("a",),
    "initialize_parameters": ("parameters",),
    "initialize_parameters_deep": ("parameters",),
    "sigmoid": ("A", "cache"),
    "relu": ("A", "cache"),
    "sigmoid_backward": ("dZ",),
    "relu_backward": ("dZ",),
    "linear_forward": ("Z", "cache"),
    "linear_activation_forward": ("A", "cache"),
    "L_model_forward": ("AL", "caches"),
    "compute_cost": ("cost",),
    "linear_backward": ("dA_prev", "dW", "db"),
    "linear_activation_backward": ("dA_prev", "dW", "db"),
    "L_model_backward": ("grads",),
    "update_parameters": ("parameters",),
    "conv_transpose_forward": ("Z", "cache"),
    "conv_transpose_backward": ("dA_prev", "dW", "db"),
}

#: What a function's cache holds, by course name, for the functions whose cache is their inputs.
CACHE_NAMES: dict[str, tuple[str, ...]] = {
    "conv_forward": ("A_prev", "W", "b", "hparameters"),
    "pool_forward": ("A_prev", "hparameters"),
    "linear_forward": ("A", "W", "b"),
    "conv_transpose_forward": ("A_prev", "W", "b", "hparameters"),
}


def check_name(where: str, name: Any) -> str:
    """``name`` if it is one of :data:`FUNCTIONS`; a ValueError that names ``where`` otherwise."""
    if not isinstance(name, str) or name not in FUNCTIONS:
        raise ValueError(f"{where}: name must be one of the course functions {list(FUNCTIONS)}, got {name!r}")
    return name


def reference_function(name: str) -> Callable:
    """tracer's own version of the course function ``name``."""
    check_name("reference_function", name)
    module = next(m for m in (_conv, _pool, _transpose, _network) if name in m.__all__)
    return getattr(module, name)


def _tables() -> tuple[dict[str, Callable[[], list[Case]]], dict[str, Callable[[], list[Probe]]]]:
    from . import conv, network, transpose

    return ({**conv.BATTERIES, **network.BATTERIES, **transpose.BATTERIES},
            {**conv.PROBES, **network.PROBES, **transpose.PROBES})


def check_dilation(where: str, name: str, dilation: Any) -> bool:
    """``dilation`` as a bool; a ValueError when it is asked for a function that takes no dilation."""
    if not isinstance(dilation, bool):
        raise TypeError(f"{where}: dilation must be True or False, got {dilation!r}")
    if dilation and name not in DILATABLE:
        raise ValueError(f"{where}: dilation=True checks {' and '.join(DILATABLE)} only, got {name!r}")
    return dilation


def battery(name: str, dilation: bool = False) -> list[Case]:
    """The cases :func:`tracer.check` runs for the function ``name`` (fresh arrays on every call).

    Parameters
    ----------
    name : str
        One of :data:`FUNCTIONS`.
    dilation : bool, optional
        For ``conv_forward`` and ``conv_backward``: add the cases with a
        ``"dilation"`` key (:data:`~tracer.checker.cases.transpose.DILATED`).

    Returns
    -------
    list of Case
    """
    check_name("battery", name)
    cases = _tables()[0][name]()
    if check_dilation("battery", name, dilation):
        from .transpose import DILATED

        cases += DILATED[name]()
    return cases


def probes(name: str, dilation: bool = False) -> list[Probe]:
    """The probes of ``name``: for each property its failures may be tied to, two inputs that differ in it only.

    Returns
    -------
    list of Probe
    """
    check_name("probes", name)
    found = _tables()[1].get(name, lambda: [])()
    if check_dilation("probes", name, dilation):
        from .transpose import DILATED_PROBES

        found += DILATED_PROBES[name]()
    return found
