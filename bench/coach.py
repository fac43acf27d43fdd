"""The coach's precision on a labelled set of sessions: how much of its advice is right.

The labelled set: every experiment of the menu and each of its variants (their promises say
which advice is right: the codes they expect and the codes they allow), plus a healthy config
on every generated dataset (no advice is right there), each rehearsed as the page runs it on
SEEDS seeds. An advice is a false one when its code is not among the right ones for that
session. Precision = right advice ÷ all advice given; recall = expected codes named ÷ expected.

    python bench/coach.py            # a table per session kind, then the totals
    python bench/coach.py --seeds 8  # more seeds (default 4)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.lessons.experiments import EXPERIMENTS, Promise  # noqa: E402
from server.lessons.rehearsal import rehearse  # noqa: E402
from tests.server.promises import HEALTHY, HEALTHY_EPOCHS  # noqa: E402


def sessions() -> list[tuple[str, dict[str, Any], int, Promise]]:
    """(name, patch, epochs, promise) of the labelled set."""
    out = []
    for name, experiment in EXPERIMENTS.items():
        for label, patch, promise in experiment.runs():
            out.append((f"{name} {label}".strip(), patch, experiment.epochs, promise))
    out += [(f"healthy {name}", patch, HEALTHY_EPOCHS, Promise())
            for name, patch in HEALTHY.items()]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4)
    args = parser.parse_args()
    given = right = expected = named = 0
    false: list[str] = []
    start = time.perf_counter()
    print(f"{'session':32s} {'advice':>6s} {'false':>5s} {'missed':>6s}")
    for name, patch, epochs, promise in sessions():
        row_given = row_false = row_missed = 0
        for seed in range(1, args.seeds + 1):
            codes = rehearse(patch, epochs, seed).codes
            ok = set(promise.coach) | set(promise.allowed)
            row_given += len(codes)
            wrong = sorted(codes - ok)
            row_false += len(wrong)
            false += [f"{name} seed {seed}: {code}" for code in wrong]
            row_missed += len(set(promise.coach) - codes)
            expected += len(promise.coach)
        given += row_given
        right += row_given - row_false
        named += len(promise.coach) * args.seeds - row_missed
        print(f"{name:32s} {row_given:6d} {row_false:5d} {row_missed:6d}", flush=True)
    precision = right / given if given else 1.0
    recall = named / expected if expected else 1.0
    print(f"\n{len(sessions())} sessions × {args.seeds} seeds in "
          f"{time.perf_counter() - start:.0f} s: {given} advice given, {given - right} false")
    print(f"precision {precision:.3f}   recall of the expected advice {recall:.3f}")
    for line in false:
        print("  false:", line)


if __name__ == "__main__":
    main()
