"""The Dataset type and user-supplied points (a list or CSV text), validated row by row."""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from engine.registry import lookup

F = npt.NDArray[Any]
Domain = tuple[float, float, float, float]

MAX_POINTS = 5000
"""At most this many points in any dataset."""
MAX_ABS = 1000.0
"""User coordinates and regression targets must lie in [-MAX_ABS, MAX_ABS]."""
DOMAIN: Domain = (-6.0, 6.0, -6.0, 6.0)
"""TF Playground's input plane, shared by the synthetic sets."""
TASKS = ("binary", "multiclass", "regression")


@dataclass(frozen=True, eq=False)
class Dataset:
    """Points X (2, m), targets Y in the network's format, and what to draw them on."""

    X: F
    """(2, m) raw inputs x1, x2."""
    Y: F
    """(1, m) 0/1 or regression target; (k, m) one-hot for k > 2 classes."""
    labels: F
    """(m,) class index (int) or target value (float)."""
    task: str
    classes: int
    domain: Domain
    name: str = "custom"

    @property
    def m(self) -> int:
        return int(self.X.shape[1])

    def subset(self, idx: F) -> Dataset:
        """The points at the given column indices, same task and domain."""
        return Dataset(self.X[:, idx], self.Y[:, idx], self.labels[idx], self.task,
                       self.classes, self.domain, self.name)


def make_dataset(X: F, labels: F, task: str, classes: int, domain: Domain,
                 name: str) -> Dataset:
    """Build Y from labels: a row of 0/1 (binary), one-hot rows (multiclass), or the targets."""
    X = np.ascontiguousarray(X, dtype=np.float64)
    if task == "multiclass":
        labels = labels.astype(np.int64)
        Y = np.eye(classes)[:, labels]
    elif task == "binary":
        labels = labels.astype(np.int64)
        Y = labels.reshape(1, -1).astype(np.float64)
    else:
        labels = labels.astype(np.float64)
        Y = labels.reshape(1, -1).copy()
    return Dataset(X, np.ascontiguousarray(Y), labels, task, classes, domain, name)


def _check_task(task: str, classes: int) -> int:
    lookup({t: t for t in TASKS}, task, "task")
    if task == "binary":
        return 2
    if task == "regression":
        return 1
    if isinstance(classes, bool) or not isinstance(classes, int) or not 3 <= classes <= 6:
        raise ValueError(f"classes: multiclass data needs 3 to 6 classes, got {classes!r}")
    return classes


def _number(value: Any, where: str, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where}: {field} must be a number, got {value!r}")
    x = float(value)
    if not math.isfinite(x) or abs(x) > MAX_ABS:
        raise ValueError(f"{where}: {field} must be a finite number in [-{MAX_ABS:g}, {MAX_ABS:g}]")
    return x


def _label(value: Any, where: str, task: str, classes: int) -> float:
    y = _number(value, where, "label")
    if task == "regression":
        return y
    if y != int(y) or not 0 <= y < classes:
        allowed = "0 or 1" if classes == 2 else f"an integer from 0 to {classes - 1}"
        raise ValueError(f"{where}: label must be {allowed}")
    return y


def _from_rows(rows: Sequence[Any], where: Sequence[str], task: str, classes: int) -> Dataset:
    k = _check_task(task, classes)
    if len(rows) == 0:
        raise ValueError("points: no points given")
    if len(rows) > MAX_POINTS:
        raise ValueError(f"points: at most {MAX_POINTS} points, got {len(rows)}")
    values = np.empty((len(rows), 3))
    for i, row in enumerate(rows):
        if isinstance(row, str | bytes) or not isinstance(row, Sequence) or len(row) != 3:
            raise ValueError(f"{where[i]}: expected [x1, x2, label], got {row!r}")
        values[i, 0] = _number(row[0], where[i], "x1")
        values[i, 1] = _number(row[1], where[i], "x2")
        values[i, 2] = _label(row[2], where[i], task, k)
    return make_dataset(values[:, :2].T, values[:, 2], task, k, _domain_for(values[:, :2]),
                        "custom")


def _domain_for(points: F) -> Domain:
    # The usual (-6, 6) plane, widened symmetrically (with a 10% margin) to show every point.
    reach = float(np.abs(points).max()) * 1.1
    half = max(DOMAIN[1], reach)
    return (-half, half, -half, half)


def from_points(points: Sequence[Any], task: str = "binary", classes: int = 2) -> Dataset:
    """A dataset from [[x1, x2, label], ...]; ValueError names the bad row, e.g. points[3]."""
    if isinstance(points, str | bytes) or not isinstance(points, Sequence):
        raise ValueError("points: expected a list of [x1, x2, label]")
    return _from_rows(points, [f"points[{i}]" for i in range(len(points))], task, classes)


_DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+([eE][+-]?\d+)?$")


def _cells(line: str) -> list[str]:
    """A CSV line's cells: `;`, tab or `,` separated (in that order of preference), quoted
    fields unquoted; a decimal comma (French Excel: `1,5;-0,25;1`) reads as a point."""
    delimiter = ";" if ";" in line else "\t" if "\t" in line else ","
    cells = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [])
    cells = [c.strip() for c in cells]
    return [c.replace(",", ".") if _DECIMAL_COMMA.match(c) else c for c in cells]


def _parse_line(line: str, lineno: int) -> list[float] | None:
    """The numbers on a CSV line, or None when the line is a header."""
    cells = _cells(line)
    if len(cells) != 3:
        raise ValueError(f"csv line {lineno}: expected 3 columns x1,x2,label, got {len(cells)}")
    numbers = []
    for cell, field in zip(cells, ("x1", "x2", "label"), strict=True):
        try:
            numbers.append(float(cell))
        except ValueError:
            if lineno == 1:
                return None
            raise ValueError(f"csv line {lineno}: {field} is not a number ({cell!r})") from None
    return numbers


def from_csv(text: str, task: str = "binary", classes: int = 2) -> Dataset:
    """A dataset from CSV text "x1,x2,label" (an optional header line, blank lines ignored)."""
    if not isinstance(text, str):
        raise ValueError("csv: expected text")
    rows: list[list[float]] = []
    where: list[str] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if len(rows) >= MAX_POINTS:
            raise ValueError(f"csv: at most {MAX_POINTS} points")
        numbers = _parse_line(line, lineno)
        if numbers is not None:
            rows.append(numbers)
            where.append(f"csv line {lineno}")
    if not rows:
        raise ValueError("csv: no points found")
    return _from_rows(rows, where, task, classes)
