"""The session as a Keras 3 script: a `keras.Sequential` with the same layers, activations,
weights (trained, or the initial ones), loss and optimizer, ready to `fit`.

The features and the standardization run in plain NumPy before the model, as in the NumPy
script. Keras wants one row per point, X of shape (m, n0): the transpose of the course's X.
A Dense layer's kernel is W[l]ᵀ, shape (n[l-1], n[l]).
"""

from __future__ import annotations

from string import Template

from engine.activations import LEAKY_SLOPE
from engine.network import EPSILON, MOMENTUM, NORM_KEYS, Network
from server.export.common import (
    data_block,
    features_function,
    matrix,
    number,
    settings_comment,
    vector,
)
from server.model import Model
from server.protocol import Config

KERAS_ACTIVATIONS = {
    "sigmoid": '"sigmoid"', "tanh": '"tanh"', "relu": '"relu"', "linear": '"linear"',
    "softmax": '"softmax"', "elu": '"elu"',
}
"""g as Keras names it; Leaky ReLU is a layer of its own, for its slope (see _activation)."""

KERAS = Template('''"""A neural network trained in NN Playground, as a Keras 3 model ready to fit.

Run this file with Python to evaluate the playground's trained weights; with the option
--train it trains again from the playground's initial weights, with the same loss,
optimizer, batch size and number of epochs. Keras 3 runs on JAX, TensorFlow, PyTorch or
NumPy: choose with the KERAS_BACKEND environment variable.

The inputs are computed in NumPy before the model. Keras wants one row per point: X has
shape (m, n0), the transpose of the course's X; a Dense kernel is W[l] transposed.
"""

import sys

import keras
import numpy as np

# The session:
$settings

L = $L  # layers 1..L, as in the course
EPOCHS = $epochs
BATCH_SIZE = $batch_size$batch_note$classes
$loss_function

$features


def inputs(points):
    """Keras's X, shape (m, n0), from rows [x1, x2, label]."""
    return features(points[:, 0], points[:, 1]).T


def targets(points):
    """Keras's Y from rows [x1, x2, label]: $targets_doc."""
    $targets


def build_model(params):
    """The playground's network with the parameters `params` (TRAINED or INITIAL)."""
    model = keras.Sequential([
        keras.Input(shape=($n0,)),
$layers
    ])
    model.set_weights(keras_weights(params))
    model.compile(
        loss=$loss,
        optimizer=$optimizer,$metrics
    )
    return model


def keras_weights(params):
    """The list set_weights takes: each Dense layer's kernel W[l]^T and bias b[l],
    then for a batch-normalized layer gamma, beta, the moving mean and variance."""
    weights = []
    for layer in range(1, L + 1):
        W, b = params[f"W[{layer}]"], params[f"b[{layer}]"]
        weights += [W.T, b]
        if f"gamma[{layer}]" in params:
            keys = ("gamma", "beta", "running_mean", "running_var")
            weights += [params[f"{key}[{layer}]"] for key in keys]
    return weights


# Parameters in the course's shapes: W[l] is (n[l], n[l-1]), b[l] has n[l] values.
TRAINED = {}  # at epoch $epoch
$trained

INITIAL = {}  # before training: init $init, seed $seed
$initial


$data


def main():
    if "--train" in sys.argv:
        model = build_model(INITIAL)
        model.fit(
            inputs(TRAIN),
            targets(TRAIN),
            batch_size=BATCH_SIZE,
            epochs=EPOCHS,$validation
            shuffle=True,
        )
    else:
        model = build_model(TRAINED)
    for name, points in (("train", TRAIN), ("validation", VALIDATION), ("test", TEST)):
        if len(points) == 0:
            continue
        results = model.evaluate(inputs(points), targets(points), verbose=0)
        print(f"{name}: {results}$result_names on {len(points)} points")


if __name__ == "__main__":
    main()
''')

HALF_SQUARED_ERROR = '''

def half_squared_error(y_true, y_pred):
    """L = 1/2 sum_k (y_hat_k - y_k)^2, the playground's (and the course's) squared
    error: Keras's MeanSquaredError averages (y_hat_k - y_k)^2, twice this."""
    return 0.5 * keras.ops.sum(keras.ops.square(y_pred - y_true), axis=-1)
'''


def keras_script(model: Model) -> str:
    """The session as one Keras 3 script (see the module's docstring)."""
    net, config = model.net, model.config
    task = model.dataset.task
    loss = config.output.resolved_loss or "mse"
    full_batch = config.optimizer.name == "gd"
    initial = Network(net.sizes, net.activations, init=config.init, seed=config.seed,
                      batch_norm=net.batch_norm)
    return KERAS.substitute(
        settings=settings_comment(model),
        epochs=max(1, model.trainer.epoch), epoch=model.trainer.epoch,
        batch_size=model.split.train.m if full_batch else config.optimizer.batch_size,
        batch_note="  # gd: the whole training set in one batch" if full_batch else "",
        loss_function=HALF_SQUARED_ERROR if loss == "mse" else "",
        features=features_function(model),
        targets_doc=_TARGETS[task][0], targets=_TARGETS[task][1],
        n0=net.sizes[0], L=net.L,
        layers="\n".join(_layers(net, config)),
        loss=_LOSSES[loss](net.sizes[-1]),
        optimizer=_optimizer(config),
        metrics="" if task == "regression" else '\n        metrics=["accuracy"],',
        trained=_parameters("TRAINED", net),
        initial=_parameters("INITIAL", initial),
        init=config.init, seed=config.seed,
        classes=f"\nCLASSES = {model.dataset.classes}" if task == "multiclass" else "",
        data=data_block(model),
        validation="\n            validation_data=(inputs(VALIDATION), targets(VALIDATION)),"
        if model.split.validation.m else "",
        result_names=" (loss, accuracy)" if task != "regression" else " (loss)",
    )


_TARGETS = {
    "binary": ("the label 0 or 1, shape (m, 1)", "return points[:, 2:3]"),
    "multiclass": ("one-hot rows, shape (m, classes)",
                   "return np.eye(CLASSES)[points[:, 2].astype(int)]"),
    "regression": ("the target value, shape (m, 1)", "return points[:, 2:3]"),
}


def _cce(outputs: int) -> str:
    return "keras.losses.CategoricalCrossentropy()"


def _half_squared_error(outputs: int) -> str:
    return "half_squared_error"


def _bce(outputs: int) -> str:
    if outputs == 1:
        return "keras.losses.BinaryCrossentropy()"
    return ("keras.losses.BinaryCrossentropy()  # averaged over the outputs, "
            "where the playground sums them")


_LOSSES = {
    "bce": _bce,
    "cce": _cce,
    "mse": _half_squared_error,
}


def _optimizer(config: Config) -> str:
    opt = config.optimizer
    rate = f"learning_rate={number(opt.learning_rate)}"
    if opt.name == "momentum":
        # v <- beta v + dW; W <- W - alpha v is Keras's v <- beta v - alpha dW; W <- W + v.
        return f"keras.optimizers.SGD({rate}, momentum={number(opt.momentum)})"
    if opt.name == "adam":
        return (f"keras.optimizers.Adam(\n            {rate},\n"
                f"            beta_1={number(opt.beta1)},\n"
                f"            beta_2={number(opt.beta2)},\n            epsilon=1e-08,\n"
                "        )")
    return f"keras.optimizers.SGD({rate})"


def _regularizer(config: Config) -> str:
    reg = config.regularization
    if reg.kind == "none" or reg.rate == 0:
        return ""
    if reg.kind == "l2":  # the playground adds (rate/2) sum w^2, Keras adds l2 sum w^2
        return f", kernel_regularizer=keras.regularizers.L2({number(reg.rate / 2)})"
    return f", kernel_regularizer=keras.regularizers.L1({number(reg.rate)})"


def _layers(net: Network, config: Config) -> list[str]:
    pad, regularizer = " " * 8, _regularizer(config)
    lines = []
    for l in range(1, net.L + 1):
        g, units = net.activations[l - 1], net.sizes[l]
        separate = net.normalizes(l) or g == "leaky_relu"
        activation = "" if separate else f", activation={KERAS_ACTIVATIONS[g]}"
        name = "output" if l == net.L else f"layer_{l}"
        lines.append(f'{pad}keras.layers.Dense({units}{activation}{regularizer}, '
                     f'name="{name}"),')
        if net.normalizes(l):
            lines.append(f"{pad}keras.layers.BatchNormalization(momentum={MOMENTUM!r}, "
                         f"epsilon={EPSILON!r}),")
        if g == "leaky_relu":
            lines.append(f"{pad}keras.layers.LeakyReLU(negative_slope={LEAKY_SLOPE!r}),")
        elif separate:
            lines.append(f"{pad}keras.layers.Activation({KERAS_ACTIVATIONS[g]}),")
    return [_wrap(line) for line in lines]


def _wrap(line: str) -> str:
    """A layer's line, its arguments on lines of their own when it is too long."""
    if len(line) <= 88:
        return line
    head, _, rest = line.partition("(")
    arguments = rest.removesuffix("),").split(", ")
    pad = " " * (len(head) - len(head.lstrip()))
    return "\n".join([head + "(", *(f"{pad}    {a}," for a in arguments), pad + "),"])


def _parameters(name: str, net: Network) -> str:
    blocks = []
    for l in range(1, net.L + 1):
        blocks.append(matrix(f'{name}["W[{l}]"]', net.W[l]))
        blocks.append(vector(f'{name}["b[{l}]"]', net.b[l]))
        if net.normalizes(l):
            blocks += [vector(f'{name}["{key}[{l}]"]', getattr(net, key)[l]) for key in NORM_KEYS]
    return "\n".join(blocks)


