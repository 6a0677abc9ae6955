"""Tests of tracer.gradcheck on functions whose gradients are known by hand."""

from __future__ import annotations

import numpy as np
import pytest

from tracer.gradcheck import numeric_gradient, relative_error


def test_numeric_gradient_of_a_quadratic_is_2x_and_x_is_restored():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = numeric_gradient(lambda: float(np.sum(x**2)), x)
    np.testing.assert_allclose(grad, [[2.0, -4.0], [1.0, 6.0]], atol=1e-8)
    np.testing.assert_array_equal(x, [[1.0, -2.0], [0.5, 3.0]])


def test_numeric_gradient_of_a_max_goes_to_the_max():
    x = np.array([[1.0, 4.0], [2.0, 3.0]])
    np.testing.assert_allclose(numeric_gradient(lambda: float(np.max(x)), x), [[0.0, 1.0], [0.0, 0.0]], atol=1e-8)


def test_relative_error():
    assert relative_error(np.array([3.0, 4.0]), np.array([3.0, 4.0])) == 0.0
    assert relative_error(np.zeros(2), np.zeros(2)) == 0.0
    # a = (3, 4), b = (4, 3): |a - b| = sqrt(2), |a| + |b| = 5 + 5
    assert relative_error(np.array([3.0, 4.0]), np.array([4.0, 3.0])) == pytest.approx(np.sqrt(2) / 10, rel=1e-15)
