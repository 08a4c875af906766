"""The FastAPI app: built around one wired Frameline, with /v1, /healthz and the web page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from api import problems
from api.headers import SecurityHeaders
from api.limits import BodyLimits
from api.routes import (
    budget,
    cli,
    comments,
    continuity,
    conversations,
    exports,
    jobs,
    projects,
    provenance,
    scripts,
    shots,
    versions,
)
from api.warmup import Warmup

KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _allowed_methods(app: FastAPI, path: str) -> list[str]:
    """The methods some route answers at this path, as a 405's Allow header lists them."""
    from starlette.routing import Match

    scope = {"type": "http", "path": path, "method": "GET"}
    methods: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches(scope)
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods) or ["GET"]


def create_app(frameline: Any, *, web: bool = True, warmup: Warmup | None = None) -> FastAPI:
    """The app for this Frameline; its lifespan resumes waiting jobs and stops the worker.

    `warmup` is what `serve` still loads in the background; /readyz reports it.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from tools.jobs import recover_jobs

        recover_jobs(frameline, worker="in-process")  # workers elsewhere keep theirs
        frameline.worker.resume_queued()
        yield

    app = FastAPI(
        title="Frameline",
        version="0.1.0",
        summary="AI production assistant: screenplay memory, frames, continuity and budget.",
        lifespan=lifespan,
    )
    app.state.frameline = frameline
    app.state.warmup = warmup
    problems.install(app)
    for router in (
        budget.router,
        cli.router,
        projects.router,
        scripts.router,
        shots.router,
        versions.router,
        comments.router,
        jobs.router,
        continuity.router,
        conversations.router,
        exports.router,
        provenance.router,
    ):
        app.include_router(router)

    from integrations.slack.http import install_slack

    install_slack(app, frameline)

    from integrations.mcp.http import install_mcp

    install_mcp(app, frameline)

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"])
    def readyz() -> JSONResponse:
        """Readiness: the records, the broker and the vector store answer; models are loaded."""
        ready, checks = readiness(frameline)
        if warmup is not None:
            checks["models"] = warmup.state
            ready = ready and warmup.state == "ready"
        document = {"status": "ok" if ready else "down", **checks}
        return JSONResponse(document, status_code=200 if ready else 503)

    if web:
        from api.web import install_web

        install_web(app, frameline)

    @app.middleware("http")
    async def unknown_methods(request: Request, call_next: Any) -> Response:
        if request.method not in KNOWN_METHODS:
            allowed = _allowed_methods(app, request.url.path)
            response = problems.problem(
                405, "Method not allowed", f"{request.method} is not supported here"
            )
            response.headers["Allow"] = ", ".join(allowed)
            return response
        return await call_next(request)

    max_bytes = int(frameline.settings.max_upload_mb) * 1024 * 1024
    app.add_middleware(BodyLimits, max_bytes=max_bytes)
    app.add_middleware(SecurityHeaders)
    return app


def readiness(frameline: Any) -> tuple[bool, dict[str, Any]]:
    """Whether every backing service answers; each says ok, embedded, not configured or why not.

    With a broker, `workers` counts the workers whose heartbeat is current (none is not an
    error: jobs wait for them).
    """
    import httpx
    from sqlalchemy import text

    settings = frameline.settings
    checks: dict[str, Any] = {}
    try:
        with frameline.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as error:
        checks["database"] = str(error)
    if settings.broker_url:
        from tools.celery_jobs import check_broker

        checks["broker"] = check_broker(settings.broker_url)
        if checks["broker"] == "ok":
            checks["workers"] = len(frameline.worker.workers())
    else:
        checks["broker"] = "not configured"
    if settings.chroma_url:
        try:
            answer = httpx.get(settings.chroma_url.rstrip("/") + "/api/v2/heartbeat", timeout=3)
            status = answer.status_code
            checks["vector_store"] = "ok" if status == 200 else f"HTTP {status}"
        except httpx.HTTPError as error:
            checks["vector_store"] = str(error)
    else:
        checks["vector_store"] = "embedded"
    services = ("database", "broker", "vector_store")
    return all(checks[s] in ("ok", "embedded", "not configured") for s in services), checks
