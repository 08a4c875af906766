"""Errors as application/problem+json (RFC 9457): a human message, never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.errors import FramelineError

PROBLEM = "application/problem+json"
log = logging.getLogger("frameline.api")


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    """A problem document with the status, a short title and a detail a person can act on."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


class Problem(BaseModel):
    """An error as RFC 9457 describes it."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str


def _described(status: int, what: str) -> dict[str, Any]:
    return {"model": Problem, "description": what, "content": {PROBLEM: {}}}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _described(401, "No API key, or a wrong or revoked one."),
    403: _described(403, "The key's role may not do this."),
    404: _described(404, "No such project, scene, shot, version or job for this key."),
    409: _described(409, "The action clashes with the current state (a locked version)."),
    413: _described(413, "The body is over FRAMELINE_MAX_UPLOAD_MB."),
    415: _described(415, "The body is not of the type this endpoint takes."),
    422: _described(422, "The request or its content is not valid."),
}


def install(app: FastAPI) -> None:
    """Map every error the app can meet to a problem document."""

    @app.exception_handler(FramelineError)
    async def frameline_error(_: Request, error: FramelineError) -> JSONResponse:
        return problem(error.http_status, error.title, error.message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        titles = {
            401: "Unauthorized",
            403: "Forbidden",
            404: "Not found",
            405: "Method not allowed",
            413: "Content too large",
            415: "Unsupported media type",
        }
        response = problem(
            error.status_code, titles.get(error.status_code, "Error"), str(error.detail)
        )
        for name, value in (error.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            {"location": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in error.errors()
        ]
        detail = "; ".join(f"{p['location']}: {p['message']}" for p in problems[:5])
        return problem(
            422, "Invalid request", detail or "the request is not valid", errors=problems
        )

    @app.exception_handler(Exception)
    async def unexpected(_: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=error)
        return problem(500, "Internal error", "something went wrong on the server; it is logged")
