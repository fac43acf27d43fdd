"""The benchmark's plain reference MLP does the same arithmetic as the engine, so the speed
ratios in bench/engine.py compare like with like. Correctness only: no timing is asserted."""

import numpy as np

from bench import engine as bench
from bench.reference import PlainFrame, PlainMLP
from engine import Network, Trainer
from engine.grid import grid_points

LR = bench.LEARNING_RATE
DOMAIN = bench.DOMAIN
_standard = bench.standard_trainer


def _plain(tr: Trainer, batch_size: int) -> PlainMLP:
    return PlainMLP(tr.net.W, tr.net.b, tr.split.train.X, tr.split.train.Y, batch_size, LR,
                    seed=0)


def _assert_same_weights(mlp: PlainMLP, net: Network) -> None:
    for l in range(1, net.L + 1):
        np.testing.assert_allclose(mlp.W[l], net.W[l], rtol=0, atol=1e-12)
        np.testing.assert_allclose(mlp.b[l], net.b[l], rtol=0, atol=1e-12)


def test_full_batch_epochs_give_the_engines_gradient_descent_weights():
    tr = _standard("gd")
    mlp = _plain(tr, batch_size=tr.split.train.m)
    for _ in range(5):
        mlp.epoch()
    tr.run(5)
    _assert_same_weights(mlp, tr.net)


def test_batch_10_epoch_equals_sgd_steps_of_the_engine_network_in_the_same_order():
    tr = _standard()
    net, X, Y = tr.net, tr.split.train.X, tr.split.train.Y
    mlp = _plain(tr, batch_size=10)
    mlp.epoch()
    # The reference shuffles with np.random.default_rng(seed).permutation, once per epoch.
    order = np.random.default_rng(0).permutation(X.shape[1])
    Xs, Ys = X[:, order], Y[:, order]
    for start in range(0, X.shape[1], 10):
        net.forward(Xs[:, start:start + 10])
        dW, db = net.backward(Ys[:, start:start + 10], "mse")
        for l in range(1, net.L + 1):
            net.W[l], net.b[l] = net.W[l] - LR * dW[l], net.b[l] - LR * db[l]
    _assert_same_weights(mlp, net)


def test_reference_cost_is_the_engines_and_falls_with_training():
    tr = _standard()
    mlp = _plain(tr, batch_size=10)
    first = mlp.cost()
    assert np.isclose(first, tr.net.cost(tr.split.train.X, tr.split.train.Y, "mse"), rtol=1e-12)
    for _ in range(30):
        mlp.epoch()
    assert mlp.cost() < 0.7 * first


def test_last_batch_may_be_smaller():
    tr = _standard()
    mlp = _plain(tr, batch_size=40)          # 250 = 6 × 40 + 10
    assert [x.shape[1] for _, x, _ in mlp.batches] == [40] * 6 + [10]
    before = mlp.cost()
    mlp.epoch()
    assert np.isfinite(mlp.cost()) and mlp.cost() != before


def test_plain_frame_matches_the_network_forward_on_the_engines_pixel_centres():
    tr = _standard()
    tr.run(2)
    net = tr.net
    output, neurons = PlainFrame(net.W, net.b, DOMAIN, resolution=20,
                                 neuron_resolution=7).evaluate()
    assert output.shape == (1, 20, 20) and output.dtype == np.float32
    assert {l: a.shape for l, a in neurons.items()} == {l: (8, 7, 7) for l in range(1, 7)}
    np.testing.assert_allclose(output.reshape(1, -1), net.forward(grid_points(DOMAIN, 20)),
                               rtol=1e-5, atol=1e-5)
    net.forward(grid_points(DOMAIN, 7))
    for l in range(1, 7):
        np.testing.assert_allclose(neurons[l].reshape(8, -1), net.A[l], rtol=1e-5, atol=1e-5)


def test_plain_frame_reads_the_live_weights_at_every_call():
    tr = _standard()
    frame = PlainFrame(tr.net.W, tr.net.b, DOMAIN, resolution=4, neuron_resolution=2)
    before = frame.evaluate()[0].copy()
    tr.net.b[7] = tr.net.b[7] + 0.5
    assert not np.array_equal(frame.evaluate()[0], before)


def test_benchmark_reports_the_old_keys_and_the_reference_ratios():
    result = bench.measure(seconds=0.0, neuron_resolution=4, repeats=1)
    for key in ("epochs_per_s", "full_batch_epochs_per_s", "adam_epochs_per_s", "frame_ms",
                "metrics_ms", "reference_epochs_per_s", "reference_full_batch_epochs_per_s",
                "reference_frame_ms", "tanh_floor_full_batch_epochs_per_s",
                "exp_floor_frame_ms"):
        assert isinstance(result[key], float) and result[key] > 0, key
    assert result["tanh_evaluations_per_full_batch_epoch"] == 49 * 250
    assert result["activations_per_frame"] == 49 * 100 ** 2 + 48 * 4 ** 2
    for key in ("epochs_ratio", "full_batch_ratio", "frame_ratio", "full_batch_floor_ratio",
                "frame_floor_ratio"):
        assert isinstance(result[key], float) and np.isfinite(result[key]), key
    # With one round, the best rates and the median ratio all come from that round.
    r = {k: v for k, v in result.items() if isinstance(v, float)}
    assert np.isclose(r["epochs_ratio"], r["epochs_per_s"] / r["reference_epochs_per_s"],
                      rtol=1e-2)
    assert np.isclose(r["frame_ratio"], r["reference_frame_ms"] / r["frame_ms"], rtol=1e-2)
    assert np.isclose(r["tanh_floor_full_batch_epochs_per_s"],
                      1e9 / (r["tanh_ns_per_element"] * 49 * 250), rtol=1e-2)
