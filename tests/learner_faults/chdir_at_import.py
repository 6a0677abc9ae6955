"""A correct file that changes the working directory at import."""

import os

import numpy as np

os.chdir(os.path.dirname(os.path.abspath(__file__)) + "/..")


def zero_pad(X, pad):
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="constant", constant_values=(0, 0))
