"""A small convolutional network built from the course's layers, for the capstone lesson.

``CONV 3x3 (pad 1) -> RELU -> MAXPOOL 2x2 (stride 2) -> DENSE -> SOFTMAX``, trained by
plain mini-batch gradient descent. The convolution and pooling come from an
implementation module passed as ``impl``: :mod:`tracer.fast` (vectorized, to
train) or :mod:`tracer` itself (the traced course loops, to watch one step), so
that the same model code runs on both and their results can be compared.

Parameters are a dict ``{"W1": (f, f, n_C_prev, n_C), "b1": (1, 1, 1, n_C),
"W2": (n_flat, n_classes), "b2": (1, n_classes)}``; images are NHWC ``(m, n_H, n_W, n_C_prev)``
and labels are integers ``y (m,)``.

Examples
--------
>>> import numpy as np
>>> from tracer import capstone, fast
>>> params = capstone.init_params((8, 8, 1), n_filters=4, seed=0)
>>> probs, cache = capstone.forward(np.zeros((2, 8, 8, 1)), params, fast)
>>> probs.shape
(2, 10)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from types import ModuleType
from typing import Callable

import numpy as np

from .validate import check_array, check_int

__all__ = [
    "CONV",
    "POOL",
    "init_params",
    "forward",
    "loss",
    "backward",
    "step",
    "accuracy",
    "train",
    "History",
    "load_digits_split",
]

#: Hyperparameters of the convolution and of the pooling.
CONV = {"stride": 1, "pad": 1}
POOL = {"f": 2, "stride": 2}

_IMPL_FUNCTIONS = ("conv_forward", "conv_backward", "pool_forward", "pool_backward")


def _check_impl(fn: str, impl: ModuleType) -> ModuleType:
    missing = [name for name in _IMPL_FUNCTIONS if not callable(getattr(impl, name, None))]
    if missing:
        raise TypeError(f"{fn}: impl must be a module with {list(_IMPL_FUNCTIONS)}, like tracer or tracer.fast; "
                        f"{impl!r} lacks {missing}")
    return impl


def _check_params(fn: str, params: dict) -> None:
    if not isinstance(params, dict) or sorted(params) != ["W1", "W2", "b1", "b2"]:
        got = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise ValueError(f"{fn}: params must be a dict with keys W1, b1, W2, b2 (from init_params), got {got}")
    for name, ndim in (("W1", 4), ("b1", 4), ("W2", 2), ("b2", 2)):
        check_array(fn, f'params["{name}"]', params[name], ndim)


def _check_labels(fn: str, y: np.ndarray, m: int, n_classes: int) -> np.ndarray:
    if not isinstance(y, np.ndarray) or not np.issubdtype(y.dtype, np.integer):
        got = y.dtype if isinstance(y, np.ndarray) else type(y).__name__
        raise TypeError(f"{fn}: y must be a numpy array of integer class labels, got {got}")
    if y.shape != (m,):
        raise ValueError(f"{fn}: y must have shape (m,) = ({m},), one label per image, got {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"{fn}: y must hold labels from 0 to {n_classes - 1}, got values from {y.min()} to {y.max()}")
    return y


def init_params(
    image_shape: tuple[int, int, int] = (8, 8, 1), n_filters: int = 8, f: int = 3, n_classes: int = 10, seed: int = 0
) -> dict[str, np.ndarray]:
    """He-initialised parameters for images of ``image_shape = (n_H, n_W, n_C_prev)``.

    Returns
    -------
    params : dict of str to ndarray
        ``W1 (f, f, n_C_prev, n_filters)``, ``b1 (1, 1, 1, n_filters)`` zero,
        ``W2 (n_H/2 * n_W/2 * n_filters, n_classes)``, ``b2 (1, n_classes)`` zero.
    """
    fn = "init_params"
    if not isinstance(image_shape, tuple) or len(image_shape) != 3:
        raise ValueError(f"{fn}: image_shape must be a tuple (n_H, n_W, n_C_prev), got {image_shape!r}")
    n_H, n_W, n_C_prev = (check_int(fn, f"image_shape[{j}]", n, 2 if j < 2 else 1) for j, n in enumerate(image_shape))
    n_filters, f, n_classes = (check_int(fn, k, v, 1) for k, v in (("n_filters", n_filters), ("f", f), ("n_classes", n_classes)))
    if f % 2 == 0:
        raise ValueError(f"{fn}: f must be odd so that pad (f - 1) / 2 keeps the size, got {f}")
    rng = np.random.default_rng(seed)
    n_flat = (n_H // 2) * (n_W // 2) * n_filters
    return {
        "W1": rng.standard_normal((f, f, n_C_prev, n_filters)) * np.sqrt(2.0 / (f * f * n_C_prev)),
        "b1": np.zeros((1, 1, 1, n_filters)),
        "W2": rng.standard_normal((n_flat, n_classes)) * np.sqrt(1.0 / n_flat),
        "b2": np.zeros((1, n_classes)),
    }


def _softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=1, keepdims=True))  # shifted: exp never overflows
    return e / e.sum(axis=1, keepdims=True)


def forward(X: np.ndarray, params: dict, impl: ModuleType) -> tuple[np.ndarray, tuple]:
    """Class probabilities for a batch of images.

    Parameters
    ----------
    X : ndarray, shape (m, n_H, n_W, n_C_prev)
    params : dict
        As from :func:`init_params`.
    impl : module
        :mod:`tracer.fast` or :mod:`tracer`: where ``conv_forward`` and ``pool_forward`` come from.

    Returns
    -------
    probs : ndarray, shape (m, n_classes)
        Softmax of the dense layer's output; rows sum to 1.
    cache : tuple
        What :func:`backward` needs.
    """
    fn = "forward"
    _check_impl(fn, impl)
    _check_params(fn, params)
    check_array(fn, "X", X, 4, "(m, n_H, n_W, n_C_prev)")
    # --8<-- [start:forward]
    W1, b1 = params["W1"], params["b1"]
    Z1, conv_cache = impl.conv_forward(X, W1, b1, CONV)  # (m, 8, 8, n_C)
    A1 = np.maximum(0, Z1)  # relu
    P1, pool_cache = impl.pool_forward(A1, POOL, mode="max")  # (m, 4, 4, n_C)
    flat = P1.reshape(P1.shape[0], -1)  # (m, 4*4*n_C): one row per image
    logits = flat @ params["W2"] + params["b2"]  # (m, 10)
    probs = _softmax(logits)
    # --8<-- [end:forward]
    return probs, (conv_cache, Z1, pool_cache, P1.shape, flat)


def loss(probs: np.ndarray, y: np.ndarray) -> float:
    """Mean cross-entropy ``-mean(log probs[i, y[i]])`` of probabilities ``(m, n_classes)`` against labels ``(m,)``."""
    check_array("loss", "probs", probs, 2, "(m, n_classes)")
    _check_labels("loss", y, probs.shape[0], probs.shape[1])
    return float(-np.mean(np.log(probs[np.arange(len(y)), y] + 1e-300)))


def backward(probs: np.ndarray, y: np.ndarray, cache: tuple, params: dict, impl: ModuleType) -> dict[str, np.ndarray]:
    """Gradients of :func:`loss` with respect to every parameter.

    Returns
    -------
    grads : dict of str to ndarray
        ``dW1, db1, dW2, db2``, shaped like the parameters.
    """
    fn = "backward"
    _check_impl(fn, impl)
    _check_params(fn, params)
    m = probs.shape[0]
    _check_labels(fn, y, m, probs.shape[1])
    conv_cache, Z1, pool_cache, P1_shape, flat = cache
    # --8<-- [start:backward]
    dlogits = probs.copy()
    dlogits[np.arange(m), y] -= 1  # softmax with cross-entropy: probs - one_hot(y)
    dlogits /= m  # the loss is a mean over the batch
    dW2 = flat.T @ dlogits
    db2 = dlogits.sum(axis=0, keepdims=True)
    dP1 = (dlogits @ params["W2"].T).reshape(P1_shape)  # back to (m, 4, 4, n_C)
    dA1 = impl.pool_backward(dP1, pool_cache, mode="max")  # to each window's max
    dZ1 = dA1 * (Z1 > 0)  # through the relu
    _, dW1, db1 = impl.conv_backward(dZ1, conv_cache)
    # --8<-- [end:backward]
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def step(params: dict, grads: dict, learning_rate: float) -> dict[str, np.ndarray]:
    """One gradient-descent step; returns new parameters, leaves ``params`` unchanged."""
    return {k: params[k] - learning_rate * grads["d" + k] for k in params}


def accuracy(X: np.ndarray, y: np.ndarray, params: dict, impl: ModuleType) -> float:
    """Fraction of the images whose most probable class is their label."""
    probs, _ = forward(X, params, impl)
    return float(np.mean(np.argmax(probs, axis=1) == y))


@dataclass
class History:
    """What :func:`train` measured after every epoch."""

    epoch: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    seconds: float = 0.0  # training time, evaluation excluded

    def __repr__(self) -> str:
        if not self.epoch:
            return "<History: no epoch>"
        return (f"<History: {len(self.epoch)} epochs in {self.seconds:.1f} s, final loss {self.train_loss[-1]:.4f}, "
                f"train accuracy {self.train_accuracy[-1]:.3f}, test accuracy {self.test_accuracy[-1]:.3f}>")


def train(
    X: np.ndarray,
    y: np.ndarray,
    X_test: np.ndarray,
    y_test: np.ndarray,
    params: dict,
    impl: ModuleType,
    epochs: int = 30,
    batch_size: int = 32,
    learning_rate: float = 0.1,
    seed: int = 0,
    progress: Callable[[int, History], None] | None = None,
) -> tuple[dict[str, np.ndarray], History]:
    """Mini-batch gradient descent, the batches shuffled by a seeded generator each epoch.

    Each epoch splits a fresh permutation of the ``m`` images into ``ceil(m / batch_size)``
    batches of nearly equal size (a last batch of a few images would take as large a
    step as the others from a much noisier gradient).

    Parameters
    ----------
    X, y : ndarray, shapes (m, n_H, n_W, n_C_prev) and (m,)
        Training images and integer labels.
    X_test, y_test : ndarray
        Held-out images and labels, only evaluated.
    params : dict
        Starting parameters (left unchanged).
    impl : module
        :mod:`tracer.fast` to train at full speed.
    progress : callable, optional
        Called as ``progress(epoch, history)`` after every epoch.

    Returns
    -------
    params : dict
        The trained parameters.
    history : History
        Loss and accuracies per epoch, and the training time.
    """
    fn = "train"
    _check_impl(fn, impl)
    _check_params(fn, params)
    check_array(fn, "X", X, 4, "(m, n_H, n_W, n_C_prev)")
    check_array(fn, "X_test", X_test, 4, "(m, n_H, n_W, n_C_prev)")
    n_classes = params["W2"].shape[1]
    _check_labels(fn, y, X.shape[0], n_classes)
    _check_labels(fn, y_test, X_test.shape[0], n_classes)
    epochs = check_int(fn, "epochs", epochs, 1)
    batch_size = check_int(fn, "batch_size", batch_size, 1)
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)) or not 0 < learning_rate < np.inf:
        raise ValueError(f"{fn}: learning_rate must be a finite number > 0, got {learning_rate!r}")
    rng = np.random.default_rng(seed)
    history = History()
    m = X.shape[0]
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        total = 0.0
        # --8<-- [start:train_epoch]
        # ceil(m / batch_size) batches of nearly equal size (no tiny last batch)
        n_batches = -(-m // batch_size)
        for batch in np.array_split(rng.permutation(m), n_batches):
            probs, cache = forward(X[batch], params, impl)
            total += loss(probs, y[batch]) * len(batch)
            grads = backward(probs, y[batch], cache, params, impl)
            params = step(params, grads, learning_rate)
        # --8<-- [end:train_epoch]
        history.seconds += time.perf_counter() - start
        history.epoch.append(epoch)
        history.train_loss.append(total / m)
        history.train_accuracy.append(accuracy(X, y, params, impl))
        history.test_accuracy.append(accuracy(X_test, y_test, params, impl))
        if progress is not None:
            progress(epoch, history)
    return params, history


def load_digits_split(test_fraction: float = 0.25, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """scikit-learn's 8x8 handwritten digits (1797 images, shipped with it: no download), split in two.

    Returns
    -------
    X_train, y_train, X_test, y_test : ndarray
        Images ``(m, 8, 8, 1)`` scaled to [0, 1] (the pixels are 0 to 16), labels ``(m,)`` 0 to 9.
        The split is stratified by class and fixed by ``seed``.

    Raises
    ------
    ImportError
        When scikit-learn is missing: ``pip install -e ".[capstone]"``.
    """
    if not isinstance(test_fraction, float) or not 0 < test_fraction < 1:
        raise ValueError(f"load_digits_split: test_fraction must be a float between 0 and 1, got {test_fraction!r}")
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError('the capstone needs scikit-learn: pip install -e ".[capstone]"') from err
    digits = load_digits()
    X = (digits.images / 16.0).reshape(-1, 8, 8, 1)
    y = digits.target.astype(np.int64)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_fraction, random_state=seed, stratify=y)
    return X_train, y_train, X_test, y_test
