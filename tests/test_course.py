"""The course's own published test cases, on tracer's functions: inputs, seeds and expected values as published.

The conv exercise ("Convolutional Model: Step by Step"): its ``public_tests.py`` and the
checks its notebook runs inline. The deep network exercise ("Building your Deep Neural
Network: Step by Step"): its ``public_tests.py`` (whose inputs are its ``testCases``). A
learner must be able to swap their function for ours, so every input these tests pass
(integer arrays, an ``AL`` drawn from ``randn``) must be taken, and every expected value met.
The convolution and pooling cases run on the loops and on the vectorized twins.
"""

from __future__ import annotations

import numpy as np
import pytest

import tracer
from tracer import fast

LOOPS_AND_FAST = pytest.mark.parametrize("impl", [tracer, fast], ids=["loops", "fast"])


# -- the conv exercise ------------------------------------------------------------------------------


@LOOPS_AND_FAST
def test_zero_pad_test(impl):
    np.random.seed(1)
    x = np.random.randn(4, 3, 3, 2)
    x_pad = impl.zero_pad(x, 3)
    assert type(x_pad) == np.ndarray and x_pad.shape == (4, 9, 9, 2)
    assert np.allclose(x_pad[0, 0:2, :, 0], np.zeros((2, 9)), 1e-15)
    assert np.allclose(x_pad[0, :, 7:9, 1].transpose(), np.zeros((2, 9)), 1e-15)
    assert np.allclose(x_pad[:, 3:6, 3:6, :], x, 1e-15)
    # the notebook's printout
    assert np.allclose(x[1, 1], [[0.90085595, -0.68372786], [-0.12289023, -0.93576943], [-0.26788808, 0.53035547]])
    np.random.seed(1)
    x = np.random.randn(5, 4, 4, 3)
    x_pad = impl.zero_pad(x, 2)
    assert x_pad.shape == (5, 8, 8, 3)
    assert np.allclose(x_pad[0, 0:2, :, 0], np.zeros((2, 8)), 1e-15)
    assert np.allclose(x_pad[0, :, 6:8, 1].transpose(), np.zeros((2, 8)), 1e-15)
    assert np.allclose(x_pad[:, 2:6, 2:6, :], x, 1e-15)


@LOOPS_AND_FAST
def test_conv_single_step_test(impl):
    np.random.seed(3)
    a_slice_prev = np.random.randn(5, 5, 3)
    W = np.random.randn(5, 5, 3)
    b = np.random.randn(1, 1, 1)
    Z = impl.conv_single_step(a_slice_prev, W, b)
    assert type(Z) == np.float64
    assert np.isclose(Z, np.float64(-3.5443670581382474))
    # the notebook's own case
    np.random.seed(1)
    a_slice_prev, W, b = np.random.randn(4, 4, 3), np.random.randn(4, 4, 3), np.random.randn(1, 1, 1)
    assert round(float(impl.conv_single_step(a_slice_prev, W, b)), 11) == -6.99908945068


@LOOPS_AND_FAST
def test_conv_forward_test_1(impl):
    np.random.seed(1)
    A_prev = np.random.randn(2, 5, 7, 4)
    W = np.random.randn(3, 3, 4, 8)
    b = np.random.randn(1, 1, 1, 8)
    Z, cache_conv = impl.conv_forward(A_prev, W, b, {"pad": 1, "stride": 2})
    assert np.isclose(np.mean(Z), 0.5511276474566768)
    assert np.allclose(Z[0, 2, 1], [-2.17796037, 8.07171329, -0.5772704, 3.36286738, 4.48113645, -2.89198428,
                                    10.99288867, 3.03171932])
    assert np.allclose(cache_conv[0][1][2][3], [-1.1191154, 1.9560789, -0.3264995, -1.34267579])


@LOOPS_AND_FAST
def test_conv_forward_test_2(impl):
    np.random.seed(3)
    A_prev = np.random.randn(2, 5, 7, 4)
    W = np.random.randn(3, 3, 4, 8)
    b = np.random.randn(1, 1, 1, 8)
    Z, cache_conv = impl.conv_forward(A_prev, W, b, {"pad": 3, "stride": 1})
    assert Z.shape == (2, 9, 11, 8)
    Z, cache_conv = impl.conv_forward(A_prev, W, b, {"pad": 0, "stride": 2})
    assert Z.shape == (2, 2, 3, 8)
    W = np.random.randn(5, 5, 4, 8)
    b = np.random.randn(1, 1, 1, 8)
    Z, cache_conv = impl.conv_forward(A_prev, W, b, {"pad": 6, "stride": 1})
    assert Z.shape == (2, 13, 15, 8)
    assert np.isclose(np.mean(Z), -0.5384027772160062)
    expected_conv = np.array([[1.98848968, 1.19505834, -0.0952376, -0.52718778],
                              [-0.32158469, 0.15113037, -0.01862772, 0.48352879],
                              [0.76896516, 1.36624284, 1.14726479, -0.11022916],
                              [0.38825041, -0.38712718, -0.58722031, 1.91082685],
                              [-0.45984615, 1.99073781, -0.34903539, 0.25282509],
                              [1.08940955, 0.02392202, 0.39312528, -0.2413848],
                              [-0.47552486, -0.16577702, -0.64971742, 1.63138295]])
    assert np.allclose(cache_conv[0][1, 2], expected_conv)


@LOOPS_AND_FAST
def test_pool_forward_test_1(impl):
    # tests 1 and 2 draw their inputs from the generator's state as it stands: shapes only
    A_prev = np.random.randn(2, 5, 7, 3)
    A, cache = impl.pool_forward(A_prev, {"stride": 2, "f": 2}, mode="average")
    assert A.shape == (2, 2, 3, 3)
    A_prev = np.random.randn(4, 5, 7, 4)
    A, cache = impl.pool_forward(A_prev, {"stride": 1, "f": 5}, mode="max")
    assert A.shape == (4, 1, 3, 4)
    np.random.seed(1)
    A_prev = np.random.randn(2, 5, 5, 3)
    A, cache = impl.pool_forward(A_prev, {"stride": 1, "f": 2}, mode="max")
    assert np.allclose(A[1, 1], [[1.19891788, 0.74055645, 0.07734007],
                                 [0.31515939, 0.84616065, 0.07734007],
                                 [0.69803203, 0.84616065, 1.2245077],
                                 [0.69803203, 1.12141771, 1.2245077]])
    assert np.allclose(cache[0][1, 2], [[0.16938243, 0.74055645, -0.9537006],
                                        [-0.26621851, 0.03261455, -1.37311732],
                                        [0.31515939, 0.84616065, -0.85951594],
                                        [0.35054598, -1.31228341, -0.03869551],
                                        [-1.61577235, 1.12141771, 0.40890054]])
    A, cache = impl.pool_forward(A_prev, {"stride": 1, "f": 2}, mode="average")
    assert np.allclose(A[1, 1], [[0.11583785, 0.34545544, -0.6561907],
                                 [-0.2334108, 0.3364666, -0.69382351],
                                 [0.25497093, -0.21741362, -0.07342615],
                                 [-0.04092568, -0.01110394, 0.12495022]])


@LOOPS_AND_FAST
def test_pool_forward_test_2(impl):
    np.random.seed(1)
    A_prev = np.random.randn(2, 5, 5, 3)
    A, cache = impl.pool_forward(A_prev, {"stride": 2, "f": 3}, mode="max")
    assert np.allclose(A[0], [[[1.74481176, 0.90159072, 1.65980218], [1.74481176, 1.6924546, 1.65980218]],
                              [[1.13162939, 1.51981682, 2.18557541], [1.13162939, 1.6924546, 2.18557541]]])
    A, cache = impl.pool_forward(A_prev, {"stride": 2, "f": 3}, mode="average")
    assert np.allclose(A[1], [[[-0.17313416, 0.32377198, -0.34317572], [0.02030094, 0.14141479, -0.01231585]],
                              [[0.42944926, 0.08446996, -0.27290905], [0.15077452, 0.28911175, 0.00123239]]])


@LOOPS_AND_FAST
def test_pool_forward_takes_an_integer_input(impl):
    A, _ = impl.pool_forward(np.arange(16).reshape(1, 4, 4, 1), {"f": 2, "stride": 2})
    assert A.dtype == np.float64
    np.testing.assert_array_equal(A[0, :, :, 0], [[5.0, 7.0], [13.0, 15.0]])
    A, _ = impl.pool_forward(np.arange(16).reshape(1, 4, 4, 1), {"f": 2, "stride": 2}, mode="average")
    np.testing.assert_array_equal(A[0, :, :, 0], [[2.5, 4.5], [10.5, 12.5]])


@LOOPS_AND_FAST
def test_conv_backward_test(impl):
    np.random.seed(1)
    A_prev = np.random.randn(10, 4, 4, 3)
    W = np.random.randn(2, 2, 3, 8)
    b = np.random.randn(1, 1, 1, 8)
    Z, cache_conv = impl.conv_forward(A_prev, W, b, {"pad": 2, "stride": 2})
    dA, dW, db = impl.conv_backward(Z, cache_conv)
    assert dA.shape == (10, 4, 4, 3) and dW.shape == (2, 2, 3, 8) and db.shape == (1, 1, 1, 8)
    assert np.isclose(np.mean(dA), 1.4524377)
    assert np.isclose(np.mean(dW), 1.7269914)
    assert np.isclose(np.mean(db), 7.8392325)


@LOOPS_AND_FAST
def test_create_mask_from_window_test(impl):
    x = np.array([[-1, 2, 3],
                  [2, -3, 2],
                  [1, 5, -2]])
    y = np.array([[False, False, False],
                  [False, False, False],
                  [False, True, False]])
    mask = impl.create_mask_from_window(x)
    assert type(mask) == np.ndarray and mask.shape == x.shape
    assert np.allclose(mask, y)
    # the notebook's printout: seed 1, a 2x3 window whose maximum is 1.62434536 at (0, 0)
    np.random.seed(1)
    np.testing.assert_array_equal(impl.create_mask_from_window(np.random.randn(2, 3)),
                                  [[True, False, False], [False, False, False]])


@LOOPS_AND_FAST
def test_distribute_value_test(impl):
    a = impl.distribute_value(2, (2, 2))
    assert type(a) == np.ndarray and a.shape == (2, 2) and np.sum(a) == 2
    np.testing.assert_array_equal(a, [[0.5, 0.5], [0.5, 0.5]])
    a = impl.distribute_value(100, (10, 10))
    assert type(a) == np.ndarray and a.shape == (10, 10) and np.sum(a) == 100


@LOOPS_AND_FAST
def test_pool_backward_test(impl):
    np.random.seed(1)
    A_prev = np.random.randn(5, 5, 3, 2)
    A, cache = impl.pool_forward(A_prev, {"stride": 1, "f": 2})
    dA = np.random.randn(5, 4, 2, 2)
    dA_prev1 = impl.pool_backward(dA, cache, mode="max")
    dA_prev2 = impl.pool_backward(dA, cache, mode="average")
    assert type(dA_prev1) == np.ndarray and dA_prev1.shape == (5, 5, 3, 2)
    assert np.allclose(dA_prev1[1, 1], [[0, 0], [5.05844394, -1.68282702], [0, 0]])
    assert np.allclose(dA_prev2[1, 1], [[0.08485462, 0.2787552], [1.26461098, -0.25749373], [1.17975636, -0.53624893]])


# -- the deep network exercise --------------------------------------------------------------------


def test_initialize_parameters_test():
    parameters = tracer.initialize_parameters(3, 2, 1)
    np.testing.assert_allclose(parameters["W1"], [[0.01624345, -0.00611756, -0.00528172],
                                                  [-0.01072969, 0.00865408, -0.02301539]], atol=1e-8)
    np.testing.assert_array_equal(parameters["b1"], [[0.0], [0.0]])
    np.testing.assert_allclose(parameters["W2"], [[0.01744812, -0.00761207]], atol=1e-8)
    np.testing.assert_array_equal(parameters["b2"], [[0.0]])


def test_initialize_parameters_deep_test():
    parameters = tracer.initialize_parameters_deep([5, 4, 3])
    np.testing.assert_allclose(parameters["W1"], [
        [0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388],
        [-0.00354759, -0.00082741, -0.00627001, -0.00043818, -0.00477218],
        [-0.01313865, 0.00884622, 0.00881318, 0.01709573, 0.00050034],
        [-0.00404677, -0.0054536, -0.01546477, 0.00982367, -0.01101068]], atol=1e-8)
    np.testing.assert_array_equal(parameters["b1"], np.zeros((4, 1)))
    np.testing.assert_allclose(parameters["W2"], [
        [-0.01185047, -0.0020565, 0.01486148, 0.00236716],
        [-0.01023785, -0.00712993, 0.00625245, -0.00160513],
        [-0.00768836, -0.00230031, 0.00745056, 0.01976111]], atol=1e-8)
    np.testing.assert_array_equal(parameters["b2"], np.zeros((3, 1)))


def test_linear_forward_test():
    np.random.seed(1)
    A_prev, W, b = np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1)
    Z, cache = tracer.linear_forward(A_prev, W, b)
    np.testing.assert_allclose(Z, [[3.26295337, -1.23429987]], atol=1e-8)
    assert cache[0] is A_prev and cache[1] is W and cache[2] is b


def test_linear_activation_forward_test():
    np.random.seed(2)
    A_prev, W, b = np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1)
    A, (linear_cache, Z) = tracer.linear_activation_forward(A_prev, W, b, "sigmoid")
    np.testing.assert_allclose(A, [[0.96890023, 0.11013289]], atol=1e-8)
    np.testing.assert_allclose(Z, [[3.43896131, -2.08938436]], atol=1e-8)
    assert linear_cache[0] is A_prev
    A, (linear_cache, Z) = tracer.linear_activation_forward(A_prev, W, b, "relu")
    np.testing.assert_allclose(A, [[3.43896131, 0.0]], atol=1e-8)


def test_L_model_forward_test():
    np.random.seed(6)
    X = np.random.randn(5, 4)
    parameters = {"W1": np.random.randn(4, 5), "b1": np.random.randn(4, 1), "W2": np.random.randn(3, 4),
                  "b2": np.random.randn(3, 1), "W3": np.random.randn(1, 3), "b3": np.random.randn(1, 1)}
    AL, caches = tracer.L_model_forward(X, parameters)
    np.testing.assert_allclose(AL, [[0.03921668, 0.70498921, 0.19734387, 0.04728177]], atol=1e-8)
    assert len(caches) == 3
    np.testing.assert_allclose(caches[0][1], [[-5.23825714, 3.18040136, 0.4074501, -1.88612721],
                                              [-2.77358234, -0.56177316, 3.18141623, -0.99209432],
                                              [4.18500916, -1.78006909, -0.14502619, 2.72141638],
                                              [5.05850802, -1.25674082, -3.54566654, 3.82321852]], atol=1e-8)
    np.testing.assert_allclose(caches[1][0][0], [[0.0, 3.18040136, 0.4074501, 0.0],
                                                 [0.0, 0.0, 3.18141623, 0.0],
                                                 [4.18500916, 0.0, 0.0, 2.72141638],
                                                 [5.05850802, 0.0, 0.0, 3.82321852]], atol=1e-8)
    np.testing.assert_allclose(caches[2][1], [[-3.19864676, 0.87117055, -1.40297864, -3.00319435]], atol=1e-8)
    assert caches[0][0][0] is X and caches[2][0][1] is parameters["W3"]


def test_compute_cost_test():
    Y = np.asarray([[1, 1, 0]])
    AL = np.array([[0.8, 0.9, 0.4]])
    assert np.isclose(tracer.compute_cost(AL, Y), 0.27977656)


def test_linear_backward_test():
    np.random.seed(1)
    dZ, A, W, b = np.random.randn(3, 4), np.random.randn(5, 4), np.random.randn(3, 5), np.random.randn(3, 1)
    dA_prev, dW, db = tracer.linear_backward(dZ, (A, W, b))
    np.testing.assert_allclose(dA_prev, [[-1.15171336, 0.06718465, -0.3204696, 2.09812712],
                                         [0.60345879, -3.72508701, 5.81700741, -3.84326836],
                                         [-0.4319552, -1.30987417, 1.72354705, 0.05070578],
                                         [-0.38981415, 0.60811244, -1.25938424, 1.47191593],
                                         [-2.52214926, 2.67882552, -0.67947465, 1.48119548]], atol=1e-8)
    np.testing.assert_allclose(dW, [[0.07313866, -0.0976715, -0.87585828, 0.73763362, 0.00785716],
                                    [0.85508818, 0.37530413, -0.59912655, 0.71278189, -0.58931808],
                                    [0.97913304, -0.24376494, -0.08839671, 0.55151192, -0.10290907]], atol=1e-8)
    np.testing.assert_allclose(db, [[-0.14713786], [-0.11313155], [-0.13209101]], atol=1e-8)


def test_linear_activation_backward_test():
    np.random.seed(2)
    dA, A, W, b, Z = (np.random.randn(1, 2), np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1),
                      np.random.randn(1, 2))
    dA_prev, dW, db = tracer.linear_activation_backward(dA, ((A, W, b), Z), "sigmoid")
    np.testing.assert_allclose(dA_prev, [[0.11017994, 0.01105339], [0.09466817, 0.00949723],
                                         [-0.05743092, -0.00576154]], atol=1e-8)
    np.testing.assert_allclose(dW, [[0.10266786, 0.09778551, -0.01968084]], atol=1e-8)
    np.testing.assert_allclose(db, [[-0.05729622]], atol=1e-8)
    dA_prev, dW, db = tracer.linear_activation_backward(dA, ((A, W, b), Z), "relu")
    np.testing.assert_allclose(dA_prev, [[0.44090989, 0.0], [0.37883606, 0.0], [-0.2298228, 0.0]], atol=1e-8)
    np.testing.assert_allclose(dW, [[0.44513824, 0.37371418, -0.10478989]], atol=1e-8)
    np.testing.assert_allclose(db, [[-0.20837892]], atol=1e-8)


def test_L_model_backward_test():
    np.random.seed(3)
    AL = np.random.randn(1, 2)  # 1.788..., -0.436...: not probabilities, and backward takes no log
    Y = np.array([[1, 0]])
    A1, W1, b1, Z1 = np.random.randn(4, 2), np.random.randn(3, 4), np.random.randn(3, 1), np.random.randn(3, 2)
    A2, W2, b2, Z2 = np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1), np.random.randn(1, 2)
    caches = (((A1, W1, b1), Z1), ((A2, W2, b2), Z2))
    assert AL[0, 0] == pytest.approx(1.78862847)
    grads = tracer.L_model_backward(AL, Y, caches)
    np.testing.assert_allclose(grads["dA1"], [[0.12913162, -0.44014127], [-0.14175655, 0.48317296],
                                              [0.01663708, -0.05670698]], atol=1e-8)
    np.testing.assert_allclose(grads["dW2"], [[-0.39202432, -0.13325855, -0.04601089]], atol=1e-8)
    np.testing.assert_allclose(grads["db2"], [[0.15187861]], atol=1e-8)
    np.testing.assert_allclose(grads["dA0"], [[0.0, 0.52257901], [0.0, -0.3269206], [0.0, -0.32070404],
                                              [0.0, -0.74079187]], atol=1e-8)
    np.testing.assert_allclose(grads["dW1"], [[0.41010002, 0.07807203, 0.13798444, 0.10502167],
                                              [0.0, 0.0, 0.0, 0.0],
                                              [0.05283652, 0.01005865, 0.01777766, 0.0135308]], atol=1e-8)
    np.testing.assert_allclose(grads["db1"], [[-0.22007063], [0.0], [-0.02835349]], atol=1e-8)
    # recorded and replayed, the same course case gives the same gradients
    with tracer.record() as trace:
        tracer.L_model_backward(AL, Y, caches)
    np.testing.assert_allclose(trace.replay()["dW1"], grads["dW1"], rtol=0, atol=0)


def test_update_parameters_test():
    np.random.seed(2)
    parameters = {"W1": np.random.randn(3, 4), "b1": np.random.randn(3, 1), "W2": np.random.randn(1, 3),
                  "b2": np.random.randn(1, 1)}
    np.random.seed(3)
    grads = {"dW1": np.random.randn(3, 4), "db1": np.random.randn(3, 1), "dW2": np.random.randn(1, 3),
             "db2": np.random.randn(1, 1)}
    updated = tracer.update_parameters(parameters, grads, 0.1)
    np.testing.assert_allclose(updated["W1"], [[-0.59562069, -0.09991781, -2.14584584, 1.82662008],
                                               [-1.76569676, -0.80627147, 0.51115557, -1.18258802],
                                               [-1.0535704, -0.86128581, 0.68284052, 2.20374577]], atol=1e-8)
    np.testing.assert_allclose(updated["b1"], [[-0.04659241], [-1.28888275], [0.53405496]], atol=1e-8)
    np.testing.assert_allclose(updated["W2"], [[-0.55569196, 0.0354055, 1.32964895]], atol=1e-8)
    np.testing.assert_allclose(updated["b2"], [[-0.84610769]], atol=1e-8)


# -- what the course's inputs imply beyond its own cases ------------------------------------------


def test_L_model_backward_refuses_only_an_AL_of_exactly_0_or_1():
    caches = [((np.ones((2, 2)), np.ones((1, 2)), np.zeros((1, 1))), np.ones((1, 2)))]
    for AL in (np.array([[0.0, 0.5]]), np.array([[0.5, 1.0]])):
        with pytest.raises(ValueError, match=r"L_model_backward: AL must differ from 0 and 1 .*divides by AL"):
            tracer.L_model_backward(AL, np.array([[1, 0]]), caches)
    tracer.L_model_backward(np.array([[-3.0, 7.5]]), np.array([[1, 0]]), caches)  # no log: taken


@LOOPS_AND_FAST
def test_integer_and_boolean_inputs_give_the_float_results(impl):
    rng = np.random.default_rng(0)
    A_int = rng.integers(-3, 4, (2, 5, 6, 2))
    W_int, b_int = rng.integers(-2, 3, (3, 3, 2, 3)), rng.integers(-1, 2, (1, 1, 1, 3))
    hp = {"stride": 2, "pad": 1}
    Z, cache = impl.conv_forward(A_int, W_int, b_int, hp)
    Z_float, cache_float = impl.conv_forward(A_int.astype(float), W_int.astype(float), b_int.astype(float), hp)
    assert Z.dtype == np.float64
    np.testing.assert_array_equal(Z, Z_float)
    for got, want in zip(impl.conv_backward(np.ones(Z.shape, dtype=int), cache),
                         impl.conv_backward(np.ones(Z.shape), cache_float)):
        assert got.dtype == np.float64
        np.testing.assert_array_equal(got, want)
    X_bool = rng.integers(0, 2, (1, 3, 3, 1)).astype(bool)
    np.testing.assert_array_equal(impl.zero_pad(X_bool, 1), impl.zero_pad(X_bool.astype(float), 1))
    assert impl.conv_single_step(np.ones((2, 2, 1), dtype=int), np.ones((2, 2, 1), dtype=int),
                                 np.ones((1, 1, 1), dtype=int)) == np.float64(5.0)
    assert type(impl.conv_single_step(np.ones((2, 2, 1), dtype=int), np.ones((2, 2, 1)), np.ones((1, 1, 1), dtype=int))) \
        is np.float64
    A, pool_cache = impl.pool_forward(A_int, {"f": 2, "stride": 1})
    np.testing.assert_array_equal(impl.pool_backward(np.ones(A.shape, dtype=int), pool_cache),
                                  impl.pool_backward(np.ones(A.shape), (A_int.astype(float), pool_cache[1])))


def test_the_network_takes_integer_inputs():
    X = np.array([[1, 0, 2], [0, 1, -1]])
    parameters = {"W1": np.array([[1, -1], [2, 0]]), "b1": np.array([[0], [1]]),
                  "W2": np.array([[1, 1]]), "b2": np.array([[-2]])}
    AL, caches = tracer.L_model_forward(X, parameters)
    AL_float, _ = tracer.L_model_forward(X.astype(float), {k: v.astype(float) for k, v in parameters.items()})
    np.testing.assert_allclose(AL, AL_float, rtol=0, atol=0)
    grads = tracer.L_model_backward(AL, np.array([[1, 0, 1]]), caches)
    assert set(grads) == {"dA0", "dA1", "dW1", "db1", "dW2", "db2"}
    A, cache = tracer.relu(np.array([[-1, 2]]))
    np.testing.assert_array_equal(A, [[0, 2]])


def test_recording_an_integer_input_records_floats():
    with tracer.record() as trace:
        tracer.pool_forward(np.arange(16).reshape(1, 4, 4, 1), {"f": 2, "stride": 2})
    assert trace.calls[0].arrays["A_prev"].dtype == np.float64
    np.testing.assert_array_equal(trace.replay()["A"][0, :, :, 0], [[5.0, 7.0], [13.0, 15.0]])
    assert "A[0, 0, 0, 0] = max of the window = 5" in trace.text(0)
