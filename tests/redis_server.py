"""A real `redis-server` on a free port, for the rooms' tests (started once per test run).

The Makefile installs Debian's redis-server when it is missing; without it the tests that
need it fail with a message saying so (they are never skipped silently).
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator

from tests.server_process import free_port, spawn, stop_server

MISSING = ("redis-server is not installed: the rooms' tests need it. `make test` installs it "
           "(apt-get install -y redis-server).")


@contextlib.contextmanager
def redis_server(timeout: float = 10.0) -> Iterator[str]:
    """Start redis-server (no persistence) and yield its URL; stop it on exit."""
    program = shutil.which("redis-server")
    if program is None:
        raise RuntimeError(MISSING)
    port = free_port()
    with tempfile.TemporaryDirectory() as workdir, tempfile.TemporaryFile() as log:
        process = spawn(
            [program, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", workdir],
            stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    raise RuntimeError("redis-server exited: " + log.read().decode(
                        errors="replace"))
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                        s.sendall(b"PING\r\n")
                        if s.recv(16).startswith(b"+PONG"):
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not answer within {timeout} s")
                time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            stop_server(process)
