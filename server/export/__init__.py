"""A session as code: a self-contained NumPy script in the course's notation, or Keras 3.

Both carry the session's points (its train, validation and test parts), its input features and
standardization, its parameters and, as comments, its settings. Every float is written in its
shortest exact form (`repr`). The templates are plain text, filled with `string.Template`:
server/export/numpy_code.py and server/export/keras_code.py.
"""

from __future__ import annotations

from collections.abc import Callable

from server.export.keras_code import keras_script
from server.export.numpy_code import numpy_script
from server.model import Model

FORMATS: dict[str, Callable[[Model], str]] = {"numpy": numpy_script, "keras": keras_script}
"""`playground export --format` and the page's export buttons."""


def script(model: Model, format: str) -> str:
    """The session as code in `format` (ValueError listing the formats for an unknown one)."""
    if format not in FORMATS:
        raise ValueError(f"format: expected one of {', '.join(FORMATS)}, got {format!r}")
    return FORMATS[format](model)


__all__ = ["FORMATS", "keras_script", "numpy_script", "script"]
