"""One training session (one websocket): session.py assembles its parts, handlers.py applies
the client's messages to it."""

from server.session.handlers import handle
from server.session.outbox import FRAME
from server.session.session import RoomLink, Session

__all__ = ["FRAME", "RoomLink", "Session", "handle"]
