"""A session's state machine (server/session/state.py): one table of transitions, written in
one place, and documented as it is."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import get_args

import pytest

from server import protocol
from server.config import ProtocolError
from server.session import Session, handle
from server.session.state import TRANSITIONS, Event, Machine, Refused, TransitionError
from server.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
STATES = get_args(protocol.State)


def test_the_table_lists_every_event_and_leads_only_to_states() -> None:
    assert set(TRANSITIONS) == set(get_args(Event))
    for event, row in TRANSITIONS.items():
        assert set(row) <= set(STATES), event
        for target in row.values():
            assert isinstance(target, Refused) or target in STATES, (event, target)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("event", get_args(Event))
def test_an_event_goes_where_the_table_says_or_raises(event: Event,
                                                      state: protocol.State) -> None:
    machine = Machine()
    machine.state = state
    target = TRANSITIONS[event].get(state)
    if target is None:
        with pytest.raises(TransitionError, match=f"'{event}' cannot happen while '{state}'"):
            machine.fire(event)
        assert machine.state == state
    elif isinstance(target, Refused):
        with pytest.raises(ProtocolError) as raised:
            machine.fire(event)
        assert raised.value.code == "not_applicable" and raised.value.message == target.message
        assert machine.state == state
    else:
        assert machine.fire(event) == state
        assert machine.state == target


def test_a_transition_leaves_the_version_alone() -> None:
    machine = Machine()
    machine.fire("play")
    assert machine.version == 0
    machine.changed()
    assert machine.version == 1


def test_play_and_step_are_refused_while_diverged_and_a_reset_pauses() -> None:
    session = Session(Settings())
    session.machine.fire("diverge")
    for message in (protocol.PlayMessage(type="play"), protocol.StepMessage(type="step")):
        with pytest.raises(ProtocolError, match="training diverged"):
            handle(session, message)
    assert session.state == "diverged" and session.step_left == 0
    handle(session, protocol.PauseMessage(type="pause"))
    assert session.state == "diverged"
    version = session.version
    handle(session, protocol.ResetMessage(type="reset"))
    assert session.state == "paused" and session.version == version + 1


def written_attributes(path: Path, names: set[str], owner: str = "") -> list[str]:
    """`x.name = ...`, `x.name += ...` of one of `names` in the module at `path` (where the
    text of `x` contains `owner`)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, ast.AugAssign | ast.AnnAssign) else []
        for target in targets:
            parts = target.elts if isinstance(target, ast.Tuple) else [target]
            found += [f"{path.relative_to(ROOT)}:{node.lineno}" for part in parts
                      if isinstance(part, ast.Attribute) and part.attr in names
                      and owner in ast.unparse(part.value)]
    return found


def test_only_the_machine_writes_a_session_state_or_version() -> None:
    """No `.state =` or `.version =` in server/session/ besides state.py, and no
    `session.state =` or `machine.version =` anywhere else in server/."""
    package, machine = ROOT / "server" / "session", ROOT / "server" / "session" / "state.py"
    wrong = []
    for path in sorted((ROOT / "server").rglob("*.py")):
        if path == machine:
            continue
        if path.parent == package:
            wrong += written_attributes(path, {"state", "version"})
        else:
            for owner in ("session", "machine"):
                wrong += written_attributes(path, {"state", "version"}, owner)
    assert not wrong, wrong


def test_the_architecture_notes_show_the_table_as_it_is() -> None:
    """docs/architecture.md's state table: a row per event, a column per state."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) == 1 + len(STATES):
            rows[cells[0].strip("`")] = cells[1:]
    header = next(line for line in text.splitlines() if line.startswith("| event |"))
    columns = [cell.strip().strip("`") for cell in header.strip().strip("|").split("|")][1:]
    assert sorted(columns) == sorted(STATES)
    expected = {}
    for event, row in TRANSITIONS.items():
        cells = []
        for state in columns:
            target = row.get(state)  # type: ignore[call-overload]
            cells.append("—" if target is None else "refused" if isinstance(target, Refused)
                         else f"`{target}`")
        expected[event] = cells
    assert rows == expected
    assert re.search(r"\bTRANSITIONS\b", text)


def test_a_step_sent_while_another_runs_adds_its_epochs_and_each_is_answered() -> None:
    """Three quick clicks on Step train three epochs: a step that arrives before the one
    running is done adds its epochs to it, and every step gets its status at the end."""
    session = Session(Settings())
    handle(session, protocol.StepMessage(type="step", epochs=1, id="a"))
    handle(session, protocol.StepMessage(type="step", epochs=2, id="b"))
    session.outbox.clear()
    while session.step_left:
        session.train_slice(0.0)
    statuses = [protocol.StatusMessage.model_validate_json(m) for m in session.outbox
                if isinstance(m, str) and '"type":"status"' in m]
    assert session.epoch == 3
    assert [(s.id, s.state, s.epoch) for s in statuses] == [("a", "paused", 3),
                                                           ("b", "paused", 3)]
