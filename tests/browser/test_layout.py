"""Every screen, from a phone to a projector: nothing overlaps, nothing is cut off, nothing
scrolls sideways; presenter mode puts the network, the output and the lessons on one screen;
an axe-core audit finds no serious or critical violation; the keyboard reaches everything.

Screenshots of every size go to tests/artifacts/layout-*.png, to look at.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.classroom import Classroom
from tests.browser.conftest import ARTIFACTS, BOX_JS, App, ServerProcess

SIX_BY_EIGHT = "?hidden=" + ",".join(["8:tanh"] * 6)

# Text cut off: an element with its own text that is wider than its box and does not let it
# show (overflow hidden or an ellipsis), or any such text in the top bar.
CLIPPED_TEXT = """(root) => {
  const out = [];
  for (const el of document.querySelectorAll(root + ' *')) {
    if (!(el instanceof HTMLElement) || !el.offsetParent) continue;
    if (el.closest('.sr, .pp-eq-body, [role="tabpanel"]')) continue;
    const text = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!text) continue;
    const style = getComputedStyle(el);
    const hides = style.overflowX !== 'visible' || style.textOverflow === 'ellipsis';
    const inTopbar = Boolean(el.closest('.topbar'));
    if (el.scrollWidth > el.clientWidth + 1 && (hides || inTopbar)) {
      out.push(`${el.tagName}.${el.className}: "${el.textContent.trim().slice(0, 40)}"`);
    }
  }
  return out;
}"""

# Pairs of boxes that overlap (by more than a pixel), among the elements `selector` matches.
OVERLAPS = """(selector) => {
  const boxes = [...document.querySelectorAll(selector)]
    .filter((el) => el.offsetParent && el.getClientRects().length)
    .filter((el) => !el.closest('details:not([open]) > :not(summary)'))
    .map((el) => [el, el.getBoundingClientRect()])
    .filter(([, r]) => r.width > 0 && r.height > 0);
  const name = (el) => el.dataset.testid || el.id || el.className || el.tagName;
  const out = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, r] = boxes[i];
      const [b, s] = boxes[j];
      if (a.contains(b) || b.contains(a)) continue;
      const w = Math.min(r.right, s.right) - Math.max(r.left, s.left);
      const h = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
      if (w > 1 && h > 1) out.push(`${name(a)} / ${name(b)}`);
    }
  }
  return out;
}"""

PANELS = "#data-panel, .column-network, .column-output, #equations, #lessons, .topbar"
CONTROLS = (
    ".topbar button, .topbar select, .topbar input:not([type=file]), .topbar summary, "
    ".topbar a, .col-head button, .col-head select, .view-head button, .view-head input"
)


def open_at(browser: Browser, server: ServerProcess, width: int, height: int,
            query: str) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server.url + "/" + query)
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    page.wait_for_function("() => window.__playground.store.state.frame !== null")
    page.wait_for_function("() => document.fonts.ready.then(() => true)")
    page.errors = errors  # type: ignore[attr-defined]
    return page


def settle(page: Page) -> None:
    """Two animation frames: the views have drawn the latest state and laid out."""
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


def check_screen(page: Page, name: str) -> dict[str, Any]:
    settle(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"layout-{name}.png"))
    result = {
        "scroll": page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]"),
        "clipped": page.evaluate(CLIPPED_TEXT, "body"),
        "panels": page.evaluate(OVERLAPS, PANELS),
        "controls": page.evaluate(OVERLAPS, CONTROLS),
    }
    assert result["scroll"][0] <= result["scroll"][1], result
    assert result["clipped"] == [], result
    assert result["panels"] == [], result
    assert result["controls"] == [], result
    assert page.errors == [], page.errors  # type: ignore[attr-defined]
    return result


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("width", [390, 800, 1400, 1920])
def test_no_overlap_no_sideways_scroll_no_cut_text(
    browser: Browser, server: ServerProcess, width: int, lang: str
) -> None:
    page = open_at(browser, server, width, 900, SIX_BY_EIGHT + f"&lang={lang}")
    # Losses far from 1 are abbreviated, not cut.
    page.evaluate("""() => {
      const s = window.__playground.store;
      const f = s.state.frame;
      f.header.metrics = {...f.header.metrics, train_loss: 0.0000275, test_loss: 12345.678};
      s.set('frame', f);
    }""")
    comma = "," if lang == "fr" else "."  # the reader's decimal separator
    expect(page.get_by_test_id("loss-train")).to_have_text(f"2{comma}75e-5")
    expect(page.get_by_test_id("loss-test")).to_have_text(f"1{comma}2e+4")
    check_screen(page, f"{width}-{lang}")
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize(("width", "most"), [(1024, 0.3), (1366, 0.22)])
def test_the_sticky_top_bar_leaves_a_laptop_its_screen(
    browser: Browser, server: ServerProcess, width: int, most: float, lang: str
) -> None:
    page = open_at(browser, server, width, 768, f"?lang={lang}")
    check_screen(page, f"laptop-{width}-{lang}")
    page.mouse.wheel(0, 600)
    page.wait_for_function("() => scrollY > 0")
    top, height = page.evaluate(
        "() => { const b = document.querySelector('.topbar').getBoundingClientRect();"
        " return [b.top, b.height]; }")
    assert top == 0, "the top bar stays in view while the page scrolls"
    assert height <= most * 768, f"the top bar takes {height / 768:.0%} of the screen"
    page.context.close()


# The boxes (getBoundingClientRect) of what presenter mode puts on the first screen.
PRESENTER_BOXES = """() => {
  const box = """ + BOX_JS + """;
  return {
    font: parseFloat(getComputedStyle(document.body).fontSize),
    picture: box('[data-testid="boundary"]'),
    network: box('.column-network'),
    stage: box('.net-stage'),
    lastNeuron: box('[data-testid="neuron-6-7"]'),
    lessons: box('#lessons'),
    title: box('.ls-exp-title'),
    train: box('[data-testid="lesson-train"]'),
    lossPanel: box('#loss-chart'),
    loss: box('[data-testid="loss-chart"]'),
    best: box('.pp-loss-note'),
  };
}"""


def inside(inner: dict[str, float] | None, outer: dict[str, float]) -> bool:
    """Whether the box `inner` lies within `outer` (to a pixel)."""
    return inner is not None and (
        inner["top"] >= outer["top"] - 1 and inner["bottom"] <= outer["bottom"] + 1
        and inner["left"] >= outer["left"] - 1 and inner["right"] <= outer["right"] + 1)


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_presenter_mode_the_picture_leads_with_the_network_and_the_lesson_on_one_screen(
    browser: Browser, server: ServerProcess, size: tuple[int, int], lang: str
) -> None:
    width, height = size
    page = open_at(browser, server, width, height, f"?experiment=deep_init&presenter=1&lang={lang}")
    expect(page.locator("body")).to_have_class(re.compile(r"\bpresenter\b"))
    expect(page.get_by_test_id("experiment-card")).to_be_visible()
    check_screen(page, f"presenter-{width}x{height}-{lang}")
    b = page.evaluate(PRESENTER_BOXES)
    screen = {"top": 0, "bottom": height, "left": 0, "right": width}
    # Large type: body text of at least 2% of the screen's height (21.6 px at 1080).
    assert b["font"] >= 0.0195 * height, b["font"]
    # The output picture leads: a square of at least half the screen's height, on screen.
    assert b["picture"]["width"] >= height / 2 and b["picture"]["height"] >= height / 2, b
    assert inside(b["picture"], screen), b
    # The whole network, its last neuron included, on the same screen.
    assert inside(b["network"], screen), b
    assert inside(b["lastNeuron"], b["stage"]), b
    # The lesson's key line (the experiment's title and its Train button), in view inside the
    # lessons panel, which scrolls the rest of the card.
    assert inside(b["lessons"], screen), b
    assert inside(b["title"], b["lessons"]) and inside(b["train"], b["lessons"]), b
    # A readable loss chart: at least a fifth of the height, its best-epoch line not cut.
    assert b["loss"]["height"] >= height / 5, b
    assert inside(b["lossPanel"], screen) and inside(b["best"], b["lossPanel"]), b
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_presenter_mode_cuts_nothing_at_1024_by_768(
    browser: Browser, server: ServerProcess, lang: str
) -> None:
    page = open_at(browser, server, 1024, 768, f"?experiment=deep_init&presenter=1&lang={lang}")
    expect(page.get_by_test_id("experiment-card")).to_be_visible()
    check_screen(page, f"presenter-1024x768-{lang}")
    b = page.evaluate(PRESENTER_BOXES)
    screen = {"top": 0, "bottom": 768, "left": 0, "right": 1024}
    for part in ("picture", "network", "lessons", "lossPanel"):
        assert inside(b[part], screen), (part, b)
    # The best validation line shows whole, inside its panel.
    assert inside(b["best"], b["lossPanel"]), b
    assert inside(b["title"], b["lessons"]), b
    page.context.close()


def test_six_layers_of_eight_fit_at_1400(browser: Browser, server: ServerProcess) -> None:
    page = open_at(browser, server, 1400, 900, SIX_BY_EIGHT)
    settle(page)
    assert page.evaluate(OVERLAPS, ".col-head") == []
    assert page.evaluate(OVERLAPS, ".node") == []
    page.context.close()


def wait_focused(page: Page, testid: str) -> None:
    """Waits until the element with `testid` has the focus (whether or not the window has)."""
    page.wait_for_function(
        "id => document.activeElement && document.activeElement.dataset.testid === id", arg=testid)


def test_key_e_opens_the_experiments_menu(app: App) -> None:
    page = app.open("?experiment=zero_init")
    # The link's experiment is applied (its card shown, its instrument open) before the key:
    # applying it later would switch the tab back.
    expect(page.get_by_test_id("experiment-card")).to_have_attribute("data-experiment", "zero_init")
    expect(page.get_by_test_id("lesson-tab-symmetry")).to_have_attribute("aria-selected", "true")
    # On a first load the top bar points to the lessons below the fold.
    expect(page.get_by_test_id("lessons-link")).to_have_attribute("href", "#lessons")
    expect(page.get_by_test_id("lesson-panel-experiments")).to_be_hidden()
    page.locator("body").press("e")
    expect(page.get_by_test_id("lesson-panel-experiments")).to_be_visible()
    wait_focused(page, "experiment-zero_init")
    page.get_by_test_id("experiment-dead_relu").click()
    expect(page.get_by_test_id("lesson-panel-experiments")).to_be_hidden()
    page.get_by_test_id("experiments-menu").click()
    wait_focused(page, "experiment-dead_relu")
    page.get_by_test_id("seed").press("e")  # typing in a field is not a shortcut
    wait_focused(page, "seed")


def test_neurons_are_numbered_from_1(app: App) -> None:
    page = app.open("?hidden=3:tanh")
    page.get_by_test_id("neuron-1-0").hover()
    expect(page.get_by_test_id("neuron-card")).to_contain_text("Layer 1, neuron 1")
    page.get_by_test_id("neuron-1-2").hover()
    expect(page.get_by_test_id("neuron-card")).to_contain_text("Layer 1, neuron 3")


def test_play_shows_paused_while_disconnected(app: App) -> None:
    server = ServerProcess()
    server.start()
    try:
        app.server = server
        page = app.open("?dataset=xor&eps=3")
        play = page.get_by_test_id("play-pause")
        play.click()
        expect(play).to_have_attribute("aria-pressed", "true")
        server.stop()
        expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "closed")
        expect(play).to_have_attribute("aria-pressed", "false")
        server.start()
        expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "open")
        expect(play).to_have_attribute("aria-pressed", "true")
    except BaseException:
        server.dump_log()
        raise
    finally:
        server.close()


def axe_violations(page: Page) -> list[str]:
    """The serious and critical violations axe-core finds in the page."""
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("query", ["?lang=en", "?lang=fr&presenter=1"])
def test_axe_finds_no_serious_or_critical_violation(app: App, query: str) -> None:
    page = app.open(query)
    page.get_by_test_id("share-menu").click()
    settle(page)
    bad = axe_violations(page)
    assert bad == [], "\n".join(bad)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_classroom_pages_pass_axe_and_fit_the_projector(classroom: Classroom, lang: str) -> None:
    teacher = classroom.open_class("Lab 3", query=f"?lang={lang}")
    student = classroom.join("Ada", f"&lang={lang}")
    expect(classroom.card("Ada")).to_be_visible()
    for tool in ("tool-lock", "tool-challenge"):
        teacher.get_by_test_id(tool).click()
    teacher.get_by_test_id("lock-dataset").check()
    teacher.get_by_test_id("lock").click()
    teacher.get_by_test_id("challenge-start").click()
    expect(teacher.get_by_test_id("leaderboard-row-1")).to_be_visible()
    # An untitled challenge: the page's own word for it, in its language.
    word = {"en": r"^Challenge:\s", "fr": r"^Défi\s:\s"}[lang]  # French: a thin space
    expect(teacher.get_by_test_id("board-challenge")).to_have_text(re.compile(word))
    classroom.card("Ada").click()
    expect(teacher.get_by_test_id("spotlight")).to_be_visible()
    teacher.wait_for_function("() => window.__teach.frames > 0")
    expect(student.page.get_by_test_id("room-banner")).to_have_attribute("data-locked", "true")
    for page, who in ((teacher, "teacher"), (student.page, "student")):
        settle(page)
        bad = axe_violations(page)
        assert bad == [], f"{who}:\n" + "\n".join(bad)
    # The projector: 1280 × 720 and 1920 × 1080, no sideways scroll, no cut-off text.
    for width, height in ((1280, 720), (1920, 1080)):
        teacher.set_viewport_size({"width": width, "height": height})
        settle(teacher)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        teacher.screenshot(path=str(ARTIFACTS / f"layout-teach-{lang}-{width}.png"))
        scroll = teacher.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
        assert scroll[0] <= scroll[1], (width, scroll)
        assert teacher.evaluate(CLIPPED_TEXT, ".teach-main") == [], width
        code = teacher.get_by_test_id("room-code")
        size = code.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")
        assert size >= 40, (width, size)


# The boxes of the side column's parts (the code card, its code, the tools, the push buttons)
# that intersect the spotlight's box, by more than a pixel.
UNDER_THE_SPOTLIGHT = """() => {
  const spot = document.querySelector('[data-testid="spotlight"]').getBoundingClientRect();
  const parts = [...document.querySelectorAll('.side .join, .side .code, .side .tool, .side .btn')]
    .filter((el) => el.getClientRects().length);
  return parts.filter((el) => {
    const r = el.getBoundingClientRect();
    const w = Math.min(r.right, spot.right) - Math.max(r.left, spot.left);
    const h = Math.min(r.bottom, spot.bottom) - Math.max(r.top, spot.top);
    return w > 1 && h > 1;
  }).map((el) => `${el.dataset.testid || el.className}: ${el.textContent.trim().slice(0, 30)}`);
}"""


def test_the_spotlight_sits_beside_the_side_column_and_the_code_fits(
    classroom: Classroom,
) -> None:
    teacher = classroom.open_class("Lab 3: hidden layers")
    for name in ("Ada", "Grace", "Alan"):
        classroom.join(name)
    for name in ("Ada", "Grace", "Alan"):
        expect(classroom.card(name)).to_be_visible()
    classroom.card("Ada").click()
    expect(teacher.get_by_test_id("spotlight")).to_be_visible()
    teacher.wait_for_function("() => window.__teach.frames > 0")
    for width, height in ((1280, 720), (1920, 1080)):
        teacher.set_viewport_size({"width": width, "height": height})
        settle(teacher)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        teacher.screenshot(path=str(ARTIFACTS / f"layout-teach-spotlight-{width}.png"))
        assert teacher.evaluate(UNDER_THE_SPOTLIGHT) == [], width
        code = teacher.get_by_test_id("room-code")
        fits = code.evaluate("""(el) => {
          const card = el.closest('.join').getBoundingClientRect();
          const r = el.getBoundingClientRect();
          return [el.scrollWidth, el.clientWidth, r.left >= card.left, r.right <= card.right];
        }""")
        assert fits[0] <= fits[1] and fits[2] and fits[3], (width, fits)
        size = code.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")
        assert size >= 40, (width, size)
        # Every push button lies inside the side column.
        outside = teacher.evaluate("""() => {
          const side = document.querySelector('.side').getBoundingClientRect();
          return [...document.querySelectorAll('.side .push-list .btn')].filter((el) => {
            const r = el.getBoundingClientRect();
            return r.left < side.left - 1 || r.right > side.right + 1;
          }).map((el) => el.textContent);
        }""")
        assert outside == [], (width, outside)


def test_every_control_is_reachable_by_keyboard_with_a_visible_focus(app: App) -> None:
    page = app.open("?hidden=2:tanh")
    seen: set[str] = set()
    missing_outline: list[str] = []
    for _ in range(120):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => {
          const el = document.activeElement;
          if (!el || el === document.body) return null;
          const s = getComputedStyle(el);
          const visible = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
            || s.boxShadow !== 'none';
          return {id: el.dataset.testid || el.id || el.tagName, visible};
        }""")
        if info is None:
            continue
        seen.add(info["id"])
        if not info["visible"]:
            missing_outline.append(info["id"])
    for testid in ("play-pause", "step", "reset", "speed", "learning-rate", "share-menu",
                   "presenter", "add-layer", "activation-1", "neuron-1-0", "show-test",
                   "experiments-menu"):
        assert testid in seen, (testid, sorted(seen))
    assert missing_outline == [], missing_outline
