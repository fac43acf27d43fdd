"""HTTP routes: health, the catalog, the protocol's JSON Schema, the course's init figure and
its zigzag path."""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter, Query, Request, Response

from engine import init_figure, zigzag
from server import catalog, limits, protocol

router = APIRouter()


@router.get("/health")
def health(request: Request) -> dict[str, Any]:
    """200 while the server can accept sessions; also says how many are open in this process
    and where classroom rooms live: `memory`, `redis` or `off` (see docs/classroom.md)."""
    hub = getattr(request.app.state, "rooms", None)
    return {
        "status": "ok",
        "protocol": protocol.PROTOCOL_VERSION,
        "sessions": request.app.state.scheduler.session_count,
        "rooms": "off" if hub is None else hub.kind,
    }


@router.get("/api/catalog")
def get_catalog() -> dict[str, Any]:
    """Every name a user can pick, the limits and the default config."""
    return catalog.catalog()


@router.get("/api/schema")
def get_schema() -> dict[str, Any]:
    """The JSON Schema of every protocol message and of the frame header."""
    return protocol.json_schema()


@router.get("/api/init-figure")
def get_init_figure(request: Request, response: Response) -> dict[str, Any]:
    """The course's figure "Visualisation de l'impact de l'initialisation": per init and per
    layer, a histogram of tanh activations (see engine/init_figure.py). Computed once per app,
    on first use, in FastAPI's thread pool (this route is sync), then served from memory."""
    state = request.app.state
    if getattr(state, "init_figure", None) is None:
        # Two first requests at once may both compute it: same seed, same answer.
        state.init_figure = init_figure_json(init_figure.figure())
    response.headers["Cache-Control"] = "public, max-age=86400"
    figure: dict[str, Any] = state.init_figure
    return figure


def init_figure_json(fig: init_figure.InitFigure) -> dict[str, Any]:
    """The figure as JSON: integer counts per bin, mean and std to 4 decimals."""
    return {
        "seed": init_figure.SEED,
        "network": {"sizes": fig.sizes, "activation": "tanh", "samples": fig.samples,
                    "inputs": "standard_normal"},
        "range": [fig.edges[0], fig.edges[-1]],
        "bins": len(fig.edges) - 1,
        "rows": [
            {"init": name, "layers": [
                {"l": p.l, "counts": p.counts, "mean": round(p.mean, 4), "std": round(p.std, 4)}
                for p in panels]}
            for name, panels in fig.rows.items()
        ],
    }


@router.get("/api/zigzag")
def get_zigzag(response: Response,
               seed: int = Query(default=1, ge=0, le=limits.MAX_SEED)) -> dict[str, Any]:
    """The zigzag of gradient descent on one neuron's two weights, for sigmoid and for tanh
    inputs: the cost over (w₁, w₂) and the path, one example per step (engine/zigzag.py)."""
    response.headers["Cache-Control"] = "public, max-age=86400"
    return zigzag_json(seed)


def zigzag_json(seed: int) -> dict[str, Any]:
    """The drawing as JSON: costs and weights to 4 decimals."""
    paths = {output: zigzag.path(output, seed) for output in zigzag.OUTPUTS}
    return {
        "seed": seed, "start": list(zigzag.START), "target": list(zigzag.TARGET),
        "extent": zigzag.EXTENT, "grid": zigzag.GRID, "steps": zigzag.STEPS,
        "learning_rate": zigzag.LEARNING_RATE,
        "paths": {output: {
            "weights": np.round(p.weights, 4).tolist(),
            "cost": np.round(p.cost, 4).tolist(),
            "same_sign_steps": round(p.same_sign_steps, 4),
            "detour": round(p.detour, 4),
        } for output, p in paths.items()},
    }
