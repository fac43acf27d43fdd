"""The standard workload every bench measures: TF Playground's largest network.

Spiral, 500 points, half for training, noise 0, inputs x1 and x2, 6 hidden layers of 8 tanh,
tanh output with squared error, plain SGD at learning rate 0.03, batch 10. Defined once, as the
config a client sends (`bench/load.py`); `query()` writes it as the page's link
(`bench/browser.py`) and `bench/engine.py` builds its engine trainer from it.
"""

from __future__ import annotations

from typing import Any

CONFIG: dict[str, Any] = {
    "dataset": {"name": "spiral", "points": 500, "noise": 0, "train_fraction": 0.5,
                "validation_fraction": 0, "seed": 1},
    "features": ["x1", "x2"],
    "hidden": [{"units": 8, "activation": "tanh"}] * 6,
    "output": {"activation": "tanh", "loss": "mse"},
    "optimizer": {"name": "sgd", "learning_rate": 0.03, "batch_size": 10},
    "regularization": {"kind": "none", "rate": 0},
    "view": {"epochs_per_second": 0},  # as fast as possible: the bench measures speed
}


def query(config: dict[str, Any] = CONFIG) -> str:
    """The config as the page's query string (the parameters of web/url.js)."""
    ds, out, opt = config["dataset"], config["output"], config["optimizer"]
    hidden = ",".join(f"{h['units']}:{h['activation']}" for h in config["hidden"])
    return (f"?dataset={ds['name']}&points={ds['points']}&noise={ds['noise']}"
            f"&train={ds['train_fraction']}&val={ds['validation_fraction']}&dseed={ds['seed']}"
            f"&features={','.join(config['features'])}&hidden={hidden}"
            f"&out={out['activation']}&loss={out['loss']}&opt={opt['name']}"
            f"&lr={opt['learning_rate']}&batch={opt['batch_size']}"
            f"&reg={config['regularization']['kind']}&rate={config['regularization']['rate']}"
            f"&eps={config['view']['epochs_per_second']}")
