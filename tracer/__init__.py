"""tracer: the course's convolution and pooling functions, traced window by window.

The functions keep the course's names, signatures, NHWC layout and caches, so
a learner can swap their own in for any of them::

    >>> import numpy as np, tracer
    >>> A_prev = np.random.default_rng(0).standard_normal((1, 5, 5, 1))
    >>> with tracer.record() as trace:
    ...     A, cache = tracer.pool_forward(A_prev, {"f": 2, "stride": 1})
    >>> len(trace)
    16
    >>> trace[0]
    PoolWindow(call=0, max, i=0 (h=0, w=0) c=0 rows 0:2 cols 0:2, value=..., max at (...))

:mod:`tracer.fast` holds vectorized twins with the same API.
"""

from . import conv, conv_cells, events, export, fast, network, pool, recording, transpose
from .checker import CheckReport, check, check_notebook
from .conv import conv_backward, conv_forward, conv_single_step, zero_pad
from .network import (
    L_model_backward,
    L_model_forward,
    compute_cost,
    initialize_parameters,
    initialize_parameters_deep,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    relu,
    relu_backward,
    sigmoid,
    sigmoid_backward,
    update_parameters,
)
from .pool import create_mask_from_window, distribute_value, pool_backward, pool_forward
from .recording import Call, Step, Trace, TraceLimitError, record
from .transpose import conv_transpose_backward, conv_transpose_forward

__version__ = "0.1.0"

#: The course's functions in course order (from the lists of :mod:`tracer.conv`, :mod:`tracer.pool`
#: and :mod:`tracer.network`), the transposed convolution of :mod:`tracer.transpose`, then the
#: recording API.
__all__ = [
    *conv.__all__,
    *pool.__all__,
    *network.__all__,
    *transpose.__all__,
    "record",
    "Trace",
    "Call",
    "Step",
    "TraceLimitError",
    "events",
    "fast",
    "check",
    "check_notebook",
    "CheckReport",
]
