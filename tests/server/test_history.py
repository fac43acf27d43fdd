"""The loss chart gets the points it needs: one per epoch of a step, whatever the frame rate."""

from __future__ import annotations

from server import protocol
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
    epochs: list[int] = []
    slices = 0
    while session.step_left:
        session.train_slice(0.05)
        slices += 1
        if slices % 25 == 0:  # a frame now and then: far fewer frames than epochs
            header, _ = decode(session.frame())
            epochs += [p["epoch"] for p in header["history"]] + [header["epoch"]]
    header, _ = decode(session.frame())
    epochs += [p["epoch"] for p in header["history"]] + [header["epoch"]]
    assert epochs == sorted(epochs)  # in order, each point once (the last frame repeats 100)
    assert set(range(1, 101)) <= set(epochs) and len(epochs) == len(set(epochs)) + 1
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
