"""A student's gallery card, built by the student's own process from its session, and as the
teacher's gallery shows it."""

from __future__ import annotations

import base64
import time
from typing import TYPE_CHECKING, Any

import numpy as np

from engine.grid import GridEvaluator
from server import protocol
from server.frames import finite_or_none
from server.rooms.room import Student

if TYPE_CHECKING:
    from server.session import Session

THUMBNAIL = 32
"""The gallery's pictures: 32x32 cells of the decision boundary, one byte each."""


class Thumbnailer:
    """The decision boundary of a session's network at THUMBNAIL² cells: its own small grid
    evaluator (rebuilt when the network is), sharing the session's grid working memory."""

    def __init__(self) -> None:
        self.grid: GridEvaluator | None = None

    def __call__(self, session: Session) -> str:
        model = session.model
        domain = model.dataset.domain
        if self.grid is None or not self.grid.matches(model.net, model.config.features, domain):
            self.grid = GridEvaluator(model.net, model.config.features, domain,
                                      resolution=THUMBNAIL, neuron_resolution=1,
                                      scratch=session.scratch, scaling=model.trainer.scaling)
        output = self.grid.evaluate().output
        task, classes = model.dataset.task, output.shape[0]
        with np.errstate(invalid="ignore"):
            if task == "multiclass" and classes > 1:
                pixels = np.argmax(np.nan_to_num(output, nan=0.0), axis=0) * (255 / (classes - 1))
            else:
                y = output[0] if task != "regression" else (output[0] + 1) / 2
                pixels = np.clip(np.nan_to_num(y, nan=0.5), 0, 1) * 255
        return base64.b64encode(np.rint(pixels).astype(np.uint8).tobytes()).decode("ascii")


def card(session: Session, thumbnail: Thumbnailer) -> dict[str, Any]:
    """What the teacher's gallery shows of a session, plus `dataset` (the config's dataset)
    and `imported` (its weights came from a file) for the challenge: metrics on its own
    splits, computed here, never sent by a client."""
    model = session.model
    trainer = model.trainer
    # Each frame records the metrics at its epoch: reuse them rather than run a second pass
    # (and while an epoch runs in a thread, its last record is all there is).
    last = trainer.history[-1] if trainer.history else None
    if last is not None and (session.busy or last["epoch"] == trainer.epoch):
        metrics: dict[str, Any] = dict(last)
    else:
        metrics = dict(trainer.metrics())
    diagnostics = model.renderer.diagnostics
    return {
        "epoch": trainer.epoch,
        "imported": model.imported,
        "train_loss": finite_or_none(metrics.get("train_loss")),
        "val_loss": finite_or_none(metrics.get("validation_loss")),
        "val_accuracy": finite_or_none(metrics.get("validation_accuracy")),
        "test_loss": finite_or_none(metrics.get("test_loss")),
        "test_accuracy": finite_or_none(metrics.get("test_accuracy")),
        "params": model.net.num_params(),
        "dead": sum(len(units) for units in diagnostics.get("dead", {}).values()),
        "advice": [advice["code"] for advice in diagnostics.get("coach", [])],
        "thumb": thumbnail(session),
        "task": model.dataset.task,
        "status": session.state,
        "dataset": session.config.dataset.model_dump(mode="json"),
        "exercise": session.exercise,
        "at": time.time(),
    }


def shown_card(student: Student, found: dict[str, Any] | None, locked: bool,
               last_thumb: str | None) -> protocol.StudentCard:
    """The gallery's card of a student: its latest card (None: none yet), its thumbnail only
    when it is not `last_thumb` (the one the page already has)."""
    found = found or {}
    thumb = found.get("thumb")
    return protocol.StudentCard(
        id=student.id, name=student.name, hidden=student.hidden,
        epoch=found.get("epoch", 0), train_loss=found.get("train_loss"),
        val_loss=found.get("val_loss"), val_accuracy=found.get("val_accuracy"),
        test_loss=found.get("test_loss"), test_accuracy=found.get("test_accuracy"),
        params=found.get("params", 0), dead=found.get("dead", 0),
        advice=found.get("advice", []),
        thumb=None if thumb == last_thumb else thumb,
        task=found.get("task", "binary"), status=found.get("status", "paused"),
        joined=student.joined, locked=locked, exercise=found.get("exercise"))
