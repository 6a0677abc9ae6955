"""A function that forks a child which would outlive it (its pid is written where the test can read it)."""

import os
import time

import numpy as np

PIDS = os.environ.get("TRACER_TEST_PIDS")


def zero_pad(X, pad):
    pid = os.fork()
    if pid == 0:
        time.sleep(600)
        os._exit(0)
    if PIDS:
        with open(PIDS, "a") as f:
            f.write(f"{pid}\n")
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
