"""A wrong conv_forward that patches tracer's own functions at import."""

import numpy as np

import tracer
import tracer.conv


def _wrong_pad(X, pad):
    return X


tracer.conv.zero_pad = _wrong_pad
tracer.conv._zero_pad = _wrong_pad
tracer.zero_pad = _wrong_pad


def zero_pad(X, pad):
    return X
