"""Tests of tracer.checker.cases (the battery): the course's cases with their reference values, and no blind spot of the course's tests."""

from __future__ import annotations

import numpy as np
import pytest

from tracer import checker, conv, fast, pool
from tracer.checker.cases import CONV_FUNCTIONS, FUNCTIONS, NETWORK_FUNCTIONS, probes, reference_function


def test_battery_course_cases_reproduce_the_course_reference_values():
    (a, W, b), = [c.args for c in checker.battery("conv_single_step") if c.name == "course"]
    assert conv.conv_single_step(a, W, b) == pytest.approx(-6.99908945068)
    (A_prev, W, b, hp), = [c.args for c in checker.battery("conv_forward") if c.name == "course"]
    Z, _ = conv.conv_forward(A_prev, W, b, hp)
    assert Z.mean() == pytest.approx(0.5511276474566768)
    np.testing.assert_allclose(Z[0, 2, 1, :2], [-2.17796037, 8.07171329], rtol=1e-8)
    (dZ, cache), = [c.args for c in checker.battery("conv_backward") if c.name == "course"]
    dA, dW, db = conv.conv_backward(dZ, cache)
    assert (dA.mean(), dW.mean(), db.mean()) == pytest.approx((1.4524377775388075, 1.7269914583139097,
                                                               7.839232564616838))
    (A_prev, hp, mode), = [c.args for c in checker.battery("pool_forward") if c.name == "course_max"]
    A, _ = pool.pool_forward(A_prev, hp, mode)
    np.testing.assert_allclose(A[1, 1, 0], [1.96710175, 0.84616065, 1.27375593], rtol=1e-8)


def test_battery_covers_the_traps_blind_spots_of_the_course_tests():
    pool_back = checker.battery("pool_backward")
    assert any(c.args[1][1]["stride"] > 1 for c in pool_back)  # the course's own test uses stride 1 only
    assert {c.args[2] for c in pool_back} == {"max", "average"}
    assert any("tied maxima" in c.props for c in pool_back)
    conv_back = checker.battery("conv_backward")
    assert any(c.args[1][3]["pad"] == 0 for c in conv_back)  # the course's own test uses pad 2 only
    conv_fwd = checker.battery("conv_forward")
    assert {c.args[3]["stride"] for c in conv_fwd} == {1, 2, 3}
    assert {c.args[1].shape[0] for c in conv_fwd} >= {1, 2, 3}  # 1x1, even and odd filters
    assert any(abs(c.args[2]).min() > 4 for c in conv_fwd)  # a bias far from zero
    assert any(c.args[0].shape[1] != c.args[0].shape[2] for c in conv_fwd)


@pytest.mark.parametrize("name", CONV_FUNCTIONS)
def test_reference_and_fast_twins_pass_every_case(name):
    for module in (conv if name in conv.__all__ else pool, fast):
        report = checker.check(getattr(module, name))
        assert report.passed, str(report)
        assert report.cause is None
        assert len(report.cases) >= 4


# ----------------------------------------------------------------------------------------------
# The network's batteries: the course's published values, and no blind spot of their own


def _course(name: str, case: str = "course"):
    (args,) = [c.args for c in checker.battery(name) if c.name == case]
    return reference_function(name)(*args)


def test_network_course_cases_reproduce_the_course_published_values():
    # the deep network exercise's public_tests.py / testCases.py, seeds and expected values
    np.testing.assert_allclose(_course("initialize_parameters")["W2"], [[0.01744812, -0.00761207]], atol=1e-8)
    np.testing.assert_allclose(_course("initialize_parameters_deep")["W1"][0],
                               [0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388], atol=1e-8)
    np.testing.assert_allclose(_course("linear_forward")[0], [[3.26295337, -1.23429987]], rtol=1e-8)
    np.testing.assert_allclose(_course("linear_activation_forward", "course_sigmoid")[0], [[0.96890023, 0.11013289]],
                               rtol=1e-7)
    np.testing.assert_allclose(_course("linear_activation_forward", "course_relu")[0], [[3.43896131, 0.0]], rtol=1e-8)
    np.testing.assert_allclose(_course("L_model_forward")[0], [[0.03921668, 0.70498921, 0.19734387, 0.04728177]],
                               rtol=1e-6)
    assert _course("compute_cost") == pytest.approx(0.27977656, abs=1e-8)
    assert _course("compute_cost", "all_ones") == pytest.approx(0.41493159961539694)
    dA_prev, dW, db = _course("linear_backward")
    np.testing.assert_allclose(db, [[-0.14713786], [-0.11313155], [-0.13209101]], rtol=1e-7)
    np.testing.assert_allclose(dW[0], [0.07313866, -0.0976715, -0.87585828, 0.73763362, 0.00785716], rtol=1e-6)
    assert _course("linear_backward", "course_earlier")[2].item() == pytest.approx(0.50629448)
    np.testing.assert_allclose(_course("linear_activation_backward", "course_sigmoid")[1],
                               [[0.10266786, 0.09778551, -0.01968084]], rtol=1e-6)
    np.testing.assert_allclose(_course("linear_activation_backward", "course_relu")[2], [[-0.20837892]], rtol=1e-7)
    grads = _course("L_model_backward")  # AL drawn from randn: 1.788..., outside (0, 1)
    assert list(grads) == ["dA1", "dW2", "db2", "dA0", "dW1", "db1"]
    np.testing.assert_allclose(grads["dW2"], [[-0.39202432, -0.13325855, -0.04601089]], rtol=1e-7)
    np.testing.assert_allclose(grads["db1"], [[-0.22007063], [0.0], [-0.02835349]], atol=1e-8)
    np.testing.assert_allclose(grads["dA0"][:, 1], [0.52257901, -0.3269206, -0.32070404, -0.74079187], rtol=1e-7)
    updated = _course("update_parameters")
    np.testing.assert_allclose(updated["W2"], [[-0.55569196, 0.0354055, 1.32964895]], rtol=1e-7)
    np.testing.assert_allclose(updated["b1"], [[-0.04659241], [-1.28888275], [0.53405496]], rtol=1e-6)


def test_network_batteries_have_no_blind_spot_of_their_own():
    for name in ("L_model_forward", "L_model_backward", "update_parameters", "initialize_parameters_deep"):
        cases = checker.battery(name)
        layers = {len(c.args[0]) - 1 if name == "initialize_parameters_deep" else
                  len(c.args[2]) if name == "L_model_backward" else len(c.args[0]) // 2
                  if name == "update_parameters" else len(c.args[1]) // 2 for c in cases}
        assert {1, 2} <= layers and max(layers) >= 3, (name, layers)  # one layer, two, and more
    for name in ("linear_forward", "linear_backward", "L_model_forward", "compute_cost"):
        ms = {c.args[0].shape[1] for c in checker.battery(name)}
        assert 1 in ms and max(ms) > 1, name  # one example and several
    for name in ("linear_activation_forward", "linear_activation_backward"):
        assert {c.args[-1] for c in checker.battery(name)} == {"relu", "sigmoid"}
    assert any(np.any(c.args[1] == 0) for c in checker.battery("relu_backward"))  # Z exactly 0: <= against <
    assert any(0 in c.args[1] for c in checker.battery("compute_cost")) and any(
        np.all(c.args[1] == 1) for c in checker.battery("compute_cost"))  # labels 0 and 1, and all 1


@pytest.mark.parametrize("name", NETWORK_FUNCTIONS)
def test_network_references_pass_their_own_battery(name):
    report = checker.check(reference_function(name))
    assert report.passed, str(report)
    assert len(report.cases) >= 3


@pytest.mark.parametrize("name", FUNCTIONS)
def test_each_probe_differs_in_its_property_only(name):
    tracked = set().union(*(c.props for c in checker.battery(name)))
    for probe in probes(name):
        assert probe.prop in probe.with_.props and probe.prop not in probe.without.props, probe
        others = (probe.with_.props ^ probe.without.props) - {probe.prop}
        # the only other change allowed is the property's own opposite ("mode 'max'" for "mode 'average'")
        assert others <= {"stride 1", "pad > 0", "mode 'max'", "mode 'average'", "activation 'relu'",
                          "activation 'sigmoid'"}, (probe, others)
        assert probe.prop in tracked or name in ("create_mask_from_window", "distribute_value", "relu_backward")
        reference_function(name)(*probe.without.args), reference_function(name)(*probe.with_.args)
