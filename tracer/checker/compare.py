"""Comparing a learner's result with the reference's: the first way they differ.

:func:`compare` checks the type, then the shape, then the values (``rtol``
1e-6, ``atol`` 1e-9) of every output in the course's order and describes the
first difference in one sentence, with the index of the first differing
element: ``Z[0, 2, 1, 3]``, ``grads["dW2"][0, 1]``, ``caches[1][1]`` (``Z2``).
Arrays must hold real numbers (a complex or object result is a wrong type,
even when its real part is right); the entries of a dict are compared in the
order the reference computes them (``grads``: the last layer first), so the
first difference named is the first one made. :func:`same` is the plain yes/no
used to tell whether a mistake's variant reproduces a learner's result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..numbers import number
from .cases import CACHE_NAMES, OUTPUTS

__all__ = ["RTOL", "ATOL", "Difference", "Unpicklable", "compare", "differences", "describe", "same"]

RTOL, ATOL = 1e-6, 1e-9


@dataclass(frozen=True)
class Unpicklable:
    """A result that could not be sent back from the child process: its type and its repr."""

    type_name: str
    text: str


def differences(before: Any, after: Any, path: str) -> list[str]:
    """Paths where ``after`` is no longer exactly ``before`` (arrays, tuples, dicts)."""
    if isinstance(before, np.ndarray):
        if not isinstance(after, np.ndarray) or after.shape != before.shape or not np.array_equal(
            before, after, equal_nan=True
        ):
            return [path]
        return []
    if isinstance(before, (tuple, list)):
        if not isinstance(after, type(before)) or len(after) != len(before):
            return [path]
        return [d for k, (x, y) in enumerate(zip(before, after)) for d in differences(x, y, f"{path}[{k}]")]
    if isinstance(before, dict):
        if not isinstance(after, dict) or set(after) != set(before):
            return [path]
        return [d for k in before for d in differences(before[k], after[k], f"{path}[{k!r}]")]
    return [] if before == after else [path]


@dataclass
class Difference:
    """How a result differs from the reference's: a status, one sentence, and the first differing element.

    ``output`` is the output's course name (``"Z"``, ``"grads"``...), ``entry`` the
    part of it that differs when it is a container (``"dW2"``, ``"caches[1][1]"``),
    ``index`` the first differing element of that array.
    """

    status: str  # "wrong type", "wrong shape", "wrong values", "modified input"
    text: str
    output: str = ""
    index: tuple[int, ...] | None = None
    expected: float | None = None
    received: float | None = None
    entry: str = ""


def describe(x: Any) -> str:
    """What ``x`` is, for a message: "an ndarray of shape (2, 3) and dtype float64", "None (...)"..."""
    if isinstance(x, np.ndarray):
        return f"an ndarray of shape {x.shape} and dtype {x.dtype}"
    if isinstance(x, Unpicklable):
        return f"a {x.type_name} ({x.text})"
    if isinstance(x, (tuple, list)):
        return f"a {type(x).__name__} of length {len(x)}"
    if isinstance(x, dict):
        return f"a dict with the keys {sorted(map(str, x))}"
    if x is None:
        return "None (is a return statement missing?)"
    return f"a {type(x).__module__ + '.' if type(x).__module__ not in ('builtins',) else ''}{type(x).__name__}"


def _fmt(x: float) -> str:
    # as captions write a number; a learner's NaN or infinity is named (number() writes "?", a value not computed yet)
    return number(x) if math.isfinite(x) else str(x)


def _real(dtype: np.dtype) -> bool:
    return dtype == bool or np.issubdtype(dtype, np.integer) or np.issubdtype(dtype, np.floating)


def _compare_array(out: str, expected: np.ndarray, got: Any, boolean: bool = False, label: str | None = None,
                   entry: str = "") -> Difference | None:
    label = out if label is None else label
    if not isinstance(got, np.ndarray):
        return Difference("wrong type", f"{label} should be a numpy array of shape {expected.shape}, "
                          f"got {describe(got)}", out, entry=entry)
    if got.shape != expected.shape:
        return Difference("wrong shape", f"{label} has shape {got.shape}, expected {expected.shape}", out, entry=entry)
    if not _real(got.dtype):
        kind = "complex numbers" if np.issubdtype(got.dtype, np.complexfloating) else f"dtype {got.dtype}"
        note = ""
        if np.issubdtype(got.dtype, np.complexfloating) and np.allclose(got.real, expected, rtol=RTOL, atol=ATOL):
            note = " (its real part is right: something takes the square root or log of a negative number?)"
        return Difference("wrong type", f"{label} should hold real numbers, got {kind}{note}", out, entry=entry)
    if boolean:
        close = got.astype(float) == expected.astype(float)
    else:
        close = np.isclose(got.astype(float), expected, rtol=RTOL, atol=ATOL)
    if close.all():
        return None
    index = tuple(int(j) for j in np.argwhere(~close)[0])
    e, g = float(expected[index]), float(got[index])
    n_bad = int((~close).sum())
    show = (lambda v: str(bool(v))) if boolean else _fmt
    text = (f"{label}[{', '.join(map(str, index))}] is {show(g)}, expected {show(e)} "
            f"({n_bad} of {close.size} elements differ)")
    if not boolean and not np.any(got) and np.any(expected):
        text += f"; all of {label} is zero"
    return Difference("wrong values", text, out, index, e, g, entry)


def _compare_scalar(expected: np.float64, got: Any) -> Difference | None:
    if isinstance(got, np.ndarray):
        note = ""
        if got.size == 1 and _real(got.dtype) and np.isclose(float(got.ravel()[0]), expected, rtol=RTOL, atol=ATOL):
            note = f" (its value {_fmt(float(got.ravel()[0]))} is right)"
        return Difference("wrong type", f"Z should be a number (numpy.float64), got {describe(got)}{note}", "Z")
    if type(got) is float:
        return Difference("wrong type", "Z should be a numpy.float64, as np.sum returns, got a Python float "
                          "(the course's tests check the type)", "Z")
    if isinstance(got, bool) or not isinstance(got, (float, int, np.integer, np.floating)):
        return Difference("wrong type", f"Z should be a number (numpy.float64), got {describe(got)}", "Z")
    if np.isclose(float(got), expected, rtol=RTOL, atol=ATOL):
        return None
    return Difference("wrong values", f"Z is {_fmt(float(got))}, expected {_fmt(float(expected))}", "Z", (),
                      float(expected), float(got))


def _compare_cost(expected: Any, got: Any) -> Difference | None:
    """A cost may be a float, a numpy float or a 0-d array; a (1, 1) array is a wrong shape."""
    value = None
    if isinstance(got, np.ndarray):
        if not _real(got.dtype):
            return Difference("wrong type", f"cost should be a real number, got {describe(got)}", "cost")
        if got.shape != ():
            right = got.size == 1 and np.isclose(float(got.ravel()[0]), expected, rtol=RTOL, atol=ATOL)
            note = f" (its value {_fmt(float(got.ravel()[0]))} is right: np.squeeze(cost) makes it a number)" \
                if right else ""
            return Difference("wrong shape", f"cost should be a number (shape ()), got an array of shape "
                              f"{got.shape}{note}", "cost")
        value = float(got)
    elif isinstance(got, (float, int, np.integer, np.floating)) and not isinstance(got, bool):
        value = float(got)
    else:
        return Difference("wrong type", f"cost should be a number, got {describe(got)}", "cost")
    if np.isclose(value, float(expected), rtol=RTOL, atol=ATOL):
        return None
    return Difference("wrong values", f"cost is {_fmt(value)}, expected {_fmt(float(expected))}", "cost", (),
                      float(expected), value)


def _compare_cache(name: str, expected: tuple, got: Any) -> Difference | None:
    """A cache that holds the call's inputs, unchanged (conv_forward, pool_forward, linear_forward)."""
    names = CACHE_NAMES[name]
    layout = f"({', '.join(names)})"
    if not isinstance(got, tuple) or len(got) != len(names):
        return Difference("wrong type", f"cache should be the tuple {layout}, got {describe(got)}", "cache")
    for k, (n, e, g) in enumerate(zip(names, expected, got)):
        if differences(e, g, n):
            return Difference("wrong values", f"cache[{k}] should be the input {n} unchanged, got {describe(g)}"
                              + (" with other values" if isinstance(g, np.ndarray) else ""), "cache", entry=f"[{k}]")
    return None


def _compare_layer_cache(label: str, expected: tuple, got: Any, names: tuple[str, str, str, str],
                         out: str = "cache", entry: str = "") -> Difference | None:
    """A layer's cache ``((A_prev, W, b), Z)``; ``names`` label its four arrays."""
    A_prev, W, b, Z = names
    layout = f"(({A_prev}, {W}, {b}), {Z})"
    if not isinstance(got, tuple) or len(got) != 2:
        return Difference("wrong type", f"{label} should be the tuple {layout}, got {describe(got)}", out, entry=entry)
    if not isinstance(got[0], tuple) or len(got[0]) != 3:
        return Difference("wrong type", f"{label}[0] should be the linear cache ({A_prev}, {W}, {b}), "
                          f"got {describe(got[0])}", out, entry=entry + "[0]")
    for k, n in enumerate((A_prev, W, b)):
        d = _compare_array(out, expected[0][k], got[0][k], label=f"{label}[0][{k}] ({n})", entry=f"{entry}[0][{k}]")
        if d is not None:
            return d
    return _compare_array(out, expected[1], got[1], label=f"{label}[1] ({Z})", entry=f"{entry}[1]")


def _compare_caches(expected: list, got: Any) -> Difference | None:
    """``L_model_forward``'s list of caches, layer 1 first."""
    if not isinstance(got, list):
        return Difference("wrong type", f"caches should be a list of {len(expected)} layer caches (as "
                          f"caches.append(cache) makes), got {describe(got)}", "caches")
    if len(got) != len(expected):
        return Difference("wrong shape", f"caches should hold {len(expected)} layer caches, one per layer, "
                          f"got {len(got)}", "caches")
    for j, (e, g) in enumerate(zip(expected, got)):
        l = j + 1
        d = _compare_layer_cache(f"caches[{j}]", e, g, (f"A{l - 1}", f"W{l}", f"b{l}", f"Z{l}"), "caches", f"[{j}]")
        if d is not None:
            return d
    return None


def _compare_dict(out: str, expected: dict, got: Any) -> Difference | None:
    """``parameters`` or ``grads``: the same keys, then every array in the order the reference made them."""
    if not isinstance(got, dict):
        return Difference("wrong type", f"{out} should be a dict with the keys {list(expected)}, got {describe(got)}",
                          out)
    missing = [k for k in expected if k not in got]
    extra = sorted(map(str, set(got) - set(expected)))
    if missing or extra:
        text = f"{out} should have the keys {list(expected)}"
        text += f"; missing {missing}" if missing else ""
        text += f"; unexpected {extra}" if extra else ""
        return Difference("wrong type", text, out)
    for key, e in expected.items():
        d = _compare_array(out, e, got[key], label=f"{out}[{key!r}]", entry=str(key))
        if d is not None:
            return d
    return None


def compare(name: str, expected: Any, got: Any) -> Difference | None:
    """The first way ``got`` differs from the reference result ``expected``, or ``None``."""
    outs = OUTPUTS[name]
    if len(outs) > 1:
        layout = f"({', '.join(outs)})"
        if not isinstance(got, (tuple, list)):
            return Difference("wrong type", f"expected a tuple {layout}, got {describe(got)}")
        if len(got) != len(outs):
            return Difference("wrong type", f"expected a tuple of {len(outs)} {layout}, got {describe(got)}")
        pairs = list(zip(outs, expected, got))
    else:
        pairs = [(outs[0], expected, got)]
    for out, e, g in pairs:
        if out == "cache" and name in CACHE_NAMES:
            d = _compare_cache(name, e, g)
        elif out == "cache" and name == "linear_activation_forward":
            d = _compare_layer_cache("cache", e, g, ("A_prev", "W", "b", "Z"))
        elif out == "cache":  # sigmoid, relu: the cache is Z
            d = _compare_array(out, e, g, label="cache (Z)")
        elif out == "caches":
            d = _compare_caches(e, g)
        elif isinstance(e, dict):
            d = _compare_dict(out, e, g)
        elif name == "conv_single_step":
            d = _compare_scalar(e, g)
        elif name == "compute_cost":
            d = _compare_cost(e, g)
        else:
            d = _compare_array(out, e, g, boolean=name == "create_mask_from_window")
        if d is not None:
            return d
    return None


def _number(x: Any) -> float | None:
    if isinstance(x, bool):
        return None
    if isinstance(x, (int, float, np.integer, np.floating)):
        return float(x)
    if isinstance(x, np.ndarray) and x.shape == () and _real(x.dtype):
        return float(x)
    return None


def same(a: Any, b: Any) -> bool:
    """Whether two results are the same: arrays of one shape and close values, the same containers, equal numbers.

    A number and a 0-d array of the same value are the same; so are a bool
    array and a 0/1 float array.
    """
    na, nb = _number(a), _number(b)
    if na is not None or nb is not None:
        return na is not None and nb is not None and bool(np.isclose(na, nb, rtol=RTOL, atol=ATOL, equal_nan=True))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)) or a.shape != b.shape:
            return False
        if not (_real(a.dtype) and _real(b.dtype)):
            return a.dtype == b.dtype and bool(np.array_equal(a, b))
        return bool(np.allclose(a.astype(float), b.astype(float), rtol=RTOL, atol=ATOL, equal_nan=True))
    if isinstance(a, (tuple, list)):
        return isinstance(b, type(a)) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and set(a) == set(b) and all(same(a[k], b[k]) for k in a)
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - objects whose == raises or is ambiguous
        return False
