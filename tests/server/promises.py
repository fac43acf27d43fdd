"""The lessons' test tables: promises the page's first sight and healthy sessions keep.

They check the server rather than teach (the Experiments menu, server/lessons/experiments.py,
is what the catalog publishes): tests/server/test_experiments.py rehearses them on every seed,
and bench/coach.py counts the coach's advice on them.
"""

from __future__ import annotations

from typing import Any

from server.lessons.experiments import SPIRAL_FEATURES, Promise, layers

FIRST_SIGHT_EPOCHS = 150
FIRST_SIGHT = Promise(bounds={"first_at_target": (None, FIRST_SIGHT_EPOCHS)})
"""What a new user sees first: the default network learns the default data, 95 % of the test
points right (server.lessons.rehearsal.TARGET_ACCURACY) within 150 epochs (5 s at the default
pace), on every seed (8 seeds: 24 to 80 epochs)."""

HEALTHY_EPOCHS = 200
HEALTHY: dict[str, dict[str, Any]] = {
    "circle": {"dataset": {"name": "circle"}},
    "xor": {"dataset": {"name": "xor"}, "hidden": layers(2, 8, "tanh")},
    "gauss": {"dataset": {"name": "gauss"}},
    "moons": {"dataset": {"name": "moons"}, "hidden": layers(2, 8, "tanh")},
    "spiral": {"dataset": {"name": "spiral", "classes": 2}, "features": SPIRAL_FEATURES,
               "hidden": layers(3, 8, "tanh"),
               "optimizer": {"name": "adam", "learning_rate": 0.01}},
    "spiral 3 classes": {"dataset": {"name": "spiral", "classes": 3},
                         "features": SPIRAL_FEATURES, "hidden": layers(3, 8, "tanh"),
                         "optimizer": {"name": "adam", "learning_rate": 0.01}},
    "blobs": {"dataset": {"name": "blobs", "classes": 4}},
    "plane": {"dataset": {"name": "plane"}},
    "multigauss": {"dataset": {"name": "multigauss"}, "hidden": layers(2, 8, "tanh")},
    "curve": {"dataset": {"name": "curve"}, "features": ["x1"], "hidden": layers(1, 8, "tanh"),
              "optimizer": {"name": "adam", "learning_rate": 0.01}},
    "student": {"dataset": {"name": "student", "points": 4, "train_fraction": 0.9,
                            "validation_fraction": 0}, "hidden": layers(1, 3, "sigmoid"),
                "optimizer": {"name": "gd", "learning_rate": 0.5}},
}
"""A config that learns each dataset well and generalizes (the default one where it does):
the coach has nothing to say about it."""
