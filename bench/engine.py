"""Engine benchmark on TF Playground's largest network (the standard workload).

Spiral, 500 points, half for training, noise 0, inputs x1 and x2, 6 hidden layers × 8 tanh,
tanh output with squared error, learning rate 0.03, batch 10.

The machine's speed swings between runs, so batch-10 training, full-batch training and the
frame are each measured next to the same work done by a plain preallocated NumPy MLP
(`bench/reference.py`), in the same process: short runs of the two alternate, each column is
the best of its runs, and the speed ratio (engine ÷ reference; for frames reference ms ÷
engine ms; above 1 the engine is faster) is the median over rounds of two runs made back to
back, so drift of the machine cancels out. Ratios compare across runs; absolute figures only
within one. Two floors, timed in the same rounds, say what one ufunc alone allows: float64
np.tanh for a full-batch epoch (49 tanh units × 250 columns), float32 np.exp for a frame
(one per activation of both grids; the display grids compute tanh from exp).

    python bench/engine.py            # a readable table
    python bench/engine.py --json     # one JSON line: epochs_per_s, full_batch_epochs_per_s,
                                      #   adam_epochs_per_s, frame_ms, metrics_ms, reference_*,
                                      #   *_ratio, tanh_floor_full_batch_epochs_per_s,
                                      #   exp_floor_frame_ms, ...
    python bench/engine.py --compare-threads   # one OpenBLAS thread per core vs one thread

OPENBLAS_NUM_THREADS is 1 unless set, as in the server.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __name__ == "__main__":
    # Measure what the server runs: one OpenBLAS thread (server/cli.py), unless the
    # environment says otherwise. With its worker thread, the reference frame's 100×100
    # products run several times slower on a busy 2-core machine. Set before NumPy loads.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from bench.reference import PlainFrame, PlainMLP  # noqa: E402
from bench.workload import CONFIG  # noqa: E402
from engine import Network, Trainer, datasets, optimizers  # noqa: E402
from engine.grid import GridEvaluator  # noqa: E402

FEATURES: list[str] = CONFIG["features"]
SERVER_NEURON_RESOLUTION = 16
"""view.neuron_resolution's default in the protocol: the neuron grids a frame carries."""
SIZES = [len(FEATURES), *(layer["units"] for layer in CONFIG["hidden"]), 1]
ACTIVATIONS = [layer["activation"] for layer in CONFIG["hidden"]] + [CONFIG["output"]["activation"]]
LEARNING_RATE: float = CONFIG["optimizer"]["learning_rate"]
DOMAIN = (-6.0, 6.0, -6.0, 6.0)
RESOLUTION = 100
REPEATS = 16
"""Timed runs per figure: many short ones give each side quiet moments of the machine."""
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
"""`cpu` counts only this process's CPU time: steadier when other work shares the cores."""
clock = CLOCKS["wall"]


def standard_trainer(optimizer: str = "sgd") -> Trainer:
    """The engine on the standard workload (bench/workload.py), every seed 0."""
    ds = CONFIG["dataset"]
    data = datasets.make(ds["name"], n=ds["points"], noise=ds["noise"], seed=0)
    split = datasets.split(data, ds["train_fraction"], ds["validation_fraction"], seed=0)
    net = Network(SIZES, ACTIVATIONS, init="xavier", seed=0)
    return Trainer(net, split, features=FEATURES, loss=CONFIG["output"]["loss"],
                   optimizer=optimizers.make(optimizer, LEARNING_RATE),
                   batch_size=CONFIG["optimizer"]["batch_size"], seed=0)


def standard_reference(full_batch: bool = False) -> PlainMLP:
    """The plain MLP on the standard workload: same data, initial weights and seed
    (`full_batch`: one batch of the whole training set, i.e. gradient descent)."""
    tr = standard_trainer()
    train = tr.split.train
    return PlainMLP(tr.net.W, tr.net.b, train.X, train.Y,
                    train.m if full_batch else tr.batch_size, learning_rate=LEARNING_RATE, seed=0)


def best_rate(work: Callable[[], float], seconds: float, repeats: int = REPEATS) -> float:
    """The best of `repeats` runs of units-per-second (the machine is shared, so noise is high)."""
    return race({"engine": work}, seconds, repeats)[0]["engine"]


def rounds(works: dict[str, Callable[[], float]], seconds: float,
           repeats: int = REPEATS) -> list[dict[str, float]]:
    """Units-per-second of each work in each of `repeats` rounds. In a round every work runs
    for seconds / repeats, one after the other (in alternating order from round to round), so
    a slow or fast spell of the machine reaches them alike."""
    results = []
    names = list(works)
    for i in range(repeats):
        rates = {}
        for name in names if i % 2 == 0 else names[::-1]:
            start, done = clock(), works[name]()    # at least once, however short the slot
            while clock() - start < seconds / repeats:
                done += works[name]()
            rates[name] = done / (clock() - start)
        results.append(rates)
    return results


def race(works: dict[str, Callable[[], float]], seconds: float,
         repeats: int = REPEATS) -> tuple[dict[str, float], dict[str, float]]:
    """(best rate of each work, speed ratio of "engine" to each work): a ratio is the median
    over rounds of engine ÷ that work, the two measured back to back."""
    results = rounds(works, seconds, repeats)
    best = {name: max(r[name] for r in results) for name in works}
    ratio = {name: statistics.median(r["engine"] / r[name] for r in results) for name in works}
    return best, ratio


def ufunc_work(ufunc: np.ufunc, shape: tuple[int, int], dtype: type,
               per_unit: int) -> Callable[[], float]:
    """50 calls of ufunc(a, out=b) on arrays of this shape (values in [-3, 3]), counted in
    units of `per_unit` elements (an epoch's or a frame's worth)."""
    a = np.random.default_rng(0).uniform(-3.0, 3.0, shape).astype(dtype)
    b = np.empty_like(a)

    def calls() -> float:
        for _ in range(50):
            ufunc(a, out=b)
        return 50 * a.size / per_unit

    return calls


def measure(seconds: float, neuron_resolution: int,
            repeats: int = REPEATS) -> dict[str, float | int | str | None]:
    """Every figure of the standard workload, each the best of `repeats` timed runs. The
    engine takes turns with the reference (and with a floor): `seconds` each in all."""
    tr, ref = standard_trainer(), standard_reference()
    tr.run(3)
    _epochs(ref, 3)
    sgd, sgd_ratio = race({"engine": lambda: tr.run(5), "reference": lambda: _epochs(ref, 5)},
                          seconds, repeats)
    m = tr.split.train.m
    tanh_evaluations = sum(SIZES[1:]) * m               # 6×8 hidden + 1 output, per column
    gd, ref_gd = standard_trainer("gd"), standard_reference(full_batch=True)
    gd.run(3)
    full, full_ratio = race({"engine": lambda: gd.run(25),
                             "reference": lambda: _epochs(ref_gd, 25),
                             "floor": ufunc_work(np.tanh, (8, m), np.float64, tanh_evaluations)},
                            seconds, repeats)
    adam = standard_trainer("adam")
    adam.run(3)
    adam_rate = best_rate(lambda: adam.run(10), seconds, repeats)
    grid = GridEvaluator(tr.net, FEATURES, DOMAIN, RESOLUTION, neuron_resolution)
    plain = PlainFrame(tr.net.W, tr.net.b, DOMAIN, RESOLUTION, neuron_resolution)
    # The output grid needs every layer, the neuron grid only the hidden ones.
    activations = sum(SIZES[1:]) * RESOLUTION ** 2 + sum(SIZES[1:-1]) * neuron_resolution ** 2
    frames, frame_ratio = race({"engine": lambda: _repeat(grid.evaluate, 10),
                                "reference": lambda: _repeat(plain.evaluate, 10),
                                "floor": ufunc_work(np.exp, (8, 4096), np.float32, activations)},
                               seconds, repeats)
    metrics_ms = 1e3 / best_rate(lambda: _repeat(tr.metrics, 20), seconds / 2, repeats)
    return {
        "epochs_per_s": round(sgd["engine"], 1),
        "full_batch_epochs_per_s": round(full["engine"], 1),
        "adam_epochs_per_s": round(adam_rate, 1),
        "frame_ms": round(1e3 / frames["engine"], 3),
        "metrics_ms": round(metrics_ms, 3),
        "reference_epochs_per_s": round(sgd["reference"], 1),
        "reference_full_batch_epochs_per_s": round(full["reference"], 1),
        "reference_frame_ms": round(1e3 / frames["reference"], 3),
        "epochs_ratio": round(sgd_ratio["reference"], 3),
        "full_batch_ratio": round(full_ratio["reference"], 3),
        "frame_ratio": round(frame_ratio["reference"], 3),
        "tanh_ns_per_element": round(1e9 / (full["floor"] * tanh_evaluations), 3),
        "tanh_evaluations_per_full_batch_epoch": tanh_evaluations,
        "tanh_floor_full_batch_epochs_per_s": round(full["floor"], 1),
        "full_batch_floor_ratio": round(full_ratio["floor"], 3),
        "exp_ns_per_element": round(1e9 / (frames["floor"] * activations), 3),
        "activations_per_frame": activations,
        "exp_floor_frame_ms": round(1e3 / frames["floor"], 3),
        "frame_floor_ratio": round(frame_ratio["floor"], 3),
        "clock": "cpu" if clock is time.process_time else "wall",
        "resolution": RESOLUTION,
        "neuron_resolution": neuron_resolution,
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
    }


def _epochs(mlp: PlainMLP, n: int) -> int:
    for _ in range(n):
        mlp.epoch()
    return n


def _repeat(work: Callable[[], object], n: int) -> int:
    for _ in range(n):
        work()
    return n


def compare_threads(seconds: float, neuron_resolution: int, clock_name: str) -> None:
    """Run the benchmark in two fresh processes: one OpenBLAS thread per core (its own
    default), then one thread."""
    results = []
    for threads in (str(os.cpu_count() or 1), "1"):
        env = {**os.environ, "OPENBLAS_NUM_THREADS": threads}
        out = subprocess.run([sys.executable, __file__, "--json", "--seconds", str(seconds),
                              "--neuron-resolution", str(neuron_resolution),
                              "--clock", clock_name],
                             env=env, check=True, capture_output=True, text=True).stdout
        results.append(json.loads(out))
    keys = ["epochs_per_s", "reference_epochs_per_s", "epochs_ratio", "full_batch_epochs_per_s",
            "reference_full_batch_epochs_per_s", "full_batch_ratio", "adam_epochs_per_s",
            "frame_ms", "reference_frame_ms", "frame_ratio", "metrics_ms"]
    labels = [f"OPENBLAS_NUM_THREADS={r['OPENBLAS_NUM_THREADS'] or 'unset'}" for r in results]
    width = max(len(key) for key in keys) + 2
    print(f"{'measure':<{width}}" + "".join(f"{label:>28}" for label in labels))
    for key in keys:
        print(f"{key:<{width}}" + "".join(f"{r[key]:>28}" for r in results))


def table(result: dict[str, float | int | str | None]) -> str:
    """The readable form: engine, reference, speed ratio and target per measure, then floors."""
    r: dict[str, float] = {k: v for k, v in result.items() if isinstance(v, int | float)}
    neuron_resolution = result["neuron_resolution"]
    rows = [
        ("training, batch 10 (sgd), epochs/s", f"{r['epochs_per_s']:.0f}",
         f"{r['reference_epochs_per_s']:.0f}", f"{r['epochs_ratio']:.2f}×",
         "≥ 550, ratio ≥ 1"),
        ("training, full batch (gd), epochs/s", f"{r['full_batch_epochs_per_s']:.0f}",
         f"{r['reference_full_batch_epochs_per_s']:.0f}", f"{r['full_batch_ratio']:.2f}×",
         "≥ 5000"),
        ("training, batch 10 (adam), epochs/s", f"{r['adam_epochs_per_s']:.0f}", "", "", ""),
        (f"frame: {RESOLUTION}×{RESOLUTION} output + neurons at {neuron_resolution}×"
         f"{neuron_resolution}, ms", f"{r['frame_ms']:.2f}", f"{r['reference_frame_ms']:.2f}",
         f"{r['frame_ratio']:.2f}×", "≤ 0.7"),
        ("metrics(): train + test loss and accuracy, ms", f"{r['metrics_ms']:.2f}", "", "", ""),
    ]
    header = ("measure", "engine", "reference", "speed ratio", "target")
    width = max(len(row[0]) for row in rows)
    lines = [f"{header[0]:<{width}}  {header[1]:>8}  {header[2]:>9}  {header[3]:>11}  "
             f"{header[4]}"]
    lines += [f"{name:<{width}}  {eng:>8}  {ref:>9}  {ratio:>11}  {target}"
              for name, eng, ref, ratio, target in rows]
    tanh_floor, exp_floor = r["tanh_floor_full_batch_epochs_per_s"], r["exp_floor_frame_ms"]
    lines += [
        "floors (one ufunc alone, measured in this run):",
        f"  full batch: float64 tanh {r['tanh_ns_per_element']:.1f} ns × "
        f"{r['tanh_evaluations_per_full_batch_epoch']:,.0f} per epoch → ≤ {tanh_floor:,.0f} "
        f"epochs/s (the engine: {r['full_batch_floor_ratio']:.0%} of it)",
        f"  frame: float32 exp {r['exp_ns_per_element']:.2f} ns × "
        f"{r['activations_per_frame']:,.0f} activations → ≥ {exp_floor:.2f} ms "
        f"({r['frame_floor_ratio']:.0%} of the engine's frame)",
        f"clock={result['clock']} OPENBLAS_NUM_THREADS={result['OPENBLAS_NUM_THREADS']} "
        f"OPENBLAS_CORETYPE={result['OPENBLAS_CORETYPE']}",
    ]
    if result["OPENBLAS_NUM_THREADS"] != "1":
        lines += ["note: with OpenBLAS threads, the reference frame's 100×100 products can be",
                  "several times slower on a busy machine (the server runs with one thread)"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    parser.add_argument("--compare-threads", action="store_true",
                        help="compare one OpenBLAS thread per core with one thread")
    parser.add_argument("--seconds", type=float, default=2.0,
                        help="time per measurement (per side for engine vs reference)")
    parser.add_argument("--neuron-resolution", type=int, default=SERVER_NEURON_RESOLUTION,
                        help="resolution of each neuron's grid (default: the server's, "
                             f"{SERVER_NEURON_RESOLUTION})")
    parser.add_argument("--clock", choices=list(CLOCKS), default="wall",
                        help="wall time (default) or this process's CPU time")
    args = parser.parse_args()
    global clock
    clock = CLOCKS[args.clock]
    if args.compare_threads:
        compare_threads(args.seconds, args.neuron_resolution, args.clock)
        return
    result = measure(args.seconds, args.neuron_resolution)
    print(json.dumps(result) if args.json else table(result))


if __name__ == "__main__":
    main()
