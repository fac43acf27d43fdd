"""What a session has to send, in order, for the runner's writer task (server/runner.py)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from server import protocol

FRAME = object()
"""Outbox marker: build and send a frame of the current state here."""


class Outbox(deque[str | object]):
    """Replies waiting to be sent: text messages, FRAME markers and, for a teacher, the
    frames of the student it watches (bytes, see rooms/member.py)."""

    def __init__(self) -> None:
        super().__init__()
        self.wake: Callable[[], None] = lambda: None
        """Tells the producer that the outbox or the ready frame has something to send (the
        runner sets it)."""

    def send(self, message: protocol.ServerModel) -> None:
        self.append(message.model_dump_json())
        self.wake()

    def send_frame(self) -> None:
        self.append(FRAME)
        self.wake()

    def relay(self, frame: bytes) -> None:
        """Send another session's frame (a spotlit student's, to its teacher); one still
        waiting here is replaced: the teacher sees the latest."""
        for index, item in enumerate(self):
            if isinstance(item, bytes):
                self[index] = frame
                break
        else:
            self.append(frame)
        self.wake()
