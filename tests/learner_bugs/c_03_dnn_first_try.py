"""A learner's deep-network notebook (part 1), exported, with the dnn_utils helpers pasted in.

Five of its functions each have one mistake: the relu's backward returns its slope without dA,
the layer caches A instead of Z, the cost forgets 1/m, db sums over the examples' axis the wrong
way, and update_parameters changes the caller's arrays through a shallow copy.
"""

import copy

import numpy as np

BUGS = {
    "relu_backward": {"missing factor"},                # the slope (1 or 0) without the factor dA
    "linear_activation_forward": {"wrong cache entry"},  # caches the activation A, not Z
    "compute_cost": {"missing factor"},                  # no 1/m
    "linear_backward": {"wrong axis"},                   # db summed over axis 0
    "update_parameters": {"in place"},                   # -= on arrays shared with the caller
}
BATCH = "C"


def sigmoid(Z):
    A = 1 / (1 + np.exp(-Z))
    cache = Z
    return A, cache


def relu(Z):
    A = np.maximum(0, Z)
    cache = Z
    return A, cache


def sigmoid_backward(dA, cache):
    Z = cache
    s = 1 / (1 + np.exp(-Z))
    dZ = dA * s * (1 - s)
    return dZ


def relu_backward(dA, cache):
    Z = cache
    dZ = np.where(Z > 0, 1, 0)  # BUG: g'(Z) only, dA is never multiplied in
    return dZ


# GRADED FUNCTION: initialize_parameters
def initialize_parameters(n_x, n_h, n_y):
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    return parameters


# GRADED FUNCTION: initialize_parameters_deep
def initialize_parameters_deep(layer_dims):
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters['W' + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters['b' + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


# GRADED FUNCTION: linear_forward
def linear_forward(A, W, b):
    Z = np.dot(W, A) + b
    cache = (A, W, b)
    return Z, cache


# GRADED FUNCTION: linear_activation_forward
def linear_activation_forward(A_prev, W, b, activation):
    if activation == "sigmoid":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = relu(Z)
    cache = (linear_cache, A)  # BUG: the activation cache must be Z, the backward pass needs it
    return A, cache


# GRADED FUNCTION: compute_cost
def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = -np.sum(np.multiply(Y, np.log(AL)) + np.multiply(1 - Y, np.log(1 - AL)))  # BUG: the 1/m is missing
    cost = np.squeeze(cost)
    return cost


# GRADED FUNCTION: linear_backward
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1 / m * np.dot(dZ, A_prev.T)
    db = 1 / m * np.sum(dZ, axis=0, keepdims=True)  # BUG: sums over the units, axis=1 sums over examples
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


# GRADED FUNCTION: update_parameters
def update_parameters(params, grads, learning_rate):
    parameters = params.copy()  # BUG: a shallow copy, the arrays are still the caller's
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] -= learning_rate * grads["dW" + str(l + 1)]  # in place, on params' arrays
        parameters["b" + str(l + 1)] -= learning_rate * grads["db" + str(l + 1)]
    return parameters
