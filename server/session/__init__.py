"""One training session (one websocket): see session.py, which assembles its parts."""

from server.session.session import FRAME, RoomLink, Session

__all__ = ["FRAME", "RoomLink", "Session"]
