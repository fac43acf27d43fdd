"""Fixtures shared by the test packages."""

from __future__ import annotations

import asyncio
import faulthandler
import fcntl
import gc
import io
import os
import sys
import threading
from collections.abc import Iterator

import pytest

from tests.installed import Installed, install_once
from tests.server_process import STARTED, kill_started


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel installed into a fresh venv outside the clone, built once per test run: the
    run's workers (pytest-xdist) share it, the first to need it builds it while the others
    wait (two builds of one clone at once would trip over each other's build/ directory)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's directory, above each worker's own
    with open(base / "installed.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return install_once(base / "installed")


WATCHDOG_SECONDS = 300
"""A test (setup, call and teardown) still running after this long is stuck where the
per-test timeout (120 s, pyproject.toml) could not end it, typically in a teardown that waits
for a server task the timeout left hanging: every thread's stack is printed and the run
exits, so CI fails in minutes with the place to look, instead of hanging until it is killed."""


_terminal: list[int] = []
"""The run's own stderr, kept before pytest captures the tests' output."""


def pytest_configure(config: pytest.Config) -> None:
    _terminal.append(os.dup(sys.stderr.fileno()))


def _watch(item: pytest.Item, done: threading.Event) -> None:
    if done.wait(WATCHDOG_SECONDS):
        return
    stderr = _terminal[0] if _terminal else 2
    os.write(stderr, f"\n\n{item.nodeid} is still running after {WATCHDOG_SECONDS} s: "
             "stuck. The stacks of every thread follow; the test run stops here.\n".encode())
    faulthandler.dump_traceback(file=stderr, all_threads=True)
    os.write(stderr, _pending_tasks().encode(errors="replace"))
    os.write(stderr, f"Killing the {len(STARTED)} processes the tests started.\n".encode())
    kill_started()  # os._exit runs no fixture teardown: the servers would outlive the run
    os._exit(70)


def _pending_tasks() -> str:
    """The asyncio tasks of every event loop still running (a loop that never ends waits for
    one of them), with where each one waits. Read from another thread: a best effort."""
    lines = []
    for loop in [o for o in gc.get_objects() if isinstance(o, asyncio.AbstractEventLoop)]:
        if loop.is_closed():
            continue
        try:
            tasks = list(asyncio.all_tasks(loop))
        except RuntimeError:
            continue
        lines.append(f"\nEvent loop {loop!r}: {len(tasks)} pending tasks")
        for task in tasks:
            stack = io.StringIO()
            task.print_stack(limit=12, file=stack)
            lines.append(stack.getvalue())
    return "\n".join(lines) + "\n"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    # A thread of our own: pytest's faulthandler plugin cancels faulthandler's own timer
    # whenever a test fails, and a stuck teardown comes after a failure.
    done = threading.Event()
    threading.Thread(target=_watch, args=(item, done), name="test-watchdog",
                     daemon=True).start()
    try:
        yield
    finally:
        done.set()
