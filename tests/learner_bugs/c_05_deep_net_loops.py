"""A learner's deep-network notebook, exported: everything written out, two slips.

initialize_parameters_deep draws each W with its sides swapped, and L_model_backward starts
the chain from dAL without its minus sign. The rest is the course's function by function.
"""

import copy

import numpy as np

BUGS = {
    "initialize_parameters_deep": {"swapped indices", "shape order"},  # randn(n_{l-1}, n_l)
    "L_model_backward": {"sign"},                                      # dAL without the minus
}
BATCH = "C"


def sigmoid(Z):
    A = 1.0 / (1.0 + np.exp(-Z))
    return A, Z


def relu(Z):
    A = Z * (Z > 0)
    return A, Z


def sigmoid_backward(dA, cache):
    s = 1.0 / (1.0 + np.exp(-cache))
    return dA * s * (1.0 - s)


def relu_backward(dA, cache):
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


# GRADED FUNCTION: initialize_parameters
def initialize_parameters(n_x, n_h, n_y):
    np.random.seed(1)
    parameters = {}
    parameters["W1"] = np.random.randn(n_h, n_x) * 0.01
    parameters["b1"] = np.zeros((n_h, 1))
    parameters["W2"] = np.random.randn(n_y, n_h) * 0.01
    parameters["b2"] = np.zeros((n_y, 1))
    return parameters


# GRADED FUNCTION: initialize_parameters_deep
def initialize_parameters_deep(layer_dims):
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l - 1], layer_dims[l]) * 0.01  # BUG: W{l} is (n_l, n_{l-1})
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


# GRADED FUNCTION: linear_forward
def linear_forward(A, W, b):
    Z = W @ A + b
    return Z, (A, W, b)


# GRADED FUNCTION: linear_activation_forward
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        A, activation_cache = relu(Z)
    return A, (linear_cache, activation_cache)


# GRADED FUNCTION: L_model_forward
def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(A_prev, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


# GRADED FUNCTION: compute_cost
def compute_cost(AL, Y):
    m = Y.shape[1]
    logprobs = np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)
    cost = -logprobs / m
    cost = np.squeeze(cost)
    return cost


# GRADED FUNCTION: linear_backward
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = (dZ @ A_prev.T) / m
    db = dZ.sum(axis=1, keepdims=True) / m
    dA_prev = W.T @ dZ
    return dA_prev, dW, db


# GRADED FUNCTION: linear_activation_backward
def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
    dA_prev, dW, db = linear_backward(dZ, linear_cache)
    return dA_prev, dW, db


# GRADED FUNCTION: L_model_backward
def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    m = AL.shape[1]
    Y = Y.reshape(AL.shape)
    dAL = np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)  # BUG: the leading minus sign is missing
    current_cache = caches[L - 1]
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, current_cache, "sigmoid")
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(grads["dA" + str(l + 1)], current_cache, "relu")
        grads["dA" + str(l)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads


# GRADED FUNCTION: update_parameters
def update_parameters(params, grads, learning_rate):
    parameters = copy.deepcopy(params)
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters
