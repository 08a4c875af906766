"""Shots, renders and their versions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import CallerDep, FramelineDep, page
from api.problems import ERROR_RESPONSES
from api.schemas import JobAccepted, Page, RenderIn, Shot, Version
from memory.records import Scene
from memory.store import get_project, list_shots, versions_of_shot
from tools.frames import list_versions, version_view
from tools.jobs import submit_job

router = APIRouter(prefix="/v1/projects", tags=["shots"], responses=ERROR_RESPONSES)


def shot_json(session: Any, frameline: Any, shot: Any) -> dict[str, Any]:
    """A shot with its latest version (what a storyboard grid shows)."""
    versions = versions_of_shot(session, shot)
    scene = session.get(Scene, shot.scene_id)
    return {
        "code": shot.code,
        "scene": scene.number if scene else "",
        "framing": shot.framing,
        "angle": shot.angle,
        "description": shot.description,
        "versions": len(versions),
        "latest": version_view(session, frameline, versions[-1]).to_json() if versions else None,
    }


@router.get("/{slug}/shots", response_model=Page[Shot])
def list_project_shots(
    caller: CallerDep,
    frameline: FramelineDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
) -> dict[str, Any]:
    """Every shot with its latest version, in creation order."""
    with frameline.transaction() as session:
        shots = list_shots(session, get_project(session, caller.project))
        return page([shot_json(session, frameline, s) for s in shots], limit, cursor)


@router.get("/{slug}/shots/{code}/versions", response_model=Page[Version])
def list_shot_versions(
    code: str,
    caller: CallerDep,
    frameline: FramelineDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
) -> dict[str, Any]:
    """A shot's versions, oldest first."""
    versions = list_versions(frameline, caller.actor, caller.project, code)
    return page([v.to_json() for v in versions], limit, cursor)


@router.post("/{slug}/renders", response_model=JobAccepted, status_code=202)
def render(body: RenderIn, caller: CallerDep, frameline: FramelineDep) -> dict[str, str]:
    """Queue a render; follow it at /v1/jobs/{job_id}/events."""
    request = body.model_dump()
    job = submit_job(frameline, caller.actor, caller.project, "render", request)
    frameline.worker.enqueue(job.job_id)
    return {"job_id": job.job_id}
