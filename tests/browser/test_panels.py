"""The data panel, the loss chart and the forward-pass equations, driven in headless Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import App

pytestmark = pytest.mark.browser

NUMBER = re.compile(r"^-?\d+(\.\d+)?(e[-+]?\d+)?$")


def canvas_image(page: Page, testid: str) -> str:
    return str(page.get_by_test_id(testid).evaluate("c => c.toDataURL()"))


def wait_canvas_changes(page: Page, testid: str, before: str) -> None:
    page.wait_for_function(
        "([id, before]) => document.querySelector(`[data-testid='${id}']`).toDataURL() !== before",
        arg=[testid, before],
    )


SUMMARY_TOTAL = """() => [...document.querySelector('[data-testid="data-summary"]').textContent
  .matchAll(/(\\d+) (train|validation|test)/g)].reduce((sum, m) => sum + Number(m[1]), 0)"""


def wait_point_count(page: Page, n: int) -> None:
    """Waits until the data panel's summary counts `n` points in all."""
    page.wait_for_function(f"() => ({SUMMARY_TOTAL})() === {n}")


def test_dataset_buttons_switch_the_data_and_its_points(app: App) -> None:
    page = app.open()
    circle = page.get_by_test_id("dataset-circle")
    expect(circle).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("data-summary")).to_contain_text("binary")
    points = canvas_image(page, "custom-canvas")
    first_x1 = app.probe("s => s.data.train.x1[0]")

    page.get_by_test_id("dataset-xor").click()
    expect(page.get_by_test_id("dataset-xor")).to_have_attribute("aria-pressed", "true")
    expect(circle).to_have_attribute("aria-pressed", "false")
    app.wait(f"s => s.config.dataset.name === 'xor' && s.data.train.x1[0] !== {first_x1}")
    wait_canvas_changes(page, "custom-canvas", points)
    expect(page.get_by_test_id("classes")).to_be_hidden()

    boundary = canvas_image(page, "boundary")
    page.get_by_test_id("dataset-spiral").click()
    classes = page.get_by_test_id("classes")
    expect(classes).to_be_visible()
    classes.select_option("3")
    expect(page.get_by_test_id("data-summary")).to_contain_text("3 classes")
    expect(page.get_by_test_id("custom-class-2")).to_be_visible()
    app.wait("s => s.frame.header.arrays.find(a => a.name === 'output').shape[0] === 3")
    wait_canvas_changes(page, "boundary", boundary)
    # Softmax over 3 classes: the output layer grows to 3 units (2-4-4-3: 12 + 20 + 15).
    expect(page.get_by_test_id("param-count")).to_have_text("47")
    expect(page.get_by_test_id("eq-g-3")).to_have_text("softmax")


def test_noise_split_and_regenerate_reconfigure_the_data(app: App) -> None:
    page = app.open("?dataset=gauss&points=200&val=0")
    expect(page.get_by_test_id("data-summary")).to_contain_text("100 train, 0 validation, 100 test")
    page.get_by_test_id("validation-fraction").fill("0.25")
    expect(page.get_by_test_id("data-summary")).to_contain_text("100 train, 50 validation, 50 test")
    page.get_by_test_id("noise").fill("0.5")
    app.wait("s => s.config.dataset.noise === 0.5")
    seed = app.probe("s => s.config.dataset.seed")
    first_x1 = app.probe("s => s.data.train.x1[0]")
    page.get_by_test_id("regenerate").click()
    app.wait(f"s => s.config.dataset.seed === {seed + 1} && s.data.train.x1[0] !== {first_x1}")


def test_feature_toggles_change_the_input_layer(app: App) -> None:
    page = app.open("?hidden=3:tanh")
    expect(page.get_by_test_id("param-count")).to_have_text("13")
    square = page.get_by_test_id("feature-x1_sq")
    expect(square).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_test_id("input-x1_sq")).to_have_count(0)

    square.click()
    expect(square).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("input-x1_sq")).to_be_visible()
    expect(page.get_by_test_id("param-count")).to_have_text("16")
    assert app.probe("s => s.config.features.join(',')") == "x1,x2,x1_sq"

    page.get_by_test_id("feature-x1").click()
    page.get_by_test_id("feature-x2").click()
    expect(page.get_by_test_id("param-count")).to_have_text("10")
    # The last feature stays: the panel says why instead of sending an empty input layer.
    square.click()
    expect(square).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("data-error")).to_contain_text("at least one")


def test_csv_upload_rejects_bad_files_and_switches_to_custom_data(app: App) -> None:
    page = app.open()
    upload = page.get_by_test_id("csv-upload")
    error = page.get_by_test_id("data-error")

    # Rows the page cannot read are listed, line by line, before anything is sent.
    upload.set_input_files(files=[{
        "name": "bad.csv", "mimeType": "text/csv", "buffer": b"x1,x2,label\n1,2,0\n3,4\n",
    }])
    expect(error).to_contain_text("1 row of bad.csv could not be read")
    expect(page.get_by_test_id("csv-bad")).to_contain_text("line 3: expected 3 columns")
    expect(page.get_by_test_id("csv-skip-bad")).to_be_hidden()  # one readable point is too few
    expect(page.get_by_test_id("dataset-circle")).to_have_attribute("aria-pressed", "true")

    # Rows the server rejects are reported by the server, naming the line.
    page.get_by_test_id("custom-task").select_option("2")
    upload.set_input_files(files=[{
        "name": "seven.csv", "mimeType": "text/csv",
        "buffer": b"1,2,0\n3,4,7\n5,6,1\n-1,-2,0\n",
    }])
    expect(error).to_contain_text("csv line 2")
    expect(page.get_by_test_id("error")).to_contain_text("csv line 2")
    expect(page.get_by_test_id("dataset-circle")).to_have_attribute("aria-pressed", "true")

    too_big = b"x1,x2,label\n" + b"1.000001,2.000001,0\n" * 52_500  # 1.05 MB
    upload.set_input_files(files=[{"name": "big.csv", "mimeType": "text/csv", "buffer": too_big}])
    expect(error).to_contain_text("too large")

    rows = "\n".join(f"{x},{y},{int(x * y > 0)}" for x in (-3, -1, 1, 3) for y in (-2, 2))
    upload.set_input_files(files=[{
        "name": "good.csv", "mimeType": "text/csv", "buffer": f"x1,x2,label\n{rows}\n".encode(),
    }])
    expect(page.get_by_test_id("dataset-custom")).to_have_attribute("aria-pressed", "true")
    expect(error).to_be_hidden()
    expect(page.get_by_test_id("csv-bad")).to_be_hidden()
    wait_point_count(page, 8)

    # A click in the editor adds one point of the chosen class to the custom data.
    page.get_by_test_id("custom-class-1").click()
    page.get_by_test_id("custom-canvas").click(position={"x": 20, "y": 20})
    expect(page.get_by_test_id("data-summary")).to_contain_text("binary")
    wait_point_count(page, 9)


def test_new_custom_data_by_clicks_or_csv_takes_the_kind_of_its_labels(app: App) -> None:
    page = app.open()
    page.get_by_test_id("custom-task").select_option("3")
    canvas = page.get_by_test_id("custom-canvas")
    for k, (x, y) in enumerate([(30, 30), (150, 30)]):
        page.get_by_test_id(f"custom-class-{k}").click()
        canvas.click(position={"x": x, "y": y})
    # The last two by keyboard: arrows move the cross, Enter adds a point (and never plays).
    page.get_by_test_id("custom-class-2").click()
    canvas.focus()
    for key in ["ArrowDown"] * 6 + ["Enter"] + ["ArrowLeft"] * 6 + ["Enter"]:
        canvas.press(key)
    expect(page.get_by_test_id("dataset-custom")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("data-summary")).to_contain_text("3 classes")
    wait_point_count(page, 4)
    assert app.probe("s => s.status.state") == "paused"
    assert app.probe("s => [...s.data.train.label, ...s.data.validation.label,"
                     " ...s.data.test.label].filter(k => k === 2).length") == 2

    # A CSV's labels say what kind of data it is: real numbers are a regression, 0..3 four classes.
    upload = page.get_by_test_id("csv-upload")
    grid = [(x, y) for x in (-3, -1, 1, 3) for y in (-2, 2)]
    targets = "\n".join(f"{x},{y},{0.1 * x + 0.05 * y:.2f}" for x, y in grid)
    upload.set_input_files(files=[{"name": "r.csv", "mimeType": "text/csv",
                                   "buffer": targets.encode()}])
    expect(page.get_by_test_id("data-summary")).to_contain_text("regression")
    expect(page.get_by_test_id("custom-value")).to_be_visible()
    labels = "\n".join(f"{x},{y},{i % 4}" for i, (x, y) in enumerate(grid))
    upload.set_input_files(files=[{"name": "k.csv", "mimeType": "text/csv",
                                   "buffer": labels.encode()}])
    expect(page.get_by_test_id("data-summary")).to_contain_text("4 classes")
    expect(page.get_by_test_id("custom-class-3")).to_be_visible()


def test_param_count_and_shapes_follow_the_architecture(app: App) -> None:
    page = app.open("?dataset=circle&points=200&train=0.5&val=0&hidden=4:tanh,2:tanh")
    expect(page.get_by_test_id("param-count")).to_have_text("25")  # 2-4-2-1
    page.get_by_test_id("remove-layer").click()
    expect(page.get_by_test_id("param-count")).to_have_text("17")  # 2-4-1
    page.get_by_test_id("remove-neuron-1").click()
    expect(page.get_by_test_id("param-count")).to_have_text("13")  # 2-3-1
    expect(page.get_by_test_id("params-1")).to_contain_text("9")
    expect(page.get_by_test_id("params-2")).to_contain_text("4")
    equations = page.locator("#equations")
    expect(equations).to_contain_text("3×2")    # W[1]
    expect(equations).to_contain_text("3×100")  # Z[1], A[1] for m = 100 training points
    expect(equations).to_contain_text("2×100")  # X
    page.get_by_test_id("activation-1").select_option("relu")
    expect(page.get_by_test_id("eq-g-1")).to_have_text("ReLU")
    expect(page.get_by_test_id("eq-g-2")).to_have_text("σ")


def test_the_bn_button_normalizes_a_layer_and_the_equations_show_its_step(app: App) -> None:
    page = app.open("?dataset=circle&points=200&train=0.5&val=0&hidden=4:tanh,2:tanh")
    expect(page.get_by_test_id("param-count")).to_have_text("25")  # 2-4-2-1
    expect(page.get_by_test_id("batch-norm-1")).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_test_id("eq-bn-1")).to_have_count(0)
    page.get_by_test_id("batch-norm-1").click()
    app.wait("s => s.config.hidden[0].batch_norm === true && s.frame !== null")
    expect(page.get_by_test_id("batch-norm-1")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("batch-norm-2")).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_test_id("eq-bn-1")).to_contain_text("γ")
    expect(page.get_by_test_id("param-count")).to_have_text("33")  # + γ[1], β[1]: 2 × 4
    expect(page).to_have_url(re.compile(r"hidden=4:tanh:bn,2:tanh"))
    page.get_by_test_id("batch-norm-1").click()
    app.wait("s => s.config.hidden[0].batch_norm === false")
    expect(page.get_by_test_id("param-count")).to_have_text("25")


# A readout's text shows this number (to the 3 significant digits the legend prints).
SHOWS = "((text, value) => Math.abs(Number(text) - value) <= 5e-3 * Math.abs(value))"


def test_loss_chart_draws_train_validation_and_test_after_play(app: App) -> None:
    page = app.open("?dataset=gauss&hidden=3:tanh&val=0.2&lr=0.1")
    chart = page.get_by_test_id("loss-chart")
    validation = page.get_by_test_id("loss-validation")
    page.get_by_test_id("play-pause").click()
    expect(chart).to_have_attribute("data-points", re.compile(r"^([2-9]|\d\d+)"))
    expect(validation).to_have_text(NUMBER)
    page.get_by_test_id("play-pause").click()
    # The pause is settled once its epoch's frame is everywhere: the status, the frame and the
    # history's last entry tell the same epoch, and the legend (drawn on the next animation
    # frame) shows that entry's validation loss to its 3 significant digits.
    epoch = app.wait(f"""s => {{
      const last = s.history[s.history.length - 1];
      const shown = document.querySelector('[data-testid="loss-validation"]').textContent;
      return last !== undefined && s.status.state === 'paused'
        && s.frame.header.epoch === s.status.epoch
        && last.epoch === s.status.epoch && {SHOWS}(shown, last.validation_loss) && last.epoch;
    }}""")
    expect(page.locator("#loss-chart")).to_contain_text("best validation: epoch")
    before = canvas_image(page, "loss-chart")
    page.get_by_test_id("loss-log").check()
    wait_canvas_changes(page, "loss-chart", before)
    assert epoch > 0
    box = chart.bounding_box()
    assert box is not None
    chart.hover(position={"x": box["width"] - 20, "y": box["height"] / 3})
    tooltip = page.get_by_test_id("loss-tooltip")
    expect(tooltip).to_contain_text("epoch")
    expect(tooltip).to_contain_text("validation")


def test_panels_relabel_in_french(app: App) -> None:
    page = app.open()
    page.get_by_test_id("lang").click()
    expect(page.get_by_test_id("dataset-circle")).to_contain_text("Cercle")
    expect(page.get_by_test_id("regenerate")).to_have_text("Régénérer")
    expect(page.locator("#loss-chart")).to_contain_text("Coût")
    expect(page.locator("#equations")).to_contain_text("Nombre total de paramètres")
    expect(page.get_by_test_id("data-summary")).to_contain_text("entraînement")


def test_early_stopping_pauses_training_and_marks_where_it_stopped(app: App) -> None:
    page = app.open("?experiment=overfitting&eps=0")
    app.wait("s => s.config.dataset.name === 'gauss' && s.config.view.epochs_per_second === 0")
    page.get_by_test_id("stopping").select_option("20")
    app.wait("s => s.config.stopping.patience === 20")
    page.get_by_test_id("play-pause").click()
    stopped = app.wait("s => s.status.state === 'paused' && s.status.stopped_epoch")
    best = app.probe("s => s.frame.header.best_validation_epoch")
    assert stopped - best >= 20
    note = page.locator(".pp-loss-note")
    expect(note).to_have_attribute("data-stopped", str(stopped))
    expect(note).to_contain_text(f"stopped at epoch {stopped}")
    expect(page).to_have_url(re.compile(r"stop=20"))


def test_dataset_thumbnails_plot_the_engines_preview_points(app: App) -> None:
    page = app.open()
    catalog = page.evaluate("() => window.__playground.store.state.catalog")
    names = [d["name"] for d in catalog["datasets"]]
    assert all(len(d["preview"]) > 0 for d in catalog["datasets"])
    for name in names:
        thumb = page.get_by_test_id(f"dataset-{name}").locator("canvas")
        expect(thumb).to_have_attribute("data-source", "server")


def test_request_resolves_on_the_reply_and_rejects_on_the_error(app: App) -> None:
    page = app.open()
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    # A second connection made by the page's own socket module, with its own session.
    replies = page.evaluate(
        """async () => {
          const { connectSocket, socketUrl } = await import('/socket.js');
          const opened = new Promise((resolve) => {
            const socket = connectSocket({ url: socketUrl(location), onOpen: () => resolve(socket),
              onClose() {}, onMessage() {}, onFrame() {}, onDecodeError() {} });
          });
          const socket = await opened;
          const ok = await socket.request({ type: 'configure', config: { seed: 3 } });
          const bad = await socket.request({ type: 'configure', config: { seed: -1 } }).then(
            () => null, (error) => error);
          return [ok.type, ok.config.seed, bad.type, bad.field];
        }"""
    )
    assert replies == ["config", 3, "error", "config.seed"]
