"""One training session (one websocket): its config, data, network, trainer and what to send.

Everything here is synchronous and runs on the event loop's thread, between training slices,
so no lock is needed. Replies go to `outbox` (text messages, and FRAME where a frame must be
sent at that point); the runner's writer task sends them in order.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from engine import datasets, inspector, optimizers
from engine.datasets import Dataset, Split
from engine.features import transform
from engine.network import Network
from engine.trainer import Trainer
from server import catalog, limits, protocol
from server.config import ProtocolError, check, normalized, updated
from server.protocol import Config, MessageId
from server.render import Renderer
from server.settings import Settings

log = logging.getLogger(__name__)

FRAME = object()
"""Outbox marker: build and send a frame of the current state here."""
MAX_BACKLOG_SECONDS = 0.5
"""Slow motion never tries to catch up more than this much lost time."""


@dataclass
class Model:
    """Everything rebuilt together when the architecture, init, data or features change."""

    config: Config
    dataset: Dataset
    split: Split
    net: Network
    trainer: Trainer
    renderer: Renderer


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


def build(config: Config, dataset: Dataset, settings: Settings) -> Model:
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
    try:
        net = Network(sizes, names, init=config.init, seed=config.seed)
    except ValueError as error:
        raise engine_error(error, "config.hidden") from None
    try:
        trainer = Trainer(
            net, split, features=config.features, loss=config.output.resolved_loss,
            optimizer=optimizer_for(config), batch_size=config.optimizer.batch_size,
            regularization=config.regularization.kind, reg_rate=config.regularization.rate,
            seed=config.seed,
        )
    except ValueError as error:
        raise engine_error(error, "config.output") from None
    renderer = Renderer(net, trainer, split, config.features, dataset.task, config.init,
                        config.view.resolution, config.view.neuron_resolution,
                        settings.diagnostics_interval)
    return Model(config, dataset, split, net, trainer, renderer)


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


class Session:
    """The state of one connection. Handlers raise ProtocolError for anything not applicable."""

    def __init__(self, settings: Settings, wake: Callable[[], None] = lambda: None) -> None:
        self.id = uuid.uuid4().hex[:12]
        self.settings = settings
        self.wake = wake
        self.outbox: deque[str | object] = deque()
        self.state: protocol.State = "paused"
        self.custom: Dataset | None = None
        config = catalog.default_config()
        self.model = build(config, generate(config), settings)
        self.version = 0
        """Bumped on every change of what a frame shows."""
        self.sent_version = -1
        self.seq = 0
        self.step_left = 0
        self.step_id: MessageId = None
        self.epoch_seconds = 0.0
        self.busy = False
        """An epoch runs in a worker thread (epochs too long for one slice)."""
        self._estimate_epoch()
        self._pace_start = 0.0
        self._pace_epoch = 0
        self._best: tuple[int, float] | None = None
        self._history_seen = 0

    # ---------------------------------------------------------------------------- helpers

    @property
    def config(self) -> Config:
        return self.model.config

    @property
    def epoch(self) -> int:
        return self.model.trainer.epoch

    def send(self, message: protocol.ServerModel) -> None:
        self.outbox.append(message.model_dump_json())
        self.wake()

    def send_frame(self) -> None:
        self.outbox.append(FRAME)
        self.wake()

    def status(self, id: MessageId = None) -> None:
        message = None
        if self.state == "diverged":
            message = (f"Training {self.model.trainer.diverged or 'diverged'}: the learning rate "
                       f"{self.config.optimizer.learning_rate:g} is too large. Lower it, then "
                       "reset.")
        self.send(protocol.StatusMessage(id=id, state=self.state, epoch=self.epoch,
                                         message=message))

    def data_message(self, id: MessageId = None) -> protocol.DataMessage:
        split, full = self.model.split, self.model.dataset
        return protocol.DataMessage(
            id=id, task=full.task, classes=full.classes,  # type: ignore[arg-type]
            domain=tuple(float(x) for x in full.domain),  # type: ignore[arg-type]
            train=point_set(split.train), validation=point_set(split.validation),
            test=point_set(split.test),
        )

    def hello(self) -> None:
        self.send(protocol.HelloMessage(session=self.id, limits=limits.as_dict(),
                                        catalog=catalog.catalog(), config=self.config))
        self.send(self.data_message())
        self.status()
        self.send_frame()

    def _install(self, model: Model) -> None:
        self.model = model
        self.version += 1
        self.step_left = 0
        self._best, self._history_seen = None, 0
        if self.state == "diverged":
            self.state = "paused"
        self._restart_pace()
        self._estimate_epoch()

    def _estimate_epoch(self) -> None:
        """A first guess of an epoch's duration (about 20 µs per mini-batch step), replaced by
        the measured one after the first slice: decides whether the first epoch gets a thread."""
        config, m = self.config, self.model.split.train.m
        steps = 1 if config.optimizer.name == "gd" else math.ceil(m / config.optimizer.batch_size)
        self.epoch_seconds = steps * 2e-5

    def _restart_pace(self) -> None:
        self._pace_start, self._pace_epoch = time.monotonic(), self.epoch

    # ---------------------------------------------------------------------------- handlers

    def handle(self, message: protocol.ClientModel) -> None:
        """Apply one validated client message; raises ProtocolError (session unchanged)."""
        handler = getattr(self, "on_" + str(getattr(message, "type")))  # noqa: B009
        handler(message)

    def on_configure(self, message: protocol.ConfigureMessage) -> None:
        old = self.config
        new = updated(old, message.config)
        data_changed = new.dataset != old.dataset
        rebuild = data_changed or any(
            getattr(new, key) != getattr(old, key)
            for key in ("features", "hidden", "init", "seed")
        ) or (new.output.activation, new.output.loss) != (old.output.activation, old.output.loss)
        if data_changed and new.dataset.name == "custom" and self.custom is None:
            raise ProtocolError("not_applicable", "config.dataset.name: there are no custom "
                                "points yet; send add_points first", "config.dataset.name")
        if rebuild:
            dataset = self.model.dataset
            if data_changed:
                dataset = generate(new) if self.custom is None or new.dataset.name != "custom" \
                    else self.custom
            self._install(build(new, dataset, self.settings))
            self.send(protocol.ConfigMessage(id=message.id, config=self.config))
            if data_changed:
                self.send(self.data_message(message.id))
            self.status(message.id)
            self.send_frame()
            self.wake()
            return
        self._retune(old, normalized(new, self.model.dataset.task))
        self.send(protocol.ConfigMessage(id=message.id, config=self.config))
        self.send_frame()

    def _retune(self, old: Config, new: Config) -> None:
        """Optimizer, regularization and view changes keep the weights."""
        trainer = self.model.trainer
        try:
            if new.optimizer.name != old.optimizer.name or any(
                getattr(new.optimizer, k) != getattr(old.optimizer, k)
                for k in ("momentum", "beta1", "beta2")
            ):
                optimizer = optimizer_for(new)
                trainer.set_optimizer(optimizer)
            elif new.optimizer.learning_rate != old.optimizer.learning_rate:
                trainer.set_learning_rate(new.optimizer.learning_rate)
            if new.optimizer.batch_size != old.optimizer.batch_size:
                trainer.set_batch_size(new.optimizer.batch_size)
            if new.regularization != old.regularization:
                trainer.set_regularization(new.regularization.kind, new.regularization.rate)
        except ValueError as error:
            raise engine_error(error, "config.optimizer") from None
        model = self.model
        if (new.view.resolution, new.view.neuron_resolution) != (
            old.view.resolution, old.view.neuron_resolution
        ):
            model.renderer = Renderer(
                model.net, trainer, model.split, new.features, model.dataset.task, new.init,
                new.view.resolution, new.view.neuron_resolution,
                self.settings.diagnostics_interval,
            )
        if new.view.epochs_per_second != old.view.epochs_per_second:
            self._restart_pace()
        model.config = new
        self.version += 1
        if (new.optimizer.name, new.optimizer.batch_size) != (old.optimizer.name,
                                                             old.optimizer.batch_size):
            self._estimate_epoch()

    def on_play(self, message: protocol.PlayMessage) -> None:
        if self.state == "diverged":
            raise ProtocolError("not_applicable", "training diverged: lower the learning rate "
                                "and reset before playing again", None)
        self.step_left = 0
        if self.state != "playing":
            self.state = "playing"
            self._restart_pace()
        self.status(message.id)
        self.wake()

    def on_pause(self, message: protocol.PauseMessage) -> None:
        self.step_left = 0
        if self.state == "playing":
            self.state = "paused"
        self.status(message.id)
        if self.frame_due():
            self.send_frame()  # the last frame shows exactly the epoch the status reports

    def on_step(self, message: protocol.StepMessage) -> None:
        if self.state == "diverged":
            raise ProtocolError("not_applicable", "training diverged: lower the learning rate "
                                "and reset before stepping", None)
        self.state = "paused"
        self.step_left, self.step_id = message.epochs, message.id
        self.wake()

    def on_reset(self, message: protocol.ResetMessage) -> None:
        self._install(build(self.config, self.model.dataset, self.settings))
        self.status(message.id)
        self.send_frame()

    def on_set_weight(self, message: protocol.SetWeightMessage) -> None:
        net = self.model.net
        if not 1 <= message.layer <= net.L:
            raise ProtocolError("invalid", f"layer: expected 1..{net.L}", "layer")
        W, b = net.W[message.layer], net.b[message.layer]
        if message.row >= W.shape[0]:
            raise ProtocolError("invalid", f"row: expected 0..{W.shape[0] - 1}", "row")
        if message.bias == (message.col is not None):
            raise ProtocolError("invalid", "col: give either col or bias: true", "col")
        if message.bias:
            b[message.row, 0] = message.value
        else:
            assert message.col is not None
            if message.col >= W.shape[1]:
                raise ProtocolError("invalid", f"col: expected 0..{W.shape[1] - 1}", "col")
            W[message.row, message.col] = message.value
        self.version += 1
        self.send_frame()

    def on_add_points(self, message: protocol.AddPointsMessage) -> None:
        if (message.points is None) == (message.csv is None):
            raise ProtocolError("invalid", "points: give either points or csv", "points")
        current = self.model.dataset
        task = message.task or current.task
        classes = message.classes or (current.classes if task == "multiclass" else 2)
        field = "points" if message.points is not None else "csv"
        try:
            if message.points is not None:
                added = datasets.from_points([list(p) for p in message.points], task, classes)
            else:
                added = datasets.from_csv(message.csv or "", task, classes)
            if not message.replace:
                if current.task != task or current.classes != added.classes:
                    raise ProtocolError("not_applicable", f"{field}: these points are for a "
                                        f"{task} task but the data is {current.task}; "
                                        "use replace: true", field)
                rows = np.vstack([current.X, current.labels]).T.tolist()
                rows += np.vstack([added.X, added.labels]).T.tolist()
                added = datasets.from_points(rows, task, classes)
        except ValueError as error:
            raise ProtocolError("bad_data", str(error), field) from None
        if added.m < limits.MIN_POINTS:
            raise ProtocolError("bad_data", f"{field}: at least {limits.MIN_POINTS} points",
                                field)
        config = self.config.model_copy(update={
            "dataset": self.config.dataset.model_copy(update={"name": "custom"})})
        model = build(config, added, self.settings)
        self.custom = added
        self._install(model)
        self.send(protocol.ConfigMessage(id=message.id, config=self.config))
        self.send(self.data_message(message.id))
        self.status(message.id)
        self.send_frame()

    def export_payload(self) -> protocol.ExportPayload:
        net, ds = self.model.net, self.model.dataset
        points = np.vstack([ds.X, ds.labels.astype(np.float64)]).T
        return protocol.ExportPayload(
            epoch=self.epoch,
            config=self.config,
            model=protocol.ExportedModel(
                sizes=list(net.sizes), activations=list(net.activations),
                W=[net.W[l].tolist() for l in range(1, net.L + 1)],
                b=[net.b[l].ravel().tolist() for l in range(1, net.L + 1)],
            ),
            data=protocol.ExportedData(task=ds.task,  # type: ignore[arg-type]
                                       classes=ds.classes,
                                       points=[tuple(p) for p in points.tolist()]),
        )

    def on_export(self, message: protocol.ExportMessage) -> None:
        self.send(protocol.ExportReply(id=message.id, data=self.export_payload()))

    def on_import(self, message: protocol.ImportMessage) -> None:
        payload = message.data
        config = payload.config
        check(config)
        rows = [list(p) for p in payload.data.points]
        try:
            if config.dataset.name == "custom":
                dataset = datasets.from_points(rows, payload.data.task, payload.data.classes)
            else:
                dataset = generate(config)
                mine = np.vstack([dataset.X, dataset.labels.astype(np.float64)]).T
                if mine.shape != (len(rows), 3) or not np.array_equal(mine, np.array(rows)):
                    raise ProtocolError("bad_data", "data.data.points: the points are not "
                                        f"those of dataset {config.dataset.name!r} with this "
                                        "config; use dataset name 'custom'", "data.data.points")
        except ValueError as error:
            raise ProtocolError("bad_data", f"data.data.points: {error}",
                                "data.data.points") from None
        model = build(config, dataset, self.settings)
        self._load_weights(model.net, payload.model)
        model.trainer.epoch = payload.epoch
        if config.dataset.name == "custom":
            self.custom = dataset
        self._install(model)
        self.state = "paused"
        self.send(protocol.ConfigMessage(id=message.id, config=self.config))
        self.send(self.data_message(message.id))
        self.status(message.id)
        self.send_frame()

    @staticmethod
    def _load_weights(net: Network, exported: protocol.ExportedModel) -> None:
        if list(exported.sizes) != list(net.sizes):
            raise ProtocolError("bad_data", f"data.model.sizes: the config builds {net.sizes}, "
                                f"the model has {exported.sizes}", "data.model.sizes")
        if list(exported.activations) != list(net.activations):
            raise ProtocolError("bad_data", "data.model.activations: expected "
                                f"{net.activations}", "data.model.activations")
        for key, values in (("W", exported.W), ("b", exported.b)):
            if len(values) != net.L:
                raise ProtocolError("bad_data", f"data.model.{key}: expected {net.L} layers",
                                    f"data.model.{key}")
            for l in range(1, net.L + 1):
                target = net.W[l] if key == "W" else net.b[l]
                array = np.array(values[l - 1], dtype=np.float64)
                if key == "b":
                    array = array.reshape(-1, 1) if array.ndim == 1 else array
                if array.shape != target.shape:
                    field = f"data.model.{key}.{l - 1}"
                    raise ProtocolError("bad_data", f"{field}: expected shape {target.shape}, "
                                        f"got {array.shape}", field)
                target[...] = array

    def on_inspect(self, message: protocol.InspectMessage) -> None:
        train, net = self.model.split.train, self.model.net
        k = min(message.sample_limit, train.m)
        X = transform(train.X[:, :k], self.config.features).astype(np.float64)
        loss = self.config.output.resolved_loss or "mse"
        with np.errstate(all="ignore"):
            trace = inspector.inspect(cast(inspector.Net, net), X, train.Y[:, :k], loss)
        self.send(protocol.InspectionMessage(
            id=message.id, loss=trace.loss, cost=_finite(trace.J), X=_matrix(trace.X),
            Y=_matrix(trace.Y), Y_hat=_matrix(trace.Y_hat),
            layers=[protocol.InspectedLayer(
                l=t.l, activation=t.activation, W=_matrix(t.W), b=_matrix(t.b),
                Z=_matrix(t.Z), A=_matrix(t.A), dZ=_matrix(t.dZ), dW=_matrix(t.dW),
                db=_matrix(t.db)) for t in trace.layers],
        ))

    # ---------------------------------------------------------------------------- training

    def training_delay(self, now: float) -> float | None:
        if self.busy:
            return None
        if self.step_left > 0:
            return 0.0
        if self.state != "playing":
            return None
        pace = self.config.view.epochs_per_second
        if pace <= 0:
            return 0.0
        elapsed = now - self._pace_start
        if elapsed > MAX_BACKLOG_SECONDS + (self.epoch - self._pace_epoch) / pace:
            self._pace_start = now - MAX_BACKLOG_SECONDS
            self._pace_epoch = self.epoch
            elapsed = MAX_BACKLOG_SECONDS
        due = (self.epoch - self._pace_epoch + 1) / pace
        return max(0.0, due - elapsed)

    def plan(self, budget: float) -> tuple[Trainer, int]:
        """The trainer and how many epochs to run in the next slice of about `budget` s."""
        want = max(1, int(budget / self.epoch_seconds)) if self.epoch_seconds > 0 else 1
        if self.step_left > 0:
            want = min(want, self.step_left)
        elif self.config.view.epochs_per_second > 0:
            pace = self.config.view.epochs_per_second
            due = math.floor((time.monotonic() - self._pace_start) * pace)
            want = max(1, min(want, due - (self.epoch - self._pace_epoch)))
        return self.model.trainer, want

    @staticmethod
    def run(trainer: Trainer, epochs: int, budget: float) -> tuple[int, float]:
        """Train (touches only the trainer: safe in a worker thread); (epochs run, CPU seconds).

        CPU time of this thread, not wall time: on a busy machine the wall time of an epoch
        says more about the other processes than about the epoch.
        """
        start = time.thread_time()
        ran = trainer.run(epochs, max_seconds=budget)
        return ran, time.thread_time() - start

    def trained(self, trainer: Trainer, ran: int, seconds: float) -> None:
        """Bookkeeping after `run`, on the event loop: frames, statuses, step counting."""
        if trainer is not self.model.trainer:
            return  # the network was rebuilt meanwhile
        if ran:
            self.epoch_seconds = seconds / ran
            self.version += 1
        if trainer.diverged is not None:
            if self.state != "diverged":
                self.state, self.step_left = "diverged", 0
                log.info("session %s %s", self.id, trainer.diverged)
                self.send_frame()
                self.status(self.step_id)
            return
        if self.step_left > 0:
            self.step_left -= ran
            if self.step_left <= 0:
                self.step_left = 0
                self.send_frame()
                self.status(self.step_id)
        elif self.state != "playing" and ran:
            self.status()  # a pause arrived while a threaded epoch ran: the epoch moved on
        self.wake()

    def train_slice(self, budget: float) -> None:
        """Plan, run and account for one slice on the calling thread."""
        trainer, epochs = self.plan(budget)
        self.trained(trainer, *self.run(trainer, epochs, budget))

    def training_failed(self, error: Exception) -> None:
        self.state, self.step_left = "paused", 0
        self.send(protocol.ErrorMessage(code="internal", message=f"training failed: {error}",
                                        field=None))
        self.status()

    # ---------------------------------------------------------------------------- frames

    def frame_due(self) -> bool:
        """A new frame would show something new."""
        return self.version != self.sent_version

    def _best_validation_epoch(self) -> int | None:
        history = self.model.trainer.history
        for entry in history[self._history_seen:]:
            value = entry.get("validation_loss")
            if value is not None and (self._best is None or value < self._best[1]):
                self._best = (int(entry["epoch"]), float(value))
        self._history_seen = len(history)
        return self._best[0] if self._best is not None else None

    def frame(self) -> bytes:
        """The current state as one frame; records the metrics in the trainer's history."""
        model = self.model
        metrics = model.trainer.record()
        metrics = {k: v for k, v in metrics.items() if k != "epoch"}
        model.renderer.refresh_diagnostics(
            self.version, self.state == "playing", self.config.optimizer.learning_rate,
            self.config.output.resolved_loss or "mse")
        self.seq += 1
        self.sent_version = self.version
        return model.renderer.frame(self.seq, self.state, metrics, self._best_validation_epoch())


def _finite(x: float) -> float:
    return x if math.isfinite(x) else float("nan")


def _matrix(array: Any) -> protocol.Matrix:
    a = np.atleast_2d(np.asarray(array, dtype=np.float64))
    return protocol.Matrix(shape=list(a.shape), values=a.tolist())
