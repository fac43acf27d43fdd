"""The flake hunt: the server and browser tests, round after round, until one fails.

    .venv/bin/python scripts/flake_hunt.py [--rounds 10] [--hog] [-- pytest arguments]
    make test-repeat N=10 HOG=1 ARGS='-k loss_chart'

Each round is a fresh `python -m pytest tests/server tests/browser` (its own servers and
browser, as in CI), its output kept in tests/artifacts/hunt/round-<k>.log. The hunt stops at
the first failing round and keeps its log and the browser tests' screenshots; otherwise the
logs of passing rounds are deleted. `--hog` runs scripts/cpu_hog.py beside the tests (one busy
process per core), stopped when the hunt ends. Prints each round's duration and a summary.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server_process import stop_server  # noqa: E402  (terminate, then kill after 10 s)

LOGS = ROOT / "tests" / "artifacts" / "hunt"
SUITES = ["tests/server", "tests/browser"]


def start_hog(seconds: float) -> subprocess.Popen[bytes]:
    command = [sys.executable, str(ROOT / "scripts" / "cpu_hog.py"), "--seconds", str(seconds)]
    return subprocess.Popen(command, cwd=ROOT)


def run_round(k: int, rounds: int, extra: list[str]) -> tuple[bool, float, Path]:
    """One pytest run of the suites; (passed, seconds, log path)."""
    log = LOGS / f"round-{k}.log"
    command = [sys.executable, "-m", "pytest", *SUITES, "-p", "no:cacheprovider", *extra]
    started = time.monotonic()
    with log.open("wb") as out:
        code = subprocess.call(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    seconds = time.monotonic() - started
    summary = log.read_text(errors="replace").strip().splitlines()[-1:] or ["(no output)"]
    print(f"round {k}/{rounds}: {'pass' if code == 0 else 'FAIL'} in {seconds:.0f} s "
          f"({summary[0].strip('= ')})", flush=True)
    return code == 0, seconds, log


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--hog", action="store_true", help="keep every core busy meanwhile")
    parser.add_argument("pytest_args", nargs="*", help="passed on to pytest (after --)")
    args = parser.parse_args()
    LOGS.mkdir(parents=True, exist_ok=True)
    # Bounded: the hog stops by itself after a generous 10 minutes per round.
    hog = start_hog(600.0 * args.rounds) if args.hog else None
    durations: list[float] = []
    failed: Path | None = None
    try:
        for k in range(1, args.rounds + 1):
            passed, seconds, log = run_round(k, args.rounds, args.pytest_args)
            durations.append(seconds)
            if not passed:
                failed = log
                break
            log.unlink()
    finally:
        if hog is not None:
            stop_server(hog)
    mean = sum(durations) / len(durations)
    load = " beside the CPU hog" if args.hog else ""
    print(f"{len(durations) - (failed is not None)} of {args.rounds} rounds passed{load}; "
          f"round time {min(durations):.0f}-{max(durations):.0f} s (mean {mean:.0f} s)")
    if failed is not None:
        print(f"the failing round's log: {failed.relative_to(ROOT)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
