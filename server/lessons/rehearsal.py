"""Rehearsal: an experiment run offline exactly as the page runs it, to check what it shows.

`rehearse(patch, epochs, seed)` builds the session's model for the default config with `patch`
merged in (as the Experiments menu does), trains it epoch by epoch as the card's Train button
does, and refreshes the frame diagnostics and the coach after every epoch, as the frames of a
step do. `nudge` multiplies every initial weight by (1 + nudge·ε), ε ~ N(0, 1): a relative 1e-9
stands in for another CPU, whose matrix kernels differ from this one's in the last bits.
`measures` are the numbers a promise bounds, and `broken` says what a run did not keep of one.

Checking code: the tests and the benches use it; no module that serves the page imports it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from engine import diagnostics, inspector, timing
from engine.features import transform
from server import catalog
from server.config import SERVER_SET, merge
from server.lessons.experiments import REVIVED_ACTIVE, Promise
from server.model import Model, build, generate, revived
from server.protocol import Config
from server.settings import Settings


@dataclass
class Rehearsal:
    """The end of a rehearsed run: the model, its history and what the coach said."""

    model: Model
    coach: list[dict[str, Any]]
    layers: dict[str, Any]
    """The last frame's per-layer diagnostics (see docs/protocol.md, `diagnostics.layers`)."""
    start: npt.NDArray[np.float64]
    """W[1] before the run."""
    revived: dict[int, list[int]] = field(default_factory=dict)
    """The neurons a Revive before the run re-drew, {l: [j, ...]}."""

    @property
    def history(self) -> list[dict[str, Any]]:
        return self.model.trainer.history

    @property
    def codes(self) -> set[str]:
        return {advice["code"] for advice in self.coach}

    def reasons(self, code: str) -> set[str]:
        return {str(a["params"].get("reason")) for a in self.coach if a["code"] == code}


def config_for(patch: dict[str, Any], seed: int | None = None) -> Config:
    """The default config with patch merged in; `seed` sets both the data and the weights."""
    base = catalog.default_config().model_dump()
    for key in SERVER_SET:
        base["output"].pop(key, None)
    full = merge(base, patch)
    if seed is not None:
        full = merge(full, {"seed": seed, "dataset": {"seed": seed}})
    return Config.model_validate(full)


def rehearse(patch: dict[str, Any], epochs: int, seed: int | None = None, nudge: float = 0.0,
             settings: Settings | None = None) -> Rehearsal:
    """Train the experiment config `patch` for `epochs` epochs (or until it diverges)."""
    config = config_for(patch, seed)
    model = build(config, generate(config), settings or Settings())
    if nudge:
        theta = model.net.params.flat
        noise = np.random.default_rng(seed).standard_normal(theta.shape)
        theta *= 1.0 + nudge * noise
    return _train(model, epochs)


def _train(model: Model, epochs: int) -> Rehearsal:
    """Train model `epochs` epochs more, recording and diagnosing after each, as a step does."""
    trainer, renderer = model.trainer, model.renderer
    W1 = model.net.W[1].copy()
    lr = model.config.optimizer.learning_rate
    loss = model.config.output.resolved_loss or "mse"
    start = trainer.epoch
    trainer.record()
    renderer.refresh_diagnostics(start, False, lr, loss)
    for epoch in range(start + 1, start + epochs + 1):
        trainer.run(1)
        trainer.record()
        renderer.refresh_diagnostics(epoch, False, lr, loss)
        if trainer.diverged:
            break
    diag = renderer.diagnostics
    return Rehearsal(model, diag["coach"], diag["diagnostics"]["layers"], W1)


def revive(rehearsal: Rehearsal, epochs: int, settings: Settings | None = None,
           rule: str = "redraw") -> Rehearsal:
    """The page's Revive (see server.model.revived), then `epochs` more."""
    old = rehearsal.model
    dead = diagnostics.dead_neurons(old.net, old.renderer.train_X)
    model = revived(old, settings or Settings(), rule=rule)
    after = _train(model, epochs)
    after.revived = {l: js for l, js in dead.items() if js} if rule == "redraw" else {}
    return after


# --------------------------------------------------------------------------------- measures

TARGET_ACCURACY = 0.95
"""`first_at_target`'s test accuracy (the first sight's promise: tests/server/promises.py)."""


def _layer_values(rehearsal: Rehearsal, key: str) -> list[float]:
    layers_ = rehearsal.layers
    return [float(layers_[l][key]) if layers_[l][key] is not None else math.nan
            for l in sorted(layers_, key=int)]


def final(rehearsal: Rehearsal, key: str) -> float:
    """The last finite value of a history metric (NaN if there is none)."""
    for entry in reversed(rehearsal.history):
        value = entry.get(key)
        if value is not None and math.isfinite(value):
            return float(value)
    return math.nan


def _first_loss(rehearsal: Rehearsal) -> float:
    for entry in rehearsal.history:
        value = entry.get("train_loss")
        if value is not None and math.isfinite(value):
            return float(value)
    return math.nan


def measures(rehearsal: Rehearsal, keys: Iterable[str] | None = None) -> dict[str, float]:
    """The numbers a promise can bound, at the end of the run (`keys`: only those wanted;
    one_sign_rows, which takes 16 more passes, is computed only when asked for or by default).

    train_accuracy, test_accuracy: the last recorded; loss_ratio: last / first train loss;
    dead_share: dead ReLUs / hidden units; last_saturation: saturated share of the last
    hidden layer; spread_ratio: std of the last hidden layer / std of the first;
    gradient_ratio: ‖dW[1]‖ / ‖dW[L-1]‖ (hidden layers); diverged: 1 or 0;
    overfit_rise: (last - best) / best validation loss; first_layer_moved: ‖W[1] - W[1] at
    the start‖ (Frobenius); first_layer_change: the same, divided by ‖W[1] at the start‖;
    first_at_target: the first epoch whose test accuracy reached TARGET_ACCURACY (NaN
    if none did); one_sign_rows: see `one_sign_rows`; revived_active: the share of the
    neurons a Revive re-drew that are active on at least REVIVED_ACTIVE of the training points
    (NaN without a Revive); train_loss: the last recorded; loss_gap: the last validation
    loss minus the last training loss; loop_difference: max |Ŷ| difference between
    the course's loop over examples and the vectorized pass, on the training points.
    """
    model = rehearsal.model
    hidden = sum(model.net.sizes[1:-1]) or 1
    dead = sum(len(js) for js in rehearsal.model.renderer.diagnostics["dead"].values())
    std = _layer_values(rehearsal, "std") or [math.nan]
    saturation = _layer_values(rehearsal, "saturation") or [math.nan]
    grads = _layer_values(rehearsal, "grad_norm") or [math.nan]
    validation = [e["validation_loss"] for e in rehearsal.history
                  if e.get("validation_loss") is not None]
    best = min(validation) if validation else math.nan
    moved = float(np.linalg.norm(model.net.W[1] - rehearsal.start))
    start = float(np.linalg.norm(rehearsal.start))
    return {
        "train_accuracy": final(rehearsal, "train_accuracy"),
        "test_accuracy": final(rehearsal, "test_accuracy"),
        "loss_ratio": final(rehearsal, "train_loss") / _first_loss(rehearsal),
        "dead_share": dead / hidden,
        "last_saturation": saturation[-1],
        "spread_ratio": std[-1] / std[0] if std[0] else math.nan,
        "gradient_ratio": grads[0] / grads[-1] if grads[-1] else math.nan,
        "diverged": 1.0 if model.trainer.diverged else 0.0,
        "overfit_rise": (validation[-1] - best) / best if validation and best else math.nan,
        "first_layer_moved": moved,
        "first_layer_change": moved / start if start else math.nan,
        "one_sign_rows": one_sign_rows(rehearsal)
        if keys is None or "one_sign_rows" in keys else math.nan,
        "revived_active": revived_active(rehearsal),
        "train_loss": final(rehearsal, "train_loss"),
        "loss_gap": final(rehearsal, "validation_loss") - final(rehearsal, "train_loss"),
        "loop_difference": loop_difference(rehearsal)
        if keys is None or "loop_difference" in keys else math.nan,
        "first_at_target": next((float(e["epoch"]) for e in rehearsal.history
                                 if (e.get("test_accuracy") or 0.0) >= TARGET_ACCURACY),
                                math.nan),
    }


def revived_active(rehearsal: Rehearsal) -> float:
    """The share of the re-drawn neurons active on REVIVED_ACTIVE of the points or more."""
    revived = [(l, j) for l, js in rehearsal.revived.items() for j in js]
    if not revived:
        return math.nan
    share = {int(l): layer["active_share"] for l, layer in rehearsal.layers.items()}
    return sum(float(share[l][j] or 0.0) >= REVIVED_ACTIVE for l, j in revived) / len(revived)


def loop_difference(rehearsal: Rehearsal) -> float:
    """The largest difference between the outputs of the course's forwardPassIterative (one
    training example at a time) and of the vectorized pass (all at once)."""
    model = rehearsal.model
    X = transform(model.split.train.X, model.config.features, scaling=model.trainer.scaling)
    return timing.time_forward(model.net, X, repeats=1).max_difference


def one_sign_rows(rehearsal: Rehearsal, examples: int = 16) -> float:
    """The course's zigzag effect: the share of the rows of dW[2], computed on one training
    example at a time (the first `examples`), whose entries all have the same sign. With
    positive A[1] (sigmoid, ReLU) it is 1: dW[2] row j = dz_j A[1]ᵀ. NaN without two hidden
    layers."""
    model = rehearsal.model
    if model.net.L < 3:
        return math.nan
    X = transform(model.split.train.X, model.config.features, scaling=model.trainer.scaling)
    Y, loss = model.split.train.Y, model.config.output.resolved_loss or "mse"
    single = total = 0
    for i in range(min(examples, X.shape[1])):
        dW = inspector.inspect(model.net, X[:, i:i + 1], Y[:, i:i + 1], loss).layers[1].dW
        for row in dW:
            signs = np.sign(row[row != 0])
            single += int(signs.size == 0 or bool((signs == signs[0]).all()))
            total += 1
    return single / total


def broken(promise: Promise, rehearsal: Rehearsal) -> list[str]:
    """What the run did not show of the promise, in words (empty: the promise is kept)."""
    codes = rehearsal.codes
    out = [f"the coach does not name {code}" for code in promise.coach if code not in codes]
    out += [f"the coach names {code}" for code in sorted(codes)
            if code not in promise.coach and code not in promise.allowed]
    values = measures(rehearsal, promise.bounds)
    for key, (low, high) in promise.bounds.items():
        value = values[key]
        if math.isnan(value) or (low is not None and value < low) \
                or (high is not None and value > high):
            out.append(f"{key} = {value:.4g}, expected within [{low}, {high}]")
    return out
