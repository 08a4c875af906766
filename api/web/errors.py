"""Errors as pages: a browser gets a sentence it can act on, API clients keep problem+json."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.web.session import templates
from core.errors import FramelineError

log = logging.getLogger("frameline.web")
ErrorHandler = Callable[[Request, Exception], Response | Awaitable[Response]]


def answer_browsers_with_pages(app: FastAPI) -> None:
    """Browsers asking for a page get a friendly error page; API clients keep problem+json."""
    for kind in (FramelineError, StarletteHTTPException, RequestValidationError, Exception):
        handler = app.exception_handlers.get(kind)
        if handler is not None:
            app.add_exception_handler(kind, _page_or(handler))


def _page_or(api_handler: ErrorHandler) -> Callable[[Request, Exception], Awaitable[Response]]:
    """The API's handler for API calls and other clients, an error page for a browser."""

    async def handle(request: Request, error: Exception) -> Response:
        wants_page = "text/html" in request.headers.get("accept", "")
        if request.url.path.startswith("/v1") or not wants_page:
            answer = api_handler(request, error)
            return await answer if inspect.isawaitable(answer) else answer
        status_code, message = _explain(error)
        context = {"status_code": status_code, "message": message}
        return templates.TemplateResponse(request, "error.html", context, status_code=status_code)

    return handle


def _explain(error: Exception) -> tuple[int, str]:
    """The status and a sentence a person can act on; never a stack trace."""
    if isinstance(error, FramelineError):
        return error.http_status, error.message
    if isinstance(error, StarletteHTTPException):
        if error.status_code == 404:
            return 404, "There is no page at this address."
        return error.status_code, str(error.detail)
    if isinstance(error, RequestValidationError):
        return 422, "The form was missing something or had a value that cannot be used."
    log.exception("unexpected error on a page", exc_info=error)
    return 500, "Something went wrong on the server. It is logged; please try again."
