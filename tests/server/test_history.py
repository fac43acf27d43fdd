"""The metrics history a session keeps: what the coach and the best validation epoch read."""

from __future__ import annotations

from typing import Any

import pytest

from server import protocol
from server.frames import decode
from server.lessons.experiments import EXPERIMENTS
from server.session import Session, handle
from server.session.frames import MAX_FRAME_HISTORY
from server.settings import Settings

# The "learning rate too high" experiment: the loss zigzags, so any entry taken part-way
# through an epoch differs from that epoch's end.
ZIGZAG = {"dataset": {"name": "circle", "points": 300},
          "hidden": [{"units": 4, "activation": "tanh"}] * 2,
          "optimizer": {"name": "sgd", "learning_rate": 10}}


def stepped(epochs: int, frame_every: int) -> Session:
    """A session that steps `epochs` epochs one mini-batch per slice, with a periodic frame
    every `frame_every` slices (0: none), as a fast or a slow machine would."""
    session = Session(Settings())
    handle(session, protocol.ConfigureMessage.model_validate(
        {"type": "configure", "config": ZIGZAG}))
    session.frame()
    handle(session, protocol.StepMessage(type="step", epochs=epochs))
    slices = 0
    while session.step_left:
        session.train_slice(0.0)
        slices += 1
        if frame_every and slices % frame_every == 0:
            session.frame(periodic=True)
    return session


def coach_codes(session: Session) -> list[str]:
    header: dict[str, Any]
    header, _ = decode(session.frame())
    return sorted(advice["code"] for advice in header["coach"])


def test_a_step_records_every_epoch_however_its_frames_fall() -> None:
    sessions = [stepped(100, every) for every in (0, 4, 45)]
    histories = [s.model.trainer.history for s in sessions]
    assert [entry["epoch"] for entry in histories[0]] == list(range(101))
    for history in histories[1:]:
        assert history == histories[0]
    # So the coach says the same after the step, on a fast machine or a loaded one.
    codes = [coach_codes(s) for s in sessions]
    assert "lr_too_high" in codes[0] and codes == [codes[0]] * len(codes)


def test_frames_while_playing_record_the_latest_metrics_of_their_epoch() -> None:
    session = Session(Settings())
    configure(session, {"view": {"epochs_per_second": 0}})  # as fast as possible: mini-batches
    handle(session, protocol.PlayMessage(type="play"))
    trainer = session.model.trainer
    session.train_slice(0.0)  # one mini-batch: epoch 0, part-way
    first = decode(session.frame(periodic=True))[0]["metrics"]
    session.train_slice(0.0)
    second = decode(session.frame(periodic=True))[0]["metrics"]
    assert trainer.position == 2 and [e["epoch"] for e in trainer.history] == [0]
    assert trainer.history[-1]["train_loss"] != pytest.approx(first["train_loss"], abs=1e-6)
    assert trainer.history[-1]["train_loss"] == pytest.approx(second["train_loss"], abs=1e-6)


def configure(session: Session, config: dict[str, object]) -> None:
    handle(session, protocol.ConfigureMessage.model_validate({"type": "configure",
                                                             "config": config}))


def test_a_step_sends_one_history_point_per_epoch_across_few_frames() -> None:
    session = Session(Settings())
    configure(session, {"dataset": {"name": "circle", "points": 300},
                        "optimizer": {"learning_rate": 10}})
    handle(session, protocol.StepMessage(type="step", epochs=100))
    frames: list[tuple[list[int], int]] = []
    slices = 0
    while session.step_left:
        session.train_slice(0.05)
        slices += 1
        if slices % 25 == 0:  # a frame now and then: far fewer frames than epochs
            header, _ = decode(session.frame())
            frames.append(([p["epoch"] for p in header["history"]], header["epoch"]))
    header, _ = decode(session.frame())
    frames.append(([p["epoch"] for p in header["history"]], header["epoch"]))
    shown: list[int] = []
    for points, epoch in frames:  # as the page: the points, then the frame's own epoch
        # Exactly the points since the last frame: none of them twice.
        assert all(p > shown[-1] for p in points) if shown else True
        assert points == sorted(set(points)) and all(p < epoch for p in points)
        shown += points + ([epoch] if not shown or epoch > shown[-1] else [])
    assert shown == list(range(1, 101))
    # The zigzag of a learning rate far too high shows point by point.
    history = session.model.trainer.history
    assert [h["epoch"] for h in history[-100:]] == list(range(1, 101))


def test_a_frame_carries_at_most_its_share_of_a_long_history() -> None:
    session = Session(Settings())
    configure(session, {"dataset": {"name": "circle", "points": 40}})
    handle(session, protocol.StepMessage(type="step", epochs=1000))
    while session.step_left:
        session.train_slice(0.05)
    header, _ = decode(session.frame())
    points = header["history"]
    assert len(points) == MAX_FRAME_HISTORY
    assert points[0]["epoch"] < 10 and points[-1]["epoch"] > 990
    assert all(a["epoch"] < b["epoch"] for a, b in zip(points, points[1:], strict=False))
    assert set(points[0]) == {"epoch", "train_loss", "validation_loss", "test_loss",
                              "train_accuracy", "validation_accuracy", "test_accuracy"}
    header, _ = decode(session.frame())
    assert header["history"] == []  # every point went with the last frame


def play_until_paused(session: Session, limit: int = 2000) -> None:
    handle(session, protocol.PlayMessage(type="play"))
    while session.state == "playing" and session.epoch < limit:
        session.train_slice(0.05)


def test_early_stopping_pauses_when_the_validation_loss_stops_improving() -> None:
    session = Session(Settings())
    overfit = EXPERIMENTS["overfitting"].config
    configure(session, {**overfit, "stopping": {"patience": 30},
                        "view": {"epochs_per_second": 0}})
    play_until_paused(session)
    assert session.state == "paused"
    best = session.training.best_validation_epoch()
    history = session.model.trainer.history
    # It stops at the first history point 30 epochs or more after the best one.
    assert best is not None and history[-2]["epoch"] - best < 30 <= session.epoch - best
    statuses = [m for m in session.outbox if isinstance(m, str) and '"stopped_epoch":' in m
                and '"stopped_epoch":null' not in m]
    assert statuses and f'"stopped_epoch":{session.epoch}' in statuses[-1]
    # Playing again gives the run at least `patience` more epochs before it stops again.
    stopped = session.epoch
    play_until_paused(session)
    assert session.epoch >= stopped + 30


def test_without_patience_training_never_stops_early() -> None:
    session = Session(Settings())
    configure(session, {**EXPERIMENTS["overfitting"].config, "view": {"epochs_per_second": 0}})
    play_until_paused(session, limit=400)
    assert session.state == "playing" and session.epoch >= 400


def test_the_points_of_a_prebuilt_frame_dropped_unsent_come_with_the_next_one() -> None:
    session = Session(Settings())
    configure(session, {"dataset": {"name": "circle", "points": 100}})
    session.frame()
    handle(session, protocol.StepMessage(type="step", epochs=20))
    while session.model.trainer.epoch < 10:
        session.train_slice(0.0)
    session.build_frame()  # a periodic frame, built at epoch 10 and not sent yet
    while session.step_left:
        session.train_slice(0.0)
    # The step's frame supersedes it: the prebuilt frame is dropped unsent.
    header, _ = decode(session.frames.reply_frame())
    sent = [p["epoch"] for p in header["history"]] + [header["epoch"]]
    assert sent == list(range(1, 21))


def test_a_frame_right_after_an_epoch_reuses_its_history_point() -> None:
    """At a slow-motion pace each slice ends an epoch and records its point; the frame that
    follows shows the same state and takes that point instead of a second metrics pass, and
    a frame after any change takes a new one."""
    session = Session(Settings())
    handle(session, protocol.PlayMessage(type="play"))
    trainer = session.model.trainer
    passes = 0
    metrics = trainer.metrics

    def counted() -> dict[str, float | None]:
        nonlocal passes
        passes += 1
        return metrics()

    trainer.metrics = counted  # type: ignore[method-assign]
    session.train_slice(0.0)
    assert trainer.position == 0 and trainer.epoch == 1 and passes == 1
    header = decode(session.frame(periodic=True))[0]
    assert passes == 1
    assert header["metrics"]["train_loss"] == pytest.approx(trainer.history[-1]["train_loss"])
    session.machine.changed()  # something else changed what a frame shows
    decode(session.frame(periodic=True))
    assert passes == 2
