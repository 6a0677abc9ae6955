"""input() at import, as an exported notebook that asks a question would."""

import numpy as np

answer = input("pad with? ")


def zero_pad(X, pad):
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
