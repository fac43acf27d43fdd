"""The whole class at a glance: sixty students in the teacher's mosaic, on one projector screen.

The students are websocket clients (tests/browser/peers.py), each with its own session on the
real server, joined to the class the teacher's page opened: their cards, pictures and the
coach's advice are the server's, as for pages. One class serves every test of this module
(sixty sessions set up once); each test puts back what it changes.

Screenshots go to tests/artifacts/mosaic-*.png, to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS, SOCKET_LOG, ServerProcess
from tests.browser.peers import Peers, class_of_peers, mixed_class
from tests.browser.test_french import expect_french
from tests.browser.test_layout import axe_violations, settle
from tests.server_process import dump_log, start_server

STUDENTS = 60
TITLE = "Lab 3: hidden layers"
# Ada Lovelace's name under her tile: whole, or shortened to fit.
ADA = re.compile(r"^Ada( Lovelace| L\.)$")

# The tiles' boxes: how many, how many not wholly in the window, which overlap each other or
# the class summary, and the smallest side.
TILES = """() => {
  const tiles = [...document.querySelectorAll('[data-testid^="mosaic-tile-"]')]
    .filter((el) => el.getClientRects().length);
  const boxes = tiles.map((el) => el.getBoundingClientRect());
  const summary = document.querySelector('[data-testid="class-summary"]').getBoundingClientRect();
  const overlap = (r, s) => Math.min(r.right, s.right) - Math.max(r.left, s.left) > 1
    && Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top) > 1;
  let overlaps = 0;
  for (let i = 0; i < boxes.length; i++) {
    if (overlap(boxes[i], summary)) overlaps += 1;
    for (let j = i + 1; j < boxes.length; j++) if (overlap(boxes[i], boxes[j])) overlaps += 1;
  }
  const outside = tiles.filter((el, i) => {
    const r = boxes[i];
    return r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight;
  }).map((el) => el.dataset.testid);
  return { count: tiles.length, outside, overlaps,
           side: Math.min(...boxes.map((r) => Math.min(r.width, r.height))),
           scroll: [document.documentElement.scrollWidth, innerWidth] };
}"""


@dataclass
class Lab:
    teacher: Page
    peers: Peers
    errors: list[str]


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    """The module's server, with room for a class of sixty from one address."""
    process = ServerProcess()
    process.process = start_server(process.port, process.log, extra_args=[
        "--max-sessions", "100", "--max-sessions-per-client", "100"])
    yield process
    process.close()


@pytest.fixture(scope="module")
def lab(browser: Browser, server: ServerProcess) -> Iterator[Lab]:
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-US")
    context.set_default_timeout(20_000)
    context.add_init_script(SOCKET_LOG)
    teacher = context.new_page()
    errors: list[str] = []
    teacher.on("pageerror", lambda error: errors.append(f"{error.name}: {error.message}"))
    teacher.goto(f"{server.url}/teach?lang=en")
    expect(teacher.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    teacher.get_by_test_id("room-title-input").fill(TITLE)
    teacher.get_by_test_id("room-create").click()
    expect(teacher.get_by_test_id("room-code")).to_have_text(re.compile(r"^[A-HJKMNP-Z2-9]{6}$"))
    code = teacher.get_by_test_id("room-code").inner_text()
    try:
        with class_of_peers(server.url, code, mixed_class(STUDENTS)) as peers:
            expect(teacher.get_by_test_id("gallery-count")).to_have_attribute(
                "data-count", str(STUDENTS), timeout=60_000)
            # The gallery shows where every student got to (a tick or two after they did).
            expect(teacher.get_by_test_id("summary-count-diverged")).to_have_attribute(
                "data-count", str(STUDENTS // 10), timeout=30_000)
            teacher.mouse.move(0, 0)
            yield Lab(teacher, peers, errors)
    except BaseException:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        teacher.screenshot(path=str(ARTIFACTS / "mosaic-failed-setup.png"))
        dump_log(server.log, f"port {server.port}")
        if errors:
            raise AssertionError(f"errors in the teacher's page: {errors}") from None
        raise
    finally:
        context.close()
    assert errors == [], errors


def shot(page: Page, name: str) -> None:
    settle(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"mosaic-{name}.png"))


def set_lang(page: Page, lang: str) -> None:
    """The page in `lang`, on the large projector."""
    page.set_viewport_size({"width": 1920, "height": 1080})
    if page.evaluate("() => document.documentElement.lang") != lang:
        page.get_by_test_id("lang").click()
    expect(page.locator("html")).to_have_attribute("lang", lang)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_sixty_students_fit_one_projector_screen(lab: Lab, lang: str) -> None:
    teacher = lab.teacher
    set_lang(teacher, lang)
    # Past a dozen students the page opens on the mosaic by itself.
    expect(teacher.get_by_test_id("gallery-mosaic")).to_be_visible()
    expect(teacher.get_by_test_id("view-mosaic")).to_have_attribute("aria-pressed", "true")
    expect(teacher.get_by_test_id("gallery")).to_be_hidden()
    for width, height in ((1920, 1080), (1280, 720)):
        teacher.set_viewport_size({"width": width, "height": height})
        teacher.evaluate("() => window.scrollTo(0, 0)")
        settle(teacher)
        shot(teacher, f"{lang}-{width}")
        tiles: dict[str, Any] = teacher.evaluate(TILES)
        assert tiles["count"] == STUDENTS, (width, tiles)
        assert tiles["outside"] == [], (width, tiles)
        assert tiles["overlaps"] == 0, (width, tiles)
        assert tiles["scroll"][0] <= tiles["scroll"][1], (width, tiles)
        # Large enough to read a boundary from the back of the room.
        assert tiles["side"] >= (100 if width == 1920 else 48), (width, tiles)
    teacher.set_viewport_size({"width": 1920, "height": 1080})
    settle(teacher)
    bad = axe_violations(teacher)
    assert bad == [], "\n".join(bad)
    if lang == "fr":
        link = teacher.get_by_test_id("room-join-link").inner_text()
        expect_french(teacher, "the mosaic", allow=(link, TITLE, *lab.peers.ids))


def test_eighty_tiles_fit_1920_and_forty_fit_1280(lab: Lab) -> None:
    """The room's limit of 80 on the large screen, 40 on the small one: the tile sizing
    alone, with copies of the real tiles."""
    teacher = lab.teacher
    set_lang(teacher, "en")
    for width, height, n in ((1920, 1080, 80), (1280, 720, 40)):
        teacher.set_viewport_size({"width": width, "height": height})
        settle(teacher)
        fit = teacher.evaluate(
            """async (n) => {
              const { fitTiles, tileFont } = await import('/teach/mosaic.js');
              const grid = document.querySelector('[data-testid="gallery-mosaic"]');
              const top = grid.getBoundingClientRect().top + scrollY;
              const { side, cols } = fitTiles(n, grid.clientWidth, innerHeight - top - 18, true);
              const rows = Math.ceil(n / cols);
              const bottom = top + rows * (side + Math.ceil(tileFont(side) * 1.25) + 2)
                + (rows - 1) * 8;
              return { side, cols, rows, bottom, right: cols * side + (cols - 1) * 8,
                       width: grid.clientWidth };
            }""", n)
        assert fit["bottom"] <= height and fit["right"] <= fit["width"], (width, fit)
        assert fit["side"] >= 60, (width, fit)


def test_marks_say_the_state_and_the_coachs_main_advice(lab: Lab) -> None:
    teacher = lab.teacher
    set_lang(teacher, "en")
    peers = lab.peers
    diverged = teacher.get_by_test_id(f"mosaic-tile-{peers.ids['John von Neumann']}")
    expect(diverged).to_have_attribute("data-status", "diverged")
    expect(diverged).to_have_attribute("aria-label", re.compile(r"^John von Neumann: diverged"))
    # The dead-ReLU experiment: dead ReLUs, maybe after a learning rate too high (first).
    dead = teacher.get_by_test_id(f"mosaic-tile-{peers.ids['Alan Turing']}")
    expect(dead).to_have_attribute("data-advice", re.compile(r"^(dead_relu|lr_too_high)$"))
    mark = {"dead_relu": "Dead ReLU", "lr_too_high": "LR too high"}
    expect(dead.locator(".tile-advice")).to_have_text(mark[dead.get_attribute("data-advice") or ""])
    symmetric = teacher.get_by_test_id(f"mosaic-tile-{peers.ids['Edsger Dijkstra']}")
    expect(symmetric).to_have_attribute("data-advice", "symmetry")
    # The summary counts them; its numbers add up to the class.
    counts = teacher.evaluate("""() => Object.fromEntries(
      [...document.querySelectorAll('[data-testid^="summary-count-"]')]
        .map((el) => [el.dataset.testid.slice(14), Number(el.dataset.count)]))""")
    assert counts["playing"] + counts["paused"] + counts["diverged"] == STUDENTS, counts
    assert counts["diverged"] == STUDENTS // 10, counts
    assert counts["dead_relu"] >= STUDENTS // 10, counts
    assert counts["symmetry"] >= STUDENTS // 10, counts
    bars = teacher.evaluate("""() => [...document.querySelectorAll('[data-testid^="summary-bar-"]')]
      .map((el) => Number(el.dataset.count))""")
    assert len(bars) == 10 and 0 < sum(bars) <= STUDENTS, bars
    expect(teacher.get_by_test_id("summary-median")).to_have_text(re.compile(r"^\d+$"))


def test_a_bar_or_a_count_filters_the_mosaic_and_the_cards(lab: Lab) -> None:
    teacher = lab.teacher
    set_lang(teacher, "en")
    tiles = teacher.locator('[data-testid^="mosaic-tile-"]')
    count = teacher.get_by_test_id("summary-count-dead_relu")
    n = int(count.get_attribute("data-count") or 0)
    count.click()
    expect(count).to_have_attribute("aria-pressed", "true")
    expect(tiles).to_have_count(n)
    for advice in tiles.evaluate_all("(els) => els.map((el) => el.dataset.advice)"):
        assert advice in ("dead_relu", "lr_too_high"), advice  # the main one, or dead ReLUs too
    expect(teacher.get_by_test_id("summary-pick")).to_contain_text(f"Showing {n} of {STUDENTS}")
    # The cards show the same students, one click away.
    teacher.get_by_test_id("view-cards").click()
    expect(teacher.locator('[data-testid^="gallery-student-"]')).to_have_count(n)
    teacher.get_by_test_id("view-mosaic").click()
    count.click()
    expect(tiles).to_have_count(STUDENTS)
    # The best bar of the histogram: those students and no other.
    bar = teacher.get_by_test_id("summary-bar-9")
    best = int(bar.get_attribute("data-count") or 0)
    assert best > 0
    bar.click()
    expect(tiles).to_have_count(best)
    teacher.get_by_test_id("summary-clear").click()
    expect(tiles).to_have_count(STUDENTS)
    expect(bar).to_have_attribute("aria-pressed", "false")


def test_sort_and_find_work_on_the_mosaic(lab: Lab) -> None:
    teacher = lab.teacher
    set_lang(teacher, "en")
    tiles = teacher.locator('[data-testid^="mosaic-tile-"]')
    teacher.get_by_test_id("gallery-sort").select_option("epoch")
    expect(tiles.first).to_have_attribute("data-status", re.compile("playing|paused|diverged"))
    epochs = [int(e) for e in tiles.evaluate_all("(els) => els.map((el) => el.dataset.epoch)")]
    assert epochs == sorted(epochs, reverse=True), epochs
    teacher.get_by_test_id("gallery-sort").select_option("name")
    teacher.get_by_test_id("gallery-filter").fill("lovelace")
    expect(tiles).to_have_count(1)
    expect(tiles.first).to_have_attribute("aria-label", re.compile(r"^Ada Lovelace:"))
    teacher.get_by_test_id("gallery-filter").fill("")
    expect(tiles).to_have_count(STUDENTS)


def test_names_shown_as_initials_or_hidden_on_the_projected_views(lab: Lab) -> None:
    teacher = lab.teacher
    set_lang(teacher, "en")
    ada = teacher.get_by_test_id(f"mosaic-tile-{lab.peers.ids['Ada Lovelace']}")
    expect(ada.locator(".tile-name")).to_have_text(ADA)
    teacher.get_by_test_id("anonymize").select_option("initials")
    expect(ada.locator(".tile-name")).to_have_text("AL")
    expect(ada).to_have_attribute("aria-label", re.compile(r"^AL: "))
    shot(teacher, "initials")
    teacher.get_by_test_id("anonymize").select_option("hidden")
    expect(ada.locator(".tile-name")).to_be_hidden()
    expect(ada).to_have_attribute("aria-label", re.compile(r"^Student \d+: "))
    assert "Ada" not in teacher.get_by_test_id("gallery-mosaic").inner_text()
    tiles: dict[str, Any] = teacher.evaluate(TILES)
    assert tiles["outside"] == [] and tiles["overlaps"] == 0, tiles
    shot(teacher, "hidden")
    # The spotlight's heading follows the setting; the cards, the teacher's list, keep names.
    ada.click()
    expect(teacher.get_by_test_id("spotlight")).to_have_attribute("data-name", "Ada Lovelace")
    expect(teacher.get_by_test_id("spotlight-name")).to_have_text(re.compile(r"Student \d+$"))
    teacher.get_by_test_id("spotlight-close").click()
    teacher.get_by_test_id("view-cards").click()
    card = teacher.get_by_test_id(f"gallery-student-{lab.peers.ids['Ada Lovelace']}")
    expect(card.locator(".card-name")).to_have_text("Ada Lovelace")
    teacher.get_by_test_id("view-mosaic").click()
    # A reload keeps the setting (this tab's session storage).
    teacher.reload()
    expect(teacher.get_by_test_id("anonymize")).to_have_value("hidden")
    teacher.get_by_test_id("anonymize").select_option("shown")
    expect(ada.locator(".tile-name")).to_have_text(ADA)


def test_click_or_enter_on_a_tile_opens_the_spotlight(lab: Lab) -> None:
    teacher = lab.teacher
    set_lang(teacher, "en")
    spotlight = teacher.get_by_test_id("spotlight")
    grace = teacher.get_by_test_id(f"mosaic-tile-{lab.peers.ids['Grace Hopper']}")
    grace.click()
    expect(spotlight).to_have_attribute("data-name", "Grace Hopper")
    expect(grace).to_have_class(re.compile(r"tile-spotlit"))
    teacher.get_by_test_id("spotlight-close").click()
    expect(spotlight).to_be_hidden()
    alan = teacher.get_by_test_id(f"mosaic-tile-{lab.peers.ids['Alan Turing']}")
    alan.focus()
    expect(alan).to_be_focused()
    teacher.keyboard.press("Enter")
    expect(spotlight).to_have_attribute("data-name", "Alan Turing")
    teacher.wait_for_function("() => window.__teach.frames > 0")
    teacher.get_by_test_id("spotlight-close").click()
    expect(spotlight).to_be_hidden()


def test_a_challenge_keeps_the_class_on_screen(lab: Lab) -> None:
    """Last: the challenge sets every student's dataset. Over the mosaic the leaderboard shows
    its first three rows in one band, the histogram the challenge's metric, and every tile
    still fits the large screen (the small one keeps at least 40 in view)."""
    teacher = lab.teacher
    set_lang(teacher, "en")
    teacher.get_by_test_id("tool-challenge").click()
    teacher.get_by_test_id("challenge-metric").select_option("test_accuracy")
    teacher.get_by_test_id("challenge-start").click()
    teacher.get_by_test_id("tool-challenge").click()
    rows = teacher.locator('[data-testid^="leaderboard-row-"]')
    expect(rows).to_have_count(3, timeout=30_000)
    expect(teacher.get_by_test_id("board-more")).to_have_text(
        f"The first 3 of {STUDENTS}: the cards show the whole leaderboard.")
    expect(teacher.get_by_test_id("class-summary")).to_contain_text("Test accuracy (challenge)")
    for width, height in ((1920, 1080), (1280, 720)):
        teacher.set_viewport_size({"width": width, "height": height})
        teacher.evaluate("() => window.scrollTo(0, 0)")  # the challenge's tool is far down
        settle(teacher)
        shot(teacher, f"challenge-{width}")
        tiles: dict[str, Any] = teacher.evaluate(TILES)
        assert tiles["count"] == STUDENTS and tiles["overlaps"] == 0, (width, tiles)
        in_view = STUDENTS - len(tiles["outside"])
        assert in_view >= (STUDENTS if width == 1920 else 40), (width, in_view, tiles)
    # The cards list the whole leaderboard.
    teacher.get_by_test_id("view-cards").click()
    expect(rows).to_have_count(STUDENTS)
    expect(teacher.get_by_test_id("board-more")).to_be_hidden()
    teacher.get_by_test_id("view-mosaic").click()
    teacher.get_by_test_id("tool-challenge").click()
    teacher.get_by_test_id("challenge-stop").click()
    # The final standings stay over the mosaic until the teacher dismisses them.
    expect(teacher.get_by_test_id("challenge-final")).to_be_visible()
    tiles = teacher.evaluate(TILES)
    assert tiles["count"] == STUDENTS and tiles["overlaps"] == 0, tiles
    teacher.get_by_test_id("challenge-final-dismiss").click()
    expect(teacher.get_by_test_id("board")).to_be_hidden()


def test_initials_and_short_names(lab: Lab) -> None:
    names = lab.teacher.evaluate("""async () => {
      const { initials } = await import('/teach/names.js');
      const { shortName } = await import('/teach/mosaic.js');
      return [initials('Ada Lovelace'), initials('Jean-Baptiste Lefèvre'), initials('Émilie'),
              initials('  '), shortName('Ada Lovelace', 20), shortName('Ada Lovelace', 7),
              shortName('Ada Lovelace', 4), shortName('Jean-Baptiste Lefèvre', 4),
              shortName('Bartholomew', 6)];
    }""")
    assert names == ["AL", "JBL", "É", "?", "Ada Lovelace", "Ada L.", "Ada", "JBL", "Barth…"]


def test_the_summary_bins_accuracies_and_losses(lab: Lab) -> None:
    out = lab.teacher.evaluate("""async () => {
      const s = await import('/teach/summary.js');
      const card = (val_accuracy, val_loss, status, advice, epoch) =>
        ({ val_accuracy, val_loss, status, advice, epoch });
      const cards = [
        card(1, 0.005, 'playing', ['dead_relu', 'dead_relu'], 10),
        card(0.95, 0.2, 'paused', [], 30),
        card(0.42, 5, 'paused', ['lr_too_high', 'dead_relu'], 20),
        card(null, null, 'diverged', ['lr_too_high'], 40),
      ];
      const acc = s.summarize(cards, 'val_accuracy');
      const loss = s.summarize(cards, 'val_loss');
      return { acc, loss, metric: s.summaryMetric(cards, null),
               regression: s.summaryMetric([{ val_accuracy: null }], null),
               challenge: s.summaryMetric(cards, { metric: 'test_loss' }),
               ranges: [s.binRange(9, 'val_accuracy'), s.binRange(1, 'val_loss'),
                        s.binRange(6, 'val_loss')] };
    }""")
    assert out["acc"]["bins"] == [0, 0, 0, 0, 1, 0, 0, 0, 0, 2]
    assert out["loss"]["bins"] == [1, 0, 0, 1, 0, 0, 1]
    assert out["acc"]["states"] == {"playing": 1, "paused": 2, "diverged": 1}
    assert out["acc"]["advice"] == {"dead_relu": 2, "lr_too_high": 2}
    assert out["acc"]["median"] == 25
    assert (out["metric"], out["regression"], out["challenge"]) == (
        "val_accuracy", "val_loss", "test_loss")
    assert out["ranges"] == ["90–100%", "0.01–0.03", "≥ 3"], out["ranges"]
