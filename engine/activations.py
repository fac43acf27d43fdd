"""Activation functions g and their derivatives g', in place on (n[l], m) arrays.

Each activation writes A = g(Z) into `out` and gives dZ = dA * g'(Z) in `backward`;
derivatives are written from the saved output A where the course does (sigmoid, tanh).
The same code runs on float64 (training) and float32 (display grids).

Each class also carries what the rest of the playground says about it (`facts()`): its symbol
and formulas as the equations panel writes them, its range, what "active" and "saturated"
mean for it, whether its neurons can die and whether it is output-only. Diagnostics, frames and
the page (through the catalog) read them from here, so an activation is added in one place.
"""

import math
import time
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from engine.registry import lookup

F = npt.NDArray[Any]

LEAKY_SLOPE = 0.01
ELU_ALPHA = 1.0
SATURATION = 0.1
"""A unit is saturated where g'(z) < 10% of its peak (sigmoid: |z| > 3.6, tanh: |z| > 1.8)."""

Active = Literal["positive", "unsaturated", "always"]


class Activation:
    """g and g' for one layer; subclasses write into preallocated arrays.

    Formulas are HTML (<sup>, <sub>); `{word}` in them is a word the page writes in its
    language (the string `eq.word`) and `{name}` of `constants` a number it formats.
    """

    name = ""
    symbol = ""
    """g's name in the equations (σ, ReLU, id...)."""
    short = ""
    """A label short enough for a narrow layer header."""
    formula = ""
    derivative_formula = ""
    constants: dict[str, float] = {}
    range: tuple[float | None, float | None] = (None, None)
    """The values g takes (None: unbounded on that side)."""
    odd = False
    """g(-z) = -g(z): an unbounded odd g is shown on a range centred on 0."""
    active: Active = "always"
    """When a unit counts as active: A > 0, out of the flat region, or always."""
    peak_slope: float | None = None
    """The largest g'(z), for a g with flat regions (the saturation threshold's unit)."""
    saturation_band: tuple[float, float] | None = None
    """(centre, half-width): A is out of the flat region (g' >= SATURATION · peak) when
    |A - centre| <= half-width; None when g has no flat region."""
    can_die = False
    """g' = 0 on a whole side: a unit whose z < 0 on every sample never learns again."""
    output_only = False
    """Couples the units of its layer (softmax): the output layer only."""

    @property
    def bounded(self) -> bool:
        """Both ends of the range are finite: grids are quantized over it without a pass."""
        return self.range[0] is not None and self.range[1] is not None

    def facts(self) -> dict[str, Any]:
        """What the catalog publishes about g (JSON-ready)."""
        return {
            "name": self.name, "symbol": self.symbol, "short": self.short or self.symbol,
            "formula": self.formula, "derivative": self.derivative_formula,
            "constants": dict(self.constants), "range": list(self.range), "odd": self.odd,
            "active": self.active,
            "saturation_band": list(self.saturation_band) if self.saturation_band else None,
            "saturation_slope": SATURATION * self.peak_slope if self.peak_slope else None,
            "can_die": self.can_die, "output_only": self.output_only,
        }

    def forward(self, Z: F, out: F) -> F:
        """A = g(Z), written into out (may be Z itself)."""
        raise NotImplementedError

    def derivative(self, Z: F, A: F, out: F) -> F:
        """g'(Z) elementwise, from Z and the saved output A."""
        raise NotImplementedError

    def backward(self, dA: F, Z: F, A: F, out: F) -> F:
        """dZ = dA * g'(Z), written into out (out must not be dA)."""
        self.derivative(Z, A, out)
        np.multiply(out, dA, out=out)
        return out

    def __call__(self, Z: F) -> F:
        """g(Z) into a new array."""
        return self.forward(Z, np.empty_like(Z))

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


class Sigmoid(Activation):
    name = "sigmoid"
    symbol = short = "σ"
    formula = "σ(z) = 1 / (1 + e<sup>−z</sup>)"
    derivative_formula = "σ′(z) = σ(z) (1 − σ(z))"
    range = (0.0, 1.0)
    active = "unsaturated"
    peak_slope = 0.25
    # σ' = a(1 - a) >= SATURATION · ¼  ⟺  |a - ½| <= √(¼ - SATURATION · ¼)
    saturation_band = (0.5, math.sqrt(0.25 - SATURATION * 0.25))

    def forward(self, Z: F, out: F) -> F:
        # σ(z) = (1 + tanh(z/2)) / 2 never overflows, unlike 1 / (1 + e^-z).
        np.multiply(Z, 0.5, out=out)
        np.tanh(out, out=out)
        np.multiply(out, 0.5, out=out)
        np.add(out, 0.5, out=out)
        return out

    def derivative(self, Z: F, A: F, out: F) -> F:
        # σ'(z) = σ(z) (1 - σ(z))
        np.subtract(1.0, A, out=out)
        np.multiply(out, A, out=out)
        return out


class Tanh(Activation):
    name = "tanh"
    symbol = short = "tanh"
    formula = "tanh(z) = (e<sup>z</sup> − e<sup>−z</sup>) / (e<sup>z</sup> + e<sup>−z</sup>)"
    derivative_formula = "tanh′(z) = 1 − tanh(z)<sup>2</sup>"
    range = (-1.0, 1.0)
    odd = True
    active = "unsaturated"
    peak_slope = 1.0
    # tanh' = 1 - a² >= SATURATION · 1  ⟺  |a| <= √(1 - SATURATION)
    saturation_band = (0.0, math.sqrt(1.0 - SATURATION))

    def forward(self, Z: F, out: F) -> F:
        np.tanh(Z, out=out)
        return out

    def derivative(self, Z: F, A: F, out: F) -> F:
        # tanh'(z) = 1 - tanh(z)²
        np.multiply(A, A, out=out)
        np.subtract(1.0, out, out=out)
        return out


class ReLU(Activation):
    name = "relu"
    symbol = short = "ReLU"
    formula = "ReLU(z) = max(0, z)"
    derivative_formula = "ReLU′(z) = 1 {if} z > 0, 0 {otherwise}"
    range = (0.0, None)
    active = "positive"
    can_die = True

    def forward(self, Z: F, out: F) -> F:
        np.maximum(Z, 0.0, out=out)
        return out

    def derivative(self, Z: F, A: F, out: F) -> F:
        # relu'(z) = 1 if z > 0 else 0 (0 at z = 0, by convention)
        np.greater(Z, 0.0, out=out)
        return out


class LeakyReLU(Activation):
    name = "leaky_relu"
    symbol = "LeakyReLU"
    short = "LReLU"
    formula = "LeakyReLU(z) = max({slope}z, z)"
    derivative_formula = "LeakyReLU′(z) = 1 {if} z > 0, {slope} {otherwise}"
    constants = {"slope": LEAKY_SLOPE}
    active = "positive"

    def forward(self, Z: F, out: F) -> F:
        # max(z, 0.01 z) is z for z > 0 and 0.01 z otherwise.
        np.multiply(Z, LEAKY_SLOPE, out=out)
        np.maximum(out, Z, out=out)
        return out

    def derivative(self, Z: F, A: F, out: F) -> F:
        np.greater(Z, 0.0, out=out)
        np.multiply(out, 1.0 - LEAKY_SLOPE, out=out)
        np.add(out, LEAKY_SLOPE, out=out)
        return out


class ELU(Activation):
    name = "elu"
    symbol = short = "ELU"
    formula = "ELU(z) = z {if} z > 0, e<sup>z</sup> − 1 {otherwise}"
    derivative_formula = "ELU′(z) = 1 {if} z > 0, e<sup>z</sup> {otherwise}"
    range = (-ELU_ALPHA, None)
    active = "positive"

    def forward(self, Z: F, out: F) -> F:
        # α(e^min(z,0) - 1) is 0 for z > 0, and e^z - 1 >= z, so the max picks the right branch.
        np.minimum(Z, 0.0, out=out)
        np.expm1(out, out=out)
        np.multiply(out, ELU_ALPHA, out=out)
        np.maximum(out, Z, out=out)
        return out

    def derivative(self, Z: F, A: F, out: F) -> F:
        # elu'(z) = 1 for z > 0, α e^z = A + α otherwise; A + α > 1 exactly when z > 0.
        np.add(A, ELU_ALPHA, out=out)
        np.minimum(out, 1.0, out=out)
        return out


class Linear(Activation):
    name = "linear"
    symbol = short = "id"
    formula = "id(z) = z ({linear})"
    derivative_formula = "id′(z) = 1"
    odd = True

    def forward(self, Z: F, out: F) -> F:
        if out is not Z:
            np.copyto(out, Z)
        return out

    def derivative(self, Z: F, A: F, out: F) -> F:
        out.fill(1.0)
        return out

    def backward(self, dA: F, Z: F, A: F, out: F) -> F:
        np.copyto(out, dA)
        return out


class Softmax(Activation):
    """softmax over each column: a_k = e^{z_k} / Σ_j e^{z_j}."""

    name = "softmax"
    symbol = short = "softmax"
    formula = ("softmax(z)<sub>i</sub> = e<sup>z<sub>i</sub></sup> / "
               "Σ<sub>j</sub> e<sup>z<sub>j</sub></sup>")
    derivative_formula = ("∂a<sub>i</sub>/∂z<sub>j</sub> = "
                          "a<sub>i</sub> (δ<sub>ij</sub> − a<sub>j</sub>)")
    range = (0.0, 1.0)
    output_only = True

    def forward(self, Z: F, out: F) -> F:
        # Subtracting the column max leaves softmax unchanged and keeps e^z <= 1.
        np.subtract(Z, Z.max(axis=0, keepdims=True), out=out)
        np.exp(out, out=out)
        np.divide(out, out.sum(axis=0, keepdims=True), out=out)
        return out

    def derivative(self, Z: F, A: F, out: F) -> F:
        """Diagonal of the Jacobian, a_k (1 - a_k); backward uses the full Jacobian."""
        np.subtract(1.0, A, out=out)
        np.multiply(out, A, out=out)
        return out

    def backward(self, dA: F, Z: F, A: F, out: F) -> F:
        # dz_k = a_k (da_k - Σ_j a_j da_j): the Jacobian diag(a) - a aᵀ applied to dA.
        np.multiply(dA, A, out=out)
        s = out.sum(axis=0, keepdims=True)
        np.subtract(dA, s, out=out)
        np.multiply(out, A, out=out)
        return out


ACTIVATIONS: dict[str, Activation] = {
    a.name: a for a in (Sigmoid(), Tanh(), ReLU(), LeakyReLU(), ELU(), Linear(), Softmax())
}

HIDDEN = tuple(name for name, g in ACTIVATIONS.items() if not g.output_only)
"""Activations that make sense in a hidden layer (softmax couples its units)."""


class Float32Tanh(Tanh):
    """tanh(z) = 1 - 2 / (e^{2z} + 1): in float32, NumPy's exp is much cheaper than its tanh."""

    def forward(self, Z: F, out: F) -> F:
        np.multiply(Z, 2.0, out=out)
        np.exp(out, out=out)            # overflows to inf for large z, giving exactly 1 below
        np.add(out, 1.0, out=out)
        np.divide(-2.0, out, out=out)
        np.add(out, 1.0, out=out)
        return out


class Float32Sigmoid(Sigmoid):
    """σ(z) = 1 / (1 + e^{-z}), the cheaper form in float32 (overflow gives exactly 0)."""

    def forward(self, Z: F, out: F) -> F:
        np.negative(Z, out=out)
        np.exp(out, out=out)
        np.add(out, 1.0, out=out)
        np.reciprocal(out, out=out)
        return out


FLOAT32_FORMS: dict[str, Activation] = {"tanh": Float32Tanh(), "sigmoid": Float32Sigmoid()}
"""Forms that can be cheaper in float32 (display grids, metrics), equal to ~1e-7; they warn on
overflow, so callers run them under np.errstate(over="ignore"). Whether they are cheaper
depends on the CPU: NumPy's own float32 tanh is vectorized on some (AVX-512), where it beats
exp and the reference forms win; elsewhere exp is the cheaper ufunc. `for_float32` measures."""

_chosen: dict[str, Activation] = {}
"""The form `for_float32` measured fastest for each name, once per process."""


def for_float32(g: Activation) -> Activation:
    """The faster float32 form of g on this CPU (measured on first use), or g itself."""
    if g.name not in FLOAT32_FORMS:
        return g
    if g.name not in _chosen:
        _chosen[g.name] = fastest([ACTIVATIONS[g.name], FLOAT32_FORMS[g.name]])
    return _chosen[g.name]


def fastest(forms: list[Activation], rounds: int = 7) -> Activation:
    """The form whose forward pass over a float32 block (8 units × 2,048 points, about a
    layer of a display grid) takes least time, best of `rounds` runs of each, interleaved so
    that a busy moment of the machine falls on both (a few milliseconds in all). Timed in
    this thread's CPU time: on a loaded machine the wall time of a run also counts the time
    other processes held the core, which could make the slower form look faster."""
    Z = np.linspace(-6.0, 6.0, 8 * 2048, dtype=np.float32).reshape(8, 2048)
    out = np.empty_like(Z)
    best = [math.inf] * len(forms)
    with np.errstate(over="ignore"):
        for _ in range(rounds):
            for i, g in enumerate(forms):
                start = time.thread_time()
                g.forward(Z, out)
                best[i] = min(best[i], time.thread_time() - start)
    return forms[best.index(min(best))]


def get(name: str) -> Activation:
    """The activation registered under name; ValueError lists the valid names."""
    return lookup(ACTIVATIONS, name, "activation")
