"""`playground` (also `python -m server`): start the server and open the page."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import socket
import sys
import threading
import time
import webbrowser
from collections.abc import Sequence

import uvicorn

from server import __version__
from server.security import lan_address
from server.settings import Settings

log = logging.getLogger("server")
MAX_DEFAULT_WORKERS = 4
"""Serving a class: one process per core up to this many (each holds about 100 MB)."""


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="playground", description="Watch a neural network learn, live, in your browser.",
        epilog="Also: `playground search --help` (hyperparameter searches in a terminal) and "
               "`playground export --help` (a saved session as NumPy or Keras code).",
    )
    defaults = Settings()
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--host", default=defaults.host,
                        help="address to bind (0.0.0.0: every interface, for a classroom)")
    parser.add_argument("--port", type=int, default=defaults.port,
                        help=f"port to bind (default {defaults.port})")
    parser.add_argument("--no-browser", action="store_true",
                        help="do not open the page in a browser")
    parser.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN",
                        help="another page origin (scheme://host:port) allowed to connect; "
                        "repeatable")
    parser.add_argument("--allow-host", action="append", default=[], metavar="HOST",
                        help="another host name or address the server may be reached as (it "
                        "answers to loopback names, the --host address and, for 0.0.0.0, this "
                        "machine's addresses); '*' allows any; repeatable")
    parser.add_argument("--frame-ancestors", default=defaults.frame_ancestors, metavar="SOURCES",
                        help="pages that may embed the playground in a frame (CSP "
                        f"frame-ancestors, default {defaults.frame_ancestors}), e.g. "
                        "\"'self' https://course.example.edu\"")
    parser.add_argument("--api-docs", action="store_true",
                        help="serve the interactive API docs at /api/docs")
    parser.add_argument("--max-sessions", type=int, default=defaults.max_sessions,
                        help=f"sessions per server process (default {defaults.max_sessions})")
    parser.add_argument("--max-sessions-per-client", type=int,
                        default=defaults.max_sessions_per_client,
                        help="sessions per client address in a server process (default "
                        f"{defaults.max_sessions_per_client})")
    parser.add_argument("--workers", type=int, default=None,
                        help="server processes; a session lives in the process that accepted "
                        "it (default: 1 on a loopback address, just you; one per core, up to "
                        f"{MAX_DEFAULT_WORKERS}, when --host serves a class)")
    parser.add_argument("--redis", default=defaults.redis_url, metavar="URL",
                        help="redis://host:port/db: keep classroom rooms in this Redis server, "
                        "so that they span server processes (--workers) and machines; "
                        "without it, rooms need a single server process (see "
                        "docs/classroom.md)")
    parser.add_argument("--max-rooms", type=int, default=defaults.max_rooms,
                        help=f"open classroom rooms (default {defaults.max_rooms})")
    parser.add_argument("--max-students-per-room", type=int,
                        default=defaults.max_students_per_room,
                        help=f"students per room (default {defaults.max_students_per_room})")
    parser.add_argument("--no-compression", action="store_true",
                        help="do not deflate websocket messages (saves CPU, costs bandwidth)")
    parser.add_argument("--log-level", default="info",
                        choices=["critical", "error", "warning", "info", "debug"])
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error("--port must be between 0 and 65535")
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.max_sessions < 1 or args.max_sessions_per_client < 1:
        parser.error("--max-sessions and --max-sessions-per-client must be at least 1")
    if args.max_rooms < 1 or args.max_students_per_room < 1:
        parser.error("--max-rooms and --max-students-per-room must be at least 1")
    return args


def default_workers(host: str) -> int:
    """One process for a playground of one; one per core (up to a few) for a class."""
    if is_loopback(host):
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_DEFAULT_WORKERS))


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def page_urls(host: str, port: int) -> tuple[str, str | None]:
    """The URL to open here, and the one students on the network should open (or None)."""
    if is_loopback(host):
        return f"http://{host}:{port}/", None
    if host in ("0.0.0.0", "::", ""):
        return f"http://127.0.0.1:{port}/", f"http://{lan_address()}:{port}/"
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/", f"http://{shown}:{port}/"


def display_available() -> bool:
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_when_ready(url: str, host: str, port: int, timeout: float = 15.0) -> None:
    """Open `url` in the browser once the port accepts connections (from a daemon thread)."""

    def wait_then_open() -> None:
        target = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((target, port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            return
        webbrowser.open(url)

    threading.Thread(target=wait_then_open, name="open-browser", daemon=True).start()


def single_threaded_blas() -> None:
    """One BLAS thread per process: sessions are the parallelism.

    The products here are small (8 x 9 by 9 x 22 288 at most); on a busy machine BLAS threads
    spinning for a core make them tens of times slower. Must run before NumPy is imported.
    """
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")


SUBCOMMANDS = ("search", "search-worker")
"""`playground search ...`, `playground search-worker ...` (see server/search_cli.py); any
other arguments are the server's options."""
EXPORT = "export"
"""`playground export --format numpy|keras SESSION_FILE -o FILE.py` (server/export_cli.py)."""


def main(argv: Sequence[str] | None = None) -> None:
    single_threaded_blas()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        from server import search_cli

        raise SystemExit(search_cli.main(argv))
    if argv and argv[0] == EXPORT:
        from server import export_cli

        raise SystemExit(export_cli.main(argv[1:]))
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    workers = args.workers or default_workers(args.host)
    settings = Settings(host=args.host, port=args.port,
                        allowed_origins=tuple(args.allow_origin),
                        allowed_hosts=tuple(args.allow_host),
                        frame_ancestors=args.frame_ancestors, api_docs=args.api_docs,
                        max_sessions=args.max_sessions,
                        max_sessions_per_client=args.max_sessions_per_client,
                        compression=not args.no_compression, workers=workers,
                        redis_url=args.redis or None, max_rooms=args.max_rooms,
                        max_students_per_room=args.max_students_per_room)
    local_url, lan_url = page_urls(args.host, args.port)
    print(f"NN Playground: {local_url}", flush=True)
    if lan_url is not None:
        print(f"Students on this network open: {lan_url} "
              f"({workers} server process{'es' if workers > 1 else ''})", flush=True)
    if workers > 1 and settings.redis_url is None:
        print(f"Classroom rooms are off: {workers} server processes need --redis to share "
              "them (or use --workers 1)", flush=True)
    if not args.no_browser and display_available():
        open_when_ready(local_url, args.host, args.port)
    common = {
        "host": args.host,
        "port": args.port,
        "log_level": args.log_level,
        "ws_max_size": settings.ws_max_bytes,
        "ws_per_message_deflate": settings.compression,
        "ws_ping_interval": settings.ping_interval,
        "ws_ping_timeout": settings.ping_timeout,
        # h11 bounds the request line and headers (httptools buffers them without limit),
        # for plain requests and websocket handshakes alike.
        "http": "h11",
        "h11_max_incomplete_event_size": settings.max_header_bytes,
        "ws": "server.wire:Protocol",
        "timeout_graceful_shutdown": 2,
    }
    if workers == 1:
        from server.app import create_app

        uvicorn.run(create_app(settings), **common)
    else:
        os.environ.update(settings.to_env())
        uvicorn.run("server.app:create_app_from_env", factory=True, workers=workers,
                    **common)
