"""One trial: an ordinary training run (Network + Trainer) of one config, scored on validation.

The trial never sees the test split: `run_trial` trains on a copy of the split whose test part
is empty, so nothing it returns (nor the search's choice of the best) can depend on test data.
`score_on_test` scores the chosen best on the test split afterwards, from its final weights.
"""

from __future__ import annotations

import base64
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from engine import losses, optimizers
from engine.datasets import Dataset, Split
from engine.grid import GridEvaluator
from engine.network import Network
from engine.search.space import TrialConfig
from engine.trainer import Trainer

THUMBNAIL = 32
"""Thumbnails are THUMBNAIL × THUMBNAIL pixels of the decision boundary."""
CURVE_POINTS = 50
"""A trial's validation curve keeps about this many points."""
STOP_CHECK_SECONDS = 0.05
"""A trial asks whether to stop at least this often (between two mini-batches)."""


class Stopped(Exception):
    """The search was stopped while this trial (or stack of trials) trained."""


def never() -> bool:
    return False


@dataclass
class TrialResult:
    """What one trial did (the JSON-safe record a study keeps for it)."""

    config: dict[str, Any]
    seed: int
    epochs: int
    curve: list[tuple[int, float | None]]
    """(epoch, validation loss) every few epochs, from epoch 0 to the last."""
    train_loss: float | None
    train_accuracy: float | None
    val_loss: float | None
    val_accuracy: float | None
    diverged: str | None
    params: int
    seconds: float
    thumbnail: str
    """Base64 of THUMBNAIL² bytes, row 0 at the top: ŷ in 0..255 (binary: 255·ŷ; regression:
    255·(ŷ + 1)/2), or the predicted class index for multiclass."""
    weights: dict[str, Any]
    """The final network, as Network.to_dict()."""

    def as_dict(self) -> dict[str, Any]:
        """The fields as a dict, sharing their values: they are JSON-safe already, and a deep
        copy of the weights (dataclasses.asdict) costs milliseconds per trial."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrialResult:
        d = dict(d)
        d["curve"] = [tuple(point) for point in d["curve"]]
        return cls(**d)

    def score(self, objective: str) -> float:
        """The value the search minimizes (loss) or maximizes (accuracy); a diverged or
        unscored trial is the worst possible."""
        value = self.val_loss if objective == "loss" else self.val_accuracy
        if self.diverged is not None or value is None:
            return float("inf") if objective == "loss" else float("-inf")
        return value


def without_test(split: Split) -> Split:
    """The split with an empty test part: what every trial trains and scores on."""
    empty = split.test.subset(np.arange(0))
    return Split(split.train, split.validation, empty, split.full)


def build(config: TrialConfig, split: Split) -> tuple[Network, Trainer]:
    """The network and trainer a standalone run of config uses (one width for every layer)."""
    task = split.train.task
    out_activation, loss = losses.default_for(task)
    sizes = [len(config.features), *([config.units] * config.layers), split.train.Y.shape[0]]
    net = Network(sizes, [config.activation] * config.layers + [out_activation],
                  init=config.init, seed=config.seed)
    trainer = Trainer(net, split, features=config.features, loss=loss,
                      optimizer=optimizers.make(config.optimizer,
                                                learning_rate=config.learning_rate),
                      batch_size=config.batch_size, regularization=config.regularization,
                      reg_rate=config.reg_rate, seed=config.seed)
    return net, trainer


def run_trial(config: TrialConfig, split: Split, epochs: int,
              should_stop: Callable[[], bool] = never) -> TrialResult:
    """Train config for `epochs` epochs on split.train; metrics on split.validation only.
    Raises Stopped when should_stop() (asked every STOP_CHECK_SECONDS, even mid-epoch)."""
    if split.validation.m == 0:
        raise ValueError("split.validation: a search scores trials on validation data; "
                         "give a validation fraction above 0")
    start = time.perf_counter()
    split = without_test(split)
    net, trainer = build(config, split)
    every = max(1, math.ceil(epochs / CURVE_POINTS))
    curve: list[tuple[int, float | None]] = [(0, trainer.metrics()["validation_loss"])]
    per_epoch = trainer.batches_per_epoch
    while trainer.epoch < epochs and trainer.diverged is None:
        target = min(trainer.epoch + every, epochs)
        while trainer.epoch < target and trainer.diverged is None:
            if should_stop():
                raise Stopped
            trainer.train_for(STOP_CHECK_SECONDS,
                              (target - trainer.epoch) * per_epoch - trainer.position)
        if trainer.epoch > curve[-1][0]:
            curve.append((trainer.epoch, trainer.metrics()["validation_loss"]))
    return result_of(config, net, trainer, curve, time.perf_counter() - start, split)


def result_of(config: TrialConfig, net: Network, trainer: Trainer,
              curve: list[tuple[int, float | None]], seconds: float, split: Split
              ) -> TrialResult:
    """The record of a trained trial (its final metrics, thumbnail and weights)."""
    metrics = trainer.metrics()
    return TrialResult(
        config=config.as_dict(), seed=config.seed, epochs=trainer.epoch, curve=curve,
        train_loss=metrics["train_loss"], train_accuracy=metrics["train_accuracy"],
        val_loss=metrics["validation_loss"], val_accuracy=metrics["validation_accuracy"],
        diverged=trainer.diverged, params=net.num_params(), seconds=seconds,
        thumbnail=thumbnail(net, config, split.train), weights=net.to_dict())


def thumbnail(net: Network, config: TrialConfig, data: Dataset) -> str:
    """The decision boundary at THUMBNAIL² pixels, quantized to one byte each (base64)."""
    grid = GridEvaluator(net, config.features, data.domain, resolution=THUMBNAIL,
                         neuron_resolution=1).evaluate().output
    with np.errstate(invalid="ignore"):
        if data.task == "multiclass":
            pixels = np.argmax(grid, axis=0)
        else:
            y = grid[0] if data.task == "binary" else (grid[0] + 1) / 2
            pixels = np.rint(np.clip(np.nan_to_num(y, nan=0.5), 0, 1) * 255)
    return base64.b64encode(pixels.astype(np.uint8).tobytes()).decode("ascii")


def score_on_test(result: TrialResult, split: Split) -> dict[str, float | None]:
    """The trial's final network scored on the test split: {"test_loss", "test_accuracy"}."""
    config = TrialConfig.from_dict(result.config)
    net, trainer = build(config, split)
    net.params.flat[...] = Network.from_dict(result.weights).params.flat
    metrics = trainer.metrics()
    return {"test_loss": metrics["test_loss"], "test_accuracy": metrics["test_accuracy"]}
