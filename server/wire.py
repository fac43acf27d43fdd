"""The websocket protocol the server runs: uvicorn's, with deflate at zlib's fastest level.

permessage-deflate at zlib's default level (6) took a fifth of a watching student's server
CPU; level 1 costs about two thirds of it for 10 % more bytes (a full frame of the default
network: 6.1 KB instead of 5.6 KB; docs/performance.md). The window and memory stay uvicorn's.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory

DEFLATE_LEVEL = 1


class Protocol(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O websocket protocol; its deflate at DEFLATE_LEVEL."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.config.ws_per_message_deflate:
            self.conn.available_extensions = [ServerPerMessageDeflateFactory(
                server_max_window_bits=12, client_max_window_bits=12,
                compress_settings={"memLevel": 5, "level": DEFLATE_LEVEL})]
