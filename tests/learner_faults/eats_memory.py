"""A function that allocates far more memory than a case may use."""

import numpy as np


def zero_pad(X, pad):
    big = np.ones((64, 1024, 1024, 64))  # 32 GiB
    return big[: X.shape[0]]
