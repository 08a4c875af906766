"""The web pages people read: sign-in, productions, the storyboard, a shot, and two takes compared.

Pages only format: every rule (who may see, approve, lock) is the tools' and the API's.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import FramelineDep, can_see
from api.routes.shots import shot_json
from api.web.session import (
    DEMO_SLUG,
    SAFE_AFTER,
    CsrfField,
    ProjectVisitorDep,
    Visitor,
    check_csrf,
    current_visitor,
    render,
    see_other,
    sign_in_session,
    sign_out_session,
)
from core.errors import NotFound, PermissionDenied
from memory.keys import verify_key
from memory.records import Scene, Version
from memory.signin_links import redeem_link
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
from tools.approvals import may_decide
from tools.approvals import pending as pending_approvals
from tools.frames import VersionView, list_versions, version_view
from tools.jobs import JobView, get_job
from tools.money_display import display_estimate

SNIPPET_LENGTH = 180

router = APIRouter(include_in_schema=False)


# Sign-in and the projects list


def sign_in_page(
    request: Request,
    frameline: Any,
    *,
    error: str | None = None,
    after: str = "/",
    status_code: int = 200,
) -> HTMLResponse:
    """The sign-in form, naming the demo production when there is one."""
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
        return sign_in_page(request, frameline)
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
    """Trade a key for a server-side session; the cookie holds only the session's random id."""
    try:
        check_csrf(request, csrf)
    except PermissionDenied:
        message = "The sign-in form had expired; it is fresh now, please sign in again."
        return sign_in_page(request, frameline, error=message, after=after, status_code=400)
    with frameline.transaction() as session:
        holder = verify_key(session, key.strip())
    if holder is None:
        message = "That key is not valid or was revoked. Check admin.key or ask for a new key."
        return sign_in_page(request, frameline, error=message, after=after, status_code=401)
    sign_in_session(request, frameline, holder.key_id)
    return see_other(after if SAFE_AFTER.fullmatch(after) else "/")


@router.get("/signin/{token}", response_class=HTMLResponse)
def sign_in_link_page(token: str, request: Request, frameline: FramelineDep) -> HTMLResponse:
    """A one-time link's page: one click signs in (a link preview fetching it spends nothing)."""
    context = {"demo": None, "error": None, "after": "/", "link_token": token[:100]}
    return render(request, "signin.html", context)


@router.post("/signin/{token}", response_class=HTMLResponse)
def sign_in_by_link(
    token: str, request: Request, frameline: FramelineDep, csrf: CsrfField = ""
) -> Response:
    """Spend a link made by `frameline keys create … --link` for a session of its key."""
    check_csrf(request, csrf)
    with frameline.transaction() as session:
        key_id = redeem_link(session, token)
    if key_id is None:
        message = "That sign-in link was already used or has expired. Ask for a new one."
        return sign_in_page(request, frameline, error=message, status_code=401)
    sign_in_session(request, frameline, key_id)
    return see_other("/")


@router.post("/signout")
def sign_out(request: Request, frameline: FramelineDep, csrf: CsrfField = "") -> Response:
    """End the session on the server; the key itself stays valid."""
    check_csrf(request, csrf)
    sign_out_session(request, frameline)
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


def watched_job(frameline: Any, slug: str, job_id: str | None) -> JobView | None:
    """The job a page follows after a render was asked for (only one of this project)."""
    if not job_id:
        return None
    try:
        return get_job(frameline, job_id, project=slug)
    except NotFound:
        return None


def _asked_what(asked: dict[str, Any]) -> str:
    """What an approval would let happen, in words."""
    details = asked["details"]
    if asked["action"] == "render":
        count = int(details.get("count") or 1)
        what = f"Render {count} frame{'s' if count != 1 else ''} of scene {details.get('scene')}"
        if details.get("estimate") and details.get("currency"):
            what += f" ({display_estimate(str(details['estimate']), str(details['currency']))})"
        return what
    if asked["action"] == "lock":
        return f"Lock {details.get('version_id')}"
    return f"Approve {details.get('version_id')} over its continuity check"


def waiting_approvals(frameline: Any, visitor: Visitor, slug: str) -> list[dict[str, Any]]:
    """The project's approvals still waiting: what each asks, who must decide, and whether
    this visitor's role may (the rule is the tools'; the page only shows it)."""
    return [
        {
            **asked,
            "what": _asked_what(asked),
            "may_decide": may_decide(visitor.actor, asked["action"]),
        }
        for asked in pending_approvals(frameline, slug)
    ]


def project_context(visitor: Visitor, project: Any) -> dict[str, Any]:
    """What every page of a project shows: who is signed in and what they may do."""
    return {
        "visitor": visitor,
        "project": {"slug": project.slug, "title": project.title or project.slug},
        "may": {
            action: visitor.actor.may(action) for action in ("approve", "lock", "render", "revise")
        },
    }


def card_camera(depicts: dict[str, Any] | None, shot: dict[str, Any], scene: Any) -> dict[str, str]:
    """Framing, angle and time of day as the frame itself was drawn; the shot's plan otherwise."""
    drawn = depicts or {}
    return {
        "framing": str(drawn.get("framing") or shot.get("framing") or ""),
        "angle": str(drawn.get("angle") or shot.get("angle") or ""),
        "time_of_day": str(drawn.get("time_of_day") or (scene.time_of_day or "")).lower(),
        "props": [str(p) for p in drawn.get("props", [])],
    }


def continuity_reason(version: Version) -> str:
    """Why the check said what it said, for a hover; plain words, never a traceback."""
    report = version.continuity_report or {}
    summary = report.get("summary")
    if isinstance(summary, str) and summary:
        return summary
    return {
        "pass": "the continuity check passed",
        "fail": "the continuity check failed",
        "not_checkable": "this frame cannot be checked automatically",
    }.get(version.continuity, "the continuity check has not run yet")


def shot_frame(versions: list[Version]) -> Version | None:
    """The version a shot's card shows: the locked one, else the one last made or decided on
    (a new revision, or a take someone approved in a comparison)."""
    if not versions:
        return None
    locked = [v for v in versions if v.status == "locked"]
    if locked:
        return locked[-1]

    def touched(version: Version) -> str:
        decided = [str(entry.get("at", "")) for entry in version.status_history or []]
        return max([version.created_at.isoformat(), *decided])

    return max(versions, key=lambda v: (touched(v), v.id))


def _panel(session: Any, frameline: Any, scene: Any, row: Any, script: str) -> dict[str, Any]:
    """One storyboard card: the shot, the version it shows and what that frame depicts."""
    shot = shot_json(session, frameline, row)
    record = shot_frame(versions_of_shot(session, row))
    if record is not None:
        shot["latest"] = version_view(session, frameline, record).to_json()
    panel = {**shot, "caption": _caption(shot["description"], script)}
    panel["camera"] = card_camera(record.depicts if record else None, shot, scene)
    panel["reason"] = continuity_reason(record) if record else ""
    return panel


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
            shots = [
                _panel(session, frameline, scene, row, script)
                for row in shots_of_scene(session, scene)
            ]
            snippet = _snippet(scene.text, scene.heading)
            scenes.append({**scene_json(scene), "snippet": snippet, "shots": shots})
        context = project_context(visitor, project)
    latest = [shot["latest"] for scene in scenes for shot in scene["shots"] if shot["latest"]]
    tally = {
        "shots": sum(len(scene["shots"]) for scene in scenes),
        "approved": sum(v["status"] == "approved" for v in latest),
        "locked": sum(v["status"] == "locked" for v in latest),
        "failed": sum(v["continuity"] == "fail" for v in latest),
        "stale": sum(v["stale"] for v in latest),
    }
    waiting = waiting_approvals(frameline, visitor, slug)
    for scene in scenes:
        scene["waiting"] = [
            a for a in waiting if str(a["details"].get("scene", "")) == str(scene["number"])
        ]
    context |= {
        "scenes": scenes,
        "tally": tally,
        "approvals": waiting,
        "job": watched_job(frameline, slug, job),
    }
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
        record = get_version(session, selected.version_id) if selected else None
        context = project_context(visitor, project)
        context |= {
            "scene": scene_json(scene),
            "shot": {"code": shot.code, "framing": shot.framing, "angle": shot.angle},
            "description": shot.description,
            "history": record.status_history if record else [],
            "depicts": record.depicts if record else {},
            "reason": continuity_reason(record) if record else "",
        }
    context |= {
        "takes": _takes(versions),
        "versions": versions,
        "selected": selected,
        "job": watched_job(frameline, slug, job),
    }
    return render(request, "shot.html", context)


def _compared(session: Any, frameline: Any, slug: str, version_id: str) -> dict[str, Any]:
    """One side of a comparison: the version, what it depicts and its continuity in words."""
    record = get_version(session, version_id)
    if project_of_version(session, record) != slug:
        raise NotFound(f"project {slug!r} has no version {version_id!r}")
    return {
        "view": version_view(session, frameline, record),
        "depicts": record.depicts or {},
        "reason": continuity_reason(record),
    }


def depiction_differences(left: dict[str, Any], right: dict[str, Any]) -> list[dict[str, str]]:
    """The parts of two descriptions that differ, as words side by side."""

    def words(value: Any) -> str:
        if isinstance(value, list):
            return ", ".join(
                " ".join(str(v) for v in item.values() if v)
                if isinstance(item, dict)
                else str(item)
                for item in value
            )
        return str(value or "")

    keys = [k for k in dict.fromkeys([*left, *right])]
    rows = []
    for key in keys:
        a, b = words(left.get(key)), words(right.get(key))
        if a != b:
            rows.append({"field": key.replace("_", " "), "left": a or "—", "right": b or "—"})
    return rows


@router.get("/p/{slug}/shots/{code}/compare", response_class=HTMLResponse)
def compare_page(
    slug: str,
    code: str,
    request: Request,
    visitor: ProjectVisitorDep,
    frameline: FramelineDep,
    a: str | None = None,
    b: str | None = None,
) -> HTMLResponse:
    """Two takes of a shot side by side and under a before/after slider, with what differs."""
    versions = list_versions(frameline, visitor.actor, slug, code)
    if not versions:
        raise NotFound(f"shot {code} has no frames to compare yet")
    ids = [v.version_id for v in versions]
    left_id = (a or "").lower() if (a or "").lower() in ids else ids[max(0, len(ids) - 2)]
    right_id = (b or "").lower() if (b or "").lower() in ids else ids[-1]
    with frameline.transaction() as session:
        project = get_project(session, slug)
        left = _compared(session, frameline, slug, left_id)
        right = _compared(session, frameline, slug, right_id)
        context = project_context(visitor, project)
    differences = depiction_differences(left["depicts"], right["depicts"])
    if left["view"].prompt != right["view"].prompt:
        differences.insert(
            0, {"field": "prompt", "left": left["view"].prompt, "right": right["view"].prompt}
        )
    for field in ("continuity", "status"):
        before, after = getattr(left["view"], field), getattr(right["view"], field)
        if before != after:
            differences.append({"field": field, "left": before, "right": after})
    context |= {
        "shot": {"code": versions[0].shot},
        "versions": versions,
        "left": left,
        "right": right,
        "differences": differences,
        "job": None,
    }
    return render(request, "compare.html", context)
