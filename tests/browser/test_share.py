"""Saving and sharing a trained model: the session file and the link with weights."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import App

QUERY = "?dataset=xor&hidden=3:tanh&lr=0.1&seed=4"


def train(app: App, epochs: int) -> None:
    """Steps one epoch at a time, each confirmed before the next."""
    for epoch in range(1, epochs + 1):
        app.page.get_by_test_id("step").click()
        app.wait(f"s => s.frame.header.epoch === {epoch} && s.status.epoch === {epoch}")
    app.wait(f"s => s.status.state === 'paused' && s.frame.header.epoch === {epochs}")


def open_menu(app: App) -> None:
    if not app.page.get_by_test_id("model-download").is_visible():
        app.page.get_by_test_id("share-menu").click()
    expect(app.page.get_by_test_id("model-download")).to_be_visible()


def download(app: App, tmp_path: Path) -> tuple[Path, dict]:
    page = app.page
    open_menu(app)
    with page.expect_download() as info:
        page.get_by_test_id("model-download").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path, json.loads(path.read_text())


def test_download_then_open_restores_the_same_weights_and_epoch(app: App, tmp_path: Path) -> None:
    page = app.open(QUERY)
    train(app, 5)
    path, saved = download(app, tmp_path)
    assert saved["format"] == "nn-playground"
    assert saved["epoch"] == 5
    assert [row["epoch"] for row in saved["history"]][-1] == 5

    page.get_by_test_id("reset").click()
    app.wait("s => s.frame.header.epoch === 0")
    page.get_by_test_id("model-open").set_input_files(str(path))
    app.wait("s => s.frame.header.epoch === 5 && s.status.state === 'paused'")
    expect(page.get_by_test_id("share-message")).to_contain_text("epoch 5")
    assert app.probe("s => s.history.length") >= 5

    _, again = download(app, tmp_path)
    assert again["model"] == saved["model"]
    assert again["epoch"] == 5
    assert again["data"] == saved["data"]


def test_a_bad_session_file_is_reported(app: App, tmp_path: Path) -> None:
    page = app.open(QUERY)
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}')
    open_menu(app)
    page.get_by_test_id("model-open").set_input_files(str(bad))
    expect(page.get_by_test_id("share-message")).to_contain_text("Not a session file")


def test_the_link_with_weights_restores_the_trained_state(app: App, tmp_path: Path) -> None:
    page = app.open(QUERY + "&discretize=1")
    train(app, 4)
    _, saved = download(app, tmp_path)
    open_menu(app)
    page.get_by_test_id("copy-link-weights").click()
    link = page.get_by_test_id("share-link")
    expect(link).to_be_visible()
    url = link.input_value()
    assert "#model=" in url and "discretize=1" in url
    assert len(url) < 8000

    page.goto("about:blank")
    page.goto(url)
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    app.wait("s => s.frame && s.frame.header.epoch === 4")
    expect(page.get_by_test_id("discretize")).to_be_checked()
    page.wait_for_function("() => !location.hash")
    # The page says what the link did, where it can be seen.
    expect(page.get_by_test_id("share-message")).to_be_visible()
    expect(page.get_by_test_id("share-message")).to_have_text("Restored from the link: epoch 4.")
    _, restored = download(app, tmp_path)
    assert restored["model"] == saved["model"]
    assert restored["epoch"] == 4


def test_a_session_too_large_for_a_link_says_so(app: App, tmp_path: Path) -> None:
    page = app.open(QUERY)
    path, saved = download(app, tmp_path)
    # Custom points travel in the link: a thousand of them make it too long.
    saved["config"]["dataset"]["name"] = "custom"
    rng = random.Random(1)
    saved["data"]["points"] = [
        [rng.uniform(-5, 5), rng.uniform(-5, 5), i % 2] for i in range(1000)
    ]
    path.write_text(json.dumps(saved))
    page.get_by_test_id("model-open").set_input_files(str(path))
    app.wait("s => s.config.dataset.name === 'custom'")
    open_menu(app)
    page.get_by_test_id("copy-link-weights").click()
    expect(page.get_by_test_id("share-message")).to_contain_text("too large for a link")
    expect(page.get_by_test_id("share-link")).to_be_hidden()


def test_view_toggles_are_carried_in_the_link(app: App) -> None:
    page = app.open(QUERY + "&test=0&presenter=1")
    expect(page.get_by_test_id("show-test")).not_to_be_checked()
    expect(page.get_by_test_id("presenter")).to_have_attribute("aria-pressed", "true")
    page.get_by_test_id("discretize").check()
    page.wait_for_function("() => location.search.includes('discretize=1')")
    page.get_by_test_id("show-test").check()
    page.wait_for_function("() => !location.search.includes('test=')")


def test_export_numpy_downloads_a_script_that_reproduces_the_page(app: App,
                                                                    tmp_path: Path) -> None:
    page = app.open(QUERY)
    train(app, 3)
    open_menu(app)
    with page.expect_download() as info:
        page.get_by_test_id("export-numpy").click()
    assert info.value.suggested_filename == "nn-playground-xor-epoch-3.py"
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    expect(page.get_by_test_id("share-message")).to_contain_text("NumPy code")
    code = path.read_text()
    assert "#   dataset: xor" in code and "#   epoch reached: 3" in code
    assert "learning rate 0.1" in code
    # The script's accuracy on the training points is the one the page reports.
    result = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                            timeout=60, check=True)
    train_line = result.stdout.splitlines()[0]  # "train: accuracy 0.9240 on 250 points"
    words = train_line.split()
    accuracy, points = float(words[2]), int(words[4])
    shown = app.probe("s => s.frame.header.metrics.train_accuracy")
    # The page's metrics run in float32: a point within 1e-7 of ŷ = 0.5 may land either side.
    assert abs(accuracy - shown) <= 1 / points + 1e-4, (train_line, shown)


def test_export_keras_downloads_a_keras_script(app: App, tmp_path: Path) -> None:
    page = app.open(QUERY)
    train(app, 1)
    open_menu(app)
    with page.expect_download() as info:
        page.get_by_test_id("export-keras").click()
    assert info.value.suggested_filename == "nn-playground-xor-epoch-1-keras.py"
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert "keras.Sequential" in path.read_text()


def test_a_session_the_server_refuses_is_never_said_restored(app: App, tmp_path: Path) -> None:
    """A file or a link whose epoch no real run reaches: the server refuses the import, and
    the page says so instead of "Opened" or "Restored"."""
    page = app.open(QUERY)
    train(app, 2)
    path, saved = download(app, tmp_path)
    saved["epoch"] = 10**12
    path.write_text(json.dumps(saved))
    page.get_by_test_id("model-open").set_input_files(str(path))
    message = page.get_by_test_id("share-message")
    expect(message).to_contain_text("Not a session file")
    expect(message).to_contain_text("data.epoch")

    linked = {key: value for key, value in saved.items() if key not in ("data", "history")}
    encoded = page.evaluate(
        "async (payload) => (await import('/share.js')).encodeModel(payload)", linked)
    page.goto("about:blank")
    page.goto(f"{app.server.url}/{QUERY}#model={encoded}")
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    expect(page.get_by_test_id("share-message")).to_contain_text("could not be read")
    expect(page.get_by_test_id("share-message")).not_to_contain_text("Restored")
