"""Rehearsal: an experiment run offline exactly as the page runs it, to check what it shows.

`rehearse(patch, epochs, seed)` builds the session's model for the default config with `patch`
merged in (as the Experiments menu does), trains it epoch by epoch as the card's Train button
does, and refreshes the frame diagnostics and the coach after every epoch, as the frames of a
step do. `nudge` multiplies every initial weight by (1 + nudge·ε), ε ~ N(0, 1): a relative 1e-9
stands in for another CPU, whose matrix kernels differ from this one's in the last bits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from engine import diagnostics
from server import catalog
from server.config import SERVER_SET, merge
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
