"""Keeps the CPU busy, to run the tests on a loaded machine (`make test-repeat HOG=1`).

    .venv/bin/python scripts/cpu_hog.py [--procs 2] [--seconds 1800]

Starts `--procs` processes (default: one per core) that spin in a loop until `--seconds` have
passed, this process is terminated, or it dies: each spinner checks its parent and its
deadline, so none outlives the hunt that started it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import sys
import time
from types import FrameType


def spin(deadline: float, parent: int) -> None:
    """Busy-loop until the deadline or until the parent process is gone."""
    while time.monotonic() < deadline and os.getppid() == parent:
        for _ in range(200_000):
            pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seconds", type=float, default=1800.0)
    args = parser.parse_args()
    deadline = time.monotonic() + args.seconds
    spinners = [multiprocessing.Process(target=spin, args=(deadline, os.getpid()), daemon=True)
                for _ in range(args.procs)]
    for spinner in spinners:
        spinner.start()

    def stop(signum: int, frame: FrameType | None) -> None:
        for spinner in spinners:
            spinner.terminate()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sys.stderr.write(f"cpu_hog: {args.procs} busy processes for at most {args.seconds:g} s\n")
    for spinner in spinners:
        spinner.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
