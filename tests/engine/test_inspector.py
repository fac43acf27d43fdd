"""The matrix inspector: the numbers of one forward and backward pass, as the network has them."""

import numpy as np
import pytest

from engine import Network, datasets, losses
from engine.fast_network import TrainingPath
from engine.inspector import inspect
from engine.parameters import Parameters

CASES = [
    ([2, 3, 1], ["tanh", "sigmoid"], "bce"),
    ([2, 4, 3, 3], ["relu", "elu", "softmax"], "cce"),
    ([2, 3, 2], ["leaky_relu", "linear"], "mse"),
    ([2, 3, 1], ["sigmoid", "tanh"], "mse"),  # not a fused pair: the chain rule through tanh
]


def targets(sizes: list[int], m: int, rng: np.random.Generator) -> np.ndarray:
    k = sizes[-1]
    if k > 2:
        return np.eye(k)[:, rng.integers(0, k, m)]
    return rng.integers(0, 2, size=(k, m)).astype(float)


def test_four_students_have_the_shapes_of_the_course() -> None:
    ds = datasets.make("student")
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    ins = inspect(net, ds.X, ds.Y, "bce")
    assert ins.m == 4 and ins.X.shape == (2, 4) and ins.Y_hat.shape == (1, 4)
    first, last = ins.layer(1), ins.layer(2)
    assert first.W.shape == (3, 2) and first.b.shape == (3, 1)
    assert first.Z.shape == first.A.shape == first.dZ.shape == (3, 4)
    assert last.W.shape == (1, 3) and last.dW.shape == (1, 3) and last.db.shape == (1, 1)
    # The course's equations, with the numbers in hand.
    np.testing.assert_allclose(first.Z, first.W @ ins.X + first.b)
    np.testing.assert_allclose(first.A, np.tanh(first.Z))
    np.testing.assert_allclose(last.dZ, ins.Y_hat - ins.Y)
    np.testing.assert_allclose(last.dW, last.dZ @ first.A.T / 4)
    np.testing.assert_allclose(first.dA, last.W.T @ last.dZ)
    np.testing.assert_allclose(first.dZ, first.dA * (1 - first.A**2))
    J = net.cost(ds.X, ds.Y, "bce")
    np.testing.assert_allclose(ins.J, J, rtol=1e-12)


@pytest.mark.parametrize(("sizes", "acts", "loss"), CASES)
def test_inspection_agrees_with_the_trainers_fast_path(
    sizes: list[int], acts: list[str], loss: str
) -> None:
    rng = np.random.default_rng(7)
    net = Network(sizes, acts, init="xavier", seed=3)
    for l in range(1, net.L + 1):
        net.b[l] = rng.normal(size=net.b[l].shape)
    X, Y = rng.normal(size=(sizes[0], 6)), targets(sizes, 6, rng)
    ins = inspect(net, X, Y, loss)
    path = TrainingPath(net)
    ws, grads = path.workspace(6), Parameters(net.sizes)
    ws.A[0][...] = X
    Y_hat = path.forward(ws)
    path.backward(Y, losses.get(loss), ws, grads)
    np.testing.assert_allclose(ins.Y_hat, Y_hat, rtol=1e-12, atol=1e-14)
    for l in range(1, net.L + 1):
        t = ins.layer(l)
        assert t.l == l and t.activation == acts[l - 1]
        np.testing.assert_allclose(t.Z, ws.Z[l], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(t.A, ws.A[l], rtol=1e-12, atol=1e-14)
        # The fast path folds the 1/m of J into dZ; the course's dZ is per sample.
        np.testing.assert_allclose(t.dZ / 6, ws.dZ[l], rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(t.dW, grads.W[l], rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(t.db, grads.b[l], rtol=1e-10, atol=1e-14)
    J = net.cost(X, Y, loss)
    np.testing.assert_allclose(ins.J, J, rtol=1e-12)


def test_inspection_is_a_copy_of_the_weights() -> None:
    net = Network([2, 2, 1], ["tanh", "sigmoid"], seed=0)
    ins = inspect(net, np.ones((2, 1)), np.ones((1, 1)), "bce")
    net.W[1] = net.W[1] + 1.0
    assert not np.allclose(ins.layer(1).W, net.W[1])


def test_steps_follow_the_course_order() -> None:
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    ins = inspect(net, np.ones((2, 2)), np.ones((1, 2)), "bce")
    assert ins.steps() == [
        ("Z", 1), ("A", 1), ("Z", 2), ("A", 2),
        ("dZ", 2), ("dW", 2), ("db", 2),
        ("dA", 1), ("dZ", 1), ("dW", 1), ("db", 1),
    ]


def test_bad_shapes_and_names_are_reported_by_field() -> None:
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    with pytest.raises(ValueError, match="X"):
        inspect(net, np.ones((3, 4)), np.ones((1, 4)), "bce")
    with pytest.raises(ValueError, match="Y"):
        inspect(net, np.ones((2, 4)), np.ones((1, 3)), "bce")
    with pytest.raises(ValueError, match="loss"):
        inspect(net, np.ones((2, 4)), np.ones((1, 4)), "hinge")
    with pytest.raises(ValueError, match="layer"):
        inspect(net, np.ones((2, 4)), np.ones((1, 4)), "bce").layer(3)


def test_a_normalized_layer_shows_its_step_and_its_gradients() -> None:
    rng = np.random.default_rng(3)
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=1, batch_norm=[True, False])
    net.gamma[1], net.beta[1] = rng.normal(size=(3, 1)), rng.normal(size=(3, 1))
    X, Y = rng.normal(size=(2, 4)), np.array([[0.0, 1.0, 1.0, 0.0]])
    first = inspect(net, X, Y, "bce").layer(1)
    norm = first.norm
    assert norm is not None and inspect(net, X, Y, "bce").layer(2).norm is None
    np.testing.assert_allclose(norm.mu, first.Z.mean(axis=1, keepdims=True))
    np.testing.assert_allclose(norm.sigma, np.sqrt(first.Z.var(axis=1, keepdims=True) + 1e-5))
    np.testing.assert_allclose(norm.Z_tilde, norm.gamma * (first.Z - norm.mu) / norm.sigma
                               + norm.beta)
    np.testing.assert_allclose(first.A, np.tanh(norm.Z_tilde))
    # The batch's μ and σ depend on every point: Σ_i dZ[1] is 0, so db[1] is 0.
    np.testing.assert_allclose(first.db, 0, atol=1e-15)
    assert norm.dgamma.shape == norm.dbeta.shape == (3, 1)
