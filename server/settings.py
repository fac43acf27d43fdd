"""Server settings: one frozen pydantic-settings model, read from `PLAYGROUND_*` variables.

`Settings()` takes each setting from its keyword argument, else from the environment variable
`PLAYGROUND_<NAME>` (e.g. `PLAYGROUND_MAX_ROOMS=40`; lists as JSON), else its default. The
command line (server/cli.py) builds one from its options, and `--workers` passes it to the
worker processes through the same variables (`to_env`, `from_env`). Tests build their own (e.g.
a temporary `web_dir`) and derive others with `settings.model_copy(update={...})`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, EnvSettingsSource, SettingsConfigDict
from pydantic_settings.sources.utils import parse_env_vars


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


class Settings(BaseSettings):
    """Everything `create_app` needs."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="forbid")

    host: str = Field(default="127.0.0.1", description="the address to bind")
    port: int = Field(default=8000, ge=0, le=65535, description="the port to bind")
    web_dir: Path = Field(default=DEFAULT_WEB_DIR, description="the page's files")
    allowed_origins: tuple[str, ...] = Field(
        default=(), description="extra origins (scheme://host[:port]) allowed to open the "
        "websocket besides the page's own")
    allowed_hosts: tuple[str, ...] = Field(
        default=(), description="host names (or addresses) the server answers to besides "
        "loopback ones and the bound address (for 0.0.0.0: this machine's addresses); '*': "
        "any. Guards against DNS rebinding")
    frame_ancestors: str = Field(
        default="'self'", description="who may embed the page in a frame (CSP "
        "frame-ancestors): 'self', 'none', or origins")
    api_docs: bool = Field(default=False, description="serve the interactive API docs at "
                           "/api/docs (and /api/openapi.json)")
    max_header_bytes: int = Field(
        default=16_384, description="a request line plus headers larger than this gets 400 "
        "before any route (or handshake) runs")
    max_sessions: int = Field(default=160, ge=1, description="sessions per server process")
    max_sessions_per_client: int = Field(
        default=40, ge=1, description="sessions per client address in a process (a class "
        "behind one NAT address needs it raised)")
    max_backlog_bytes: int = Field(
        default=2 * 1_048_576, description="the consumer stops reading a client whose unsent "
        "replies pass this size (a client that does not read costs at most about this much, "
        "plus one reply and the socket's buffers)")
    send_timeout: float = Field(
        default=20.0, description="a client that takes no message for this long (s) is gone: "
        "its session ends")
    ping_interval: float = Field(default=20.0, description="websocket pings go this often (s)")
    ping_timeout: float = Field(default=20.0, description="a pong is due within this (s)")
    max_message_bytes: int = Field(
        default=1_048_576, description="text messages longer than this get a `too_large` "
        "error")
    ws_max_bytes: int = Field(
        default=4 * 1_048_576, description="the transport closes the socket (1009) above this "
        "size, so a slightly too large import still gets a clear error")
    compression: bool = Field(
        default=True, description="permessage-deflate roughly halves a frame on the wire (for "
        "classroom Wi-Fi) for about as much CPU as building it again")
    slice_seconds: float = Field(
        default=0.004, description="training slice: the scheduler yields to the event loop "
        "after about this long")
    thread_epochs_above: float = Field(
        default=0.02, description="an epoch longer than this (s; e.g. 4000 points at batch "
        "size 1) runs in a worker thread")
    diagnostics_interval: float = Field(
        default=0.2, description="heavy diagnostics (histograms, gradients) are recomputed at "
        "most this often (s) while playing")
    workers: int = Field(
        default=1, ge=1, description="server processes serving the same port (set by the "
        "command line's --workers): rooms need redis_url when there are several")
    redis_url: str | None = Field(
        default=None, description="redis://host:port/db of the Redis server that holds the "
        "rooms, so that they span processes and machines (none: rooms live in this process)")
    max_rooms: int = Field(default=20, ge=1, description="open rooms per server (per Redis "
                           "server with redis_url)")
    max_rooms_per_client: int = Field(
        default=3, ge=1, description="open rooms one client address may hold (a school whose "
        "teachers share one NAT address raises it)")
    max_students_per_room: int = Field(default=80, ge=1, description="students per room")
    room_idle_seconds: float = Field(
        default=1800.0, gt=0, description="a room with no teacher socket and no join for this "
        "long closes")
    room_orphan_seconds: float = Field(
        default=300.0, gt=0, description="a room whose teacher socket closed closes after "
        "this long, joins or not, unless a teacher socket resumes it (a reloaded page does "
        "at once)")
    room_join_attempts: int = Field(
        default=10, ge=1, description="failed room joins (wrong codes, or wrong keys on "
        "resuming a room) one client address may make per room_join_window; joins that work "
        "are not counted")
    room_join_window: float = Field(default=10.0, gt=0,
                                    description="the join rate limit's window (s)")
    room_tick_seconds: float = Field(
        default=1.0, gt=0, description="how often a student's card is published and the "
        "teacher's gallery sent")

    def to_env(self) -> dict[str, str]:
        """The environment variables that `from_env` reads back (used by `--workers`); a
        setting that is None has none."""
        out = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, tuple):
                text = json.dumps(list(value))
            elif isinstance(value, bool):
                text = "1" if value else "0"
            else:
                text = str(value)
            out[ENV_PREFIX + name.upper()] = text
        return out

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from the `PLAYGROUND_*` variables of `environ` (default: this process's
        environment); unset ones keep their defaults."""
        if environ is None:
            return cls()
        values = _MappingSource(cls, environ)()
        return cls(**values)


class _MappingSource(EnvSettingsSource):
    """The environment source, reading a given mapping instead of os.environ."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._mapping = dict(environ)
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return parse_env_vars(self._mapping, self.case_sensitive, self.env_ignore_empty,
                              self.env_parse_none_str)


def documented(settings: type[Settings] = Settings) -> dict[str, Any]:
    """Each setting's variable, default and description (a test checks none is missing)."""
    return {ENV_PREFIX + name.upper(): (field.default, field.description)
            for name, field in settings.model_fields.items()}



