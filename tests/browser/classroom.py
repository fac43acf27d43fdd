"""A class for browser tests: the teacher's page and students' playgrounds, each in its own
browser context (its own storage and websocket), on one real server. The `classroom` fixture
(conftest.py) makes one per test and closes it, with screenshots of every page on failure."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.browser.conftest import SOCKET_LOG, VIEWPORT, App, ServerProcess

TEACHER_VIEWPORT = {"width": 1280, "height": 720}


@dataclass
class Classroom:
    """A teacher's page with a class open, and the students' playgrounds in it."""

    browser: Browser
    server: ServerProcess
    contexts: list[BrowserContext] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    teacher: Page | None = None
    code: str = ""
    students: dict[str, App] = field(default_factory=dict)

    def new_page(self, viewport: dict[str, int], locale: str = "en-US") -> Page:
        context = self.browser.new_context(viewport=viewport, locale=locale)  # type: ignore[arg-type]
        context.set_default_timeout(10_000)
        context.add_init_script(SOCKET_LOG)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"{error.name}: {error.message}"))
        return page

    def open_class(self, title: str = "", query: str = "") -> Page:
        page = self.new_page(TEACHER_VIEWPORT)
        page.goto(f"{self.server.url}/teach{query}")
        expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "open")
        if title:
            page.get_by_test_id("room-title-input").fill(title)
        page.get_by_test_id("room-create").click()
        code = page.get_by_test_id("room-code")
        expect(code).to_have_text(re.compile(r"^[A-HJKMNP-Z2-9]{6}$"))
        self.teacher = page
        self.code = code.inner_text()
        return page

    def join(self, name: str, query: str = "", viewport: dict[str, int] | None = None) -> App:
        """A student's playground that joined the class as `name`."""
        page = self.new_page(viewport or VIEWPORT)
        app = App(page, self.server)
        app.open(f"?room={self.code}{query}")
        dialog = page.get_by_test_id("room-dialog")
        expect(dialog).to_be_visible()
        expect(page.get_by_test_id("room-code-input")).to_have_value(self.code)
        page.get_by_test_id("room-name-input").fill(name)
        page.get_by_test_id("room-join").click()
        expect(dialog).to_be_hidden()
        expect(page.get_by_test_id("room-banner")).to_be_visible()
        expect(page.get_by_test_id("room-title")).to_contain_text(self.code)
        self.students[name] = app
        return app

    def card(self, name: str) -> Locator:
        assert self.teacher is not None
        return self.teacher.locator(f'[data-testid^="gallery-student-"][data-name="{name}"]')

    def close(self) -> None:
        for context in self.contexts:
            context.close()
