"""HTTP routes of rooms: the teacher's page and the join link's QR code."""

from __future__ import annotations

import io
import re
from pathlib import Path

import segno
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, Response

from server.protocol import ROOM_CODE_ALPHABET, ROOM_CODE_LENGTH
from server.rooms.hub import Hub
from server.settings import Settings

router = APIRouter()
_CODE = re.compile(f"^[{ROOM_CODE_ALPHABET}]{{{ROOM_CODE_LENGTH}}}$")
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^https?://\[[0-9A-Fa-f:.]+\]"
                     r"(:[0-9]{1,5})?$")


@router.get("/teach", include_in_schema=False)
def teacher_page(request: Request) -> FileResponse:
    """The teacher's page, web/teach/index.html (also served at /teach/)."""
    settings: Settings = request.app.state.settings
    page = Path(settings.web_dir) / "teach" / "index.html"
    if not page.is_file():
        raise HTTPException(404, "the teacher's page is not installed")
    return FileResponse(page, media_type="text/html; charset=utf-8",
                        headers={"cache-control": "no-cache"})


@router.get("/api/rooms/{code}/qr.svg")
async def join_qr(code: str, request: Request, base: str | None = None) -> Response:
    """The students' join link (`base` + /?room=CODE; `base`: the page's origin, default
    this server's) as an SVG QR code; 404 for a room that is not open."""
    code = code.upper()
    hub: Hub | None = getattr(request.app.state, "rooms", None)
    if not _CODE.match(code) or hub is None or await hub.get(code) is None:
        raise HTTPException(404, "no open room has this code")
    origin = (base or str(request.base_url)).rstrip("/")
    if not _ORIGIN.match(origin):
        raise HTTPException(400, "base: an origin such as http://192.168.1.20:8000")
    qr = segno.make(f"{origin}/?room={code}", error="m")
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=4, border=2, xmldecl=False, title=f"Join room {code}")
    return Response(out.getvalue(), media_type="image/svg+xml",
                    headers={"cache-control": "no-store"})
