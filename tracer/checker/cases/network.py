"""The deep network exercise's battery: the course's seeded cases, several examples, layers and both activations.

The course's own cases keep its seeds and order of draws (``np.random.seed(1)``
for ``linear_forward``, ``seed(6)`` for the three-layer ``L_model_forward``,
``seed(3)`` with an ``AL`` drawn from ``randn`` for ``L_model_backward``...), so
that the values its tests print can be compared. The others add one example
or one unit where the course has several, one to four layers, both
activations, labels 0 and 1, and ``Z`` exactly 0 for the relu's gradient. The
probes (:data:`PROBES`) vary each property on its own.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ... import network
from . import Case, Probe

__all__ = ["BATTERIES", "PROBES"]


def _randn(seed: int, *shapes: tuple[int, ...]) -> list[np.ndarray]:
    state = np.random.RandomState(seed)
    return [state.randn(*shape) for shape in shapes]


def _params(seed: int, layer_dims: list[int], scale: float = 1.0, bias: bool = True) -> dict[str, np.ndarray]:
    """``W{l}``, ``b{l}`` drawn in the course's order (W1, b1, W2, b2...) after ``np.random.seed(seed)``."""
    state, out = np.random.RandomState(seed), {}
    for l in range(1, len(layer_dims)):
        out[f"W{l}"] = state.randn(layer_dims[l], layer_dims[l - 1]) * scale
        out[f"b{l}"] = state.randn(layer_dims[l], 1) * scale if bias else np.zeros((layer_dims[l], 1))
    return out


def _layers(L: int) -> set[str]:
    return {"a single layer"} if L == 1 else {"more than two layers"} if L > 2 else set()


def _m(m: int) -> set[str]:
    return {"several examples"} if m > 1 else set()


# ----------------------------------------------------------------------------------------------
# Initialisation


def _init_case(name: str, n_x: int, n_h: int, n_y: int, extra: str = "") -> Case:
    props = {"several output units"} if n_y > 1 else set()
    return Case(name, f"n_x {n_x}, n_h {n_h}, n_y {n_y}{extra}", (n_x, n_h, n_y), frozenset(props))


def _initialize_parameters_cases() -> list[Case]:
    return [_init_case("course", 3, 2, 1, ", the course's case (W2 = [[0.01744812, -0.00761207]])"),
            _init_case("n_y2", 4, 3, 2), _init_case("tiny", 1, 1, 1)]


def _deep_case(name: str, layer_dims: list[int], extra: str = "") -> Case:
    return Case(name, f"layer_dims {layer_dims}{extra}", (list(layer_dims),), frozenset(_layers(len(layer_dims) - 1)))


def _initialize_parameters_deep_cases() -> list[Case]:
    return [_deep_case("course", [5, 4, 3], ", the course's case"), _deep_case("three_layers", [4, 3, 2, 1]),
            _deep_case("one_layer", [3, 1]), _deep_case("four_layers", [6, 5, 4, 3, 2])]


# ----------------------------------------------------------------------------------------------
# Activations


def _activation_cases() -> list[Case]:
    (Z,) = _randn(1, (3, 4))
    big = np.array([[-800.0, -30.0, 0.0, 30.0, 800.0]])  # exp(-Z) overflows at -800
    return [Case("random", "Z (3, 4) from randn, seed 1", (Z * 2,)),
            Case("zeros_and_extremes", "Z with 0 and values of +-800 (exp overflows)", (big,),
                 frozenset({"Z exactly 0 in places"})),
            Case("one_column", "Z (4, 1)", (np.array([[1.5], [-0.5], [0.25], [-2.0]]),))]


def _activation_backward_cases() -> list[Case]:
    dA, Z = _randn(2, (3, 4), (3, 4))
    zeros = Z.copy()
    zeros[0, :2] = 0.0
    dA2, Z2 = _randn(5, (2, 3), (2, 3))
    return [Case("random", "dA and Z (3, 4) from randn, seed 2", (dA, Z)),
            Case("Z_zero_in_places", "Z exactly 0 in two places", (dA, zeros), frozenset({"Z exactly 0 in places"})),
            Case("small", "dA and Z (2, 3), seed 5", (dA2, np.abs(Z2) + 0.1))]


def _relu_backward_probes() -> list[Probe]:
    dA, Z = _randn(7, (2, 4), (2, 4))
    Z = np.where(np.abs(Z) < 0.1, 0.5, Z)
    zeros = Z.copy()
    zeros[1, 1:3] = 0.0
    return [Probe("Z exactly 0 in places", Case("probe_base", "dA, Z (2, 4)", (dA, Z)),
                  Case("probe_zeros", "Z exactly 0 in places", (dA, zeros), frozenset({"Z exactly 0 in places"})))]


# ----------------------------------------------------------------------------------------------
# Forward


def _linear_case(name: str, seed: int, n_prev: int, n_l: int, m: int, extra: str = "") -> Case:
    A, W, b = _randn(seed, (n_prev, m), (n_l, n_prev), (n_l, 1))
    props = _m(m) | ({"several units"} if n_l > 1 else set())
    return Case(name, f"A ({n_prev}, {m}), W ({n_l}, {n_prev}), b ({n_l}, 1){extra}", (A, W, b), frozenset(props))


def _linear_forward_cases() -> list[Case]:
    return [_linear_case("course", 1, 3, 1, 2, ", the course's case (Z = [[3.26295337, -1.23429987]])"),
            _linear_case("units3_m4", 11, 5, 3, 4), _linear_case("one_example", 12, 4, 2, 1)]


def _activation_forward_case(name: str, seed: int, n_prev: int, n_l: int, m: int, activation: str,
                             extra: str = "") -> Case:
    A_prev, W, b = _randn(seed, (n_prev, m), (n_l, n_prev), (n_l, 1))
    props = _m(m) | {f"activation {activation!r}"}
    return Case(name, f"{activation}, A_prev ({n_prev}, {m}), W ({n_l}, {n_prev}){extra}",
                (A_prev, W, b, activation), frozenset(props))


def _linear_activation_forward_cases() -> list[Case]:
    return [_activation_forward_case("course_sigmoid", 2, 3, 1, 2, "sigmoid", ", the course's case (seed 2)"),
            _activation_forward_case("course_relu", 2, 3, 1, 2, "relu", ", the course's case (seed 2)"),
            _activation_forward_case("relu_units3_m4", 21, 4, 3, 4, "relu"),
            _activation_forward_case("sigmoid_units3_m4", 21, 4, 3, 4, "sigmoid"),
            _activation_forward_case("relu_one_example", 22, 3, 2, 1, "relu")]


def _model_case(name: str, seed: int, layer_dims: list[int], m: int, extra: str = "") -> Case:
    state = np.random.RandomState(seed)
    X = state.randn(layer_dims[0], m)
    params = {}
    for l in range(1, len(layer_dims)):
        params[f"W{l}"] = state.randn(layer_dims[l], layer_dims[l - 1])
        params[f"b{l}"] = state.randn(layer_dims[l], 1)
    L = len(layer_dims) - 1
    return Case(name, f"{L} layer{'s' if L > 1 else ''} {layer_dims}, m {m}{extra}", (X, params),
                frozenset(_layers(L) | _m(m)))


def _L_model_forward_cases() -> list[Case]:
    return [_model_case("course", 6, [5, 4, 3, 1], 4, ", the course's case (seed 6)"),
            _model_case("two_layers", 1, [4, 3, 1], 2, ", seed 1"),
            _model_case("one_layer", 31, [3, 1], 3),
            _model_case("four_layers_m1", 32, [4, 3, 3, 2, 1], 1)]


def _cost_case(name: str, AL: list[float], Y: list[int], extra: str = "") -> Case:
    props = _m(len(Y)) | ({"a label 0"} if 0 in Y else set())
    return Case(name, f"AL {AL}, Y {Y}{extra}", (np.array([AL]), np.asarray([Y])), frozenset(props))


def _compute_cost_cases() -> list[Case]:
    return [_cost_case("course", [0.8, 0.9, 0.4], [1, 1, 0], ", the course's case (cost 0.27977656)"),
            _cost_case("all_ones", [0.8, 0.9, 0.4], [1, 1, 1], ", the course's earlier case (cost 0.41493160)"),
            _cost_case("one_example", [0.3], [0]),
            _cost_case("five_examples", [0.1, 0.75, 0.5, 0.95, 0.2], [0, 1, 1, 1, 0])]


# ----------------------------------------------------------------------------------------------
# Backward


def _linear_backward_case(name: str, seed: int, n_prev: int, n_l: int, m: int, extra: str = "") -> Case:
    dZ, A, W, b = _randn(seed, (n_l, m), (n_prev, m), (n_l, n_prev), (n_l, 1))
    props = _m(m) | ({"several units"} if n_l > 1 else set())
    return Case(name, f"dZ ({n_l}, {m}), A_prev ({n_prev}, {m}), W ({n_l}, {n_prev}){extra}", (dZ, (A, W, b)),
                frozenset(props))


def _linear_backward_cases() -> list[Case]:
    return [_linear_backward_case("course", 1, 5, 3, 4, ", the course's case (seed 1)"),
            _linear_backward_case("course_earlier", 1, 3, 1, 2, ", the course's earlier case"),
            _linear_backward_case("one_example", 41, 4, 2, 1)]


def _activation_backward_case(name: str, seed: int, n_prev: int, n_l: int, m: int, activation: str,
                              extra: str = "") -> Case:
    dA, A, W, b, Z = _randn(seed, (n_l, m), (n_prev, m), (n_l, n_prev), (n_l, 1), (n_l, m))
    props = _m(m) | {f"activation {activation!r}"}
    return Case(name, f"{activation}, dA ({n_l}, {m}), A_prev ({n_prev}, {m}){extra}",
                (dA, ((A, W, b), Z), activation), frozenset(props))


def _linear_activation_backward_cases() -> list[Case]:
    return [_activation_backward_case("course_sigmoid", 2, 3, 1, 2, "sigmoid", ", the course's case (seed 2)"),
            _activation_backward_case("course_relu", 2, 3, 1, 2, "relu", ", the course's case (seed 2)"),
            _activation_backward_case("relu_units3_m4", 51, 4, 3, 4, "relu"),
            _activation_backward_case("sigmoid_units3_m4", 51, 4, 3, 4, "sigmoid"),
            _activation_backward_case("relu_one_example", 52, 3, 2, 1, "relu")]


def _course_L_model_backward() -> tuple:
    state = np.random.RandomState(3)
    AL = state.randn(1, 2)
    Y = np.array([[1, 0]])
    A1, W1, b1, Z1 = state.randn(4, 2), state.randn(3, 4), state.randn(3, 1), state.randn(3, 2)
    A2, W2, b2, Z2 = state.randn(3, 2), state.randn(1, 3), state.randn(1, 1), state.randn(1, 2)
    return AL, Y, (((A1, W1, b1), Z1), ((A2, W2, b2), Z2))


def _backward_case(name: str, seed: int, layer_dims: list[int], m: int, extra: str = "") -> Case:
    """Caches from a real forward pass, labels half 0 and half 1."""
    X, params = _model_case(name, seed, layer_dims, m).args
    for l in range(1, len(layer_dims)):
        params[f"W{l}"] *= 0.5
    AL, caches = network.L_model_forward(X, params)
    Y = (np.arange(m) % 2 == 0).astype(int).reshape(1, m)
    L = len(layer_dims) - 1
    return Case(name, f"{L} layer{'s' if L > 1 else ''} {layer_dims}, m {m}, caches from L_model_forward{extra}",
                (AL, Y, caches), frozenset(_layers(L) | _m(m)))


def _L_model_backward_cases() -> list[Case]:
    AL, Y, caches = _course_L_model_backward()
    course = Case("course", "the course's case: 2 layers, m 2, seed 3, AL from randn (1.788...), caches a tuple",
                  (AL, Y, caches), frozenset(_m(2)))
    return [course, _backward_case("three_layers", 61, [4, 3, 2, 1], 4), _backward_case("one_layer", 62, [3, 1], 3),
            _backward_case("two_layers_m1", 63, [3, 2, 1], 1)]


def _update_case(name: str, layer_dims: list[int], seeds: tuple[int, int], learning_rate: float,
                 extra: str = "") -> Case:
    params = _params(seeds[0], layer_dims)
    state, grads = np.random.RandomState(seeds[1]), {}
    for l in range(1, len(layer_dims)):
        grads[f"dW{l}"] = state.randn(layer_dims[l], layer_dims[l - 1])
        grads[f"db{l}"] = state.randn(layer_dims[l], 1)
    L = len(layer_dims) - 1
    return Case(name, f"{L} layer{'s' if L > 1 else ''} {layer_dims}, learning_rate {learning_rate}{extra}",
                (params, grads, learning_rate), frozenset(_layers(L)))


def _update_parameters_cases() -> list[Case]:
    return [_update_case("course", [4, 3, 1], (2, 3), 0.1, ", the course's case (seeds 2 and 3)"),
            _update_case("three_layers", [5, 4, 3, 2], (71, 72), 0.05),
            _update_case("one_layer", [3, 2], (73, 74), 1.5)]


#: The battery of each function of the deep network exercise.
BATTERIES: dict[str, Callable[[], list[Case]]] = {
    "initialize_parameters": _initialize_parameters_cases,
    "initialize_parameters_deep": _initialize_parameters_deep_cases,
    "sigmoid": _activation_cases,
    "relu": _activation_cases,
    "sigmoid_backward": _activation_backward_cases,
    "relu_backward": _activation_backward_cases,
    "linear_forward": _linear_forward_cases,
    "linear_activation_forward": _linear_activation_forward_cases,
    "L_model_forward": _L_model_forward_cases,
    "compute_cost": _compute_cost_cases,
    "linear_backward": _linear_backward_cases,
    "linear_activation_backward": _linear_activation_backward_cases,
    "L_model_backward": _L_model_backward_cases,
    "update_parameters": _update_parameters_cases,
}


# ----------------------------------------------------------------------------------------------
# Probes


def _pair(prop: str, without: Case, with_: Case) -> Probe:
    return Probe(prop, Case("probe_" + without.name, without.description, without.args, without.props),
                 Case("probe_" + with_.name, with_.description, with_.args, with_.props))


def _activation_pairs(make: Callable[[str, str], Case]) -> list[Probe]:
    relu, sigmoid = make("relu", "relu"), make("sigmoid", "sigmoid")
    return [_pair("activation 'sigmoid'", relu, sigmoid), _pair("activation 'relu'", sigmoid, relu)]


#: The probes of each function of the deep network exercise.
PROBES: dict[str, Callable[[], list[Probe]]] = {
    "initialize_parameters": lambda: [_pair("several output units", _init_case("n_y1", 3, 4, 1),
                                            _init_case("n_y2", 3, 4, 2))],
    "initialize_parameters_deep": lambda: [
        _pair("more than two layers", _deep_case("two", [4, 3, 2]), _deep_case("three", [4, 3, 2, 2])),
        _pair("a single layer", _deep_case("two", [4, 3, 2]), _deep_case("one", [4, 2]))],
    "relu_backward": _relu_backward_probes,
    "linear_forward": lambda: [
        _pair("several examples", _linear_case("m1", 81, 3, 2, 1), _linear_case("m3", 81, 3, 2, 3)),
        _pair("several units", _linear_case("n1", 82, 3, 1, 3), _linear_case("n3", 82, 3, 3, 3))],
    "linear_activation_forward": lambda: _activation_pairs(
        lambda name, act: _activation_forward_case(name, 83, 3, 2, 3, act)) + [
        _pair("several examples", _activation_forward_case("m1", 84, 3, 2, 1, "relu"),
              _activation_forward_case("m3", 84, 3, 2, 3, "relu"))],
    "L_model_forward": lambda: [
        _pair("more than two layers", _model_case("L2", 85, [4, 3, 1], 3), _model_case("L3", 85, [4, 3, 3, 1], 3)),
        _pair("a single layer", _model_case("L2", 85, [4, 3, 1], 3), _model_case("L1", 85, [4, 1], 3)),
        _pair("several examples", _model_case("m1", 86, [4, 3, 1], 1), _model_case("m3", 86, [4, 3, 1], 3))],
    "compute_cost": lambda: [
        _pair("a label 0", _cost_case("ones", [0.7, 0.2, 0.6], [1, 1, 1]), _cost_case("zero", [0.7, 0.2, 0.6], [1, 0, 1])),
        _pair("several examples", _cost_case("m1", [0.7], [1]), _cost_case("m3", [0.7, 0.2, 0.6], [1, 1, 1]))],
    "linear_backward": lambda: [
        _pair("several examples", _linear_backward_case("m1", 87, 3, 2, 1), _linear_backward_case("m3", 87, 3, 2, 3)),
        _pair("several units", _linear_backward_case("n1", 88, 3, 1, 3), _linear_backward_case("n3", 88, 3, 3, 3))],
    "linear_activation_backward": lambda: _activation_pairs(
        lambda name, act: _activation_backward_case(name, 89, 3, 2, 3, act)) + [
        _pair("several examples", _activation_backward_case("m1", 90, 3, 2, 1, "relu"),
              _activation_backward_case("m3", 90, 3, 2, 3, "relu"))],
    "L_model_backward": lambda: [
        _pair("more than two layers", _backward_case("L2", 91, [4, 3, 1], 4), _backward_case("L3", 91, [4, 3, 3, 1], 4)),
        _pair("a single layer", _backward_case("L2", 91, [4, 3, 1], 4), _backward_case("L1", 91, [4, 1], 4)),
        _pair("several examples", _backward_case("m1", 92, [4, 3, 1], 1), _backward_case("m4", 92, [4, 3, 1], 4))],
    "update_parameters": lambda: [
        _pair("more than two layers", _update_case("L2", [4, 3, 1], (93, 94), 0.1),
              _update_case("L3", [4, 3, 2, 1], (93, 94), 0.1)),
        _pair("a single layer", _update_case("L2", [4, 3, 1], (93, 94), 0.1), _update_case("L1", [4, 1], (93, 94), 0.1))],
}
