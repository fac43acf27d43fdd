"""HTTP routes: health, catalog, schema, and the static front end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from server import names, protocol
from server.schema import render

ROOT = Path(__file__).resolve().parents[2]


def test_health_answers_ok(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "protocol": 2, "sessions": 0, "rooms": "memory"}


def test_catalog_lists_every_registry_key_limit_and_default(client: TestClient) -> None:
    catalog = client.get("/api/catalog").json()
    assert catalog["activations"] == list(names.ACTIVATIONS)
    assert "softmax" not in catalog["hidden_activations"]
    assert catalog["losses"] == list(names.LOSSES)
    assert catalog["initializers"] == list(names.INITIALIZERS)
    assert [o["name"] for o in catalog["optimizers"]] == list(names.OPTIMIZERS)
    assert [d["name"] for d in catalog["datasets"]] == list(names.DATASETS)
    assert [f["name"] for f in catalog["features"]] == list(names.FEATURES)
    assert catalog["limits"]["max_units"] == 8 and catalog["limits"]["max_points"] == 5000
    assert catalog["limits"]["max_wide_units"] == 64
    assert catalog["defaults"]["dataset"]["train_fraction"] == 0.5


def test_schema_endpoint_publishes_every_message(client: TestClient) -> None:
    schema = client.get("/api/schema").json()
    client_types = set(schema["client_message"]["discriminator"]["mapping"])
    assert client_types == set(protocol.CLIENT_MESSAGES)
    server_types = set(schema["server_message"]["discriminator"]["mapping"])
    assert server_types == {"hello", "config", "data", "status", "error", "export", "inspection",
                            "forward_timing", "search_trial", "search_progress", "room_created",
                            "room_joined",
                            "room_left", "room_ack", "room_gallery", "room_leaderboard",
                            "room_event", "room_spotlight", "room_push", "room_state",
                            "room_closed", "room_waiting", "room_record"}
    assert "FrameHeader" in schema["$defs"]


def test_published_schema_file_is_current() -> None:
    stored = (ROOT / "docs" / "protocol.schema.json").read_text()
    assert stored == render(), (
        "docs/protocol.schema.json is stale: run "
        "`python -m server.schema > docs/protocol.schema.json`"
    )


def _fields(model: Any, prefix: str = "") -> list[str]:
    """Every field of a model as a dotted path; list items as `name[].field`."""
    out = []
    for name, info in model.model_fields.items():
        out.append(prefix + name)
        annotation = info.annotation
        args = getattr(annotation, "__args__", None) or ()
        for candidate in (annotation, *args):
            if isinstance(candidate, type) and issubclass(candidate, protocol.BaseModel):
                suffix = "[]." if args and getattr(annotation, "__origin__", None) is list else "."
                out += _fields(candidate, prefix + name + suffix)
    return out


def test_every_config_field_is_documented() -> None:
    doc = (ROOT / "docs" / "protocol.md").read_text()
    fields = _fields(protocol.Config)
    assert "hidden[].units" in fields and "view.epochs_per_second" in fields
    leaves = [f for f in fields if not any(g.startswith(f + ".") for g in fields)]
    missing = [f for f in leaves if f"| `{f}` |" not in doc]
    assert not missing, f"config fields missing from the table in docs/protocol.md: {missing}"


def test_every_message_type_and_error_code_is_documented() -> None:
    doc = (ROOT / "docs" / "protocol.md").read_text()
    for kind in [*protocol.CLIENT_MESSAGES, "hello", "config", "data", "status", "error",
                 "export", "inspection"]:
        assert f"`{kind}`" in doc, kind
    for code in protocol.ErrorCode.__args__:
        assert f"`{code}`" in doc, code


def test_root_serves_the_page(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "NN Playground" in response.text


def test_static_files_have_the_right_types(client: TestClient) -> None:
    js = client.get("/main.js")
    assert js.status_code == 200
    assert js.headers["content-type"] == "text/javascript; charset=utf-8"
    assert client.get("/style.css").headers["content-type"].startswith("text/css")


def test_no_path_traversal_out_of_the_web_directory(client: TestClient) -> None:
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
                 "/static/../../secret.txt", "/%2e%2e%2fsecret.txt"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "not for the web" not in response.text


def test_unknown_file_is_404(client: TestClient) -> None:
    assert client.get("/nope.js").status_code == 404


def test_schema_file_is_valid_json() -> None:
    schema = json.loads((ROOT / "docs" / "protocol.schema.json").read_text())
    assert schema["title"].startswith("NN Playground websocket protocol")


def test_init_figure_serves_the_courses_three_rows_once_computed(client: TestClient) -> None:
    response = client.get("/api/init-figure")
    assert response.status_code == 200
    assert "max-age" in response.headers["cache-control"]
    figure = response.json()
    assert figure["network"]["sizes"] == [256, 500, 500, 500, 500]
    assert figure["range"] == [-1.0, 1.0] and figure["bins"] == 40
    assert [r["init"] for r in figure["rows"]] == ["zeros", "uniform_scaled", "xavier"]
    std = {r["init"]: [layer["std"] for layer in r["layers"]] for r in figure["rows"]}
    assert std["zeros"] == [0, 0, 0, 0]
    assert std["uniform_scaled"][-1] <= 0.5 * std["uniform_scaled"][0]
    assert std["xavier"][-1] >= 0.45 * std["xavier"][0]
    for r in figure["rows"]:
        for layer in r["layers"]:
            assert len(layer["counts"]) == 40 and sum(layer["counts"]) == 500 * 200
    assert len(response.content) < 12_000
    assert client.get("/api/init-figure").json() == figure


def test_zigzag_serves_the_cost_and_both_paths(client: TestClient) -> None:
    response = client.get("/api/zigzag?seed=3")
    assert response.status_code == 200
    drawing = response.json()
    assert drawing["seed"] == 3 and set(drawing["paths"]) == {"sigmoid", "tanh"}
    sigmoid = drawing["paths"]["sigmoid"]
    assert len(sigmoid["weights"]) == drawing["steps"] + 1
    assert len(sigmoid["cost"]) == len(sigmoid["cost"][0]) == drawing["grid"]
    assert sigmoid["same_sign_steps"] == 1.0 > drawing["paths"]["tanh"]["same_sign_steps"]
    assert client.get("/api/zigzag?seed=-1").status_code == 422
