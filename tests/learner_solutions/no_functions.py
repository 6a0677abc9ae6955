"""A learner's file that defines none of the course functions (it only imports one)."""

from tracer import zero_pad  # noqa: F401  (imported, not defined here)


def helper(x):
    return x
