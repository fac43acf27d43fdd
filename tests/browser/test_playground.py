"""The playground in headless Chromium against a real server: what a student sees and does."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import App, ServerProcess

pytestmark = pytest.mark.browser

# Distinct colors of the boundary canvas, or 0 while any pixel is still transparent (unpainted).
BOUNDARY_COLORS = """() => {
  const canvas = document.querySelector('[data-testid="boundary"]');
  if (!canvas || canvas.width < 10) return 0;
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const colors = new Set();
  for (let i = 0; i < pixels.length; i += 4) {
    if (pixels[i + 3] !== 255) return 0;
    colors.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
  }
  return colors.size;
}"""


def test_page_loads_and_paints_a_non_blank_boundary(app: App) -> None:
    page = app.open()
    expect(page.get_by_test_id("epoch")).to_have_text("0")
    page.wait_for_function(f"() => ({BOUNDARY_COLORS})() > 1")
    page.get_by_test_id("play-pause").click()
    page.wait_for_function(f"() => ({BOUNDARY_COLORS})() > 20")
    page.get_by_test_id("play-pause").click()
    expect(page.get_by_test_id("loss-train")).to_have_text(re.compile(r"^\d+\.\d{3}$"))
    expect(page.get_by_test_id("neuron-1-0")).to_be_visible()
    expect(page.get_by_test_id("error")).to_be_hidden()


def test_play_raises_the_epoch_and_lowers_the_loss_then_pause_and_step(app: App) -> None:
    page = app.open("?dataset=gauss&hidden=4:tanh&lr=0.1")
    # From the store: the readout shows it an animation frame later.
    first = app.probe("s => s.frame.header.metrics.train_loss")
    play = page.get_by_test_id("play-pause")
    play.click()
    expect(play).to_have_attribute("aria-pressed", "true")
    app.wait(f"s => s.frame.header.epoch >= 30 && s.frame.header.metrics.train_loss < {first}")
    expect(page.get_by_test_id("loss-train")).not_to_have_text(f"{first:.3f}")

    play.click()
    expect(play).to_have_attribute("aria-pressed", "false")
    paused_at = app.wait("s => s.status.state === 'paused' && s.status.epoch > 0 && s.status.epoch")
    expect(page.get_by_test_id("epoch")).to_have_text(str(paused_at))

    page.get_by_test_id("step").click()
    expect(page.get_by_test_id("epoch")).to_have_text(str(paused_at + 1))
    expect(play).to_have_attribute("aria-pressed", "false")


# Records the `frame` of every `ack` the page sends (below the test harness's WebSocket).
ACK_LOG = """() => {
  window.__acks = [];
  const native = Object.getPrototypeOf(window.WebSocket.prototype);
  const send = native.send;
  native.send = function (data) {
    try { const m = JSON.parse(data); if (m.type === 'ack') window.__acks.push(m.frame); } catch {}
    return send.call(this, data);
  };
}"""


def test_the_page_acknowledges_the_frames_it_draws_and_keeps_receiving_them(app: App) -> None:
    page = app.open()
    page.evaluate(ACK_LOG)
    page.get_by_test_id("play-pause").click()
    # The server sends two frames ahead of the acknowledgements at most: ten frames drawn
    # while playing means the page acknowledged them.
    app.wait("s => window.__acks.length >= 10")
    page.get_by_test_id("play-pause").click()
    acks = page.evaluate("window.__acks")
    assert acks == sorted(set(acks))  # each frame once, in order
    assert app.probe("s => s.frame.header.seq") >= acks[-1]


# Makes the page believe it is a hidden (or shown) tab, as a browser does for a background tab.
SET_HIDDEN = """hidden => {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  document.dispatchEvent(new Event('visibilitychange'));
}"""


def test_a_hidden_page_receives_a_frame_a_second_and_all_of_them_once_shown(app: App) -> None:
    page = app.open()
    page.get_by_test_id("play-pause").click()
    app.wait("s => s.frame.header.epoch >= 5")
    page.evaluate(SET_HIDDEN, True)
    page.wait_for_timeout(300)  # the message reaches the server
    before = page.evaluate("window.__playground.frames")
    epoch = app.probe("s => s.frame.header.epoch")
    page.wait_for_timeout(2000)
    hidden = page.evaluate("window.__playground.frames") - before
    assert 1 <= hidden <= 4, hidden  # about one a second instead of thirty
    assert app.probe("s => s.frame.header.epoch") > epoch  # training went on
    page.evaluate(SET_HIDDEN, False)
    before = page.evaluate("window.__playground.frames")
    app.wait(f"s => window.__playground.frames >= {before + 10}")


def test_keyboard_space_plays_and_pauses_right_arrow_steps_r_resets(app: App) -> None:
    page = app.open("?hidden=3:tanh")
    play = page.get_by_test_id("play-pause")
    page.locator("body").press("ArrowRight")
    expect(page.get_by_test_id("epoch")).to_have_text("1")
    page.locator("body").press(" ")
    expect(play).to_have_attribute("aria-pressed", "true")
    app.wait("s => s.frame.header.epoch > 5")
    page.locator("body").press(" ")
    expect(play).to_have_attribute("aria-pressed", "false")
    app.wait("s => s.status.state === 'paused' && s.status.epoch > 5")
    page.locator("body").press("r")
    expect(page.get_by_test_id("epoch")).to_have_text("0")


def test_layers_and_neurons_follow_the_buttons_and_the_parameter_count(app: App) -> None:
    page = app.open("?hidden=4:tanh,2:tanh")
    count = page.get_by_test_id("param-count")
    expect(count).to_have_text("25")  # 2-4-2-1: 12 + 10 + 3

    page.get_by_test_id("remove-layer").click()
    expect(count).to_have_text("17")  # 2-4-1
    expect(page.get_by_test_id("activation-2")).to_have_count(0)
    page.get_by_test_id("remove-neuron-1").click()
    expect(count).to_have_text("13")  # 2-3-1: the course's example
    expect(page.get_by_test_id("neuron-1-2")).to_be_visible()
    expect(page.get_by_test_id("neuron-1-3")).to_have_count(0)
    expect(page.locator(".links-visible path")).to_have_count(2 * 3 + 3 * 1)

    page.get_by_test_id("add-layer").click()
    expect(count).to_have_text("25")  # 2-3-3-1: 9 + 12 + 4
    expect(page.get_by_test_id("neuron-2-2")).to_be_visible()
    page.get_by_test_id("add-neuron-2").click()
    expect(count).to_have_text("30")  # 2-3-4-1: 9 + 16 + 5
    expect(page.get_by_test_id("neuron-2-3")).to_be_visible()
    app.wait("s => s.frame.arrays['W/2'].shape.join() === '4,3'")
    expect(page).to_have_url(re.compile(r"hidden=3:tanh,4:tanh"))


def test_activation_selects_switch_layers_and_offer_every_activation(app: App) -> None:
    page = app.open("?hidden=4:tanh,2:tanh")
    page.get_by_test_id("activation-1").select_option("relu")
    expect(page).to_have_url(re.compile(r"hidden=4:relu,2:tanh"))
    app.wait("s => s.config.hidden[0].activation === 'relu'")
    expect(page.get_by_test_id("activation-1")).to_have_value("relu")
    expect(page.get_by_test_id("activation-2")).to_have_value("tanh")

    output = page.get_by_test_id("output-activation")
    values = output.locator("option").evaluate_all("options => options.map(o => o.value)")
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "linear", "softmax"):
        assert name in values
    output.select_option("relu")
    app.wait("s => s.config.output.activation === 'relu'")
    expect(output).to_have_value("relu")

    page.get_by_test_id("init").select_option("he")
    app.wait("s => s.config.init === 'he'")
    page.get_by_test_id("learning-rate").select_option("0.3")
    app.wait("s => s.config.optimizer.learning_rate === 0.3")
    expect(page).to_have_url(re.compile(r"lr=0\.3(&|$)"))
    expect(page.get_by_test_id("learning-rate")).to_have_attribute("data-pending", "false")
    page.get_by_test_id("speed").select_option("10")
    app.wait("s => s.config.view.epochs_per_second === 10")
    page.get_by_test_id("optimizer").select_option("adam")
    app.wait("s => s.config.optimizer.name === 'adam'")


def test_dead_relu_neurons_are_flagged_on_the_diagram(app: App) -> None:
    page = app.open("?hidden=4:relu&dataset=circle")
    neuron = page.get_by_test_id("neuron-1-0")
    expect(neuron).to_have_attribute("data-dead", "false")
    neuron.click()
    page.get_by_test_id("weight-value").fill("-100")
    page.get_by_test_id("weight-apply").click()
    expect(neuron).to_have_attribute("data-dead", "true")
    expect(page.get_by_test_id("dead-count")).to_have_text("1")
    expect(page.get_by_test_id("dead-count-1")).to_have_text("1 dead")
    expect(page.get_by_test_id("dead-info")).to_contain_text("Leaky ReLU")
    expect(neuron.locator(".dead-badge")).to_be_visible()

    neuron.hover()
    card = page.get_by_test_id("neuron-card")
    expect(card).to_be_visible()
    expect(page.get_by_test_id("card-active")).to_have_text("0.0%")
    expect(card).to_contain_text("-100.000")

    page.get_by_test_id("revive-leaky").click()
    app.wait("s => s.config.hidden[0].activation === 'leaky_relu'")
    expect(page.get_by_test_id("dead-count")).to_have_text("0")


def test_a_large_learning_rate_kills_relu_neurons(app: App) -> None:
    page = app.open("?dataset=spiral&hidden=8:relu,8:relu&lr=3&init=he&opt=sgd")
    page.get_by_test_id("play-pause").click()
    expect(page.locator('[data-dead="true"]').first).to_be_visible()
    # Retried, not read once: training goes on, and a neuron of layer 2 can come back to life
    # when layer 1 moves its inputs.
    expect(page.get_by_test_id("dead-count")).to_have_text(re.compile(r"^[1-9]\d*$"))


def test_link_click_edits_its_weight(app: App) -> None:
    page = app.open("?hidden=3:tanh")
    page.get_by_test_id("link-1-2-1").click(force=True)
    page.get_by_test_id("weight-value").fill("2.5")
    page.get_by_test_id("weight-value").press("Enter")
    app.wait("s => Math.abs(s.frame.arrays['W/1'].data[2 * 2 + 1] - 2.5) < 1e-6")
    expect(page.get_by_test_id("weight-editor")).to_be_hidden()


def test_config_is_restored_from_the_url(app: App) -> None:
    page = app.open("?dataset=xor&hidden=3:relu,2:tanh&lr=0.1&init=he&reg=l2&rate=0.001&seed=7")
    app.wait("s => s.config.dataset.name === 'xor' && s.config.hidden.length === 2")
    expect(page.get_by_test_id("activation-1")).to_have_value("relu")
    expect(page.get_by_test_id("activation-2")).to_have_value("tanh")
    expect(page.get_by_test_id("learning-rate")).to_have_value("0.1")
    expect(page.get_by_test_id("init")).to_have_value("he")
    expect(page.get_by_test_id("regularization")).to_have_value("l2")
    expect(page.get_by_test_id("seed")).to_have_value("7")
    expect(page.get_by_test_id("param-count")).to_have_text("20")  # 2-3-2-1: 9 + 8 + 3
    expect(page.get_by_test_id("dataset-xor")).to_have_attribute("aria-pressed", "true")

    shared = page.url
    other = page.context.new_page()
    other.goto(shared)
    expect(other.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    expect(other.get_by_test_id("param-count")).to_have_text("20")
    expect(other.get_by_test_id("activation-1")).to_have_value("relu")
    other.close()


def test_french_relabels_everything(app: App) -> None:
    page = app.open()
    expect(page.get_by_test_id("lang")).to_have_text("Français")
    page.get_by_test_id("lang").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_test_id("lang")).to_have_text("English")
    expect(page.get_by_test_id("connection")).to_contain_text("Connecté")
    expect(page.locator(".network-view .view-title")).to_have_text("Réseau")
    expect(page.get_by_test_id("play-pause")).to_have_attribute("title", re.compile("Lancer"))
    expect(page).to_have_url(re.compile(r"lang=fr"))
    missing = page.evaluate("window.__playground.i18n.missing()")
    assert missing == [], f"strings without a French translation: {missing}"

    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "fr")


def test_french_is_the_default_for_a_french_browser(app: App) -> None:
    context = app.page.context.browser
    assert context is not None
    french = context.new_context(locale="fr-FR")
    page = french.new_page()
    page.goto(app.server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_test_id("lang")).to_have_text("English")
    french.close()


def test_errors_are_shown_next_to_their_control(app: App) -> None:
    page = app.open("?points=many")
    error = page.get_by_test_id("error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("points")
    page.get_by_test_id("error-dismiss").click()
    expect(error).to_be_hidden()

    seed = page.get_by_test_id("seed")
    seed.fill("-5")
    seed.press("Enter")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Seed: must be at least 0")
    expect(error).to_have_attribute("data-field", "config.seed")
    expect(seed).to_have_attribute("aria-invalid", "true")

    seed.fill("3")
    seed.press("Enter")
    expect(error).to_be_hidden()
    expect(seed).not_to_have_attribute("aria-invalid", "true")


def test_reconnects_after_a_server_restart_and_restores_the_config(app: App) -> None:
    server = ServerProcess()
    server.start()
    try:
        app.server = server
        page = app.open("?hidden=3:tanh&lr=0.1&dataset=xor")
        first_session = app.probe("s => s.hello.session")
        connection = page.get_by_test_id("connection")

        server.stop()
        expect(connection).to_have_attribute("data-state", "closed")
        server.start()
        expect(connection).to_have_attribute("data-state", "open")
        app.wait(f"s => s.hello.session !== {first_session!r}")

        page.get_by_test_id("step").click()
        app.wait("s => s.frame.header.epoch === 1 && s.frame.arrays['W/1'].shape.join() === '3,2'")
        app.wait("s => s.config.dataset.name === 'xor' && s.config.optimizer.learning_rate === 0.1")
        expect(page.get_by_test_id("param-count")).to_have_text("13")
    except BaseException:
        server.dump_log()
        raise
    finally:
        server.close()


def test_discretize_show_test_and_presenter_toggles(app: App) -> None:
    page = app.open("?dataset=gauss&hidden=3:tanh")
    page.wait_for_function(f"() => ({BOUNDARY_COLORS})() > 2")
    page.get_by_test_id("discretize").check()
    page.wait_for_function(f"() => (n => n > 0 && n <= 2)(({BOUNDARY_COLORS})())")
    page.get_by_test_id("discretize").uncheck()
    page.wait_for_function(f"() => ({BOUNDARY_COLORS})() > 2")
    page.get_by_test_id("show-test").uncheck()
    expect(page.get_by_test_id("show-test")).not_to_be_checked()
    page.get_by_test_id("boundary").hover()
    readout = page.get_by_test_id("boundary-readout")
    expect(readout).to_be_visible()
    number = r"-?[\d.]+"
    prediction = rf"x₁ = {number}, x₂ = {number} · P\(class 1\) = [01]\.\d\d"
    expect(readout).to_contain_text(re.compile(prediction))

    presenter = page.get_by_test_id("presenter")
    presenter.click()
    expect(presenter).to_have_attribute("aria-pressed", "true")
    expect(page.locator("body")).to_have_class(re.compile(r"\bpresenter\b"))
    presenter.click()
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bpresenter\b"))


def test_output_colors_follow_the_task(app: App) -> None:
    page = app.open("?dataset=blobs&classes=3&hidden=4:tanh")
    legend = page.get_by_test_id("output-legend")
    expect(legend.locator(".swatch")).to_have_count(3)
    expect(page.get_by_test_id("output-2")).to_be_visible()
    expect(page.get_by_test_id("accuracy-train")).to_be_visible()

    page.get_by_test_id("dataset-plane").click()
    expect(legend.locator(".legend-bar")).to_be_visible()
    expect(legend.locator(".swatch")).to_have_count(0)
    expect(page.get_by_test_id("output-1")).to_have_count(0)
    expect(page.get_by_test_id("accuracy-train")).to_be_hidden()


def test_divergence_is_shown_at_the_learning_rate_and_reset_recovers(app: App) -> None:
    page = app.open("?dataset=circle&hidden=8:relu,8:relu&lr=10&out=linear&loss=mse&batch=1")
    page.get_by_test_id("play-pause").click()
    error = page.get_by_test_id("error")
    expect(error).to_contain_text("diverged")
    expect(error).to_have_attribute("data-code", "diverged")
    expect(page.get_by_test_id("learning-rate")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("play-pause")).to_have_attribute("aria-pressed", "false")

    page.get_by_test_id("learning-rate").select_option("0.001")
    page.get_by_test_id("reset").click()
    expect(error).to_be_hidden()
    expect(page.get_by_test_id("epoch")).to_have_text("0")


def test_frames_without_the_slow_fields_keep_the_last_ones_seen(app: App) -> None:
    app.open()
    headers = app.page.evaluate(
        """async () => {
          const { frameReader } = await import('/frame.js');
          const encode = (header) => {
            const text = new TextEncoder().encode(JSON.stringify({ ...header, arrays: [] }));
            const buffer = new ArrayBuffer(4 + text.length);
            new DataView(buffer).setUint32(0, text.length, true);
            new Uint8Array(buffer, 4).set(text);
            return buffer;
          };
          const read = frameReader();
          const full = { seq: 1, dead: { 1: [2] }, dead_since: { 1: { 2: 5 } },
                         diagnostics: { layers: {} }, coach: [{ code: 'dead_relu' }],
                         collapse: false };
          return [read(encode(full)), read(encode({ seq: 2 })),
                  read(encode({ seq: 3, dead: {}, coach: [] })), read(encode({ seq: 4 })),
                  frameReader()(encode({ seq: 5 }))].map((f) => f.header);
        }"""
    )
    assert headers[1]["dead"] == {"1": [2]} and headers[1]["coach"] == [{"code": "dead_relu"}]
    assert headers[3]["dead"] == {} and headers[3]["coach"] == []
    assert headers[3]["dead_since"] == {"1": {"2": 5}} and headers[3]["collapse"] is False
    assert "dead" not in headers[4]  # a new connection starts from nothing
