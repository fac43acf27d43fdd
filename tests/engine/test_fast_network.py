"""The fast path (preallocated buffers, stacked [W | b], the 1/m folded into dZ[L], batch
normalization folded for inference) computes the course's numbers, to 1e-12 relative."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Network, losses
from engine.activations import HIDDEN
from engine.fast_network import TrainingPath, Workspace, fold, forward_pass
from engine.network import MOMENTUM
from engine.parameters import Parameters

OUTPUTS = [("sigmoid", "bce", 1), ("softmax", "cce", 3), ("linear", "mse", 2),
           ("tanh", "mse", 1), ("sigmoid", "mse", 2)]
RTOL = 1e-12


def close(actual: np.ndarray, expected: np.ndarray, floor: float = 0.0) -> None:
    """|actual - expected| <= 1e-12 · max(max|expected|, floor), entry by entry: relative to
    the matrix's largest entry, or to the network's scale (`floor`: see `error_floor`)."""
    scale = max(float(np.abs(expected).max(initial=0.0)), floor)
    error = float(np.abs(np.asarray(actual) - expected).max(initial=0.0))
    assert error <= RTOL * scale, f"error {error:.3g} for a scale of {scale:.3g}"


def error_floor(net: Network) -> float:
    """The scale errors are relative to, at least, for a matrix whose entries are small.

    Rounding in a sum is relative to its terms, not to the sum: a matrix whose entries cancel
    down to 1e-7 (a gradient where the examples' pulls nearly balance) still carries the
    rounding of terms as large as the network's values, so the floor is at least 1 and the
    largest Z or A. With batch normalization, times the gain γ/σ of each normalized layer: its
    backward subtracts nearly equal terms (a batch of 2 normalizes to ±1 whatever its values,
    and dZ is then 0 but for ε and rounding), and multiplies their rounding by γ/σ, up to
    γ/√ε, layer after layer. A wrong formula is off by about its entries themselves, far above
    the floor."""
    values = [float(np.abs(matrix).max(initial=0.0)) for matrix in (*net.Z[1:], *net.A)
              if matrix is not None]
    gains = [max(1.0, float(np.abs(net.gamma[l] / net.sigma[l]).max()))
             for l in range(1, net.L + 1) if net.normalizes(l)]
    return max([1.0, *values]) * float(np.prod(gains))


@st.composite
def problems(draw: st.DrawFn) -> tuple[Network, np.ndarray, np.ndarray, str]:
    depth = draw(st.integers(1, 4))
    output, loss, k = draw(st.sampled_from(OUTPUTS))
    sizes = [draw(st.integers(1, 4))] + [draw(st.integers(1, 6)) for _ in range(depth - 1)] + [k]
    hidden = [draw(st.sampled_from(HIDDEN)) for _ in range(depth - 1)]
    norm = [draw(st.booleans()) for _ in range(depth - 1)] + [False]
    m = draw(st.integers(1, 12))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    net = Network(sizes, [*hidden, output], init="xavier", seed=seed, batch_norm=norm)
    net.params.flat[...] = rng.normal(0, 1, net.params.flat.size)
    for l in range(1, net.L + 1):
        if net.normalizes(l):
            net.running_mean[l] = rng.normal(0, 1, (sizes[l], 1))
            net.running_var[l] = rng.uniform(0.1, 3, (sizes[l], 1))
    X = rng.normal(0, 2, (sizes[0], m))
    if output == "softmax":
        Y = np.eye(k)[:, rng.integers(0, k, m)]
    elif output == "sigmoid":
        Y = rng.integers(0, 2, (k, m)).astype(float)
    else:
        Y = rng.normal(0, 1, (k, m))
    return net, X, Y, loss


@settings(max_examples=300, deadline=None)
@given(problems())
def test_a_training_step_computes_the_course_numbers(problem) -> None:
    net, X, Y, loss = problem
    m = X.shape[1]
    running = net.running.flat.copy()
    with np.errstate(all="ignore"):
        net.forward(X)
        net.backward(Y, loss)
    floor = error_floor(net)
    with np.errstate(all="ignore"):
        path = TrainingPath(net)
        ws, grads = path.workspace(m), Parameters(net.sizes, batch_norm=net.batch_norm)
        ws.A[0][...] = X
        path.forward(ws)
        path.backward(Y, losses.get(loss), ws, grads)
    for l in range(1, net.L + 1):
        close(ws.Z[l], net.Z[l], floor)
        close(ws.Z_tilde[l], net.Z_tilde[l], floor)
        close(ws.A[l], net.A[l], floor)
        close(ws.dZ[l] * m, net.dZ[l], floor)  # the fast path's dZ carries the 1/m
        close(grads.W[l], net.dW[l], floor)
        close(grads.b[l], net.db[l], floor)
        if net.normalizes(l):
            close(grads.gamma[l], net.dgamma[l], floor)
            close(grads.beta[l], net.dbeta[l], floor)
            # The running averages moved a tenth of the way to the batch's μ and σ².
            before = Network.from_dict(net.to_dict())
            before.running.flat[...] = running
            Z = net.Z[l]
            mu, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)
            keep, take = MOMENTUM, 1 - MOMENTUM
            close(net.running_mean[l], keep * before.running_mean[l] + take * mu, floor)
            close(net.running_var[l], keep * before.running_var[l] + take * var, floor)


@settings(max_examples=200, deadline=None)
@given(problems())
def test_inference_with_folded_normalization_computes_the_course_numbers(problem) -> None:
    net, X, _, _ = problem
    with np.errstate(all="ignore"):
        expected = net.forward(X, training=False)
    floor = error_floor(net)
    with np.errstate(all="ignore"):
        ws = Workspace(net.sizes, X.shape[1], backward=False)
        ws.A[0][...] = X
        actual = forward_pass(fold(net, Parameters(net.sizes)), net.g, ws)
    for l in range(1, net.L + 1):
        close(ws.Z[l], net.Z_tilde[l], floor)
    close(actual, expected, floor)


def test_a_network_without_normalization_folds_to_its_own_weights() -> None:
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    out = Parameters(net.sizes)
    fold(net, out)
    assert out.flat.tobytes() == net.params.flat.tobytes()
