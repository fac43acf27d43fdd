"""The presenter view and the teacher's page on four screens (a projector at 1920 × 1080 and
1280 × 720, a laptop at 1024 × 768, a phone at 390 × 844), in English and in French: nothing
is cut off (no box past the screen's sides, no sideways scroll, no text wider than the box
that hides it), and the presenter view stays large on a projector.

Screenshots go to tests/artifacts/screen-*.png, to look at.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.classroom import Classroom
from tests.browser.conftest import ARTIFACTS, BOX_JS, ServerProcess
from tests.browser.test_layout import CLIPPED_TEXT, SIX_BY_EIGHT, inside, open_at, settle

SIZES = [(1920, 1080), (1280, 720), (1024, 768), (390, 844)]
PROJECTORS = [(1920, 1080), (1280, 720)]

# Visible elements whose box runs past the screen's left or right side, except inside a box
# that scrolls or clips them on purpose (a scrolling list, a screen reader's text).
PAST_THE_SIDES = """() => {
  const out = [];
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (style.overflowX !== 'visible') return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll('body *')) {
    if (!(el instanceof HTMLElement || el instanceof SVGSVGElement)) continue;
    const away = '.sr, [hidden], dialog:not([open]), details:not([open]) > :not(summary)';
    if (el.closest(away)) continue;
    if (!el.getClientRects().length) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if ((r.left < -1 || r.right > innerWidth + 1) && !clipped(el)) {
      const name = el.dataset?.testid || el.id || String(el.className?.baseVal ?? el.className);
      out.push(`${el.tagName}.${name} [${Math.round(r.left)}, ${Math.round(r.right)}]`);
    }
  }
  return out.slice(0, 12);
}"""

# The output layer's selects that do not lie whole inside the diagram's box (which clips what
# is past its sides: six layers scroll sideways inside it at 1024 px and on a phone).
OUTPUT_SELECTS_CUT = """() => {
  const stage = document.querySelector('.net-stage').getBoundingClientRect();
  return ['output-activation', 'output-loss'].filter((id) => {
    const r = document.querySelector(`[data-testid="${id}"]`).getBoundingClientRect();
    return r.left < stage.left - 1 || r.right > stage.right + 1 || r.top < stage.top - 1;
  });
}"""

# The teacher's page: controls and text lines wider than the card they sit in (except inside
# a box that scrolls them: the spotlit network on a phone).
PAST_THEIR_CARD = r"""() => {
  const out = [];
  for (const card of document.querySelectorAll('.join, .tool, .board, .spotlight, .gallery-wrap')) {
    if (!card.getClientRects().length) continue;
    const c = card.getBoundingClientRect();
    for (const el of card.querySelectorAll('select, button, input, label, p, h2, a')) {
      if (!el.getClientRects().length) continue;
      if (el.closest('details:not([open]) > :not(summary)')) continue;
      let scrolls = false;
      for (let p = el.parentElement; p && p !== card; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== 'visible') scrolls = true;
      }
      if (scrolls) continue;
      const r = el.getBoundingClientRect();
      if (r.width && (r.left < c.left - 1 || r.right > c.right + 1)) {
        const text = el.textContent.trim().replace(/\s+/g, ' ').slice(0, 30);
        const where = [r.left, r.right, c.left, c.right].map(Math.round).join(' ');
        out.push(`${el.dataset.testid || el.tagName} "${text}" [${where}]`);
      }
    }
  }
  return out;
}"""

PRESENTER = """() => {
  const box = """ + BOX_JS + """;
  return {
    font: parseFloat(getComputedStyle(document.body).fontSize),
    picture: box('[data-testid="boundary"]'),
    loss: box('[data-testid="loss-chart"]'),
  };
}"""


def shot(page: Page, name: str, full_page: bool = False) -> None:
    settle(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"screen-{name}.png"), full_page=full_page)


def cut_off(page: Page, root: str) -> dict[str, Any]:
    """What is cut off on the page as it is laid out now (empty lists when nothing)."""
    scroll = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    return {
        "sideways scroll": [] if scroll[0] <= scroll[1] else [scroll],
        "past the sides": page.evaluate(PAST_THE_SIDES),
        "cut text": page.evaluate(CLIPPED_TEXT, root),
        "past their card": page.evaluate(PAST_THEIR_CARD),
    }


def nothing(found: dict[str, Any]) -> bool:
    return all(not items for items in found.values())


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_presenter_view_with_six_layers_cuts_nothing(
    browser: Browser, server: ServerProcess, size: tuple[int, int], lang: str
) -> None:
    width, height = size
    page = open_at(browser, server, width, height, SIX_BY_EIGHT + f"&presenter=1&lang={lang}")
    expect(page.locator("body")).to_have_class(re.compile(r"\bpresenter\b"))
    shot(page, f"presenter-6-layers-{width}x{height}-{lang}")
    found = cut_off(page, "body")
    if size in PROJECTORS:  # six layers fit a projector: the diagram does not scroll
        found["output selects"] = page.evaluate(OUTPUT_SELECTS_CUT)
        found["diagram scrolls"] = page.evaluate(
            "() => { const s = document.querySelector('.net-stage');"
            " return s.scrollWidth > s.clientWidth + 1 ? [s.scrollWidth, s.clientWidth] : []; }")
    assert nothing(found), found
    assert page.errors == [], page.errors  # type: ignore[attr-defined]
    if size in PROJECTORS:
        b = page.evaluate(PRESENTER)
        assert b["font"] >= 0.0195 * height, b
        assert b["picture"]["width"] >= height / 2 and b["picture"]["height"] >= height / 2, b
        assert inside(b["picture"], {"top": 0, "bottom": height, "left": 0, "right": width}), b
        assert b["loss"]["height"] >= height / 5, b
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_teachers_page_cuts_nothing_on_four_screens(classroom: Classroom, lang: str) -> None:
    teacher = classroom.open_class("Lab 3: hidden layers", query=f"?lang={lang}")
    for name in ("Ada", "Grace Hopper", "Alan"):
        classroom.join(name, f"&lang={lang}")
    for name in ("Ada", "Grace Hopper", "Alan"):
        expect(classroom.card(name)).to_be_visible()
    for tool in ("tool-lock", "tool-challenge"):
        teacher.get_by_test_id(tool).click()
    teacher.get_by_test_id("challenge-start").click()
    expect(teacher.get_by_test_id("leaderboard-row-1")).to_be_visible()
    found: dict[str, Any] = {}
    for width, height in SIZES:
        teacher.set_viewport_size({"width": width, "height": height})
        teacher.evaluate("() => scrollTo(0, 0)")
        shot(teacher, f"teach-{width}x{height}-{lang}", full_page=True)
        here = cut_off(teacher, "body")
        if not nothing(here):
            found[f"{width}x{height}"] = here
    # A card clicked far down the page opens the spotlight in view (above the gallery).
    teacher.set_viewport_size({"width": 1280, "height": 720})
    teacher.evaluate("() => scrollTo(0, document.documentElement.scrollHeight)")
    classroom.card("Ada").click()
    expect(teacher.get_by_test_id("spotlight")).to_be_visible()
    expect(teacher.get_by_test_id("spotlight-name")).to_be_in_viewport()
    teacher.wait_for_function("() => window.__teach.frames > 0")
    for width, height in SIZES:
        teacher.set_viewport_size({"width": width, "height": height})
        teacher.evaluate("() => scrollTo(0, 0)")
        shot(teacher, f"teach-spotlight-{width}x{height}-{lang}", full_page=True)
        here = cut_off(teacher, "body")
        if not nothing(here):
            found[f"spotlight {width}x{height}"] = here
    assert found == {}, found
    assert classroom.errors == [], classroom.errors
