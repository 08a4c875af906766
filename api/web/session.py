"""Web sessions: who is signed in, their CSRF token, flash messages and the page renderer.

The browser holds only a signed HttpOnly cookie; what it refers to lives on the server, so a
sign-out or a revoked key ends the session at once, even for a copy of the cookie.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from api.deps import FramelineDep, can_see
from core.errors import Conflict, NotFound, PermissionDenied
from memory.keys import KeyHolder
from memory.web_sessions import end_session, open_session, session_holder
from tools.context import Actor

HERE = Path(__file__).parent
SESSION_KEY_FILE = "session.key"
SESSION_COOKIE = "frameline_session"
SESSION_MAX_AGE = 12 * 60 * 60
"""A working day: long enough for a review session, short enough that a lost laptop forgets."""
DEMO_SLUG = "demo"
FLASH_LIMIT = 600
"""Characters of a flash message kept in the cookie (which browsers cap near 4 KB)."""
SAFE_AFTER = re.compile(r"/(p/[a-z0-9-]{1,64}(/shots/[0-9A-Za-z-]{1,32})?)?")
"""Pages a sign-in may lead to: this site's own, never an address elsewhere."""

templates = Jinja2Templates(directory=HERE / "templates")


class SignInRequired(Exception):
    """Raised by page routes when the browser has no valid session; answered with the sign-in."""


@dataclass(frozen=True)
class Visitor:
    """A signed-in person: who the key speaks for, on which projects, in which role."""

    holder: KeyHolder
    session_id: str

    @property
    def actor(self) -> Actor:
        """Who the tools act for: the same person and role as the key on the API."""
        return Actor(self.holder.person, self.holder.role)


def session_secret(home: Path) -> str:
    """The cookie-signing secret, made once per home and readable only by its owner."""
    path = home / SESSION_KEY_FILE
    with contextlib.suppress(FileExistsError):
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    secret = path.read_text().strip()
    if len(secret) < 32:
        raise Conflict(f"{path} is damaged; delete it and restart (everyone signs in again)")
    return secret


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use (before sign-in, for the sign-in form)."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, sent: str) -> None:
    """Refuse a post whose token is not this session's: it came from another site or an old tab."""
    expected = request.session.get("csrf")
    if not isinstance(expected, str) or not hmac.compare_digest(
        expected.encode(), sent.encode("utf-8", "replace")
    ):
        raise PermissionDenied(
            "this form has expired or did not come from this page; reload the page and try again"
        )


def sign_in_session(request: Request, frameline: Any, key_id: int) -> None:
    """A fresh server-side session for this key; the cookie carries only its random id."""
    request.session.clear()  # a fresh session and token on every sign-in
    with frameline.transaction() as session:
        request.session["sid"] = open_session(session, key_id, max_age=SESSION_MAX_AGE)
    csrf_token(request)


def sign_out_session(request: Request, frameline: Any) -> None:
    """End the server-side session, so that a saved copy of the cookie is refused too."""
    sid = request.session.get("sid")
    if isinstance(sid, str):
        with frameline.transaction() as session:
            end_session(session, sid)
    request.session.clear()


def current_visitor(request: Request, frameline: Any) -> Visitor | None:
    """The signed-in visitor, or None; an ended session or a revoked key signs the browser out."""
    sid = request.session.get("sid")
    holder = None
    if isinstance(sid, str):
        with frameline.transaction() as session:
            holder = session_holder(session, sid)
    if holder is None:
        request.session.pop("sid", None)
        return None
    return Visitor(holder, sid)


def get_visitor(request: Request, frameline: FramelineDep) -> Visitor:
    """The signed-in visitor; anyone else is shown the sign-in page."""
    visitor = current_visitor(request, frameline)
    if visitor is None:
        raise SignInRequired
    return visitor


VisitorDep = Annotated[Visitor, Depends(get_visitor)]


def get_project_visitor(slug: str, visitor: VisitorDep) -> Visitor:
    """The visitor on the project in the path; another project's key sees no such project."""
    if not can_see(visitor.holder, slug):
        raise NotFound(f"no project {slug!r}")
    return visitor


ProjectVisitorDep = Annotated[Visitor, Depends(get_project_visitor)]
CsrfField = Annotated[str, Form(max_length=200)]


def flash(request: Request, kind: str, text: str) -> None:
    """A message for the next page this browser sees (after a redirect)."""
    request.session["flash"] = {"kind": kind, "text": text[:FLASH_LIMIT]}


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """A page with the session's pending flash message and CSRF token."""
    return templates.TemplateResponse(
        request,
        name,
        {"flash": request.session.pop("flash", None), "csrf": csrf_token(request), **context},
        status_code=status_code,
    )


def see_other(url: str) -> RedirectResponse:
    """After a post, the browser loads a page (a reload never posts twice)."""
    return RedirectResponse(url, status_code=303)


def back_to(slug: str, back: str, shot: str | None = None) -> str:
    """Where a form returns: one of this project's pages, never an address from outside."""
    storyboard = f"/p/{slug}"
    if re.fullmatch(rf"/p/{re.escape(slug)}/shots/[0-9A-Za-z-]{{1,32}}(/compare)?", back):
        return back
    return storyboard + (f"#shot-{shot}" if shot else "")
