"""The front end's static files, with JavaScript served as text/javascript."""

from __future__ import annotations

import os
from typing import Any

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
}


class WebFiles(StaticFiles):
    """StaticFiles (which refuses paths outside its directory) with fixed types, no caching.

    ES modules need a JavaScript type, which the platform's mime table does not always give.
    `no-cache` makes the browser revalidate, so an updated front end is never mixed with a stale
    module.
    """

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        media_type = MEDIA_TYPES.get(os.path.splitext(str(full_path))[1].lower())
        if media_type is not None:
            response.headers["content-type"] = media_type
        response.headers["cache-control"] = "no-cache"
        response.headers["x-content-type-options"] = "nosniff"
        return response

    def __repr__(self) -> str:
        directory: Any = self.directory
        return f"WebFiles({directory!r})"
