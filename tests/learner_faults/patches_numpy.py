"""A wrong zero_pad that patches np.pad at import, so that the same mistake in a reference would hide it."""

import numpy as np

np.pad = lambda X, *args, **kwargs: X


def zero_pad(X, pad):
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
