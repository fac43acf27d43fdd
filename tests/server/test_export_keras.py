"""The Keras 3 script builds a keras.Sequential that predicts what the playground does (to 1e-6:
Keras computes in float32), from the trained weights or the initial ones, and fits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from engine.features import transform
from engine.network import Network
from server import export
from server.model import Model
from tests.server.test_export import CONFIGS, playground_outputs, trained

TOLERANCE = 1e-6

KERAS_OUTPUTS = """
import json, runpy, sys
ns = runpy.run_path(sys.argv[1], run_name="exported")
out = {}
for params in ("TRAINED", "INITIAL"):
    model = ns["build_model"](ns[params])
    out[params] = {}
    for name, key in (("train", "TRAIN"), ("validation", "VALIDATION"), ("test", "TEST")):
        X = ns["inputs"](ns[key])
        out[params][name] = model.predict(X, verbose=0).T.tolist() if len(X) else []
out["layers"] = [type(layer).__name__ for layer in model.layers]
out["loss"] = str(model.loss)
out["optimizer"] = {"name": type(model.optimizer).__name__,
                    "learning_rate": float(model.optimizer.learning_rate)}
print(json.dumps(out))
"""


def keras_outputs(path: Path, backend: str = "numpy") -> dict[str, Any]:
    env = {**os.environ, "KERAS_BACKEND": backend}
    result = subprocess.run([sys.executable, "-c", KERAS_OUTPUTS, str(path)], env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    outputs: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return outputs


def initial_outputs(model: Model) -> dict[str, np.ndarray]:
    """Ŷ of the session's network before training (same init, same seed)."""
    net, config = model.net, model.config
    fresh = Network(net.sizes, net.activations, init=config.init, seed=config.seed,
                    batch_norm=net.batch_norm)
    parts = {"train": model.split.train, "validation": model.split.validation,
             "test": model.split.test}
    return {name: fresh.forward(transform(part.X, config.features,
                                          scaling=model.trainer.scaling), training=False)
            for name, part in parts.items()}


def assert_close(got: dict[str, Any], expected: dict[str, np.ndarray]) -> None:
    for name, want in expected.items():
        values = np.array(got[name], dtype=np.float64).reshape(want.shape)
        assert np.max(np.abs(values - want), initial=0.0) <= TOLERANCE * max(
            1.0, float(np.max(np.abs(want), initial=0.0))), name


@pytest.mark.slow
@pytest.mark.parametrize("name", ["tanh-sigmoid-binary", "relu-softmax-features-standardized",
                                  "batch-norm", "leaky-relu-elu-momentum",
                                  "regression-identity"])
def test_keras_model_predicts_as_the_playground(name: str, tmp_path: Path) -> None:
    model = trained(CONFIGS[name])
    path = tmp_path / "model_keras.py"
    path.write_text(export.script(model, "keras"))
    outputs = keras_outputs(path)
    assert_close(outputs["TRAINED"], playground_outputs(model))
    assert_close(outputs["INITIAL"], initial_outputs(model))


@pytest.mark.slow
def test_keras_model_has_the_sessions_layers_loss_and_optimizer(tmp_path: Path) -> None:
    model = trained(CONFIGS["batch-norm"], epochs=2)
    path = tmp_path / "model_keras.py"
    path.write_text(export.script(model, "keras"))
    outputs = keras_outputs(path)
    assert outputs["layers"] == ["Dense", "BatchNormalization", "Activation",
                                 "Dense", "BatchNormalization", "Activation", "Dense"]
    assert "binary_crossentropy" in outputs["loss"]
    assert outputs["optimizer"] == {"name": "SGD", "learning_rate": pytest.approx(0.03)}
    code = path.read_text()
    assert "EPOCHS = 2\nBATCH_SIZE = 16\n" in code


@pytest.mark.slow
def test_keras_script_fits_from_the_initial_weights(tmp_path: Path) -> None:
    # NumPy's backend predicts but cannot fit: JAX, which the keras extra installs, does.
    model = trained(CONFIGS["tanh-sigmoid-binary"], epochs=2)
    path = tmp_path / "model_keras.py"
    path.write_text(export.script(model, "keras"))
    env = {**os.environ, "KERAS_BACKEND": "jax", "JAX_PLATFORMS": "cpu"}
    result = subprocess.run([sys.executable, str(path), "--train"], env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Epoch 2/2" in result.stdout
    assert "val_loss" in result.stdout
    lines = [line for line in result.stdout.splitlines() if line.startswith("test: ")]
    assert len(lines) == 1 and "(loss, accuracy) on 90 points" in lines[0]
