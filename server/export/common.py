"""What the NumPy and the Keras scripts share: literals, the settings, the data, features."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from string import Template
from typing import Any

import numpy as np

from engine.datasets import Dataset
from engine.features import LABELS
from server.model import Model

WIDTH = 88
"""The generated lines stay under the default line length of ruff and black."""

FEATURE_CODE = {
    "x1": "x1", "x2": "x2", "x1_sq": "x1 * x1", "x2_sq": "x2 * x2", "x1x2": "x1 * x2",
    "sin_x1": "np.sin(x1)", "sin_x2": "np.sin(x2)",
}
"""Each input feature (engine/features.py) as a NumPy expression of the rows x1, x2."""

# ------------------------------------------------------------------------------------ literals


def number(x: float) -> str:
    """A float in its shortest exact form; NaN and infinities as NumPy names."""
    x = float(x)
    if math.isnan(x):
        return "np.nan"
    if math.isinf(x):
        return "np.inf" if x > 0 else "-np.inf"
    return repr(x)


def _row(values: Sequence[float], indent: int) -> list[str]:
    """One row `[a, b, ...],` at indent, wrapped over several lines when too long."""
    pad = " " * indent
    line = pad + "[" + ", ".join(number(v) for v in values) + "],"
    if len(line) <= WIDTH:
        return [line]
    lines, current = [pad + "["], pad + "    "
    for v in values:
        item = number(v) + ","
        if len(current) + len(item) + 1 > WIDTH and current.strip():
            lines.append(current.rstrip())
            current = pad + "    "
        current += item + " "
    lines.append(current.rstrip())
    return [*lines, pad + "],"]


def matrix(name: str, array: Any) -> str:
    """`name = np.array([...])` for a 2-D array, one row per line."""
    rows = np.atleast_2d(np.asarray(array, dtype=np.float64))
    body = [line for row in rows.tolist() for line in _row(row, 4)]
    return "\n".join([f"{name} = np.array([", *body, "])"])


def vector(name: str, array: Any) -> str:
    """`name = np.array([...])` for a 1-D array."""
    values = np.asarray(array, dtype=np.float64).ravel().tolist()
    line = f"{name} = np.array([" + ", ".join(number(v) for v in values) + "])"
    if len(line) <= WIDTH:
        return line
    return "\n".join([f"{name} = np.array(", *_row(values, 4), ")"]).replace("],\n)", "]\n)")


# ------------------------------------------------------------------------------- shared parts


def settings_comment(model: Model) -> str:
    """The session's settings, one `# ` line each."""
    c, net = model.config, model.net
    ds, opt, out = c.dataset, c.optimizer, c.output
    layers = ", ".join(f"{h.units} {h.activation}" + (" + batch norm" if h.batch_norm else "")
                       for h in c.hidden) or "none"
    optimizer = f"{opt.name}, learning rate {opt.learning_rate!r}, batch size {opt.batch_size}"
    if opt.name == "momentum":
        optimizer += f", momentum {opt.momentum!r}"
    elif opt.name == "adam":
        optimizer += f", beta1 {opt.beta1!r}, beta2 {opt.beta2!r}"
    regularization = "none" if c.regularization.kind == "none" \
        else f"{c.regularization.kind}, rate {c.regularization.rate!r}"
    split = model.split
    lines = [
        f"dataset: {ds.name} ({model.dataset.m} points, {model.dataset.task}"
        + (f", {model.dataset.classes} classes" if model.dataset.task == "multiclass" else "")
        + f"), noise {ds.noise!r}, seed {ds.seed}",
        f"split: {split.train.m} train, {split.validation.m} validation, {split.test.m} test",
        "features: " + ", ".join(f"{name} ({LABELS[name]})" for name in c.features),
        "standardized inputs: " + ("yes (mean and std of the training split)"
                                   if model.trainer.scaling is not None else "no"),
        "network: " + "-".join(str(n) for n in net.sizes) + f" ({net.num_params()} parameters)",
        f"hidden layers: {layers}",
        f"output: {out.resolved_activation}, loss {out.resolved_loss}",
        f"optimizer: {optimizer}",
        f"regularization: {regularization}",
        f"init: {c.init}, seed {c.seed}",
        f"epoch reached: {model.trainer.epoch}",
    ]
    return "\n".join(textwrap.fill(line, WIDTH, initial_indent="#   ",
                                   subsequent_indent="#       ") for line in lines)


def data_block(model: Model) -> str:
    """TRAIN, VALIDATION and TEST as (m, 3) arrays of rows [x1, x2, label]."""
    parts = [("TRAIN", model.split.train), ("VALIDATION", model.split.validation),
             ("TEST", model.split.test)]
    return "\n\n".join(_points(name, part) for name, part in parts)


def _points(name: str, part: Dataset) -> str:
    if part.m == 0:
        return f"{name} = np.zeros((0, 3))"
    rows = np.vstack([part.X, part.labels.astype(np.float64)]).T
    return matrix(name, rows)


def features_function(model: Model) -> str:
    names = model.config.features
    rows = "\n".join(f"        {FEATURE_CODE[name]},  # {LABELS[name]}" for name in names)
    scaling = model.trainer.scaling
    if scaling is None:
        return FEATURES_PLAIN.substitute(rows=rows)
    return FEATURES_SCALED.substitute(rows=rows, mean=matrix("MEAN", scaling.mean),
                                      std=matrix("STD", scaling.std))


FEATURES_PLAIN = Template('''def features(x1, x2):
    """The network's input X, shape (n0, m): a row per feature, a column per point."""
    return np.vstack([
$rows
    ])''')

FEATURES_SCALED = Template('''\
# Standardization: each feature minus its mean, divided by its standard deviation, both
# measured on the training points (a constant feature keeps std 1).
$mean
$std


def features(x1, x2):
    """The network's input X, shape (n0, m): a row per feature, a column per point."""
    X = np.vstack([
$rows
    ])
    X -= MEAN
    X /= STD
    return X''')


def decide(task: str) -> str:
    if task == "binary":
        return "(Y_hat[0] > 0.5).astype(int)  # class 1 where y_hat > 0.5"
    if task == "multiclass":
        return "np.argmax(Y_hat, axis=0)  # the most probable class"
    return "Y_hat[0]  # the predicted value"


