"""The storyboard page at `/`: the same tools as the API, behind a cookie session made from a key.

The browser holds only a signed HttpOnly cookie with the key's row id and a CSRF token, never the
key, so a revoked key signs its sessions out at once. Every form posts back with that token.
"""

from __future__ import annotations

import contextlib
import hmac
import inspect
import logging
import os
import re
import secrets
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Form, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from api.deps import FramelineDep, can_see
from api.routes.shots import shot_json
from api.schemas import RenderIn
from api.sse import sse_response
from core.errors import Conflict, FramelineError, NotFound, PermissionDenied
from memory.keys import KeyHolder, key_by_id, verify_key
from memory.records import Scene
from memory.store import (
    active_scenes,
    get_project,
    get_shot,
    get_version,
    list_projects,
    project_of_version,
    shots_of_scene,
    versions_of_shot,
)
from memory.views import project_json, scene_json
from tools.context import Actor
from tools.frames import VersionView, list_versions, version_view
from tools.jobs import JobView, get_job, stream_events, submit_job
from tools.versions import set_status

HERE = Path(__file__).parent
SESSION_KEY_FILE = "session.key"
SESSION_COOKIE = "frameline_session"
SESSION_MAX_AGE = 12 * 60 * 60
"""A working day: long enough for a review session, short enough that a lost laptop forgets."""
DEMO_SLUG = "demo"
FLASH_LIMIT = 600
"""Characters of a flash message kept in the cookie (which browsers cap near 4 KB)."""
SNIPPET_LENGTH = 180
SAFE_AFTER = re.compile(r"/(p/[a-z0-9-]{1,64}(/shots/[0-9A-Za-z-]{1,32})?)?")
"""Pages a sign-in may lead to: this site's own, never an address elsewhere."""

log = logging.getLogger("frameline.web")
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)


class SignInRequired(Exception):
    """Raised by page routes when the browser has no valid session; answered with the sign-in."""


@dataclass(frozen=True)
class Visitor:
    """A signed-in person: who the key speaks for, on which projects, in which role."""

    holder: KeyHolder

    @property
    def actor(self) -> Actor:
        """Who the tools act for: the same person and role as the key on the API."""
        return Actor(self.holder.person, self.holder.role)


def install_web(app: FastAPI, frameline: Any) -> None:
    """Add the pages, their static files, the cookie session and HTML error pages to the app."""
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(frameline.settings.home),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=False,
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(router)
    _answer_browsers_with_pages(app)

    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, _: SignInRequired) -> Response:
        after = request.url.path if request.method == "GET" else "/"
        return _sign_in_page(request, frameline, after=after, status_code=401)


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


# Sessions, CSRF and flash messages


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


def current_visitor(request: Request, frameline: Any) -> Visitor | None:
    """The signed-in visitor, or None; a session of a revoked key is cleared."""
    key_id = request.session.get("key_id")
    holder = None
    if isinstance(key_id, int):
        with frameline.transaction() as session:
            holder = key_by_id(session, key_id)
    if holder is None:
        request.session.pop("key_id", None)
        return None
    return Visitor(holder)


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
    if re.fullmatch(rf"/p/{re.escape(slug)}/shots/[0-9A-Za-z-]{{1,32}}", back):
        return back
    return storyboard + (f"#shot-{shot}" if shot else "")


# Sign-in and the projects list


def _sign_in_page(
    request: Request,
    frameline: Any,
    *,
    error: str | None = None,
    after: str = "/",
    status_code: int = 200,
) -> HTMLResponse:
    with frameline.transaction() as session:
        demo = next((p.title for p in list_projects(session) if p.slug == DEMO_SLUG), None)
    context = {"demo": demo, "demo_slug": DEMO_SLUG, "error": error, "after": after}
    return render(request, "signin.html", context, status_code=status_code)


def _cover(session: Any, project: Any) -> str | None:
    """The version a project's card shows: the latest frame of its first drawn shot."""
    for scene in active_scenes(session, project):
        for shot in shots_of_scene(session, scene):
            versions = versions_of_shot(session, shot)
            if versions:
                return versions[-1].version_id
    return None


@router.get("/", response_class=HTMLResponse)
def home(request: Request, frameline: FramelineDep) -> HTMLResponse:
    """The projects this key may see, or the sign-in page (never a redirect)."""
    visitor = current_visitor(request, frameline)
    if visitor is None:
        return _sign_in_page(request, frameline)
    with frameline.transaction() as session:
        projects = [
            {**project_json(session, project), "cover": _cover(session, project)}
            for project in list_projects(session)
            if can_see(visitor.holder, project.slug)
        ]
    return render(request, "projects.html", {"visitor": visitor, "projects": projects})


@router.post("/signin", response_class=HTMLResponse)
def sign_in(
    request: Request,
    frameline: FramelineDep,
    csrf: CsrfField = "",
    key: Annotated[str, Form(max_length=400)] = "",
    after: Annotated[str, Form(max_length=400)] = "/",
) -> Response:
    """Trade a key for a session cookie that holds only the key's id."""
    try:
        check_csrf(request, csrf)
    except PermissionDenied:
        message = "The sign-in form had expired; it is fresh now, please sign in again."
        return _sign_in_page(request, frameline, error=message, after=after, status_code=400)
    with frameline.transaction() as session:
        holder = verify_key(session, key.strip())
    if holder is None:
        message = "That key is not valid or was revoked. Check admin.key or ask for a new key."
        return _sign_in_page(request, frameline, error=message, after=after, status_code=401)
    request.session.clear()  # a fresh session and token on every sign-in
    request.session["key_id"] = holder.key_id
    csrf_token(request)
    return see_other(after if SAFE_AFTER.fullmatch(after) else "/")


@router.post("/signout")
def sign_out(request: Request, csrf: CsrfField = "") -> RedirectResponse:
    """Forget the session; the key itself stays valid."""
    check_csrf(request, csrf)
    request.session.clear()
    return see_other("/")


# The storyboard


def _snippet(scene_text: str, heading: str) -> str:
    """The scene's first lines of action, as a storyboard caption."""
    paragraphs = [p.strip() for p in scene_text.split("\n\n") if p.strip()]
    if paragraphs and paragraphs[0].upper() == heading.upper():
        paragraphs = paragraphs[1:]
    text = " ".join(paragraphs[0].split()) if paragraphs else ""
    if len(text) <= SNIPPET_LENGTH:
        return text
    return text[:SNIPPET_LENGTH].rsplit(" ", 1)[0] + "…"


def _caption(description: str, script: str) -> str:
    """A panel's own words; a description copied from the scene's action is already shown above."""
    words = " ".join(description.split())
    return "" if words.rstrip(".…") in script else words


def _watched_job(frameline: Any, slug: str, job_id: str | None) -> JobView | None:
    """The job a page follows after a render was asked for (only one of this project)."""
    if not job_id:
        return None
    try:
        return get_job(frameline, job_id, project=slug)
    except NotFound:
        return None


def _thread_id(request: Request, slug: str) -> str:
    """The assistant conversation of this browser session on this project."""
    chat = request.session.get("chat")
    if not isinstance(chat, str):
        chat = secrets.token_hex(6)
        request.session["chat"] = chat
    return f"web-{chat}-{slug}"


def _project_context(visitor: Visitor, project: Any) -> dict[str, Any]:
    """What every page of a project shows: who is signed in and what they may do."""
    return {
        "visitor": visitor,
        "project": {"slug": project.slug, "title": project.title or project.slug},
        "may": {action: visitor.actor.may(action) for action in ("approve", "lock", "render")},
    }


@router.get("/p/{slug}", response_class=HTMLResponse)
def storyboard(
    slug: str,
    request: Request,
    visitor: ProjectVisitorDep,
    frameline: FramelineDep,
    job: str | None = None,
) -> HTMLResponse:
    """Scenes in script order, each with its shots as storyboard panels."""
    with frameline.transaction() as session:
        project = get_project(session, slug)
        scenes = []
        for scene in active_scenes(session, project):
            script = " ".join(scene.text.split())
            shots = []
            for row in shots_of_scene(session, scene):
                shot = shot_json(session, frameline, row)
                shots.append({**shot, "caption": _caption(shot["description"], script)})
            snippet = _snippet(scene.text, scene.heading)
            scenes.append({**scene_json(scene), "snippet": snippet, "shots": shots})
        context = _project_context(visitor, project)
    latest = [shot["latest"] for scene in scenes for shot in scene["shots"] if shot["latest"]]
    tally = {
        "shots": sum(len(scene["shots"]) for scene in scenes),
        "approved": sum(v["status"] == "approved" for v in latest),
        "locked": sum(v["status"] == "locked" for v in latest),
        "failed": sum(v["continuity"] == "fail" for v in latest),
        "stale": sum(v["stale"] for v in latest),
    }
    context |= {"scenes": scenes, "tally": tally, "job": _watched_job(frameline, slug, job)}
    return render(request, "storyboard.html", context)


def _takes(versions: list[VersionView]) -> list[list[VersionView]]:
    """Versions grouped by take (a parentless version and its revisions), each parent first."""
    children: dict[str | None, list[VersionView]] = {}
    for version in versions:
        children.setdefault(version.parent_id, []).append(version)

    known = {v.version_id for v in versions}
    takes = []
    for root in (v for v in versions if v.parent_id is None or v.parent_id not in known):
        take, waiting = [], [root]
        while waiting:
            version = waiting.pop()
            take.append(version)
            waiting.extend(reversed(children.get(version.version_id, [])))
        takes.append(take)
    return takes


@router.get("/p/{slug}/shots/{code}", response_class=HTMLResponse)
def shot_page(
    slug: str,
    code: str,
    request: Request,
    visitor: ProjectVisitorDep,
    frameline: FramelineDep,
    v: str | None = None,
    job: str | None = None,
) -> HTMLResponse:
    """A shot's versions as a lineage strip, with one version shown large."""
    versions = list_versions(frameline, visitor.actor, slug, code)
    with frameline.transaction() as session:
        project = get_project(session, slug)
        shot = get_shot(session, project, code)
        scene = session.get(Scene, shot.scene_id)
        assert scene is not None  # a shot's scene is kept (only marked removed) on re-import
        by_id = {version.version_id: version for version in versions}
        selected = by_id.get((v or "").lower()) or (versions[-1] if versions else None)
        history = get_version(session, selected.version_id).status_history if selected else []
        context = _project_context(visitor, project)
        context |= {
            "scene": scene_json(scene),
            "shot": {"code": shot.code, "framing": shot.framing, "angle": shot.angle},
            "description": shot.description,
        }
    context |= {
        "takes": _takes(versions),
        "selected": selected,
        "history": history,
        "job": _watched_job(frameline, slug, job),
    }
    return render(request, "shot.html", context)


# Actions: status changes and renders


@router.post("/p/{slug}/versions/{version_id}/status")
def change_status(
    slug: str,
    version_id: str,
    request: Request,
    visitor: ProjectVisitorDep,
    frameline: FramelineDep,
    csrf: CsrfField = "",
    status: Annotated[str, Form(max_length=16)] = "",
    override_reason: Annotated[str, Form(max_length=2000)] = "",
    back: Annotated[str, Form(max_length=400)] = "",
) -> RedirectResponse:
    """Approve, lock or return a version to draft; a refusal comes back as a message."""
    check_csrf(request, csrf)
    view = _version_of(frameline, slug, version_id)
    try:
        changed = set_status(
            frameline, visitor.actor, version_id, status, override_reason=override_reason or None
        )
    except FramelineError as error:
        flash(request, "error", error.message)
    else:
        flash(request, "ok", f"{changed.version_id} of shot {changed.shot} is {changed.status}.")
    return see_other(back_to(slug, back, view.shot))


def _version_of(frameline: Any, slug: str, version_id: str) -> VersionView:
    """A version of this project; one of another project is not found."""
    with frameline.transaction() as session:
        version = get_version(session, version_id)
        if project_of_version(session, version) != slug:
            raise NotFound(f"project {slug!r} has no version {version_id!r}")
        return version_view(session, frameline, version)


@router.get("/p/{slug}/versions/{version_id}/image")
def version_image(
    slug: str, version_id: str, _: ProjectVisitorDep, frameline: FramelineDep
) -> Response:
    """The frame's PNG for <img> tags, which cannot send an API key."""
    with frameline.transaction() as session:
        version = get_version(session, version_id)
        if project_of_version(session, version) != slug:
            raise NotFound(f"project {slug!r} has no version {version_id!r}")
        sha256 = version.asset_sha256
    return Response(
        frameline.assets.read(sha256),
        media_type="image/png",
        headers={"Cache-Control": "private, max-age=31536000, immutable", "ETag": f'"{sha256}"'},
    )


@router.post("/p/{slug}/renders")
def request_render(
    slug: str,
    request: Request,
    visitor: ProjectVisitorDep,
    frameline: FramelineDep,
    csrf: CsrfField = "",
    scene: Annotated[str, Form(max_length=16)] = "",
    shot: Annotated[str, Form(max_length=32)] = "",
    prompt: Annotated[str, Form(max_length=4000)] = "",
    framing: Annotated[str, Form(max_length=32)] = "medium",
    back: Annotated[str, Form(max_length=400)] = "",
) -> RedirectResponse:
    """Queue a render and return to the page, which follows the job's progress."""
    check_csrf(request, csrf)
    destination = back_to(slug, back)
    try:
        body = RenderIn(
            scene=scene, shot=shot or None, prompt=prompt.strip() or None, framing=framing
        )
        job = submit_job(frameline, visitor.actor, slug, "render", body.model_dump())
    except ValidationError as error:
        flash(request, "error", "; ".join(str(e["msg"]) for e in error.errors()))
        return see_other(destination)
    except FramelineError as error:
        flash(request, "error", error.message)
        return see_other(destination)
    frameline.worker.enqueue(job.job_id)
    if destination == f"/p/{slug}":
        return see_other(f"{destination}?job={job.job_id}#scene-{quote(body.scene.strip())}")
    return see_other(f"{destination}?job={job.job_id}")


@router.get("/p/{slug}/jobs/{job_id}/events")
def job_events(
    slug: str, job_id: str, _: ProjectVisitorDep, frameline: FramelineDep
) -> StreamingResponse:
    """The job's progress as Server-Sent Events, for the page's EventSource."""
    get_job(frameline, job_id, project=slug)
    return sse_response(stream_events(frameline.worker.events, frameline, job_id))


# The assistant


class ChatIn(BaseModel):
    """One message typed in the chat panel."""

    text: str = Field(min_length=1, max_length=4000)


@router.post("/p/{slug}/chat")
def chat(
    slug: str,
    body: ChatIn,
    request: Request,
    visitor: ProjectVisitorDep,
    frameline: FramelineDep,
    x_csrf_token: Annotated[str, Header(max_length=200)] = "",
) -> StreamingResponse:
    """One turn of the assistant, streamed as Server-Sent Events to the chat panel."""
    check_csrf(request, x_csrf_token)
    with frameline.transaction() as session:
        get_project(session, slug)
    thread_id = _thread_id(request, slug)
    return sse_response(_assistant_turn(frameline, visitor.actor, slug, thread_id, body.text))


def _assistant_turn(
    frameline: Any, actor: Actor, project: str, thread_id: str, text: str
) -> Iterator[tuple[str, Any]]:
    """The agent's events; a failed turn ends the stream with a message the panel shows."""
    from agent.service import stream_turn

    try:
        yield from stream_turn(frameline, actor, project, thread_id, text)
    except FramelineError as error:
        yield "error", {"message": error.message}
    except Exception:  # a broken turn must end the stream with a message, not a cut connection
        log.exception("assistant turn failed")
        yield "error", {"message": "the assistant failed on the server; it is logged"}


# Errors as pages

ErrorHandler = Callable[[Request, Exception], Response | Awaitable[Response]]


def _answer_browsers_with_pages(app: FastAPI) -> None:
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
