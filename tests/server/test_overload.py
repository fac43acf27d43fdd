"""Behaviour under overload: light frames and the frame floor of the scheduler."""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np

from engine import datasets
from engine.grid import GridEvaluator
from engine.network import Network
from engine.trainer import Trainer
from server import protocol
from server.frames import decode
from server.render import Renderer
from server.scheduler import Scheduler
from server.session import Session, handle
from server.settings import Settings

SIZES = [2, 8, 8, 1]


def renderer(resolution: int = 40, neuron_resolution: int = 9) -> Renderer:
    data = datasets.make("spiral", n=100, noise=0.0, seed=1)
    split = datasets.split(data, 0.5, 0.0, seed=1)
    net = Network(SIZES, ["tanh", "tanh", "tanh"], seed=3)
    trainer = Trainer(net, split, ["x1", "x2"], loss="mse")
    return Renderer(net, trainer, split, ["x1", "x2"], "binary", "xavier", resolution,
                    neuron_resolution, diagnostics_interval=0.2)


def grids(r: Renderer, resolution: int, neuron_resolution: int) -> tuple[Any, dict[int, Any]]:
    fresh = GridEvaluator(r.net, ["x1", "x2"], r.split.full.domain, resolution=resolution,
                          neuron_resolution=neuron_resolution).evaluate()
    return fresh.output.copy(), {layer: a.copy() for layer, a in fresh.neurons.items()}


def test_a_light_frame_has_every_grid_at_half_resolution() -> None:
    r = renderer(resolution=40, neuron_resolution=16)
    full, _ = grids(r, 40, 16)
    half, half_neurons = grids(r, 20, 8)
    light = r.light_grid().evaluate()
    assert light.output.shape == (1, 20, 20)
    np.testing.assert_array_equal(light.output, half)
    for layer, values in half_neurons.items():
        assert light.neurons[layer].shape == (8, 8, 8)
        np.testing.assert_array_equal(light.neurons[layer], values)
    # Both evaluators share one scratch: the full grid is still right after a light one.
    np.testing.assert_array_equal(r.grid.evaluate().output, full)
    np.testing.assert_array_equal(r.light_grid().evaluate().output, half)


def test_light_frames_never_make_a_grid_coarser_than_its_floor() -> None:
    r = renderer(resolution=24, neuron_resolution=12)
    light = r.light_grid().evaluate()
    assert light.output.shape == (1, 16, 16)
    assert all(values.shape[1:] == (8, 8) for values in light.neurons.values())
    small = renderer(resolution=16, neuron_resolution=8)
    assert small.light_grid() is small.grid


def test_frame_headers_say_the_light_shapes() -> None:
    session = Session(Settings())
    session.machine.changed()
    header, arrays = decode(session.frame(light=True))
    resolution = session.config.view.resolution
    entry = next(a for a in header["arrays"] if a["name"] == "output")
    assert entry["shape"][1:] == [resolution // 2, resolution // 2]
    assert arrays["output"].shape[1:] == (resolution // 2, resolution // 2)
    neurons = session.config.view.neuron_resolution
    for entry in header["arrays"]:
        if entry["name"].startswith("neurons/"):
            assert entry["shape"][1:] == [neurons // 2, neurons // 2]
    session.machine.changed()
    header, _ = decode(session.frame())
    entry = next(a for a in header["arrays"] if a["name"] == "output")
    assert entry["shape"][1:] == [resolution, resolution]


def test_slices_stop_between_mini_batches_and_a_step_ends_on_its_epoch() -> None:
    session = Session(Settings())
    handle(session, protocol.ConfigureMessage.model_validate({"type": "configure", "config": {
        "dataset": {"name": "circle", "points": 200, "train_fraction": 0.5},
        "optimizer": {"name": "sgd", "batch_size": 10},
        "view": {"epochs_per_second": 0}}}))  # as fast as possible: slices of mini-batches
    trainer = session.model.trainer
    assert trainer.batches_per_epoch == 10
    handle(session, protocol.PlayMessage(type="play"))
    version = session.version
    session.train_slice(0.0)  # no time at all: one mini-batch, and already a new picture
    assert (trainer.epoch, trainer.position) == (0, 1) and session.version == version + 1
    assert session.frame_due()
    handle(session, protocol.PauseMessage(type="pause"))
    handle(session, protocol.StepMessage(type="step", epochs=2))
    session.outbox.clear()
    while session.step_left:
        session.train_slice(0.0)
    assert (trainer.epoch, trainer.position) == (2, 0)
    assert any('"status"' in m and '"epoch":2' in m for m in session.outbox if isinstance(m, str))


class Fake:
    """A session whose frame is always due (`lateness` seconds late) and owed or not."""

    unit_seconds = 0.001
    busy = False

    def __init__(self, name: str, log: list[str], owed: bool, lateness: float = 0.0) -> None:
        self.name, self.log, self.owed, self.lateness = name, log, owed, lateness
        self.built = False

    def training_delay(self, now: float) -> float | None:
        return 0.0

    def train_slice(self, budget: float, behind: bool = False) -> None:
        self.log.append(f"train {self.name} {budget:g}")

    def frame_delay(self, now: float) -> float | None:
        return None if self.built else -self.lateness

    def frame_owed(self, now: float) -> bool:
        return self.owed

    def build_frame(self, light: bool = False) -> None:
        self.built = True
        self.log.append(f"frame {self.name}{' light' if light else ''}")

    @property
    def trainer(self) -> Any:
        raise AssertionError("no thread for short epochs")

    def run(self, trainer: Any, epochs: int, budget: float) -> tuple[int, float]:
        raise AssertionError("no thread for short epochs")

    def trained(self, trainer: Any, ran: int, seconds: float) -> None:
        raise AssertionError("no thread for short epochs")

    def training_failed(self, error: Exception) -> None:
        raise error


def first_events(scheduler: Scheduler, log: list[str], count: int) -> list[str]:
    async def main() -> None:
        async with scheduler.running():
            while len(log) < count:
                await asyncio.sleep(0)

    asyncio.run(main())
    return log[:count]


def test_frames_owed_at_the_floor_rate_come_before_training() -> None:
    log: list[str] = []
    scheduler = Scheduler()
    for name in "abc":
        scheduler.add(Fake(name, log, owed=True))
    assert first_events(scheduler, log, 4) == ["frame a", "frame b", "frame c", "train a 0.004"]


def test_frames_above_the_floor_alternate_with_training() -> None:
    log: list[str] = []
    scheduler = Scheduler()
    for name in "ab":
        scheduler.add(Fake(name, log, owed=False))
    assert first_events(scheduler, log, 4) == ["frame a", "train a 0.004", "frame b",
                                               "train b 0.004"]


def test_late_frames_are_built_light_and_slices_follow_the_floor_rate() -> None:
    log: list[str] = []
    scheduler = Scheduler(behind_seconds=0.05)
    late = [Fake(str(i), log, owed=False, lateness=1.0) for i in range(3)]
    for session in late:
        scheduler.add(session)
    events = first_events(scheduler, log, 6)
    # A frame counts as at most 0.5 s late: the running mean passes 50 ms at the third.
    assert events == ["frame 0", "train 0 0.004", "frame 1", "train 1 0.004",
                      "frame 2 light", "train 2 0.004"]
    assert scheduler.behind
    late[0].owed = True
    for _ in range(100):  # frames miss the floor rate: slices shrink, but training goes on
        scheduler._build(late[0], -1.0, 0.0)
    assert scheduler.behind and scheduler.behind_slice == scheduler.MIN_SLICE
    late[0].owed = False
    for _ in range(100):  # still late for the fps asked, but on time for the floor rate
        scheduler._build(late[0], -1.0, 0.0)
    assert scheduler.behind and scheduler.behind_slice == scheduler.slice_seconds
    on_time = Fake("x", log, owed=False, lateness=0.0)
    for _ in range(100):
        on_time.built = False
        scheduler._build(on_time, 0.0, 0.0)
    assert not scheduler.behind and log[-1] == "frame x"


def test_periodic_frames_carry_the_diagnostics_only_when_they_changed() -> None:
    session = Session(Settings())
    kept = ("dead", "dead_since", "diagnostics", "coach", "collapse")

    def periodic() -> dict[str, Any]:
        session.machine.changed()
        header, _ = decode(session.frame(periodic=True))
        return header

    first, second = periodic(), periodic()
    assert all(field in first for field in kept)              # a new network: all of them
    assert not any(field in second for field in kept)         # nothing changed
    session.machine.changed()
    header, _ = decode(session.frame())                       # after an action: always
    assert all(field in header for field in kept)
    session.model.net.W[1] = session.model.net.W[1] * 3       # new histograms
    assert "diagnostics" in periodic()


def test_behind_a_slow_motion_slice_trains_part_of_the_due_epoch_never_past_its_end() -> None:
    """Frames come after a few mini-batches when the scheduler is behind, not after a whole
    epoch; the pace still bounds the epochs (whole epochs otherwise)."""
    session = Session(Settings())
    handle(session, protocol.PlayMessage(type="play"))
    trainer, training = session.model.trainer, session.training
    assert training.slow_motion
    session.train_slice(0.0)
    assert (trainer.epoch, trainer.position) == (1, 0)
    version = session.version
    session.train_slice(0.0, behind=True)
    assert trainer.epoch == 1 and 0 < trainer.position < trainer.batches_per_epoch
    assert session.version > version  # a new frame has something to show
    while trainer.position:
        session.train_slice(1e-4, behind=True)
        assert trainer.epoch <= 2
    assert (trainer.epoch, trainer.position) == (2, 0)
    assert [entry["epoch"] for entry in trainer.history][-2:] == [1, 2]
