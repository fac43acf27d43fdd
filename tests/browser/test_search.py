"""The Search panel in headless Chromium: a small grid fills the table; a trial loads."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import App

pytestmark = pytest.mark.browser


def test_a_small_grid_fills_the_table_and_the_best_trial_loads(app: App) -> None:
    page = app.open()
    panel = page.get_by_test_id("search-panel")
    expect(panel).to_be_visible()
    page.get_by_test_id("search-method").select_option("grid")
    page.get_by_test_id("search-preset").select_option("same-start")
    page.get_by_test_id("search-epochs").fill("5")
    page.get_by_test_id("search-trials").fill("10")
    page.get_by_test_id("search-start").click()
    rows = page.locator("[data-testid^='search-row-']")
    expect(rows).to_have_count(5, timeout=60_000)
    expect(page.get_by_test_id("search-best")).to_contain_text("test points", timeout=30_000)
    expect(page.get_by_test_id("search-start")).to_be_enabled()
    expect(page.get_by_test_id("search-chart")).to_have_attribute("data-points", "5")
    expect(page.get_by_test_id("search-progress")).to_have_attribute("value", "1")

    best = page.get_by_test_id("search-best").get_attribute("data-trial")
    losses = {row.get_attribute("data-testid"): float(row.get_attribute("data-val-loss") or "inf")
              for row in rows.all()}
    assert min(losses, key=lambda k: losses[k]) == f"search-row-{best}"
    chosen = next(r for r in rows.all() if r.get_attribute("data-testid") == f"search-row-{best}")
    rate = chosen.locator(".srch-config").inner_text().split(" ")[2]  # "α = 0.03 · SGD · …"
    page.get_by_test_id(f"search-load-{best}").click()
    expect(page.locator(f"[data-testid='search-row-{best}']")).to_have_class("srch-loaded")
    app.wait("s => s.status?.epoch === 5")
    loaded = app.probe("s => s.config.optimizer.learning_rate")
    assert f"{float(loaded):.3g}" == f"{float(rate):.3g}"


def test_the_panel_speaks_french(app: App) -> None:
    page = app.open("?lang=fr")
    expect(page.get_by_test_id("search-start")).to_have_text("Lancer")
    expect(page.get_by_test_id("search-panel")).to_contain_text("Recherche")
    # The course counts the output layer; the grid counts hidden layers: the panel says so.
    expect(page.get_by_test_id("search-layers-note")).to_contain_text("L = 2 à 6")
    page.get_by_test_id("search-preset").select_option("same-start")
    expect(page.get_by_test_id("search-layers-note")).to_be_hidden()
    page.get_by_test_id("search-epochs").fill("3")
    page.get_by_test_id("search-start").click()
    row = page.locator("[data-testid^='search-row-']").first
    expect(row).to_be_visible(timeout=60_000)
    # Rows in French words and numbers, accuracies as percentages like the rest of the page.
    expect(row.locator(".srch-config")).to_contain_text(re.compile(r"^α = \d+(,\d+)? · SGD · "))
    expect(row.locator("td").nth(4)).to_have_text(re.compile(r"^\d+,\d\u202f%$"))
    assert "lr" not in row.inner_text().split() and "seed" not in row.inner_text()
    expect(page.get_by_test_id("search-best")).to_contain_text("précision", timeout=30_000)
    expect(page.get_by_test_id("search-best")).to_contain_text(re.compile(r"\d,\d\u202f%"))


def test_the_non_convexity_card_trains_its_network_from_ten_initial_weights(app: App) -> None:
    page = app.open("?experiment=non_convexity")
    card = page.get_by_test_id("experiment-card")
    expect(card).to_have_attribute("data-experiment", "non_convexity")
    page.get_by_test_id("lesson-seeds").click()
    expect(page.get_by_test_id("search-preset")).to_have_value("seeds")
    rows = page.locator("[data-testid^='search-row-']")
    expect(rows).to_have_count(10, timeout=90_000)
    expect(page.get_by_test_id("search-seeds")).to_be_visible()
    losses = sorted(float(r.get_attribute("data-val-loss") or "nan") for r in rows.all())
    assert losses[-1] > losses[0]  # other initial weights, other minimum
    expect(page.get_by_test_id("search-seeds-stats")).not_to_be_empty()


def test_a_custom_space_runs_and_an_empty_range_names_its_field(app: App) -> None:
    page = app.open()
    editor = page.get_by_test_id("search-space")
    expect(editor).to_be_hidden()
    page.get_by_test_id("search-preset").select_option("custom")
    expect(editor).to_be_visible()
    size = page.get_by_test_id("search-space-size")
    expect(size).to_have_attribute("data-configs", "60")  # the course grid to start from
    page.get_by_test_id("search-learning_rate-low").fill("0.01")
    page.get_by_test_id("search-learning_rate-high").fill("0.1")
    page.get_by_test_id("search-learning_rate-steps").fill("2")
    page.get_by_test_id("search-learning_rate-steps").dispatch_event("change")
    page.get_by_test_id("search-activation-sigmoid").uncheck()
    page.get_by_test_id("search-vary-layers").uncheck()
    expect(size).to_have_attribute("data-configs", "4")
    page.get_by_test_id("search-epochs").fill("5")
    page.get_by_test_id("search-epochs").dispatch_event("change")
    expect(page).to_have_url(re.compile(r"sspace=learning_rate:0\.01\.\.0\.1:2:log%3Bactivation:tanh,relu"))
    page.get_by_test_id("search-start").click()
    rows = page.locator("[data-testid^='search-row-']")
    expect(rows).to_have_count(4, timeout=60_000)
    configs = sorted(row.locator(".srch-config").inner_text() for row in rows.all())
    assert sum("ReLU" in c for c in configs) == 2 and sum("Tanh" in c for c in configs) == 2
    expect(page.get_by_test_id("search-start")).to_be_enabled(timeout=30_000)

    page.get_by_test_id("search-vary-layers").check()
    page.get_by_test_id("search-layers-low").fill("3")
    page.get_by_test_id("search-layers-high").fill("3")
    page.get_by_test_id("search-start").click()
    error = page.get_by_test_id("search-error-space.layers")
    expect(error).to_contain_text("space.layers")
    expect(page.get_by_test_id("search-field-layers")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("search-error-space.learning_rate")).to_be_empty()


def test_a_link_reopens_the_custom_space(app: App) -> None:
    page = app.open("?spreset=custom&sspace=units%3A2..6%3A3%3Binit%3Ahe%2Cxavier&sepochs=7")
    expect(page.get_by_test_id("search-space")).to_be_visible()
    expect(page.get_by_test_id("search-vary-units")).to_be_checked()
    expect(page.get_by_test_id("search-units-high")).to_have_value("6")
    expect(page.get_by_test_id("search-units-steps")).to_have_value("3")
    expect(page.get_by_test_id("search-init-he")).to_be_checked()
    expect(page.get_by_test_id("search-init-normal")).not_to_be_checked()
    expect(page.get_by_test_id("search-vary-learning_rate")).not_to_be_checked()
    expect(page.get_by_test_id("search-epochs")).to_have_value("7")
