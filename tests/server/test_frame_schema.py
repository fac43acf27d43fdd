"""Every frame header the server builds is valid against the published FrameHeader schema."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter

from engine import coach
from server import protocol
from server.frames import decode
from server.render import json_safe
from server.session import Session, handle
from server.settings import Settings

ADVICE: TypeAdapter[protocol.Advice] = TypeAdapter(protocol.Advice)


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


def flat_history(accuracy: float, epochs: int = coach.MIN_EPOCHS + 1,
                 **series: list[float]) -> list[dict[str, Any]]:
    return [{"epoch": e, "train_accuracy": accuracy,
             **{key: values[e] for key, values in series.items()}} for e in range(epochs)]


def overfitting_history() -> list[dict[str, Any]]:
    """The training loss falls while the validation loss rises from its best at epoch 10."""
    return [{"epoch": e, "train_accuracy": 0.95, "train_loss": 1 / (e + 1),
             "validation_loss": 0.5 - 0.02 * e if e <= 10 else 0.3 + 0.05 * (e - 10)}
            for e in range(60)]


SNAPSHOTS = {
    "symmetry": coach.Snapshot("binary", [2, 3, 1], ["tanh", "sigmoid"], "bce", "zeros",
                               symmetric=[1]),
    "lr_too_high": coach.Snapshot("binary", [2, 4, 1], ["relu", "sigmoid"], "bce",
                                  learning_rate=5.0, died_at={1: {0: 3, 1: 3, 2: 4}}),
    "no_nonlinearity": coach.Snapshot("binary", [2, 1], ["sigmoid"], "bce",
                                      history=flat_history(0.6)),
    "output_mismatch": coach.Snapshot("binary", [2, 3, 1], ["tanh", "relu"], "bce"),
    "loss_mismatch": coach.Snapshot("binary", [2, 3, 1], ["tanh", "sigmoid"], "mse"),
    "vanishing_gradient": coach.Snapshot("binary", [2, 4, 4, 4, 1], ["sigmoid"] * 4, "bce",
                                         history=flat_history(0.6),
                                         grad_norms={1: 0.01, 2: 0.1, 3: 0.5}),
    "underfitting": coach.Snapshot("binary", [2, 3, 1], ["tanh", "sigmoid"], "bce",
                                   history=flat_history(0.6)),
    "overfitting": coach.Snapshot("binary", [2, 3, 1], ["tanh", "sigmoid"], "bce",
                                  history=overfitting_history()),
    "dead_relu": coach.Snapshot("binary", [2, 3, 1], ["relu", "sigmoid"], "bce",
                                dead={1: [0, 2]}),
}


@pytest.mark.parametrize("code", coach.CODES)
def test_every_advice_of_the_coach_matches_the_published_advice(code: str) -> None:
    """Each detector's params, as a frame carries them, against the protocol's Advice of the
    same code (its fields are what the page words the advice with)."""
    advice = [a for a in coach.DETECTORS[code](SNAPSHOTS[code]) if a.code == code]
    assert advice, f"the snapshot for {code} gave no advice"
    for one in advice:
        checked = ADVICE.validate_python({"code": one.code, "params": json_safe(one.params)})
        assert checked.code == code


def test_the_published_advice_has_exactly_the_coach_codes() -> None:
    assert set(SNAPSHOTS) == set(coach.CODES)
    schema = ADVICE.json_schema()
    assert set(schema["discriminator"]["mapping"]) == set(coach.CODES)
