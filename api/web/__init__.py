"""The storyboard web page: server-rendered pages, a little plain JavaScript, no build step.

`session` keeps who is signed in, `pages` shows, `actions` changes, `chat` talks to the
assistant, `errors` answers browsers with pages.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from api.web.session import HERE, SESSION_COOKIE, SESSION_MAX_AGE, SignInRequired, session_secret


def install_web(app: FastAPI, frameline: Any) -> None:
    """Add the pages, their static files, the cookie session and HTML error pages to the app."""
    from api.web import actions, chat, pages
    from api.web.errors import answer_browsers_with_pages

    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(frameline.settings.home),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=bool(getattr(frameline.settings, "secure_cookies", False)),
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in (pages.router, actions.router, chat.router):
        app.include_router(router)
    answer_browsers_with_pages(app)

    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, _: SignInRequired) -> Response:
        after = request.url.path if request.method == "GET" else "/"
        return pages.sign_in_page(request, frameline, after=after, status_code=401)
