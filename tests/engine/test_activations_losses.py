"""Activations and losses: derivatives, saturation safety, the fused output pairs."""

import warnings

import numpy as np
import pytest

from engine import activations, losses
from engine.activations import ACTIVATIONS, HIDDEN


@pytest.mark.parametrize("name", HIDDEN)
def test_derivative_matches_finite_differences(name):
    g = ACTIVATIONS[name]
    Z = np.array([[-3.0, -0.7, -0.1, 0.2, 1.3, 4.0]])
    eps = 1e-6
    numeric = (g(Z + eps) - g(Z - eps)) / (2 * eps)
    np.testing.assert_allclose(g.derivative(Z, g(Z), np.empty_like(Z)), numeric, atol=1e-8)


def test_activation_values():
    Z = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_allclose(ACTIVATIONS["relu"](Z), [[0, 0, 3]])
    np.testing.assert_allclose(ACTIVATIONS["leaky_relu"](Z), [[-0.02, 0, 3]])
    np.testing.assert_allclose(ACTIVATIONS["elu"](Z), [[np.expm1(-2.0), 0, 3]])
    np.testing.assert_allclose(ACTIVATIONS["sigmoid"](Z), 1 / (1 + np.exp(-Z)))
    np.testing.assert_allclose(ACTIVATIONS["linear"](Z), Z)


def test_saturated_activations_stay_finite_without_warnings():
    Z = np.array([[-1e6, -800.0, 800.0, 1e6]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in ACTIVATIONS:
            if name in ("linear", "relu", "leaky_relu", "elu"):
                continue
            assert np.isfinite(ACTIVATIONS[name](Z.T if name == "softmax" else Z)).all()
        np.testing.assert_allclose(ACTIVATIONS["sigmoid"](Z), [[0, 0, 1, 1]])


def test_softmax_columns_sum_to_one():
    Z = np.random.default_rng(0).normal(0, 50, (4, 6))
    A = ACTIVATIONS["softmax"](Z)
    np.testing.assert_allclose(A.sum(axis=0), 1.0)


def test_unknown_activation_lists_the_valid_ones():
    valid = "valid: sigmoid, tanh, relu, leaky_relu, elu, linear, softmax"
    with pytest.raises(ValueError, match=valid):
        activations.get("gelu")


def test_losses_per_sample():
    A, Y = np.array([[0.8, 0.1]]), np.array([[1.0, 0.0]])
    np.testing.assert_allclose(losses.get("mse").per_sample(A, Y), [0.02, 0.005])
    np.testing.assert_allclose(losses.get("bce").per_sample(A, Y), -np.log([0.8, 0.9]))
    P, T = np.array([[0.7], [0.2], [0.1]]), np.array([[0.0], [1.0], [0.0]])
    np.testing.assert_allclose(losses.get("cce").per_sample(P, T), [-np.log(0.2)])


SATURATED = [
    # z = ±1000 saturates the output completely; a wrong answer must still cost about |Δz|.
    ("sigmoid", "bce", [[1000.0, -1000.0]], [[0.0, 0.0]], 500.0),          # (1000 + 0) / 2
    ("softmax", "cce", [[1000.0, -1000.0], [-1000.0, 1000.0]],
     [[0.0, 0.0], [1.0, 1.0]], 1000.0),                                     # (2000 + 0) / 2
]


@pytest.mark.parametrize(("act", "loss", "Z", "Y", "expected"), SATURATED)
def test_saturated_outputs_give_finite_cost_and_gradient(act, loss, Z, Y, expected):
    Z, Y = np.array(Z), np.array(Y)
    g, fn = ACTIVATIONS[act], losses.get(loss)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        A = g(Z)
        cost = losses.cost(fn, g, Z, A, Y)
        dZ = losses.output_delta(fn, g, Z, A, Y, np.empty_like(Z), np.empty_like(Z), 0.5)
    assert cost == pytest.approx(expected)
    np.testing.assert_allclose(dZ, (A - Y) / 2)


def test_unfused_cross_entropy_is_clipped_not_infinite():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        per = losses.get("bce").per_sample(np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]]))
    assert np.isfinite(per).all() and (per > 20).all()


def test_defaults_for_each_task():
    assert losses.default_for("binary") == ("sigmoid", "bce")
    assert losses.default_for("multiclass") == ("softmax", "cce")
    assert losses.default_for("regression") == ("linear", "mse")
    with pytest.raises(ValueError, match="unknown task"):
        losses.default_for("ranking")
