"""Running the class from the teacher's page: the waiting room, pausing every student with a
message, and downloading the session's record."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.classroom import Classroom
from tests.browser.conftest import VIEWPORT, App


def _knock(room: Classroom, name: str) -> App:
    """A student who asks to join while the waiting room is on."""
    page = room.new_page(VIEWPORT)
    app = App(page, room.server)
    app.open(f"?room={room.code}")
    page.get_by_test_id("room-name-input").fill(name)
    page.get_by_test_id("room-join").click()
    expect(page.get_by_test_id("room-dialog")).to_be_hidden()
    return app


def test_the_waiting_room_lets_students_in_one_by_one_or_all(classroom: Classroom) -> None:
    teacher = classroom.open_class("Friday")
    teacher.get_by_test_id("waiting-room").check()
    ada = _knock(classroom, "Ada")
    waiting = ada.page.get_by_test_id("room-waiting")
    expect(waiting).to_be_visible()
    expect(waiting).to_contain_text("Waiting for the teacher to let you in")
    expect(ada.page.get_by_test_id("room-banner")).to_be_hidden()
    row = teacher.get_by_test_id("waiting-student")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Ada")
    admit = teacher.locator('[data-testid^="admit-"]:not([data-testid="admit-all"])')
    admit.click()
    expect(ada.page.get_by_test_id("room-banner")).to_be_visible()
    expect(waiting).to_be_hidden()
    expect(classroom.card("Ada")).to_be_visible()
    # Refused: the student is told, and is in no class.
    bob = _knock(classroom, "Bob")
    expect(row).to_have_count(1)
    teacher.locator('[data-testid^="refuse-"]').click()
    notice = bob.page.get_by_test_id("room-notice")
    expect(notice).to_contain_text("did not let you into the class")
    expect(bob.page.get_by_test_id("room-banner")).to_be_hidden()
    # Two at once: "let everyone in".
    cy, dee = _knock(classroom, "Cy"), _knock(classroom, "Dee")
    expect(row).to_have_count(2)
    teacher.get_by_test_id("admit-all").click()
    for app in (cy, dee):
        expect(app.page.get_by_test_id("room-banner")).to_be_visible()
    expect(teacher.get_by_test_id("gallery-count")).to_have_attribute("data-count", "3")
    expect(row).to_have_count(0)


def test_pausing_the_class_stops_the_students_and_shows_the_teachers_words(
        classroom: Classroom) -> None:
    teacher = classroom.open_class()
    ada = classroom.join("Ada")
    ada.page.get_by_test_id("play-pause").click()
    ada.wait("s => s.status.state === 'playing'")
    teacher.get_by_test_id("class-pause-message").fill("Eyes on the board")
    teacher.get_by_test_id("class-pause").click()
    overlay = ada.page.get_by_test_id("class-paused")
    expect(overlay).to_be_visible()
    expect(ada.page.get_by_test_id("class-paused-message")).to_have_text("Eyes on the board")
    ada.wait("s => s.status.state === 'paused'")
    expect(teacher.get_by_test_id("class-pause-status")).to_contain_text("Eyes on the board")
    # Joining during the pause: paused too.
    bob = classroom.join("Bob")
    expect(bob.page.get_by_test_id("class-paused")).to_be_visible()
    teacher.get_by_test_id("class-resume").click()
    for app in (ada, bob):
        expect(app.page.get_by_test_id("class-paused")).to_be_hidden()
    ada.page.get_by_test_id("play-pause").click()
    ada.wait("s => s.status.state === 'playing'")


def test_the_record_downloads_the_roster_and_the_best_network(classroom: Classroom,
                                                              tmp_path: Path) -> None:
    teacher = classroom.open_class()
    ada = classroom.join("Ada")
    ada.page.get_by_test_id("step").click()
    ada.wait("s => s.frame.header.epoch >= 1")
    expect(classroom.card("Ada")).to_be_visible()
    teacher.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid^="gallery-student-"]')]
                 .some((card) => Number(card.dataset.epoch) >= 1)""")
    teacher.get_by_test_id("class-record").click()
    roster_link = teacher.get_by_test_id("record-roster")
    expect(roster_link).to_be_visible()
    with teacher.expect_download() as roster_download:
        roster_link.click()
    roster_path = tmp_path / "roster.csv"
    roster_download.value.save_as(roster_path)
    rows = list(csv.DictReader(io.StringIO(roster_path.read_text())))
    assert [row["name"] for row in rows] == ["Ada"] and rows[0]["left"] == ""
    assert roster_download.value.suggested_filename.endswith("-roster.csv")
    network = teacher.locator('[data-testid^="record-network-"]')
    expect(network).to_have_count(1)
    with teacher.expect_download() as network_download:
        network.click()
    session_path = tmp_path / "session.json"
    network_download.value.save_as(session_path)
    session = json.loads(session_path.read_text())
    assert {"config", "model", "epoch"} <= set(session)
