"""Running the class: the waiting room, pausing the class, and the session's record, on the
in-memory hub and on Redis."""

from __future__ import annotations

import csv
import io
from typing import Any

from server.protocol import MAX_PAUSE_MESSAGE
from tests.server.rooms_helpers import ask, create, gallery_with, join, sockets, wait_for


def _waiting(teacher: Any, count: int) -> list[dict[str, Any]]:
    gallery = wait_for(teacher, "room_gallery", lambda g: len(g["waiting"]) == count)
    waiting: list[dict[str, Any]] = gallery["waiting"]
    return waiting


def test_the_waiting_room_holds_joiners_until_the_teacher_admits_them(make: Any) -> None:
    with sockets(make(), 4) as (_, (teacher, ada, bo, cy)):
        room = create(teacher)
        ack = ask(teacher, "room_waiting", key=room["key"], on=True)
        assert (ack["type"], ack["action"]) == ("room_ack", "waiting")
        waiting = ask(ada, "room_join", code=room["code"], name="Ada")
        assert waiting["type"] == "room_waiting" and waiting["name"] == "Ada"
        assert wait_for(teacher, "room_event")["event"] == "waiting"
        ask(bo, "room_join", code=room["code"], name="Bo")
        listed = _waiting(teacher, 2)
        assert [w["name"] for w in listed] == ["Ada", "Bo"]
        assert wait_for(teacher, "room_gallery")["waiting_room"] is True
        # A waiting student hears nothing of the room: a push does not reach them.
        assert ask(teacher, "room_push", key=room["key"], exercise="shapes")["delivered"] == 0
        ask(teacher, "room_lock", key=room["key"], controls=["dataset"])
        assert "room_push" not in _seen_until_reply(ada)
        assert "room_state" not in _seen_until_reply(ada)
        admitted = ask(teacher, "room_admit", key=room["key"], student=waiting["student"])
        assert (admitted["action"], admitted["delivered"]) == ("admit", 1)
        joined = wait_for(ada, "room_joined")
        assert joined["student"] == waiting["student"] and joined["name"] == "Ada"
        assert joined["locks"] == ["dataset"]
        gallery = gallery_with(teacher, 1)
        assert gallery["students"][0]["name"] == "Ada"
        # Refused: told so, and gone from the list.
        bo_id = _waiting(teacher, 1)[0]["id"]
        ask(teacher, "room_admit", key=room["key"], student=bo_id, admit=False)
        assert wait_for(bo, "room_closed")["reason"] == "refused"
        _waiting(teacher, 0)
        # Admit all; switching the waiting room off lets everyone in too.
        ask(cy, "room_join", code=room["code"], name="Cy")
        _waiting(teacher, 1)
        assert ask(teacher, "room_admit", key=room["key"])["delivered"] == 1
        assert wait_for(cy, "room_joined")["name"] == "Cy"
        gallery_with(teacher, 2)
        ask(teacher, "room_waiting", key=room["key"], on=False)
        assert wait_for(teacher, "room_gallery")["waiting_room"] is False
        assert ask(bo, "room_join", code=room["code"], name="Bo")["type"] == "room_joined"


def _seen_until_reply(peer: Any) -> list[str]:
    """The types of the messages that arrive before the reply to a `pause` sent now (a
    round trip: what the room sent before it has arrived by then)."""
    peer.send(type="pause", id="probe")
    seen = []
    while (message := peer.receive()).get("id") != "probe":
        seen.append(message["type"])
    return seen


def test_a_waiting_student_who_leaves_is_no_longer_listed(make: Any) -> None:
    with sockets(make(), 2) as (_, (teacher, ada)):
        room = create(teacher)
        ask(teacher, "room_waiting", key=room["key"], on=True)
        ask(ada, "room_join", code=room["code"], name="Ada")
        _waiting(teacher, 1)
        assert ask(ada, "room_leave")["type"] == "room_left"
        _waiting(teacher, 0)


def test_admitting_needs_the_teacher_and_a_waiting_student(make: Any) -> None:
    with sockets(make(), 3) as (_, (teacher, ada, bo)):
        room = create(teacher)
        ada_id = join(ada, room["code"], "Ada")["student"]
        ask(teacher, "room_waiting", key=room["key"], on=True)
        unknown = ask(teacher, "room_admit", key=room["key"], student="nobody")
        assert (unknown["code"], unknown["field"]) == ("invalid", "student")
        # A student in the room is not waiting: it cannot be admitted again.
        again = ask(teacher, "room_admit", key=room["key"], student=ada_id)
        assert (again["code"], again["field"]) == ("invalid", "student")
        ask(bo, "room_join", code=room["code"], name="Bo")
        bo_id = _waiting(teacher, 1)[0]["id"]
        for command, fields in (("room_admit", {"student": bo_id}), ("room_waiting", {"on": False}),
                                ("room_pause", {"message": "x"}), ("room_resume", {}),
                                ("room_record", {})):
            stolen = ask(ada, command, key=room["key"], **fields)
            assert (stolen["code"], stolen["field"]) == ("forbidden", "key"), command
            wrong = ask(teacher, command, key="k" * 32, **fields)
            assert (wrong["code"], wrong["field"]) == ("forbidden", "key"), command
        bad = ask(teacher, "room_waiting", key=room["key"], on="yes")
        assert (bad["code"], bad["field"]) == ("invalid", "on")


def test_pausing_the_class_stops_every_student_until_resumed(make: Any) -> None:
    with sockets(make(), 3) as (_, (teacher, ada, bo)):
        room = create(teacher)
        join(ada, room["code"], "Ada")
        assert ask(ada, "play")["state"] == "playing"
        ack = ask(teacher, "room_pause", key=room["key"], message="Eyes on the board")
        assert ack["action"] == "pause"
        state = wait_for(ada, "room_state")
        assert state["paused"] == {"message": "Eyes on the board"}
        assert wait_for(ada, "status", lambda s: s["state"] == "paused")["state"] == "paused"
        for kind, fields in (("play", {}), ("step", {"epochs": 1})):
            refused = ask(ada, kind, **fields)
            assert (refused["code"], refused["field"]) == ("forbidden", "type")
            assert "Eyes on the board" in refused["message"]
        # Other messages still work: the student may look around.
        assert ask(ada, "configure", config={"optimizer": {"batch_size": 5}})["type"] == \
            "config"
        # A student joining during the pause is paused too.
        joined = join(bo, room["code"], "Bo")
        assert joined["paused"] == {"message": "Eyes on the board"}
        assert ask(bo, "play")["code"] == "forbidden"
        assert wait_for(teacher, "room_gallery")["paused"] == {"message": "Eyes on the board"}
        ask(teacher, "room_resume", key=room["key"])
        assert wait_for(ada, "room_state")["paused"] is None
        assert ask(ada, "play")["state"] == "playing"
        wait_for(bo, "room_state")
        assert ask(bo, "play")["state"] == "playing"


def test_a_pause_message_is_plain_and_short(make: Any) -> None:
    with sockets(make(), 1) as (_, (teacher,)):
        room = create(teacher)
        long = ask(teacher, "room_pause", key=room["key"], message="x" * (MAX_PAUSE_MESSAGE + 1))
        assert (long["code"], long["field"]) == ("invalid", "message")
        assert ask(teacher, "room_pause", key=room["key"])["action"] == "pause"
        assert wait_for(teacher, "room_gallery")["paused"] == {"message": ""}


def test_the_record_has_the_roster_the_standings_and_the_best_networks(make: Any) -> None:
    with sockets(make(), 3) as (_, (teacher, ada, bo)):
        room = create(teacher, title="Period 3")
        join(ada, room["code"], "Ada")
        join(bo, room["code"], "Bo")
        gallery_with(teacher, 2)
        ask(teacher, "room_challenge", key=room["key"], dataset={"name": "xor"})
        for student in (ada, bo):
            wait_for(student, "room_push")
            ask(student, "configure", config={"dataset": {"name": "xor"}})
            ask(student, "step", epochs=2)
        wait_for(teacher, "room_leaderboard",
                 lambda board: sum(row["eligible"] for row in board["rows"]) == 2)
        ask(teacher, "room_challenge", key=room["key"], stop=True)
        assert ask(bo, "room_leave")["type"] == "room_left"
        gallery_with(teacher, 1)
        record = ask(teacher, "room_record", key=room["key"])
        assert record["type"] == "room_record" and record["title"] == "Period 3"
        roster = list(csv.DictReader(io.StringIO(record["roster"])))
        assert [row["name"] for row in roster] == ["Ada", "Bo"]
        assert roster[0]["left"] == "" and roster[1]["left"].endswith("Z")
        assert all(row["joined"].endswith("Z") for row in roster)
        standings = list(csv.DictReader(io.StringIO(record["standings"])))
        assert sorted(row["name"] for row in standings) == ["Ada", "Bo"]
        assert {row["metric"] for row in standings} == {"test_accuracy"}
        assert [row["rank"] for row in standings] == ["1", "2"]
        # Only a student still in the room can send its network.
        networks = record["networks"]
        assert [n["name"] for n in networks] == ["Ada"] and networks[0]["metric"] == \
            "test_accuracy"
        session = networks[0]["session"]
        assert session["config"]["dataset"]["name"] == "xor" and session["epoch"] >= 2
        assert set(session) >= {"config", "model", "epoch"}
        # The session file opens like a saved one.
        imported = ask(bo, "import", data=session)
        assert imported["type"] == "config" and imported["config"]["dataset"]["name"] == "xor"


def test_a_record_without_a_challenge_takes_the_best_test_scores(make: Any) -> None:
    with sockets(make(), 2) as (_, (teacher, ada)):
        room = create(teacher)
        join(ada, room["code"], "Ada")
        ask(ada, "step", epochs=1)
        wait_for(teacher, "room_gallery",
                 lambda g: g["count"] == 1 and g["students"][0]["epoch"] >= 1)
        record = ask(teacher, "room_record", key=room["key"])
        assert record["standings"].strip() == \
            "challenge,metric,rank,name,score,params,epoch,eligible"
        assert [n["name"] for n in record["networks"]] == ["Ada"]
