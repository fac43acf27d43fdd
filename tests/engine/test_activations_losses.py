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
    valid = "valid: " + ", ".join(ACTIVATIONS)
    assert valid.startswith("valid: sigmoid, tanh, relu, leaky_relu, elu")
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


SWEEP = np.linspace(-30.0, 30.0, 6001)[None, :]


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_facts_range_holds_the_values_on_a_sweep(name):
    g = ACTIVATIONS[name]
    A = g(np.vstack([SWEEP, -SWEEP]) if name == "softmax" else SWEEP)
    lo, hi = g.range
    assert lo is None or A.min() >= lo - 1e-12
    assert hi is None or A.max() <= hi + 1e-12
    # An unbounded side really is unbounded: the sweep goes past 10 there.
    assert lo is not None or A.min() < -0.2
    assert hi is not None or A.max() > 10
    assert g.bounded == (lo is not None and hi is not None)


@pytest.mark.parametrize("name", HIDDEN)
def test_facts_saturation_band_is_where_the_slope_is_a_tenth_of_its_peak(name):
    g = ACTIVATIONS[name]
    A = g(SWEEP)
    slope = g.derivative(SWEEP, A, np.empty_like(A))
    if g.saturation_band is None:
        assert g.active != "unsaturated"
        return
    centre, half = g.saturation_band
    inside = np.abs(A - centre) <= half
    steep = slope >= activations.SATURATION * slope.max()
    # The two sets agree except on the grid points next to the band's edges.
    assert np.count_nonzero(inside != steep) <= 2
    # The slope the page names as the threshold (0.025 for σ, 0.1 for tanh) is the same one.
    threshold = activations.SATURATION * slope.max()
    assert g.facts()["saturation_slope"] == pytest.approx(threshold, rel=1e-6)


@pytest.mark.parametrize("name", HIDDEN)
def test_facts_can_die_exactly_when_the_slope_is_zero_below_zero(name):
    g = ACTIVATIONS[name]
    Z = np.linspace(-5.0, -0.1, 50)[None, :]
    slope = g.derivative(Z, g(Z), np.empty_like(Z))
    assert g.can_die == bool((slope == 0).all())
    if g.active == "positive":
        assert (g(Z) <= 0).all() and (g(-Z) > 0).all()


def test_facts_are_published_for_every_activation_and_softmax_is_output_only():
    assert [name for name, g in ACTIVATIONS.items() if g.output_only] == ["softmax"]
    for name, g in ACTIVATIONS.items():
        facts = g.facts()
        assert facts["name"] == name and facts["symbol"] and facts["formula"]
        for key in facts["constants"]:
            assert f"{{{key}}}" in facts["formula"]


@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
def test_the_float32_form_is_one_of_the_two_and_equals_the_reference(name):
    chosen = activations.for_float32(ACTIVATIONS[name])
    assert chosen in (ACTIVATIONS[name], activations.FLOAT32_FORMS[name])
    assert activations.for_float32(ACTIVATIONS[name]) is chosen  # measured once
    Z = np.linspace(-60, 60, 4001)
    reference = ACTIVATIONS[name](Z)
    for form in (ACTIVATIONS[name], activations.FLOAT32_FORMS[name]):
        out = np.empty(Z.shape, np.float32)
        with np.errstate(over="ignore"):
            form.forward(Z.astype(np.float32), out)
        assert np.max(np.abs(out - reference)) < 1e-6


def test_fastest_picks_the_form_that_takes_least_time():
    class Slow(activations.Linear):
        def forward(self, Z, out):
            for _ in range(30):  # CPU time: what fastest measures
                np.exp(Z, out=out)
            return super().forward(Z, out)

    fast = activations.Linear()
    assert activations.fastest([Slow(), fast]) is fast
    assert activations.fastest([fast, Slow()]) is fast
