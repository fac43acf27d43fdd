"""Binary frames: a little-endian uint32 N, N bytes of JSON header, then the raw arrays.

The header is padded with spaces so that the arrays start at a multiple of 4 bytes from the
start of the message: a browser can then view every float32 array in place, without a copy.
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

UINT8_LEVELS = 255


@dataclass(frozen=True)
class FrameArray:
    """One array of a frame: uint8 (quantized over `range`) or float32."""

    name: str
    data: npt.NDArray[np.uint8] | npt.NDArray[np.float32]
    range: tuple[float, float] | None = None


def quantize(
    values: npt.NDArray[np.floating[Any]],
    lo: float,
    hi: float,
    out: npt.NDArray[np.uint8],
    scratch: npt.NDArray[np.float32],
) -> npt.NDArray[np.uint8]:
    """q = round((v - lo) / (hi - lo) * 255), clipped to 0..255, into `out` (same shape)."""
    scale = UINT8_LEVELS / (hi - lo) if hi > lo else 0.0
    # (v - lo) * scale + 1/2, clipped, then truncated by the cast: rounding half up.
    # fmax, unlike maximum, turns NaN into 0.
    np.multiply(values, scale, out=scratch)
    np.add(scratch, 0.5 - lo * scale, out=scratch)
    np.fmax(scratch, 0.0, out=scratch)
    np.minimum(scratch, UINT8_LEVELS, out=scratch)
    np.copyto(out, scratch, casting="unsafe")
    return out


def finite_or_none(x: float | None, digits: int = 6) -> float | None:
    """JSON has no NaN or infinity: they travel as null. Rounded to keep headers short."""
    if x is None or not math.isfinite(x):
        return None
    return float(f"{x:.{digits}g}")


DTYPE_NAMES = {np.dtype(np.uint8): "uint8", np.dtype(np.float32): "float32"}


def fields_json(fields: dict[str, Any]) -> str:
    """The members of a JSON object without its braces, for `encode`'s `more`."""
    return json.dumps(fields, separators=(",", ":"), allow_nan=False)[1:-1]


def encode(header: dict[str, Any], arrays: list[FrameArray], more: str = "") -> bytes:
    """The frame bytes; `header["arrays"]` is filled with each array's dtype, shape, offset.
    `more`: further header members already serialized (`fields_json`), e.g. the diagnostics,
    which change far less often than the frames."""
    entries: list[dict[str, Any]] = []
    chunks: list[Any] = []
    offset = 0
    for array in arrays:
        data = array.data
        if data.dtype == np.float32 and offset % 4:
            chunks.append(b"\0" * (-offset % 4))
            offset += -offset % 4
        entry: dict[str, Any] = {
            "name": array.name,
            "dtype": DTYPE_NAMES[data.dtype],
            "shape": list(data.shape),
            "offset": offset,
        }
        if array.range is not None:
            entry["range"] = [finite_or_none(array.range[0]), finite_or_none(array.range[1])]
        entries.append(entry)
        chunks.append(np.ascontiguousarray(data).view(np.uint8).reshape(-1).data)
        offset += data.nbytes
    header = {**header, "arrays": entries}
    text = json.dumps(header, separators=(",", ":"), allow_nan=False)
    if more:
        text = f"{text[:-1]},{more}}}"
    head = text.encode()
    head += b" " * (-(4 + len(head)) % 4)
    return b"".join([struct.pack("<I", len(head)), head, *chunks])


def decode(message: bytes) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
    """The header and the arrays of a frame (uint8 arrays dequantized to float64)."""
    (n,) = struct.unpack_from("<I", message, 0)
    header: dict[str, Any] = json.loads(message[4 : 4 + n])
    start = 4 + n
    arrays: dict[str, npt.NDArray[Any]] = {}
    for entry in header["arrays"]:
        dtype = np.dtype(entry["dtype"])
        count = int(np.prod(entry["shape"]))
        raw = np.frombuffer(message, dtype=dtype, count=count, offset=start + entry["offset"])
        raw = raw.reshape(entry["shape"])
        if dtype == np.uint8:
            lo, hi = entry["range"]
            arrays[entry["name"]] = lo + raw.astype(np.float64) / UINT8_LEVELS * (hi - lo)
        else:
            arrays[entry["name"]] = raw
    return header, arrays
