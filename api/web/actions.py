"""What the storyboard's buttons and forms do: status changes, renders, revisions, approvals
and notes.

Each action calls the same tool as the API; a refusal comes back to the page as a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Header, Path, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from pydantic import BaseModel, Field, ValidationError

from api.deps import FramelineDep
from api.schemas import RenderIn, ReviseIn
from api.sse import sse_response
from api.web.session import CsrfField, ProjectVisitorDep, back_to, check_csrf, flash, see_other
from core.errors import FramelineError, NotFound
from memory.store import get_version, project_of_version
from tools.approvals import DECISIONS
from tools.comments import MAX_COMMENT, add_comment, list_comments
from tools.context import Actor
from tools.frames import VersionView, version_view
from tools.jobs import JobView, get_job, stream_events
from tools.policy import Release, submit
from tools.versions import set_status

router = APIRouter(include_in_schema=False)


def version_of(frameline: Any, slug: str, version_id: str) -> VersionView:
    """A version of this project; one of another project is not found."""
    with frameline.transaction() as session:
        version = get_version(session, version_id)
        if project_of_version(session, version) != slug:
            raise NotFound(f"project {slug!r} has no version {version_id!r}")
        return version_view(session, frameline, version)


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
    view = version_of(frameline, slug, version_id)
    try:
        changed = set_status(
            frameline, visitor.actor, version_id, status, override_reason=override_reason or None
        )
    except FramelineError as error:
        flash(request, "error", error.message)
    else:
        flash(request, "ok", f"{changed.version_id} of shot {changed.shot} is {changed.status}.")
    return see_other(back_to(slug, back, view.shot))


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


def _start(
    request: Request,
    frameline: Any,
    actor: Actor,
    slug: str,
    kind: str,
    form: Callable[[], dict[str, Any]],
) -> JobView | None:
    """Submit a form's job and start it, or say why not on the page (None: nothing was queued).

    A gated render waits for its approval instead, and the page says whose."""
    try:
        submitted = submit(frameline, actor, slug, kind, form())
    except ValidationError as error:
        flash(request, "error", _form_problems(error))
        return None
    except FramelineError as error:
        flash(request, "error", error.message)
        return None
    job, asked = submitted.job, submitted.approval
    if job.state == "queued":
        frameline.worker.enqueue(job.job_id)
    elif asked is not None:
        flash(
            request,
            "ok",
            f"Job {job.job_id} waits for a {asked['needs_role']}'s approval "
            f"({asked['approval_id']}): {asked['reason']}.",
        )
    else:
        flash(request, "ok", f"Job {job.job_id} waits for an approval before it runs.")
    return job


def _form_problems(error: ValidationError) -> str:
    """Each refused field by name, once: a field of several shapes (a box or a region's name)
    fails each shape, and only the first says what the form meant."""
    said: dict[str, str] = {}
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else "form"
        said.setdefault(field, f"{field}: {problem['msg']}")
    return "; ".join(said.values())


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
    fields = {"scene": scene, "shot": shot or None, "prompt": prompt.strip() or None}
    job = _start(
        request,
        frameline,
        visitor.actor,
        slug,
        "render",
        lambda: RenderIn(**fields, framing=framing).model_dump(),
    )
    if job is None:
        return see_other(destination)
    if destination == f"/p/{slug}":
        return see_other(f"{destination}?job={job.job_id}#scene-{quote(scene.strip())}")
    return see_other(f"{destination}?job={job.job_id}")


def _region(region: str, x0: str, y0: str, x1: str, y1: str) -> list[str] | str | None:
    """A drawn box (integer pixels of the parent frame) wins over a named region.

    The corners stay text for `ReviseIn` to check: a box that is not four whole numbers is
    refused by name, never quietly widened to the whole frame."""
    corners = [x0.strip(), y0.strip(), x1.strip(), y1.strip()]
    if all(corners):
        return corners
    return region.strip() or None


@router.post("/p/{slug}/versions/{version_id}/revise")
def request_revision(
    slug: str,
    version_id: str,
    request: Request,
    visitor: ProjectVisitorDep,
    frameline: FramelineDep,
    csrf: CsrfField = "",
    instruction: Annotated[str, Form(max_length=4000)] = "",
    region: Annotated[str, Form(max_length=40)] = "",
    x0: Annotated[str, Form(max_length=8)] = "",
    y0: Annotated[str, Form(max_length=8)] = "",
    x1: Annotated[str, Form(max_length=8)] = "",
    y1: Annotated[str, Form(max_length=8)] = "",
    strength: Annotated[str, Form(max_length=8)] = "",
    back: Annotated[str, Form(max_length=400)] = "",
) -> RedirectResponse:
    """Queue a revision of a frame (a drawn box or a named region keeps the rest exactly)."""
    check_csrf(request, csrf)
    view = version_of(frameline, slug, version_id)
    destination = back_to(slug, back, view.shot)
    fields = {
        "instruction": instruction.strip(),
        "region": _region(region, x0, y0, x1, y1),
        "strength": strength.strip() or None,
    }
    job = _start(
        request,
        frameline,
        visitor.actor,
        slug,
        "revise",
        lambda: {"version_id": view.version_id, **ReviseIn(**fields).model_dump()},
    )
    if job is None:
        return see_other(destination)
    path, _, anchor = destination.partition("#")
    return see_other(f"{path}?job={job.job_id}" + (f"#{anchor}" if anchor else ""))


@router.post("/p/{slug}/approvals/{approval_id}/decision")
def decide_approval(
    slug: str,
    approval_id: Annotated[str, Path(pattern=r"^a[0-9a-f]{1,39}$")],
    request: Request,
    visitor: ProjectVisitorDep,
    frameline: FramelineDep,
    csrf: CsrfField = "",
    decision: Annotated[str, Form(max_length=8)] = "",
    back: Annotated[str, Form(max_length=400)] = "",
) -> RedirectResponse:
    """Approve or reject what a render (or a conversation) waits for, as the API does for this
    person's role; an approved render is followed on the page like any other."""
    from agent.service import decide_approval

    check_csrf(request, csrf)
    destination = back_to(slug, back)
    try:
        released = decide_approval(frameline, visitor.actor, approval_id, decision, slug)
    except FramelineError as error:
        flash(request, "error", error.message)
        return see_other(destination)
    if not isinstance(released, Release):
        flash(request, "ok", f"{approval_id} is {DECISIONS[decision]}. {released.reply}".strip())
        return see_other(destination)
    job = released.job
    if job.state != "queued":
        flash(request, "ok", f"Rejected: job {job.job_id} is cancelled and nothing is drawn.")
        return see_other(destination)
    flash(request, "ok", f"Approved: job {job.job_id} renders now.")
    path, _, anchor = destination.partition("#")
    scene = released.approval["details"].get("scene")
    if not anchor and path == f"/p/{slug}" and scene:
        anchor = f"scene-{quote(str(scene))}"
    return see_other(f"{path}?job={job.job_id}" + (f"#{anchor}" if anchor else ""))


@router.get("/p/{slug}/jobs/{job_id}/events")
def job_events(
    slug: str, job_id: str, _: ProjectVisitorDep, frameline: FramelineDep
) -> StreamingResponse:
    """The job's progress as Server-Sent Events, for the page's EventSource."""
    get_job(frameline, job_id, project=slug)
    return sse_response(stream_events(frameline.worker.events, frameline, job_id))


class NoteIn(BaseModel):
    """A note typed under a frame."""

    text: str = Field(min_length=1, max_length=MAX_COMMENT)


@router.get("/p/{slug}/versions/{version_id}/comments")
def version_notes(
    slug: str, version_id: str, visitor: ProjectVisitorDep, frameline: FramelineDep
) -> JSONResponse:
    """A frame's notes for the page, oldest first."""
    version_of(frameline, slug, version_id)
    notes = list_comments(frameline, visitor.actor, version_id)
    return JSONResponse({"items": [n.to_json() for n in notes], "next": None})


@router.post("/p/{slug}/versions/{version_id}/comments")
def leave_note(
    slug: str,
    version_id: str,
    body: NoteIn,
    request: Request,
    visitor: ProjectVisitorDep,
    frameline: FramelineDep,
    x_csrf_token: Annotated[str, Header(max_length=200)] = "",
) -> JSONResponse:
    """Leave a note on a frame as the signed-in person."""
    check_csrf(request, x_csrf_token)
    version_of(frameline, slug, version_id)
    from integrations.slack.notes import share_note

    note = add_comment(frameline, visitor.actor, version_id, body.text).to_json()
    share_note(frameline, note)
    return JSONResponse(note, status_code=201)
