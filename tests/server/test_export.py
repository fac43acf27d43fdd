"""A session as code: the NumPy script reproduces the playground's outputs to 1e-12, carries the
session's settings, is ruff-clean; `playground export` and the `export` message write it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from engine.activations import ACTIVATIONS
from engine.features import FEATURES, transform
from server import export, payloads, protocol
from server.export.common import FEATURE_CODE, number
from server.export.numpy_code import NUMPY_ACTIVATIONS
from server.model import Model, build, generate
from server.settings import Settings
from tests.server.conftest import Peer

RUFF = Path(sys.executable).with_name("ruff")
TOLERANCE = 1e-12

CONFIGS: dict[str, dict[str, Any]] = {
    "tanh-sigmoid-binary": {"dataset": {"name": "circle", "points": 300}},
    "relu-softmax-features-standardized": {
        "dataset": {"name": "spiral", "classes": 3, "points": 300, "noise": 0.1},
        "features": ["x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2"],
        "standardize": True,
        "hidden": [{"units": 8, "activation": "relu"}, {"units": 6, "activation": "relu"}],
        "optimizer": {"name": "adam", "learning_rate": 0.01},
    },
    "batch-norm": {
        "dataset": {"name": "xor", "points": 200},
        "hidden": [{"units": 5, "activation": "relu", "batch_norm": True},
                   {"units": 3, "activation": "tanh", "batch_norm": True}],
        "optimizer": {"batch_size": 16},
    },
    "leaky-relu-elu-momentum": {
        "dataset": {"name": "moons", "points": 200, "noise": 0.2},
        "features": ["x1", "x2", "x1x2"],
        "hidden": [{"units": 6, "activation": "leaky_relu"}, {"units": 4, "activation": "elu"}],
        "optimizer": {"name": "momentum", "learning_rate": 0.01},
        "regularization": {"kind": "l2", "rate": 0.001},
    },
    "regression-identity": {
        "dataset": {"name": "plane", "points": 200},
        "hidden": [{"units": 4, "activation": "tanh"}],
        "standardize": True,
        "optimizer": {"name": "gd", "learning_rate": 0.1},
    },
}


def trained(config: dict[str, Any], epochs: int = 8) -> Model:
    cfg = protocol.Config.model_validate(config)
    model = build(cfg, generate(cfg), Settings())
    model.trainer.run(epochs)
    return model


def playground_outputs(model: Model) -> dict[str, np.ndarray]:
    """Ŷ = A[L] of the playground's reference pass (running statistics) on each part."""
    parts = {"train": model.split.train, "validation": model.split.validation,
             "test": model.split.test}
    out = {}
    for name, part in parts.items():
        X = transform(part.X, model.config.features, scaling=model.trainer.scaling)
        out[name] = model.net.forward(X.astype(np.float64), training=False).copy()
    return out


SCRIPT_OUTPUTS = """
import json, runpy, sys
import numpy as np
ns = runpy.run_path(sys.argv[1], run_name="exported")
out = {}
for name, key in (("train", "TRAIN"), ("validation", "VALIDATION"), ("test", "TEST")):
    points = ns[key]
    Y_hat, Z, A = ns["forward"](ns["features"](points[:, 0], points[:, 1]))
    out[name] = {"Y_hat": Y_hat.tolist(),
                 "decision": np.asarray(ns["predict"](points[:, 0], points[:, 1])).tolist()}
print(json.dumps(out))
"""


def run_numpy_script(path: Path) -> dict[str, Any]:
    """The script's Ŷ and decisions, computed in a fresh interpreter."""
    result = subprocess.run([sys.executable, "-c", SCRIPT_OUTPUTS, str(path)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    outputs: dict[str, Any] = json.loads(result.stdout)
    return outputs


def assert_reproduces(model: Model, outputs: dict[str, Any]) -> None:
    task = model.dataset.task
    for name, expected in playground_outputs(model).items():
        got = np.array(outputs[name]["Y_hat"]).reshape(expected.shape)
        scale = np.maximum(1.0, np.abs(expected))
        assert np.all(np.abs(got - expected) <= TOLERANCE * scale), name
        decision = np.array(outputs[name]["decision"])
        if task == "binary":
            clear = np.abs(expected[0] - 0.5) > 1e-9  # a tie may round either way
            assert np.array_equal(decision[clear], (expected[0] > 0.5)[clear]), name
        elif task == "multiclass":
            assert np.array_equal(decision, np.argmax(expected, axis=0)), name
        else:
            assert np.allclose(decision, expected[0], rtol=0, atol=TOLERANCE * 10)


@pytest.mark.parametrize("name", list(CONFIGS))
def test_numpy_script_reproduces_the_playground_outputs(name: str, tmp_path: Path) -> None:
    model = trained(CONFIGS[name])
    path = tmp_path / "model.py"
    path.write_text(export.script(model, "numpy"))
    assert_reproduces(model, run_numpy_script(path))


def test_numpy_script_prints_each_part_when_run(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text(export.script(trained(CONFIGS["tanh-sigmoid-binary"]), "numpy"))
    result = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                            timeout=60, check=True)
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["train", "validation", "test"]
    assert "accuracy" in lines[0] and "on 150 points" in lines[0]


def test_regression_script_reports_the_squared_error(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text(export.script(trained(CONFIGS["regression-identity"]), "numpy"))
    result = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                            timeout=60, check=True)
    assert "train: mean squared error" in result.stdout


@pytest.mark.parametrize("format", list(export.FORMATS))
@pytest.mark.parametrize("name", ["relu-softmax-features-standardized", "batch-norm",
                                  "leaky-relu-elu-momentum", "regression-identity"])
def test_generated_code_is_ruff_clean(format: str, name: str, tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text(export.script(trained(CONFIGS[name], epochs=1), format))
    for options in (["--isolated"],  # ruff's defaults
                    ["--isolated", "--select", "E,F,W,I,B,UP,SIM", "--line-length", "88"]):
        result = subprocess.run([str(RUFF), "check", *options, str(path)],
                                capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("format", list(export.FORMATS))
def test_generated_code_carries_the_settings(format: str) -> None:
    model = trained(CONFIGS["relu-softmax-features-standardized"], epochs=3)
    code = export.script(model, format)
    settings = code[code.index("# The session:"):].split("\n\n")[0]
    for expected in ("dataset: spiral (300 points, multiclass, 3 classes), noise 0.1, seed 1",
                     "features: x1 (x₁), x2 (x₂), x1_sq (x₁²)",
                     "standardized inputs: yes",
                     "network: 7-8-6-3",
                     "hidden layers: 8 relu, 6 relu",
                     "output: softmax, loss cce",
                     "optimizer: adam, learning rate 0.01, batch size 10",
                     "init: xavier, seed 1",
                     "epoch reached: 3"):
        assert expected in settings, expected


def test_every_feature_and_activation_has_code() -> None:
    assert set(FEATURE_CODE) == set(FEATURES)
    x1, x2 = np.linspace(-6, 6, 7), np.linspace(5, -5, 7)
    for name, expression in FEATURE_CODE.items():
        assert np.array_equal(eval(expression, {"np": np, "x1": x1, "x2": x2}),
                              FEATURES[name](x1, x2)), name
    assert set(NUMPY_ACTIVATIONS) == set(ACTIVATIONS)


def test_every_activation_runs_as_the_engine_computes_it() -> None:
    Z = np.linspace(-40, 40, 161).reshape(7, 23)
    for name, source in NUMPY_ACTIVATIONS.items():
        namespace: dict[str, Any] = {"np": np}
        exec(source, namespace)
        assert np.array_equal(namespace[name](Z), ACTIVATIONS[name](Z)), name


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format: expected one of numpy, keras"):
        export.script(trained(CONFIGS["tanh-sigmoid-binary"], epochs=0), "torch")


# ---------------------------------------------------------------------- playground export


def session_file(model: Model, path: Path) -> Path:
    """The file "Save & share" downloads: the export payload plus the loss history."""
    data = json.loads(payloads.export_payload(model).model_dump_json())
    data["history"] = [{"epoch": 1, "train_loss": 0.5}]
    path.write_text(json.dumps(data))
    return path


def playground(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "server", *arguments], capture_output=True,
                          text=True, timeout=120, check=False)


def test_cli_exports_a_session_file_as_numpy(tmp_path: Path) -> None:
    model = trained(CONFIGS["batch-norm"])
    session = session_file(model, tmp_path / "session.json")
    out = tmp_path / "model.py"
    result = playground("export", "--format", "numpy", str(session), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "epoch 8" in result.stderr
    assert_reproduces(model, run_numpy_script(out))


def test_cli_writes_to_standard_output_without_o(tmp_path: Path) -> None:
    session = session_file(trained(CONFIGS["tanh-sigmoid-binary"], 2), tmp_path / "s.json")
    result = playground("export", "--format", "keras", str(session))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('"""A neural network trained in NN Playground, as a Keras')


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "not a JSON file"),
    ('{"format": "other"}', 'not a session file (no "format": "nn-playground")'),
    ('{"format": "nn-playground", "config": {}, "model": {"sizes": [2, 1], '
     '"activations": ["sigmoid"], "W": [[[1, 2]]], "b": [[0]]}, "epoch": -1}',
     "epoch: Input should be greater than or equal to 0"),
    ('{"format": "nn-playground", "config": {}, "model": {"sizes": [2, 1], '
     '"activations": ["sigmoid"], "W": [[[1, 2]]], "b": [[0]]}}',
     "data.model.sizes: the config builds [2, 4, 4, 1]"),
])
def test_cli_names_what_is_wrong_in_a_bad_file(content: str, message: str,
                                               tmp_path: Path) -> None:
    session = tmp_path / "bad.json"
    session.write_text(content)
    out = tmp_path / "model.py"
    result = playground("export", "--format", "numpy", str(session), "-o", str(out))
    assert result.returncode == 2
    assert message in result.stderr
    assert not out.exists()


def test_cli_refuses_an_unknown_format(tmp_path: Path) -> None:
    result = playground("export", "--format", "torch", str(tmp_path / "s.json"))
    assert result.returncode == 2
    assert "invalid choice: 'torch'" in result.stderr


# ------------------------------------------------------------------------- the socket


def test_export_message_replies_with_the_script(peer: Peer) -> None:
    peer.request("step", "status", epochs=3)
    reply = peer.request("export", "export", code="numpy")
    assert reply["data"]["epoch"] == 3
    assert "# The session:" in reply["code"] and "epoch reached: 3" in reply["code"]
    assert peer.request("export", "export")["code"] is None


def test_export_message_with_an_unknown_code_is_an_error(peer: Peer) -> None:
    reply = peer.request("export", None, code="torch")
    assert reply["type"] == "error" and reply["field"] == "code"


def test_cli_regenerates_the_points_of_a_file_without_them(tmp_path: Path) -> None:
    # A session saved from a link with weights has no points: the config generates them.
    model = trained(CONFIGS["leaky-relu-elu-momentum"], epochs=2)
    data = json.loads(payloads.export_payload(model).model_dump_json())
    del data["data"]
    session = tmp_path / "linked.json"
    session.write_text(json.dumps(data))
    out = tmp_path / "model.py"
    result = playground("export", "--format", "numpy", str(session), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert_reproduces(model, run_numpy_script(out))


def test_numbers_are_written_exactly_and_non_finite_ones_as_numpy_names() -> None:
    values = [0.1, -1 / 3, 1e-300, 2.0**60, float("nan"), float("inf"), -float("inf")]
    written = [number(v) for v in values]
    assert written[4:] == ["np.nan", "np.inf", "-np.inf"]
    assert [float(w) for w in written[:4]] == values[:4]
