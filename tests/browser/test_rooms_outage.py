"""A class whose Redis restarts, seen from the pages: the teacher's page says the store does
not answer, the student's playground keeps training, and when Redis is back the notice goes,
the gallery shows the student again and a push reaches it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.classroom import Classroom
from tests.browser.conftest import ServerProcess
from tests.redis_server import RedisServer, restartable_redis_server
from tests.server_process import start_server


class ServerOnRedis(ServerProcess):
    """The playground with its rooms in this Redis server."""

    def __init__(self, redis_url: str) -> None:
        super().__init__()
        self.redis_url = redis_url

    def start(self) -> None:
        self.process = start_server(self.port, self.log, settings={
            "PLAYGROUND_MAX_ROOMS_PER_CLIENT": "1000", "PLAYGROUND_REDIS_URL": self.redis_url})


@pytest.fixture(scope="module")
def redis() -> Iterator[RedisServer]:
    with restartable_redis_server() as server:
        yield server


@pytest.fixture(scope="module")
def server(redis: RedisServer) -> Iterator[ServerProcess]:
    process = ServerOnRedis(redis.url)
    process.start()
    yield process
    process.close()


def test_the_teacher_sees_the_outage_and_the_class_come_back(
    classroom: Classroom, redis: RedisServer
) -> None:
    teacher = classroom.open_class("Lab 3")
    ada = classroom.join("Ada")
    expect(classroom.card("Ada")).to_be_visible()
    ada.page.get_by_test_id("play-pause").click()
    redis.stop()
    notice = teacher.get_by_test_id("error")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("store does not answer")
    # Ada's playground keeps training through the outage.
    epoch = ada.page.evaluate("() => window.__playground.store.state.frame.header.epoch")
    ada.page.wait_for_function(
        "e => window.__playground.store.state.frame.header.epoch > e + 5", arg=epoch)
    redis.start()
    expect(notice).to_be_hidden(timeout=30_000)
    expect(classroom.card("Ada")).to_be_visible()
    teacher.get_by_test_id("push-experiment-zero_init").click()
    expect(teacher.get_by_test_id("push-status")).to_have_text("Sent to 1 student.")
    card = ada.page.get_by_test_id("experiment-card")
    expect(card).to_have_attribute("data-experiment", "zero_init")
    assert classroom.errors == [], classroom.errors
