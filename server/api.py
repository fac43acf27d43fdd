"""HTTP routes: health, the catalog and the protocol's JSON Schema."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from server import catalog, protocol

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
