"""Working memory shared by computations that never run at the same time.

Every session of a server process builds its frames on one thread, one after another: if each
had its own buffers for the layers of its grids and metrics, a class of forty would touch forty
sets of them, far more than the caches hold. Sharing one set keeps it hot. Only the buffers a
computation fills before reading are shared (layer outputs); its inputs stay its own.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt


class Scratch:
    """One flat buffer per dtype; each grows to the largest size asked for."""

    def __init__(self) -> None:
        self._buffers: dict[np.dtype[Any], npt.NDArray[Any]] = {}

    def at_least(self, size: int, dtype: Any = np.float32) -> npt.NDArray[Any]:
        """A flat buffer of at least `size` elements (a new one when it had to grow: views
        of the old one stay valid, but are no longer shared)."""
        key = np.dtype(dtype)
        buffer = self._buffers.get(key)
        if buffer is None or buffer.size < size:
            buffer = self._buffers[key] = np.empty(size, key)
        return buffer
