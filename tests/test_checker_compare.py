"""Tests of tracer.checker.compare: wrong types, scalar types and caches are named as such."""

from __future__ import annotations

import numpy as np

from tracer import checker, conv


def test_wrong_dtype_wrong_scalar_type_and_bad_cache(first_failure):
    def conv_single_step(a_slice_prev, W, b):
        return float(np.sum(a_slice_prev * W) + b.item())

    assert "Python float" in first_failure(checker.check(conv_single_step)).differs

    def zero_pad(X, pad):
        return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0))).astype(str)

    assert first_failure(checker.check(zero_pad)).status == "wrong type"

    def pool_forward(A_prev, hparameters, mode="max"):
        A, cache = conv.pool_forward(A_prev, hparameters, mode)
        return A, [A_prev, hparameters]

    assert "cache should be the tuple (A_prev, hparameters), got a list" in first_failure(checker.check(pool_forward)).differs
