"""Every frame header the server builds is valid against the published FrameHeader schema."""

from __future__ import annotations

from typing import Any

import pytest

from server import protocol
from server.frames import decode
from server.session import Session, handle
from server.settings import Settings


def configure(session: Session, config: dict[str, Any]) -> None:
    handle(session, protocol.ConfigureMessage.model_validate({"type": "configure",
                                                             "config": config}))


def headers(session: Session, epochs: int) -> list[dict[str, Any]]:
    out = [decode(session.frame())[0]]
    handle(session, protocol.StepMessage(type="step", epochs=epochs))
    while session.step_left:
        session.train_slice(0.05)
    out.append(decode(session.frame())[0])
    session.machine.changed()
    out.append(decode(session.frame(light=True, periodic=True))[0])
    return out


@pytest.mark.parametrize("config", [
    {},
    {"dataset": {"name": "plane"}, "hidden": [{"units": 4, "activation": "relu"}]},
    {"dataset": {"name": "blobs", "classes": 3}, "hidden": [{"units": 3, "activation": "linear"}]},
    {"init": "zeros"},
    {"dataset": {"name": "circle", "points": 100}, "features": ["x1_sq", "x2_sq"],
     "optimizer": {"learning_rate": 10}, "output": {"activation": "linear", "loss": "mse"}},
])
def test_frame_headers_match_the_schema(config: dict[str, Any]) -> None:
    session = Session(Settings())
    configure(session, config)
    for header in headers(session, 30):
        protocol.FrameHeader.model_validate(header)


def test_a_diverged_frame_matches_the_schema() -> None:
    session = Session(Settings())
    configure(session, {"dataset": {"name": "plane"}, "optimizer": {"learning_rate": 10},
                        "hidden": [{"units": 8, "activation": "relu"}] * 3,
                        "output": {"activation": "linear"}, "init": "uniform"})
    for header in headers(session, 200):
        protocol.FrameHeader.model_validate(header)
    assert session.state == "diverged"
