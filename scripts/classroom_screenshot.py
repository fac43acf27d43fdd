"""Takes docs/classroom.md's screenshot: docs/classroom.png, the teacher's page with a class.

    .venv/bin/python scripts/classroom_screenshot.py [--students 4] [--size 1920x1080]
                                                     [--lang en] [--spotlight [--full-screen]]
    .venv/bin/python scripts/classroom_screenshot.py --class 60 [--names initials]
                                                     --out docs/classroom-mosaic.png

Starts a server, opens the teacher's page in headless Chromium, creates a class, lets
--students playgrounds join it (each on its own dataset and network, training), starts a
challenge so the leaderboard shows above the gallery of students and saves the visible window.
With --spotlight, the first student is in the spotlight (with --full-screen, on the whole
screen). With --class N, N students join as websocket clients instead of pages (as in
tests/browser/peers.py: a lab after a few minutes, some with the coach's advice, a few
diverged) and the page shows the mosaic and the class summary, without a challenge.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright  # noqa: E402

from tests.browser.peers import class_of_peers, mixed_class  # noqa: E402
from tests.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.server_process import running_server  # noqa: E402

# Students with different networks, so the gallery shows different boundaries.
STUDENTS = (
    ("Ada", "&hidden=8:tanh,4:tanh&lr=0.03&seed=1"),
    ("Grace", "&hidden=4:relu&lr=0.1&seed=2"),
    ("Alan", "&hidden=2:tanh&lr=0.3&seed=3"),
    ("Edsger", "&hidden=6:tanh,6:tanh,4:tanh&lr=0.01&opt=adam&seed=4"),
    ("Barbara", "&hidden=3:sigmoid&lr=1&seed=5"),
)


def join(browser: Browser, base_url: str, code: str, name: str, query: str, lang: str) -> Page:
    """A student's playground in the class, playing."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{base_url}/?room={code}&lang={lang}{query}")
    expect(page.get_by_test_id("room-dialog")).to_be_visible()
    page.get_by_test_id("room-name-input").fill(name)
    page.get_by_test_id("room-join").click()
    expect(page.get_by_test_id("room-banner")).to_be_visible()
    page.wait_for_function("() => window.__playground?.store.state.frame !== null")
    page.get_by_test_id("play-pause").click()
    return page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=4, choices=range(1, len(STUDENTS) + 1))
    parser.add_argument("--size", default="1920x1080", help="the window, WIDTHxHEIGHT")
    parser.add_argument("--lang", default="en", choices=("en", "fr"))
    parser.add_argument("--title", default="Lab 3: hidden layers")
    parser.add_argument("--spotlight", action="store_true", help="a student in the spotlight")
    parser.add_argument("--full-screen", action="store_true", help="the spotlight, full screen")
    parser.add_argument("--class", dest="class_size", type=int, default=0,
                        help="this many students joined as websocket clients: the mosaic")
    parser.add_argument("--names", default="shown", choices=("shown", "initials", "hidden"))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "classroom.png")
    args = parser.parse_args()
    match = re.fullmatch(r"(\d+)x(\d+)", args.size)
    if not match:
        sys.exit(f"--size: expected WIDTHxHEIGHT, got {args.size!r}")
    width, height = int(match[1]), int(match[2])
    if not CHROMIUM.exists():
        sys.exit(f"Chromium is missing at {CHROMIUM} (apt-get install chromium)")
    if args.class_size:
        mosaic(args, width, height)
        return
    with running_server() as base_url, sync_playwright() as playwright:
        browser, teacher, code = open_class(playwright, base_url, args, width, height)
        for name, query in STUDENTS[:args.students]:
            join(browser, base_url, code, name, query, args.lang)
        cards = teacher.locator('[data-testid^="gallery-student-"]')
        expect(cards).to_have_count(args.students, timeout=30_000)
        teacher.get_by_test_id("tool-challenge").click()
        teacher.get_by_test_id("challenge-start").click()
        expect(teacher.get_by_test_id("leaderboard-row-1")).to_be_visible(timeout=30_000)
        teacher.get_by_test_id("tool-challenge").click()
        if args.spotlight or args.full_screen:
            cards.first.click()
            expect(teacher.get_by_test_id("spotlight")).to_be_visible()
            teacher.wait_for_function("() => window.__teach.frames > 0", timeout=30_000)
            if args.full_screen:
                teacher.get_by_test_id("spotlight-fullscreen").click()
        teacher.wait_for_timeout(3000)
        teacher.mouse.move(0, 0)
        teacher.evaluate("() => window.scrollTo(0, 0)")
        teacher.wait_for_timeout(300)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        teacher.screenshot(path=str(args.out))
        browser.close()
    print(f"wrote {args.out}")


def open_class(playwright: Playwright, base_url: str, args: argparse.Namespace, width: int,
               height: int) -> tuple[Browser, Page, str]:
    """Chromium, the teacher's page at the screenshot's size, and the code of the class it
    opened."""
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    teacher = browser.new_page(viewport={"width": width, "height": height},
                               device_scale_factor=1)
    teacher.goto(f"{base_url}/teach?lang={args.lang}")
    expect(teacher.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    teacher.get_by_test_id("room-title-input").fill(args.title)
    teacher.get_by_test_id("room-create").click()
    code_box = teacher.get_by_test_id("room-code")
    expect(code_box).to_have_text(re.compile(r"^[A-Z0-9]{6}$"))
    return browser, teacher, code_box.inner_text()


def mosaic(args: argparse.Namespace, width: int, height: int) -> None:
    """The teacher's mosaic of a class of websocket students."""
    limits = ["--max-sessions", str(args.class_size + 20),
              "--max-sessions-per-client", str(args.class_size + 20)]
    with running_server(extra_args=limits) as base_url, sync_playwright() as playwright:
        browser, teacher, code = open_class(playwright, base_url, args, width, height)
        with class_of_peers(base_url, code, mixed_class(args.class_size)):
            expect(teacher.get_by_test_id("gallery-count")).to_have_attribute(
                "data-count", str(args.class_size), timeout=60_000)
            teacher.get_by_test_id("view-mosaic").click()
            teacher.get_by_test_id("anonymize").select_option(args.names)
            teacher.wait_for_timeout(3000)
            teacher.mouse.move(0, 0)
            teacher.evaluate("() => window.scrollTo(0, 0)")
            teacher.wait_for_timeout(300)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            teacher.screenshot(path=str(args.out))
        browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
