"""Seeded 2D datasets: TF Playground's sets, two moons, k classes, four students, your points.

Every dataset has X of shape (2, m) (raw x1, x2) and targets Y in the network's format:
(1, m) of 0/1 for binary, (k, m) one-hot for k > 2 classes, (1, m) for regression.
`noise` runs from 0 to 1 (TF Playground's slider stops at 0.5).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from engine.data import DOMAIN, MAX_POINTS, Dataset, Domain, from_csv, from_points, make_dataset
from engine.registry import lookup

__all__ = [
    "CIRCLE_RADIUS", "CURVE_WAVES", "DATASETS", "DOMAIN", "MAX_CLASSES", "MAX_POINTS",
    "MIN_CLASSES", "STUDENT_DOMAIN", "STUDENTS", "Dataset", "Split", "from_csv", "from_points",
    "make", "preview", "split",
]

F = npt.NDArray[Any]
Generator = Callable[[int, float, np.random.Generator, int], tuple[F, F]]

MIN_CLASSES, MAX_CLASSES = 2, 6

STUDENTS = np.array([
    # hours studied, hours of rest, passed (1) or failed (0)
    [5.0, 8.0, 1],
    [1.0, 4.0, 0],
    [7.0, 6.0, 1],
    [2.0, 2.0, 0],
])
"""The course's four students: does a student pass, given hours studied and hours of rest?"""
STUDENT_DOMAIN: Domain = (0.0, 10.0, 0.0, 10.0)


CIRCLE_RADIUS = 5.0
"""The circle's outer radius: every point has |x1|, |x2| <= 5, so x1², x2² <= 25."""


def _polar(r: F, angle: F) -> F:
    return np.stack([r * np.sin(angle), r * np.cos(angle)])


def _circle(n: int, noise: float, rng: np.random.Generator, k: int) -> tuple[F, F]:
    # Inside a disc of radius 2.5 is class 1, a ring from 3.5 to 5 is class 0; the noise moves
    # the point used for labelling, so labels near the gap flip as in TF Playground.
    radius, n_in = CIRCLE_RADIUS, n // 2
    r = np.concatenate([rng.uniform(0, radius * 0.5, n_in),
                        rng.uniform(radius * 0.7, radius, n - n_in)])
    X = _polar(r, rng.uniform(0, 2 * np.pi, n))
    jitter = rng.uniform(-radius, radius, (2, n)) * noise
    return X, (np.hypot(*(X + jitter)) < radius * 0.5).astype(np.int64)


def _xor(n: int, noise: float, rng: np.random.Generator, k: int) -> tuple[F, F]:
    # A 0.3 margin keeps the points off the axes, so noise 0 gives a clean XOR.
    X = rng.uniform(-5, 5, (2, n))
    X += np.where(X > 0, 0.3, -0.3)
    jitter = rng.uniform(-5, 5, (2, n)) * noise
    x1, x2 = X + jitter
    return X, (x1 * x2 >= 0).astype(np.int64)


def _spread(noise: float) -> float:
    # TF Playground's gaussians: variance 0.5 at noise 0 up to 4 at its maximum noise 0.5.
    return float(np.sqrt(0.5 + 7.0 * noise))


def _blobs(n: int, noise: float, rng: np.random.Generator, k: int) -> tuple[F, F]:
    labels = np.arange(n) % k
    # Centres on a circle; with k = 2 they sit at (2, 2) and (-2, -2) like TF Playground's gauss.
    angle = np.pi / 4 + 2 * np.pi * labels / k
    radius = 2 * np.sqrt(2) if k == 2 else 3.5
    X = _polar(np.full(n, radius), angle)[::-1] + rng.normal(0, _spread(noise), (2, n))
    return X, labels.astype(np.int64)


def _gauss(n: int, noise: float, rng: np.random.Generator, k: int) -> tuple[F, F]:
    X, labels = _blobs(n, noise, rng, 2)
    return X, 1 - labels


def _spiral(n: int, noise: float, rng: np.random.Generator, k: int) -> tuple[F, F]:
    # Arm j turns 1.75 times while its radius grows to 5, rotated by 2πj/k.
    labels = np.arange(n) % k
    per_arm = np.bincount(labels, minlength=k)
    i = np.arange(n) // k
    frac = i / per_arm[labels]
    t = 1.75 * frac * 2 * np.pi + 2 * np.pi * labels / k
    X = _polar(frac * 5, t) + rng.uniform(-1, 1, (2, n)) * noise
    return X, labels.astype(np.int64)


def _moons(n: int, noise: float, rng: np.random.Generator, k: int) -> tuple[F, F]:
    labels = np.arange(n) % 2
    t = rng.uniform(0, np.pi, n)
    x1 = np.where(labels == 0, np.cos(t), 1 - np.cos(t))
    x2 = np.where(labels == 0, np.sin(t), 0.5 - np.sin(t))
    # Scaled by 3 and centred, the moons fill the (-6, 6) plane; noise is in moon radii.
    X = 3 * (np.stack([x1 - 0.5, x2 - 0.25]) + rng.normal(0, noise, (2, n)))
    return X, labels.astype(np.int64)


def _plane(n: int, noise: float, rng: np.random.Generator, k: int) -> tuple[F, F]:
    X = rng.uniform(-6, 6, (2, n))
    jitter = rng.uniform(-6, 6, (2, n)) * noise
    x1, x2 = X + jitter
    # x1 + x2 spans [-12, 12] on the plane; noise can push it further, hence the clip.
    return X, np.clip((x1 + x2) / 12, -1, 1)


CURVE_WAVES = 2.5
"""The curve's full periods over x1 in (-6, 6): five bumps, more than a few units can draw."""


def _curve(n: int, noise: float, rng: np.random.Generator, k: int) -> tuple[F, F]:
    # A 1-D curve y = f(x1), drawn over the plane (x2 plays no part): a regression a single
    # wide hidden layer approximates, the better the more units it has.
    X = rng.uniform(-6, 6, (2, n))
    x1 = X[0] + rng.uniform(-6, 6, n) * noise
    return X, 0.9 * np.sin(np.pi * CURVE_WAVES * x1 / 6)


_BUMPS = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]


def _multigauss(n: int, noise: float, rng: np.random.Generator, k: int) -> tuple[F, F]:
    # Six signed bumps of radius 2; each point takes the strongest bump's value.
    X = rng.uniform(-6, 6, (2, n))
    x1, x2 = X + rng.uniform(-6, 6, (2, n)) * noise
    best = np.zeros(n)
    for cx, cy, sign in _BUMPS:
        value = sign * np.clip(1 - np.hypot(x1 - cx, x2 - cy) / 2, 0, 1)
        best = np.where(np.abs(value) > np.abs(best), value, best)
    return X, best


_GENERATORS: dict[str, tuple[str, Generator]] = {
    "circle": ("binary", _circle),
    "xor": ("binary", _xor),
    "gauss": ("binary", _gauss),
    "spiral": ("classes", _spiral),
    "plane": ("regression", _plane),
    "multigauss": ("regression", _multigauss),
    "moons": ("binary", _moons),
    "blobs": ("classes", _blobs),
    "curve": ("regression", _curve),
}

DATASETS: dict[str, str] = {name: task for name, (task, _) in _GENERATORS.items()}
DATASETS.update(student="binary", custom="custom")
"""Every dataset name and its task ("classes": binary for 2, multiclass for 3 to 6)."""


def make(name: str, n: int = 500, noise: float = 0.0, seed: int = 0,
         classes: int = 2) -> Dataset:
    """A seeded dataset. `classes` (2..6) is used by spiral and blobs, ignored by the others."""
    if name == "custom":
        raise ValueError("dataset: 'custom' data comes from from_points or from_csv")
    if name == "student":
        return make_dataset(STUDENTS[:, :2].T, STUDENTS[:, 2].astype(np.int64), "binary", 2,
                            STUDENT_DOMAIN, "student")
    kind, generate = lookup(_GENERATORS, name, "dataset")
    _check_int("n", n, 1, MAX_POINTS)
    if isinstance(noise, bool) or not isinstance(noise, int | float) or not 0 <= noise <= 1:
        raise ValueError(f"noise: expected a number from 0 to 1, got {noise!r}")
    _check_int("seed", seed, 0, 2**63 - 1)
    if kind == "classes":
        _check_int("classes", classes, MIN_CLASSES, MAX_CLASSES)
    k = classes if kind == "classes" else 2
    X, labels = generate(n, float(noise), np.random.default_rng(seed), k)
    task = kind if kind != "classes" else ("binary" if k == 2 else "multiclass")
    return make_dataset(X, labels, task, k if task != "regression" else 1, DOMAIN, name)


def _check_int(field: str, value: Any, low: int, high: int) -> None:
    ok = isinstance(value, int | np.integer) and not isinstance(value, bool)
    if not ok or not low <= value <= high:
        raise ValueError(f"{field}: expected an integer from {low} to {high}, got {value!r}")


PREVIEW_POINTS = 60
PREVIEW_SCALE = 100
"""Preview coordinates are integers from -100 to 100 (the domain's edges), regression targets
too (-100 to 100 for -1 to 1), class labels stay class indices."""
_CUSTOM_SKETCH = np.array([[-3.3, 2.7, 0], [-1.8, -2.4, 0], [3.0, 2.1, 1], [1.8, -3.0, 1],
                           [0.3, 3.6, 1]])
"""A handful of points that suggest "your own points" (custom data has no generator)."""


def preview(name: str, classes: int = 2, n: int = PREVIEW_POINTS) -> npt.NDArray[np.int64]:
    """(m, 3) integer rows [x1, x2, label] that sketch a dataset for a thumbnail.

    The points are the engine's own (seed 1, no noise), scaled so that the domain spans
    -PREVIEW_SCALE..PREVIEW_SCALE: a page draws them without knowing any generator.
    """
    if name == "custom":
        X, labels, domain = _CUSTOM_SKETCH[:, :2].T, _CUSTOM_SKETCH[:, 2], DOMAIN
        regression = False
    else:
        ds = make(name, n=n, seed=1, classes=classes)
        X, labels, domain = ds.X, ds.labels, ds.domain
        regression = ds.task == "regression"
    lo = np.array([[domain[0]], [domain[2]]])
    half = np.array([[domain[1] - domain[0]], [domain[3] - domain[2]]]) / 2
    xy = np.rint((X - lo - half) / half * PREVIEW_SCALE)
    label = np.rint(labels * PREVIEW_SCALE) if regression else labels
    return np.column_stack([xy.T, label]).astype(np.int64)


@dataclass(frozen=True)
class Split:
    """Disjoint train / validation / test parts of one dataset (validation may be empty)."""

    train: Dataset
    validation: Dataset
    test: Dataset
    full: Dataset


def split(ds: Dataset, train_fraction: float = 0.5, validation_fraction: float = 0.0,
          seed: int = 0) -> Split:
    """Shuffle ds with the seed and cut it into train, validation and test parts."""
    for field, value, low in (("train_fraction", train_fraction, 0.0),
                              ("validation_fraction", validation_fraction, 0.0)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= 1:
            raise ValueError(f"{field}: expected a number from 0 to 1, got {value!r}")
    if train_fraction <= 0 or train_fraction + validation_fraction > 1 + 1e-9:
        raise ValueError("train_fraction: must be > 0, and train + validation must be <= 1")
    order = np.random.default_rng(seed).permutation(ds.m)
    n_train = min(ds.m, max(1, round(ds.m * train_fraction)))
    n_val = min(ds.m - n_train, round(ds.m * validation_fraction))
    return Split(ds.subset(order[:n_train]), ds.subset(order[n_train:n_train + n_val]),
                 ds.subset(order[n_train + n_val:]), ds)
