"""A real `redis-server` on a free port, for the rooms' tests (started once per test run).

The Makefile installs Debian's redis-server when it is missing; without it the tests that
need it fail with a message saying so (they are never skipped silently).
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from typing import IO

from tests.server_process import free_port, spawn, stop_server

MISSING = ("redis-server is not installed: the rooms' tests need it. `make test` installs it "
           "(apt-get install -y redis-server).")


class RedisServer:
    """One redis-server (no persistence) on a port of its own, which a test can stop and
    start again on the same port (a restarted or failed-over Redis comes back empty)."""

    def __init__(self, workdir: str, log: IO[bytes], timeout: float = 10.0) -> None:
        program = shutil.which("redis-server")
        if program is None:
            raise RuntimeError(MISSING)
        self.program, self.workdir, self.log, self.timeout = program, workdir, log, timeout
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = spawn(
            [self.program, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.workdir],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.timeout
        while True:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError("redis-server exited: " + self.log.read().decode(
                    errors="replace"))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not answer within {self.timeout} s")
            time.sleep(0.05)

    def freeze(self, frozen: bool = True) -> None:
        """Stop (or resume) the server's process without closing its sockets: a machine
        that stopped answering."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP if frozen else signal.SIGCONT)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            stop_server(process)


@contextlib.contextmanager
def restartable_redis_server(timeout: float = 10.0) -> Iterator[RedisServer]:
    """Start a RedisServer; stop it on exit."""
    with tempfile.TemporaryDirectory() as workdir, tempfile.TemporaryFile() as log:
        server = RedisServer(workdir, log, timeout)
        try:
            server.start()
            yield server
        finally:
            server.stop()


@contextlib.contextmanager
def redis_server(timeout: float = 10.0) -> Iterator[str]:
    """Start redis-server (no persistence) and yield its URL; stop it on exit."""
    with restartable_redis_server(timeout) as server:
        yield server.url
