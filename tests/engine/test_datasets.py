"""Seeded datasets in TF Playground's range, user points validated row by row."""

import numpy as np
import pytest

from engine import datasets
from engine.datasets import MAX_POINTS, from_csv, from_points, make, split

SYNTHETIC = [name for name in datasets.DATASETS if name not in ("student", "custom")]
"""Every generated dataset: the tests below hold for a new one without a change here."""


def test_registry_lists_every_dataset():
    assert SYNTHETIC[:8] == ["circle", "xor", "gauss", "spiral", "plane", "multigauss", "moons",
                             "blobs"]
    assert list(datasets.DATASETS)[-2:] == ["student", "custom"]


@pytest.mark.parametrize("name", list(datasets.DATASETS))
def test_preview_sketches_the_dataset_on_the_scaled_domain(name):
    rows = datasets.preview(name)
    assert rows.dtype == np.int64 and rows.shape[1] == 3 and 4 <= len(rows) <= 60
    assert np.abs(rows[:, :2]).max() <= datasets.PREVIEW_SCALE
    if datasets.DATASETS[name] == "classes":
        assert set(datasets.preview(name, 4)[:, 2]) == {0, 1, 2, 3}


@pytest.mark.parametrize("name", SYNTHETIC)
def test_same_seed_same_points_other_seed_other_points(name):
    a, b, c = make(name, n=100, noise=0.2, seed=3), make(name, n=100, noise=0.2, seed=3), \
        make(name, n=100, noise=0.2, seed=4)
    assert a.X.tobytes() == b.X.tobytes() and a.Y.tobytes() == b.Y.tobytes()
    assert not np.array_equal(a.X, c.X)


@pytest.mark.parametrize("name", SYNTHETIC)
def test_points_lie_in_the_playground_plane(name):
    ds = make(name, n=300, noise=0.0, seed=1)
    assert ds.X.shape == (2, 300) and ds.X.dtype == np.float64
    assert ds.domain == (-6.0, 6.0, -6.0, 6.0)
    assert np.abs(ds.X).max() <= 6.0


@pytest.mark.parametrize("name", ["circle", "xor", "gauss", "moons"])
def test_binary_sets_have_balanced_zero_one_targets(name):
    ds = make(name, n=400, seed=0)
    assert (ds.task, ds.classes, ds.Y.shape) == ("binary", 2, (1, 400))
    assert set(np.unique(ds.Y)) == {0.0, 1.0}
    np.testing.assert_array_equal(ds.Y[0], ds.labels)
    assert 0.3 < ds.Y.mean() < 0.7


@pytest.mark.parametrize("name", ["plane", "multigauss", "curve"])
def test_regression_targets_are_scaled_to_about_one(name):
    ds = make(name, n=500, noise=0.3, seed=0)
    assert (ds.task, ds.classes, ds.Y.shape) == ("regression", 1, (1, 500))
    assert np.abs(ds.Y).max() <= 1.0 and np.abs(ds.Y).max() > 0.8


@pytest.mark.parametrize("name", ["spiral", "blobs"])
@pytest.mark.parametrize("k", [3, 4, 6])
def test_k_class_sets_give_one_hot_columns(name, k):
    ds = make(name, n=120, seed=0, classes=k)
    assert (ds.task, ds.classes, ds.Y.shape) == ("multiclass", k, (k, 120))
    np.testing.assert_array_equal(ds.Y.sum(axis=0), 1.0)
    np.testing.assert_array_equal(ds.Y.argmax(axis=0), ds.labels)
    assert np.bincount(ds.labels).tolist() == [120 // k] * k


def test_two_class_spiral_is_binary_and_classes_is_ignored_elsewhere():
    assert make("spiral", n=50, classes=2).task == "binary"
    assert make("circle", n=50, classes=5).classes == 2


def test_noise_scrambles_labels_near_the_circle_edge():
    clean = make("circle", n=400, noise=0.0, seed=0)
    noisy = make("circle", n=400, noise=0.5, seed=0)
    inside = np.hypot(*clean.X) < 2.5
    np.testing.assert_array_equal(clean.labels, inside)
    assert (np.hypot(*noisy.X) < 2.5).tolist() != noisy.labels.astype(bool).tolist()


def test_student_example_has_four_students_in_their_own_domain():
    ds = make("student")
    assert ds.X.shape == (2, 4) and ds.task == "binary"
    assert ds.domain == datasets.STUDENT_DOMAIN
    np.testing.assert_array_equal(ds.X.T, datasets.STUDENTS[:, :2])


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"name": "moon"}, "unknown dataset 'moon'"),
    ({"name": "custom"}, "from_points"),
    ({"name": "xor", "n": 0}, "n:"),
    ({"name": "xor", "n": MAX_POINTS + 1}, "n:"),
    ({"name": "xor", "noise": 1.5}, "noise:"),
    ({"name": "xor", "noise": float("nan")}, "noise:"),
    ({"name": "spiral", "classes": 7}, "classes:"),
    ({"name": "xor", "seed": -1}, "seed:"),
])
def test_bad_arguments_name_the_field(kwargs, field):
    with pytest.raises(ValueError, match=field):
        make(**kwargs)


def test_split_is_disjoint_seeded_and_sized():
    ds = make("circle", n=200, seed=0)
    s = split(ds, train_fraction=0.5, validation_fraction=0.2, seed=1)
    assert (s.train.m, s.validation.m, s.test.m) == (100, 40, 60)
    all_points = np.hstack([s.train.X, s.validation.X, s.test.X])
    assert len({tuple(p) for p in all_points.T}) == 200
    again = split(ds, 0.5, 0.2, seed=1)
    assert again.train.X.tobytes() == s.train.X.tobytes()
    assert s.full is ds and s.test.task == "binary"
    assert split(ds, 0.5).validation.m == 0


@pytest.mark.parametrize(("args", "field"), [
    ((0.0, 0.0), "train_fraction"), ((0.8, 0.3), "train_fraction"),
    ((1.2, 0.0), "train_fraction"), ((0.5, -0.1), "validation_fraction"),
])
def test_bad_split_fractions_raise(args, field):
    with pytest.raises(ValueError, match=field):
        split(make("xor", n=20), *args)


def test_points_make_a_custom_dataset():
    ds = from_points([[0, 0, 0], [1.5, -2, 1], [3, 3, 1]])
    assert ds.name == "custom" and ds.task == "binary" and ds.m == 3
    np.testing.assert_array_equal(ds.X, [[0, 1.5, 3], [0, -2, 3]])
    assert ds.domain == (-6.0, 6.0, -6.0, 6.0)
    wide = from_points([[10, 0, 0]])
    assert wide.domain[1] >= 10 and wide.domain[0] == -wide.domain[1]


def test_multiclass_and_regression_points():
    ds = from_points([[0, 0, 2], [1, 1, 0]], task="multiclass", classes=3)
    assert ds.Y.shape == (3, 2) and ds.labels.tolist() == [2, 0]
    reg = from_points([[0, 0, 0.25], [1, 1, -0.5]], task="regression")
    assert reg.Y.tolist() == [[0.25, -0.5]]


@pytest.mark.parametrize(("points", "kwargs", "message"), [
    ([[0, 0, 0], [1, 1, 1], [2, 2, 0], [3, 3, 2]], {}, r"points\[3\]: label must be 0 or 1"),
    ([[0, 0, 0], [1, 1]], {}, r"points\[1\]: expected \[x1, x2, label\]"),
    ([[0, float("nan"), 0]], {}, r"points\[0\]: x2 must be a finite number"),
    ([[0, "a", 0]], {}, r"points\[0\]: x2 must be a number"),
    ([[0, 0, 0.5]], {}, "label must be 0 or 1"),
    ([[0, 0, 3]], {"task": "multiclass", "classes": 3}, "label must be an integer from 0 to 2"),
    ([[0, 0, 1]], {"task": "multiclass", "classes": 2}, "classes: multiclass"),
    ([[0, 0, 1]], {"task": "ranking"}, "unknown task"),
    ([], {}, "points: no points"),
    ("0,0,1", {}, "points: expected a list"),
    ([[0, 0, 0]] * (MAX_POINTS + 1), {}, f"at most {MAX_POINTS}"),
])
def test_bad_points_raise_naming_the_row(points, kwargs, message):
    with pytest.raises(ValueError, match=message):
        from_points(points, **kwargs)


def test_csv_with_header_and_blank_lines():
    ds = from_csv("x1,x2,label\n\n1,2,0\n -3 ; 4 ; 1 \n# a comment\n5\t6\t1\n")
    assert ds.m == 3
    np.testing.assert_array_equal(ds.X, [[1, -3, 5], [2, 4, 6]])
    assert ds.labels.tolist() == [0, 1, 1]


def test_csv_from_french_excel_with_semicolons_decimal_commas_and_quotes():
    ds = from_csv('"x1";"x2";"label"\n1,5;-0,25;1\n"2";"3,75";"0"\n"1,5","2",1\n')
    np.testing.assert_array_equal(ds.X, [[1.5, 2, 1.5], [-0.25, 3.75, 2]])
    assert ds.labels.tolist() == [1, 0, 1]


@pytest.mark.parametrize(("text", "message"), [
    ("1,2\n", "csv line 1: expected 3 columns"),
    ("x1,x2,label\n1,2,0\n3,a,1\n", r"csv line 3: x2 is not a number \('a'\)"),
    ("1,2,0\n1,2,0,4\n", "csv line 2: expected 3 columns"),
    ("1,2,0\n1,nan,1\n", "csv line 2: x2 must be a finite number"),
    ("1,2,7\n", "csv line 1: label must be 0 or 1"),
    ("x1,x2,label\n", "csv: no points"),
    ("0,0,0\n" * (MAX_POINTS + 1), f"csv: at most {MAX_POINTS} points"),
])
def test_bad_csv_raises_naming_the_line(text, message):
    with pytest.raises(ValueError, match=message):
        from_csv(text)


def test_the_curve_is_a_function_of_x1_alone():
    """The wide-layer lesson's 1-D curve: the same x1 gives the same target whatever x2."""
    ds = make("curve", n=400, seed=2)
    order = np.argsort(ds.X[0])
    y = ds.Y[0][order]
    assert np.allclose(y, 0.9 * np.sin(np.pi * datasets.CURVE_WAVES * ds.X[0][order] / 6))
    # Five bumps over (-6, 6): the target changes sign at least 4 times along x1.
    assert (np.diff(np.sign(y)) != 0).sum() >= 4
