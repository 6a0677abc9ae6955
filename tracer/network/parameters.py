"""The parameters of the course's network: made (seeded as the course seeds them), then moved by gradient descent.

``parameters`` holds ``W{l} (n_l, n_{l-1})`` and ``b{l} (n_l, 1)`` for ``l = 1 .. L``;
:func:`update_parameters` records one ``Update`` event per layer.
"""

from __future__ import annotations

import copy

import numpy as np

from .. import recording
from ..events import Update
from ..validate import check_allocation, check_int, check_network, check_real, check_same_shape
from .steps import update_row

__all__ = ["initialize_parameters", "initialize_parameters_deep", "update_parameters"]


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
    check_allocation(fn, "W1", (n_h, n_x), "use smaller layer sizes")
    check_allocation(fn, "W2", (n_y, n_h), "use smaller layer sizes")
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
    for l in range(1, len(layer_dims)):  # every layer checked before the first is drawn
        check_allocation(fn, f"W{l}", (layer_dims[l], layer_dims[l - 1]), "use smaller layer sizes")
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
    lr = check_real(fn, "learning_rate", learning_rate, positive=True)
    L = check_network(fn, parameters)
    if not isinstance(grads, dict):
        raise TypeError(f'{fn}: grads must be a dict {{"dW1": ..., "db1": ..., ...}}, got {type(grads).__name__}')
    for l in range(1, L + 1):
        for x in "Wb":
            key = f"d{x}{l}"
            if key not in grads:
                raise ValueError(f"{fn}: grads is missing {key!r} for the {L}-layer parameters; got keys {sorted(map(str, grads))}")
            check_same_shape(fn, f'grads["{key}"]', grads[key], parameters[f"{x}{l}"].shape, f'parameters["{x}{l}"]')
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
            rec.emit(update_row(l + 1, parameters[W], parameters[b], lr))
    # --8<-- [end:update_parameters]

    if rec is not None:
        rec.done(**parameters)
    return parameters


def _update_apply(call: recording.Call, state: dict[str, np.ndarray], event: Update) -> None:
    # the loop's step for layer l, on the stored parameters and gradients
    a, l, lr = call.arrays, event.layer, event.learning_rate
    state[f"W{l}"] = a[f"W{l}"] - lr * a[f"dW{l}"]
    state[f"b{l}"] = a[f"b{l}"] - lr * a[f"db{l}"]


# Replay (see tracer.recording.ReplayRule): the parameters as passed in, then each layer's update.
recording.register_replay(
    "update_parameters", lambda call: {k: v for k, v in call.arrays.items() if k[0] in "Wb"}, _update_apply
)
