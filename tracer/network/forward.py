"""The forward pass of the course's network: one layer's linear part and activation, the whole network, the cost.

Layout: features x examples, ``X (n_x, m)``; layer ``l`` has ``W{l} (n_l, n_{l-1})`` and
``b{l} (n_l, 1)``::

    Z{l} = W{l} @ A{l-1} + b{l}          linear cache      (A{l-1}, W{l}, b{l})
    A{l} = relu(Z{l}), last layer sigmoid activation cache Z{l}

:func:`L_model_forward` records one call with two events per layer
(``LinearForward`` then ``ActivationForward``); :func:`compute_cost` one ``Cost``.
"""

from __future__ import annotations

import numpy as np

from .. import recording
from ..events import ActivationForward, Cost, LinearForward
from ..validate import (
    check_activation,
    check_allocation,
    check_array,
    check_labels,
    check_linear,
    check_network,
    check_probabilities,
)
from .activations import FORWARD
from .steps import Emit, activation_forward_row, layer_name, linear_forward_row

__all__ = ["linear_forward", "linear_activation_forward", "L_model_forward", "compute_cost"]


def _linear_forward(A: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, tuple]:
    # --8<-- [start:linear_forward]
    Z = np.dot(W, A) + b  # b (n_l, 1) is broadcast over the m columns
    cache = (A, W, b)
    # --8<-- [end:linear_forward]
    return Z, cache


def _linear_activation_forward(
    A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, activation: str, emit: Emit | None = None, layer: int = 0
) -> tuple[np.ndarray, tuple]:
    # --8<-- [start:linear_activation_forward]
    Z, linear_cache = _linear_forward(A_prev, W, b)
    if emit is not None:
        emit(linear_forward_row(layer, A_prev, W, b, Z))
    A, activation_cache = FORWARD[activation](Z)  # relu or sigmoid; both keep Z
    if emit is not None:
        emit(activation_forward_row(layer, activation, Z, A))
    cache = (linear_cache, activation_cache)
    # --8<-- [end:linear_activation_forward]
    return A, cache


def linear_forward(A: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, tuple]:
    """The linear part of a layer: ``Z = W @ A + b``.

    Parameters
    ----------
    A : ndarray, shape (n_prev, m)
        Activations of the previous layer (or the input ``X``).
    W : ndarray, shape (n_l, n_prev)
    b : ndarray, shape (n_l, 1)

    Returns
    -------
    Z : ndarray, shape (n_l, m)
    cache : tuple
        ``(A, W, b)``, the linear cache, for :func:`linear_backward`.

    Examples
    --------
    >>> linear_forward(np.array([[1.0], [2.0]]), np.array([[10.0, 1.0]]), np.array([[0.5]]))[0]
    array([[12.5]])
    """
    fn = "linear_forward"
    check_linear(fn, A, W, b)
    rec = recording.start(fn, {"A": A, "W": W, "b": b}, {})
    Z, cache = _linear_forward(A, W, b)
    if rec is not None:
        rec.emit(linear_forward_row(0, A, W, b, Z))
        rec.done(Z=Z)
    return Z, cache


def linear_activation_forward(
    A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, activation: str
) -> tuple[np.ndarray, tuple]:
    """One layer: ``A = g(W @ A_prev + b)`` with ``g`` the relu or the sigmoid.

    Parameters
    ----------
    A_prev : ndarray, shape (n_prev, m)
    W : ndarray, shape (n_l, n_prev)
    b : ndarray, shape (n_l, 1)
    activation : {"relu", "sigmoid"}

    Returns
    -------
    A : ndarray, shape (n_l, m)
    cache : tuple
        ``(linear_cache, activation_cache) = ((A_prev, W, b), Z)``.

    Examples
    --------
    >>> linear_activation_forward(np.array([[1.0]]), np.array([[-2.0]]), np.array([[0.5]]), "relu")[0]
    array([[0.]])
    """
    fn = "linear_activation_forward"
    check_activation(fn, activation)
    check_linear(fn, A_prev, W, b, ("A_prev", "W", "b"))
    rec = recording.start(fn, {"A_prev": A_prev, "W": W, "b": b}, {"activation": activation}, 2)
    A, cache = _linear_activation_forward(A_prev, W, b, activation, None if rec is None else rec.emit)
    if rec is not None:
        rec.done(A=A)
    return A, cache


def L_model_forward(X: np.ndarray, parameters: dict) -> tuple[np.ndarray, list]:
    """The forward pass of the whole network: ``[LINEAR -> RELU] x (L-1)``, then ``LINEAR -> SIGMOID``.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
        The input, one example per column.
    parameters : dict of str to ndarray
        ``W{l} (n_l, n_{l-1})`` and ``b{l} (n_l, 1)`` for ``l = 1 .. L``.

    Returns
    -------
    AL : ndarray, shape (n_L, m)
        The output probabilities, ``(1, m)`` for the course's binary classifier.
    caches : list of tuple
        ``L`` caches ``((A{l-1}, W{l}, b{l}), Z{l})``, layer 1 first.

    Notes
    -----
    Records one call with two events per layer: ``LinearForward`` then
    ``ActivationForward``.
    """
    fn = "L_model_forward"
    check_array(fn, "X", X, 2, "(n_x, m)")
    if X.size == 0:
        raise ValueError(f"{fn}: X must not be empty, got shape {X.shape}")
    L = check_network(fn, parameters, X.shape[0])
    for l in range(1, L + 1):  # each layer's Z and A, (n_l, m)
        check_allocation(fn, f"Z{l}", (parameters[f"W{l}"].shape[0], X.shape[1]), "pass fewer examples (columns of X) at a time")
    rec = recording.start(fn, {"X": X, **{k: parameters[k] for k in sorted(parameters)}}, {"L": L}, 2 * L)
    emit = None if rec is None else rec.emit

    # --8<-- [start:L_model_forward]
    caches = []
    A = X
    for l in range(1, L):  # hidden layers: LINEAR -> RELU
        A_prev = A
        W, b = parameters["W" + str(l)], parameters["b" + str(l)]
        A, cache = _linear_activation_forward(A_prev, W, b, "relu", emit, l)
        caches.append(cache)
    # output layer: LINEAR -> SIGMOID
    W, b = parameters["W" + str(L)], parameters["b" + str(L)]
    AL, cache = _linear_activation_forward(A, W, b, "sigmoid", emit, L)
    caches.append(cache)
    # --8<-- [end:L_model_forward]

    if rec is not None:
        rec.done(AL=AL)
    return AL, caches


def compute_cost(AL: np.ndarray, Y: np.ndarray) -> np.float64:
    """The cross-entropy cost, averaged over the ``m`` examples.

    Parameters
    ----------
    AL : ndarray, shape (1, m)
        Predicted probabilities, strictly between 0 and 1.
    Y : ndarray, shape (1, m)
        True labels, 0 or 1 (ints accepted).

    Returns
    -------
    cost : numpy.float64
        ``-(1/m) * sum(Y * log(AL) + (1 - Y) * log(1 - AL))``.

    Examples
    --------
    >>> compute_cost(np.array([[0.5, 0.5]]), np.array([[1, 0]]))
    np.float64(0.6931471805599453)
    """
    fn = "compute_cost"
    check_probabilities(fn, AL)
    check_labels(fn, Y, AL)
    rec = recording.start(fn, {"AL": AL, "Y": Y}, {})
    # --8<-- [start:compute_cost]
    m = Y.shape[1]
    cost = -1 / m * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    cost = np.squeeze(cost)  # a scalar, not an array of shape (1, 1)
    # --8<-- [end:compute_cost]
    cost = np.float64(cost)
    if rec is not None:
        rec.emit((Cost.code, AL.shape, float(cost)))
        rec.done(cost=np.asarray(cost))
    return cost


# ----------------------------------------------------------------------------------------------
# Replay (see tracer.recording.ReplayRule): the arrays of each forward call, rebuilt from its
# stored inputs by the same bodies the calls ran; outputs start as NaN (not computed yet).


def _nan(shape: tuple[int, ...]) -> np.ndarray:
    return np.full(shape, np.nan)


def _apply_forward(call: recording.Call, state: dict[str, np.ndarray], event: LinearForward | ActivationForward | Cost) -> None:
    a, l = call.arrays, getattr(event, "layer", 0)
    if isinstance(event, LinearForward):
        A_prev_name, W_name, b_name = event.cache
        if call.name == "linear_forward":
            A_prev = a["A"]
        elif call.name == "linear_activation_forward":
            A_prev = a["A_prev"]
        else:  # L_model_forward: A0 = X, then what the previous layer's events wrote
            A_prev = state[A_prev_name]
        state[layer_name("Z", l)] = _linear_forward(A_prev, a[W_name], a[b_name])[0]
    elif isinstance(event, ActivationForward):
        state[layer_name("A", l)] = FORWARD[event.activation](state[event.cache])[0]
    else:  # Cost
        state["cost"] = np.array(event.value)


def _L_model_forward_initial(call: recording.Call) -> dict[str, np.ndarray]:
    a = call.arrays
    state = {"A0": a["X"]}
    for l in range(1, call.params["L"] + 1):
        n_l, m = a[f"W{l}"].shape[0], a["X"].shape[1]
        state[f"Z{l}"] = _nan((n_l, m))
        state[f"A{l}"] = _nan((n_l, m))
    return state


recording.register_replay(
    "linear_forward", lambda call: {"A": call.arrays["A"], "Z": _nan(call.result["Z"].shape)}, _apply_forward
)
recording.register_replay(
    "linear_activation_forward",
    lambda call: {"A_prev": call.arrays["A_prev"], "Z": _nan(call.result["A"].shape), "A": _nan(call.result["A"].shape)},
    _apply_forward,
)
recording.register_replay("L_model_forward", _L_model_forward_initial, _apply_forward)
recording.register_replay(
    "compute_cost", lambda call: {"AL": call.arrays["AL"], "cost": np.array(np.nan)}, _apply_forward
)
