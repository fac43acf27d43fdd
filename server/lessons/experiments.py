"""The Experiments menu: each demonstration of the course as a config and a promise.

An experiment is a config patch (merged over the default config, as the page applies it), the
number of epochs its Train button runs, the instrument tab to watch, and variants to compare.
Each of them makes a promise: what the coach says (and nothing else), and bounds on what the
run measures (server.lessons.rehearsal.measures). tests/server/test_experiments.py rehearses
every experiment and variant on many seeds, and with its weights nudged, and holds each
promise on all of them.
The catalog publishes the table; the page words it in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine import zigzag
from engine.datasets import CIRCLE_RADIUS
from server import limits
from server.config import merge as merge_patch

Patch = dict[str, Any]


@dataclass(frozen=True)
class Promise:
    """What a rehearsed run shows at its end, on every seed.

    coach: codes the coach names; it names no other (besides those in `allowed`).
    bounds: {measure: (low, high)}, either end None for none (server.lessons.rehearsal's
    `measures`, which also checks a run against a promise: `broken`).
    """

    coach: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()
    bounds: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"coach": list(self.coach), "allowed": list(self.allowed),
                "bounds": {k: list(v) for k, v in self.bounds.items()}}


@dataclass(frozen=True)
class Variant:
    label: str
    config: Patch
    promise: Promise


@dataclass(frozen=True)
class Experiment:
    name: str
    tab: str
    epochs: int
    config: Patch
    promise: Promise
    variants: tuple[Variant, ...] = ()
    group: str = "lesson"
    """`lesson` (the course's demonstrations) or `pitfall` (classic mistakes)."""
    inspect: int = 4
    """Training points the matrix inspector opens on (one, to see a single example's
    gradient)."""
    seeds: int = 0
    """When set, the card also trains the config from this many initial weights side by side
    (the search lab's `seeds` preset, `epochs` each): the spread of their final costs."""
    facts: dict[str, float] = field(default_factory=dict)
    """Numbers the card's text quotes, taken from the engine (`{name}` in the text)."""
    revive: Promise | None = None
    """When set, what the run shows after the card's Revive (the dead neurons re-drawn, see
    server.model.revived) and `epochs` more epochs."""

    def runs(self) -> list[tuple[str, Patch, Promise]]:
        """(label, full patch, promise) of the experiment itself and of each variant."""
        out = [("", self.config, self.promise)]
        for v in self.variants:
            out.append((v.label, merge_patch(self.config, v.config), v.promise))
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "group": self.group, "tab": self.tab, "epochs": self.epochs,
            "inspect": self.inspect, "seeds": self.seeds, "facts": self.facts,
            "config": self.config, "promise": self.promise.as_dict(),
            "revive": {**self.revive.as_dict(), "active": REVIVED_ACTIVE} if self.revive else None,
            "seeds_ratio": SEEDS_RATIO if self.seeds else None,
            "variants": [{"label": v.label, "config": v.config, "promise": v.promise.as_dict()}
                         for v in self.variants],
        }


REVIVED_ACTIVE = 0.1
"""A revived neuron counts as active when it is active on this share of the points or more."""

SEEDS_RATIO = 1.3
"""A `seeds` experiment's promise: its final training costs spread by this much or more, max
over min (tests/server/test_experiments.py)."""


def layers(n: int, units: int, activation: str, batch_norm: bool = False) -> list[dict[str, Any]]:
    extra = {"batch_norm": True} if batch_norm else {}
    return [{"units": units, "activation": activation, **extra} for _ in range(n)]


# ------------------------------------------------------------------------------ the menu

CIRCLE = {"name": "circle", "points": 300, "noise": 0}
SPIRAL_FEATURES = ["x1", "x2", "sin_x1", "sin_x2"]
FROZEN = Promise(coach=("symmetry",), bounds={"train_accuracy": (None, 0.7),
                                               "first_layer_moved": (None, 0.0)})
"""Zero weights everywhere: every hidden gradient is exactly 0 (W[L] = 0 sends none back)."""
CLONES = Promise(coach=("symmetry",), bounds={"train_accuracy": (None, 0.8),
                                               "first_layer_moved": (0.01, None)})
"""Equal non-zero weights: the neurons move, all the same way (identical gradient rows)."""
ONE_SIGN = Promise(bounds={"one_sign_rows": (1.0, None)})
"""Positive outputs below: every row of one example's dW[2] has a single sign."""
FLAT = Promise(bounds={"last_saturation": (0.5, None), "first_layer_change": (None, 0.5)})
"""Weights of σ 5: most (unit, point) pairs sit where σ' < 10% of its peak, and W[1] moves by
less than half its size in the run (20 seeds: saturation ≥ 0.61, change ≤ 0.38)."""
STALLS = Promise(allowed=("vanishing_gradient", "underfitting"),
                 bounds={"train_accuracy": (None, 0.72)})
"""Four sigmoid layers on the spiral: the gradient fades on its way back, training stalls (16
seeds: accuracy ≤ 0.67; the coach names vanishing_gradient on 28 of 32 runs)."""
RAW_INPUTS = Promise(bounds={"last_saturation": (0.3, None)})
"""x₁², x₂² up to CIRCLE_RADIUS² = 25: tanh neurons sit on their flat parts."""

FEW_POINTS = {"name": "gauss", "points": 100, "noise": 0.7, "train_fraction": 0.2,
              "validation_fraction": 0.4}
"""The overfitting experiment's data: 20 points to train, 40 to validate."""
MANY_POINTS = {"points": 2000, "train_fraction": 0.5, "validation_fraction": 0.25}
"""The same clouds, 1000 points to train and 500 to validate."""
MEMORIZES = Promise(allowed=("overfitting",), bounds={"loss_gap": (0.5, None)})
"""Twenty training points: learnt by heart, the validation loss far above the training loss
(16 runs, 150 epochs in mini-batches of 50: 0.68 to 4.30 above; with 1000 training points
-0.01 to 0.10)."""
LOOP_DIFFERENCE = 1e-12
"""The loop over examples and the vectorized pass compute the same Ŷ (to rounding)."""
WIDE_FITS = Promise(bounds={"train_loss": (None, 0.01)})
"""Sixty-four tanh units in one layer draw the curve's three bumps."""
REGRESSES = Promise(bounds={"loss_ratio": (None, 0.3)})
"""An identity output and the squared error learn the bumps' heights."""
ADAM_FITS = Promise(allowed=("overfitting",), bounds={"train_accuracy": (0.95, None)})
"""Adam on the spiral: most training points right in 100 epochs."""
ZIGZAG_PATH = {"path_detour": 1.8, "tanh_path_detour": 1.7, "tanh_same_sign_percent": 70,
               "path_steps": zigzag.STEPS}
"""The zigzag card's drawing (engine/zigzag.py, GET /api/zigzag): on every seed, with sigmoid
inputs every step moves both weights the same way and the path is at least `path_detour`
times as long as the distance it covers; with tanh inputs at most `tanh_same_sign_percent` %
of the steps do and the path is at most `tanh_path_detour` times as long (40 seeds: 1.89 to
2.85 against 1.04 to 1.58; tests/server/test_card_facts.py)."""

EXPERIMENTS: dict[str, Experiment] = {e.name: e for e in [
    Experiment(
        "zero_init", "symmetry", 100,
        {"dataset": CIRCLE, "hidden": layers(2, 4, "tanh"), "init": "zeros",
         "optimizer": {"name": "sgd", "learning_rate": 0.1}},
        FROZEN,
        (Variant("zeros", {"init": "zeros"}, FROZEN),
         Variant("constant", {"init": "constant"}, CLONES),
         Variant("xavier", {"init": "xavier"},
                 Promise(bounds={"train_accuracy": (0.9, None)}))),
    ),
    Experiment(
        "constant_init", "inspector", 20,
        {"dataset": CIRCLE, "hidden": layers(1, 3, "sigmoid"), "init": "constant",
         "optimizer": {"name": "sgd", "learning_rate": 0.3}},
        CLONES,
        (Variant("constant", {"init": "constant"}, CLONES),
         Variant("xavier", {"init": "xavier"}, Promise(allowed=("overfitting",)))),
    ),
    Experiment(
        "large_init", "init", 20,
        {"dataset": CIRCLE, "hidden": layers(1, 4, "sigmoid"), "init": "large_normal",
         "optimizer": {"name": "sgd", "learning_rate": 0.3}},
        FLAT,
        (Variant("large_normal", {"init": "large_normal"}, FLAT),
         Variant("xavier", {"init": "xavier"},
                 Promise(bounds={"last_saturation": (None, 0.45)}))),
    ),
    Experiment(
        "dead_relu", "dead", 100,
        {"dataset": CIRCLE, "hidden": layers(2, 8, "relu"), "init": "he",
         "optimizer": {"name": "sgd", "learning_rate": 1.5}},
        Promise(coach=("dead_relu",), allowed=("lr_too_high",),
                bounds={"dead_share": (0.25, None)}),
        (Variant("lr 1.5", {"optimizer": {"learning_rate": 1.5}},
                 Promise(coach=("dead_relu",), allowed=("lr_too_high",),
                         bounds={"dead_share": (0.25, None)})),
         Variant("lr 0.03", {"optimizer": {"learning_rate": 0.03}},
                 Promise(allowed=("dead_relu",), bounds={"dead_share": (None, 0.2)}))),
        revive=Promise(allowed=("dead_relu",), bounds={"revived_active": (0.75, None)}),
    ),
    Experiment(
        "linear_collapse", "collapse", 300,
        {"dataset": {"name": "xor", "points": 300, "noise": 0}, "hidden": layers(2, 4, "linear"),
         "init": "xavier", "optimizer": {"name": "sgd", "learning_rate": 0.03}},
        Promise(coach=("no_nonlinearity",), bounds={"train_accuracy": (None, 0.8)}),
        (Variant("linear", {"hidden": layers(2, 4, "linear")},
                 Promise(coach=("no_nonlinearity",), bounds={"train_accuracy": (None, 0.8)})),
         Variant("tanh", {"hidden": layers(2, 4, "tanh")},
                 Promise(bounds={"train_accuracy": (0.9, None)}))),
    ),
    Experiment(
        "deep_init", "init", 20,
        {"dataset": CIRCLE, "hidden": layers(6, 8, "tanh"), "init": "normal",
         "optimizer": {"name": "sgd", "learning_rate": 0.03}},
        Promise(bounds={"spread_ratio": (None, 0.2), "train_accuracy": (None, 0.65)}),
        (Variant("normal", {"init": "normal"},
                 Promise(bounds={"spread_ratio": (None, 0.2), "train_accuracy": (None, 0.65)})),
         Variant("xavier", {"init": "xavier"}, Promise(bounds={"spread_ratio": (0.3, None)})),
         Variant("uniform", {"init": "uniform"},
                 Promise(bounds={"spread_ratio": (0.6, None), "train_accuracy": (0.85, None)})),
         Variant("zeros", {"init": "zeros"}, Promise(coach=("symmetry",)))),
    ),
    Experiment(
        "activations_spiral", "gradients", 100,
        {"dataset": {"name": "spiral", "points": 400, "noise": 0, "classes": 2},
         "hidden": layers(4, 8, "sigmoid"), "init": "xavier",
         "optimizer": {"name": "sgd", "learning_rate": 0.1}},
        Promise(coach=("vanishing_gradient",), bounds={"train_accuracy": (None, 0.62)}),
        (Variant("sigmoid", {"hidden": layers(4, 8, "sigmoid"), "init": "xavier"},
                 Promise(coach=("vanishing_gradient",), bounds={"train_accuracy": (None, 0.62)})),
         Variant("tanh", {"hidden": layers(4, 8, "tanh"), "init": "xavier"},
                 Promise(allowed=("underfitting",), bounds={"train_accuracy": (0.65, None)})),
         Variant("relu", {"hidden": layers(4, 8, "relu"), "init": "he"},
                 Promise(allowed=("underfitting", "dead_relu"),
                         bounds={"train_accuracy": (0.65, None)}))),
    ),
    Experiment(
        "batch_norm", "gradients", 100,
        {"dataset": {"name": "spiral", "points": 400, "noise": 0, "classes": 2},
         "features": SPIRAL_FEATURES, "hidden": layers(4, 8, "sigmoid"), "init": "xavier",
         "optimizer": {"name": "sgd", "learning_rate": 0.3}},
        STALLS,
        (Variant("sigmoid", {"hidden": layers(4, 8, "sigmoid")}, STALLS),
         Variant("sigmoid + BN", {"hidden": layers(4, 8, "sigmoid", batch_norm=True)},
                 Promise(bounds={"train_accuracy": (0.75, None)}))),
    ),
    Experiment(
        "overfitting", "experiments", 300,
        {"dataset": {"name": "gauss", "points": 100, "noise": 0.7, "train_fraction": 0.2,
                     "validation_fraction": 0.4},
         "hidden": layers(3, 8, "tanh"), "init": "xavier",
         "optimizer": {"name": "adam", "learning_rate": 0.03, "batch_size": 10}},
        Promise(coach=("overfitting",), bounds={"overfit_rise": (1.0, None)}),
        (Variant("L2 0", {"regularization": {"kind": "none", "rate": 0}},
                 Promise(coach=("overfitting",), bounds={"overfit_rise": (1.0, None)})),
         Variant("L2 0.1", {"regularization": {"kind": "l2", "rate": 0.1}},
                 Promise(bounds={"overfit_rise": (None, 0.5)}))),
    ),
    Experiment(
        "zigzag", "inspector", 20,
        {"dataset": CIRCLE, "hidden": layers(2, 4, "sigmoid"), "init": "xavier",
         "optimizer": {"name": "sgd", "learning_rate": 0.1}},
        ONE_SIGN,
        (Variant("sigmoid", {"hidden": layers(2, 4, "sigmoid"), "init": "xavier"}, ONE_SIGN),
         Variant("relu", {"hidden": layers(2, 4, "relu"), "init": "he"},
                 Promise(allowed=("dead_relu",), bounds={"one_sign_rows": (1.0, None)})),
         Variant("tanh", {"hidden": layers(2, 4, "tanh"), "init": "xavier"},
                 Promise(bounds={"one_sign_rows": (None, 0.6)}))),
        inspect=1,
        facts=ZIGZAG_PATH,
    ),
    Experiment(
        # The same network as `overfitting`, on a few dozen points or on a thousand.
        "data_amount", "experiments", 150,
        {"dataset": FEW_POINTS, "hidden": layers(3, 8, "tanh"), "init": "xavier",
         "optimizer": {"name": "adam", "learning_rate": 0.03, "batch_size": 50}},
        MEMORIZES,
        (Variant("20 points", {"dataset": FEW_POINTS}, MEMORIZES),
         Variant("1000 points", {"dataset": MANY_POINTS},
                 Promise(bounds={"loss_gap": (None, 0.2)}))),
    ),
    Experiment(
        "loop_vs_vectorized", "experiments", 20,
        {"dataset": CIRCLE, "hidden": layers(2, 8, "tanh"), "init": "xavier",
         "optimizer": {"name": "sgd", "learning_rate": 0.03}},
        Promise(bounds={"loop_difference": (None, LOOP_DIFFERENCE)}),
        facts={"loop_difference": LOOP_DIFFERENCE},
    ),
    Experiment(
        "wide_layer", "experiments", 200,
        {"dataset": {"name": "curve", "points": 400, "noise": 0}, "features": ["x1"],
         "hidden": layers(1, 64, "tanh"), "init": "xavier",
         "output": {"activation": "linear", "loss": "mse"},
         "optimizer": {"name": "adam", "learning_rate": 0.01, "batch_size": 10}},
        WIDE_FITS,
        (Variant("2 neurons", {"hidden": layers(1, 2, "tanh")},
                 Promise(allowed=("underfitting",), bounds={"train_loss": (0.05, None)})),
         Variant("8 neurons", {"hidden": layers(1, 8, "tanh")}, Promise()),
         Variant("64 neurons", {"hidden": layers(1, 64, "tanh")}, WIDE_FITS)),
        facts={"max_units": limits.MAX_UNITS, "max_wide_units": limits.MAX_WIDE_UNITS},
    ),
    Experiment(
        "parameters", "inspector", 20,
        {"dataset": CIRCLE, "hidden": layers(1, 3, "tanh"), "init": "xavier",
         "optimizer": {"name": "sgd", "learning_rate": 0.1}},
        # The parameters move and the loss falls; the hyperparameters are the config's.
        Promise(bounds={"first_layer_moved": (0.1, None), "loss_ratio": (None, 0.95)}),
    ),
    Experiment(
        "regression", "experiments", 200,
        {"dataset": {"name": "multigauss", "points": 500, "noise": 0},
         "hidden": layers(2, 8, "tanh"), "init": "xavier",
         "output": {"activation": "linear", "loss": "mse"},
         "optimizer": {"name": "adam", "learning_rate": 0.01, "batch_size": 10}},
        REGRESSES,
        (Variant("identity", {"output": {"activation": "linear", "loss": "mse"}}, REGRESSES),
         Variant("sigmoid output", {"output": {"activation": "sigmoid", "loss": "mse"}},
                 Promise(coach=("output_mismatch",)))),
    ),
    Experiment(
        "optimizers", "experiments", 100,
        {"dataset": {"name": "spiral", "points": 400, "noise": 0, "classes": 2},
         "features": SPIRAL_FEATURES, "hidden": layers(3, 8, "tanh"), "init": "xavier",
         "optimizer": {"name": "adam", "learning_rate": 0.01, "batch_size": 10}},
        ADAM_FITS,
        (Variant("GD", {"optimizer": {"name": "gd", "learning_rate": 0.1}},
                 Promise(allowed=("underfitting",), bounds={"train_accuracy": (None, 0.7)})),
         Variant("SGD", {"optimizer": {"name": "sgd", "learning_rate": 0.1}},
                 Promise(allowed=("overfitting",), bounds={"train_accuracy": (0.85, None)})),
         Variant("Adam", {"optimizer": {"name": "adam", "learning_rate": 0.01}}, ADAM_FITS)),
    ),
    Experiment(
        "standardize", "gradients", 20,
        {"dataset": CIRCLE, "features": ["x1_sq", "x2_sq"], "hidden": layers(1, 4, "tanh"),
         "init": "xavier", "standardize": False,
         "optimizer": {"name": "sgd", "learning_rate": 0.03}},
        RAW_INPUTS,
        (Variant("raw", {"standardize": False}, RAW_INPUTS),
         Variant("standardized", {"standardize": True},
                 Promise(bounds={"last_saturation": (None, 0.25)}))),
        facts={"radius": CIRCLE_RADIUS, "square": CIRCLE_RADIUS ** 2},
    ),
    Experiment(
        "softmax", "inspector", 200,
        {"dataset": {"name": "blobs", "points": 300, "noise": 0.2, "classes": 3},
         "hidden": layers(1, 6, "tanh"), "init": "xavier",
         "optimizer": {"name": "sgd", "learning_rate": 0.1}},
        # Blobs overlap a little: some seeds end with a real rise of the validation loss.
        Promise(allowed=("overfitting",), bounds={"train_accuracy": (0.9, None)}),
    ),
    Experiment(
        "student", "inspector", 1,
        {"dataset": {"name": "student", "points": 4, "train_fraction": 0.9,
                     "validation_fraction": 0},
         "hidden": layers(1, 3, "sigmoid"), "init": "xavier",
         "optimizer": {"name": "gd", "learning_rate": 0.1, "batch_size": 4}},
        Promise(bounds={"loss_ratio": (None, 1.0)}),
    ),
    Experiment(
        # Two tanh units can draw XOR, but gradient descent from some initial weights ends in
        # a minimum that cuts one corner off: the cost is not convex (min to max >= 1.3x).
        "non_convexity", "experiments", 200,
        {"dataset": {"name": "xor", "noise": 0}, "hidden": layers(1, 2, "tanh"),
         "init": "xavier", "optimizer": {"name": "sgd", "learning_rate": 0.1}},
        Promise(allowed=("underfitting",)),
        seeds=10,
    ),
    Experiment(
        "lr_too_high", "experiments", 100,
        {"dataset": CIRCLE, "hidden": layers(2, 4, "tanh"), "init": "xavier",
         "optimizer": {"name": "sgd", "learning_rate": 10}},
        Promise(coach=("lr_too_high",)),
        (Variant("lr 10", {"optimizer": {"learning_rate": 10}}, Promise(coach=("lr_too_high",))),
         Variant("lr 0.1", {"optimizer": {"learning_rate": 0.1}},
                 Promise(bounds={"train_accuracy": (0.9, None)}))),
        group="pitfall",
    ),
    Experiment(
        "wrong_output", "experiments", 100,
        {"dataset": CIRCLE, "hidden": layers(2, 4, "tanh"), "init": "xavier",
         "output": {"activation": "relu", "loss": "bce"},
         "optimizer": {"name": "sgd", "learning_rate": 0.03}},
        Promise(coach=("output_mismatch",)),
        group="pitfall",
    ),
    Experiment(
        "wrong_loss", "experiments", 100,
        {"dataset": CIRCLE, "hidden": layers(2, 4, "tanh"), "init": "xavier",
         "output": {"activation": "sigmoid", "loss": "mse"},
         "optimizer": {"name": "sgd", "learning_rate": 0.03}},
        Promise(coach=("loss_mismatch",)),
        group="pitfall",
    ),
    Experiment(
        "underfitting", "experiments", 300,
        {"dataset": {"name": "spiral", "points": 400, "noise": 0, "classes": 2},
         "hidden": layers(1, 2, "tanh"), "init": "xavier",
         "optimizer": {"name": "adam", "learning_rate": 0.01}},
        Promise(coach=("underfitting",)),
        (Variant("1 × 2", {"hidden": layers(1, 2, "tanh")}, Promise(coach=("underfitting",))),
         Variant("3 × 8", {"hidden": layers(3, 8, "tanh")},
                 Promise(allowed=("overfitting",), bounds={"train_accuracy": (0.85, None)}))),
        group="pitfall",
    ),
]}
