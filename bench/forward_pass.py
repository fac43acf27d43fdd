"""The course's two forward passes, timed: forwardPassIterative (a loop over the examples)
against the vectorized pass (one matrix product per layer), on the same network and points.

The loop-versus-vectorized card shows these times live (`time_forward`); this script measures
them over several sizes, in one process, with the two passes alternating in rounds so that the
machine's drift touches both alike: each column is the best of its rounds, and the ratio (loop ÷
vectorized) is the median of the rounds' ratios. Absolute times are this machine's, now; the
ratio is what compares across machines. The outputs' largest difference is printed too.

    python bench/forward_pass.py            # a table
    python bench/forward_pass.py --json     # one JSON line per row

OPENBLAS_NUM_THREADS is 1 unless set, as in the server.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

if __name__ == "__main__":
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from engine import timing  # noqa: E402
from engine.network import Network  # noqa: E402

SIZES = [
    ("2-4-4-1 tanh (the default)", [2, 4, 4, 1], ["tanh", "tanh", "sigmoid"]),
    ("2-8-8-1 tanh (the card's)", [2, 8, 8, 1], ["tanh", "tanh", "sigmoid"]),
    ("2-8x6-1 tanh (TF Playground's largest)", [2] + [8] * 6 + [1], ["tanh"] * 6 + ["sigmoid"]),
    ("1-64-1 tanh (the wide layer)", [1, 64, 1], ["tanh", "linear"]),
]
EXAMPLES = (50, timing.MAX_EXAMPLES)


def measure(sizes: list[int], activations: list[str], m: int, rounds: int) -> dict[str, float]:
    net = Network(sizes, activations, "xavier", seed=1)
    X = np.random.default_rng(1).normal(0.0, 3.0, (sizes[0], m))
    runs = [timing.time_forward(net, X, repeats=3) for _ in range(rounds)]
    return {
        "examples": m,
        "loop_ms": min(r.loop_seconds for r in runs) * 1000,
        "vectorized_ms": min(r.vectorized_seconds for r in runs) * 1000,
        "ratio": statistics.median(r.loop_seconds / r.vectorized_seconds for r in runs),
        "max_difference": max(r.max_difference for r in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="one JSON line per row")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not args.json:
        print(f"{'network':40} {'m':>4} {'loop ms':>9} {'vector ms':>10} {'ratio':>7} "
              f"{'max |Δ|':>9}")
    for name, sizes, activations in SIZES:
        for m in EXAMPLES:
            row = measure(sizes, activations, m, args.rounds)
            if args.json:
                print(json.dumps({"network": name, **row}))
            else:
                print(f"{name:40} {m:>4} {row['loop_ms']:>9.3f} {row['vectorized_ms']:>10.4f} "
                      f"{row['ratio']:>7.0f} {row['max_difference']:>9.1e}")


if __name__ == "__main__":
    main()
