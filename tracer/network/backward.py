"""The backward pass of the course's network: one layer's linear part and activation, then the whole network.

:func:`L_model_backward` starts from ``dAL = -(Y / AL - (1 - Y) / (1 - AL))`` and
records one call with two events per layer, layer ``L`` first
(``ActivationBackward`` then ``LinearBackward``); the gradients are keyed as the
course keys them: ``dA{l}``, ``dW{l}``, ``db{l}``.
"""

from __future__ import annotations

import numpy as np

from .. import recording
from ..events import ActivationBackward, LinearBackward
from ..validate import (
    check_activation,
    check_activation_cache,
    check_labels,
    check_linear_cache,
    check_output,
    check_same_shape,
)
from .activations import BACKWARD
from .steps import Emit, activation_backward_row, layer_name, linear_backward_row

__all__ = ["linear_backward", "linear_activation_backward", "L_model_backward"]


def _linear_backward(dZ: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # --8<-- [start:linear_backward]
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1 / m * np.dot(dZ, A_prev.T)  # (n_l, m) @ (m, n_prev): sums over examples
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)  # (n_l, 1)
    dA_prev = np.dot(W.T, dZ)  # (n_prev, n_l) @ (n_l, m)
    # --8<-- [end:linear_backward]
    return dA_prev, dW, db


def _linear_activation_backward(
    dA: np.ndarray, cache: tuple, activation: str, emit: Emit | None = None, layer: int = 0, dA_name: str = "dA"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # --8<-- [start:linear_activation_backward]
    linear_cache, activation_cache = cache
    dZ = BACKWARD[activation](dA, activation_cache)  # reads the cache Z
    if emit is not None:
        emit(activation_backward_row(layer, activation, dA, dZ, dA_name))
    dA_prev, dW, db = _linear_backward(dZ, linear_cache)  # reads (A_prev, W, b)
    if emit is not None:
        emit(linear_backward_row(layer, dZ, dA_prev, dW, db))
    # --8<-- [end:linear_activation_backward]
    return dA_prev, dW, db


def linear_backward(dZ: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The linear part of a layer, backward: from ``dZ`` to ``dA_prev``, ``dW`` and ``db``.

    Parameters
    ----------
    dZ : ndarray, shape (n_l, m)
        Gradient of the cost with respect to ``Z = W @ A_prev + b``.
    cache : tuple
        ``(A_prev, W, b)``, the linear cache of :func:`linear_forward`.

    Returns
    -------
    dA_prev : ndarray, shape (n_prev, m)
        ``W.T @ dZ``.
    dW : ndarray, shape (n_l, n_prev)
        ``dZ @ A_prev.T / m``.
    db : ndarray, shape (n_l, 1)
        ``sum(dZ, axis=1) / m``.

    Examples
    --------
    >>> dA_prev, dW, db = linear_backward(np.array([[1.0, 3.0]]), (np.array([[1.0, 2.0]]), np.array([[4.0]]), np.zeros((1, 1))))
    >>> dA_prev, dW, db
    (array([[ 4., 12.]]), array([[3.5]]), array([[2.]]))
    """
    fn = "linear_backward"
    A_prev, W, b = check_linear_cache(fn, cache)
    check_same_shape(fn, "dZ", dZ, (W.shape[0], A_prev.shape[1]), "Z = W @ A_prev + b")
    rec = recording.start(fn, {"dZ": dZ, "A_prev": A_prev, "W": W, "b": b}, {})
    dA_prev, dW, db = _linear_backward(dZ, (A_prev, W, b))
    if rec is not None:
        rec.emit(linear_backward_row(0, dZ, dA_prev, dW, db))
        rec.done(dA_prev=dA_prev, dW=dW, db=db)
    return dA_prev, dW, db


def linear_activation_backward(
    dA: np.ndarray, cache: tuple, activation: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One layer backward: through the activation (cache ``Z``), then the linear part.

    Parameters
    ----------
    dA : ndarray, shape (n_l, m)
        Gradient of the cost with respect to the layer's output ``A``.
    cache : tuple
        ``((A_prev, W, b), Z)`` as returned by :func:`linear_activation_forward`.
    activation : {"relu", "sigmoid"}

    Returns
    -------
    dA_prev : ndarray, shape (n_prev, m)
    dW : ndarray, shape (n_l, n_prev)
    db : ndarray, shape (n_l, 1)
    """
    fn = "linear_activation_backward"
    check_activation(fn, activation)
    (A_prev, W, b), Z = check_activation_cache(fn, cache)
    check_same_shape(fn, "dA", dA, Z.shape, "the layer's output A")
    rec = recording.start(
        fn, {"dA": dA, "A_prev": A_prev, "W": W, "b": b, "Z": Z}, {"activation": activation}, 2
    )
    result = _linear_activation_backward(dA, ((A_prev, W, b), Z), activation, None if rec is None else rec.emit)
    if rec is not None:
        rec.done(dA_prev=result[0], dW=result[1], db=result[2])
    return result


def L_model_backward(AL: np.ndarray, Y: np.ndarray, caches: list) -> dict[str, np.ndarray]:
    """The backward pass of the whole network, from the cost back to layer 1.

    Parameters
    ----------
    AL : ndarray, shape (1, m)
        The output of :func:`L_model_forward`: any value but exactly 0 or 1 (no log
        is taken here; the course's own test case draws ``AL`` from ``randn``).
    Y : ndarray, shape (1, m)
        True labels, 0 or 1.
    caches : list of tuple
        The ``L`` caches of :func:`L_model_forward`, ``((A{l-1}, W{l}, b{l}), Z{l})``.

    Returns
    -------
    grads : dict of str to ndarray
        ``dW{l}`` and ``db{l}`` for ``l = 1 .. L``, and ``dA{l}`` for ``l = 0 .. L-1``:
        as in the course, ``grads["dA" + str(l)]`` is the gradient with respect to
        ``A{l}`` (``A0 = X``), computed while going back through layer ``l + 1``.

    Notes
    -----
    Starts from ``dAL = -(Y / AL - (1 - Y) / (1 - AL))``. Records one call with
    two events per layer, layer ``L`` first: ``ActivationBackward`` then
    ``LinearBackward``.
    """
    fn = "L_model_backward"
    check_output(fn, AL)
    Yf = check_labels(fn, Y, AL)
    if not isinstance(caches, (list, tuple)) or len(caches) == 0:
        raise ValueError(f"{fn}: caches must be the non-empty list returned by L_model_forward, got {caches!r:.80}")
    checked = [check_activation_cache(fn, c, f"caches[{j}]") for j, c in enumerate(caches)]
    for j, ((A_prev, W, b), Z) in enumerate(checked):
        following = checked[j + 1][0][0] if j + 1 < len(checked) else AL
        if following.shape != Z.shape:
            what = f"caches[{j + 1}][0][0] (A{j + 1})" if j + 1 < len(checked) else "AL"
            raise ValueError(
                f"{fn}: caches[{j}] makes Z{j + 1} of shape {Z.shape}, but {what} has shape {following.shape}; "
                f"pass AL and caches from the same L_model_forward call"
            )
    L = len(checked)
    arrays: dict[str, np.ndarray] = {"AL": AL, "Y": Yf}
    for l, ((A_prev, W, b), Z) in enumerate(checked, start=1):
        arrays.update({f"A{l - 1}": A_prev, f"W{l}": W, f"b{l}": b, f"Z{l}": Z})
    rec = recording.start(fn, arrays, {"L": L}, 2 * L)
    emit = None if rec is None else rec.emit

    # --8<-- [start:L_model_backward]
    grads = {}
    L = len(caches)  # the number of layers
    Y = Y.reshape(AL.shape)
    # the cost's gradient with respect to AL starts the chain
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    # layer L: SIGMOID -> LINEAR, backward
    current_cache = caches[L - 1]
    dA_prev_temp, dW_temp, db_temp = _linear_activation_backward(
        dAL, current_cache, "sigmoid", emit, L, "dAL"
    )
    grads["dA" + str(L - 1)] = dA_prev_temp
    grads["dW" + str(L)] = dW_temp
    grads["db" + str(L)] = db_temp
    for l in reversed(range(L - 1)):  # layers L-1 .. 1: RELU -> LINEAR, backward
        current_cache = caches[l]
        dA = "dA" + str(l + 1)
        dA_prev_temp, dW_temp, db_temp = _linear_activation_backward(
            grads[dA], current_cache, "relu", emit, l + 1, dA
        )
        grads["dA" + str(l)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    # --8<-- [end:L_model_backward]

    if rec is not None:
        rec.done(**grads)
    return grads


# ----------------------------------------------------------------------------------------------
# Replay (see tracer.recording.ReplayRule): the gradients of each backward call, rebuilt from its
# stored inputs and caches by the same bodies the calls ran; they start as NaN (not computed yet).


def _nan(shape: tuple[int, ...]) -> np.ndarray:
    return np.full(shape, np.nan)


def _apply_backward(call: recording.Call, state: dict[str, np.ndarray], event: ActivationBackward | LinearBackward) -> None:
    a, l = call.arrays, event.layer
    if isinstance(event, ActivationBackward):
        dA = state[event.dA] if event.dA in state else a[event.dA]
        state[layer_name("dZ", l)] = BACKWARD[event.activation](dA, a[event.cache])
    else:  # LinearBackward
        dZ = state[layer_name("dZ", l)] if call.name != "linear_backward" else a["dZ"]
        dA_prev, dW, db = _linear_backward(dZ, tuple(a[n] for n in event.cache))
        state["dA_prev" if l == 0 else f"dA{l - 1}"] = dA_prev
        state[layer_name("dW", l)] = dW
        state[layer_name("db", l)] = db


def _linear_backward_initial(call: recording.Call) -> dict[str, np.ndarray]:
    a = call.arrays
    return {"dZ": a["dZ"], "dA_prev": _nan(a["A_prev"].shape), "dW": _nan(a["W"].shape), "db": _nan(a["b"].shape)}


def _linear_activation_backward_initial(call: recording.Call) -> dict[str, np.ndarray]:
    a = call.arrays
    return {"dA": a["dA"], "dZ": _nan(a["Z"].shape), "dA_prev": _nan(a["A_prev"].shape),
            "dW": _nan(a["W"].shape), "db": _nan(a["b"].shape)}


def _L_model_backward_initial(call: recording.Call) -> dict[str, np.ndarray]:
    a = call.arrays
    AL, Y = a["AL"], a["Y"]
    state = {"dAL": -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))}  # as the loop starts the chain
    for l in range(call.params["L"], 0, -1):
        state[f"dZ{l}"] = _nan(a[f"Z{l}"].shape)
        state[f"dW{l}"] = _nan(a[f"W{l}"].shape)
        state[f"db{l}"] = _nan(a[f"b{l}"].shape)
        state[f"dA{l - 1}"] = _nan(a[f"A{l - 1}"].shape)
    return state


recording.register_replay("linear_backward", _linear_backward_initial, _apply_backward)
recording.register_replay("linear_activation_backward", _linear_activation_backward_initial, _apply_backward)
recording.register_replay("L_model_backward", _L_model_backward_initial, _apply_backward)
