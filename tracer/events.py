"""Trace events: one small frozen dataclass per kind of step.

An event stores coordinates and scalars, never arrays: the arrays a step reads
(``A_prev``, ``W``, ``dZ``...) are stored once per call in the trace, and
:meth:`tracer.Trace.replay` recomputes a step's effect from them.

While recording, the loops append compact rows (plain tuples whose first item
is the event class's ``code``) because building a dataclass per window would
cost more than a third of the loop's own work. A :class:`tracer.Trace` turns a
row into its dataclass only when the event is read, with :func:`from_row`.

Window events share their leading fields so that filters and renderers can
treat them alike: ``call`` (which recorded call in the trace), ``i`` (example),
``h, w`` (output cell), ``c`` (channel), and the window bounds
``vert_start, vert_end, horiz_start, horiz_end`` in the (padded) input. A
dilated window spans those bounds and reads every ``call.params["dilation"]``-th
row and column of them. The transposed convolution's :class:`Scatter` and
:class:`ScatterBack` turn it round: ``(h, w)`` is an input cell, and the bounds
are the block it writes in the full output.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Union

from .numbers import number as _fmt

__all__ = [
    "Pad",
    "SingleStep",
    "ConvWindow",
    "PoolWindow",
    "Mask",
    "Distribute",
    "ConvBackWindow",
    "PoolBackWindow",
    "Scatter",
    "Crop",
    "ScatterBack",
    "Uncrop",
    "Event",
    "WindowEvent",
    "EVENT_TYPES",
    "EVENT_KINDS",
    "register",
    "from_row",
]


@dataclass(frozen=True, slots=True)
class Pad:
    """``zero_pad`` added ``pad`` zeros around height and width (one event per call)."""

    code: ClassVar[int] = 0
    kind: ClassVar[str] = "pad"
    call: int
    pad: int

    def describe(self) -> str:
        lines = "row and column" if self.pad == 1 else "rows and columns"
        return f"pad every example with {self.pad} {lines} of zeros on each side"

    def __repr__(self) -> str:
        return f"Pad(call={self.call}, pad={self.pad})"


@dataclass(frozen=True, slots=True)
class SingleStep:
    """``conv_single_step``: sum of the element-wise product, plus the bias once."""

    code: ClassVar[int] = 1
    kind: ClassVar[str] = "single_step"
    call: int
    value: float

    def describe(self) -> str:
        return f"sum(a_slice_prev * W) + b = {_fmt(self.value)}"

    def __repr__(self) -> str:
        return f"SingleStep(call={self.call}, value={_fmt(self.value)})"


@dataclass(frozen=True, slots=True)
class _Window:
    """Fields shared by every window event."""

    call: int
    i: int
    h: int
    w: int
    c: int
    vert_start: int
    vert_end: int
    horiz_start: int
    horiz_end: int

    @property
    def cell(self) -> tuple[int, int]:
        """The output cell ``(h, w)`` this window belongs to."""
        return (self.h, self.w)

    def _where(self) -> str:
        return (
            f"i={self.i} (h={self.h}, w={self.w}) c={self.c} "
            f"rows {self.vert_start}:{self.vert_end} cols {self.horiz_start}:{self.horiz_end}"
        )


@dataclass(frozen=True, slots=True)
class ConvWindow(_Window):
    """``conv_forward`` wrote ``Z[i, h, w, c] = value`` from one window and filter ``c``."""

    code: ClassVar[int] = 2
    kind: ClassVar[str] = "conv_window"
    value: float

    def describe(self) -> str:
        return (
            f"Z[{self.i}, {self.h}, {self.w}, {self.c}] = sum(window * W[..., {self.c}]) "
            f"+ b[{self.c}] = {_fmt(self.value)} (window rows {self.vert_start}:{self.vert_end}, "
            f"cols {self.horiz_start}:{self.horiz_end})"
        )

    def __repr__(self) -> str:
        return f"ConvWindow(call={self.call}, {self._where()}, value={_fmt(self.value)})"


@dataclass(frozen=True, slots=True)
class PoolWindow(_Window):
    """``pool_forward`` wrote ``A[i, h, w, c] = value``.

    For max pooling ``max_row, max_col`` is the chosen cell in ``A_prev`` (the
    first maximum in row-major order); for average pooling both are ``-1`` and
    ``value`` is the mean.
    """

    code: ClassVar[int] = 3
    kind: ClassVar[str] = "pool_window"
    value: float
    max_row: int
    max_col: int

    @property
    def mode(self) -> str:
        return "max" if self.max_row >= 0 else "average"

    def describe(self) -> str:
        where = f"A[{self.i}, {self.h}, {self.w}, {self.c}]"
        if self.mode == "max":
            return (
                f"{where} = max of the window = {_fmt(self.value)}, "
                f"found at row {self.max_row}, column {self.max_col}"
            )
        return f"{where} = mean of the window = {_fmt(self.value)}"

    def __repr__(self) -> str:
        extra = f", max at ({self.max_row}, {self.max_col})" if self.mode == "max" else ""
        return f"PoolWindow(call={self.call}, {self.mode}, {self._where()}, value={_fmt(self.value)}{extra})"


@dataclass(frozen=True, slots=True)
class Mask:
    """``create_mask_from_window`` marked ``n_max`` cell(s) equal to the window's maximum."""

    code: ClassVar[int] = 4
    kind: ClassVar[str] = "mask"
    call: int
    maximum: float
    n_max: int

    def describe(self) -> str:
        ties = f" ({self.n_max} tied cells)" if self.n_max > 1 else ""
        return f"mask = (x == max(x)), max = {_fmt(self.maximum)}{ties}"

    def __repr__(self) -> str:
        return f"Mask(call={self.call}, maximum={_fmt(self.maximum)}, n_max={self.n_max})"


@dataclass(frozen=True, slots=True)
class Distribute:
    """``distribute_value`` spread ``dz`` evenly: every cell receives ``share``."""

    code: ClassVar[int] = 5
    kind: ClassVar[str] = "distribute"
    call: int
    dz: float
    share: float

    def describe(self) -> str:
        if self.share == 0:
            return f"each cell gets dz / (n_H * n_W) = {_fmt(self.dz)}"
        n = round(self.dz / self.share)  # n_H * n_W, a whole number
        return f"each cell gets dz / (n_H * n_W) = {_fmt(self.dz)} / {n} = {_fmt(self.share)}"

    def __repr__(self) -> str:
        return f"Distribute(call={self.call}, dz={_fmt(self.dz)}, share={_fmt(self.share)})"


@dataclass(frozen=True, slots=True)
class ConvBackWindow(_Window):
    """``conv_backward`` accumulated one window with upstream ``grad = dZ[i, h, w, c]``.

    Its contributions: ``dA_prev_pad[window] += W[..., c] * grad``,
    ``dW[..., c] += a_slice * grad`` and ``db[..., c] += grad``.
    """

    code: ClassVar[int] = 6
    kind: ClassVar[str] = "conv_back_window"
    grad: float

    def describe(self) -> str:
        return (
            f"g = dZ[{self.i}, {self.h}, {self.w}, {self.c}] = {_fmt(self.grad)}: "
            f"dA_prev_pad[rows {self.vert_start}:{self.vert_end}, cols {self.horiz_start}:{self.horiz_end}] "
            f"+= W[..., {self.c}] * g, dW[..., {self.c}] += window * g, db[{self.c}] += g"
        )

    def __repr__(self) -> str:
        return f"ConvBackWindow(call={self.call}, {self._where()}, grad={_fmt(self.grad)})"


@dataclass(frozen=True, slots=True)
class PoolBackWindow(_Window):
    """``pool_backward`` routed upstream ``grad = dA[i, h, w, c]`` into one window.

    Max mode: to the ``n_max`` cell(s) of the window's mask (every tied maximum,
    as the course does). Average mode: ``grad / (f * f)`` to each cell, and
    ``n_max`` is ``-1``.
    """

    code: ClassVar[int] = 7
    kind: ClassVar[str] = "pool_back_window"
    grad: float
    n_max: int

    @property
    def mode(self) -> str:
        return "max" if self.n_max >= 0 else "average"

    def describe(self) -> str:
        src = f"dA[{self.i}, {self.h}, {self.w}, {self.c}] = {_fmt(self.grad)}"
        win = f"rows {self.vert_start}:{self.vert_end}, cols {self.horiz_start}:{self.horiz_end}"
        if self.mode == "max":
            ties = f" (all {self.n_max} tied maxima)" if self.n_max > 1 else ""
            return f"{src} goes to the max of the window {win} through its mask{ties}"
        n = (self.vert_end - self.vert_start) * (self.horiz_end - self.horiz_start)
        return f"{src} is spread evenly over the window {win}: {_fmt(self.grad / n)} per cell"

    def __repr__(self) -> str:
        ties = f", n_max={self.n_max}" if self.mode == "max" else ""
        return f"PoolBackWindow(call={self.call}, {self.mode}, {self._where()}, grad={_fmt(self.grad)}{ties})"


# -- transposed convolution (tracer.transpose): (h, w) is the *input* cell, and the window
# bounds are its f x f block of the full output Z_full (before the cut of pad).


def _rows(n: int) -> str:
    return "row and column" if n == 1 else "rows and columns"


@dataclass(frozen=True, slots=True)
class Scatter(_Window):
    """``conv_transpose_forward`` added input cell ``A_prev[i, h, w, :]`` times filter ``c``
    into the block ``Z_full[i, vert_start:vert_end, horiz_start:horiz_end, c]``."""

    code: ClassVar[int] = 8
    kind: ClassVar[str] = "scatter"

    def describe(self) -> str:
        return (
            f"Z_full[{self.i}, rows {self.vert_start}:{self.vert_end}, cols {self.horiz_start}:{self.horiz_end}, "
            f"{self.c}] += A_prev[{self.i}, {self.h}, {self.w}, :] * W[..., {self.c}], summed over the input channels"
        )

    def __repr__(self) -> str:
        return f"Scatter(call={self.call}, {self._where()})"


@dataclass(frozen=True, slots=True)
class Crop:
    """``conv_transpose_forward`` cut ``pad`` rows and columns from each side of ``Z_full``
    (which ``output_padding`` made taller and wider at the bottom and right), then added ``b``."""

    code: ClassVar[int] = 9
    kind: ClassVar[str] = "crop"
    call: int
    pad: int
    output_padding: int

    def describe(self) -> str:
        extra = (f" (output_padding gave Z_full {self.output_padding} more {_rows(self.output_padding)} "
                 f"at the bottom and right)" if self.output_padding else "")
        return f"Z = Z_full without {self.pad} {_rows(self.pad)} on each side, plus b{extra}"

    def __repr__(self) -> str:
        return f"Crop(call={self.call}, pad={self.pad}, output_padding={self.output_padding})"


@dataclass(frozen=True, slots=True)
class ScatterBack(_Window):
    """``conv_transpose_backward`` read back the block of ``dZ_full`` that input cell ``(h, w)`` wrote in channel ``c``.

    Its contributions: ``dA_prev[i, h, w, :] += sum(W[..., c] * block)`` and
    ``dW[..., c] += A_prev[i, h, w, :] * block``.
    """

    code: ClassVar[int] = 10
    kind: ClassVar[str] = "scatter_back"

    def describe(self) -> str:
        block = f"dZ_full[{self.i}, rows {self.vert_start}:{self.vert_end}, cols {self.horiz_start}:{self.horiz_end}, {self.c}]"
        return (
            f"g = {block}: dA_prev[{self.i}, {self.h}, {self.w}, :] += sum(W[..., {self.c}] * g), "
            f"dW[..., {self.c}] += A_prev[{self.i}, {self.h}, {self.w}, :] * g"
        )

    def __repr__(self) -> str:
        return f"ScatterBack(call={self.call}, {self._where()})"


@dataclass(frozen=True, slots=True)
class Uncrop:
    """``conv_transpose_backward`` put ``dZ`` back inside the ``pad`` rows and columns the forward
    pass cut (zeros there): ``dZ_full``; and ``db`` is the sum of ``dZ``."""

    code: ClassVar[int] = 11
    kind: ClassVar[str] = "uncrop"
    call: int
    pad: int
    output_padding: int

    def describe(self) -> str:
        return f"dZ_full = dZ inside {self.pad} {_rows(self.pad)} of zeros on each side; db = sum of dZ"

    def __repr__(self) -> str:
        return f"Uncrop(call={self.call}, pad={self.pad}, output_padding={self.output_padding})"


Event = Union[Pad, SingleStep, ConvWindow, PoolWindow, Mask, Distribute, ConvBackWindow, PoolBackWindow,
              Scatter, Crop, ScatterBack, Uncrop]
WindowEvent = Union[ConvWindow, PoolWindow, ConvBackWindow, PoolBackWindow, Scatter, ScatterBack]

#: Event classes by their ``code`` (the first item of a recorded row), filled by :func:`register`.
EVENT_TYPES: dict[int, type] = {}

#: Event classes by their ``kind`` name, for filters given as strings.
EVENT_KINDS: dict[str, type] = {}


def register(*classes: type) -> None:
    """Add event classes to :data:`EVENT_TYPES` and :data:`EVENT_KINDS`.

    Raises
    ------
    ValueError
        If a class's ``code`` or ``kind`` is already taken by another class.
    """
    for cls in classes:
        for table, key in ((EVENT_TYPES, cls.code), (EVENT_KINDS, cls.kind)):
            if table.get(key, cls) is not cls:
                raise ValueError(f"register: {cls.__name__} has the {key!r} of {table[key].__name__}; each event "
                                 f"class needs its own code and kind")
        EVENT_TYPES[cls.code] = cls
        EVENT_KINDS[cls.kind] = cls


register(Pad, SingleStep, ConvWindow, PoolWindow, Mask, Distribute, ConvBackWindow, PoolBackWindow,
         Scatter, Crop, ScatterBack, Uncrop)


def from_row(call: int, row: tuple) -> Event:
    """Build the event a recorded row stands for.

    Parameters
    ----------
    call : int
        Index of the recorded call the row belongs to.
    row : tuple
        ``(code, *fields)`` as appended by the instrumented loops.

    Examples
    --------
    >>> from_row(0, (2, 0, 1, 2, 0, 1, 4, 2, 5, 0.5))
    ConvWindow(call=0, i=0 (h=1, w=2) c=0 rows 1:4 cols 2:5, value=0.5)
    """
    cls = EVENT_TYPES.get(row[0])
    if cls is None:
        raise ValueError(f"from_row(): unknown event code {row[0]!r} in row {row!r}; known codes {sorted(EVENT_TYPES)}")
    return cls(call, *row[1:])


# ----------------------------------------------------------------------------------------------
# The L-layer network (tracer.network): one event per layer and phase. ``layer`` is l = 1 .. L
# inside L_model_forward / L_model_backward / update_parameters, and 0 for a standalone call
# (then the names are the course's argument names: A_prev, W, b, Z, dA...). Shapes are tuples
# of ints; ``cache`` holds the names of the cache entries the step used.


#: What a network step does with an array, in :meth:`LinearForward.roles` and the others:
#: computes it, keeps it in (or reads it from) a cache, or only reads it.
WRITE, CACHE, READ = "write", "cache", "read"


def _shape(s: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(n) for n in s) + ")"


def _named(base: str, layer: int) -> str:
    return f"{base}{layer}" if layer else base


def _layer(layer: int) -> str:
    return f"layer {layer} " if layer else ""


@dataclass(frozen=True, slots=True)
class LinearForward:
    """``Z = W @ A_prev + b`` for one layer; ``cache`` names the linear cache ``(A_prev, W, b)``."""

    code: ClassVar[int] = 20
    kind: ClassVar[str] = "linear_forward"
    call: int
    layer: int
    A_prev_shape: tuple[int, ...]
    W_shape: tuple[int, ...]
    b_shape: tuple[int, ...]
    Z_shape: tuple[int, ...]
    cache: tuple[str, str, str]

    def describe(self) -> str:
        A, W, b = self.cache
        return (
            f"{_layer(self.layer)}linear: {_named('Z', self.layer)} = {W} @ {A} + {b}, "
            f"{_shape(self.W_shape)} @ {_shape(self.A_prev_shape)} + {_shape(self.b_shape)} -> {_shape(self.Z_shape)}; "
            f"linear cache ({A}, {W}, {b})"
        )

    def roles(self, call_name: str) -> dict[str, str]:
        """What this step does with each array, by its name in the replayed state.

        Returns ``{name: WRITE | CACHE | READ}``: ``Z`` is written, ``(A_prev, W, b)``
        kept in the linear cache. ``call_name`` is the recorded call's name
        (a standalone ``linear_forward`` names its input ``A``).
        """
        A_prev, W, b = self.cache
        if call_name == "linear_forward":
            A_prev = "A"
        return {_named("Z", self.layer): WRITE, A_prev: CACHE, W: CACHE, b: CACHE}

    def __repr__(self) -> str:
        return f"LinearForward(call={self.call}, layer={self.layer}, Z {self.Z_shape}, cache={self.cache})"


@dataclass(frozen=True, slots=True)
class ActivationForward:
    """``A = relu(Z)`` or ``sigmoid(Z)`` for one layer; ``cache`` names the activation cache ``Z``."""

    code: ClassVar[int] = 21
    kind: ClassVar[str] = "activation_forward"
    call: int
    layer: int
    activation: str
    Z_shape: tuple[int, ...]
    A_shape: tuple[int, ...]
    cache: str

    def describe(self) -> str:
        return (
            f"{_layer(self.layer)}{self.activation}: {_named('A', self.layer)} = {self.activation}({self.cache}), "
            f"{_shape(self.A_shape)}; activation cache {self.cache}"
        )

    def roles(self, call_name: str) -> dict[str, str]:
        """``A`` written, ``Z`` kept as the activation cache (see :meth:`LinearForward.roles`)."""
        return {_named("A", self.layer): WRITE, self.cache: CACHE}

    def __repr__(self) -> str:
        return f"ActivationForward(call={self.call}, layer={self.layer}, {self.activation}, A {self.A_shape}, cache={self.cache!r})"


@dataclass(frozen=True, slots=True)
class Cost:
    """``compute_cost``: the cross-entropy ``value`` of ``AL`` against ``Y``, averaged over m."""

    code: ClassVar[int] = 22
    kind: ClassVar[str] = "cost"
    call: int
    AL_shape: tuple[int, ...]
    value: float

    def describe(self) -> str:
        return (
            f"cost = -(1/m) sum(Y log(AL) + (1 - Y) log(1 - AL)) = {_fmt(self.value)} "
            f"over m = {self.AL_shape[-1]} examples"
        )

    def roles(self, call_name: str) -> dict[str, str]:
        """``cost`` written from ``AL`` and ``Y`` (see :meth:`LinearForward.roles`)."""
        return {"cost": WRITE, "AL": READ, "Y": READ}

    def __repr__(self) -> str:
        return f"Cost(call={self.call}, AL {self.AL_shape}, value={_fmt(self.value)})"


@dataclass(frozen=True, slots=True)
class ActivationBackward:
    """``dZ = dA * g'(Z)`` for one layer, ``Z`` read from the activation cache named ``cache``.

    ``dA`` names the gradient read: ``"dAL"`` for the last layer, ``"dA{l}"`` (the
    key of ``grads``) for the others.
    """

    code: ClassVar[int] = 23
    kind: ClassVar[str] = "activation_backward"
    call: int
    layer: int
    activation: str
    dA_shape: tuple[int, ...]
    dZ_shape: tuple[int, ...]
    dA: str
    cache: str

    def describe(self) -> str:
        dZ, Z = _named("dZ", self.layer), self.cache
        slope = f"s(1 - s) with s = sigmoid({Z})" if self.activation == "sigmoid" else f"({Z} > 0)"
        return f"{_layer(self.layer)}{self.activation} backward: {dZ} = {self.dA} * {slope}, {_shape(self.dZ_shape)}; reads the cache {Z}"

    def roles(self, call_name: str) -> dict[str, str]:
        """``dZ`` written from the gradient ``dA`` and the cache ``Z`` (see :meth:`LinearForward.roles`)."""
        return {_named("dZ", self.layer): WRITE, self.dA: READ, self.cache: CACHE}

    def __repr__(self) -> str:
        return (
            f"ActivationBackward(call={self.call}, layer={self.layer}, {self.activation}, "
            f"{self.dA} {self.dA_shape}, cache={self.cache!r})"
        )


@dataclass(frozen=True, slots=True)
class LinearBackward:
    """``dW = dZ @ A_prev.T / m``, ``db = sum(dZ) / m``, ``dA_prev = W.T @ dZ`` from the linear ``cache``."""

    code: ClassVar[int] = 24
    kind: ClassVar[str] = "linear_backward"
    call: int
    layer: int
    dZ_shape: tuple[int, ...]
    dA_prev_shape: tuple[int, ...]
    dW_shape: tuple[int, ...]
    db_shape: tuple[int, ...]
    cache: tuple[str, str, str]

    @property
    def outputs(self) -> tuple[str, str, str]:
        """Names of what the step wrote: ``(dA_prev, dW, db)`` or ``(dA{l-1}, dW{l}, db{l})``."""
        l = self.layer
        return ("dA_prev", "dW", "db") if l == 0 else (f"dA{l - 1}", f"dW{l}", f"db{l}")

    def describe(self) -> str:
        A, W, _ = self.cache
        dA_prev, dW, db = self.outputs
        dZ = _named("dZ", self.layer)
        return (
            f"{_layer(self.layer)}linear backward: {dW} = {dZ} @ {A}.T / m {_shape(self.dW_shape)}, "
            f"{db} = sum({dZ}) / m {_shape(self.db_shape)}, {dA_prev} = {W}.T @ {dZ} {_shape(self.dA_prev_shape)}; "
            f"reads the cache ({', '.join(self.cache)})"
        )

    def roles(self, call_name: str) -> dict[str, str]:
        """``dW``, ``db`` and ``dA_prev`` written from ``dZ`` and the linear cache (see :meth:`LinearForward.roles`)."""
        dA_prev, dW, db = self.outputs
        A_prev, W, b = self.cache
        # in the order the step's caption gives them: dW, db, then dA_prev
        return {dW: WRITE, db: WRITE, dA_prev: WRITE, _named("dZ", self.layer): READ, A_prev: CACHE, W: CACHE, b: CACHE}

    def __repr__(self) -> str:
        return f"LinearBackward(call={self.call}, layer={self.layer}, dW {self.dW_shape}, cache={self.cache})"


@dataclass(frozen=True, slots=True)
class Update:
    """``update_parameters`` moved ``W{l}`` and ``b{l}`` against their gradients."""

    code: ClassVar[int] = 25
    kind: ClassVar[str] = "update"
    call: int
    layer: int
    W_shape: tuple[int, ...]
    b_shape: tuple[int, ...]
    learning_rate: float

    def describe(self) -> str:
        l, lr = self.layer, _fmt(self.learning_rate)
        return f"layer {l} update: W{l} = W{l} - {lr} * dW{l} {_shape(self.W_shape)}, b{l} = b{l} - {lr} * db{l} {_shape(self.b_shape)}"

    def roles(self, call_name: str) -> dict[str, str]:
        """New ``W{l}`` and ``b{l}`` written from the gradients (see :meth:`LinearForward.roles`)."""
        l = self.layer
        return {f"W{l}": WRITE, f"b{l}": WRITE, f"dW{l}": READ, f"db{l}": READ}

    def __repr__(self) -> str:
        return f"Update(call={self.call}, layer={self.layer}, W {self.W_shape}, learning_rate={_fmt(self.learning_rate)})"


NetworkEvent = Union[LinearForward, ActivationForward, Cost, ActivationBackward, LinearBackward, Update]
NETWORK_EVENTS = (LinearForward, ActivationForward, Cost, ActivationBackward, LinearBackward, Update)
register(*NETWORK_EVENTS)
__all__ += ["LinearForward", "ActivationForward", "Cost", "ActivationBackward", "LinearBackward", "Update",
            "NetworkEvent", "NETWORK_EVENTS", "WRITE", "CACHE", "READ"]
