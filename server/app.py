"""The app factory: `create_app(settings)` wires the HTTP routes, the websocket and web/."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from engine.scratch import Scratch
from server import api, rooms, runner
from server.guard import FRAME_LOGGERS, FrameText, LoopBudget, Throttle, ThrottledRecords
from server.rooms import routes as room_routes
from server.scheduler import Scheduler
from server.search import SearchPool
from server.security import Guard
from server.settings import Settings
from server.static import WebFiles

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new app; its training scheduler runs while the app's lifespan does."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        server_log = logging.getLogger("uvicorn.error")
        records = ThrottledRecords(app.state.log_throttle)
        server_log.addFilter(records)
        frame_text = FrameText()
        for name in FRAME_LOGGERS:
            logging.getLogger(name).addFilter(frame_text)
        hub = app.state.rooms
        try:
            if hub is not None:
                await hub.start()
            async with app.state.scheduler.running():
                yield
        finally:
            server_log.removeFilter(records)
            for name in FRAME_LOGGERS:
                logging.getLogger(name).removeFilter(frame_text)
            app.state.search_pool.shutdown()
            if hub is not None:
                await hub.stop()

    app = FastAPI(
        title="NN Playground",
        summary="Watch a neural network learn, live.",
        lifespan=lifespan,
        docs_url="/api/docs" if settings.api_docs else None,
        redoc_url=None,
        openapi_url="/api/openapi.json" if settings.api_docs else None,
    )
    app.state.settings = settings
    app.state.log_throttle = Throttle()
    app.state.heavy_work = LoopBudget()
    app.state.sessions_by_client = Counter()
    """Open sessions by client address (see runner.refusal)."""
    app.state.scheduler = Scheduler(slice_seconds=settings.slice_seconds,
                                    thread_above=settings.thread_epochs_above)
    # Every session of this process builds its frames on the event loop's thread, one at a
    # time: their grids and metrics share one working memory, which stays in cache.
    app.state.grid_scratch = Scratch()
    # Hyperparameter search trials run in worker processes beside the sessions (search.py).
    app.state.search_pool = SearchPool()
    app.state.rooms = rooms.hub_for(settings)
    """Classroom rooms (server/rooms/): None when they are off (several processes, no Redis)."""
    app.include_router(api.router)
    app.include_router(room_routes.router)
    app.include_router(runner.router)
    app.mount("/", WebFiles(directory=settings.web_dir, html=True, check_dir=False), name="web")
    app.add_middleware(Guard, settings=settings, throttle=app.state.log_throttle)
    log.debug("app created, serving %s", settings.web_dir)
    return app


def create_app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` (one per worker process): settings from PLAYGROUND_*."""
    return create_app(Settings.from_env())
