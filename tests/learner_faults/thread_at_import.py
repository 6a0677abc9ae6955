"""A non-daemon thread started at import that never ends."""

import threading
import time

import numpy as np


def _forever():
    while True:
        time.sleep(0.05)


threading.Thread(target=_forever, name="learner-loop").start()


def zero_pad(X, pad):
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
