"""The course's L-layer network (the deep network exercise), layer by layer, emitting one trace event per layer and phase.

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

The functions live by phase: :mod:`~tracer.network.parameters` (initialising and
updating ``parameters``), :mod:`~tracer.network.activations` (``sigmoid``, ``relu``
and their backward passes), :mod:`~tracer.network.forward` (through the layers and
the cost) and :mod:`~tracer.network.backward`; each records its calls through the
same event rows (:mod:`~tracer.network.steps`) and registers its replay rule beside it.
"""

from .activations import relu, relu_backward, sigmoid, sigmoid_backward
from .backward import L_model_backward, linear_activation_backward, linear_backward
from .forward import L_model_forward, compute_cost, linear_activation_forward, linear_forward
from .parameters import initialize_parameters, initialize_parameters_deep, update_parameters

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
