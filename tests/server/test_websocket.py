"""The websocket protocol through Starlette's TestClient: one session per connection."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from server import __version__, limits
from tests.server.conftest import Peer, peer_on_app


def test_hello_comes_first_with_limits_catalog_and_default_config(client: TestClient) -> None:
    with client.websocket_connect("/ws") as ws:
        peer = Peer(ws)
        hello = peer.receive()
        assert hello["type"] == "hello" and hello["protocol"] == 2
        assert hello["version"] == __version__
        assert hello["session"]
        assert hello["limits"]["max_hidden_layers"] == limits.MAX_HIDDEN_LAYERS
        assert "tanh" in hello["catalog"]["activations"]
        config = hello["config"]
        assert config["dataset"]["name"] == "circle"
        assert [h["units"] for h in config["hidden"]] == [4, 4]
        assert config["optimizer"]["learning_rate"] == 0.03
        assert config["output"]["resolved_activation"] == "sigmoid"
        assert config["output"]["resolved_loss"] == "bce"
        data = peer.receive()
        assert data["type"] == "data" and data["task"] == "binary"
        assert len(data["train"]["x1"]) == 250 and len(data["validation"]["x1"]) == 100
        status = peer.receive()
        assert status == {"type": "status", "id": None, "state": "paused", "epoch": 0,
                          "message": None, "stopped_epoch": None}
        frame = peer.receive()
        assert frame["type"] == "frame" and frame["header"]["epoch"] == 0
        assert frame["arrays"]["output"].shape == (1, 100, 100)
        assert frame["arrays"]["neurons/1"].shape == (4, 16, 16)
        assert frame["arrays"]["W/1"].shape == (4, 2)


def test_configure_merges_a_partial_config_and_keeps_weights(peer: Peer) -> None:
    before = peer.request("export", "export")["data"]
    reply = peer.request("configure", "config", config={"optimizer": {"learning_rate": 0.1}})
    assert reply["config"]["optimizer"]["learning_rate"] == 0.1
    assert reply["config"]["optimizer"]["batch_size"] == 10
    assert reply["config"]["hidden"] == before["config"]["hidden"]
    after = peer.request("export", "export")["data"]
    assert after["model"] == before["model"]


def test_architecture_change_rebuilds_the_network(peer: Peer) -> None:
    peer.request("step", "status", epochs=3)
    reply = peer.request("configure", "config",
                         config={"hidden": [{"units": 3, "activation": "relu"}]})
    assert reply["config"]["hidden"] == [{"units": 3, "activation": "relu", "batch_norm": False}]
    status = peer.until("status")
    assert status["epoch"] == 0
    frame = peer.until("frame")
    assert frame["arrays"]["W/1"].shape == (3, 2)
    assert "neurons/2" not in frame["arrays"]


def test_play_streams_frames_whose_loss_falls(peer: Peer) -> None:
    start = peer.frames[0]["header"]  # the session's first frame, at epoch 0
    peer.send(type="play")
    assert peer.until("status")["state"] == "playing"
    first = peer.until("frame")["header"]
    frame = peer.until("frame")["header"]
    while frame["epoch"] < 150:
        frame = peer.until("frame")["header"]
    assert frame["state"] == "playing"
    assert frame["seq"] > first["seq"] > start["seq"]
    # Compared with epoch 0, not with the play's first frame: the epoch that one shows
    # depends on how fast the machine trains (one slice may run through the steep part).
    assert frame["metrics"]["train_loss"] < 0.5 * start["metrics"]["train_loss"]
    peer.request("pause", "status")


def test_pause_is_acknowledged_and_stops_frames(peer: Peer) -> None:
    peer.send(type="play")
    while peer.until("frame")["header"]["epoch"] < 20:
        pass
    status = peer.request("pause", "status")
    assert status["state"] == "paused"
    # At most one more frame, showing exactly the paused epoch; then nothing until we ask.
    peer.send(type="export", id="after")
    message = peer.receive()
    if message["type"] == "frame":
        assert message["header"]["epoch"] == status["epoch"]
        message = peer.receive()
    assert message["type"] == "export" and message["id"] == "after"
    assert message["data"]["epoch"] == status["epoch"]


def test_step_advances_exactly_n_epochs(peer: Peer) -> None:
    status = peer.request("step", "status", epochs=7)
    assert (status["state"], status["epoch"]) == ("paused", 7)
    # The step's own frame comes right before its status.
    assert peer.frames[-1]["header"]["epoch"] == 7
    assert peer.request("step", "status", epochs=5)["epoch"] == 12
    assert peer.request("step", "status")["epoch"] == 13
    assert peer.frames[-1]["header"]["epoch"] == 13


def test_reset_starts_again_from_epoch_zero(peer: Peer) -> None:
    first = peer.request("export", "export")["data"]["model"]
    peer.request("step", "status", epochs=4)
    assert peer.request("reset", "status")["epoch"] == 0
    assert peer.until("frame")["header"]["epoch"] == 0
    # Same config, same seed: the same initial weights.
    assert peer.request("export", "export")["data"]["model"] == first


def test_set_weight_changes_one_weight_and_sends_a_frame(peer: Peer) -> None:
    peer.send(type="set_weight", layer=1, row=2, col=1, value=0.75)
    frame = peer.until("frame")
    assert frame["arrays"]["W/1"][2, 1] == pytest.approx(0.75)
    peer.send(type="set_weight", layer=2, row=0, bias=True, value=-0.5)
    assert peer.until("frame")["arrays"]["b/2"][0, 0] == pytest.approx(-0.5)


def test_revive_leaky_switches_relu_layers_to_leaky_and_keeps_the_weights(peer: Peer) -> None:
    peer.request("configure", "config", config={
        "hidden": [{"units": 4, "activation": "relu"}, {"units": 2, "activation": "tanh"}]})
    peer.request("step", "status", epochs=5)
    before = peer.request("export", "export")["data"]
    reply = peer.request("revive", "config", rule="leaky")
    assert [h["activation"] for h in reply["config"]["hidden"]] == ["leaky_relu", "tanh"]
    assert peer.until("status")["epoch"] == 5
    after = peer.request("export", "export")["data"]
    assert after["model"]["W"] == before["model"]["W"]
    assert after["model"]["b"] == before["model"]["b"]
    error = peer.request("revive", "error", rule="leaky")
    assert error["code"] == "not_applicable" and error["field"] == "config.hidden"


DEAD_RELU = {"dataset": {"name": "circle", "points": 300}, "init": "he",
             "hidden": [{"units": 8, "activation": "relu"}, {"units": 8, "activation": "relu"}],
             "optimizer": {"learning_rate": 1.5}}


def test_dead_since_is_the_epoch_each_neuron_died_whatever_the_steps(client: TestClient) -> None:
    """A step of 100 epochs and the same run in steps of 1, 2, 3... report the same epochs."""
    seen = []
    for sizes in ([100], [1, 2, 3, 4, 90]):
        with client.websocket_connect("/ws") as ws:
            p = Peer(ws)
            p.until("frame")
            p.request("configure", "config", config=DEAD_RELU)
            for epochs in sizes:
                p.request("step", "status", epochs=epochs)
            header = p.frames[-1]["header"]
            assert header["epoch"] == 100
            seen.append(header["dead_since"])
    assert seen[0] == seen[1] and seen[0]
    # Not the epoch of the frame that noticed: deaths at epochs of their own, before 100.
    assert all(e < 100 for layer in seen[0].values() for e in layer.values())


def test_revive_redraws_the_dead_neurons_and_lowers_the_learning_rate(peer: Peer) -> None:
    peer.request("configure", "config", config=DEAD_RELU)
    peer.request("step", "status", epochs=100)
    dead = peer.frames[-1]["header"]["dead"]
    assert dead
    before = peer.request("export", "export")["data"]["model"]
    reply = peer.request("revive", "config")
    assert [h["activation"] for h in reply["config"]["hidden"]] == ["relu", "relu"]
    assert reply["config"]["optimizer"]["learning_rate"] == pytest.approx(0.15)
    assert peer.until("status")["epoch"] == 100
    frame = peer.until("frame")
    assert not frame["header"]["dead"]  # every re-drawn neuron is active on some points
    after = peer.request("export", "export")["data"]["model"]
    for key, js in dead.items():
        layer = int(key)
        W, W_next = np.array(after["W"][layer - 1]), np.array(after["W"][layer])
        above = dead.get(str(layer + 1), [])
        outside = [k for k in range(W_next.shape[0]) if k not in above]
        for j in js:
            assert (W[j] != np.array(before["W"][layer - 1])[j]).all()
            assert not W_next[outside, j].any()  # the output is unchanged at that moment
        # Every other weight is kept (but those from a re-drawn neuron below, now 0).
        alive = [j for j in range(W.shape[0]) if j not in js]
        kept = [k for k in range(W.shape[1]) if k not in dead.get(str(layer - 1), [])]
        np.testing.assert_array_equal(W[np.ix_(alive, kept)],
                                      np.array(before["W"][layer - 1])[np.ix_(alive, kept)])


BAD_MESSAGES: list[tuple[str, str, str | None]] = [
    ("{not json", "bad_json", None),
    ("[1, 2]", "bad_json", None),
    ('{"type": "fly"}', "unknown_type", "type"),
    ('{"id": 5}', "unknown_type", "type"),
    ('{"type": "play", "speed": 3}', "invalid", "speed"),
    ('{"type": "step", "epochs": 0}', "invalid", "epochs"),
    ('{"type": "step", "epochs": "many"}', "invalid", "epochs"),
    ('{"type": "configure", "config": {"hidden": [{"units": 65}]}}', "invalid",
     "config.hidden.0.units"),
    ('{"type": "configure", "config": {"hidden": [{"units": 9}, {"units": 2}]}}', "invalid",
     "config.hidden"),
    ('{"type": "configure", "config": {"hidden": [{"units": 2}, {"units": 2}, {"units": 2}, '
     '{"units": 2}, {"units": 2}, {"units": 2}, {"units": 2}]}}', "invalid", "config.hidden"),
    ('{"type": "configure", "config": {"hidden": [{"activation": "softmax"}]}}', "invalid",
     "config.hidden.0.activation"),
    ('{"type": "configure", "config": {"optimizer": {"learning_rate": 0}}}', "invalid",
     "config.optimizer.learning_rate"),
    ('{"type": "configure", "config": {"optimizer": {"learning_rate": -1}}}', "invalid",
     "config.optimizer.learning_rate"),
    ('{"type": "configure", "config": {"optimizer": {"learning_rate": NaN}}}', "invalid",
     "config.optimizer.learning_rate"),
    ('{"type": "configure", "config": {"optimizer": {"learning_rate": Infinity}}}', "invalid",
     "config.optimizer.learning_rate"),
    ('{"type": "configure", "config": {"optimizer": {"name": "rmsprop"}}}', "invalid",
     "config.optimizer.name"),
    ('{"type": "configure", "config": {"view": {"resolution": 5000}}}', "invalid",
     "config.view.resolution"),
    ('{"type": "configure", "config": {"dataset": {"points": 100000}}}', "invalid",
     "config.dataset.points"),
    ('{"type": "configure", "config": {"dataset": {"name": "mnist"}}}', "invalid",
     "config.dataset.name"),
    ('{"type": "configure", "config": {"dataset": {"validation_fraction": 0.6}}}', "invalid",
     "config.dataset.validation_fraction"),
    ('{"type": "configure", "config": {"dataset": {"name": "custom"}}}', "not_applicable",
     "config.dataset.name"),
    ('{"type": "configure", "config": {"features": []}}', "invalid", "config.features"),
    ('{"type": "configure", "config": {"features": ["x1", "x1"]}}', "invalid",
     "config.features"),
    ('{"type": "configure", "config": {"colour": "red"}}', "invalid", "config.colour"),
    ('{"type": "set_weight", "layer": 9, "row": 0, "col": 0, "value": 1}', "invalid", "layer"),
    ('{"type": "set_weight", "layer": 1, "row": 0, "value": 1}', "invalid", "col"),
    ('{"type": "set_weight", "layer": 1, "row": 0, "col": 7, "value": 1}', "invalid", "col"),
    ('{"type": "add_points", "points": [[0, 0, 7]]}', "bad_data", "points"),
    ('{"type": "add_points", "csv": "x1,x2,label\\n1,2,oops"}', "bad_data", "csv"),
    ('{"type": "import", "data": {"config": {}}}', "invalid", "data.model"),
]


def test_every_bad_input_gets_an_error_and_changes_nothing(peer: Peer) -> None:
    before = peer.request("export", "export")["data"]
    for n, (text, code, field) in enumerate(BAD_MESSAGES):
        if text.startswith("{") and '"type"' in text and "NaN" not in text \
                and "Infinity" not in text:
            raw = json.loads(text)
            raw["id"] = n
            text = json.dumps(raw)
        peer.ws.send_text(text)
        error = peer.until("error")
        assert set(error) == {"type", "id", "code", "message", "field"}, text
        assert (error["code"], error["field"]) == (code, field), (text, error)
        assert error["message"], text
        if '"type"' in text and "NaN" not in text and "Infinity" not in text \
                and error["code"] != "bad_json":
            assert error["id"] == n, text
    assert peer.request("export", "export")["data"] == before
    # The session still works.
    assert peer.request("step", "status", epochs=2)["epoch"] == 2


def test_a_message_over_the_size_limit_is_refused(peer: Peer) -> None:
    peer.ws.send_text(json.dumps({"type": "add_points", "csv": "1,1,1\n" * 200_000}))
    error = peer.until("error")
    assert error["code"] == "too_large"
    assert peer.request("step", "status")["epoch"] == 1


def test_divergence_pauses_with_advice_and_reset_recovers(peer: Peer) -> None:
    peer.request("configure", "config", config={
        "dataset": {"name": "plane"},
        "hidden": [{"units": 8, "activation": "relu"}] * 3,
        "optimizer": {"learning_rate": 10, "batch_size": 1},
    })
    assert peer.until("status")["epoch"] == 0
    assert peer.request("play", "status")["state"] == "playing"
    status = peer.until("status")
    assert status["state"] == "diverged"
    assert "learning rate" in status["message"]
    assert peer.request("play", "error")["code"] == "not_applicable"
    peer.request("configure", "config", config={"optimizer": {"learning_rate": 0.01}})
    status = peer.request("reset", "status")
    assert (status["state"], status["epoch"], status["message"]) == ("paused", 0, None)
    assert peer.request("step", "status", epochs=3)["state"] == "paused"


def test_export_then_import_restores_everything_bit_exactly(client: TestClient,
                                                            peer: Peer) -> None:
    peer.request("configure", "config", config={
        "dataset": {"name": "spiral", "noise": 0.2, "classes": 3},
        "hidden": [{"units": 5, "activation": "relu"}], "optimizer": {"name": "adam"}})
    peer.request("step", "status", epochs=25)
    exported = peer.request("export", "export")["data"]
    with client.websocket_connect("/ws") as ws:
        other = Peer(ws)
        other.until("frame")
        other.send(type="import", id="i", data=exported)
        config = other.until("config")
        assert config["config"] == exported["config"]
        assert other.until("data")["classes"] == 3
        assert other.until("status")["epoch"] == 25
        again = other.request("export", "export")["data"]
    assert again == exported
    assert json.dumps(again["model"]) == json.dumps(exported["model"])


def test_a_batch_normalized_network_exports_and_imports_its_gamma_beta_and_statistics(
        client: TestClient, peer: Peer) -> None:
    peer.request("configure", "config", config={"hidden": [
        {"units": 4, "activation": "sigmoid", "batch_norm": True},
        {"units": 3, "activation": "tanh"}]})
    peer.request("step", "status", epochs=5)
    inspected = peer.request("inspect", "inspection", sample_limit=4)["layers"]
    assert inspected[0]["batch_norm"]["Z_tilde"]["shape"] == [4, 4]
    assert inspected[0]["batch_norm"]["dgamma"]["shape"] == [4, 1]
    assert inspected[1]["batch_norm"] is None
    exported = peer.request("export", "export")["data"]
    first, second, output = exported["model"]["batch_norm"]
    assert second is None and output is None
    assert first["gamma"] != [1.0] * 4 and first["running_var"] != [1.0] * 4
    with client.websocket_connect("/ws") as ws:
        other = Peer(ws)
        other.until("frame")
        other.send(type="import", id="i", data=exported)
        assert other.until("config")["config"] == exported["config"]
        again = other.request("export", "export")["data"]
    assert json.dumps(again["model"]) == json.dumps(exported["model"])
    del exported["model"]["batch_norm"]
    error = peer.request("import", "error", data=exported)
    assert (error["code"], error["field"]) == ("bad_data", "data.model.batch_norm.0")


def test_an_export_from_before_batch_normalization_still_imports(peer: Peer) -> None:
    peer.request("step", "status", epochs=3)
    exported = peer.request("export", "export")["data"]
    del exported["model"]["batch_norm"]
    for layer in exported["config"]["hidden"]:
        del layer["batch_norm"]
    peer.send(type="import", id="i", data=exported)
    assert peer.until("status")["epoch"] == 3
    again = peer.request("export", "export")["data"]
    assert again["model"]["W"] == exported["model"]["W"]


def test_import_without_points_regenerates_a_generated_dataset(client: TestClient,
                                                              peer: Peer) -> None:
    peer.request("configure", "config", config={"dataset": {"name": "xor", "points": 100}})
    peer.request("step", "status", epochs=5)
    exported = peer.request("export", "export")["data"]
    with client.websocket_connect("/ws") as ws:
        other = Peer(ws)
        other.until("frame")
        other.send(type="import", id="i", data={**exported, "data": None})
        assert other.until("status")["epoch"] == 5
        again = other.request("export", "export")["data"]
    assert again == exported


def test_import_of_custom_data_without_points_is_refused(peer: Peer) -> None:
    exported = peer.request("export", "export")["data"]
    exported["config"]["dataset"]["name"] = "custom"
    error = peer.request("import", "error", data={**exported, "data": None})
    assert (error["code"], error["field"]) == ("bad_data", "data.data.points")


def test_import_with_a_wrongly_shaped_weight_names_the_field(peer: Peer) -> None:
    exported = peer.request("export", "export")["data"]
    exported["model"]["W"][1] = [[0.0, 1.0, 2.0]]
    error = peer.request("import", "error", data=exported)
    assert error["code"] == "bad_data"
    assert error["field"] == "data.model.W.1"


def test_add_points_switches_to_custom_data(peer: Peer) -> None:
    points = [[1, 1, 1], [2, 2, 1], [-1, -1, 0], [-2, -2, 0], [1, -2, 0], [-2, 1, 1]]
    peer.send(type="add_points", points=points, replace=True)
    assert peer.until("config")["config"]["dataset"]["name"] == "custom"
    assert count(peer.until("data")) == 6
    peer.send(type="add_points", csv="x1,x2,label\n3,3,1\n-3,-3,0\n")
    assert count(peer.until("data")) == 8
    # Back to a generated set: its own number of points again.
    peer.send(type="configure", config={"dataset": {"name": "circle"}})
    assert count(peer.until("data")) == 500


def count(data: dict[str, Any]) -> int:
    return sum(len(data[part]["x1"]) for part in ("train", "validation", "test"))


def test_inspect_shows_one_forward_and_backward_pass(peer: Peer) -> None:
    peer.request("configure", "config", config={"dataset": {"name": "student"}})
    reply = peer.request("inspect", "inspection", sample_limit=4)
    assert reply["X"]["shape"] == [2, 2]  # half of the four students train
    layers = reply["layers"]
    assert [layer["l"] for layer in layers] == [1, 2, 3]
    assert layers[0]["W"]["shape"] == [4, 2] and layers[0]["dW"]["shape"] == [4, 2]
    assert layers[2]["A"]["shape"] == [1, 2]


def test_time_forward_times_the_loop_and_the_vectorized_pass_on_the_same_outputs(
        peer: Peer) -> None:
    reply = peer.request("time_forward", "forward_timing")
    assert reply["examples"] == 250  # the default 500 points, half of them to train
    assert reply["loop_ms"] > 0 and reply["vectorized_ms"] > 0
    assert reply["max_difference"] <= 1e-12


def test_one_hidden_layer_may_be_wide_two_may_not(peer: Peer) -> None:
    """The universal approximation lesson's single layer of 64 units trains like any other."""
    wide = [{"units": limits.MAX_WIDE_UNITS, "activation": "tanh"}]
    config = peer.request("configure", "config", config={"hidden": wide})["config"]
    assert config["hidden"][0]["units"] == limits.MAX_WIDE_UNITS
    assert peer.request("step", "status", epochs=2)["epoch"] == 2
    error = peer.request("configure", None, config={"hidden": [*wide, {"units": 2}]})
    assert (error["type"], error["field"]) == ("error", "config.hidden")
    assert "one hidden layer alone may have up to 64" in error["message"]


def test_linear_hidden_layers_send_the_collapsed_boundary(peer: Peer) -> None:
    peer.request("configure", "config", config={
        "hidden": [{"units": 3, "activation": "linear"}, {"units": 2, "activation": "linear"}]})
    frame = peer.until("frame")
    assert frame["header"]["collapse"] is True
    arrays: dict[str, Any] = frame["arrays"]
    # Both grids are quantized to 1/255; they agree to that precision.
    assert np.abs(arrays["collapse_output"] - arrays["output"]).max() <= 1 / 255 + 1e-9


def test_largest_network_frame_fits_in_32_kb(peer: Peer) -> None:
    peer.request("configure", "config", config={
        "dataset": {"name": "spiral"}, "hidden": [{"units": 8, "activation": "tanh"}] * 6})
    peer.request("step", "status", epochs=2)
    frame = peer.frames[-1]
    assert frame["header"]["epoch"] == 2
    assert len(frame["header"]["diagnostics"]["layers"]) == 6
    assert frame["size"] <= 32 * 1024


def test_the_wide_layer_frame_fits_in_32_kb_too(peer: Peer) -> None:
    """One hidden layer of 64 neurons (the universal approximation lesson): 64 neuron pictures
    and a 64 x 1 matrix (28.7 KB at default settings, against 32 KB for six layers of 8)."""
    peer.request("configure", "config", config={
        "dataset": {"name": "curve"}, "features": ["x1"],
        "hidden": [{"units": limits.MAX_WIDE_UNITS, "activation": "tanh"}]})
    peer.request("step", "status", epochs=2)
    frame = peer.frames[-1]
    assert frame["header"]["epoch"] == 2
    assert frame["size"] <= 32 * 1024


def test_refused_origin_cannot_open_the_websocket(client: TestClient) -> None:
    with pytest.raises(WebSocketDisconnect) as refused, \
            client.websocket_connect("/ws", headers={"origin": "http://evil.example"}):
        pass
    assert refused.value.code == 1008


def test_the_pages_own_origin_may_connect(client: TestClient) -> None:
    with client.websocket_connect("/ws", headers={"origin": "http://testserver"}) as ws:
        assert Peer(ws).receive()["type"] == "hello"


def test_allowed_origin_setting_lets_another_origin_connect(settings: Any) -> None:
    with peer_on_app(settings, headers={"origin": "http://localhost:5173"},
                     allowed_origins=("http://localhost:5173",)) as peer:
        assert peer.receive()["type"] == "hello"


def test_closing_the_socket_ends_the_session(client: TestClient) -> None:
    with client.websocket_connect("/ws") as ws:
        peer = Peer(ws)
        peer.until("frame")
        peer.request("play", "status")
        assert client.get("/health").json()["sessions"] == 1
    assert client.get("/health").json()["sessions"] == 0


def test_pause_interrupts_a_long_step(peer: Peer) -> None:
    peer.send(type="step", epochs=limits.MAX_STEP_EPOCHS)
    while peer.until("frame")["header"]["epoch"] < 1:  # the step is under way
        pass
    status = peer.request("pause", "status")
    assert status["state"] == "paused"
    assert 0 < status["epoch"] < limits.MAX_STEP_EPOCHS
    assert peer.request("export", "export")["data"]["epoch"] == status["epoch"]


def test_slow_motion_trains_at_most_the_requested_pace(peer: Peer) -> None:
    import time

    peer.request("configure", "config", config={"view": {"epochs_per_second": 20}})
    started = time.monotonic()
    peer.request("play", "status")
    epoch = 0
    while epoch < 3:
        epoch = peer.until("frame")["header"]["epoch"]
    status = peer.request("pause", "status")
    elapsed = time.monotonic() - started
    # A pace is an upper bound: a busy machine may be slower, never faster (+1 for rounding).
    assert status["epoch"] <= 20 * elapsed + 1


def test_multiclass_output_has_one_grid_per_class(peer: Peer) -> None:
    peer.request("configure", "config", config={"dataset": {"name": "blobs", "classes": 4}})
    frame = peer.until("frame")
    assert frame["arrays"]["output"].shape == (4, 100, 100)
    config = peer.request("configure", "config", config={})["config"]
    assert config["output"]["resolved_activation"] == "softmax"
    assert config["output"]["resolved_loss"] == "cce"


@pytest.fixture
def threaded_peer(settings: Any) -> Any:
    """Every epoch runs in a worker thread, as the longest epochs do."""
    with peer_on_app(settings, thread_epochs_above=0.0) as peer:
        peer.until("frame")
        yield peer


def test_epochs_in_a_worker_thread_step_exactly_and_pause(threaded_peer: Peer) -> None:
    peer = threaded_peer
    assert peer.request("step", "status", epochs=6)["epoch"] == 6
    assert peer.frames[-1]["header"]["epoch"] == 6
    peer.request("play", "status")
    while peer.until("frame")["header"]["epoch"] < 20:
        pass
    status = peer.request("pause", "status")
    assert status["state"] == "paused"
    exported = peer.request("export", "export")["data"]
    # A threaded epoch may finish after the pause: a second status then tells its epoch.
    assert exported["epoch"] in (status["epoch"], status["epoch"] + 1)
