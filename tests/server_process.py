"""A real `python -m server` process (or an installed `playground`) on a free port, for
end-to-end and browser tests.

    with running_server() as base_url:      # e.g. "http://127.0.0.1:50123"
        ...

The process is terminated on exit; if the block raised, its output is printed so the failure
shows what the server logged.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
SERVER = (sys.executable, "-m", "server")
"""The clone's server, run by the interpreter running the tests."""


STARTED: set[subprocess.Popen[Any]] = set()
"""Every process the tests started (servers, redis-server) and have not stopped yet."""


def spawn(command: Sequence[str], **options: Any) -> subprocess.Popen[Any]:
    """Popen in a process group of its own (the process and whatever it starts, such as a
    server's search workers), remembered in STARTED until stop_server ends it."""
    process: subprocess.Popen[Any] = subprocess.Popen(command, start_new_session=True,
                                                      **options)
    STARTED.add(process)
    return process


def kill_started() -> None:
    """Kill the process group of every process the tests started and have not stopped: the
    watchdog's last act before it ends a stuck run, so no server outlives it."""
    for process in list(STARTED):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        STARTED.discard(process)


class PortTaken(RuntimeError):
    """The server exited before it answered: most often, its port was not free after all."""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_healthy(base_url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise PortTaken(f"server exited with code {process.returncode} before answering "
                            "(its port may have been taken)")
        try:
            with urllib.request.urlopen(base_url + "/health", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.05)
    raise RuntimeError(f"server did not answer {base_url}/health within {timeout} s")


def start_server(port: int, log: IO[bytes], extra_args: Sequence[str] = (),
                 timeout: float = 20.0, program: Sequence[str] = SERVER,
                 cwd: Path = ROOT, settings: Mapping[str, str] | None = None
                 ) -> subprocess.Popen[bytes]:
    """`python -m server` (or `program`, e.g. an installed `playground`) on `port`, its output
    to `log`, with these `PLAYGROUND_*` settings; returns once it answers /health."""
    command = [*program, "--no-browser", "--port", str(port), *extra_args]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(settings or {})}
    process = spawn(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process, timeout)
    except BaseException:
        stop_server(process)
        raise
    return process


def stop_server(process: subprocess.Popen[Any]) -> None:
    """Terminate, and kill if it has not exited within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    STARTED.discard(process)


def dump_log(log: IO[bytes], title: str) -> None:
    """Write the server's output so far to stderr (the file position is kept at its end)."""
    log.seek(0)
    text = log.read().decode(errors="replace")
    log.seek(0, os.SEEK_END)
    sys.stderr.write(f"--- server log ({title}) ---\n{text}")
    sys.stderr.write("--- end of server log ---\n")


@contextlib.contextmanager
def ended_by_sigterm() -> Iterator[None]:
    """A SIGTERM (a bench stopped by `timeout`, say) ends the program through its `finally`
    blocks, so that the servers it started are stopped rather than left running. Only in the
    main thread, and only where SIGTERM still has its default action (an outer block or the
    program may have its own)."""
    if threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return

    def leave(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, leave)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextlib.contextmanager
def server_process(port: int | None = None, extra_args: Sequence[str] = (),
                   timeout: float = 20.0, program: Sequence[str] = SERVER, cwd: Path = ROOT,
                   ) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """Like running_server, but also yields the process (for its pid). Without a given port,
    a free one; if another program takes it before the server binds it (the server then exits
    at once), the server starts again on another."""
    chosen = port
    port = port or free_port()
    with ended_by_sigterm(), tempfile.TemporaryFile() as log:
        process: subprocess.Popen[bytes] | None = None
        failed = True
        try:
            for attempt in range(3):
                try:
                    process = start_server(port, log, extra_args, timeout, program, cwd)
                    break
                except PortTaken:
                    if chosen is not None or attempt == 2:
                        raise
                    port = free_port()
            assert process is not None
            yield process, f"http://127.0.0.1:{port}"
            failed = False
        finally:
            if process is not None:
                stop_server(process)
            if failed:
                dump_log(log, f"port {port}, {' '.join(extra_args) or 'default options'}")


@contextlib.contextmanager
def running_server(port: int | None = None, extra_args: Sequence[str] = (),
                   timeout: float = 20.0) -> Iterator[str]:
    """Start the server, wait for /health, yield its base URL; dump its log if the body fails."""
    with server_process(port, extra_args, timeout) as (_, base_url):
        yield base_url
