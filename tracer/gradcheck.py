"""Gradient checks with centred differences, for the lessons and for learners' own backward passes.

Examples
--------
>>> import numpy as np
>>> x = np.array([1.0, -2.0])
>>> numeric_gradient(lambda: float(np.sum(x ** 2)), x)  # d/dx sum(x^2) = 2x
array([ 2., -4.])
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["numeric_gradient", "relative_error"]


def numeric_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Centred differences of the scalar ``f()`` with respect to every entry of ``x``.

    Parameters
    ----------
    f : callable
        Takes no argument and reads ``x`` (a closure), returns a scalar.
    x : ndarray, any shape
        Changed in place one entry at a time, and restored.
    eps : float
        The step: ``(f(x + eps) - f(x - eps)) / (2 * eps)`` per entry.

    Returns
    -------
    grad : ndarray, shaped like ``x``

    Notes
    -----
    Calls ``f`` twice per entry of ``x``: keep ``x`` small.
    """
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        up = f()
        x[idx] = old - eps
        down = f()
        x[idx] = old
        grad[idx] = (up - down) / (2 * eps)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """``|a - b| / (|a| + |b|)`` with Frobenius norms; 0 when both are zero.

    Below about 1e-7 an analytic gradient ``a`` and a numeric one ``b`` agree.
    """
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))
