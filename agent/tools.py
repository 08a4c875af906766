"""The agent's tools: thin wrappers over tools/ and memory/ with pydantic argument schemas.

Every id a model sends must exist in the turn's project, and no tool takes a file path or URL.
Refusals (permissions, unknown ids, locked versions) go back to the model as tool errors; the
rules themselves live in tools/, so the API, Slack and CLI obey the same ones.
"""

from __future__ import annotations

import queue
from typing import Annotated, Any, Literal

from langchain_core.tools import BaseTool, ToolException
from langgraph.prebuilt import ToolRuntime
from pydantic import BaseModel, Field

from agent import approvals
from agent.export_tool import export_link
from agent.job_tools import get_job_status, list_jobs
from agent.toolbase import frameline_tool as _tool
from core.errors import Conflict, FramelineError, InvalidInput, NotFound
from memory import store
from memory.records import Project, Shot, Version
from memory.store import get_project
from memory.views import character_json, scene_json
from tools import budget
from tools.context import Actor, require
from tools.continuity import check as continuity_check
from tools.continuity import report as continuity_reports
from tools.facts import state_fact
from tools.frames import list_versions as versions_of
from tools.frames import version_view
from tools.jobs import job_failure
from tools.policy import submit
from tools.scripts import search_memory
from tools.shots import shot_json
from tools.versions import set_status as change_status
from tools.versions import unlock

SceneNumber = Annotated[
    str, Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z.-]{0,15}$", description="Scene number, like 3.")
]
ShotCode = Annotated[
    str, Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z-]{0,30}$", description="Shot code, like 12B.")
]
VersionId = Annotated[str, Field(pattern=r"^[vV][0-9]{1,18}$", description="Version id, like v7.")]
Words = Annotated[str, Field(min_length=1, max_length=2000)]
SUMMARY = ("version_id", "scene", "shot", "parent_id", "status", "continuity", "stale", "seed")
JOB_WAIT_SECONDS = 600.0


def _summary(version: Any) -> dict[str, Any]:
    document = version if isinstance(version, dict) else version.to_json()
    return {key: document[key] for key in SUMMARY} | {"depicts": document.get("depicts", {})}


def _target(session: Any, project: Project, version_id: str | None, shot: str | None) -> Version:
    """The version named, or the latest of the shot named; it must be of this project."""
    if bool(version_id) == bool(shot):
        raise InvalidInput("name exactly one of version_id (like v7) or shot (like 12B)")
    if version_id:
        return store.version_of_project(session, project, version_id)
    versions = store.versions_of_shot(session, store.get_shot(session, project, shot or ""))
    if not versions:
        raise NotFound(f"shot {shot} has no versions yet; render it first")
    return versions[-1]


def target_version(studio: Any, project: str, version_id: Any, shot: Any) -> str | None:
    """The id of the version a call names, or None when it names none (the tool will say so)."""
    named = [value if isinstance(value, str) else None for value in (version_id, shot)]
    try:
        with studio.transaction() as session:
            return _target(session, get_project(session, project), *named).version_id
    except FramelineError:
        return None


def _run_job(
    runtime: ToolRuntime, kind: str, request: dict[str, Any], approved: str | None = None
) -> list[dict[str, Any]]:
    """Submit through the policy (as every front door does) and wait, streaming progress."""
    context = runtime.context
    submitted = submit(
        context.studio, context.actor, context.project, kind, request, approved=approved
    )
    if submitted.waiting and submitted.approval is not None:
        asked = submitted.approval
        raise ToolException(
            f"job {submitted.job.job_id} waits for a {asked['needs_role']}'s approval "
            f"{asked['approval_id']}: {asked['reason']}"
        )
    job = submitted.job
    worker = context.studio.worker
    listener = worker.events.subscribe(job.job_id)
    try:
        running = worker.enqueue(job.job_id)
        while not running.done():
            try:
                event, data = listener.get(timeout=0.5)
            except queue.Empty:
                continue
            if event == "progress":
                runtime.stream_writer({"tool": kind, **data})
            elif event == "done":
                break
        done = running.result(timeout=JOB_WAIT_SECONDS)
    finally:
        worker.events.unsubscribe(job.job_id, listener)
    if done.state != "done":
        raise job_failure(done)
    return done.result["versions"]


def _clearance(runtime: ToolRuntime, gate: approvals.Gate | None) -> dict[str, Any] | None:
    """The approval a gated call got; the tool refuses a gated call that has none."""
    if gate is None:
        return None
    decision = runtime.state.get("decisions", {}).get(runtime.tool_call_id)
    if decision is None or decision["state"] == "pending":
        raise ToolException(f"this needs a {gate.needs_role}'s approval first")
    return decision


def _not_done(decision: dict[str, Any]) -> dict[str, Any]:
    return {
        "not_done": f"{decision['by']} ({decision['role']}) rejected it",
        "approval_id": decision["approval_id"],
    }


class SearchArgs(BaseModel):
    query: Words
    kind: Literal["scene", "character", "fact", "shot"] | None = None
    limit: int = Field(default=5, ge=1, le=20)


@_tool(SearchArgs)
def search_script(query: str, runtime: ToolRuntime, kind: str | None = None, limit: int = 5) -> Any:
    """Search the screenplay, characters, continuity facts and shots by meaning."""
    context = runtime.context
    hits = search_memory(
        context.studio, context.actor, context.project, query, [kind] if kind else None, limit
    )
    return [{"kind": h.kind, "id": h.id, "text": h.text[:700], "score": h.score} for h in hits]


class SceneArgs(BaseModel):
    scene: SceneNumber


@_tool(SceneArgs)
def get_scene(scene: str, runtime: ToolRuntime) -> Any:
    """A scene's heading, characters and text, by its number."""
    context = runtime.context
    require(context.actor, "read", "read scenes")
    with context.studio.transaction() as session:
        row = store.get_scene(session, get_project(session, context.project), scene)
        return {**scene_json(row), "text": row.text[:6000]}


class CharacterArgs(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=120)]


@_tool(CharacterArgs)
def get_character(name: str, runtime: ToolRuntime) -> Any:
    """A character's description and aliases, by name."""
    context = runtime.context
    require(context.actor, "read", "read characters")
    with context.studio.transaction() as session:
        project = get_project(session, context.project)
        return character_json(store.get_character(session, project, name))


class ShotArgs(BaseModel):
    shot: ShotCode


def _shot_json(session: Any, studio: Any, shot: Shot) -> dict[str, Any]:
    """The shared shot JSON, cut to what a model needs."""
    full = shot_json(session, studio, shot)
    latest = full["latest"] or {}
    return {
        "shot": full["code"],
        "scene": full["scene"] or None,
        "description": full["description"][:300],
        "framing": full["framing"],
        "angle": full["angle"],
        "versions": full["versions"],
        "latest_version": latest.get("version_id"),
        "latest_status": latest.get("status"),
    }


@_tool(ShotArgs)
def get_shot(shot: str, runtime: ToolRuntime) -> Any:
    """A shot's scene, framing, angle and latest version, by its code."""
    context = runtime.context
    require(context.actor, "read", "read shots")
    with context.studio.transaction() as session:
        project = get_project(session, context.project)
        return _shot_json(session, context.studio, store.get_shot(session, project, shot))


class ListShotsArgs(BaseModel):
    scene: SceneNumber | None = None


@_tool(ListShotsArgs)
def list_shots(runtime: ToolRuntime, scene: str | None = None) -> Any:
    """The shots of the project, or of one scene, in the order they were made."""
    context = runtime.context
    require(context.actor, "read", "read shots")
    with context.studio.transaction() as session:
        project = get_project(session, context.project)
        wanted = store.get_scene(session, project, scene).id if scene else None
        shots = [s for s in store.list_shots(session, project) if wanted in (None, s.scene_id)]
        return [_shot_json(session, context.studio, s) for s in shots]


@_tool(ShotArgs)
def list_versions(shot: str, runtime: ToolRuntime) -> Any:
    """A shot's versions (frames), oldest first, with status and continuity."""
    context = runtime.context
    return [_summary(v) for v in versions_of(context.studio, context.actor, context.project, shot)]


class CompareArgs(BaseModel):
    version_ids: list[VersionId] = Field(min_length=2, max_length=4)


@_tool(CompareArgs)
def compare_versions(version_ids: list[str], runtime: ToolRuntime) -> Any:
    """Versions side by side: shot, status, continuity and what each frame depicts."""
    context = runtime.context
    with context.studio.transaction() as session:
        project = get_project(session, context.project)
        views = [
            version_view(session, context.studio, store.version_of_project(session, project, v))
            for v in dict.fromkeys(version_ids)
        ]
        return [{**_summary(view), "depicts": view.depicts} for view in views]


class RenderArgs(BaseModel):
    scene: SceneNumber
    shot: ShotCode | None = Field(default=None, description="Existing shot for a fresh take.")
    prompt: Annotated[str, Field(max_length=1000)] | None = None
    characters: list[Annotated[str, Field(max_length=120)]] | None = Field(None, max_length=12)
    framing: Literal["wide", "medium", "close-up", "over-the-shoulder"] = "medium"
    angle: Literal["eye-level", "low", "high"] = "eye-level"
    count: int = Field(default=1, ge=1, le=8, description="Frames to render (more than 4 waits).")
    seed: int | None = Field(default=None, ge=0, lt=2**31)


@_tool(RenderArgs)
def render_frames(scene: str, runtime: ToolRuntime, count: int = 1, **options: Any) -> Any:
    """Render new frames of a scene: a new shot, or fresh takes of an existing shot."""
    context = runtime.context
    gate = approvals.render_gate(context.studio, context.project, {"scene": scene, "count": count})
    decision = _clearance(runtime, gate)
    if decision is not None and decision["state"] == "rejected":
        return _not_done(decision)
    approved = decision["approval_id"] if decision is not None else None
    made = _run_job(runtime, "render", {"scene": scene, "count": count, **options}, approved)
    return {"versions": [_summary(v) for v in made]}


class ReviseArgs(BaseModel):
    instruction: Words
    version_id: VersionId | None = None
    shot: ShotCode | None = Field(default=None, description="Revises the shot's latest version.")
    region: Annotated[str, Field(pattern=r"^[a-z ]{3,20}$")] | None = Field(
        default=None, description="A named region to change alone, like 'sky' or 'left third'."
    )


@_tool(ReviseArgs)
def revise_frame(instruction: str, runtime: ToolRuntime, **target: Any) -> Any:
    """A child version of a frame with one thing changed; the parent stays as it was."""
    context = runtime.context
    with context.studio.transaction() as session:
        project = get_project(session, context.project)
        parent = _target(session, project, target.get("version_id"), target.get("shot"))
        parent_id = parent.version_id
    request = {"version_id": parent_id, "instruction": instruction, "region": target.get("region")}
    [child] = _run_job(runtime, "revise", request)
    return {"version": _summary(child), "revised": parent_id}


class StatusArgs(BaseModel):
    status: Literal["draft", "approved", "locked"]
    version_id: VersionId | None = None
    shot: ShotCode | None = Field(default=None, description="Sets the shot's latest version.")
    override_reason: Annotated[str, Field(max_length=500)] | None = None
    approve_first: bool = Field(
        default=False,
        description="Lock a draft by approving it first; only when the person said "
        "“approve and lock”. A plain lock of a draft is refused.",
    )


@_tool(StatusArgs)
def set_status(status: str, runtime: ToolRuntime, **target: Any) -> Any:
    """Approve, lock or return a version to draft (locking and overrides wait for a director)."""
    context = runtime.context
    with context.studio.transaction() as session:
        project = get_project(session, context.project)
        version = _target(session, project, target.get("version_id"), target.get("shot"))
        version_id = version.version_id
    reason = target.get("override_reason")
    gate = approvals.status_gate(context.actor, version_id, status, reason)
    decision = _clearance(runtime, gate)
    actor = context.actor
    if decision is not None:
        if decision["state"] == "rejected":
            return _not_done(decision)
        actor = Actor(decision["by"], decision["role"])  # the approver's authority acts
    # Whether a draft may be locked is tools.versions' rule, the same as the CLI's `--approve`.
    try:
        view = change_status(
            context.studio,
            actor,
            version_id,
            status,
            override_reason=reason,
            approve_first=bool(target.get("approve_first")),
        )
    except Conflict as refused:
        if status == "locked" and _status_of(context, version_id) == "draft":
            raise ToolException(
                f"{version_id} is a draft: approve it first, or say “approve and lock {version_id}”"
            ) from refused
        raise
    return _summary(view)


def _status_of(context: Any, version_id: str) -> str:
    with context.studio.transaction() as session:
        return store.get_version(session, version_id).status


class UnlockArgs(BaseModel):
    reason: Annotated[str, Field(min_length=3, max_length=500)] = Field(
        description="Why the locked version is reopened (recorded in its status history)."
    )
    version_id: VersionId | None = None
    shot: ShotCode | None = Field(default=None, description="Unlocks the shot's latest version.")


@_tool(UnlockArgs)
def unlock_version(reason: str, runtime: ToolRuntime, **target: Any) -> Any:
    """Return a locked version to approved, with a reason (directors and admins only)."""
    context = runtime.context
    with context.studio.transaction() as session:
        project = get_project(session, context.project)
        version = _target(session, project, target.get("version_id"), target.get("shot"))
        if target.get("shot"):  # the shot's locked version, which need not be its latest
            held = store.versions_of_shot(session, store.get_shot(session, project, target["shot"]))
            version = next((v for v in held if v.status == "locked"), version)
        version_id = version.version_id
    return _summary(unlock(context.studio, context.actor, version_id, reason))


class CheckArgs(BaseModel):
    version_id: VersionId


@_tool(CheckArgs)
def check_continuity(version_id: str, runtime: ToolRuntime) -> Any:
    """Check one frame against the continuity facts and the cast's reference faces."""
    context = runtime.context
    require(context.actor, "render", "check continuity")
    with context.studio.transaction() as session:
        project = get_project(session, context.project)
        version_id = _target(session, project, version_id, None).version_id
    report = continuity_check.check_version(context.studio, version_id)
    result = {key: report.get(key) for key in ("version_id", "shot", "result", "summary")}
    runtime.stream_writer({"tool": "check_continuity", **result})
    return {**result, "open_items": report.get("open_items", [])[:10]}


class ContinuityArgs(BaseModel):
    scene: SceneNumber | None = None
    subject: Annotated[str, Field(max_length=120)] | None = Field(
        default=None, description="A character or prop: is it consistent in the scene?"
    )


@_tool(ContinuityArgs)
def continuity_report(
    runtime: ToolRuntime, scene: str | None = None, subject: str | None = None
) -> Any:
    """Continuity of the project or a scene: its facts and each shot's check, or one subject's."""
    context = runtime.context
    studio, actor, project = context.studio, context.actor, context.project
    if subject:
        if not scene:
            raise InvalidInput("name the scene in which to check the subject")
        return continuity_reports.consistency(studio, actor, project, scene, subject)
    return continuity_reports.continuity_report(studio, actor, project, scene=scene)


class FactArgs(BaseModel):
    fact: str = Field(
        min_length=3,
        max_length=500,
        description="Subject: statement, scenes; like 'Mara: bandage on left hand, scenes 3-10'",
    )


@_tool(FactArgs)
def remember_fact(fact: str, runtime: ToolRuntime) -> Any:
    """Remember a continuity fact the person stated, for the scenes it covers."""
    context = runtime.context
    return state_fact(context.studio, context.actor, context.project, fact)


class BudgetArgs(BaseModel):
    account: Annotated[str, Field(max_length=80)] | None = Field(
        default=None, description="Account number or name, like 5300 or 'VFX'."
    )
    scene: SceneNumber | None = None


@_tool(BudgetArgs)
def budget_status(
    runtime: ToolRuntime, account: str | None = None, scene: str | None = None
) -> Any:
    """Budget against actuals and estimates, for the project, one account or one scene.

    The account may be a number or words of its name as people say them ("VFX", "camera")."""
    context = runtime.context
    return budget.budget_status(
        context.studio, context.actor, context.project, account=account, scene=scene
    )


@_tool(ShotArgs)
def shot_ledger(shot: str, runtime: ToolRuntime) -> Any:
    """The ledger entries (renders, revisions) charged to one shot, oldest first."""
    context = runtime.context
    entries = budget.ledger_entries(context.studio, context.actor, context.project, shot)
    return {"shot": shot.upper(), "currency": context.settings.currency, "entries": entries}


TOOLS: list[BaseTool] = [
    search_script,
    get_scene,
    get_character,
    get_shot,
    list_shots,
    list_versions,
    compare_versions,
    render_frames,
    revise_frame,
    set_status,
    unlock_version,
    check_continuity,
    continuity_report,
    remember_fact,
    budget_status,
    shot_ledger,
    list_jobs,
    get_job_status,
    export_link,
]
