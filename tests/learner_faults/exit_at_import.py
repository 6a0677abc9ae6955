"""sys.exit(0) at import, as a notebook exported with a final sys.exit would do."""

import sys

import numpy as np


def zero_pad(X, pad):
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)))


sys.exit(0)
