"""θ: every learned parameter of a network in one flat vector, so an optimizer updates them all
in one call.

W[l] (n[l], n[l-1]) and b[l] (n[l], 1) are views of θ, laid out as the blocks [W[l] | b[l]]
(the fast path multiplies a block by [A[l-1]; 1] in one product), then γ[l] and β[l] (n[l], 1)
of each batch-normalized layer. The running mean and variance of those layers are statistics,
not learned: they live apart, in `RunningStatistics`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from engine.registry import Array

NONE = np.zeros((0, 0))
"""The placeholder at index 0 (and at the layers without batch normalization)."""


class ParamList(list[Array]):
    """W[l], b[l], γ[l] or β[l] for l in 1..L. Assigning an array copies it into θ."""

    def __setitem__(self, l: Any, value: Any) -> None:
        target = list.__getitem__(self, l)
        new = np.asarray(value, dtype=np.float64)
        if new.shape != target.shape:
            raise ValueError(f"layer {l}: expected shape {target.shape}, got {new.shape}")
        target[...] = new


def _views(flat: Array, start: int, shapes: Sequence[tuple[int, int]]) -> tuple[list[Array], int]:
    out = []
    for rows, cols in shapes:
        out.append(flat[start:start + rows * cols].reshape(rows, cols))
        start += rows * cols
    return out, start


class Parameters:
    """θ (float64, or float32 for a copy the display passes run on) and its views by layer."""

    def __init__(self, sizes: Sequence[int], dtype: type = np.float64,
                 batch_norm: Sequence[bool] | None = None) -> None:
        self.sizes = list(sizes)
        L = len(sizes) - 1
        self.batch_norm = [False] + [bool(x) for x in (batch_norm or [False] * L)]
        """batch_norm[l] for l in 1..L (index 0 is False)."""
        normed = [l for l in range(1, L + 1) if self.batch_norm[l]]
        size = sum(sizes[l] * (sizes[l - 1] + 1) for l in range(1, L + 1))
        self.flat: Array = np.zeros(size + sum(2 * sizes[l] for l in normed), dtype)
        blocks, start = _views(self.flat, 0, [(sizes[l], sizes[l - 1] + 1)
                                              for l in range(1, L + 1)])
        self.Wb: list[Array] = [NONE, *blocks]
        self.W = ParamList([NONE] + [Wb[:, :-1] for Wb in blocks])
        self.b = ParamList([NONE] + [Wb[:, -1:] for Wb in blocks])
        self.gamma = ParamList([NONE] * (L + 1))
        self.beta = ParamList([NONE] * (L + 1))
        for l in normed:
            (gamma, beta), start = _views(self.flat, start, [(sizes[l], 1)] * 2)
            list.__setitem__(self.gamma, l, gamma)
            list.__setitem__(self.beta, l, beta)
        mask = np.zeros_like(self.flat)
        for l in range(1, L + 1):
            mask[self.offset(l):self.offset(l) + blocks[l - 1].size] \
                .reshape(blocks[l - 1].shape)[:, :-1] = 1.0
        self.weight_mask: Array = mask
        """1 on the entries of every W[l], 0 on b, γ and β (regularization skips them)."""

    def offset(self, l: int) -> int:
        """Where the block [W[l] | b[l]] starts in θ."""
        return sum(self.sizes[k] * (self.sizes[k - 1] + 1) for k in range(1, l))

    @property
    def blocks_size(self) -> int:
        """Elements of θ taken by the blocks [W[l] | b[l]] (γ and β come after)."""
        return self.offset(len(self.sizes))


class RunningStatistics:
    """The running mean and variance (n[l], 1) of each batch-normalized layer's Z[l], one flat
    vector (so a trainer saves and restores them in one copy)."""

    def __init__(self, sizes: Sequence[int], batch_norm: Sequence[bool]) -> None:
        L = len(sizes) - 1
        normed = [l for l in range(1, L + 1) if batch_norm[l]]
        self.flat: Array = np.zeros(sum(2 * sizes[l] for l in normed))
        self.mean = ParamList([NONE] * (L + 1))
        self.var = ParamList([NONE] * (L + 1))
        start = 0
        for l in normed:
            (mean, var), start = _views(self.flat, start, [(sizes[l], 1)] * 2)
            var.fill(1.0)  # before any batch: the identity, Ẑ = Z
            list.__setitem__(self.mean, l, mean)
            list.__setitem__(self.var, l, var)
