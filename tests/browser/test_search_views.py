"""The Search panel's views in headless Chromium: the objective against each hyperparameter,
the spread of the seeds' final costs, and a link that reopens the same search setup."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import App

pytestmark = pytest.mark.browser


def start(page: Page, method: str, preset: str, trials: int, epochs: int) -> None:
    page.get_by_test_id("search-method").select_option(method)
    page.get_by_test_id("search-preset").select_option(preset)
    page.get_by_test_id("search-epochs").fill(str(epochs))
    page.get_by_test_id("search-trials").fill(str(trials))
    page.get_by_test_id("search-start").click()


def test_a_plot_per_varying_hyperparameter_shows_every_trial(app: App) -> None:
    page = app.open()
    start(page, "grid", "same-start-optimizers", 10, 3)
    expect(page.locator("[data-testid^='search-row-']")).to_have_count(4, timeout=60_000)
    expect(page.get_by_test_id("search-start")).to_be_enabled(timeout=30_000)
    plot = page.get_by_test_id("search-param-optimizer")
    expect(plot).to_have_attribute("data-points", "4")
    expect(plot).to_have_attribute("data-axis", "columns")
    # Only the optimizer varies: no plot for the fields every trial shares.
    expect(page.locator("[data-testid^='search-param-']")).to_have_count(1)
    expect(page.get_by_test_id("search-seeds")).to_be_hidden()


def test_a_learning_rate_plot_uses_a_log_axis(app: App) -> None:
    page = app.open()
    start(page, "grid", "same-start", 10, 3)
    expect(page.get_by_test_id("search-start")).to_be_enabled(timeout=60_000)
    expect(page.get_by_test_id("search-progress")).to_have_attribute("value", "1")
    plot = page.get_by_test_id("search-param-learning_rate")
    expect(plot).to_have_attribute("data-points", "5")
    expect(plot).to_have_attribute("data-axis", "log")
    expect(page.get_by_test_id("search-params")).to_contain_text("learning rate")


def test_the_seeds_preset_shows_the_spread_of_final_costs_in_french(app: App) -> None:
    page = app.open("?lang=fr")
    start(page, "grid", "seeds", 4, 5)
    expect(page.locator("[data-testid^='search-row-']")).to_have_count(4, timeout=60_000)
    seeds = page.get_by_test_id("search-seeds")
    expect(seeds).to_have_attribute("data-points", "4")
    expect(page.get_by_test_id("search-param-seed")).to_have_attribute("data-points", "4")
    expect(page.get_by_test_id("search-params")).to_contain_text("graine")
    low = float(seeds.get_attribute("data-min") or "nan")
    high = float(seeds.get_attribute("data-max") or "nan")
    costs = [float(r.locator("td").nth(5).inner_text().replace(",", "."))
             for r in page.locator("[data-testid^='search-row-']").all()]
    assert low <= high
    assert low == pytest.approx(min(costs), abs=1e-4)
    assert high == pytest.approx(max(costs), abs=1e-4)
    stats = page.get_by_test_id("search-seeds-stats")
    expect(stats).to_contain_text("4 graines")
    expect(stats).to_contain_text("médiane")
    expect(stats).to_contain_text(re.compile(r"\d,\d"))  # French decimals
    expect(stats).to_contain_text(re.compile(r"min [\d,]+ \(essai \d+\)"))  # which trial
    # The note words the measured spread (max over min), whatever it is.
    ratio = high / low
    note = page.get_by_test_id("search-seeds-note")
    expect(note).to_contain_text("fois le plus bas")
    expect(note).to_contain_text("pas convexe" if ratio >= 1.3 else "ne montre pas")


def test_a_link_reopens_the_search_setup(app: App) -> None:
    page = app.open("?smethod=random&spreset=seeds&strials=6&sepochs=20")
    expect(page.get_by_test_id("search-method")).to_have_value("random")
    expect(page.get_by_test_id("search-preset")).to_have_value("seeds")
    expect(page.get_by_test_id("search-trials")).to_have_value("6")
    expect(page.get_by_test_id("search-epochs")).to_have_value("20")
    expect(page.get_by_test_id("search-objective")).to_have_value("loss")


def test_changing_the_setup_writes_it_into_the_link(app: App) -> None:
    page = app.open("?dataset=spiral&smethod=bayesian&strials=abc")
    expect(page.get_by_test_id("search-method")).to_have_value("bayesian")
    expect(page.get_by_test_id("search-trials")).to_have_value("60")
    page.get_by_test_id("search-objective").select_option("accuracy")
    page.get_by_test_id("search-epochs").fill("30")
    page.get_by_test_id("search-epochs").press("Enter")
    page.get_by_test_id("search-epochs").blur()
    page.wait_for_function("() => location.search.includes('sepochs=30')")
    query = page.evaluate("() => location.search")
    assert "smethod=bayesian" in query
    assert "sobj=accuracy" in query
    assert "strials" not in query
    # The page's own parameters stay beside the search's.
    assert "dataset=spiral" in query
