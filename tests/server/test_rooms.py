"""Classroom rooms over the websocket: the same behaviour on the in-memory hub and on Redis."""

from __future__ import annotations

import base64
import time
from typing import Any

import pytest

from server.lessons.experiments import EXPERIMENTS
from tests.server.rooms_helpers import (
    ask,
    create,
    gallery_with,
    join,
    sockets,
    wait_for,
)


def test_a_student_joins_shows_in_the_gallery_and_leaves(make: Any) -> None:
    with sockets(make(), 2) as (_, (teacher, student)):
        room = create(teacher, title="Period 3")
        assert len(room["code"]) == 6 and len(room["key"]) == 32
        assert room["join_path"] == f"/?room={room['code']}"
        assert room["title"] == "Period 3" and room["limits"]["students"] == 80
        joined = join(student, room["code"].lower(), "  Ada ")
        assert joined["name"] == "Ada" and joined["locks"] == [] and joined["challenge"] is None
        event = wait_for(teacher, "room_event")
        assert (event["event"], event["student"], event["name"]) == ("joined",
                                                                    joined["student"], "Ada")
        card = gallery_with(teacher, 1)["students"][0]
        assert card["id"] == joined["student"] and card["name"] == "Ada"
        # The default network, 2-4-4-1: 12 + 20 + 5 parameters.
        assert card["params"] == 37 and card["task"] == "binary" and card["status"] == "paused"
        assert card["hidden"] is False and card["locked"] is False
        assert len(base64.b64decode(card["thumb"])) == 32 * 32
        # An unchanged thumbnail is not sent again.
        assert wait_for(teacher, "room_gallery")["students"][0]["thumb"] is None
        assert ask(student, "room_leave") == {"type": "room_left", "id": "room_leave-2",
                                              "code": room["code"]}
        assert wait_for(teacher, "room_event")["event"] == "left"
        gallery_with(teacher, 0)
        assert ask(student, "room_leave")["code"] == "not_in_room"


def test_teacher_actions_need_the_teacher_socket_and_its_key(make: Any) -> None:
    with sockets(make(), 3) as (_, (teacher, student, other)):
        room = create(teacher)
        join(student, room["code"], "Bo")
        stolen = ask(student, "room_lock", key=room["key"], controls=["dataset"])
        assert (stolen["type"], stolen["code"], stolen["field"]) == ("error", "forbidden", "key")
        wrong = ask(teacher, "room_lock", key="x" * 32, controls=["dataset"])
        assert (wrong["code"], wrong["field"]) == ("forbidden", "key")
        assert ask(other, "room_close", key=room["key"])["code"] == "forbidden"
        assert ask(other, "room_create", code=room["code"], key="y" * 32)["code"] == "forbidden"
        assert ask(other, "room_create", code="ZZZZZZ", key="y" * 32)["code"] == \
            "room_not_found"
        # A reloaded teacher page resumes the room with its key.
        resumed = create(other, code=room["code"], key=room["key"])
        assert resumed["code"] == room["code"]
        assert ask(other, "room_lock", key=room["key"], controls=[])["type"] == "room_ack"


def test_a_push_reaches_every_student(make: Any) -> None:
    name, experiment = next((n, e) for n, e in EXPERIMENTS.items() if e.variants)
    with sockets(make(), 3) as (_, (teacher, first, second)):
        room = create(teacher)
        join(first, room["code"], "A")
        join(second, room["code"], "B")
        variant = experiment.variants[0].label
        ack = ask(teacher, "room_push", key=room["key"], experiment=name, variant=variant)
        assert ack == {"type": "room_ack", "id": "room_push-2", "action": "push",
                       "delivered": 2, "exercise": None}
        for student in (first, second):
            pushed = wait_for(student, "room_push")
            assert (pushed["experiment"], pushed["variant"]) == (name, variant)
        ask(teacher, "room_push", key=room["key"], config={"optimizer": {"learning_rate": 0.1}})
        for student in (first, second):
            assert wait_for(student, "room_push")["config"] == {
                "optimizer": {"learning_rate": 0.1}}
        both = ask(teacher, "room_push", key=room["key"], experiment=name, config={})
        assert (both["code"], both["field"]) == ("invalid", "experiment")
        both = ask(teacher, "room_push", key=room["key"], config={}, exercise="shapes")
        assert (both["code"], both["field"]) == ("invalid", "experiment")
        unknown = ask(teacher, "room_push", key=room["key"], experiment="nope")
        assert (unknown["code"], unknown["field"]) == ("invalid", "experiment")
        bad = ask(teacher, "room_push", key=room["key"],
                  config={"optimizer": {"learning_rate": 99}})
        assert (bad["code"], bad["field"]) == ("invalid", "config.optimizer.learning_rate")


def test_a_pushed_exercise_reaches_every_student_and_their_answers_reach_the_gallery(
    make: Any,
) -> None:
    with sockets(make(), 3) as (_, (teacher, first, second)):
        room = create(teacher)
        a, b = join(first, room["code"], "A"), join(second, room["code"], "B")
        ack = ask(teacher, "room_push", key=room["key"], exercise="forward")
        exercise = ack["exercise"]
        assert ack["delivered"] == 2 and exercise["kind"] == "forward"
        for student in (first, second):
            assert wait_for(student, "room_push")["exercise"] == exercise
        first.send(type="exercise_answer", exercise=exercise["id"], verdict="wrong")
        first.send(type="exercise_answer", exercise=exercise["id"], verdict="right")
        second.send(type="exercise_answer", exercise=exercise["id"], verdict="wrong")

        def answered(message: dict[str, Any]) -> bool:
            tries = [(card["exercise"] or {}).get("tries") for card in message["students"]]
            return sorted(tries, key=str) == [1, 2]

        gallery = wait_for(teacher, "room_gallery", answered)
        cards = {card["id"]: card["exercise"] for card in gallery["students"]}
        assert cards[a["student"]] == {"id": exercise["id"], "verdict": "right", "tries": 2}
        assert cards[b["student"]] == {"id": exercise["id"], "verdict": "wrong", "tries": 1}
        bad = ask(teacher, "room_push", key=room["key"], exercise="essay")
        assert (bad["code"], bad["field"]) == ("invalid", "exercise")


def test_locked_controls_are_enforced_by_the_server(make: Any) -> None:
    with sockets(make(), 2) as (_, (teacher, student)):
        room = create(teacher)
        join(student, room["code"], "C")
        ask(teacher, "room_lock", key=room["key"], controls=["learning_rate", "data_edit"])
        assert wait_for(student, "room_state")["locks"] == ["learning_rate", "data_edit"]
        refused = ask(student, "configure", config={"optimizer": {"learning_rate": 0.3}})
        assert (refused["code"], refused["field"]) == ("forbidden",
                                                       "config.optimizer.learning_rate")
        assert ask(student, "configure", config={"optimizer": {"batch_size": 5}})["type"] == \
            "config"
        points = ask(student, "add_points", points=[[0.1, 0.2, 1]])
        assert (points["code"], points["field"]) == ("forbidden", "points")
        assert wait_for(teacher, "room_gallery")["students"][0]["locked"] is True
        # What the teacher pushes goes through the lock.
        ask(teacher, "room_push", key=room["key"], config={"optimizer": {"learning_rate": 0.1}})
        wait_for(student, "room_push")
        accepted = ask(student, "configure", config={"optimizer": {"learning_rate": 0.1}})
        assert accepted["config"]["optimizer"]["learning_rate"] == 0.1
        ask(teacher, "room_lock", key=room["key"], controls=[])
        assert wait_for(student, "room_state")["locks"] == []
        assert ask(student, "configure", config={"optimizer": {"learning_rate": 0.3}})[
            "type"] == "config"


def test_spotlight_forwards_the_students_frames_to_the_teacher(make: Any) -> None:
    with sockets(make(), 2) as (_, (teacher, student)):
        room = create(teacher)
        joined = join(student, room["code"], "Dee")
        ask(student, "configure", config={"dataset": {"name": "xor"}})
        ack = ask(teacher, "room_spotlight", key=room["key"], student=joined["student"])
        assert ack["action"] == "spotlight"
        info = wait_for(teacher, "room_spotlight")
        assert (info["student"], info["name"]) == (joined["student"], "Dee")
        assert info["config"]["dataset"]["name"] == "xor" and info["data"]["type"] == "data"
        ask(student, "play")
        frames = []
        for _ in range(3):  # the student's page draws (and acknowledges) its frames meanwhile
            student.until("frame")
            frames.append(teacher.until("frame"))
        assert all(f["header"]["spotlight"] == joined["student"] for f in frames)
        assert frames[-1]["header"]["epoch"] > 0
        ask(student, "pause")
        ask(student, "room_leave")
        assert wait_for(teacher, "room_spotlight")["student"] is None
        missing = ask(teacher, "room_spotlight", key=room["key"], student="nobody")
        assert (missing["code"], missing["field"]) == ("invalid", "student")


def test_a_challenge_ranks_students_by_their_sessions_test_split(make: Any) -> None:
    with sockets(make(), 3) as (_, (teacher, small, big)):
        room = create(teacher)
        small_id = join(small, room["code"], "Small")["student"]
        big_id = join(big, room["code"], "Big")["student"]
        ack = ask(teacher, "room_challenge", key=room["key"], dataset={"name": "xor"},
                  max_params=40, metric="test_accuracy", title="XOR")
        assert ack["action"] == "challenge"
        for student in (small, big):
            state = wait_for(student, "room_state")
            assert state["challenge"]["dataset"] == {"name": "xor"}
            assert state["challenge"]["max_params"] == 40
            assert wait_for(student, "room_push")["config"] == {"dataset": {"name": "xor"}}
        ask(small, "configure", config={"dataset": {"name": "xor"}})
        ask(big, "configure", config={"dataset": {"name": "xor"},
                                      "hidden": [{"units": 8}, {"units": 8}]})
        scores: dict[str, float] = {}
        for student, id in ((small, small_id), (big, big_id)):
            assert ask(student, "step", epochs=30)["epoch"] == 30
            header = student.frames[-1]["header"]  # the step's last frame, before its status
            assert header["epoch"] == 30
            scores[id] = header["metrics"]["test_accuracy"]
        board = wait_for(teacher, "room_leaderboard", lambda b: all(
            row["epoch"] == 30 for row in b["rows"]) and len(b["rows"]) == 2)
        assert board["challenge"]["title"] == "XOR"
        first, second = board["rows"]
        assert (first["rank"], first["student"], first["eligible"]) == (1, small_id, True)
        assert (second["rank"], second["student"], second["eligible"]) == (2, big_id, False)
        assert second["params"] > 40
        for row in board["rows"]:
            assert row["score"] == pytest.approx(scores[row["student"]], abs=1e-4)
        ask(teacher, "room_challenge", key=room["key"], stop=True)
        assert wait_for(small, "room_state")["challenge"] is None
        missing = ask(teacher, "room_challenge", key=room["key"])
        assert (missing["code"], missing["field"]) == ("invalid", "dataset")


def test_an_untitled_challenge_has_an_empty_title_for_pages_to_name(make: Any) -> None:
    with sockets(make(), 2) as (_, (teacher, student)):
        room = create(teacher)
        join(student, room["code"], "Ada")
        ask(teacher, "room_challenge", key=room["key"], dataset={"name": "xor"})
        assert wait_for(student, "room_state")["challenge"]["title"] == ""

def test_hide_remove_and_close(make: Any) -> None:
    with sockets(make(), 3) as (_, (teacher, first, second)):
        room = create(teacher)
        first_id = join(first, room["code"], "E")["student"]
        join(second, room["code"], "F")
        ask(teacher, "room_hide", key=room["key"], student=first_id, hidden=True)
        gallery = wait_for(teacher, "room_gallery", lambda g: any(
            c["hidden"] for c in g["students"]))
        assert [c["id"] for c in gallery["students"] if c["hidden"]] == [first_id]
        assert ask(teacher, "room_remove", key=room["key"], student=first_id)["type"] == \
            "room_ack"
        assert wait_for(first, "room_closed")["reason"] == "removed"
        gallery_with(teacher, 1)
        assert ask(first, "room_leave")["code"] == "not_in_room"
        assert ask(teacher, "room_close", key=room["key"])["action"] == "close"
        assert wait_for(second, "room_closed")["reason"] == "closed"
        assert ask(second, "room_join", code=room["code"], name="G")["code"] == \
            "room_not_found"


def test_room_and_student_limits(make: Any) -> None:
    with sockets(make(max_rooms=1, max_students_per_room=1), 3) as (_, (a, b, c)):
        room = create(a)
        refused = ask(b, "room_create")
        assert (refused["code"], refused["field"]) == ("room_limit", "type")
        assert "max_rooms" in refused["message"]
        join(b, room["code"], "H")
        full = ask(c, "room_join", code=room["code"], name="I")
        assert (full["code"], full["field"]) == ("room_full", "code")


def test_wrong_codes_are_rate_limited_per_address_but_a_class_joins_at_once(make: Any) -> None:
    settings = make(room_join_attempts=3, room_join_window=60.0)
    with sockets(settings, 7) as (_, (teacher, *students, guesser, thief)):
        room = create(teacher)
        # A class behind one address (TestClient's) joins at once: joins that work are free.
        for number, student in enumerate(students):
            join(student, room["code"], f"S{number}")
        gallery_with(teacher, len(students))
        for _ in range(2):
            assert ask(guesser, "room_join", code="ZZZZZZ", name="J")["code"] == \
                "room_not_found"
        wrong_key = ask(thief, "room_create", code=room["code"], key="k" * 32)
        assert wrong_key["code"] == "forbidden"  # a wrong key counts too
        limited = ask(guesser, "room_join", code=room["code"], name="J")
        assert (limited["code"], limited["field"]) == ("rate_limited", "code")
        assert "wrong codes" in limited["message"]
        resumed = ask(thief, "room_create", code=room["code"], key=room["key"])
        assert (resumed["code"], resumed["field"]) == ("rate_limited", "key")


def test_an_idle_room_expires(make: Any) -> None:
    with sockets(make(room_idle_seconds=0.6), 3) as (client, (teacher, student, late)):
        room = create(teacher)
        join(student, room["code"], "K")
        teacher.ws.close()
        started = time.monotonic()
        assert wait_for(student, "room_closed")["reason"] == "expired"
        assert time.monotonic() - started >= 0.3
        assert ask(late, "room_join", code=room["code"], name="L")["code"] == "room_not_found"
        assert client.get(f"/api/rooms/{room['code']}/qr.svg").status_code == 404


def test_names_are_plain_text_of_bounded_length(make: Any) -> None:
    with sockets(make(), 2) as (_, (teacher, student)):
        room = create(teacher, title="Room\x1b[31m 1")
        assert room["title"] == "Room [31m 1"
        joined = join(student, room["code"], " Zo\x07\u202e <b>é</b>\n")
        assert joined["name"] == "Zo <b>é</b>"
        long = ask(student, "room_join", code=room["code"], name="n" * 41)
        assert (long["code"], long["field"]) == ("invalid", "name")
        blank = ask(student, "room_join", code=room["code"], name=" \x00 ")
        assert (blank["code"], blank["field"]) == ("invalid", "name")
        bad = ask(student, "room_join", code="ABC10O", name="M")
        assert (bad["code"], bad["field"]) == ("invalid", "code")


def test_the_join_qr_code_is_an_svg_of_an_open_room(make: Any, hub: str) -> None:
    with sockets(make(), 1) as (client, (teacher,)):
        assert client.get("/health").json()["rooms"] == hub
        room = create(teacher)
        reply = client.get(f"/api/rooms/{room['code'].lower()}/qr.svg",
                           params={"base": "http://192.168.1.20:8000"})
        assert reply.status_code == 200
        assert reply.headers["content-type"] == "image/svg+xml"
        assert reply.text.lstrip().startswith("<svg") and room["key"] not in reply.text
        assert client.get("/api/rooms/ZZZZZZ/qr.svg").status_code == 404
        assert client.get(f"/api/rooms/{room['code']}/qr.svg",
                          params={"base": "javascript:alert(1)"}).status_code == 400


def test_the_teachers_key_is_never_logged(make: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    with sockets(make(), 2) as (_, (teacher, student)):
        room = create(teacher)
        join(student, room["code"], "N")
        ask(teacher, "room_lock", key=room["key"], controls=["init"])
        ask(teacher, "room_lock", key=room["key"][::-1], controls=[])
        ask(teacher, "room_close", key=room["key"])
    assert room["code"] in caplog.text  # the log does speak of the room
    assert room["key"] not in caplog.text and room["key"][::-1] not in caplog.text


def test_a_pushed_experiment_goes_through_the_locks_as_the_page_applies_it(make: Any) -> None:
    from server.catalog import default_config
    from server.config import merge

    name, experiment = next((n, e) for n, e in EXPERIMENTS.items()
                            if e.config.get("dataset", {}).get("points"))
    full = merge(default_config().model_dump(), experiment.config)  # as the page builds it
    for key in ("resolved_activation", "resolved_loss"):
        full["output"].pop(key)
    with sockets(make(), 2) as (_, (teacher, student)):
        room = create(teacher)
        join(student, room["code"], "O")
        ask(teacher, "room_lock", key=room["key"], controls=["dataset", "layers", "init"])
        wait_for(student, "room_state")
        refused = ask(student, "configure", config=full)
        assert refused["code"] == "forbidden"
        ask(teacher, "room_push", key=room["key"], experiment=name)
        wait_for(student, "room_push")
        applied = ask(student, "configure", config=full)
        assert applied["type"] == "config", applied
        assert applied["config"]["dataset"] == {**default_config().dataset.model_dump(),
                                                **experiment.config["dataset"]}
