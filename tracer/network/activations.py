"""The activations of the course's network and their backward passes.

Each forward returns ``(A, cache = Z)``; each backward takes ``(dA, cache = Z)``.
The public functions check their arguments, then run the unchecked bodies of the
same names, which the layers call directly (one check per call, not per layer).
They record nothing of their own.
"""

from __future__ import annotations

import numpy as np

from ..validate import check_array, check_same_shape

__all__ = ["sigmoid", "relu", "sigmoid_backward", "relu_backward", "FORWARD", "BACKWARD"]


def _sigmoid(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # --8<-- [start:sigmoid]
    with np.errstate(over="ignore"):  # exp(-Z) is inf for Z < -709: A is then 0
        A = 1 / (1 + np.exp(-Z))
    cache = Z
    # --8<-- [end:sigmoid]
    return A, cache


def _relu(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # --8<-- [start:relu]
    A = np.maximum(0, Z)
    cache = Z
    # --8<-- [end:relu]
    return A, cache


def _sigmoid_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    # --8<-- [start:sigmoid_backward]
    Z = cache
    with np.errstate(over="ignore"):
        s = 1 / (1 + np.exp(-Z))
    dZ = dA * s * (1 - s)  # the sigmoid's slope is s (1 - s)
    # --8<-- [end:sigmoid_backward]
    return dZ


def _relu_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    # --8<-- [start:relu_backward]
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0  # the relu passes the gradient where Z > 0, stops it elsewhere
    # --8<-- [end:relu_backward]
    return dZ


#: The bodies by activation name, as the layers call them.
FORWARD = {"relu": _relu, "sigmoid": _sigmoid}
BACKWARD = {"relu": _relu_backward, "sigmoid": _sigmoid_backward}


def sigmoid(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``A = 1 / (1 + exp(-Z))``, element-wise.

    Parameters
    ----------
    Z : ndarray, any shape

    Returns
    -------
    A : ndarray, shaped like Z
    cache : ndarray
        ``Z`` itself, for :func:`sigmoid_backward`.

    Examples
    --------
    >>> sigmoid(np.array([[0.0]]))[0]
    array([[0.5]])
    """
    check_array("sigmoid", "Z", Z, None)
    return _sigmoid(Z)


def relu(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``A = max(0, Z)``, element-wise.

    Parameters
    ----------
    Z : ndarray, any shape

    Returns
    -------
    A : ndarray, shaped like Z
    cache : ndarray
        ``Z`` itself, for :func:`relu_backward`.

    Examples
    --------
    >>> relu(np.array([[-1.0, 2.0]]))[0]
    array([[0., 2.]])
    """
    check_array("relu", "Z", Z, None)
    return _relu(Z)


def sigmoid_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """``dZ = dA * s * (1 - s)`` with ``s = sigmoid(Z)`` and ``Z = cache``.

    Parameters
    ----------
    dA : ndarray, shaped like Z
    cache : ndarray
        ``Z``, as returned by :func:`sigmoid`.

    Returns
    -------
    dZ : ndarray, shaped like Z

    Examples
    --------
    >>> sigmoid_backward(np.array([[1.0]]), np.array([[0.0]]))
    array([[0.25]])
    """
    check_array("sigmoid_backward", "cache", cache, None, "(Z)")
    check_same_shape("sigmoid_backward", "dA", dA, cache.shape, "Z (the cache)")
    return _sigmoid_backward(dA, cache)


def relu_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """``dZ = dA`` where ``Z > 0``, zero elsewhere, with ``Z = cache``.

    Parameters
    ----------
    dA : ndarray, shaped like Z
    cache : ndarray
        ``Z``, as returned by :func:`relu`.

    Returns
    -------
    dZ : ndarray, shaped like Z

    Examples
    --------
    >>> relu_backward(np.array([[5.0, 5.0]]), np.array([[-1.0, 2.0]]))
    array([[0., 5.]])
    """
    check_array("relu_backward", "cache", cache, None, "(Z)")
    check_same_shape("relu_backward", "dA", dA, cache.shape, "Z (the cache)")
    return _relu_backward(dA, cache)

