"""The page served by the installed wheel (tests/installed.py) in headless Chromium: it loads,
connects and draws a frame, as from the clone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import App, ServerProcess
from tests.browser.test_playground import BOUNDARY_COLORS
from tests.installed import Installed
from tests.server_process import start_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]


class InstalledServer(ServerProcess):
    """The venv's `playground`, run from outside the clone."""

    def __init__(self, installed: Installed) -> None:
        super().__init__()
        self.installed = installed

    def start(self) -> None:
        self.process = start_server(self.port, self.log, timeout=60,
                                    program=[str(self.installed.playground)],
                                    cwd=self.installed.home)


@pytest.fixture(scope="module")
def server(installed: Installed) -> Iterator[ServerProcess]:
    process = InstalledServer(installed)
    process.start()
    yield process
    process.close()


def test_the_installed_page_loads_connects_and_draws_a_frame(app: App) -> None:
    page = app.open("?dataset=xor")
    expect(page.get_by_test_id("epoch")).to_have_text("0")
    page.wait_for_function(f"() => ({BOUNDARY_COLORS})() > 1")
    expect(page.get_by_test_id("neuron-1-0")).to_be_visible()
    expect(page.get_by_test_id("error")).to_be_hidden()
