"""The course's initialization figure: zeros null, bounded uniform fading, Xavier holding.

Bounds are read off twelve seeds (0..11) of the default 256-4×500 tanh network, m = 200, with
wide margins so that another CPU's float path cannot cross them. Measured std of A[l], l = 1..4:
  uniform_scaled  0.457-0.461, 0.248-0.249, 0.140-0.141, 0.080-0.081  (last/first 0.174-0.177)
  xavier          0.625-0.629, 0.483-0.488, 0.407-0.410, 0.355-0.359  (last/first 0.565-0.572)
Layer to layer, uniform_scaled keeps 0.54-0.58 of the std (about 1/√3, its variance being a third
of Xavier's) and Xavier 0.77-0.88, closer to 1 the deeper it goes: tanh squeezes the first
layer's unit-variance Z, then works near its linear part, where Xavier passes the variance on.
"""

import numpy as np
import pytest

from engine import init_figure

SEEDS = range(8)


@pytest.fixture(scope="module")
def figures():
    return {seed: init_figure.figure(seed) for seed in SEEDS}


def stds(fig, name):
    return [p.std for p in fig.rows[name]]


def test_the_figure_has_the_slides_shape():
    fig = init_figure.figure(0)
    assert list(fig.rows) == ["zeros", "uniform_scaled", "xavier"]
    assert fig.sizes == [init_figure.N_INPUTS] + [init_figure.WIDTH] * 4
    assert len(fig.edges) == init_figure.BINS + 1 and fig.edges[0] == -1 and fig.edges[-1] == 1
    for panels in fig.rows.values():
        assert [p.l for p in panels] == [1, 2, 3, 4]
        for p in panels:
            assert len(p.counts) == init_figure.BINS
            assert sum(p.counts) == init_figure.WIDTH * init_figure.SAMPLES


def test_zeros_gives_exactly_zero_at_every_layer(figures):
    middle = init_figure.BINS // 2     # the bin [0, 1/BINS) holds tanh(0) = 0
    for fig in figures.values():
        for p in fig.rows["zeros"]:
            assert p.mean == 0.0 and p.std == 0.0
            assert p.counts[middle] == sum(p.counts)


def test_bounded_uniform_fades_with_depth(figures):
    for fig in figures.values():
        s = stds(fig, "uniform_scaled")
        assert s[-1] <= 0.5 * s[0]                               # measured 0.18
        assert all(b <= 0.7 * a for a, b in zip(s, s[1:], strict=False))     # measured ≤ 0.58


def test_xavier_keeps_the_signal(figures):
    for fig in figures.values():
        s = stds(fig, "xavier")
        assert s[-1] >= 0.45 * s[0]                              # measured ≥ 0.565
        assert all(b >= 0.7 * a for a, b in zip(s, s[1:], strict=False))     # measured ≥ 0.77
        assert s[-1] >= 3 * stds(fig, "uniform_scaled")[-1]     # measured 4.4×


def test_activations_are_centered(figures):
    for fig in figures.values():
        for name in ("uniform_scaled", "xavier"):
            assert all(abs(p.mean) < 0.02 for p in fig.rows[name])     # measured < 0.003


def test_a_seed_gives_the_same_figure_and_rows_are_independent():
    a, b = init_figure.figure(3), init_figure.figure(3)
    assert a == b
    alone = init_figure.figure(3, inits=("xavier",))
    assert alone.rows["xavier"] == a.rows["xavier"]
    assert init_figure.figure(4).rows["xavier"] != a.rows["xavier"]


def test_uniform_scaled_is_bounded_by_one_over_root_n():
    W = init_figure.uniform_scaled(300, 400, np.random.default_rng(0))
    assert np.abs(W).max() <= 1 / np.sqrt(400)
    assert W.std() == pytest.approx(np.sqrt(1 / (3 * 400)), rel=0.02)


def test_unknown_init_lists_the_valid_ones():
    with pytest.raises(ValueError, match="uniform_scaled"):
        init_figure.figure(0, inits=("uniform",))
