"""A class of students without their pages: each student is a websocket client (as in
bench/room.py) that joins the room under a name, sets up its network and trains it, on its
own session of the real server. The teacher's page cannot tell them from pages: their cards
are built by the server from their sessions, like any student's. Sixty pages of Chromium
would not fit a small machine; sixty sockets do.

    with class_of_peers(server_url, code, mixed_class(60)) as peers:
        ...                      # the teacher's page shows 60 students

A thread runs the clients' event loop; each client acknowledges its frames as a page does.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from bench.load import ack, frame_header
from server.lessons.experiments import EXPERIMENTS

# A network that diverges (tests/server/test_frame_schema.py).
DIVERGES: dict[str, Any] = {
    "dataset": {"name": "plane"}, "optimizer": {"learning_rate": 10},
    "hidden": [{"units": 8, "activation": "relu"}] * 3, "output": {"activation": "linear"},
    "init": "uniform"}

# What a student's own page would draw, kept small: a class of sixty on a small machine
# spends its time training, not drawing frames nobody looks at. The teacher's cards are
# built from the sessions the same way whatever their view.
CHEAP_VIEW: dict[str, Any] = {"resolution": 10, "neuron_resolution": 4, "fps": 2}

NAMES = (
    "Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov",
    "Claude Shannon", "Katherine Johnson", "John von Neumann", "Margaret Hamilton",
    "Donald Knuth", "Frances Allen", "Tim Berners-Lee", "Radia Perlman", "Ken Thompson",
    "Hedy Lamarr", "Dennis Ritchie", "Sophie Wilson", "Niklaus Wirth", "Adele Goldberg",
    "Yann LeCun", "Fei-Fei Li", "Geoffrey Hinton", "Yoshua Bengio", "Cynthia Dwork",
    "Shafi Goldwasser", "Leslie Lamport", "Barbara Grosz", "Judea Pearl", "Daphne Koller",
    "Andrew Ng", "Émilie du Châtelet", "Sophie Germain", "Henri Poincaré", "Évariste Galois",
    "Joseph Fourier", "Pierre-Simon Laplace", "Augustin Cauchy", "Marie Curie",
    "Blaise Pascal", "René Descartes", "Camille Jordan", "Jacques Hadamard",
    "Hélène Langevin", "Zoë Durand", "Chloé Martin", "Léa Bernard", "Inès Petit",
    "Noé Robert", "Maël Richard", "Anaïs Dubois", "Lucas Moreau", "Jean-Baptiste Lefèvre",
    "Amina Diallo", "Mohamed Benali", "Nguyễn Thị Lan", "Kenji Watanabe", "Priya Sharma",
    "Olusegun Adeyemi", "Sofia Rossi", "Mateo García", "Astrid Lindqvist", "Ivan Petrov",
    "Aiko Tanaka", "Liam O'Brien", "Ana Souza", "Youssef Haddad", "Elif Yılmaz",
    "Lars Nilsen", "Maya Cohen", "Tomás Silva", "Ingrid Berg", "Omar Farouk", "Lena Vogel",
    "Rafael Ortiz", "Nora Khalil", "Hugo Lambert", "Jade Fontaine", "Samir Mansour",
    "Clara Weber", "Paulo Mendes",
)


@dataclass(frozen=True)
class Pupil:
    """A student: a name, a config (a partial one is merged into the default), and then
    `epochs` steps (paused at that epoch) or, with `play`, training on."""

    name: str
    config: dict[str, Any]
    epochs: int = 0
    play: bool = False


def mixed_class(n: int) -> list[Pupil]:
    """`n` students, as a lab looks after a few minutes: most learned their data, some have
    dead ReLUs or symmetric neurons (the course's experiments, which promise that advice), a
    few diverged, a few are still training. Short runs: a server shared by sixty sessions
    paces each one's steps."""
    fast = {"optimizer": {"learning_rate": 0.1}}
    kinds: list[tuple[dict[str, Any], int, bool]] = [
        (fast, 40, False),
        (EXPERIMENTS["dead_relu"].config, 30, False),
        ({**fast, "dataset": {"name": "xor"}}, 40, False),
        (EXPERIMENTS["zero_init"].config, 20, False),
        ({}, 10, False),
        ({**fast, "dataset": {"name": "gauss"}}, 20, False),
        ({**fast, "dataset": {"name": "blobs", "classes": 3}}, 30, False),
        (DIVERGES, 200, False),
        ({"optimizer": {"learning_rate": 0.001}}, 0, True),
        ({}, 3, False),
    ]
    pupils = []
    for i in range(n):
        config, epochs, play = kinds[i % len(kinds)]
        name = NAMES[i] if i < len(NAMES) else f"Student {i + 1}"
        view = {**CHEAP_VIEW, "epochs_per_second": 5 if play else 0}
        pupils.append(Pupil(name, {**config, "seed": i + 1, "view": view}, epochs, play))
    return pupils


@dataclass
class Peers:
    """The joined students: their ids by name, once they have all set up (the ones that
    step have reached their epoch, or diverged)."""

    ids: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


async def _reply(ws: ClientConnection, kind: str, id: int | None = None) -> dict[str, Any]:
    while True:
        message = await asyncio.wait_for(ws.recv(), timeout=60)
        if isinstance(message, bytes):
            await ack(ws, message)
            continue
        parsed: dict[str, Any] = json.loads(message)
        if parsed["type"] == "error":
            raise RuntimeError(f"server error: {parsed}")
        if parsed["type"] == kind and (id is None or parsed.get("id") == id):
            return parsed


async def _stepped(ws: ClientConnection, epochs: int) -> None:
    """Reads (and acknowledges) frames until one shows `epochs` or a diverged network."""
    while True:
        message = await asyncio.wait_for(ws.recv(), timeout=120)
        if not isinstance(message, bytes):
            continue
        await ack(ws, message)
        header = frame_header(message)
        if header["epoch"] >= epochs or header.get("state") == "diverged":
            return


async def _pupil(url: str, code: str, pupil: Pupil, peers: Peers,
                 ready: asyncio.Queue[None], stop: asyncio.Event) -> None:
    async with connect(url, max_size=None) as ws:
        await ws.send(json.dumps({"type": "room_join", "code": code, "name": pupil.name}))
        joined = await _reply(ws, "room_joined")
        peers.ids[pupil.name] = str(joined.get("student", ""))
        await ws.send(json.dumps({"type": "configure", "id": 1, "config": pupil.config}))
        await _reply(ws, "config", 1)
        if pupil.epochs:
            await ws.send(json.dumps({"type": "step", "id": 2, "epochs": pupil.epochs}))
            await _stepped(ws, pupil.epochs)
        if pupil.play:
            await ws.send(json.dumps({"type": "play"}))
        ready.put_nowait(None)
        while not stop.is_set():
            try:
                message = await asyncio.wait_for(ws.recv(), timeout=0.5)
            except TimeoutError:
                continue
            if isinstance(message, bytes):
                await ack(ws, message)


@contextmanager
def class_of_peers(base_url: str, code: str, pupils: list[Pupil]) -> Iterator[Peers]:
    """Every pupil joined the room `code` and set up (in a thread), until the block ends."""
    url = base_url.replace("http", "ws", 1) + "/ws"
    peers = Peers()
    loop = asyncio.new_event_loop()
    started = threading.Event()
    state: dict[str, Any] = {}

    async def main() -> None:
        stop = asyncio.Event()
        state["stop"] = stop
        ready: asyncio.Queue[None] = asyncio.Queue()
        tasks = [asyncio.create_task(_pupil(url, code, p, peers, ready, stop)) for p in pupils]
        state["tasks"] = tasks
        try:
            for _ in pupils:
                await asyncio.wait_for(ready.get(), timeout=120)
        except BaseException as error:
            peers.errors.append(repr(error))
            for task in tasks:
                if task.done() and task.exception():
                    peers.errors.append(repr(task.exception()))
        started.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        peers.errors.extend(repr(r) for r in results if isinstance(r, BaseException))

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    try:
        if not started.wait(timeout=180):
            raise RuntimeError("the students did not all join within 180 s")
        if peers.errors:
            raise RuntimeError("students failed to join: " + "; ".join(peers.errors[:3]))
        yield peers
    finally:
        if "stop" in state:
            loop.call_soon_threadsafe(state["stop"].set)
        thread.join(timeout=30)
        loop.close()
