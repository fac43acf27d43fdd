"""The metrics history a session keeps: what the coach and the best validation epoch read."""

from __future__ import annotations

from typing import Any

import pytest

from server import protocol
from server.frames import decode
from server.session import Session
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
    session.handle(protocol.ConfigureMessage.model_validate(
        {"type": "configure", "config": ZIGZAG}))
    session.frame()
    session.handle(protocol.StepMessage(type="step", epochs=epochs))
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
    session.handle(protocol.PlayMessage(type="play"))
    trainer = session.model.trainer
    session.train_slice(0.0)  # one mini-batch: epoch 0, part-way
    first = decode(session.frame(periodic=True))[0]["metrics"]
    session.train_slice(0.0)
    second = decode(session.frame(periodic=True))[0]["metrics"]
    assert trainer.position == 2 and [e["epoch"] for e in trainer.history] == [0]
    assert trainer.history[-1]["train_loss"] != pytest.approx(first["train_loss"], abs=1e-6)
    assert trainer.history[-1]["train_loss"] == pytest.approx(second["train_loss"], abs=1e-6)
