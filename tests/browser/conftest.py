"""Browser test fixtures: one headless Chromium per session, one real server per module.

    def test_something(app: App) -> None:
        app.open("?dataset=xor")                 # loads the page and waits for the connection
        app.page.get_by_test_id("play-pause").click()

- `browser`: Debian's Chromium (/usr/bin/chromium), headless; missing Chromium fails the tests.
- `server`: a `python -m server` subprocess on a free port, shared by a test module; a
  `ServerProcess` can be stopped and started again on the same port.
- `page`: a fresh browser context and page per test. Any uncaught page error fails the test;
  on failure a screenshot goes to tests/artifacts/ and the server's log is printed.
- `app`: the page and the server together, with `open(query)`, `probe(js)`, `wait(js)` and
  `settled()`.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.server_process import ROOT, dump_log, free_port, start_server, stop_server

if TYPE_CHECKING:
    from tests.browser.classroom import Classroom

ARTIFACTS = ROOT / "tests" / "artifacts"
VIEWPORT = {"width": 1400, "height": 900}

expect.set_options(timeout=10_000)
WAIT_MS = 15_000
"""How long App.wait retries its predicate."""

# Runs before the page's scripts: notes the id of every `configure` the page sends, whether
# each was answered (`config` or `error` with that id), and whether a frame followed the last
# `config` reply. The server answers a configure with `config`, maybe `data` and `status`,
# then a frame: until that frame, the store holds the new config and the old frame.
SOCKET_LOG = """(() => {
  const log = { sent: new Set(), answered: new Set(), framed: true };
  const parse = (text) => { try { return JSON.parse(text); } catch { return {}; } };
  window.__socketLog = log;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (typeof event.data !== 'string') { log.framed = true; return; }
        const message = parse(event.data);
        if (!log.sent.has(message.id)) return;
        if (message.type === 'config') { log.answered.add(message.id); log.framed = false; }
        if (message.type === 'error') log.answered.add(message.id);
      });
    }
    send(data) {
      const message = typeof data === 'string' ? parse(data) : {};
      if (message.type === 'configure') log.sent.add(message.id);
      super.send(data);
    }
  };
})()"""
SETTLED = """() => { const log = window.__socketLog;
  return [...log.sent].every(id => log.answered.has(id)) && log.framed; }"""
"""Every configure sent so far is answered, and a frame followed the last config reply."""
STATE_SUMMARY = """() => {
  const s = window.__playground?.store?.state;
  if (!s) return 'no store';
  const h = s.frame?.header;
  return { connection: s.connection, status: s.status,
           frame: h ? { seq: h.seq, epoch: h.epoch, state: h.state } : null,
           history: s.history.length, lastErrors: s.errors.slice(-2) };
}"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/browser carries the `browser` marker."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keeps each phase's report on the item, so fixtures know whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def failed(request: pytest.FixtureRequest) -> bool:
    report = getattr(request.node, "report_call", None)
    return report is None or report.failed


class ServerProcess:
    """`python -m server` on a fixed port, which can be stopped and started again."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        # Kept open across restarts, closed by close(): a context manager cannot span them.
        self.log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115

    def start(self) -> None:
        # Every test's teacher page comes from 127.0.0.1 and leaves its room open: the rooms
        # per client address would refuse the fourth.
        self.process = start_server(self.port, self.log,
                                    settings={"PLAYGROUND_MAX_ROOMS_PER_CLIENT": "1000"})

    def stop(self) -> None:
        if self.process is not None:
            stop_server(self.process)
            self.process = None

    def close(self) -> None:
        self.stop()
        self.log.close()

    def dump_log(self) -> None:
        dump_log(self.log, f"port {self.port}")


# Package scope, not session: Playwright's sync API keeps an event loop running in the main
# thread while it is open, and the server tests that run after this package use asyncio.run.
@pytest.fixture(scope="package")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


# A function of a CSS selector: the first match's box (getBoundingClientRect) as a plain
# object, or null when it is missing or not rendered (display: none). Layout tests build their
# measures from it: `"() => { const box = " + BOX_JS + "; return {...}; }"`.
BOX_JS = """(selector) => {
    const el = document.querySelector(selector);
    if (!el || !el.getClientRects().length) return null;
    const r = el.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
            width: r.width, height: r.height};
  }"""

@pytest.fixture(scope="package")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: install it (`apt-get install chromium`, or "
            "`make test` does it) or deselect the browser tests with -m 'not browser'",
            pytrace=False,
        )
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    process = ServerProcess()
    process.start()
    yield process
    process.close()


@pytest.fixture
def page(
    browser: Browser, server: ServerProcess, request: pytest.FixtureRequest
) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    context.set_default_timeout(10_000)
    context.add_init_script(SOCKET_LOG)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"{error.name}: {error.message}"))
    yield page
    if failed(request):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{request.node.name}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
            sys.stderr.write(f"screenshot: {path}\n")
        except Exception as error:  # a crashed page still gets its log dumped
            sys.stderr.write(f"no screenshot: {error}\n")
        server.dump_log()
    context.close()
    if errors:
        pytest.fail("uncaught errors in the page:\n" + "\n".join(errors), pytrace=False)


class App:
    """The page and its server, with the few helpers every browser test needs."""

    def __init__(self, page: Page, server: ServerProcess) -> None:
        self.page = page
        self.server = server

    def open(self, query: str = "") -> Page:
        """Loads the app (with an optional `?query`) and waits until its session is open and
        settled: the config the URL asks for is applied and a frame of it has arrived."""
        self.page.goto(self.server.url + "/" + query)
        expect(self.page.get_by_test_id("connection")).to_have_attribute("data-state", "open")
        self.wait("s => s.frame !== null && s.config !== null")
        self.settled()
        return self.page

    def settled(self) -> None:
        """Waits until every `configure` the page sent is answered and, if the last answer
        was a new config, a frame followed it (so the store's frame shows that config)."""
        self.wait(f"s => ({SETTLED})()")

    def probe(self, expression: str) -> Any:
        """Evaluates `expression` (a function of the store's state) in the page."""
        return self.page.evaluate(f"({expression})(window.__playground.store.state)")

    def wait(self, predicate: str) -> Any:
        """Waits (retrying, no sleep) until `predicate(state)` is truthy; returns its value.
        The predicate sees the store and the page at one moment: a check that needs two
        views of the state (the store and a readout, a status and a frame) reads both in it.
        On timeout the failure shows the predicate and what status and frame the page had."""
        try:
            handle = self.page.wait_for_function(
                f"() => ({predicate})(window.__playground.store.state)", timeout=WAIT_MS
            )
        except PlaywrightTimeoutError:
            seen = self.page.evaluate(STATE_SUMMARY)
            raise AssertionError(
                f"not true within {WAIT_MS / 1000:g} s: {predicate}\nthe page had: {seen}"
            ) from None
        return handle.json_value()


@pytest.fixture
def app(page: Page, server: ServerProcess) -> App:
    return App(page, server)


@pytest.fixture
def classroom(
    browser: Browser, server: ServerProcess, request: pytest.FixtureRequest
) -> Iterator[Classroom]:
    """A teacher's page and students' playgrounds on the module's server (rooms tests)."""
    from tests.browser.classroom import Classroom

    room = Classroom(browser, server)
    yield room
    if failed(request):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pages = ([("teacher", room.teacher)] if room.teacher else []) + [
            (name, app.page) for name, app in room.students.items()
        ]
        for who, page in pages:
            path = ARTIFACTS / f"{request.node.name}-{who}.png"
            try:
                page.screenshot(path=str(path), full_page=True)
                sys.stderr.write(f"screenshot: {path}\n")
            except Exception as error:
                sys.stderr.write(f"no screenshot of {who}: {error}\n")
        server.dump_log()
    room.close()
    if room.errors:
        pytest.fail("uncaught errors in the pages:\n" + "\n".join(room.errors), pytrace=False)
