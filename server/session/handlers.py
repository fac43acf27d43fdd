"""What each client message does to a session: one function per message, HANDLERS, the
table that maps each message model to its function (a test checks that every model of
protocol.CLIENT_MESSAGES has one, so a new message cannot go unhandled), and `handle`, which
the runner calls with each validated message.

A handler applies a validated message, or raises ProtocolError and leaves the session
unchanged. It changes the session's state only through its machine's events (state.py).
Replies go through the session (`send`, `status`, `send_frame`).

A new client message takes its model in server/protocol/ (in the ClientMessage union), a function
`def name(session: Session, message: protocol.NameMessage) -> None` (here, or in a module of
its own for a family of messages, which then exports a dict of its entries to merge below),
and its entry in HANDLERS.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from server import export as export_code
from server import payloads, protocol
from server.config import ProtocolError, normalized, updated
from server.model import build, engine_error, generate, optimizer_for, renderer_for, revived
from server.protocol import Config
from server.search import SessionSearch, loaded_model
from server.session.session import Session

Handler = Callable[[Session, Any], None]


def handle(session: Session, message: protocol.ClientModel) -> None:
    """Apply one validated client message; raises ProtocolError (session unchanged)."""
    if session.room is not None:
        session.room.check(message)
    HANDLERS[type(message)](session, message)


def configure(session: Session, message: protocol.ConfigureMessage) -> None:
    old = session.config
    new = updated(old, message.config)
    data_changed = new.dataset != old.dataset
    rebuild = data_changed or any(
        getattr(new, key) != getattr(old, key)
        for key in ("features", "hidden", "init", "seed", "standardize")
    ) or (new.output.activation, new.output.loss) != (old.output.activation, old.output.loss)
    if data_changed and new.dataset.name == "custom" and session.custom is None:
        raise ProtocolError("not_applicable", "config.dataset.name: there are no custom "
                            "points yet; send add_points first", "config.dataset.name")
    if rebuild:
        dataset = session.model.dataset
        if data_changed:
            dataset = generate(new) if session.custom is None or new.dataset.name != "custom" \
                else session.custom
        session.replace(build(new, dataset, session.settings, session.scratch), message.id,
                        data=data_changed)
        return
    _retune(session, old, normalized(new, session.model.dataset.task))
    session.send(protocol.ConfigMessage(id=message.id, config=session.config))
    session.send_frame()


def _retune(session: Session, old: Config, new: Config) -> None:
    """Optimizer, regularization and view changes keep the weights."""
    model, training = session.model, session.training
    trainer = model.trainer
    try:
        optimizer = optimizer_for(new) if new.optimizer.name != old.optimizer.name or any(
            getattr(new.optimizer, k) != getattr(old.optimizer, k)
            for k in ("momentum", "beta1", "beta2")
        ) else None
    except ValueError as error:
        raise engine_error(error, "config.optimizer") from None

    def change_trainer() -> None:  # the values are valid: the config was checked whole
        if optimizer is not None:
            trainer.set_optimizer(optimizer)
        elif new.optimizer.learning_rate != old.optimizer.learning_rate:
            trainer.set_learning_rate(new.optimizer.learning_rate)
        if new.optimizer.batch_size != old.optimizer.batch_size:
            trainer.set_batch_size(new.optimizer.batch_size)
        if new.regularization != old.regularization:
            trainer.set_regularization(new.regularization.kind, new.regularization.rate)

    # A threaded epoch steps through the trainer's batches: re-cutting them under it
    # would wedge the trainer, so the change waits for the epoch's end.
    training.when_idle(change_trainer)
    if (new.view.resolution, new.view.neuron_resolution) != (
        old.view.resolution, old.view.neuron_resolution
    ):
        model.renderer = renderer_for(new, model.dataset, model.split, model.net, trainer,
                                      session.settings, session.scratch)
    if new.view.epochs_per_second != old.view.epochs_per_second:
        training.restart_pace()
    model.config = new
    session.machine.changed()
    if (new.optimizer.name, new.optimizer.batch_size) != (old.optimizer.name,
                                                         old.optimizer.batch_size):
        training.estimate_epoch()


def play(session: Session, message: protocol.PlayMessage) -> None:
    left = session.machine.fire("play")
    session.training.end_step()
    if left != "playing":
        session.training.start()
        session.frames.schedule_from(time.monotonic())
    session.status(message.id)


def pause(session: Session, message: protocol.PauseMessage) -> None:
    session.training.end_step()
    session.machine.fire("pause")
    session.status(message.id)
    if session.frames.due():
        session.send_frame()  # the last frame shows exactly the epoch the status reports


def step(session: Session, message: protocol.StepMessage) -> None:
    session.machine.fire("step")
    session.training.start(message.epochs, message.id)


def reset(session: Session, message: protocol.ResetMessage) -> None:
    session.install(build(session.config, session.model.dataset, session.settings,
                          session.scratch))
    session.status(message.id)
    session.send_frame()


def set_weight(session: Session, message: protocol.SetWeightMessage) -> None:
    net = session.model.net
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
    session.machine.changed()
    session.send_frame()


def add_points(session: Session, message: protocol.AddPointsMessage) -> None:
    added = payloads.added_points(session.model.dataset, message)
    config = session.config.model_copy(update={
        "dataset": session.config.dataset.model_copy(update={"name": "custom"})})
    model = build(config, added, session.settings, session.scratch)
    session.custom = added
    session.replace(model, message.id, data=True)


def export(session: Session, message: protocol.ExportMessage) -> None:
    code = None if message.code is None else export_code.script(session.model, message.code)
    session.send(protocol.ExportReply(id=message.id, data=payloads.export_payload(session.model),
                                      code=code))


def import_(session: Session, message: protocol.ImportMessage) -> None:
    payload = message.data
    model = payloads.imported_model(payload, session.settings, session.scratch)
    model.imported = True  # its epoch count is the file's word, not the server's
    if payload.config.dataset.name == "custom":
        session.custom = model.dataset
    session.machine.fire("load")
    session.replace(model, message.id, data=True)


def revive(session: Session, message: protocol.ReviveMessage) -> None:
    session.replace(revived(session.model, session.settings, session.scratch, message.rule),
                    message.id, data=False)


def inspect(session: Session, message: protocol.InspectMessage) -> None:
    session.send(payloads.inspection(session.model, message.sample_limit, message.id))


def time_forward(session: Session, message: protocol.TimeForwardMessage) -> None:
    session.send(payloads.forward_timing(session.model, message.id))


def ack(session: Session, message: protocol.AckMessage) -> None:
    session.frames.ack(message.frame)


def visibility(session: Session, message: protocol.VisibilityMessage) -> None:
    session.frames.show(message.visible)
def exercise_answer(session: Session, message: protocol.ExerciseAnswerMessage) -> None:
    """Keep the verdict for the room's gallery card: right once any try was right."""
    last = session.exercise
    same = last is not None and last["id"] == message.exercise
    right = message.verdict == "right" or (same and last is not None
                                           and last["verdict"] == "right")
    session.exercise = {"id": message.exercise, "verdict": "right" if right else "wrong",
                        "tries": (last["tries"] if same and last is not None else 0) + 1}


# ---------------------------------------------------------------------------------- search


def _searches(session: Session) -> SessionSearch:
    if session.searches is None:
        raise ProtocolError("not_applicable", "search: searches are not available here",
                            "search")
    return session.searches


def search_start(session: Session, message: protocol.SearchStartMessage) -> None:
    _searches(session).start(message, session.config, session.model.split)


def search_stop(session: Session, message: protocol.SearchStopMessage) -> None:
    _searches(session).stop(message.id)


def search_load(session: Session, message: protocol.SearchLoadMessage) -> None:
    result = _searches(session).trial(message.trial)
    model = loaded_model(result, session.config, session.model.dataset, session.settings,
                         session.scratch)
    session.machine.fire("load")
    session.replace(model, message.id, data=False)


def room(session: Session, message: protocol.ClientModel) -> None:
    """Every room_* message goes to the connection's room member (server/rooms/member.py)."""
    if session.room is None:
        raise ProtocolError("rooms_unavailable", "rooms are not available on this server", "type")
    session.room.submit(message)


ROOM_MESSAGES = tuple(model for kind, model in protocol.CLIENT_MESSAGES.items()
                      if kind.startswith("room_"))

HANDLERS: dict[type[protocol.ClientModel], Handler] = {
    protocol.ConfigureMessage: configure,
    protocol.PlayMessage: play,
    protocol.PauseMessage: pause,
    protocol.StepMessage: step,
    protocol.ResetMessage: reset,
    protocol.SetWeightMessage: set_weight,
    protocol.AddPointsMessage: add_points,
    protocol.ExportMessage: export,
    protocol.ImportMessage: import_,
    protocol.ReviveMessage: revive,
    protocol.InspectMessage: inspect,
    protocol.TimeForwardMessage: time_forward,
    protocol.AckMessage: ack,
    protocol.VisibilityMessage: visibility,
    protocol.ExerciseAnswerMessage: exercise_answer,
    protocol.SearchStartMessage: search_start,
    protocol.SearchStopMessage: search_stop,
    protocol.SearchLoadMessage: search_load,
    **dict.fromkeys(ROOM_MESSAGES, room),
}
"""The handler of each client message model."""
