"""A spotlit student's frames, marked for the teacher's socket."""

from __future__ import annotations

import json
import struct


def with_spotlight(frame: bytes, student: str) -> bytes:
    """The frame with `"spotlight": student` in its header (see server/frames.py: the arrays'
    offsets count from the header's end, so they hold; the header is padded again)."""
    (size,) = struct.unpack_from("<I", frame, 0)
    header = json.loads(frame[4:4 + size])
    header["spotlight"] = student
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-(4 + len(head)) % 4)
    return b"".join([struct.pack("<I", len(head)), head, frame[4 + size:]])
