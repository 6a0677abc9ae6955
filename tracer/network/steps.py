"""The rows a network step records, and the names it gives the arrays of each layer.

Layer ``l >= 1`` inside an L-layer network, layer 0 for a standalone call (then the
names are the course's argument names: ``A_prev``, ``W``, ``b``, ``Z``, ``dA``...).
Rows hold shapes and cache names, never arrays (see :mod:`tracer.events`).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..events import ActivationBackward, ActivationForward, LinearBackward, LinearForward, Update

__all__ = [
    "Emit",
    "linear_cache_names",
    "layer_name",
    "linear_forward_row",
    "activation_forward_row",
    "activation_backward_row",
    "linear_backward_row",
    "update_row",
]

#: What the bodies are given to record a row: ``emit(row)``, or ``None`` when nothing records.
Emit = Callable[[tuple], None]


def linear_cache_names(layer: int) -> tuple[str, str, str]:
    """Names of the linear cache ``(A_prev, W, b)`` of ``layer`` (0: a standalone call)."""
    return (f"A{layer - 1}", f"W{layer}", f"b{layer}") if layer else ("A_prev", "W", "b")


def layer_name(base: str, layer: int) -> str:
    """``base`` numbered by ``layer`` (``Z2``), or bare for a standalone call (layer 0)."""
    return f"{base}{layer}" if layer else base


def linear_forward_row(layer: int, A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, Z: np.ndarray) -> tuple:
    return (LinearForward.code, layer, A_prev.shape, W.shape, b.shape, Z.shape, linear_cache_names(layer))


def activation_forward_row(layer: int, activation: str, Z: np.ndarray, A: np.ndarray) -> tuple:
    return (ActivationForward.code, layer, activation, Z.shape, A.shape, layer_name("Z", layer))


def activation_backward_row(layer: int, activation: str, dA: np.ndarray, dZ: np.ndarray, dA_name: str) -> tuple:
    return (ActivationBackward.code, layer, activation, dA.shape, dZ.shape, dA_name, layer_name("Z", layer))


def linear_backward_row(layer: int, dZ: np.ndarray, dA_prev: np.ndarray, dW: np.ndarray, db: np.ndarray) -> tuple:
    return (LinearBackward.code, layer, dZ.shape, dA_prev.shape, dW.shape, db.shape, linear_cache_names(layer))


def update_row(layer: int, W: np.ndarray, b: np.ndarray, learning_rate: float) -> tuple:
    return (Update.code, layer, W.shape, b.shape, learning_rate)
