"""The lesson instruments, the experiments and the pitfall coach, driven in headless Chromium.

Each experiment's link is opened as a teacher's course notes would, its training is run with the
experiment's own "Train" button (one `step` of many epochs, no waiting on play), and the coach
must name the pitfall the experiment demonstrates with its stable `data-code`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from server.lessons.experiments import EXPERIMENTS as SERVER_EXPERIMENTS
from tests.browser.conftest import App

pytestmark = pytest.mark.browser


def tanh(n: int, units: int) -> list[dict[str, Any]]:
    return [{"units": units, "activation": "tanh"}] * n


# name: (instrument tab, part of the config it must set, train before checking, coach codes)
EXPERIMENTS: dict[str, tuple[str, dict[str, Any], bool, tuple[str, ...]]] = {
    "zero_init": ("symmetry", {"init": "zeros", "hidden": tanh(2, 4)}, False, ("symmetry",)),
    "constant_init": (
        "inspector",
        {"init": "constant", "hidden": [{"units": 3, "activation": "sigmoid"}]},
        False,
        ("symmetry",),
    ),
    "large_init": (
        "init",
        {"init": "large_normal", "hidden": [{"units": 4, "activation": "sigmoid"}]},
        False,
        (),
    ),
    "dead_relu": (
        "dead",
        {"optimizer": {"learning_rate": 1.5}, "hidden": [{"units": 8, "activation": "relu"}] * 2},
        True,
        ("dead_relu",),
    ),
    "linear_collapse": (
        "collapse",
        {"dataset": {"name": "xor"}, "hidden": [{"units": 4, "activation": "linear"}] * 2},
        False,
        ("no_nonlinearity",),
    ),
    "deep_init": ("init", {"init": "normal", "hidden": tanh(6, 8)}, False, ()),
    "activations_spiral": (
        "gradients",
        {"dataset": {"name": "spiral"}, "hidden": [{"units": 8, "activation": "sigmoid"}] * 4},
        False,
        (),
    ),
    "batch_norm": (
        "gradients",
        {"dataset": {"name": "spiral"},
         "hidden": [{"units": 8, "activation": "sigmoid", "batch_norm": False}] * 4},
        False,
        (),
    ),
    "overfitting": (
        "experiments",
        {"dataset": {"name": "gauss", "points": 100, "validation_fraction": 0.4}},
        True,
        ("overfitting",),
    ),
    "zigzag": ("inspector", {"hidden": [{"units": 4, "activation": "sigmoid"}] * 2}, False, ()),
    "data_amount": ("experiments", {"dataset": {"name": "gauss", "points": 100}}, False, ()),
    "loop_vs_vectorized": ("experiments", {"hidden": tanh(2, 8)}, False, ()),
    "wide_layer": (
        "experiments",
        {"dataset": {"name": "curve"}, "features": ["x1"], "hidden": tanh(1, 64)},
        False,
        (),
    ),
    "parameters": ("inspector", {"hidden": tanh(1, 3)}, False, ()),
    "regression": (
        "experiments",
        {"dataset": {"name": "multigauss"}, "output": {"activation": "linear", "loss": "mse"}},
        False,
        (),
    ),
    "optimizers": (
        "experiments",
        {"dataset": {"name": "spiral"}, "optimizer": {"name": "adam"}},
        False,
        (),
    ),
    "standardize": ("gradients", {"features": ["x1_sq", "x2_sq"], "standardize": False}, False,
                    ()),
    "softmax": (
        "inspector",
        {"dataset": {"name": "blobs", "classes": 3}, "output": {"resolved_activation": "softmax"}},
        False,
        (),
    ),
    "student": ("inspector", {"dataset": {"name": "student"}}, False, ()),
    "non_convexity": (
        "experiments",
        {"dataset": {"name": "xor"}, "hidden": tanh(1, 2), "optimizer": {"learning_rate": 0.1}},
        False,
        (),
    ),
    "lr_too_high": (
        "experiments",
        {"optimizer": {"learning_rate": 10}, "hidden": tanh(2, 4)},
        True,
        ("lr_too_high",),
    ),
    "wrong_output": (
        "experiments",
        {"output": {"activation": "relu"}},
        False,
        ("output_mismatch",),
    ),
    "wrong_loss": ("experiments", {"output": {"loss": "mse"}}, False, ("loss_mismatch",)),
    "underfitting": (
        "experiments",
        {"dataset": {"name": "spiral"}, "hidden": tanh(1, 2), "optimizer": {"name": "adam"}},
        True,
        ("underfitting",),
    ),
}


def config_has(app: App, part: dict[str, Any]) -> None:
    """Waits until the session's config contains `part` (nested objects compared key by key)."""
    has = """(p, w) => p !== null && typeof p === 'object'
        ? w !== null && typeof w === 'object' && Object.keys(p).every(k => has(p[k], w[k]))
        : p === w"""
    app.wait(
        f"s => {{ const has = {has}; "
        f"return s.config !== null && has({json.dumps(part)}, s.config); }}"
    )


def coach_code(page: Page, code: str) -> Any:
    return page.get_by_test_id("coach").locator(f'[data-code="{code}"]')


def open_experiment(app: App, name: str, query: str = "") -> Page:
    """Opens an experiment's link: its config is applied and its instrument tab opens."""
    tab = EXPERIMENTS[name][0]
    page = app.open(f"?experiment={name}{query}")
    expect(page.get_by_test_id("experiment-card")).to_have_attribute("data-experiment", name)
    config_has(app, EXPERIMENTS[name][1])
    expect(page.get_by_test_id(f"lesson-tab-{tab}")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id(f"lesson-panel-{tab}")).to_be_visible()
    expect(page.get_by_test_id("experiment-link")).to_have_attribute(
        "href", re.compile(rf"\?experiment={name}$")
    )
    return page


def train(app: App, page: Page) -> None:
    """Clicks the experiment's Train button and waits until its epochs are done."""
    button = page.get_by_test_id("lesson-train")
    epochs = int(re.sub(r"\D", "", button.inner_text()) or 1)
    button.click()
    app.wait(f"s => s.frame.header.epoch >= {epochs} || s.frame.header.state === 'diverged'")


def expect_coach(page: Page, *codes: str) -> None:
    """Each code is listed, worded with its fix."""
    for code in codes:  # dead_relu is one advice per layer: the first is enough
        expect(coach_code(page, code).first).to_be_visible()
        expect(coach_code(page, code).first).to_contain_text("Fix:")


# Every experiment is opened by one test below (wrong_loss from the menu, the others by their
# link); these three train long enough for the coach to judge the run.
@pytest.mark.parametrize("name", ["lr_too_high", "overfitting", "underfitting"])
def test_pitfall_experiment_link_makes_the_coach_name_its_pitfall(app: App, name: str) -> None:
    _, _, run, codes = EXPERIMENTS[name]
    page = open_experiment(app, name)
    if run:
        train(app, page)
        # The loss chart has a point for every epoch trained, not one per frame.
        app.wait("s => s.history.length > s.frame.header.epoch")
    expect_coach(page, *codes)


def test_a_link_with_parameters_opens_the_experiment_with_them_changed(app: App) -> None:
    page = open_experiment(app, "zero_init", "&seed=2&lr=0.3")
    config_has(app, {"seed": 2, "optimizer": {"learning_rate": 0.3}})
    expect_coach(page, "symmetry")


def test_the_table_here_lists_every_experiment_the_server_publishes() -> None:
    """The experiments in server/lessons/experiments.py and the table above list the same names, and
    the page has a title, a text and what to watch for each of them, in both languages."""
    assert list(SERVER_EXPERIMENTS) == list(EXPERIMENTS)
    source = (Path(__file__).parents[2] / "web" / "lessons" / "experiments.js").read_text()
    for name in EXPERIMENTS:
        for part in ("title", "text", "watch"):
            assert source.count(f"'exp.{name}.{part}'") == 2, (name, part)


def test_menu_item_applies_its_experiment_and_a_reload_keeps_the_changes_made_since(
    app: App,
) -> None:
    page = app.open()
    expect(page.get_by_test_id("coach")).to_be_visible()
    page.get_by_test_id("lesson-tab-experiments").click()
    page.get_by_test_id("experiment-linear_collapse").click()
    config_has(app, EXPERIMENTS["linear_collapse"][1])
    expect(page.get_by_test_id("experiment-linear_collapse")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.get_by_test_id("lesson-tab-collapse")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("experiment-card")).to_contain_text("XOR")

    page.get_by_test_id("lesson-tab-experiments").click()
    page.get_by_test_id("experiment-zero_init").click()
    config_has(app, EXPERIMENTS["zero_init"][1])
    page.get_by_test_id("variant-xavier").click()
    config_has(app, {"init": "xavier"})
    expect(page).to_have_url(
        re.compile(r"experiment=zero_init.*init=xavier|init=xavier.*experiment=zero_init")
    )
    page.reload()
    expect(page.get_by_test_id("experiment-card")).to_have_attribute("data-experiment", "zero_init")
    expect(page.get_by_test_id("lesson-tab-symmetry")).to_have_attribute("aria-selected", "true")
    app.wait("s => s.config !== null && s.config.init === 'xavier' && s.frame !== null")
    expect(page.get_by_test_id("variant-xavier")).to_have_attribute("aria-pressed", "true")


def test_coach_fix_buttons_apply_the_fix_and_the_message_goes(app: App) -> None:
    page = open_experiment(app, "wrong_output")
    expect_coach(page, "output_mismatch")
    expect(coach_code(page, "output_mismatch")).to_contain_text("sigmoid")
    page.get_by_test_id("coach-fix-output_mismatch").click()
    config_has(app, {"output": {"activation": "auto", "resolved_activation": "sigmoid"}})
    expect(coach_code(page, "output_mismatch")).to_have_count(0)

    page.get_by_test_id("lesson-tab-experiments").click()
    page.get_by_test_id("experiment-wrong_loss").click()
    config_has(app, EXPERIMENTS["wrong_loss"][1])
    expect_coach(page, "loss_mismatch")
    expect(coach_code(page, "loss_mismatch")).to_contain_text("bce")
    page.get_by_test_id("coach-fix-loss_mismatch").click()
    config_has(app, {"output": {"loss": "auto", "resolved_loss": "bce"}})
    expect(coach_code(page, "loss_mismatch")).to_have_count(0)


def test_coach_and_lessons_speak_french(app: App) -> None:
    page = open_experiment(app, "zero_init", "&lang=fr")
    expect(coach_code(page, "symmetry")).to_contain_text("identiques")
    expect(page.get_by_test_id("lesson-tab-symmetry")).to_have_text("Symétrie")
    expect(page.get_by_test_id("experiment-card")).to_contain_text("Initialisation à zéro")


def test_initialization_lab_draws_each_layer_and_switches_the_initializer(app: App) -> None:
    page = open_experiment(app, "deep_init")
    expect(page.get_by_test_id("init-normal")).to_have_attribute("aria-pressed", "true")
    for layer in range(1, 7):
        expect(page.get_by_test_id(f"hist-act-{layer}")).to_be_visible()
        expect(page.get_by_test_id(f"hist-grad-{layer}")).to_be_visible()
    stats = page.get_by_test_id("hist-stats-6")
    # Small weights: the signal fades layer after layer.
    expect(stats).to_contain_text(re.compile(r"std (0\.0|[\d.]+e-)"))

    page.get_by_test_id("init-zeros").click()
    config_has(app, {"init": "zeros"})
    # tanh(0) = 0: with zero weights every activation of every layer is exactly 0.
    expect(page.get_by_test_id("hist-stats-1")).to_contain_text("mean 0, std 0,")
    expect(stats).to_contain_text("mean 0, std 0,")
    expect(page.get_by_test_id("init-symmetric-1")).to_be_visible()

    page.get_by_test_id("init-xavier").click()
    config_has(app, {"init": "xavier"})
    expect(page.get_by_test_id("init-xavier")).to_have_attribute("aria-pressed", "true")
    expect(stats).to_contain_text(re.compile(r"std 0\.[1-9]"))
    expect(page.get_by_test_id("init-symmetric-1")).to_be_hidden()


def test_the_courses_figure_shows_the_bounded_uniform_fading_and_xavier_less(app: App) -> None:
    page = app.open("?lang=fr")
    page.get_by_test_id("lesson-tab-init").click()
    figure = page.get_by_test_id("init-figure")
    expect(figure).to_have_attribute("data-drawn", "true")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=init-figure] canvas[data-std]').length"
        " === 12"
    )
    std = page.evaluate(
        """() => Object.fromEntries(['zeros', 'uniform_scaled', 'xavier'].map((init) => [init,
          [1, 2, 3, 4].map((l) => Number(document.querySelector(
            `[data-testid=figure-${init}-${l}]`).dataset.std))]))"""
    )
    assert std["zeros"] == [0, 0, 0, 0]
    assert std["uniform_scaled"][3] <= 0.5 * std["uniform_scaled"][0]     # measured 0.18
    assert std["xavier"][3] >= 0.45 * std["xavier"][0]                    # measured 0.57
    expect(page.get_by_test_id("figure-row-uniform_scaled")).to_contain_text("le signal s’estompe")
    expect(page.get_by_test_id("figure-row-xavier")).to_contain_text("le signal reste stable")
    expect(page.get_by_test_id("figure-row-zeros")).to_contain_text("le signal globalement nul")
    # The slide's captions are quoted as the slide's; under each, what is drawn, from the data.
    first, last = (f"{x:.2g}".replace(".", ",") for x in (std["xavier"][0], std["xavier"][3]))
    drawn = page.get_by_test_id("figure-drawn-xavier")
    expect(drawn).to_have_text(f"ici\u202f: écart type {first} → {last}")
    panel = page.get_by_test_id("lesson-panel-init")
    expect(panel).to_contain_text("4 couches cachées de 500 neurones, sur 256 entrées synthétiques")
    expect(panel).to_contain_text("est notre lecture")
    expect(panel).not_to_contain_text("mille")
    # The canvases were drawn at their size, not left at the default 300 × 150.
    assert page.evaluate(
        "() => document.querySelector('[data-testid=figure-xavier-4]').clientWidth > 20"
    )
    page.get_by_test_id("lang").click()
    expect(page.get_by_test_id("figure-row-uniform_scaled")).to_contain_text("the signal fades")


def test_symmetry_shows_identical_neurons_after_zero_init_and_xavier_breaks_it(app: App) -> None:
    page = open_experiment(app, "zero_init")
    expect_coach(page, "symmetry")
    layer = page.get_by_test_id("symmetry-layer-1")
    expect(layer).to_have_attribute("data-symmetric", "true")
    expect(layer.get_by_test_id("symmetry-banner")).to_contain_text("identical")
    rows = page.get_by_test_id("symmetry-weights-2").locator("tr")
    expect(rows).to_have_count(4)
    assert len(set(rows.all_inner_texts())) == 1

    page.get_by_test_id("symmetry-fix").click()
    config_has(app, {"init": "xavier"})
    expect(layer).to_have_attribute("data-symmetric", "false")
    expect(coach_code(page, "symmetry")).to_have_count(0)


def test_gradient_norms_per_layer_and_saturation_are_drawn(app: App) -> None:
    page = open_experiment(app, "activations_spiral")
    chart = page.get_by_test_id("grad-norm-chart")
    blank = str(chart.evaluate("c => c.toDataURL()"))
    page.get_by_test_id("lesson-train").click()  # frames stream while the epochs run
    for layer in range(1, 5):
        expect(page.get_by_test_id(f"saturation-{layer}")).to_have_attribute(
            "data-value", re.compile(r"^[01]\.\d{4}$")
        )
    expect(page.get_by_test_id("grad-ratio")).to_contain_text(re.compile(r"Layer 1 gets [\d.e-]+×"))
    page.wait_for_function(
        "before => document.querySelector('[data-testid=grad-norm-chart]').toDataURL() !== before",
        arg=blank,
    )


def test_dead_relu_tracker_shows_when_neurons_died_and_revive_redraws_them(app: App) -> None:
    page = open_experiment(app, "dead_relu")
    # The card quotes its promises' bounds, not numbers typed in its text.
    expect(page.get_by_test_id("experiment-text")).to_contain_text("at least 25% of the hidden")
    expect(page.get_by_test_id("experiment-watch")).to_contain_text("at least 75% of the revived")
    expect(page.get_by_test_id("experiment-card")).not_to_contain_text("{")
    train(app, page)
    expect_coach(page, "dead_relu")
    tracker = page.get_by_test_id("dead-tracker")
    expect(tracker.locator('[data-dead="true"]').first).to_contain_text("dead since epoch")
    expect(tracker.locator("section:not([data-dead='0'])").first).to_contain_text(" dead")

    page.get_by_test_id("revive").click()
    config_has(app, {"hidden": [{"units": 8, "activation": "relu"}] * 2,
                     "optimizer": {"learning_rate": 0.15}})
    expect(tracker.locator('[data-dead="true"]')).to_have_count(0)
    expect(coach_code(page, "dead_relu")).to_have_count(0)
    expect(page.get_by_test_id("revive")).to_be_disabled()  # no dead neuron left to re-draw


def test_linear_collapse_shows_the_single_layer_that_coincides(app: App) -> None:
    page = open_experiment(app, "linear_collapse")
    expect_coach(page, "no_nonlinearity")
    view = page.get_by_test_id("collapse-view")
    expect(view).to_be_visible()
    formula = page.get_by_test_id("collapse-formula")
    expect(formula).to_contain_text("W′ = W[3] W[2] W[1]")
    expect(formula).to_contain_text("b′ = W[3](W[2]b[1] + b[2]) + b[3]")
    diff = page.get_by_test_id("collapse-diff")
    expect(diff).to_contain_text("coincide")
    # Both pictures are quantized to 1/255: equal models differ by at most a step or two.
    assert float(diff.get_attribute("data-value") or "1") <= 2 / 255

    page.get_by_test_id("variant-tanh").click()
    config_has(app, {"hidden": tanh(2, 4)})
    expect(page.get_by_test_id("collapse-off")).to_be_visible()
    expect(view).to_be_hidden()


def test_matrix_inspector_steps_through_forward_then_backward(app: App) -> None:
    page = open_experiment(app, "student")
    step = page.get_by_test_id("inspector-step")
    expect(step).to_have_attribute("data-step", "input")
    expect(page.get_by_test_id("matrix-X")).to_have_attribute("data-shape", "2x4")
    # The course's index notation on every entry: x₂⁽³⁾ is feature 2 of the third student.
    cell = page.get_by_test_id("matrix-X").locator("tr").nth(1).locator("td").nth(2)
    expect(cell).to_have_attribute("data-index", "x₂⁽³⁾")
    nxt = page.get_by_test_id("inspector-next")
    shapes = {
        "forward-1": {
            "matrix-W-1": "3x2",
            "matrix-b-1": "3x1",
            "matrix-Z-1": "3x4",
            "matrix-A-1": "3x4",
        },
        "forward-2": {"matrix-W-2": "1x3", "matrix-Z-2": "1x4", "matrix-A-2": "1x4"},
        "output": {"matrix-Y_hat": "1x4"},
        "backward-2": {"matrix-dZ-2": "1x4", "matrix-dW-2": "1x3", "matrix-db-2": "1x1"},
        "backward-1": {"matrix-dZ-1": "3x4", "matrix-dW-1": "3x2", "matrix-db-1": "3x1"},
    }
    for name, matrices in shapes.items():
        nxt.click()
        if name == "forward-1":  # a₃^[1](2): neuron 3 of layer 1 on the second student
            a = page.get_by_test_id("matrix-A-1").locator("tr").nth(2).locator("td").nth(1)
            expect(a).to_have_attribute("data-index", "a₃^[1](2)")
        expect(step).to_have_attribute("data-step", name)
        for testid, shape in matrices.items():
            expect(page.get_by_test_id(testid)).to_have_attribute("data-shape", shape)
    expect(nxt).to_be_disabled()
    page.get_by_test_id("inspector-prev").click()
    expect(step).to_have_attribute("data-step", "backward-2")

    page.get_by_test_id("inspector-prev").click()
    page.get_by_test_id("inspector-prev").click()
    page.get_by_test_id("inspector-prev").click()
    expect(step).to_have_attribute("data-step", "forward-1")
    before = page.get_by_test_id("matrix-W-1").inner_text()
    freshness = page.get_by_test_id("inspector-epoch")
    expect(freshness).to_have_attribute("data-stale", "false")
    page.get_by_test_id("lesson-train").click()  # one epoch of gradient descent, then inspect
    app.wait("s => s.frame.header.epoch === 1 && s.status.epoch === 1")
    expect(step).to_have_attribute("data-step", "input")
    expect(freshness).to_have_attribute("data-stale", "false")
    nxt.click()
    expect(page.get_by_test_id("matrix-W-1")).not_to_have_text(before)
    # The inspected W[1] is the network's current one, as in the latest frame.
    assert app.probe(
        "s => s.inspection.layers[0].W.values.flat()"
        ".every((w, i) => Math.abs(w - s.frame.arrays['W/1'].data[i]) < 1e-6)"
    )


def test_inspector_shows_the_batch_normalization_step_of_a_normalized_layer(app: App) -> None:
    page = open_experiment(app, "batch_norm")
    page.get_by_test_id("variant-sigmoidBN").click()
    config_has(app, {"hidden": [{"units": 8, "activation": "sigmoid", "batch_norm": True}] * 4})
    page.get_by_test_id("lesson-tab-inspector").click()
    page.get_by_test_id("inspect").click()
    step = page.get_by_test_id("inspector-step")
    expect(step).to_have_attribute("data-step", "input")
    page.get_by_test_id("inspector-next").click()
    expect(step).to_have_attribute("data-step", "forward-1")
    for testid, shape in (("matrix-Z-1", "8x4"), ("matrix-mu-1", "8x1"), ("matrix-gamma-1", "8x1"),
                          ("matrix-Z_tilde-1", "8x4"), ("matrix-A-1", "8x4")):
        expect(page.get_by_test_id(testid)).to_have_attribute("data-shape", shape)
    for _ in range(10):  # forward 2..5, output, backward 5..1
        page.get_by_test_id("inspector-next").click()
    expect(step).to_have_attribute("data-step", "backward-1")
    expect(page.get_by_test_id("matrix-dgamma-1")).to_have_attribute("data-shape", "8x1")
    expect(page.get_by_test_id("matrix-dbeta-1")).to_have_attribute("data-shape", "8x1")


def test_inspector_shows_softmax_columns_for_three_classes(app: App) -> None:
    page = open_experiment(app, "softmax")
    page.get_by_test_id("inspect").click()
    nxt = page.get_by_test_id("inspector-next")
    for _ in range(3):
        nxt.click()
    expect(page.get_by_test_id("inspector-step")).to_have_attribute("data-step", "output")
    y_hat = page.get_by_test_id("matrix-Y_hat")
    expect(y_hat).to_have_attribute("data-shape", "3x4")
    sums = app.probe(
        "s => s.inspection.Y_hat.values[0].map((_, j) => s.inspection.Y_hat.values"
        ".reduce((a, row) => a + row[j], 0))"
    )
    assert sums == pytest.approx([1.0] * 4, abs=1e-9)

    freshness = page.get_by_test_id("inspector-epoch")
    expect(freshness).to_have_attribute("data-stale", "false")
    page.get_by_test_id("play-pause").click()
    app.wait("s => s.frame.header.epoch >= 3")
    page.get_by_test_id("play-pause").click()
    expect(freshness).to_have_attribute("data-stale", "true")
    expect(freshness).to_contain_text("Inspect")
    page.get_by_test_id("inspect").click()
    expect(freshness).to_have_attribute("data-stale", "false")


# One advice per code and reason, with the params engine/coach.py sends.
ADVICE = [
    {"code": "symmetry", "params": {"layers": [1], "init": "zeros"}},
    {"code": "symmetry", "params": {"layers": [1, 2], "init": "zeros"}},
    *(
        {"code": "lr_too_high", "params": {"learning_rate": 3, "reason": r}}
        for r in ("diverged", "diverging", "oscillating")
    ),
    {"code": "lr_too_high", "params": {"learning_rate": 3, "reason": "dying_relu", "count": 5}},
    {"code": "no_nonlinearity", "params": {"reason": "linear_hidden", "layers": 2}},
    {"code": "no_nonlinearity", "params": {"reason": "no_hidden", "accuracy": 0.61}},
    {
        "code": "output_mismatch",
        "params": {"task": "binary", "output": "relu", "expected": "sigmoid"},
    },
    {"code": "loss_mismatch", "params": {"task": "multiclass", "loss": "mse", "expected": "cce"}},
    {"code": "underfitting", "params": {"accuracy": 0.55, "epoch": 150}},
    {
        "code": "overfitting",
        "params": {"best_epoch": 40, "split": "validation", "best_loss": 0.31, "loss": 0.52},
    },
    {"code": "dead_relu", "params": {"layer": 1, "count": 2, "total": 8, "neurons": [0, 3]}},
]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_coach_words_every_code_and_reason_with_all_its_numbers(app: App, lang: str) -> None:
    app.open()
    texts = app.page.evaluate(
        """async ([advice, lang]) => {
          const { createI18n } = await import('/i18n.js');
          const { STRINGS, wording } = await import('/lessons/coach.js');
          const { translator } = await import('/lessons/util.js');
          const i18n = createI18n(lang);
          i18n.register(STRINGS);
          const t = translator({ t: i18n.t });
          return advice.map((a) => wording(t, a));
        }""",
        [ADVICE, lang],
    )
    assert len(set(texts)) == len(ADVICE)
    for advice, text in zip(ADVICE, texts, strict=True):
        assert "{" not in text and "coach." not in text, text
        for value in advice["params"].values():
            if isinstance(value, int) and not isinstance(value, bool):
                assert str(value) in text, (value, text)
    fix = "Correction" if lang == "fr" else "Fix"
    assert all(fix in text for text in texts)
    # Accuracies are shown as percentages; dead neurons are numbered from 1.
    assert "61" in texts[7] and "55" in texts[10]
    assert "1, 4" in texts[-1]
    # Two linear hidden layers and the output: three layers, one product of three matrices.
    assert "W′ = W[3]W[2]W[1]" in texts[6] and " 3 " in texts[6], texts[6]


def test_the_page_says_xavier_the_default_is_beyond_the_course(app: App) -> None:
    page = app.open()
    expect(page.get_by_test_id("init")).to_have_value("xavier")
    init = page.locator("label:has([data-testid=init])")
    expect(init).to_have_attribute("title", re.compile(r"small random weights.*beyond its"))
    page.get_by_test_id("lang").click()
    expect(init).to_have_attribute("title", re.compile(r"petits poids aléatoires.*hors matière"))


def test_cards_take_their_numbers_from_the_engine_and_the_network(app: App) -> None:
    page = open_experiment(app, "standardize")
    card = page.get_by_test_id("experiment-card")
    # The circle's radius is 5 (engine/datasets.py): x₁², x₂² reach 25.
    expect(card).to_contain_text("which reach 25 while x₁ and x₂ stay within ±5")
    # The saturation title names the thresholds the server counts with: a tenth of tanh′'s peak.
    expect(page.get_by_test_id("lesson-panel-gradients")).to_contain_text("tanh′ < 0.1")
    page.get_by_test_id("lang").click()
    expect(card).to_contain_text("qui atteignent 25 alors que x₁ et x₂ restent entre −5 et 5")
    expect(page.get_by_test_id("lesson-panel-gradients")).to_contain_text("tanh′ < 0,1")

    page = open_experiment(app, "activations_spiral")
    expect(page.get_by_test_id("lesson-panel-gradients")).to_contain_text("σ′ < 0.025")
    expect(page.get_by_test_id("lesson-panel-gradients")).not_to_contain_text("tanh′")

    page = open_experiment(app, "linear_collapse")
    card = page.get_by_test_id("experiment-card")
    expect(card).to_contain_text("the network’s 3 layers compose into a single linear map,"
                                 " W′ = W[3]W[2]W[1]")
    expect(card.locator(".ls-label")).to_have_text("Try:")

    # A card without variants has no "Try:" label.
    page = open_experiment(app, "student")
    expect(page.get_by_test_id("experiment-card").locator(".ls-label")).to_have_count(0)


def test_constant_init_shows_identical_non_zero_gradient_rows_in_the_inspector(app: App) -> None:
    page = open_experiment(app, "constant_init")
    expect_coach(page, "symmetry")
    step = page.get_by_test_id("inspector-step")
    expect(step).to_have_attribute("data-step", "input")
    while step.get_attribute("data-step") != "backward-1":
        page.get_by_test_id("inspector-next").click()
    dW = page.get_by_test_id("matrix-dW-1")
    expect(dW).to_have_attribute("data-shape", "3x2")
    rows = [r for r in dW.locator("tr").all_inner_texts() if r.strip()]
    assert len(rows) >= 3 and len(set(rows[-3:])) == 1  # the course's (u v), three times
    assert re.search(r"[1-9]", rows[-1])  # and not zero


def test_standardizing_the_inputs_from_the_data_panel_lowers_saturation(app: App) -> None:
    page = open_experiment(app, "standardize")
    box = page.get_by_test_id("standardize")
    expect(box).not_to_be_checked()
    page.get_by_test_id("variant-standardized").click()
    config_has(app, {"standardize": True})
    expect(box).to_be_checked()
    expect(page).to_have_url(re.compile(r"std=true"))
    box.click()
    config_has(app, {"standardize": False})


def test_the_softmax_experiment_opens_the_course_example_worked_out(app: App) -> None:
    page = open_experiment(app, "softmax")
    example = page.get_by_test_id("softmax-example")
    expect(example).to_be_visible()
    for j, p in enumerate(("0.705", "0.259", "0.035"), start=1):
        expect(page.get_by_test_id(f"softmax-y-{j}")).to_have_attribute("data-value", p)
    # Adding the same number to every z changes nothing.
    for j, z in enumerate(("15", "14", "12"), start=1):
        page.get_by_test_id(f"softmax-z-{j}").fill(z)
    expect(page.get_by_test_id("softmax-y-1")).to_have_attribute("data-value", "0.705")
    page.get_by_test_id("softmax-z-3").fill("14")
    expect(page.get_by_test_id("softmax-y-1")).to_have_attribute("data-value", "0.576")


def test_zigzag_shows_one_sign_per_row_of_one_examples_gradient(app: App) -> None:
    page = open_experiment(app, "zigzag")
    expect(page.get_by_test_id("matrix-X")).to_have_attribute("data-shape", "2x1")
    step = page.get_by_test_id("inspector-step")
    while step.get_attribute("data-step") != "backward-2":
        page.get_by_test_id("inspector-next").click()
    rows = page.get_by_test_id("matrix-dW-2").locator("tr")
    expect(rows).to_have_count(4)
    for i in range(4):  # a row's entries are all negative or all not: one color
        cells = rows.nth(i).locator("td")
        negative = cells.evaluate_all("cs => cs.map(c => c.classList.contains('ls-neg'))")
        assert len(set(negative)) == 1


def test_zigzag_draws_the_path_of_gradient_descent_on_two_weights(app: App) -> None:
    """Below the card: the loss over two weights and the path, one example per step: every
    step of the sigmoid path moves both weights the same way, the tanh path's mix."""
    page = open_experiment(app, "zigzag")
    facts = SERVER_EXPERIMENTS["zigzag"].facts
    sigmoid, tanh_ = page.get_by_test_id("zigzag-sigmoid"), page.get_by_test_id("zigzag-tanh")
    expect(sigmoid).to_have_attribute("data-same-sign", "1")
    assert float(sigmoid.get_attribute("data-detour") or 0) >= facts["path_detour"]
    assert float(tanh_.get_attribute("data-same-sign") or 1) <= 0.7
    assert float(tanh_.get_attribute("data-detour") or 9) <= facts["tanh_path_detour"]
    expect(sigmoid.locator("canvas")).to_be_visible()
    expect(sigmoid).to_contain_text("100% of the steps move w₁ and w₂ the same way")
    expect(page.get_by_test_id("experiment-text")).to_contain_text(
        f"at least {facts['path_detour']:g} times as long")
    page.get_by_test_id("lang").click()
    expect(sigmoid).to_contain_text("des pas font bouger w₁ et w₂ dans le même sens")


def test_loop_and_vectorized_passes_are_timed_live_on_the_same_outputs(app: App) -> None:
    page = open_experiment(app, "loop_vs_vectorized")
    page.get_by_test_id("forward-time").click()
    expect(page.get_by_test_id("forward-timing")).to_be_visible()
    expect(page.get_by_test_id("forward-loop")).to_contain_text("Loop over the 150 examples")
    expect(page.get_by_test_id("forward-vectorized")).to_contain_text(" ms")
    # The outputs agree; the ratio is shown, not asserted (it is the machine's).
    assert float(page.get_by_test_id("forward-difference").get_attribute("data-value") or 1) \
        <= SERVER_EXPERIMENTS["loop_vs_vectorized"].facts["loop_difference"]
    assert float(page.get_by_test_id("forward-ratio").get_attribute("data-value") or 0) > 0
    expect(page.get_by_test_id("forward-ratio")).to_contain_text("times as fast")


def test_the_wide_layer_lesson_trains_sixty_four_neurons_and_says_why_eight_elsewhere(
        app: App) -> None:
    page = open_experiment(app, "wide_layer")
    card = page.get_by_test_id("experiment-card")
    expect(card).to_contain_text("This lesson alone allows 64 neurons")
    expect(card).to_contain_text("elsewhere a layer stops at 8")
    # Every neuron is drawn, and the diagram stays about as tall as a layer of 12: not a
    # column of 64 at the usual pitch (over 3,300 px).
    expect(page.get_by_test_id("neuron-1-63")).to_be_visible()
    stage = page.locator(".net-stage").bounding_box()
    assert stage is not None and stage["height"] < 1000
    # On a phone the network's section has a fixed height: the layer fits in it, not cut off.
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function("""() => { const s = document.querySelector('.net-stage');
        return document.body.dataset.section && s.scrollHeight <= s.clientHeight + 1; }""")
    page.set_viewport_size({"width": 1280, "height": 720})
    train(app, page)
    app.wait("s => s.frame.header.epoch >= 200 && s.history.length > 0")
    page.get_by_test_id("variant-2neurons").click()
    config_has(app, {"hidden": tanh(1, 2)})
    expect(page.get_by_test_id("variant-2neurons")).to_have_attribute("aria-pressed", "true")


def test_parameters_and_hyperparameters_are_labelled_where_the_page_shows_them(
        app: App) -> None:
    page = open_experiment(app, "parameters")
    kinds = page.get_by_test_id("param-kinds")
    params = kinds.locator('[data-kind="parameter"]')
    # The 2-3-1 network: W[1], b[1], W[2], b[2], 9 + 4 = 13 values.
    expect(params).to_have_count(4)
    expect(page.get_by_test_id("param-total")).to_have_attribute("data-value", "13")
    hyper = kinds.locator('[data-kind="hyperparameter"]')
    expect(hyper.and_(page.locator('[data-name="learning_rate"]'))).to_contain_text("0.1")
    # The controls mark each hyperparameter they set (dotted underline, and its tooltip).
    tags = page.locator('.settings [data-kind="hyperparameter"]')
    expect(tags).to_have_count(6)
    expect(tags.first).to_have_text("Learning rate")
    expect(tags.first).to_have_attribute("title", re.compile(r"^A hyperparameter: a value you"))
    # So does the network panel: the number of hidden layers and each layer's neurons.
    expect(page.locator('.layer-count[data-kind="hyperparameter"]')).to_have_attribute(
        "title", re.compile(r"^1 hidden layer: a hyperparameter, chosen by you"))
    expect(page.locator('.col-sub[data-kind="hyperparameter"]')).to_have_count(1)
    page.get_by_test_id("learning-rate").select_option("0.3")
    expect(hyper.and_(page.locator('[data-name="learning_rate"]'))).to_contain_text("0.3")
    page.get_by_test_id("lang").click()
    expect(tags.first).to_have_attribute("title", re.compile(r"^Un hyper-paramètre\s:\sune valeur"))
    expect(kinds).to_contain_text("Paramètres : appris par la descente de gradient")


@pytest.mark.parametrize("name", ["data_amount", "regression", "optimizers"])
def test_the_new_cards_open_with_their_variants_and_numbers(app: App, name: str) -> None:
    """Each card quotes its promise's numbers and each variant sets its config."""
    page = open_experiment(app, name)
    text = page.get_by_test_id("experiment-text")
    expect(text).not_to_contain_text("{")
    for variant in SERVER_EXPERIMENTS[name].variants:
        button = page.get_by_test_id("variant-" + re.sub(r"[^\w.]+", "", variant.label))
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
    if name == "regression":  # the last variant: a sigmoid output for a regression
        expect(coach_code(page, "output_mismatch").first).to_be_visible()
