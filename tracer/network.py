"""The course's L-layer network, layer by layer, emitting one trace event per layer and phase.

Layout: features x examples, ``X (n_x, m)``; layer ``l`` has ``W{l} (n_l, n_{l-1})``
and ``b{l} (n_l, 1)``. Names, signatures, return values, caches and the keys of
``parameters`` and ``grads`` are the course's, so a learner can swap their own
function for any of these and compare::

    Z{l} = W{l} @ A{l-1} + b{l}          linear cache      (A{l-1}, W{l}, b{l})
    A{l} = relu(Z{l}), last layer sigmoid activation cache Z{l}

Each public function checks its arguments before any work, then runs the
unchecked body of the same name with a leading underscore. The bodies take an
optional ``emit`` and ``layer``: computing a value and emitting its event are
two adjacent lines, and with no ``tracer.record()`` block active ``emit`` is
``None``. :func:`L_model_forward`, :func:`L_model_backward` and
:func:`update_parameters` record one call each, with one event per layer and
phase (see :mod:`tracer.events`); the helpers ``sigmoid``, ``relu``,
``sigmoid_backward`` and ``relu_backward`` record nothing of their own.
"""

from __future__ import annotations

import copy
import re
from typing import Any, Callable

import numpy as np

from . import recording
from .events import ActivationBackward, ActivationForward, Cost, LinearBackward, LinearForward, Update
from .validate import check_array, check_int

__all__ = [
    "initialize_parameters",
    "initialize_parameters_deep",
    "sigmoid",
    "relu",
    "sigmoid_backward",
    "relu_backward",
    "linear_forward",
    "linear_activation_forward",
    "L_model_forward",
    "compute_cost",
    "linear_backward",
    "linear_activation_backward",
    "L_model_backward",
    "update_parameters",
]

ACTIVATIONS = ("relu", "sigmoid")

Emit = Callable[[tuple], None]


# ----------------------------------------------------------------------------------------------
# Names: layer l >= 1 inside an L-layer network, layer 0 for a standalone call.


def linear_cache_names(layer: int) -> tuple[str, str, str]:
    """Names of the linear cache ``(A_prev, W, b)`` of ``layer`` (0: a standalone call)."""
    return (f"A{layer - 1}", f"W{layer}", f"b{layer}") if layer else ("A_prev", "W", "b")


def _name(base: str, layer: int) -> str:
    return f"{base}{layer}" if layer else base


# ----------------------------------------------------------------------------------------------
# Checks: run before any work, name the argument, say what was expected and what was received.


def _check_real(fn: str, name: str, value: Any, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{fn}: {name} must be a real number, got {value!r} ({type(value).__name__})")
    if not np.isfinite(value) or (positive and value <= 0):
        raise ValueError(f"{fn}: {name} must be a finite number{' > 0' if positive else ''}, got {value!r}")
    return float(value)


def _check_activation(fn: str, activation: Any) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(f"{fn}: activation must be one of {list(ACTIVATIONS)}, got {activation!r}")
    return activation


def _check_linear(fn: str, A: Any, W: Any, b: Any, names: tuple[str, str, str] = ("A", "W", "b")) -> None:
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


def _check_same_shape(fn: str, name: str, x: Any, expected: tuple[int, ...], source: str) -> None:
    check_array(fn, name, x, len(expected), f"shaped like {source}")
    if x.shape != expected:
        raise ValueError(f"{fn}: {name} must have the shape of {source}, {expected}, got {x.shape}")


def _check_labels(fn: str, Y: Any, AL: np.ndarray) -> np.ndarray:
    """``Y`` shaped like ``AL``, real (int, bool or float), finite, every value in [0, 1]."""
    if not isinstance(Y, np.ndarray):
        raise TypeError(f"{fn}: Y must be a numpy array shaped like AL {AL.shape}, got {type(Y).__name__}")
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


def _check_probabilities(fn: str, AL: Any) -> np.ndarray:
    """``AL (n_y, m)``, finite floats strictly between 0 and 1 (the logs and divisions need it)."""
    check_array(fn, "AL", AL, 2, "(1, m)")
    if AL.size == 0:
        raise ValueError(f"{fn}: AL must not be empty, got shape {AL.shape}")
    inside = (AL > 0) & (AL < 1)
    if not inside.all():
        bad = tuple(int(j) for j in np.argwhere(~inside)[0])
        raise ValueError(
            f"{fn}: AL must hold probabilities strictly between 0 and 1 (log(AL) and log(1 - AL) are taken), "
            f"got {AL[bad]} at index {bad}"
        )
    return AL


_KEY = re.compile(r"^[Wb]([1-9][0-9]*)$")


def _check_parameters(fn: str, parameters: Any) -> int:
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


def _check_network(fn: str, parameters: dict, n_x: int | None = None) -> int:
    """Check every ``W{l}, b{l}`` of ``parameters`` and that the layers chain; return ``L``."""
    L = _check_parameters(fn, parameters)
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


def _check_linear_cache(fn: str, cache: Any, name: str = "cache") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    A_prev, W, b = _cache_item(fn, cache, 3, name, "(A_prev, W, b)")
    _check_linear(fn, A_prev, W, b, (f"{name}[0] (A_prev)", f"{name}[1] (W)", f"{name}[2] (b)"))
    return A_prev, W, b


def _cache_item(fn: str, cache: Any, length: int, name: str, layout: str) -> tuple:
    if not isinstance(cache, tuple) or len(cache) != length:
        got = f"a tuple of length {len(cache)}" if isinstance(cache, tuple) else type(cache).__name__
        raise ValueError(f"{fn}: {name} must be the forward call's tuple {layout}, got {got}")
    return cache


def _check_activation_cache(fn: str, cache: Any, name: str = "cache") -> tuple[tuple, np.ndarray]:
    """``((A_prev, W, b), Z)`` with ``Z (n_l, m)`` as ``linear_forward`` made it."""
    linear_cache, Z = _cache_item(fn, cache, 2, name, "((A_prev, W, b), Z)")
    A_prev, W, b = _check_linear_cache(fn, linear_cache, f"{name}[0]")
    _check_same_shape(fn, f"{name}[1] (Z)", Z, (W.shape[0], A_prev.shape[1]), "W @ A_prev")
    return (A_prev, W, b), Z


# ----------------------------------------------------------------------------------------------
# Rows of the trace events (see tracer.events): shapes and cache names, never arrays.


def _linear_forward_row(layer: int, A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, Z: np.ndarray) -> tuple:
    return (LinearForward.code, layer, A_prev.shape, W.shape, b.shape, Z.shape, linear_cache_names(layer))


def _activation_forward_row(layer: int, activation: str, Z: np.ndarray, A: np.ndarray) -> tuple:
    return (ActivationForward.code, layer, activation, Z.shape, A.shape, _name("Z", layer))


def _activation_backward_row(layer: int, activation: str, dA: np.ndarray, dZ: np.ndarray, dA_name: str) -> tuple:
    return (ActivationBackward.code, layer, activation, dA.shape, dZ.shape, dA_name, _name("Z", layer))


def _linear_backward_row(layer: int, dZ: np.ndarray, dA_prev: np.ndarray, dW: np.ndarray, db: np.ndarray) -> tuple:
    return (LinearBackward.code, layer, dZ.shape, dA_prev.shape, dW.shape, db.shape, linear_cache_names(layer))


def _update_row(layer: int, W: np.ndarray, b: np.ndarray, learning_rate: float) -> tuple:
    return (Update.code, layer, W.shape, b.shape, learning_rate)


# ----------------------------------------------------------------------------------------------
# Initialisation


def initialize_parameters(n_x: int, n_h: int, n_y: int) -> dict[str, np.ndarray]:
    """Parameters of a 2-layer network, seeded with ``np.random.seed(1)`` as in the course.

    Parameters
    ----------
    n_x, n_h, n_y : int
        Sizes of the input, hidden and output layers.

    Returns
    -------
    parameters : dict of str to ndarray
        ``W1 (n_h, n_x)``, ``b1 (n_h, 1)``, ``W2 (n_y, n_h)``, ``b2 (n_y, 1)``:
        weights ``randn * 0.01``, biases zero.

    Notes
    -----
    Seeds numpy's global legacy generator, as the course does, so that the
    values match the course's.

    Examples
    --------
    >>> initialize_parameters(3, 2, 1)["W2"]
    array([[ 0.01744812, -0.00761207]])
    """
    fn = "initialize_parameters"
    n_x, n_h, n_y = (check_int(fn, k, v, 1) for k, v in (("n_x", n_x), ("n_h", n_h), ("n_y", n_y)))
    # --8<-- [start:initialize_parameters]
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    # --8<-- [end:initialize_parameters]
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def initialize_parameters_deep(layer_dims: list[int]) -> dict[str, np.ndarray]:
    """Parameters of an L-layer network, seeded with ``np.random.seed(3)`` as in the course.

    Parameters
    ----------
    layer_dims : list of int
        ``[n_x, n_1, ..., n_L]``, the size of every layer, input first (at least two).

    Returns
    -------
    parameters : dict of str to ndarray
        ``W{l} (n_l, n_{l-1})`` drawn from ``randn * 0.01`` and ``b{l} (n_l, 1)`` zero,
        for ``l = 1 .. L``.

    Examples
    --------
    >>> initialize_parameters_deep([5, 4, 3])["W2"].shape
    (3, 4)
    """
    fn = "initialize_parameters_deep"
    if isinstance(layer_dims, np.ndarray) and layer_dims.ndim == 1:
        layer_dims = layer_dims.tolist()
    if not isinstance(layer_dims, (list, tuple)) or len(layer_dims) < 2:
        raise ValueError(f"{fn}: layer_dims must be a list of at least two layer sizes [n_x, ..., n_L], got {layer_dims!r}")
    layer_dims = [check_int(fn, f"layer_dims[{j}]", n, 1) for j, n in enumerate(layer_dims)]
    # --8<-- [start:initialize_parameters_deep]
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)  # number of layers, input included
    for l in range(1, L):
        n_l, n_prev = layer_dims[l], layer_dims[l - 1]
        parameters["W" + str(l)] = np.random.randn(n_l, n_prev) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    # --8<-- [end:initialize_parameters_deep]
    return parameters


# ----------------------------------------------------------------------------------------------
# Activations: each returns (A, cache = Z); each backward takes (dA, cache = Z).


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


_FORWARD = {"relu": _relu, "sigmoid": _sigmoid}
_BACKWARD = {"relu": _relu_backward, "sigmoid": _sigmoid_backward}


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
    _check_same_shape("sigmoid_backward", "dA", dA, cache.shape, "Z (the cache)")
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
    _check_same_shape("relu_backward", "dA", dA, cache.shape, "Z (the cache)")
    return _relu_backward(dA, cache)


# ----------------------------------------------------------------------------------------------
# Forward


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
        emit(_linear_forward_row(layer, A_prev, W, b, Z))
    A, activation_cache = _FORWARD[activation](Z)  # relu or sigmoid; both keep Z
    if emit is not None:
        emit(_activation_forward_row(layer, activation, Z, A))
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
    _check_linear(fn, A, W, b)
    rec = recording.start(fn, {"A": A, "W": W, "b": b}, {})
    Z, cache = _linear_forward(A, W, b)
    if rec is not None:
        rec.emit(_linear_forward_row(0, A, W, b, Z))
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
    _check_activation(fn, activation)
    _check_linear(fn, A_prev, W, b, ("A_prev", "W", "b"))
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
    L = _check_network(fn, parameters, X.shape[0])
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
    _check_probabilities(fn, AL)
    _check_labels(fn, Y, AL)
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
# Backward


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
    dZ = _BACKWARD[activation](dA, activation_cache)  # reads the cache Z
    if emit is not None:
        emit(_activation_backward_row(layer, activation, dA, dZ, dA_name))
    dA_prev, dW, db = _linear_backward(dZ, linear_cache)  # reads (A_prev, W, b)
    if emit is not None:
        emit(_linear_backward_row(layer, dZ, dA_prev, dW, db))
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
    A_prev, W, b = _check_linear_cache(fn, cache)
    _check_same_shape(fn, "dZ", dZ, (W.shape[0], A_prev.shape[1]), "Z = W @ A_prev + b")
    rec = recording.start(fn, {"dZ": dZ, "A_prev": A_prev, "W": W, "b": b}, {})
    dA_prev, dW, db = _linear_backward(dZ, (A_prev, W, b))
    if rec is not None:
        rec.emit(_linear_backward_row(0, dZ, dA_prev, dW, db))
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
    _check_activation(fn, activation)
    (A_prev, W, b), Z = _check_activation_cache(fn, cache)
    _check_same_shape(fn, "dA", dA, Z.shape, "the layer's output A")
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
        The output of :func:`L_model_forward`.
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
    _check_probabilities(fn, AL)
    Yf = _check_labels(fn, Y, AL)
    if not isinstance(caches, (list, tuple)) or len(caches) == 0:
        raise ValueError(f"{fn}: caches must be the non-empty list returned by L_model_forward, got {caches!r:.80}")
    checked = [_check_activation_cache(fn, c, f"caches[{j}]") for j, c in enumerate(caches)]
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


def update_parameters(parameters: dict, grads: dict, learning_rate: float) -> dict[str, np.ndarray]:
    """One step of gradient descent: ``W{l} - learning_rate * dW{l}``, the same for ``b{l}``.

    Parameters
    ----------
    parameters : dict of str to ndarray
        ``W{l}``, ``b{l}`` for ``l = 1 .. L``. Left unchanged.
    grads : dict of str to ndarray
        At least ``dW{l}``, ``db{l}`` shaped like ``W{l}``, ``b{l}`` (as from :func:`L_model_backward`).
    learning_rate : float
        Positive step size.

    Returns
    -------
    parameters : dict of str to ndarray
        A new dict with the updated arrays; the one passed in is not modified.

    Examples
    --------
    >>> p = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]])}
    >>> update_parameters(p, {"dW1": np.array([[10.0]]), "db1": np.array([[-10.0]])}, 0.1)
    {'W1': array([[0.]]), 'b1': array([[1.]])}
    >>> p["W1"]
    array([[1.]])
    """
    fn = "update_parameters"
    lr = _check_real(fn, "learning_rate", learning_rate, positive=True)
    L = _check_network(fn, parameters)
    if not isinstance(grads, dict):
        raise TypeError(f'{fn}: grads must be a dict {{"dW1": ..., "db1": ..., ...}}, got {type(grads).__name__}')
    for l in range(1, L + 1):
        for x in "Wb":
            key = f"d{x}{l}"
            if key not in grads:
                raise ValueError(f"{fn}: grads is missing {key!r} for the {L}-layer parameters; got keys {sorted(map(str, grads))}")
            _check_same_shape(fn, f'grads["{key}"]', grads[key], parameters[f"{x}{l}"].shape, f'parameters["{x}{l}"]')
    arrays = {k: parameters[k] for k in sorted(parameters)}
    arrays.update({f"d{x}{l}": grads[f"d{x}{l}"] for l in range(1, L + 1) for x in "Wb"})
    rec = recording.start(fn, arrays, {"learning_rate": lr, "L": L}, L)

    # --8<-- [start:update_parameters]
    parameters = copy.deepcopy(parameters)  # the caller's dict stays as it was
    L = len(parameters) // 2  # the number of layers
    for l in range(L):
        W, b = "W" + str(l + 1), "b" + str(l + 1)
        parameters[W] = parameters[W] - learning_rate * grads["d" + W]
        parameters[b] = parameters[b] - learning_rate * grads["d" + b]
        if rec is not None:
            rec.emit(_update_row(l + 1, parameters[W], parameters[b], lr))
    # --8<-- [end:update_parameters]

    if rec is not None:
        rec.done(**parameters)
    return parameters


# ----------------------------------------------------------------------------------------------
# Replay rules, called by tracer.recording for the calls recorded above.

RECORDED = (
    "linear_forward",
    "linear_activation_forward",
    "L_model_forward",
    "compute_cost",
    "linear_backward",
    "linear_activation_backward",
    "L_model_backward",
    "update_parameters",
)


def initial_state(call: recording.Call) -> dict[str, np.ndarray]:
    """The arrays of a network call before its first event: inputs as given, outputs NaN."""
    a, r = call.arrays, call.result
    nan = lambda shape: np.full(shape, np.nan)  # noqa: E731
    if call.name == "linear_forward":
        return {"A": a["A"], "Z": nan(r["Z"].shape)}
    if call.name == "linear_activation_forward":
        return {"A_prev": a["A_prev"], "Z": nan(r["A"].shape), "A": nan(r["A"].shape)}
    if call.name == "L_model_forward":
        state = {"A0": a["X"]}
        for l in range(1, call.params["L"] + 1):
            n_l, m = a[f"W{l}"].shape[0], a["X"].shape[1]
            state[f"Z{l}"] = nan((n_l, m))
            state[f"A{l}"] = nan((n_l, m))
        return state
    if call.name == "compute_cost":
        return {"AL": a["AL"], "cost": np.array(np.nan)}
    if call.name == "linear_backward":
        return {"dZ": a["dZ"], "dA_prev": nan(a["A_prev"].shape), "dW": nan(a["W"].shape), "db": nan(a["b"].shape)}
    if call.name == "linear_activation_backward":
        return {"dA": a["dA"], "dZ": nan(a["Z"].shape), "dA_prev": nan(a["A_prev"].shape),
                "dW": nan(a["W"].shape), "db": nan(a["b"].shape)}
    if call.name == "L_model_backward":
        AL, Y = a["AL"], a["Y"]
        state = {"dAL": -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))}
        for l in range(call.params["L"], 0, -1):
            state[f"dZ{l}"] = nan(a[f"Z{l}"].shape)
            state[f"dW{l}"] = nan(a[f"W{l}"].shape)
            state[f"db{l}"] = nan(a[f"b{l}"].shape)
            state[f"dA{l - 1}"] = nan(a[f"A{l - 1}"].shape)
        return state
    if call.name == "update_parameters":
        return {k: v for k, v in a.items() if k[0] in "Wb"}
    raise ValueError(f"no replay rule for a call to {call.name!r}")


def apply(call: recording.Call, state: dict[str, np.ndarray], event: Any) -> None:
    """Apply one network event to ``state`` in place, recomputing it from the stored arrays."""
    a, l = call.arrays, getattr(event, "layer", 0)
    if isinstance(event, LinearForward):
        A_prev_name, W_name, b_name = event.cache
        if call.name == "linear_forward":
            A_prev = a["A"]
        elif call.name == "linear_activation_forward":
            A_prev = a["A_prev"]
        else:  # L_model_forward: A0 = X, then what the previous layer's events wrote
            A_prev = state[A_prev_name]
        state[_name("Z", l)] = _linear_forward(A_prev, a[W_name], a[b_name])[0]
    elif isinstance(event, ActivationForward):
        state[_name("A", l)] = _FORWARD[event.activation](state[event.cache])[0]
    elif isinstance(event, Cost):
        state["cost"] = np.array(event.value)
    elif isinstance(event, ActivationBackward):
        dA = state[event.dA] if event.dA in state else a[event.dA]
        state[_name("dZ", l)] = _BACKWARD[event.activation](dA, a[event.cache])
    elif isinstance(event, LinearBackward):
        dZ = state[_name("dZ", l)] if call.name != "linear_backward" else a["dZ"]
        dA_prev, dW, db = _linear_backward(dZ, tuple(a[n] for n in event.cache))
        state["dA_prev" if l == 0 else f"dA{l - 1}"] = dA_prev
        state[_name("dW", l)] = dW
        state[_name("db", l)] = db
    elif isinstance(event, Update):
        lr = event.learning_rate
        state[f"W{l}"] = a[f"W{l}"] - lr * a[f"dW{l}"]
        state[f"b{l}"] = a[f"b{l}"] - lr * a[f"db{l}"]
    else:  # pragma: no cover - every network event type above is handled
        raise TypeError(f"cannot replay {event!r}")


#: Roles of the arrays in a network step, for :func:`step_roles`.
WRITE, CACHE, READ = "write", "cache", "read"


def step_roles(event: Any, call: recording.Call) -> dict[str, str]:
    """What a network step does with each array, by its name in the replayed state.

    Returns
    -------
    dict of str to str
        ``WRITE`` (the step computes it), ``CACHE`` (kept in or read from a cache)
        or ``READ``. Steps of ``L_model_*`` calls name arrays by layer (``Z2``,
        ``dA1``); a standalone call uses the bare names (``Z``, ``dA_prev``).
    """
    l = event.layer if hasattr(event, "layer") else 0
    named = lambda base: f"{base}{l}" if l else base  # noqa: E731
    if isinstance(event, LinearForward):
        A_prev, W, b = event.cache
        if call.name == "linear_forward":
            A_prev = "A"
        return {named("Z"): WRITE, A_prev: CACHE, W: CACHE, b: CACHE}
    if isinstance(event, ActivationForward):
        return {named("A"): WRITE, event.cache: CACHE}
    if isinstance(event, Cost):
        return {"cost": WRITE, "AL": READ, "Y": READ}
    if isinstance(event, ActivationBackward):
        return {named("dZ"): WRITE, event.dA: READ, event.cache: CACHE}
    if isinstance(event, LinearBackward):
        dA_prev, dW, db = event.outputs
        A_prev, W, b = event.cache
        # in the order the step's caption gives them: dW, db, then dA_prev
        return {dW: WRITE, db: WRITE, dA_prev: WRITE, named("dZ"): READ, A_prev: CACHE, W: CACHE, b: CACHE}
    if isinstance(event, Update):
        return {f"W{l}": WRITE, f"b{l}": WRITE, f"dW{l}": READ, f"db{l}": READ}
    raise TypeError(f"step_roles: not a network event: {event!r}")
