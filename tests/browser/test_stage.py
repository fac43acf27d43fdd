"""The stage, the network and the output picture, stays in view: a phone's page is one column
of sections switched from a bar at the bottom, choosing or running an experiment brings the
stage back (on a phone and at 1400 px), presenter mode on a phone draws the network, and the
layers' "N dead" labels are never under a neuron. Measured with boxes (getBoundingClientRect).

Screenshots go to tests/artifacts/stage-*.png, to look at.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.classroom import Classroom
from tests.browser.conftest import ARTIFACTS, BOX_JS, ServerProcess
from tests.browser.test_layout import (
    CLIPPED_TEXT,
    OVERLAPS,
    axe_violations,
    inside,
    open_at,
    settle,
)

SECTIONS = ("network", "data", "lessons", "settings")
LABELS = {
    "en": ["Network", "Data", "Lessons", "Settings"],
    "fr": ["Réseau", "Données", "Leçons", "Réglages"],
}

# The boxes of the stage's parts, the top bar and the section bar.
STAGE_BOXES = """() => {
  const box = """ + BOX_JS + """;
  return {
    view: {top: 0, bottom: innerHeight, left: 0, right: innerWidth},
    topbar: box('.topbar'), bar: box('#sections'),
    network: box('.column-network'), stage: box('.net-stage'), firstNeuron: box('.neuron'),
    picture: box('[data-testid="boundary"]'), data: box('#data-panel'), lessons: box('#lessons'),
    scroll: [document.documentElement.scrollWidth, innerWidth],
    section: document.body.dataset.section,
  };
}"""


NETWORK_BOX = "() => document.querySelector('.column-network').getBoundingClientRect().toJSON()"


def boxes(page: Page) -> dict[str, Any]:
    settle(page)
    result: dict[str, Any] = page.evaluate(STAGE_BOXES)
    return result


def stage_in_view(b: dict[str, Any]) -> bool:
    """The network panel and the output picture whole, below a sticky top bar and above the
    section bar (when there is one)."""
    top = b["topbar"]["bottom"] if b["topbar"] and b["topbar"]["top"] <= 0 else 0
    bottom = b["bar"]["top"] if b["bar"] else b["view"]["bottom"]
    room = {**b["view"], "top": top - 1, "bottom": bottom}
    return inside(b["network"], room) and inside(b["picture"], room)


def wait_stage_in_view(page: Page) -> dict[str, Any]:
    """Waits until the stage is in view (the page may scroll after a click); its boxes."""
    page.wait_for_function(
        """() => {
          const r = (s) => document.querySelector(s)?.getBoundingClientRect();
          const bar = document.querySelector('#sections');
          const bottom = bar && bar.getClientRects().length
            ? bar.getBoundingClientRect().top : innerHeight;
          const net = r('.column-network'), pic = r('[data-testid="boundary"]');
          return net && pic && net.height > 0 && net.top >= 0 && pic.bottom <= bottom + 1;
        }""")
    b = boxes(page)
    assert stage_in_view(b), b
    return b


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"stage-{name}.png"))


@pytest.mark.parametrize("presenter", [False, True], ids=["page", "presenter"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_phone_switches_between_sections_and_the_stage_fits_its_screen(
    browser: Browser, server: ServerProcess, lang: str, presenter: bool
) -> None:
    query = f"?experiment=deep_init&lang={lang}" + ("&presenter=1" if presenter else "")
    page = open_at(browser, server, 390, 844, query)
    name = f"390x844-{lang}" + ("-presenter" if presenter else "")
    page.wait_for_function("() => window.__playground.store.state.config?.hidden?.length === 6")
    expect(page.get_by_test_id("neuron-6-7")).to_be_attached()
    bar = page.get_by_test_id("sections")
    expect(bar).to_be_visible()
    for section, label in zip(SECTIONS, LABELS[lang], strict=True):
        expect(page.get_by_test_id(f"section-{section}")).to_have_text(label)
    expect(page.get_by_test_id("section-network")).to_have_attribute("aria-pressed", "true")
    # The network section: the whole network (six layers of eight, drawn) and the output
    # picture on the screen, between the top bar and the section bar at the bottom.
    b = wait_stage_in_view(page)
    assert b["bar"]["bottom"] == pytest.approx(844, abs=1), b
    assert b["stage"]["height"] >= 150 and inside(b["firstNeuron"], b["stage"]), b
    assert b["picture"]["width"] >= 200, b
    assert b["data"] is None and b["lessons"] is None, b
    assert b["scroll"][0] <= b["scroll"][1], b
    # The playback and the metrics stay at hand; the settings wait in their own section.
    expect(page.get_by_test_id("play-pause")).to_be_visible()
    expect(page.get_by_test_id("loss-train")).to_be_visible()
    expect(page.get_by_test_id("learning-rate")).to_be_hidden()
    assert page.evaluate(CLIPPED_TEXT, "body") == []
    shot(page, f"{name}-network")
    # Every section, one at a time, none scrolling sideways.
    visible = {"data": "data-panel", "lessons": "experiments-menu", "settings": "learning-rate"}
    for section, testid in visible.items():
        page.get_by_test_id(f"section-{section}").click()
        expect(page.get_by_test_id(f"section-{section}")).to_have_attribute("aria-pressed", "true")
        expect(page.locator(f'[data-testid="{testid}"], #{testid}').first).to_be_visible()
        expect(page.locator(".column-network")).to_be_hidden()
        settle(page)
        assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
        assert page.evaluate(CLIPPED_TEXT, "body") == [], section
        controls = ".topbar button, .topbar select, .topbar summary, #sections button"
        assert page.evaluate(OVERLAPS, controls) == [], section
        shot(page, f"{name}-{section}")
    for testid in ("presenter", "share-menu", "room-open", "seed"):
        expect(page.get_by_test_id(testid)).to_be_visible()
    bad = axe_violations(page)
    assert bad == [], "\n".join(bad)
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_choosing_or_running_an_experiment_on_a_phone_shows_the_stage(
    browser: Browser, server: ServerProcess, lang: str
) -> None:
    page = open_at(browser, server, 390, 844, f"?lang={lang}")
    page.get_by_test_id("section-lessons").click()
    page.get_by_test_id("experiments-menu").click()
    expect(page.get_by_test_id("lesson-panel-experiments")).to_be_visible()
    page.get_by_test_id("experiment-dead_relu").click()
    expect(page.get_by_test_id("section-network")).to_have_attribute("aria-pressed", "true")
    page.wait_for_function(
        "() => window.__playground.store.state.config.optimizer.learning_rate === 1.5")
    wait_stage_in_view(page)
    shot(page, f"390x844-{lang}-chosen")
    # Back to the lesson's card: its Train button brings the stage back, training.
    page.get_by_test_id("section-lessons").click()
    expect(page.get_by_test_id("experiment-card")).to_have_attribute("data-experiment", "dead_relu")
    page.get_by_test_id("lesson-train").click()
    expect(page.get_by_test_id("section-network")).to_have_attribute("aria-pressed", "true")
    wait_stage_in_view(page)
    page.wait_for_function("() => window.__playground.store.state.frame.header.epoch > 0")
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()


def test_choosing_or_running_an_experiment_at_1400_scrolls_to_the_stage(
    browser: Browser, server: ServerProcess
) -> None:
    page = open_at(browser, server, 1400, 900, "?lang=en")
    expect(page.get_by_test_id("sections")).to_be_hidden()
    page.get_by_test_id("experiments-menu").click()
    expect(page.get_by_test_id("lesson-panel-experiments")).to_be_visible()
    # The menu is in the Lessons panel, below the stage: the network is out of view.
    assert page.evaluate(NETWORK_BOX)["bottom"] < 0
    page.get_by_test_id("experiment-deep_init").click()
    expect(page.get_by_test_id("experiment-card")).to_have_attribute("data-experiment", "deep_init")
    wait_stage_in_view(page)
    shot(page, "1400x900-chosen")
    # The card's Train button is below the stage: pressing it brings the stage back.
    page.get_by_test_id("lesson-train").scroll_into_view_if_needed()
    assert page.evaluate(NETWORK_BOX)["top"] < 0
    page.get_by_test_id("lesson-train").click()
    wait_stage_in_view(page)
    # A variant too.
    page.get_by_test_id("variant-xavier").scroll_into_view_if_needed()
    page.get_by_test_id("variant-xavier").click()
    wait_stage_in_view(page)
    page.wait_for_function("() => window.__playground.store.state.config.init === 'xavier'")
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()


def test_a_phone_joins_a_class_from_its_link_and_a_push_shows_the_stage(
    classroom: Classroom,
) -> None:
    teacher = classroom.open_class("Lab 3")
    ada = classroom.join("Ada", viewport={"width": 390, "height": 844})
    page = ada.page
    # The class's banner stays at the top of every section.
    page.get_by_test_id("section-lessons").click()
    expect(page.get_by_test_id("room-banner")).to_be_visible()
    expect(page.get_by_test_id("room-open")).to_be_hidden()
    teacher.get_by_test_id("push-experiment-deep_init").click()
    expect(page.get_by_test_id("experiment-card")).to_have_attribute("data-experiment", "deep_init")
    expect(page.get_by_test_id("section-network")).to_have_attribute("aria-pressed", "true")
    ada.wait("s => s.config.hidden.length === 6")
    b = wait_stage_in_view(page)
    assert b["scroll"][0] <= b["scroll"][1], b
    shot(page, "390x844-pushed")
    assert classroom.errors == []


# Each layer's "N dead" label: its box, and the neurons (of any layer) its box overlaps.
DEAD_LABELS = """() => {
  const nodes = [...document.querySelectorAll('.network-view .node')]
    .map((n) => n.getBoundingClientRect());
  const stage = document.querySelector('.net-stage');
  const inStage = stage.getBoundingClientRect();
  return [...document.querySelectorAll('.layer-dead')].map((label) => {
    const r = label.getBoundingClientRect();
    const under = nodes.filter((n) => Math.min(r.right, n.right) - Math.max(r.left, n.left) > 0.5
      && Math.min(r.bottom, n.bottom) - Math.max(r.top, n.top) > 0.5).length;
    return {text: label.textContent, width: r.width, height: r.height, under,
            top: r.top - inStage.top, visible: getComputedStyle(label).visibility === 'visible'};
  });
}"""


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("width", [390, 800, 1400])
def test_dead_labels_are_never_under_a_neuron(
    browser: Browser, server: ServerProcess, width: int, lang: str
) -> None:
    query = "?hidden=" + ",".join(["8:relu"] * 6) + f"&lang={lang}"
    page = open_at(browser, server, width, 900, query)
    # Two dead neurons in every layer, as a frame would say.
    page.evaluate("""() => {
      const s = window.__playground.store;
      const f = s.state.frame;
      f.header.dead = Object.fromEntries([1, 2, 3, 4, 5, 6].map((l) => [String(l), [0, 7]]));
      s.set('frame', f);
    }""")
    word = {"en": "2 dead", "fr": "2 morts"}[lang]
    for layer in range(1, 7):
        expect(page.get_by_test_id(f"dead-count-{layer}")).to_have_text(word)
    settle(page)
    labels = page.evaluate(DEAD_LABELS)
    assert len(labels) == 6, labels
    for label in labels:
        assert label["width"] > 0 and label["height"] > 0 and label["visible"], labels
        assert label["under"] == 0 and label["top"] >= 0, labels
    assert page.evaluate(OVERLAPS, ".layer-dead") == []
    shot(page, f"dead-{width}-{lang}")
    page.context.close()
