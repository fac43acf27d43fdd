"""The loss chart gets the points it needs: one per epoch of a step, whatever the frame rate."""

from __future__ import annotations

from server import protocol
from server.experiments import EXPERIMENTS
from server.frames import decode
from server.session import MAX_FRAME_HISTORY, Session
from server.settings import Settings


def configure(session: Session, config: dict[str, object]) -> None:
    session.handle(protocol.ConfigureMessage.model_validate({"type": "configure",
                                                             "config": config}))


def test_a_step_sends_one_history_point_per_epoch_across_few_frames() -> None:
    session = Session(Settings())
    configure(session, {"dataset": {"name": "circle", "points": 300},
                        "optimizer": {"learning_rate": 10}})
    session.handle(protocol.StepMessage(type="step", epochs=100))
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
    for points, epoch in frames:  # each frame: the points since the last one, then its own
        assert points == sorted(set(points)) and all(p < epoch for p in points)
        assert not shown or not points or points[0] > shown[-1]
        shown += points + ([epoch] if not shown or epoch > shown[-1] else [])
    assert set(range(1, 101)) <= set(shown)
    # The zigzag of a learning rate far too high shows point by point.
    history = session.model.trainer.history
    assert [h["epoch"] for h in history[-100:]] == list(range(1, 101))


def test_a_frame_carries_at_most_its_share_of_a_long_history() -> None:
    session = Session(Settings())
    configure(session, {"dataset": {"name": "circle", "points": 40}})
    session.handle(protocol.StepMessage(type="step", epochs=1000))
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
    assert header["history"] == []


def play_until_paused(session: Session, limit: int = 2000) -> None:
    session.handle(protocol.PlayMessage(type="play"))
    while session.state == "playing" and session.epoch < limit:
        session.train_slice(0.05)


def test_early_stopping_pauses_when_the_validation_loss_stops_improving() -> None:
    session = Session(Settings())
    overfit = EXPERIMENTS["overfitting"].config
    configure(session, {**overfit, "stopping": {"patience": 30},
                        "view": {"epochs_per_second": 0}})
    play_until_paused(session)
    assert session.state == "paused"
    best = session._best_validation_epoch()
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
