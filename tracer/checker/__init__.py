"""Check a learner's own version of a course function, and show the first window that differs.

:func:`check` runs a learner's function on a battery of cases (fixed seeds)
that covers the course's known traps, compares every result with tracer's own
function, and returns a :class:`CheckReport`: for the first failing case what
differs, the window responsible (from the reference trace) and the likely
cause when a known mistake reproduces the learner's results::

    >>> import numpy as np, tracer
    >>> def conv_single_step(a_slice_prev, W, b):
    ...     return np.sum(a_slice_prev * W + b)
    >>> report = tracer.check(conv_single_step)
    >>> report.passed
    False
    >>> print(report)  # doctest: +SKIP

The package imports the core only (matplotlib only when a figure is asked for).
"""

from .run import FUNCTIONS, CaseResult, CheckReport, FileCheck, battery, check, check_file, check_notebook

__all__ = ["check", "check_file", "check_notebook", "CheckReport", "CaseResult", "FileCheck", "FUNCTIONS",
           "battery"]
