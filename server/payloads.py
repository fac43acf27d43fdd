"""What crosses the socket besides frames: user points, export/import, the matrix inspector."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from engine import datasets, inspector, timing
from engine.datasets import Dataset
from engine.features import transform
from engine.network import NORM_KEYS, Network
from engine.scratch import Scratch
from server import limits, protocol
from server.config import ProtocolError, check
from server.model import Model, build, generate
from server.settings import Settings


def _rows(ds: Dataset) -> list[list[float]]:
    """The points as [x1, x2, label] rows, in the dataset's order."""
    rows: list[list[float]] = np.vstack([ds.X, ds.labels.astype(np.float64)]).T.tolist()
    return rows


def added_points(current: Dataset, message: protocol.AddPointsMessage) -> Dataset:
    """The dataset after `add_points` (raises ProtocolError naming `points` or `csv`)."""
    if (message.points is None) == (message.csv is None):
        raise ProtocolError("invalid", "points: give either points or csv", "points")
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
            added = datasets.from_points(_rows(current) + _rows(added), task, classes)
    except ValueError as error:
        raise ProtocolError("bad_data", str(error), field) from None
    if added.m < limits.MIN_POINTS:
        raise ProtocolError("bad_data", f"{field}: at least {limits.MIN_POINTS} points", field)
    return added


def export_payload(model: Model) -> protocol.ExportPayload:
    """Config, exact weights and points of a session (floats in their shortest exact form)."""
    net, ds = model.net, model.dataset
    return protocol.ExportPayload(
        epoch=model.trainer.epoch,
        config=model.config,
        model=protocol.ExportedModel(
            sizes=list(net.sizes), activations=list(net.activations),
            W=[net.W[l].tolist() for l in range(1, net.L + 1)],
            b=[net.b[l].ravel().tolist() for l in range(1, net.L + 1)],
            batch_norm=[_exported_norm(net, l) for l in range(1, net.L + 1)]
            if any(net.batch_norm) else None,
        ),
        data=protocol.ExportedData(task=ds.task,  # type: ignore[arg-type]
                                   classes=ds.classes,
                                   points=[(r[0], r[1], r[2]) for r in _rows(ds)]),
    )


def _exported_norm(net: Network, l: int) -> protocol.ExportedNorm | None:
    if not net.normalizes(l):
        return None
    return protocol.ExportedNorm(**{key: getattr(net, key)[l].ravel().tolist()
                                    for key in NORM_KEYS})


def imported_dataset(payload: protocol.ExportPayload) -> Dataset:
    """The dataset of an export payload: its own points for `custom`, else regenerated and
    checked against them (raises ProtocolError with field `data.data.points`). Without points,
    a generated dataset is regenerated from the config (a link with weights leaves them out)."""
    config, field = payload.config, "data.data.points"
    if payload.data is None:
        if config.dataset.name == "custom":
            raise ProtocolError("bad_data", f"{field}: custom data needs its points", field)
        return generate(config)
    rows = [list(p) for p in payload.data.points]
    try:
        if config.dataset.name == "custom":
            return datasets.from_points(rows, payload.data.task, payload.data.classes)
    except ValueError as error:
        raise ProtocolError("bad_data", f"{field}: {error}", field) from None
    dataset = generate(config)
    mine = np.vstack([dataset.X, dataset.labels]).T
    if mine.shape != (len(rows), 3) or not np.array_equal(mine, np.array(rows)):
        raise ProtocolError("bad_data", f"{field}: the points are not those of dataset "
                            f"{config.dataset.name!r} with this config; use dataset name "
                            "'custom'", field)
    return dataset


def imported_model(payload: protocol.ExportPayload, settings: Settings,
                   scratch: Scratch | None = None) -> Model:
    """The model of an export payload: config, data, weights, running statistics and epoch
    restored bit for bit (raises ProtocolError naming the field)."""
    check(payload.config)
    model = build(payload.config, imported_dataset(payload), settings, scratch)
    load_weights(model.net, payload.model)
    model.trainer.epoch = payload.epoch
    return model


def load_weights(net: Network, exported: protocol.ExportedModel) -> None:
    """Copy exported weights into net, checking every shape (ProtocolError names the field)."""
    if list(exported.sizes) != list(net.sizes):
        raise ProtocolError("bad_data", f"data.model.sizes: the config builds {net.sizes}, "
                            f"the model has {exported.sizes}", "data.model.sizes")
    if list(exported.activations) != list(net.activations):
        raise ProtocolError("bad_data", f"data.model.activations: expected {net.activations}",
                            "data.model.activations")
    for key, values in (("W", exported.W), ("b", exported.b)):
        if len(values) != net.L:
            raise ProtocolError("bad_data", f"data.model.{key}: expected {net.L} layers",
                                f"data.model.{key}")
        for l in range(1, net.L + 1):
            target = net.W[l] if key == "W" else net.b[l]
            field = f"data.model.{key}.{l - 1}"
            try:
                array = np.array(values[l - 1], dtype=np.float64)
            except ValueError:  # ragged: rows of different lengths
                raise ProtocolError("bad_data", f"{field}: rows of different lengths; expected "
                                    f"shape {target.shape}", field) from None
            if key == "b" and array.ndim == 1:
                array = array.reshape(-1, 1)
            if array.shape != target.shape:
                raise ProtocolError("bad_data", f"{field}: expected shape {target.shape}, "
                                    f"got {array.shape}", field)
            target[...] = array
    _load_norms(net, exported.batch_norm)


def _load_norms(net: Network, norms: list[protocol.ExportedNorm | None] | None) -> None:
    """γ, β and the running statistics of each normalized layer (an export made before batch
    normalization existed has none, and its config normalizes no layer)."""
    field = "data.model.batch_norm"
    if norms is None:
        norms = [None] * net.L
    if len(norms) != net.L:
        raise ProtocolError("bad_data", f"{field}: expected {net.L} layers", field)
    for l in range(1, net.L + 1):
        norm, where = norms[l - 1], f"{field}.{l - 1}"
        if (norm is None) != (not net.normalizes(l)):
            expected = "the layer's batch normalization" if net.normalizes(l) else "null"
            raise ProtocolError("bad_data", f"{where}: expected {expected}", where)
        if norm is None:
            continue
        for key in NORM_KEYS:
            values = np.array(getattr(norm, key), dtype=np.float64).reshape(-1, 1)
            target = getattr(net, key)[l]
            if values.shape != target.shape:
                raise ProtocolError("bad_data", f"{where}.{key}: expected {target.shape[0]} "
                                    f"values, got {values.shape[0]}", f"{where}.{key}")
            if key == "running_var" and (values < 0).any():
                raise ProtocolError("bad_data", f"{where}.{key}: a variance is never "
                                    "negative", f"{where}.{key}")
            target[...] = values


def inspection(model: Model, sample_limit: int,
               id: protocol.MessageId) -> protocol.InspectionMessage:
    """One forward and backward pass on the first training points, every matrix shown."""
    train, net, config = model.split.train, model.net, model.config
    k = min(sample_limit, train.m)
    X = transform(train.X[:, :k], config.features,
                  scaling=model.trainer.scaling).astype(np.float64)
    loss = config.output.resolved_loss or "mse"
    with np.errstate(all="ignore"):
        trace = inspector.inspect(net, X, train.Y[:, :k], loss)
    return protocol.InspectionMessage(
        id=id, loss=trace.loss, cost=trace.J if math.isfinite(trace.J) else math.nan,
        X=_matrix(trace.X), Y=_matrix(trace.Y), Y_hat=_matrix(trace.Y_hat),
        layers=[protocol.InspectedLayer(
            l=t.l, activation=t.activation, W=_matrix(t.W), b=_matrix(t.b), Z=_matrix(t.Z),
            A=_matrix(t.A), dZ=_matrix(t.dZ), dW=_matrix(t.dW), db=_matrix(t.db),
            batch_norm=None if t.norm is None else protocol.InspectedNorm(
                gamma=_matrix(t.norm.gamma), beta=_matrix(t.norm.beta), mu=_matrix(t.norm.mu),
                sigma=_matrix(t.norm.sigma), Z_tilde=_matrix(t.norm.Z_tilde),
                dgamma=_matrix(t.norm.dgamma), dbeta=_matrix(t.norm.dbeta)))
            for t in trace.layers],
    )


def forward_timing(model: Model, id: protocol.MessageId) -> protocol.ForwardTimingMessage:
    """The loop over the training examples against the vectorized pass, on the same network."""
    train, config = model.split.train, model.config
    X = transform(train.X, config.features, scaling=model.trainer.scaling).astype(np.float64)
    with np.errstate(all="ignore"):
        timed = timing.time_forward(model.net, X)
    return protocol.ForwardTimingMessage(
        id=id, examples=timed.examples, loop_ms=timed.loop_seconds * 1000,
        vectorized_ms=timed.vectorized_seconds * 1000,
        max_difference=timed.max_difference if math.isfinite(timed.max_difference) else math.nan)


def _matrix(array: Any) -> protocol.Matrix:
    a = np.atleast_2d(np.asarray(array, dtype=np.float64))
    return protocol.Matrix(shape=list(a.shape), values=a.tolist())
