"""Optimizers update the flat parameter vector in place, as their equations say."""

import numpy as np
import pytest

from engine import optimizers


def test_gradient_descent_step():
    theta, grad = np.array([1.0, -2.0]), np.array([0.5, -1.0])
    opt = optimizers.make("sgd", learning_rate=0.1)
    opt.step(theta, grad)
    np.testing.assert_allclose(theta, [0.95, -1.9])  # θ - α∇J
    assert optimizers.make("gd").full_batch and not opt.full_batch


def test_momentum_accumulates_velocity():
    theta, grad = np.zeros(1), np.ones(1)
    opt = optimizers.make("momentum", learning_rate=0.1, momentum=0.5)
    opt.step(theta, grad)      # v = 1,           θ = -0.1
    opt.step(theta, grad)      # v = 0.5·1 + 1 = 1.5, θ = -0.1 - 0.15 = -0.25
    np.testing.assert_allclose(theta, [-0.25])


def test_adam_first_step_moves_each_parameter_by_the_learning_rate():
    # After one step m̂ = g and v̂ = g², so the update is α g/|g| whatever the gradient's scale.
    theta, grad = np.zeros(3), np.array([1e-3, -5.0, 200.0])
    optimizers.make("adam", learning_rate=0.01).step(theta, grad)
    np.testing.assert_allclose(theta, [-0.01, 0.01, -0.01], rtol=1e-4)


def test_changing_the_learning_rate_keeps_the_state():
    opt = optimizers.make("momentum", learning_rate=0.1, momentum=0.5)
    theta, grad = np.zeros(1), np.ones(1)
    opt.step(theta, grad)
    opt.learning_rate = 1.0
    opt.step(theta, grad)      # v = 1.5, θ = -0.1 - 1.5
    np.testing.assert_allclose(theta, [-1.6])


def test_params_round_trip_through_make():
    opt = optimizers.make("adam", learning_rate=0.05, beta1=0.8)
    again = optimizers.make(opt.name, **opt.params())
    assert again.params() == opt.params() == {"learning_rate": 0.05, "beta1": 0.8,
                                              "beta2": 0.999, "epsilon": 1e-8}


@pytest.mark.parametrize(("call", "message"), [
    (lambda: optimizers.make("rmsprop"), "unknown optimizer 'rmsprop'; valid: gd, sgd, momentum"),
    (lambda: optimizers.make("sgd", learning_rate=0), "learning_rate"),
    (lambda: optimizers.make("sgd", learning_rate=float("inf")), "learning_rate"),
    (lambda: optimizers.make("momentum", momentum=1.0), "momentum"),
    (lambda: optimizers.make("sgd", momentum=0.9), "'sgd' takes only learning_rate"),
    (lambda: optimizers.make("adam", beta3=0.9), "'adam' takes beta1, beta2, epsilon"),
])
def test_bad_settings_raise(call, message):
    with pytest.raises(ValueError, match=message):
        call()
