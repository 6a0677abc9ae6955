"""os._exit(0) at import: the process ends without unwinding."""

import os

import numpy as np


def zero_pad(X, pad):
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)))


os._exit(0)
