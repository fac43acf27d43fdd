"""Server settings: one frozen dataclass, built from the command line or the environment."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any


def packaged_web_dir() -> Path:
    """The page's files: the package resource `server/web` of an installed wheel, or else the
    repository's top-level web/ (a clone, or its editable install, serves it in place).

    pyproject.toml maps web/ to `server/web` when it builds a wheel or an sdist.
    """
    packaged = resources.files("server") / "web"
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "web"


DEFAULT_WEB_DIR = packaged_web_dir()
ENV_PREFIX = "PLAYGROUND_"


@dataclass(frozen=True)
class Settings:
    """Everything `create_app` needs. Tests build their own (e.g. a temporary `web_dir`)."""

    host: str = "127.0.0.1"
    port: int = 8000
    web_dir: Path = DEFAULT_WEB_DIR
    # Extra origins (scheme://host[:port]) allowed to open the websocket besides the page's own.
    allowed_origins: tuple[str, ...] = ()
    # Host names (or addresses) the server answers to besides loopback ones and the bound
    # address (for 0.0.0.0: this machine's addresses); "*": any. Guards against DNS rebinding.
    allowed_hosts: tuple[str, ...] = ()
    # Who may embed the page in a frame (CSP frame-ancestors): 'self', 'none', or origins.
    frame_ancestors: str = "'self'"
    # Serve the interactive API docs at /api/docs (and /api/openapi.json).
    api_docs: bool = False
    # Request line plus headers larger than this get 400 before any route (or handshake) runs.
    max_header_bytes: int = 16_384
    # Sessions per process, and per client address in a process (a class behind one NAT
    # address needs max_sessions_per_client raised).
    max_sessions: int = 160
    max_sessions_per_client: int = 40
    # The consumer stops reading a client whose unsent replies pass this size (a client that
    # does not read costs at most about this much, plus one reply and the socket's buffers).
    max_backlog_bytes: int = 2 * 1_048_576
    # A client that takes no message for this long is gone: its session ends. Websocket
    # pings go every ping_interval s and a pong is due within ping_timeout s.
    send_timeout: float = 20.0
    ping_interval: float = 20.0
    ping_timeout: float = 20.0
    # Text messages longer than this get a `too_large` error; the transport closes the socket
    # only above `ws_max_bytes` (1009), so a slightly too large import still gets a clear error.
    max_message_bytes: int = 1_048_576
    ws_max_bytes: int = 4 * 1_048_576
    # permessage-deflate roughly halves a frame on the wire (for classroom Wi-Fi) for about
    # as much CPU as building it again; turn it off when the network is not the bottleneck.
    compression: bool = True
    # Training slice: the scheduler yields to the event loop after about this long.
    slice_seconds: float = 0.004
    # An epoch longer than this (e.g. 4000 points at batch size 1) runs in a worker thread.
    thread_epochs_above: float = 0.02
    # Heavy diagnostics (histograms, gradients) are recomputed at most this often while playing.
    diagnostics_interval: float = 0.2

    def to_env(self) -> dict[str, str]:
        """The environment variables that `from_env` reads back (used by `--workers`)."""
        return {ENV_PREFIX + name: write(getattr(self, field))
                for field, (name, write, _) in ENV_FIELDS.items()}

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Settings from `PLAYGROUND_*` variables; unset ones keep their defaults."""
        env = dict(os.environ) if environ is None else environ
        return cls(**{field: read(env[ENV_PREFIX + name])
                      for field, (name, _, read) in ENV_FIELDS.items()
                      if ENV_PREFIX + name in env})


ENV_FIELDS: dict[str, tuple[str, Callable[[Any], str], Callable[[str], Any]]] = {
    "host": ("HOST", str, str),
    "port": ("PORT", str, int),
    "web_dir": ("WEB_DIR", str, Path),
    "allowed_origins": ("ALLOW_ORIGINS", lambda origins: json.dumps(list(origins)),
                        lambda text: tuple(str(o) for o in json.loads(text))),
    "compression": ("COMPRESSION", lambda on: "1" if on else "0", lambda text: text != "0"),
    "allowed_hosts": ("ALLOW_HOSTS", lambda hosts: json.dumps(list(hosts)),
                      lambda text: tuple(str(h) for h in json.loads(text))),
    "frame_ancestors": ("FRAME_ANCESTORS", str, str),
    "api_docs": ("API_DOCS", lambda on: "1" if on else "0", lambda text: text == "1"),
    "max_sessions": ("MAX_SESSIONS", str, int),
    "max_sessions_per_client": ("MAX_SESSIONS_PER_CLIENT", str, int),
}
"""The settings `--workers` passes to its processes: field: (variable after the prefix,
value to text, text to value)."""
