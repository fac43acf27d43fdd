"""A session's model: data, split, network, trainer and renderer, built together from a config."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import datasets, diagnostics, optimizers
from engine.datasets import Dataset, Split
from engine.network import Network
from engine.scratch import Scratch
from engine.trainer import Trainer
from server import limits, protocol
from server.config import ProtocolError, normalized
from server.protocol import Config
from server.render import Renderer
from server.settings import Settings


@dataclass
class Model:
    """Everything rebuilt together when the architecture, init, data or features change."""

    config: Config
    dataset: Dataset
    split: Split
    net: Network
    trainer: Trainer
    renderer: Renderer
    imported: bool = False
    """Its weights come from an imported file: the epochs that trained them are the file's
    word, not this server's count (a challenge's epoch budget does not take it)."""


def optimizer_for(config: Config) -> optimizers.Optimizer:
    opt = config.optimizer
    extra: dict[str, float] = {}
    if opt.name == "momentum":
        extra = {"momentum": opt.momentum}
    elif opt.name == "adam":
        extra = {"beta1": opt.beta1, "beta2": opt.beta2}
    return optimizers.make(opt.name, learning_rate=opt.learning_rate, **extra)


def engine_error(error: ValueError, field: str) -> ProtocolError:
    return ProtocolError("invalid", f"{field}: {error}", field)


def build(config: Config, dataset: Dataset, settings: Settings,
          scratch: Scratch | None = None) -> Model:
    """A new network and trainer for config on dataset (raises ProtocolError, changes nothing)."""
    ds = config.dataset
    config = normalized(config, dataset.task)
    try:
        split = datasets.split(dataset, ds.train_fraction, ds.validation_fraction, seed=ds.seed)
    except ValueError as error:
        raise engine_error(error, "config.dataset.train_fraction") from None
    if split.train.m == 0:
        raise ProtocolError("invalid", "config.dataset.train_fraction: no training points",
                            "config.dataset.train_fraction")
    n_out = dataset.Y.shape[0]
    sizes = [len(config.features), *(h.units for h in config.hidden), n_out]
    names = [h.activation for h in config.hidden]
    names.append(config.output.resolved_activation or "sigmoid")
    norm = [h.batch_norm for h in config.hidden] + [False]
    try:
        net = Network(sizes, names, init=config.init, seed=config.seed, batch_norm=norm)
    except ValueError as error:
        raise engine_error(error, "config.hidden") from None
    try:
        trainer = Trainer(
            net, split, features=config.features, loss=config.output.resolved_loss,
            optimizer=optimizer_for(config), batch_size=config.optimizer.batch_size,
            regularization=config.regularization.kind, reg_rate=config.regularization.rate,
            seed=config.seed,
            metrics_dtype=np.float32,  # for the chart and the coach: a quarter of the cost
            metrics_scratch=scratch, standardize=config.standardize,
        )
    except ValueError as error:
        raise engine_error(error, "config.output") from None
    renderer = renderer_for(config, dataset, split, net, trainer, settings, scratch)
    return Model(config, dataset, split, net, trainer, renderer)


def renderer_for(config: Config, dataset: Dataset, split: Split, net: Network,
                 trainer: Trainer, settings: Settings, scratch: Scratch | None) -> Renderer:
    """The frames of net as config's view shows them."""
    return Renderer(net, trainer, split, config.features, dataset.task, config.init,
                    config.view.resolution, config.view.neuron_resolution,
                    settings.diagnostics_interval, scratch)


REVIVE_SLOWER = 10
"""Redraw divides the learning rate by this, as the coach's fix for a rate too high does: at
the step size that killed them, re-drawn neurons would die again."""


def revived(old: Model, settings: Settings, scratch: Scratch | None = None,
            rule: str = "redraw") -> Model:
    """old with its dead ReLUs brought back, its epoch kept (ProtocolError without a ReLU
    layer, or with `redraw` and no dead neuron).

    `redraw`: the dead neurons' incoming weights drawn again and their outgoing weights set
    to 0 (engine.diagnostics.redraw), every other weight kept, the learning rate divided by
    REVIVE_SLOWER. `leaky`: every hidden ReLU layer turned Leaky ReLU, every weight kept: a
    dead ReLU gets no gradient, a leaky one gets 1 % of it.
    """
    config = old.config
    if not any(layer.activation == "relu" for layer in config.hidden):
        raise ProtocolError("not_applicable", "config.hidden: no ReLU layer to revive",
                            "config.hidden")
    if rule == "leaky":
        hidden = [layer.model_copy(update={"activation": "leaky_relu"})
                  if layer.activation == "relu" else layer for layer in config.hidden]
        config = config.model_copy(update={"hidden": hidden})
    else:
        dead = diagnostics.dead_neurons(old.net, old.renderer.train_X)
        if not any(dead.values()):
            raise ProtocolError("not_applicable", "config.hidden: no dead ReLU neuron to "
                                "revive", "config.hidden")
        rate = max(limits.MIN_LEARNING_RATE, config.optimizer.learning_rate / REVIVE_SLOWER)
        config = config.model_copy(update={"optimizer": config.optimizer.model_copy(
            update={"learning_rate": rate})})
    model = build(config, old.dataset, settings, scratch)
    model.net.assign(old.net)
    model.trainer.epoch = old.trainer.epoch
    if rule != "leaky":
        # Seeded by the run's seed and epoch: the same run revives the same way every time.
        diagnostics.redraw(model.net, dead, np.random.default_rng([config.seed, old.trainer.epoch]))
    model.imported = old.imported
    return model


def generate(config: Config) -> Dataset:
    ds = config.dataset
    try:
        return datasets.make(ds.name, n=ds.points, noise=ds.noise, seed=ds.seed,
                             classes=ds.classes)
    except ValueError as error:
        raise engine_error(error, "config.dataset") from None


def point_set(part: Dataset) -> protocol.PointSet:
    return protocol.PointSet(x1=part.X[0].tolist(), x2=part.X[1].tolist(),
                             label=part.labels.astype(np.float64).tolist())
