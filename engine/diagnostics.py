"""What the network is doing inside: dead ReLUs, saturation, activation and gradient statistics.

Every function takes the network and the inputs X (n[0], m) and runs one forward pass, or takes
the activations `A` of a forward pass already done (A[0] = X, ..., A[L] = Ŷ) so that a caller
computing several diagnostics pays for one pass. `summary` computes them all at once.
Hidden layers are l = 1..L-1; results are dicts keyed by the layer number l.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from engine import activations, initializers
from engine.network import Network

Array = npt.NDArray[np.float64]
Layers = Sequence[Array | None] | Mapping[int, Array]
"""Per-layer arrays indexed by l (a list whose index 0 is unused, or a dict)."""

SATURATION = activations.SATURATION
"""A sigmoid/tanh unit is saturated when g'(z) < 10% of its peak (|z| > 3.6 resp. 1.8)."""


def activation_of(net: Network, l: int) -> str:
    """The activation name of layer l (1..L)."""
    return net.activations[l - 1]


def _g(net: Network, l: int) -> activations.Activation:
    return activations.get(activation_of(net, l))


def forward_all(net: Network, X: Array) -> list[Array]:
    """Run one forward pass; return [A[0], ..., A[L]], A[l] of shape (n[l], m)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        # errstate: a diverged net must not flood the logs. training=False: batch
        # normalization with its running statistics, as the grids show the network.
        net.forward(np.asarray(X, dtype=np.float64), training=False)
    return [np.asarray(net.A[l]) for l in range(net.L + 1)]


def _acts(net: Network, X: Array | None, A: Sequence[Array] | None) -> Sequence[Array]:
    if A is not None:
        if len(A) != net.L + 1:
            raise ValueError(f"A: expected {net.L + 1} arrays A[0..L], got {len(A)}")
        return A
    if X is None:
        raise ValueError("X: give the inputs X or the activations A of a forward pass")
    return forward_all(net, X)


def dead_neurons(
    net: Network, X: Array | None = None, *, A: Sequence[Array] | None = None
) -> dict[int, list[int]]:
    """{l: [j, ...]} for each hidden ReLU layer: neurons whose A[l][j] is 0 on every column."""
    acts = _acts(net, X, A)
    return _dead(net, active_share(net, A=acts), acts[0].shape[1])


def _dead(net: Network, share: Mapping[int, Array], m: int) -> dict[int, list[int]]:
    # A ReLU is active where A > 0, so a dead one has share 0 (with no data: no verdict).
    return {l: [int(j) for j in np.flatnonzero(on == 0.0)] if m else []
            for l, on in share.items() if _g(net, l).can_die}


def _unsaturated(band: tuple[float, float], a: Array) -> npt.NDArray[np.bool_]:
    """Where a unit is out of the flat region: g'(z) >= SATURATION · peak."""
    centre, half = band
    gap = np.abs(a - centre) if centre else np.abs(a)
    return gap <= half


def active_share(
    net: Network, X: Array | None = None, *, A: Sequence[Array] | None = None
) -> dict[int, Array]:
    """{l: (n[l],)} per hidden neuron, the share of columns of X on which it is active.

    What active means is the activation's `active`: A > 0 (z > 0) for relu, leaky_relu and
    elu; not saturated for sigmoid and tanh (g'(z) >= SATURATION · peak); always for linear.
    """
    acts = _acts(net, X, A)
    out: dict[int, Array] = {}
    for l in range(1, net.L):
        g, a = _g(net, l), acts[l]
        if g.active == "positive":
            on = a > 0.0
        elif g.active == "unsaturated" and g.saturation_band is not None:
            on = _unsaturated(g.saturation_band, a)
        else:
            out[l] = np.ones(a.shape[0])
            continue
        out[l] = np.count_nonzero(on, axis=1) / max(a.shape[1], 1)
    return out


def saturation(
    net: Network, X: Array | None = None, *, A: Sequence[Array] | None = None
) -> dict[int, float]:
    """{l: share} for each hidden sigmoid/tanh layer: share of (unit, sample) pairs saturated."""
    acts = _acts(net, X, A)
    return _saturation(net, active_share(net, A=acts), acts[0].shape[1])


def _saturation(net: Network, share: Mapping[int, Array], m: int) -> dict[int, float]:
    # Every neuron sees the same m columns, so the layer's share is the mean of its neurons'.
    return {l: 1.0 - float(on.mean()) for l, on in share.items()
            if _g(net, l).saturation_band is not None and m > 0}


def nice_ceiling(x: float) -> float:
    """The smallest 1, 2 or 5 × 10^k that is >= x (x > 0): a bound that moves in few steps."""
    k = math.floor(math.log10(x))
    for step in (1.0, 2.0, 5.0, 10.0):
        bound = step * 10.0**k
        if bound >= x:
            return bound
    return 10.0 ** (k + 1)


def _bound(x: float, floor: float) -> float:
    return nice_ceiling(x) if math.isfinite(x) and x > floor else floor


def activation_range(name: str, a: Array) -> tuple[float, float]:
    """Histogram range for one layer's A: g's range where it is finite, a 1-2-5 step bound of
    the values where it is not (centred on 0 for an odd g; at least 0.1 below 0 otherwise)."""
    g = activations.get(name)
    lo, hi = g.range
    if lo is not None and hi is not None:
        return lo, hi
    if g.odd:
        s = _bound(float(np.abs(a).max()) if a.size else 0.0, 1.0)
        return -s, s
    top = _bound(float(a.max()) if a.size else 0.0, 1.0) if hi is None else hi
    low = -_bound(float(-a.min()) if a.size else 0.0, 0.1) if lo is None else lo
    return low, top


@dataclass(frozen=True)
class Histogram:
    """counts (bins,) of values in [edges[i], edges[i+1]); edges (bins+1,) evenly spaced."""

    counts: npt.NDArray[np.int64]
    edges: Array

    @property
    def range(self) -> tuple[float, float]:
        return float(self.edges[0]), float(self.edges[-1])


def histogram(values: Array, lo: float, hi: float, bins: int) -> Histogram:
    """Counts of values over `bins` equal bins of [lo, hi] (values outside are clipped in)."""
    if bins < 1:
        raise ValueError(f"bins: must be >= 1, got {bins}")
    t = _finite(values) - lo
    t *= bins / (hi - lo)
    # Clipped to [0, bins - 1] first, the cast's truncation is the floor.
    np.clip(t, 0, bins - 1, out=t)
    counts = np.bincount(t.astype(np.intp), minlength=bins).astype(np.int64)
    return Histogram(counts, np.linspace(lo, hi, bins + 1))


def _finite(values: Array) -> Array:
    """values flattened (a view when possible), without NaN and ±inf."""
    flat = np.ravel(values)
    with np.errstate(over="ignore", invalid="ignore"):
        ok = math.isfinite(float(flat.sum()))
    return flat if ok else flat[np.isfinite(flat)]


def _mean_std(values: Array) -> tuple[float, float]:
    """Mean and standard deviation of the finite values (0, 0 when there are none)."""
    flat = _finite(values)
    if not flat.size:
        return 0.0, 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        mean, std = float(flat.mean()), float(flat.std())
    return mean, std if math.isfinite(std) else 0.0


@dataclass(frozen=True)
class LayerStats:
    """Mean and standard deviation of A[l] over all units and columns, and its histogram."""

    mean: float
    std: float
    hist: Histogram


def layer_stats(
    net: Network, X: Array | None = None, bins: int = 20, *, A: Sequence[Array] | None = None
) -> dict[int, LayerStats]:
    """{l: LayerStats} of A[l] for l in 1..L, histograms over each activation's fixed range."""
    acts = _acts(net, X, A)
    out: dict[int, LayerStats] = {}
    for l in range(1, net.L + 1):
        a = acts[l]
        lo, hi = activation_range(activation_of(net, l), a)
        mean, std = _mean_std(a)
        out[l] = LayerStats(mean, std, histogram(a, lo, hi, bins))
    return out


def _items(dW: Layers) -> list[tuple[int, Array]]:
    if isinstance(dW, Mapping):
        return sorted((int(l), np.asarray(g)) for l, g in dW.items())
    return [(l, np.asarray(g)) for l, g in enumerate(dW) if l > 0 and g is not None]


def gradient_norms(dW: Layers) -> dict[int, float]:
    """{l: ||dW[l]||_F}, the Frobenius norm of each layer's weight gradient."""
    return {l: float(np.linalg.norm(g)) for l, g in _items(dW)}


def gradient_stats(dW: Layers, bins: int = 20) -> dict[int, Histogram]:
    """{l: Histogram} of the entries of dW[l] over a symmetric 1-2-5 step range [-s, s]."""
    out: dict[int, Histogram] = {}
    for l, g in _items(dW):
        top = float(np.abs(g).max()) if g.size else 0.0
        s = nice_ceiling(top) if math.isfinite(top) and top > 0.0 else 1.0
        out[l] = histogram(g, -s, s, bins)
    return out


SYMMETRY_TOLERANCE = 1e-6
"""Neurons whose weights agree to this share of the layer's largest weight are identical: the
last-bit differences of another CPU's float path (or a nudge of 1e-9) stay that small through
training, so a symmetric layer is reported as such on every machine."""


def symmetric_layers(net: Network, atol: float | None = None) -> list[int]:
    """Hidden layers l with n[l] >= 2 whose neurons all share the same weights and bias (to
    `atol`; by default SYMMETRY_TOLERANCE times the layer's largest |weight| or 1)."""
    out = []
    for l in range(1, net.L):
        W, b = np.asarray(net.W[l]), np.asarray(net.b[l]).reshape(-1, 1)
        Wb = np.hstack([W, b])
        if Wb.shape[0] < 2:
            continue
        tol = atol if atol is not None else SYMMETRY_TOLERANCE * max(1.0, float(np.abs(Wb).max()))
        # |row - first row| <= tol everywhere (False with NaN), as np.allclose(rtol=0).
        if np.abs(Wb - Wb[:1]).max() <= tol:
            out.append(l)
    return out


@dataclass
class DeadTracker:
    """Remembers the epoch at which each dead ReLU neuron died; forgets it when it revives."""

    died_at: dict[int, dict[int, int]] = field(default_factory=dict)
    first_epoch: int | None = None

    def update(self, epoch: int, dead: Mapping[int, Sequence[int]]) -> None:
        """Record the dead neurons {l: [j, ...]} observed at `epoch`."""
        if self.first_epoch is None:
            self.first_epoch = epoch
        now: dict[int, dict[int, int]] = {}
        for l, js in dead.items():
            before = self.died_at.get(l, {})
            now[l] = {j: before.get(j, epoch) for j in js}
        self.died_at = now

    def reset(self) -> None:
        """Forget everything (a new network)."""
        self.died_at = {}
        self.first_epoch = None


def revive(net: Network) -> Network:
    """A copy of net, same weights, whose hidden relu layers are leaky_relu.

    A dead ReLU has g' = 0 on every input, so no gradient ever reaches it; Leaky ReLU's slope
    0.01 for z < 0 lets gradient descent pull it back.
    """
    d = net.to_dict()
    L = len(d["activations"])
    d["activations"] = [
        "leaky_relu" if name == "relu" and l < L else name
        for l, name in enumerate(d["activations"], start=1)
    ]
    return Network.from_dict(d)


def redraw(net: Network, dead: Mapping[int, Sequence[int]], rng: np.random.Generator) -> None:
    """Give every dead neuron j of layer l {l: [j, ...]} new incoming weights, in place.

    Re-initialization of dead units (ReDo, Sokar et al. 2023): row j of W[l] drawn again with
    He's variance 2/n[l-1], b[l][j] = 0 (a normalized layer's γ, β and running statistics
    as at the start too), and column j of W[l+1] set to 0, so the network's output is unchanged
    at that moment; gradient descent then grows the new unit's outgoing weights, and its
    incoming ones follow.
    """
    # From the bottom up: a neuron re-drawn in layer l+1 gets new weights from the re-drawn
    # ones below too; those outside it see 0 from them, so the output is still unchanged.
    for l, js in sorted(dead.items()):
        for j in js:
            net.W[l][j] = initializers.he(1, net.sizes[l - 1], rng)[0]
            net.b[l][j] = 0.0
            net.W[l + 1][:, j] = 0.0
            if net.normalizes(l):
                net.gamma[l][j], net.beta[l][j] = 1.0, 0.0
                net.running_mean[l][j], net.running_var[l][j] = 0.0, 1.0


@dataclass(frozen=True)
class LayerReport:
    """All diagnostics of one layer l in 1..L (hidden-only fields are None on the output)."""

    stats: LayerStats
    active_share: Array | None
    saturation: float | None
    dead: list[int] | None
    grad_norm: float | None
    grad_hist: Histogram | None
    symmetric: bool


def summary(
    net: Network, X: Array | None = None, dW: Layers | None = None, bins: int = 20,
    *, A: Sequence[Array] | None = None,
) -> dict[int, LayerReport]:
    """{l: LayerReport} for l in 1..L from a single forward pass over X (n[0], m), or from A."""
    acts = _acts(net, X, A)
    stats = layer_stats(net, bins=bins, A=acts)
    share = active_share(net, A=acts)
    sat = _saturation(net, share, acts[0].shape[1])
    dead = _dead(net, share, acts[0].shape[1])
    norms = gradient_norms(dW) if dW is not None else {}
    ghist = gradient_stats(dW, bins) if dW is not None else {}
    sym = set(symmetric_layers(net))
    return {
        l: LayerReport(
            stats[l], share.get(l), sat.get(l), dead.get(l), norms.get(l), ghist.get(l), l in sym
        )
        for l in range(1, net.L + 1)
    }
