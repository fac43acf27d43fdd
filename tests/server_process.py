"""A real `python -m server` process on a free port, for end-to-end and browser tests.

    with running_server() as base_url:      # e.g. "http://127.0.0.1:50123"
        ...

The process is terminated on exit; if the block raised, its output is printed so the failure
shows what the server logged.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
            raise RuntimeError(f"server exited with code {process.returncode} before answering")
        try:
            with urllib.request.urlopen(base_url + "/health", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.05)
    raise RuntimeError(f"server did not answer {base_url}/health within {timeout} s")


@contextlib.contextmanager
def server_process(port: int | None = None, extra_args: Sequence[str] = (),
                   timeout: float = 20.0) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """Like running_server, but also yields the process (for its pid)."""
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "server", "--no-browser", "--port", str(port), *extra_args]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   env=env)
        failed = True
        try:
            wait_healthy(base_url, process, timeout)
            yield process, base_url
            failed = False
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if failed:
                log.seek(0)
                sys.stderr.write(f"--- server log ({' '.join(command)}) ---\n")
                sys.stderr.write(log.read().decode(errors="replace"))
                sys.stderr.write("--- end of server log ---\n")


@contextlib.contextmanager
def running_server(port: int | None = None, extra_args: Sequence[str] = (),
                   timeout: float = 20.0) -> Iterator[str]:
    """Start the server, wait for /health, yield its base URL; dump its log if the body fails."""
    with server_process(port, extra_args, timeout) as (_, base_url):
        yield base_url
