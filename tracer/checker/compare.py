"""Comparing a learner's result with the reference's: the first way they differ.

:func:`compare` checks the type, then the shape, then the values (``rtol``
1e-6, ``atol`` 1e-9) of every output in the course's order and describes the
first difference in one sentence, with the index of the first differing
element. :func:`same` is the plain yes/no used to tell whether a mistake's
variant reproduces a learner's result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .battery import CACHE_NAMES, OUTPUTS

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
    """How a result differs from the reference's: a status, one sentence, and the first differing element."""

    status: str  # "wrong type", "wrong shape", "wrong values", "modified input"
    text: str
    output: str = ""
    index: tuple[int, ...] | None = None
    expected: float | None = None
    received: float | None = None


def describe(x: Any) -> str:
    """What ``x`` is, for a message: "an ndarray of shape (2, 3) and dtype float64", "None (...)"..."""
    if isinstance(x, np.ndarray):
        return f"an ndarray of shape {x.shape} and dtype {x.dtype}"
    if isinstance(x, Unpicklable):
        return f"a {x.type_name} ({x.text})"
    if isinstance(x, (tuple, list)):
        return f"a {type(x).__name__} of length {len(x)}"
    if x is None:
        return "None (is a return statement missing?)"
    return f"a {type(x).__module__ + '.' if type(x).__module__ not in ('builtins',) else ''}{type(x).__name__}"


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _compare_array(out: str, expected: np.ndarray, got: Any, boolean: bool = False) -> Difference | None:
    if not isinstance(got, np.ndarray):
        return Difference("wrong type", f"{out} should be a numpy array of shape {expected.shape}, got {describe(got)}",
                          out)
    if got.shape != expected.shape:
        return Difference("wrong shape", f"{out} has shape {got.shape}, expected {expected.shape}", out)
    if not (np.issubdtype(got.dtype, np.number) or got.dtype == bool):
        return Difference("wrong type", f"{out} should hold numbers, got dtype {got.dtype}", out)
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
    text = (f"{out}[{', '.join(map(str, index))}] is {show(g)}, expected {show(e)} "
            f"({n_bad} of {close.size} elements differ)")
    if not boolean and not np.any(got) and np.any(expected):
        text += f"; all of {out} is zero"
    return Difference("wrong values", text, out, index, e, g)


def _compare_scalar(expected: np.float64, got: Any) -> Difference | None:
    if isinstance(got, np.ndarray):
        note = ""
        if got.size == 1 and np.isclose(float(got.ravel()[0]), expected, rtol=RTOL, atol=ATOL):
            note = f" (its value {_fmt(float(got.ravel()[0]))} is right)"
        return Difference("wrong type", f"Z should be a number (numpy.float64), got {describe(got)}{note}", "Z")
    if type(got) is float:
        return Difference("wrong type", "Z should be a numpy.float64, as np.sum returns, got a Python float "
                          "(the course's tests check the type)", "Z")
    if isinstance(got, bool) or not isinstance(got, (float, int, np.number)):
        return Difference("wrong type", f"Z should be a number (numpy.float64), got {describe(got)}", "Z")
    if np.isclose(float(got), expected, rtol=RTOL, atol=ATOL):
        return None
    return Difference("wrong values", f"Z is {_fmt(float(got))}, expected {_fmt(float(expected))}", "Z", (),
                      float(expected), float(got))


def _compare_cache(name: str, expected: tuple, got: Any) -> Difference | None:
    names = CACHE_NAMES[name]
    layout = f"({', '.join(names)})"
    if not isinstance(got, tuple) or len(got) != len(names):
        return Difference("wrong type", f"cache should be the tuple {layout}, got {describe(got)}", "cache")
    for k, (n, e, g) in enumerate(zip(names, expected, got)):
        if differences(e, g, n):
            return Difference("wrong values", f"cache[{k}] should be the input {n} unchanged, got {describe(g)}"
                              + (" with other values" if isinstance(g, np.ndarray) else ""), "cache")
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
        if out == "cache":
            d = _compare_cache(name, e, g)
        elif name == "conv_single_step":
            d = _compare_scalar(e, g)
        else:
            d = _compare_array(out, e, g, boolean=name == "create_mask_from_window")
        if d is not None:
            return d
    return None


def same(a: Any, b: Any) -> bool:
    """Whether two results are the same (arrays close, same types and shapes)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)) or a.shape != b.shape:
            return False
        try:
            return bool(np.allclose(a.astype(float), b.astype(float), rtol=RTOL, atol=ATOL, equal_nan=True))
        except (TypeError, ValueError):
            return False
    if isinstance(a, (tuple, list)):
        return isinstance(b, (tuple, list)) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and set(a) == set(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (float, int, np.number)) and isinstance(b, (float, int, np.number)):
        return type(a) is type(b) and bool(np.isclose(float(a), float(b), rtol=RTOL, atol=ATOL))
    return a == b
