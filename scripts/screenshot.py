"""Takes the README's screenshot: docs/screenshot.png, the app after a few seconds of training.

    .venv/bin/python scripts/screenshot.py [--query '?dataset=spiral...'] [--epochs 150]

Starts a server, opens the page in headless Chromium at 1400 x 900, plays until the epoch
counter passes --epochs, pauses and saves the visible window (the toolbar, the data, the
network and the output).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.server_process import running_server  # noqa: E402

# A network that learns a spiral in a few seconds, with features and a readable diagram.
DEFAULT_QUERY = (
    "?dataset=spiral&noise=0&points=500&features=x1,x2,x1_sq,x2_sq,sin_x1,sin_x2"
    "&hidden=8:tanh,6:tanh,4:tanh&lr=0.01&batch=10&opt=adam&seed=1&lang=en"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--query", default=DEFAULT_QUERY, help="the page's query string")
    parser.add_argument("--epochs", type=int, default=150, help="train at least this long")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"Chromium is missing at {CHROMIUM} (apt-get install chromium)")
    with running_server() as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900}, device_scale_factor=1)
        page.goto(base_url + "/" + args.query)
        expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "open")
        page.wait_for_function("() => window.__playground?.store.state.frame !== null")
        page.get_by_test_id("play-pause").click()
        page.wait_for_function(
            f"() => window.__playground.store.state.frame.header.epoch >= {args.epochs}",
            timeout=120_000,
        )
        page.get_by_test_id("play-pause").click()
        page.wait_for_function("() => window.__playground.store.state.status.state === 'paused'")
        page.mouse.move(0, 0)
        page.wait_for_timeout(300)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.out))
        browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
