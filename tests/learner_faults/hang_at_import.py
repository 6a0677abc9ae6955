"""A loop at import: the file never finishes importing."""

import numpy as np

while True:
    pass


def zero_pad(X, pad):
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
