"""What a stuck run's watchdog leaves behind: nothing. The processes the tests start live in
process groups of their own, which kill_started ends with whatever they started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.server_process import ROOT, STARTED, kill_started, spawn, stop_server


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_kill_started_ends_a_started_process_and_its_children() -> None:
    # The processes other tests of this worker still use (its redis-server) are put aside:
    # kill_started ends every process in STARTED.
    others = set(STARTED)
    STARTED.clear()
    try:
        # A shell that starts a child and prints its pid, like a server and its workers.
        process = spawn(["sh", "-c", "sleep 60 & echo $!; wait"], stdout=subprocess.PIPE,
                        text=True)
        child = int(process.stdout.readline())
        assert process in STARTED and alive(child)
        assert os.getpgid(process.pid) == process.pid != os.getpgid(0)
        kill_started()
    finally:
        STARTED.update(others)
    process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)
    assert process not in STARTED


def test_a_stopped_process_is_forgotten() -> None:
    process = spawn(["sleep", "60"])
    stop_server(process)
    assert process not in STARTED and process.returncode is not None


def test_a_program_ended_by_sigterm_stops_the_server_it_started() -> None:
    # A bench stopped by `timeout` (SIGTERM) while its server runs.
    script = ("import sys, time\n"
              "from tests.server_process import server_process\n"
              "with server_process() as (server, _):\n"
              "    print(server.pid, flush=True)\n"
              "    time.sleep(60)\n")
    program = spawn([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                    cwd=ROOT)
    server = int(program.stdout.readline())
    assert alive(server)
    program.terminate()
    assert program.wait(timeout=30) == 128 + signal.SIGTERM
    deadline = time.monotonic() + 10
    while alive(server) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(server)
    stop_server(program)
