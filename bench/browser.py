"""How smooth the page is while training the standard workload, measured in headless Chromium.

    .venv/bin/python bench/browser.py [--seconds 10] [--json]

Starts a server, opens the page on the standard workload (bench/workload.py: TF Playground's
largest network, spiral, 6 hidden layers of 8 tanh units), presses play and
measures:
- painted frames/s: animation frames that drew a newly received frame (and frames received/s:
  the page paints every frame the server sends when the two agree);
- main-thread busy share: Chrome's TaskDuration (DevTools Performance metrics) over wall time,
  and its CPU share (ThreadTime), which other processes on a shared machine do not inflate;
- the same, client only: the frames captured above replayed into the page at 30 per second
  with the server paused, so that a busy server does not limit what the page can paint;
- pause latency: from the pointer press on pause to the animation frame that paints the
  pressed state (and, separately, to the server's `paused` status);
- learning-rate latency: from choosing a new rate to the animation frame that paints it as sent
  (`data-pending`), and to the one that paints the server's confirmation (`data-applied`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from bench.workload import query  # noqa: E402
from tests.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.server_process import running_server  # noqa: E402

WORKLOAD = query() + "&eps=0"

# In the page: time from an input event to the animation frame after the UI showed its effect.
PROBE = """() => {
  const probe = window.__playground;
  probe.latency = [];
  probe.arm = (kind, selector, attribute, expected) => {
    const el = document.querySelector(selector);
    let start = null;
    const onInput = (e) => { start = e.timeStamp; };
    document.addEventListener(kind, onInput, { capture: true, once: true });
    const observer = new MutationObserver(() => {
      if (el.getAttribute(attribute) !== expected || start === null) return;
      observer.disconnect();
      requestAnimationFrame(() => probe.latency.push(performance.now() - start));
    });
    observer.observe(el, { attributes: true, attributeFilter: [attribute] });
  };
  probe.ackLatency = [];
  // From the pointerdown (not from before Playwright's click, whose actionability checks
  // wait for animation frames) to the first animation frame that has the server's status.
  probe.armAck = (state) => {
    let begin = null;
    document.addEventListener('pointerdown', (e) => { begin = e.timeStamp; },
                              { capture: true, once: true });
    const poll = () => {
      const now = performance.now();
      if (begin !== null && probe.store.state.status?.state === state) {
        probe.ackLatency.push(now - begin);
      } else requestAnimationFrame(poll);
    };
    requestAnimationFrame(poll);
  };
}"""


def counters(page: Page) -> dict[str, float]:
    value: dict[str, float] = page.evaluate(
        "() => ({framePaints: window.__playground.framePaints,"
        " frames: window.__playground.frames,"
        " epoch: window.__playground.store.state.frame?.header?.epoch ?? 0,"
        " now: performance.now()})"
    )
    return value


def metrics(cdp: Any) -> dict[str, float]:
    """Chrome's main-thread counters (seconds): TaskDuration (wall), ThreadTime (CPU)."""
    values = cdp.send("Performance.getMetrics")["metrics"]
    return {m["name"]: float(m["value"]) for m in values}


def window(page: Page, cdp: Any, seconds: float) -> dict[str, float]:
    """Painted and received frames per second, busy and CPU shares over `seconds`."""
    before, m0, wall0 = counters(page), metrics(cdp), time.monotonic()
    page.wait_for_timeout(seconds * 1000)
    after, m1, wall1 = counters(page), metrics(cdp), time.monotonic()
    elapsed = (after["now"] - before["now"]) / 1000
    wall = wall1 - wall0
    return {
        "painted_frames_per_s": (after["framePaints"] - before["framePaints"]) / elapsed,
        "received_frames_per_s": (after["frames"] - before["frames"]) / elapsed,
        "main_thread_busy": (m1["TaskDuration"] - m0["TaskDuration"]) / wall,
        "main_thread_cpu": (m1["ThreadTime"] - m0["ThreadTime"]) / wall,
        "epochs_per_s": (after["epoch"] - before["epoch"]) / elapsed,
    }


# Keeps the page's first decoded frames, then replays them at 30 per second (epochs rising).
CAPTURE = """() => {
  const p = window.__playground;
  p.captured = [];
  const addFrame = p.store.addFrame;
  p.store.addFrame = (f) => { if (p.captured.length < 90) p.captured.push(f); addFrame(f); };
}"""
REPLAY = """() => {
  const p = window.__playground;
  const frames = p.captured;
  const first = frames[frames.length - 1].header.epoch + 1;
  let k = 0;
  setInterval(() => {
    const f = frames[k % frames.length];
    f.header.epoch = first + k;
    k += 1;
    p.frames += 1;
    p.store.addFrame(f);
  }, 1000 / 30);
}"""


def measure(base_url: str, seconds: float) -> dict[str, Any]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(base_url + "/" + WORKLOAD)
        page.wait_for_function(
            "() => window.__playground?.store.state.frame?.arrays?.['neurons/6'] !== undefined"
        )
        page.evaluate(PROBE)
        page.evaluate(CAPTURE)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        play = page.get_by_test_id("play-pause")
        play.click()
        page.wait_for_timeout(2000)  # warm up: the first frames and JIT
        result: dict[str, Any] = window(page, cdp, seconds)

        select = "[data-testid='play-pause']"
        for _ in range(10):
            page.evaluate(f"() => window.__playground.arm('pointerdown', \"{select}\", "
                          "'aria-pressed', 'false')")
            page.evaluate("() => window.__playground.armAck('paused')")
            play.click()
            page.wait_for_function("() => window.__playground.store.state.status.state === "
                                   "'paused'")
            page.wait_for_timeout(150)
            play.click()
            page.wait_for_function("() => window.__playground.store.state.status.state === "
                                   "'playing'")
            page.wait_for_timeout(400)
        pause = page.evaluate("() => window.__playground.latency.splice(0)")
        ack = page.evaluate("() => window.__playground.ackLatency.splice(0)")

        rate = page.get_by_test_id("learning-rate")
        lr: dict[str, list[float]] = {"data-pending": [], "data-applied": []}
        for i in range(20):
            value = "0.1" if i % 2 == 0 else "0.03"
            attribute = "data-pending" if i < 10 else "data-applied"
            expected = "true" if i < 10 else value
            page.evaluate("([a, v]) => window.__playground.arm('change', "
                          "\"[data-testid='learning-rate']\", a, v)", [attribute, expected])
            rate.select_option(value)
            page.wait_for_function("(v) => document.querySelector(\"[data-testid='learning-rate']"
                                   "\").dataset.applied === v", arg=value)
            page.wait_for_timeout(300)
            lr[attribute] += page.evaluate("() => window.__playground.latency.splice(0)")

        play.click()
        page.wait_for_function("() => window.__playground.store.state.status.state === 'paused'")
        page.evaluate(REPLAY)
        page.wait_for_timeout(1000)
        replay = window(page, cdp, seconds)
        browser.close()
    replay.pop("epochs_per_s")
    result.update({f"replay_{key}": value for key, value in replay.items()})

    result.update(
        pause_visible_ms_median=statistics.median(pause),
        pause_visible_ms_max=max(pause),
        pause_acknowledged_ms_median=statistics.median(ack),
        learning_rate_shown_ms_median=statistics.median(lr["data-pending"]),
        learning_rate_shown_ms_max=max(lr["data-pending"]),
        learning_rate_confirmed_ms_median=statistics.median(lr["data-applied"]),
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measurement window")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"Chromium is missing at {CHROMIUM} (apt-get install chromium)")
    with running_server() as base_url:
        result = measure(base_url, args.seconds)
    if args.json:
        print(json.dumps({k: round(v, 2) for k, v in result.items()}))
        return
    rows = [
        ("painted frames/s", result["painted_frames_per_s"], "≥ 30"),
        ("frames received/s", result["received_frames_per_s"], ""),
        ("main thread busy, %", result["main_thread_busy"] * 100, "≤ 50"),
        ("main thread CPU, %", result["main_thread_cpu"] * 100, ""),
        ("epochs/s (server, while painting)", result["epochs_per_s"], ""),
        ("pause visible, median ms", result["pause_visible_ms_median"], "≤ 50"),
        ("pause visible, max ms", result["pause_visible_ms_max"], "≤ 50"),
        ("pause acknowledged by server, median ms", result["pause_acknowledged_ms_median"], ""),
        ("learning rate shown, median ms", result["learning_rate_shown_ms_median"], "≤ 50"),
        ("learning rate shown, max ms", result["learning_rate_shown_ms_max"], "≤ 50"),
        ("learning rate confirmed by server, median ms",
         result["learning_rate_confirmed_ms_median"], ""),
    ]
    replay_rows = [
        ("painted frames/s", result["replay_painted_frames_per_s"], "≥ 30"),
        ("main thread busy, %", result["replay_main_thread_busy"] * 100, "≤ 50"),
        ("main thread CPU, %", result["replay_main_thread_cpu"] * 100, ""),
    ]
    print("Browser, standard workload (spiral, 6 x 8 tanh) while training, headless Chromium")
    for name, value, target in rows:
        print(f"  {name:<46} {value:8.1f}   {target}")
    print("Client only: captured frames replayed at 30/s (server paused)")
    for name, value, target in replay_rows:
        print(f"  {name:<46} {value:8.1f}   {target}")


if __name__ == "__main__":
    main()
