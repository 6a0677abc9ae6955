"""Input checks shared by the course loops and their vectorized twins.

Every check runs before any work and raises ``TypeError`` (wrong type) or
``ValueError`` (wrong shape or value) with a message that names the function
and the argument, says what was expected and repeats what was received.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "ConvShapes",
    "ConvTransposeShapes",
    "PoolShapes",
    "conv_shapes",
    "conv_transpose_shapes",
    "pool_shapes",
    "check_array",
    "as_float",
    "check_mode",
    "check_int",
    "check_cache",
    "check_real",
    "check_activation",
    "check_linear",
    "check_same_shape",
    "check_labels",
    "check_probabilities",
    "check_output",
    "check_parameters",
    "check_network",
    "check_linear_cache",
    "check_activation_cache",
    "check_allocation",
    "MAX_ARRAY_BYTES",
]

POOL_MODES = ("max", "average")

#: The largest array (in bytes) any one call may allocate: 2 GiB, a quarter of a small
#: machine's memory. Sizes are checked against it before anything is allocated, so a
#: typo such as ``zero_pad(X, 10**6)`` is refused at once instead of ending in a MemoryError.
MAX_ARRAY_BYTES = 2 * 1024**3


def _human(n_bytes: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n_bytes < 1024 or unit == "PiB":
            return f"{n_bytes:.0f} {unit}" if unit == "B" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1024
    raise AssertionError  # pragma: no cover


def check_allocation(fn: str, what: str, shape: tuple[int, ...], hint: str, itemsize: int = 8) -> None:
    """Refuse an array of ``shape`` (float64 by default) larger than :data:`MAX_ARRAY_BYTES`.

    Called with the sizes, before the array is made; ``hint`` says how to reduce it.

    Raises
    ------
    ValueError
        Naming ``fn``, the array, its shape, the bytes it needs and the limit.
    """
    size = itemsize
    for n in shape:
        size *= int(n)
    if size > MAX_ARRAY_BYTES:
        raise ValueError(
            f"{fn}: {what} would be an array of shape {tuple(int(n) for n in shape)}, {_human(size)}, more than the "
            f"{_human(MAX_ARRAY_BYTES)} allowed for one array (tracer.validate.MAX_ARRAY_BYTES); {hint}"
        )

#: dtype kinds taken as real numbers: float, signed and unsigned int, bool.
REAL_KINDS = "fiub"


def check_array(fn: str, name: str, x: Any, ndim: int | None, layout: str = "") -> np.ndarray:
    """``x`` as a finite ndarray of real numbers with ``ndim`` dimensions.

    Floating-point, integer and boolean arrays are taken, as the course's own
    tests pass them (``np.array([[-1, 2, 3], ...])``); complex, object and string
    arrays are refused, and so are masked arrays (``numpy.ma``): the loops and
    the vectorized twins would each treat the mask their own way. Returns ``x``
    itself: :func:`as_float` converts.
    """
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{fn}: {name} must be a numpy array{_layout(layout)}, got {type(x).__name__}")
    _refuse_masked(fn, name, x)
    if x.dtype.kind not in REAL_KINDS:
        hint = f"; take the real part with {name}.real if that is what you mean" if x.dtype.kind == "c" else ""
        raise TypeError(
            f"{fn}: {name} must hold real numbers (float, int or bool), got dtype {x.dtype}{hint}"
        )
    if ndim is not None and x.ndim != ndim:
        raise ValueError(f"{fn}: {name} must be a {ndim}-D array{_layout(layout)}, got shape {x.shape}")
    if x.dtype.kind == "f" and not np.isfinite(x).all():
        bad = tuple(int(j) for j in np.argwhere(~np.isfinite(x))[0])
        raise ValueError(f"{fn}: {name} must hold finite values, got {x[bad]} at index {bad}")
    return x


def _refuse_masked(fn: str, name: str, x: np.ndarray) -> None:
    """Masked arrays are refused: the loops and the vectorized twins would not agree on what the mask means."""
    if isinstance(x, np.ma.MaskedArray):
        raise TypeError(
            f"{fn}: {name} is a masked array (numpy.ma), which tracer does not take: the course's loops and "
            f"the vectorized paths would each treat the mask their own way; pass {name}.filled(0.0) "
            f"(or another fill value), or np.asarray({name}) to drop the mask"
        )


def as_float(x: np.ndarray) -> np.ndarray:
    """``x`` with integers and booleans converted to float64, as the course's arithmetic converts them.

    Floating-point arrays are returned as they are (no copy).
    """
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def _layout(layout: str) -> str:
    return f" {layout}" if layout else ""


def check_int(fn: str, name: str, value: Any, minimum: int) -> int:
    """``value`` as an int at least ``minimum`` (numpy integers accepted, bools refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{fn}: {name} must be an int >= {minimum}, got {value!r} ({type(value).__name__})")
    if value < minimum:
        raise ValueError(f"{fn}: {name} must be an int >= {minimum}, got {value}")
    return int(value)


def check_hparameters(fn: str, hparameters: Any, keys: tuple[str, ...]) -> dict:
    if not isinstance(hparameters, dict):
        raise TypeError(f"{fn}: hparameters must be a dict with keys {list(keys)}, got {type(hparameters).__name__}")
    missing = [k for k in keys if k not in hparameters]
    if missing:
        raise ValueError(
            f"{fn}: hparameters is missing {missing}; expected keys {list(keys)}, got {sorted(hparameters)}"
        )
    return hparameters


def check_mode(fn: str, mode: Any) -> str:
    if mode not in POOL_MODES:
        raise ValueError(f"{fn}: mode must be one of {list(POOL_MODES)}, got {mode!r}")
    return mode


def _out_size(fn: str, window: str, what: str, n_prev: int, f: int, pad: int, stride: int, dilation: int = 1) -> int:
    span = dilation * (f - 1) + 1  # the rows (columns) a window spans: f, or more when dilated
    if n_prev + 2 * pad < span:
        padded = f" padded by {pad} on each side ({n_prev + 2 * pad})" if pad else ""
        if dilation == 1:
            raise ValueError(
                f"{fn}: the {f}x{f} window ({window} = {f}) is larger than A_prev's {what} {n_prev}"
                f"{padded}; the output would be empty"
            )
        raise ValueError(
            f"{fn}: the {f}x{f} filter dilated by {dilation} spans {span}x{span} cells "
            f"(dilation * (f - 1) + 1 = {dilation} * {f - 1} + 1 = {span}), larger than A_prev's {what} "
            f"{n_prev}{padded}; the output would be empty"
        )
    return (n_prev + 2 * pad - span) // stride + 1


@dataclass(frozen=True)
class ConvShapes:
    """The sizes of a convolution, as the course names them."""

    m: int
    n_H_prev: int
    n_W_prev: int
    n_C_prev: int
    f: int
    n_C: int
    stride: int
    pad: int
    n_H: int
    n_W: int
    dilation: int = 1


@dataclass(frozen=True)
class PoolShapes:
    """The sizes of a pooling layer, as the course names them."""

    m: int
    n_H_prev: int
    n_W_prev: int
    n_C: int
    f: int
    stride: int
    n_H: int
    n_W: int


def _conv_arrays(fn: str, A_prev: Any, W: Any, b: Any) -> tuple[int, int, int, int, int, int]:
    """Check the arrays of a convolution; return ``(m, n_H_prev, n_W_prev, n_C_prev, f, n_C)``."""
    check_array(fn, "A_prev", A_prev, 4, "(m, n_H_prev, n_W_prev, n_C_prev)")
    check_array(fn, "W", W, 4, "(f, f, n_C_prev, n_C)")
    check_array(fn, "b", b, 4, "(1, 1, 1, n_C)")
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f2, W_C_prev, n_C = W.shape
    if f != f2:
        raise ValueError(f"{fn}: W must hold square f x f filters (f, f, n_C_prev, n_C), got shape {W.shape}")
    if W_C_prev != n_C_prev:
        raise ValueError(
            f"{fn}: W has {W_C_prev} input channels (W.shape[2]) but A_prev has {n_C_prev} (A_prev.shape[3]); "
            f"got A_prev {A_prev.shape} and W {W.shape}"
        )
    if b.shape != (1, 1, 1, n_C):
        raise ValueError(f"{fn}: b must have shape (1, 1, 1, n_C) = (1, 1, 1, {n_C}), got {b.shape}")
    if min(A_prev.shape + W.shape) == 0:
        raise ValueError(f"{fn}: A_prev and W must not be empty, got A_prev {A_prev.shape} and W {W.shape}")
    return m, n_H_prev, n_W_prev, n_C_prev, f, n_C


def conv_shapes(fn: str, A_prev: Any, W: Any, b: Any, hparameters: Any) -> ConvShapes:
    """Check ``conv_forward``'s arguments and return its sizes.

    ``hparameters`` may hold a ``"dilation"`` (an int >= 1, default 1): the
    window then reads every ``dilation``-th row and column and spans
    ``dilation * (f - 1) + 1`` of them.
    """
    hp = check_hparameters(fn, hparameters, ("stride", "pad"))
    stride = check_int(fn, 'hparameters["stride"]', hp["stride"], 1)
    pad = check_int(fn, 'hparameters["pad"]', hp["pad"], 0)
    dilation = check_int(fn, 'hparameters["dilation"]', hp["dilation"], 1) if "dilation" in hp else 1
    m, n_H_prev, n_W_prev, n_C_prev, f, n_C = _conv_arrays(fn, A_prev, W, b)
    n_H = _out_size(fn, "W.shape[0]", "height", n_H_prev, f, pad, stride, dilation)
    n_W = _out_size(fn, "W.shape[0]", "width", n_W_prev, f, pad, stride, dilation)
    check_allocation(fn, "A_prev padded", (m, n_H_prev + 2 * pad, n_W_prev + 2 * pad, n_C_prev),
                     'use a smaller hparameters["pad"]')
    check_allocation(fn, "the output Z", (m, n_H, n_W, n_C), 'use fewer filters, a larger stride or a smaller pad')
    return ConvShapes(m, n_H_prev, n_W_prev, n_C_prev, f, n_C, stride, pad, n_H, n_W, dilation)


@dataclass(frozen=True)
class ConvTransposeShapes:
    """The sizes of a transposed convolution: ``A_prev (m, n_H_prev, n_W_prev, n_C_prev)`` to ``Z (m, n_H, n_W, n_C)``.

    The scatter writes a full output of ``n_H_full = (n_H_prev - 1) * stride + f + output_padding``
    rows; ``pad`` rows are then cut from each side: ``n_H = n_H_full - 2 * pad`` (the same for width).
    """

    m: int
    n_H_prev: int
    n_W_prev: int
    n_C_prev: int
    f: int
    n_C: int
    stride: int
    pad: int
    output_padding: int
    n_H_full: int
    n_W_full: int
    n_H: int
    n_W: int


def conv_transpose_shapes(fn: str, A_prev: Any, W: Any, b: Any, hparameters: Any) -> ConvTransposeShapes:
    """Check ``conv_transpose_forward``'s arguments and return its sizes.

    ``hparameters`` holds ``"stride"`` (int >= 1), ``"pad"`` (int >= 0) and
    optionally ``"output_padding"`` (an int, ``0 <= output_padding < stride``, default 0).
    """
    hp = check_hparameters(fn, hparameters, ("stride", "pad"))
    stride = check_int(fn, 'hparameters["stride"]', hp["stride"], 1)
    pad = check_int(fn, 'hparameters["pad"]', hp["pad"], 0)
    name = 'hparameters["output_padding"]'
    output_padding = check_int(fn, name, hp["output_padding"], 0) if "output_padding" in hp else 0
    if output_padding >= stride:
        raise ValueError(
            f"{fn}: {name} must be smaller than the stride ({stride}): it picks one of the {stride} output "
            f"sizes a stride of {stride} maps to the same input size; got {output_padding}"
        )
    m, n_H_prev, n_W_prev, n_C_prev, f, n_C = _conv_arrays(fn, A_prev, W, b)
    sizes = []
    for what, n_prev in (("height", n_H_prev), ("width", n_W_prev)):
        full = (n_prev - 1) * stride + f + output_padding
        if full - 2 * pad < 1:
            raise ValueError(
                f"{fn}: the full output's {what} is (n_prev - 1) * stride + f + output_padding = "
                f"({n_prev} - 1) * {stride} + {f} + {output_padding} = {full}, and cutting pad = {pad} from each "
                f"side leaves {full - 2 * pad}; the output would be empty (use a smaller pad)"
            )
        sizes += [full, full - 2 * pad]
    n_H_full, n_H, n_W_full, n_W = sizes
    check_allocation(fn, "Z_full, the full output before the cut,", (m, n_H_full, n_W_full, n_C),
                     "use a smaller stride, filter or input")
    return ConvTransposeShapes(m, n_H_prev, n_W_prev, n_C_prev, f, n_C, stride, pad, output_padding,
                               n_H_full, n_W_full, n_H, n_W)


def pool_shapes(fn: str, A_prev: Any, hparameters: Any, mode: Any) -> PoolShapes:
    """Check ``pool_forward``'s arguments and return its sizes."""
    check_mode(fn, mode)
    hp = check_hparameters(fn, hparameters, ("f", "stride"))
    f = check_int(fn, 'hparameters["f"]', hp["f"], 1)
    stride = check_int(fn, 'hparameters["stride"]', hp["stride"], 1)
    check_array(fn, "A_prev", A_prev, 4, "(m, n_H_prev, n_W_prev, n_C)")
    if min(A_prev.shape) == 0:
        raise ValueError(f"{fn}: A_prev must not be empty, got shape {A_prev.shape}")
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    n_H = _out_size(fn, 'hparameters["f"]', "height", n_H_prev, f, 0, stride)
    n_W = _out_size(fn, 'hparameters["f"]', "width", n_W_prev, f, 0, stride)
    return PoolShapes(m, n_H_prev, n_W_prev, n_C, f, stride, n_H, n_W)


def check_cache(fn: str, cache: Any, length: int, layout: str, name: str = "cache") -> tuple:
    """``cache`` as the forward call's tuple of ``length`` items laid out as ``layout``."""
    if not isinstance(cache, tuple):
        raise TypeError(f"{fn}: {name} must be the forward call's tuple {layout}, got {type(cache).__name__}")
    if len(cache) != length:
        raise ValueError(f"{fn}: {name} must be the forward call's tuple {layout}, got a tuple of length {len(cache)}")
    return cache


def _in_cache(fn: str, layout: str, error: Exception) -> Exception:
    """``error`` (raised while checking what a cache holds) with a note that the cache is at fault."""
    return type(error)(f"{error} (in the cache {layout} given to {fn})")



def conv_backward_shapes(fn: str, dZ: Any, cache: Any) -> tuple[ConvShapes, tuple]:
    """Check ``conv_backward``'s arguments and return the forward sizes and the cache."""
    return _backward_shapes(fn, dZ, cache, conv_shapes)


def conv_transpose_backward_shapes(fn: str, dZ: Any, cache: Any) -> tuple[ConvTransposeShapes, tuple]:
    """Check ``conv_transpose_backward``'s arguments and return the forward sizes and the cache."""
    return _backward_shapes(fn, dZ, cache, conv_transpose_shapes)


def _backward_shapes(fn: str, dZ: Any, cache: Any, forward_shapes: Callable[..., Any]) -> tuple[Any, tuple]:
    """A backward pass's cache ``(A_prev, W, b, hparameters)`` checked as its forward pass checks its
    arguments (``forward_shapes``, the error noting the cache), and ``dZ`` shaped like the forward output."""
    layout = "(A_prev, W, b, hparameters)"
    A_prev, W, b, hparameters = check_cache(fn, cache, 4, layout)
    try:
        shapes = forward_shapes(fn, A_prev, W, b, hparameters)
    except (TypeError, ValueError) as error:
        raise _in_cache(fn, layout, error) from None
    check_same_shape(fn, "dZ", dZ, (shapes.m, shapes.n_H, shapes.n_W, shapes.n_C), "the forward output Z")
    return shapes, (A_prev, W, b, hparameters)


def pool_backward_shapes(fn: str, dA: Any, cache: Any, mode: Any) -> tuple[PoolShapes, tuple]:
    """Check ``pool_backward``'s arguments and return the forward sizes and the cache."""
    check_mode(fn, mode)
    layout = "(A_prev, hparameters)"
    A_prev, hparameters = check_cache(fn, cache, 2, layout)
    try:
        shapes = pool_shapes(fn, A_prev, hparameters, mode)
    except (TypeError, ValueError) as error:
        raise _in_cache(fn, layout, error) from None
    check_same_shape(fn, "dA", dA, (shapes.m, shapes.n_H, shapes.n_W, shapes.n_C), "the forward output A")
    return shapes, (A_prev, hparameters)


# ----------------------------------------------------------------------------------------------
# The L-layer network (tracer.network): A (n_prev, m), W (n_l, n_prev), b (n_l, 1), caches as the
# course's forward functions make them.

ACTIVATIONS = ("relu", "sigmoid")

_KEY = re.compile(r"^[Wb]([1-9][0-9]*)$")

def check_real(fn: str, name: str, value: Any, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{fn}: {name} must be a real number, got {value!r} ({type(value).__name__})")
    if not np.isfinite(value) or (positive and value <= 0):
        raise ValueError(f"{fn}: {name} must be a finite number{' > 0' if positive else ''}, got {value!r}")
    return float(value)


def check_activation(fn: str, activation: Any) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(f"{fn}: activation must be one of {list(ACTIVATIONS)}, got {activation!r}")
    return activation


def check_linear(fn: str, A: Any, W: Any, b: Any, names: tuple[str, str, str] = ("A", "W", "b")) -> None:
    """``A (n_prev, m)``, ``W (n_l, n_prev)``, ``b (n_l, 1)``, finite floats with matching sizes."""
    a, w, bn = names
    check_array(fn, a, A, 2, "(n_prev, m)")
    check_array(fn, w, W, 2, "(n_l, n_prev)")
    check_array(fn, bn, b, 2, "(n_l, 1)")
    if min(A.shape + W.shape) == 0:
        raise ValueError(f"{fn}: {a} and {w} must not be empty, got {a} {A.shape} and {w} {W.shape}")
    if W.shape[1] != A.shape[0]:
        raise ValueError(
            f"{fn}: {w} has {W.shape[1]} columns ({w}.shape[1]) but {a} has {A.shape[0]} rows ({a}.shape[0]); "
            f"{w} @ {a} needs them equal; got {w} {W.shape} and {a} {A.shape}"
        )
    if b.shape != (W.shape[0], 1):
        raise ValueError(f"{fn}: {bn} must have shape (n_l, 1) = ({W.shape[0]}, 1), got {b.shape}")
    check_allocation(fn, f"{w} @ {a}", (W.shape[0], A.shape[1]), f"pass fewer examples (columns of {a}) at a time")


def check_same_shape(fn: str, name: str, x: Any, expected: tuple[int, ...], source: str) -> None:
    check_array(fn, name, x, len(expected), f"shaped like {source}")
    if x.shape != expected:
        raise ValueError(f"{fn}: {name} must have the shape of {source}, {expected}, got {x.shape}")


def check_labels(fn: str, Y: Any, AL: np.ndarray) -> np.ndarray:
    """``Y`` shaped like ``AL``, real (int, bool or float), finite, every value in [0, 1]."""
    if not isinstance(Y, np.ndarray):
        raise TypeError(f"{fn}: Y must be a numpy array shaped like AL {AL.shape}, got {type(Y).__name__}")
    _refuse_masked(fn, "Y", Y)
    if not (np.issubdtype(Y.dtype, np.number) or Y.dtype == bool) or np.issubdtype(Y.dtype, np.complexfloating):
        raise TypeError(f"{fn}: Y must hold real numbers (labels 0 or 1), got dtype {Y.dtype}")
    if Y.shape != AL.shape:
        hint = f"; use Y.reshape{AL.shape}" if Y.size == AL.size else ""
        raise ValueError(f"{fn}: Y must have the shape of AL, {AL.shape}, got {Y.shape}{hint}")
    Yf = Y.astype(float)
    if not np.all((Yf >= 0) & (Yf <= 1)):
        bad = tuple(int(j) for j in np.argwhere(~((Yf >= 0) & (Yf <= 1)))[0])
        raise ValueError(f"{fn}: Y must hold labels between 0 and 1, got {Y[bad]} at index {bad}")
    return Yf


def check_probabilities(fn: str, AL: Any) -> np.ndarray:
    """``AL (1, m)``, finite, strictly between 0 and 1: ``compute_cost`` takes ``log(AL)`` and ``log(1 - AL)``.

    The course's cost divides by ``m = Y.shape[1]``: an ``AL`` of shape ``(3, 1)`` would
    give three times the mean cost, so one row is required.
    """
    check_array(fn, "AL", AL, 2, "(1, m)")
    if AL.size == 0:
        raise ValueError(f"{fn}: AL must not be empty, got shape {AL.shape}")
    if AL.shape[0] != 1:
        hint = f"; for {AL.shape[0]} examples in a column, pass AL.T and Y.T" if AL.shape[1] == 1 else ""
        raise ValueError(
            f"{fn}: AL must have shape (1, m), one probability per example in a single row (the cost is averaged "
            f"over m = Y.shape[1] columns), got shape {AL.shape}{hint}"
        )
    inside = (AL > 0) & (AL < 1)
    if not inside.all():
        bad = tuple(int(j) for j in np.argwhere(~inside)[0])
        raise ValueError(
            f"{fn}: AL must hold probabilities strictly between 0 and 1 (log(AL) and log(1 - AL) are taken), "
            f"got {AL[bad]} at index {bad}"
        )
    return AL


def check_output(fn: str, AL: Any) -> np.ndarray:
    """``AL (n_y, m)``, finite, never exactly 0 or 1: ``L_model_backward`` divides by ``AL`` and ``1 - AL``.

    No log is taken there, so any other value is taken, as the course's own test
    case passes an ``AL`` drawn from ``np.random.randn``.
    """
    check_array(fn, "AL", AL, 2, "(1, m)")
    if AL.size == 0:
        raise ValueError(f"{fn}: AL must not be empty, got shape {AL.shape}")
    edge = (AL == 0) | (AL == 1)
    if edge.any():
        bad = tuple(int(j) for j in np.argwhere(edge)[0])
        raise ValueError(
            f"{fn}: AL must differ from 0 and 1 (dAL = -(Y / AL - (1 - Y) / (1 - AL)) divides by AL and 1 - AL), "
            f"got {AL[bad]} at index {bad}"
        )
    return AL


def check_parameters(fn: str, parameters: Any) -> int:
    """The number of layers ``L`` of a ``{"W1": ..., "b1": ..., ..., "WL": ..., "bL": ...}`` dict."""
    if not isinstance(parameters, dict):
        raise TypeError(f'{fn}: parameters must be a dict {{"W1": ..., "b1": ..., ...}}, got {type(parameters).__name__}')
    L = max((int(m.group(1)) for k in parameters if isinstance(k, str) and (m := _KEY.match(k))), default=0)
    expected = {f"{x}{l}" for l in range(1, L + 1) for x in "Wb"}
    if L == 0 or set(parameters) != expected:
        missing = sorted(expected - set(parameters))
        extra = sorted(map(str, set(parameters) - expected))
        raise ValueError(
            f"{fn}: parameters must hold the keys W1, b1, ..., WL, bL and nothing else"
            + (f"; missing {missing}" if missing else "")
            + (f"; unexpected {extra}" if extra else "")
            + f"; got keys {sorted(map(str, parameters))}"
        )
    return L


def check_network(fn: str, parameters: dict, n_x: int | None = None) -> int:
    """Check every ``W{l}, b{l}`` of ``parameters`` and that the layers chain; return ``L``."""
    L = check_parameters(fn, parameters)
    for l in range(1, L + 1):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        check_array(fn, f'parameters["W{l}"]', W, 2, "(n_l, n_{l-1})")
        check_array(fn, f'parameters["b{l}"]', b, 2, "(n_l, 1)")
        if b.shape != (W.shape[0], 1):
            raise ValueError(f'{fn}: parameters["b{l}"] must have shape (n_l, 1) = ({W.shape[0]}, 1), got {b.shape}')
        n_prev = n_x if l == 1 else parameters[f"W{l - 1}"].shape[0]
        if n_prev is not None and W.shape[1] != n_prev:
            source = "X has" if l == 1 else f'parameters["W{l - 1}"] makes'
            raise ValueError(
                f'{fn}: parameters["W{l}"] has {W.shape[1]} columns but {source} {n_prev} rows '
                f'(features) for layer {l} to read; got W{l} {W.shape}'
            )
    return L


def check_linear_cache(fn: str, cache: Any, name: str = "cache") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    A_prev, W, b = check_cache(fn, cache, 3, "(A_prev, W, b)", name)
    check_linear(fn, A_prev, W, b, (f"{name}[0] (A_prev)", f"{name}[1] (W)", f"{name}[2] (b)"))
    return A_prev, W, b




def check_activation_cache(fn: str, cache: Any, name: str = "cache") -> tuple[tuple, np.ndarray]:
    """``((A_prev, W, b), Z)`` with ``Z (n_l, m)`` as ``linear_forward`` made it."""
    linear_cache, Z = check_cache(fn, cache, 2, "((A_prev, W, b), Z)", name)
    A_prev, W, b = check_linear_cache(fn, linear_cache, f"{name}[0]")
    check_same_shape(fn, f"{name}[1] (Z)", Z, (W.shape[0], A_prev.shape[1]), "W @ A_prev")
    return (A_prev, W, b), Z
